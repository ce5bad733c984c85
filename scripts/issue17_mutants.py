"""Apply the five mutants issue 17 found by hand (and one variant), one at a time, and run the unit tests against each.

Why a script: the issue's five survivors passed the whole suite; the boundary tests written for them
must keep killing them without nbval. mutmut finds them too, but under its own names and only in
its copy; this applies each change to the real source, runs the unit tests (never a notebook) and
restores the file, so anyone can repeat the check in a minute.

Usage: ``.venv/bin/python scripts/issue17_mutants.py``; prints one line per mutant and exits 1 when
any survives. Run it in a clean worktree: it edits ``src/`` and puts every file back afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "mdi_analysis"

#: (what the issue calls it, file, original text, mutated text); each original occurs exactly once.
MUTANTS = [
    (
        "theme vs theme '>' -> '<' (issue: claims.py:334)",
        "audit/_claims.py",
        "holds = counts[left] > counts[right] if op",
        "holds = counts[left] < counts[right] if op",
    ),
    (
        "'~=' tolerance made strict (issue: claims.py:382)",
        "audit/_claims_survey.py",
        '"~=": lambda a, b: abs(a - b) <= SMALL_DIFFERENCE + 1e-9',
        '"~=": lambda a, b: abs(a - b) < SMALL_DIFFERENCE + 1e-9',
    ),
    (
        "'~=' tolerance strict and without its float margin",
        "audit/_claims_survey.py",
        '"~=": lambda a, b: abs(a - b) <= SMALL_DIFFERENCE + 1e-9',
        '"~=": lambda a, b: abs(a - b) < SMALL_DIFFERENCE',
    ),
    (
        "ROLE_DIFFERENCE 0.25 -> 0.15 (issue: claims.py:48)",
        "audit/_claims_model.py",
        "ROLE_DIFFERENCE = 0.25",
        "ROLE_DIFFERENCE = 0.15",
    ),
    (
        "sample listing 4 -> 2 municipalities (issue: anonymity.py:1234)",
        "privacy/_links.py",
        "for p in m.places}) >= 4",
        "for p in m.places}) >= 2",
    ),
    (
        "attribution line 12 -> 6 words (issue: anonymity.py:1239)",
        "privacy/_links.py",
        "len(unit.text.split()) <= 12",
        "len(unit.text.split()) <= 6",
    ),
]

#: The unit tests mutmut runs ([tool.mutmut] in pyproject.toml): no notebook, no nbval.
TESTS = [
    "tests/test_claims.py",
    "tests/test_claims_rules.py",
    "tests/test_anonymity.py",
    "tests/test_privacy_boundaries.py",
]


def run_tests() -> tuple[int, str]:
    """Exit code of pytest over TESTS and its last line (the summary)."""
    command = [sys.executable, "-m", "pytest", *TESTS, "-q", "-x", "-p", "no:cacheprovider", "-o", "addopts="]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return result.returncode, lines[-1] if lines else result.stderr.strip()[-200:]


def main() -> int:
    code, summary = run_tests()
    print(f"unmutated: exit {code}, {summary}")
    if code != 0:
        return 2
    survivors = 0
    for name, relative, original, mutated in MUTANTS:
        path = SRC / relative
        text = path.read_text(encoding="utf-8")
        if text.count(original) != 1:
            print(f"{relative}: expected {original!r} exactly once, found {text.count(original)}")
            return 2
        try:
            path.write_text(text.replace(original, mutated), encoding="utf-8")
            code, summary = run_tests()
        finally:
            path.write_text(text, encoding="utf-8")
        killed = code == 1
        survivors += not killed
        print(f"{'killed  ' if killed else 'SURVIVED'} {name}: {summary}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
