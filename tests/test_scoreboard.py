"""The scoreboard: computed values against the expected file, and the pinned audit outcome."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from mdi_analysis import audit, corpus, io, pipeline


@pytest.fixture(scope="module")
def data():
    return audit.load_audit_data()


@pytest.fixture(scope="module")
def board(data):
    return audit.build_scoreboard(data)


def test_every_published_value_is_reproduced(board):
    values = board[board["type"] != audit.CLAIM]
    assert len(values) == 83
    assert (values["verdict"] == "reproduced").all(), values[values["verdict"] != "reproduced"]


def test_summary_line_pins_the_audit(board):
    """A change in data, coding or rules that moves a verdict shows up here (update deliberately)."""
    assert audit.summary_line(board) == (
        "published values: 5 of 5 recomputed from data, 78 of 78 transcribed and checked against the thesis "
        "text; 127 claims audited, 35 flagged (68 agrees, 3 contradicted, 29 partly, 3 agrees_above_only, "
        "24 not_verifiable); basis: recorded reading 76, automatic link 0, keywords 1, tables 37, "
        "nothing published 13"
    )


def test_summary_line_counts_what_is_not_reproduced():
    board = pd.DataFrame(
        {
            "type": [audit.RECOMPUTED, audit.RECOMPUTED, audit.TRANSCRIBED, audit.CLAIM, audit.CLAIM],
            "verdict": ["reproduced", "differs", "missing", "partly", "agrees"],
        }
    )
    assert audit.summary_line(board) == (
        "published values: 1 of 2 recomputed from data, 0 of 1 transcribed and checked against the thesis text; "
        "2 claims audited, 1 flagged (1 agrees, 0 contradicted, 1 partly, 0 agrees_above_only, 0 not_verifiable)"
    )


def test_recomputed_values_are_the_computed_ones_and_transcribed_ones_are_input_cells(board, data):
    """Recomputed = derived from several input cells; transcribed = equal to one cell of data/."""
    values = board[board["type"] != audit.CLAIM].set_index("item")
    recomputed = set(values.index[values["type"] == audit.RECOMPUTED])
    assert recomputed == {f"t4_6.Gjennomsnitt.{u}" for u in ("A", "B", "D", "NO")} | {"t3_1.interviews.total"}
    scores = data.survey.scores.merge(data.survey.factors, on="factor_no")
    cells = {}
    for row in scores.itertuples():
        for table in ("t4_6", "t8"):
            cells[f"{table}.{row.factor}.{row.unit}"] = float(row.score)
    for row in data.sample.municipalities.itertuples():
        for column in ("inhabitants", "arsverk", "employees"):
            if not pd.isna(getattr(row, column)):  # Hemsedal's årsverk is not stated
                cells[f"t3_2.{row.municipality}.{column}"] = float(getattr(row, column))
    for row in data.sample.respondents.itertuples():
        key = row.organisation if isinstance(row.organisation, str) and row.organisation else row.position
        cells[f"t3_5.{row.side}.{key}"] = float(row.count)
    transcribed = values[values["type"] == audit.TRANSCRIBED]
    assert len(transcribed) == 78
    for item, row in transcribed.iterrows():
        assert float(row["computed"]) == cells[item], item
    assert not recomputed & set(cells)


def test_every_published_value_is_printed_at_its_thesis_line(thesis_file):
    """The typed copy against the thesis text: a survey row's values in column order on its line;
    a sample figure next to the word that names it, within two lines of ``thesis_line``."""
    lines = thesis_file.read_text(encoding="utf-8").splitlines()
    published = io.load_expected()
    number = r"(?<![\d.,])\d+(?:[.,]\d+)?(?![\d]|[.,]\d)"
    for (table, line), rows in published.groupby(["table_id", "thesis_line"], sort=False):
        text = lines[int(line) - 1]
        if table in ("4.6", "8"):
            printed = [n for n in re.findall(number, text) if re.search(r"[.,]", n)]
            assert printed == rows["published"].tolist(), (table, line, text)
            assert rows["row"].iloc[0] in text or table == "8", (table, line)  # chapter 8 wraps factor names
            continue
        window = " ".join(" ".join(lines[int(line) - 3 : int(line) + 2]).split())
        for row in rows.itertuples():
            word = SAMPLE_WORDS[row.column]
            assert re.search(rf"(?<![\d.,]){re.escape(row.published)} {word}", window), (row.value_id, window)
            if table == "3.2":
                assert f"{row.row} kommune" in window, row.value_id


SAMPLE_WORDS = {
    "inhabitants": "innbyggere",
    "arsverk": "årsverk",
    "employees": "medarbeidere",
    "personalleder": "personalledere",
    "rådmann": "rådmann",
    "Fagforbundet": "hovedtillitsvalgte fra Fagforbundet",
    "Utdanningsforbundet": "hovedtillitsvalgt fra Utdanningsforbundet",
    "total": "intervjuer",
}


def test_contradicted_claims_are_the_known_disagreements(board):
    contradicted = set(board.loc[(board["type"] == "claim") & (board["verdict"] == "contradicted"), "item"])
    # Since issue 12 (evidence first): C082 the quote that says it is a union representative's, not an
    # employer's (wrong attribution); C052, C098 the quotes the reading links say the opposite.
    # No longer contradicted: C115 (two of three comparisons hold: partly), C095/C096/C126 (a 3.2
    # profile's silence about LEAN is no evidence: not_verifiable), C023 (one of three linked quotes
    # opposes: partly).
    assert contradicted == {"C052", "C082", "C098"}


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
