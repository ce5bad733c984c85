"""What limits agreement with the thesis, whatever the assigner.

Why: a kappa below target says nothing by itself about the text processing. These tables show
how much of the gap the corpus and the interview design explain: near-identical guide questions
under different research questions, statements the author placed under two research questions,
quotes too short to share a word with any question (``docs/validation.md``, *Limits*).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._data import ValidationData, rq_label
from ._features import DEFAULT_FEATURES, Prepared, Vectoriser
from ._methods import Assignment, guide_similarity
from ._tables import scored_labels


def profile_overlap(prepared: Prepared, features: str = DEFAULT_FEATURES, *, top: int = 8) -> pd.DataFrame:
    """The most similar pairs of section profiles that belong to *different* research questions.

    Why: an answer can only be told apart by its question when the questions differ. Pairs of
    near-identical questions under different research questions (the author notes in 6.2 that some
    questions were "tilnærma like") put a ceiling on any assigner that works from the guide.

    Parameters
    ----------
    prepared : Prepared
        Quotes and profiles of one normaliser (IDF is fitted on both, as in ``guide_similarity``).
    features : str
        One of :data:`~mdi_analysis.validation.FEATURES`.
    top : int
        How many pairs to return.

    Returns
    -------
    pandas.DataFrame
        ``section_a``, ``rq_a``, ``section_b``, ``rq_b``, ``similarity`` (cosine), most similar first.
    """
    data = prepared.data
    p, u = prepared.profiles, prepared.utterances
    matrix = Vectoriser(features).fit_transform(np.vstack([p.counts, u.counts]), np.vstack([p.codes, u.codes]))
    vectors = matrix[: len(p.index)]
    values = vectors @ vectors.T
    sections = data.sections
    rows = []
    for i, a in enumerate(sections):
        for j in range(i + 1, len(sections)):
            b = sections[j]
            if data.research_question[a] != data.research_question[b]:
                rows.append(
                    {
                        "section_a": a,
                        "rq_a": rq_label(data.research_question[a]),
                        "section_b": b,
                        "rq_b": rq_label(data.research_question[b]),
                        "similarity": float(values[i, j]),
                    }
                )
    table = pd.DataFrame(rows).sort_values(["similarity", "section_a", "section_b"], ascending=[False, True, True])
    return table.head(top).reset_index(drop=True)


def agreement_by_length(
    predicted: pd.Series, data: ValidationData, *, scoring: str = "any", bins: int = 3
) -> pd.DataFrame:
    """Accuracy by quote length (equal-count bins of words): do short quotes carry too little text?

    Parameters
    ----------
    predicted : pandas.Series
        utterance_id -> assigned section id.
    data : ValidationData
        The reference (with each quote's number of words).
    scoring : str
        One of :data:`~mdi_analysis.validation.SCORINGS`.
    bins : int
        Number of equal-count length bins.

    Returns
    -------
    pandas.DataFrame
        Index ``words`` (the bin's range); ``n``, ``rq_accuracy``, ``section_accuracy``.
    """
    frame = scored_labels(predicted, data, scoring)
    words = data.n_words.reindex(frame.index)
    band = pd.qcut(words.rank(method="first"), bins, labels=False)
    rows = []
    for b in range(bins):
        part = frame[band == b]
        w = words[band == b]
        rows.append(
            {
                "words": f"{int(w.min())}-{int(w.max())}",
                "n": len(part),
                "rq_accuracy": float((part["rq_truth"] == part["rq_pred"]).mean()),
                "section_accuracy": float((part["section_truth"] == part["section_pred"]).mean()),
            }
        )
    return pd.DataFrame(rows).set_index("words")


def limits_summary(prepared: Prepared, assignment: Assignment) -> pd.DataFrame:
    """Counts that bound what any assigner can reach on this corpus (one row each).

    Parameters
    ----------
    prepared : Prepared
        Quotes and profiles of one normaliser.
    assignment : Assignment
        Gives the feature set of the "no feature in common" count.

    Returns
    -------
    pandas.DataFrame
        Index ``limit``; one column ``value`` (as text, since the rows mix counts and ratios).
    """
    data = prepared.data
    similarity = guide_similarity(prepared.utterances, prepared.profiles, assignment.features)
    rq_sets = [{data.research_question[s] for s in acc} for acc in data.accepted[~data.reprint]]
    words_only = guide_similarity(prepared.utterances, prepared.profiles, "words")
    per_question = data.research_question.value_counts()
    rows = {
        "quotes": len(data.printed),
        "statements (first printings)": int((~data.reprint).sum()),
        "statements placed under two research questions": int(sum(len(s) > 1 for s in rq_sets)),
        "median words per quote": int(data.n_words.median()),
        "quotes sharing no content word with any profile": int((words_only.to_numpy().max(1) <= 0).sum()),
        "quotes sharing no feature with any profile": int((similarity.to_numpy().max(1) <= 0).sum()),
        "sections per research question (max/min)": f"{per_question.max()}/{per_question.min()}",
    }
    return pd.DataFrame({"value": [str(v) for v in rows.values()]}, index=pd.Index(list(rows), name="limit"))
