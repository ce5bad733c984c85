"""The KS 10-faktor employee survey (thesis 3.4, 4.6, 5.6 and chapter 8).

Three municipalities (letters A, B and D, as the thesis anonymises them) ran KS's 10-faktor survey;
the thesis compares their scores (1–5) with "øvrige kommuner i Norge". Section 4.6 prints five
factors it calls MDI-relevant with a "Gjennomsnitt" (mean) row; chapter 8 prints all ten with their
descriptions. Both tables are rebuilt here from ``data/survey/`` — the published values are only
used for comparison (:mod:`mdi_analysis.io._expected`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import InputDataError, OptionError
from ..paths import data_dir, relative_to_root
from ._tables import check_allowed, read_table

MEAN_ROW = "Gjennomsnitt"
SCORE_MIN, SCORE_MAX = 1.0, 5.0

FACTORS_SCHEMA = pa.DataFrameSchema(
    {
        "factor_no": pa.Column("Int64", pa.Check.in_range(1, 10), unique=True),
        "factor_id": pa.Column("string", pa.Check.str_matches(r"^[a-z_]+$"), unique=True),
        "factor": pa.Column("string", unique=True),
        "description": pa.Column("string"),
        "mdi_relevant": pa.Column("boolean"),
        "thesis_lines": pa.Column("string", pa.Check.str_matches(r"^\d+-\d+$"), nullable=True),
        "table_4_6_line": pa.Column("Int64", nullable=True, required=False),
    },
    strict=False,
)

UNITS_SCHEMA = pa.DataFrameSchema(
    {
        "unit": pa.Column("string", pa.Check.str_matches(r"^[A-Z]{1,3}$"), unique=True),
        "label": pa.Column("string"),
        "column_label": pa.Column("string", unique=True),
        "is_reference": pa.Column("boolean"),
        "thesis_line": pa.Column("Int64", nullable=True, required=False),
    },
    strict=False,
)

SCORES_SCHEMA = pa.DataFrameSchema(
    {
        "factor_no": pa.Column("Int64", pa.Check.in_range(1, 10)),
        "unit": pa.Column("string"),
        "score": pa.Column("float64", pa.Check.in_range(SCORE_MIN, SCORE_MAX)),
        "thesis_line": pa.Column("Int64", nullable=True, required=False),
    },
    unique=["factor_no", "unit"],
    report_duplicates="exclude_first",
    strict=False,
)


@dataclass(frozen=True)
class Survey:
    """The three survey tables, validated and cross-checked."""

    factors: pd.DataFrame
    units: pd.DataFrame
    scores: pd.DataFrame

    @property
    def reference_unit(self) -> str:
        return str(self.units.loc[self.units["is_reference"], "unit"].iloc[0])


def load_survey(directory: str | Path | None = None) -> Survey:
    """Load ``ks10_factors.csv``, ``units.csv`` and ``ks10_scores.csv`` and check they fit together.

    Parameters
    ----------
    directory : str or Path, optional
        The folder with the three files; default ``data/survey``.

    Returns
    -------
    Survey
        ``factors`` (one row per factor, sorted by ``factor_no``: ``factor_no``, ``factor_id``,
        ``factor``, ``description``, ``mdi_relevant``, …), ``units`` (``unit``, ``label``,
        ``column_label``, ``is_reference``, …) and ``scores`` (long: ``factor_no``, ``unit``,
        ``score`` on the survey's 1–5 scale).

    Raises
    ------
    InputDataError
        A missing or unreadable file, a file without data rows, a row that breaks its schema (a score
        outside 1–5, a duplicate factor × unit), not exactly one reference unit, or a score for an
        unknown unit or factor.
    """
    directory = Path(directory) if directory else data_dir() / "survey"
    factors = read_table(
        directory / "ks10_factors.csv",
        FACTORS_SCHEMA,
        numeric={"factor_no": "int", "mdi_relevant": "bool", "table_4_6_line": "int"},
        min_rows=1,
    )
    units = read_table(
        directory / "units.csv", UNITS_SCHEMA, numeric={"is_reference": "bool", "thesis_line": "int"}, min_rows=1
    )
    if int(units["is_reference"].sum()) != 1:
        raise InputDataError(
            relative_to_root(directory / "units.csv"),
            f"{int(units['is_reference'].sum())} reference units",
            column="is_reference",
            expected="exactly one row with is_reference = true (the national reference)",
        )
    scores = read_table(
        directory / "ks10_scores.csv",
        SCORES_SCHEMA,
        numeric={"factor_no": "int", "score": "float", "thesis_line": "int"},
        min_rows=1,
    )
    check_allowed(scores, "unit", units["unit"], "municipality/unit code")
    check_allowed(scores, "factor_no", factors["factor_no"], "factor number")
    return Survey(factors=factors.sort_values("factor_no", ignore_index=True), units=units, scores=scores)


def select_factors(survey: Survey, factors: str | Sequence[str] = "mdi") -> pd.DataFrame:
    """The factor rows to show: ``"mdi"`` (the five of section 4.6), ``"all"`` (chapter 8) or ids/names.

    Parameters
    ----------
    survey : Survey
        From :func:`load_survey`.
    factors : {"mdi", "all"} or str or sequence of str
        A selection keyword, or ``factor_id`` values or factor names.

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``survey.factors`` (same columns), in ``factor_no`` order.

    Raises
    ------
    ValueError
        A factor that is neither a known id nor a known name.
    """
    table = survey.factors
    if isinstance(factors, str) and factors == "mdi":
        return table[table["mdi_relevant"]]
    if isinstance(factors, str) and factors == "all":
        return table
    wanted = [factors] if isinstance(factors, str) else list(factors)
    known = set(table["factor_id"]) | set(table["factor"])
    unknown = [f for f in wanted if f not in known]
    if unknown:
        ids = sorted(table["factor_id"])
        raise OptionError(f"unknown factors {unknown}; valid: 'mdi', 'all' or a list of ids from {ids}")
    return table[table["factor_id"].isin(wanted) | table["factor"].isin(wanted)]


def _unit_labels(survey: Survey, units: Sequence[str]) -> dict[str, str]:
    known = dict(zip(survey.units["unit"], survey.units["column_label"]))
    unknown = [u for u in units if u not in known]
    if unknown:
        raise OptionError(f"unknown unit(s) {unknown} (municipalities); valid: {sorted(known)}")
    return {u: known[u] for u in units}


def default_units(survey: Survey, municipalities: Sequence[str] | None = None) -> list[str]:
    """The municipalities asked for (all surveyed ones by default) followed by the national reference.

    Parameters
    ----------
    survey : Survey
        From :func:`load_survey`.
    municipalities : sequence of str, optional
        Unit codes (``"A"``, ``"B"``, ``"D"``); ``None`` takes every non-reference unit. The
        reference is dropped from it if given, and appended last.

    Returns
    -------
    list of str
        Unit codes, e.g. ``["A", "B", "D", "NO"]``; codes are not checked here (:func:`factor_table`
        does).
    """
    reference = survey.reference_unit
    if municipalities is None:
        municipalities = [u for u in survey.units["unit"] if u != reference]
    return [u for u in municipalities if u != reference] + [reference]


def factor_table(
    survey: Survey,
    factors: str | Sequence[str] = "mdi",
    units: Sequence[str] | None = None,
    *,
    mean_row: bool = True,
) -> pd.DataFrame:
    """Scores by factor (rows) and unit (columns), as in section 4.6, with an optional mean row.

    The mean is the unweighted mean of the factor scores shown, which is how the thesis's
    "Gjennomsnitt" row is built (its values equal the means of the five printed rows). It is not
    rounded here; rounding belongs to display and comparison.

    Parameters
    ----------
    survey : Survey
        From :func:`load_survey`.
    factors : {"mdi", "all"} or str or sequence of str
        As in :func:`select_factors`.
    units : sequence of str, optional
        Unit codes in column order; default :func:`default_units`.
    mean_row : bool
        Append the ``Gjennomsnitt`` row (:data:`MEAN_ROW`).

    Returns
    -------
    pandas.DataFrame
        Index ``Faktor`` (factor names, in ``factor_no`` order, then ``Gjennomsnitt``); one float
        column of scores (1–5, unrounded) per unit, named by its ``column_label`` (``A``, ``B``,
        ``D``, ``Norge``).

    Raises
    ------
    ValueError
        An unknown factor or unit code.
    """
    units = list(units) if units is not None else default_units(survey)
    labels = _unit_labels(survey, units)
    chosen = select_factors(survey, factors)
    scores = survey.scores[survey.scores["factor_no"].isin(chosen["factor_no"]) & survey.scores["unit"].isin(units)]
    wide = scores.pivot(index="factor_no", columns="unit", values="score")
    wide = wide.reindex(index=chosen["factor_no"], columns=units)
    wide.index = chosen.set_index("factor_no").loc[wide.index, "factor"].tolist()
    wide.index.name = "Faktor"
    if mean_row:
        wide.loc[MEAN_ROW] = wide.mean(axis=0)
    wide.columns = [labels[u] for u in wide.columns]
    wide.columns.name = None
    return wide.astype("float64")


def chapter8_table(survey: Survey, units: Sequence[str] | None = None) -> pd.DataFrame:
    """All ten factors with number, name, scores and description, as chapter 8 prints them.

    Parameters
    ----------
    survey : Survey
        From :func:`load_survey`.
    units : sequence of str, optional
        Unit codes in column order; default :func:`default_units`.

    Returns
    -------
    pandas.DataFrame
        One row per factor: ``Faktor`` (``"Faktor <n>"``), ``Navn``, one score column (1–5) per
        unit named by its ``column_label``, ``Beskrivelse``.

    Raises
    ------
    ValueError
        An unknown unit code.
    """
    units = list(units) if units is not None else default_units(survey)
    scores = factor_table(survey, "all", units, mean_row=False)
    factors = survey.factors.set_index("factor")
    table = scores.copy()
    table.insert(0, "Navn", table.index)
    table.insert(0, "Faktor", [f"Faktor {int(factors.loc[name, 'factor_no'])}" for name in table.index])
    table["Beskrivelse"] = [factors.loc[name, "description"] for name in table.index]
    return table.reset_index(drop=True)


def survey_values(table: pd.DataFrame, table_id: str) -> pd.DataFrame:
    """A factor table in long form keyed like ``data/expected/published_values.csv`` (for comparison).

    Parameters
    ----------
    table : pandas.DataFrame
        A frame of :func:`factor_table` (index: factor names, numeric unit columns).
    table_id : str
        The published table it reproduces, ``"4.6"`` or ``"8"``; gives the id prefix ``t4_6``/``t8``.

    Returns
    -------
    pandas.DataFrame
        Columns ``value_id`` (``t<table>.<factor>.<unit>``, ``Norge`` written ``NO``) and
        ``computed`` (the unrounded score), the input of :func:`compare_published`.
    """
    prefix = "t" + table_id.replace(".", "_")
    long = table.select_dtypes("number").stack().rename("computed").reset_index()
    long.columns = ["row", "column", "computed"]
    long["column"] = long["column"].replace({"Norge": "NO"})
    long["value_id"] = prefix + "." + long["row"] + "." + long["column"]
    return long[["value_id", "computed"]]


def plot_data(survey: Survey, factors: str | Sequence[str] = "mdi", units: Sequence[str] | None = None) -> pd.DataFrame:
    """The long table behind :func:`plot_scores` (tested, since images are not compared).

    Parameters
    ----------
    survey : Survey
        From :func:`load_survey`.
    factors : {"mdi", "all"} or str or sequence of str
        As in :func:`select_factors`.
    units : sequence of str, optional
        Unit codes; default :func:`default_units`.

    Returns
    -------
    pandas.DataFrame
        One row per factor × unit: ``Faktor``, ``Enhet`` (the unit's ``column_label``), ``Score``
        (1–5) and ``Referanse`` (True for the national reference).

    Raises
    ------
    ValueError
        An unknown factor or unit code.
    """
    table = factor_table(survey, factors, units, mean_row=False)
    long = table.reset_index().melt(id_vars="Faktor", var_name="Enhet", value_name="Score")
    reference = dict(zip(survey.units["column_label"], survey.units["is_reference"]))
    long["Referanse"] = long["Enhet"].map(reference).astype(bool)
    return long


def plot_scores(survey: Survey, factors: str | Sequence[str] = "mdi", units: Sequence[str] | None = None):
    """Scores by factor and municipality as points, against the national reference as a line.

    Parameters
    ----------
    survey : Survey
        From :func:`load_survey`.
    factors : {"mdi", "all"} or str or sequence of str
        As in :func:`select_factors`.
    units : sequence of str, optional
        Unit codes; default :func:`default_units`.

    Returns
    -------
    matplotlib.figure.Figure
        One row per factor, the score (1–5) on the x axis; the reference unit in black.

    Raises
    ------
    ValueError
        An unknown factor or unit code.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = plot_data(survey, factors, units)
    labels = list(dict.fromkeys(data["Enhet"]))
    colours = dict(
        zip([u for u in labels if not data.loc[data["Enhet"] == u, "Referanse"].any()], sns.color_palette("deep"))
    )
    colours.update({u: "black" for u in labels if u not in colours})
    height = 0.6 * data["Faktor"].nunique() + 1.6
    fig, ax = plt.subplots(figsize=(7.5, height))
    sns.stripplot(
        data=data,
        x="Score",
        y="Faktor",
        hue="Enhet",
        hue_order=labels,
        palette=colours,
        dodge=True,
        jitter=False,
        size=8,
        marker="o",
        ax=ax,
    )
    for y in range(data["Faktor"].nunique()):
        ax.axhline(y + 0.5, color="0.9", linewidth=0.8, zorder=0)
    low = max(SCORE_MIN, float(data["Score"].min()) - 0.2)
    ax.set_xlim(low, min(SCORE_MAX, float(data["Score"].max()) + 0.2))
    ax.set_xlabel("Score (1–5; black = øvrige kommuner i Norge)")
    ax.set_ylabel("")
    ax.set_title("KS 10-faktor by factor and municipality")
    ax.legend(title=None, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    return fig
