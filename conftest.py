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


def pytest_configure(config) -> None:  # noqa: ARG001 - pytest hook signature
    os.environ["PYTHONHASHSEED"] = "0"
    if "MDI_REPORTS_DIR" not in os.environ:
        os.environ["MDI_REPORTS_DIR"] = tempfile.mkdtemp(prefix="mdi-test-reports-")
    if "MDI_CACHE_DIR" not in os.environ:
        os.environ["MDI_CACHE_DIR"] = tempfile.mkdtemp(prefix="mdi-test-cache-")
