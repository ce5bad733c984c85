"""The survey tables and figure pinned where the thesis data never reach: unit orders, a factor by
name, shuffled input, the reference check's message, and what the figure shows.

Why apart from ``test_survey.py``: those tests reproduce the printed tables, which always use every
unit in the default order and the five or ten factors; a mutant that ignores a caller's ``units``,
takes a single factor name for a list of letters or sorts the factors by file order passed them.
The figure is not compared by nbval (images are not), so what it shows is checked here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest

from mdi_analysis import paths
from mdi_analysis.errors import InputDataError
from mdi_analysis.io import _survey as survey

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def ks() -> survey.Survey:
    return survey.load_survey()


@pytest.fixture()
def survey_copy(tmp_path: Path) -> Path:
    target = tmp_path / "survey"
    shutil.copytree(paths.data_dir() / "survey", target)
    return target


# ------------------------------------------------------------------------------ loading


@pytest.mark.parametrize(("make_reference", "count"), [("D", 2), (None, 0)])
def test_exactly_one_reference_unit_and_the_message_says_how_many(survey_copy, make_reference, count):
    units = survey_copy / "units.csv"
    text = units.read_text(encoding="utf-8")
    if make_reference:
        text = text.replace("D,Kommune D,D,false", "D,Kommune D,D,true")
    else:
        text = text.replace("true", "false")
    units.write_text(text, encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        survey.load_survey(survey_copy)
    assert str(info.value) == (
        f"{units}, column 'is_reference': {count} reference units; "
        "expected exactly one row with is_reference = true (the national reference)"
    )


def test_a_score_of_a_factor_the_factor_file_lacks_is_named(survey_copy):
    # The schema allows factor numbers 1-10; the cross-file check names one ks10_factors.csv lacks,
    # as the file spells it ('10', not numpy's np.int64(10)).
    factors = survey_copy / "ks10_factors.csv"
    lines = factors.read_text(encoding="utf-8").splitlines()
    factors.write_text("\n".join(line for line in lines if not line.startswith("10,")) + "\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        survey.load_survey(survey_copy)
    assert str(info.value) == (
        f"{survey_copy / 'ks10_scores.csv'}, row 37 (line 38), column 'factor_no': "
        "unknown factor number '10'; expected one of 1, 2, 3, 4, 5, 6, 7, 8, 9"
    )


def test_factors_come_sorted_by_number_whatever_the_file_order(survey_copy):
    factors = survey_copy / "ks10_factors.csv"
    header, *rows = factors.read_text(encoding="utf-8").splitlines()
    factors.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    loaded = survey.load_survey(survey_copy)
    assert loaded.factors["factor_no"].tolist() == list(range(1, 11))
    assert loaded.factors.index.tolist() == list(range(10))


# ------------------------------------------------------------------------------ tables


def test_one_factor_by_id_or_name(ks):
    assert survey.select_factors(ks, "mestringstro")["factor"].tolist() == ["Mestringstro"]
    assert survey.select_factors(ks, "Rolleklarhet")["factor_no"].tolist() == [6]
    assert survey.factor_table(ks, "mestringstro", mean_row=False).index.tolist() == ["Mestringstro"]


def test_factor_table_keeps_the_callers_unit_order_and_plain_float_columns(ks):
    table = survey.factor_table(ks, "mdi", ["D", "NO", "A"], mean_row=False)
    assert table.columns.tolist() == ["D", "Norge", "A"]
    assert table.columns.name is None and table.index.name == "Faktor"
    assert table.loc["Oppgavemotivasjon"].tolist() == [4.3, 4.3, 4.2]
    assert (table.dtypes == "float64").all()


def test_chapter8_table_with_chosen_units(ks):
    table = survey.chapter8_table(ks, ["D", "NO"])
    assert table.columns.tolist() == ["Faktor", "Navn", "D", "Norge", "Beskrivelse"]
    assert len(table) == 10
    assert table.iloc[9][["Faktor", "Navn", "D", "Norge"]].tolist() == [
        "Faktor 10",
        "Nytteorientert motivasjon",
        4.7,
        4.7,
    ]


def test_plot_data_with_chosen_units(ks):
    data = survey.plot_data(ks, "mestringstro", ["B", "NO"])
    assert data.to_dict("list") == {
        "Faktor": ["Mestringstro", "Mestringstro"],
        "Enhet": ["B", "Norge"],
        "Score": [4.2, 4.3],
        "Referanse": [False, True],
    }


def test_survey_values_are_keyed_like_the_published_values(ks):
    values = survey.survey_values(survey.factor_table(ks, "mestringstro", ["A", "NO"], mean_row=False), "4.6")
    assert values.columns.tolist() == ["value_id", "computed"]
    assert values.to_dict("list") == {
        "value_id": ["t4_6.Mestringstro.A", "t4_6.Mestringstro.NO"],
        "computed": [4.3, 4.3],
    }


# ------------------------------------------------------------------------------ the figure


def test_the_figure_shows_each_score_as_a_point_and_the_reference_in_black(ks):
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig = survey.plot_scores(ks)
    try:
        ax = fig.axes[0]
        assert fig.get_size_inches().tolist() == pytest.approx([7.5, 0.6 * 5 + 1.6])
        factors = survey.select_factors(ks, "mdi")["factor"].tolist()
        assert [t.get_text() for t in ax.get_yticklabels()] == factors
        # one point per factor and unit, dodged around the factor's row, not jittered: x is the score
        table = survey.factor_table(ks, "mdi", mean_row=False)
        deep = [mcolors.to_hex(c) for c in sns.color_palette("deep")[:3]]
        points = [(c.get_offsets()[0].tolist(), mcolors.to_hex(c.get_facecolor()[0])) for c in ax.collections]
        expected = []
        for row, factor in enumerate(factors):
            for i, (unit, colour) in enumerate(zip(["A", "B", "D", "Norge"], [*deep, "#000000"])):
                expected.append(([table.loc[factor, unit], row - 0.3 + 0.2 * i], colour))
        assert [(pytest.approx(xy), colour) for xy, colour in expected] == points
        assert all(c.get_sizes().tolist() == [64] for c in ax.collections)  # size 8 points
        assert all(len(c.get_paths()[0].vertices) == 26 for c in ax.collections)  # a circle ("o")
        # light separators between the factor rows, behind the points
        separators = [line for line in ax.lines if line.get_zorder() == 0]
        assert [line.get_ydata()[0] for line in separators] == [0.5, 1.5, 2.5, 3.5, 4.5]
        assert {(line.get_color(), line.get_linewidth()) for line in separators} == {("0.9", 0.8)}
        # the x range: the scores with 0.2 on each side, within the scale 1-5
        assert ax.get_xlim() == pytest.approx((3.7, 4.5))
        assert ax.get_xlabel() == "Score (1–5; black = øvrige kommuner i Norge)"
        assert ax.get_ylabel() == ""
        assert ax.get_title() == "KS 10-faktor by factor and municipality"
        legend = ax.get_legend()
        assert [t.get_text() for t in legend.get_texts()] == ["A", "B", "D", "Norge"]
        assert legend.get_title().get_text() == "" and not legend.get_frame_on()
        assert legend._loc == 6  # "center left", outside the axes to the right
        anchor = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
        assert (anchor.x0, anchor.y0) == pytest.approx((1.01, 0.5))
    finally:
        plt.close(fig)


def test_the_figure_range_stops_at_the_scale(ks):
    import matplotlib.pyplot as plt

    scores = ks.scores.copy()
    scores.loc[scores["factor_no"] == 1, "score"] = [1.0, 5.0, 3.0, 3.0]
    fig = survey.plot_scores(survey.Survey(factors=ks.factors, units=ks.units, scores=scores), "oppgavemotivasjon")
    try:
        assert fig.axes[0].get_xlim() == (1.0, 5.0)
        assert fig.get_size_inches().tolist() == pytest.approx([7.5, 0.6 + 1.6])
    finally:
        plt.close(fig)
