"""The scoreboard: computed values against the expected file, and the pinned audit outcome."""

from __future__ import annotations

import pandas as pd
import pytest

from mdi_analysis import audit, corpus, pipeline


@pytest.fixture(scope="module")
def data():
    return audit.load_audit_data()


@pytest.fixture(scope="module")
def board(data):
    return audit.build_scoreboard(data)


def test_every_published_value_is_reproduced(board):
    values = board[board["type"] == "published value"]
    assert len(values) == 83
    assert (values["verdict"] == "reproduced").all(), values[values["verdict"] != "reproduced"]


def test_summary_line_pins_the_audit(board):
    """A change in data, coding or rules that moves a verdict shows up here (update deliberately)."""
    line = audit.summary_line(board)
    assert line.startswith("83 of 83 published values reproduced; 127 claims audited")
    assert "5 contradicted" in line and "3 agrees_above_only" in line


def test_contradicted_claims_are_the_known_disagreements(board):
    contradicted = set(board.loc[(board["type"] == "claim") & (board["verdict"] == "contradicted"), "item"])
    # C115 oppgavemotivasjon A 4.2 vs Norge 4.3; C095/C096/C126 LEAN in two municipalities (3.2 names one);
    # C023 employers and union representatives mention measurement and control alike.
    assert contradicted == {"C023", "C095", "C096", "C115", "C126"}


def test_every_claim_has_a_notebook(board):
    locations = audit.claim_locations(audit.load_claims())
    assert len(locations) == 127
    assert set(locations.loc[locations["section"].str.startswith("4.4"), "notebook"]) == {"14_reproduce-results-rq4"}
    assert set(locations.loc[locations["section"] == "5.6", "notebook"]) == {"21_analyse-chapter-5"}


def test_thesis_items_name_existing_notebooks():
    stems = {run.name for run in pipeline.pipeline_runs()}  # notebooks and the results template's parameter sets
    missing = {nb for nb in audit.item_table()["notebook"] if nb not in stems and not nb.startswith("21_")}
    missing |= set(audit.claim_locations(audit.load_claims())["notebook"]) - stems
    assert not missing


def test_results_tables_for_research_question_1(data):
    table = audit.subsection_counts(data.corpus, corpus.filter_utterances(data.corpus, "all", 1))
    assert table.loc["Sum", "Sum"] == 65
    assert table.loc["4.1.7", "title"].startswith("Forankring")
    statements = audit.section_claims(data, "4.1")
    assert statements["claim_id"].str.len().eq(4).all() and len(statements) > 10
    assert audit.section_claims(data, "4.2").empty
    themes = audit.themes_by_role(data, corpus.filter_utterances(data.corpus, "all", 4), 3)
    assert themes.loc[("arbeidsgiver", 1), "category_id"] == "tema.lederskap"
    with pytest.raises(ValueError):
        audit.research_question_text(corpus.load_corpus(), 9)


def test_themes_by_role_keeps_the_top_n_per_role_with_ties_by_id(data):
    quotes = data.corpus.utterances[data.corpus.utterances["section_id"] == "4.4.1"]  # 4 employer, 3 union
    employer, union = ["U090", "U091", "U092", "U093"], ["U094", "U095", "U096"]
    matrix = pd.DataFrame(0, index=data.coding_matrix.index, columns=data.coding_matrix.columns)
    matrix.loc[employer[:3], "tema.lederskap"] = 1
    matrix.loc[employer[:2], "tema.tidspress"] = 1
    matrix.loc[employer[2:], "tema.kultur"] = 1  # ties tema.tidspress at 2: broken by id, kultur first
    matrix.loc[employer[:1], "tema.arena"] = 1
    matrix.loc[union[:1], "tema.okonomi"] = 1
    coded = audit.AuditData(data.corpus, data.survey, data.sample, matrix, data.themes)
    top = audit.themes_by_role(coded, quotes, top_n=2)
    assert top.index.tolist() == [("arbeidsgiver", 1), ("arbeidsgiver", 2), ("tillitsvalgt", 1)]
    assert top["category_id"].tolist() == ["tema.lederskap", "tema.kultur", "tema.okonomi"]
    assert top["quotes"].tolist() == [3, 2, 1]
    assert top["share"].tolist() == [0.75, 0.5, 1 / 3]
    assert top["kategori"].str.len().gt(0).all()
    everything = audit.themes_by_role(coded, quotes, top_n=10)  # categories no quote carries are left out
    assert everything.loc["arbeidsgiver", "category_id"].tolist() == [
        "tema.lederskap",
        "tema.kultur",
        "tema.tidspress",
        "tema.arena",
    ]
    assert len(audit.themes_by_role(coded, quotes, top_n=1)) == 2
