"""The browsable report: HTML pages of the executed notebooks and the index that links them.

Why apart from the runner: the index notebook (30) lists the same pages the runner writes, so both
read them from :func:`mdi_analysis.pipeline._notebooks.pipeline_runs` — one name and one title per
page, whether the page is a notebook or one parameter set of a template.
"""

from __future__ import annotations

import threading
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from ..io._files import write_if_changed
from ._notebooks import pipeline_runs

if TYPE_CHECKING:
    import pandas as pd

_EXPORTERS: dict[bool, Any] = {}
#: One exporter per variant, shared by the worker threads under this lock. Building one
#: (templates, filters) costs more than rendering, and rendering holds the GIL anyway, so two
#: threads rendering at once would gain nothing.
_EXPORT_LOCK = threading.Lock()


#: nbconvert's ``lab`` template without the scripts it loads from a CDN (require.js, MathJax,
#: mermaid): the pages must work offline, and a script that cannot load is an error in the
#: browser's console (``tests/test_in_chromium.py``). No notebook uses LaTeX, mermaid or JavaScript
#: outputs; widgets' state is removed from the committed notebooks (``clean_notebook``).
OFFLINE_TEMPLATE = "mdi-offline.html.j2"
_OFFLINE_TEMPLATE_TEXT = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def _exporter(hide_code: bool):
    """The HTML exporter of a variant (call with ``_EXPORT_LOCK`` held)."""
    import jinja2
    from nbconvert import HTMLExporter

    if hide_code not in _EXPORTERS:
        exporter = HTMLExporter(
            extra_loaders=[jinja2.DictLoader({OFFLINE_TEMPLATE: _OFFLINE_TEMPLATE_TEXT})],
            template_file=OFFLINE_TEMPLATE,
        )
        if hide_code:
            exporter.exclude_input = True
            exporter.exclude_input_prompt = True
            exporter.exclude_output_prompt = True
        _EXPORTERS[hide_code] = exporter
    return _EXPORTERS[hide_code]


def prepare_exporters() -> None:
    """Build both exporters now (the runner does this while the kernel server starts)."""
    with _EXPORT_LOCK:
        _exporter(False)
        _exporter(True)


def render_html(nb: nbformat.NotebookNode, path: Path, *, hide_code: bool = False) -> None:
    """An HTML rendering; ``hide_code`` gives the results-only variant for readers who skip code.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook.
    path : Path
        The page to write (only rewritten when its content changes).
    hide_code : bool
        Leave out code cells' input and prompts.
    """
    with _EXPORT_LOCK:
        body, _ = _exporter(hide_code).from_notebook_node(nb)
    write_if_changed(path, body)


def notebook_index() -> pd.DataFrame:
    """Every page of the report with its title and its rendered files (relative to ``reports/``).

    A template notebook contributes one row per parameter set, under the set's name and title.

    Returns
    -------
    pandas.DataFrame
        Index ``notebook`` (the page name); columns ``title``, ``html`` and ``results only``.
    """
    import pandas as pd

    rows = [
        {
            "notebook": run.name,
            "title": run.title,
            "html": f"html/{run.name}.html",
            "results only": f"html-results/{run.name}.html",
        }
        for run in pipeline_runs()
    ]
    return pd.DataFrame(rows).set_index("notebook")


def write_index_html(reports: Path) -> Path:
    """``reports/index.html``: the browsable entry point to every rendered notebook.

    Parameters
    ----------
    reports : Path
        The reports folder.

    Returns
    -------
    Path
        The page written.
    """
    items = []
    for stem, row in notebook_index().iterrows():
        items.append(
            f"<tr><td>{escape(str(stem))}</td><td>{escape(row['title'])}</td>"
            f'<td><a href="{row["html"]}">with code</a></td>'
            f'<td><a href="{row["results only"]}">results only</a></td></tr>'
        )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>mdi-analysis report</title>'
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td{padding:.2em .8em}</style></head><body>"
        "<h1>mdi-analysis: reproduction of Strømsvåg (2017)</h1>"
        "<p>Every notebook of the pipeline, executed by <code>make reproduce</code>. Start with "
        "<em>30 · Index</em> for the map of thesis tables and claims, "
        "and <em>22 · Claim audit</em> for the scoreboard. "
        "Tables are in <code>tables/</code>, figures in <code>figures/</code>.</p>"
        "<table><tr><th>notebook</th><th>title</th><th></th><th></th></tr>"
        + "".join(items)
        + "</table></body></html>\n"
    )
    path = reports / "index.html"
    write_if_changed(path, page)
    return path
