"""The one document-feature matrix: counts, verbs, and agreement with scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from mdi_analysis import text
from mdi_analysis.errors import OptionError

DOCS = [["innovasjon", "leder", "innovasjon"], ["leder", "tid"], [], ["tid", "tid", "forslag"]]

tokens = st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", "æ", "ø", "å"]), max_size=8), min_size=1, max_size=12)


def test_counts_features_sorted_and_exact():
    x = text.dfm_from_tokens(DOCS, docvars=["q1", "q2", "q3", "q4"])
    assert x.features.tolist() == ["forslag", "innovasjon", "leder", "tid"]
    assert x.counts.toarray().tolist() == [[0, 2, 1, 0], [0, 0, 1, 1], [0, 0, 0, 0], [1, 0, 0, 2]]
    assert x.counts.dtype == np.int64
    assert x.docnames.tolist() == ["q1", "q2", "q3", "q4"]
    assert text.dfm_docfreq(x).tolist() == [1, 1, 2, 2]


def test_fixed_vocabulary_ignores_other_tokens_and_keeps_order():
    x = text.dfm_from_tokens(DOCS, features=["tid", "innovasjon", "ukjent"])
    assert x.features.tolist() == ["tid", "innovasjon", "ukjent"]
    assert x.counts.toarray().tolist() == [[0, 2, 0], [1, 0, 0], [0, 0, 0], [2, 0, 0]]


def test_trim_keeps_both_bounds_and_fails_clearly():
    x = text.dfm_from_tokens(DOCS)
    assert text.dfm_trim(x, min_docfreq=2).features.tolist() == ["leder", "tid"]
    # max share: 2 of 4 documents = 0.5 stays, 0.49 drops them
    assert text.dfm_trim(x, max_docfreq=0.5).n_features == 4
    assert text.dfm_trim(x, max_docfreq=0.49).features.tolist() == ["forslag", "innovasjon"]
    with pytest.raises(OptionError, match="no term occurs in at least 3"):
        text.dfm_trim(x, min_docfreq=3)
    with pytest.raises(OptionError, match="min_df must be an integer"):
        text.dfm_trim(x, min_docfreq=1.5)
    with pytest.raises(OptionError, match=r"max_df must be a share of the documents in \(0, 1\]"):
        text.dfm_trim(x, max_docfreq=0)


def test_group_sums_rows_by_docvar():
    docvars = pd.DataFrame(
        {"role": ["tillitsvalgt", "arbeidsgiver", "arbeidsgiver", "tillitsvalgt"]}, index=["q1", "q2", "q3", "q4"]
    )
    grouped = text.dfm_group(text.dfm_from_tokens(DOCS, docvars=docvars), "role")
    assert grouped.docnames.tolist() == ["arbeidsgiver", "tillitsvalgt"]
    assert grouped.counts.toarray().tolist() == [[0, 0, 1, 1], [1, 2, 1, 2]]


def test_subset_keeps_features_and_docvars():
    x = text.dfm_from_tokens(DOCS, docvars=["q1", "q2", "q3", "q4"])
    sub = text.dfm_subset(x, [True, False, False, True])
    assert sub.features.tolist() == x.features.tolist()
    assert sub.docnames.tolist() == ["q1", "q4"]
    with pytest.raises(OptionError, match="one boolean per document"):
        text.dfm_subset(x, [True])


def test_weights():
    x = text.dfm_from_tokens(DOCS)
    assert text.dfm_weight(x, "boolean").toarray().tolist() == [[0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 0], [1, 0, 0, 1]]
    prop = text.dfm_weight(x, "prop").toarray()
    assert prop[0].tolist() == pytest.approx([0, 2 / 3, 1 / 3, 0])
    assert prop[2].tolist() == [0, 0, 0, 0]
    with pytest.raises(OptionError, match="unknown weight 'tf'"):
        text.dfm_weight(x, "tf")


def test_idf_and_tfidf_equal_scikit_learn():
    docs = [" ".join(d) for d in DOCS]
    vectoriser = CountVectorizer(token_pattern=r"\S+")
    sk_counts = vectoriser.fit_transform(docs)
    sk = TfidfTransformer().fit(sk_counts)
    x = text.dfm_from_tokens(DOCS)
    assert vectoriser.get_feature_names_out().tolist() == x.features.tolist()
    np.testing.assert_allclose(text.dfm_idf(x), sk.idf_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(text.dfm_tfidf(x).toarray(), sk.transform(sk_counts).toarray(), rtol=0, atol=1e-12)


def test_smooth_idf_of_a_dense_or_sparse_matrix_is_the_dfm_idf():
    """The validation refits IDF on dense fold subsets and on 0/1 codes: the same formula as dfm_idf."""
    x = text.dfm_from_tokens(DOCS)
    dense = x.dense()
    np.testing.assert_array_equal(text.smooth_idf(dense), text.dfm_idf(x))
    np.testing.assert_array_equal(text.smooth_idf(x.counts), text.dfm_idf(x))
    rows = [0, 3]  # a subset, as one cross-validation fold
    sk = TfidfTransformer().fit(dense[rows])
    np.testing.assert_allclose(text.smooth_idf(dense[rows]), sk.idf_, rtol=0, atol=1e-12)
    presence = np.array([[1, 0, 1], [0, 0, 1]], dtype=float)
    assert text.smooth_idf(presence).tolist() == pytest.approx([np.log(3 / 2) + 1, np.log(3) + 1, 1.0])


def test_coding_matrix_is_a_dfm():
    matrix = pd.DataFrame({"tema.a": [True, False], "tema.b": [1, 1]}, index=["U001", "U002"])
    x = text.dfm_from_frame(matrix)
    assert x.features.tolist() == ["tema.a", "tema.b"]
    assert x.counts.toarray().tolist() == [[1, 1], [0, 1]]


def test_dfm_from_texts_uses_the_content_tokens():
    x = text.dfm(pd.Series(["Vi har innovasjon og innovasjonen.", "Og så?"], index=["U1", "U2"]))
    assert x.docnames.tolist() == ["U1", "U2"]
    assert "og" not in x.features.tolist()  # a stop word
    assert x.counts.sum() == sum(
        len(t) for t in text.content_token_lists(["Vi har innovasjon og innovasjonen.", "Og så?"])
    )


@settings(max_examples=60, deadline=None)
@given(tokens)
def test_property_counts_add_up_and_group_preserves_totals(token_lists):
    x = text.dfm_from_tokens(token_lists)
    assert int(x.counts.sum()) == sum(len(t) for t in token_lists)
    assert x.features.tolist() == sorted(x.features.tolist())
    labels = [str(i % 3) for i in range(len(token_lists))]
    grouped = text.dfm_group(x, labels)
    np.testing.assert_array_equal(
        np.asarray(grouped.counts.sum(axis=0)).ravel(), np.asarray(x.counts.sum(axis=0)).ravel()
    )
    assert (text.dfm_docfreq(x) <= x.n_docs).all()


@settings(max_examples=60, deadline=None)
@given(tokens)
def test_property_tfidf_rows_are_unit_or_zero(token_lists):
    x = text.dfm_from_tokens(token_lists)
    if x.n_features == 0:
        return
    norms = np.sqrt(np.asarray(text.dfm_tfidf(x).multiply(text.dfm_tfidf(x)).sum(axis=1)).ravel())
    empty = np.asarray(x.counts.sum(axis=1)).ravel() == 0
    np.testing.assert_allclose(norms[~empty], 1.0)
    assert (norms[empty] == 0).all()
    assert (text.dfm_idf(x) >= 1.0).all()
