"""The pipeline runner: execute every notebook with papermill, in pipeline order, into ``reports/``.

Why a runner and not "Run all" in JupyterLab? The committed notebooks must be the default-parameter
run, executed top to bottom in a fresh kernel, with volatile metadata removed so that running the
pipeline twice leaves ``git diff`` empty. The runner also renders HTML, keeps the previous good
outputs when a notebook fails (each notebook is executed into a temporary file first) and can run
one notebook with other parameters into an ignored folder (``reports/runs/``).

Notebooks are discovered by name (``NN_verb-object.ipynb``) and declare what they need in their own
metadata, so adding one needs no change here.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import nbformat

from ..io._files import write_if_changed
from ..paths import notebooks_dir, relative_to_root, reports_dir

NOTEBOOK_PATTERN = re.compile(r"^(\d{2})_[a-z0-9][a-z0-9-]*\.ipynb$")
KERNEL_ENV = {"PYTHONHASHSEED": "0"}


@dataclass
class RunResult:
    notebook: str
    ok: bool
    seconds: float
    error: str = ""
    changed: bool = False


def discover_notebooks(directory: Path | None = None) -> list[Path]:
    """All pipeline notebooks (``NN_name.ipynb``) in name order; ``_``-prefixed drafts are ignored."""
    directory = directory or notebooks_dir()
    return sorted(p for p in directory.glob("*.ipynb") if NOTEBOOK_PATTERN.match(p.name))


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes from run to run (timings, papermill bookkeeping, Python patch version)."""
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


def _notebook_bytes(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + ("" if nbformat.writes(nb).endswith("\n") else "\n")


_EXPORTERS: dict[bool, Any] = {}
#: One exporter per variant, shared by the worker threads under this lock. Building one
#: (templates, filters) costs more than rendering, and rendering holds the GIL anyway, so two
#: threads rendering at once would gain nothing.
_EXPORT_LOCK = threading.Lock()


def _exporter(hide_code: bool):
    """The HTML exporter of a variant (call with ``_EXPORT_LOCK`` held)."""
    from nbconvert import HTMLExporter

    if hide_code not in _EXPORTERS:
        exporter = HTMLExporter()
        if hide_code:
            exporter.exclude_input = True
            exporter.exclude_input_prompt = True
            exporter.exclude_output_prompt = True
        _EXPORTERS[hide_code] = exporter
    return _EXPORTERS[hide_code]


def render_html(nb: nbformat.NotebookNode, path: Path, *, hide_code: bool = False) -> None:
    """An HTML rendering; ``hide_code`` gives the results-only variant for readers who skip code."""
    with _EXPORT_LOCK:
        body, _ = _exporter(hide_code).from_notebook_node(nb)
    write_if_changed(path, body)


def _prepare_in_parent() -> None:
    """Done while the kernel server pre-loads on the other core: the machine-wide caches (before
    any kernel starts, so parallel notebooks never each build them), and what this process needs
    later anyway (papermill, both HTML exporters)."""
    _warm_caches()
    import papermill  # noqa: F401

    with _EXPORT_LOCK:
        _exporter(False)
        _exporter(True)


def _summarise_exception(exc: BaseException) -> str:
    """One readable line from a papermill failure (the notebook's own error, not the runner's stack)."""
    name = getattr(exc, "ename", type(exc).__name__)
    value = getattr(exc, "evalue", str(exc))
    value = re.sub(r"\x1b\[[0-9;]*m", "", str(value)).strip().splitlines()
    return f"{name}: {value[0] if value else ''}"


@contextmanager
def kernel_environment(reports: Path | None = None) -> Iterator[None]:
    """Environment inherited by every kernel started inside the block (deterministic hashing, outputs).

    Set once around a whole run, never per notebook: kernels of one stage start from parallel
    threads, and a thread restoring the environment could strip it from a kernel still starting.
    """
    env = dict(KERNEL_ENV)
    if reports is not None:
        env["MDI_REPORTS_DIR"] = str(reports)
    previous = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute_notebook(source: Path, output: Path, *, parameters: dict[str, Any] | None = None) -> None:
    """Execute ``source`` with papermill into ``output`` (kernel cwd: the notebooks folder)."""
    import papermill as pm
    from traitlets.config import Config

    # IPC transport: the kernel is local anyway, and TCP without keys makes ipykernel print a warning.
    # Each kernel gets its own socket folder: kernels started in parallel from one process would
    # otherwise pick the same socket names and wait for each other forever.
    sockets = tempfile.mkdtemp(prefix="mdi-kernel-")
    config = Config()
    # Forks the kernel from the pre-loaded server when one runs (kernel_server.running_server);
    # otherwise exactly Jupyter's own AsyncKernelManager.
    config.NotebookClient.kernel_manager_class = "mdi_analysis.pipeline._kernel_server.ForkedKernelManager"
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(Path(sockets) / "kernel")
    try:
        pm.execute_notebook(
            str(source),
            str(output),
            parameters=parameters or None,
            cwd=str(source.parent),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            config=config,
        )
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def _run_default(path: Path, reports: Path, update_committed: bool) -> RunResult:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mdi-run-") as tmp:
        executed = Path(tmp) / path.name
        try:
            execute_notebook(path, executed)
        except Exception as exc:  # noqa: BLE001 - any notebook failure is reported, not raised
            return RunResult(path.name, False, time.perf_counter() - start, _summarise_exception(exc))
        nb = clean_notebook(nbformat.read(executed, as_version=4))
    text = _notebook_bytes(nb)
    changed = write_if_changed(path, text) if update_committed else False
    write_if_changed(reports / "notebooks" / path.name, text)
    render_html(nb, reports / "html" / path.with_suffix(".html").name)
    render_html(nb, reports / "html-results" / path.with_suffix(".html").name, hide_code=True)
    return RunResult(path.name, True, time.perf_counter() - start, changed=changed)


def _warm_caches() -> None:
    """Build machine-wide caches once, before kernels start, so parallel notebooks never each build them.

    Today that is simplemma's dictionary trie (:mod:`mdi_analysis.text._lemma_dictionary`): about 2 s once
    per machine and simplemma version, instead of 0.9 s of decoding in every kernel that lemmatises.
    """
    from ..text._lemma_dictionary import ensure_trie

    ensure_trie()


def notebook_needs(path: Path) -> list[str]:
    """Notebooks whose outputs ``path`` reads, from its metadata ``mdi_analysis.needs`` (stems).

    Most notebooks read only ``data/`` and need nothing; one that reads another's output under
    ``reports/`` (the index reads the audit's scoreboard) says so in its own metadata, so the runner
    learns the order from the notebooks and adding one never needs a change here.
    """
    meta = nbformat.read(path, as_version=4).metadata.get("mdi_analysis", {})
    return [str(n) for n in meta.get("needs", [])]


def reproduce(*, jobs: int = 1, update_committed: bool = True, notebooks: list[Path] | None = None) -> list[RunResult]:
    """Run every pipeline notebook with its default parameters, ``jobs`` at a time.

    A notebook starts when the notebooks it needs (:func:`notebook_needs`) have succeeded; among
    the ready ones the longest (by the previous run's time; on a first run, the largest file)
    starts first, so the workers finish together. A failing notebook is reported and the
    notebooks that need it are skipped; the others still run. Results are returned in name order.

    Kernels are forked from a pre-loaded server where possible (:mod:`mdi_analysis.pipeline._kernel_server`).
    """
    notebooks = sorted(notebooks if notebooks is not None else discover_notebooks())
    reports = reports_dir()
    reports.mkdir(parents=True, exist_ok=True)
    previous = _load_durations(reports)
    stems = {p.stem for p in notebooks}
    needs = {p: [n for n in notebook_needs(p) if n in stems] for p in notebooks}
    results: list[RunResult] = []
    from ._kernel_server import running_server

    with kernel_environment(reports), running_server(while_starting=_prepare_in_parent):
        _schedule(notebooks, needs, previous, reports, update_committed, max(1, jobs), results)
    _save_durations(reports, {**previous, **{r.notebook: round(r.seconds, 2) for r in results if r.ok}})
    results.sort(key=lambda r: r.notebook)
    return results


def _schedule(notebooks: list[Path], needs: dict[Path, list[str]], previous: dict[str, float], reports: Path,
              update_committed: bool, jobs: int, results: list[RunResult]) -> None:
    pending = list(notebooks)
    done_ok: set[str] = set()
    failed: set[str] = set()
    total = len(notebooks)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        running: dict = {}
        while pending or running:
            blocked = [p for p in pending if any(n in failed for n in needs[p])]
            for path in blocked:
                pending.remove(path)
                failed.add(path.stem)
                print(f"[skip] {path.name}: needs a notebook that failed", flush=True)
            ready = [p for p in pending if all(n in done_ok for n in needs[p])]
            # Longest first by the previous run; a notebook never timed counts as long (it may be),
            # and among those the larger file first (stored outputs: figures, tables) as a proxy.
            ready.sort(key=lambda p: (-previous.get(p.name, math.inf), -p.stat().st_size, p.name))
            while ready and len(running) < jobs:
                path = ready.pop(0)
                pending.remove(path)
                running[pool.submit(_run_default, path, reports, update_committed)] = path
            if not running:
                break
            finished = next(as_completed(running))
            path = running.pop(finished)
            result = finished.result()
            results.append(result)
            (done_ok if result.ok else failed).add(path.stem)
            mark = "ok  " if result.ok else "FAIL"
            note = " (committed notebook updated)" if result.changed else ""
            print(f"[{len(results)}/{total}] {mark} {result.notebook} {result.seconds:5.1f}s{note}", flush=True)
            if not result.ok:
                print(f"       {result.error}", flush=True)


DURATIONS_FILE = ".durations.json"


def _load_durations(reports: Path) -> dict[str, float]:
    try:
        return {str(k): float(v) for k, v in json.loads((reports / DURATIONS_FILE).read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _save_durations(reports: Path, durations: dict[str, float]) -> None:
    write_if_changed(reports / DURATIONS_FILE, json.dumps(dict(sorted(durations.items())), indent=1) + "\n")


def run_one(notebook: str, parameters: dict[str, Any], out: Path | None = None) -> Path:
    """Run one notebook with other parameters into an ignored folder (default ``reports/runs/<name>``).

    The committed notebook is never touched, and tables/figures go to the same folder.
    """
    candidates = [p for p in discover_notebooks() if p.name == notebook or p.stem == notebook or p.name.startswith(notebook)]
    if len(candidates) != 1:
        names = ", ".join(p.name for p in discover_notebooks())
        raise SystemExit(f"run: {notebook!r} matches {len(candidates)} notebooks; choose one of: {names}")
    source = candidates[0]
    if out is None:
        tag = "-".join(f"{k}={_slug(v)}" for k, v in sorted(parameters.items())) or "default"
        out = reports_dir() / "runs" / f"{source.stem}__{tag}"
    out.mkdir(parents=True, exist_ok=True)
    executed = out / source.name
    _warm_caches()
    with kernel_environment(out):
        execute_notebook(source, executed, parameters=parameters)
    nb = clean_notebook(nbformat.read(executed, as_version=4))
    write_if_changed(executed, _notebook_bytes(nb))
    render_html(nb, executed.with_suffix(".html"))
    return executed


def _slug(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return re.sub(r"[^A-Za-z0-9æøåÆØÅ_.]+", "_", text).strip("_")[:40] or "x"


def notebook_title(path: Path) -> str:
    """The first heading of a notebook, for indexes."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def notebook_index() -> "pd.DataFrame":
    """Every pipeline notebook with its title and its rendered files (relative to reports/)."""
    import pandas as pd

    rows = [
        {
            "notebook": path.stem,
            "title": notebook_title(path),
            "html": f"html/{path.stem}.html",
            "results only": f"html-results/{path.stem}.html",
        }
        for path in discover_notebooks()
    ]
    return pd.DataFrame(rows).set_index("notebook")


def write_index_html(reports: Path) -> Path:
    """``reports/index.html``: the browsable entry point to every rendered notebook."""
    from html import escape

    items = []
    for stem, row in notebook_index().iterrows():
        items.append(
            f'<tr><td>{escape(str(stem))}</td><td>{escape(row["title"])}</td>'
            f'<td><a href="{row["html"]}">with code</a></td><td><a href="{row["results only"]}">results only</a></td></tr>'
        )
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mdi-analysis report</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td{padding:.2em .8em}</style></head><body>"
        "<h1>mdi-analysis: reproduction of Strømsvåg (2017)</h1>"
        "<p>Every notebook of the pipeline, executed by <code>make reproduce</code>. Start with "
        "<em>30 · Index</em> for the map of thesis tables and claims, and <em>22 · Claim audit</em> for the scoreboard. "
        "Tables are in <code>tables/</code>, figures in <code>figures/</code>.</p>"
        "<table><tr><th>notebook</th><th>title</th><th></th><th></th></tr>" + "".join(items) + "</table></body></html>\n"
    )
    path = reports / "index.html"
    write_if_changed(path, page)
    return path


def print_summary(results: list[RunResult], seconds: float, expected_total: int) -> None:
    ok = sum(r.ok for r in results)
    changed = [r.notebook for r in results if r.changed]
    print(f"\nreproduce: {ok} of {expected_total} notebooks ran in {seconds:.1f}s; outputs in {relative_to_root(reports_dir())}/")
    if changed:
        print("committed notebooks updated (review with git diff): " + ", ".join(changed))
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"FAILED: {failed[0].notebook} — {failed[0].error}", file=sys.stderr)
        print("Previous outputs of the failing notebook were kept.", file=sys.stderr)
    elif ok < expected_total:
        print("Some notebooks did not run because a notebook they need failed.", file=sys.stderr)


__all__ = [
    "RunResult",
    "clean_notebook",
    "discover_notebooks",
    "execute_notebook",
    "print_summary",
    "render_html",
    "reproduce",
    "run_one",
]
