"""What the scanner reports: the kinds of finding and one :class:`Finding` per thing to look at.

Kept apart from the rules so that every rule module (identifiers, names, links) records findings
the same way, through :class:`Collector`, with the line and column resolved from the unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ._units import Unit

KINDS = (
    "email",
    "phone",
    "national_id",
    "address",
    "person_name",
    "municipality_link",
    "letter_mapping",
    "role_link",
    "content_link",
    "unscanned",
)


@dataclass(frozen=True)
class Finding:
    """One thing a human must look at before the file may be published.

    ``line`` is 1-based. For CSV/TSV it is the line in the file where the offending row starts
    (the header is line 1), and ``column`` names the column, so the row can be found in a
    spreadsheet as well as in an editor. For notebooks ``line`` counts within the cell source or
    output named by ``location`` (``"cell 4 (code) output 1 text/html"``), because that is what a
    researcher sees in JupyterLab; the JSON file's own line numbers are meaningless to them.
    """

    file: Path
    line: int
    column: str | None
    kind: str
    match: str
    context: str
    location: str = ""
    detail: str = ""

    def sort_key(self) -> tuple:
        return (str(self.file), self.location, self.line, self.column or "", self.kind, self.match)


def _snippet(text: str, start: int, end: int, width: int = 50) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


class Collector:
    """The findings of one file (or notebook cell/output): every rule adds through :meth:`add`, so
    line, column and context are worked out from the unit in one place."""

    def __init__(self, file: Path, location: str) -> None:
        self.file, self.location = file, location
        self.findings: list[Finding] = []
        self._index: dict[tuple[int, str, str], int] = {}

    def add(self, unit: Unit, start: int, end: int, kind: str, detail: str, match: str | None = None) -> None:
        """Record a finding. The same text of the same kind on the same line is one finding (the
        first one that names a column, else the first one), as the report shows it; deciding that
        here keeps a line that repeats one name 50,000 times from costing 50,000 snippets."""
        line = unit.line_at(start)
        match = match if match is not None else " ".join(unit.text[start:end].split())
        key = (line, kind, match)
        index = self._index.get(key)
        if index is not None and self.findings[index].column is not None:
            return
        column = unit.column_at(start)
        if index is not None and column is None:
            return
        finding = Finding(
            file=self.file,
            line=line,
            column=column,
            kind=kind,
            match=match,
            context=_snippet(unit.text, start, end),
            location=self.location,
            detail=detail,
        )
        if index is None:
            self._index[key] = len(self.findings)
            self.findings.append(finding)
        else:
            self.findings[index] = finding
