"""Topic models of the interview quotes: the document–term matrix, NMF, LDA and codebook-seeded NMF.

Why topic models next to keyword coding: coding (:mod:`mdi_analysis.coding._engine`) finds what the
codebook names; a topic model groups words that co-occur in the quotes whether or not the theory
names them. Comparing the two shows how well the theory's categories describe what the respondents
talk about. This module turns the corpus into a matrix and fits the models; measuring them (coherence,
stability, survival of seeded topics) is in :mod:`mdi_analysis.topics._quality`, describing them
(alignment with the codebook, prevalence, quotes) in :mod:`mdi_analysis.topics._describe`. Import
everything from :mod:`mdi_analysis.topics`. The choices and the evidence for them are in
``docs/topics.md``.

Choices made here, each with its reason:

- **Re-printed quotes are not fitted.** The thesis prints 8 quotes a second time under another
  research question (``duplicate_of``). Fitting both printings would count the same words twice and
  pull a topic towards the re-printed statements. They are kept aside (``TopicCorpus.reprints``)
  and projected onto the fitted model afterwards, which doubles as a check: a re-print should land
  in the same topic as its first printing.
- **Terms** are the normaliser's content tokens (stop words, gap markers and numbers removed, see
  :func:`mdi_analysis.text._normalise.content_tokens`). Terms in fewer than ``min_df`` quotes are dropped
  (a word in one quote cannot co-occur with anything), and so are terms in more than ``max_df`` of
  the quotes (``få``, ``god``, ``ting``, ``kommune``: words every topic would share).
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
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from ..text._normalise import Normaliser, content_tokens, get_normaliser, normalise_texts, normaliser_names

#: Unsupervised methods :func:`fit_topics` accepts.
METHODS: tuple[str, ...] = ("nmf", "lda")
#: The method name of a codebook-seeded model (:func:`fit_seeded`).
SEEDED_METHOD = "seeded_nmf"

#: Default minimum document frequency of a term (a term in one quote co-occurs with nothing).
DEFAULT_MIN_DF = 2
#: Default maximum document frequency, as a share of the fitted quotes: drops the generic words
#: that would top every topic (in this corpus få, god, ting, mye, gjøre, tenke, annen, kommune,
#: måtte, komme, se) while keeping tillitsvalgt (24 %) and tid (23 %).
DEFAULT_MAX_DF = 0.25

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
#: Largest document–term matrix (cells) handed to NMF as a dense array (see TopicCorpus.tfidf).
DENSE_MAX_CELLS = 2_000_000
#: Residual (unseeded) topics added to the seeded ones, as keyATM's "no-keyword topics".
DEFAULT_RESIDUAL_TOPICS = 2
#: Label prefix of residual topics in a seeded model.
RESIDUAL_PREFIX = "rest"

__all__ = [
    "DENSE_MAX_CELLS",
    "LDA_BATCH_SIZE",
    "LDA_MAX_ITER",
    "LDA_ONLINE_MIN_DOCS",
    "LDA_ONLINE_PASSES",
    "NMF_MAX_ITER",
    "NMF_TOL",
    "RESIDUAL_PREFIX",
    "SEEDED_MAX_ITER",
    "SEEDED_TOL",
    "SEED_EPSILON",
    "DEFAULT_MAX_DF",
    "DEFAULT_MIN_DF",
    "DEFAULT_RESIDUAL_TOPICS",
    "METHODS",
    "SEEDED_METHOD",
    "TopicCorpus",
    "TopicModel",
    "build_topic_corpus",
    "fit_seeded",
    "fit_topics",
    "prepare_corpus",
    "single_thread",
    "validate_k",
    "validate_seed",
]


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def validate_seed(seed: object) -> int:
    """A seed must be a non-negative int (numpy's and scikit-learn's generators require it)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def validate_k(k: object, n_docs: int, n_terms: int) -> int:
    """The number of topics: an int from 2 to fewer than the number of quotes and of terms."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"number of topics must be an integer, got {k!r}")
    upper = min(n_docs, n_terms) - 1
    if not 2 <= k <= upper:
        raise ValueError(
            f"number of topics must be between 2 and {upper} for {n_docs} quotes and {n_terms} terms, got {k}"
        )
    return int(k)


def _validate_df(min_df: object, max_df: object) -> tuple[int, float]:
    if isinstance(min_df, bool) or not isinstance(min_df, (int, np.integer)) or min_df < 1:
        raise ValueError(f"min_df must be an integer >= 1 (a number of quotes), got {min_df!r}")
    if isinstance(max_df, bool) or not isinstance(max_df, (int, float, np.floating)) or not 0 < max_df <= 1:
        raise ValueError(f"max_df must be a share of the quotes in (0, 1], got {max_df!r}")
    return int(min_df), float(max_df)


def _validate_method(method: object) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    return str(method)


def _validate_normaliser(normaliser: str | Normaliser) -> Normaliser:
    if isinstance(normaliser, str) and normaliser not in normaliser_names():
        raise ValueError(
            f"unknown normaliser {normaliser!r}; valid names are: {', '.join(map(repr, normaliser_names()))}"
        )
    return get_normaliser(normaliser)


@lru_cache(maxsize=1)
def _thread_controller():
    """One ThreadpoolController per process: building it scans the loaded libraries (~7 ms)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


class single_thread:
    """Context manager: BLAS and OpenMP limited to one thread while a model is fitted.

    Why: the matrices are tiny (a thread pool costs more than it saves), the pipeline runs several
    notebooks at once on two cores, and a fixed thread count keeps results bit-identical between
    runs. ``threadpoolctl`` is a dependency of scikit-learn.
    """

    def __enter__(self) -> single_thread:
        self._limits = _thread_controller().limit(limits=1)
        return self

    def __exit__(self, *exc: object) -> None:
        self._limits.restore_original_limits()


# --------------------------------------------------------------------------------------------
# The corpus as a document–term matrix
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TopicCorpus:
    """The quotes a topic model is fitted on, as counts over a fixed vocabulary.

    ``documents``: one row per fitted quote, index ``utterance_id``, columns ``text``, ``role``,
    ``section_id``, ``research_question``, ``n_terms`` (terms kept in the matrix). ``counts``:
    documents × ``vocabulary`` (sorted), integer counts. ``reprints``: quotes not fitted (re-prints,
    with ``duplicate_of``) and ``reprint_counts`` their counts over the same vocabulary.
    """

    documents: pd.DataFrame
    counts: sparse.csr_matrix
    vocabulary: np.ndarray
    normaliser: str
    min_df: int
    max_df: float
    reprints: pd.DataFrame = field(default_factory=pd.DataFrame)
    reprint_counts: sparse.csr_matrix | None = None

    @property
    def n_docs(self) -> int:
        return self.counts.shape[0]

    @property
    def n_terms(self) -> int:
        return self.counts.shape[1]

    @cached_property
    def idf(self) -> np.ndarray:
        """Smoothed inverse document frequency of each term (scikit-learn's TfidfTransformer formula)."""
        df = np.bincount(self.counts.indices, minlength=self.n_terms)
        return np.log((1 + self.n_docs) / (1 + df)) + 1.0

    def tfidf(self, counts: sparse.csr_matrix | None = None) -> np.ndarray | sparse.csr_matrix:
        """TF-IDF with rows scaled to unit length: the matrix NMF factorises.

        ``counts`` (default: the fitted quotes) lets re-prints be weighted with the fitted idf.
        Returned dense when it has at most :data:`DENSE_MAX_CELLS` cells: on a matrix this small
        scikit-learn's NMF spends most of its time in scipy.sparse bookkeeping (profiled, a 40-fit k
        scan took 5.7 s sparse and 2.2 s dense); the replicated corpora of the benchmark stay sparse.
        """
        counts = self.counts if counts is None else counts
        weighted = sparse.csr_matrix(counts.astype(np.float64).multiply(self.idf[np.newaxis, :]))
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        out = sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)
        return out.toarray() if out.shape[0] * out.shape[1] <= DENSE_MAX_CELLS else out

    @cached_property
    def cooccurrence(self) -> np.ndarray:
        """Terms × terms: the number of quotes containing both (diagonal: document frequency)."""
        return np.asarray((self.binary.T @ self.binary).todense())

    @cached_property
    def binary(self) -> sparse.csc_matrix:
        """Presence (1) of each term in each quote: the basis of document co-occurrence coherence."""
        out = self.counts.copy().astype(np.float64)
        out.data[:] = 1.0
        return out.tocsc()

    def term_index(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.vocabulary.tolist())}

    def summary(self) -> pd.Series:
        """Size of the matrix, for the notebook's first checked cell."""
        return pd.Series(
            {
                "quotes fitted": self.n_docs,
                "re-prints not fitted": len(self.reprints),
                "terms": self.n_terms,
                "term occurrences": int(self.counts.sum()),
                "quotes without terms": int((self.documents["n_terms"] == 0).sum()),
                "normaliser": self.normaliser,
                "min_df": self.min_df,
                "max_df": self.max_df,
            },
            dtype=object,
        )


def _document_term_matrix(
    token_lists: Sequence[Sequence[str]], min_df: int, max_df: float
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Counts over the terms with ``min_df <= df <= max_df * n_docs``, vocabulary sorted."""
    n_docs = len(token_lists)
    vocab: dict[str, int] = {}
    indices: list[int] = []
    indptr = [0]
    for tokens in token_lists:
        for token in tokens:
            index = vocab.get(token)
            if index is None:
                index = vocab[token] = len(vocab)
            indices.append(index)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.int64)
    raw = sparse.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(n_docs, len(vocab)),
    )
    raw.sum_duplicates()
    terms = np.array(list(vocab), dtype=object)
    df = np.bincount(raw.indices, minlength=len(vocab))
    keep = (df >= min_df) & (df <= max_df * n_docs)
    if not keep.any():
        raise ValueError(
            f"no term occurs in at least {min_df} and at most {max_df:.0%} of the {n_docs} quotes; "
            "lower min_df or raise max_df"
        )
    order = np.flatnonzero(keep)[np.argsort(terms[keep].astype(str), kind="stable")]
    matrix = sparse.csr_matrix(raw[:, order])
    matrix.sort_indices()
    return matrix, terms[order].astype(str)


def _counts_over(token_lists: Sequence[Sequence[str]], vocabulary: np.ndarray) -> sparse.csr_matrix:
    """Counts of ``token_lists`` over an existing vocabulary (unknown tokens ignored)."""
    index = {term: i for i, term in enumerate(vocabulary.tolist())}
    rows, cols = [], []
    for row, tokens in enumerate(token_lists):
        for token in tokens:
            col = index.get(token)
            if col is not None:
                rows.append(row)
                cols.append(col)
    data = np.ones(len(rows), dtype=np.int64)
    out = sparse.csr_matrix((data, (rows, cols)), shape=(len(token_lists), len(vocabulary)))
    out.sum_duplicates()
    return out


def build_topic_corpus(
    documents: pd.DataFrame | pd.Series,
    *,
    normaliser: str | Normaliser = "lemma",
    min_df: int = DEFAULT_MIN_DF,
    max_df: float = DEFAULT_MAX_DF,
    tokens: Sequence[Sequence[str]] | None = None,
) -> TopicCorpus:
    """A :class:`TopicCorpus` from any texts: a Series of texts or a DataFrame with ``text``.

    The index holds the document ids. Optional columns ``role``, ``section_id`` and
    ``research_question`` are kept for the description tables. ``tokens`` (already normalised
    content tokens, one list per document) skips tokenising: synthetic corpora in tests and the
    replicated corpus of the benchmark use it.
    """
    norm = _validate_normaliser(normaliser)
    min_df, max_df = _validate_df(min_df, max_df)
    frame = documents.to_frame("text") if isinstance(documents, pd.Series) else documents.copy()
    if "text" not in frame.columns:
        raise ValueError("documents need a 'text' column (or pass a Series of texts)")
    if not frame.index.is_unique:
        raise ValueError("document ids (the index) must be unique")
    if len(frame) < 3:
        raise ValueError(f"a topic model needs at least 3 documents, got {len(frame)}")
    for column in ("role", "section_id", "research_question"):
        if column not in frame.columns:
            frame[column] = pd.NA
    if tokens is None:
        texts = frame["text"].fillna("").astype(str).tolist()
        tokens = [content_tokens(t, norm) for t in normalise_texts(texts, norm)]
    elif len(tokens) != len(frame):
        raise ValueError(f"{len(tokens)} token lists for {len(frame)} documents")
    counts, vocabulary = _document_term_matrix(tokens, min_df, max_df)
    frame["n_terms"] = np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)
    if frame.index.name is None:
        frame.index.name = "utterance_id"
    return TopicCorpus(frame, counts, vocabulary, norm.name, min_df, max_df)


def prepare_corpus(
    corpus: object | str | Path | None = None,
    *,
    normaliser: str | Normaliser = "lemma",
    min_df: int = DEFAULT_MIN_DF,
    max_df: float = DEFAULT_MAX_DF,
    include_reprints: bool = False,
) -> TopicCorpus:
    """The interview corpus as a :class:`TopicCorpus`.

    ``corpus``: a loaded :class:`~mdi_analysis.corpus.Corpus`, a folder in the ``data/corpus``
    format (a researcher's own transcripts, the notebooks' ``corpus_dir``), or None for the committed
    thesis corpus. Re-prints (``duplicate_of`` set) are left out of fitting unless
    ``include_reprints``; they are kept in ``reprints``/``reprint_counts`` over the same vocabulary
    so they can be projected.
    """
    if corpus is None or isinstance(corpus, (str, Path)):
        from ..corpus import load_corpus

        corpus = load_corpus(corpus)
    norm = _validate_normaliser(normaliser)
    utterances = corpus.utterances
    rq = corpus.sections.set_index("section_id")["research_question"]
    frame = pd.DataFrame(
        {
            "text": utterances["text"].astype(str).to_numpy(),
            "role": utterances["role"].astype(str).to_numpy(),
            "section_id": utterances["section_id"].astype(str).to_numpy(),
            "research_question": utterances["section_id"].map(rq).astype("Int64").to_numpy(),
            "duplicate_of": utterances["duplicate_of"].to_numpy(),
        },
        index=pd.Index(utterances["utterance_id"].astype(str), name="utterance_id"),
    )
    is_reprint = frame["duplicate_of"].notna().to_numpy(dtype=bool, copy=True)
    if include_reprints:
        is_reprint[:] = False
    texts = frame["text"].tolist()
    all_tokens = [content_tokens(t, norm) for t in normalise_texts(texts, norm)]
    fit_tokens = [t for t, r in zip(all_tokens, is_reprint, strict=True) if not r]
    fitted = build_topic_corpus(
        frame.loc[~is_reprint].drop(columns="duplicate_of"),
        normaliser=norm, min_df=min_df, max_df=max_df, tokens=fit_tokens,
    )
    reprints = frame.loc[is_reprint].copy()
    reprint_tokens = [t for t, r in zip(all_tokens, is_reprint, strict=True) if r]
    reprint_counts = _counts_over(reprint_tokens, fitted.vocabulary)
    reprints["n_terms"] = np.asarray(reprint_counts.sum(axis=1)).ravel().astype(np.int64)
    return TopicCorpus(
        fitted.documents, fitted.counts, fitted.vocabulary, fitted.normaliser, fitted.min_df,
        fitted.max_df, reprints=reprints, reprint_counts=reprint_counts,
    )


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


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
    method: str, seed: int, topic_word: np.ndarray, doc_topic: np.ndarray, corpus: TopicCorpus,
    n_iter: int, converged: bool, estimator: object,
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
        method=method, k=len(order), seed=seed, topic_word=topic_word[order], doc_topic=doc_topic[:, order],
        labels=tuple(f"T{i + 1}" for i in range(len(order))), vocabulary=corpus.vocabulary,
        doc_ids=corpus.documents.index, n_iter=int(n_iter), converged=bool(converged),
        doc_weight=doc_weight[:, order], estimator=estimator, estimator_columns=tuple(order),
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
    """Fit an unsupervised model: ``"nmf"`` on TF-IDF or ``"lda"`` on counts. Same seed, same model."""
    method = _validate_method(method)
    seed = validate_seed(seed)
    k = validate_k(k, corpus.n_docs, corpus.n_terms)
    if method == "nmf":
        from sklearn.decomposition import NMF

        estimator = NMF(n_components=k, init="random", solver="cd", max_iter=NMF_MAX_ITER, tol=NMF_TOL,
                        random_state=seed)
        x = corpus.tfidf().astype(np.float32)  # float32: half the time of float64, same topics to 3 decimals
        doc_topic, converged = _fit_quietly(estimator, lambda: estimator.fit_transform(x))
        topic_word = estimator.components_
    else:
        from sklearn.decomposition import LatentDirichletAllocation

        if corpus.n_docs < LDA_ONLINE_MIN_DOCS:
            estimator = LatentDirichletAllocation(n_components=k, learning_method="batch", max_iter=LDA_MAX_ITER,
                                                  random_state=seed)
        else:
            estimator = LatentDirichletAllocation(n_components=k, learning_method="online", max_iter=LDA_ONLINE_PASSES,
                                                  batch_size=LDA_BATCH_SIZE, total_samples=corpus.n_docs,
                                                  random_state=seed)
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
    """
    from sklearn.decomposition import NMF

    seed = validate_seed(seed)
    if isinstance(n_residual, bool) or not isinstance(n_residual, (int, np.integer)) or n_residual < 0:
        raise ValueError(f"n_residual must be an integer >= 0, got {n_residual!r}")
    if not 0 < epsilon < 1:
        raise ValueError(f"epsilon must be in (0, 1), got {epsilon!r}")
    if not seeds:
        raise ValueError("seeds is empty: give at least one label with its seed terms")
    index = corpus.term_index()
    seed_terms: dict[str, tuple[str, ...]] = {}
    for label, terms in seeds.items():
        if isinstance(terms, str):
            raise ValueError(f"seed terms of {label!r} must be a list of terms, not the string {terms!r}")
        kept = tuple(dict.fromkeys(t for t in terms if t in index))
        if not kept:
            raise ValueError(f"no seed term of {label!r} ({', '.join(terms)}) is in the vocabulary")
        seed_terms[str(label)] = kept
    k = validate_k(len(seed_terms) + int(n_residual), corpus.n_docs, corpus.n_terms)
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
    estimator = NMF(n_components=k, init="custom", solver="mu", beta_loss="frobenius",
                    max_iter=SEEDED_MAX_ITER, tol=SEEDED_TOL, random_state=seed)
    doc_topic, converged = _fit_quietly(estimator, lambda: estimator.fit_transform(x, W=w0, H=h0))
    labels = tuple(seed_terms) + tuple(f"{RESIDUAL_PREFIX}{i + 1}" for i in range(int(n_residual)))
    return TopicModel(
        method=SEEDED_METHOD, k=k, seed=seed, topic_word=_normalise_rows(estimator.components_),
        doc_topic=_normalise_rows(np.asarray(doc_topic, dtype=np.float64)), labels=labels,
        vocabulary=corpus.vocabulary, doc_ids=corpus.documents.index, n_iter=int(estimator.n_iter_),
        converged=converged, seeds=seed_terms, doc_weight=np.asarray(doc_topic, dtype=np.float64),
        estimator=estimator,
    )


# --------------------------------------------------------------------------------------------
# The codebook as seeds
# --------------------------------------------------------------------------------------------

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

__all__ += [
    "DEFAULT_MAX_SEED_OVERLAP",
    "DEFAULT_MIN_SEED_DOCS",
    "DEFAULT_SEED_FRAMEWORKS",
    "code_corpus",
    "seed_table",
    "seeds_from_table",
]


def code_corpus(corpus: TopicCorpus, categories: pd.DataFrame):
    """Code the fitted quotes against the codebook with the corpus's normaliser.

    Returns :class:`~mdi_analysis.coding._engine.CodingResult`; its evidence gives each category's seed
    terms (the normalised forms its patterns matched) and its matrix the quotes each category codes.
    """
    from ..coding._engine import code_texts

    return code_texts(corpus.documents["text"], categories, corpus.normaliser)


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

    One row per category of ``frameworks`` (``None``/``"all"`` = every framework): ``category_id``,
    ``category``, ``n_docs`` (quotes coded), ``seed_terms`` (the terms it gets, ``;``-separated),
    ``selected`` and ``reason``.
    """
    if isinstance(min_docs, bool) or not isinstance(min_docs, (int, np.integer)) or min_docs < 1:
        raise ValueError(f"min_docs must be an integer >= 1, got {min_docs!r}")
    if not 0 < max_overlap <= 1:
        raise ValueError(f"max_overlap must be in (0, 1], got {max_overlap!r}")
    table = categories
    if frameworks not in (None, "all"):
        wanted = [frameworks] if isinstance(frameworks, str) else list(frameworks)
        unknown = sorted(set(wanted) - set(categories["framework_id"]))
        if unknown:
            raise ValueError(f"unknown framework(s) {unknown}; known: {sorted(set(categories['framework_id']))}")
        table = categories[categories["framework_id"].isin(wanted)]
    coding = coding if coding is not None else code_corpus(corpus, table)
    evidence = coding.evidence
    single = evidence[~evidence["pattern"].astype(str).str.contains(" ", regex=False)]
    vocabulary = corpus.term_index()
    term_df = np.bincount(corpus.counts.indices, minlength=corpus.n_terms)
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
    """label → seed terms of the selected rows of :func:`seed_table`, in table order."""
    chosen = table[table["selected"]]
    if chosen.empty:
        raise ValueError(
            "no codebook category was selected as a seed (see the 'reason' column of seed_table): "
            "choose other frameworks or lower min_docs"
        )
    return {cid: terms.split(";") for cid, terms in zip(chosen["category_id"], chosen["seed_terms"], strict=True)}
