"""Describing fitted topics: alignment with the codebook, prevalence, top terms, quotes, agreement
with the thesis's sections (the figures of these tables are in :mod:`._figures`).

Why alignment is measured on documents: a topic and a codebook category *agree* when the quotes
that are strong in the topic are the quotes the category codes. The score is therefore the Pearson
correlation, over the fitted quotes, between a topic's share of each quote and the category's 0/1
coding of it (point-biserial correlation). The coding comes from the coding engine, with all its
rules (inflections, compounds, phrases, exceptions), so a category is judged by what it actually
finds. A second score, the cosine between the topic's word distribution and the category's matched
words, shows whether the agreement is carried by the category's own words.

A topic counts as **aligned** with its best category when the correlation is significant at 5 %
after a Bonferroni correction over every topic × category pair tested (the critical r is computed,
see :func:`critical_r`). Topics that align with nothing are what the respondents talk about that
the codebook does not name.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..options import check_choice, check_int
from ._corpus import TopicCorpus
from ._model import TopicModel
from ._quality import npmi_coherence

#: Categories coded in fewer fitted quotes are not candidates for alignment: a correlation with a
#: category that codes one or two quotes is decided by those quotes alone.
ALIGNMENT_MIN_DOCS = 3
#: Family-wise significance level of the alignment test.
ALIGNMENT_ALPHA = 0.05
#: Characters of a quote shown in the table of representative quotes.
EXCERPT_WIDTH = 90
#: Document variables that prevalence and counts can be grouped by.
GROUPINGS: tuple[str, ...] = ("role", "research_question", "section_id")

__all__ = [
    "ALIGNMENT_ALPHA",
    "ALIGNMENT_MIN_DOCS",
    "GROUPINGS",
    "alignment_matrix",
    "alignment_summary",
    "align_topics",
    "critical_r",
    "model_comparison",
    "prevalence",
    "representative_quotes",
    "reprint_check",
    "section_agreement",
    "topic_overview",
    "topic_counts_by",
]


# --------------------------------------------------------------------------------------------
# Alignment with the codebook
# --------------------------------------------------------------------------------------------


def critical_r(n_docs: int, n_tests: int, alpha: float = ALIGNMENT_ALPHA) -> float:
    """Smallest |r| significant at ``alpha`` (two-sided) after Bonferroni over ``n_tests`` tests."""
    from scipy import stats

    n_docs = check_int(n_docs, "n_docs", low=4)
    n_tests = check_int(n_tests, "n_tests", low=1)
    t = stats.t.ppf(1 - alpha / (2 * n_tests), n_docs - 2)
    return float(t / np.sqrt(n_docs - 2 + t * t))


def _correlations(doc_topic: np.ndarray, coding: np.ndarray) -> np.ndarray:
    """Pearson r of every topic column with every coding column (0 where a column is constant)."""
    a = doc_topic - doc_topic.mean(axis=0)
    b = coding - coding.mean(axis=0)
    na = np.sqrt((a * a).sum(axis=0))
    nb = np.sqrt((b * b).sum(axis=0))
    denominator = np.outer(na, nb)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (a.T @ b) / denominator
    return np.where(denominator > 0, r, 0.0)


def _category_terms(coding, vocabulary: np.ndarray, categories: Sequence[str]) -> np.ndarray:
    """Categories × terms: how often each vocabulary term was matched by the category's patterns."""
    index = {term: i for i, term in enumerate(vocabulary.tolist())}
    position = {c: i for i, c in enumerate(categories)}
    out = np.zeros((len(categories), len(vocabulary)))
    evidence = coding.evidence
    for category_id, form in zip(evidence["category_id"], evidence["normalised"].astype(str), strict=True):
        row, col = position.get(category_id), index.get(form)
        if row is not None and col is not None:
            out[row, col] += 1
    return out


def alignment_matrix(model: TopicModel, coding, min_docs: int = ALIGNMENT_MIN_DOCS) -> pd.DataFrame:
    """Topics × candidate categories: correlation r between topic share and coding, over quotes.

    Parameters
    ----------
    model : TopicModel
    coding : CodingResult
        The coding of the fitted quotes (:func:`~mdi_analysis.topics.code_fitted_quotes`).
    min_docs : int
        Candidate categories are those coded in at least this many quotes (>= 1).

    Returns
    -------
    DataFrame
        Index ``topic``; one column per candidate category (codebook order).
    """
    min_docs = check_int(min_docs, "min_docs", low=1)
    matrix = coding.matrix.reindex(model.doc_ids)
    if matrix.isna().any().any():
        raise OptionError("the coding does not cover every fitted document; code the same corpus")
    matrix = matrix.loc[:, matrix.sum(axis=0) >= min_docs]
    r = _correlations(model.doc_topic, matrix.to_numpy(dtype=np.float64))
    return pd.DataFrame(r, index=pd.Index(model.labels, name="topic"), columns=matrix.columns.copy())


def align_topics(
    model: TopicModel,
    coding,
    labels: pd.Series | None = None,
    *,
    min_docs: int = ALIGNMENT_MIN_DOCS,
    alpha: float = ALIGNMENT_ALPHA,
    n_top_terms: int = 5,
) -> pd.DataFrame:
    """For each topic, the codebook category it matches best and how well.

    Parameters
    ----------
    model : TopicModel
    coding : CodingResult
        The coding of the fitted quotes (:func:`~mdi_analysis.topics.code_fitted_quotes`).
    labels : Series, optional
        category_id → Norwegian name (``Codebook.labels()``).
    min_docs : int
        Candidate categories are those coded in at least this many quotes.
    alpha : float
        Family-wise significance level of the alignment test.
    n_top_terms : int
        Top terms shown per topic.

    Returns
    -------
    DataFrame
        Index ``topic``. Columns ``top_terms``; ``category_id`` (highest r; ties to the smaller id)
        and ``category`` (its name); ``r``; ``term_cosine`` (topic word distribution vs. the
        category's matched words); ``n_docs`` (quotes the category codes); ``runner_up`` and its
        ``r_runner_up``; ``aligned`` (r above :func:`critical_r` for all topic × category tests).
        ``attrs`` holds ``critical_r`` and ``n_tests``.
    """
    r = alignment_matrix(model, coding, min_docs)
    if r.shape[1] == 0:
        raise OptionError(f"no category codes at least {min_docs} of the fitted quotes")
    categories = list(r.columns)
    terms = _category_terms(coding, model.vocabulary, categories)
    norms = np.linalg.norm(terms, axis=1)
    norms[norms == 0] = 1.0
    tw = model.topic_word / np.linalg.norm(model.topic_word, axis=1, keepdims=True)
    cosine = tw @ (terms / norms[:, None]).T
    threshold = critical_r(len(model.doc_ids), r.size, alpha)
    counts = coding.matrix.reindex(model.doc_ids)[categories].sum(axis=0)
    top_terms = model.top_terms(n_top_terms)
    rows = []
    values = r.to_numpy().round(12)
    order_ids = np.array(categories, dtype=object)
    for t, label in enumerate(model.labels):
        ranked = sorted(range(len(categories)), key=lambda c: (-values[t, c], order_ids[c]))
        best, second = ranked[0], ranked[1] if len(ranked) > 1 else None
        name = labels.get(categories[best], "") if labels is not None else ""
        rows.append(
            (
                label,
                " ".join(top_terms[t]),
                categories[best],
                name,
                float(values[t, best]),
                float(cosine[t, best]),
                int(counts.iloc[best]),
                categories[second] if second is not None else None,
                float(values[t, second]) if second is not None else np.nan,
                bool(values[t, best] >= threshold),
            )
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "topic",
            "top_terms",
            "category_id",
            "category",
            "r",
            "term_cosine",
            "n_docs",
            "runner_up",
            "r_runner_up",
            "aligned",
        ],
    ).set_index("topic")
    table.attrs["critical_r"] = threshold
    table.attrs["n_tests"] = int(r.size)
    return table


def alignment_summary(alignment: pd.DataFrame, model: TopicModel) -> pd.Series:
    """How well the codebook describes the topics: aligned topics and the quotes they hold.

    Parameters
    ----------
    alignment : DataFrame
        From :func:`align_topics`.
    model : TopicModel
        The model it aligns.

    Returns
    -------
    pandas.Series
        Topics, aligned and not, the critical r, the number of tests, and the quotes whose main
        topic is aligned.
    """
    dominant = model.dominant_topic()
    aligned_topics = set(alignment.index[alignment["aligned"]])
    held = dominant.isin(aligned_topics) & dominant.notna()
    return pd.Series(
        {
            "topics": len(alignment),
            "aligned with a category": int(alignment["aligned"].sum()),
            "not named by the codebook": int((~alignment["aligned"]).sum()),
            "critical r (Bonferroni)": round(float(alignment.attrs.get("critical_r", np.nan)), 3),
            "topic x category tests": int(alignment.attrs.get("n_tests", 0)),
            "quotes whose main topic is aligned": f"{int(held.sum())} of {int(dominant.notna().sum())}",
        },
        dtype=object,
    )


# --------------------------------------------------------------------------------------------
# Description
# --------------------------------------------------------------------------------------------


def topic_overview(
    model: TopicModel, corpus: TopicCorpus, stability: pd.DataFrame | None = None, n_terms: int = 8
) -> pd.DataFrame:
    """One row per topic: prevalence (mean share), quotes it dominates, NPMI coherence, top terms.

    Parameters
    ----------
    model : TopicModel
    corpus : TopicCorpus
        The corpus the model was fitted on (coherence is measured on it).
    stability : DataFrame, optional
        From :func:`~mdi_analysis.topics.topic_stability`: adds the topic's mean matched similarity
        across seeds.
    n_terms : int
        Top terms shown per topic.

    Returns
    -------
    DataFrame
        Index ``topic``; columns ``prevalence``, ``n_main``, ``coherence``, [``stability``,]
        ``top_terms``.
    """
    dominant = model.dominant_topic()
    table = pd.DataFrame(
        {
            "prevalence": model.doc_topic.mean(axis=0),
            "n_main": [int((dominant == label).sum()) for label in model.labels],
            "coherence": npmi_coherence(model.topic_word, corpus),
        },
        index=pd.Index(model.labels, name="topic"),
    )
    if stability is not None:
        table["stability"] = stability["mean"].reindex(table.index)
    table["top_terms"] = [" ".join(terms) for terms in model.top_terms(n_terms)]
    return table


def prevalence(model: TopicModel, corpus: TopicCorpus, by: str = "role") -> pd.DataFrame:
    """Mean topic share of the quotes in each group of ``by``.

    Parameters
    ----------
    model : TopicModel
    corpus : TopicCorpus
    by : str
        ``"role"``, ``"research_question"`` or ``"section_id"``.

    Returns
    -------
    DataFrame
        Topics × groups, plus the column ``alle`` (all fitted quotes). Columns sum to 1 over topics
        (up to quotes without terms). Quotes without a value (a corpus whose sections carry no
        research question) are in a column ``–``.
    """
    check_choice(by, GROUPINGS, "by")
    groups = _group_labels(corpus, model, by)
    shares = pd.DataFrame(model.doc_topic, index=model.doc_ids, columns=list(model.labels))
    table = shares.groupby(groups.to_numpy(), sort=True).mean().T
    table.columns = [str(c) for c in table.columns]
    table["alle"] = shares.mean(axis=0)
    table.index.name = "topic"
    table.columns.name = by
    return table


def _group_labels(corpus: TopicCorpus, model: TopicModel, by: str) -> pd.Series:
    """``by`` of each fitted quote as text, ``–`` where it is missing (sorted numerically for questions)."""
    values = corpus.documents[by].reindex(model.doc_ids)
    if by == "research_question" and values.notna().any():
        width = len(str(int(values.dropna().max())))
        return values.map(lambda v: "–" if pd.isna(v) else str(int(v)).rjust(width))
    return values.astype("string").fillna("–").astype(str)


def topic_counts_by(model: TopicModel, corpus: TopicCorpus, by: str = "research_question") -> pd.DataFrame:
    """Quotes by main topic and ``by``: the contingency table behind :func:`section_agreement`.

    Parameters
    ----------
    model : TopicModel
    corpus : TopicCorpus
    by : str
        ``"role"``, ``"research_question"`` or ``"section_id"``.

    Returns
    -------
    DataFrame
        Main topics (rows, ``(ingen)`` for quotes without terms) × groups, with ``sum`` row and column.
    """
    check_choice(by, GROUPINGS, "by")
    groups = _group_labels(corpus, model, by)
    dominant = model.dominant_topic().fillna("(ingen)")
    table = pd.crosstab(dominant.rename("topic"), groups.rename(by), margins=True, margins_name="sum")
    order = [label for label in model.labels if label in table.index] + [
        i for i in table.index if i not in model.labels
    ]
    return table.loc[order]


def representative_quotes(
    model: TopicModel, corpus: TopicCorpus, n: int = 2, width: int = EXCERPT_WIDTH
) -> pd.DataFrame:
    """The ``n`` quotes with the largest share of each topic, with an excerpt.

    Ties in share (with NMF many quotes are entirely one topic) go to the larger loading
    (``TopicModel.doc_weight``), then to the smaller utterance id.

    Parameters
    ----------
    model : TopicModel
    corpus : TopicCorpus
    n : int
        Quotes per topic (>= 1).
    width : int
        Characters of the excerpt.

    Returns
    -------
    DataFrame
        Index (``topic``, ``rank``); columns ``utterance_id``, ``role``, ``section_id``, ``share``,
        ``excerpt``.
    """
    n = check_int(n, "n", low=1)
    docs = corpus.documents.reindex(model.doc_ids)
    rows = []
    ids = np.array(model.doc_ids, dtype=object)
    raw = model.doc_weight if model.doc_weight is not None else model.doc_topic
    for t, label in enumerate(model.labels):
        weights = model.doc_topic[:, t].round(9)
        loading = raw[:, t].round(9)
        order = sorted(range(len(ids)), key=lambda d: (-weights[d], -loading[d], ids[d]))[:n]
        for rank, d in enumerate(order, start=1):
            text = " ".join(str(docs["text"].iloc[d]).split())
            excerpt = text if len(text) <= width else text[: width - 1] + "…"
            rows.append(
                (
                    label,
                    rank,
                    ids[d],
                    docs["role"].iloc[d],
                    docs["section_id"].iloc[d],
                    float(model.doc_topic[d, t]),
                    excerpt,
                )
            )
    return pd.DataFrame(
        rows, columns=["topic", "rank", "utterance_id", "role", "section_id", "share", "excerpt"]
    ).set_index(["topic", "rank"])


def section_agreement(model: TopicModel, corpus: TopicCorpus) -> pd.DataFrame:
    """Agreement of the main-topic assignment with the thesis's sections and research questions.

    Adjusted Rand index and adjusted mutual information: 0 = no more agreement than chance, 1 = the
    topics reproduce the author's grouping of the quotes exactly. Quotes without terms or without a
    value of the grouping are left out; a grouping no quote has is not listed.

    Parameters
    ----------
    model : TopicModel
    corpus : TopicCorpus

    Returns
    -------
    DataFrame
        Index ``grouping`` (``section_id``, ``research_question``); columns ``n_groups``,
        ``n_topics``, ``ari``, ``ami``.
    """
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

    dominant = model.dominant_topic()
    rows = []
    for by in ("section_id", "research_question"):
        values = corpus.documents[by].reindex(model.doc_ids)
        keep = (dominant.notna() & values.notna()).to_numpy()
        if not keep.any():
            continue  # e.g. a corpus whose sections carry no research question
        groups = values.astype("string").to_numpy()[keep].astype(str)
        topics = dominant.to_numpy()[keep].astype(str)
        rows.append(
            (
                by,
                int(pd.Series(groups).nunique()),
                model.k,
                float(adjusted_rand_score(groups, topics)),
                float(adjusted_mutual_info_score(groups, topics)),
            )
        )
    return pd.DataFrame(rows, columns=["grouping", "n_groups", "n_topics", "ari", "ami"]).set_index("grouping")


def reprint_check(model: TopicModel, corpus: TopicCorpus) -> pd.DataFrame:
    """Re-prints (not fitted) projected onto the model: same main topic as their first printing?

    A re-print repeats (part of) a quote already fitted, so a model that captures content should put
    it in the same topic. ``similarity`` is the cosine between the two topic-share vectors.

    Parameters
    ----------
    model : TopicModel
        A model with its estimator (as every fit of this package returns).
    corpus : TopicCorpus
        The corpus it was fitted on, with its re-prints kept aside.

    Returns
    -------
    DataFrame
        Index ``utterance_id`` (the re-print); columns ``duplicate_of``, ``topic``, ``topic_first``,
        ``same``, ``similarity``.
    """
    if corpus.reprint_counts is None or len(corpus.reprints) == 0:
        return pd.DataFrame(columns=["duplicate_of", "topic", "topic_first", "same", "similarity"])
    projected = model.transform(corpus, corpus.reprint_counts)
    position = {doc: i for i, doc in enumerate(model.doc_ids)}
    labels = np.array(model.labels, dtype=object)
    rows = []
    for i, (reprint, first) in enumerate(zip(corpus.reprints.index, corpus.reprints["duplicate_of"], strict=True)):
        if first not in position:
            continue
        a, b = projected[i], model.doc_topic[position[first]]
        denominator = np.linalg.norm(a) * np.linalg.norm(b)
        similarity = float(a @ b / denominator) if denominator > 0 else 0.0
        topic = labels[int(np.argmax(a))] if a.sum() > 0 else None
        topic_first = labels[int(np.argmax(b))] if b.sum() > 0 else None
        rows.append((reprint, first, topic, topic_first, topic is not None and topic == topic_first, similarity))
    return pd.DataFrame(
        rows, columns=["utterance_id", "duplicate_of", "topic", "topic_first", "same", "similarity"]
    ).set_index("utterance_id")


def model_comparison(rows: dict[str, Sequence[TopicModel]], corpus: TopicCorpus, coding) -> pd.DataFrame:
    """One row per model family: k, coherence, stability across its runs and aligned topics.

    Coherence and alignment are those of the reference run; stability is the mean matched
    similarity over all pairs of runs.

    Parameters
    ----------
    rows : dict of str to sequence of TopicModel
        Name → runs of one model (reference seed first).
    corpus : TopicCorpus
    coding : CodingResult
        The coding of the fitted quotes.

    Returns
    -------
    DataFrame
        Index ``model``; columns ``k``, ``coherence``, ``stability``, ``aligned_topics``.
    """
    from ._quality import stability as run_stability

    out = []
    for name, runs in rows.items():
        reference = runs[0]
        alignment = align_topics(reference, coding)
        out.append(
            (
                name,
                reference.k,
                float(npmi_coherence(reference.topic_word, corpus).mean()),
                run_stability([m.topic_word for m in runs]) if len(runs) > 1 else np.nan,
                int(alignment["aligned"].sum()),
            )
        )
    return pd.DataFrame(out, columns=["model", "k", "coherence", "stability", "aligned_topics"]).set_index("model")
