"""The theory codebook (``data/codebook/``): frameworks of chapter 2 and the thesis's own themes.

Loaded with schemas so a researcher who adds a category gets a clear error for a duplicate id, a
framework that does not exist or an empty pattern list, instead of a silently uncoded category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..paths import data_dir
from ._tables import check_allowed, fail_row, read_table

KINDS = ["deductive", "inductive"]
ID = r"^[a-z0-9_]+$"
CATEGORY_ID = r"^[a-z0-9_]+\.[a-z0-9_]+$"
#: One or more patterns separated by ';': lower-case words (letters, digits, hyphens), spaces
#: between the words of a phrase, an optional trailing '*' for an explicit prefix match.
PATTERNS = r"^[^;*\sA-ZÆØÅ][^;A-ZÆØÅ]*?\*?(;[^;*\sA-ZÆØÅ][^;A-ZÆØÅ]*?\*?)*$"

FRAMEWORKS_SCHEMA = pa.DataFrameSchema(
    {
        "framework_id": pa.Column("string", pa.Check.str_matches(ID), unique=True),
        "framework": pa.Column("string"),
        "source": pa.Column("string", nullable=True),
        "thesis_section": pa.Column("string", nullable=True),
        "thesis_lines": pa.Column("string", pa.Check.str_matches(r"^\d+-\d+$"), nullable=True),
        "kind": pa.Column("string", pa.Check.isin(KINDS)),
        "description": pa.Column("string", nullable=True, required=False),
    },
    strict=False,
)

CATEGORIES_SCHEMA = pa.DataFrameSchema(
    {
        "category_id": pa.Column("string", pa.Check.str_matches(CATEGORY_ID), unique=True),
        "framework_id": pa.Column("string", pa.Check.str_matches(ID)),
        "category": pa.Column("string"),
        "definition": pa.Column("string", nullable=True),
        "source": pa.Column("string", nullable=True),
        "thesis_section": pa.Column("string", nullable=True),
        "thesis_lines": pa.Column("string", pa.Check.str_matches(r"^\d+-\d+$"), nullable=True),
        "kind": pa.Column("string", pa.Check.isin(KINDS)),
        # Empty: a "manual only" category (imported from a QDA project); the keyword coder skips it.
        "patterns": pa.Column("string", pa.Check.str_matches(PATTERNS), nullable=True),
        "pattern_notes": pa.Column("string", nullable=True, required=False),
    },
    strict=False,
)


@dataclass(frozen=True)
class Codebook:
    frameworks: pd.DataFrame
    categories: pd.DataFrame

    def select(self, frameworks: str | Sequence[str] | None = None, kind: str | None = None) -> pd.DataFrame:
        """Categories of some frameworks (``None``/``"all"`` = every one) and/or of one kind.

        Parameters
        ----------
        frameworks : str or sequence of str, optional
            ``framework_id`` value(s); ``None`` or ``"all"`` keeps every framework.
        kind : {"deductive", "inductive"}, optional
            Keep only categories of this kind; ``None`` keeps both.

        Returns
        -------
        pandas.DataFrame
            The matching rows of :attr:`categories` (same columns), index reset to 0…n-1.

        Raises
        ------
        ValueError
            An unknown framework id or kind.
        """
        table = self.categories
        if frameworks not in (None, "all"):
            wanted = [frameworks] if isinstance(frameworks, str) else list(frameworks)
            unknown = sorted(set(wanted) - set(self.frameworks["framework_id"]))
            if unknown:
                raise ValueError(f"unknown framework(s) {unknown}; known: {sorted(self.frameworks['framework_id'])}")
            table = table[table["framework_id"].isin(wanted)]
        if kind is not None:
            if kind not in KINDS:
                raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
            table = table[table["kind"] == kind]
        return table.reset_index(drop=True)

    def labels(self) -> pd.Series:
        """category_id → Norwegian category name, for readable tables.

        Returns
        -------
        pandas.Series
            Index ``category_id``, values the ``category`` column of ``categories.csv``.
        """
        return self.categories.set_index("category_id")["category"]


def load_codebook(directory: str | Path | None = None) -> Codebook:
    """Read and validate ``frameworks.csv`` and ``categories.csv`` of the codebook.

    Why the checks across the two files: a category whose framework is not listed, or whose id does
    not start with its framework id, would be silently left out of a framework subset.

    Parameters
    ----------
    directory : str or Path, optional
        The folder with both files; default ``data/codebook``.

    Returns
    -------
    Codebook
        ``frameworks`` (one row per framework: ``framework_id``, ``framework``, ``source``,
        ``thesis_section``, ``thesis_lines``, ``kind``) and ``categories`` (one row per category:
        ``category_id``, ``framework_id``, ``category``, ``definition``, ``patterns``, …).

    Raises
    ------
    InputDataError
        A missing or unreadable file, a file without data rows, a schema violation (duplicate id, unknown kind, empty or
        malformed pattern list), an unknown ``framework_id`` or a ``category_id`` that does not start
        with it; the message names file, row, line and column.
    """
    directory = Path(directory) if directory else data_dir() / "codebook"
    frameworks = read_table(directory / "frameworks.csv", FRAMEWORKS_SCHEMA, min_rows=1)
    categories = read_table(directory / "categories.csv", CATEGORIES_SCHEMA, min_rows=1)
    check_allowed(categories, "framework_id", frameworks["framework_id"], "framework")
    for position, (category_id, framework_id) in enumerate(zip(categories["category_id"], categories["framework_id"])):
        if category_id.split(".")[0] != framework_id:
            fail_row(
                categories,
                position,
                "category_id",
                f"category_id {category_id!r} does not start with its framework_id",
                f"'{framework_id}.<name>'",
            )
    return Codebook(frameworks=frameworks, categories=categories)
