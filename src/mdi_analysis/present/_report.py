"""Displaying and saving results: plain-text tables for nbval, CSV tables and figures under ``reports/``.

Result tables are printed as plain text (not HTML) so nbval can compare them exactly across runs and
machines; floats are rounded to a fixed number of decimals before printing. Output files are written
atomically under :func:`mdi_analysis.paths.reports_dir`, which tests and runs with other parameters
redirect with ``MDI_REPORTS_DIR`` so the committed default run is never overwritten by accident.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..io import write_atomic, write_table
from ..paths import figures_dir, reports_dir, tables_dir
from ._tables import empty_sentence, text_view


def as_text(table: pd.DataFrame | pd.Series, decimals: int = 2, *, max_colwidth: int = 60) -> str:
    """A deterministic plain-text rendering: fixed decimals, missing values as '–', long text clipped.

    The older text-only view (``show``); :func:`mdi_analysis.present.show_table` shows tables for
    people (HTML, text whole) and uses the same :func:`~._tables.text_view` for nbval.

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
    return text_view(table, decimals, max_colwidth=max_colwidth)


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
    if len(table) == 0:  # a sentence, not pandas' "Empty DataFrame / Columns: … / Index: []"
        frame = table.to_frame() if isinstance(table, pd.Series) else table
        print(empty_sentence(title.strip() if title else None, [str(c) for c in frame.columns]))
        return
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
        Write a meaningful index as leading column(s): a named one, or one that is not integers
        (an unnamed integer index is row positions left over from filtering, not data).

    Returns
    -------
    Path
        ``tables/<name>.csv``, relative to the reports folder.
    """
    positions = table.index.nlevels == 1 and table.index.name is None and pd.api.types.is_integer_dtype(table.index)
    frame = table.reset_index() if index and not positions else table
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
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120, metadata={"Software": None})
    # Through the one atomic writer, so a figure gets the same file mode as every other output.
    path = write_atomic(figures_dir() / f"{name}.png", buffer.getvalue())
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

    Notes
    -----
    The folder is :func:`mdi_analysis.paths.reports_dir`: the runner's choice (``MDI_REPORTS_DIR``),
    or ``reports/interactive/`` in a notebook run by hand, so trying other filters in JupyterLab
    never overwrites the committed default run's tables.
    """
    written = [save_table(frame, name) for name, frame in (tables or {}).items()]
    written += [save_figure(fig, name) for name, fig in (figures or {}).items()]
    for path in written:
        print(f"wrote reports/{path.as_posix()}")
