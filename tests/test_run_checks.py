"""``python -m mdi_analysis run``: names and folders are checked before anything runs (issue 15, finding 5).

A parameter name was pasted into the notebook as code (``-p $'x\\nimport os; os.system(…)\\nx' 1``
ran the command) and into a folder name (``../../../../t/escaped`` wrote outside ``reports/runs``);
``--out notebooks`` rewrote a committed notebook, ``--out reports`` the default run's tables, and a
relative ``--out`` split the output between two folders (the kernel runs in ``notebooks/``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mdi_analysis import exchange, paths, pipeline
from mdi_analysis.__main__ import main
from mdi_analysis.errors import OptionError
from mdi_analysis.pipeline import _runner as runner


@pytest.fixture()
def no_kernel(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail the test if a kernel would start (or the caches be warmed, which comes just before)."""
    started: list[str] = []

    def refuse(*args, **kwargs):
        started.append("kernel")
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(runner, "execute_notebook", refuse)
    monkeypatch.setattr(runner, "_warm_caches", refuse)
    return started


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("run: "), captured.err
    assert "Traceback" not in captured.err and not captured.out
    return lines[0]


def _runs_folder() -> Path:
    return paths.reports_dir() / "runs"


@pytest.mark.parametrize(
    "name",
    [
        'factors="mdi"\nimport os; os.system("touch /tmp/mdi-injected")\nx',
        "../../../../t/escaped",
        "a" * 300,
        "Factors",  # not declared: case matters
        "research_question",  # declared by another notebook, not by 01
    ],
    ids=["code", "path", "300-chars", "case", "other-notebook"],
)
def test_undeclared_parameter_names_are_refused_before_anything_runs(
    name: str, no_kernel: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    monkeypatch.chdir(tmp_path)
    before = sorted(_runs_folder().rglob("*")) if _runs_folder().exists() else []
    assert main(["run", "01", "-p", name, "1"]) == 2
    line = _error_line(capsys)
    assert "unknown parameter for 01_reproduce-survey-and-sample.ipynb" in line and "'factors'" in line
    assert no_kernel == []
    after = sorted(_runs_folder().rglob("*")) if _runs_folder().exists() else []
    assert after == before and list(tmp_path.iterdir()) == [], "nothing written"
    assert not Path("/tmp/mdi-injected").exists()


@pytest.mark.parametrize("out", ["notebooks", "reports", "reports/tables", "data", ".", "src/mdi_analysis"])
def test_out_inside_the_repository_is_refused(out: str, no_kernel: list[str], monkeypatch, capsys):
    root = paths.project_root()
    monkeypatch.chdir(root)
    notebook = pipeline.discover_notebooks()[0]
    before = notebook.read_bytes()
    assert main(["run", "01", "--out", out]) == 2
    assert "is inside the repository" in _error_line(capsys)
    assert notebook.read_bytes() == before and no_kernel == []
    assert not (root / out / notebook.name).with_suffix(".html").exists()


def test_out_may_be_under_reports_runs_or_a_new_folder_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    run = pipeline.find_run("01")
    runs = (paths.reports_dir() / "runs").resolve()
    assert pipeline.run_folder(run, {}, runs / "mine") == runs / "mine"
    assert pipeline.run_folder(run, {}, tmp_path / "new") == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    assert pipeline.run_folder(run, {}, tmp_path / "empty") == tmp_path / "empty"
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "thesis.docx").write_bytes(b"mine")
    with pytest.raises(OptionError, match="exists and was not made by a run"):
        pipeline.run_folder(run, {}, tmp_path / "full")
    with pytest.raises(OptionError, match="exists and was not made by a run"):
        pipeline.run_folder(run, {}, tmp_path / "full" / "thesis.docx")
    exchange.import_transcripts(
        [Path(__file__).parent / "fixtures" / "transcripts" / "intervju_arbeidsgiver.txt"], tmp_path / "corpus"
    )
    with pytest.raises(OptionError, match="exists and was not made by a run"):
        pipeline.run_folder(run, {}, tmp_path / "corpus")  # made by the package, but not a run's folder


def test_a_relative_out_is_resolved_once_against_the_working_directory(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = pipeline.find_run("01")
    assert pipeline.run_folder(run, {}, Path("rel")) == tmp_path / "rel"


def test_default_folder_names_stay_inside_reports_runs():
    run = pipeline.find_run("01")
    runs = (paths.reports_dir() / "runs").resolve()
    folder = pipeline.run_folder(run, {"factors": "../../../../t/escaped", "municipalities": [".."]})
    assert folder.parent == runs and folder.name not in ("", ".", "..") and "/" not in folder.name


def test_a_relative_out_holds_the_whole_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """The executed notebook and its tables land in one folder (the kernel's cwd is notebooks/)."""
    monkeypatch.chdir(tmp_path)
    stray = paths.notebooks_dir() / "rel"
    try:
        assert main(["run", "01", "--out", "rel"]) == 0
        out = tmp_path / "rel"
        assert (out / "01_reproduce-survey-and-sample.ipynb").is_file()
        assert (out / "tables" / "survey_table_4_6.csv").is_file()
        assert not stray.exists(), "nothing written relative to notebooks/"
        assert main(["run", "01", "--out", "rel"]) == 0, "a folder an earlier run made may be reused"
    finally:
        if stray.exists():  # before the fix the tables went there; do not leave them in the checkout
            shutil.rmtree(stray)


# --------------------------------------------------------------------------------------------
# Issue 13, item 4: value types, `run NN --help`, a value the data does not know, no partial folder
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "notebook, name, value, expected",
    [
        ("01", "municipalities", "3", "expects a list of str"),
        ("01", "municipalities", "[1, 2]", "expects a list of str"),
        ("01", "factors", "7", "expects a str or a list of str"),
        ("05", "n_topics", "3.5", "expects a str or an int"),
        ("05", "max_df", "high", "expects a number"),
        ("06", "exclude_reprints", "1", "expects a bool"),
        ("06", "min_count", "true", "expects an int"),
        ("03", "role", "[a]", "expects a str"),
    ],
)
def test_values_of_the_wrong_type_are_refused_before_anything_runs(
    notebook, name, value, expected, no_kernel, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["run", notebook, "-p", name, value]) == 2
    line = _error_line(capsys)
    assert f"-p {name} " in line and expected in line and "(default " in line, line
    assert no_kernel == [] and list(tmp_path.iterdir()) == []
    assert not _runs_folder().exists() or not any(p.name.startswith(notebook) for p in _runs_folder().iterdir())


@pytest.mark.parametrize(
    "notebook, parameters",
    [
        ("01", {"factors": ["kompetanse"], "municipalities": ["B"]}),  # annotated: str | list[str]
        ("05", {"n_topics": 4, "max_df": 1, "seed_frameworks": ["tema", "mdi_kultur"]}),  # an int is a number
        ("02", {"research_question": 3, "corpus_dir": "/x"}),  # a default of None takes any value
        ("13", {"research_question": 2}),  # a parameter set: its template's cell
    ],
)
def test_values_of_the_declared_types_pass(notebook, parameters):
    pipeline.check_parameters(pipeline.find_run(notebook).source, parameters)


def test_the_types_come_from_annotations_or_defaults():
    types = pipeline.parameter_types(pipeline.find_run("05").source)
    assert types["n_topics"] == {str: None, int: None}
    assert types["seed_frameworks"] == {str: None, list: (str,)}
    assert types["max_df"] == {float: None} and types["corpus_dir"] is None
    assert pipeline.notebook_parameters(pipeline.find_run("05").source)["n_topics"][0] == "auto"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "01", "-p", "municipality", "x"], "unknown parameter"),
        (["run", "01", "-p", "municipalities", "3"], "expects a list of str"),
    ],
    ids=["name", "type"],
)
def test_the_check_imports_neither_papermill_nor_pandas_and_takes_well_under_two_seconds(argv, message, tmp_path):
    """A misspelt name or a value of the wrong type: exit 2 in under 2 s of CPU, papermill never imported.

    CPU time is bounded (the machine is shared; wall time is printed for the record and only
    loosely bounded).
    """
    import resource
    import subprocess
    import sys
    import time

    probe = (
        "import sys\n"
        "from mdi_analysis.__main__ import main\n"
        "status = main(sys.argv[1:])\n"
        "heavy = sorted(m for m in ('papermill', 'pandas', 'nbformat', 'jupyter_client') if m in sys.modules)\n"
        "print(status, heavy)\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"{' '.join(argv)}: {cpu:.2f} s CPU, {wall:.2f} s wall")
    assert done.stdout.strip() == "2 []", (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert cpu < 2.0, f"{cpu:.2f} s CPU"
    assert wall < 6.0, f"{wall:.2f} s wall"
    assert list(tmp_path.iterdir()) == []


def test_run_help_lists_the_notebooks_parameters_with_defaults_and_comments(no_kernel, capsys):
    assert main(["run", "01", "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: mdi-analysis run")
    assert "municipalities = ['A', 'B', 'D']" in text and "# surveyed municipalities to show" in text
    assert "factors = 'mdi'" in text and "or a list of factor ids" in text
    assert main(["run", "--help"]) == 0
    assert "-p NAME VALUE" in capsys.readouterr().out and no_kernel == []


class _KernelError(Exception):
    """What papermill raises when a cell fails: the kernel's exception name and message."""

    def __init__(self, ename: str, evalue: str) -> None:
        super().__init__(f"{ename}: {evalue}")
        self.ename, self.evalue = ename, evalue


def _failing_notebook(monkeypatch, ename: str, evalue: str) -> None:
    """The notebook writes a table, then stops on ``ename`` (as a kernel would report it)."""

    def execute(source, output, *, parameters=None):
        tables = paths.reports_dir() / "tables"
        tables.mkdir(parents=True, exist_ok=True)
        (tables / "half_written.csv").write_text("a\n1\n", encoding="utf-8")
        raise _KernelError(ename, evalue)

    monkeypatch.setattr(runner, "execute_notebook", execute)
    monkeypatch.setattr(runner, "_warm_caches", lambda: None)


@pytest.mark.parametrize(
    "ename, status, expected",
    [
        ("OptionError", 2, "run: 01_reproduce-survey-and-sample.ipynb stopped: unknown municipalities ['Z']"),
        ("InputDataError", 2, "run: 01_reproduce-survey-and-sample.ipynb stopped: unknown municipalities ['Z']"),
        ("KeyError", 1, "run: FAILED 01: KeyError: unknown municipalities ['Z']"),
    ],
)
def test_a_failed_run_leaves_no_folder_and_a_package_error_is_one_line(
    ename, status, expected, tmp_path, monkeypatch, capsys
):
    _failing_notebook(monkeypatch, ename, "unknown municipalities ['Z'];\n valid: ['A', 'B', 'D', 'NO']")
    out = tmp_path / "deep" / "run"
    assert main(["run", "01", "--out", str(out)]) == status
    captured = capsys.readouterr()
    assert captured.err.startswith(expected) and captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == [], "no partial output folder"


def test_a_failed_run_into_an_earlier_runs_folder_leaves_that_run_as_it_was(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"

    def succeed(source, output, *, parameters=None):
        tables = paths.reports_dir() / "tables"
        tables.mkdir(parents=True)
        (tables / "survey_table_4_6.csv").write_text("a\n1\n", encoding="utf-8")
        runs = __import__("nbformat").v4.new_notebook()
        __import__("nbformat").write(runs, output)

    monkeypatch.setattr(runner, "execute_notebook", succeed)
    monkeypatch.setattr(runner, "_warm_caches", lambda: None)
    assert main(["run", "01", "--out", str(out)]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert Path("tables/survey_table_4_6.csv") in before and Path(".mdi-analysis-output") in before
    capsys.readouterr()
    _failing_notebook(monkeypatch, "OptionError", "unknown municipalities ['Z']")
    assert main(["run", "01", "--out", str(out)]) == 2
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before, "the earlier run's files unchanged, no half-written table, no staging folder"
    assert [p.name for p in out.iterdir() if p.name.startswith(".staging")] == []


def test_a_value_the_data_does_not_know_ends_the_real_run_with_one_line(tmp_path):
    """End to end, with a kernel: the library's OptionError inside notebook 01 becomes the runner's one line."""
    import subprocess
    import sys

    out = tmp_path / "z"
    done = subprocess.run(
        [sys.executable, "-m", "mdi_analysis", "run", "01", "-p", "municipalities", "[Z]", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "unknown unit(s) ['Z'] (municipalities)" in lines[0] and "valid: ['A', 'B', 'D', 'NO']" in lines[0]
    assert "Traceback" not in done.stderr and not out.exists() and done.stdout == ""


def test_a_notebook_run_by_hand_writes_into_reports_interactive(monkeypatch):
    """In a Jupyter kernel the runner did not start (no MDI_REPORTS_DIR), outputs go to reports/interactive/.

    Run by hand, notebook 07 overwrote the default run's reports/tables/browse_*.csv (issue 13).
    """
    import os

    from jupyter_client.manager import start_new_kernel

    root = paths.project_root()
    monkeypatch.delenv("MDI_REPORTS_DIR")
    assert paths.tables_dir() == root / "reports" / "tables", "a terminal or a script: the default run's folder"
    env = {k: v for k, v in os.environ.items() if k != "MDI_REPORTS_DIR"}
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    printed: list[str] = []

    def collect(message: dict) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    try:
        code = "from mdi_analysis import paths; print(paths.tables_dir()); print(paths.figures_dir())"
        client.execute_interactive(code, output_hook=collect, timeout=120)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert "".join(printed).split() == [
        str(root / "reports" / "interactive" / "tables"),
        str(root / "reports" / "interactive" / "figures"),
    ]
