"""Property-based tests of the compound rule and the coding engine (hypothesis).

The example tests in test_coding.py pin the rule on the thesis's own words; these check that it
holds for every combination of known words, linking letters and nonsense parts.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mdi_analysis.coding import code_texts, compound_contains, matches
from mdi_analysis.text import get_normaliser

NORM = get_normaliser("lemma")
#: Known bokmål nouns (all plausible compound parts for simplemma's dictionary).
KNOWN = ["arbeid", "leder", "team", "kunnskap", "samarbeid", "skole", "prosjekt", "endring", "ansatt", "kommune"]
#: Codebook-like terms of four letters or more (the rule for short terms is tested separately).
TERMS = ["samarbeid", "kunnskap", "tillit", "innovasjon", "ledelse", "kultur"]
NONSENSE = st.text(alphabet="qxzvw", min_size=2, max_size=5)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(KNOWN), st.sampled_from(TERMS), st.sampled_from(["", "s", "e"]))
def test_known_modifier_plus_term_is_a_compound(modifier, term, link):
    assume(NORM.is_plausible_part(modifier))
    assert compound_contains(modifier + link + term, term, NORM)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(TERMS), st.sampled_from(KNOWN), st.sampled_from(["", "s"]))
def test_term_plus_known_head_is_a_compound(term, head, link):
    assert compound_contains(term + link + head, term, NORM)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(TERMS), NONSENSE)
def test_nonsense_remainder_is_not_a_compound(term, junk):
    assume(not NORM.is_plausible_part(junk))
    assert not compound_contains(junk + term, term, NORM)
    assert not compound_contains(term + junk, term, NORM)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abdefgiklmnoprstuvæøå", min_size=1, max_size=14), st.sampled_from(TERMS))
def test_no_match_without_the_term_inside(word, term):
    assume(term not in word)
    assert not compound_contains(word, term, NORM)


def test_the_word_itself_is_not_a_compound_of_itself():
    # exact matches are the engine's business (a word equal to the term), not a compound
    assert not compound_contains("samarbeid", "samarbeid", NORM)
    assert matches("samarbeid", "Vi har godt samarbeid.")


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["tid", "ikt", "ros"]), st.sampled_from(["al", "hel", "ar"]))
def test_short_terms_need_long_neighbours(term, short_part):
    # a three-letter term next to a part of fewer than four letters is too weak a compound
    assert not compound_contains(short_part + term, term, NORM)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["samarbeid", "tid", "leder", "og", "kunnskapsdeling", "tidlig", "."]), max_size=12))
def test_engine_agrees_with_the_one_text_rule(words):
    text = " ".join(words)
    codebook = pd.Series({"tema.samarbeid": "samarbeid", "tema.kunnskap": "kunnskap", "tema.tid": "tid"})
    result = code_texts(pd.Series([text]), codebook, NORM)
    for category, pattern in codebook.items():
        assert bool(result.matrix.loc[0, category]) == matches(pattern, text)
    # evidence rows are exactly the coded cells' hits
    coded = {c for c in codebook.index if result.matrix.loc[0, c]}
    assert set(result.evidence["category_id"]) == coded
