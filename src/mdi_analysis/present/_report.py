"""Displaying and saving results: plain-text tables for nbval, CSV tables and figures under ``reports/``.

Result tables are printed as plain text (not HTML) so nbval can compare them exactly across runs and
machines; floats are rounded to a fixed number of decimals before printing. Output files are written
atomically under :func:`mdi_analysis.paths.reports_dir`, which tests and runs with other parameters
redirect with ``MDI_REPORTS_DIR`` so the committed default run is never overwritten by accident.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..io._tables import write_table
from ..paths import figures_dir, reports_dir, tables_dir

NA_TEXT = "–"


def as_text(table: pd.DataFrame | pd.Series, decimals: int = 2, *, max_colwidth: int = 60) -> str:
    """A deterministic plain-text rendering: fixed decimals, no truncation, missing values as '–'.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.Series
        The table to render (a Series is shown as one column).
    decimals : int
        Decimals of every float column.
    max_colwidth : int
        Text cells longer than this (in characters, after collapsing white space) end in ``…``.

    Returns
    -------
    str
        The table as :meth:`pandas.DataFrame.to_string` lays it out, missing values as ``–``.
    """
    if isinstance(table, pd.Series):
        table = table.to_frame()
    formatted = table.copy()
    for column in formatted.columns:
        series = formatted[column]
        if pd.api.types.is_integer_dtype(series) and series.isna().any():
            formatted[column] = series.map(lambda v: NA_TEXT if pd.isna(v) else str(int(v)))
        elif pd.api.types.is_float_dtype(series):
            formatted[column] = series.map(lambda v: NA_TEXT if pd.isna(v) else f"{v:.{decimals}f}")
        elif pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            formatted[column] = series.map(
                lambda v: (
                    NA_TEXT
                    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))
                    else _clip(str(v), max_colwidth)
                )
            )
    return formatted.to_string(na_rep=NA_TEXT)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def show(
    table: pd.DataFrame | pd.Series, decimals: int = 2, *, title: str | None = None, max_colwidth: int = 60
) -> None:
    """Print a result table for a notebook cell that nbval checks.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.Series
        The table to print.
    decimals : int
        Decimals of every float column.
    title : str, optional
        A line printed above the table.
    max_colwidth : int
        Longer text cells are clipped (characters), as in :func:`as_text`.

    Returns
    -------
    None
        The text goes to standard output.
    """
    if title:
        print(title)
    print(as_text(table, decimals, max_colwidth=max_colwidth))


def save_table(table: pd.DataFrame, name: str, *, index: bool = True) -> Path:
    """Write ``reports/tables/<name>.csv`` atomically and return the path relative to ``reports/``.

    Parameters
    ----------
    table : pandas.DataFrame
        The table; floats are written unrounded.
    name : str
        The file name without ``.csv``.
    index : bool
        Write a meaningful index (anything but a RangeIndex) as leading column(s).

    Returns
    -------
    Path
        ``tables/<name>.csv``, relative to the reports folder.
    """
    frame = table.reset_index() if index and not isinstance(table.index, pd.RangeIndex) else table
    path = write_table(frame, tables_dir() / f"{name}.csv")
    return path.relative_to(reports_dir())


def save_figure(figure, name: str) -> Path:
    """Write ``reports/figures/<name>.png`` (no timestamp metadata, so reruns give the same bytes).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure, saved at 120 dpi.
    name : str
        The file name without ``.png``.

    Returns
    -------
    Path
        ``figures/<name>.png``, relative to the reports folder.
    """
    directory = figures_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    tmp = path.with_name(f".{path.name}.tmp.png")
    figure.savefig(tmp, dpi=120, metadata={"Software": None})
    tmp.replace(path)
    return path.relative_to(reports_dir())


def save_outputs(tables: dict[str, pd.DataFrame] | None = None, figures: dict[str, object] | None = None) -> None:
    """The last cell of every notebook: write its tables and figures, then list what was written.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame, optional
        File name (without ``.csv``) → table, written with :func:`save_table`.
    figures : dict of str to matplotlib.figure.Figure, optional
        File name (without ``.png``) → figure, written with :func:`save_figure`.

    Returns
    -------
    None
        Prints one ``wrote reports/…`` line per file, tables first.
    """
    written = [save_table(frame, name) for name, frame in (tables or {}).items()]
    written += [save_figure(fig, name) for name, fig in (figures or {}).items()]
    for path in written:
        print(f"wrote reports/{path.as_posix()}")
