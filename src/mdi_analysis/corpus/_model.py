"""The corpus's vocabulary: roles, flags and the record types the extractor produces.

Kept separate from the extractor so that the schemas, the loader and a researcher's own data share
one definition of what a role or a flag may be, without importing the thesis parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Role labels as the thesis prints them after a quote, mapped to the two sides of the sample
#: (thesis 3.5: five employer representatives, five union representatives). A
#: "Hovedtillitsvalgt" is a (chief) union representative, so the same side as "Tillitsvalgt".
ROLE_LABELS: dict[str, str] = {
    "Arbeidsgiver": "arbeidsgiver",
    "Tillitsvalgt": "tillitsvalgt",
    "Hovedtillitsvalgt": "tillitsvalgt",
}
ROLES: tuple[str, ...] = ("arbeidsgiver", "tillitsvalgt")
#: The role of an imported quote whose side the source project does not say (``import-qdpx``
#: without ``--role-from``). Always allowed by :func:`~mdi_analysis.corpus.load_corpus`, so a
#: project imported without roles still runs through the notebooks, with its own role group.
UNKNOWN_ROLE = "unknown"

#: Relations in links.csv, from strongest to weakest.
RELATIONS: tuple[str, ...] = ("verbatim", "contained", "reworded")

#: Flag codes of utterances.csv. Each names something the extractor had to decide or repair;
#: The corpus README explains every one. A researcher's own data may use further codes of the
#: same shape (lower-case words joined by underscores).
FLAGS: dict[str, str] = {
    "label_on_next_line": "the role label is printed on the line after the quote's last line",
    "label_missing": "no role label follows the quote; the role is inferred (see role_inferred)",
    "role_inferred": "the role was not printed with the quote but inferred from the context",
    "missing_open_guillemet": "the quote has no opening «; its start is the start of its paragraph",
    "missing_close_guillemet": "the quote has no closing »; it ends at the role label",
    "punctuation_after_guillemet": "punctuation printed between » and the label is not part of the text",
    "nested_guillemets": "the quote contains «…» of its own (kept as printed)",
    "page_number_removed": "a page number printed inside the quote was dropped from the text",
    "hyphen_kept_at_line_break": "a line ended in a real hyphen (e-post, Lean-metodikken); kept, no space",
    "hyphenation_joined": "a word split by line-break hyphenation was joined without the hyphen",
    "paragraph_break": "the quote has more than one paragraph (separated by a blank line in text)",
    "possible_author_text": "part of the text may be the author's narration rather than the respondent's words",
}

FLAG_PATTERN = r"^[a-z][a-z0-9_]*(;[a-z][a-z0-9_]*)*$"
UTTERANCE_ID_PATTERN = r"^U\d{3,}$"
QUESTION_ID_PATTERN = r"^Q\d{2,}$"
SECTION_ID_PATTERN = r"^\d+(\.\d+)*$"

#: Separator between paragraphs inside an utterance's text.
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Section:
    """A subsection of chapter 4 (e.g. 4.1.3) with the interview-guide questions it answers."""

    section_id: str
    title: str
    line_start: int
    line_end: int
    research_question: int
    guide_questions: tuple[str, ...] = ()
    guide_evidence: str = ""


@dataclass
class Utterance:
    """One printed quote: its text as published, the printed role label and its thesis line span."""

    section_id: str
    role_label: str  # as printed; "" when the thesis prints none
    role: str
    text: str
    line_start: int
    line_end: int
    flags: list[str] = field(default_factory=list)
    utterance_id: str = ""
    duplicate_of: str = ""

    @property
    def n_words(self) -> int:
        return count_words(self.text)


@dataclass(frozen=True)
class GuideQuestion:
    """One item of the interview guide (Vedlegg 2), parts 2 and 3."""

    question_id: str
    part: str
    text: str
    line_start: int
    line_end: int


@dataclass(frozen=True)
class ResearchQuestion:
    """One of the five research questions of section 1.2."""

    research_question: int
    text: str
    line_start: int
    line_end: int


@dataclass(frozen=True)
class Link:
    """Evidence that two printings carry the same statement (see :mod:`._duplicates`)."""

    utterance_id: str
    linked_utterance_id: str
    relation: str
    similarity: float


def count_words(text: str) -> int:
    """Words as a reader counts them: whitespace-separated tokens containing a letter or digit.

    '(…)', '–' and stray punctuation are not words, so an ellipsis does not inflate a count.
    """
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))
