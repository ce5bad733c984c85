"""The pipeline runner: execute every notebook with papermill, in pipeline order, into ``reports/``.

Why a runner and not "Run all" in JupyterLab? The committed notebooks must be the default-parameter
run, executed top to bottom in a fresh kernel, with volatile metadata removed so that running the
pipeline twice leaves ``git diff`` empty. The runner also renders HTML, keeps the previous good
outputs when a notebook fails (each notebook is executed into a temporary file first) and can run
one notebook with other parameters into an ignored folder (``reports/runs/``).

Notebooks are discovered by name (``NN_verb-object.ipynb``) and declare what they need and the
parameter sets they are run with in their own metadata (:mod:`mdi_analysis.pipeline._notebooks`),
so adding one needs no change here. What is executed is a list of :class:`NotebookRun`: one per
notebook, or one per parameter set of a template.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from ..errors import MdiError, OptionError
from ..io import make_folders, mark_folder, output_marker, remove_created_folders, write_if_changed
from ..paths import project_root, relative_to_root, reports_dir
from ._digests import DIGESTS_FILE, run_digests, save_digests
from ._kernel_server import running_server, scratch_folder
from ._notebooks import (
    NotebookRun,
    clean_notebook,
    find_run,
    notebook_needs,
    notebook_text,
    pipeline_runs,
)
from ._parameters import check_parameters
from ._render import prepare_exporters, render_html

KERNEL_ENV = {"PYTHONHASHSEED": "0"}


@dataclass
class RunResult:
    """The outcome of one run: ``notebook`` is the executed notebook's file name (``<run name>.ipynb``)."""

    notebook: str
    ok: bool
    seconds: float
    error: str = ""
    changed: bool = False
    #: Table file name → digest of each table the run wrote (:mod:`._digests`); None when not taken.
    digests: dict[str, str] | None = None


def _prepare_in_parent() -> None:
    """Done while the kernel server pre-loads on the other core: the machine-wide caches (before
    any kernel starts, so parallel notebooks never each build them), and what this process needs
    later anyway (papermill, both HTML exporters)."""
    _warm_caches()
    import papermill  # noqa: F401

    prepare_exporters()


def summarise_failure(exc: BaseException) -> str:
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


def _papermill_log() -> logging.Logger:
    return logging.getLogger("papermill")


def _without_unknown_parameter_warnings(record: logging.LogRecord) -> bool:
    """A logging filter: False for papermill's "Passed unknown parameter" (see execute_notebook)."""
    return not str(record.getMessage()).startswith("Passed unknown parameter")


def execute_notebook(source: Path, output: Path, *, parameters: dict[str, Any] | None = None) -> None:
    """Execute ``source`` with papermill into ``output`` (kernel cwd: the notebooks folder)."""
    import papermill as pm
    from traitlets.config import Config

    # papermill's own reading of the parameters cell (only used to warn about unknown parameters)
    # cannot read an annotation such as ``factors: str | list[str] = …`` and then warns "Passed
    # unknown parameter" for a valid one. Names and types were checked before the run
    # (pipeline._parameters, exit 2 on an unknown name), so both of its messages are left out.
    logging.getLogger("papermill.translators").setLevel(logging.ERROR)
    _papermill_log().addFilter(_without_unknown_parameter_warnings)
    # IPC transport: the kernel is local anyway, and TCP without keys makes ipykernel print a warning.
    # Each kernel gets its own socket folder: kernels started in parallel from one process would
    # otherwise pick the same socket names and wait for each other forever. The folder also holds
    # the connection file, and lies in the kernel server's folder when one runs, which the server
    # removes if this process is killed (nothing of the run is left in the temporary folder).
    sockets = tempfile.mkdtemp(prefix="mdi-kernel-", dir=scratch_folder())
    config = Config()
    # Forks the kernel from the pre-loaded server when one runs (kernel_server.running_server);
    # otherwise exactly Jupyter's own AsyncKernelManager.
    config.NotebookClient.kernel_manager_class = "mdi_analysis.pipeline._kernel_server.ForkedKernelManager"
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(Path(sockets) / "kernel")
    config.KernelManager.connection_file = str(Path(sockets) / "kernel.json")
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


def _execute_run(run: NotebookRun, reports: Path, update_committed: bool) -> RunResult:
    """Execute one run into a temporary file; only a successful run replaces any output."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mdi-run-", dir=scratch_folder()) as tmp:
        executed = Path(tmp) / run.file_name
        try:
            execute_notebook(run.source, executed, parameters=run.parameters)
        except Exception as exc:  # noqa: BLE001 - any notebook failure is reported, not raised
            return RunResult(run.file_name, False, time.perf_counter() - start, summarise_failure(exc))
        nb = clean_notebook(nbformat.read(executed, as_version=4))
    digests = run_digests(nb, reports / "tables")  # now: no other run writes this run's tables
    text = notebook_text(nb)
    changed = write_if_changed(run.committed, text) if update_committed and run.committed else False
    write_if_changed(reports / "notebooks" / run.file_name, text)
    render_html(nb, reports / "html" / f"{run.name}.html", title=run.title)
    render_html(nb, reports / "html-results" / f"{run.name}.html", hide_code=True, title=run.title)
    return RunResult(run.file_name, True, time.perf_counter() - start, changed=changed, digests=digests)


def _warm_caches() -> None:
    """Build machine-wide caches once, before kernels start, so parallel notebooks never each build them.

    Today that is simplemma's dictionary trie (:mod:`mdi_analysis.text._lemma_dictionary`): about 2 s once
    per machine and simplemma version, instead of 0.9 s of decoding in every kernel that lemmatises.
    """
    from ..text import ensure_trie

    ensure_trie()


def select_runs(only: list[str] | None = None, notebooks: list[Path] | None = None) -> list[NotebookRun]:
    """The runs ``reproduce --only`` selects: those whose name or notebook starts with a prefix.

    ``--only 12`` runs the parameter set ``12_reproduce-results-rq2``; ``--only 11`` runs every set
    of the template ``11_reproduce-results.ipynb`` (its first set is named ``11_…`` too).
    """
    runs = pipeline_runs(notebooks)
    if not only:
        return runs
    return [r for r in runs if any(r.name.startswith(p) or r.source.name.startswith(p) for p in only)]


def _resolve_needs(runs: list[NotebookRun]) -> dict[str, list[str]]:
    """Run name → the runs (in this selection) it needs: a need names a notebook or a run."""
    declared = {path: notebook_needs(path) for path in {run.source for run in runs}}
    return {
        run.name: [
            other.name
            for other in runs
            if other is not run and (other.name in declared[run.source] or other.source.stem in declared[run.source])
        ]
        for run in runs
    }


def reproduce(
    *,
    jobs: int = 1,
    update_committed: bool = True,
    notebooks: list[Path] | None = None,
    runs: list[NotebookRun] | None = None,
) -> list[RunResult]:
    """Run every pipeline notebook (every parameter set of a template) with papermill, ``jobs`` at a time.

    A run starts when the runs it needs (:func:`~mdi_analysis.pipeline._notebooks.notebook_needs`)
    have succeeded; among the ready ones the longest (by the previous run's time; on a first run,
    the largest file) starts first, so the workers finish together. A failing run is reported and
    the runs that need it are skipped; the others still run. Kernels are forked from a pre-loaded
    server where possible (:mod:`mdi_analysis.pipeline._kernel_server`).

    Parameters
    ----------
    jobs : int
        Runs executed at the same time.
    update_committed : bool
        Rewrite the committed notebooks (``notebooks/`` and ``notebooks/parameter-sets/``).
    notebooks : list of Path, optional
        Notebooks to run, each with all its runs (default: every pipeline notebook).
    runs : list of NotebookRun, optional
        Exactly these runs (e.g. from :func:`select_runs`); overrides ``notebooks``.

    Returns
    -------
    list of RunResult
        In name order; runs skipped because a run they need failed are missing.
    """
    runs = sorted(runs if runs is not None else pipeline_runs(notebooks), key=lambda r: r.name)
    reports = reports_dir()
    reports.mkdir(parents=True, exist_ok=True)
    previous = _load_durations(reports)
    results: list[RunResult] = []
    with kernel_environment(reports), running_server(while_starting=_prepare_in_parent):
        _schedule(runs, _resolve_needs(runs), previous, reports, update_committed, max(1, jobs), results)
    _save_durations(reports, {**previous, **{r.notebook: round(r.seconds, 2) for r in results if r.ok}})
    _save_table_digests(runs, results, reports, update_committed)
    results.sort(key=lambda r: r.notebook)
    return results


def _save_table_digests(
    runs: list[NotebookRun], results: list[RunResult], reports: Path, update_committed: bool
) -> None:
    """Record the digests of each successful run's tables, keyed by its committed notebook.

    Written to ``reports/table-digests.json`` always and, like the committed notebooks themselves,
    to ``table-digests.json`` beside them when ``update_committed``; entries of notebooks that did
    not run are kept. The key is the committed notebook's path under the notebooks folder
    (``03_code-themes.ipynb``, ``parameter-sets/12_reproduce-results-rq2.ipynb``).
    """
    taken = {r.notebook: r.digests for r in results if r.ok and r.digests is not None}
    by_folder: dict[Path, dict[str, dict[str, str]]] = {}
    for run in runs:
        if run.committed is not None and run.file_name in taken:
            folder = run.source.parent
            key = run.committed.relative_to(folder).as_posix()
            by_folder.setdefault(folder, {})[key] = taken[run.file_name]
    for folder, updates in by_folder.items():
        save_digests(reports / DIGESTS_FILE, updates)
        if update_committed and save_digests(folder / DIGESTS_FILE, updates):
            print(f"committed table digests updated (review with git diff): {relative_to_root(folder / DIGESTS_FILE)}")


def _schedule(
    runs: list[NotebookRun],
    needs: dict[str, list[str]],
    previous: dict[str, float],
    reports: Path,
    update_committed: bool,
    jobs: int,
    results: list[RunResult],
) -> None:
    pending = list(runs)
    done_ok: set[str] = set()
    failed: set[str] = set()
    total = len(runs)
    pool = _DaemonPool()
    running: dict = {}
    while pending or running:
        blocked = [r for r in pending if any(n in failed for n in needs[r.name])]
        for run in blocked:
            pending.remove(run)
            failed.add(run.name)
            print(f"[skip] {run.file_name}: needs a notebook that failed", flush=True)
        ready = [r for r in pending if all(n in done_ok for n in needs[r.name])]
        # Longest first by the previous run; a run never timed counts as long (it may be),
        # and among those the larger file first (stored outputs: figures, tables) as a proxy.
        ready.sort(key=lambda r: (-previous.get(r.file_name, math.inf), -r.source.stat().st_size, r.name))
        while ready and len(running) < jobs:
            run = ready.pop(0)
            pending.remove(run)
            running[pool.submit(_execute_run, run, reports, update_committed)] = run
        if not running:
            break
        finished = _first_done(running)
        run = running.pop(finished)
        result = finished.result()
        results.append(result)
        (done_ok if result.ok else failed).add(run.name)
        mark = "ok  " if result.ok else "FAIL"
        note = " (committed notebook updated)" if result.changed else ""
        print(f"[{len(results)}/{total}] {mark} {result.notebook} {result.seconds:5.1f}s{note}", flush=True)
        if not result.ok:
            print(f"       {result.error}", flush=True)


def _first_done(running: dict) -> Future:
    """The first of the ``running`` futures to finish.

    Waits in short slices: a Ctrl-C that the operating system delivers to one of the notebook
    threads instead of the main thread does not interrupt a wait without a timeout, so the runner
    would never see it; each slice's end lets the main thread raise the pending KeyboardInterrupt.
    Of several finished at once, the one submitted first.
    """
    while True:
        done, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
        if done:
            return next(future for future in running if future in done)


class _DaemonPool:
    """Runs each submitted call in a daemon thread of its own and hands back its future.

    Why not a ``ThreadPoolExecutor``: its worker threads are joined when the interpreter exits, so a
    run still waiting on a kernel that Ctrl-C has just killed can keep the whole runner alive. Leaving
    ``reproduce`` early ends the kernel server (which kills the kernels); daemon threads then let
    the process end at once. ``_schedule`` itself caps how many runs are in flight.
    """

    def submit(self, function: Any, *args: Any) -> Future:
        future: Future = Future()

        def work() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(function(*args))
            except BaseException as error:  # noqa: BLE001 - handed to the waiting scheduler
                future.set_exception(error)

        threading.Thread(target=work, name="mdi-notebook-run", daemon=True).start()
        return future


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

    The committed notebook is never touched, and tables/figures go to the same folder. The
    parameter names, their values' types and the folder are checked before anything is written or
    a kernel started (:func:`~mdi_analysis.pipeline._parameters.check_parameters`,
    :func:`run_folder`). The notebook runs into a staging folder inside ``out``; only a run that
    succeeds moves its files into ``out``, so a failed run leaves no partial output (and removes
    the folder if it made it).

    Parameters
    ----------
    notebook : str
        A notebook or parameter set, as :func:`find_run` reads it (``01``, ``11``, ``12``).
    parameters : dict
        Parameters to inject; they override a parameter set's own.
    out : Path, optional
        Output folder (default ``reports/runs/<name>__<parameters>``): a folder under
        ``reports/runs/``, or a new one outside the repository (:func:`run_folder`).

    Returns
    -------
    Path
        The executed notebook (its HTML page is next to it).

    Raises
    ------
    OptionError
        An unknown notebook or parameter name, a value of the wrong type, an output folder that is
        not allowed (nothing was written), or a value the notebook refused with the package's
        ``OptionError`` (a unit the data does not know); then nothing of the run is kept either.
    MdiError
        The notebook stopped on another of the package's errors (bad input data).
    """
    run = find_run(notebook)
    check_parameters(run.source, parameters)
    out = run_folder(run, parameters, out)
    executed = out / run.file_name
    created = make_folders(out)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
        try:
            _warm_caches()
            with kernel_environment(staging), _stderr_held() as held:
                try:
                    execute_notebook(run.source, staging / run.file_name, parameters={**run.parameters, **parameters})
                except Exception as error:
                    translated = _as_input_error(error, run)
                    held.keep = translated is error  # the package's error: its one line says it all
                    raise translated from None
            nb = clean_notebook(nbformat.read(staging / run.file_name, as_version=4))
            write_if_changed(staging / run.file_name, notebook_text(nb))
            render_html(nb, staging / executed.with_suffix(".html").name)
            _move_into(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        remove_created_folders(created)
        raise
    mark_folder(out, f"run {run.name}", [executed.name, executed.with_suffix(".html").name, "tables", "figures"])
    return executed


class _HeldStderr:
    """What was written to file descriptor 2 while held; written out at the end unless ``keep`` is False."""

    def __init__(self, file) -> None:
        self.file = file
        self.keep = True


@contextmanager
def _stderr_held() -> Iterator[_HeldStderr]:
    """Hold back what the kernel (a child process sharing file descriptor 2) writes to stderr.

    Why: a kernel shut down after its notebook failed may log a line of its own ("KeyboardInterrupt
    caught in kernel"); when the failure is the package's own error the runner's single line must be
    all the user sees. Whatever else happened, the held text is written out afterwards.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as file:
        os.dup2(file.fileno(), 2)
        held = _HeldStderr(file)
        try:
            yield held
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            if held.keep:
                file.seek(0)
                text = file.read().decode("utf-8", errors="replace")
                if text:
                    sys.stderr.write(text)
                    sys.stderr.flush()


def _mdi_error_names() -> set[str]:
    """The names of the package's errors (:mod:`mdi_analysis.errors`), as a kernel reports them."""
    names, pending = set(), [MdiError]
    while pending:
        kind = pending.pop()
        names.add(kind.__name__)
        pending.extend(kind.__subclasses__())
    return names


def _as_input_error(error: Exception, run: NotebookRun) -> Exception:
    """A notebook that stopped on the package's own error (a value the data does not know, a bad
    input file) is bad input, not a failed run: the runner says it in the error's one line (exit 2).
    Any other failure is returned as it is (``run`` reports it, exit 1)."""
    name = getattr(error, "ename", "")
    if name not in _mdi_error_names() or name == "PersonalDataError":
        return error
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(getattr(error, "evalue", ""))).strip()
    kind = OptionError if name == "OptionError" else MdiError
    return kind(f"{run.file_name} stopped: {' '.join(message.split())}; nothing written")


def _move_into(staging: Path, out: Path) -> None:
    """Move a finished run's files from ``staging`` into ``out``, file by file (folders merged)."""
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = out / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)


def run_folder(run: NotebookRun, parameters: dict[str, Any], out: str | Path | None = None) -> Path:
    """Where :func:`run_one` writes: an absolute folder under ``reports/runs/`` or outside the repository.

    Why so strict: the kernel writes the run's tables and figures into this folder, and the runner
    the executed notebook, so a folder inside the repository would overwrite committed notebooks
    (``--out notebooks``), data (``--out data``) or the default run's tables (``--out reports``).
    A relative ``out`` is resolved once, against the current folder: the kernel runs in
    ``notebooks/`` and would otherwise resolve it differently from the runner and split the output
    between two folders. A folder outside the repository must be new or empty, or one an earlier
    run made (it carries :data:`~mdi_analysis.io.OUTPUT_MARKER`).

    Parameters
    ----------
    run : NotebookRun
        From :func:`find_run`.
    parameters : dict
        The parameters given (their names are already checked); they name the default folder.
    out : str or Path, optional
        The folder asked for.

    Returns
    -------
    Path
        The absolute folder (not yet created).

    Raises
    ------
    OptionError
        ``out`` is inside the repository but not under ``reports/runs/``, or an existing folder
        outside it that is neither empty nor made by a run.
    """
    runs = (reports_dir() / "runs").resolve()
    if out is None:
        tag = "-".join(f"{_slug(k)}={_slug(v)}" for k, v in sorted(parameters.items())) or "default"
        return runs / f"{run.name}__{tag}"
    target = Path(out).expanduser().resolve()
    if runs in target.parents:
        return target
    root = project_root().resolve()
    where = relative_to_root(target)
    if target == root or root in target.parents:
        raise OptionError(
            f"--out {where} is inside the repository; a run writes only under "
            f"{relative_to_root(runs)}/ or into a new folder outside the repository"
        )
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not _made_by_a_run(target))):
        raise OptionError(
            f"--out {where} exists and was not made by a run; choose a new or empty folder, "
            f"or one under {relative_to_root(runs)}/"
        )
    return target


def _made_by_a_run(folder: Path) -> bool:
    marker = output_marker(folder)
    return marker is not None and marker.made_by.startswith("run ")


def _slug(value: Any) -> str:
    """A value as part of a folder name: letters, digits, ``_`` and ``.`` only, at most 40
    characters, never a path of its own (``../x`` becomes ``_x``, a name of only dots ``x``)."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    slug = re.sub(r"[^A-Za-z0-9æøåÆØÅ_.]+", "_", text).strip("_")[:40].strip(".")
    return slug or "x"


def print_summary(results: list[RunResult], seconds: float, expected_total: int) -> None:
    """The closing lines of ``reproduce``: how many ran, which committed notebooks changed, what failed."""
    ok = sum(r.ok for r in results)
    changed = [r.notebook for r in results if r.changed]
    print(
        f"\nreproduce: {ok} of {expected_total} notebooks ran in {seconds:.1f}s; "
        f"outputs in {relative_to_root(reports_dir())}/"
    )
    if changed:
        print("committed notebooks updated (review with git diff): " + ", ".join(changed))
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"FAILED: {failed[0].notebook} — {failed[0].error}", file=sys.stderr)
        print("Previous outputs of the failing notebook were kept.", file=sys.stderr)
    elif ok < expected_total:
        print("Some notebooks did not run because a notebook they need failed.", file=sys.stderr)
