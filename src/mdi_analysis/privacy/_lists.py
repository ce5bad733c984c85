"""The word lists the rules read: the shipped ones and the column vocabulary.

The deny-list, allowlist, given names, places and markers live in
``resources/anonymity_*.csv|txt`` so that a reviewer can read and extend them without touching
code; :func:`word_lists` loads them once and compiles them into patterns. The column names that
say what a table cell holds (a quote, a speaker, a municipality, prose) are kept in code next to
them: units, name rules and link rules all read the same sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..paths import read_resource_csv, resource_text

# Column names that hold utterance-level content: a row in such a table is a quote, so anything
# naming a municipality in that row links the quote to it. A bare "text" column counts only next
# to a speaker column (role, respondent ...) or in rows that carry an utterance id: the interview
# guide and the codebook also have "text"-like columns, and they are not quotes.
UTTERANCE_COLUMNS = frozenset(
    {"utterance_id", "quote_id", "quote", "quote_text", "utterance", "utterance_text", "sitat"}
)
SPEAKER_COLUMNS = frozenset({"role", "role_label", "speaker", "respondent", "informant", "rolle"})
QUOTE_TEXT_COLUMNS = UTTERANCE_COLUMNS | {"text"}
# Columns that hold a person's name if anything: a coder, an interviewer. Read by the name
# heuristic even though their cells are short.
NAME_COLUMNS = frozenset(
    {
        "coder",
        "koder",
        "interviewer",
        "intervjuer",
        "transcriber",
        "author",
        "forfatter",
        "name",
        "navn",
        "respondent",
        "informant",
        "speaker",
        "contact",
        "kontakt",
        "person",
    }
)
# Columns whose cells are prose: the name heuristic reads them (other cells are codes/numbers).
FREE_TEXT_COLUMNS = QUOTE_TEXT_COLUMNS | frozenset(
    {
        "excerpt",
        "snippet",
        "context",
        "note",
        "notes",
        "comment",
        "comments",
        "memo",
        "annotation",
        "description",
        "beskrivelse",
        "merknad",
        "kommentar",
        "transcript",
    }
)
# Columns that record a municipality (or a survey letter) per row.
MUNICIPALITY_COLUMNS = frozenset(
    {
        "kommune",
        "kommunenavn",
        "kommune_id",
        "kommunenr",
        "municipality",
        "municipality_id",
        "municipality_name",
        "municipality_letter",
        "kommune_bokstav",
        "unit",
        "survey_unit",
        "letter",
        "bokstav",
    }
)


@dataclass(frozen=True)
class WordLists:
    """The shipped lists compiled once (:func:`word_lists`); every rule reads this one object."""

    deny: re.Pattern[str]
    deny_keys: tuple[str, ...]
    cited: WordPattern | None
    deny_person: dict[str, str]
    deny_role: dict[str, str]
    allow_tokens: frozenset[str]
    allow_phrases: WordPattern | None
    first_names: frozenset[str]
    places: WordPattern
    place_full: re.Pattern[str]
    place_municipality: dict[str, str]
    markers: re.Pattern[str]
    acronyms: frozenset[str]


class WordPattern:
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
# the authors of published work the compendium has to cite. Possessive: three optional runs of
# white space in a row would otherwise split a long run of spaces in cubically many ways before
# the look-ahead gives up (100 KB of spaces after "Strømsvåg" did not finish).
_CITATION = r"\s*+(?:,\s*+[A-ZÆØÅ]\.)?\s*+[,(]?\s*+(?:19|20)\d\d"


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    """Load the shipped lists once; everything else is derived from them."""
    deny_alts: list[tuple[int, str, str]] = []
    cited_alts: list[str] = []
    deny_person: dict[str, str] = {}
    deny_role: dict[str, str] = {}
    for row in read_resource_csv("anonymity_denylist.csv"):
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
    deny = re.compile(r"(?<![^\W\d_])(?:" + "|".join(alt for _, alt, _ in deny_alts) + r")(?![^\W\d_])")
    cited_alts.sort(key=len, reverse=True)
    cited = WordPattern(r"(?:" + "|".join(cited_alts) + r")") if cited_alts else None

    allow_tokens: set[str] = set()
    phrases: list[str] = []
    for row in read_resource_csv("anonymity_allowlist.csv"):
        term = row["term"].strip()
        if " " in term or "-" in term:
            phrases.append(term)
        allow_tokens.add(term)
    allow_phrases = (
        WordPattern(r"(?:" + "|".join(_name_regex(p) for p in sorted(phrases, key=len, reverse=True)) + r")s?(?!\w)")
        if phrases
        else None
    )
    acronyms = frozenset(t for t in allow_tokens if t.isupper()) | frozenset(
        {"NO", "BI", "IRIS", "EPOC", "AFI", "FOU", "SLIK", "OK", "PDF", "CSV", "HTML", "ID", "NR", "TLF"}
    )

    first_names = frozenset(
        line.strip()
        for line in resource_text("anonymity_first_names.txt").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )

    place_municipality: dict[str, str] = {}
    alts: list[str] = []
    for row in read_resource_csv("anonymity_places.csv"):
        place = row["place"].strip()
        place_municipality[place] = row["municipality"].strip()
        place_municipality[place.upper()] = row["municipality"].strip()
        genitive = "" if place.endswith("s") else "s?"
        alts.append(re.escape(place) + genitive)
        alts.append(re.escape(place.upper()))
    alts.sort(key=len, reverse=True)
    places = WordPattern(r"(?:" + "|".join(alts) + r")(?!\w)")
    place_full = re.compile(r"(?:" + "|".join(alts) + r")(?:\s+(?:kommune|kommunes|KOMMUNE))?")

    markers = re.compile(
        "|".join(f"(?:{row['pattern']})" for row in read_resource_csv("anonymity_markers.csv")),
        re.IGNORECASE,
    )
    return WordLists(
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
