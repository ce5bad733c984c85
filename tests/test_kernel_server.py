"""Forked kernels (mdi_analysis.pipeline._kernel_server): as fresh as ordinary ones, and never left behind.

The runner forks each notebook's kernel from a server that has imported the heavy libraries once.
That is only acceptable if a notebook cannot tell the difference, so these tests run the same
notebook both ways and compare, check that nothing a notebook does is visible to the next one,
and that killing the process Jupyter manages also ends the kernel.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from pathlib import Path

import nbformat
import pytest

from mdi_analysis import pipeline
from mdi_analysis.pipeline import _kernel_server as kernel_server  # the server's internals under test

PROBE = [
    "import os, sys\nprint(hash('mdi'), os.environ.get('PYTHONHASHSEED'), os.environ.get('MDI_PROBE'))",
    "print(os.getcwd() == os.environ['MDI_PROBE_DIR'], 'leak' in globals(), hasattr(os, 'mdi_leak'))",
    "leak = 1\nos.mdi_leak = 1\nprint(sorted(k for k in globals() if not k.startswith('_')))",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2], [2, 1]);",
    "print(os.getpid() != int(os.environ['MDI_PROBE_RUNNER']))",
    # the server pre-loads third-party libraries only: the project's code is imported fresh by each notebook
    "print(sorted(name for name in sys.modules if name.startswith('mdi_analysis')))",
]


def _probe_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in PROBE]
    nbformat.write(nb, path)
    return path


def _outputs(path: Path) -> list:
    nb = pipeline.clean_notebook(nbformat.read(path, as_version=4))
    return [
        [{k: v for k, v in out.items() if k != "data"} | {"data": sorted(out.get("data", {}))} for out in cell.outputs]
        for cell in nb.cells
    ]


@pytest.fixture
def probe_env(tmp_path, monkeypatch):
    monkeypatch.setenv("MDI_PROBE", "from the runner")
    monkeypatch.setenv("MDI_PROBE_DIR", str(tmp_path))
    monkeypatch.setenv("MDI_PROBE_RUNNER", str(os.getpid()))
    return _probe_notebook(tmp_path / "probe.ipynb")


def test_a_forked_kernel_runs_a_notebook_exactly_like_an_ordinary_kernel(probe_env, tmp_path, monkeypatch):
    monkeypatch.setenv(kernel_server.SWITCH_ENV, "0")
    with pipeline.kernel_environment(), kernel_server.running_server() as forked:
        assert forked is False
        pipeline.execute_notebook(probe_env, tmp_path / "ordinary.ipynb")
    monkeypatch.setenv(kernel_server.SWITCH_ENV, "1")
    with pipeline.kernel_environment(), kernel_server.running_server() as forked:
        assert forked is True
        pipeline.execute_notebook(probe_env, tmp_path / "forked-1.ipynb")
        pipeline.execute_notebook(probe_env, tmp_path / "forked-2.ipynb")
    ordinary = _outputs(tmp_path / "ordinary.ipynb")
    assert ordinary == _outputs(tmp_path / "forked-1.ipynb") == _outputs(tmp_path / "forked-2.ipynb")
    texts = [out.get("text", "") for cell in ordinary for out in cell]
    assert texts[0].split()[1:] == ["0", "from", "the", "runner"]  # hash seed and environment arrive
    assert texts[1] == "True False False\n"  # working folder; nothing left by the previous notebook
    assert (
        texts[2] == "['In', 'Out', 'exit', 'get_ipython', 'leak', 'open', 'os', 'quit', 'sys']\n"
    )  # IPython's names only
    assert ordinary[3] == [{"output_type": "display_data", "metadata": {}, "data": ["image/png", "text/plain"]}]
    assert texts[-2] == "True\n"
    assert texts[-1] == "[]\n"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie still answers kill(0); it is gone for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_killing_the_process_jupyter_manages_also_ends_the_forked_kernel():
    async def scenario() -> tuple[int, int]:
        km = kernel_server.ForkedKernelManager(kernel_name="python3")
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        printed: list[str] = []
        try:
            await kc.wait_for_ready(timeout=60)
            reply = await kc.execute_interactive(
                "import os; print(os.getpid())",
                output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
            )
            assert reply["content"]["status"] == "ok"
            stub_pid = km.provisioner.pid
            os.kill(stub_pid, signal.SIGKILL)
            return stub_pid, int("".join(printed))
        finally:
            kc.stop_channels()
            await km.cleanup_resources()

    with kernel_server.running_server() as forked:
        assert forked
        stub_pid, kernel_pid = asyncio.run(scenario())
        assert kernel_pid != stub_pid
        deadline = time.monotonic() + 5
        while _alive(kernel_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(kernel_pid)


def test_without_a_server_the_manager_starts_an_ordinary_kernel(monkeypatch):
    monkeypatch.delenv(kernel_server.SERVER_ENV, raising=False)
    km = kernel_server.ForkedKernelManager(kernel_name="python3")
    km.connection_file = "/tmp/x.json"
    cmd = km.format_kernel_cmd()
    assert cmd[1:3] == ["-m", "ipykernel_launcher"]
    monkeypatch.setenv(kernel_server.SERVER_ENV, "/nonexistent/server.sock")
    assert km.format_kernel_cmd()[1:3] == ["-m", "ipykernel_launcher"]  # socket missing: not ready


def test_a_client_that_hangs_up_without_asking_does_not_stop_the_server(probe_env, tmp_path):
    import socket

    with pipeline.kernel_environment(), kernel_server.running_server() as forked:
        assert forked
        for payload in (b"", b'{"argv": [], "cw'):  # nothing at all; half a request
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(os.environ[kernel_server.SERVER_ENV])
            client.sendall(payload)
            client.close()
        pipeline.execute_notebook(probe_env, tmp_path / "after.ipynb")
    texts = [out.get("text", "") for cell in _outputs(tmp_path / "after.ipynb") for out in cell]
    assert texts[-2] == "True\n"


# --------------------------------------------------------------------------------------------
# Nothing outlives the runner (issue 15, finding 6)
# --------------------------------------------------------------------------------------------

RUNNER = (
    "import sys\nfrom pathlib import Path\nfrom mdi_analysis import pipeline\n"
    "pipeline.reproduce(notebooks=[Path(p) for p in sys.argv[1:]], jobs=2, update_committed=False)\n"
)


def _sleeping_notebook(path: Path) -> Path:
    """A notebook that says it has started (a file named after it) and then runs for minutes."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import os, time\n"
            f"open(os.path.join(os.environ['MDI_PROBE_STARTED'], {path.stem!r}), 'w').close()\n"
            "time.sleep(300)"
        )
    ]
    nbformat.write(nb, path)
    return path


def _processes_with(marker: str) -> list[str]:
    """Live processes whose environment holds ``marker`` (the runner passes it to all it starts)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not _alive(int(entry.name)):
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                command = (entry / "cmdline").read_bytes().replace(bytes(1), b" ")[:120]
                found.append(f"{entry.name}: {command!r}")
        except OSError:  # ended meanwhile, or not ours to read
            continue
    return found


def _files_under(*folders: Path) -> list[str]:
    return sorted(str(p) for folder in folders for p in folder.rglob("*"))


@pytest.mark.skipif(not kernel_server.enabled(), reason="kernels are forked on Linux only")
@pytest.mark.parametrize(
    "how",
    [
        "SIGKILL",
        "SIGTERM",
        # Ctrl-C left the runner alive in CI runs started in the background: SIGINT was ignored in
        # the whole process tree (see preexec_fn below). Also guarded: a signal landing on a notebook
        # thread (the main thread waits in slices, _first_done) and threads still waiting on killed
        # kernels at exit (daemon threads, _DaemonPool).
        "Ctrl-C",
    ],
)
def test_nothing_of_a_killed_runner_survives_it(tmp_path, how):
    """Server, stubs and kernels end, and their sockets and files go, however the runner ends."""
    import shutil
    import subprocess
    import sys
    import tempfile
    import uuid

    marker = f"mdi-probe-{uuid.uuid4().hex}"
    # a short temporary folder of its own: Unix socket paths are limited to 107 bytes
    temp = Path(tempfile.mkdtemp(prefix="mdi-t-", dir="/tmp"))
    runtime, started = tmp_path / "runtime", tmp_path / "started"
    for folder in (runtime, started):
        folder.mkdir()
    notebooks = [_sleeping_notebook(tmp_path / f"0{n}_sleep-{n}.ipynb") for n in (1, 2)]
    env = {
        **os.environ,
        "MDI_PROBE_MARKER": marker,
        "MDI_PROBE_STARTED": str(started),
        "MDI_REPORTS_DIR": str(tmp_path / "reports"),
        "TMPDIR": str(temp),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        kernel_server.SWITCH_ENV: "1",
    }
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER, *map(str, notebooks)],
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # and Ctrl-C handled as in a terminal: a job started in the background by a shell without job
        # control (CI scripts, nohup … &) inherits SIGINT ignored, and Python then keeps ignoring it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(started.iterdir())) < 2 and time.monotonic() < deadline and runner.poll() is None:
            time.sleep(0.2)
        assert len(list(started.iterdir())) == 2, "the two notebooks did not start"
        assert len(_processes_with(marker)) >= 5  # runner, server, two stubs, two kernels
        if how == "Ctrl-C":
            os.killpg(runner.pid, signal.SIGINT)  # what a terminal sends to its foreground group
        else:
            runner.send_signal(getattr(signal, how))
        deadline = time.monotonic() + 10
        while (_processes_with(marker) or _files_under(temp, runtime)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _processes_with(marker) == []
        assert _files_under(temp, runtime) == []
    finally:
        for line in _processes_with(marker):
            os.kill(int(line.split(":")[0]), signal.SIGKILL)
        runner.wait(timeout=10)
        shutil.rmtree(temp, ignore_errors=True)


def _ask(payload: bytes) -> str:
    """Send ``payload`` to the running server as a client would, and return its answer line."""
    import socket

    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(kernel_server.REQUEST_SECONDS + 5)
    client.connect(os.environ[kernel_server.SERVER_ENV])
    try:
        client.sendall(payload)
    except OSError:  # the server refused an oversized request before reading all of it
        pass
    try:
        return client.makefile("rb").readline().decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        client.close()


def test_a_request_the_server_cannot_read_is_answered_with_an_error_and_it_keeps_serving(probe_env, tmp_path):
    with pipeline.kernel_environment(), kernel_server.running_server() as forked:
        assert forked
        assert _ask(b"this is not JSON\n").startswith("error request is not JSON")
        assert _ask(b"\xff\xfe\x00 not UTF-8\n").startswith("error request is not JSON")
        assert _ask(b'["a list", "not an object"]\n').startswith("error request is not {")
        assert _ask(b'{"argv": [], "cwd": "/", "env": {}}\n').startswith("error request came with 0 file")
        oversized = _ask(b"x" * (kernel_server.MAX_REQUEST_BYTES + (1 << 20)))
        assert oversized in ("", f"error request longer than {kernel_server.MAX_REQUEST_BYTES} bytes\n")
        pipeline.execute_notebook(probe_env, tmp_path / "after.ipynb")
        assert os.path.exists(os.environ[kernel_server.SERVER_ENV])  # still serving (it removes it when it ends)
        assert _ask(b"{}\n").startswith("error")
    texts = [out.get("text", "") for cell in _outputs(tmp_path / "after.ipynb") for out in cell]
    assert texts[-2] == "True\n"


def test_the_runner_runs_notebooks_in_daemon_threads_so_exit_never_waits_for_them():
    from mdi_analysis.pipeline._runner import _DaemonPool

    seen = []
    future = _DaemonPool().submit(lambda x: seen.append(threading.current_thread().daemon) or x * 2, 21)
    assert future.result(timeout=5) == 42
    assert seen == [True]
    failing = _DaemonPool().submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.result(timeout=5)


def test_the_runner_waits_for_runs_in_slices_and_takes_the_earliest_submitted_of_those_done():
    from concurrent.futures import Future

    from mdi_analysis.pipeline._runner import _first_done

    first, second = Future(), Future()
    timer = threading.Timer(0.6, lambda: (second.set_result(2), first.set_result(1)))
    timer.start()
    started = time.monotonic()
    assert _first_done({first: "a", second: "b"}) in (first, second)
    assert time.monotonic() - started >= 0.5  # it waited across several slices
    timer.join()
    assert _first_done({first: "a", second: "b"}) is first
