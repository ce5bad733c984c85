"""The study's sample: five municipalities (thesis 3.2) and ten respondents (3.5).

The municipality table names the municipalities — the thesis does — but holds nothing that links a
quote or a survey letter to a name. Missing figures (Hemsedal's årsverk) stay missing and are
excluded from totals, and the table says how many municipalities each total covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..paths import data_dir
from ._tables import read_table

ORGANISATION_MODELS = ["etatsmodell", "flat struktur"]
INNOVATION_FOCUS = ["ja", "delvis", "nei"]
SIDES = ["arbeidsgiver", "tillitsvalgt"]
TOTAL_ROW = "Sum"

MUNICIPALITIES_SCHEMA = pa.DataFrameSchema(
    {
        "municipality": pa.Column("string", unique=True),
        "inhabitants": pa.Column("Int64", pa.Check.ge(0)),
        "arsverk": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "employees": pa.Column("Int64", pa.Check.ge(0)),
        "organisation_model": pa.Column("string", pa.Check.isin(ORGANISATION_MODELS)),
        "innovation_focus": pa.Column("string", pa.Check.isin(INNOVATION_FOCUS)),
        "innovation_status": pa.Column("string"),
        "thesis_section": pa.Column("string", pa.Check.str_matches(r"^\d+(\.\d+)*$")),
        "thesis_lines": pa.Column("string", pa.Check.str_matches(r"^\d+-\d+$")),
    },
    checks=[
        pa.Check(lambda df: df["arsverk"].isna() | (df["arsverk"] <= df["employees"]), error="arsverk <= employees")
    ],
    strict=False,
)

RESPONDENTS_SCHEMA = pa.DataFrameSchema(
    {
        "side": pa.Column("string", pa.Check.isin(SIDES)),
        "position": pa.Column("string"),
        "organisation": pa.Column("string", nullable=True),
        "count": pa.Column("Int64", pa.Check.ge(1)),
        "thesis_section": pa.Column("string"),
        "thesis_lines": pa.Column("string", pa.Check.str_matches(r"^\d+-\d+$")),
    },
    unique=["side", "position", "organisation"],
    report_duplicates="exclude_first",
    strict=False,
)


@dataclass(frozen=True)
class Sample:
    municipalities: pd.DataFrame
    respondents: pd.DataFrame


def load_sample(directory: str | Path | None = None) -> Sample:
    """Read and validate ``municipalities.csv`` (3.2) and ``respondents.csv`` (3.5).

    Parameters
    ----------
    directory : str or Path, optional
        The folder with both files; default ``data/sample``.

    Returns
    -------
    Sample
        ``municipalities`` (one row per municipality: ``municipality``, ``inhabitants``, ``arsverk``
        (missing where the thesis gives none), ``employees``, ``organisation_model``,
        ``innovation_focus``, ``innovation_status``, …) and ``respondents`` (one row per side ×
        position × union: ``side``, ``position``, ``organisation``, ``count``, …).

    Raises
    ------
    InputDataError
        A missing or unreadable file, a file without data rows, or a row that breaks the schema
        (negative or non-whole counts, ``arsverk`` above ``employees``, an unknown side, a duplicate
        respondent row).
    """
    directory = Path(directory) if directory else data_dir() / "sample"
    municipalities = read_table(
        directory / "municipalities.csv",
        MUNICIPALITIES_SCHEMA,
        numeric={"inhabitants": "int", "arsverk": "int", "employees": "int"},
        min_rows=1,
    )
    respondents = read_table(directory / "respondents.csv", RESPONDENTS_SCHEMA, numeric={"count": "int"}, min_rows=1)
    return Sample(municipalities=municipalities, respondents=respondents)


def municipality_table(sample: Sample) -> pd.DataFrame:
    """Section 3.2 as a table, with a total row; the total counts only the figures the thesis gives.

    Parameters
    ----------
    sample : Sample
        From :func:`load_sample`.

    Returns
    -------
    pandas.DataFrame
        Index ``Kommune`` (the municipalities, then ``Sum``); columns ``Innbyggere`` (inhabitants),
        ``Årsverk`` (full-time equivalents), ``Medarbeidere`` (employees) as Int64, missing where not
        given, and ``Organisering``, ``Satsing på innovasjon`` (empty in the ``Sum`` row).
    """
    table = sample.municipalities.set_index("municipality")[
        ["inhabitants", "arsverk", "employees", "organisation_model", "innovation_focus"]
    ].copy()
    numeric = ["inhabitants", "arsverk", "employees"]
    totals = {column: table[column].sum(skipna=True) for column in numeric}
    table.loc[TOTAL_ROW] = pd.Series({**totals, "organisation_model": pd.NA, "innovation_focus": pd.NA})
    table.index.name = "Kommune"
    for column in numeric:
        table[column] = table[column].astype("Int64")
    return table.rename(
        columns={
            "inhabitants": "Innbyggere",
            "arsverk": "Årsverk",
            "employees": "Medarbeidere",
            "organisation_model": "Organisering",
            "innovation_focus": "Satsing på innovasjon",
        }
    )


def coverage(sample: Sample) -> pd.Series:
    """How many municipalities each total in :func:`municipality_table` covers (n of 5).

    Parameters
    ----------
    sample : Sample
        From :func:`load_sample`.

    Returns
    -------
    pandas.Series
        Named ``municipalities with a figure``; index ``inhabitants``, ``arsverk``, ``employees``,
        values the number of municipalities with a figure in that column.
    """
    frame = sample.municipalities
    return frame[["inhabitants", "arsverk", "employees"]].notna().sum().rename("municipalities with a figure")


def respondent_table(sample: Sample) -> pd.DataFrame:
    """Section 3.5: respondents by side, position and union, with subtotals per side and a total.

    Parameters
    ----------
    sample : Sample
        From :func:`load_sample`.

    Returns
    -------
    pandas.DataFrame
        Columns ``Side``, ``Stilling``, ``Organisasjon`` (``–`` when none) and ``Antall`` (persons,
        Int64); the rows of each side are followed by an ``i alt`` subtotal, the last row is ``Sum``.
    """
    frame = sample.respondents.copy()
    frame["organisation"] = frame["organisation"].fillna("–")
    rows = []
    for side in SIDES:
        part = frame[frame["side"] == side]
        rows.extend(part[["side", "position", "organisation", "count"]].itertuples(index=False, name=None))
        rows.append((side, "i alt", "", int(part["count"].sum())))
    rows.append((TOTAL_ROW, "", "", int(frame["count"].sum())))
    table = pd.DataFrame(rows, columns=["Side", "Stilling", "Organisasjon", "Antall"])
    table["Antall"] = table["Antall"].astype("Int64")
    return table


def sample_values(sample: Sample) -> pd.DataFrame:
    """The sample's figures keyed like ``data/expected/published_values.csv`` (3.1, 3.2, 3.5).

    Parameters
    ----------
    sample : Sample
        From :func:`load_sample`.

    Returns
    -------
    pandas.DataFrame
        Columns ``value_id`` (e.g. ``t3_2.<municipality>.inhabitants``, ``t3_5.<side>.<union or
        position>``, ``t3_1.interviews.total``) and ``computed`` (float), the input of
        :func:`compare_published`; figures the thesis does not give are left out.
    """
    rows: list[tuple[str, float]] = []
    for record in sample.municipalities.itertuples(index=False):
        for column in ("inhabitants", "arsverk", "employees"):
            value = getattr(record, column)
            if not pd.isna(value):
                rows.append((f"t3_2.{record.municipality}.{column}", float(value)))
    for record in sample.respondents.itertuples(index=False):
        key = record.organisation if isinstance(record.organisation, str) and record.organisation else record.position
        rows.append((f"t3_5.{record.side}.{key}", float(record.count)))
    # One interview per respondent (3.1: "10 intervjuer").
    rows.append(("t3_1.interviews.total", float(sample.respondents["count"].sum())))
    return pd.DataFrame(rows, columns=["value_id", "computed"])
