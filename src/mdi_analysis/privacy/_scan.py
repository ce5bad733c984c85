"""The scan: text and files through the readers and rules, and the report of what was found.

:func:`scan_text` checks one string (the corpus builder and the transcript importer call it before
they write); :func:`scan_report` walks files and folders, says what was skipped, and can fork
workers because ``reproduce`` ends with this scan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import data_dir, notebooks_dir, relative_to_root, reports_dir
from ._findings import Collector, Finding
from ._identifiers import direct_rules
from ._links import link_rules
from ._lists import word_lists
from ._names import name_rules
from ._readers import file_segments
from ._units import Unit

# Opaque containers: they can hold quotes and names but cannot be read here -> `unscanned`.
_OPAQUE_SUFFIXES = frozenset(
    """
    .xlsm .xls .ods .docx .doc .odt .rtf .pdf .pptx .ppt .odp .parquet .feather .arrow .sav
    .zsav .dta .rds .rdata .rda .pkl .pickle .npy .npz .h5 .hdf5 .sqlite .db .zip .gz .bz2 .xz
    .7z .tar .tgz .qdpx .nvp .nvpx .mx20 .mx22 .mx24 .mex .atlproj .mp3 .wav .m4a .ogg .flac .mp4
    .mov .avi .webm
    """.split()
)
# Binary files without text worth scanning (figures are made from data/tables that are scanned).
_SKIP_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .webp .bmp .tif .tiff .ico .woff .woff2 .ttf .otf .eot .pyc .so .dll".split()
)
_SKIP_DIRS = frozenset({".git", "__pycache__", ".ipynb_checkpoints", ".pytest_cache"})
_SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})  # operating-system litter


@dataclass
class ScanReport:
    """Findings plus what was (not) looked at, so the summary can say how much was covered."""

    findings: list[Finding] = field(default_factory=list)
    files_scanned: list[Path] = field(default_factory=list)
    files_skipped: list[tuple[Path, str]] = field(default_factory=list)


def _scan_units(units: list[Unit], file: Path, location: str) -> list[Finding]:
    lists = word_lists()
    out = Collector(file, location)
    for unit in units:
        if unit.direct:
            consumed = direct_rules(unit, out, lists)
            name_rules(unit, out, lists, consumed)
    link_rules(units, out, lists)
    return out.findings


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    best: dict[tuple, Finding] = {}
    for f in findings:
        key = (str(f.file), f.location, f.line, f.kind, f.match)
        if key not in best or (best[key].column is None and f.column is not None):
            best[key] = f
    return sorted(best.values(), key=Finding.sort_key)


def scan_text(text: str, *, source: str | Path, fmt: str | None = None) -> list[Finding]:
    """Scan one file's content. ``fmt`` (a suffix such as ``".csv"``) defaults to ``source``'s.

    Exposed separately so that notebooks and the corpus builder can check a string before they
    write it, and so tests need no files.

    Parameters
    ----------
    text : str
        The content, as it would be written to the file.
    source : str or Path
        The file the text is (or will be) in; findings name it, and its suffix picks the reader.
    fmt : str, optional
        The format as a suffix (``".csv"`` or ``"csv"``), when ``source`` has none or another one.

    Returns
    -------
    list of Finding
        Sorted by file, location and line; empty when the text may be published.
    """
    path = Path(source)
    suffix = fmt if fmt is not None else path.suffix
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    findings: list[Finding] = []
    for location, units in file_segments(text, suffix or ".txt"):
        findings.extend(_scan_units(units, path, location))
    return _dedupe(findings)


def _read_text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"anonymity scan: no such file or folder: {path}")
        if path.is_file():
            yield path
            continue
        for child in sorted(path.rglob("*")):
            if child.is_file() and not any(part in _SKIP_DIRS for part in child.relative_to(path).parts):
                yield child


def scan_report(paths: Iterable[Path], jobs: int = 1) -> ScanReport:
    """Scan files and folders (recursively); also say what was skipped and why.

    ``jobs`` > 1 scans the files in that many forked processes (Linux; elsewhere one process):
    ``reproduce`` ends with this scan, and on two cores it then takes half the time. The report is
    the same in every case: files are scanned independently and findings kept in file order.

    Parameters
    ----------
    paths : iterable of Path
        Files and folders; folders are walked recursively (``.git``, caches and checkpoints skipped).
    jobs : int, default 1
        Worker processes; used only from 20 files on and where ``fork`` is available.

    Returns
    -------
    ScanReport
        The findings (opaque containers as ``unscanned``), the files scanned and the binary files
        skipped with the reason.

    Raises
    ------
    FileNotFoundError
        When a path does not exist: a mistyped path must not pass as "0 findings".
    """
    report = ScanReport()
    seen: set[Path] = set()
    to_scan: list[Path] = []
    for file in _iter_files(paths):
        resolved = file.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        suffix = file.suffix.lower()
        if suffix in _SKIP_SUFFIXES or file.name in _SKIP_NAMES:
            report.files_skipped.append((file, f"binary {suffix}"))
            continue
        if suffix in _OPAQUE_SUFFIXES:
            report.findings.append(
                Finding(
                    file,
                    1,
                    None,
                    "unscanned",
                    file.name,
                    "",
                    detail=f"{suffix} cannot be checked; publish a text export (CSV, HTML) instead",
                )
            )
            continue
        to_scan.append(file)
    for file, findings in zip(to_scan, _scan_files(to_scan, jobs)):
        if findings is None:
            report.findings.append(
                Finding(
                    file, 1, None, "unscanned", file.name, "", detail="binary file of unknown type cannot be checked"
                )
            )
            continue
        report.files_scanned.append(file)
        report.findings.extend(findings)
    report.findings = _dedupe(report.findings)
    return report


def _xlsx_findings(file: Path) -> list[Finding] | None:
    """The findings in an ``.xlsx`` workbook, each sheet read as a table (``reports/tables.xlsx``
    holds the same tables as the scanned CSVs, but a workbook is scanned for what it holds, not
    trusted for where it came from); None when the file is not a workbook openpyxl can read."""
    import csv
    import io
    import zipfile

    try:
        from openpyxl import load_workbook

        book = load_workbook(file, read_only=True, data_only=False)
    except (ImportError, OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    findings: list[Finding] = []
    try:
        for sheet in book.worksheets:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for row in sheet.iter_rows(values_only=True):
                writer.writerow(["" if value is None else value for value in row])
            for location, units in file_segments(buffer.getvalue(), ".csv"):
                findings.extend(_scan_units(units, file, f"sheet {sheet.title}{location}"))
    finally:
        book.close()
    return _dedupe(findings)


def _scan_file(file: Path) -> list[Finding] | None:
    """The findings in one file; None when it is not text (nor a readable ``.xlsx`` workbook)."""
    if file.suffix.lower() == ".xlsx":
        return _xlsx_findings(file)
    text = _read_text(file)
    return None if text is None else scan_text(text, source=file)


def _scan_files(files: list[Path], jobs: int) -> list[list[Finding] | None]:
    import multiprocessing

    if jobs <= 1 or len(files) < 20 or "fork" not in multiprocessing.get_all_start_methods():
        return [_scan_file(file) for file in files]
    word_lists()  # build the word lists once, before forking, so every worker inherits them
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(_scan_file, files, chunksize=max(1, len(files) // (4 * jobs)))


def scan_paths(paths: Iterable[Path]) -> list[Finding]:
    """Scan files and folders (recursively) and return the findings, sorted by file and line.

    Parameters
    ----------
    paths : iterable of Path
        Files and folders, as for :func:`scan_report`.

    Returns
    -------
    list of Finding
        Empty when everything may be published.
    """
    return scan_report(paths).findings


def _display(path: Path) -> str:
    try:
        return relative_to_root(path)
    except (FileNotFoundError, OSError):
        return str(path)


def format_findings(
    findings: Sequence[Finding], *, files_scanned: int | None = None, files_skipped: int | None = None
) -> str:
    """Findings one per entry (where, kind, match, why, context) and a one-line summary.

    Parameters
    ----------
    findings : sequence of Finding
        What :func:`scan_paths`, :func:`scan_report` or :func:`scan_text` found.
    files_scanned, files_skipped : int, optional
        Counts for the summary line ("in 37 files (2 binary skipped)").

    Returns
    -------
    str
        The report; its last line is the summary (``anonymity scan: 0 findings in N files``).
    """
    lines: list[str] = []
    for f in findings:
        where = f"{_display(f.file)}:{f.line}"
        if f.column:
            where += f" [{f.column}]"
        if f.location:
            where += f" ({f.location})"
        lines.append(f"{where}: {f.kind}: {f.match!r} — {f.detail}")
        if f.context:
            lines.append(f"    {f.context}")
    summary = f"anonymity scan: {len(findings)} finding{'s' if len(findings) != 1 else ''}"
    if findings:
        counts = Counter(f.kind for f in findings)
        summary += " (" + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + ")"
    if files_scanned is not None:
        summary += f" in {files_scanned} file{'s' if files_scanned != 1 else ''}"
    if files_skipped:
        summary += f" ({files_skipped} binary skipped)"
    if findings:
        summary += "; fix them at the source, see docs/anonymisation.md"
    lines.append(summary)
    return "\n".join(lines)


def default_paths() -> list[Path]:
    """data/, notebooks/ (committed with their outputs) and reports/ (once something was generated).

    Returns
    -------
    list of Path
        Those of the three folders that exist.
    """
    return [p for p in (data_dir(), notebooks_dir(), reports_dir()) if p.exists()]
