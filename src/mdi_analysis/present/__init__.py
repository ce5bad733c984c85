"""What people see: result tables and figures shown and saved, and the quote browser.

Owns: tables for people (``show_table``: HTML for readers, a deterministic text view that nbval
checks; ``_tables``), saving tables and figures under ``reports/`` (``_report``; only a run started by
the runner writes), the workbook ``reports/tables.xlsx`` (``_workbook``), and the interactive quote
browser (``_browser``).
May import: ``errors``, ``options``, ``paths``, ``io``, ``corpus``, ``text``, ``coding``.
"""

from ._browser import ALL_LABEL, QUOTE_COLUMNS, QuoteBrowser, filter_quotes, kwic_for, quote_table
from ._report import as_text, save_figure, save_outputs, save_table, show
from ._tables import NA_TEXT, Table, show_table, text_view
from ._workbook import FORMULA_OPENERS, read_csv_table, sheet_names, workbook_bytes, write_workbook

__all__ = [
    "ALL_LABEL",
    "FORMULA_OPENERS",
    "NA_TEXT",
    "QUOTE_COLUMNS",
    "QuoteBrowser",
    "as_text",
    "filter_quotes",
    "kwic_for",
    "quote_table",
    "save_figure",
    "save_outputs",
    "read_csv_table",
    "save_table",
    "sheet_names",
    "show",
    "show_table",
    "Table",
    "text_view",
    "workbook_bytes",
    "write_workbook",
]
