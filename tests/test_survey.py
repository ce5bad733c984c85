"""The KS 10-faktor tables of 4.6 and chapter 8, computed from data/ and compared with the thesis."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from mdi_analysis.errors import OptionError
from mdi_analysis.io import _expected as expected
from mdi_analysis.io import _survey as survey


@pytest.fixture(scope="module")
def ks() -> survey.Survey:
    return survey.load_survey()


def test_survey_has_ten_factors_four_units_forty_scores(ks):
    assert len(ks.factors) == 10
    assert list(ks.units["unit"]) == ["A", "B", "D", "NO"]
    assert len(ks.scores) == 40
    assert ks.reference_unit == "NO"


def test_the_five_mdi_factors_are_those_of_section_4_6(ks):
    chosen = survey.select_factors(ks, "mdi")["factor"].tolist()
    assert chosen == [
        "Oppgavemotivasjon",
        "Mestringstro",
        "Selvstendighet",
        "Bruk av kompetanse",
        "Mestringsorientert ledelse",
    ]


def test_gjennomsnitt_row_reproduces_4_6(ks):
    table = survey.factor_table(ks, "mdi")
    means = table.loc[survey.MEAN_ROW]
    assert [expected.round_half_up(v, 2) for v in means] == [4.22, 4.18, 4.22, 4.18]
    assert list(table.columns) == ["A", "B", "D", "Norge"]


def test_every_published_survey_value_is_reproduced(ks):
    computed = survey.survey_values(survey.factor_table(ks, "mdi"), "4.6")
    computed_8 = survey.survey_values(survey.factor_table(ks, "all", mean_row=False), "8")
    result = expected.compare_published(pd.concat([computed, computed_8]), ["4.6", "8"])
    assert len(result) == 24 + 40
    assert (result["status"] == "reproduced").all(), result[result["status"] != "reproduced"]


def test_comparison_detects_a_wrong_value(ks):
    computed = survey.survey_values(survey.factor_table(ks, "mdi"), "4.6")
    computed.loc[computed["value_id"] == "t4_6.Gjennomsnitt.B", "computed"] = 4.2
    result = expected.compare_published(computed, "4.6").set_index("value_id")
    assert result.loc["t4_6.Gjennomsnitt.B", "status"] == "differs"
    assert (result["status"] == "reproduced").sum() == 23


def test_all_ten_factors_mean_is_the_mean_of_ten(ks):
    table = survey.factor_table(ks, "all", ["A", "NO"])
    assert len(table) == 11
    assert table.loc[survey.MEAN_ROW, "A"] == pytest.approx(42.3 / 10)


def test_municipality_parameter_selects_columns_and_keeps_reference(ks):
    units = survey.default_units(ks, ["B"])
    assert units == ["B", "NO"]
    assert list(survey.factor_table(ks, "mdi", units).columns) == ["B", "Norge"]


def test_unknown_factor_or_unit_is_a_clear_error(ks):
    # OptionError: run (`-p municipalities '[C]'`) turns it into one line naming the valid values
    with pytest.raises(OptionError, match="unknown factor"):
        survey.select_factors(ks, ["motivasjon"])
    message = "unknown unit(s) ['C'] (municipalities); valid: ['A', 'B', 'D', 'NO']"
    with pytest.raises(OptionError, match=re.escape(message)):
        survey.factor_table(ks, "mdi", ["C", "NO"])


def test_chapter8_table_has_names_scores_and_descriptions(ks):
    table = survey.chapter8_table(ks)
    assert list(table.columns) == ["Faktor", "Navn", "A", "B", "D", "Norge", "Beskrivelse"]
    row = table.set_index("Navn").loc["Relevant kompetanseutvikling"]
    assert (row["A"], row["B"], row["D"], row["Norge"]) == (3.8, 3.7, 3.8, 3.7)
    assert row["Faktor"] == "Faktor 7"
    assert row["Beskrivelse"].startswith("Relevant kompetanseutvikling er avgjørende")


def test_plot_data_is_one_row_per_factor_and_unit_with_reference_flag(ks):
    data = survey.plot_data(ks, "mdi")
    assert len(data) == 5 * 4
    assert data.loc[data["Referanse"], "Enhet"].unique().tolist() == ["Norge"]
    row = data[(data["Faktor"] == "Mestringsorientert ledelse") & (data["Enhet"] == "Norge")]
    assert row["Score"].item() == 3.9


def test_data_matches_the_chapter_8_table_printed_in_the_thesis(ks, thesis_file):
    """Independent check of the transcription: parse chapter 8 straight from the thesis text."""
    lines = thesis_file.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("8. Tabell"))
    rows = [re.findall(r"\b[1-5],\d\b", line) for line in lines[start : start + 90]]
    rows = [r for r in rows if len(r) == 4]
    assert len(rows) == 10
    table = survey.factor_table(ks, "all", mean_row=False)
    for (factor, values), printed in zip(table.iterrows(), rows):
        assert [f"{v:.1f}".replace(".", ",") for v in values] == printed, factor
