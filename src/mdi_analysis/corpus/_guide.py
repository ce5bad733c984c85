"""The interview guide (Vedlegg 2) and the research questions, and which guide questions each
chapter-4 subsection answers.

Why apart from the quote extractor: the guide and the research questions are read from other
parts of the thesis than chapter 4, with their own anchors; the quote rules in :mod:`._extract`
stay about quotes. Both share the thesis reader (:class:`.extract.ThesisText`) and its way of
joining printed lines.
"""

from __future__ import annotations

import difflib
import re

from ..errors import ExtractionError
from ._extract import (
    BULLET,
    GUIDE_PARTS,
    INTRO_VERBATIM_MIN_RUN,
    SECTION_GUIDE_QUESTIONS,
    SEPARATE_GUIDE_QUESTION_STARTS,
    SUB_BULLET,
    ThesisText,
    _join_lines,
)
from ._model import GuideQuestion, ResearchQuestion, Section, Utterance


def _find_line(thesis: ThesisText, pattern: str, start: int = 1) -> int:
    regex = re.compile(pattern)
    for number in range(start, len(thesis) + 1):
        if regex.match(thesis.line(number)):
            return number
    raise ExtractionError(thesis.path, None, f"no line matches {pattern!r}")


def _join_plain(thesis: ThesisText, lines: list[str]) -> str:
    """Join printed lines with spaces, resolving line-break hyphens like the quotes do."""
    pieces = [(0, " ".join(line.split()), "", "") for line in lines if line.split()]
    text, _flags = _join_lines(thesis, pieces)
    return text


def extract_interview_guide(thesis: ThesisText) -> list[GuideQuestion]:
    """The items of parts 2 and 3 of the interview guide (Vedlegg 2), in printed order.

    An item is a bulleted paragraph; its sub-bullets (the four "bærebjelker" of the
    trepartssamarbeid question) are appended separated by '; ' so the item stays one string.
    """
    start = _find_line(thesis, r"^\s*Vedlegg 2\s*$")
    end = _find_line(thesis, r"^\s*Vedlegg 3\s*$", start + 1)
    part_re = re.compile(r"^\s*(\d)\.\s+(\S.*?)\s*$")
    items: list[dict] = []
    part: str | None = None
    for number in range(start + 1, end):
        raw = thesis.line(number).strip()
        if not raw:
            continue
        match = part_re.match(raw)
        if match:
            part = f"{match.group(1)}. {match.group(2)}"
            continue
        if part is None or part.split(".")[0] not in GUIDE_PARTS:
            continue
        if raw.startswith(BULLET) or raw.startswith(SEPARATE_GUIDE_QUESTION_STARTS):
            items.append({"part": part, "first": number, "last": number, "blocks": [[raw.lstrip(BULLET).strip()]]})
            continue
        if not items:
            raise ExtractionError(thesis.path, number, "text before the first guide question")
        if raw.startswith(SUB_BULLET):
            items[-1]["blocks"].append([raw.lstrip(SUB_BULLET).strip()])
        else:
            items[-1]["blocks"][-1].append(raw)
        items[-1]["last"] = number
    questions: list[GuideQuestion] = []
    for index, item in enumerate(items, start=1):
        blocks = [_join_plain(thesis, block) for block in item["blocks"]]
        text = blocks[0] + "".join((" " if i == 1 else "; ") + b for i, b in enumerate(blocks[1:], start=1))
        questions.append(GuideQuestion(f"Q{index:02d}", item["part"], text, item["first"], item["last"]))
    return questions


def extract_research_questions(thesis: ThesisText) -> list[ResearchQuestion]:
    """The five research questions of section 1.2 (they order the subsections of chapter 4)."""
    anchor = _find_line(thesis, r"^.*forskningsspørsmål bli besvart")
    item_re = re.compile(r"^\s*([1-5])\.\s+(\S.*?)\s*$")
    found: list[ResearchQuestion] = []
    number = anchor + 1
    while len(found) < 5 and number <= len(thesis):
        match = item_re.match(thesis.line(number))
        if not match:
            number += 1
            continue
        lines, first = [match.group(2)], number
        while not lines[-1].rstrip().endswith("?"):
            number += 1
            if thesis.line(number).strip():
                lines.append(thesis.line(number).strip())
        found.append(ResearchQuestion(int(match.group(1)), _join_plain(thesis, lines), first, number))
        number += 1
    if [rq.research_question for rq in found] != [1, 2, 3, 4, 5]:
        raise ExtractionError(thesis.path, anchor, "the five research questions of section 1.2 were not found")
    return found


def assign_guide_questions(
    thesis: ThesisText, sections: list[Section], questions: list[GuideQuestion], utterances: list[Utterance]
) -> list[Section]:
    """Attach the guide questions to each section, recording whether the section intro repeats them.

    The intro is the author's text between the heading and the first quote. It "repeats" a question
    when the two share a run of at least :data:`INTRO_VERBATIM_MIN_RUN` consecutive words.
    """
    first_quote: dict[str, int] = {}
    for utterance in utterances:
        first_quote.setdefault(utterance.section_id, utterance.line_start)
    result: list[Section] = []
    for section in sections:
        starts = SECTION_GUIDE_QUESTIONS.get(section.section_id, ())
        ids: list[str] = []
        evidence = "intro_verbatim"
        intro_end = first_quote.get(section.section_id, section.line_end + 1) - 1
        intro = _word_list(_join_plain(thesis, [thesis.line(n) for n in range(section.line_start + 1, intro_end + 1)]))
        for start in starts:
            matches = [q for q in questions if q.text.startswith(start)]
            if len(matches) != 1:
                raise ExtractionError(
                    thesis.path, section.line_start, f"guide question {start!r} matched {len(matches)} items"
                )
            ids.append(matches[0].question_id)
            words = _word_list(matches[0].text)
            matcher = difflib.SequenceMatcher(None, intro, words, autojunk=False)
            run = matcher.find_longest_match(0, len(intro), 0, len(words))
            if run.size < INTRO_VERBATIM_MIN_RUN:
                evidence = "curated"
        result.append(
            Section(
                section_id=section.section_id,
                title=section.title,
                line_start=section.line_start,
                line_end=section.line_end,
                research_question=section.research_question,
                guide_questions=tuple(ids),
                guide_evidence=evidence if ids else "",
            )
        )
    return result


def _word_list(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())
