"""Anonymity scanner: the automated half of the policy in ``docs/anonymisation.md``.

The compendium publishes interview quotes that the thesis anonymised to a role (Arbeidsgiver /
Tillitsvalgt). The rule is: no person names of respondents, no phone numbers, no e-mail addresses,
and no link between a quote and a named municipality may appear in ``data/`` or in any output. The
thesis itself is public, so a quote's *text* is not the risk; the risk is what we add next to it
(a municipality, a survey letter, a name) and what slips in by mistake (a transcript line, an
appendix address block). This module looks for exactly those things in every file we publish:

- ``email``, ``phone``, ``national_id``, ``address``: direct identifiers;
- ``person_name``: a deny-list of every person the thesis names (author, supervisor, partner,
  consultant, NSD officers ...) everywhere, plus a heuristic for unknown names inside quotes and
  free-text cells (a given-name list, capitalised name pairs, "jeg heter X" / "fra X");
- ``municipality_link``: a municipality (or one of its villages) or a survey letter ("kommune B")
  in the same row / line as a quote or an utterance id, or named inside a corpus quote;
- ``letter_mapping``: a municipality name and a survey letter (A, B, D) in one row or line — the
  mapping the thesis withholds and that our data must never record;
- ``role_link``: a municipality together with a respondent role (rådmann, Utdanningsforbundet ...)
  — one respondent per role and municipality makes the pair identifying;
- ``content_link``: a survey letter next to content that is known to point to one municipality
  (e.g. "innovasjonsår", «Nytt blikk»), see ``resources/anonymity_markers.csv``;
- ``unscanned``: an opaque document/data container (.xlsx, .pdf, .docx, audio ...) that cannot be
  checked and therefore must not be published unchecked.

The lists live in ``resources/anonymity_*.csv|txt`` so that a reviewer can read and extend them
without touching code. Entry points: :func:`scan_paths`, :func:`scan_text`, :func:`format_findings`
and the CLI :func:`main` (``python -m mdi_analysis scan-pii [PATH ...]``).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import io
import json
import re
import sys
import xml.parsers.expat
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, Sequence

__all__ = [
    "Finding",
    "ScanReport",
    "KINDS",
    "scan_paths",
    "scan_report",
    "scan_text",
    "format_findings",
    "main",
]

# --------------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------------

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


@dataclass
class ScanReport:
    """Findings plus what was (not) looked at, so the summary can say how much was covered."""

    findings: list[Finding] = field(default_factory=list)
    files_scanned: list[Path] = field(default_factory=list)
    files_skipped: list[tuple[Path, str]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Lists shipped in resources/
# --------------------------------------------------------------------------------------------

_RES = "resources"


def _resource_text(name: str) -> str:
    return resources.files("mdi_analysis").joinpath(_RES, name).read_text(encoding="utf-8")


def _resource_csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_resource_text(name))))


# Words that start Norwegian/English sentences or are too common to be names. They stop the
# name heuristic from reading "Det Jeg" or "The Table" as a person. Kept in code (not a resource)
# because they are grammar, not knowledge about this thesis.
_STOPWORDS = frozenset(
    """
    at av bare begge blant blir ble bør både da de dem den denne dens der deres derfor dersom
    dessuten det dette disse du eller en enn ens enten er et etter ett fikk for foran fordi fra
    først før få får gjennom gjør gjøre går ha hadde han hans har hele her hos hun hva hvem hver
    hvilke hvilken hvis hvor hvordan hvorfor i ikke inn innen ja jeg jo kan kanskje kom kommer
    kunne la likevel allikevel altså litt man mange med meg mellom men mer mest mot mye må nei
    noe noen nok nå når også om opp oss over på sa samme se seg selv ser sier sin sine sitt skal
    skulle slik slike sånn sånne som så til tror tenker mener føler ut uten var ved vi vil ville
    vår vårt våre være vært andre annen annet egen eget egne ei ene først sist nesten alltid aldri
    hvert hver ingen alle flere fleste mens siden både dernest videre ellers imidlertid samtidig
    the a an this that these those in on at of for from to with by and or but if when while as
    it its we they he she you i our their his her is are was were be been has have had not no
    yes all some each every see note table figure source total sum here there what which who
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
)

# Column names that hold utterance-level content: a row in such a table is a quote, so anything
# naming a municipality in that row links the quote to it. A bare "text" column counts only next
# to a speaker column (role, respondent ...) or in rows that carry an utterance id: the interview
# guide and the codebook also have "text"-like columns, and they are not quotes.
_UTTERANCE_COLUMNS = frozenset(
    {"utterance_id", "quote_id", "quote", "quote_text", "utterance", "utterance_text", "sitat"}
)
_SPEAKER_COLUMNS = frozenset({"role", "role_label", "speaker", "respondent", "informant", "rolle"})
_QUOTE_TEXT_COLUMNS = _UTTERANCE_COLUMNS | {"text"}
# Columns that hold a person's name if anything: a coder, an interviewer. Read by the name
# heuristic even though their cells are short.
_NAME_COLUMNS = frozenset(
    {"coder", "koder", "interviewer", "intervjuer", "transcriber", "author", "forfatter", "name", "navn",
     "respondent", "informant", "speaker", "contact", "kontakt", "person"}
)
# Columns whose cells are prose: the name heuristic reads them (other cells are codes/numbers).
_FREE_TEXT_COLUMNS = _QUOTE_TEXT_COLUMNS | frozenset(
    {
        "excerpt", "snippet", "context", "note", "notes", "comment", "comments", "memo",
        "annotation", "description", "beskrivelse", "merknad", "kommentar", "transcript",
    }
)
# Columns that record a municipality (or a survey letter) per row.
_MUNICIPALITY_COLUMNS = frozenset(
    {
        "kommune", "kommunenavn", "kommune_id", "kommunenr", "municipality", "municipality_id",
        "municipality_name", "municipality_letter", "kommune_bokstav", "unit", "survey_unit",
        "letter", "bokstav",
    }
)
_NAME_ATTRIBUTES = frozenset({"name", "author", "creator", "user", "title", "label"})
_XML_QUOTE_ELEMENTS = frozenset({"plaintextcontent", "quote", "utterance", "transcript"})
_XML_FREE_ELEMENTS = _XML_QUOTE_ELEMENTS | frozenset({"description", "memotext", "note", "memo", "text"})

# Respondent roles. One respondent per role and municipality: a role next to a municipality name
# points to a person (for rådmann and Utdanningsforbundet the thesis's own 3.5 makes it unique).
_ROLE_WORDS = frozenset(
    {
        "arbeidsgiver", "tillitsvalgt", "hovedtillitsvalgt", "rådmann", "rådmannen", "personalleder",
        "personallederen", "personalsjef", "personalsjefen", "utdanningsforbundet", "fagforbundet",
    }
)
# In long prose only the unambiguous forms count ("tillitsvalgte" in a 3.2 description is generic).
_ROLE_PROSE = re.compile(
    r"(?<!\w)(?:[Rr]ådmann(?:en)?|[Pp]ersonal(?:leder|sjef)(?:en)?|[Hh]ovedtillitsvalgt|"
    r"Utdanningsforbundet|Fagforbundet|Arbeidsgiver|Tillitsvalgt)(?!\w)"
)

# Opaque containers: they can hold quotes and names but cannot be read here -> `unscanned`.
_OPAQUE_SUFFIXES = frozenset(
    """
    .xlsx .xlsm .xls .ods .docx .doc .odt .rtf .pdf .pptx .ppt .odp .parquet .feather .arrow .sav
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


@dataclass(frozen=True)
class _Lists:
    deny: re.Pattern[str]
    deny_keys: tuple[str, ...]
    cited: _Word | None
    deny_person: dict[str, str]
    deny_role: dict[str, str]
    allow_tokens: frozenset[str]
    allow_phrases: _Word | None
    first_names: frozenset[str]
    places: _Word
    place_full: re.Pattern[str]
    place_municipality: dict[str, str]
    markers: re.Pattern[str]
    acronyms: frozenset[str]


class _Word:
    """A pattern that must not start right after a word character (or one of ``not_after``).

    Python's ``re`` searches fast for a pattern that opens with literal text, but gives that up
    when the pattern opens with a look-behind; checking the left boundary here instead makes the
    place and name patterns about five times faster on the corpus."""

    def __init__(self, pattern: str, flags: int = 0, not_after: str = "") -> None:
        self.regex = re.compile(pattern, flags)
        self.not_after = not_after

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        search, pos, end = self.regex.search, 0, len(text)
        while pos <= end:
            m = search(text, pos)
            if m is None:
                return
            start = m.start()
            if start and (text[start - 1].isalnum() or text[start - 1] == "_" or text[start - 1] in self.not_after):
                pos = start + 1
                continue
            yield m
            pos = m.end() if m.end() > start else start + 1

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


def _name_regex(name: str) -> str:
    return r"\s+".join(re.escape(part) for part in name.split())


# A name followed by a year is a citation ("Strømsvåg (2017)", "Strømsvåg, O. (2017)",
# "KS i samarbeid med Linda Lai, 2016"): allowed for the deny-list entries marked citable, i.e.
# the authors of published work the compendium has to cite.
_CITATION = r"\s*(?:,\s*[A-ZÆØÅ]\.)?\s*[,(]?\s*(?:19|20)\d\d"


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    """Load the shipped lists once; everything else is derived from them."""
    deny_alts: list[tuple[int, str, str]] = []
    cited_alts: list[str] = []
    deny_person: dict[str, str] = {}
    deny_role: dict[str, str] = {}
    for row in _resource_csv("anonymity_denylist.csv"):
        name = row["name"].strip()
        pattern = _name_regex(name)
        if row.get("citable", "").strip().lower() == "yes":
            pattern += f"(?!{_CITATION})"  # an author of published work may be cited: "Lai (2016)"
            cited_alts.append(f"{_name_regex(name)}(?={_CITATION})")
        for variant, pat in ((name, pattern), (name.upper(), _name_regex(name.upper()))):
            key = " ".join(variant.split())
            deny_person[key] = row["person"]
            deny_role[key] = row["role_in_thesis"]
            deny_alts.append((len(variant), pat, key))
    deny_alts.sort(key=lambda item: -item[0])
    deny = re.compile(
        r"(?<![^\W\d_])(?:" + "|".join(alt for _, alt, _ in deny_alts) + r")(?![^\W\d_])"
    )
    cited_alts.sort(key=len, reverse=True)
    cited = _Word(r"(?:" + "|".join(cited_alts) + r")") if cited_alts else None

    allow_tokens: set[str] = set()
    phrases: list[str] = []
    for row in _resource_csv("anonymity_allowlist.csv"):
        term = row["term"].strip()
        if " " in term or "-" in term:
            phrases.append(term)
        allow_tokens.add(term)
    allow_phrases = (
        _Word(r"(?:" + "|".join(_name_regex(p) for p in sorted(phrases, key=len, reverse=True)) + r")s?(?!\w)")
        if phrases
        else None
    )
    acronyms = frozenset(t for t in allow_tokens if t.isupper()) | frozenset(
        {"NO", "BI", "IRIS", "EPOC", "AFI", "FOU", "SLIK", "OK", "PDF", "CSV", "HTML", "ID", "NR", "TLF"}
    )

    first_names = frozenset(
        line.strip()
        for line in _resource_text("anonymity_first_names.txt").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )

    place_municipality: dict[str, str] = {}
    alts: list[str] = []
    for row in _resource_csv("anonymity_places.csv"):
        place = row["place"].strip()
        place_municipality[place] = row["municipality"].strip()
        place_municipality[place.upper()] = row["municipality"].strip()
        genitive = "" if place.endswith("s") else "s?"
        alts.append(re.escape(place) + genitive)
        alts.append(re.escape(place.upper()))
    alts.sort(key=len, reverse=True)
    places = _Word(r"(?:" + "|".join(alts) + r")(?!\w)")
    place_full = re.compile(r"(?:" + "|".join(alts) + r")(?:\s+(?:kommune|kommunes|KOMMUNE))?")

    markers = re.compile(
        "|".join(f"(?:{row['pattern']})" for row in _resource_csv("anonymity_markers.csv")),
        re.IGNORECASE,
    )
    return _Lists(
        deny=deny,
        deny_keys=tuple(sorted({k.split()[-1] for _, _, k in deny_alts})),
        cited=cited,
        deny_person=deny_person,
        deny_role=deny_role,
        allow_tokens=frozenset(allow_tokens),
        allow_phrases=allow_phrases,
        first_names=first_names,
        places=places,
        place_full=place_full,
        place_municipality=place_municipality,
        markers=markers,
        acronyms=acronyms,
    )


# --------------------------------------------------------------------------------------------
# Patterns for direct identifiers and markers
# --------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_EMAIL_OBFUSCATED = re.compile(
    r"(?<![\w.+-])[\w.+-]+[ \u00a0]*[\[({][ \u00a0]*(?:at|krøll|alfakrøll|snabel-a)[ \u00a0]*[\])}]"
    r"[ \u00a0]*[\w-]+(?:[ \u00a0]*(?:\.|[\[({][ \u00a0]*(?:dot|punktum)[ \u00a0]*[\])}])[ \u00a0]*[\w-]+)+",
    re.IGNORECASE,
)

_S = r"[ \u00a0]"  # a single space (pandas pads columns with two or more, which is never a phone)
# Bare numbers: only the groupings Norwegians write phone numbers in, and only a first digit a
# subscriber number can have (2-9). 4+4 ("2016 2017"), 2+3+3 (thousands: "12 345 678") and
# hyphenated forms ("2510-2622", line spans) are years, amounts and spans; they count only after
# +47/0047 or a word like "tlf".
_PHONE_BARE = (
    r"[2-9]\d{7}"
    rf"|[2-9]\d{_S}\d\d{_S}\d\d{_S}\d\d"
    r"|[2-9]\d\.\d\d\.\d\d\.\d\d"
    rf"|[2-9]\d\d{_S}\d\d{_S}\d{{3}}"
)
_G = r"[ \u00a0.-]"
_PHONE_ANY = (
    r"\d{8}"
    rf"|\d\d{_G}\d\d{_G}\d\d{_G}\d\d"
    rf"|\d{{3}}{_G}\d\d{_G}\d{{3}}"
    rf"|\d{{4}}{_G}\d{{4}}"
    rf"|\d\d{_G}\d{{3}}{_G}\d{{3}}"
    rf"|\d{{3}}{_G}\d{{3}}{_G}\d\d"
)
_NUM_BEFORE = r"(?<![\w+])(?<!\d[ \u00a0.,/:-])"
_NUM_AFTER = r"(?!\w)(?![ \u00a0.,/:-]\d)"
_PHONE = re.compile(
    rf"(?:(?<![\w+])(?:\+|00){_S}?47[ \u00a0.-]?(?:\(0\){_S}?)?(?P<pfx>{_PHONE_ANY}){_NUM_AFTER})"
    rf"|(?:(?<!\w)(?i:tlf|tel|telefon(?:nummer|nr)?|mobil(?:nummer|nr)?|mob|phone|ring)\.?:?{_S}*"
    rf"(?:\+47{_S}?)?(?P<kw>{_PHONE_ANY}){_NUM_AFTER})"
    rf"|(?:{_NUM_BEFORE}(?P<bare>{_PHONE_BARE}){_NUM_AFTER})"
    # other countries: "+46 8 123 456 78" (a plus sign, a country code, at least 7 more digits)
    rf"|(?:(?<![\w+])(?P<intl>\+(?!47)[1-9]\d{{0,2}}(?:[ \u00a0.-]?\(?\d+\)?){{2,6}}){_NUM_AFTER})"
)
_DATE8 = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d"
)
_NATIONAL_ID = re.compile(r"(?<![\w.,/-])(\d{6})[ \u00a0]?(\d{5})(?!\w)(?![.,/-]\d)")
_POSTCODE_CITY = re.compile(
    r"(?<![\w.,/-])(\d{4}) ([A-ZÆØÅ]{2,}(?:[ -][A-ZÆØÅ]{2,})*)(?![\w])"
)
_STREET = re.compile(
    r"(?<!\w)[A-ZÆØÅ][a-zæøå]+(?:-[a-zæøå]+)*(?:veien|vegen|veg|vei|gata|gate|gaten|allé|plassen|"
    r"bakken|stien|tunet|svingen|ringen|torget|brygga|kaia)[ \u00a0]\d{1,4}[A-Za-z]?(?!\w)"
)
# Cheap tests that decide whether the patterns above can match at all (see _direct_rules).
_PHONE_HINT = re.compile(r"\d(?:[ \u00a0.-]?\d){6}")
_POSTCODE_HINT = re.compile(r"\d{4} [A-ZÆØÅ]{2}")
_STREET_HINT = re.compile(r"(?:vei|veg|gat|all[eé]|plass|bakk|sti|tun|sving|ring|torg|brygg|kai)[a-zæøå]* ?\d")
_POSTBOX = re.compile(r"(?<!\w)(?:[Pp]ostboks|[Pp]b\.|P\.? ?O\.? [Bb]ox)[ \u00a0]*\d{1,5}(?!\w)")

_UTTERANCE_ID = re.compile(r"(?<!\w)U\d{3,}(?!\w)")
_QUOTE_MARK = re.compile(
    r"«|»|(?<!\w)U\d{3,}(?!\w)|\((?:Arbeidsgiver|Tillitsvalgt|Hovedtillitsvalgt)\)"
)
_LETTER = _Word(
    r"(?:[Kk]ommune(?:ne|n)?|KOMMUNE|[Mm]unicipalit(?:y|ies))[ \u00a0]+[A-E](?!\w)"
    r"(?:\s*(?:,|og|and|&)\s*[A-E](?!\w))*"
)
_LETTER_CELL = re.compile(r"(?:(?:[Kk]ommune|[Mm]unicipality)\s+)?[A-E]")

_NAME_CHARS = "a-zæøåäöüéèáàóôíñ"
_TOKEN = _Word(
    rf"[A-ZÆØÅ][{_NAME_CHARS}]+(?:-[A-ZÆØÅ][{_NAME_CHARS}]+)*(?![\w-])",
    not_after="'’-",
)
_TRIGGER = _Word(
    rf"(?P<trigger>[Jj]eg heter|heter|kalles|kalt|navnet (?:mitt |hans |hennes )?(?:er|var)|"
    rf"fra|hos|ved)[ \u00a0]+(?P<name>[A-ZÆØÅ][{_NAME_CHARS}]+(?:-[A-ZÆØÅ][{_NAME_CHARS}]+)*)(?![\w-])"
)
_PARTICLES = frozenset({"von", "van", "de", "der", "den", "af", "di", "da", "le", "la"})
_SENTENCE_END = set(".!?:;«»\"“”„([{—–|>*•…)")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


# --------------------------------------------------------------------------------------------
# Units: what every file format is turned into before the rules run
# --------------------------------------------------------------------------------------------


@dataclass
class _Table:
    columns: list[str] = field(default_factory=list)
    utterance: bool = False
    letter_header: bool = False

    def set_header(self, names: Sequence[str]) -> None:
        self.columns = [_norm_col(n) for n in names]
        self.utterance = any(c in _UTTERANCE_COLUMNS for c in self.columns) or (
            "text" in self.columns and any(c in _SPEAKER_COLUMNS for c in self.columns)
        )
        self.letter_header = sum(1 for n in names if re.fullmatch(r"[A-E]", n.strip())) >= 2


@dataclass
class _Unit:
    """A logical line: one text line, one table row (cells joined with " | ") or one attribute."""

    text: str
    line: int
    breaks: list[tuple[int, int]] | None = None  # (offset, line) where a later source line starts
    cells: list[tuple[int, int, str | None]] | None = None  # (start, end, column name)
    table: _Table | None = None
    header: bool = False
    quote: bool = False  # structurally quote content (corpus text cell, transcript, blockquote)
    free: bool = False  # the whole unit is prose for the name heuristic
    name_field: bool = False  # the whole unit is expected to hold a name (XML name="...")
    tabular: bool = False  # plain-text table line: cells only feed the exact-cell rules
    direct: bool = True  # run direct-identifier and name rules (off for JSON record views)
    block: int = 0

    def line_at(self, offset: int) -> int:
        if not self.breaks:
            return self.line
        index = bisect.bisect_right(self.breaks, (offset, 1 << 30)) - 1
        return self.breaks[index][1] if index >= 0 else self.line

    def column_at(self, offset: int) -> str | None:
        if not self.cells or self.tabular:
            return None
        for start, end, column in self.cells:
            if start <= offset <= end:
                return column
        return None

    def cell_texts(self) -> list[tuple[int, int, str | None, str]]:
        return [(s, e, c, self.text[s:e]) for s, e, c in (self.cells or [])]


@lru_cache(maxsize=4096)
def _norm_col(name: str | None) -> str:
    return re.sub(r"[\s-]+", "_", (name or "").strip().lstrip("\ufeff").lower())


def _join_cells(values: Sequence[str], columns: Sequence[str | None]) -> tuple[str, list[tuple[int, int, str | None]]]:
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


def _split_lines(text: str) -> list[str]:
    # Not str.splitlines(): it also splits on \x0c, \u2028 ... and line numbers would drift
    # from what editors show.
    return re.split(r"\r\n|\r|\n", text)


def _mark_tabular(unit: _Unit) -> None:
    """A printed table (DataFrame, fixed-width report) aligns columns with runs of spaces; its
    cells feed the exact-cell rules (a lone survey letter next to a municipality)."""
    raw = unit.text
    if "\t" in raw or _TABULAR.search(raw):
        cells = []
        for m in re.finditer(r"[^\t]+?(?=\t| {2,}|$)", raw):
            if m.group().strip():
                start = m.start() + len(m.group()) - len(m.group().lstrip())
                cells.append((start, m.end(), None))
        unit.cells, unit.tabular = cells, True


_TABULAR = re.compile(r"\S {2,}\S")


def _text_units(text: str, *, markdown: bool = False, first_line: int = 1) -> list[_Unit]:
    units: list[_Unit] = []
    block = 0
    table: _Table | None = None
    for index, raw in enumerate(_split_lines(text)):
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
                table = _Table()
                table.set_header(cells)
            joined, spans = _join_cells(cells, table.columns if not is_header else [None] * len(cells))
            offset = raw.index(stripped)
            units.append(
                _Unit(" " * offset + joined, line, cells=[(s + offset, e + offset, c) for s, e, c in spans],
                      table=table, header=is_header, block=block)
            )
            block += 1  # table rows are linked row by row, never to their neighbours
            continue
        table = None
        unit = _Unit(raw, line, block=block)
        if markdown and stripped.startswith(">"):
            unit.quote = unit.free = True
        else:
            _mark_tabular(unit)
        units.append(unit)
    return units


def _csv_units(text: str, delimiter: str) -> list[_Unit]:
    units: list[_Unit] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = _Table()
    previous_end = 0
    for record_no, record in enumerate(reader):
        start_line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if record_no == 0:
            table.set_header(record)
            joined, cells = _join_cells(record, [None] * len(record))
            units.append(_Unit(joined, start_line, cells=cells, table=table, header=True, block=record_no))
            continue
        joined, cells = _join_cells(record, table.columns)
        units.append(_Unit(joined, start_line, cells=cells, table=table, block=record_no))
    return units


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
        self.units: list[_Unit] = []
        self._first = first_line - 1
        self._parts: list[str] = []
        self._breaks: list[tuple[int, int]] = []
        self._length = 0
        self._skip = 0
        self._pre = 0
        self._block = 0
        self._tables: list[_Table] = []
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
            unit = _Unit(text, breaks[0][1], breaks=list(breaks), block=self._block, quote=self._quote > 0,
                         free=self._quote > 0)
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
                _mark_tabular(unit)
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
            self._tables.append(_Table())
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
                self.units.append(_Unit(value, line, block=self._block, free=False))

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


def _html_units(text: str) -> list[_Unit]:
    parser = _HTMLUnits()
    parser.feed(text)
    parser.close()
    return parser.units


def _xml_units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
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
                        units.append(_Unit("".join(buffer), line, quote=element in _XML_QUOTE_ELEMENTS,
                                           free=element in _XML_FREE_ELEMENTS))
                    buffer, current = [], current + 1
                    line = current
                buffer.append(piece)
        if "".join(buffer).strip():
            units.append(_Unit("".join(buffer), line, quote=element in _XML_QUOTE_ELEMENTS,
                               free=element in _XML_FREE_ELEMENTS))
        chunks.clear()

    def start(name: str, attrs: dict[str, str]) -> None:
        flush()
        line = parser.CurrentLineNumber
        for key, value in attrs.items():
            if value and value.strip():
                is_name = local(key) in _NAME_ATTRIBUTES
                units.append(_Unit(value, line, free=is_name, name_field=is_name, block=len(units)))
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


def _json_units(text: str, *, lines_mode: bool = False) -> list[_Unit]:
    raw_lines = _split_lines(text)
    units = [
        _Unit(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line), i + 1, block=i)
        for i, line in enumerate(raw_lines)
        if line.strip()
    ]
    documents: list[tuple[int, object]] = []
    if lines_mode:
        for i, line in enumerate(raw_lines):
            try:
                documents.append((i, json.loads(line)))
            except ValueError:
                continue
    else:
        try:
            documents.append((0, json.loads(text)))
        except ValueError:
            return units
    for hint, document in documents:
        for record, line in _json_records(document, raw_lines, hint):
            keys = list(record)
            joined, cells = _join_cells([str(record[k]) for k in keys], [_norm_col(k) for k in keys])
            table = _Table()
            table.set_header(keys)
            units.append(_Unit(joined, line, cells=cells, table=table, direct=False, block=-line))
    return units


def _json_records(document: object, raw_lines: list[str], hint: int) -> Iterator[tuple[dict, int]]:
    """Every JSON object with scalar members, with the line of its first string value."""
    cursor = hint
    stack = [document]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack[:0] = node
        elif isinstance(node, dict):
            scalars = {k: v for k, v in node.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
            stack[:0] = [v for v in node.values() if isinstance(v, (dict, list))]
            if scalars:
                line = cursor + 1
                first = next((v for v in scalars.values() if isinstance(v, str) and v), None)
                if first is not None:
                    needles = {json.dumps(first, ensure_ascii=False), json.dumps(first)}
                    for i in range(cursor, len(raw_lines)):
                        if any(n in raw_lines[i] for n in needles):
                            line, cursor = i + 1, i
                            break
                yield scalars, line


def _join_source(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)


def _notebook_segments(text: str) -> list[tuple[str, list[_Unit]]]:
    notebook = json.loads(text)
    if not isinstance(notebook, dict) or "cells" not in notebook:
        raise ValueError("not a notebook")
    segments: list[tuple[str, list[_Unit]]] = []
    metadata = notebook.get("metadata")
    if metadata:
        segments.append(("notebook metadata", _text_units(json.dumps(metadata, ensure_ascii=False, indent=1))))
    for c, cell in enumerate(notebook.get("cells", []), 1):
        kind = cell.get("cell_type", "cell")
        source = _join_source(cell.get("source", ""))
        segments.append((f"cell {c} ({kind}) source", _text_units(source, markdown=kind == "markdown")))
        for o, output in enumerate(cell.get("outputs", []) or [], 1):
            where = f"cell {c} ({kind}) output {o}"
            output_type = output.get("output_type")
            if output_type == "stream":
                segments.append((f"{where} {output.get('name', 'stream')}", _text_units(_join_source(output.get("text", "")))))
            elif output_type == "error":
                trace = "\n".join(output.get("traceback", []) or [])
                body = f"{output.get('ename', '')}: {output.get('evalue', '')}\n{_ANSI.sub('', trace)}"
                segments.append((f"{where} error", _text_units(body)))
            for mime, value in (output.get("data") or {}).items():
                if mime.startswith("image/") and mime != "image/svg+xml":
                    continue
                body = _join_source(value)
                if "html" in mime:
                    units = _html_units(body)
                elif "svg" in mime or mime.endswith("xml"):
                    units = _markup_units(body)
                elif "markdown" in mime:
                    units = _text_units(body, markdown=True)
                elif "json" in mime:
                    units = _json_units(body)
                else:
                    units = _text_units(body)
                segments.append((f"{where} {mime}", units))
    return segments


def _markup_units(text: str) -> list[_Unit]:
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


def _segments(text: str, suffix: str) -> list[tuple[str, list[_Unit]]]:
    """Turn a file's text into (location, units) segments according to its type."""
    suffix = suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".tab"):
            return [("", _csv_units(text, _sniff_delimiter(text, suffix)))]
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
    return [("", _text_units(text, markdown=markdown))]


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def _snippet(text: str, start: int, end: int, width: int = 50) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


class _Collector:
    def __init__(self, file: Path, location: str) -> None:
        self.file, self.location = file, location
        self.findings: list[Finding] = []

    def add(self, unit: _Unit, start: int, end: int, kind: str, detail: str, match: str | None = None) -> None:
        self.findings.append(
            Finding(
                file=self.file,
                line=unit.line_at(start),
                column=unit.column_at(start),
                kind=kind,
                match=match if match is not None else " ".join(unit.text[start:end].split()),
                context=_snippet(unit.text, start, end),
                location=self.location,
                detail=detail,
            )
        )


def _valid_national_id(digits: str) -> bool:
    d = [int(c) for c in digits]
    day, month = int(digits[0:2]), int(digits[2:4])
    if not (1 <= day <= 31 or 41 <= day <= 71) or not (1 <= month <= 12 or 41 <= month <= 52 or 81 <= month <= 92):
        return False
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d[:9])) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d[:9] + [k1])) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and k1 == d[9] and k2 == d[10]


def _direct_rules(unit: _Unit, out: _Collector, lists: _Lists) -> list[tuple[int, int]]:
    """E-mail, phone, national id, address and deny-listed names; returns the spans consumed.

    Each expensive pattern runs only when a cheap substring test says it can match: the corpus is
    thousands of rows, and most rows have no "@", few digits and none of the deny-listed names."""
    text = unit.text
    consumed: list[tuple[int, int]] = []
    if "@" in text:
        for m in _EMAIL.finditer(text):
            out.add(unit, m.start(), m.end(), "email", "e-mail address")
            consumed.append(m.span())
    folded = text.casefold()
    if any(word in folded for word in ("at)", "at]", "at}", "krøll", "snabel")):
        for m in _EMAIL_OBFUSCATED.finditer(text):
            out.add(unit, m.start(), m.end(), "email", "e-mail address written with (at)/(krøll)")
    digits = any(d in text for d in "0123456789")
    phone_hint = digits and _PHONE_HINT.search(text) is not None
    if phone_hint:
        for m in _PHONE.finditer(text):
            group = next(g for g in ("pfx", "kw", "bare", "intl") if m.group(g))
            if group == "intl" and sum(c.isdigit() for c in m.group(group)) < 9:
                continue
            if group == "bare" and _DATE8.fullmatch(m.group("bare")):
                continue  # 20170501 / 01052017 are dates
            start, end = m.span(group)
            if group == "pfx":
                start = m.start()
            how = {"pfx": "with country code +47", "kw": "after a phone keyword", "bare": "Norwegian 8-digit format",
                   "intl": "international format"}[group]
            out.add(unit, start, end, "phone", f"phone number ({how})")
    if phone_hint:
        for m in _NATIONAL_ID.finditer(text):
            if _valid_national_id(m.group(1) + m.group(2)):
                out.add(unit, m.start(), m.end(), "national_id", "Norwegian national identity number (checksum valid)")
    if digits and _POSTCODE_HINT.search(text):
        for m in _POSTCODE_CITY.finditer(text):
            if m.group(2).split()[0].split("-")[0] not in lists.acronyms:
                out.add(unit, m.start(), m.end(), "address", "postcode and place (address block)")
    if digits and _STREET_HINT.search(text):
        for m in _STREET.finditer(text):
            out.add(unit, m.start(), m.end(), "address", "street address")
    if digits and ("box" in folded or "pb." in folded or "postboks" in folded):
        for m in _POSTBOX.finditer(text):
            out.add(unit, m.start(), m.end(), "address", "post box")
    if any(key in text for key in lists.deny_keys):
        for m in lists.deny.finditer(text):
            key = " ".join(m.group().split())
            person = lists.deny_person.get(key, key)
            out.add(unit, m.start(), m.end(), "person_name",
                    f"named in the thesis: {person} — {lists.deny_role.get(key, '')}".rstrip(" —"))
            consumed.append(m.span())
    return consumed


def _quote_spans(unit: _Unit) -> list[tuple[int, int]]:
    """Where inside a non-free unit the name heuristic looks: «…» quotes and text after an id."""
    text = unit.text
    spans: list[tuple[int, int]] = []
    if "«" in text or "»" in text:
        first = text.find("«")
        last = text.rfind("»")
        start = first if first >= 0 else 0
        end = last + 1 if last >= start and last >= 0 else len(text)
        if first >= 0 and last < first:
            end = len(text)
        spans.append((start, end))
    ids = list(_UTTERANCE_ID.finditer(text))
    for i, m in enumerate(ids):
        spans.append((m.end(), ids[i + 1].start() if i + 1 < len(ids) else len(text)))
    return spans


def _free_spans(unit: _Unit) -> list[tuple[int, int, bool]]:
    """(start, end, is_name_field): where the name heuristic reads, and whether the field is
    expected to hold a name (then a capitalised pair at its very start counts too).

    Prose is read whole: text lines, notebook sources and outputs, HTML text, XML text. Table
    rows are read cell by cell, and only cells that hold prose or a person (a coder, a speaker):
    codes and numbers would only produce noise. Plain-text tables (a printed DataFrame) are read
    only inside quotes, because their column headings are capitalised words side by side."""
    if unit.free:
        return [(0, len(unit.text), unit.name_field)]
    if unit.tabular:
        return [(s, e, False) for s, e in _quote_spans(unit)]
    if unit.cells is not None:
        if unit.header:
            return []
        spans = []
        for start, end, column, value in unit.cell_texts():
            name = _norm_col(column)
            if name in _NAME_COLUMNS:
                spans.append((start, end, True))
            elif name in _FREE_TEXT_COLUMNS or len(value.split()) >= 8:
                spans.append((start, end, False))
        return spans
    return [(0, len(unit.text), False)]


_ENGLISH = frozenset("the and of to is are was with for that this which from by an be as on".split())
_NORWEGIAN = frozenset("og det er som på av til en å ikke jeg vi har med for de at i".split())


def _looks_english(text: str) -> bool:
    """English prose capitalises terms ("the Basic Agreement"), so there only known given names
    count as names; Norwegian prose capitalises little besides names and sentence starts."""
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", text)]
    english = sum(w in _ENGLISH for w in words)
    return english >= 2 and english > sum(w in _NORWEGIAN for w in words)


def _sentence_initial(text: str, start: int, span_start: int) -> bool:
    before = text[span_start:start].rstrip()
    return not before or before[-1] in _SENTENCE_END


def _name_rules(unit: _Unit, out: _Collector, lists: _Lists, consumed: list[tuple[int, int]]) -> None:
    """The heuristic for names the deny-list cannot know (respondents, colleagues)."""
    text = unit.text

    def known(word: str) -> bool:
        return word in lists.allow_tokens or word.casefold() in _STOPWORDS

    def given(word: str) -> bool:
        return word in lists.first_names or word.split("-")[0] in lists.first_names

    for span_start, span_end, name_field in _free_spans(unit):
        segment = text[span_start:span_end]
        tokens = [m for m in _TOKEN.finditer(segment) if not known(m.group()) or given(m.group())]
        triggers = list(_TRIGGER.finditer(segment)) if any(
            w in segment for w in ("heter", "kall", "navn", "fra ", "hos ", "ved ")) else []
        if not tokens and not triggers:
            continue
        # Only now, with candidates at hand, work out what is masked: deny-list hits (already
        # reported), allowlisted phrases, places (they are municipality findings, not names) and
        # citations of published authors.
        masked = [(a - span_start, b - span_start) for a, b in consumed if a < span_end and b > span_start]
        if lists.allow_phrases is not None:
            masked += [m.span() for m in lists.allow_phrases.finditer(segment)]
        masked += [m.span() for m in lists.places.finditer(segment)]
        if lists.cited is not None:
            masked += [m.span() for m in lists.cited.finditer(segment)]

        def free(a: int, b: int) -> bool:
            return not any(a < mb and b > ma for ma, mb in masked)

        tokens = [m for m in _TOKEN.finditer(segment) if free(*m.span())]
        english: bool | None = None
        flagged: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            a = tokens[i]
            j = i + 1
            pair_end = None
            if j < len(tokens):
                gap = segment[a.end():tokens[j].start()]
                words = gap.split()
                if gap.startswith(" ") and gap.endswith(" ") and "\n" not in gap and (
                    not words or (len(words) == 1 and words[0] in _PARTICLES)
                ):
                    b = tokens[j].group()
                    if given(a.group()) and not known(b):
                        pair_end = j
                    elif (not known(a.group()) and not known(b)
                          and (name_field or not _sentence_initial(segment, a.start(), 0))):
                        if english is None:
                            english = _looks_english(segment)
                        if not english:
                            pair_end = j
            if pair_end is not None:
                while pair_end + 1 < len(tokens) and segment[tokens[pair_end].end():tokens[pair_end + 1].start()] == " " \
                        and not known(tokens[pair_end + 1].group()):
                    pair_end += 1
                s, e = a.start(), tokens[pair_end].end()
                reason = ("given name followed by a capitalised word" if given(a.group())
                          else "capitalised word pair (a name?) not in the allowlist")
                out.add(unit, span_start + s, span_start + e, "person_name", reason)
                flagged.append((s, e))
                i = pair_end + 1
                continue
            if given(a.group()) and not known(a.group()):
                out.add(unit, span_start + a.start(), span_start + a.end(), "person_name",
                        "known given name")
                flagged.append(a.span())
            i += 1
        for m in triggers:
            s, e = m.span("name")
            word = m.group("name")
            if known(word) or not free(s, e) or any(s < fb and e > fa for fa, fb in flagged):
                continue
            out.add(unit, span_start + s, span_start + e, "person_name",
                    f"capitalised word after '{m.group('trigger')}' (a person or a place?)")


@dataclass
class _Mentions:
    places: list[re.Match[str]]
    letters: list[tuple[int, int, str]]
    roles: list[tuple[int, int, str]]
    markers: list[re.Match[str]]
    quote_mark: bool
    place_cells: list[tuple[int, int, str]]


def _is_municipality_column(name: str | None) -> bool:
    column = _norm_col(name)
    return column in _MUNICIPALITY_COLUMNS or "kommune" in column or "municipal" in column


def _mentions(unit: _Unit, lists: _Lists) -> _Mentions:
    """What the link rules need from one unit. Cell-level checks run only when the unit names a
    place (they can only matter then), which keeps the 100-row-per-ms pace on the corpus."""
    text = unit.text
    places = list(lists.places.finditer(text))
    folded = text.casefold()
    letters = ([(m.start(), m.end(), m.group()) for m in _LETTER.finditer(text)]
               if "ommune" in folded or "unicipal" in folded else [])
    roles: list[tuple[int, int, str]] = []
    place_cells: list[tuple[int, int, str]] = []
    is_row = bool(unit.cells) and not unit.header
    if places and unit.cells:
        for start, end, column, value in unit.cell_texts():
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
    quote_mark = unit.quote or bool(_QUOTE_MARK.search(text)) or (
        is_row and not unit.tabular and unit.table is not None and unit.table.utterance
    )
    return _Mentions(places, letters, roles, markers, quote_mark, place_cells)


def _municipality_of(place: str, lists: _Lists) -> str:
    if place in lists.place_municipality:
        return lists.place_municipality[place]
    if place.endswith("s") and place[:-1] in lists.place_municipality:
        return lists.place_municipality[place[:-1]]  # genitive: "Hols", "Gols"
    return place


def _link_rules(units: list[_Unit], out: _Collector, lists: _Lists) -> None:
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
                if 0 <= j < len(units) and units[j].block == unit.block and (units[j].cells is None or units[j].tabular):
                    if mentions[j].quote_mark:
                        neighbour = True
        if linked or neighbour:
            how = "the same row/line as" if linked else "a line next to"
            for p in m.places:
                municipality = _municipality_of(p.group(), lists)
                label = p.group() if p.group() in (municipality, municipality + "s", municipality.upper()) \
                    else f"{p.group()} ({municipality})"
                inside = unit.quote or (row and _norm_col(unit.column_at(p.start())) in _QUOTE_TEXT_COLUMNS)
                detail = (f"a quote names a municipality: {label}" if inside
                          else f"municipality {label} in {how} a quote/utterance id")
                out.add(unit, p.start(), p.end(), "municipality_link", detail)
            for s, e, letter in m.letters:
                out.add(unit, s, e, "municipality_link", f"survey letter '{letter}' in {how} a quote/utterance id")
            if row and not unit.header:
                for start, end, column, value in unit.cell_texts():
                    if _is_municipality_column(column) and value.strip():
                        out.add(unit, start, end, "municipality_link",
                                f"utterance row records a municipality in column '{column}'")
        if m.places and m.letters and not listing:
            letters = ", ".join(sorted({l for *_, l in m.letters}))
            for p in m.places:
                out.add(unit, p.start(), p.end(), "letter_mapping",
                        f"municipality and survey letter ({letters}) in one row/line: the thesis withholds this mapping")
        if row and not unit.header and unit.table is not None and unit.table.letter_header:
            for s, e, value in m.place_cells:
                out.add(unit, s, e, "letter_mapping",
                        "a row labelled with a municipality in a table whose columns are survey letters")
        if m.places and m.roles and not (linked or neighbour or listing):
            roles = ", ".join(sorted({r for *_, r in m.roles}))
            for p in m.places:
                out.add(unit, p.start(), p.end(), "role_link",
                        f"municipality next to respondent role ({roles}): one respondent per role and municipality")
        if m.letters and m.markers:
            letters = ", ".join(sorted({l for *_, l in m.letters}))
            for mk in m.markers:
                out.add(unit, mk.start(), mk.end(), "content_link",
                        f"identifying content next to survey letter ({letters}); see resources/anonymity_markers.csv")


def _scan_units(units: list[_Unit], file: Path, location: str) -> list[Finding]:
    lists = _lists()
    out = _Collector(file, location)
    for unit in units:
        if unit.direct:
            consumed = _direct_rules(unit, out, lists)
            _name_rules(unit, out, lists, consumed)
    _link_rules(units, out, lists)
    return out.findings


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    best: dict[tuple, Finding] = {}
    for f in findings:
        key = (str(f.file), f.location, f.line, f.kind, f.match)
        if key not in best or (best[key].column is None and f.column is not None):
            best[key] = f
    return sorted(best.values(), key=Finding.sort_key)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def scan_text(text: str, *, source: str | Path, fmt: str | None = None) -> list[Finding]:
    """Scan one file's content. ``fmt`` (a suffix such as ``".csv"``) defaults to ``source``'s.

    Exposed separately so that notebooks and the corpus builder can check a string before they
    write it, and so tests need no files.
    """
    path = Path(source)
    suffix = fmt if fmt is not None else path.suffix
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    findings: list[Finding] = []
    for location, units in _segments(text, suffix or ".txt"):
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
            report.findings.append(Finding(file, 1, None, "unscanned", file.name, "",
                                           detail=f"{suffix} cannot be checked; publish a text export (CSV, HTML) instead"))
            continue
        to_scan.append(file)
    for file, findings in zip(to_scan, _scan_files(to_scan, jobs)):
        if findings is None:
            report.findings.append(Finding(file, 1, None, "unscanned", file.name, "",
                                           detail="binary file of unknown type cannot be checked"))
            continue
        report.files_scanned.append(file)
        report.findings.extend(findings)
    report.findings = _dedupe(report.findings)
    return report


def _scan_file(file: Path) -> list[Finding] | None:
    """The findings in one file; None when it is not text."""
    text = _read_text(file)
    return None if text is None else scan_text(text, source=file)


def _scan_files(files: list[Path], jobs: int) -> list[list[Finding] | None]:
    import multiprocessing

    if jobs <= 1 or len(files) < 20 or "fork" not in multiprocessing.get_all_start_methods():
        return [_scan_file(file) for file in files]
    _lists()  # build the word lists once, before forking, so every worker inherits them
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(_scan_file, files, chunksize=max(1, len(files) // (4 * jobs)))


def scan_paths(paths: Iterable[Path]) -> list[Finding]:
    """Scan files and folders (recursively) and return the findings, sorted by file and line."""
    return scan_report(paths).findings


def _display(path: Path) -> str:
    try:
        from ..paths import relative_to_root

        return relative_to_root(path)
    except (FileNotFoundError, OSError):
        return str(path)


def format_findings(findings: Sequence[Finding], *, files_scanned: int | None = None,
                    files_skipped: int | None = None) -> str:
    """Findings one per entry (where, kind, match, why, context) and a one-line summary."""
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
    """data/, notebooks/ (committed with their outputs) and reports/ (once something was generated)."""
    from ..paths import data_dir, notebooks_dir, reports_dir

    return [p for p in (data_dir(), notebooks_dir(), reports_dir()) if p.exists()]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mdi_analysis scan-pii [PATH ...]``: exit 1 when anything is found."""
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
    text = format_findings(report.findings, files_scanned=len(report.files_scanned),
                           files_skipped=len(report.files_skipped))
    print(text.splitlines()[-1] if args.quiet else text)
    return 1 if report.findings else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
