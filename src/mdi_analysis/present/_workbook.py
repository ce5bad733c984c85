"""``reports/tables.xlsx``: every table of ``reports/tables`` as one sheet of a workbook Excel opens.

Why beside the CSVs: the CSVs are exact UTF-8 data for programs (pandas, R), and a Norwegian
Excel opening one by double-click guesses Windows-1252 and a semicolon separator. The workbook
needs no import dialog: numbers are typed numbers, the header row is frozen, and every text cell
is stored as text. Text that begins with ``=``, ``+``, ``-`` or ``@`` (a relation ``== 3``, a
quote starting with ``=HYPERLINK(``) would otherwise become a formula in a spreadsheet; here it
is always a string cell (``data_type == "s"``), never a formula.

Cells are typed one by one, not column by column: a column of numbers with one label (a "Sum"
row, a blank, a sentence where a count could not be computed) keeps its numbers as numbers. What
cannot be an Excel number stays text on purpose: infinity (``inf``, ``-inf``: Excel has no such
number, and an empty cell would read as "missing"), an integer of more than 15 digits (Excel keeps
15), a code with leading zeros (``007``), an identifier (:data:`ID_COLUMNS`: a section ``4.6``) and a
value as the thesis prints it (:data:`VERBATIM_COLUMNS`: ``4,3``, ``2.400``; a plain integer
there is a number).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import pandas as pd

from ..io import write_atomic

#: Excel's limit on a sheet name, and the characters a sheet name may not hold.
SHEET_NAME_LENGTH = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Openers that make a spreadsheet read a cell as a formula (the OWASP "CSV injection" list).
FORMULA_OPENERS = ("=", "+", "-", "@")
#: Columns that hold identifiers written like numbers (a section ``4.6``): always text.
ID_COLUMNS = frozenset({"section", "section_id", "thesis_section", "thesis", "item", "claim_id", "value_id"})
#: Columns that hold a value as the thesis prints it (``4,3`` and ``4.3``; ``2.400`` is 2400 with a
#: thousands point): only a plain integer (``4650``) becomes a number, every other cell stays text
#: as printed (read as a number, ``2.400`` would become 2.4).
VERBATIM_COLUMNS = frozenset({"published", "expected"})
#: A number as the tables write one: an optional minus, digits with an optional decimal point, an
#: optional exponent. Not ``+4`` (a relation), ``4,3`` (a decimal comma), ``1_000`` or ``nan``.
_NUMBER_TEXT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_TEXT = re.compile(r"-?\d+")
#: A code with leading zeros (``007``, ``-01``): text, or the zeros are lost.
_LEADING_ZERO = re.compile(r"-?0\d")
#: Excel keeps 15 significant digits: a longer integer (an id) would change.
EXCEL_DIGITS = 15


def sheet_names(names: Iterable[str]) -> dict[str, str]:
    """A unique, valid sheet name (≤ 31 characters, no ``[]:*?/\\``) for each table name.

    Parameters
    ----------
    names : iterable of str
        Table names (file names without ``.csv``), in sheet order.

    Returns
    -------
    dict of str to str
        Table name → sheet name; a name cut to 31 characters that clashes gets ``~2``, ``~3`` …
    """
    result: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = _SHEET_FORBIDDEN.sub("_", name)[:SHEET_NAME_LENGTH]
        candidate, number = base, 2
        while candidate.lower() in used:
            suffix = f"~{number}"
            candidate = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
            number += 1
        used.add(candidate.lower())
        result[name] = candidate
    return result


def _cell_value(value: object) -> object:
    """A Python value openpyxl stores with the right type, cell by cell.

    Numbers (Python or numpy, also in a column of mixed content) become numbers, missing values
    empty cells, ``inf``/``-inf`` the text ``inf``/``-inf`` (no Excel number can hold them), an
    integer beyond Excel's 15 digits its digits as text, anything else text.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if len(str(abs(value))) <= EXCEL_DIGITS else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    return str(value)


def _typed_text(text: str, *, verbatim: bool = False) -> object:
    """One cell of a CSV as the workbook should hold it: blank → None, a number → int or float,
    ``inf``/``-inf`` → float infinity, anything else (``4,3``, ``+4``, ``007``, ``n/a``) → the text.

    ``verbatim``: the cell is a value as the thesis prints it, where ``2.400`` means 2400: only a
    plain integer is a number there.
    """
    if text == "":
        return None
    if _LEADING_ZERO.match(text):
        return text
    if _INTEGER_TEXT.fullmatch(text):
        return int(text)
    if verbatim:
        return text
    if text in ("inf", "-inf"):
        return float(text)
    return float(text) if _NUMBER_TEXT.fullmatch(text) else text


def _append_rows(sheet, frame: pd.DataFrame) -> None:
    """Header and rows; every string is written as a string cell (openpyxl would read ``=…`` as a formula)."""
    from openpyxl.cell.cell import TYPE_STRING

    sheet.append([str(column) for column in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_cell_value(value) for value in row])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never "f" (formula), whatever the text starts with


def workbook_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """The ``.xlsx`` bytes of one sheet per table: header frozen, numbers typed, text as text.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Sheet (table) name → table, in sheet order; the index is not written.

    Returns
    -------
    bytes
        The workbook.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name, sheet_name in sheet_names(tables).items():
        frame = tables[name]
        sheet = book.create_sheet(sheet_name)
        _append_rows(sheet, frame)
        sheet.freeze_panes = "A2"
        for number, column in enumerate(frame.columns, start=1):
            texts = [str(column), *(str(v) for v in frame[column].head(200).tolist())]
            sheet.column_dimensions[get_column_letter(number)].width = min(60, max(8, max(map(len, texts)) + 2))
    if not book.sheetnames:
        book.create_sheet("empty")
    buffer = io.BytesIO()
    book.save(buffer)
    return _without_timestamps(buffer.getvalue())


def _without_timestamps(xlsx: bytes) -> bytes:
    """The same workbook with fixed zip entry times and document dates: equal tables, equal bytes.

    Why: openpyxl stamps each zip entry and ``docProps/core.xml`` with the time of saving, so
    every run would change the file (and its digest) without a change in any table.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2017-01-01T00:00:00Z", data)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def read_csv_table(path: Path) -> pd.DataFrame:
    """A table of ``reports/tables`` as written, typed cell by cell: a number becomes a number even
    in a column with text in it (a "Sum" label, a sentence), a blank becomes None, text stays text.

    A column of :data:`ID_COLUMNS` (a ``section`` ``4.6``) stays text, and so does a column where
    any cell is a code with leading zeros (``"007"`` and ``"100"`` side by side are both codes); in
    a column of :data:`VERBATIM_COLUMNS` only plain integers become numbers (``2.400`` stays text).
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except pd.errors.EmptyDataError:  # a table with neither rows nor columns: an empty sheet
        return pd.DataFrame()
    for position, column in enumerate(frame.columns):
        cells = frame.iloc[:, position]
        if str(column) in ID_COLUMNS or cells.map(lambda text: bool(_LEADING_ZERO.match(text))).any():
            typed = cells.replace("", None)
        else:
            typed = cells.map(partial(_typed_text, verbatim=str(column) in VERBATIM_COLUMNS)).astype(object)
        frame.isetitem(position, typed)
    return frame


def write_workbook(tables_folder: Path, path: Path) -> Path:
    """Write ``path`` (``reports/tables.xlsx``) from every ``*.csv`` in ``tables_folder``, atomically.

    Parameters
    ----------
    tables_folder : Path
        ``reports/tables``; its CSVs become sheets in file-name order.
    path : Path
        The workbook to write.

    Returns
    -------
    Path
        ``path``.
    """
    tables = {csv.stem: read_csv_table(csv) for csv in sorted(Path(tables_folder).glob("*.csv"))}
    return write_atomic(path, workbook_bytes(tables))
