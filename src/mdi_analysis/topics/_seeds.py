"""The codebook as seeds: which categories seed a topic of the theory-guided model, with which
terms, and whether the seeded topics survive fitting.

Why a rule and not a hand-made list: a seeded topic needs several quotes to be estimated and words
of its own; a category coded in two quotes, or one whose words another category already claims,
would only give the model a topic it cannot fit or two topics fighting over the same words. The
rule (:func:`seed_table`) is applied to the coding of the fitted quotes, and its table says for every
category why it was or was not seeded, so the choice can be read and argued with.

**Survival of a seeded topic** (:func:`seeded_survival`): it *keeps its seed words* when at least
half of its seed terms (rounded up) are among its :data:`SURVIVAL_TOP_N` top terms, and it *stays
distinct* when its word distribution has cosine similarity below :data:`DISTINCT_MAX_SIMILARITY`
with every other topic of the model. Both thresholds were fixed before the model was run on the
interview corpus.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..options import check_int, check_number
from ..text import dfm_docfreq
from ._corpus import TopicCorpus, code_fitted_quotes
from ._model import TopicModel, fit_seeded
from ._quality import N_STABILITY_SEEDS, cosine_matrix, seed_sequence

#: Default frameworks whose categories seed topics: the thesis's own themes (chapters 4-6). Why:
#: they were named from these very interviews, so they are the categories a topic model of the
#: quotes can test; chapter 2's deductive frameworks can be passed instead (or "all").
DEFAULT_SEED_FRAMEWORKS: tuple[str, ...] = ("tema",)
#: A category seeds a topic only if its patterns occur in at least this many fitted quotes: a topic
#: needs several documents to be estimated at all.
DEFAULT_MIN_SEED_DOCS = 8
#: A category is not seeded when at least this share of its seed terms already belongs to a
#: category selected before it (more quotes first): two topics cannot both own the same words.
DEFAULT_MAX_SEED_OVERLAP = 0.5
#: Top terms in which a seeded topic must keep its seed words.
SURVIVAL_TOP_N = 10
#: A topic is distinct when its cosine similarity to every other topic is below this.
DISTINCT_MAX_SIMILARITY = 0.5

__all__ = [
    "DEFAULT_MAX_SEED_OVERLAP",
    "DEFAULT_MIN_SEED_DOCS",
    "DEFAULT_SEED_FRAMEWORKS",
    "DISTINCT_MAX_SIMILARITY",
    "SURVIVAL_TOP_N",
    "seed_table",
    "seeded_runs",
    "seeded_survival",
    "seeds_from_table",
    "survival_across_seeds",
]


def seed_table(
    corpus: TopicCorpus,
    categories: pd.DataFrame,
    *,
    frameworks: str | Sequence[str] | None = DEFAULT_SEED_FRAMEWORKS,
    min_docs: int = DEFAULT_MIN_SEED_DOCS,
    max_overlap: float = DEFAULT_MAX_SEED_OVERLAP,
    coding=None,
) -> pd.DataFrame:
    """Which codebook categories seed a topic, with which terms, and why the others do not.

    Seed terms of a category are the normalised forms that its single-word patterns matched in the
    fitted quotes, kept if they are in the vocabulary. Using the coding engine's matches (rather than
    the patterns' own lemmas) brings in the compounds it accepts (``trepartssamarbeid``) and the
    exceptions it makes (``tillit`` never matches ``tillitsvalgt``). Phrase patterns (``taus
    kunnskap``) are not seeds: a bag-of-words model cannot hold a phrase, and its words alone mean
    something else. Categories are considered by number of coded quotes (most first, ties in
    codebook order); each term seeds only the first category that claims it.

    Parameters
    ----------
    corpus : TopicCorpus
    categories : DataFrame
        Codebook categories (``Codebook.categories``), with ``framework_id``.
    frameworks : str, sequence of str or None
        Frameworks whose categories are considered; ``None`` or ``"all"`` = every framework.
    min_docs : int
        Fewest fitted quotes a category must code to be seeded (>= 1).
    max_overlap : float
        Share of a category's terms, in (0, 1], already owned by a selected category at which it
        is not seeded.
    coding : CodingResult, optional
        The coding of the fitted quotes (:func:`~mdi_analysis.topics.code_fitted_quotes`); coded
        here when not given.

    Returns
    -------
    DataFrame
        One row per category of ``frameworks``: ``category_id``, ``category``, ``n_docs`` (quotes
        coded), ``seed_terms`` (the terms it gets, ``;``-separated), ``selected`` and ``reason``.
    """
    min_docs = check_int(min_docs, "min_docs", low=1)
    max_overlap = check_number(
        max_overlap, "max_overlap", low=0, high=1, low_open=True, what="a share of the seed terms"
    )
    table = categories
    if frameworks not in (None, "all"):
        wanted = [frameworks] if isinstance(frameworks, str) else list(frameworks)
        unknown = sorted(set(wanted) - set(categories["framework_id"]))
        if unknown:
            raise OptionError(f"unknown framework(s) {unknown}; known: {sorted(set(categories['framework_id']))}")
        table = categories[categories["framework_id"].isin(wanted)]
    coding = coding if coding is not None else code_fitted_quotes(corpus, table)
    evidence = coding.evidence
    single = evidence[~evidence["pattern"].astype(str).str.contains(" ", regex=False)]
    vocabulary = corpus.term_index()
    term_df = dfm_docfreq(corpus.dfm)
    rows = []
    for position, (category_id, name) in enumerate(zip(table["category_id"], table["category"], strict=True)):
        n_docs = int(coding.matrix[category_id].sum()) if category_id in coding.matrix.columns else 0
        forms = set(single.loc[single["category_id"] == category_id, "normalised"].astype(str))
        terms = sorted((t for t in forms if t in vocabulary), key=lambda t: (-term_df[vocabulary[t]], t))
        rows.append((str(category_id), str(name), n_docs, terms, position))
    rows.sort(key=lambda r: (-r[2], r[4]))  # ties: codebook order, which the researcher controls
    owned: dict[str, str] = {}
    out = []
    for category_id, name, n_docs, terms, _ in rows:
        if n_docs < min_docs:
            selected, reason, own = False, f"coded in fewer than {min_docs} quotes", terms
        elif not terms:
            selected, reason, own = False, "no single-word match in the vocabulary", terms
        else:
            taken = [t for t in terms if t in owned]
            if len(taken) >= max_overlap * len(terms):
                owners = sorted({owned[t] for t in taken})
                selected, reason, own = False, f"seed terms belong to {', '.join(owners)}", terms
            else:
                own = [t for t in terms if t not in owned]
                for t in own:
                    owned[t] = category_id
                selected, reason = True, "seeded"
        out.append((category_id, name, n_docs, ";".join(own), selected, reason))
    return pd.DataFrame(out, columns=["category_id", "category", "n_docs", "seed_terms", "selected", "reason"])


def seeds_from_table(table: pd.DataFrame) -> dict[str, list[str]]:
    """label → seed terms of the selected rows of :func:`seed_table`, in table order.

    Parameters
    ----------
    table : DataFrame
        A :func:`seed_table` (columns ``category_id``, ``seed_terms``, ``selected``).

    Returns
    -------
    dict of str to list of str
        The ``seeds`` argument of :func:`~mdi_analysis.topics.fit_seeded`.
    """
    chosen = table[table["selected"]]
    if chosen.empty:
        raise OptionError(
            "no codebook category was selected as a seed (see the 'reason' column of seed_table): "
            "choose other frameworks or lower min_docs"
        )
    return {cid: terms.split(";") for cid, terms in zip(chosen["category_id"], chosen["seed_terms"], strict=True)}


# --------------------------------------------------------------------------------------------
# Survival of seeded topics
# --------------------------------------------------------------------------------------------


def seeded_survival(
    model: TopicModel,
    *,
    top_n: int = SURVIVAL_TOP_N,
    max_similarity: float = DISTINCT_MAX_SIMILARITY,
) -> pd.DataFrame:
    """Whether each seeded topic survived fitting: kept its seed words and stayed distinct.

    Residual topics are not listed, but count as "other topics" for distinctness.

    Parameters
    ----------
    model : TopicModel
        A seeded model (:func:`fit_seeded`).
    top_n : int
        Top terms in which a topic must keep at least half of its seed terms (rounded up).
    max_similarity : float
        A topic is distinct when its cosine with every other topic is below this, in (0, 1].

    Returns
    -------
    DataFrame
        One row per seeded topic, index ``topic`` (category id); columns ``n_seeds`` (seed terms in
        the vocabulary), ``seeds_in_top`` (of them among the ``top_n`` top terms), ``top_terms``,
        ``max_similarity`` (cosine with the most similar other topic), ``closest`` (that topic),
        ``kept``, ``distinct``, ``survived``.
    """
    if not model.seeds:
        raise OptionError("seeded_survival needs a seeded model (fit_seeded)")
    top_n = check_int(top_n, "top_n", low=1)
    max_similarity = check_number(
        max_similarity, "max_similarity", low=0, high=1, low_open=True, what="a cosine similarity"
    )
    index = {term: i for i, term in enumerate(model.vocabulary.tolist())}
    sims = cosine_matrix(model.topic_word, model.topic_word)
    np.fill_diagonal(sims, -np.inf)
    top = model.top_term_indices(top_n)
    rows = []
    for t, label in enumerate(model.labels):
        if label not in model.seeds:
            continue
        seed_ids = {index[term] for term in model.seeds[label]}
        in_top = len(seed_ids & set(top[t].tolist()))
        closest = int(np.argmax(sims[t]))
        kept = in_top >= math.ceil(len(seed_ids) / 2)
        distinct = bool(sims[t, closest] < max_similarity)
        rows.append(
            (
                label,
                len(seed_ids),
                in_top,
                " ".join(model.vocabulary[top[t][:6]]),
                float(sims[t, closest]),
                model.labels[closest],
                kept,
                distinct,
                kept and distinct,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "topic",
            "n_seeds",
            "seeds_in_top",
            "top_terms",
            "max_similarity",
            "closest",
            "kept",
            "distinct",
            "survived",
        ],
    ).set_index("topic")


def seeded_runs(
    corpus: TopicCorpus,
    seeds: dict[str, list[str]],
    seed: int = 0,
    n_seeds: int = N_STABILITY_SEEDS,
    **options,
) -> list[TopicModel]:
    """The seeded model fitted with ``n_seeds`` seeds (``seed`` first): for survival across seeds.

    Parameters
    ----------
    corpus : TopicCorpus
    seeds : dict of str to list of str
        Topic label → seed terms (:func:`~mdi_analysis.topics.seeds_from_table`).
    seed : int
        Seed of the reference run; the others use ``seed + 1``, …
    n_seeds : int
        Number of runs.
    **options
        Passed to :func:`fit_seeded` (``n_residual``, ``epsilon``).

    Returns
    -------
    list of TopicModel
        The reference run first.
    """
    return [fit_seeded(corpus, seeds, seed=s, **options) for s in seed_sequence(seed, n_seeds)]


def survival_across_seeds(models: Sequence[TopicModel], **options) -> pd.DataFrame:
    """Per seeded topic: in how many runs it survived, and the reference run's verdict.

    Parameters
    ----------
    models : sequence of TopicModel
        Seeded runs (:func:`seeded_runs`), the reference run first.
    **options
        Passed to :func:`seeded_survival` (``top_n``, ``max_similarity``).

    Returns
    -------
    DataFrame
        Index: the seeded topics, then ``all topics`` (the sums). Columns ``survived`` (in the
        reference run, 0/1), ``runs_survived`` (out of ``len(models)``), ``share``.
    """
    tables = [seeded_survival(m, **options) for m in models]
    out = pd.DataFrame({"survived": tables[0]["survived"].astype(int)})
    out["runs_survived"] = sum(t["survived"].astype(int) for t in tables)
    out["share"] = out["runs_survived"] / len(tables)
    total = pd.DataFrame(
        {
            "survived": [int(out["survived"].sum())],
            "runs_survived": [int(out["runs_survived"].sum())],
            "share": [out["runs_survived"].sum() / (len(tables) * len(out))],
        },
        index=pd.Index(["all topics"], name=out.index.name),
    )
    return pd.concat([out, total])
