"""``python -m mdi_analysis build-corpus [--thesis PATH] [--out DIR] [--check]``.

Without ``--check`` the corpus is rebuilt from the thesis and written to ``data/corpus/`` (or
``--out``). With ``--check`` nothing is written: the corpus is rebuilt in memory and compared byte
for byte with the committed files, so CI can prove that the committed data is what the code makes
of the thesis. Exit codes: 0 success / identical, 1 the committed corpus differs, 2 the thesis or
the corpus cannot be read (the message says which file and line).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from ..errors import ExtractionError, InputDataError, OptionError
from ..paths import data_dir, relative_to_root, thesis_path
from ._build import BuiltCorpus, build_corpus, compare_corpus, write_corpus


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdi-analysis build-corpus",
        description="Rebuild the interview corpus (data/corpus/) from the thesis text.",
    )
    parser.add_argument("--thesis", type=Path, help="thesis text (default: ../shared/thesis/thesis.txt or $MDI_THESIS)")
    parser.add_argument("--out", type=Path, help="corpus folder (default: data/corpus/)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare with the committed corpus instead of writing; exit 1 if it differs",
    )
    return parser


def _summary(built: BuiltCorpus) -> str:
    counts = Counter(u.role for u in built.utterances)
    flagged = sum(1 for u in built.utterances if u.flags)
    links = len(built.frames["links.csv"])
    return (
        f"{len(built.utterances)} utterances "
        f"({counts['arbeidsgiver']} arbeidsgiver, {counts['tillitsvalgt']} tillitsvalgt) "
        f"in {len(built.frames['sections.csv'])} sections, {flagged} flagged, {links} links"
    )


def main(argv: list[str] | None = None) -> int:
    """The ``build-corpus`` command (see the module docstring); returns the exit code."""
    args = _parser().parse_args(argv)
    thesis = args.thesis or thesis_path()
    out_dir = args.out or data_dir() / "corpus"
    try:
        built = build_corpus(thesis)
    except ExtractionError as error:
        print(f"build-corpus: {error}", file=sys.stderr)
        return 2
    if args.check:
        differences = compare_corpus(built, out_dir)
        if not differences:
            print(f"build-corpus --check: {relative_to_root(out_dir)} is up to date ({_summary(built)})")
            return 0
        print(
            f"build-corpus --check: {relative_to_root(out_dir)} differs from a rebuild of {relative_to_root(thesis)}:"
        )
        for difference in differences:
            print(f"  {difference.name}: {difference.summary}")
        print("Run `python -m mdi_analysis build-corpus` to rebuild it, and review the diff before committing.")
        return 1
    try:
        written = write_corpus(built, out_dir)
    except InputDataError as error:
        print(f"build-corpus: the rebuilt corpus does not validate, nothing written: {error}", file=sys.stderr)
        return 2
    except OptionError as error:
        print(f"build-corpus: {error}", file=sys.stderr)
        return 2
    print(f"build-corpus: wrote {len(written)} files to {relative_to_root(out_dir)} ({_summary(built)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
