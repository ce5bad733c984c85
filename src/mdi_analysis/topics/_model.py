"""Topic models of the interview quotes: NMF, LDA and codebook-seeded NMF, in one shape.

Why topic models next to keyword coding: coding (:mod:`mdi_analysis.coding`) finds what the
codebook names; a topic model groups words that co-occur in the quotes whether or not the theory
names them. Comparing the two shows how well the theory's categories describe what the respondents
talk about. This module fits the models on a :class:`~mdi_analysis.topics.TopicCorpus` (built in
:mod:`._corpus`); measuring them (coherence, stability, survival of seeded topics) is in
:mod:`._quality`, describing them (alignment with the codebook, prevalence, quotes) in
:mod:`._describe`. The choices and the evidence for them are in ``docs/topics.md``.

Choices made here, each with its reason:

- **NMF** factorises the TF-IDF matrix (rows L2-normalised) so that long quotes do not dominate;
  **LDA** models raw counts, as its likelihood requires.
- **Determinism**: every fit takes an explicit seed, runs with BLAS/OpenMP limited to one thread
  (tiny matrices gain nothing from threads, and a fixed thread count keeps floating-point sums in
  the same order) and topics are put in a fixed order (by prevalence, then by top terms).
- **Seeded model**: NMF with ``init='custom'``. Each seeded topic starts with weight 1 on its
  category's seed words and a small ε on every other word (with the multiplicative-update solver a
  zero would stay zero for ever, so ε lets the data move weight to other words), plus a few residual
  topics with random starting weights for what the seeds do not cover. Why NMF and not tomotopy's
  seeded LDA: see ``docs/topics.md`` (the comparison on this corpus is in
  ``scripts/benchmark_topics.py --compare-seeded``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import OptionError
from ..options import check_choice, check_int, check_number
from ..stats import single_thread
from ._corpus import TopicCorpus

#: Unsupervised methods :func:`fit_topics` accepts.
TOPIC_METHODS: tuple[str, ...] = ("nmf", "lda")
#: The method name of a codebook-seeded model (:func:`fit_seeded`).
SEEDED_METHOD = "seeded_nmf"

#: NMF (coordinate descent). Random initialisation, because with the deterministic NNDSVD
#: initialisation the seed would change nothing and "stability across seeds" would be 1 by
#: construction, saying nothing about whether the topics are a property of the data.
NMF_MAX_ITER = 1000
NMF_TOL = 1e-4
#: LDA (variational Bayes, batch). On this corpus 10 passes give topics whose mean matched cosine
#: similarity to a 300-pass fit is 0.977-0.999 (docs/topics.md, ``--check-lda``); each pass costs
#: about 15 ms per 100 quotes, so more passes would mostly cost time in the k scan.
LDA_MAX_ITER = 10
#: From this many documents on, LDA learns online (Hoffman, Blei & Bach 2010) in mini-batches of
#: LDA_BATCH_SIZE for LDA_ONLINE_PASSES passes. Why: scikit-learn's E-step is a Python loop over
#: documents, so ten batch passes over the x100 replicated corpus took 53 s; online learning makes
#: one update per mini-batch and needs far fewer passes over a large corpus. The interview corpus
#: (113 quotes) is always fitted in batch mode.
LDA_ONLINE_MIN_DOCS = 2000
LDA_ONLINE_PASSES = 2
LDA_BATCH_SIZE = 256
#: Seeded NMF (multiplicative updates, which keep the initial structure: see module docstring).
SEEDED_MAX_ITER = 500
SEEDED_TOL = 1e-4
#: Starting weight of a non-seed word in a seeded topic (and of every zero in the initial matrices).
SEED_EPSILON = 1e-6
#: Residual (unseeded) topics added to the seeded ones, as keyATM's "no-keyword topics".
DEFAULT_RESIDUAL_TOPICS = 2
#: Label prefix of residual topics in a seeded model.
RESIDUAL_PREFIX = "rest"

__all__ = [
    "DEFAULT_RESIDUAL_TOPICS",
    "LDA_BATCH_SIZE",
    "LDA_MAX_ITER",
    "LDA_ONLINE_MIN_DOCS",
    "LDA_ONLINE_PASSES",
    "NMF_MAX_ITER",
    "NMF_TOL",
    "RESIDUAL_PREFIX",
    "SEEDED_MAX_ITER",
    "SEEDED_METHOD",
    "SEEDED_TOL",
    "SEED_EPSILON",
    "TOPIC_METHODS",
    "TopicModel",
    "check_k",
    "check_seed",
    "fit_seeded",
    "fit_topics",
]


def check_seed(seed: object) -> int:
    """A seed must be a non-negative integer (numpy's and scikit-learn's generators require it)."""
    return check_int(seed, "seed", low=0)


def check_k(k: object, n_docs: int, n_terms: int) -> int:
    """The number of topics: an integer from 2 to one fewer than the number of quotes and of terms."""
    return check_int(
        k,
        "k",
        low=2,
        high=min(n_docs, n_terms) - 1,
        what=f"a number of topics (the corpus has {n_docs} quotes and {n_terms} terms)",
    )


@dataclass(frozen=True, eq=False)
class TopicModel:
    """A fitted model in one shape for every method.

    ``topic_word``: topics × terms, each row sums to 1. ``doc_topic``: documents × topics, each row
    sums to 1 (all zeros for a document without terms). ``labels``: ``T1``… in order of prevalence for
    unsupervised models; the category id for a seeded topic and ``rest1``… for residual topics.
    ``seeds``: label → seed terms (seeded models only). ``estimator`` is the fitted scikit-learn
    object, used to project re-prints.
    """

    method: str
    k: int
    seed: int
    topic_word: np.ndarray
    doc_topic: np.ndarray
    labels: tuple[str, ...]
    vocabulary: np.ndarray
    doc_ids: pd.Index
    n_iter: int
    converged: bool
    seeds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Documents × topics before normalising (NMF: the loadings W; LDA: expected term counts per
    #: topic). Ranks quotes whose shares tie, e.g. two quotes that are entirely one NMF topic.
    doc_weight: np.ndarray | None = field(default=None, repr=False)
    estimator: object = field(default=None, repr=False)
    #: For each topic, the estimator's component it came from (topics are re-ordered after fitting).
    estimator_columns: tuple[int, ...] | None = None

    def top_term_indices(self, n: int = 10) -> np.ndarray:
        """Topics × n indices of the heaviest terms; ties broken by vocabulary order (stable)."""
        return np.argsort(-self.topic_word, axis=1, kind="stable")[:, :n]

    def top_terms(self, n: int = 10) -> list[list[str]]:
        return [self.vocabulary[row].tolist() for row in self.top_term_indices(n)]

    def dominant_topic(self) -> pd.Series:
        """Each document's heaviest topic (label), missing for a document without terms."""
        has_terms = self.doc_topic.sum(axis=1) > 0
        labels = np.array(self.labels, dtype=object)[np.argmax(self.doc_topic, axis=1)]
        labels[~has_terms] = None
        return pd.Series(labels, index=self.doc_ids, name="topic", dtype="string")

    def transform(self, corpus: TopicCorpus, counts: sparse.csr_matrix) -> np.ndarray:
        """Topic shares of documents that were not fitted (e.g. re-prints), rows summing to 1."""
        if self.estimator is None:
            raise ValueError("this model has no fitted estimator to project documents with")
        matrix = counts.astype(np.float64) if self.method == "lda" else corpus.tfidf(counts)
        matrix = matrix.astype(self.estimator.components_.dtype)
        with single_thread():
            raw = self.estimator.transform(matrix)
        columns = self.estimator_columns if self.estimator_columns is not None else tuple(range(self.k))
        return _normalise_rows(raw[:, list(columns)])


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    sums = matrix.sum(axis=1, keepdims=True)
    out = np.divide(matrix, sums, out=np.zeros_like(matrix, dtype=np.float64), where=sums > 0)
    return out


def _ordered_model(
    method: str,
    seed: int,
    topic_word: np.ndarray,
    doc_topic: np.ndarray,
    corpus: TopicCorpus,
    n_iter: int,
    converged: bool,
    estimator: object,
) -> TopicModel:
    """Normalise and put unsupervised topics in a fixed order: by prevalence, then by top terms."""
    topic_word = _normalise_rows(np.asarray(topic_word, dtype=np.float64))
    doc_weight = np.asarray(doc_topic, dtype=np.float64)
    doc_topic = _normalise_rows(doc_weight)
    prevalence = np.round(doc_topic.sum(axis=0), 9)
    top = np.argsort(-topic_word, axis=1, kind="stable")[:, :5]
    keys = [" ".join(corpus.vocabulary[row]) for row in top]
    order = sorted(range(topic_word.shape[0]), key=lambda t: (-prevalence[t], keys[t]))
    return TopicModel(
        method=method,
        k=len(order),
        seed=seed,
        topic_word=topic_word[order],
        doc_topic=doc_topic[:, order],
        labels=tuple(f"T{i + 1}" for i in range(len(order))),
        vocabulary=corpus.vocabulary,
        doc_ids=corpus.documents.index,
        n_iter=int(n_iter),
        converged=bool(converged),
        doc_weight=doc_weight[:, order],
        estimator=estimator,
        estimator_columns=tuple(order),
    )


def _fit_quietly(estimator, fit):
    """Run ``fit`` single-threaded; a ConvergenceWarning is recorded on the model, not printed."""
    from sklearn.exceptions import ConvergenceWarning

    with single_thread(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        result = fit()
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result, converged


def fit_topics(corpus: TopicCorpus, method: str = "nmf", k: int = 5, seed: int = 0) -> TopicModel:
    """Fit an unsupervised model: ``"nmf"`` on TF-IDF or ``"lda"`` on counts. Same seed, same model.

    Parameters
    ----------
    corpus : TopicCorpus
    method : str
        ``"nmf"`` or ``"lda"`` (:data:`TOPIC_METHODS`).
    k : int
        Number of topics, from 2 to one fewer than the quotes and the terms.
    seed : int
        Seed of the random start (>= 0).

    Returns
    -------
    TopicModel
        Topics labelled ``T1``, ``T2``, … in order of prevalence.
    """
    method = check_choice(method, TOPIC_METHODS, "method")
    seed = check_seed(seed)
    k = check_k(k, corpus.n_docs, corpus.n_terms)
    if method == "nmf":
        from sklearn.decomposition import NMF

        estimator = NMF(
            n_components=k, init="random", solver="cd", max_iter=NMF_MAX_ITER, tol=NMF_TOL, random_state=seed
        )
        x = corpus.tfidf().astype(np.float32)  # float32: half the time of float64, same topics to 3 decimals
        doc_topic, converged = _fit_quietly(estimator, lambda: estimator.fit_transform(x))
        topic_word = estimator.components_
    else:
        from sklearn.decomposition import LatentDirichletAllocation

        if corpus.n_docs < LDA_ONLINE_MIN_DOCS:
            estimator = LatentDirichletAllocation(
                n_components=k, learning_method="batch", max_iter=LDA_MAX_ITER, random_state=seed
            )
        else:
            estimator = LatentDirichletAllocation(
                n_components=k,
                learning_method="online",
                max_iter=LDA_ONLINE_PASSES,
                batch_size=LDA_BATCH_SIZE,
                total_samples=corpus.n_docs,
                random_state=seed,
            )
        counts = corpus.counts.astype(np.float64)
        doc_topic, _ = _fit_quietly(estimator, lambda: estimator.fit_transform(counts))
        converged = True  # LDA runs a fixed number of passes (see LDA_MAX_ITER, LDA_ONLINE_PASSES)
        topic_word = estimator.components_
        # Expected term counts per topic; an empty document gets the prior mean from LDA, and is
        # marked as having no topic instead, like NMF does.
        doc_topic = doc_topic * corpus.documents["n_terms"].to_numpy()[:, None]
    return _ordered_model(method, seed, topic_word, doc_topic, corpus, estimator.n_iter_, converged, estimator)


def fit_seeded(
    corpus: TopicCorpus,
    seeds: Mapping[str, Sequence[str]],
    *,
    n_residual: int = DEFAULT_RESIDUAL_TOPICS,
    seed: int = 0,
    epsilon: float = SEED_EPSILON,
) -> TopicModel:
    """NMF whose topics start from the codebook: one topic per entry of ``seeds`` (label → terms).

    The topic–word matrix H starts at 1 on a topic's seed terms and ``epsilon`` elsewhere; residual
    topics start from seeded random weights (``epsilon`` on every seed term, so they do not start by
    competing for the seeds). The document–topic matrix starts as the projection X·Hᵀ, and both are
    scaled so that W·H has the size of X. Multiplicative updates then fit the data; they can move a
    topic away from its seeds, which is what :func:`~mdi_analysis.topics._quality.seeded_survival`
    measures. Seed terms not in the vocabulary are ignored; a seed with none left is an error.

    Parameters
    ----------
    corpus : TopicCorpus
    seeds : mapping of str to sequence of str
        Topic label (a category id) → its seed terms (:func:`~mdi_analysis.topics.seeds_from_table`).
    n_residual : int
        Unseeded topics added for what the seeds do not cover (>= 0).
    seed : int
        Seed of the residual topics' random start (>= 0).
    epsilon : float
        Starting weight of a non-seed term, in (0, 1].

    Returns
    -------
    TopicModel
        Labels: the seed labels in the given order, then ``rest1``, ``rest2``, …
    """
    from sklearn.decomposition import NMF

    seed = check_seed(seed)
    n_residual = check_int(n_residual, "n_residual", low=0)
    epsilon = check_number(epsilon, "epsilon", low=0, high=1, low_open=True, what="a starting weight")
    if not seeds:
        raise OptionError("seeds is empty: give at least one label with its seed terms")
    index = corpus.term_index()
    seed_terms: dict[str, tuple[str, ...]] = {}
    for label, terms in seeds.items():
        if isinstance(terms, str):
            raise OptionError(f"seed terms of {label!r} must be a list of terms, not the string {terms!r}")
        kept = tuple(dict.fromkeys(t for t in terms if t in index))
        if not kept:
            raise OptionError(f"no seed term of {label!r} ({', '.join(terms)}) is in the vocabulary")
        seed_terms[str(label)] = kept
    k = check_k(len(seed_terms) + n_residual, corpus.n_docs, corpus.n_terms)
    x = corpus.tfidf().astype(np.float32)  # as in fit_topics: same results to 3 decimals, half the time
    rng = np.random.default_rng(seed)
    h0 = np.full((k, corpus.n_terms), epsilon)
    all_seed_columns = [index[t] for terms in seed_terms.values() for t in terms]
    for row, terms in enumerate(seed_terms.values()):
        h0[row, [index[t] for t in terms]] = 1.0
    for row in range(len(seed_terms), k):
        h0[row] = rng.uniform(0.0, 1.0, corpus.n_terms)
        h0[row, all_seed_columns] = epsilon
    w0 = np.asarray(x @ h0.T)
    w0 = np.maximum(w0, epsilon)
    x_norm = float(np.sqrt((x.multiply(x) if sparse.issparse(x) else x * x).sum()))
    # ||W H||_F without forming W H (documents x terms): trace((WᵀW)(HHᵀ)).
    wh_norm = float(np.sqrt(max(float(np.sum((w0.T @ w0) * (h0 @ h0.T))), 0.0)))
    scale = np.sqrt(x_norm / max(wh_norm, 1e-12))
    w0, h0 = (w0 * scale).astype(np.float32), (h0 * scale).astype(np.float32)
    estimator = NMF(
        n_components=k,
        init="custom",
        solver="mu",
        beta_loss="frobenius",
        max_iter=SEEDED_MAX_ITER,
        tol=SEEDED_TOL,
        random_state=seed,
    )
    doc_topic, converged = _fit_quietly(estimator, lambda: estimator.fit_transform(x, W=w0, H=h0))
    labels = tuple(seed_terms) + tuple(f"{RESIDUAL_PREFIX}{i + 1}" for i in range(n_residual))
    return TopicModel(
        method=SEEDED_METHOD,
        k=k,
        seed=seed,
        topic_word=_normalise_rows(estimator.components_),
        doc_topic=_normalise_rows(np.asarray(doc_topic, dtype=np.float64)),
        labels=labels,
        vocabulary=corpus.vocabulary,
        doc_ids=corpus.documents.index,
        n_iter=int(estimator.n_iter_),
        converged=converged,
        seeds=seed_terms,
        doc_weight=np.asarray(doc_topic, dtype=np.float64),
        estimator=estimator,
    )
