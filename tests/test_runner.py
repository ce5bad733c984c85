"""The pipeline runner: discovery, parameter sets, metadata cleaning, runs with other parameters, paths."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from mdi_analysis import paths, pipeline
from mdi_analysis.__main__ import main
from mdi_analysis.errors import InputDataError, OptionError
from mdi_analysis.pipeline import _runner as runner  # the scheduler's internals, replaced in tests


def test_discovers_pipeline_notebooks_in_order_and_ignores_drafts(tmp_path):
    for name in ["10_b.ipynb", "01_a.ipynb", "_scratch.ipynb", "notes.ipynb", "02_c-d.ipynb"]:
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [p.name for p in pipeline.discover_notebooks(tmp_path)] == ["01_a.ipynb", "02_c-d.ipynb", "10_b.ipynb"]


def test_every_committed_notebook_follows_the_naming_rule():
    notebooks = pipeline.discover_notebooks()
    assert notebooks, "no pipeline notebooks found"
    all_ipynb = sorted(p.name for p in paths.notebooks_dir().glob("*.ipynb"))
    assert [p.name for p in notebooks] == all_ipynb


def _stub_notebook(path: Path, needs: list[str] | None = None, parameters: str = "", sets: dict | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    meta = {}
    if needs:
        meta["needs"] = needs
    if sets:
        meta["parameter_sets"] = sets
    if meta:
        nb.metadata["mdi_analysis"] = meta
    if parameters:
        cell = nbformat.v4.new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def _sets(*values: int) -> dict:
    return {f"1{n}_t-q{n}": {"title": f"1{n} · Q{n}", "parameters": {"q": n}} for n in values}


def test_scheduler_runs_dependencies_first_and_skips_dependents_of_a_failure(tmp_path, monkeypatch):
    a = _stub_notebook(tmp_path / "01_a.ipynb")
    b = _stub_notebook(tmp_path / "02_b.ipynb", needs=["01_a"])
    c = _stub_notebook(tmp_path / "03_c.ipynb")
    d = _stub_notebook(tmp_path / "04_d.ipynb", needs=["03_c"])
    order: list[str] = []

    def fake_run(run, reports, update_committed):
        order.append(run.name)
        return runner.RunResult(run.file_name, run.name != "03_c", 0.0, "" if run.name != "03_c" else "ValueError: x")

    monkeypatch.setattr(runner, "_execute_run", fake_run)
    monkeypatch.setenv("MDI_FORK_KERNELS", "0")  # no kernels are started here
    monkeypatch.setenv("MDI_REPORTS_DIR", str(tmp_path / "reports"))
    results = runner.reproduce(jobs=1, notebooks=[d, c, b, a])
    assert order.index("01_a") < order.index("02_b")
    assert "04_d" not in order  # needs 03_c, which failed
    assert [(r.notebook, r.ok) for r in results] == [("01_a.ipynb", True), ("02_b.ipynb", True), ("03_c.ipynb", False)]


def test_a_template_runs_once_per_parameter_set_and_a_need_may_name_one_set(tmp_path, monkeypatch):
    template = _stub_notebook(tmp_path / "11_t.ipynb", parameters="q = 1  # question", sets=_sets(1, 2, 3))
    index = _stub_notebook(tmp_path / "30_i.ipynb", needs=["12_t-q2"])
    runs = {run.name: run for run in pipeline.pipeline_runs([index, template])}
    assert list(runs) == ["11_t-q1", "12_t-q2", "13_t-q3", "30_i"]
    assert runs["11_t-q1"].parameters == {} and runs["11_t-q1"].committed == template  # the defaults, no injection
    assert runs["13_t-q3"].parameters == {"q": 3}
    assert runs["13_t-q3"].committed == tmp_path / pipeline.PARAMETER_SETS_DIR / "13_t-q3.ipynb"
    assert runs["12_t-q2"].title == "12 · Q2"
    order: list[str] = []
    monkeypatch.setattr(
        runner, "_execute_run", lambda run, *_: order.append(run.name) or runner.RunResult(run.file_name, True, 0.0)
    )
    monkeypatch.setenv("MDI_FORK_KERNELS", "0")
    monkeypatch.setenv("MDI_REPORTS_DIR", str(tmp_path / "reports"))
    runner.reproduce(jobs=1, notebooks=[index, template])
    assert sorted(order) == sorted(runs) and order.index("12_t-q2") < order.index("30_i")
    assert [r.name for r in runner.select_runs(["11"], [index, template])] == ["11_t-q1", "12_t-q2", "13_t-q3"]
    assert [r.name for r in runner.select_runs(["12"], [index, template])] == ["12_t-q2"]


@pytest.mark.parametrize(
    ("sets", "problem"),
    [
        ({"12_t-q2": {"title": "x", "parameters": {"q": 2}}}, "differs from the parameters cell"),
        ({"11_t-q1": {"title": "x", "parameters": {"q": 1, "r": 2}}}, "which the parameters cell lacks"),
        ({"q1": {"title": "x", "parameters": {"q": 1}}}, "not named like a notebook"),
        ({"11_t-q1": {"parameters": {"q": 1}}}, "needs a 'title'"),
    ],
)
def test_malformed_parameter_sets_are_named_in_the_error(tmp_path, sets, problem):
    template = _stub_notebook(tmp_path / "11_t.ipynb", parameters="q = 1  # question", sets=sets)
    with pytest.raises(InputDataError, match=problem):
        pipeline.notebook_runs(template)


def test_scheduler_starts_the_longest_notebook_first_and_unknown_ones_before_timed_ones(tmp_path, monkeypatch):
    small = _stub_notebook(tmp_path / "01_small.ipynb")
    large = _stub_notebook(tmp_path / "02_large.ipynb")
    large.write_text(
        large.read_text(encoding="utf-8").replace('"cells": []', '"cells": []' + " " * 5000), encoding="utf-8"
    )
    timed = _stub_notebook(tmp_path / "03_timed.ipynb")
    order: list[str] = []
    monkeypatch.setattr(
        runner, "_execute_run", lambda run, *_: order.append(run.name) or runner.RunResult(run.file_name, True, 0.0)
    )
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
    index = next(p for p in pipeline.discover_notebooks() if p.stem.startswith("30_"))
    assert pipeline.notebook_needs(index) == ["22_audit-claims"]


def test_clean_notebook_strips_volatile_metadata_and_is_idempotent():
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"duration": 1.2, "start_time": "2026-01-01"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["papermill"] = {"duration": 0.1}
    cell.metadata["execution"] = {"iopub.status.busy": "2026"}
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    injected = nbformat.v4.new_code_cell("# Parameters\nx = 2\n")  # papermill gives it a random id
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.append(injected)
    cleaned = pipeline.clean_notebook(nb)
    assert "papermill" not in cleaned.metadata
    assert cleaned.metadata["language_info"] == {"name": "python"}
    assert cleaned.cells[0].metadata == {"tags": ["parameters"]}
    assert cleaned.cells[1].id == "injected-parameters"
    assert pipeline.clean_notebook(cleaned) == cleaned


def _committed_runs() -> list:
    return [run for run in pipeline.pipeline_runs() if run.committed is not None]


def test_committed_notebooks_are_clean_runner_output():
    """A committed notebook carries no volatile metadata and every code cell was executed in order."""
    for run in _committed_runs():
        path = run.committed
        assert path.is_file(), f"{path.name} is missing: run `make reproduce`"
        nb = nbformat.read(path, as_version=4)
        assert pipeline.clean_notebook(nb) == nb, f"{path.name} has volatile metadata: run `make reproduce`"
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), f"{path.name} was not executed top to bottom"
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == (1 if run.parameters else 0), path.name


def test_parameter_set_notebooks_are_the_template_with_its_parameters_injected():
    """notebooks/parameter-sets/ is written by `make reproduce` only: each file must be exactly its
    template with the set's parameters injected (nbval then checks its stored outputs), and the
    folder holds nothing else."""
    sets = [run for run in _committed_runs() if run.parameters]
    assert {run.name for run in sets} >= {"12_reproduce-results-rq2", "15_reproduce-results-rq5"}
    for run in sets:
        template = nbformat.read(run.source, as_version=4)
        committed = nbformat.read(run.committed, as_version=4)
        expected = pipeline.parameterised_source(template, run.parameters)
        assert pipeline.without_outputs(committed) == expected, (
            f"{run.committed.name} differs from {run.source.name} with {run.parameters}: "
            "edit the template and run `make reproduce`"
        )
    folder = paths.notebooks_dir() / pipeline.PARAMETER_SETS_DIR
    assert sorted(p.name for p in folder.glob("*.ipynb")) == sorted(run.file_name for run in sets)


def test_results_pages_come_from_one_template_with_five_parameter_sets():
    template = paths.notebooks_dir() / "11_reproduce-results.ipynb"
    runs = pipeline.notebook_runs(template)
    assert [run.name for run in runs] == [f"1{n}_reproduce-results-rq{n}" for n in range(1, 6)]
    assert [run.parameters.get("research_question") for run in runs] == [None, 2, 3, 4, 5]  # rq1: the defaults
    assert pipeline.notebook_parameters(template)["research_question"][0] == 1
    index = pipeline.notebook_index()
    assert index.loc["14_reproduce-results-rq4", "title"] == "14 · Results for research question 4: barriers (4.4)"
    assert index.loc["12_reproduce-results-rq2", "html"] == "html/12_reproduce-results-rq2.html"


def test_run_names_a_notebook_or_a_parameter_set():
    template = pipeline.find_run("11")
    assert (template.name, template.parameters) == ("11_reproduce-results", {})
    rq3 = pipeline.find_run("13")
    assert (rq3.name, rq3.source.name, rq3.parameters) == (
        "13_reproduce-results-rq3",
        "11_reproduce-results.ipynb",
        {"research_question": 3},
    )
    with pytest.raises(OptionError, match="matches 0 notebooks"):
        pipeline.find_run("99")


def test_run_list_shows_parameters_defaults_and_sets(capsys):
    assert main(["run", "11", "--list"]) == 0
    text = capsys.readouterr().out
    assert "research_question = 1" in text and "# research question of section 1.2" in text
    assert "15_reproduce-results-rq5: research_question=5" in text
    assert main(["run", "--list"]) == 0
    assert "01_reproduce-survey-and-sample: municipalities, factors" in capsys.readouterr().out


def test_parameters_cells_hold_only_commented_literals():
    import ast

    for path in pipeline.discover_notebooks():
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        for line in cell.source.splitlines():
            if not line.strip():
                continue
            assert "#" in line, f"{path.name}: parameter line without a comment: {line!r}"
            target, value = line.split("#", 1)[0].split("=", 1)
            ast.literal_eval(value.strip())  # raises if not a literal


def test_run_one_writes_to_an_ignored_folder_and_leaves_committed_notebook(tmp_path):
    notebook = pipeline.discover_notebooks()[0]
    before = notebook.read_bytes()
    out = pipeline.run_one(notebook.name[:2], {"factors": "all", "municipalities": ["B"]}, tmp_path / "run")
    executed = nbformat.read(out, as_version=4)
    text = json.dumps([c.get("outputs", []) for c in executed.cells], ensure_ascii=False)
    assert "Relevant kompetanseutvikling" in text  # all ten factors
    assert (tmp_path / "run" / "tables" / "survey_table_4_6.csv").exists()
    assert out.with_suffix(".html").exists()
    assert notebook.read_bytes() == before


def test_run_the_results_template_for_another_research_question(tmp_path):
    out = pipeline.run_one("11", {"research_question": 3}, tmp_path / "run")
    text = out.read_text(encoding="utf-8")
    assert "Research question 3: Hva forventes av medarbeiderne" in text
    assert (tmp_path / "run" / "tables" / "results_rq3_quotes.csv").exists()


def test_runs_folder_is_ignored_by_git():
    ignored = (paths.project_root() / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "reports/" in ignored


def test_paths_resolve_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("MDI_DATA_DIR", raising=False)
    monkeypatch.delenv("MDI_ROOT", raising=False)
    root = paths.project_root()
    monkeypatch.chdir(tmp_path)
    paths._root_from.cache_clear()
    assert paths.project_root() == root and (root / "pyproject.toml").is_file()
    assert paths.data_dir() == root / "data"
    monkeypatch.setenv("MDI_DATA_DIR", str(tmp_path / "other"))
    assert paths.data_dir() == tmp_path / "other"


def test_bad_mdi_root_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MDI_ROOT", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="is not the mdi-analysis project root"):
        paths.project_root()
