"""The negation scope (``coding._negation``) with exact inputs and outputs.

Why apart from ``test_claim_evidence.py``: that file shows the rule on one realistic paragraph;
here each branch is given the case that tells it apart (a clause break without punctuation,
punctuation without a clause break, text that is not NFC, a hit beyond its text, the index and
column names the matrices carry), so a mutation of the rule makes a test fail (docs/mutation.md).
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest

from mdi_analysis.coding import affirmed_matrix, mark_negation, negated_tokens
from mdi_analysis.text import tokenize


def scope(text: str) -> list[tuple[str, bool]]:
    return list(zip(tokenize(text), negated_tokens(text).tolist(), strict=True))


@pytest.mark.parametrize("text", [None, float("nan"), 5, ""])
def test_no_text_gives_an_empty_boolean_array(text):
    flags = negated_tokens(text)
    assert flags.shape == (0,)
    assert flags.dtype == bool


def test_text_without_tokens_gives_an_empty_boolean_array():
    flags = negated_tokens(" !? ")
    assert flags.shape == (0,)
    assert flags.dtype == bool


def test_a_decomposed_text_is_read_as_nfc():
    text = unicodedata.normalize("NFD", "ikke går")
    assert text != "ikke går"
    assert scope(text) == [("ikke", False), ("går", True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a clause-opening conjunction ends the scope without punctuation
        ("ikke tid men samarbeid", [("ikke", False), ("tid", True), ("men", False), ("samarbeid", False)]),
        # punctuation ends the scope without a conjunction
        ("aldri tid. Vi samarbeider", [("aldri", False), ("tid", True), ("vi", False), ("samarbeider", False)]),
        # an omission marker ends it too
        ("ingen tid ... samarbeid", [("ingen", False), ("tid", True), ("...", False), ("samarbeid", False)]),
        # a second cue inside the scope is itself not negated, the words after it are
        ("ikke tid uten samarbeid", [("ikke", False), ("tid", True), ("uten", False), ("samarbeid", True)]),
        # nothing before the first cue is negated
        ("tid ikke", [("tid", False), ("ikke", False)]),
    ],
)
def test_the_scope_of_a_cue(text, expected):
    assert [(token.lower(), flag) for token, flag in scope(text)] == expected


def test_a_hit_beyond_its_text_or_without_text_is_not_negated():
    texts = pd.Series({"U1": "ikke forslagskasse"})
    hits = pd.DataFrame(
        {"utterance_id": ["U1", "U1", "U1", "U9"], "token_position": [0, 1, 2, 0]},
        index=[10, 11, 12, 13],
    )
    out = mark_negation(hits, texts)
    assert out["negated"].tolist() == [False, True, False, False]
    assert out.index.tolist() == [10, 11, 12, 13]  # the hits' own index, not 0..n-1
    assert out["negated"].dtype == bool
    assert "negated" not in hits.columns  # a copy


def test_no_hits_give_an_empty_boolean_column():
    hits = pd.DataFrame({"utterance_id": pd.Series([], dtype=object), "token_position": pd.Series([], dtype=int)})
    out = mark_negation(hits, pd.Series({"U1": "ikke tid"}))
    assert out["negated"].dtype == bool
    assert len(out) == 0


def test_the_affirmed_matrix_has_the_full_shape_and_names():
    texts = pd.Series({"U1": "ikke forslagskasse", "U2": "forslagskasse og samarbeid", "U3": "ingenting"})
    evidence = pd.DataFrame(
        {
            "utterance_id": ["U1", "U2", "U2"],
            "category_id": ["tema.forslag", "tema.forslag", "tema.samarbeid"],
            "token_position": [1, 0, 2],
        }
    )
    matrix = affirmed_matrix(evidence, texts, index=["U1", "U2", "U3"], columns=["tema.forslag", "tema.samarbeid"])
    expected = pd.DataFrame(
        [[0, 0], [1, 1], [0, 0]],
        index=pd.Index(["U1", "U2", "U3"], name="utterance_id"),
        columns=pd.Index(["tema.forslag", "tema.samarbeid"], name="category_id"),
    )
    pd.testing.assert_frame_equal(matrix, expected, check_dtype=False)
    assert np.issubdtype(matrix.to_numpy().dtype, np.integer)


def test_only_negated_hits_leave_an_empty_matrix_with_its_names():
    texts = pd.Series({"U1": "ikke forslagskasse"})
    evidence = pd.DataFrame({"utterance_id": ["U1"], "category_id": ["tema.forslag"], "token_position": [1]})
    matrix = affirmed_matrix(evidence, texts, index=["U1", "U2"], columns=["tema.forslag", "tema.samarbeid"])
    assert matrix.index.name == "utterance_id"
    assert matrix.columns.name == "category_id"
    assert matrix.to_numpy().tolist() == [[0, 0], [0, 0]]


def test_a_hit_sets_only_its_own_category():
    texts = pd.Series({"U1": "forslagskasse"})
    evidence = pd.DataFrame({"utterance_id": ["U1"], "category_id": ["tema.forslag"], "token_position": [0]})
    matrix = affirmed_matrix(evidence, texts, index=["U1"], columns=["tema.annet", "tema.forslag", "tema.samarbeid"])
    assert matrix.loc["U1"].tolist() == [0, 1, 0]
