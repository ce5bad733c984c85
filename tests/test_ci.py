"""CI does not pass on skips: without ``../shared`` the tests that need it fail under ``.ci/run``.

A developer without the thesis text sees those tests skipped (with the path); ``.ci/run`` stops
before the tests when the thesis is missing, and exports ``MDI_REQUIRE_SHARED=1`` so that any test
still lacking shared material fails instead of skipping (``conftest.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys

from mdi_analysis import paths

NEEDS_THESIS = "tests/test_normalise.py::test_fast_tokenizer_equals_nltk_regexp_tokenizer_on_the_thesis"


def _pytest(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", NEEDS_THESIS, "-q", "-p", "no:cacheprovider", "-o", "addopts=-ra"]
    return subprocess.run(
        command, cwd=paths.project_root(), env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_a_missing_thesis_is_a_skip_for_a_developer_and_a_failure_when_required(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MDI_REQUIRE_SHARED"}
    env["MDI_THESIS"] = str(tmp_path / "absent.txt")
    skipped = _pytest(env)
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout, skipped.stdout
    assert "absent.txt not found" in skipped.stdout
    failed = _pytest({**env, "MDI_REQUIRE_SHARED": "1"})
    assert failed.returncode == 1 and "1 error" in failed.stdout, failed.stdout  # failed in the fixture
    assert "MDI_REQUIRE_SHARED=1" in failed.stdout


def test_ci_run_stops_when_the_thesis_is_absent_and_requires_shared_material(tmp_path):
    script = paths.project_root() / ".ci" / "run"
    assert "export MDI_REQUIRE_SHARED=1" in script.read_text(encoding="utf-8")
    env = {**os.environ, "MDI_THESIS": str(tmp_path / "absent.txt")}
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "absent.txt not found" in result.stderr and "make" not in result.stdout


NEEDS_CHROMIUM = "tests/test_in_chromium.py::test_audit_page_opens_offline_without_console_errors"


def test_a_missing_chromium_is_a_skip_saying_how_to_install_it_and_a_failure_in_ci(tmp_path):
    """The browser tests' equivalent of MDI_REQUIRE_SHARED: ``.ci/run`` installs Chromium and requires it."""
    env = {k: v for k, v in os.environ.items() if k != "MDI_REQUIRE_BROWSER"}
    env["MDI_CHROMIUM"] = str(tmp_path / "no-chromium")
    command = [sys.executable, "-m", "pytest", NEEDS_CHROMIUM, "-q", "-p", "no:cacheprovider", "-o", "addopts=-ra"]
    run = lambda extra: subprocess.run(  # noqa: E731
        command,
        cwd=paths.project_root(),
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    skipped = run({})
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout, skipped.stdout
    assert "apt-get install -y chromium" in skipped.stdout
    failed = run({"MDI_REQUIRE_BROWSER": "1"})
    assert failed.returncode == 1 and "1 error" in failed.stdout, failed.stdout
    assert "MDI_REQUIRE_BROWSER=1" in failed.stdout
    script = (paths.project_root() / ".ci" / "run").read_text(encoding="utf-8")
    assert "export MDI_REQUIRE_BROWSER=1" in script and "apt-get install -y chromium" in script
