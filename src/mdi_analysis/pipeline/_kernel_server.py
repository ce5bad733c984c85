"""Fresh notebook kernels in a fraction of the start-up time: fork them from a pre-loaded server.

Why: every notebook runs in its own fresh kernel, and most of a notebook's CPU time on this
small corpus is not its computation but starting Python, ipykernel and importing pandas,
pandera, matplotlib, seaborn (which imports scipy.stats), scikit-learn and NLTK: 1.5-4 s per
notebook, repeated fifteen times on a two-core machine. The runner therefore starts one server
process that imports those libraries once and then forks a kernel for each notebook.

What a notebook gets is still a fresh kernel: a new process, started by Jupyter's own kernel
manager, with an empty namespace, that executes the notebook top to bottom; only library
modules are already in memory (the same modules the notebook would import itself). Nothing of
the project's own code and no data is loaded before the fork, so no state can leak between
notebooks, and ``PYTHONHASHSEED`` is fixed in the server, so hashing is the same as in a
separately started kernel. A probe notebook gives identical outputs either way
(``tests/test_kernel_server.py``), and the committed notebooks did not change when forking was
introduced. ``MDI_FORK_KERNELS=0`` switches the runner back to ordinary kernels.

Mechanics: Jupyter's kernel manager starts ``_kernel_stub.py`` (standard library only, starts
in milliseconds) in place of ``python -m ipykernel_launcher``. The stub passes its arguments,
environment, working folder and standard streams to the server over a Unix socket; the server
forks, and the child becomes the kernel. The stub stands in for the kernel towards Jupyter
(signals are forwarded, its exit code is the kernel's), and if the stub dies the server kills
the kernel.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

#: Environment variable holding the server's socket path; kernels started under it are forked.
SERVER_ENV = "MDI_KERNEL_SERVER"
#: ``MDI_FORK_KERNELS=0`` turns forking off (ordinary kernels, slower, same results).
SWITCH_ENV = "MDI_FORK_KERNELS"

#: Libraries imported once in the server, in this order. Only third-party libraries: the
#: project's own modules are imported by each notebook, so they always reflect the code on disk.
PRELOAD = (
    "ipykernel.kernelapp",
    # what ipykernel imports when a kernel starts (debugger support, history, introspection)
    "ipykernel.debugger",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.core.completerlib",
    "IPython.extensions.storemagic",
    "sqlite3",
    "pandas",
    "pandera.pandas",
    "matplotlib.pyplot",
    "seaborn",
    "scipy.stats",
    "sklearn.decomposition",
    "sklearn.feature_extraction.text",
    "sklearn.linear_model",
    "sklearn.metrics",
    "nltk.stem.snowball",
    "simplemma",
    "ipywidgets",
)

#: The matplotlib backend ipykernel would choose; set before matplotlib is imported in the server
#: so that pyplot in a forked kernel draws inline exactly as in a separately started one.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def enabled() -> bool:
    """Forking is on by default on Linux only: macOS's system libraries are not safe to use in a
    forked child without ``exec``, and Windows has no ``fork``."""
    return os.environ.get(SWITCH_ENV, "1") != "0" and sys.platform.startswith("linux")


class ForkedKernelManager(AsyncKernelManager):
    """Jupyter's kernel manager, starting the stub instead of ``ipykernel_launcher``.

    Without a running server (``MDI_KERNEL_SERVER`` unset) it behaves exactly like its parent.
    """

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        server = os.environ.get(SERVER_ENV)
        if not server or not os.path.exists(server) or cmd[1:3] != ["-m", "ipykernel_launcher"]:
            return cmd
        # -I: the stub needs nothing but the standard library, and must not pick up modules from
        # its own folder or the environment.
        return [cmd[0], "-I", str(Path(__file__).with_name("_kernel_stub.py")), *cmd[3:]]


# --------------------------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------------------------


def _preload() -> None:
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in PRELOAD:
            try:
                importlib.import_module(name)
            except ImportError:
                pass  # optional in some environments; the notebook imports it itself if needed


def _become_kernel(request: dict, fds: list[int], closing: list) -> None:
    """In the forked child: take over the stub's streams, folder and environment; run the kernel.

    ``closing`` holds the server's own sockets and selector, which the kernel must not keep open.
    """
    try:
        for resource in closing:
            resource.close()
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        for fd in fds:
            os.close(fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setsid()  # its own session, as Jupyter starts kernels: Ctrl-C in the terminal is not for it
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.pop(SERVER_ENV, None)
        argv = list(request["argv"])
        if os.environ.get("JPY_PARENT_PID"):
            # ipykernel reads this variable when it is imported (in the server, before the
            # variable existed); passed explicitly, the kernel behaves as one Jupyter started.
            argv.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - report and exit: this process must never return
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def serve(path: str) -> None:
    """Accept kernel requests on the Unix socket ``path`` until terminated (the server's main)."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # as jupyter_client sets for kernels
    _preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # Bound under a temporary name and renamed once listening: the socket file existing is the
    # runner's signal that the server is ready.
    listener.bind(path + ".starting")
    listener.listen(16)
    os.replace(path + ".starting", path)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is the runner's to handle
    while not stopping:
        for key, _ in selector.select(timeout=0.02):
            if key.fileobj is listener:
                conn, _ = listener.accept()
                request, fds = _read_request(conn)
                if request is None:  # the stub went away before asking: nothing to start
                    conn.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    _become_kernel(request, fds, [selector, listener, *children.values(), conn])
                for fd in fds:
                    os.close(fd)
                conn.sendall(f"pid {pid}\n".encode())
                children[pid] = conn
                selector.register(conn, selectors.EVENT_READ, pid)
            else:  # the stub closed its connection: it was killed, so the kernel goes too
                pid = key.data
                selector.unregister(key.fileobj)
                if pid in children:
                    _kill(pid)
        _reap(children, selector)
    for pid in list(children):
        _kill(pid)
    _reap(children, selector, block=True)


def _read_request(conn: socket.socket) -> tuple[dict | None, list[int]]:
    """The stub's request (one JSON line) and its three standard streams; None if it hung up."""
    message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    while message and not message.endswith(b"\n"):
        chunk = conn.recv(1 << 20)
        if not chunk:
            message = b""
        message += chunk
    if not message or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return None, []
    return json.loads(message), fds


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(children: dict[int, socket.socket], selector: selectors.BaseSelector, block: bool = False) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = children.pop(pid, None)
        if conn is None:
            continue
        try:
            selector.unregister(conn)
        except (KeyError, ValueError):
            pass
        try:
            conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
        except OSError:
            pass
        conn.close()


# --------------------------------------------------------------------------------------------
# Starting and stopping the server from the runner
# --------------------------------------------------------------------------------------------


@contextmanager
def running_server(timeout: float = 60.0, while_starting: Callable[[], None] | None = None) -> Iterator[bool]:
    """Start the server for the duration of the block; yields whether kernels will be forked.

    Waits until the server has pre-loaded (about 2 s). Why wait instead of starting the first
    notebook in an ordinary kernel meanwhile: that notebook would then pay the imports itself, and
    measured over repeated runs the two choices took the same time; waiting is simpler. The server
    inherits this process's environment, so call this inside
    :func:`mdi_analysis.pipeline._runner.kernel_environment`. ``while_starting`` is called meanwhile: the
    caller's own preparation, on the core the server leaves free. When forking is unavailable or
    switched off, or the server does not come up, every kernel is an ordinary one.
    """
    if not enabled():
        if while_starting is not None:
            while_starting()
        yield False
        return
    folder = tempfile.mkdtemp(prefix="mdi-kernels-")
    path = os.path.join(folder, "server.sock")
    # This file is run by path, not imported as ``mdi_analysis.pipeline._kernel_server``: importing
    # it through the package would load the package's public faces (and with them the project's own
    # modules) into the server, and so into every kernel forked from it.
    code = f"import runpy; runpy.run_path({__file__!r}, run_name='__main__')"  # its sys.argv[1]: the socket
    process = subprocess.Popen([sys.executable, "-c", code, path], stdin=subprocess.DEVNULL)
    if while_starting is not None:
        while_starting()
    ready = _wait_until_listening(process, path, timeout)
    previous = os.environ.get(SERVER_ENV)
    if ready:
        os.environ[SERVER_ENV] = path
    try:
        yield ready
    finally:
        if previous is None:
            os.environ.pop(SERVER_ENV, None)
        else:
            os.environ[SERVER_ENV] = previous
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_listening(process: subprocess.Popen, path: str, timeout: float) -> bool:
    """The server binds its socket only after pre-loading, so the socket file means "ready"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    return False


if __name__ == "__main__":
    serve(sys.argv[1])
