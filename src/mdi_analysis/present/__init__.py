"""What people see: result tables and figures shown and saved, and the quote browser.

Owns: the deterministic text view of a frame (``as_text``) that nbval checks, saving tables and
figures under ``reports/`` (``_report``), and the interactive quote browser (``_browser``).
May import: ``errors``, ``options``, ``paths``, ``io``, ``corpus``, ``text``, ``coding``.
"""

from ._browser import ALL_LABEL, QUOTE_COLUMNS, QuoteBrowser, filter_quotes, kwic_for, quote_table
from ._report import NA_TEXT, as_text, save_figure, save_outputs, save_table, show

__all__ = [
    "ALL_LABEL",
    "NA_TEXT",
    "QUOTE_COLUMNS",
    "QuoteBrowser",
    "as_text",
    "filter_quotes",
    "kwic_for",
    "quote_table",
    "save_figure",
    "save_outputs",
    "save_table",
    "show",
]
