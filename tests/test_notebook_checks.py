"""Nothing a notebook computes escapes comparison: result cells carry the nbval marker, tables a digest.

nbval runs in lax mode (``pyproject.toml``): only cells marked ``# NBVAL_CHECK_OUTPUT`` have their
stored output compared. A result cell that loses its marker would still run, and a changed number
in it would pass. The rule, checked over every committed notebook:

    A code cell shows a result when its stored outputs print to stdout, or display a value whose
    richest form is text or HTML (a DataFrame, a number), or when its source calls
    ``present.show(`` or ``display(``. Such a cell carries ``# NBVAL_CHECK_OUTPUT``, or opts out
    with a line ``# not-a-result: <reason>``.

Figures (``image/*``), widgets and Markdown headings are not results in this sense: the numbers
behind a figure are in a table the notebook writes, and the written tables are compared through
their digests (``notebooks/table-digests.json``, checked after the nbval run by ``conftest.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from mdi_analysis import paths, pipeline
from mdi_analysis.pipeline import _digests
from mdi_analysis.pipeline import _runner as runner

CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
OPT_OUT = re.compile(r"^#[ \t]*not-a-result:[ \t]*(.*)$", re.M)
SHOWS = re.compile(r"(?<![\w.])(?:present\.show(?:_table)?|display)\(")
NOT_RESULT_DATA = ("image/", "application/vnd.jupyter.widget-view+json", "text/markdown")


def committed_notebooks() -> list[Path]:
    folder = paths.notebooks_dir()
    return sorted(folder.glob("*.ipynb")) + sorted((folder / pipeline.PARAMETER_SETS_DIR).glob("*.ipynb"))


def shows_result(cell: dict) -> bool:
    if SHOWS.search(cell["source"]):
        return True
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "stream" and output.get("name") == "stdout" and output["text"].strip():
            return True
        if kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if not any(key.startswith(NOT_RESULT_DATA) for key in data) and {"text/plain", "text/html"} & set(data):
                return True
    return False


def unchecked_result_cells(nb: dict) -> list[str]:
    """The result cells of ``nb`` that nbval would not compare, each as "cell N: first line"."""
    problems = []
    for number, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or not shows_result(cell):
            continue
        lines = cell["source"].splitlines()
        if CHECK_MARKER in (line.strip() for line in lines):
            continue
        opt_out = OPT_OUT.search(cell["source"])
        if opt_out and opt_out.group(1).strip():
            continue
        why = "an opt-out without a reason" if opt_out else f"no {CHECK_MARKER}"
        problems.append(f"cell {number} ({why}): {lines[0] if lines else ''}")
    return problems


@pytest.mark.parametrize("path", committed_notebooks(), ids=lambda p: p.name)
def test_every_result_cell_is_compared_by_nbval(path):
    nb = nbformat.read(path, as_version=4)
    assert not unchecked_result_cells(nb), f"{path.name}: " + "; ".join(unchecked_result_cells(nb))


def _cell(source: str, outputs: list[dict] | None = None) -> dict:
    cell = nbformat.v4.new_code_cell(source)
    cell["outputs"] = outputs or []
    return cell


def _stdout(text: str) -> dict:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _display(data: dict) -> dict:
    return nbformat.v4.new_output("display_data", data=data)


@pytest.mark.parametrize(
    ("cell", "flagged"),
    [
        (_cell("print(audit.summary_line(board))", [_stdout("83 of 83 …\n")]), True),
        (_cell(f"{CHECK_MARKER}\nprint(x)", [_stdout("46\n")]), False),
        (_cell("present.show(table)"), True),  # flagged from the source even without stored output
        (_cell("present.show_table(table)"), True),
        (_cell("table", [nbformat.v4.new_output("execute_result", data={"text/plain": "   a\n0  1"})]), True),
        (_cell("table.style", [_display({"text/html": "<table/>", "text/plain": "<Styler>"})]), True),
        (_cell("figure = plot();", [_display({"image/png": "iVBO", "text/plain": "<Figure>"})]), False),
        (_cell("Markdown(heading)", [_display({"text/markdown": "## 4.1", "text/plain": "<Markdown>"})]), False),
        (_cell("widget()", [_display({"application/vnd.jupyter.widget-view+json": {}, "text/plain": ""})]), False),
        (_cell("x = 1"), False),
        (_cell("import warnings", [nbformat.v4.new_output("stream", name="stderr", text="warning\n")]), False),
        (_cell("# not-a-result: prints the run's wall time\nprint(seconds)", [_stdout("1.2\n")]), False),
        (_cell("# not-a-result:\nprint(seconds)", [_stdout("1.2\n")]), True),  # a reason is required
        (_cell("# NBVAL_IGNORE_OUTPUT\npresent.show(table)"), True),
    ],
)
def test_the_marker_rule(cell, flagged):
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    assert bool(unchecked_result_cells(nb)) is flagged


def test_removing_a_marker_from_a_result_cell_is_caught():
    nb = nbformat.read(paths.notebooks_dir() / "22_audit-claims.ipynb", as_version=4)
    marked = [c for c in nb.cells if c.cell_type == "code" and CHECK_MARKER in c.source]
    assert marked
    marked[0].source = marked[0].source.replace(CHECK_MARKER + "\n", "")
    assert unchecked_result_cells(nb)


# ------------------------------------------------------------------------------ table digests


def test_committed_digests_cover_exactly_the_tables_each_notebook_writes():
    committed = pipeline.load_digests()
    runs = [run for run in pipeline.pipeline_runs() if run.committed is not None]
    assert sorted(committed) == sorted(_digests.digest_key(run.committed) for run in runs)
    for run in runs:
        written = pipeline.written_tables(nbformat.read(run.committed, as_version=4))
        assert written, f"{run.name} writes no table"
        assert sorted(committed[_digests.digest_key(run.committed)]) == sorted(written), run.name
        assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in committed[_digests.digest_key(run.committed)].values())
    tables = [name for entry in committed.values() for name in entry]
    assert len(tables) == len(set(tables)), "two notebooks write the same table"


def test_a_digest_ignores_float_noise_beyond_six_decimals_but_not_a_changed_number(tmp_path):
    def digest(text: str) -> str:
        path = tmp_path / "t.csv"
        path.write_text(text, encoding="utf-8")
        return pipeline.table_digest(path)

    base = digest("a,b,c\nx,0.53689134594939,12\ny,-1.2345678901234e-05,3.3\n")
    assert digest("a,b,c\nx,0.5368913459493901,12\ny,-1.2345678901239e-05,3.3\n") == base
    assert digest("a,b,c\nx,0.53689234594939,12\ny,-1.2345678901234e-05,3.3\n") != base  # sixth decimal
    assert digest("a,b,c\nx,0.53689134594939,13\ny,-1.2345678901234e-05,3.3\n") != base
    assert digest("a,b,c\nx,0.53689134594939,12\ny,-1.2345678901234e-05,3.4\n") != base
    assert digest("v\n-0.00000000012\n") == digest("v\n0.00000000012\n")  # no negative zero


def test_written_tables_reads_the_save_outputs_lines():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("print('wrote reports/tables/x.csv')", [_stdout("wrote reports/tables/x.csv\n")]),
        _cell("save", [_stdout("wrote reports/tables/b.csv\nwrote reports/figures/b.png\nnote\n")]),
    ]
    assert pipeline.written_tables(nb) == ["x.csv", "b.csv"]


def test_compare_digests_names_each_difference(tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    (notebooks / "parameter-sets").mkdir(parents=True)
    monkeypatch.setattr(_digests, "notebooks_dir", lambda: notebooks)
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "a.csv").write_text("a\n1\n", encoding="utf-8")
    (tables / "b.csv").write_text("b\n2\n", encoding="utf-8")
    committed = {
        "01_x.ipynb": {"a.csv": pipeline.table_digest(tables / "a.csv"), "b.csv": "0" * 64},
        "parameter-sets/12_y.ipynb": {"c.csv": "0" * 64},
    }
    problems = pipeline.compare_digests(
        [notebooks / "01_x.ipynb", notebooks / "parameter-sets" / "12_y.ipynb", notebooks / "02_z.ipynb"],
        tables,
        committed,
    )
    assert problems == [
        "01_x.ipynb: tables/b.csv differs from its committed digest",
        "parameter-sets/12_y.ipynb: tables/c.csv was not written",
        "02_z.ipynb: no digests in notebooks/table-digests.json (run `make reproduce`)",
    ]
    assert pipeline.compare_digests([notebooks / "01_x.ipynb"], tables, {"01_x.ipynb": committed["01_x.ipynb"]})


def test_reproduce_records_the_digests_of_each_run_beside_the_committed_notebooks(tmp_path, monkeypatch):
    template = tmp_path / "11_t.ipynb"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("q = 1  # question")
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    nb.metadata["mdi_analysis"] = {
        "parameter_sets": {f"1{n}_t-q{n}": {"title": f"Q{n}", "parameters": {"q": n}} for n in (1, 2)}
    }
    nbformat.write(nb, template)

    def fake_run(run, reports, update_committed):
        return runner.RunResult(run.file_name, True, 0.0, digests={f"{run.name}.csv": "d" * 64})

    monkeypatch.setattr(runner, "_execute_run", fake_run)
    monkeypatch.setenv("MDI_FORK_KERNELS", "0")
    monkeypatch.setenv("MDI_REPORTS_DIR", str(tmp_path / "reports"))
    runner.reproduce(jobs=1, notebooks=[template])
    expected = {
        "11_t.ipynb": {"11_t-q1.csv": "d" * 64},
        "parameter-sets/12_t-q2.ipynb": {"12_t-q2.csv": "d" * 64},
    }
    assert json.loads((tmp_path / pipeline.DIGESTS_FILE).read_text(encoding="utf-8")) == expected
    assert json.loads((tmp_path / "reports" / pipeline.DIGESTS_FILE).read_text(encoding="utf-8")) == expected
    # a partial run replaces its own entry and keeps the others; without update_committed only reports/ changes
    new = {"new.csv": "e" * 64}
    monkeypatch.setattr(runner, "_execute_run", lambda run, *_: runner.RunResult(run.file_name, True, 0.0, digests=new))
    runner.reproduce(jobs=1, runs=runner.select_runs(["12"], [template]), update_committed=False)
    assert json.loads((tmp_path / pipeline.DIGESTS_FILE).read_text(encoding="utf-8")) == expected
    assert json.loads((tmp_path / "reports" / pipeline.DIGESTS_FILE).read_text(encoding="utf-8")) == {
        **expected,
        "parameter-sets/12_t-q2.ipynb": new,
    }


@pytest.mark.parametrize("path", committed_notebooks(), ids=lambda p: p.name)
def test_papermill_reads_every_parameter_without_a_union_annotation(path):
    """papermill skips a line with a second "=" (in its comment) and annotations with "|"; the first
    would make it warn "Passed unknown parameter" for a valid one, so comments say "None: …"."""
    import logging

    import papermill

    from mdi_analysis.pipeline._parameters import _assignments

    logging.getLogger("papermill").setLevel(logging.ERROR)
    plain = {name for name, _, annotation, _ in _assignments(path) if annotation is None}
    assert plain <= set(papermill.inspect_notebook(str(path)))


def test_the_runner_drops_only_papermills_unknown_parameter_warning():
    import logging

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("papermill", logging.WARNING, __file__, 1, message, None, None)

    assert not runner._without_unknown_parameter_warnings(record("Passed unknown parameter: factors"))
    assert runner._without_unknown_parameter_warnings(record("Input notebook does not contain a cell with tag"))
