"""The browsable report: HTML pages of the executed notebooks, and writing the one-page index.

Why apart from the runner: the index notebook (30) lists the same pages the runner writes, so both
read them from :func:`mdi_analysis.pipeline._notebooks.pipeline_runs` — one name and one title per
page, whether the page is a notebook or one parameter set of a template.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from ..io import write_if_changed
from ._notebooks import first_heading, pipeline_runs

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


def render_html(nb: nbformat.NotebookNode, path: Path, *, hide_code: bool = False, title: str | None = None) -> None:
    """An HTML rendering; ``hide_code`` gives the results-only variant for readers who skip code.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook.
    path : Path
        The page to write (only rewritten when its content changes).
    hide_code : bool
        Leave out code cells' input and prompts.
    title : str, optional
        The browser's title (default: the notebook's metadata title, else its first heading); a
        parameter set's page passes its own, so the pages of one template are told apart.
    """
    title = title or nb.metadata.get("title") or notebook_heading(nb)
    if nb.metadata.get("title") != title:  # the browser's title, not nbconvert's "Notebook"
        nb = copy.copy(nb)
        nb.metadata = nbformat.NotebookNode({**nb.metadata, "title": title})
    with _EXPORT_LOCK:
        body, _ = _exporter(hide_code).from_notebook_node(nb)
    write_if_changed(path, body)


def notebook_heading(nb: nbformat.NotebookNode) -> str:
    """The notebook's first ``# `` heading (what :func:`._notebooks.notebook_title` reads from a file)."""
    return first_heading(nb.cells) or "mdi-analysis notebook"


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
    """``reports/index.html``: the one-page report of the run (:mod:`._index_page`), and the
    workbook ``reports/tables.xlsx`` it links to (:func:`mdi_analysis.present.write_workbook`).

    Parameters
    ----------
    reports : Path
        The reports folder.

    Returns
    -------
    Path
        The page written.
    """
    from ..present import write_workbook
    from ._index_page import index_page

    write_workbook(reports / "tables", reports / "tables.xlsx")
    path = reports / "index.html"
    write_if_changed(path, index_page(reports))
    return path
