"""Sections 3.2 and 3.5: the municipalities and the respondents."""

from __future__ import annotations

import pandas as pd

from mdi_analysis.io import _expected as expected
from mdi_analysis.io import _sample as sample


def test_municipality_table_totals_count_only_stated_figures():
    table = sample.municipality_table(sample.load_sample())
    total = table.loc[sample.TOTAL_ROW]
    assert total["Innbyggere"] == 4650 + 2400 + 4500 + 4720 + 3500
    assert total["Årsverk"] == 378 + 454 + 466 + 300  # Hemsedal's årsverk is not stated
    assert total["Medarbeidere"] == 459 + 310 + 570 + 619 + 380
    assert pd.isna(table.loc["Hemsedal", "Årsverk"])


def test_coverage_says_arsverk_total_covers_four_municipalities():
    assert sample.coverage(sample.load_sample()).to_dict() == {"inhabitants": 5, "arsverk": 4, "employees": 5}


def test_respondents_are_five_per_side_ten_in_all():
    table = sample.respondent_table(sample.load_sample())
    subtotals = table[table["Stilling"] == "i alt"].set_index("Side")["Antall"].to_dict()
    assert subtotals == {"arbeidsgiver": 5, "tillitsvalgt": 5}
    assert table.loc[table["Side"] == sample.TOTAL_ROW, "Antall"].item() == 10


def test_every_published_sample_figure_is_reproduced():
    result = expected.compare_published(sample.sample_values(sample.load_sample()), ["3.1", "3.2", "3.5"])
    assert len(result) == 19
    assert (result["status"] == "reproduced").all()


def test_sample_holds_no_link_between_municipalities_and_survey_letters():
    municipalities = sample.load_sample().municipalities
    text = " ".join(str(v) for v in municipalities.to_numpy().ravel())
    for letter in ["kommune A", "kommune B", "kommune D", "Kommune A", "Kommune B", "Kommune D"]:
        assert letter not in text
    assert "innovasjonsår" not in text  # the detail that identifies kommune B and a quote (see data/README.md)
