"""The pipeline runner: discovery, metadata cleaning, runs with other parameters, paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from mdi_analysis import paths
from mdi_analysis.pipeline import _runner as runner


def test_discovers_pipeline_notebooks_in_order_and_ignores_drafts(tmp_path):
    for name in ["10_b.ipynb", "01_a.ipynb", "_scratch.ipynb", "notes.ipynb", "02_c-d.ipynb"]:
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [p.name for p in runner.discover_notebooks(tmp_path)] == ["01_a.ipynb", "02_c-d.ipynb", "10_b.ipynb"]


def test_every_committed_notebook_follows_the_naming_rule():
    notebooks = runner.discover_notebooks()
    assert notebooks, "no pipeline notebooks found"
    all_ipynb = sorted(p.name for p in paths.notebooks_dir().glob("*.ipynb"))
    assert [p.name for p in notebooks] == all_ipynb


def _stub_notebook(path: Path, needs: list[str] | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    if needs:
        nb.metadata["mdi_analysis"] = {"needs": needs}
    nbformat.write(nb, path)
    return path


def test_scheduler_runs_dependencies_first_and_skips_dependents_of_a_failure(tmp_path, monkeypatch):
    a = _stub_notebook(tmp_path / "01_a.ipynb")
    b = _stub_notebook(tmp_path / "02_b.ipynb", needs=["01_a"])
    c = _stub_notebook(tmp_path / "03_c.ipynb")
    d = _stub_notebook(tmp_path / "04_d.ipynb", needs=["03_c"])
    order: list[str] = []

    def fake_run(path, reports, update_committed):
        order.append(path.stem)
        return runner.RunResult(path.name, path.stem != "03_c", 0.0, "" if path.stem != "03_c" else "ValueError: x")

    monkeypatch.setattr(runner, "_run_default", fake_run)
    monkeypatch.setenv("MDI_FORK_KERNELS", "0")  # no kernels are started here
    monkeypatch.setenv("MDI_REPORTS_DIR", str(tmp_path / "reports"))
    results = runner.reproduce(jobs=1, notebooks=[d, c, b, a])
    assert order.index("01_a") < order.index("02_b")
    assert "04_d" not in order  # needs 03_c, which failed
    assert [(r.notebook, r.ok) for r in results] == [("01_a.ipynb", True), ("02_b.ipynb", True), ("03_c.ipynb", False)]


def test_scheduler_starts_the_longest_notebook_first_and_unknown_ones_before_timed_ones(tmp_path, monkeypatch):
    small = _stub_notebook(tmp_path / "01_small.ipynb")
    large = _stub_notebook(tmp_path / "02_large.ipynb")
    large.write_text(large.read_text(encoding="utf-8").replace('"cells": []', '"cells": []' + " " * 5000), encoding="utf-8")
    timed = _stub_notebook(tmp_path / "03_timed.ipynb")
    order: list[str] = []
    monkeypatch.setattr(runner, "_run_default", lambda path, *_: order.append(path.stem) or runner.RunResult(path.name, True, 0.0))
    monkeypatch.setenv("MDI_FORK_KERNELS", "0")
    reports = tmp_path / "reports"
    monkeypatch.setenv("MDI_REPORTS_DIR", str(reports))
    runner.reproduce(jobs=1, notebooks=[small, large, timed])
    assert order == ["02_large", "01_small", "03_timed"]  # first run: larger file first
    (reports / runner.DURATIONS_FILE).write_text('{"01_small.ipynb": 9.0, "02_large.ipynb": 1.0}\n', encoding="utf-8")
    order.clear()
    runner.reproduce(jobs=1, notebooks=[small, large, timed])
    assert order == ["03_timed", "01_small", "02_large"]  # never timed first, then by time


def test_index_notebook_declares_that_it_reads_the_audit():
    index = next(p for p in runner.discover_notebooks() if p.stem.startswith("30_"))
    assert runner.notebook_needs(index) == ["22_audit-claims"]


def test_clean_notebook_strips_volatile_metadata_and_is_idempotent():
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"duration": 1.2, "start_time": "2026-01-01"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["papermill"] = {"duration": 0.1}
    cell.metadata["execution"] = {"iopub.status.busy": "2026"}
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    cleaned = runner.clean_notebook(nb)
    assert "papermill" not in cleaned.metadata
    assert cleaned.metadata["language_info"] == {"name": "python"}
    assert cleaned.cells[0].metadata == {"tags": ["parameters"]}
    assert runner.clean_notebook(cleaned) == cleaned


def test_committed_notebooks_are_clean_runner_output():
    """A committed notebook carries no volatile metadata and every code cell was executed in order."""
    for path in runner.discover_notebooks():
        nb = nbformat.read(path, as_version=4)
        assert runner.clean_notebook(nb) == nb, f"{path.name} has volatile metadata: run `make reproduce`"
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), f"{path.name} was not executed top to bottom"
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
        assert not any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_parameters_cells_hold_only_commented_literals():
    import ast

    for path in runner.discover_notebooks():
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        for line in cell.source.splitlines():
            if not line.strip():
                continue
            assert "#" in line, f"{path.name}: parameter line without a comment: {line!r}"
            target, value = line.split("#", 1)[0].split("=", 1)
            ast.literal_eval(value.strip())  # raises if not a literal


def test_run_one_writes_to_an_ignored_folder_and_leaves_committed_notebook(tmp_path):
    notebook = runner.discover_notebooks()[0]
    before = notebook.read_bytes()
    out = runner.run_one(notebook.name[:2], {"factors": "all", "municipalities": ["B"]}, tmp_path / "run")
    executed = nbformat.read(out, as_version=4)
    text = json.dumps([c.get("outputs", []) for c in executed.cells], ensure_ascii=False)
    assert "Relevant kompetanseutvikling" in text  # all ten factors
    assert (tmp_path / "run" / "tables" / "survey_table_4_6.csv").exists()
    assert out.with_suffix(".html").exists()
    assert notebook.read_bytes() == before


def test_runs_folder_is_ignored_by_git():
    ignored = (paths.project_root() / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "reports/" in ignored


def test_paths_resolve_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths._root_from.cache_clear()
    assert (paths.project_root() / "pyproject.toml").exists()
    assert paths.data_dir().name == "data" or os.environ.get("MDI_DATA_DIR")


def test_bad_mdi_root_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MDI_ROOT", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="is not the mdi-analysis project root"):
        paths.project_root()
