"""Command line: ``python -m mdi_analysis <command>`` (also installed as ``mdi-analysis``).

Commands
  reproduce              execute every notebook (its defaults; a template once per parameter set) into
                         reports/, then scan outputs
  run NOTEBOOK -p K V    run one notebook with other parameters into reports/runs/ (ignored by git);
                         names and value types are checked against its parameters cell first
  run NOTEBOOK --help    its parameters (defaults, meaning) and parameter sets (also --list);
                         `run --list`: every notebook
  build-corpus           rebuild data/corpus/ from the thesis text (--check: compare only)
  scan-pii [PATH ...]    anonymity scan of data/, notebooks/ and reports/ (or the given paths)
  export-qdpx            REFI-QDA export for NVivo, ATLAS.ti, MAXQDA, QualCoder (--out FILE)
  import-qdpx FILE       a .qdpx back into the corpus format (--out DIR)
  import-transcripts F…  .txt/.docx interviews into a corpus folder (--out DIR); PII blocks the write

Exit status (defined in README.md, "Exit status")
  0  done              1  a check failed: PII found (nothing written), a notebook failed,
                          build-corpus --check differs
  2  bad input or options: one line names the file, row or element; nothing written or deleted
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from .errors import MdiError, OptionError, PersonalDataError

#: Commands implemented by other modules' own argument parsers: name → (module, function, help).
DELEGATES: dict[str, tuple[str, str, str]] = {
    "build-corpus": (
        "mdi_analysis.corpus",
        "build_corpus_main",
        "rebuild data/corpus/ from the thesis (--check: compare only)",
    ),
    "scan-pii": ("mdi_analysis.privacy", "main", "anonymity scan of data/, notebooks/ and reports/"),
    "export-qdpx": (
        "mdi_analysis.exchange",
        "export_qdpx_main",
        "export the corpus, codebook and codings as a REFI-QDA .qdpx",
    ),
    "import-qdpx": ("mdi_analysis.exchange", "import_qdpx_main", "read a .qdpx back into the corpus format"),
    "import-transcripts": (
        "mdi_analysis.exchange",
        "import_transcripts_main",
        "turn .txt/.docx transcripts into a corpus folder (PII-checked)",
    ),
}


def _parse_parameters(pairs: list[list[str]]) -> dict[str, object]:
    """``-p name value`` pairs; values are read as YAML so lists, numbers and null work (as in papermill).

    Names are checked against the notebook later (``pipeline.run_one``); a value that is not
    YAML is an :class:`~mdi_analysis.errors.OptionError` here.
    """
    parameters: dict[str, object] = {}
    for name, value in pairs:
        try:
            parameters[name] = yaml.safe_load(value)
        except yaml.YAMLError as error:
            problem = str(error).splitlines()[0]
            raise OptionError(f"-p {name[:60]}: {value[:60]!r} is not a YAML value ({problem})") from None
    return parameters


def _reproduce(args: argparse.Namespace) -> int:
    from . import pipeline
    from .audit import saved, summary_line
    from .paths import relative_to_root, reports_dir

    runs = pipeline.select_runs(args.only)
    if not runs:
        print(
            "reproduce: no notebooks found in notebooks/" + (f" matching {args.only}" if args.only else ""),
            file=sys.stderr,
        )
        return 1
    print(f"reproduce: {len(runs)} notebooks, {args.jobs} parallel job(s)", flush=True)
    start = time.perf_counter()
    results = pipeline.reproduce(jobs=args.jobs, update_committed=not args.no_update, runs=runs)
    pipeline.print_summary(results, time.perf_counter() - start, len(runs))
    if not all(r.ok for r in results) or len(results) < len(runs):
        return 1
    status = 0
    index = pipeline.write_index_html(reports_dir())  # before the scan, so that it is scanned too
    if not args.skip_scan:
        from .privacy import default_paths, format_findings, scan_report

        report = scan_report(default_paths(), jobs=args.jobs)
        print(
            format_findings(
                report.findings, files_scanned=len(report.files_scanned), files_skipped=len(report.files_skipped)
            )
        )
        status = 1 if report.findings else 0
    print(f"report: {relative_to_root(index)} (wall time {time.perf_counter() - start:.1f}s)")
    board = saved()
    if board is not None:
        print(summary_line(board))
    return status


def _run(args: argparse.Namespace) -> int:
    from . import pipeline

    if args.help:
        print(args.run_parser.format_help().rstrip())
        if args.notebook is not None:
            print("\n" + pipeline.list_parameters(args.notebook))
        return 0
    if args.list:
        print(pipeline.list_parameters(args.notebook))
        return 0
    if args.notebook is None:
        print("run: name a notebook (e.g. 01), or use --list to see them", file=sys.stderr)
        return 2
    parameters = _parse_parameters(args.parameter or [])
    # Checked here, before run_one imports papermill and the kernel machinery: a wrong name or
    # type is refused in a fraction of a second (pipeline._parameters reads the cell as JSON).
    pipeline.check_parameters(pipeline.find_run(args.notebook).source, parameters)
    try:
        out = pipeline.run_one(args.notebook, parameters, Path(args.out) if args.out else None)
    except MdiError:
        raise
    except Exception as error:  # noqa: BLE001 - a failing notebook is a result (exit 1), not a crash
        print(f"run: FAILED {args.notebook}: {pipeline.summarise_failure(error)}", file=sys.stderr)
        return 1
    print(f"run: wrote {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mdi-analysis", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("reproduce", help="execute every notebook into reports/")
    p.add_argument("--jobs", type=int, default=2, help="notebooks of one stage run in parallel (default 2)")
    p.add_argument("--no-update", action="store_true", help="do not rewrite the committed notebooks")
    p.add_argument("--skip-scan", action="store_true", help="skip the anonymity scan of the outputs")
    p.add_argument(
        "--only",
        nargs="+",
        metavar="NN",
        help="run only the notebooks (or parameter sets) whose names start with these prefixes",
    )
    p.set_defaults(func=_reproduce)

    p = sub.add_parser(
        "run",
        help="run one notebook with other parameters into reports/runs/",
        add_help=False,
        usage="%(prog)s [-h] [NOTEBOOK] [--list] [-p NAME VALUE] [--out OUT]",
    )
    p.add_argument("notebook", nargs="?", help="file name, stem or NN prefix, e.g. 01; or a parameter set, e.g. 12")
    p.add_argument(
        "-h", "--help", action="store_true", help="this help; with NOTEBOOK also its parameters, defaults and meaning"
    )
    p.add_argument(
        "--list",
        action="store_true",
        help="list the notebook's parameters and parameter sets (all notebooks without NOTEBOOK)",
    )
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    p.add_argument("--out", help="output folder (default reports/runs/<notebook>__<parameters>)")
    p.set_defaults(func=_run, run_parser=p)

    for name, (_, _, text) in DELEGATES.items():
        sub.add_parser(name, help=text, add_help=False)

    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "mdi-analysis"
    try:
        if argv and argv[0] in DELEGATES:
            import importlib

            module_name, function, _ = DELEGATES[argv[0]]
            module = importlib.import_module(module_name)
            return int(getattr(module, function)(argv[1:]) or 0)
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except PersonalDataError as error:  # the anonymity gate: exit 1, as the scan itself
        print(f"{command}: {error}", file=sys.stderr)
        return 1
    except MdiError as error:  # bad input or options: one line, exit 2 (README.md, exit status)
        print(f"{command}: {_one_line(error)}", file=sys.stderr)
        return 2


def _one_line(error: BaseException) -> str:
    """The error's message on one line (a message quoting a file may hold a newline)."""
    return " ".join(str(error).split("\n"))


if __name__ == "__main__":
    sys.exit(main())
