"""How good is a topic model of 113 quotes? Coherence, stability across seeds and the choice of k.

Why these measures: with a corpus this small, a topic model will always return *some* topics; the
question is whether they are a property of the quotes or of the random start. Two measures answer
it, both computed here so the notebook only displays them:

- **Coherence (NPMI)**: do a topic's top words occur in the same quotes? Normalised pointwise
  mutual information of each pair of the topic's 10 top terms, from document co-occurrence in the
  fitted quotes (Bouma 2009; Lau, Newman & Baldwin 2014): 1 = the words always occur together, 0 =
  independent, -1 = never together. It is computed on the corpus the model was fitted on, because
  there is no reference corpus of Norwegian interview speech to use offline; it therefore rewards
  topics that reproduce co-occurrences of this corpus, which is what is wanted here.
- **Stability**: refit with five seeds and match the topics of every pair of runs one to one
  (Hungarian algorithm, :func:`scipy.optimize.linear_sum_assignment`) by cosine similarity of their
  word distributions; stability is the mean matched similarity (Greene, O'Callaghan & Cunningham
  2014). 1 = the same topics whatever the seed.

**Rule for k** (:func:`select_k`): only k whose topics are coherent at all (mean NPMI above 0:
top words co-occur more often than chance) are eligible; of those, take the most stable k, and if
other eligible k are within :data:`STABILITY_TOLERANCE` of the best stability, the largest of them.
Why stability first: a k whose topics change with the seed cannot be interpreted, however coherent
one run happens to be. Why the largest of equally stable k: too many topics show up as instability
(a real topic is split differently by each seed), but too few need not: when the data favour one
way of merging two topics, every seed merges them the same way and a too-small k looks perfectly
stable (the synthetic corpus of ``tests/test_topics.py`` shows this for NMF: k = 2, 3 and 4 are
all stable when 4 is the truth). The largest k that is still reproducible is the finest grouping the
quotes support. Coherence is a floor, not the target, because NPMI over the top 10 words can favour
a too-small k whose merged topic happens to be topped by the words of one of its parts.

Whether codebook-seeded topics survive fitting is measured in :mod:`._seeds`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ..errors import OptionError
from ..options import check_choice, check_int, check_number
from ._corpus import TopicCorpus
from ._model import TOPIC_METHODS, TopicModel, check_k, check_seed, fit_topics

#: Top terms per topic used for coherence.
COHERENCE_TOP_N = 10
#: Seeds per k in the scan: the seed given and the next four.
N_STABILITY_SEEDS = 5
#: Default k grid: small, because 113 short quotes cannot support many topics.
DEFAULT_K_GRID: tuple[int, ...] = tuple(range(3, 9))
#: k within this much of the best stability count as equally stable (see :func:`select_k`).
STABILITY_TOLERANCE = 0.02
#: k whose mean NPMI is not above this are not eligible (their top words co-occur no more than chance).
MIN_COHERENCE = 0.0

__all__ = [
    "COHERENCE_TOP_N",
    "DEFAULT_K_GRID",
    "KScan",
    "MIN_COHERENCE",
    "N_STABILITY_SEEDS",
    "STABILITY_TOLERANCE",
    "cosine_matrix",
    "match_topics",
    "npmi_coherence",
    "resolve_k",
    "scan_k",
    "seed_sequence",
    "select_k",
    "stability",
    "stability_runs",
    "topic_stability",
]


def seed_sequence(seed: int, n: int = N_STABILITY_SEEDS) -> tuple[int, ...]:
    """The seeds of a stability study: ``seed, seed + 1, …`` (the given seed's run is the reference)."""
    seed = check_seed(seed)
    return tuple(range(seed, seed + n))


# --------------------------------------------------------------------------------------------
# Coherence
# --------------------------------------------------------------------------------------------


def npmi_coherence(topic_word: np.ndarray, corpus: TopicCorpus, n_top: int = COHERENCE_TOP_N) -> np.ndarray:
    """NPMI coherence of each topic's ``n_top`` terms, from co-occurrence in ``corpus``'s quotes.

    A pair that never occurs together scores -1 (the limit of NPMI). Pairs are unordered; the topic's
    score is the mean over its pairs.
    """
    n_docs = corpus.n_docs
    together = corpus.cooccurrence
    df = np.diag(together)
    top = np.argsort(-topic_word, axis=1, kind="stable")[:, :n_top]
    scores = np.zeros(topic_word.shape[0])
    if top.shape[1] < 2:
        return scores
    i, j = np.triu_indices(top.shape[1], k=1)
    for t, terms in enumerate(top):
        joint = together[terms[i], terms[j]] / n_docs
        p_i, p_j = df[terms[i]] / n_docs, df[terms[j]] / n_docs
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log(joint / (p_i * p_j)) / -np.log(joint)
        npmi = np.where(joint == 0, -1.0, np.where(joint >= 1.0, 1.0, npmi))
        scores[t] = float(npmi.mean())
    return scores


# --------------------------------------------------------------------------------------------
# Matching topics and stability
# --------------------------------------------------------------------------------------------


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of ``a`` with every row of ``b``, within [-1, 1].

    Clipped because a row of subnormal numbers (a weight of 1e-162) loses precision when its norm
    is computed, and its "unit" vector can come out longer than 1 (found by a property test).
    """
    na = np.linalg.norm(a, axis=1, keepdims=True)
    nb = np.linalg.norm(b, axis=1, keepdims=True)
    na[na == 0] = 1.0
    nb[nb == 0] = 1.0
    return np.clip((a / na) @ (b / nb).T, -1.0, 1.0)


def match_topics(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one matching of topics of ``a`` to topics of ``b`` maximising total cosine similarity.

    Returns ``(partner, similarity)``: topic ``i`` of ``a`` is matched with topic ``partner[i]`` of
    ``b`` at cosine ``similarity[i]``. Both models must have the same number of topics.
    """
    if a.shape != b.shape:
        raise OptionError(f"topic-word matrices differ in shape: {a.shape} and {b.shape}")
    sims = cosine_matrix(a, b)
    rows, cols = linear_sum_assignment(-sims)
    partner = np.empty(a.shape[0], dtype=np.int64)
    partner[rows] = cols
    return partner, sims[np.arange(a.shape[0]), partner]


def stability(topic_words: Sequence[np.ndarray]) -> float:
    """Mean matched cosine similarity over every pair of runs (1 = same topics whatever the seed)."""
    if len(topic_words) < 2:
        raise OptionError("stability needs at least two runs")
    return float(np.mean([match_topics(a, b)[1].mean() for a, b in itertools.combinations(topic_words, 2)]))


def topic_stability(models: Sequence[TopicModel]) -> pd.DataFrame:
    """Per topic of the first (reference) model: its matched similarity in each of the other runs.

    Seeded topics are compared label to label, unsupervised ones matched (see
    :func:`_matched_similarity`).

    Parameters
    ----------
    models : sequence of TopicModel
        Runs of one model with different seeds, the reference run first (at least two).

    Returns
    -------
    DataFrame
        Index ``topic`` (the reference run's labels); one column ``seed <s>`` per other run,
        ``mean``, ``min``.
    """
    if len(models) < 2:
        raise OptionError("topic_stability needs at least two runs")
    reference = models[0]
    columns = {}
    for other in models[1:]:
        columns[f"seed {other.seed}"] = _matched_similarity(reference, other)
    table = pd.DataFrame(columns, index=pd.Index(reference.labels, name="topic"))
    table["mean"] = table.mean(axis=1)
    table["min"] = table.drop(columns="mean").min(axis=1)
    return table


def _matched_similarity(reference: TopicModel, other: TopicModel) -> np.ndarray:
    """Similarity of each reference topic to its counterpart in ``other``.

    Unsupervised topics have no identity across runs and are matched one to one. A seeded topic's
    counterpart is the topic with the same label (its identity is its category); residual topics
    are matched among themselves.
    """
    if reference.k != other.k:
        raise OptionError(f"runs differ in number of topics: {reference.k} and {other.k}")
    if not reference.seeds:
        return match_topics(reference.topic_word, other.topic_word)[1]
    if reference.labels != other.labels:
        raise OptionError("seeded runs must have the same topic labels")
    seeded = np.array([label in reference.seeds for label in reference.labels])
    sims = np.empty(reference.k)
    both = cosine_matrix(reference.topic_word, other.topic_word)
    sims[seeded] = np.diag(both)[seeded]
    if (~seeded).any():
        rest = np.flatnonzero(~seeded)
        sims[rest] = match_topics(reference.topic_word[rest], other.topic_word[rest])[1]
    return sims


# --------------------------------------------------------------------------------------------
# Choosing k
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KScan:
    """The k scan: one row per k (``table``) and every fitted model, keyed by ``(k, seed)``."""

    method: str
    seeds: tuple[int, ...]
    table: pd.DataFrame
    models: dict[tuple[int, int], TopicModel]

    @property
    def chosen_k(self) -> int:
        return int(self.table.index[self.table["chosen"]][0])

    def runs(self, k: int) -> list[TopicModel]:
        """The models of one k, reference seed first."""
        return [self.models[(k, s)] for s in self.seeds]


def stability_runs(
    corpus: TopicCorpus,
    method: str,
    k: int,
    seed: int = 0,
    scan: KScan | None = None,
    n_seeds: int = N_STABILITY_SEEDS,
) -> list[TopicModel]:
    """The model fitted with ``n_seeds`` seeds (``seed`` first): taken from ``scan`` when it already
    holds them (the notebook's default), fitted otherwise (a k outside the scan, another method).

    Parameters
    ----------
    corpus : TopicCorpus
    method : str
        ``"nmf"`` or ``"lda"``.
    k : int
        Number of topics.
    seed : int
        Seed of the reference run; the others use ``seed + 1``, …
    scan : KScan, optional
        A k scan whose models are reused when it holds this method, k and seeds.
    n_seeds : int
        Number of runs.

    Returns
    -------
    list of TopicModel
        The reference run first.
    """
    seeds = seed_sequence(seed, n_seeds)
    if scan is not None and scan.method == method and all((k, s) in scan.models for s in seeds):
        return [scan.models[(k, s)] for s in seeds]
    return [fit_topics(corpus, method, k, s) for s in seeds]


def scan_k(
    corpus: TopicCorpus,
    method: str = "nmf",
    ks: Iterable[int] = DEFAULT_K_GRID,
    seed: int = 0,
    n_seeds: int = N_STABILITY_SEEDS,
    fit: Callable[[TopicCorpus, str, int, int], TopicModel] = fit_topics,
) -> KScan:
    """Fit ``method`` for every k with ``n_seeds`` seeds; coherence, stability and the chosen k.

    Parameters
    ----------
    corpus : TopicCorpus
    method : str
        ``"nmf"`` or ``"lda"`` (:data:`TOPIC_METHODS`).
    ks : iterable of int
        At least two distinct numbers of topics.
    seed : int
        Seed of the reference runs; the others use ``seed + 1``, …
    n_seeds : int
        Runs per k (>= 2: stability compares runs).
    fit : callable, optional
        ``fit(corpus, method, k, seed) -> TopicModel`` (default :func:`fit_topics`; the benchmark
        passes others).

    Returns
    -------
    KScan
        ``table`` (index ``k``): ``coherence`` (mean NPMI over topics and runs), ``coherence_sd``
        (spread of the per-run means), ``stability`` (mean matched cosine over pairs of runs),
        ``min_stability`` (least stable pair), ``chosen`` (by :func:`select_k`); and every model.
    """
    method = check_choice(method, TOPIC_METHODS, "method")
    n_seeds = check_int(n_seeds, "n_seeds", low=2, what="an integer (runs to compare)")
    grid = tuple(ks)
    if len(grid) < 2 or len(set(grid)) != len(grid):
        raise OptionError(f"ks must be at least two distinct values of k, got {grid!r}")
    grid = tuple(sorted(check_k(k, corpus.n_docs, corpus.n_terms) for k in grid))
    seeds = seed_sequence(seed, n_seeds)
    models: dict[tuple[int, int], TopicModel] = {}
    rows = []
    for k in grid:
        runs = [fit(corpus, method, k, s) for s in seeds]
        models.update({(k, s): m for s, m in zip(seeds, runs, strict=True)})
        coherence = [npmi_coherence(m.topic_word, corpus).mean() for m in runs]
        pairs = [match_topics(a.topic_word, b.topic_word)[1].mean() for a, b in itertools.combinations(runs, 2)]
        rows.append(
            (k, float(np.mean(coherence)), float(np.std(coherence)), float(np.mean(pairs)), float(np.min(pairs)))
        )
    table = pd.DataFrame(rows, columns=["k", "coherence", "coherence_sd", "stability", "min_stability"]).set_index("k")
    table["chosen"] = table.index == select_k(table)
    return KScan(method, seeds, table, models)


def select_k(table: pd.DataFrame, tolerance: float = STABILITY_TOLERANCE, min_coherence: float = MIN_COHERENCE) -> int:
    """The rule (module docstring): among k with coherence above ``min_coherence`` (all k if none),
    the most stable; of the k within ``tolerance`` of that stability, the largest.

    ``table`` has index ``k`` and columns ``stability`` and ``coherence`` (as from :func:`scan_k`).
    Values are rounded to 6 decimals first so that floating-point noise cannot decide a tie.
    """
    if table.empty:
        raise OptionError("select_k needs at least one row")
    tolerance = check_number(tolerance, "tolerance", low=0, high=1, what="a difference in stability")
    stab = table["stability"].round(6)
    coh = table["coherence"].round(6)
    eligible = table.index[coh > min_coherence]
    if len(eligible) == 0:
        eligible = table.index
    best = stab[eligible].max()
    candidates = [k for k in eligible if stab[k] >= best - tolerance]
    return int(max(candidates))


def resolve_k(n_topics: int | str, scan: KScan | None) -> int:
    """The notebook's ``n_topics`` parameter as a number of topics.

    Parameters
    ----------
    n_topics : int or "auto"
        ``"auto"`` takes the scan's chosen k; an integer is used as is.
    scan : KScan or None
        The k scan (needed for ``"auto"``).

    Returns
    -------
    int
    """
    if n_topics == "auto":
        if scan is None:
            raise OptionError('n_topics="auto" needs a k scan')
        return scan.chosen_k
    return check_int(n_topics, "n_topics", what='"auto" or an integer')
