"""One line and exit 2 where a traceback (and exit 1) used to be (issue 15, finding 8).

Each hostile or careless input of the issue: selection offsets ``abc``, 10²³, negative, reversed or
out of range; duplicate GUIDs; a Latin-1 or UTF-16 text source in a ``.qdpx``; ``1e400`` in an
integer column; a CSV field over 128 KiB; a folder given as an input file; a 300-character
parameter name; a header-only survey file; a UTF-16 transcript. The exit codes are documented in
one place (README.md, "Exit status"), and ``python -m mdi_analysis`` turns every
:class:`~mdi_analysis.errors.MdiError` into one line and exit 2; found personal data stays exit 1.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from mdi_analysis import exchange, paths
from mdi_analysis.__main__ import main
from mdi_analysis.errors import InputDataError
from mdi_analysis.io import load_survey

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
CLEAN = FIXTURES / "intervju_arbeidsgiver.txt"
PII = FIXTURES / "intervju_tillitsvalgt_pii.txt"


def _one_error_line(capsys: pytest.CaptureFixture[str], command: str) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith(f"{command}:") and "warning:" not in line]
    assert len(lines) == 1, err
    return lines[0]


# --------------------------------------------------------------------------------------------
# .qdpx
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_qdpx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("small")
    exchange.import_transcripts([CLEAN], folder / "corpus")
    out, _, _ = exchange.export_qdpx(folder / "small.qdpx", corpus_dir=folder / "corpus")
    return out.read_bytes()


def _rewrite(
    data: bytes, qde: Callable[[str], str] = lambda t: t, source: Callable[[str], bytes] | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(buffer, "w") as new:
        for info in old.infolist():
            content = old.read(info.filename)
            if info.filename == "project.qde":
                content = qde(content.decode("utf-8")).encode("utf-8")
            elif source is not None and info.filename.endswith(".txt"):
                content = source(content.decode("utf-8"))
            new.writestr(info, content)
    return buffer.getvalue()


def _first(attribute: str, value: str) -> Callable[[str], str]:
    return lambda text: re.sub(f'{attribute}="[^"]*"', f'{attribute}="{value}"', text, count=1)


def _reversed(text: str) -> str:
    return re.sub(r'startPosition="(\d+)" endPosition="(\d+)"', r'startPosition="\2" endPosition="\1"', text, count=1)


def _duplicate_guid(text: str) -> str:
    guids = re.findall(r'<TextSource [^>]*guid="([^"]+)"', text)
    return text.replace(guids[1], guids[0])


QDPX_CASES = {
    "offset-abc": (dict(qde=_first("startPosition", "abc")), "startPosition is 'abc'; expected a whole number"),
    "offset-1e23": (dict(qde=_first("startPosition", "1" + "0" * 23)), "startPosition is '1000"),
    "offset-negative": (dict(qde=_first("startPosition", "-5")), "startPosition is '-5'"),
    "offset-reversed": (dict(qde=_reversed), "is before startPosition"),
    "offset-out-of-range": (dict(qde=_first("endPosition", "999999")), "endPosition 999999 is beyond the text (331"),
    "duplicate-guid": (dict(qde=_duplicate_guid), "is used twice (TextSource 'T001' and TextSource 'T002')"),
    "latin1-source": (dict(source=lambda t: (t + " æøå").encode("latin-1")), "is not valid UTF-8"),
}


@pytest.mark.parametrize("case", sorted(QDPX_CASES))
def test_a_broken_qdpx_is_one_line_and_exit_2(case: str, small_qdpx: bytes, tmp_path: Path, capsys):
    change, expected = QDPX_CASES[case]
    path = tmp_path / "broken.qdpx"
    path.write_bytes(_rewrite(small_qdpx, **change))
    assert main(["import-qdpx", str(path), "--out", str(tmp_path / "out")]) == 2
    line = _one_error_line(capsys, "import-qdpx")
    assert "broken.qdpx" in line and expected in line
    assert "source 'T001'" in line or case == "duplicate-guid"
    assert not (tmp_path / "out").exists()


def test_a_utf16_source_in_a_qdpx_is_read(small_qdpx: bytes, tmp_path: Path):
    """A text source with a byte-order mark (Windows tools write UTF-16) reads as the same text."""
    plain, utf16 = tmp_path / "plain.qdpx", tmp_path / "utf16.qdpx"
    plain.write_bytes(small_qdpx)
    utf16.write_bytes(_rewrite(small_qdpx, source=lambda t: t.encode("utf-16")))
    expected = exchange.read_qdpx(plain).utterances
    assert exchange.read_qdpx(utf16).utterances.equals(expected)


def test_a_folder_as_the_qdpx_is_one_line(tmp_path: Path, capsys):
    assert main(["import-qdpx", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "is a folder, not a file" in _one_error_line(capsys, "import-qdpx")


# --------------------------------------------------------------------------------------------
# CSV tables
# --------------------------------------------------------------------------------------------


@pytest.fixture()
def survey(tmp_path: Path) -> Path:
    shutil.copytree(paths.data_dir() / "survey", tmp_path / "survey")
    return tmp_path / "survey"


def _scores(survey: Path, change: Callable[[list[str]], list[str]]) -> None:
    path = survey / "ks10_scores.csv"
    path.write_text("\n".join(change(path.read_text(encoding="utf-8").splitlines())) + "\n", encoding="utf-8")


def test_1e400_in_an_integer_column(survey: Path):
    _scores(survey, lambda lines: [lines[0], "1e400" + lines[1][1:], *lines[2:]])
    with pytest.raises(InputDataError, match=r"ks10_scores\.csv, row 1 \(line 2\), column 'factor_no': '1e400'"):
        load_survey(survey)


def test_a_field_over_128_kib(survey: Path):
    _scores(survey, lambda lines: [*lines[:2], '1,A,"' + "x" * 140_000 + '",3', *lines[2:]])
    with pytest.raises(InputDataError, match=r"ks10_scores\.csv, row 2 \(line 3\): cannot be parsed as CSV"):
        load_survey(survey)


def test_a_folder_as_a_table(survey: Path):
    (survey / "ks10_scores.csv").unlink()
    (survey / "ks10_scores.csv").mkdir()
    with pytest.raises(InputDataError, match=r"ks10_scores\.csv: is a folder, not a file"):
        load_survey(survey)


def test_a_header_only_survey_file_is_an_input_error(survey: Path):
    """Notebook 01 used to report all 40 values "missing" and exit 0."""
    _scores(survey, lambda lines: lines[:1])
    with pytest.raises(InputDataError, match=r"ks10_scores\.csv, line 2: 0 data rows under the header"):
        load_survey(survey)


# --------------------------------------------------------------------------------------------
# Transcripts
# --------------------------------------------------------------------------------------------


def test_a_utf16_transcript_is_read_like_its_utf8_original(tmp_path: Path):
    utf16 = tmp_path / "intervju.txt"
    utf16.write_bytes(CLEAN.read_text(encoding="utf-8").encode("utf-16"))
    read = exchange.build_import([utf16])
    expected = exchange.build_import([CLEAN])
    assert list(read.frames["utterances.csv"]["text"]) == list(expected.frames["utterances.csv"]["text"])
    assert len(read.frames["utterances.csv"]) == 4 and read.warnings == expected.warnings


def test_a_utf16_transcript_without_a_byte_order_mark_is_one_line(tmp_path: Path, capsys):
    path = tmp_path / "intervju.txt"
    path.write_bytes(CLEAN.read_text(encoding="utf-8").encode("utf-16-le"))
    assert main(["import-transcripts", str(path), "--out", str(tmp_path / "out")]) == 2
    line = _one_error_line(capsys, "import-transcripts")
    assert "intervju.txt, line 1: holds NUL bytes: UTF-16 without a byte-order mark" in line
    assert not (tmp_path / "out").exists()


def test_a_folder_as_a_transcript_is_one_line(tmp_path: Path, capsys):
    folder = tmp_path / "intervju.txt"
    folder.mkdir()
    assert main(["import-transcripts", str(folder), "--out", str(tmp_path / "out")]) == 2
    assert "intervju.txt: is a folder, not a file" in _one_error_line(capsys, "import-transcripts")


# --------------------------------------------------------------------------------------------
# Exit codes
# --------------------------------------------------------------------------------------------


def test_exit_codes_are_documented_in_one_place_that_the_help_names(capsys):
    readme = (paths.project_root() / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit status", 1)[1].split("\n#", 1)[0]
    for code in ("| 0 |", "| 1 |", "| 2 |"):
        assert code in table
    with pytest.raises(SystemExit):
        main(["--help"])
    assert 'README.md, "Exit status"' in " ".join(capsys.readouterr().out.split())


def test_an_option_error_is_exit_2_not_a_traceback(capsys):
    assert main(["run", "99"]) == 2
    assert "'99' matches 0 notebooks" in _one_error_line(capsys, "run")
    assert main(["run", "01", "-p", "factors", "[unclosed"]) == 2
    assert "is not a YAML value" in _one_error_line(capsys, "run")


def test_personal_data_stays_exit_1(tmp_path: Path, capsys):
    assert main(["import-transcripts", str(PII), "--out", str(tmp_path / "out")]) == 1
    assert not (tmp_path / "out").exists()
