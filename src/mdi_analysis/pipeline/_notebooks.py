"""What the pipeline notebooks declare about themselves, and the committed form of an executed one.

Why here and not in the runner: the runner, the command line (``run --list``), the index notebook
and the tests all ask the same questions of a notebook — its parameters and their defaults, the
parameter sets it is run with, the notebooks it needs, its title — and all of them must get the
same answer. A notebook says these things in its own metadata (``mdi_analysis``), so adding one
never needs a change here.

One notebook can stand for several pages of the report. A *template* declares parameter sets::

    "mdi_analysis": {"parameter_sets": {
        "11_reproduce-results-rq1": {"title": "11 · Results for …", "parameters": {"research_question": 1}},
        "12_reproduce-results-rq2": {"title": "12 · Results for …", "parameters": {"research_question": 2}}}}

Each set is one :class:`NotebookRun`, named like a notebook (``NN_verb-object``): its executed
notebook, HTML pages and durations carry that name. Sets are taken in name order (nbformat writes
metadata keys sorted, so no other order survives a save). The first set must be the template's own
defaults, because the committed template stores that run; every other set is committed, executed,
under ``notebooks/parameter-sets/<name>.ipynb`` (papermill's injected-parameters cell after the
``parameters`` cell), so that nbval checks the stored results of every set.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputDataError, OptionError
from ..paths import notebooks_dir, relative_to_root
from ._parameters import cell_source, notebook_json, notebook_parameters

if TYPE_CHECKING:
    import nbformat

NOTEBOOK_PATTERN = re.compile(r"^(\d{2})_[a-z0-9][a-z0-9-]*\.ipynb$")
#: Folder (under ``notebooks/``) of the committed executed parameter sets other than the first.
PARAMETER_SETS_DIR = "parameter-sets"
#: The tag papermill gives the cell it injects; the runner gives that cell this fixed id, so that
#: two runs write the same file (papermill makes a random one).
INJECTED_TAG = "injected-parameters"


@dataclass
class NotebookRun:
    """One executed notebook of the pipeline: a notebook with its defaults, or one parameter set.

    ``parameters`` are injected by papermill; empty means the notebook's own defaults (no injected
    cell). ``committed`` is where ``reproduce`` keeps the executed notebook in git: the notebook
    itself, or ``notebooks/parameter-sets/<name>.ipynb`` for a template's later sets.
    """

    name: str
    source: Path
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)
    committed: Path | None = None

    @property
    def file_name(self) -> str:
        """``<name>.ipynb``: the executed notebook's file name under ``reports/notebooks/``."""
        return f"{self.name}.ipynb"


def discover_notebooks(directory: Path | None = None) -> list[Path]:
    """All pipeline notebooks (``NN_name.ipynb``) in name order; ``_``-prefixed drafts are ignored.

    Parameters
    ----------
    directory : Path, optional
        The folder to look in (default: ``notebooks/``); sub-folders are not searched.

    Returns
    -------
    list of Path
        The notebooks, sorted by file name.
    """
    directory = directory or notebooks_dir()
    return sorted(p for p in directory.glob("*.ipynb") if NOTEBOOK_PATTERN.match(p.name))


def _metadata(path: Path) -> dict[str, Any]:
    return dict(notebook_json(path).get("metadata", {}).get("mdi_analysis", {}))


def notebook_needs(path: Path) -> list[str]:
    """Notebooks whose outputs ``path`` reads, from its metadata ``mdi_analysis.needs`` (stems).

    Most notebooks read only ``data/`` and need nothing; one that reads another's output under
    ``reports/`` (the index reads the audit's scoreboard) says so in its own metadata, so the runner
    learns the order from the notebooks and adding one never needs a change here. A need may name
    a notebook or one of a template's parameter sets.
    """
    return [str(n) for n in _metadata(path).get("needs", [])]


def parameter_sets(path: Path) -> dict[str, dict[str, Any]]:
    """The parameter sets a template declares (``mdi_analysis.parameter_sets``), by name; {} if none.

    Each value holds ``title`` (the page title in the index) and ``parameters``.
    """
    return dict(sorted(_metadata(path).get("parameter_sets", {}).items()))


def _check_sets(path: Path, sets: dict[str, dict[str, Any]]) -> None:
    """A template's sets must be usable as page names and its first set must be its defaults."""
    where = relative_to_root(path)
    defaults = {name: value for name, (value, _) in notebook_parameters(path).items()}
    for name, spec in sets.items():
        if not NOTEBOOK_PATTERN.match(f"{name}.ipynb"):
            raise InputDataError(
                where, f"parameter set {name!r} is not named like a notebook", expected="NN_verb-object"
            )
        if not isinstance(spec.get("title"), str) or not isinstance(spec.get("parameters"), dict):
            raise InputDataError(where, f"parameter set {name!r} needs a 'title' and a 'parameters' mapping")
        unknown = sorted(set(spec["parameters"]) - set(defaults))
        if unknown:
            raise InputDataError(where, f"parameter set {name!r} sets {unknown}, which the parameters cell lacks")
    first, spec = next(iter(sets.items()))
    differing = {k: v for k, v in spec["parameters"].items() if defaults[k] != v}
    if differing:
        raise InputDataError(
            where,
            f"the first parameter set {first!r} differs from the parameters cell in {differing}",
            expected="the first set to be the defaults (the committed template stores its run)",
        )


def notebook_runs(path: Path) -> list[NotebookRun]:
    """The runs of one notebook: itself, or one per parameter set if it is a template.

    Parameters
    ----------
    path : Path
        A pipeline notebook.

    Returns
    -------
    list of NotebookRun
        One run named after the notebook, or the template's sets in name order (the first with
        no injected parameters, committed as the template itself; the others committed under
        ``notebooks/parameter-sets/``).
    """
    sets = parameter_sets(path)
    if not sets:
        return [NotebookRun(path.stem, path, notebook_title(path), committed=path)]
    _check_sets(path, sets)
    runs = []
    for index, (name, spec) in enumerate(sets.items()):
        parameters = {} if index == 0 else dict(spec["parameters"])
        committed = path if index == 0 else path.parent / PARAMETER_SETS_DIR / f"{name}.ipynb"
        runs.append(NotebookRun(name, path, spec["title"], parameters, committed))
    return runs


def pipeline_runs(notebooks: list[Path] | None = None) -> list[NotebookRun]:
    """Every run of the pipeline, in name order: what ``reproduce`` executes and the index lists.

    Parameters
    ----------
    notebooks : list of Path, optional
        Notebooks to expand (default: every pipeline notebook, :func:`discover_notebooks`).

    Returns
    -------
    list of NotebookRun
        Sorted by name; names are unique (a clash is an :class:`~mdi_analysis.errors.InputDataError`).
    """
    runs = [
        run for path in (notebooks if notebooks is not None else discover_notebooks()) for run in notebook_runs(path)
    ]
    seen: dict[str, Path] = {}
    for run in runs:
        if run.name in seen and seen[run.name] != run.source:
            raise InputDataError(
                relative_to_root(run.source), f"run name {run.name!r} is also used by {seen[run.name].name}"
            )
        seen[run.name] = run.source
    return sorted(runs, key=lambda run: run.name)


def first_heading(cells: list) -> str | None:
    """The first ``# `` heading of the markdown ``cells`` (JSON dicts or nbformat cells), if any."""
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in cell_source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def notebook_title(path: Path) -> str:
    """The first heading of a notebook, for indexes."""
    return first_heading(notebook_json(path).get("cells", [])) or path.stem


def describe_parameters(path: Path) -> str:
    """Text for ``run NOTEBOOK --list``: the parameters with defaults and comments, and the sets.

    Parameters
    ----------
    path : Path
        A pipeline notebook.

    Returns
    -------
    str
        Several lines, ending without a newline.
    """
    lines = [f"{path.name}: {notebook_title(path)}", "parameters (name = default  # meaning):"]
    parameters = notebook_parameters(path)
    width = max((len(f"{n} = {v!r}") for n, (v, _) in parameters.items()), default=0)
    lines += [f"  {f'{n} = {v!r}':<{width}}  # {text}" for n, (v, text) in parameters.items()] or ["  (none)"]
    sets = parameter_sets(path)
    if sets:
        lines.append("parameter sets (each a page of the report; `run NAME` runs one):")
        for index, (name, spec) in enumerate(sets.items()):
            values = ", ".join(f"{k}={v!r}" for k, v in spec["parameters"].items())
            lines.append(f"  {name}: {values}" + ("  (the defaults)" if index == 0 else ""))
    return "\n".join(lines)


def find_run(notebook: str) -> NotebookRun:
    """The notebook or parameter set that ``notebook`` names: a file name, a stem or a prefix.

    Notebooks are matched first (``01``, ``11`` → the template ``11_reproduce-results.ipynb`` with its
    defaults); a name matching no notebook is looked up among the parameter sets (``12`` →
    ``12_reproduce-results-rq2``, the template with that set's parameters).

    Parameters
    ----------
    notebook : str
        What the user typed.

    Returns
    -------
    NotebookRun
        Not committed anywhere (``committed`` is None).

    Raises
    ------
    OptionError
        ``notebook`` names no notebook or parameter set, or more than one.
    """
    paths = discover_notebooks()
    found = [
        NotebookRun(p.stem, p, "")
        for p in paths
        if p.name == notebook or p.stem == notebook or p.name.startswith(notebook)
    ]
    if not found:
        found = [
            NotebookRun(r.name, r.source, r.title, r.parameters)
            for r in pipeline_runs(paths)
            if r.name != r.source.stem and (r.name == notebook or r.file_name.startswith(notebook))
        ]
    if len(found) != 1:
        names = ", ".join(sorted({p.name for p in paths} | {r.file_name for r in pipeline_runs(paths)}))
        raise OptionError(f"{notebook!r} matches {len(found)} notebooks; choose one of: {names}")
    run = found[0]
    if not run.title:
        run.title = notebook_title(run.source)
    return run


def list_parameters(notebook: str | None = None) -> str:
    """Text for ``run --list``: one notebook's parameters and parameter sets, or a line per notebook.

    Parameters
    ----------
    notebook : str, optional
        A notebook or parameter set as :func:`find_run` reads it; None lists every notebook.

    Returns
    -------
    str
        Lines without a final newline.
    """
    if notebook is not None:
        return describe_parameters(find_run(notebook).source)
    lines = []
    for path in discover_notebooks():
        names = ", ".join(notebook_parameters(path)) or "(no parameters)"
        sets = parameter_sets(path)
        lines.append(f"{path.stem}: {names}" + (f"; parameter sets {', '.join(sets)}" if sets else ""))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The committed form of an executed notebook
# --------------------------------------------------------------------------------------------


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes from run to run (timings, papermill bookkeeping, Python patch version).

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook (left unchanged).

    Returns
    -------
    NotebookNode
        A copy without volatile metadata, with consecutive stream outputs merged and papermill's
        injected cell under a fixed id; cleaning a clean notebook changes nothing.
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    language = nb.metadata.get("language_info")
    if language:
        nb.metadata["language_info"] = {"name": language.get("name", "python")}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if INJECTED_TAG in cell.metadata.get("tags", []) and "id" in cell:
            cell["id"] = INJECTED_TAG
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("execution", None)
            cell.outputs = _coalesce_streams(cell.get("outputs", []))
    return nb


def _coalesce_streams(outputs: list) -> list:
    """Merge consecutive stdout/stderr chunks: how print output is split into messages depends on timing."""
    merged: list = []
    for output in outputs:
        if (
            output.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == output.get("name")
        ):
            merged[-1]["text"] = merged[-1]["text"] + output["text"]
        else:
            merged.append(output)
    return merged


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """The notebook as written to disk (nbformat's JSON, ending with a newline)."""
    import nbformat

    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def parameterised_source(template: nbformat.NotebookNode, parameters: dict[str, Any]) -> nbformat.NotebookNode:
    """What papermill executes for a parameter set, cleaned and without outputs.

    Why: the committed notebooks of a template's parameter sets must be exactly the template with
    the set's parameters injected, never hand-edited; a test compares them with this.

    Parameters
    ----------
    template : NotebookNode
        The template notebook.
    parameters : dict
        The set's parameters.

    Returns
    -------
    NotebookNode
        The template with papermill's injected-parameters cell after its ``parameters`` cell, every
        output and execution count removed.
    """
    from papermill.parameterize import parameterize_notebook

    nb = copy.deepcopy(template)
    nb.metadata["papermill"] = {}
    return without_outputs(clean_notebook(parameterize_notebook(nb, parameters)))


def without_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy with every code cell's outputs and execution count removed (to compare sources)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb
