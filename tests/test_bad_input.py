"""Bad input gets one clear error naming file, row, column and what was expected — and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mdi_analysis import paths
from mdi_analysis.errors import InputDataError
from mdi_analysis.io import _survey as survey


@pytest.fixture()
def survey_copy(tmp_path: Path) -> Path:
    target = tmp_path / "survey"
    shutil.copytree(paths.data_dir() / "survey", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_score_of_6_is_rejected_with_file_row_column(survey_copy):
    _edit(survey_copy / "ks10_scores.csv", "1,B,4.3,5543", "1,B,6,5543")
    with pytest.raises(InputDataError) as info:
        survey.load_survey(survey_copy)
    message = str(info.value)
    assert "ks10_scores.csv" in message
    assert "row 2 (line 3)" in message
    assert "column 'score'" in message
    assert "between 1.0 and 5.0" in message


def test_missing_column_is_named(survey_copy):
    scores = survey_copy / "ks10_scores.csv"
    lines = scores.read_text(encoding="utf-8").splitlines()
    without_third = (",".join(line.split(",")[:2] + line.split(",")[3:]) for line in lines)
    scores.write_text("\n".join(without_third) + "\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"ks10_scores\.csv, line 1: column 'score' is missing"):
        survey.load_survey(survey_copy)


def test_unknown_municipality_code_is_rejected(survey_copy):
    _edit(survey_copy / "ks10_scores.csv", "2,D,4.3,5549", "2,C,4.3,5549")
    with pytest.raises(InputDataError) as info:
        survey.load_survey(survey_copy)
    message = str(info.value)
    assert "unknown municipality/unit code 'C'" in message
    assert "row 7 (line 8)" in message and "column 'unit'" in message
    assert "one of A, B, D, NO" in message


def test_duplicated_row_is_rejected(survey_copy):
    scores = survey_copy / "ks10_scores.csv"
    scores.write_text(scores.read_text(encoding="utf-8") + "1,A,4.2,5543\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        survey.load_survey(survey_copy)
    message = str(info.value)
    assert "duplicates an earlier one" in message
    assert "row 41 (line 42)" in message


def test_excel_norwegian_semicolon_decimal_comma_with_bom_is_accepted(survey_copy):
    scores = survey_copy / "ks10_scores.csv"
    lines = scores.read_text(encoding="utf-8").splitlines()
    converted = [line.replace(",", ";") for line in lines]
    converted = [
        ";".join(f.replace(".", ",") if i == 2 else f for i, f in enumerate(row.split(";"))) for row in converted
    ]
    scores.write_bytes(("\ufeff" + "\r\n".join(converted) + "\r\n").encode("utf-8"))
    assert "4,2" in scores.read_text(encoding="utf-8-sig")
    loaded = survey.load_survey(survey_copy)
    reference = survey.load_survey()
    assert loaded.scores["score"].tolist() == reference.scores["score"].tolist()


def test_plain_comma_csv_with_bom_is_accepted(survey_copy):
    scores = survey_copy / "ks10_scores.csv"
    scores.write_bytes(b"\xef\xbb\xbf" + scores.read_bytes())
    assert survey.load_survey(survey_copy).scores["score"].sum() == pytest.approx(
        survey.load_survey().scores["score"].sum()
    )


def test_latin1_file_is_rejected_with_line_and_advice(survey_copy):
    factors = survey_copy / "ks10_factors.csv"
    factors.write_bytes(factors.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(InputDataError) as info:
        survey.load_survey(survey_copy)
    message = str(info.value)
    assert "ks10_factors.csv" in message and "line 2" in message
    assert "not valid UTF-8" in message and "CSV UTF-8" in message


def test_text_in_a_number_column_names_the_cell(survey_copy):
    _edit(survey_copy / "ks10_scores.csv", "3,A,4.3,5554", "3,A,høy,5554")
    with pytest.raises(InputDataError, match=r"row 9 \(line 10\), column 'score': 'høy' is not a number"):
        survey.load_survey(survey_copy)


def test_wrong_field_count_names_the_line(survey_copy):
    _edit(survey_copy / "ks10_scores.csv", "1,A,4.2,5543", "1,A,4,2,5543")
    with pytest.raises(InputDataError, match=r"row 1 \(line 2\): 5 fields instead of 4"):
        survey.load_survey(survey_copy)


def test_error_message_has_no_pandas_traceback_chain(survey_copy):
    _edit(survey_copy / "ks10_scores.csv", "1,B,4.3,5543", "1,B,6,5543")
    with pytest.raises(InputDataError) as info:
        survey.load_survey(survey_copy)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_failing_notebook_writes_nothing_and_runner_names_it(tmp_path, survey_copy, monkeypatch):
    """End to end: a bad score makes notebook 01 fail before its output cell; no table is written."""
    from mdi_analysis import pipeline
    from mdi_analysis.pipeline import _runner as runner

    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data, ignore=shutil.ignore_patterns("survey"))
    shutil.copytree(survey_copy, data / "survey")
    _edit(data / "survey" / "ks10_scores.csv", "1,B,4.3,5543", "1,B,6,5543")
    reports = tmp_path / "reports"
    monkeypatch.setenv("MDI_DATA_DIR", str(data))
    monkeypatch.setenv("MDI_REPORTS_DIR", str(reports))
    notebook = pipeline.discover_notebooks()[0]
    before = notebook.read_bytes()
    results = runner.reproduce(notebooks=[notebook])
    assert [r.ok for r in results] == [False]
    assert results[0].notebook == notebook.name
    assert "InputDataError" in results[0].error and "ks10_scores.csv" in results[0].error
    assert not (reports / "tables").exists() and not (reports / "figures").exists()
    assert notebook.read_bytes() == before
