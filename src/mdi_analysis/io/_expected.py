"""Published values from the thesis, used only to *compare* with what the code computes.

``data/expected/published_values.csv`` holds every number the thesis prints in its tables (3.1/3.2/3.5,
4.6, chapter 8), as printed, with its section and line. Nothing in the pipeline reads a result from
here: the computed values come from ``data/`` through library code, and :func:`compare_published` reports,
value by value, whether the computation reproduces the print at the printed precision.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..paths import data_dir
from ._tables import read_table

EXPECTED_SCHEMA = pa.DataFrameSchema(
    {
        "value_id": pa.Column("string", unique=True),
        "table_id": pa.Column("string"),
        "row": pa.Column("string"),
        "column": pa.Column("string"),
        "published": pa.Column("string"),
        "value": pa.Column("float64"),
        "decimals": pa.Column("Int64", pa.Check.in_range(0, 6)),
        "thesis_section": pa.Column("string"),
        "thesis_line": pa.Column("Int64", pa.Check.ge(1)),
    },
    strict=False,
)


def load_expected(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the published values, exactly as the thesis prints them.

    Parameters
    ----------
    path : str or Path, optional
        Default ``data/expected/published_values.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per printed number: ``value_id`` (unique), ``table_id``, ``row``, ``column``,
        ``published`` (the printed text), ``value`` (float), ``decimals`` (printed decimals, 0–6),
        ``thesis_section``, ``thesis_line``.

    Raises
    ------
    InputDataError
        A missing or unreadable file, or a row that breaks the schema.
    """
    path = Path(path) if path else data_dir() / "expected" / "published_values.csv"
    return read_table(path, EXPECTED_SCHEMA, numeric={"value": "float", "decimals": "int", "thesis_line": "int"})


def round_half_up(value: float, decimals: int) -> float:
    """Round as a person (and the thesis) does: 4.215 → 4.22, not banker's rounding or float noise.

    Parameters
    ----------
    value : float
        The number as computed.
    decimals : int
        Decimal places to keep (0 rounds to a whole number).

    Returns
    -------
    float
        ``value`` rounded half away from zero on its shortest decimal representation.
    """
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def compare_published(
    computed: pd.DataFrame, table_id: str | list[str] | None = None, expected: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Match computed values (``value_id``, ``computed``) with the published ones.

    Every published value of the table(s) appears in the result; one the computation did not produce
    is ``missing``; a computed value is rounded to the printed number of decimals before comparing.

    Parameters
    ----------
    computed : pandas.DataFrame
        Columns ``value_id`` and ``computed`` (float), e.g. from :func:`survey_values` or
        :func:`sample_values`; ids that are not published are ignored.
    table_id : str or list of str, optional
        Compare only these published tables (e.g. ``"4.6"``); ``None`` compares every table.
    expected : pandas.DataFrame, optional
        The published values; default :func:`load_expected`.

    Returns
    -------
    pandas.DataFrame
        One row per published value: ``value_id``, ``table_id``, ``row``, ``column``, ``published``
        (as printed), ``computed`` (rounded to the printed decimals; missing when not computed),
        ``status`` (``"reproduced"``, ``"differs"`` or ``"missing"``), ``thesis_section``,
        ``thesis_line``.
    """
    expected = load_expected() if expected is None else expected
    if table_id is not None:
        wanted = [table_id] if isinstance(table_id, str) else list(table_id)
        expected = expected[expected["table_id"].isin(wanted)]
    merged = expected.merge(computed, on="value_id", how="left")
    merged["computed_rounded"] = [
        None if pd.isna(c) else round_half_up(c, int(d)) for c, d in zip(merged["computed"], merged["decimals"])
    ]
    merged["status"] = [
        "missing" if r is None else ("reproduced" if abs(r - v) < 1e-9 else "differs")
        for r, v in zip(merged["computed_rounded"], merged["value"])
    ]
    return merged[
        [
            "value_id",
            "table_id",
            "row",
            "column",
            "published",
            "computed_rounded",
            "status",
            "thesis_section",
            "thesis_line",
        ]
    ].rename(columns={"computed_rounded": "computed"})


def published_summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """Counts of reproduced / differing / missing values per table.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The frame of :func:`compare_published` (needs ``table_id`` and ``status``).

    Returns
    -------
    pandas.DataFrame
        Index ``table_id``; columns ``reproduced``, ``differs``, ``missing`` (numbers of values) and
        ``published`` (their sum).
    """
    counts = comparison.groupby(["table_id", "status"]).size().unstack(fill_value=0)
    for status in ["reproduced", "differs", "missing"]:
        if status not in counts.columns:
            counts[status] = 0
    counts = counts[["reproduced", "differs", "missing"]]
    counts["published"] = counts.sum(axis=1)
    return counts
