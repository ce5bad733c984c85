"""Running the notebooks: the runner behind ``make reproduce``, its kernel server and the CLI plumbing.

Owns: what a notebook declares about itself — parameters, parameter sets of a template, the
notebooks it needs, its title — and the committed form of an executed notebook (``_notebooks``);
the ``parameters`` cell and the checks of ``run -p`` (``_parameters``); executing notebooks with
papermill in pipeline order, runs with other parameters (``_runner``); the HTML pages, titled from
their notebooks (``_render``), and the one-page report ``reports/index.html`` with the workbook
``reports/tables.xlsx`` (``_index_page``); the digests of the tables each notebook writes, committed beside the
notebooks and compared by the tests (``_digests``); fresh kernels forked from a pre-loaded server
(``_kernel_server``, ``_kernel_stub``). May import everything: it is the top of the package, and
nothing else imports it (the index notebook does, to list the report's pages).

Names are imported from their modules on first use (PEP 562): ``run NN -p …`` checks its
parameters with ``_parameters`` alone, in a fraction of a second, and refuses a bad one before
papermill, pandas and the kernel machinery are imported.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name → the private module that defines it.
_WHERE: dict[str, str] = {
    **dict.fromkeys(["DIGESTS_FILE", "compare_digests", "load_digests", "table_digest", "written_tables"], "_digests"),
    "running_server": "_kernel_server",
    **dict.fromkeys(
        [
            "PARAMETER_SETS_DIR",
            "NotebookRun",
            "clean_notebook",
            "describe_parameters",
            "discover_notebooks",
            "find_run",
            "list_parameters",
            "notebook_needs",
            "notebook_runs",
            "notebook_text",
            "notebook_title",
            "parameter_sets",
            "parameterised_source",
            "pipeline_runs",
            "without_outputs",
        ],
        "_notebooks",
    ),
    **dict.fromkeys(
        ["check_parameter_names", "check_parameters", "notebook_parameters", "parameter_types"], "_parameters"
    ),
    **dict.fromkeys(["notebook_index", "render_html", "write_index_html"], "_render"),
    **dict.fromkeys(
        [
            "RunResult",
            "execute_notebook",
            "kernel_environment",
            "print_summary",
            "reproduce",
            "run_folder",
            "run_one",
            "select_runs",
            "summarise_failure",
        ],
        "_runner",
    ),
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
