"""Read the interview quotes, sections and interview guide out of the thesis's PDF-extracted text.

The thesis text is fixed, so the extractor can afford to be exact rather than forgiving: every rule
below was derived from what the PDF extraction actually left in chapter 4 (see the corpus README for
the line numbers), and anything it does not recognise raises :class:`ExtractionError` instead of
being guessed silently. Line numbers are 1-based and count ``\\n`` exactly like ``sed -n`` and
``wc -l`` — they are cited everywhere, so the file is split on ``\\n`` only (``str.splitlines``
would also split on form feeds and shift them).

How a quote is found (the rules are applied in one left-to-right scan of each subsection):

* A quote ends at a role label ``(Arbeidsgiver)``, ``(Tillitsvalgt)`` or ``(Hovedtillitsvalgt)``,
  on the quote's last line or on the next line. Labels never occur in the author's own prose.
* A quote starts at ``«``. Guillemets nest (``«nytt blikk»``, ``«Yngve Hågensen»`` inside a quote),
  so the closing ``»`` is the one that brings the depth back to zero.
* A ``«…»`` pair that is not followed by a label is the author's own use of guillemets
  (``«tidligst mulig»``) — unless it is a whole paragraph of its own, which is a quote printed
  without a label.
* A label reached while a ``«`` is still open closes that quote: its ``»`` is missing.
* A label reached with no ``«`` open closes a quote whose ``«`` is missing; the quote starts at the
  start of the paragraph the label ends.

Paragraph breaks are not visible as blank lines (the extraction puts a blank line after every
line), so a break is inferred from the line's length: a line that ends a sentence and would still
have had room for the next line's first word was ended by the author, not by the line width.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExtractionError
from ._model import (
    PARAGRAPH_SEPARATOR,
    ROLE_LABELS,
    Section,
    Utterance,
    count_words,
)

LABEL_RE = re.compile(r"\((" + "|".join(ROLE_LABELS) + r")\)")
PAGE_NUMBER_RE = re.compile(r"^\d{1,3}$")
#: Chapter-4 headings ("4.1 …", "4.1.3 …", " 4.1.9 …" with a leading space, "4.6. …").
HEADING_RE = re.compile(r"^\s*(4(?:\.\d+)+)\.?\s+([A-ZÆØÅ].*?)\s*$")
CHAPTER_START_RE = re.compile(r"^\s*4\.\s+Resultater\s*$")
#: The subsections that hold the interviews; 4.6 (the survey) has no quotes.
QUOTE_SECTION_RE = re.compile(r"^4\.[1-5]\.\d+$")
CHAPTER_END_SECTION = "4.6"

BULLET = "\uf0b7"  # the private-use bullet the PDF extraction left in the interview guide
SUB_BULLET = "\uf0fc"
GUIDE_PARTS = ("2", "3")  # part 1 (Innledning) holds instructions to the interviewer only

#: A line whose text plus a space plus the next line's first word is at most this many characters
#: would have had room for that word, so if it also ends a sentence the author ended the paragraph
#: there. Measured this way, every ordinary wrap in chapter 4 (next line in lower case) is 82 or
#: more; the paragraph ends inside quotes are 18-72; 77-86 is ambiguous and treated as a wrap.
#: See the corpus README, extraction rule 13.
PARAGRAPH_FIT_WIDTH = 76
SENTENCE_END_RE = re.compile(r"[.!?:](\s*[»)])?$")

#: Minimum words for a stand-alone «…» paragraph without a label to count as a quote rather than
#: the author's guillemets; the author's guillemet phrases are two to four words.
MIN_UNLABELLED_QUOTE_WORDS = 10

#: Guide items printed without a bullet that are nevertheless questions of their own: line 5843
#: follows the bullet of the previous question, but section 4.3.3 is built on it alone (its intro,
#: line 4145, repeats it verbatim) while 4.3.2's intro repeats only the bulleted question.
SEPARATE_GUIDE_QUESTION_STARTS = ("Hvordan kan medarbeidernes tause kunnskap",)

#: The interview-guide questions each subsection answers, given by the question's opening words
#: (resolved to ids at build time, so renumbering the guide cannot silently shift the mapping).
#: Where the section's intro repeats the question, the build verifies it (guide_evidence
#: "intro_verbatim"); the others were matched by hand on the wording of the title or intro
#: ("curated"; the corpus README gives the evidence for each).
SECTION_GUIDE_QUESTIONS: dict[str, tuple[str, ...]] = {
    "4.1.1": ("Hva legger du i begrepet innovasjon",),
    "4.1.2": ("Er det noen områder som skiller seg ut",),
    "4.1.3": ("Er det for mye fokus på endring og forbedring",),
    "4.1.4": ("Hvordan blir ideer/forbedringsforslag fra medarbeiderne fulgt opp",),
    "4.1.5": ("Hva kan arbeidsgiverne gjøre mer av",),
    "4.1.6": ("Hovedavtalen viser til medbestemmelse",),
    "4.1.7": ("Bør innovasjon og nyskapning forankres",),
    "4.1.8": ("Noen kommer kommuner har gjennomført forsøksordninger",),
    "4.1.9": ("Hva tror du er kommunens (arbeidsplassens) største utfordring",),
    "4.2.1": ("Hva slags rolle kan tillitsvalgte ta",),
    "4.3.1": ("Oppmuntrer arbeidsgiverne til at medarbeiderne",),
    "4.3.2": ("Hva kan medarbeiderne selv gjøre mer av",),
    "4.3.3": ("Hvordan kan medarbeidernes tause kunnskap",),
    "4.4.1": ("Avslutningsvis, hva ser du for deg som de tre største barrierene",),
    "4.5.1": ("Kjenner du til noen metoder og verktøy",),
    "4.5.2": ("Hvordan kan kommunen tilrettelegge for mer innovasjon",),
    "4.5.3": ("Hva tenker du om etablering av selvstyrte arbeidsgrupper",),
    "4.5.4": ("Hva slags opplæring er viktig",),
}
#: Consecutive words a section intro must share with a guide question to count as repeating it.
#: Of the 12 sections whose intro repeats a question, the shortest shared run is 8 words (4.1.9,
#: which drops "i forhold til"); across all other intro/question pairs the longest run is 5.
INTRO_VERBATIM_MIN_RUN = 7

#: Decisions the rules cannot take, keyed by (section, first line of the quote). Each adds flags;
#: the build fails if a key no longer matches an extracted quote. Reasons: the corpus README.
EDITORIAL_FLAGS: dict[tuple[str, int], tuple[str, ...]] = {
    # 4.3.2, lines 4115-4127: a paragraph closed by » (Tillitsvalgt) but opened without «. Its
    # first sentence ("I kommunen hadde de gjennomført en lang diskusjon ...") may be the
    # author's narration; the rest is spoken (questions, "du", "jo").
    ("4.3.2", 4115): ("possible_author_text",),
}


@dataclass
class ThesisText:
    """The thesis as 1-based lines, with the inline-text index used as evidence for hyphens."""

    path: Path
    lines: list[str]
    _inline: list[str] = field(default_factory=list, repr=False)

    @classmethod
    def read(cls, path: str | Path) -> ThesisText:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ExtractionError(path, None, "thesis text not found") from None
        lines = [line.rstrip("\r") for line in text.split("\n")]
        if lines and lines[-1] == "":
            lines.pop()  # the final newline ends the last line; it does not start a new one
        return cls(path=path, lines=lines)

    def line(self, number: int) -> str:
        return self.lines[number - 1]

    def __len__(self) -> int:
        return len(self.lines)

    def occurs_inline(self, phrase: str) -> bool:
        """Whether ``phrase`` occurs within a single line anywhere in the thesis (case-insensitive).

        Within one line means not across a line break, so the evidence cannot be the very break
        that is being decided.
        """
        if not self._inline:
            self._inline = [" ".join(line.split()).lower() for line in self.lines]
        pattern = re.compile(r"(?<!\w)" + re.escape(phrase.lower()) + r"(?!\w)")
        return any(pattern.search(line) for line in self._inline)


# --------------------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class _Heading:
    section_id: str
    title: str
    line: int


def _chapter_headings(thesis: ThesisText) -> list[_Heading]:
    start = next((n for n in range(1, len(thesis) + 1) if CHAPTER_START_RE.match(thesis.line(n))), None)
    if start is None:
        raise ExtractionError(thesis.path, None, "chapter heading '4. Resultater' not found")
    headings: list[_Heading] = []
    for number in range(start + 1, len(thesis) + 1):
        match = HEADING_RE.match(thesis.line(number))
        if not match:
            continue
        headings.append(_Heading(match.group(1), match.group(2), number))
        if match.group(1) == CHAPTER_END_SECTION:
            return headings
    raise ExtractionError(thesis.path, start, f"heading {CHAPTER_END_SECTION} (end of chapter 4) not found")


def find_sections(thesis: ThesisText) -> list[Section]:
    """The subsections 4.1.1-4.5.4 with their line ranges (heading line to the line before the next heading)."""
    headings = _chapter_headings(thesis)
    sections: list[Section] = []
    for heading, following in zip(headings, headings[1:]):
        if not QUOTE_SECTION_RE.match(heading.section_id):
            continue
        sections.append(
            Section(
                section_id=heading.section_id,
                title=heading.title,
                line_start=heading.line,
                line_end=following.line - 1,
                research_question=int(heading.section_id.split(".")[1]),
            )
        )
    ids = [s.section_id for s in sections]
    if len(set(ids)) != len(ids):
        raise ExtractionError(thesis.path, None, f"a subsection heading occurs twice: {ids}")
    return sections


# ------------------------------------------------------------------------------------- utterances


@dataclass
class _Stream:
    """A subsection's printed lines (blank lines and page numbers removed) as one string.

    Scanning one string lets guillemets and labels span line breaks; ``offsets`` maps positions
    back to thesis lines.
    """

    text: str
    numbers: list[int]  # thesis line of each stream line
    offsets: list[int]  # offset of each stream line in ``text``
    page_numbers: list[int]  # thesis lines holding a page number

    @classmethod
    def of(cls, thesis: ThesisText, first: int, last: int) -> _Stream:
        numbers: list[int] = []
        parts: list[str] = []
        pages: list[int] = []
        for number in range(first, last + 1):
            stripped = " ".join(thesis.line(number).split())  # also removes NBSP-only lines
            if not stripped:
                continue
            if PAGE_NUMBER_RE.match(stripped):
                pages.append(number)
                continue
            numbers.append(number)
            parts.append(stripped)
        offsets: list[int] = []
        position = 0
        for part in parts:
            offsets.append(position)
            position += len(part) + 1
        return cls(text="\n".join(parts), numbers=numbers, offsets=offsets, page_numbers=pages)

    def index_at(self, offset: int) -> int:
        return bisect.bisect_right(self.offsets, offset) - 1

    def line_at(self, offset: int) -> int:
        return self.numbers[self.index_at(offset)]

    def line_text(self, index: int) -> str:
        start = self.offsets[index]
        end = self.offsets[index + 1] - 1 if index + 1 < len(self.offsets) else len(self.text)
        return self.text[start:end]

    def at_line_start(self, offset: int) -> bool:
        return offset == 0 or self.text[offset - 1] == "\n"

    def rest_of_line(self, offset: int) -> str:
        end = self.text.find("\n", offset)
        return self.text[offset : end if end >= 0 else len(self.text)]


def _first_word(line: str) -> str:
    return line.split(" ", 1)[0] if line else ""


def ends_paragraph(line: str, next_line: str) -> bool:
    """Whether the author ended a paragraph after ``line`` (see :data:`PARAGRAPH_FIT_WIDTH`)."""
    if not SENTENCE_END_RE.search(line):
        return False
    return len(line) + 1 + len(_first_word(next_line)) <= PARAGRAPH_FIT_WIDTH


def _hyphen_decision(thesis: ThesisText, before: str, after: str) -> str | None:
    """How to join a line ending in ``-`` to the next one: 'keep' the hyphen, 'join' the word, or None.

    None means the hyphen is not a word break at all (a suspended compound such as "helse- og
    omsorg", or a dash), so the lines are joined with a space as usual. Evidence first: the thesis
    itself, within single lines. Otherwise a hyphen after a single letter, an all-capital
    abbreviation or a capitalised name mid-sentence is real (e-, IKT-, Lean-); anything else was
    added by the line break.
    """
    head = re.search(r"(\w+)-$", before)
    tail = re.match(r"([^\W\d_]+)", after)
    if not head or not tail or after.split(" ", 1)[0] in {"og", "eller"}:
        return None
    prefix, suffix = head.group(1), tail.group(1)
    if thesis.occurs_inline(f"{prefix}-{suffix}"):
        return "keep"
    if thesis.occurs_inline(f"{prefix}{suffix}"):
        return "join"
    if len(prefix) == 1 or prefix.isupper():
        return "keep"
    preceding = before[: head.start()].rstrip()
    if prefix[0].isupper() and preceding and not preceding.endswith((".", "!", "?", ":", "»")):
        return "keep"  # a capitalised word mid-sentence is a name: Lean-metodikken, not Leanmetodikken
    return "join"


def _join_lines(thesis: ThesisText, pieces: list[tuple[int, str, str, str]]) -> tuple[str, set[str]]:
    """Join a quote's printed lines into one string.

    ``pieces`` holds, per stream line of the quote, (thesis line, the part of the line that belongs
    to the quote, the full printed line, the next printed line). Returns the text and the flags the
    joining raised.
    """
    flags: set[str] = set()
    out = ""
    for position, (_number, piece, full, next_full) in enumerate(pieces):
        out += piece
        if position == len(pieces) - 1:
            break
        if piece.endswith("-"):
            decision = _hyphen_decision(thesis, piece, pieces[position + 1][1])
            if decision == "keep":
                flags.add("hyphen_kept_at_line_break")
                continue
            if decision == "join":
                flags.add("hyphenation_joined")
                out = out[:-1]
                continue
        if ends_paragraph(full, next_full):
            flags.add("paragraph_break")
            out += PARAGRAPH_SEPARATOR
        else:
            out += " "
    return out.strip(), flags


def _span_text(thesis: ThesisText, stream: _Stream, start: int, end: int) -> tuple[str, set[str]]:
    """The joined text of ``stream.text[start:end]`` plus the flags raised on the way."""
    first, last = stream.index_at(start), stream.index_at(max(start, end - 1))
    pieces: list[tuple[int, str, str, str]] = []
    for index in range(first, last + 1):
        line_start = stream.offsets[index]
        full = stream.line_text(index)
        piece = full[max(0, start - line_start) : max(0, min(len(full), end - line_start))]
        next_full = stream.line_text(index + 1) if index + 1 < len(stream.offsets) else ""
        pieces.append((stream.numbers[index], piece.strip(), full, next_full))
    pieces = [p for p in pieces if p[1]]
    text, flags = _join_lines(thesis, pieces)
    first_line, last_line = stream.numbers[first], stream.numbers[last]
    if any(first_line < page < last_line for page in stream.page_numbers):
        flags.add("page_number_removed")
    return text, flags


def _paragraph_start(stream: _Stream, index: int, floor: int) -> int:
    """The stream index where the paragraph holding stream line ``index`` begins (not before ``floor``)."""
    while index > floor:
        previous = stream.line_text(index - 1)
        if previous.endswith("»") or LABEL_RE.search(previous) or ends_paragraph(previous, stream.line_text(index)):
            break
        index -= 1
    return index


def extract_utterances(thesis: ThesisText, section: Section) -> list[Utterance]:
    """Every quote printed in ``section``, in order of appearance (ids are assigned later)."""
    stream = _Stream.of(thesis, section.line_start + 1, section.line_end)
    text = stream.text
    found: list[Utterance] = []
    floor = 0  # first stream line that may still belong to a quote (after the previous one)
    position = 0

    def add(start: int, text_start: int, text_end: int, end: int, label: str, flags: set[str]) -> None:
        nonlocal floor
        body, join_flags = _span_text(thesis, stream, text_start, text_end)
        if "«" in body:
            join_flags.add("nested_guillemets")
        found.append(
            Utterance(
                section_id=section.section_id,
                role_label=label,
                role=ROLE_LABELS.get(label, ""),
                text=body,
                line_start=stream.line_at(start),
                line_end=stream.line_at(end - 1),
                flags=sorted(flags | join_flags),
            )
        )
        floor = stream.index_at(end - 1) + 1

    while True:
        opening = text.find("«", position)
        label = LABEL_RE.search(text, position)
        if opening < 0 and label is None:
            break
        if label is not None and (opening < 0 or label.start() < opening):
            # A label with no « open: the quote's opening guillemet is missing.
            before = text[: label.start()].rstrip()
            close = len(before) - 1 if before.endswith("»") else len(before)
            last_index = stream.index_at(max(close - 1, 0))
            first_index = _paragraph_start(stream, last_index, floor)
            if first_index < floor or stream.offsets[first_index] >= close:
                raise ExtractionError(thesis.path, stream.line_at(label.start()), "a role label follows no quote")
            flags = {"missing_open_guillemet"}
            if stream.line_at(label.start()) != stream.line_at(close - 1):
                flags.add("label_on_next_line")
            add(stream.offsets[first_index], stream.offsets[first_index], close, label.end(), label.group(1), flags)
            position = label.end()
            continue

        # An opening guillemet: find its closing one, or a label reached while it is still open.
        depth, cursor, closing, label_inside = 0, opening, None, None
        while cursor < len(text):
            char = text[cursor]
            if char == "«":
                depth += 1
            elif char == "»":
                depth -= 1
                if depth == 0:
                    closing = cursor
                    break
            elif char == "(":
                label_inside = LABEL_RE.match(text, cursor)
                if label_inside:
                    break
            cursor += 1
        if label_inside is not None:
            flags = {"missing_close_guillemet"}
            before = text[: label_inside.start()].rstrip()
            if stream.line_at(label_inside.start()) != stream.line_at(len(before) - 1):
                flags.add("label_on_next_line")
            add(opening, opening + 1, len(before), label_inside.end(), label_inside.group(1), flags)
            position = label_inside.end()
            continue
        if closing is None:
            raise ExtractionError(thesis.path, stream.line_at(opening), "« is never closed in its section")
        after = re.compile(r"\s*([.,;]?)\s*" + LABEL_RE.pattern).match(text, closing + 1)
        if after is not None:
            flags = set()
            if after.group(1):
                flags.add("punctuation_after_guillemet")
            if stream.line_at(after.end() - 1) != stream.line_at(closing):
                flags.add("label_on_next_line")
            add(opening, opening + 1, closing, after.end(), after.group(2), flags)
            position = after.end()
            continue
        whole_paragraph = stream.at_line_start(opening) and not stream.rest_of_line(closing + 1).strip(" .")
        if whole_paragraph and count_words(text[opening:closing]) >= MIN_UNLABELLED_QUOTE_WORDS:
            add(opening, opening + 1, closing, closing + 1, "", {"label_missing", "role_inferred"})
        # else: the author's own guillemets («tidligst mulig»): not a quote.
        position = closing + 1

    # A quote without a label takes the role of the next labelled quote of its section: the
    # author prints a speaker's consecutive statements one after the other (the corpus README, U086).
    for index, utterance in enumerate(found):
        if utterance.role:
            continue
        following = next((u for u in found[index + 1 :] if u.role_label), None)
        if following is None:
            raise ExtractionError(
                thesis.path, utterance.line_start, "quote without label and no later label to infer from"
            )
        utterance.role = following.role
    return found


def extract_corpus_utterances(
    thesis: ThesisText,
    sections: list[Section],
    editorial: dict[tuple[str, int], tuple[str, ...]] | None = None,
) -> list[Utterance]:
    """All quotes of chapter 4 with ids U001… in order of appearance and editorial flags applied.

    ``editorial`` defaults to :data:`EDITORIAL_FLAGS`, the decisions taken for this thesis; other
    texts (the tests' miniature thesis) pass their own.
    """
    editorial = EDITORIAL_FLAGS if editorial is None else editorial
    utterances = [u for section in sections for u in extract_utterances(thesis, section)]
    utterances.sort(key=lambda u: u.line_start)
    width = max(3, len(str(len(utterances))))
    for number, utterance in enumerate(utterances, start=1):
        utterance.utterance_id = f"U{number:0{width}d}"
    by_key = {(u.section_id, u.line_start): u for u in utterances}
    for key, extra in editorial.items():
        if key not in by_key:
            raise ExtractionError(thesis.path, key[1], f"editorial decision for {key} matches no extracted quote")
        by_key[key].flags = sorted(set(by_key[key].flags) | set(extra))
    return utterances
