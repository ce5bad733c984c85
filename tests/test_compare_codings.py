"""Agreement of category codings (stats._coding_agreement) and notebook 08 on an imported project.

The figures are scikit-learn's (kappa through ``stats.cohen_kappa``, which is tested equal to it),
so these tests pin the 2×2 bookkeeping around them: which quotes count, what an empty side gives,
NVivo's conventions for two coders, and the thesis reading from the chapter-5 themes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, precision_score, recall_score
from test_qda_foreign import Project  # the project builder in the styles of QDA programs

from mdi_analysis import exchange, paths, stats
from mdi_analysis.errors import OptionError

CATEGORIES = pd.DataFrame(
    {
        "category_id": ["a.x", "a.y", "a.z"],
        "category": ["X", "Y", "Z"],
        "patterns": ["x", "y", None],
    }
)
IDS = ["U1", "U2", "U3", "U4", "U5"]


def _matrix(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(pairs, columns=["utterance_id", "category_id"])
    return stats.coding_matrix(frame, IDS, CATEGORIES["category_id"])


def test_category_agreement_is_scikit_learns_per_category_with_the_manual_coding_as_reference():
    manual = _matrix([("U1", "a.x"), ("U2", "a.x"), ("U3", "a.z"), ("U4", "a.y")])
    keyword = _matrix([("U1", "a.x"), ("U5", "a.x"), ("U4", "a.y")])
    table = stats.category_agreement(manual, keyword, CATEGORIES).set_index("category_id")
    truth, predicted = manual["a.x"].to_numpy(), keyword["a.x"].to_numpy()
    assert table.loc["a.x", "kappa"] == pytest.approx(cohen_kappa_score(truth, predicted))
    assert table.loc["a.x", "precision"] == pytest.approx(precision_score(truth, predicted))
    assert table.loc["a.x", "recall"] == pytest.approx(recall_score(truth, predicted))
    assert table.loc[
        "a.x", ["manual_n", "keyword_n", "both_n", "manual_not_keyword", "keyword_not_manual"]
    ].tolist() == [
        2,
        2,
        1,
        1,
        1,
    ]
    assert table.loc["a.y", "kappa"] == pytest.approx(1.0)
    # Z has no patterns: manual only, never found, recall 0 and no precision (nothing was found).
    assert bool(table.loc["a.z", "manual_only"]) and bool(table.loc["a.z", "never_found"])
    assert table.loc["a.z", "recall"] == 0 and np.isnan(table.loc["a.z", "precision"])
    summary = stats.agreement_summary(table.reset_index())
    assert summary.loc[0, ["manual_used", "never_found", "used_but_never_found"]].tolist() == [3, 1, 1]
    assert stats.most_disputed(table.reset_index()) == "a.x"


def test_coder_agreement_reports_like_nvivos_coding_comparison():
    a = _matrix([("U1", "a.x"), ("U2", "a.x"), ("U3", "a.y")])
    b = _matrix([("U1", "a.x"), ("U3", "a.x"), ("U3", "a.y")])
    table = stats.coder_agreement(a, b, CATEGORIES).set_index("category_id")
    # a.x: both U1; A only U2; B only U3; neither U4, U5 → 3 of 5 agree.
    assert table.loc["a.x", "agreement_pct"] == pytest.approx(60.0)
    assert table.loc["a.x", ["a_and_b_pct", "neither_pct", "a_not_b_pct", "b_not_a_pct"]].tolist() == [20, 40, 20, 20]
    assert table.loc["a.x", "kappa"] == pytest.approx(cohen_kappa_score(a["a.x"], b["a.x"]))
    # Identical codings: kappa 1, as NVivo reports it, also when neither coder uses the code.
    assert table.loc["a.y", "kappa"] == 1.0 and table.loc["a.z", "kappa"] == 1.0
    assert table.loc["a.z", "agreement_pct"] == 100.0


def test_disagreements_show_the_firing_words_and_the_missed_quotes():
    texts = pd.Series({"U1": "x her", "U2": "ingen treff her", "U3": "", "U4": "", "U5": "en x til"}, name="text")
    manual = _matrix([("U1", "a.x"), ("U2", "a.x")])
    keyword = _matrix([("U1", "a.x"), ("U5", "a.x")])
    kwic = pd.DataFrame(
        [("U1", "", "x", "her"), ("U5", "en", "x", "til")], columns=["utterance_id", "left", "match", "right"]
    )
    table = stats.disagreements(manual, keyword, "a.x", texts, kwic)
    assert table[["utterance_id", "disagreement", "match", "right"]].values.tolist() == [
        ["U2", "manual only", "", "ingen treff her"],
        ["U5", "keyword only", "x", "til"],
    ]
    assert stats.disagreements(manual, keyword, None, texts, None).empty


def test_thesis_reading_codes_the_quotes_of_a_themes_sections_and_side():
    utterances = pd.DataFrame(
        {
            "utterance_id": ["U1", "U2", "U3"],
            "section_id": ["4.1.1", "4.1.1", "4.2.1"],
            "role": ["arbeidsgiver", "tillitsvalgt", "tillitsvalgt"],
        }
    )
    themes = pd.DataFrame(
        {
            "theme_id": ["A01", "A02"],
            "category_ids": ["t.a;t.b", "t.c"],
            "evidence_sections": ["4.1.1", "4.1.1;4.2.1"],
            "roles": ["tillitsvalgt", "both"],
        }
    )
    pairs = stats.codings_from_themes(themes, utterances)
    assert set(zip(pairs["utterance_id"], pairs["category_id"])) == {
        ("U2", "t.a"),
        ("U2", "t.b"),
        ("U1", "t.c"),
        ("U2", "t.c"),
        ("U3", "t.c"),
    }


def test_manual_coding_takes_the_first_human_coder_and_names_a_wrong_one(tmp_path: Path):
    codings = pd.DataFrame(
        {"utterance_id": ["U1", "U2"], "category_id": ["a.x", "a.y"], "coder": ["keyword-lemma", "kari"]}
    )
    name, chosen = stats.manual_coding(codings, None, pd.DataFrame(), pd.DataFrame())
    assert name == "kari" and chosen["category_id"].tolist() == ["a.y"]
    with pytest.raises(
        OptionError,
        match=r"manual_coder 'ola' is not a coder of this corpus; expected one of \['thesis', 'keyword-lemma', 'ka",
    ):
        stats.manual_coding(codings, "ola", pd.DataFrame(), pd.DataFrame())


# --------------------------------------------------------------------------------------------
# Notebooks on an imported project
# --------------------------------------------------------------------------------------------


def _two_coder_project(tmp_path: Path) -> Path:
    """An imported project with two human coders and a codebook with patterns on one code."""
    project = Project()
    project.user("Koder A")
    project.user("Koder B")
    texts = {
        "Intervju 1": "Vi har dårlig tid til å tenke nytt.",
        "Intervju 2": "Ledelsen gir oss tid og rom.",
        "Intervju 3": "Tillitsvalgte blir tatt med tidlig.",
    }
    for name, text in texts.items():
        codings = [("Koder A", "Tema/Tidspress", 0, 5)] if "tid " in text else []
        codings += (
            [("Koder B", "Tema/Tidspress", 0, 5)] if name != "Intervju 3" else [("Koder B", "Tema/Medvirkning", 0, 5)]
        )
        project.source(
            name, text, codings=codings, variables={"Rolle": "arbeidsgiver" if name != "Intervju 3" else "tillitsvalgt"}
        )
    code = next(c for c in project.root.iter("Code") if c.get("name") == "Tidspress")
    element = project.root.makeelement("Description", {})
    element.text = "Lite tid.\nKeyword patterns: tid;tidspress"
    code.insert(0, element)
    folder = tmp_path / "imported"
    exchange.qdpx_to_corpus(project.write(tmp_path / "two.qdpx"), folder, role_from="variable:Rolle")
    return folder


def test_notebooks_02_and_08_run_on_an_imported_project(tmp_path: Path):
    folder = _two_coder_project(tmp_path)
    runs = {}
    for notebook in ("02", "08"):
        out = tmp_path / f"run{notebook}"
        result = subprocess.run(
            [sys.executable, "-m", "mdi_analysis", "run", notebook, "-p", "corpus_dir", str(folder), "--out", str(out)],
            capture_output=True,
            text=True,
            cwd=paths.project_root(),
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        runs[notebook] = nbformat.read(next(out.glob("*.ipynb")), as_version=4)
    printed = "".join(
        output.get("text", "") + output.get("data", {}).get("text/plain", "")  # printed lines and tables
        for cell in runs["08"].cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    assert "manual coding: koder-a" in printed
    assert "A = koder-a, B = koder-b" in printed
    assert "tema.tidspress" in printed


def test_compare_human_coders_picks_the_first_two_humans_and_says_when_there_is_no_pair():
    codings = pd.DataFrame(
        [
            ("U1", "a.x", "anna"),
            ("U2", "a.x", "anna"),
            ("U1", "a.x", "bo"),
            ("U3", "a.y", "bo"),
            ("U5", "a.y", "keyword-lemma"),
        ],
        columns=["utterance_id", "category_id", "coder"],
    )
    table, first, second = stats.compare_human_coders(codings, IDS, CATEGORIES)
    assert (first, second) == ("anna", "bo")
    # a.z is used by neither coder and left out; a.x: U1 both, U2 anna only → 4 of 5 agree
    assert table["category_id"].tolist() == ["a.x", "a.y"]
    assert table.set_index("category_id").loc["a.x", "agreement_pct"] == pytest.approx(80.0)
    alone, first, second = stats.compare_human_coders(codings[codings["coder"] != "bo"], IDS, CATEGORIES)
    assert alone.empty and (first, second) == ("anna", None)
