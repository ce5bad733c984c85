"""Link rules: a municipality or survey letter next to a quote, a role or identifying content.

The thesis anonymised quotes to a role; what would undo that is what we put next to them. These
rules look at each unit and its neighbours for ``municipality_link``, ``letter_mapping``,
``role_link`` and ``content_link``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._findings import Collector
from ._lists import MUNICIPALITY_COLUMNS, QUOTE_TEXT_COLUMNS, WordLists, WordPattern
from ._units import Unit, norm_column

# Respondent roles. One respondent per role and municipality: a role next to a municipality name
# points to a person (for rådmann and Utdanningsforbundet the thesis's own 3.5 makes it unique).
_ROLE_WORDS = frozenset(
    {
        "arbeidsgiver",
        "tillitsvalgt",
        "hovedtillitsvalgt",
        "rådmann",
        "rådmannen",
        "personalleder",
        "personallederen",
        "personalsjef",
        "personalsjefen",
        "utdanningsforbundet",
        "fagforbundet",
    }
)
# In long prose only the unambiguous forms count ("tillitsvalgte" in a 3.2 description is generic).
_ROLE_PROSE = re.compile(
    r"(?<!\w)(?:[Rr]ådmann(?:en)?|[Pp]ersonal(?:leder|sjef)(?:en)?|[Hh]ovedtillitsvalgt|"
    r"Utdanningsforbundet|Fagforbundet|Arbeidsgiver|Tillitsvalgt)(?!\w)"
)
# What marks a line or row as a quote: guillemets, an utterance id, a printed role label.
_QUOTE_MARK = re.compile(r"«|»|(?<!\w)U\d{3,}(?!\w)|\((?:Arbeidsgiver|Tillitsvalgt|Hovedtillitsvalgt)\)")
_LETTER = WordPattern(
    r"(?:[Kk]ommune(?:ne|n)?|KOMMUNE|[Mm]unicipalit(?:y|ies))[ \u00a0]+[A-E](?!\w)"
    r"(?:\s*(?:,|og|and|&)\s*[A-E](?!\w))*"
)
_LETTER_CELL = re.compile(r"(?:(?:[Kk]ommune|[Mm]unicipality)\s+)?[A-E]")


@dataclass
class _Mentions:
    places: list[re.Match[str]]
    letters: list[tuple[int, int, str]]
    roles: list[tuple[int, int, str]]
    markers: list[re.Match[str]]
    quote_mark: bool
    place_cells: list[tuple[int, int, str]]


def _is_municipality_column(name: str | None) -> bool:
    column = norm_column(name)
    return column in MUNICIPALITY_COLUMNS or "kommune" in column or "municipal" in column


def _mentions(unit: Unit, lists: WordLists) -> _Mentions:
    """What the link rules need from one unit. Cell-level checks run only when the unit names a
    place (they can only matter then), which keeps the 100-row-per-ms pace on the corpus."""
    text = unit.text
    places = list(lists.places.finditer(text))
    folded = text.casefold()
    letters = (
        [(m.start(), m.end(), m.group()) for m in _LETTER.finditer(text)]
        if "ommune" in folded or "unicipal" in folded
        else []
    )
    roles: list[tuple[int, int, str]] = []
    place_cells: list[tuple[int, int, str]] = []
    is_row = bool(unit.cells) and not unit.header
    if places and unit.cells:
        for start, _end, _column, value in unit.cell_texts():
            value_stripped = value.strip()
            offset = start + (len(value) - len(value.lstrip()))
            if is_row and _LETTER_CELL.fullmatch(value_stripped):
                letters.append((offset, offset + len(value_stripped), value_stripped))
            if len(value.split()) <= 6:
                for w in re.finditer(r"\w+", value):
                    if w.group().casefold() in _ROLE_WORDS:
                        roles.append((start + w.start(), start + w.end(), w.group()))
            if lists.place_full.fullmatch(value_stripped):
                place_cells.append((offset, offset + len(value_stripped), value_stripped))
    elif places and len(text.split()) <= 6:
        for w in re.finditer(r"\w+", text):
            if w.group().casefold() in _ROLE_WORDS:
                roles.append((w.start(), w.end(), w.group()))
    if places and not roles:
        roles = [(m.start(), m.end(), m.group()) for m in _ROLE_PROSE.finditer(text)]
    markers = list(lists.markers.finditer(text)) if letters else []
    quote_mark = (
        unit.quote
        or bool(_QUOTE_MARK.search(text))
        or (is_row and not unit.tabular and unit.table is not None and unit.table.utterance)
    )
    return _Mentions(places, letters, roles, markers, quote_mark, place_cells)


def _municipality_of(place: str, lists: WordLists) -> str:
    if place in lists.place_municipality:
        return lists.place_municipality[place]
    if place.endswith("s") and place[:-1] in lists.place_municipality:
        return lists.place_municipality[place[:-1]]  # genitive: "Hols", "Gols"
    return place


def link_rules(units: list[Unit], out: Collector, lists: WordLists) -> None:
    mentions = [_mentions(u, lists) for u in units]
    for i, (unit, m) in enumerate(zip(units, mentions)):
        row = unit.cells is not None and not unit.tabular
        # Naming four or more of the municipalities lists the sample; it singles none out, so it
        # links nothing (quote, letter or role) to any one of them.
        listing = len({_municipality_of(p.group(), lists) for p in m.places}) >= 4
        linked = m.quote_mark and not listing
        neighbour = False
        # An attribution line ("— Arbeidsgiver, Ål") under a quote is short; long prose next to
        # a line that cites utterance ids is documentation, not attribution.
        if not linked and not row and not listing and len(unit.text.split()) <= 12:
            for j in (i - 1, i + 1):
                if (
                    0 <= j < len(units)
                    and units[j].block == unit.block
                    and (units[j].cells is None or units[j].tabular)
                ):
                    if mentions[j].quote_mark:
                        neighbour = True
        if linked or neighbour:
            how = "the same row/line as" if linked else "a line next to"
            for p in m.places:
                municipality = _municipality_of(p.group(), lists)
                label = (
                    p.group()
                    if p.group() in (municipality, municipality + "s", municipality.upper())
                    else f"{p.group()} ({municipality})"
                )
                inside = unit.quote or (row and norm_column(unit.column_at(p.start())) in QUOTE_TEXT_COLUMNS)
                detail = (
                    f"a quote names a municipality: {label}"
                    if inside
                    else f"municipality {label} in {how} a quote/utterance id"
                )
                out.add(unit, p.start(), p.end(), "municipality_link", detail)
            for s, e, letter in m.letters:
                out.add(unit, s, e, "municipality_link", f"survey letter '{letter}' in {how} a quote/utterance id")
            if row and not unit.header:
                for start, end, column, value in unit.cell_texts():
                    if _is_municipality_column(column) and value.strip():
                        out.add(
                            unit,
                            start,
                            end,
                            "municipality_link",
                            f"utterance row records a municipality in column '{column}'",
                        )
        if m.places and m.letters and not listing:
            letters = ", ".join(sorted({letter for *_, letter in m.letters}))
            for p in m.places:
                out.add(
                    unit,
                    p.start(),
                    p.end(),
                    "letter_mapping",
                    f"municipality and survey letter ({letters}) in one row/line: the thesis withholds this mapping",
                )
        if row and not unit.header and unit.table is not None and unit.table.letter_header:
            for s, e, _value in m.place_cells:
                out.add(
                    unit,
                    s,
                    e,
                    "letter_mapping",
                    "a row labelled with a municipality in a table whose columns are survey letters",
                )
        if m.places and m.roles and not (linked or neighbour or listing):
            roles = ", ".join(sorted({r for *_, r in m.roles}))
            for p in m.places:
                out.add(
                    unit,
                    p.start(),
                    p.end(),
                    "role_link",
                    f"municipality next to respondent role ({roles}): one respondent per role and municipality",
                )
        if m.letters and m.markers:
            letters = ", ".join(sorted({letter for *_, letter in m.letters}))
            for mk in m.markers:
                out.add(
                    unit,
                    mk.start(),
                    mk.end(),
                    "content_link",
                    f"identifying content next to survey letter ({letters}); see resources/anonymity_markers.csv",
                )
