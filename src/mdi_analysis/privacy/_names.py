"""The name heuristic: names the deny-list cannot know (respondents, colleagues).

Reads prose and quote cells only (a given-name list, capitalised name pairs, "jeg heter X" /
"fra X"); codes, numbers and English prose, which capitalises terms, would only produce noise.
"""

from __future__ import annotations

import bisect
import re

from ._findings import Collector
from ._lists import FREE_TEXT_COLUMNS, NAME_COLUMNS, WordLists, WordPattern
from ._units import Unit, norm_column

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

_UTTERANCE_ID = re.compile(r"(?<!\w)U\d{3,}(?!\w)")
_NAME_CHARS = "a-zæøåäöüéèáàóôíñ"
_UPPER_CHARS = "A-ZÆØÅÄÖÜÉÈÁÀÓÔÍÑ"
# A capitalised word ("Kari", "Anne-Lise") or a word in capitals ("KARI", "ANNE-LISE": names
# in a heading, a signature, a form). Capitals count as a name only where the rules say so (see
# name_rules), because headings and acronyms are in capitals too.
_TOKEN = WordPattern(
    rf"[A-ZÆØÅ](?:[{_NAME_CHARS}]++(?:-[A-ZÆØÅ][{_NAME_CHARS}]++)*+|[{_UPPER_CHARS}]++(?:-[{_UPPER_CHARS}]{{2,}}+)*+)"
    r"(?![\w-])",
    not_after="'’-",
)
_TRIGGER = WordPattern(
    rf"(?P<trigger>[Jj]eg heter|heter|kalles|kalt|navnet (?:mitt |hans |hennes )?(?:er|var)|"
    rf"fra|hos|ved)[ \u00a0]++"
    rf"(?P<name>[A-ZÆØÅ](?:[{_NAME_CHARS}]++(?:-[A-ZÆØÅ][{_NAME_CHARS}]++)*+|[{_UPPER_CHARS}]++))(?![\w-])"
)
_PARTICLES = frozenset({"von", "van", "de", "der", "den", "af", "di", "da", "le", "la"})
_SENTENCE_END = set('.!?:;«»"“”„([{—–|>*•…)')


def _quote_spans(unit: Unit) -> list[tuple[int, int]]:
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


def _free_spans(unit: Unit) -> list[tuple[int, int, bool]]:
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
            name = norm_column(column)
            if name in NAME_COLUMNS:
                spans.append((start, end, True))
            elif name in FREE_TEXT_COLUMNS or len(value.split()) >= 8:
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


def _sentence_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (only white space or punctuation before it).

    Looks back from ``start`` only as far as the white space goes: copying the text before every
    word made a long line of capitalised words quadratic."""
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _caps(word: str) -> bool:
    """A word in capitals (two letters or more: "KARI", not "K")."""
    return len(word) > 1 and word.isupper()


def _title(word: str) -> str:
    """The capitalised form of a word in capitals: "ANNE-LISE" -> "Anne-Lise"."""
    return "-".join(part.capitalize() for part in word.split("-"))


class _Spans:
    """Sorted, merged spans with an overlap test in O(log n): the masks of a line of many places
    or deny-listed names made the test "does this word overlap a mask" quadratic."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect.bisect_right(self.ends, a)  # the first span that ends after a
        return i < len(self.starts) and self.starts[i] < b

    def within(self, a: int, b: int) -> list[tuple[int, int]]:
        """The spans that overlap [a, b)."""
        i, j = bisect.bisect_right(self.ends, a), bisect.bisect_left(self.starts, b)
        return list(zip(self.starts[i:j], self.ends[i:j]))


def name_rules(unit: Unit, out: Collector, lists: WordLists, consumed: list[tuple[int, int]]) -> None:
    """The heuristic for names the deny-list cannot know (respondents, colleagues).

    A word in capitals is judged by its capitalised form ("KARI" as "Kari"): a given name in
    capitals counts like any given name, alone or before a surname ("KARI NORDMANN", "Kari
    NORDMANN"). Two unknown words in capitals count as a name only in a field that holds names
    (a coder column): elsewhere they are headings ("VIKTIG MELDING"), and capitals after *fra*,
    *hos*, *ved* are organisations ("fra KS")."""
    text = unit.text
    known_words: dict[str, bool] = {}  # a long line repeats its words: judge each word once
    given_words: dict[str, bool] = {}

    def known(word: str) -> bool:
        if word not in known_words:
            known_words[word] = (
                word in lists.allow_tokens
                or word.casefold() in _STOPWORDS
                or (_caps(word) and (word in lists.acronyms or _title(word) in lists.allow_tokens))
            )
        return known_words[word]

    def given(word: str) -> bool:
        if word not in given_words:
            name = _title(word) if _caps(word) else word
            given_words[word] = name in lists.first_names or name.split("-")[0] in lists.first_names
        return given_words[word]

    consumed_spans = _Spans(consumed)
    for span_start, span_end, name_field in _free_spans(unit):
        segment = text[span_start:span_end]
        tokens = [
            m
            for m in _TOKEN.finditer(segment)
            if given(m.group()) or (not known(m.group()) and (name_field or not _caps(m.group())))
        ]
        triggers = (
            list(_TRIGGER.finditer(segment))
            if any(w in segment for w in ("heter", "kall", "kalt", "navn", "fra ", "hos ", "ved "))
            else []
        )
        if not tokens and not triggers:
            continue
        # Only now, with candidates at hand, work out what is masked: deny-list hits (already
        # reported), allowlisted phrases, places (they are municipality findings, not names) and
        # citations of published authors.
        masked = [m.span() for m in lists.places.finditer(segment)]
        if lists.allow_phrases is not None:
            masked += [m.span() for m in lists.allow_phrases.finditer(segment)]
        if lists.cited is not None:
            masked += [m.span() for m in lists.cited.finditer(segment)]
        masked_spans = _Spans(
            masked + [(a - span_start, b - span_start) for a, b in consumed_spans.within(span_start, span_end)]
        )
        tokens = [m for m in _TOKEN.finditer(segment) if not masked_spans.overlaps(*m.span())]
        english: bool | None = None
        flagged: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            a = tokens[i]
            j = i + 1
            pair_end = None
            if j < len(tokens):
                gap = segment[a.end() : tokens[j].start()]
                words = gap.split()
                if (
                    gap.startswith(" ")
                    and gap.endswith(" ")
                    and "\n" not in gap
                    and (not words or (len(words) == 1 and words[0] in _PARTICLES))
                ):
                    b = tokens[j].group()
                    if given(a.group()) and not known(b):
                        pair_end = j
                    elif (
                        not known(a.group())
                        and not known(b)
                        and (name_field or not (_caps(a.group()) or _caps(b)))
                        and (name_field or not _sentence_initial(segment, a.start()))
                    ):
                        if english is None:
                            english = _looks_english(segment)
                        if not english:
                            pair_end = j
            if pair_end is not None:
                while (
                    pair_end + 1 < len(tokens)
                    and segment[tokens[pair_end].end() : tokens[pair_end + 1].start()] == " "
                    and not known(tokens[pair_end + 1].group())
                ):
                    pair_end += 1
                s, e = a.start(), tokens[pair_end].end()
                reason = (
                    "given name followed by a capitalised word"
                    if given(a.group())
                    else "capitalised word pair (a name?) not in the allowlist"
                )
                out.add(unit, span_start + s, span_start + e, "person_name", reason)
                flagged.append((s, e))
                i = pair_end + 1
                continue
            if given(a.group()) and not known(a.group()):
                out.add(unit, span_start + a.start(), span_start + a.end(), "person_name", "known given name")
                flagged.append(a.span())
            i += 1
        flagged_spans = _Spans(flagged)
        for m in triggers:
            s, e = m.span("name")
            word = m.group("name")
            if known(word) or masked_spans.overlaps(s, e) or flagged_spans.overlaps(s, e):
                continue
            if _caps(word) and m.group("trigger") in ("fra", "hos", "ved"):
                continue
            out.add(
                unit,
                span_start + s,
                span_start + e,
                "person_name",
                f"capitalised word after '{m.group('trigger')}' (a person or a place?)",
            )
