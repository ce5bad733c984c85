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
    path = Path(path) if path else data_dir() / "expected" / "published_values.csv"
    return read_table(path, EXPECTED_SCHEMA, numeric={"value": "float", "decimals": "int", "thesis_line": "int"})


def round_half_up(value: float, decimals: int) -> float:
    """Round as a person (and the thesis) does: 4.215 → 4.22, not banker's rounding or float noise."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def compare_published(
    computed: pd.DataFrame, table_id: str | list[str] | None = None, expected: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Match computed values (``value_id``, ``computed``) with the published ones.

    Every published value of the table(s) appears in the result; one the computation did not produce
    is ``missing``; a computed value is rounded to the printed number of decimals before comparing.
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
        ["value_id", "table_id", "row", "column", "published", "computed_rounded", "status", "thesis_section", "thesis_line"]
    ].rename(columns={"computed_rounded": "computed"})


def published_summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """Counts of reproduced / differing / missing values per table."""
    counts = comparison.groupby(["table_id", "status"]).size().unstack(fill_value=0)
    for status in ["reproduced", "differs", "missing"]:
        if status not in counts.columns:
            counts[status] = 0
    counts = counts[["reproduced", "differs", "missing"]]
    counts["published"] = counts.sum(axis=1)
    return counts
