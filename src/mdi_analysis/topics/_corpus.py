"""The quotes a topic model is fitted on: the document-feature matrix with re-prints kept aside.

Why a corpus object of its own: every model, quality measure and description of this subpackage
needs the same three things, the counts (LDA), their TF-IDF (NMF) and the document variables
(role, section, research question) of the very rows that were fitted. :class:`TopicCorpus` holds
them together. Its counts are the project's one document-feature matrix
(:mod:`mdi_analysis.text`), trimmed by document frequency, so a topic model counts the same
tokens as keyness, coding and validation.

Choices made here, each with its reason:

- **Re-printed quotes are not fitted.** The thesis prints 8 quotes a second time under another
  research question (``duplicate_of``). Fitting both printings would count the same words twice and
  pull a topic towards the re-printed statements. They are left out through
  :func:`mdi_analysis.corpus.without_reprints`, the one place re-prints are left out of counts,
  kept aside (``TopicCorpus.reprints``) over the fitted vocabulary and projected onto the fitted
  model afterwards, which doubles as a check: a re-print should land in the same topic as its
  first printing.
- **Terms** are the normaliser's content tokens (stop words, gap markers and numbers removed, see
  :func:`mdi_analysis.text.content_tokens`). Terms in fewer than ``min_df`` quotes are dropped (a
  word in one quote cannot co-occur with anything), and so are terms in more than ``max_df`` of
  the quotes (``få``, ``god``, ``ting``, ``kommune``: words every topic would share).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import OptionError
from ..text import (
    DocumentFeatureMatrix,
    Normaliser,
    content_token_lists,
    dfm_from_tokens,
    dfm_idf,
    dfm_tfidf,
    dfm_trim,
    dfm_weight,
    get_normaliser,
)

#: Default minimum document frequency of a term (a term in one quote co-occurs with nothing).
DEFAULT_MIN_DF = 2
#: Default maximum document frequency, as a share of the fitted quotes: drops the generic words
#: that would top every topic (in this corpus få, god, ting, mye, gjøre, tenke, annen, kommune,
#: måtte, komme, se) while keeping tillitsvalgt (24 %) and tid (23 %).
DEFAULT_MAX_DF = 0.25
#: Largest document–term matrix (cells) handed to NMF as a dense array (see TopicCorpus.tfidf).
DENSE_MAX_CELLS = 2_000_000
#: Document variables kept for the description tables (missing ones are filled with NA).
DOCUMENT_COLUMNS: tuple[str, ...] = ("role", "section_id", "research_question")

__all__ = [
    "DEFAULT_MAX_DF",
    "DEFAULT_MIN_DF",
    "DENSE_MAX_CELLS",
    "TopicCorpus",
    "build_topic_corpus",
    "code_fitted_quotes",
    "prepare_corpus",
]


@dataclass(frozen=True, eq=False)
class TopicCorpus:
    """The quotes a topic model is fitted on, as counts over a fixed vocabulary.

    Attributes
    ----------
    dfm : DocumentFeatureMatrix
        Fitted quotes × terms (the vocabulary, sorted). Its docvars are ``documents``: index
        ``utterance_id``, columns ``text``, ``role``, ``section_id``, ``research_question``,
        ``n_terms`` (term occurrences kept in the matrix).
    normaliser : str
        Name of the normaliser the terms were made with.
    min_df, max_df : int, float
        The document-frequency bounds the vocabulary was trimmed with.
    reprint_dfm : DocumentFeatureMatrix, optional
        Quotes not fitted (re-prints, with ``duplicate_of``) over the same vocabulary.
    """

    dfm: DocumentFeatureMatrix
    normaliser: str
    min_df: int
    max_df: float
    reprint_dfm: DocumentFeatureMatrix | None = None

    @property
    def documents(self) -> pd.DataFrame:
        return self.dfm.docvars

    @property
    def counts(self) -> sparse.csr_matrix:
        return self.dfm.counts

    @property
    def vocabulary(self) -> np.ndarray:
        return self.dfm.features

    @property
    def reprints(self) -> pd.DataFrame:
        """The re-prints kept aside (empty when every quote was fitted)."""
        return pd.DataFrame() if self.reprint_dfm is None else self.reprint_dfm.docvars

    @property
    def reprint_counts(self) -> sparse.csr_matrix | None:
        return None if self.reprint_dfm is None else self.reprint_dfm.counts

    @property
    def n_docs(self) -> int:
        return self.dfm.n_docs

    @property
    def n_terms(self) -> int:
        return self.dfm.n_features

    @cached_property
    def idf(self) -> np.ndarray:
        """Smoothed inverse document frequency of each term (:func:`mdi_analysis.text.dfm_idf`)."""
        return dfm_idf(self.dfm)

    def tfidf(self, counts: sparse.csr_matrix | None = None) -> np.ndarray | sparse.csr_matrix:
        """TF-IDF with rows scaled to unit length: the matrix NMF factorises.

        ``counts`` (default: the fitted quotes) lets re-prints be weighted with the fitted idf.
        Returned dense when it has at most :data:`DENSE_MAX_CELLS` cells: on a matrix this small
        scikit-learn's NMF spends most of its time in scipy.sparse bookkeeping (profiled, a 40-fit k
        scan took 5.7 s sparse and 2.2 s dense); the replicated corpora of the benchmark stay sparse.
        """
        out = dfm_tfidf(self.dfm, idf=self.idf, counts=counts)
        return out.toarray() if out.shape[0] * out.shape[1] <= DENSE_MAX_CELLS else out

    @cached_property
    def cooccurrence(self) -> np.ndarray:
        """Terms × terms: the number of quotes containing both (diagonal: document frequency)."""
        return np.asarray((self.binary.T @ self.binary).todense())

    @cached_property
    def binary(self) -> sparse.csc_matrix:
        """Presence (1) of each term in each quote: the basis of document co-occurrence coherence."""
        return dfm_weight(self.dfm, "boolean").astype(np.float64).tocsc()

    def term_index(self) -> dict[str, int]:
        """Column of each term, for look-ups by name."""
        return self.dfm.feature_index()

    def summary(self) -> pd.Series:
        """Size of the matrix, for the notebook's first checked cell.

        Returns
        -------
        pandas.Series
            Quotes fitted, re-prints not fitted, terms, term occurrences, quotes without terms, and
            the options the matrix was made with.
        """
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


def _row_sums(counts: sparse.csr_matrix) -> np.ndarray:
    return np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)


def build_topic_corpus(
    documents: pd.DataFrame | pd.Series,
    *,
    normaliser: str | Normaliser = "lemma",
    min_df: int = DEFAULT_MIN_DF,
    max_df: float = DEFAULT_MAX_DF,
    tokens: Sequence[Sequence[str]] | None = None,
) -> TopicCorpus:
    """A :class:`TopicCorpus` from any texts: a Series of texts or a DataFrame with ``text``.

    Optional columns ``role``, ``section_id`` and ``research_question`` are kept for the
    description tables. ``tokens`` skips tokenising: synthetic corpora in tests and the replicated
    corpus of the benchmark use it.

    Parameters
    ----------
    documents : DataFrame or Series
        One row per document; the index holds the document ids (unique), a DataFrame needs ``text``.
    normaliser : str or Normaliser
        ``"lemma"``, ``"stem"`` or ``"lower"`` (``docs/normalisation.md``).
    min_df : int
        Fewest quotes a term must occur in (>= 1).
    max_df : float
        Largest share of the quotes a term may occur in, in (0, 1].
    tokens : sequence of sequences of str, optional
        Already normalised content tokens, one list per document.

    Returns
    -------
    TopicCorpus
        Every document fitted; no re-prints kept aside.
    """
    norm = get_normaliser(normaliser)
    frame = documents.to_frame("text") if isinstance(documents, pd.Series) else documents.copy()
    if "text" not in frame.columns:
        raise OptionError("documents need a 'text' column (or pass a Series of texts)")
    if not frame.index.is_unique:
        raise OptionError("document ids (the index) must be unique")
    if len(frame) < 3:
        raise OptionError(f"a topic model needs at least 3 documents, got {len(frame)}")
    for column in DOCUMENT_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    if tokens is None:
        tokens = content_token_lists(frame["text"].fillna("").astype(str).tolist(), norm)
    elif len(tokens) != len(frame):
        raise OptionError(f"{len(tokens)} token lists for {len(frame)} documents")
    trimmed = dfm_trim(dfm_from_tokens(tokens), min_docfreq=min_df, max_docfreq=max_df)
    frame["n_terms"] = _row_sums(trimmed.counts)
    if frame.index.name is None:
        frame.index.name = "utterance_id"
    return TopicCorpus(
        DocumentFeatureMatrix(trimmed.counts, trimmed.features, frame), norm.name, int(min_df), float(max_df)
    )


def prepare_corpus(
    corpus: object | str | Path | None = None,
    *,
    normaliser: str | Normaliser = "lemma",
    min_df: int = DEFAULT_MIN_DF,
    max_df: float = DEFAULT_MAX_DF,
    include_reprints: bool = False,
) -> TopicCorpus:
    """The interview corpus as a :class:`TopicCorpus`, re-prints kept aside.

    Parameters
    ----------
    corpus : Corpus, str, Path or None
        A loaded :class:`~mdi_analysis.corpus.Corpus`, a folder in the ``data/corpus`` format (a
        researcher's own transcripts, the notebooks' ``corpus_dir``), or None for the committed
        thesis corpus.
    normaliser : str or Normaliser
        ``"lemma"``, ``"stem"`` or ``"lower"``.
    min_df : int
        Fewest quotes a term must occur in (>= 1).
    max_df : float
        Largest share of the fitted quotes a term may occur in, in (0, 1].
    include_reprints : bool
        Fit re-prints too (default False: they are left out of fitting and kept in
        ``reprints``/``reprint_counts`` over the same vocabulary, so they can be projected).

    Returns
    -------
    TopicCorpus
    """
    from ..corpus import load_corpus, without_reprints

    norm = get_normaliser(normaliser)
    if corpus is None or isinstance(corpus, (str, Path)):
        corpus = load_corpus(corpus)
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
    fitted_ids = set(frame.index) if include_reprints else set(without_reprints(utterances)["utterance_id"].astype(str))
    is_fitted = frame.index.isin(fitted_ids)
    all_tokens = content_token_lists(frame["text"].tolist(), norm)
    fitted = build_topic_corpus(
        frame.loc[is_fitted].drop(columns="duplicate_of"),
        normaliser=norm,
        min_df=min_df,
        max_df=max_df,
        tokens=[t for t, keep in zip(all_tokens, is_fitted, strict=True) if keep],
    )
    reprints = frame.loc[~is_fitted].copy()
    reprint_tokens = [t for t, keep in zip(all_tokens, is_fitted, strict=True) if not keep]
    reprint_counts = dfm_from_tokens(reprint_tokens, features=fitted.vocabulary).counts
    reprints["n_terms"] = _row_sums(reprint_counts)
    return TopicCorpus(
        fitted.dfm,
        fitted.normaliser,
        fitted.min_df,
        fitted.max_df,
        reprint_dfm=DocumentFeatureMatrix(reprint_counts, fitted.vocabulary, reprints),
    )


def code_fitted_quotes(corpus: TopicCorpus, categories: pd.DataFrame):
    """Code the fitted quotes against codebook categories, with the corpus's normaliser.

    Why here: alignment (:func:`~mdi_analysis.topics.align_topics`) and the choice of seeds
    (:func:`~mdi_analysis.topics.seed_table`) need the coding of exactly the fitted quotes, in the
    model's row order; the corpus-level coding (:func:`mdi_analysis.coding.code_corpus`) codes every
    quote, re-prints included.

    Parameters
    ----------
    corpus : TopicCorpus
    categories : DataFrame
        Codebook categories (``Codebook.categories``: ``category_id``, ``pattern``, ...).

    Returns
    -------
    CodingResult
        Its ``matrix`` holds the quotes each category codes; its ``evidence`` the normalised forms
        the patterns matched (a category's seed terms).
    """
    from ..coding import code_texts

    return code_texts(corpus.documents["text"], categories, corpus.normaliser)
