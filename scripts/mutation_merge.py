"""Carry kills from a re-run's ``mutants/`` folder into the main run's, function by function.

Why: a long mutmut run (the audit: 3 600 mutants, about an hour on two cores) and the re-runs of
its survivors after new tests were added can go on at the same time only in separate worktrees,
each with its own ``mutants/`` folder. The scores and the survivors document are read from one
folder, so the re-runs' verdicts are copied into it: a *kill* (or a timeout) over any other verdict,
and any verdict over "not checked"; only for a mutant whose function has the same hash in both
folders (the same source, so the same mutant): a function changed between the runs keeps the main
run's verdict.

Usage::

    .venv/bin/python scripts/mutation_merge.py MAIN_MUTANTS_DIR RERUN_MUTANTS_DIR [MODULE_PREFIX ...]

e.g. ``scripts/mutation_merge.py ../wt-mut/mutants ../wt-mut2/mutants audit``. Prints how many
verdicts it changed per module.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: mutmut's exit codes that mean "detected" (killed, pytest's internal error, CPU-limit timeouts).
DETECTED = {1, 3, 36, -24, 24, 152, 255}


def _function_of(mutant: str) -> str:
    """``mdi_analysis.audit._claims.x__theme__mutmut_3`` → ``x__theme`` (the key of the hash table)."""
    return mutant.rsplit(".", 1)[1].rsplit("__mutmut_", 1)[0]


def merge(main: Path, rerun: Path, prefixes: list[str]) -> dict[str, int]:
    changed: dict[str, int] = {}
    for meta_path in sorted(rerun.glob("src/**/*.py.meta")):
        module = str(meta_path.relative_to(rerun / "src" / "mdi_analysis")).removesuffix(".py.meta")
        if prefixes and not any(module.startswith(p) for p in prefixes):
            continue
        target_path = main / meta_path.relative_to(rerun)
        if not target_path.exists():
            continue
        source, target = json.loads(meta_path.read_text()), json.loads(target_path.read_text())
        same = {
            name
            for name, digest in source.get("hash_by_function_name", {}).items()
            if target.get("hash_by_function_name", {}).get(name) == digest
        }
        count = 0
        for mutant, code in source["exit_code_by_key"].items():
            if code is None or mutant not in target["exit_code_by_key"]:
                continue
            if _function_of(mutant) not in same:
                continue
            current = target["exit_code_by_key"][mutant]
            if current is None or (code in DETECTED and current not in DETECTED):
                target["exit_code_by_key"][mutant] = code
                count += 1
        if count:
            target_path.write_text(json.dumps(target, indent=4))
        changed[module] = count
    return changed


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    for module, count in merge(Path(argv[0]), Path(argv[1]), argv[2:]).items():
        print(f"{module}: {count} verdict(s) taken over")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
