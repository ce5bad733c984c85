"""Text features of the validation: normalised content words and codebook categories.

Why prepared once: both assigners and every normaliser compare the same quotes and section
profiles, many times over (each fold, each feature set, each fold seed). Everything computed text
by text (tokens, the document-feature matrix over one vocabulary, which codebook patterns match)
is done once per normaliser in :func:`prepare`; only collection statistics (which terms occur,
IDF weights) are fitted later, by :class:`Vectoriser`, on the texts at hand.

The counts are the package's one document-feature matrix (:func:`mdi_analysis.text.dfm_from_tokens`,
dense here because the classifiers work on dense rows), and the IDF is its one formula
(:func:`mdi_analysis.text.smooth_idf`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..coding import code_texts
from ..options import check_choice
from ..text import (
    DocumentFeatureMatrix,
    Normaliser,
    content_token_lists,
    dfm_from_frame,
    dfm_from_tokens,
    get_normaliser,
    normaliser_names,
    smooth_idf,
    unit_rows,
)
from ._data import ValidationData

#: Feature sets: normalised content words (TF-IDF), codebook categories, or both joined.
FEATURES: tuple[str, ...] = ("words+codebook", "words", "codebook")
DEFAULT_FEATURES = "words+codebook"


@dataclass(frozen=True)
class PreparedTexts:
    """Texts turned into what the assigners need, for one normaliser.

    Everything here is computed text by text (tokens, normal forms, which patterns match, term
    counts over a fixed list of terms), with no statistic over the collection, so preparing held-out
    quotes together with training quotes leaks nothing; collection statistics (which terms occur,
    IDF) are fitted later, by :class:`Vectoriser`, on the texts it is fitted on.

    ``words`` is texts × content words (the document-feature matrix), ``coding`` texts × codebook
    categories (0/1); ``patterns`` and ``evidence`` are the coding engine's tables.
    """

    words: DocumentFeatureMatrix
    coding: DocumentFeatureMatrix
    patterns: pd.DataFrame
    evidence: pd.DataFrame
    normaliser: str

    @property
    def index(self) -> pd.Index:
        """The text ids, in row order."""
        return self.words.docnames

    @property
    def vocabulary(self) -> np.ndarray:
        """The counted terms, in column order."""
        return self.words.features

    @property
    def categories(self) -> np.ndarray:
        """The codebook categories, in column order."""
        return self.coding.features

    @cached_property
    def counts(self) -> np.ndarray:
        """Term counts as a dense float array (texts × vocabulary)."""
        return self.words.dense()

    @cached_property
    def codes(self) -> np.ndarray:
        """Codebook categories as a dense 0/1 float array (texts × categories), column-major.

        Why column-major: numpy sums a row of a column-major array in another order than a row of a
        row-major one, so :func:`~mdi_analysis.text.unit_rows` rounds the last bit differently. The
        published similarities (``reports/tables``) were computed on the coding engine's frame,
        which pandas hands over column-major; this keeps them bit-identical.
        """
        return np.asfortranarray(self.coding.dense())

    def take(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(term counts, codes) of some texts: the input of :class:`Vectoriser`."""
        return self.counts[positions], self.codes[positions]


def _prepared_texts(
    texts: pd.Series,
    tokens: list[list[str]],
    vocabulary: Sequence[str] | None,
    codebook: pd.DataFrame,
    normaliser: Normaliser,
) -> PreparedTexts:
    coded = code_texts(pd.Series([str(t) for t in texts], index=texts.index), codebook, normaliser)
    return PreparedTexts(
        words=dfm_from_tokens(tokens, docvars=pd.DataFrame(index=texts.index), features=vocabulary),
        coding=dfm_from_frame(coded.matrix, docvars=pd.DataFrame(index=texts.index)),
        patterns=coded.patterns,
        evidence=coded.evidence,
        normaliser=normaliser.name,
    )


def prepare_texts(
    texts: pd.Series, codebook: pd.DataFrame, normaliser: str = "lemma", *, vocabulary: Sequence[str] | None = None
) -> PreparedTexts:
    """Content tokens, term counts and the 0/1 codebook matrix of every text.

    ``vocabulary`` fixes the terms counted (default: the terms of these texts, sorted), so quotes and
    section profiles can be counted over one list of terms.
    """
    norm = get_normaliser(normaliser)
    return _prepared_texts(texts, content_token_lists(list(texts), norm), vocabulary, codebook, norm)


@dataclass(frozen=True)
class Prepared:
    """Quotes and section profiles prepared with one normaliser, over one list of terms."""

    data: ValidationData
    utterances: PreparedTexts
    profiles: PreparedTexts

    @property
    def normaliser(self) -> str:
        return self.utterances.normaliser


def prepare(data: ValidationData, codebook: pd.DataFrame, normaliser: str = "lemma") -> Prepared:
    """Tokenise, normalise, count and code the quotes and the section profiles once, for one normaliser.

    Both are counted over one vocabulary: every term of the quotes and the profiles, sorted.
    """
    norm = get_normaliser(normaliser)
    quote_tokens = content_token_lists(list(data.texts), norm)
    profile_tokens = content_token_lists(list(data.profiles), norm)
    vocabulary = sorted({t for ts in quote_tokens + profile_tokens for t in ts})
    return Prepared(
        data,
        _prepared_texts(data.texts, quote_tokens, vocabulary, codebook, norm),
        _prepared_texts(data.profiles, profile_tokens, vocabulary, codebook, norm),
    )


def prepare_all(
    data: ValidationData, codebook: pd.DataFrame, normalisers: Sequence[str] | None = None
) -> dict[str, Prepared]:
    """:func:`prepare` for every normaliser, for the comparison of normalisers.

    Parameters
    ----------
    data : ValidationData
        The quotes and profiles (:func:`validation_data`).
    codebook : pandas.DataFrame
        Categories with ``category_id`` and ``patterns`` (:func:`load_codebook_categories`).
    normalisers : sequence of str, optional
        Default: every registered normaliser (``lemma``, ``stem``, ``lower``).

    Returns
    -------
    dict
        normaliser name -> :class:`Prepared`, in the order of ``normalisers``.
    """
    return {name: prepare(data, codebook, name) for name in (normalisers or normaliser_names())}


class Vectoriser:
    """Texts as unit vectors: TF-IDF over content words joined with IDF-weighted codebook categories.

    Why join the two: words carry what a quote is about in the respondent's own terms; categories
    carry the theory's vocabulary with the coding engine's compound-aware matching (a quote about
    ``trepartssamarbeidet`` shares ``samarbeid`` with a question on ``trepartssamarbeid``). Each part
    is scaled to unit length before they are joined and the result is scaled again, so both count
    equally whenever both are present; no weight between them is tuned.

    The word part equals scikit-learn's ``TfidfVectorizer`` fitted on the same texts (raw counts,
    smoothed IDF, unit rows; terms absent from the fitted texts are dropped) and the category part
    its ``TfidfTransformer``; both are tested against scikit-learn. They are computed here with numpy
    on counts prepared once per normaliser, because re-tokenising every text for every fold and
    normaliser cost more than the rest of notebook 04's default run, and because one small function
    shared by both methods is easier to check than two configured vectorisers.
    """

    def __init__(self, features: str = DEFAULT_FEATURES) -> None:
        self.features = check_choice(features, FEATURES, "features")
        self._terms: np.ndarray | None = None
        self._term_idf: np.ndarray | None = None
        self._code_idf: np.ndarray | None = None

    @property
    def uses_words(self) -> bool:
        return "words" in self.features

    @property
    def uses_codebook(self) -> bool:
        return "codebook" in self.features

    def fit(self, counts: np.ndarray, codes: np.ndarray) -> Vectoriser:
        """Fit which terms count and the IDF weights, on these texts only."""
        counts = np.asarray(counts, dtype=float)
        codes = np.asarray(codes, dtype=float)
        if self.uses_words:
            self._terms = np.flatnonzero((counts > 0).any(axis=0))
            self._term_idf = smooth_idf(counts[:, self._terms])
        if self.uses_codebook:
            self._code_idf = smooth_idf(codes)
        return self

    def transform(self, counts: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Rows of unit length (a text with no feature at all stays a row of zeros)."""
        parts = []
        if self.uses_words:
            if self._terms is None:
                raise RuntimeError("Vectoriser.transform called before fit")
            parts.append(unit_rows(np.asarray(counts, dtype=float)[:, self._terms] * self._term_idf))
        if self.uses_codebook:
            if self._code_idf is None:
                raise RuntimeError("Vectoriser.transform called before fit")
            parts.append(unit_rows(np.asarray(codes, dtype=float) * self._code_idf))
        return unit_rows(np.hstack(parts))

    def fit_transform(self, counts: np.ndarray, codes: np.ndarray) -> np.ndarray:
        return self.fit(counts, codes).transform(counts, codes)
