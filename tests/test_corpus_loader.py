"""load_corpus: a bad corpus file fails with one message naming file, row and column.

The same loader reads a researcher's own transcripts, so the minimal shape (two files, four plus
two columns) is tested too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mdi_analysis import paths
from mdi_analysis.corpus import load_corpus
from mdi_analysis.errors import InputDataError


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(paths.data_dir() / "corpus", target, ignore=shutil.ignore_patterns("*.md"))
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _error(directory: Path) -> InputDataError:
    with pytest.raises(InputDataError) as info:
        load_corpus(directory)
    return info.value


def test_committed_corpus_loads():
    corpus = load_corpus()
    assert len(corpus.utterances) == 121
    assert str(corpus.links["similarity"].dtype) == "float64"


def test_bad_role_names_file_row_and_column(corpus_copy):
    _edit(corpus_copy / "utterances.csv", "U003,arbeidsgiver,Arbeidsgiver", "U003,leder,Arbeidsgiver")
    error = _error(corpus_copy)
    message = str(error)
    assert "utterances.csv" in message and "row 3 (line 4)" in message and "column 'role'" in message
    assert "one of ['arbeidsgiver', 'tillitsvalgt', 'unknown']" in message  # unknown: an import without roles
    assert (error.row, error.column) == (3, "role")


def test_duplicate_id_names_file_row_and_column(corpus_copy):
    _edit(corpus_copy / "utterances.csv", "U004,arbeidsgiver", "U003,arbeidsgiver")
    error = _error(corpus_copy)
    assert "utterances.csv" in str(error) and "duplicates an earlier one" in str(error)
    assert (error.row, error.column) == (4, "utterance_id")


def test_missing_column_is_named(corpus_copy):
    path = corpus_copy / "utterances.csv"
    _edit(path, "utterance_id,role,role_label", "utterance_id,rolle,role_label")
    error = _error(corpus_copy)
    assert "utterances.csv, line 1: column 'role' is missing" in str(error)


def test_unknown_section_is_rejected_across_files(corpus_copy):
    _edit(corpus_copy / "utterances.csv", ",4.1.2,2624,", ",4.1.10,2624,")
    error = _error(corpus_copy)
    assert "unknown section '4.1.10'" in str(error) and "sections.csv" in str(error)
    assert (error.row, error.column) == (10, "section_id")
    assert error.file.endswith("utterances.csv")


def test_line_span_must_not_run_backwards(corpus_copy):
    _edit(corpus_copy / "utterances.csv", ",4.1.1,2522,2528,", ",4.1.1,2522,2520,")
    error = _error(corpus_copy)
    assert (error.row, error.column) == (1, "line_end") and "before line_start" in str(error)


def test_link_to_unknown_utterance_is_rejected(corpus_copy):
    _edit(corpus_copy / "links.csv", "U073,U029", "U073,U999")
    error = _error(corpus_copy)
    assert error.file.endswith("links.csv") and (error.row, error.column) == (2, "linked_utterance_id")


def test_similarity_outside_0_1_is_rejected(corpus_copy):
    _edit(corpus_copy / "links.csv", "contained,0.978", "contained,1.978")
    error = _error(corpus_copy)
    assert error.file.endswith("links.csv") and (error.row, error.column) == (2, "similarity")


def test_word_count_must_match_the_text(corpus_copy):
    _edit(corpus_copy / "utterances.csv", ",4.1.1,2551,2551,8,", ",4.1.1,2551,2551,9,")
    error = _error(corpus_copy)
    assert (error.row, error.column) == (3, "n_words") and "(8 words)" in str(error)


def test_unknown_flag_format_is_rejected(corpus_copy):
    _edit(corpus_copy / "utterances.csv", "label_on_next_line;nested_guillemets", "Label on next line")
    error = _error(corpus_copy)
    assert (error.row, error.column) == (2, "flags")


def test_researchers_own_minimal_transcripts_load(tmp_path):
    """Two files, required columns only, Excel-style ';' CSV with a BOM; no thesis line numbers."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "utterances.csv").write_text(
        "\ufeffutterance_id;role;text;section_id\n"
        "I01-001;arbeidsgiver;Vi har prøvd ut BLT-metoden;tema1\n"
        'I02-001;tillitsvalgt;"Det tar tid; mye tid.";tema1\n',
        encoding="utf-8",
    )
    (folder / "sections.csv").write_text("section_id;title\ntema1;Tid og ressurser\n", encoding="utf-8")
    corpus = load_corpus(folder)
    assert list(corpus.utterances["utterance_id"]) == ["I01-001", "I02-001"]
    assert corpus.utterances["line_start"].isna().all() and corpus.utterances["flags"].isna().all()
    assert list(corpus.codings["section_id"]) == ["tema1", "tema1"]
    assert set(corpus.codings["coder"]) == {"unspecified"}
    assert corpus.links.empty and corpus.interview_guide.empty
    assert list(corpus.utterance_sections()["title"]) == ["Tid og ressurser"] * 2


def test_only_one_end_of_a_span_is_an_error(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "utterances.csv").write_text(
        "utterance_id,role,text,section_id,line_start,line_end\nI01,tillitsvalgt,Tekst her,t1,12,\n", encoding="utf-8"
    )
    (folder / "sections.csv").write_text("section_id,title\nt1,Tema\n", encoding="utf-8")
    error = _error(folder)
    assert (error.row, error.column) == (1, "line_end") and "only one end" in str(error)
