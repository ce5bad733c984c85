"""Test-session setup shared by the unit tests and nbval.

Notebook kernels started by nbval inherit this process's environment, so setting it here makes the
kernels deterministic (PYTHONHASHSEED) and sends anything the notebooks write to a temporary folder
instead of the real ``reports/`` (the committed default run is never touched by ``make test``).
Machine-wide caches (simplemma's dictionary trie) go to a temporary folder too, so the tests
neither depend on nor write to the user's cache folder.
"""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config) -> None:  # noqa: ARG001 - pytest hook signature
    os.environ["PYTHONHASHSEED"] = "0"
    if "MDI_REPORTS_DIR" not in os.environ:
        os.environ["MDI_REPORTS_DIR"] = tempfile.mkdtemp(prefix="mdi-test-reports-")
    if "MDI_CACHE_DIR" not in os.environ:
        os.environ["MDI_CACHE_DIR"] = tempfile.mkdtemp(prefix="mdi-test-cache-")
