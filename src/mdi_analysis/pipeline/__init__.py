"""Running the notebooks: the runner behind ``make reproduce``, its kernel server and the CLI plumbing.

Owns: what a notebook declares about itself — parameters, parameter sets of a template, the
notebooks it needs, its title — and the committed form of an executed notebook (``_notebooks``);
executing notebooks with papermill in pipeline order, runs with other parameters, ``run --list``
(``_runner``); the HTML pages and the report index (``_render``); the digests of the tables each
notebook writes, committed beside the notebooks and compared by the tests (``_digests``); fresh
kernels forked from a pre-loaded server (``_kernel_server``, ``_kernel_stub``). May import
everything: it is the top of the package, and nothing else imports it (the index notebook does, to
list the report's pages).
"""

from ._digests import DIGESTS_FILE, compare_digests, load_digests, table_digest, written_tables
from ._kernel_server import running_server
from ._notebooks import (
    PARAMETER_SETS_DIR,
    NotebookRun,
    check_parameter_names,
    clean_notebook,
    describe_parameters,
    discover_notebooks,
    notebook_needs,
    notebook_parameters,
    notebook_runs,
    notebook_text,
    notebook_title,
    parameter_sets,
    parameterised_source,
    pipeline_runs,
    without_outputs,
)
from ._render import notebook_index, render_html, write_index_html
from ._runner import (
    RunResult,
    execute_notebook,
    find_run,
    kernel_environment,
    list_parameters,
    print_summary,
    reproduce,
    run_folder,
    run_one,
    select_runs,
    summarise_failure,
)

__all__ = [
    "DIGESTS_FILE",
    "PARAMETER_SETS_DIR",
    "NotebookRun",
    "RunResult",
    "check_parameter_names",
    "clean_notebook",
    "compare_digests",
    "describe_parameters",
    "discover_notebooks",
    "execute_notebook",
    "find_run",
    "kernel_environment",
    "list_parameters",
    "load_digests",
    "notebook_index",
    "notebook_needs",
    "notebook_parameters",
    "notebook_runs",
    "notebook_text",
    "notebook_title",
    "parameter_sets",
    "parameterised_source",
    "pipeline_runs",
    "print_summary",
    "render_html",
    "reproduce",
    "run_folder",
    "run_one",
    "running_server",
    "select_runs",
    "summarise_failure",
    "table_digest",
    "write_index_html",
    "without_outputs",
    "written_tables",
]
