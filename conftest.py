"""Test-session setup shared by the unit tests and nbval.

Notebook kernels started by nbval inherit this process's environment, so setting it here makes the
kernels deterministic (PYTHONHASHSEED) and sends anything the notebooks write to a temporary folder
instead of the real ``reports/`` (the committed default run is never touched by ``make test``).
Machine-wide caches (simplemma's dictionary trie) go to a temporary folder too, so the tests
neither depend on nor write to the user's cache folder.

Speed (``docs/developer-loop.md``):

- nbval's kernels are forked from the pre-loaded kernel server (:mod:`mdi_analysis.pipeline._kernel_server`),
  as ``make reproduce``'s are: still a fresh kernel per notebook, without paying the imports;
- ``make test`` runs the tests in two processes (pytest-xdist ``-n 2``). Work is handed out by
  file; a notebook's cells, and the notebooks it reads outputs from, always stay in one process,
  in order. Each process writes notebook outputs to a temporary folder of its own.

Some tests compare with material that is not in the repository but beside it, in ``../shared``
(the thesis text, the REFI-QDA schema as published). They ask for it through the
``shared_material`` fixture: a developer without it sees them skipped, with the path; with
``MDI_REQUIRE_SHARED=1`` (set by ``.ci/run``) they fail instead, so CI cannot pass on skips.
The browser tests (``-m browser``) work the same way with Chromium, Playwright and JupyterLab
(``chromium_executable``; ``MDI_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

#: The temporary reports folder this conftest made; xdist workers inherit the controller's
#: environment and each use a folder of their own beneath it.
_OWN_REPORTS = "MDI_TEST_REPORTS_BASE"


#: Set to 1 to make a missing ``../shared`` file a test failure instead of a skip (``.ci/run`` does).
REQUIRE_SHARED = "MDI_REQUIRE_SHARED"


def require_shared_file(path: Path, what: str) -> Path:
    """``path`` when it is a file; otherwise skip the test, or fail it under ``MDI_REQUIRE_SHARED=1``."""
    if path.is_file():
        return path
    message = f"{path} not found: {what}"
    if os.environ.get(REQUIRE_SHARED) == "1":
        pytest.fail(f"{message} ({REQUIRE_SHARED}=1: the shared material is required)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def shared_material() -> Callable[[Path, str], Path]:
    """The check above, for tests that need a file from ``../shared`` (call it with path and purpose)."""
    return require_shared_file


#: Set to 1 to make a missing Chromium, Playwright or JupyterLab a test failure instead of a skip
#: (``.ci/run`` does, after installing Debian's ``chromium`` and the ``lab`` extra).
REQUIRE_BROWSER = "MDI_REQUIRE_BROWSER"


def require_browser_tool(found: bool, message: str) -> None:
    """Nothing when ``found``; otherwise skip the test, or fail it under ``MDI_REQUIRE_BROWSER=1``."""
    if found:
        return
    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{message} ({REQUIRE_BROWSER}=1: the browser tests must run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium (``MDI_CHROMIUM`` overrides) and Playwright to drive it, or a skip saying how to install them.

    Why the system browser: Playwright's own browser downloads do not work offline; it drives any
    Chromium through ``executable_path``.
    """
    import importlib.util

    path = os.environ.get("MDI_CHROMIUM") or shutil.which("chromium")
    require_browser_tool(
        path is not None and os.path.isfile(path),
        "Chromium not found: the browser tests drive Debian's chromium; install it with "
        "`sudo apt-get install -y chromium` (or set MDI_CHROMIUM to a Chromium binary)",
    )
    require_browser_tool(
        importlib.util.find_spec("playwright") is not None,
        "playwright not installed: it is in the dev extra (`make install`, or pip install -e '.[dev]')",
    )
    return str(path)


@pytest.fixture
def thesis_file() -> Path:
    """The thesis text (``../shared/thesis/thesis.txt`` or ``MDI_THESIS``), through the check above."""
    from mdi_analysis.paths import thesis_path

    return require_shared_file(thesis_path(), "tests that compare with the thesis text need it (or set MDI_THESIS)")


def pytest_configure(config) -> None:
    os.environ["PYTHONHASHSEED"] = "0"
    if "MDI_REPORTS_DIR" not in os.environ:
        os.environ["MDI_REPORTS_DIR"] = os.environ[_OWN_REPORTS] = tempfile.mkdtemp(prefix="mdi-test-reports-")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and os.environ.get(_OWN_REPORTS) == os.environ["MDI_REPORTS_DIR"]:
        # Its own folder: a test that scans the reports folder never meets a file that a notebook
        # in the other process is writing at that moment.
        folder = Path(os.environ[_OWN_REPORTS]) / worker
        folder.mkdir(exist_ok=True)
        os.environ["MDI_REPORTS_DIR"] = str(folder)
    if "MDI_CACHE_DIR" not in os.environ:
        os.environ["MDI_CACHE_DIR"] = tempfile.mkdtemp(prefix="mdi-test-cache-")  # shared: written atomically
    config.pluginmanager.register(ForkedNbvalKernels(config), "mdi-forked-nbval-kernels")


# --------------------------------------------------------------------------------------------
# pytest-xdist: a notebook's cells, and the notebooks it reads outputs from, stay together
# --------------------------------------------------------------------------------------------


def notebook_groups(folder: Path) -> dict[str, str]:
    """Each notebook (``notebooks/<name>.ipynb``) and its group: the first notebook, by name, of
    those connected to it through ``needs`` metadata (``30_index`` reads ``22_audit-claims``'s
    scoreboard, so both are ``notebooks/22_audit-claims.ipynb``)."""
    from mdi_analysis.pipeline import notebook_needs

    paths = sorted(folder.glob("*.ipynb"))
    parent = {p.stem: p.stem for p in paths}

    def root(stem: str) -> str:
        while parent[stem] != stem:
            stem = parent[stem]
        return stem

    for path in paths:
        for need in notebook_needs(path):
            if need in parent:
                first, second = sorted((root(path.stem), root(need)))
                parent[second] = first
    return {f"{folder.name}/{p.name}": f"{folder.name}/{root(p.stem)}.ipynb" for p in paths}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Hand out work by test file, as ``--dist loadfile`` does, with connected notebooks as one unit.

    nbval runs a notebook's cells one by one in one kernel, so they must never be split between
    processes: this scheduler is used whatever ``--dist`` says (except ``each``), since xdist's
    default ``load`` would split them. Units go out in collection order with
    ``--no-loadscope-reorder`` (what ``make test`` passes): unit tests first, then the notebooks.
    (``--dist loadgroup`` with ``xdist_group`` marks would be the usual way, but with pytest 9.2
    the marks no longer reach xdist's scheduler and every cell is sent out on its own.)
    """
    if config.getvalue("dist") == "each":
        return None
    from xdist.scheduler import LoadScopeScheduling

    groups = notebook_groups(config.rootpath / "notebooks")

    class NotebookGroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return groups.get(path, path)

    return NotebookGroupScheduling(config, log)


# --------------------------------------------------------------------------------------------
# nbval's kernels, forked from the pre-loaded server
# --------------------------------------------------------------------------------------------

_FORKED_KERNEL_NAME = "mdi-forked-python3"


class ForkedNbvalKernels:
    """Gives nbval kernels forked from a kernel server that this test process starts.

    When notebooks are collected, the server starts and pre-loads (≈ 2.5 s) while the unit tests
    run. Before the first notebook, nbval is switched from ``--nbval-current-env`` to a kernelspec
    (in a temporary ``JUPYTER_PATH`` folder) whose command is the server's stub. The server's
    socket reaches the stub through the kernelspec's ``env`` only: nothing else in the session
    (the runner's own tests, which start servers of their own) sees this server.

    Ordinary kernels are used instead where the runner would use them (not Linux, or
    ``MDI_FORK_KERNELS=0``), when nbval is given another kernel, or if the server does not start.
    """

    def __init__(self, config) -> None:
        self.config = config
        self.folder: str | None = None
        self.socket = ""
        self.process: subprocess.Popen | None = None
        self.decided = False

    def pytest_collection_finish(self, session) -> None:
        from nbval.plugin import IPyNbCell

        from mdi_analysis.pipeline import _kernel_server as kernel_server

        if not kernel_server.enabled() or not self.config.option.nbval_current_env:
            return
        if not any(isinstance(item, IPyNbCell) for item in session.items):
            return
        self.folder = tempfile.mkdtemp(prefix="mdi-nbval-kernels-")
        self.socket = os.path.join(self.folder, "server.sock")
        self.process = kernel_server.start_server(self.socket)  # ends with this process, however it ends
        spec = Path(self.folder) / "kernels" / _FORKED_KERNEL_NAME
        spec.mkdir(parents=True)
        stub = Path(kernel_server.__file__).with_name("_kernel_stub.py")
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [sys.executable, "-I", str(stub), "-f", "{connection_file}"],
                    "display_name": "Python 3 (forked from the kernel server)",
                    "language": "python",
                    "env": {kernel_server.SERVER_ENV: self.socket},
                }
            ),
            encoding="utf-8",
        )

    @pytest.hookimpl(tryfirst=True)  # before nbval's file setup starts the notebook's kernel
    def pytest_runtest_setup(self, item) -> None:
        if self.decided or self.process is None:
            return
        from nbval.plugin import IPyNbCell

        if not isinstance(item, IPyNbCell):
            return
        self.decided = True
        deadline = time.monotonic() + 60
        while not os.path.exists(self.socket) and self.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if not os.path.exists(self.socket):
            return  # the server did not come up: nbval starts ordinary kernels
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [self.folder, os.environ.get("JUPYTER_PATH")]))
        self.config.option.nbval_current_env = False
        self.config.option.nbval_kernel_name = _FORKED_KERNEL_NAME

    def pytest_unconfigure(self) -> None:
        if self.process is not None:
            self.process.stdin.close()  # the server kills any kernel still running and ends
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

        os.environ["MDI_CACHE_DIR"] = tempfile.mkdtemp(prefix="mdi-test-cache-")


class TableDigests(pytest.Item):
    """Runs right after one notebook's cells: the tables it wrote against their committed digests.

    nbval compares what a notebook shows; this compares everything it writes (``reports/tables``
    under ``MDI_REPORTS_DIR``) with ``notebooks/table-digests.json``, which ``make reproduce``
    updates (see :mod:`mdi_analysis.pipeline._digests`). One check per notebook, collected as a
    child of the notebook's own file: pytest-xdist's scheduler (above) then sends it to the same
    process as the notebook's cells, after them, so it checks the tables that process just wrote.
    """

    def __init__(self, *, notebook: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.notebook = notebook

    def runtest(self) -> None:
        from mdi_analysis.paths import tables_dir
        from mdi_analysis.pipeline import DIGESTS_FILE, compare_digests

        problems = compare_digests([self.notebook], tables_dir())
        if problems:
            pytest.fail(
                "written tables differ from notebooks/"
                + DIGESTS_FILE
                + " (if the change is intended: `make reproduce`, then review `git diff notebooks/`):\n  "
                + "\n  ".join(problems),
                pytrace=False,
            )

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"table digests of {self.notebook.name}"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:  # noqa: ARG001
    """After each notebook's last cell, the check of the tables it wrote.

    ``MDI_MUTATION_TESTS`` (space-separated node-id prefixes, e.g. ``tests/test_coding.py
    tests/test_claim_evidence.py::test_a_negation``) keeps only the tests it names: a mutation run
    of one module group selects the fast unit tests of that group, without changing
    ``[tool.mutmut]`` (a changed selection there resets every recorded mutant result). See
    docs/mutation.md.
    """
    prefixes = os.environ.get("MDI_MUTATION_TESTS", "").split()
    if prefixes:
        kept = [item for item in items if item.nodeid.startswith(tuple(prefixes))]
        dropped = [item for item in items if not item.nodeid.startswith(tuple(prefixes))]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
    last: dict[Path, int] = {}
    for index, item in enumerate(items):
        if item.path.suffix == ".ipynb":
            last[item.path] = index
    for index in sorted(last.values(), reverse=True):
        cell = items[index]
        check = TableDigests.from_parent(cell.parent, name="table-digests", notebook=cell.path)
        items.insert(index + 1, check)
