"""The coding engine: compound-aware matching, the matrix, evidence, KWIC and co-occurrence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mdi_analysis import paths
from mdi_analysis.coding import (
    EVIDENCE_COLUMNS,
    CodingResult,
    CompoundBlock,
    CorpusCoding,
    PatternWord,
    barrier_table,
    code_corpus,
    code_texts,
    compile_codebook,
    compile_pattern,
    compound_contains,
    cooccurrence,
    frequency_by,
    heatmap,
    kwic,
    lexicalised_compounds,
    matches,
    top_categories,
    top_pairs,
    with_labels,
)
from mdi_analysis.errors import InputDataError, OptionError
from mdi_analysis.text._normalise import get_normaliser

CODEBOOK = pd.DataFrame(
    {
        "category_id": [
            "mdi_kultur.tillit",
            "tema.samarbeid",
            "tema.tidspress",
            "tema.taus_kunnskap",
            "tema.tom",
        ],
        "patterns": ["tillit", "samarbeid; samarbeide", "tid; travel*", "taus kunnskap", None],
        "category": ["Tillit", "Samarbeid", "Tidspress", "Taus kunnskap", "Uten mønstre"],
    }
)

TEXTS = pd.Series(
    {
        "U001": "Trepartssamarbeidet fungerer, og samarbeidsorienteringen er god.",
        "U002": "De hovedtillitsvalgte og de tillitsvalgte har tillit til ledelsen.",
        "U003": "Tidligere var det travelt, vi hadde ikke tid (…) og den tause kunnskapen forsvant.",
        "U004": "Ingenting her.",
        "U005": None,
    },
    name="text",
)


@pytest.fixture(scope="module")
def result():
    return code_texts(TEXTS, CODEBOOK)


# --- the compound rule -------------------------------------------------------------------------


@pytest.mark.parametrize("normaliser", ["lemma", "stem"])
@pytest.mark.parametrize(
    "word",
    [
        "samarbeid",
        "samarbeidet",
        "trepartssamarbeid",
        "trepartssamarbeidet",
        "samarbeidsorientering",
        "samarbeidsorienteringen",
    ],
)
def test_samarbeid_matches_its_inflections_and_compounds(normaliser, word):
    assert matches("samarbeid", word, normaliser)


@pytest.mark.parametrize("normaliser", ["lemma", "stem"])
@pytest.mark.parametrize("word", ["tillit", "tilliten", "mistillit"])
def test_tillit_matches_trust_words_including_mistillit(normaliser, word):
    # mistillit (distrust) is counted as a compound of tillit: it is talk about trust.
    assert matches("tillit", word, normaliser)


@pytest.mark.parametrize("normaliser", ["lemma", "stem"])
@pytest.mark.parametrize(
    "word",
    [
        "tillitsvalgt",
        "tillitsvalgte",
        "hovedtillitsvalgte",
        "Hovedtillitsvalgt",
        "tillitsverv",
        "tillitsmannen",
        "plasstillitsvalgte",
        "tillitsvalgtmøter",
    ],
)
def test_tillit_does_not_match_union_representatives(normaliser, word):
    assert not matches("tillit", word, normaliser)


def test_the_rule_itself_would_match_tillitsvalgt_so_the_exception_table_does_the_blocking():
    assert compound_contains("tillitsvalgt", "tillit", "lemma")  # tillit + s + valgt
    blocked = {(b.word, b.blocked_term) for b in lexicalised_compounds()}
    assert {
        ("tillitsvalgt*", "tillit"),
        ("hovedtillitsvalgt*", "tillit"),
        ("tillitsverv*", "tillit"),
        ("tillitsmann*", "tillit"),
    } <= blocked


def test_an_explicit_prefix_pattern_is_not_blocked():
    assert matches("tillit*", "tillitsvalgte")


def test_tid_does_not_match_tidlig_but_matches_time_compounds():
    for word in ("tidlig", "tidligere", "alltid", "samtidig"):
        assert not matches("tid", word), word
    for word in ("tida", "tiden", "tidspress", "tidspresset", "arbeidstida"):
        assert matches("tid", word), word


def test_compound_parts_must_be_words():
    assert compound_contains("tidspress", "tid")  # tid + s + press
    assert not compound_contains("tidlig", "tid")  # "lig" is no word
    assert not compound_contains("heltid", "tid")  # short term next to a short part (hel)
    assert compound_contains("hensikt", "ikt")  # "hens" is a word form, so the table must block:
    assert not matches("ikt", "hensikten")
    assert compound_contains("lederrolle", "leder")
    assert not compound_contains("medarbeider", "arbeid")  # "er" is no word


def test_leder_matches_leader_compounds_not_guidance_documents():
    assert matches("leder", "mellomlederen")
    assert matches("leder", "Tjenestelederne")
    assert not matches("leder", "medvirkningsveilederen")
    assert not matches("leder", "gleder")


def test_hyphen_marks_the_compound_boundary():
    assert matches("teknologi", "IKT-teknologien")
    assert matches("lean", "LEAN-metoden")
    assert matches("blt-metode", "BLT-metoden")
    assert matches("ikt", "IKT-systemene")


def test_lower_normaliser_matches_compounds_of_the_written_form_only():
    assert matches("samarbeid", "trepartssamarbeid", "lower")
    assert not matches("samarbeid", "samarbeidet", "lower")  # "et" is no word: no inflection


def test_patterns_are_normalised_with_the_text_normaliser():
    assert [w.term for w in compile_pattern("Tause kunnskapen", "lemma")] == ["taus", "kunnskap"]
    assert [w.term for w in compile_pattern("ledelse", "stem")] == ["led"]
    prefix = compile_pattern("innovasj*", "lemma")
    assert prefix[0].term == "innovasj" and prefix[0].prefix


# --- phrases ------------------------------------------------------------------------------------


def test_multi_word_pattern_matches_a_contiguous_inflected_phrase(result):
    hits = result.evidence[result.evidence["category_id"] == "tema.taus_kunnskap"]
    assert hits[["utterance_id", "matched_token", "normalised"]].values.tolist() == [
        ["U003", "tause kunnskapen", "taus kunnskap"]
    ]


def test_phrase_does_not_match_across_an_omission_or_a_text_boundary():
    texts = pd.Series({"a": "den tause (…) kunnskapen", "b": "det var taus", "c": "kunnskap er makt"})
    coded = code_texts(texts, pd.Series({"k": "taus kunnskap"}))
    assert coded.matrix["k"].tolist() == [0, 0, 0]


# --- matrix and evidence ------------------------------------------------------------------------


def test_matrix_has_every_category_in_codebook_order_and_every_utterance(result):
    assert list(result.matrix.columns) == CODEBOOK["category_id"].tolist()
    assert list(result.matrix.index) == ["U001", "U002", "U003", "U004", "U005"]
    assert result.matrix.index.name == "utterance_id"
    assert result.matrix.values.tolist() == [
        # tillit, samarbeid, tidspress, taus kunnskap, tom
        [0, 1, 0, 0, 0],  # U001: trepartssamarbeidet, samarbeidsorienteringen
        [1, 0, 0, 0, 0],  # U002: tillit (not the hovedtillitsvalgte, not the tillitsvalgte)
        [0, 0, 1, 1, 0],  # U003: travelt, tid (not tidligere); tause kunnskapen
        [0, 0, 0, 0, 0],  # U004
        [0, 0, 0, 0, 0],  # U005: missing text
    ]
    assert (result.matrix.dtypes == "int64").all()


def test_evidence_records_the_matched_token_pattern_and_position(result):
    assert tuple(result.evidence.columns) == EVIDENCE_COLUMNS
    rows = result.evidence[["utterance_id", "category_id", "pattern", "matched_token", "token_position"]]
    assert rows.values.tolist() == [
        ["U001", "tema.samarbeid", "samarbeid", "Trepartssamarbeidet", 0],
        ["U001", "tema.samarbeid", "samarbeid", "samarbeidsorienteringen", 3],
        ["U002", "mdi_kultur.tillit", "tillit", "tillit", 6],
        ["U003", "tema.tidspress", "travel*", "travelt", 3],
        ["U003", "tema.tidspress", "tid", "tid", 7],
        ["U003", "tema.taus_kunnskap", "taus kunnskap", "tause kunnskapen", 11],
    ]


def test_pattern_table_shows_each_pattern_normalised_with_hit_counts(result):
    table = result.patterns.set_index("pattern")
    assert table.loc["samarbeid", "n_hits"] == 2
    assert table.loc["samarbeide", "n_hits"] == 0
    assert table.loc["taus kunnskap", "normalised"] == "taus kunnskap"
    assert table.loc["travel*", "normalised"] == "travel*"
    assert result.n_tokens == 6 + 9 + 14 + 2  # (…) is a token; the missing text has none


def test_same_input_gives_identical_output():
    first = code_texts(TEXTS, CODEBOOK)
    second = code_texts(TEXTS.copy(), CODEBOOK.copy())
    pd.testing.assert_frame_equal(first.matrix, second.matrix)
    pd.testing.assert_frame_equal(first.evidence, second.evidence)
    pd.testing.assert_frame_equal(first.patterns, second.patterns)


def test_replicated_corpus_scales_counts_exactly(result):
    replicated = pd.concat([TEXTS.rename(lambda i, k=k: f"{i}-{k}") for k in range(50)])
    coded = code_texts(replicated, CODEBOOK)
    assert len(coded.evidence) == 50 * len(result.evidence)
    assert coded.matrix.sum().tolist() == [50 * n for n in result.matrix.sum().tolist()]


def test_codebook_as_series_gives_the_same_matrix(result):
    series = CODEBOOK.set_index("category_id")["patterns"]
    pd.testing.assert_frame_equal(code_texts(TEXTS, series).matrix, result.matrix)


def test_unknown_normaliser_raises_value_error():
    with pytest.raises(ValueError, match="unknown normaliser .*valid: 'lemma', 'stem', 'lower'"):
        code_texts(TEXTS, CODEBOOK, normaliser="snowball")


def test_codebook_without_patterns_column_names_the_source():
    codebook = CODEBOOK.drop(columns="patterns")
    codebook.attrs["source"] = "data/codebook/categories.csv"
    with pytest.raises(InputDataError, match="categories.csv: missing column"):
        code_texts(TEXTS, codebook)


def test_pattern_without_a_word_is_reported_with_its_row():
    codebook = pd.DataFrame({"category_id": ["a", "b"], "patterns": ["tid", "samarbeid; (…)"]})
    with pytest.raises(InputDataError) as info:
        code_texts(TEXTS, codebook)
    assert info.value.row == 2 and info.value.column == "patterns"


def test_duplicate_utterance_ids_are_refused():
    with pytest.raises(ValueError, match="must be unique"):
        code_texts(pd.Series(["tid", "tid"], index=["U1", "U1"]), CODEBOOK)


# --- kwic and co-occurrence ---------------------------------------------------------------------


def test_kwic_shows_original_tokens_around_a_category_match():
    lines = kwic(TEXTS, "tema.tidspress", CODEBOOK, window=3)
    assert lines[["utterance_id", "left", "match", "right"]].values.tolist() == [
        ["U003", "Tidligere var det", "travelt", "vi hadde ikke"],
        ["U003", "vi hadde ikke", "tid", "(…) og den"],
    ]


def test_kwic_with_a_term_and_a_phrase():
    lines = kwic(TEXTS, "taus kunnskap", window=2)
    assert lines[["left", "match", "right"]].values.tolist() == [["og den", "tause kunnskapen", "forsvant"]]
    assert kwic(TEXTS, "tillit")["match"].tolist() == ["tillit"]


def test_cooccurrence_counts_utterances_coded_with_both_categories():
    matrix = pd.DataFrame(
        {"a": [1, 1, 0, 1], "b": [1, 0, 0, 1], "c": [0, 0, 1, 0]},
        index=pd.Index(["U1", "U2", "U3", "U4"], name="utterance_id"),
    ).rename_axis(columns="category_id")
    counts = cooccurrence(matrix)
    assert counts.loc["a", "a"] == 3
    assert counts.loc["a", "b"] == counts.loc["b", "a"] == 2
    assert counts.loc["a", "c"] == 0
    assert list(counts.index) == list(counts.columns) == ["a", "b", "c"]


def test_cooccurrence_refuses_counts():
    with pytest.raises(ValueError, match="0/1"):
        cooccurrence(pd.DataFrame({"a": [2, 0]}))


# --- the project's codebook -----------------------------------------------------------------------


def test_codebook_patterns_are_fixed_points_of_the_lemmatiser_where_the_text_produces_them(thesis_file):
    """A pattern written as a lemma must normalise to itself when text forms produce that lemma;
    otherwise it silently misses the text (simplemma: ansatt -> ansette, but ansatte -> ansatt)."""
    codebook_path = paths.data_dir() / "codebook" / "categories.csv"
    if not codebook_path.is_file():
        pytest.skip("codebook not present")
    norm = get_normaliser("lemma")
    produced = set(norm.normalise_text(thesis_file.read_text(encoding="utf-8")))
    codebook = pd.read_csv(codebook_path)
    words = {
        w.lower()
        for cell in codebook["patterns"].dropna()
        for pattern in cell.split(";")
        for w in pattern.split()
        if not w.endswith("*")
    }
    broken = sorted(w for w in words if w in produced and norm.normalise(w) != w)
    # Known and accepted: bruker (user) vs the verb bruker (uses), and "legge til rette", whose
    # text form lemmatises the same way as the pattern.
    assert set(broken) <= {"bruker", "rette"}, broken


def test_a_category_without_patterns_in_a_string_column_is_manual_only_and_errors_name_the_file():
    from mdi_analysis.coding._patterns import compile_codebook

    codebook = pd.DataFrame({"category_id": ["a.x", "a.y"], "patterns": ["innovasjon", None]}, dtype="string")
    categories, patterns = compile_codebook(codebook)
    assert categories == ["a.x", "a.y"] and [p.category_id for p in patterns] == ["a.x"]
    bad = pd.DataFrame({"category_id": ["a.x"], "patterns": [3]})
    bad.attrs["file"] = "my/categories.csv"
    with pytest.raises(InputDataError, match=r"^my/categories\.csv.*row 1.*patterns"):
        compile_codebook(bad)


def test_a_heatmaps_long_title_stays_inside_the_figure():
    import matplotlib

    matplotlib.use("Agg")
    from mdi_analysis.coding import heatmap

    table = pd.DataFrame(
        {"arbeidsgiver": [0.5, 0.25], "tillitsvalgt": [0.1, 0.4]},
        index=["a very long category label that takes room on the left", "kort"],
    )
    fig = heatmap(table, "Share of each role's quotes coded with the category, a title longer than the plot")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    title = fig._suptitle.get_window_extent(renderer)
    figure = fig.bbox
    assert figure.x0 <= title.x0 and title.x1 <= figure.x1, (title, figure)


# --- pinned for the mutation run (docs/mutation.md): kwic's defaults, columns and messages -------


def test_kwic_defaults_to_six_words_of_context_and_no_negation_column():
    words = " ".join(f"w{i}" for i in range(8))
    lines = kwic(pd.Series({"U1": f"{words} tillit {words}"}), "tillit")
    assert lines.columns.tolist() == ["utterance_id", "left", "match", "right", "pattern", "token_position"]
    assert lines.values.tolist() == [["U1", "w2 w3 w4 w5 w6 w7", "tillit", "w0 w1 w2 w3 w4 w5", "tillit", 8]]


def test_kwic_window_zero_and_the_message_for_a_negative_one():
    assert kwic(TEXTS, "tillit", window=0)[["left", "right"]].values.tolist() == [["", ""]]
    with pytest.raises(OptionError, match=r"^window must be a number of words >= 0, got -1$"):
        kwic(TEXTS, "tillit", window=-1)


def test_kwic_compiles_the_pattern_with_the_chosen_normaliser():
    texts = pd.Series({"U1": "han gikk hjem"})
    assert kwic(texts, "gikk", normaliser="lower")["match"].tolist() == ["gikk"]


def test_cooccurrence_says_what_it_expects_and_counts_in_integers():
    with pytest.raises(ValueError, match=r"^cooccurrence expects a 0/1 matrix \(CodingResult\.matrix\)$"):
        cooccurrence(pd.DataFrame({"a": [2, 0]}))
    counts = cooccurrence(pd.DataFrame({"a": [1, 0], "b": [1, 1]}))
    assert counts.to_numpy().dtype == np.int64
    assert counts.to_numpy().tolist() == [[1, 1], [1, 2]]


# --- pinned for the mutation run: the corpus-level tables on a coding small enough to count by hand


def small_coding() -> CorpusCoding:
    """Six quotes, three categories; U6 is not in the barrier section 4.4.1."""
    matrix = pd.DataFrame(
        {
            "tema.tid": [1, 1, 0, 1, 0, 1],
            "tema.ledelse": [1, 0, 1, 0, 0, 0],
            "koch_barriere.kultur": [0, 1, 0, 1, 0, 0],
            "annet.x": [1, 1, 1, 1, 1, 1],
        },
        index=pd.Index(["U1", "U2", "U3", "U4", "U5", "U6"], name="utterance_id"),
    ).rename_axis(columns="category_id")
    utterances = pd.DataFrame(
        {
            "role": ["arbeidsgiver", "arbeidsgiver", "tillitsvalgt", "tillitsvalgt", "tillitsvalgt", "arbeidsgiver"],
            "section_id": ["4.4.1", "4.4.1", "4.4.1", "4.4.1", "4.4.1", "4.2"],
            "research_question": ["RQ2", "RQ2", "RQ2", "RQ2", "RQ2", "RQ1"],
        },
        index=matrix.index,
    )
    result = CodingResult(
        matrix=matrix, evidence=pd.DataFrame(), patterns=pd.DataFrame(), normaliser="lower", n_tokens=0
    )
    labels = pd.Series({"tema.tid": "Tid", "tema.ledelse": "Ledelse", "koch_barriere.kultur": "Kultur"})
    return CorpusCoding(result=result, utterances=utterances, labels=labels)


def test_frequency_by_counts_sorts_and_sums():
    table = frequency_by(small_coding(), "role")
    assert table.columns.tolist() == ["arbeidsgiver", "tillitsvalgt", "Sum"]
    assert table.index.tolist() == ["annet.x", "tema.tid", "koch_barriere.kultur", "tema.ledelse"]
    assert table.to_numpy().tolist() == [[3, 3, 6], [3, 1, 4], [1, 1, 2], [1, 1, 2]]
    assert all(dtype == np.int64 for dtype in table.dtypes)


def test_frequency_by_min_total_and_one_role():
    assert frequency_by(small_coding(), "role", min_total=3).index.tolist() == ["annet.x", "tema.tid"]
    assert frequency_by(small_coding(), "role", min_total=2).index.tolist() == [
        "annet.x",
        "tema.tid",
        "koch_barriere.kultur",
        "tema.ledelse",
    ]
    table = frequency_by(small_coding(), "section_id", role="tillitsvalgt")
    assert table.columns.tolist() == ["4.4.1", "Sum"]
    assert table["Sum"].to_dict() == {"annet.x": 3, "koch_barriere.kultur": 1, "tema.ledelse": 1, "tema.tid": 1}


def test_frequency_by_share_divides_by_the_groups_quotes():
    table = frequency_by(small_coding(), "section_id", share=True)
    assert table.columns.tolist() == ["4.2", "4.4.1"]
    assert table.loc["tema.tid"].tolist() == [1.0, 3 / 5]
    assert table.loc["tema.ledelse"].tolist() == [0.0, 2 / 5]
    assert all(dtype == np.float64 for dtype in table.dtypes)


def test_frequency_by_refuses_an_unknown_role():
    with pytest.raises(OptionError):
        frequency_by(small_coding(), "role", role="leder")


def test_with_labels_puts_the_name_first_and_leaves_the_table():
    coding = small_coding()
    table = frequency_by(coding, "role")
    labelled = with_labels(table, coding)
    assert labelled.columns.tolist() == ["kategori", "arbeidsgiver", "tillitsvalgt", "Sum"]
    assert labelled["kategori"].tolist() == ["", "Tid", "Kultur", "Ledelse"]
    assert "kategori" not in table.columns


def test_top_categories_ranks_by_count_then_id():
    table = top_categories(small_coding(), by="role", n=2)
    assert table.index.name == "role"
    assert table.to_dict("index") == {
        "arbeidsgiver": {"quotes": 3, "#1": "annet.x (3)", "#2": "tema.tid (3)"},
        "tillitsvalgt": {"quotes": 3, "#1": "annet.x (3)", "#2": "koch_barriere.kultur (1)"},
    }
    # fewer categories coded than n: empty cells; one role only
    table = top_categories(small_coding(), by="section_id", n=3, role="arbeidsgiver")
    assert table.to_dict("index") == {
        "4.2": {"quotes": 1, "#1": "annet.x (1)", "#2": "tema.tid (1)", "#3": ""},
        "4.4.1": {"quotes": 2, "#1": "annet.x (2)", "#2": "tema.tid (2)", "#3": "koch_barriere.kultur (1)"},
    }
    assert top_categories(small_coding(), by="section_id").columns.tolist() == ["quotes", "#1", "#2", "#3"]


def test_barrier_table_counts_the_barrier_section_by_role():
    table = barrier_table(small_coding())
    assert table.columns.tolist() == ["kategori", "arbeidsgiver (n=2)", "tillitsvalgt (n=3)"]
    assert table.index.tolist() == ["tema.tid", "koch_barriere.kultur", "tema.ledelse"]  # not annet.x
    assert table.drop(columns="kategori").to_numpy().tolist() == [[2, 1], [1, 1], [1, 1]]
    assert table["kategori"].tolist() == ["Tid", "Kultur", "Ledelse"]
    assert barrier_table(small_coding(), frameworks=("tema",)).index.tolist() == ["tema.tid", "tema.ledelse"]


def test_top_pairs_counts_each_pair_once():
    pairs = top_pairs(small_coding(), n=3)
    assert pairs.values.tolist() == [
        ["tema.tid", "annet.x", 4],
        ["koch_barriere.kultur", "annet.x", 2],
        ["tema.ledelse", "annet.x", 2],
    ]
    assert top_pairs(small_coding()).shape == (5, 3)  # tid–ledelse, tid–kultur (1 each) too; ledelse–kultur 0
    assert top_pairs(small_coding()).columns.tolist() == ["category_a", "category_b", "quotes"]


# --- pinned for the mutation run: pattern compilation, codebook errors, the compound table


def test_a_prefix_word_is_followed_by_the_next_word_and_a_split_prefix_keeps_its_last_part():
    assert compile_pattern("innovasj* tillit", "lower") == (
        PatternWord("innovasj", prefix=True),
        PatternWord("tillit", prefix=False),
    )
    # a chunk the tokenizer splits: only its last token is the prefix, the others are normalised
    assert compile_pattern("Arbeids/Tid*", "lower") == (
        PatternWord("arbeids", prefix=False),
        PatternWord("tid", prefix=True),
    )
    assert compile_pattern("arbeids/tid/dag*", "lower") == (
        PatternWord("arbeids", prefix=False),
        PatternWord("tid", prefix=False),
        PatternWord("dag", prefix=True),
    )
    with pytest.raises(ValueError, match=r"^pattern '\(…\)' has no word to match$"):
        compile_pattern("(…)", "lower")


@pytest.mark.parametrize(
    ("codebook", "message"),
    [
        (
            pd.DataFrame({"x": [1]}),
            "<codebook DataFrame>: missing column(s) category_id, patterns; "
            "expected columns category_id and patterns (patterns separated by ';')",
        ),
        (
            pd.DataFrame({"category_id": ["a", float("nan")], "patterns": ["a", "b"]}),
            "<codebook DataFrame>, row 2, column 'category_id': empty category_id",
        ),
        (
            pd.DataFrame({"category_id": ["a", None], "patterns": ["a", "b"]}),
            "<codebook DataFrame>, row 2, column 'category_id': empty category_id",
        ),
        (
            pd.DataFrame({"category_id": ["a"], "patterns": [3]}),
            "<codebook DataFrame>, row 1, column 'patterns': patterns is np.int64(3); expected text",
        ),
        (
            pd.DataFrame({"category_id": ["a"], "patterns": ["tillit; (…)"]}),
            "<codebook DataFrame>, row 1, column 'patterns': pattern '(…)' has no word to match; "
            "expected words, optionally ending in '*', separated by ';'",
        ),
    ],
)
def test_codebook_errors_name_the_row_column_and_what_was_expected(codebook, message):
    with pytest.raises(InputDataError) as error:
        compile_codebook(codebook, "lower")
    assert str(error.value) == message


def test_a_codebook_keeps_categories_once_and_skips_empty_cells_and_patterns():
    codebook = pd.DataFrame(
        {
            "category_id": ["a", "b", "a", "c", "d"],
            "patterns": ["tillit", None, "tid;  ;dag", pd.NA, "lønn"],
        }
    )
    categories, patterns = compile_codebook(codebook, "lower")
    assert categories == ["a", "b", "c", "d"]
    assert [(p.category_id, p.pattern) for p in patterns] == [
        ("a", "tillit"),
        ("a", "tid"),
        ("a", "dag"),
        ("d", "lønn"),
    ]


def test_compound_blocks_by_their_stars():
    assert CompoundBlock("sam*", "t").applies_to("samla")
    assert not CompoundBlock("sam*", "t").applies_to("usam")  # a prefix, not an infix
    assert not CompoundBlock("sam*", "t").applies_to("sak")
    assert CompoundBlock("*arbeid", "t").applies_to("samarbeid")
    assert not CompoundBlock("*arbeid", "t").applies_to("xrbeid")
    assert CompoundBlock("*arb*", "t").applies_to("samarbeid")
    assert CompoundBlock("tid", "t").applies_to("tid")
    assert not CompoundBlock("tid", "t").applies_to("tidx")


def test_a_compound_table_passed_in_is_read_row_by_row():
    table = pd.DataFrame(
        {
            "word_prefix_or_word": ["Tidlig*", "", "hensikt", "  alltid ", "heltid"],
            "blocked_term": ["tid", "tid", "", "TID", None],
            "reason": ["lig is no word", "x", "x", None, "x"],
        }
    )
    # empty cells are empty, not the text "nan" (a row without its term is no block)
    assert lexicalised_compounds(table) == [
        CompoundBlock("tidlig*", "tid", "lig is no word"),
        CompoundBlock("alltid", "tid", ""),
    ]
    without_reason = pd.DataFrame({"word_prefix_or_word": ["tidlig*"], "blocked_term": ["tid"]})
    assert lexicalised_compounds(without_reason) == [CompoundBlock("tidlig*", "tid", "")]


def test_a_compound_needs_a_linking_letter_between_its_parts():
    assert compound_contains("arbeidstid", "tid", "lower")
    assert not compound_contains("arbeidxtid", "tid", "lower")  # arbeid + x: x is no linking letter
    assert compound_contains("arbeidarbeide", "arbeid", "lower")  # the first place the term fits


# --- pinned for the mutation run: code_texts' three tables, exactly


def test_code_texts_gives_its_three_tables_exactly():
    texts = pd.Series({"A1": "Tillit og tid.", "A2": "Vi har taus kunnskap og tillit"}, name="text")
    codebook = pd.Series({"t.tillit": "tillit", "t.kunnskap": "taus kunnskap", "t.ingen": "lønn*"})
    result = code_texts(texts, codebook, "lower")
    assert result.normaliser == "lower"
    assert result.n_tokens == 9
    expected_matrix = pd.DataFrame(
        [[1, 0, 0], [1, 1, 0]],
        index=pd.Index(["A1", "A2"], name="utterance_id"),
        columns=pd.Index(["t.tillit", "t.kunnskap", "t.ingen"], name="category_id"),
        dtype=np.int64,
    )
    pd.testing.assert_frame_equal(result.matrix, expected_matrix)
    assert result.evidence.columns.tolist() == list(EVIDENCE_COLUMNS)
    assert result.evidence.values.tolist() == [
        ["A1", "t.tillit", "tillit", "Tillit", "tillit", 0],
        ["A2", "t.kunnskap", "taus kunnskap", "taus kunnskap", "taus kunnskap", 2],
        ["A2", "t.tillit", "tillit", "tillit", "tillit", 5],
    ]
    assert result.evidence["token_position"].dtype == np.int64
    assert result.patterns.to_dict("list") == {
        "category_id": ["t.tillit", "t.kunnskap", "t.ingen"],
        "pattern": ["tillit", "taus kunnskap", "lønn*"],
        "normalised": ["tillit", "taus kunnskap", "lønn*"],
        "n_words": [1, 2, 1],
        "n_hits": [2, 1, 0],
    }
    assert result.patterns["n_hits"].dtype == np.int64


def test_code_texts_keeps_a_named_index_and_names_an_unnamed_one():
    named = pd.Series({"A1": "tillit"}).rename_axis("quote")
    codebook = pd.Series({"t": "tillit"})
    assert code_texts(named, codebook, "lower").matrix.index.name == "quote"
    assert code_texts(named, codebook, "lower", affirmed_only=True).matrix.index.name == "quote"
    unnamed = pd.Series({"A1": "ikke tillit"})
    affirmed = code_texts(unnamed, codebook, "lower", affirmed_only=True)
    assert affirmed.matrix.index.name == "utterance_id"
    assert affirmed.matrix.to_numpy().tolist() == [[0]]


def test_code_texts_without_hits_or_patterns_gives_empty_typed_tables():
    texts = pd.Series({"A1": "ingenting her"})
    no_hits = code_texts(texts, pd.Series({"t": "tillit"}), "lower")
    assert no_hits.evidence.columns.tolist() == list(EVIDENCE_COLUMNS)
    assert len(no_hits.evidence) == 0
    assert [str(t) for t in no_hits.evidence.dtypes] == ["object"] * 5 + ["int64"]
    assert no_hits.matrix.dtypes.tolist() == [np.int64]
    no_patterns = code_texts(texts, pd.DataFrame({"category_id": ["t"], "patterns": [None]}), "lower")
    assert no_patterns.matrix.to_numpy().tolist() == [[0]]
    assert len(no_patterns.patterns) == 0
    assert no_patterns.patterns["n_hits"].dtype == np.int64


def test_code_texts_passes_its_own_compound_table_on():
    texts = pd.Series({"A1": "arbeidstid"})
    codebook = pd.Series({"t": "tid"})
    assert code_texts(texts, codebook, "lower").matrix.to_numpy().tolist() == [[1]]
    block = pd.DataFrame({"word_prefix_or_word": ["arbeidstid"], "blocked_term": ["tid"]})
    assert code_texts(texts, codebook, "lower", exceptions=block).matrix.to_numpy().tolist() == [[0]]


# --- pinned for the mutation run: code_corpus on a three-quote corpus, and what the heatmap draws


def tiny_corpus_and_codebook():
    from types import SimpleNamespace

    from mdi_analysis.io._codebook import Codebook

    corpus = SimpleNamespace(
        utterances=pd.DataFrame(
            {
                "utterance_id": ["U1", "U2", "U3"],
                "role": ["arbeidsgiver", "tillitsvalgt", "tillitsvalgt"],
                "section_id": ["4.1", "4.1", "4.2"],
                "text": ["Vi har tillit.", "Vi har ikke tillit.", "Lite tid."],
            }
        ),
        sections=pd.DataFrame({"section_id": ["4.1", "4.2"], "research_question": ["RQ1", "RQ2"]}),
    )
    codebook = Codebook(
        frameworks=pd.DataFrame({"framework_id": ["tema", "annet"]}),
        categories=pd.DataFrame(
            {
                "category_id": ["tema.tillit", "annet.tid"],
                "framework_id": ["tema", "annet"],
                "category": ["Tillit", "Tid"],
                "patterns": ["tillit", "tid"],
                "kind": ["theme", "theme"],
            }
        ),
    )
    return corpus, codebook


def test_code_corpus_codes_every_quote_with_its_metadata():
    corpus, codebook = tiny_corpus_and_codebook()
    coding = code_corpus(corpus, codebook)  # defaults: lemma, every framework, every hit
    assert coding.result.normaliser == "lemma"
    assert coding.matrix.to_dict("list") == {"tema.tillit": [1, 1, 0], "annet.tid": [0, 0, 1]}
    assert coding.matrix.index.tolist() == ["U1", "U2", "U3"]
    assert coding.utterances.index.name == "utterance_id"
    assert coding.utterances.to_dict("list") == {
        "role": ["arbeidsgiver", "tillitsvalgt", "tillitsvalgt"],
        "section_id": ["4.1", "4.1", "4.2"],
        "research_question": ["RQ1", "RQ1", "RQ2"],
    }
    assert coding.labels.to_dict() == {"tema.tillit": "Tillit", "annet.tid": "Tid"}
    affirmed = code_corpus(corpus, codebook, "lower", frameworks="tema", affirmed_only=True)
    assert affirmed.result.normaliser == "lower"
    assert affirmed.matrix.to_dict("list") == {"tema.tillit": [1, 0, 0]}


def test_a_heatmap_draws_the_table_it_is_given():
    import textwrap

    import matplotlib.pyplot as plt

    table = pd.DataFrame(
        {"kategori": ["A", "B", "C"], "g1": [0.5, 0.25, 0.0], "g2": [1.0, 0.0, 0.75], "Sum": [9, 9, 9]},
        index=["a", "b", "c"],
    )
    fig = heatmap(table, "A title", max_rows=2)
    (ax,) = fig.axes  # no colour bar
    assert [t.get_text() for t in ax.texts] == ["50%", "100%", "25%", "0%"]  # two rows, no Sum, no kategori
    assert [t.get_text() for t in ax.get_xticklabels()] == ["g1", "g2"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_xlabel() == "" and ax.get_ylabel() == ""
    mesh = ax.collections[0]
    assert mesh.cmap.name == "Blues"
    assert list(mesh.get_linewidth()) == [0.5]
    assert tuple(fig.get_size_inches()) == pytest.approx((1.1 * 2 + 4.5, 0.32 * 2 + 1.6))
    title = fig._suptitle
    assert title.get_text() == "A title"
    assert title.get_fontsize() == 11
    assert title.get_ha() == "left"
    assert title.get_position()[0] == 0.02
    long_title = " ".join(["word"] * 30)  # wraps at 8 characters per inch of width
    wrapped = heatmap(table, long_title, fmt=".0f")._suptitle.get_text()
    assert wrapped == "\n".join(textwrap.wrap(long_title, width=int((1.1 * 2 + 4.5) * 8)))
    plt.close("all")


def test_a_heatmap_of_an_empty_table_says_so():
    import matplotlib.pyplot as plt

    fig = heatmap(pd.DataFrame({"g1": []}), "Nothing")
    (ax,) = fig.axes
    assert [(t.get_text(), t.get_position(), t.get_ha(), t.get_va()) for t in ax.texts] == [
        ("no category reaches the minimum count", (0.5, 0.5), "center", "center")
    ]
    assert ax.get_title() == "Nothing"
    assert not ax.axison
    assert tuple(fig.get_size_inches()) == (6, 1.5)
    plt.close("all")


def test_compile_pattern_defaults_to_the_lemmatiser_and_keeps_a_split_prefix_literal():
    assert compile_pattern("samarbeidet") == (PatternWord("samarbeid", prefix=False),)
    # the last token of a split prefix chunk is only lower-cased, never lemmatised
    assert compile_pattern("arbeids/Samarbeidet*") == (
        PatternWord("arbeid", prefix=False),
        PatternWord("samarbeidet", prefix=True),
    )


def test_code_texts_details_the_engine_must_keep():
    # the codebook is compiled with the chosen normaliser: with "lower", "gikk" is the word itself
    assert code_texts(pd.Series({"A": "han gikk"}), pd.Series({"t": "gikk"}), "lower").matrix.values.tolist() == [[1]]
    # a prefix matches the word as written or as normalised ("gikk" is "gå")
    lemma = code_texts(pd.Series({"A": "han gikk", "B": "vi går"}), pd.Series({"w": "gikk*", "n": "gå*"}))
    assert lemma.matrix.to_dict("list") == {"w": [1, 0], "n": [1, 1]}
    # category ids keep their own type in the evidence, also mixed
    mixed = code_texts(pd.Series({"A": "tillit og tid"}), pd.Series({1: "tillit", "b": "tid"}), "lower")
    assert mixed.evidence["category_id"].tolist() == [1, "b"]
    assert [type(c) for c in mixed.evidence["category_id"]] == [int, str]
    # a plain list of texts without hits: the evidence's utterance ids are still an object column
    none = code_texts(["ingenting"], pd.Series({"t": "tillit"}), "lower")
    assert str(none.evidence["utterance_id"].dtype) == "object"
    # a phrase that ends in a prefix
    phrase = code_texts(pd.Series({"A": "den tause kunnskapen", "B": "taus"}), pd.Series({"t": "tause kunn*"}), "lower")
    assert phrase.matrix.values.tolist() == [[1], [0]]
    assert phrase.evidence["matched_token"].tolist() == ["tause kunnskapen"]


def coding_of(matrix: pd.DataFrame, roles: list[str], sections: list[str]) -> CorpusCoding:
    utterances = pd.DataFrame({"role": roles, "section_id": sections, "research_question": "RQ"}, index=matrix.index)
    result = CodingResult(
        matrix=matrix, evidence=pd.DataFrame(), patterns=pd.DataFrame(), normaliser="lower", n_tokens=0
    )
    return CorpusCoding(result=result, utterances=utterances, labels=pd.Series(dtype=object))


def test_barrier_table_keeps_both_roles_and_only_categories_coded_there():
    matrix = pd.DataFrame(
        {"tema.en": [1, 0, 0], "tema.null": [0, 0, 1], "tema.to": [1, 1, 0]},
        index=pd.Index(["U1", "U2", "U3"], name="utterance_id"),
    )
    table = barrier_table(
        coding_of(matrix, ["arbeidsgiver", "arbeidsgiver", "tillitsvalgt"], ["4.4.1", "4.4.1", "4.2"])
    )
    assert table.columns.tolist() == ["kategori", "arbeidsgiver (n=2)", "tillitsvalgt (n=0)"]
    assert table.index.tolist() == ["tema.to", "tema.en"]  # tema.null is coded outside 4.4.1 only
    assert table.drop(columns="kategori").to_numpy().tolist() == [[2, 0], [1, 0]]
    assert all(dtype == np.int64 for dtype in table.drop(columns="kategori").dtypes)


def test_top_pairs_breaks_ties_by_both_ids_and_gives_ten_by_default():
    matrix = pd.DataFrame({"a": [1, 1], "c": [1, 0], "b": [0, 1]}, index=["U1", "U2"])
    assert top_pairs(coding_of(matrix, ["arbeidsgiver"] * 2, ["4.1"] * 2)).values.tolist() == [
        ["a", "b", 1],
        ["a", "c", 1],
    ]
    six = pd.DataFrame({c: [1] for c in "abcdef"}, index=["U1"])
    assert len(top_pairs(coding_of(six, ["arbeidsgiver"], ["4.1"]))) == 10


def test_top_categories_groups_by_section_by_default():
    assert top_categories(small_coding()).index.tolist() == ["4.2", "4.4.1"]


def test_a_heatmap_shows_25_rows_by_default():
    import matplotlib.pyplot as plt

    table = pd.DataFrame({"g": [0.1] * 30}, index=[f"c{i:02d}" for i in range(30)])
    (ax,) = heatmap(table, "t").axes
    assert len(ax.get_yticklabels()) == 25
    plt.close("all")


def test_code_corpus_keeps_a_quote_whose_section_has_no_row():
    corpus, codebook = tiny_corpus_and_codebook()
    corpus.sections = corpus.sections.iloc[:1]  # 4.2 has no row
    coding = code_corpus(corpus, codebook, "lower")
    assert coding.utterances.index.tolist() == ["U1", "U2", "U3"]
    assert coding.utterances["research_question"].isna().tolist() == [False, False, True]


def test_code_texts_input_rules():
    codebook = pd.Series({"t": "tillit", "x": "xxxx"})
    # a plain list is numbered 0..n-1; a missing text (None, NaN) has no tokens and codes as zeros
    assert code_texts(["tillit"], codebook, "lower").matrix.index.tolist() == [0]
    missing = code_texts(pd.Series({"A": None, "B": float("nan"), "C": "tillit"}), codebook, "lower")
    assert missing.matrix.values.tolist() == [[0, 0], [0, 0], [1, 0]]
    assert missing.n_tokens == 1
    with pytest.raises(ValueError, match=r"^text of utterance 'A' is int, not str$"):
        code_texts(pd.Series({"A": 5}), codebook, "lower")
    repeated = pd.Series(["tillit"] * 12, index=list("aabbccddeeff"))
    with pytest.raises(ValueError, match=r"repeated: \['a', 'b', 'c', 'd', 'e'\]$"):
        code_texts(repeated, codebook, "lower")


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ({"A": "taus kunnskap"}, [[1, 0, 0]]),  # a corpus of exactly two tokens
        ({"A": "vi har taus kunnskap"}, [[1, 0, 0]]),  # the phrase ends the corpus
        ({"A": "kunnskap er taus"}, [[0, 0, 0]]),  # the first word ends it: no room for the phrase
        ({"A": "taus tid"}, [[0, 0, 0]]),  # the second word does not follow
        ({"A": "god tid og taus kunnskap"}, [[1, 1, 0]]),  # two phrases, each found
        ({"A": "hei", "B": "taus kunnskap"}, [[0, 0, 0], [1, 0, 0]]),  # a phrase opening the second text
    ],
)
def test_phrases_at_the_edges_of_the_corpus(texts, expected):
    codebook = pd.Series({"a": "taus kunnskap", "b": "god tid", "c": "tillit"})
    assert code_texts(pd.Series(texts), codebook, "lower").matrix.values.tolist() == expected


def test_two_categories_with_the_same_word_are_both_coded():
    result = code_texts(
        pd.Series({"A": "tid og tillit"}), pd.Series({"a": "tillit", "b": "tid", "c": "tillit"}), "lower"
    )
    assert result.matrix.values.tolist() == [[1, 1, 1]]
    assert result.evidence[["category_id", "token_position"]].values.tolist() == [["b", 0], ["a", 2], ["c", 2]]


def test_a_three_word_phrase_needs_room_for_all_three_words():
    codebook = pd.Series({"a": "taus kunnskap forsvant"})
    assert code_texts(pd.Series({"A": "vi er taus kunnskap"}), codebook, "lower").matrix.values.tolist() == [[0]]
    assert code_texts(pd.Series({"A": "taus kunnskap forsvant"}), codebook, "lower").matrix.values.tolist() == [[1]]


def test_a_number_is_no_text():
    with pytest.raises(ValueError, match=r"^text of utterance 'A' is float, not str$"):
        code_texts(pd.Series({"A": 1.5}), pd.Series({"t": "tillit"}), "lower")


# --- pinned for the mutation run: the compound search over the vocabulary (_WordMatcher._term_mask)


TID_WORDS = pd.Series(
    {"T1": "tidlig", "T2": "arbeidstid", "T3": "kveldstid", "T4": "helgetid", "T5": "tid", "T6": "fri-tid"},
    name="text",
)


@pytest.mark.parametrize("normaliser", ["lower", "lemma"])
def test_a_term_is_found_in_every_word_of_the_vocabulary_that_holds_it(normaliser):
    # "tidlig" comes first and holds "tid" only as letters (lig is no word): the search must go on
    # past it, and find the term in the second, third and last compound, not only the first or last.
    coded = code_texts(TID_WORDS, pd.Series({"c": "tid"}), normaliser).matrix["c"]
    assert coded.tolist() == [0, 1, 1, 1, 1, 1]


def test_a_block_never_blocks_the_term_itself():
    # "*tid" blocks every word ending in tid, but the word "tid" is the term, not a compound of it.
    exceptions = pd.DataFrame({"word_prefix_or_word": ["*tid"], "blocked_term": ["tid"], "reason": ["x"]})
    coded = code_texts(TID_WORDS, pd.Series({"c": "tid"}), "lemma", exceptions=exceptions).matrix["c"]
    assert coded.tolist() == [0, 0, 0, 0, 1, 0]


def test_a_block_applies_to_a_hyphenated_word_whose_part_is_the_term():
    # fri-tid's part "tid" equals the term, but the word is not the term: the block applies to it.
    exceptions = pd.DataFrame({"word_prefix_or_word": ["fri-tid"], "blocked_term": ["tid"], "reason": ["x"]})
    coded = code_texts(TID_WORDS, pd.Series({"c": "tid"}), "lemma", exceptions=exceptions).matrix["c"]
    assert coded.tolist() == [0, 1, 1, 1, 1, 0]


def test_the_compound_rule_is_the_coding_normalisers():
    # Under the stem normaliser "leder" + "sam" is a plausible first part, so ledersamarbeid holds
    # arbeid; the lemma normaliser's dictionary says it does not.
    texts = pd.Series({"T1": "ledersamarbeid", "T2": "arbeid"}, name="text")
    assert code_texts(texts, pd.Series({"c": "arbeid"}), "stem").matrix["c"].tolist() == [1, 1]
    assert code_texts(texts, pd.Series({"c": "arbeid"}), "lemma").matrix["c"].tolist() == [0, 1]


def test_a_block_of_one_inflected_form_leaves_the_others_of_its_lemma():
    # arbeidstiden and arbeidstid share the lemma (one unit of the vocabulary); a block of the
    # inflected form only must not end the search through the unit's other forms.
    texts = pd.Series({"T1": "arbeidstiden", "T2": "arbeidstid"}, name="text")
    exceptions = pd.DataFrame({"word_prefix_or_word": ["arbeidstiden"], "blocked_term": ["tid"], "reason": ["x"]})
    assert code_texts(texts, pd.Series({"c": "tid"}), "lemma", exceptions=exceptions).matrix["c"].tolist() == [0, 1]
