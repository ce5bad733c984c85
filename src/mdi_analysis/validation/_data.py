"""The thesis's placement of every quote, as validation data, and the section profiles.

Why a data model of its own: the reference the coding is scored against is not one label per quote.
The author printed eight statements twice, under different sections, so a quote has a *set* of
accepted sections (:attr:`ValidationData.accepted`) and belongs to a *statement* that
cross-validation must keep in one fold. Building that once, here, keeps every scorer and assigner
reading the same reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..corpus import NO_PLACEMENT_HINT, Corpus
from ..io import fail_row

#: The label of a quote that shares no feature with any section profile. It is scored as a miss
#: rather than sent to the first section, because a silent default would favour research question
#: 1 (the first and largest) and flatter the result.
NO_SECTION = "(none)"


def rq_label(research_question: int) -> str:
    """``RQ1`` … ``RQ5``: research questions as labels, so tables never confuse them with counts."""
    return f"RQ{int(research_question)}"


@dataclass(frozen=True)
class ValidationData:
    """The quotes, where the thesis placed them, and the section profiles built from the guide.

    ``accepted`` holds, per quote, every section the author placed its *statement* in: the section it
    is printed in, plus, for a first printing, the sections it is re-printed in, and, for a
    re-print, the section of its first printing. ``statement`` is the id of the first printing (the
    quote's own id when it is not a re-print); cross-validation keeps a statement in one fold.
    """

    texts: pd.Series
    printed: pd.Series
    accepted: pd.Series
    statement: pd.Series
    reprint: pd.Series
    n_words: pd.Series
    profiles: pd.Series
    research_question: pd.Series

    @property
    def sections(self) -> list[str]:
        """Section ids in ``sections.csv`` order (the order ties are broken in)."""
        return list(self.profiles.index)

    @property
    def research_questions(self) -> list[str]:
        """``RQ1`` … in numeric order."""
        numbers = sorted({int(v) for v in self.research_question})
        return [rq_label(n) for n in numbers]

    def rq_of(self, sections: pd.Series) -> pd.Series:
        """The research-question label of each section id (``NO_SECTION`` stays ``NO_SECTION``)."""
        mapping = {s: rq_label(q) for s, q in self.research_question.items()}
        mapping[NO_SECTION] = NO_SECTION
        return sections.map(mapping)


def section_profiles(sections: pd.DataFrame, guide: pd.DataFrame, *, include_title: bool = True) -> pd.Series:
    """section_id -> the text that stands for the section: its guide questions, then its title.

    Why the guide questions: every respondent was asked the same questions, and the author built
    chapter 4 by question, so an answer should resemble the question it answers. Why the title too:
    for six sections the mapping to a question is curated (see ``data/README.md``), and the title is
    the author's own short statement of the section's topic; ``include_title=False`` gives the
    guide-only variant. A section without guide questions is represented by its title alone.
    """
    questions = dict(zip(guide["question_id"], guide["text"])) if len(guide) else {}
    profiles = {}
    for section_id, ids, title in zip(sections["section_id"], sections["guide_questions"], sections["title"]):
        parts = [questions[q] for q in str(ids).split(";") if q in questions] if not pd.isna(ids) else []
        if include_title or not parts:
            parts.append(str(title))
        profiles[str(section_id)] = " ".join(parts)
    return pd.Series(profiles, name="profile", dtype=object).rename_axis("section_id")


def validation_data(
    corpus: Corpus | None = None, *, coder: str = "thesis", include_title: bool = True
) -> ValidationData:
    """The corpus as :class:`ValidationData`: the quotes, where the author placed them, the profiles.

    ``coder`` selects whose placement is the reference (rows of ``codings.csv``); a corpus without
    rows for that coder falls back to where each quote is printed. Sections without a research
    question cannot be scored at research-question level and are rejected (one line naming
    ``sections.csv``, its first such row and what works without a placement).

    Parameters
    ----------
    corpus : Corpus, optional
        A loaded corpus (:func:`mdi_analysis.corpus.load_corpus`); default: the committed one.
    coder : str
        Whose placement is the reference (the ``coder`` column of ``codings.csv``).
    include_title : bool
        Add each section's title to its profile (default) or use the guide questions only.

    Returns
    -------
    ValidationData
        One entry per quote in corpus order; profiles in ``sections.csv`` order.
    """
    if corpus is None:
        from ..corpus import load_corpus

        corpus = load_corpus()
    utterances = corpus.utterances
    sections = corpus.sections
    unplaced = sections["research_question"].isna().to_numpy()
    if unplaced.any():
        first = int(unplaced.argmax())
        fail_row(
            sections,
            first,
            "research_question",
            f"section {sections['section_id'].iloc[first]!r} has no research question ({int(unplaced.sum())} of "
            f"{len(sections)} sections lack one), and the validation scores placement by research question",
            f"a research question in every row; {NO_PLACEMENT_HINT}",
        )

    ids = utterances["utterance_id"].astype(str).tolist()
    printed = pd.Series(utterances["section_id"].astype(str).tolist(), index=ids, name="section_id")
    duplicate = dict(zip(ids, (None if pd.isna(d) else str(d) for d in utterances["duplicate_of"])))

    codings = corpus.codings
    own = codings[codings["coder"] == coder] if len(codings) else codings
    placed: dict[str, set[str]] = {uid: {printed[uid]} for uid in ids}
    for uid, section_id in zip(own["utterance_id"].astype(str), own["section_id"].astype(str)):
        if uid in placed:
            placed[uid].add(section_id)
    accepted = {}
    for uid in ids:
        sections_of = set(placed[uid])
        if duplicate[uid] is not None:
            sections_of.add(printed[duplicate[uid]])
        accepted[uid] = tuple(sorted(sections_of))

    statement = pd.Series([duplicate[uid] or uid for uid in ids], index=ids, name="statement")
    if "n_words" in utterances and utterances["n_words"].notna().all():
        n_words = pd.Series(utterances["n_words"].astype("int64").tolist(), index=ids, name="n_words")
    else:
        n_words = pd.Series([len(str(t).split()) for t in utterances["text"]], index=ids, name="n_words")
    return ValidationData(
        texts=pd.Series(utterances["text"].astype(str).tolist(), index=ids, name="text", dtype=object),
        printed=printed,
        accepted=pd.Series(accepted, name="accepted", dtype=object),
        statement=statement,
        reprint=pd.Series([duplicate[uid] is not None for uid in ids], index=ids, name="reprint"),
        n_words=n_words,
        profiles=section_profiles(sections, corpus.interview_guide, include_title=include_title),
        research_question=pd.Series(
            sections["research_question"].astype("int64").tolist(),
            index=sections["section_id"].astype(str).tolist(),
            name="research_question",
        ),
    )


def load_codebook_categories() -> pd.DataFrame:
    """The codebook's categories, validated by the shared loader.

    Returns
    -------
    pandas.DataFrame
        ``data/codebook/categories.csv``: one row per category, with ``category_id`` and ``patterns``.
    """
    from ..io import load_codebook

    return load_codebook().categories
