"""Norwegian tokenisation, lemmas, stems and stop words (mdi_analysis.text._normalise).

Each test pins a value that a count in the analysis depends on, so a change of simplemma, NLTK or
stop-words version, or of a shipped table, fails here instead of silently changing results.
"""

from __future__ import annotations

import pytest

from mdi_analysis.text import _normalise as normalise
from mdi_analysis.text._normalise import (
    GAP_TOKEN,
    SPOKEN_FILLERS,
    LemmaNormaliser,
    LemmaOverrides,
    base_stopwords,
    content_tokens,
    get_normaliser,
    normalise_texts,
    norwegian_stopwords,
    stopwords_for,
    tokenize,
)


@pytest.fixture(scope="module")
def lemma():
    return get_normaliser("lemma")


# --- tokenisation -----------------------------------------------------------------------------


def test_hyphenated_words_stay_one_token_and_case_is_kept():
    assert tokenize("Vi har kjørt BLT-metoden, LEAN-metoden og IKT-teknologien.") == [
        "Vi",
        "har",
        "kjørt",
        "BLT-metoden",
        "LEAN-metoden",
        "og",
        "IKT-teknologien",
    ]


def test_suspended_hyphen_and_punctuation_are_not_tokens():
    # "Helse- og omsorg": the hyphen belongs to no word; § and the dash are dropped.
    assert tokenize("Helse- og omsorg – § 1-4") == ["Helse", "og", "omsorg", "1-4"]


@pytest.mark.parametrize("marker", ["(…)", "( … )", "(...)", "[…]", "…", "..."])
def test_every_omission_marker_is_one_gap_token(marker, lemma):
    tokens = tokenize(f"bedre teknologisk utvikling {marker} Her er det")
    assert tokens[3] == marker  # the marker as printed, for keyword-in-context display
    assert len(tokens) == 7
    assert lemma.normalise(tokens[3]) == GAP_TOKEN


def test_norwegian_letters_and_accents_are_kept(lemma):
    assert [lemma.normalise(t) for t in tokenize("År Øya Ære idé")] == ["år", "øy", "ære", "idé"]


def test_decomposed_a_ring_is_the_same_type_as_composed():
    decomposed = "a\u030ar"  # "år" written as a + combining ring
    assert tokenize(decomposed) == ["år"]


def test_fast_tokenizer_equals_nltk_regexp_tokenizer_on_the_thesis(thesis_file):
    text = thesis_file.read_text(encoding="utf-8")
    assert tokenize(text) == normalise.nltk_tokenizer().tokenize(text)


# --- lemma normaliser ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("oppgava", "oppgave"),
        ("utvikla", "utvikle"),
        ("forankra", "forankre"),
        ("tida", "tid"),
        ("utfordringa", "utfordring"),
        ("viktigheta", "viktighet"),
        ("hovedavtala", "hovedavtale"),
        ("Masteroppgava", "masteroppgave"),
    ],
)
def test_thesis_a_forms_lemmatise_to_standard_bokmal(lemma, form, expected):
    assert lemma.normalise(form) == expected


@pytest.mark.parametrize(
    ("form", "expected", "simplemma_says"),
    [
        ("leder", "leder", "led"),
        ("samarbeidet", "samarbeid", "samarbeide"),
        ("trepartssamarbeidet", "trepartssamarbeid", "trepartssamarbeide"),
        ("prosesser", "prosess", "prosessere"),
        ("mestringstroa", "mestringstro", "mestringstroe"),
        ("tjenesteleder", "tjenesteleder", "tjenesteled"),
        ("ansatt", "ansatt", "ansette"),
        ("Gol", "gol", "gale"),
    ],
)
def test_override_table_corrects_simplemma(lemma, form, expected, simplemma_says):
    import simplemma

    assert simplemma.lemmatize(form.lower(), "nb") == simplemma_says  # the error still exists
    assert lemma.normalise(form) == expected


def test_suffix_overrides_leave_known_words_alone(lemma):
    # "*leder" repairs unknown compounds only; gleder (joys) and utleder keep simplemma's lemma.
    assert lemma.normalise("gleder") == "glede"
    assert lemma.normalise("arbeidsgleder") == "arbeidsglede"
    assert lemma.normalise("utarbeidet") == "utarbeide"  # a verb: no linking s, no override


def test_genitive_of_unknown_form_falls_back_to_the_word(lemma):
    assert lemma.normalise("lederens") == "leder"
    assert lemma.normalise("studiens") == "studie"
    assert lemma.normalise("oppgavas") == "oppgave"


def test_hyphenated_tokens_lemmatise_their_last_part(lemma):
    assert lemma.normalise("IKT-teknologien") == "ikt-teknologi"
    assert lemma.normalise("BLT-metoden") == "blt-metode"


def test_lemmas_are_lower_case_without_abbreviation_dot(lemma):
    assert lemma.normalise("Norge") == "norge"
    assert lemma.normalise("jf") == "jf"


def test_override_table_file_has_the_required_rows():
    overrides = LemmaOverrides.shipped()
    assert overrides.exact["leder"] == "leder"
    assert overrides.exact["samarbeidet"] == "samarbeid"
    assert ("leder", "leder") in overrides.suffixes


def test_custom_override_table_is_used():
    custom = LemmaNormaliser(LemmaOverrides([{"form": "tida", "lemma": "tidsrom"}]))
    assert custom.normalise("tida") == "tidsrom"
    assert get_normaliser("lemma").normalise("tida") == "tid"  # the shared one is untouched


# --- stem and lower normalisers -----------------------------------------------------------------


def test_stemmer_over_merges_as_documented():
    stem = get_normaliser("stem")
    assert stem.normalise("ledelse") == stem.normalise("leder") == "led"
    assert stem.normalise("åpenhet") == "åpen"
    # and it splits medarbeider's paradigm into three stems (Snowball does not remove -erne)
    assert [stem.normalise(w) for w in ("medarbeider", "medarbeidere", "medarbeiderne")] == [
        "medarbeid",
        "medarbeider",
        "medarbeidern",
    ]


def test_lower_normaliser_only_lower_cases():
    lower = get_normaliser("lower")
    assert lower.normalise_tokens(["Tida", "IKT‐teknologien", "(…)"]) == ["tida", "ikt-teknologien", "…"]


# --- registry and cache -------------------------------------------------------------------------


def test_unknown_normaliser_raises_value_error_naming_the_valid_ones():
    with pytest.raises(ValueError) as info:
        get_normaliser("spacy")
    message = str(info.value)
    assert "'spacy'" in message
    for name in ("'lemma'", "'stem'", "'lower'"):
        assert name in message


def test_registry_returns_one_shared_instance_per_name():
    assert get_normaliser("lemma") is get_normaliser("lemma")
    assert get_normaliser("stem").name == "stem"
    custom = LemmaNormaliser()
    assert get_normaliser(custom) is custom


def test_normalisation_is_cached_per_type_not_per_token():
    norm = LemmaNormaliser()
    texts = ["Tida går, og tida går."] * 1000
    result = normalise_texts(texts, norm)
    assert result[0] == ["tid", "gå", "og", "tid", "gå"]
    assert norm.cache_size == 4  # Tida, går, og, tida: one computation per surface type


# --- stop words ---------------------------------------------------------------------------------


def test_stop_list_is_the_172_word_list_plus_fillers():
    base = base_stopwords()
    assert len(base) == 172 and len(set(base)) == 172
    raw = norwegian_stopwords()
    assert raw == frozenset(base) | frozenset(SPOKEN_FILLERS)
    assert {"liksom", "egentlig", "jo", "sånn", "altså", "vel", "nok", "da"} <= raw
    assert len(raw) == 172 + len(set(SPOKEN_FILLERS) - set(base))


@pytest.mark.parametrize("name", ["lemma", "stem", "lower"])
def test_stop_list_keeps_content_words(name):
    stop = stopwords_for(name)
    norm = get_normaliser(name)
    for word in ("arbeid", "tid", "leder", "tillit", "samarbeid"):
        assert word not in stop
        assert norm.normalise(word) not in stop


def test_lemmatised_stop_list_spares_content_lemmas_it_would_create(lemma):
    # vart -> vare (goods) and kom -> komme would remove content words from every count
    assert lemma.normalise("vart") == "vare" and lemma.normalise("kom") == "komme"
    stop = stopwords_for("lemma")
    assert "vare" not in stop and "komme" not in stop
    assert "vart" in stop and "kom" in stop  # the raw forms stay listed


def test_normalised_stop_list_catches_inflected_stop_words(lemma):
    stop = stopwords_for("lemma")
    # hadde -> ha, meg -> jeg, blitt -> bli: filtered after lemmatising
    assert {lemma.normalise(w) for w in ("hadde", "meg", "blitt")} <= stop
    tokens = lemma.normalise_text("Jeg hadde liksom ikke tid (…) til samarbeidet, altså.")
    assert content_tokens(tokens, "lemma") == ["tid", "samarbeid"]


def test_stem_stop_list_is_stemmed_but_spares_colliding_content_stems():
    stop = stopwords_for("stem")
    assert "hadd" in stop  # stem of hadde
    assert "vill" not in stop  # stem of ville, but also of villig
    assert "sid" not in stop  # stem of siden, but also of side
    # an unavoidable collision: vare (goods) stems to var, which is the stop word var (was)
    assert get_normaliser("stem").normalise("vare") == "var" and "var" in stop
