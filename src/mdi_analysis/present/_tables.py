"""Tables for people: one object a notebook cell shows as an HTML table and nbval checks as text.

Why one object with two views: a supervisor reads the statements and quotes in full, wrapped
inside their cells (HTML, a pandas Styler), while nbval compares a cell's stored output exactly,
so the same table also has a deterministic plain-text view (``text/plain``). Both views show
every character of every text cell: nothing is clipped. An empty table says so in a sentence
instead of pandas' ``Empty DataFrame / Columns: … / Index: []``.

The HTML carries no random ids (the Styler's uuid is derived from the table's text), so a rerun
stores the same bytes and nbval can compare the HTML as well.

Every HTML table has ONE header row. A pandas Styler puts the name of a named index in a second,
nearly empty header row under the column names, and readers take that for a broken table; here a
named index (one level or several) is shown as the table's first columns instead, its names in
the header row beside the column names (:func:`one_header_row`).
"""

from __future__ import annotations

import hashlib
from html import escape

import pandas as pd

NA_TEXT = "–"

#: CSS of every table: text wraps at word boundaries inside its cell, numbers align right.
TABLE_STYLES = [
    {"selector": "", "props": "border-collapse: collapse; margin: 0.5em 0 1em 0; font-size: 0.92em;"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold; padding: 0.3em 0;"},
    *(
        {
            "selector": cell,
            "props": "border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top; "
            "white-space: normal; overflow-wrap: break-word; max-width: 48em;",
        }
        for cell in ("th", "td")
    ),
    {"selector": "thead th", "props": "background: #f0f0f0; text-align: left;"},
]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def text_view(table: pd.DataFrame | pd.Series, decimals: int = 2, *, max_colwidth: int | None = None) -> str:
    """The deterministic plain-text view: fixed decimals, missing values as ``–``, text whole.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.Series
        The table (a Series is shown as one column).
    decimals : int
        Decimals of every float column.
    max_colwidth : int, optional
        Text cells longer than this end in ``…``; None (the default) keeps every character.

    Returns
    -------
    str
        The table as :meth:`pandas.DataFrame.to_string` lays it out; white space inside a text
        cell is collapsed to single spaces so that each row stays on one line.
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
            formatted[column] = series.map(lambda v: NA_TEXT if _missing(v) else _clip(str(v), max_colwidth))
    return formatted.to_string(na_rep=NA_TEXT)


def _clip(text: str, width: int | None) -> str:
    text = " ".join(text.split())
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def one_header_row(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The table as its HTML shows it, so that the Styler writes one header row, not two or more.

    A named index (any level with a name) becomes the first columns, headed by its names (a level
    without a name gets an empty header); a name of the columns (a cross table's ``status``) joins
    the last of them as ``table_id \\ status``, the usual corner of a cross table. Column labels of
    several levels are joined with `` · ``. An unnamed index stays the row headers: the Styler
    writes no row of index names for it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.

    Returns
    -------
    tuple of (pandas.DataFrame, int)
        The table to render, and how many of its first columns are the former index (0: the
        index is kept as row headers).
    """
    if isinstance(frame.columns, pd.MultiIndex):
        frame = frame.set_axis(
            [" · ".join(str(part) for part in key if str(part) != "") for key in frame.columns], axis="columns"
        )
    names = list(frame.index.names)
    if all(name is None for name in names):
        return frame, 0
    headers = ["" if name is None else str(name) for name in names]
    if frame.columns.name is not None:
        headers[-1] = f"{headers[-1]} \\ {frame.columns.name}"
    shown = frame.rename_axis(index=headers, columns=None).reset_index(allow_duplicates=True)
    return shown, len(headers)


def empty_sentence(caption: str | None, columns: list[str]) -> str:
    """What an empty table says instead of pandas' ``Empty DataFrame``."""
    what = f"«{caption}»" if caption else "This table"
    named = f" (columns: {', '.join(columns)})" if columns else ""
    return f"{what}: no rows{named}."


class Table:
    """A result table as a notebook shows it: HTML (a Styler) in JupyterLab and the HTML pages,
    and :func:`text_view` as its ``repr`` (what nbval compares).

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        The table (a Series is shown as one column).
    caption : str, optional
        Shown above the table (and as the first line of the text view).
    decimals : int
        Decimals of every float column.
    """

    def __init__(self, frame: pd.DataFrame | pd.Series, caption: str | None = None, *, decimals: int = 2) -> None:
        self.frame = frame.to_frame() if isinstance(frame, pd.Series) else frame
        self.caption = caption
        self.decimals = decimals

    @property
    def empty(self) -> bool:
        return len(self.frame) == 0

    def text(self) -> str:
        """The plain-text view: caption line, then the whole table (or the empty-table sentence)."""
        if self.empty:
            return empty_sentence(self.caption, [str(c) for c in self.frame.columns])
        body = text_view(self.frame, self.decimals)
        return f"{self.caption}\n{body}" if self.caption else body

    def __repr__(self) -> str:
        return self.text()

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's text/plain
        printer.text(self.text())

    def styler(self) -> pd.io.formats.style.Styler:
        """The pandas Styler behind the HTML: fixed decimals, ``–`` for missing values, text wrapped."""
        frame, index_columns = one_header_row(self.frame)
        styler = frame.style.format(precision=self.decimals, na_rep=NA_TEXT, thousands=None)
        if index_columns:
            styler = styler.hide(axis="index")  # it is in the first columns now
        uuid = hashlib.sha1(self.text().encode("utf-8")).hexdigest()[:10]
        styler = styler.set_uuid(uuid).set_table_styles(TABLE_STYLES)
        if self.caption:
            styler = styler.set_caption(self.caption)
        # Styler marks each cell "col<j>"; numbers align right, the former index is bold as row
        # headers are. (Not set_td_classes: it needs a unique index, and a table may repeat one.)
        numeric = [j for j in range(frame.shape[1]) if pd.api.types.is_numeric_dtype(frame.iloc[:, j])]
        return styler.set_table_styles(
            [
                {"selector": f"td.col{j}", "props": "text-align: right; font-variant-numeric: tabular-nums;"}
                for j in numeric
            ]
            + [{"selector": f"td.col{j}", "props": "font-weight: bold;"} for j in range(index_columns)]
            + [{"selector": "td", "props": "text-align: left;"}],
            overwrite=False,
        )

    def to_html(self, *, table_id: str | None = None) -> str:
        """The table as HTML (no script, no external resource); an empty table is one sentence.

        Parameters
        ----------
        table_id : str, optional
            The ``id`` of an element wrapping the table (the ``<table>`` keeps the Styler's ``T_<digest>``).
        """
        if self.empty:
            attribute = f' id="{escape(table_id)}"' if table_id else ""
            text = escape(empty_sentence(self.caption, [str(c) for c in self.frame.columns]))
            return f'<p class="empty-table"{attribute}>{text}</p>'
        html = self.styler().to_html()
        # The Styler already gives its <table> an id (T_<digest>, which its CSS rules select), and a
        # second id attribute on the same element is ignored by browsers: wrap it instead.
        return f'<div id="{escape(table_id)}" class="table-wrap">\n{html}</div>' if table_id else html

    def _repr_html_(self) -> str:
        return self.to_html()


def show_table(frame: pd.DataFrame | pd.Series, caption: str | None = None, *, decimals: int = 2) -> Table:
    """A table for people: put it last in a cell, or pass it to ``display`` to show several.

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        The table.
    caption : str, optional
        A line above the table saying what it holds.
    decimals : int
        Decimals of every float column.

    Returns
    -------
    Table
        Shown as an HTML table in JupyterLab and the HTML pages; its ``repr`` is the text view.
    """
    return Table(frame, caption, decimals=decimals)
