"""Reading and writing the project's CSV tables, with errors a researcher can act on.

Why not ``pandas.read_csv`` directly? A Norwegian researcher's CSV comes from Excel in a Norwegian
locale (``;``-separated, decimal comma, often with a UTF-8 BOM) or from a script (plain comma CSV).
``read_csv`` would silently read ``4,2`` as text or split it into two columns, and its errors are deep
tracebacks without the file line. Here the file is parsed with :mod:`csv` so every row keeps its file
line, numbers are converted column by column, and the frame is validated with a pandera schema.
The first problem is raised as :class:`~mdi_analysis.errors.InputDataError` naming file, row,
column and what was expected.

Writing is atomic (temporary file + rename) so a failing run never leaves a half-written table.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from ..errors import InputDataError
from ..paths import relative_to_root
from ._files import write_atomic
from ._text import decode_text, read_input_bytes

SEPARATORS = (",", ";")


class RowLines(tuple):
    """Each row's line in its file, kept in a frame's ``attrs["lines"]``; never copied.

    Why a class: pandas deep-copies ``attrs`` into the result of every operation
    (``NDFrame.__finalize__``), so a plain list of a table's line numbers was copied element by
    element thousands of times in one audit (a fifth of its time). The numbers are immutable, so
    sharing them is safe.
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict) -> RowLines:
        return self

    def __copy__(self) -> RowLines:
        return self


@dataclass(frozen=True)
class RawTable:
    """A CSV file parsed to strings, remembering the file line of every data row."""

    frame: pd.DataFrame
    lines: list[int]
    separator: str
    display_name: str


def _decode(path: Path, raw: bytes) -> str:
    expected = "UTF-8 text, with or without BOM (in Excel: 'CSV UTF-8')"
    text, _ = decode_text(raw, relative_to_root(path), expected=expected)
    return text


def _detect_separator(path: Path, header: str) -> str:
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    if counts[best] == 0:
        raise InputDataError(
            relative_to_root(path),
            f"no column separator found in the header {header[:60]!r}",
            line=1,
            expected="a header row separated by ',' or ';'",
        )
    return best


def read_raw(path: str | Path) -> RawTable:
    """Parse a CSV file into a frame of strings (empty cells become missing values)."""
    path = Path(path)
    name = relative_to_root(path)
    raw = read_input_bytes(path, expected="an existing CSV file")
    text = _decode(path, raw)
    if not text.strip():
        raise InputDataError(name, "the file is empty", expected="a header row and data rows")
    header_line = text.splitlines()[0]
    separator = _detect_separator(path, header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as error:
        raise _csv_error(name, error, None, 1) from None
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise InputDataError(name, f"column name {dup!r} appears twice in the header", line=1)
    rows: list[list[str]] = []
    lines: list[int] = []
    start_line = reader.line_num + 1
    while True:
        row_number = len(rows) + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise _csv_error(name, error, row_number, start_line) from None
        if not record or all(not cell.strip() for cell in record):
            start_line = reader.line_num + 1
            continue
        if len(record) != len(header):
            raise InputDataError(
                name,
                f"{len(record)} fields instead of {len(header)}",
                row=row_number,
                line=start_line,
                expected=f"{len(header)} fields separated by {separator!r}"
                + (" (a decimal comma in a ','-separated file must be quoted)" if separator == "," else ""),
            )
        rows.append([cell.strip() for cell in record])
        lines.append(start_line)
        start_line = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame = frame.mask(frame == "", None)
    return RawTable(frame=frame, lines=lines, separator=separator, display_name=name)


def _csv_error(name: str, error: csv.Error, row: int | None, line: int) -> InputDataError:
    """A record :mod:`csv` cannot parse (a field over its 131,072-character limit, which an
    unclosed quote also causes, or a NUL byte) as one line naming the row."""
    return InputDataError(
        name,
        f"cannot be parsed as CSV ({error})",
        row=row,
        line=line,
        expected=f"fields under {csv.field_size_limit():,} characters and every opened quote closed",
    )


def _to_number(value: object, decimal_comma: bool) -> float:
    """A cell as a finite float; ``ValueError`` otherwise (``1e400`` is infinity, not a number)."""
    text = str(value).strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if decimal_comma or ("," in text and "." not in text):
        text = text.replace(",", ".")
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not finite")
    return number


def _convert_column(table: RawTable, column: str, dtype: str) -> pd.Series:
    """Convert one string column to ``dtype`` ('float', 'int', 'bool'), naming the first bad cell."""
    series = table.frame[column]
    out: list[object] = []
    for position, value in enumerate(series):
        if value is None or pd.isna(value):
            out.append(None)
            continue
        try:
            if dtype == "bool":
                lowered = str(value).strip().lower()
                if lowered not in {"true", "false", "1", "0", "ja", "nei"}:
                    raise ValueError
                out.append(lowered in {"true", "1", "ja"})
                continue
            number = _to_number(value, table.separator == ";")
            if dtype == "int":
                if number != int(number) or abs(number) >= 2**63:
                    raise ValueError
                number = int(number)
            out.append(number)
        except (ValueError, OverflowError):
            expected = {"float": "a number", "int": "a whole number", "bool": "true or false"}[dtype]
            raise InputDataError(
                table.display_name,
                f"{value!r} is not {expected}",
                row=position + 1,
                line=table.lines[position],
                column=column,
                expected=expected + (" (decimal comma or point)" if dtype == "float" else ""),
            ) from None
    if dtype == "float":
        return pd.Series(out, index=series.index, dtype="float64")
    if dtype == "int":
        return pd.Series(out, index=series.index, dtype="Int64")
    return pd.Series(out, index=series.index, dtype="boolean")


def _describe_check(check: object) -> str:
    text = str(check)
    replacements = {
        "column_in_dataframe": "the column to be present",
        "not_nullable": "a value (the cell must not be empty)",
        "field_uniqueness": "a unique value",
        "multiple_fields_uniqueness": "a unique combination",
        "coerce_dtype": "a value of the right type",
    }
    for key, phrase in replacements.items():
        if key in text:
            return phrase
    if text.startswith("isin("):
        return "one of " + text[len("isin(") : -1]
    if text.startswith("in_range("):
        low, high = text[len("in_range(") : -1].split(",")
        return f"a value between {low.strip()} and {high.strip()}"
    if text.startswith("str_matches("):
        return "text matching the pattern " + text[len("str_matches(") : -1]
    return text


def _raise_schema_failure(table: RawTable, error: SchemaErrors | SchemaError) -> None:
    cases = error.failure_cases if isinstance(error, SchemaErrors) else error.failure_cases
    if isinstance(error, SchemaError) and cases is None:
        raise InputDataError(table.display_name, str(error).splitlines()[0]) from None
    cases = pd.DataFrame(cases).reset_index(drop=True)
    # Structural problems (a missing column) first, then the earliest row.
    cases["_order"] = cases["index"].map(lambda i: -1 if i is None or pd.isna(i) else int(i))
    cases = cases.sort_values(["_order"], kind="stable")
    first = cases.iloc[0]
    more = cases["_order"].nunique() - 1
    suffix = f" (and problems in {more} more row{'s' if more != 1 else ''})" if more else ""
    check = str(first.get("check", ""))
    column = first.get("column")
    column = None if column is None or pd.isna(column) else str(column)
    if "column_in_dataframe" in check:
        missing = str(first["failure_case"])
        raise InputDataError(
            table.display_name,
            f"column '{missing}' is missing{suffix}",
            line=1,
            expected="the columns " + ", ".join(error.schema.columns) if error.schema is not None else None,
        ) from None
    position = int(first["_order"])
    if "multiple_fields_uniqueness" in check and error.schema is not None and error.schema.unique:
        column = ", ".join(error.schema.unique)
    if "uniqueness" in check or (column is None and "unique" in check):
        raise InputDataError(
            table.display_name,
            f"this row duplicates an earlier one{suffix}",
            row=position + 1,
            line=table.lines[position] if 0 <= position < len(table.lines) else None,
            column=column,
            expected="each key to appear once",
        ) from None
    value = first["failure_case"]
    shown = table.frame.iloc[position][column] if column in table.frame.columns and position >= 0 else value
    raise InputDataError(
        table.display_name,
        f"{shown!r} is not allowed{suffix}",
        row=position + 1 if position >= 0 else None,
        line=table.lines[position] if 0 <= position < len(table.lines) else None,
        column=column,
        expected=_describe_check(check),
    ) from None


def read_table(
    path: str | Path,
    schema: pa.DataFrameSchema,
    *,
    numeric: dict[str, str] | None = None,
    min_rows: int = 0,
) -> pd.DataFrame:
    """Read ``path`` and validate it against ``schema``; numbers in ``numeric`` ({column: 'float'|'int'|'bool'}).

    Columns that are required by the schema are checked before any conversion, so a missing column
    is reported as missing rather than as a confusing type error.

    Parameters
    ----------
    path : str or Path
        A CSV file: UTF-8 (BOM allowed), separated by ``,`` or ``;`` (decimal comma with ``;``).
    schema : pandera.DataFrameSchema
        The columns and checks the table must meet; columns it does not name are kept as text.
    numeric : dict of str to {"float", "int", "bool"}, optional
        Columns to convert before validation (``int`` → Int64, ``bool`` accepts true/false/1/0/ja/nei).
    min_rows : int
        Fewer data rows is an error: a survey or sample file with only its header is a file that
        lost its data, and reading it as "no values" would report every value as missing.

    Returns
    -------
    pandas.DataFrame
        The validated table, index 0…n-1, other columns as ``string``; ``attrs["file"]`` holds the
        file name and ``attrs["lines"]`` each row's file line (used by :func:`fail_row`).

    Raises
    ------
    InputDataError
        The first problem, naming file, row, file line, column and what was expected: file missing,
        empty or not UTF-8, no separator, a duplicate header, a wrong number of fields, a missing
        column, fewer than ``min_rows`` rows, a cell that is not a number, or a schema check that fails.
    """
    table = read_raw(path)
    if len(table.frame) < min_rows:
        raise InputDataError(
            table.display_name,
            f"{len(table.frame)} data rows under the header",
            line=2,
            expected=f"at least {min_rows} data row{'s' if min_rows > 1 else ''}",
        )
    missing = [c for c, col in schema.columns.items() if col.required and c not in table.frame.columns]
    if missing:
        raise InputDataError(
            table.display_name,
            f"column '{missing[0]}' is missing" + (f" (also {', '.join(missing[1:])})" if missing[1:] else ""),
            line=1,
            expected="the columns " + ", ".join(schema.columns),
        )
    frame = table.frame.copy()
    for column, dtype in (numeric or {}).items():
        if column in frame.columns:
            frame[column] = _convert_column(table, column, dtype)
    for column in frame.columns:
        if column not in (numeric or {}):
            frame[column] = frame[column].astype("string")
    try:
        validated = schema.validate(frame, lazy=True)
    except (SchemaErrors, SchemaError) as error:
        _raise_schema_failure(table, error)
        raise  # unreachable: _raise_schema_failure always raises
    validated = validated.reset_index(drop=True)
    # Remember where each row came from, for cross-file checks done after loading.
    validated.attrs["file"] = table.display_name
    validated.attrs["lines"] = RowLines(table.lines)
    return validated


def fail_row(frame: pd.DataFrame, position: int, column: str, problem: str, expected: str | None = None) -> None:
    """Raise :class:`InputDataError` for row ``position`` (0-based) of a frame from :func:`read_table`.

    Checks made after loading (across files, or between columns) report like the schema checks do:
    file, row, file line and column, because :func:`read_table` records the file and every row's line.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame from :func:`read_table` (without its ``attrs`` the file is shown as ``<table>``).
    position : int
        The row's 0-based position in ``frame``.
    column : str
        The column with the problem.
    problem : str
        What is wrong, e.g. ``"unknown framework 'x'"``.
    expected : str, optional
        What would have been accepted.

    Returns
    -------
    None
        Never returns.

    Raises
    ------
    InputDataError
        Always.
    """
    lines = frame.attrs.get("lines", [])
    raise InputDataError(
        frame.attrs.get("file", "<table>"),
        problem,
        row=position + 1,
        line=lines[position] if position < len(lines) else None,
        column=column,
        expected=expected,
    )


def check_allowed(
    frame: pd.DataFrame,
    column: str,
    allowed: Iterable[object],
    what: str,
    *,
    source: str | None = None,
    listed: bool = False,
) -> None:
    """Cross-file check: every value of ``column`` must be in ``allowed`` (e.g. codes defined in another file).

    Empty cells are left to the schema (which says whether the column may be empty). With ``listed``
    a cell holds ``;``-separated values and each must be allowed. ``source`` names the file that
    defines the allowed values; without it the message lists them.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame from :func:`read_table`.
    column : str
        The column to check.
    allowed : iterable
        The values defined elsewhere.
    what : str
        What a value is, for the message (``"framework"``, ``"factor number"``).
    source : str, optional
        The file that defines ``allowed``.
    listed : bool
        Cells hold ``;``-separated lists.

    Returns
    -------
    None

    Raises
    ------
    InputDataError
        For the first cell (or list item) that is not allowed, via :func:`fail_row`.
    """
    allowed = list(allowed)
    allowed_set = set(allowed)
    expected = f"a {what} listed in {source}" if source else "one of " + ", ".join(map(str, allowed))
    for position, value in enumerate(frame[column]):
        if value is None or pd.isna(value):
            continue
        for item in str(value).split(";") if listed else [value]:
            if item not in allowed_set:
                fail_row(frame, position, column, f"unknown {what} {str(item)!r}", expected)


def write_table(frame: pd.DataFrame, path: str | Path, *, float_format: str | None = None) -> Path:
    """Write ``frame`` as UTF-8 comma CSV with ``\\n`` line endings, atomically.

    Parameters
    ----------
    frame : pandas.DataFrame
        Written without its index.
    path : str or Path
        The target; its folder is created when missing.
    float_format : str, optional
        A printf-style format for floats (e.g. ``"%.4f"``); default pandas' own.

    Returns
    -------
    Path
        ``path``.
    """
    text = frame.to_csv(index=False, lineterminator="\n", float_format=float_format)
    return write_atomic(path, text)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Fail early with a plain message when an in-memory frame lacks columns a function needs.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame a caller passed in.
    columns : iterable of str
        The columns the function needs.
    what : str
        Who needs them, for the message (a function or table name).

    Returns
    -------
    None

    Raises
    ------
    ValueError
        Naming the missing columns and the ones present.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs the columns {', '.join(missing)}; got {', '.join(map(str, frame.columns))}")
