"""Units: what every file format is turned into before the rules run.

A :class:`Unit` is one logical line (a text line, a table row with its cells, an attribute) that
remembers where it came from, so that a finding can name the line and column a researcher sees.
Plain text, Markdown and CSV are read here; the markup, JSON and notebook readers in
``_readers`` build the same units.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ._lists import SPEAKER_COLUMNS, UTTERANCE_COLUMNS


@dataclass
class Table:
    columns: list[str] = field(default_factory=list)
    utterance: bool = False
    letter_header: bool = False

    def set_header(self, names: Sequence[str]) -> None:
        self.columns = [norm_column(n) for n in names]
        self.utterance = any(c in UTTERANCE_COLUMNS for c in self.columns) or (
            "text" in self.columns and any(c in SPEAKER_COLUMNS for c in self.columns)
        )
        self.letter_header = sum(1 for n in names if re.fullmatch(r"[A-E]", n.strip())) >= 2


@dataclass
class Unit:
    """A logical line: one text line, one table row (cells joined with " | ") or one attribute."""

    text: str
    line: int
    breaks: list[tuple[int, int]] | None = None  # (offset, line) where a later source line starts
    cells: list[tuple[int, int, str | None]] | None = None  # (start, end, column name)
    table: Table | None = None
    header: bool = False
    quote: bool = False  # structurally quote content (corpus text cell, transcript, blockquote)
    free: bool = False  # the whole unit is prose for the name heuristic
    name_field: bool = False  # the whole unit is expected to hold a name (XML name="...")
    tabular: bool = False  # plain-text table line: cells only feed the exact-cell rules
    direct: bool = True  # run direct-identifier and name rules (off for JSON record views)
    block: int = 0
    _cell_starts: tuple[list, list[int]] | None = field(default=None, init=False, repr=False, compare=False)

    def line_at(self, offset: int) -> int:
        if not self.breaks:
            return self.line
        index = bisect.bisect_right(self.breaks, (offset, 1 << 30)) - 1
        return self.breaks[index][1] if index >= 0 else self.line

    def column_at(self, offset: int) -> str | None:
        """The column of the cell at ``offset`` (None outside a cell). A binary search over the
        cell starts: a row of 100,000 cells with a finding in each was quadratic."""
        if not self.cells or self.tabular:
            return None
        if self._cell_starts is None or self._cell_starts[0] is not self.cells:
            self._cell_starts = (self.cells, [start for start, _, _ in self.cells])
        index = bisect.bisect_right(self._cell_starts[1], offset) - 1
        if index >= 0 and offset <= self.cells[index][1]:
            return self.cells[index][2]
        return None

    def cell_texts(self) -> list[tuple[int, int, str | None, str]]:
        return [(s, e, c, self.text[s:e]) for s, e, c in (self.cells or [])]


@lru_cache(maxsize=4096)
def norm_column(name: str | None) -> str:
    return re.sub(r"[\s-]+", "_", (name or "").strip().lstrip("\ufeff").lower())


def join_cells(values: Sequence[str], columns: Sequence[str | None]) -> tuple[str, list[tuple[int, int, str | None]]]:
    parts: list[str] = []
    cells: list[tuple[int, int, str | None]] = []
    offset = 0
    for i, value in enumerate(values):
        if i:
            parts.append(" | ")
            offset += 3
        value = value or ""
        cells.append((offset, offset + len(value), columns[i] if i < len(columns) else None))
        parts.append(value)
        offset += len(value)
    return "".join(parts), cells


def split_lines(text: str) -> list[str]:
    # Not str.splitlines(): it also splits on \x0c, \u2028 ... and line numbers would drift
    # from what editors show.
    return re.split(r"\r\n|\r|\n", text)


def mark_tabular(unit: Unit) -> None:
    """A printed table (DataFrame, fixed-width report) aligns columns with runs of spaces; its
    cells feed the exact-cell rules (a lone survey letter next to a municipality)."""
    raw = unit.text
    if "\t" in raw or _TABULAR.search(raw):
        cells = []
        for m in _TABULAR_CELL.finditer(raw):
            if m.group().strip():
                start = m.start() + len(m.group()) - len(m.group().lstrip())
                cells.append((start, m.end(), None))
        unit.cells, unit.tabular = cells, True


_TABULAR = re.compile(r"\S {2,}\S")
# A cell ends before a tab or two spaces. The look-ahead checks two spaces, not "two or more":
# " {2,}" re-read the whole run of spaces after every space, quadratic in a long run of them.
_TABULAR_CELL = re.compile(r"[^\t]+?(?=\t| {2}|$)")


def text_units(text: str, *, markdown: bool = False, first_line: int = 1) -> list[Unit]:
    units: list[Unit] = []
    block = 0
    table: Table | None = None
    for index, raw in enumerate(split_lines(text)):
        line = first_line + index
        stripped = raw.strip()
        if not stripped:
            block += 1
            table = None
            continue
        if markdown and stripped.startswith("|") and stripped.count("|") >= 2:
            if re.fullmatch(r"[|:\-\s]+", stripped):
                continue  # the |---|---| separator row
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", stripped.strip("|"))]
            is_header = table is None
            if table is None:
                table = Table()
                table.set_header(cells)
            joined, spans = join_cells(cells, table.columns if not is_header else [None] * len(cells))
            offset = raw.index(stripped)
            units.append(
                Unit(
                    " " * offset + joined,
                    line,
                    cells=[(s + offset, e + offset, c) for s, e, c in spans],
                    table=table,
                    header=is_header,
                    block=block,
                )
            )
            block += 1  # table rows are linked row by row, never to their neighbours
            continue
        table = None
        unit = Unit(raw, line, block=block)
        if markdown and stripped.startswith(">"):
            unit.quote = unit.free = True
        else:
            mark_tabular(unit)
        units.append(unit)
    return units


def csv_units(text: str, delimiter: str) -> list[Unit]:
    """One unit per record, with its cells and the line it starts on.

    The csv module refuses a field over 131,072 characters (its ``field_size_limit``); the file
    was then scanned as plain text, without its columns, and a municipality in a quote row went
    unflagged. The scan has no size at which it stops looking: the limit is lifted while this
    file is read (and put back after, as other code in the process may rely on it)."""
    previous_limit = csv.field_size_limit(sys.maxsize)
    try:
        return _csv_records(text, delimiter)
    finally:
        csv.field_size_limit(previous_limit)


def _csv_records(text: str, delimiter: str) -> list[Unit]:
    units: list[Unit] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = Table()
    previous_end = 0
    for record_no, record in enumerate(reader):
        start_line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if record_no == 0:
            table.set_header(record)
            joined, cells = join_cells(record, [None] * len(record))
            units.append(Unit(joined, start_line, cells=cells, table=table, header=True, block=record_no))
            continue
        joined, cells = join_cells(record, table.columns)
        units.append(Unit(joined, start_line, cells=cells, table=table, block=record_no))
    return units
