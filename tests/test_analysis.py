"""Chapter 5 themes: the data file and the evidence found in the coded quotes."""

from __future__ import annotations

import pytest

from mdi_analysis.audit import _analysis as analysis
from mdi_analysis.coding import _themes as themes
from mdi_analysis.corpus import load_corpus
from mdi_analysis.errors import InputDataError
from mdi_analysis.io._codebook import load_codebook


@pytest.fixture(scope="module")
def evidence():
    codebook, corpus = load_codebook(), load_corpus()
    table = analysis.load_analysis_themes(categories=codebook.categories["category_id"])
    coded = themes.code_corpus(corpus, codebook)
    return analysis.theme_evidence(table, coded, corpus.utterances.set_index("utterance_id")["text"])


def test_every_theme_row_is_kept_in_order(evidence):
    assert len(evidence) == 62
    assert evidence["theme_id"].tolist() == sorted(evidence["theme_id"])


def test_tidspress_in_5_1_3_is_supported_by_both_roles(evidence):
    row = evidence.set_index("theme_id").loc["A05"]
    assert row["coded AG"] >= 1 and row["coded TV"] >= 1
    assert row["example"].startswith("U0")


def test_survey_themes_have_no_quotes(evidence):
    survey = evidence[evidence["rq"].isna()]
    assert len(survey) == 3 and (survey["coded AG"] + survey["coded TV"] == 0).all()


def test_support_summary_totals(evidence):
    summary = analysis.support_summary(evidence)
    assert summary.loc["Sum", "themes"] == 62
    assert summary.loc["Sum", "explicit_theory"] == 35


def test_unknown_category_in_the_theme_file_is_a_clear_error(tmp_path):
    source = analysis.data_dir() / "expected" / "analysis_themes.csv"
    text = source.read_text(encoding="utf-8").replace("tema.okonomi,inductive", "tema.finnes_ikke,inductive", 1)
    bad = tmp_path / "analysis_themes.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(
        InputDataError, match=r"row 1 \(line 2\), column 'category_ids': unknown codebook category 'tema.finnes_ikke'"
    ):
        analysis.load_analysis_themes(bad, categories=load_codebook().categories["category_id"])


def test_the_evidence_of_one_research_question(evidence):
    from mdi_analysis.errors import OptionError

    assert analysis.evidence_of_question(evidence, None) is evidence
    two = analysis.evidence_of_question(evidence, 2)
    assert len(two) > 0 and set(two["rq"]) == {2}
    assert two["theme_id"].tolist() == evidence.loc[evidence["rq"] == 2, "theme_id"].tolist()
    questions = sorted({int(q) for q in evidence["rq"].dropna()})
    with pytest.raises(OptionError) as error:
        analysis.evidence_of_question(evidence, 9)
    message = str(error.value)
    assert "research_question" in message and "9" in message and str(questions[-1]) in message
    with pytest.raises(OptionError, match="analysis_themes.csv has no theme"):
        analysis.evidence_of_question(evidence.head(0), 1)
