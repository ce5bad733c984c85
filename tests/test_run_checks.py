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
