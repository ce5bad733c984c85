"""Replacing a folder only ever replaces one the package made (issue 15, findings 1 and 4).

``--out`` is typed by hand. Before the marker, ``import-transcripts --out <a git clone> --overwrite``
replaced the clone, ``.git`` included, with four CSV files, and ``--out data --overwrite`` removed
all of ``data/``; ``import-qdpx`` wrote beside the files of an earlier corpus and left an empty
folder after a failed check. Now every folder the package makes carries ``.mdi-analysis-output``,
and a folder without it is never written into when it is not empty.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mdi_analysis.corpus as corpus_module
from mdi_analysis import exchange, paths
from mdi_analysis import io as mdi_io  # attributes, not names: each test fails on its own before the fix
from mdi_analysis.corpus._build import CORPUS_FILES, build_corpus, write_corpus
from mdi_analysis.errors import InputDataError, OptionError

CLEAN = Path(__file__).parent / "fixtures" / "transcripts" / "intervju_arbeidsgiver.txt"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _one_line(err: str, command: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith(f"{command}:") and "warning" not in line]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture()
def clone(tmp_path: Path) -> Path:
    """A folder of the researcher's own: a git clone with a README."""
    folder = tmp_path / "clone"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (folder / "README.md").write_text("my thesis\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small_qdpx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("qdpx")
    exchange.import_transcripts([CLEAN], folder / "corpus")
    out, _, _ = exchange.export_qdpx(folder / "small.qdpx", corpus_dir=folder / "corpus")
    return out


# --------------------------------------------------------------------------------------------
# Finding 1: import-transcripts --overwrite
# --------------------------------------------------------------------------------------------


def test_import_transcripts_overwrite_refuses_a_git_clone(clone: Path, capsys: pytest.CaptureFixture[str]):
    before = _tree(clone)
    assert exchange.import_transcripts_main([str(CLEAN), "--out", str(clone), "--overwrite"]) == 2
    line = _one_line(capsys.readouterr().err, "import-transcripts")
    assert "not made by mdi-analysis" in line and "nothing was changed" in line
    assert _tree(clone) == before, "the clone, .git included, is untouched"
    assert sorted(p.name for p in clone.parent.iterdir()) == ["clone"], "no staging or backup folder left"


def test_import_transcripts_overwrite_refuses_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    monkeypatch.setenv("MDI_DATA_DIR", str(data))
    before = _tree(data)
    assert exchange.import_transcripts_main([str(CLEAN), "--out", str(data), "--overwrite"]) == 2
    assert "not made by mdi-analysis" in _one_line(capsys.readouterr().err, "import-transcripts")
    assert _tree(data) == before


def test_overwrite_replaces_only_a_folder_the_package_made_and_nothing_added_to_it(tmp_path: Path):
    out = tmp_path / "mine"
    exchange.import_transcripts([CLEAN], out)
    marker = mdi_io.output_marker(out)
    assert marker is not None and marker.made_by == "import-transcripts" and marker.whole
    assert set(marker.names) == {p.name for p in out.iterdir()} - {mdi_io.OUTPUT_MARKER}
    exchange.import_transcripts([CLEAN], out, overwrite=True)  # its own folder: replaced
    (out / "notes.md").write_text("my notes\n", encoding="utf-8")
    with pytest.raises(OptionError, match="holds 'notes.md', which mdi-analysis did not write"):
        exchange.import_transcripts([CLEAN], out, overwrite=True)
    assert (out / "notes.md").read_text(encoding="utf-8") == "my notes\n"
    (out / mdi_io.OUTPUT_MARKER).unlink()  # deleting the marker protects the folder
    (out / "notes.md").unlink()
    with pytest.raises(OptionError, match="not made by mdi-analysis"):
        exchange.import_transcripts([CLEAN], out, overwrite=True)


def test_a_file_as_out_is_refused(tmp_path: Path):
    target = tmp_path / "file.txt"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(OptionError, match="is a file, not a folder"):
        mdi_io.check_output_folder(target, keep_other_files=False, overwrite=True)
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_export_qdpx_does_not_replace_a_file_that_is_not_an_export(tmp_path: Path, small_qdpx: Path):
    mine = tmp_path / "README.md"
    mine.write_text("mine\n", encoding="utf-8")
    with pytest.raises(OptionError, match="is not a .qdpx export"):
        exchange.export_qdpx(mine)
    assert mine.read_text(encoding="utf-8") == "mine\n"
    again = tmp_path / "again.qdpx"
    shutil.copy(small_qdpx, again)
    exchange.export_qdpx(again)  # an earlier export is replaced


# --------------------------------------------------------------------------------------------
# Finding 4: import-qdpx
# --------------------------------------------------------------------------------------------


def test_import_qdpx_refuses_a_non_empty_folder_not_made_by_the_package(
    small_qdpx: Path, clone: Path, capsys: pytest.CaptureFixture[str]
):
    before = _tree(clone)
    for extra in ([], ["--overwrite"]):
        assert exchange.import_qdpx_main([str(small_qdpx), "--out", str(clone), *extra]) == 2
        assert "not made by mdi-analysis" in _one_line(capsys.readouterr().err, "import-qdpx")
    assert _tree(clone) == before


def test_import_qdpx_replaces_an_earlier_corpus_as_a_whole(small_qdpx: Path, tmp_path: Path):
    """Old files beside new ones made a corpus that no longer loads; now the folder is replaced, but
    only a folder ``import-qdpx`` made (issue 14: not a corpus another command wrote)."""
    out = tmp_path / "corpus"
    exchange.import_transcripts([CLEAN], out)  # writes interview_guide.csv, which the .qdpx has not
    assert exchange.import_qdpx_main([str(small_qdpx), "--out", str(out)]) == 2, "not empty, no --overwrite"
    assert exchange.import_qdpx_main([str(small_qdpx), "--out", str(out), "--overwrite"]) == 2, "another command's"
    assert "interview_guide.csv" in {p.name for p in out.iterdir()}
    out = tmp_path / "imported"
    assert exchange.import_qdpx_main([str(small_qdpx), "--out", str(out)]) == 0
    # A file an earlier import wrote (listed in its marker) that this import does not write.
    (out / "interview_guide.csv").write_text("stale\n", encoding="utf-8")
    marker = out / mdi_io.OUTPUT_MARKER
    marker.write_text(marker.read_text(encoding="utf-8") + "interview_guide.csv\n", encoding="utf-8")
    assert exchange.import_qdpx_main([str(small_qdpx), "--out", str(out), "--overwrite"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([mdi_io.OUTPUT_MARKER, *mdi_io.output_marker(out).names])
    assert "interview_guide.csv" not in names
    corpus_module.load_corpus(out)


def test_import_qdpx_leaves_no_folder_after_a_failed_check(
    small_qdpx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def broken(*args, **kwargs):
        raise InputDataError("utterances.csv", "simulated failure")

    monkeypatch.setattr(corpus_module, "load_corpus", broken)
    assert exchange.import_qdpx_main([str(small_qdpx), "--out", str(tmp_path / "a" / "b" / "out")]) == 2
    assert list(tmp_path.iterdir()) == [], "neither the folder nor its new parents nor a staging folder"


def test_the_committed_corpus_is_never_replaced_as_a_whole(small_qdpx: Path):
    corpus = paths.data_dir() / "corpus"
    before = _tree(corpus)
    with pytest.raises(OptionError, match="never replaced as a whole"):
        exchange.qdpx_to_corpus(small_qdpx, corpus, overwrite=True)
    assert _tree(corpus) == before


# --------------------------------------------------------------------------------------------
# build-corpus: data/corpus is the package's own, updated file by file
# --------------------------------------------------------------------------------------------


def test_the_committed_corpus_carries_the_marker_of_build_corpus():
    marker = mdi_io.output_marker(paths.data_dir() / "corpus")
    assert marker is not None and marker.made_by == "build-corpus" and not marker.whole
    assert set(marker.names) == set(CORPUS_FILES)


@pytest.fixture(scope="module")
def built():
    if not paths.thesis_path().is_file():
        pytest.skip("the rebuild tests need the thesis text (set MDI_THESIS to its path)")
    return build_corpus(paths.thesis_path())


def test_build_corpus_replaces_only_its_files_in_its_own_folder(built, tmp_path: Path):
    out = tmp_path / "corpus"
    shutil.copytree(paths.data_dir() / "corpus", out)
    (out / "README.draft.md").write_text("draft\n", encoding="utf-8")
    (out / "utterances.csv").write_text("stale\n", encoding="utf-8")
    write_corpus(built, out)
    assert (out / "README.draft.md").read_text(encoding="utf-8") == "draft\n"
    assert (out / "utterances.csv").read_bytes() == (paths.data_dir() / "corpus" / "utterances.csv").read_bytes()
    marker = mdi_io.OUTPUT_MARKER
    assert (out / marker).read_bytes() == (paths.data_dir() / "corpus" / marker).read_bytes()


def test_build_corpus_refuses_a_folder_of_the_researchers_own(built, clone: Path):
    (clone / "utterances.csv").write_text("my own table\n", encoding="utf-8")
    before = _tree(clone)
    with pytest.raises(OptionError, match="not made by mdi-analysis"):
        write_corpus(built, clone)
    assert _tree(clone) == before


def test_a_failed_write_removes_only_the_folders_it_created(tmp_path: Path):
    def failing(staging: Path) -> list[str]:
        (staging / "x.csv").write_text("x\n", encoding="utf-8")
        raise InputDataError("x.csv", "simulated failure")

    for keep in (True, False):
        with pytest.raises(InputDataError):
            mdi_io.write_folder(tmp_path / "new" / "deeper", failing, made_by="test", keep_other_files=keep)
        assert list(tmp_path.iterdir()) == []
