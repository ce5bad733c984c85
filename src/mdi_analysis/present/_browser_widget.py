"""The quote browser's ipywidgets panel: filters, the text view, the whole quote, and downloads.

Why apart from :mod:`._browser`: the filtering and rendering there are pure and unit-tested; this
module only wires controls to them. What the panel shows:

* the drop-downs and the keyword box (a malformed pattern such as ``innov[`` shows its message
  where the quotes would be, never "0 quotes");
* the text view of :meth:`QuoteBrowser.render_text` (every quote whole, with its KWIC lines);
* a list of the selected quotes: choosing one shows it whole, with its hits marked;
* download links for the current selection as CSV and as an Excel workbook. They are ``data:``
  links, so the file goes to the reader's browser and nothing is written on the server: a
  notebook run by hand never writes into ``reports/`` (only the runner does).

Why the output is written into the Output widget's ``outputs`` rather than captured with ``with
output:``: capturing routes messages through the frontend, which does not exist under papermill;
setting the state works with and without one. The panel's model id is fixed per kernel
(``mdi-quote-browser-0``, ``-1``, …), so the committed notebook does not change from run to run.
"""

from __future__ import annotations

import base64
import itertools
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._browser import QuoteBrowser

_panel_ids = itertools.count()
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DESCRIPTIONS = {
    "role": "Rolle",
    "section": "Seksjon",
    "research_question": "Forskningsspørsmål",
    "category": "Kategori",
}


def download_links(csv: bytes, xlsx: bytes, count: int) -> str:
    """HTML links that download the selection from the page itself (no file on the server)."""
    csv_href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv).decode("ascii")
    xlsx_href = f"data:{XLSX_TYPE};base64," + base64.b64encode(xlsx).decode("ascii")
    return (
        f'<span class="mdi-downloads">Download the {count} selected quote(s): '
        f'<a download="quotes.csv" href="{csv_href}">CSV (UTF-8)</a> · '
        f'<a download="quotes.xlsx" href="{xlsx_href}">Excel (.xlsx)</a></span>'
    )


def browser_panel(browser: QuoteBrowser, **start: Any):
    """The panel of :meth:`QuoteBrowser.widget`; ``start`` holds the five filters' first values.

    The returned VBox carries its parts as attributes (``controls``, ``output``, ``downloads``,
    ``quote_picker``, ``quote_view``) for tests and for code that drives it.
    """
    import ipywidgets as widgets

    from ._browser import _blank

    choices = browser.options()
    layout = {"width": "32em"}
    style = {"description_width": "10em"}
    controls: dict[str, Any] = {}
    for name, options in choices.items():
        value = "" if _blank(start.get(name)) else str(start[name])
        if value not in [v for _, v in options]:  # a default outside the choices (e.g. an uncoded category)
            options = options + [(value, value)]
        controls[name] = widgets.Dropdown(
            options=options, value=value, description=DESCRIPTIONS[name], layout=layout, style=style
        )
    keyword = start.get("keyword")
    controls["keyword"] = widgets.Text(
        value="" if _blank(keyword) else keyword,
        description="Nøkkelord",
        placeholder="tid; innovasj*; taus kunnskap",
        continuous_update=False,
        layout=layout,
        style=style,
    )
    window = widgets.IntSlider(
        value=browser.window, min=1, max=40, description="Kontekst (ord)", layout=layout, style=style
    )
    output = widgets.Output(layout={"border": "1px solid #ddd", "max_height": "30em", "overflow": "auto"})
    downloads = widgets.HTML()
    quote_picker = widgets.Select(options=[], rows=8, description="Sitat", layout={"width": "28em"})
    quote_view = widgets.HTML(layout={"width": "40em"})

    def filters() -> dict[str, Any]:
        return {name: control.value for name, control in controls.items()}  # "" = no filter

    def show_quote(_change: Any = None) -> None:
        chosen = quote_picker.value
        if not chosen:
            quote_view.value = "<p><i>Choose a quote to read it whole.</i></p>"
            return
        values = filters()
        quote_view.value = browser.quote_html(chosen, values["category"], values["keyword"])

    def refresh(_change: Any = None) -> None:
        browser.window = window.value
        values = filters()
        try:
            text = browser.render_text(**values)
            quotes = browser.filter(**values)
            downloads.value = download_links(browser.export_csv(**values), browser.export_xlsx(**values), len(quotes))
            quote_picker.options = [
                (f"{uid} · {row['role']} · {row['section_id']} · {' '.join(str(row['text']).split())[:50]}", uid)
                for uid, row in quotes.iterrows()
            ]
        except ValueError as error:
            text = f"⚠ {error}"
            downloads.value = f'<span class="mdi-error">⚠ {escape(str(error))}</span>'
            quote_picker.options = []
        output.outputs = ()
        output.append_stdout(text + "\n")
        show_quote()

    for control in [*controls.values(), window]:
        control.observe(refresh, names="value")
    quote_picker.observe(show_quote, names="value")
    refresh()

    class QuoteBrowserPanel(widgets.VBox):
        # The text a static rendering (HTML report, a notebook viewer) shows instead of the panel.
        def __repr__(self) -> str:
            return "Quote browser: interactive in JupyterLab (the text view above shows the same filters)"

    panel = QuoteBrowserPanel(
        [
            widgets.HBox([controls["role"], controls["research_question"]]),
            widgets.HBox([controls["section"], controls["category"]]),
            widgets.HBox([controls["keyword"], window]),
            downloads,
            widgets.HBox([quote_picker, quote_view]),
            output,
        ],
        model_id=f"mdi-quote-browser-{next(_panel_ids)}",
    )
    panel.controls, panel.output, panel.downloads = controls, output, downloads
    panel.quote_picker, panel.quote_view, panel.window = quote_picker, quote_view, window
    return panel
