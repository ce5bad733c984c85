"""Corpus description and theme tables (notebooks 02 and 03)."""

from __future__ import annotations

import pandas as pd
import pytest

from mdi_analysis import audit, coding, io
from mdi_analysis.corpus import counts_by, filter_utterances, length_summary, load_corpus, reprint_table


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def coded(corpus):
    return coding.code_corpus(corpus, io.load_codebook())


def test_counts_by_section_and_question(corpus):
    table = counts_by(filter_utterances(corpus), "research_question")
    assert table.loc["Sum", "Sum"] == 121
    assert table.loc["Sum", "arbeidsgiver"] == 64 and table.loc["Sum", "tillitsvalgt"] == 57
    assert table.loc[2, "Sum"] == 6  # 4.2.1 only


def test_filters(corpus):
    union_rq4 = filter_utterances(corpus, "tillitsvalgt", 4)
    assert len(union_rq4) == 3 and set(union_rq4["section_id"]) == {"4.4.1"}
    with pytest.raises(ValueError, match="unknown role .leder.*valid: .all., .arbeidsgiver., .tillitsvalgt."):
        filter_utterances(corpus, "leder")
    with pytest.raises(ValueError, match="research_question"):
        filter_utterances(corpus, "all", 7)


def test_length_summary_totals_match_corpus(corpus):
    table = length_summary(corpus.utterances)
    assert table.loc["Sum", "words"] == int(corpus.utterances["n_words"].sum())
    assert table.loc["Sum", "quotes"] == 121


def test_reprints_are_the_eight_links(corpus):
    table = reprint_table(corpus)
    assert len(table) == 8
    row = table.set_index("re-print").loc["U121"]
    assert (row["first printing"], row["relation"], row["similarity"]) == ("U065", "contained", 1.0)


def test_codebook_loads_with_all_frameworks():
    codebook = io.load_codebook()
    assert len(codebook.frameworks) == 22 and len(codebook.categories) == 119
    assert len(codebook.select("mdi_kultur")) == 9
    assert len(codebook.select("ks_10faktor")) == 10
    assert set(codebook.select(kind="inductive")["framework_id"]) == {"tema"}
    with pytest.raises(ValueError, match="unknown framework"):
        codebook.select("finnes_ikke")


def test_barrier_table_reproduces_leadership_by_role(coded):
    table = coding.barrier_table(coded)
    assert table.loc["tema.lederskap", "arbeidsgiver (n=4)"] == 3
    assert table.loc["tema.lederskap", "tillitsvalgt (n=3)"] == 0
    assert table.loc["tema.tidspress", "tillitsvalgt (n=3)"] == 2


def test_frequency_by_role_counts_quotes_not_hits(coded):
    table = coding.frequency_by(coded, "role")
    assert table.loc["tema.trepartssamarbeid", "Sum"] == int(coded.matrix["tema.trepartssamarbeid"].sum())
    shares = coding.frequency_by(coded, "role", share=True)
    assert 0 <= shares.to_numpy().min() and shares.to_numpy().max() <= 1


def test_top_categories_in_the_tripartite_section(coded):
    top = coding.top_categories(coded, "section_id", 3)
    assert "tema.trepartssamarbeid" in " ".join(map(str, top.loc["4.1.8"].tolist()))


def test_coding_of_a_framework_subset_keeps_only_its_columns(corpus):
    subset = coding.code_corpus(corpus, io.load_codebook(), frameworks="tema")
    assert all(c.startswith("tema.") for c in subset.matrix.columns)


def test_tables_work_on_an_imported_corpus_without_every_question(tmp_path):
    """A researcher's own transcripts: one role, two research questions, no commentary spans."""
    from mdi_analysis import exchange
    from mdi_analysis.paths import project_root

    fixture = project_root() / "tests" / "fixtures" / "transcripts" / "intervju_arbeidsgiver.txt"
    assert exchange.import_transcripts_main([str(fixture), "--out", str(tmp_path / "corpus")]) == 0
    corpus = load_corpus(tmp_path / "corpus")
    empty = filter_utterances(corpus, "all", 2)
    assert empty.empty
    assert audit.subsection_counts(corpus, empty).loc["Sum", "Sum"] == 0
    data = audit.load_audit_data(tmp_path / "corpus")
    assert audit.themes_by_role(data, empty).empty
    audited = audit.audit(audit.load_claims(), data).set_index("claim_id")
    assert audited.loc["C041", "verdict"] == "not_verifiable"  # «ovennevnte» needs commentary spans


def test_length_summary_per_role_on_a_small_table():
    quotes = pd.DataFrame(
        {"role": ["arbeidsgiver", "tillitsvalgt", "arbeidsgiver", "arbeidsgiver"], "n_words": [10, 5, 60, 20]}
    )
    table = length_summary(quotes)
    assert table.index.tolist() == ["arbeidsgiver", "tillitsvalgt", "Sum"]
    assert table.loc["arbeidsgiver"].tolist() == [3, 30.0, 20.0, 10, 60, 90]
    assert table.loc["tillitsvalgt"].tolist() == [1, 5.0, 5.0, 5, 5, 5]
    assert table.loc["Sum"].tolist() == [4, 23.75, 15.0, 5, 60, 95]
    assert [str(t) for t in table.dtypes] == ["int64", "float64", "float64", "int64", "int64", "int64"]


def test_counts_by_on_a_small_table():
    quotes = pd.DataFrame(
        {
            "role": ["arbeidsgiver", "tillitsvalgt", "arbeidsgiver", "arbeidsgiver", "tillitsvalgt"],
            "section_id": ["4.1.1", "4.1.1", "4.1.2", "4.1.1", "4.1.3"],
        }
    )
    table = counts_by(quotes, "section_id")
    assert table.index.name == "section_id" and table.columns.name is None
    assert table.to_dict("index") == {
        "4.1.1": {"arbeidsgiver": 2, "tillitsvalgt": 1, "Sum": 3},
        "4.1.2": {"arbeidsgiver": 1, "tillitsvalgt": 0, "Sum": 1},
        "4.1.3": {"arbeidsgiver": 0, "tillitsvalgt": 1, "Sum": 1},
        "Sum": {"arbeidsgiver": 3, "tillitsvalgt": 2, "Sum": 5},
    }
    only_one_role = counts_by(quotes[quotes["role"] == "tillitsvalgt"], "section_id")
    assert only_one_role["arbeidsgiver"].tolist() == [0, 0, 0]  # a role without quotes is a column of zeros
