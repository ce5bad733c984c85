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

Lifetime: nothing of a run outlives the runner, however it ends (its last ``with`` block, Ctrl-C,
``kill -TERM``, ``kill -9``). The server's standard input is a pipe from the runner; end of file on
it (the runner closed it, or the runner is gone and the system closed it) stops the server, which
kills its kernels and removes its temporary folder. That folder holds the server's socket and, put
there by the runner, every kernel's sockets, connection file and staging folder, so one removal
leaves nothing behind. On Linux the server also asks for a signal when the runner dies, and each
kernel for SIGKILL when the server dies (``prctl(PR_SET_PDEATHSIG)``), so no kernel survives even a
killed server; a stub ends when its connection to the server closes. A request the server cannot
read (not JSON, cut short, too long, too slow) is answered with an ``error`` line and the server
keeps serving.
"""

from __future__ import annotations

import ctypes
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

#: A request (argv, environment, working folder as one JSON line) longer than this is refused: a
#: real one is a few kilobytes, and the server must not grow on whatever a client sends.
MAX_REQUEST_BYTES = 8 << 20
#: Seconds a client may take to send its request; the server serves one request at a time.
REQUEST_SECONDS = 10.0
#: ``prctl`` option asking for a signal when the parent ends (linux/prctl.h).
PR_SET_PDEATHSIG = 1

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


def _die_with_parent(signum: int, parent: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent ends; False if it already has.

    Why: a parent killed with SIGKILL runs no cleanup, so its children must notice by themselves.
    The signal is tied to the parent *thread* that started this process, which is the main thread
    for both the server (started by ``running_server``) and the kernels (forked by the server's
    loop). Elsewhere than Linux this is a no-op and the runner's pipe is the only watch.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
        except (OSError, AttributeError):  # no libc symbol: keep the pipe watch only
            pass
    return os.getppid() == parent  # the parent may have ended before the request took effect


def _become_kernel(request: dict, fds: list[int], closing: list, server: int) -> None:
    """In the forked child: take over the stub's streams, folder and environment; run the kernel.

    ``closing`` holds the server's own sockets and selector, which the kernel must not keep open;
    ``server`` is the server's pid (the kernel dies with it).
    """
    try:
        if not _die_with_parent(signal.SIGKILL, server):
            os._exit(1)
        for resource in closing:
            resource.close()
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)  # fd 0 was the runner's pipe; the kernel keeps no copy of it
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


def serve(path: str, runner: int) -> None:
    """Accept kernel requests on the Unix socket ``path`` until the runner (pid ``runner``) closes
    this process's standard input, ends, or sends SIGTERM (the server's main).

    Whatever stops it, the kernels are killed and the socket's folder is removed on the way out.
    """
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    # Before pre-loading (seconds): a runner that ends meanwhile stops the server right after it.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is the runner's to handle
    try:
        if not _die_with_parent(signal.SIGTERM, runner):
            return
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # as jupyter_client sets for kernels
        _preload()
        if not stopping:
            _serve_requests(path, lambda: stopping)
    finally:
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def _serve_requests(path: str, stopped: Callable[[], bool]) -> None:
    """The server's loop: fork a kernel per request, kill it when its stub goes, reap it when it ends."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # Bound under a temporary name and renamed once listening: the socket file existing is the
    # runner's signal that the server is ready.
    listener.bind(path + ".starting")
    listener.listen(16)
    os.replace(path + ".starting", path)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ, "runner")
    children: dict[int, socket.socket] = {}
    runner_gone = False
    try:
        while not (stopped() or runner_gone):
            for key, _ in selector.select(timeout=0.02):
                if key.data == "runner":  # only end of file is expected: the runner closed it or died
                    runner_gone = not os.read(key.fd, 4096)
                elif key.fileobj is listener:
                    _start_kernel(listener, selector, children)
                else:  # the stub closed its connection: it was killed, so the kernel goes too
                    pid = key.data
                    selector.unregister(key.fileobj)
                    if pid in children:
                        _kill(pid)
            _reap(children, selector)
    finally:
        for pid in list(children):
            _kill(pid)
        _reap(children, selector, block=True)
        listener.close()


def _start_kernel(listener: socket.socket, selector: selectors.BaseSelector, children: dict) -> None:
    """Accept one stub, read its request and fork its kernel; a request it cannot read is answered
    with one ``error`` line, and the server carries on."""
    try:
        conn, _ = listener.accept()
    except OSError:  # e.g. out of file descriptors for a moment; the stub will see its connect fail
        return
    try:
        request, fds = _read_request(conn)
    except ValueError as problem:
        _answer(conn, f"error {problem}")
        conn.close()
        return
    if request is None:  # the stub went away before asking: nothing to start
        conn.close()
        return
    server = os.getpid()
    try:
        pid = os.fork()
    except OSError as problem:
        _close(fds)
        _answer(conn, f"error cannot fork a kernel: {problem}")
        conn.close()
        return
    if pid == 0:
        _become_kernel(request, fds, [selector, *children.values(), listener, conn], server)
    for fd in fds:
        os.close(fd)
    _answer(conn, f"pid {pid}")  # if the stub is gone already, its connection reads as closed below
    children[pid] = conn
    selector.register(conn, selectors.EVENT_READ, pid)


def _answer(conn: socket.socket, line: str) -> None:
    try:
        conn.sendall(line.encode("utf-8", "replace") + b"\n")
    except OSError:
        pass


def _read_request(conn: socket.socket) -> tuple[dict | None, list[int]]:
    """The stub's request (one JSON line) and its three standard streams; None if it hung up
    without sending anything. ValueError (and no descriptor left open) for anything else."""
    fds: list[int] = []
    try:
        conn.settimeout(REQUEST_SECONDS)
        first, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
        message = bytearray(first)
        while message and not message.endswith(b"\n"):
            if len(message) > MAX_REQUEST_BYTES:
                raise ValueError(f"request longer than {MAX_REQUEST_BYTES} bytes")
            chunk = conn.recv(1 << 20)
            if not chunk:
                raise ValueError("request cut short (no end of line)")
            message += chunk
        if not message:
            _close(fds)
            return None, []
        request = json.loads(message)
        if not (
            isinstance(request, dict)
            and isinstance(request.get("argv"), list)
            and all(isinstance(a, str) for a in request["argv"])
            and isinstance(request.get("cwd"), str)
            and isinstance(request.get("env"), dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in request["env"].items())
        ):
            raise ValueError('request is not {"argv": [str], "cwd": str, "env": {str: str}}')
        if len(fds) != 3:
            raise ValueError(f"request came with {len(fds)} file descriptors instead of 3 (stdin, stdout, stderr)")
        conn.settimeout(None)
        return request, fds
    except (json.JSONDecodeError, UnicodeDecodeError) as problem:
        _close(fds)
        raise ValueError(f"request is not JSON in UTF-8 ({problem})") from None
    except ValueError:
        _close(fds)
        raise
    except OSError as problem:  # a timeout is one too
        _close(fds)
        raise ValueError(f"request not received ({type(problem).__name__}: {problem})") from None


def _close(fds: list[int]) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


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
        _answer(conn, f"exit {os.waitstatus_to_exitcode(status)}")
        conn.close()


# --------------------------------------------------------------------------------------------
# Starting and stopping the server from the runner
# --------------------------------------------------------------------------------------------


def start_server(path: str) -> subprocess.Popen:
    """Start a server that listens on ``path``; it ends when the returned process's stdin is closed
    or when this process dies.

    Used by :func:`running_server` and by the test session's nbval kernels (``conftest.py``).

    Parameters
    ----------
    path : str
        Where the server's Unix socket will be (its folder must exist).

    Returns
    -------
    subprocess.Popen
        The server; close its ``stdin`` to end it (it kills its kernels and removes its folder).
    """
    # This file is run by path, not imported as ``mdi_analysis.pipeline._kernel_server``: importing
    # it through the package would load the package's public faces (and with them the project's own
    # modules) into the server, and so into every kernel forked from it.
    code = f"import runpy; runpy.run_path({__file__!r}, run_name='__main__')"  # argv: the socket, this pid
    # Its standard input is the pipe whose end of file tells it that this process is done or gone.
    return subprocess.Popen([sys.executable, "-c", code, path, str(os.getpid())], stdin=subprocess.PIPE)


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
    process = start_server(path)
    previous = os.environ.get(SERVER_ENV)
    try:
        if while_starting is not None:
            while_starting()
        ready = _wait_until_listening(process, path, timeout)
        if ready:
            os.environ[SERVER_ENV] = path
        yield ready
    finally:
        if previous is None:
            os.environ.pop(SERVER_ENV, None)
        else:
            os.environ[SERVER_ENV] = previous
        process.stdin.close()  # the server kills its kernels, removes its folder and ends
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def scratch_folder() -> str | None:
    """The running server's folder, where the runner puts a kernel's sockets, connection file and
    staging files (None without a server: the system's temporary folder then).

    Why there: if the runner is killed, the server removes that folder on its way out, and with it
    every temporary file of the run; nothing else would.
    """
    server = os.environ.get(SERVER_ENV)
    return os.path.dirname(server) if server and os.path.exists(server) else None


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
    serve(sys.argv[1], int(sys.argv[2]))
