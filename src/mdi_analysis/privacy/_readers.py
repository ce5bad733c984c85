"""File-format readers: HTML, XML/SVG/QDE, JSON, notebooks, and the choice by suffix.

Each reader turns a file's text into units (``_units``) that keep table rows, quotes and source
lines intact, so the rules see structure (a quote column, a blockquote, a notebook output) rather
than raw markup. :func:`file_segments` picks the reader; a file that does not parse as its suffix
says is still scanned, as plain text.
"""

from __future__ import annotations

import bisect
import csv
import json
import re
import xml.parsers.expat
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser

from ._units import (
    Table,
    Unit,
    csv_units,
    join_cells,
    mark_tabular,
    norm_column,
    split_lines,
    text_units,
)

_NAME_ATTRIBUTES = frozenset({"name", "author", "creator", "user", "title", "label"})
_XML_QUOTE_ELEMENTS = frozenset({"plaintextcontent", "quote", "utterance", "transcript"})
_XML_FREE_ELEMENTS = _XML_QUOTE_ELEMENTS | frozenset({"description", "memotext", "note", "memo", "text"})


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


class _HTMLUnits(HTMLParser):
    """Tags stripped, text kept with its source line; table rows become one unit with cells."""

    _BLOCK = frozenset(
        "address article aside blockquote body br dd details div dl dt fieldset figcaption figure "
        "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary ul "
        "title caption tbody tfoot".split()
    )
    _NEW_BLOCK = frozenset("h1 h2 h3 h4 h5 h6 hr table".split())

    def __init__(self, first_line: int = 1) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[Unit] = []
        self._first = first_line - 1
        self._parts: list[str] = []
        self._breaks: list[tuple[int, int]] = []
        self._length = 0
        self._skip = 0
        self._pre = 0
        self._block = 0
        self._tables: list[Table] = []
        self._in_thead = 0
        self._row: list[tuple[int, int, bool]] | None = None
        self._cell: tuple[int, bool] | None = None
        self._quote = 0

    # -- text buffer -----------------------------------------------------------------------
    def _append(self, text: str, line: int) -> None:
        if not self._breaks or self._breaks[-1][1] != line:
            self._breaks.append((self._length, line))
        for i, chunk in enumerate(text.split("\n")):
            if i:
                line += 1
                self._parts.append(" ")
                self._length += 1
                self._breaks.append((self._length, line))
            self._parts.append(chunk)
            self._length += len(chunk)

    def _flush(self, *, row: bool = False, pre: bool = False) -> None:
        text = "".join(self._parts)
        if text.strip():
            breaks = self._breaks or [(0, self._first + 1)]
            unit = Unit(
                text, breaks[0][1], breaks=list(breaks), block=self._block, quote=self._quote > 0, free=self._quote > 0
            )
            if row and self._row is not None and self._tables:
                table = self._tables[-1]
                cells = [(s, e) for s, e, _ in self._row]
                names = [text[s:e].strip() for s, e in cells]
                is_header = bool(self._in_thead) or (not table.columns and all(th for *_, th in self._row))
                if is_header and not table.columns:
                    table.set_header(names)
                columns = [None] * len(cells) if is_header else table.columns
                unit.cells = [(s, e, columns[i] if i < len(columns) else None) for i, (s, e) in enumerate(cells)]
                unit.table, unit.header = table, is_header
                self._block += 1
            elif pre or self._pre:
                mark_tabular(unit)
            self.units.append(unit)
        self._parts, self._breaks, self._length = [], [], 0

    # -- parser callbacks ---------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self._first + self.getpos()[0]
        attributes = dict(attrs)
        if tag in ("style", "script"):
            if tag == "style" or "json" not in (attributes.get("type") or ""):
                self._skip += 1
            return
        if tag in self._NEW_BLOCK:
            self._flush()
            self._block += 1
        if tag == "table":
            self._tables.append(Table())
        elif tag == "thead":
            self._in_thead += 1
        elif tag == "tr":
            self._flush()
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._close_cell()
            if self._row:
                self._parts.append(" | ")
                self._length += 3
            self._cell = (self._length, tag == "th")
        elif tag in self._BLOCK:
            self._break()
        if tag == "blockquote":
            self._quote += 1
        if tag == "pre":
            self._pre += 1
        for name in ("title", "alt", "aria-label"):
            value = attributes.get(name)
            if value and value.strip():
                self.units.append(Unit(value, line, block=self._block, free=False))

    def _break(self) -> None:
        """A block boundary ends the logical line, except inside a table row (a <br> or <p> in a
        cell), where the row must stay one unit."""
        if self._row is not None:
            self._parts.append(" ")
            self._length += 1
        else:
            self._flush()

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append((self._cell[0], self._length, self._cell[1]))
        self._cell = None

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
            return
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_cell()
            self._flush(row=True)
            self._row = None
        elif tag == "thead":
            self._in_thead = max(0, self._in_thead - 1)
        elif tag == "table":
            self._flush()
            if self._tables:
                self._tables.pop()
            self._block += 1
        elif tag in self._BLOCK:
            self._break()
        if tag == "blockquote":
            self._quote = max(0, self._quote - 1)
        if tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        line = self._first + self.getpos()[0]
        if self._pre and self._row is None:
            for i, chunk in enumerate(data.split("\n")):
                if i:
                    self._flush(pre=True)
                self._append(chunk, line + i)
            return
        self._append(data, line)

    def close(self) -> None:
        super().close()
        self._flush()


def _html_units(text: str) -> list[Unit]:
    parser = _HTMLUnits()
    parser.feed(text)
    parser.close()
    return parser.units


def _xml_units(text: str) -> list[Unit]:
    units: list[Unit] = []
    parser = xml.parsers.expat.ParserCreate()
    chunks: list[tuple[int, str]] = []
    stack: list[str] = []

    def local(name: str) -> str:
        return name.rsplit(":", 1)[-1].rsplit("}", 1)[-1].lower()

    def flush() -> None:
        if not chunks:
            return
        element = local(stack[-1]) if stack else ""
        line, buffer = chunks[0][0], []
        current = line
        for start, chunk in chunks:
            current = max(current, start)
            for i, piece in enumerate(chunk.split("\n")):
                if i:
                    if "".join(buffer).strip():
                        units.append(
                            Unit(
                                "".join(buffer),
                                line,
                                quote=element in _XML_QUOTE_ELEMENTS,
                                free=element in _XML_FREE_ELEMENTS,
                            )
                        )
                    buffer, current = [], current + 1
                    line = current
                buffer.append(piece)
        if "".join(buffer).strip():
            units.append(
                Unit("".join(buffer), line, quote=element in _XML_QUOTE_ELEMENTS, free=element in _XML_FREE_ELEMENTS)
            )
        chunks.clear()

    def start(name: str, attrs: dict[str, str]) -> None:
        flush()
        line = parser.CurrentLineNumber
        for key, value in attrs.items():
            if value and value.strip():
                is_name = local(key) in _NAME_ATTRIBUTES
                units.append(Unit(value, line, free=is_name, name_field=is_name, block=len(units)))
        stack.append(name)

    def end(name: str) -> None:
        flush()
        if stack:
            stack.pop()

    def data(text_: str) -> None:
        chunks.append((parser.CurrentLineNumber, text_))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.Parse(text, True)
    flush()
    return units


# How far ahead of the previous record the first string value of the next JSON record is looked
# for (to give the record its line), beyond the previous record's own length: a bound, so that a
# value written differently in the file ("\/" for "/") costs a fixed amount instead of a search
# to the end of the file for every record.
_JSON_LOOK_AHEAD = 4096


def _json_units(text: str, *, lines_mode: bool = False) -> list[Unit]:
    raw_lines = split_lines(text)
    units = [
        Unit(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line), i + 1, block=i)
        for i, line in enumerate(raw_lines)
        if line.strip()
    ]
    line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    documents: list[tuple[int, object]] = []  # (offset where the document starts, document)
    if lines_mode:
        for i, line in enumerate(raw_lines):
            try:
                documents.append((line_starts[i], json.loads(line)))
            except ValueError:
                continue
    else:
        try:
            documents.append((0, json.loads(text)))
        except ValueError:
            return units
    for start, document in documents:
        for record, line in _json_records(document, text, line_starts, start):
            keys = list(record)
            joined, cells = join_cells([str(record[k]) for k in keys], [norm_column(k) for k in keys])
            table = Table()
            table.set_header(keys)
            units.append(Unit(joined, line, cells=cells, table=table, direct=False, block=-line))
    return units


def _json_records(document: object, text: str, line_starts: list[int], start: int) -> Iterator[tuple[dict, int]]:
    """Every JSON object with scalar members, with the line of its first string value.

    The records come in document order; each one's first string is looked for from where the
    previous one was found, within the previous record's length and :data:`_JSON_LOOK_AHEAD`
    characters (which keeps the search linear in the size of the file)."""
    cursor, previous_length = start, 0
    stack: deque[object] = deque([document])
    while stack:
        node = stack.popleft()
        if isinstance(node, list):
            stack.extendleft(reversed(node))
        elif isinstance(node, dict):
            scalars = {k: v for k, v in node.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
            stack.extendleft(reversed([v for v in node.values() if isinstance(v, (dict, list))]))
            if scalars:
                first = next((v for v in scalars.values() if isinstance(v, str) and v), None)
                if first is not None:
                    needles = {json.dumps(first, ensure_ascii=False), json.dumps(first)}
                    end = cursor + _JSON_LOOK_AHEAD + 2 * previous_length + max(map(len, needles))
                    found = [p for n in needles if (p := text.find(n, cursor, end)) >= 0]
                    if found:
                        cursor = min(found)
                previous_length = sum(len(str(k)) + len(str(v)) + 8 for k, v in scalars.items())
                yield scalars, bisect.bisect_right(line_starts, cursor)


def _join_source(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)


def _notebook_segments(text: str) -> list[tuple[str, list[Unit]]]:
    notebook = json.loads(text)
    if not isinstance(notebook, dict) or "cells" not in notebook:
        raise ValueError("not a notebook")
    segments: list[tuple[str, list[Unit]]] = []
    metadata = notebook.get("metadata")
    if metadata:
        segments.append(("notebook metadata", text_units(json.dumps(metadata, ensure_ascii=False, indent=1))))
    for c, cell in enumerate(notebook.get("cells", []), 1):
        kind = cell.get("cell_type", "cell")
        source = _join_source(cell.get("source", ""))
        segments.append((f"cell {c} ({kind}) source", text_units(source, markdown=kind == "markdown")))
        for o, output in enumerate(cell.get("outputs", []) or [], 1):
            where = f"cell {c} ({kind}) output {o}"
            output_type = output.get("output_type")
            if output_type == "stream":
                segments.append(
                    (f"{where} {output.get('name', 'stream')}", text_units(_join_source(output.get("text", ""))))
                )
            elif output_type == "error":
                trace = "\n".join(output.get("traceback", []) or [])
                body = f"{output.get('ename', '')}: {output.get('evalue', '')}\n{_ANSI.sub('', trace)}"
                segments.append((f"{where} error", text_units(body)))
            for mime, value in (output.get("data") or {}).items():
                if mime.startswith("image/") and mime != "image/svg+xml":
                    continue
                body = _join_source(value)
                if "html" in mime:
                    units = _html_units(body)
                elif "svg" in mime or mime.endswith("xml"):
                    units = _markup_units(body)
                elif "markdown" in mime:
                    units = text_units(body, markdown=True)
                elif "json" in mime:
                    units = _json_units(body)
                else:
                    units = text_units(body)
                segments.append((f"{where} {mime}", units))
    return segments


def _markup_units(text: str) -> list[Unit]:
    try:
        return _xml_units(text)
    except xml.parsers.expat.ExpatError:
        return _html_units(text)


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def file_segments(text: str, suffix: str) -> list[tuple[str, list[Unit]]]:
    """Turn a file's text into (location, units) segments according to its type."""
    suffix = suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".tab"):
            return [("", csv_units(text, _sniff_delimiter(text, suffix)))]
        if suffix == ".ipynb":
            return _notebook_segments(text)
        if suffix in (".html", ".htm", ".xhtml"):
            return [("", _html_units(text))]
        if suffix in (".xml", ".qde", ".svg", ".xlf", ".kml", ".gpx"):
            return [("", _markup_units(text))]
        if suffix in (".json", ".geojson"):
            return [("", _json_units(text))]
        if suffix in (".jsonl", ".ndjson"):
            return [("", _json_units(text, lines_mode=True))]
    except (csv.Error, ValueError, xml.parsers.expat.ExpatError):
        pass  # malformed: still scan it, as plain text
    markdown = suffix in (".md", ".markdown", ".qmd", ".rmd", ".rst")
    return [("", text_units(text, markdown=markdown))]
