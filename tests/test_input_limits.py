"""Size limits of the importers (issue 15, finding 7): oversized input fails fast, in one line, in little memory.

Each archive here is built in the test: tens of megabytes of zeros (or of spaces inside the XML)
compress to tens of kilobytes, so a small file on disk stands for the zip bombs a careless or
hostile sender could pass on. "Little memory" is measured with ``tracemalloc``: reading such a
member whole would allocate its full size at once.
"""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from mdi_analysis import exchange
from mdi_analysis.errors import InputDataError, OptionError
from mdi_analysis.exchange import _input_limits
from mdi_analysis.exchange._qda_schema import _schema

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
BOMB = 60 * _input_limits.MB  # over the 50 MB member limit
ZEROS = bytes(1 << 20)


def _write_zeros(archive: zipfile.ZipFile, name: str, size: int = BOMB) -> None:
    """A member of ``size`` zero bytes, written in chunks so that the test itself stays small."""
    with archive.open(_deflated_member(name), "w", force_zip64=False) as member:
        for start in range(0, size, len(ZEROS)):
            member.write(ZEROS[: min(len(ZEROS), size - start)])


def _deflated_member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo is stored (not compressed) by default
    return info


def _deflated(path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)


def _lie_about_size(path: Path, name: str, declared: int) -> None:
    """Rewrite the uncompressed size that the local header and the central directory give for
    ``name``: the member still inflates to its real size."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == encoded:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == encoded:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def _fails_fast_in_little_memory(call, match: str, memory: int = 10 * _input_limits.MB) -> InputDataError:
    """``call()`` raises InputDataError matching ``match`` within 2 s of CPU time (a bound on the
    work, not on how busy the machine is), allocating less than ``memory``."""
    tracemalloc.start()
    start = time.process_time()
    try:
        with pytest.raises(InputDataError, match=match) as raised:
            call()
        seconds = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 2, f"took {seconds:.1f} s"
    assert peak < memory, f"allocated {peak / 1e6:.0f} MB"
    assert "\n" not in str(raised.value)
    return raised.value


# --------------------------------------------------------------------------------------------
# Transcripts (.txt)
# --------------------------------------------------------------------------------------------


def test_dev_zero_as_a_transcript_fails_fast_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    error = _fails_fast_in_little_memory(
        lambda: exchange.read_transcript("/dev/zero", role="arbeidsgiver"),
        r"^/dev/zero: is not a regular file \(a device, pipe or socket\)",  # refused before any read
        memory=2 * _input_limits.MB,  # nothing is read
    )
    assert "not a regular file" in str(error)  # a device could be read forever: refused at once
    start = time.process_time()
    code = exchange.import_transcripts_main(["/dev/zero", "--out", str(tmp_path / "out"), "--role", "arbeidsgiver"])
    err = capsys.readouterr().err
    assert code == 2 and time.process_time() - start < 2
    assert err.count("\n") == 1 and err.startswith("import-transcripts: /dev/zero: ")
    assert not (tmp_path / "out").exists()


def test_a_transcript_over_the_limit_is_refused_by_its_size_before_reading(tmp_path: Path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: 21 MB on paper, nothing on disk
        handle.truncate(21 * _input_limits.MB)
    _fails_fast_in_little_memory(lambda: exchange.read_transcript(big, role="arbeidsgiver"), r"the file is 21\.0 MB")


def test_the_limit_is_an_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    source = FIXTURES / "intervju_arbeidsgiver.txt"
    assert exchange.read_transcript(source).turns
    monkeypatch.setenv("MDI_MAX_TRANSCRIPT_MB", "0.001")
    with pytest.raises(InputDataError, match=r"over the limit of 1000 bytes.*MDI_MAX_TRANSCRIPT_MB"):
        exchange.read_transcript(source)
    monkeypatch.setenv("MDI_MAX_TRANSCRIPT_MB", "lots")
    with pytest.raises(OptionError, match="MDI_MAX_TRANSCRIPT_MB='lots' is not a number of megabytes"):
        exchange.read_transcript(source)


def test_a_folder_given_as_a_transcript_is_one_line(tmp_path: Path):
    with pytest.raises(InputDataError, match=r": is a folder, not a file; expected an existing transcript"):
        exchange.read_transcript(tmp_path, role="arbeidsgiver")


# --------------------------------------------------------------------------------------------
# .docx
# --------------------------------------------------------------------------------------------


def _docx_with_padded_body(path: Path, padding: int = BOMB) -> Path:
    """A valid Word document whose main part holds ``padding`` spaces between its elements."""
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Rolle: arbeidsgiver")
    document.add_paragraph("I: Hva legger du i begrepet innovasjon?")
    document.add_paragraph("R: Å gjøre ting på en ny måte.")
    document.save(buffer)
    with zipfile.ZipFile(buffer) as original, _deflated(path) as archive:
        for info in original.infolist():
            data = original.read(info)
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, data)
                continue
            head, body, tail = data.partition(b"<w:body>")
            with archive.open(_deflated_member(info.filename), "w", force_zip64=False) as member:
                member.write(head + body)
                for start in range(0, padding, 1 << 20):
                    member.write(b" " * min(1 << 20, padding - start))
                member.write(tail)
    return path


def test_a_docx_part_over_the_limit_fails_fast(tmp_path: Path):
    path = _docx_with_padded_body(tmp_path / "bomb.docx")
    assert path.stat().st_size < 200_000
    _fails_fast_in_little_memory(
        lambda: exchange.read_transcript(path),
        r"bomb\.docx: member 'word/document\.xml' uncompressed is 60\.\d MB, over the limit",
    )


def test_a_docx_part_that_lies_about_its_size_fails_fast(tmp_path: Path):
    path = _docx_with_padded_body(tmp_path / "liar.docx")
    _lie_about_size(path, "word/document.xml", 2000)
    _fails_fast_in_little_memory(
        lambda: exchange.read_transcript(path), r"member 'word/document\.xml' cannot be read .*larger than it declares"
    )


def test_a_small_docx_reads_as_before(tmp_path: Path):
    transcript = exchange.read_transcript(_docx_with_padded_body(tmp_path / "ok.docx", padding=1 << 20))
    assert [turn.text for turn in transcript.turns] == [
        "Hva legger du i begrepet innovasjon?",
        "Å gjøre ting på en ny måte.",
    ]


# --------------------------------------------------------------------------------------------
# .qdpx
# --------------------------------------------------------------------------------------------

QDE = (
    '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="bomb">'
    '<Sources><TextSource guid="3f1a5c1e-0000-4000-8000-000000000001" name="U001" '
    'plainTextPath="internal://u001.txt"/></Sources></Project>'
)


def test_a_qdpx_whose_project_inflates_past_the_limit_fails_fast(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "bomb.qdpx"
    with _deflated(path) as archive:
        _write_zeros(archive, "project.qde")
    assert path.stat().st_size < 200_000
    _fails_fast_in_little_memory(
        lambda: exchange.read_qdpx(path), r"bomb\.qdpx: member 'project\.qde' uncompressed is 60\.0 MB, over the limit"
    )
    code = exchange.import_qdpx_main([str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "MDI_MAX_MEMBER_MB" in err
    assert not (tmp_path / "out").exists()


def test_a_qdpx_source_that_lies_about_its_size_fails_fast(tmp_path: Path):
    path = tmp_path / "liar.qdpx"
    with _deflated(path) as archive:
        archive.writestr("project.qde", QDE)
        _write_zeros(archive, "sources/u001.txt")
    _lie_about_size(path, "sources/u001.txt", 100)
    assert zipfile.ZipFile(path).getinfo("sources/u001.txt").file_size == 100
    with pytest.raises(InputDataError):  # once before the clock: the importer's own imports are not the work
        exchange.read_qdpx(path)
    _fails_fast_in_little_memory(
        lambda: exchange.read_qdpx(path), r"member 'sources/u001\.txt' cannot be read .*larger than it declares"
    )
    _schema()  # loaded once per process (seconds under tracemalloc), before the clock starts
    _fails_fast_in_little_memory(lambda: exchange.validate_qdpx(path), r"member 'sources/u001\.txt' cannot be read")


def test_all_members_of_a_qdpx_together_are_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "many.qdpx"
    with _deflated(path) as archive:
        archive.writestr("project.qde", QDE)
        _write_zeros(archive, "sources/u001.txt", size=2 * _input_limits.MB)
    monkeypatch.setenv("MDI_MAX_ARCHIVE_MB", "1")
    with pytest.raises(InputDataError, match=r"what its members hold together is 2\.\d MB.*MDI_MAX_ARCHIVE_MB"):
        exchange.read_qdpx(path)


def test_not_a_zip_archive_is_one_line(tmp_path: Path):
    path = tmp_path / "text.qdpx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"text\.qdpx: not a ZIP archive; expected a REFI-QDA project"):
        exchange.read_qdpx(path)


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


def test_a_long_import_prints_progress_and_a_short_one_nothing(monkeypatch, capsys: pytest.CaptureFixture[str]):
    files = sorted(FIXTURES.glob("*.txt"))
    exchange.build_import(files, role="tillitsvalgt")
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(_input_limits, "PROGRESS_SECONDS", 0.0)  # every step counts as long
    exchange.build_import(files, role="tillitsvalgt")
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("tests/fixtures/transcripts/intervju_arbeidsgiver.txt: reading: ") for line in err)
    assert any(" sorting into sections: " in line and line.endswith(" s)") for line in err)
    assert any(line.startswith("scanning for personal data: 1 of ") for line in err)


def test_the_one_input_reader_refuses_a_file_over_its_limit_and_reads_one_at_it(tmp_path):
    from mdi_analysis.io import read_input_bytes

    path = tmp_path / "t.txt"
    path.write_bytes(b"x" * 10)
    assert read_input_bytes(path, expected="a file", max_bytes=10) == b"x" * 10
    assert read_input_bytes(path, expected="a file") == b"x" * 10
    with pytest.raises(InputDataError, match=r"the file is 10 bytes, over the limit of 9 bytes.*limit with X=1"):
        read_input_bytes(path, expected="a file", max_bytes=9, raise_with="X=1")
