"""Test-session setup shared by the unit tests and nbval.

Notebook kernels started by nbval inherit this process's environment, so setting it here makes the
kernels deterministic (PYTHONHASHSEED) and sends anything the notebooks write to a temporary folder
instead of the real ``reports/`` (the committed default run is never touched by ``make test``).
Machine-wide caches (simplemma's dictionary trie) go to a temporary folder too, so the tests
neither depend on nor write to the user's cache folder.

Some tests compare with material that is not in the repository but beside it, in ``../shared``
(the thesis text, the REFI-QDA schema as published). They ask for it through the
``shared_material`` fixture: a developer without it sees them skipped, with the path; with
``MDI_REQUIRE_SHARED=1`` (set by ``.ci/run``) they fail instead, so CI cannot pass on skips.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

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


@pytest.fixture
def thesis_file() -> Path:
    """The thesis text (``../shared/thesis/thesis.txt`` or ``MDI_THESIS``), through the check above."""
    from mdi_analysis.paths import thesis_path

    return require_shared_file(thesis_path(), "tests that compare with the thesis text need it (or set MDI_THESIS)")


def pytest_configure(config) -> None:  # noqa: ARG001 - pytest hook signature
    os.environ["PYTHONHASHSEED"] = "0"
    if "MDI_REPORTS_DIR" not in os.environ:
        os.environ["MDI_REPORTS_DIR"] = tempfile.mkdtemp(prefix="mdi-test-reports-")
    if "MDI_CACHE_DIR" not in os.environ:
        os.environ["MDI_CACHE_DIR"] = tempfile.mkdtemp(prefix="mdi-test-cache-")


class TableDigests(pytest.Item):
    """Runs after the notebooks of the session: the tables they wrote against their committed digests.

    nbval compares what a notebook shows; this compares everything it writes (``reports/tables``
    under ``MDI_REPORTS_DIR``) with ``notebooks/table-digests.json``, which ``make reproduce``
    updates (see :mod:`mdi_analysis.pipeline._digests`).
    """

    def __init__(self, *, notebooks: list[Path], **kwargs) -> None:
        super().__init__(**kwargs)
        self.notebooks = notebooks

    def runtest(self) -> None:
        if hasattr(self.config, "workerinput"):
            pytest.skip("pytest-xdist: the notebooks may still be running on another worker")
        from mdi_analysis.paths import tables_dir
        from mdi_analysis.pipeline import DIGESTS_FILE, compare_digests

        problems = compare_digests(self.notebooks, tables_dir())
        if problems:
            pytest.fail(
                "written tables differ from notebooks/"
                + DIGESTS_FILE
                + " (if the change is intended: `make reproduce`, then review `git diff notebooks/`):\n  "
                + "\n  ".join(problems),
                pytrace=False,
            )

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"table digests of {len(self.notebooks)} notebook(s)"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:  # noqa: ARG001
    """Append the table-digest check when notebooks are collected (it must run after them)."""
    notebooks = list(dict.fromkeys(item.path for item in items if item.path.suffix == ".ipynb"))
    if notebooks:
        items.append(TableDigests.from_parent(session, name="table-digests", notebooks=notebooks))
