"""``python -m mdi_analysis scan-pii [PATH ...]``: the scan from the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ._scan import default_paths, format_findings, scan_report


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mdi_analysis scan-pii [PATH ...]``: exit 1 when anything is found.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``scan-pii``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 nothing found, 1 findings, 2 a path does not exist.
    """
    parser = argparse.ArgumentParser(
        prog="mdi-analysis scan-pii",
        description="Anonymity scan (docs/anonymisation.md): e-mail, phone, names, and links between "
        "quotes and municipalities. Default: data/ and reports/ of the project.",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: data/ reports/)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    args = parser.parse_args(list(argv) if argv is not None else None)
    paths = args.paths or default_paths()
    try:
        report = scan_report(paths)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    text = format_findings(
        report.findings, files_scanned=len(report.files_scanned), files_skipped=len(report.files_skipped)
    )
    print(text.splitlines()[-1] if args.quiet else text)
    return 1 if report.findings else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
