"""Transcript import: Norwegian interviews (.txt, .docx) into a corpus folder, with a PII gate.

Fixtures (tests/fixtures/transcripts/, written for these tests, fictitious):
- ``intervju_arbeidsgiver.txt``: a clean employer interview with ``I:``/``R:`` labels, a role
  header, a wrapped answer of two paragraphs, a follow-up question and timestamps;
- ``intervju_tillitsvalgt_pii.txt``: a union representative interview with planted PII in four
  answers: a name (Kari Nordmann), a phone number (tlf 912 34 567), an e-mail address, and a
  municipality attached to the speaker (Jeg jobber i Hol kommune).
The .docx is generated here with python-docx, so no binary file is committed.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from mdi_analysis import exchange, paths
from mdi_analysis.coding import code_texts
from mdi_analysis.corpus import load_corpus
from mdi_analysis.errors import InputDataError, OptionError, PersonalDataError
from mdi_analysis.io._codebook import load_codebook
from mdi_analysis.privacy import scan_paths

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
CLEAN = FIXTURES / "intervju_arbeidsgiver.txt"
PII = FIXTURES / "intervju_tillitsvalgt_pii.txt"

#: (kind, match, line in the file, turn number, utterance id) of every planted item.
PLANTED = {
    ("person_name", "Kari Nordmann", 5, 2, "T001"),
    ("municipality_link", "Hol", 8, 4, "T002"),
    ("phone", "912 34 567", 10, 6, "T003"),
    ("email", "kari.nordmann@example.no", 13, 8, "T004"),
}


def _docx(
    path: Path, turns: list[tuple[str, str]], extra: list[str] = (), table: tuple[str, str] | None = None
) -> Path:
    """A Word transcript as researchers write them: heading, bold labels, a loose paragraph, a table row."""
    document = docx.Document()
    document.add_heading("Intervju 7", level=1)
    for label, text in turns:
        paragraph = document.add_paragraph()
        paragraph.add_run(label + ":").bold = True
        paragraph.add_run(" " + text)
    for text in extra:
        document.add_paragraph(text)
    if table:
        row = document.add_table(rows=1, cols=2).rows[0]
        row.cells[0].text, row.cells[1].text = table
    document.save(str(path))
    return path


DOCX_TURNS = [
    ("Intervjuer", "Hvordan kan medarbeidernes tause kunnskap bidra til å øke innovasjon?"),
    ("Tillitsvalgt", "De som har jobbet lenge, vet hvor skoen trykker. Den kunnskapen må vi få fram i lyset."),
    ("Intervjuer", "Hva slags opplæring er viktig for å utvikle mer innovasjonsarbeid blant de ansatte i kommunen?"),
    ("Tillitsvalgt", "Jeg tror ikke vi trenger kurs, men at folk får tid til å prøve ut ting sammen."),
]


# --------------------------------------------------------------------------------------------
# Planted PII: reported, and nothing written without the override
# --------------------------------------------------------------------------------------------


def test_planted_pii_is_reported_with_file_line_and_turn():
    result = exchange.build_import([PII])
    found = {(f.kind, f.match, f.line, f.turn, f.utterance_id) for f in result.findings}
    assert found == PLANTED
    assert all(f.file == PII and f.unit == "line" for f in result.findings)


def test_nothing_is_written_without_the_override(tmp_path: Path):
    result = exchange.build_import([CLEAN, PII])
    out = tmp_path / "import"
    with pytest.raises(PersonalDataError) as info:
        exchange.write_import(result, out)
    assert len(info.value.findings) == 4
    assert list(tmp_path.iterdir()) == [], "no output folder and no staging folder"


def test_cli_reports_findings_and_exits_1_writing_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "import"
    assert exchange.import_transcripts_main([str(CLEAN), str(PII), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert not out.exists()
    for kind, match, line, turn, _ in PLANTED:  # the clean file comes first: T001–T004, then T005–T009
        assert f"intervju_tillitsvalgt_pii.txt: line {line}, turn {turn} (T00{4 + turn // 2}): {kind}: {match!r}" in err
    assert "nothing written" in err and "4 findings" in err


def test_with_the_override_it_is_written_and_the_findings_still_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "import"
    assert exchange.import_transcripts_main([str(PII), "--out", str(out), "--allow-pii"]) == 0
    captured = capsys.readouterr()
    assert "4 findings" in captured.err and "do not publish" in captured.out
    corpus = load_corpus(out)
    assert corpus.utterances["text"].str.contains("912 34 567").any()
    # The repository scanner sees the same personal data in what was written.
    assert {f.kind for f in scan_paths([out])} == {"person_name", "municipality_link", "phone", "email"}


# --------------------------------------------------------------------------------------------
# A clean transcript becomes a corpus the notebooks' code runs on
# --------------------------------------------------------------------------------------------


@pytest.fixture()
def clean_import(tmp_path: Path) -> Path:
    out = tmp_path / "mine"
    docx_file = _docx(
        tmp_path / "intervju_tv.docx",
        DOCX_TURNS,
        extra=["Vi har også et samarbeid med ledelsen om tidspress og prioriteringer."],
        table=("Tillitsvalgt", "Samarbeid og tillit er det viktigste."),
    )
    result = exchange.import_transcripts([CLEAN, docx_file], out)
    assert result.findings == [] and result.warnings == []
    return out


def test_clean_transcripts_import_into_the_corpus_format(clean_import: Path):
    corpus = load_corpus(clean_import)
    u = corpus.utterances.set_index("utterance_id")
    assert list(u.index) == [f"T00{i}" for i in range(1, 8)]
    assert list(u["role"]) == ["arbeidsgiver"] * 4 + ["tillitsvalgt"] * 3
    # Interview-guide questions asked by the interviewer file the answers under the thesis sections:
    # Q03 → 4.1.1 (and the follow-up stays there), Q07 → 4.1.4, Q21 → 4.4.1, Q12 → 4.3.3, Q19 → 4.5.4.
    assert list(u["section_id"]) == ["4.1.1", "4.1.1", "4.1.4", "4.4.1", "4.3.3", "4.5.4", "4.5.4"]
    # Wrapped lines are joined with a space, paragraphs kept as a blank line, timestamps removed.
    assert u.loc["T001", "text"].startswith(
        "For meg handler innovasjon om å gjøre ting på en ny og bedre måte. Det trenger ikke"
    )
    assert u.loc["T001", "text"].count("\n\n") == 1
    assert u.loc["T003", "text"].startswith("Vi har ikke noe fast system for det.")
    # .docx: a loose paragraph continues the turn; a two-column table row is a turn of its own.
    assert u.loc["T006", "text"].endswith(
        "prøve ut ting sammen.\n\nVi har også et samarbeid med ledelsen om tidspress og prioriteringer."
    )
    assert u.loc["T007", "text"] == "Samarbeid og tillit er det viktigste."
    # Interviewer turns are not utterances.
    assert not u["text"].str.contains("Hva legger du i begrepet").any()
    assert list(u["role_label"].fillna("")) == [""] * 4 + ["Tillitsvalgt"] * 3
    assert u.loc["T001", "flags"] == "role_from_file;section_from_guide"
    assert u.loc["T005", "flags"] == "section_from_guide"
    assert list(corpus.sections["section_id"]) == ["4.1.1", "4.1.4", "4.4.1", "4.3.3", "4.5.4"]
    assert set(corpus.codings["coder"]) == {"unspecified"}


def test_output_records_no_file_names_and_passes_the_repository_scanner(clean_import: Path):
    text = "".join(p.read_text(encoding="utf-8") for p in clean_import.iterdir())
    assert "intervju" not in text.lower().replace("intervjuguide", "")
    assert scan_paths([clean_import]) == []


def test_the_imported_corpus_runs_through_the_coding_engine(clean_import: Path):
    """What notebooks 02/03 do with corpus_dir: load_corpus(corpus_dir), then code the quotes."""
    corpus = load_corpus(clean_import)
    categories = load_codebook().categories
    matrix = code_texts(corpus.utterances.set_index("utterance_id")["text"], categories).matrix
    assert matrix.shape == (7, len(categories))
    assert matrix.loc["T004", "tema.tidspress"] == 1  # "Tidspress er nok den største"
    assert matrix.loc["T007", "mdi_kultur.tillit"] == 1  # "Samarbeid og tillit"


def test_the_imported_corpus_exports_to_a_valid_qdpx(clean_import: Path, tmp_path: Path):
    path, _, findings = exchange.export_qdpx(tmp_path / "mine.qdpx", corpus_dir=clean_import)
    assert findings == []
    exchange.validate_qdpx(path)
    back = exchange.read_qdpx(path)
    corpus = load_corpus(clean_import)
    assert list(back.utterances["utterance_id"]) == list(corpus.utterances["utterance_id"])
    assert list(back.utterances["text"]) == list(corpus.utterances["text"])
    assert list(back.codings["section_id"]) == list(corpus.utterances["section_id"])
    # No thesis coder in a researcher's own corpus: its codings are load_corpus's derived ones.
    assert set(back.coders["coder"]) == {"unspecified", "keyword-lemma"}


# --------------------------------------------------------------------------------------------
# .docx specifics, roles, speaker maps
# --------------------------------------------------------------------------------------------


def test_docx_findings_point_to_the_paragraph(tmp_path: Path):
    document = docx.Document()
    document.add_heading("Intervju 8", level=1)  # paragraph 1
    document.add_paragraph("Intervjuer: Hva legger du i begrepet innovasjon?")  # 2
    document.add_paragraph("Tillitsvalgt: Innovasjon er nye måter å jobbe på.")  # 3
    document.add_paragraph("")  # 4: empty paragraphs count, as they do when you move through Word
    document.add_paragraph("Intervjuer: Kan du utdype?")  # 5
    document.add_paragraph(
        "Tillitsvalgt: Vi prøver ut mye.\nSkriv til tillitsvalgt@example.com, så forklarer jeg mer."
    )  # 6
    path = tmp_path / "intervju.docx"
    document.save(str(path))
    result = exchange.build_import([path])
    assert [(f.kind, f.unit, f.line, f.turn, f.utterance_id) for f in result.findings] == [
        ("email", "paragraph", 6, 4, "T002")
    ]
    # A line break inside a paragraph joins with a space; it is not a new paragraph.
    assert result.frames["utterances.csv"]["text"].iloc[1] == (
        "Vi prøver ut mye. Skriv til tillitsvalgt@example.com, så forklarer jeg mer."
    )


def test_role_comes_from_label_header_or_argument(tmp_path: Path):
    no_header = tmp_path / "r.txt"
    no_header.write_text("I: Hva legger du i begrepet innovasjon?\nR: Å gjøre ting bedre.\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"line 2.*needs the respondent's role"):
        exchange.build_import([no_header])
    result = exchange.build_import([no_header], role="tillitsvalgt")
    assert result.frames["utterances.csv"][["role", "flags"]].values.tolist() == [
        ["tillitsvalgt", "role_from_file;section_from_guide"]
    ]
    header = tmp_path / "h.txt"
    header.write_text("Rolle: Hovedtillitsvalgt\nR: Å gjøre ting bedre.\n", encoding="utf-8")
    assert exchange.build_import([header], role="arbeidsgiver").frames["utterances.csv"]["role"].tolist() == [
        "tillitsvalgt"
    ]
    with pytest.raises(ValueError, match="not one of"):
        exchange.build_import([no_header], role="rådmann")


def test_speaker_map_and_unknown_labels(tmp_path: Path):
    path = tmp_path / "leder.txt"
    path.write_text(
        "Q: Hva tenker du om innovasjon?\n"
        "Leder: Det er viktig for oss.\n"
        "Eksempel: vi har prøvd ut nye vaktordninger.\n",
        encoding="utf-8",
    )
    speakers = exchange.parse_speaker_map(["Q=interviewer,Leder=arbeidsgiver"])
    result = exchange.build_import([path], speakers=speakers, detect_sections=False)
    frame = result.frames["utterances.csv"]
    assert frame[["role", "role_label", "section_id"]].values.tolist() == [["arbeidsgiver", None, "import"]]
    # "Eksempel:" looks like a label but is not in the map: it stays text, with a warning.
    assert frame["text"].tolist() == ["Det er viktig for oss. Eksempel: vi har prøvd ut nye vaktordninger."]
    assert any("'Eksempel:' looks like a speaker label" in w for w in result.warnings)
    with pytest.raises(ValueError, match="speaker must be one of"):
        exchange.parse_speaker_map(["Leder=sjef"])


def test_a_name_used_as_a_label_is_never_written_as_role_label(tmp_path: Path):
    path = tmp_path / "navn.txt"
    path.write_text("I: Hva legger du i begrepet innovasjon?\nOla: Å gjøre ting bedre sammen.\n", encoding="utf-8")
    result = exchange.build_import([path], speakers=exchange.parse_speaker_map(["Ola=tillitsvalgt"]))
    assert result.frames["utterances.csv"]["role_label"].isna().all()
    assert result.findings == []


# --------------------------------------------------------------------------------------------
# Writing is atomic and careful
# --------------------------------------------------------------------------------------------


def test_refuses_non_empty_folders_and_the_committed_corpus(tmp_path: Path):
    result = exchange.build_import([CLEAN])
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("old", encoding="utf-8")
    with pytest.raises(OptionError, match="not made by mdi-analysis"):
        exchange.write_import(result, out, overwrite=True)
    (out / "notes.txt").unlink()
    exchange.write_import(result, out)
    with pytest.raises(OptionError, match="pass --overwrite"):
        exchange.write_import(result, out)
    exchange.write_import(result, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == [
        ".mdi-analysis-output",
        "interview_guide.csv",
        "research_questions.csv",
        "sections.csv",
        "utterances.csv",
    ]
    with pytest.raises(OptionError, match="committed thesis corpus"):
        exchange.write_import(result, paths.data_dir() / "corpus", overwrite=True)
    assert exchange.import_transcripts_main([str(CLEAN), "--out", str(out)]) == 2


def test_a_failing_validation_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import mdi_analysis.corpus as corpus_module

    def broken(*args, **kwargs):
        raise InputDataError("utterances.csv", "simulated failure")

    monkeypatch.setattr(corpus_module, "load_corpus", broken)
    with pytest.raises(InputDataError, match="simulated"):
        exchange.write_import(exchange.build_import([CLEAN], detect_sections=False), tmp_path / "mine")
    assert list(tmp_path.iterdir()) == []


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert exchange.import_transcripts_main([str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")]) == 2
    assert "file not found" in capsys.readouterr().err
    odt = tmp_path / "x.odt"
    odt.write_bytes(b"PK")
    assert exchange.import_transcripts_main([str(odt), "--out", str(tmp_path / "o")]) == 2
    assert "unsupported file type" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_windows_1252_and_crlf_transcripts_are_read(tmp_path: Path):
    path = tmp_path / "cp.txt"
    path.write_bytes(
        "Rolle: arbeidsgiver\r\nI: Hva legger du i begrepet innovasjon?\r\nR: Å få til små forbedringer.\r\n".encode(
            "cp1252"
        )
    )
    result = exchange.build_import([path])
    assert result.frames["utterances.csv"]["text"].tolist() == ["Å få til små forbedringer."]
    assert any("Windows-1252" in w for w in result.warnings)


def test_decomposed_unicode_is_normalised(tmp_path: Path):
    path = tmp_path / "nfd.txt"
    path.write_text(
        "Rolle: arbeidsgiver\nR: Vi må gjøre det på en ny måte.\n".replace("å", "a\u030a"), encoding="utf-8"
    )
    text = exchange.build_import([path], detect_sections=False).frames["utterances.csv"]["text"].iloc[0]
    assert text == "Vi må gjøre det på en ny måte." and "\u030a" not in text


def test_a_notebook_runs_on_the_imported_corpus_by_its_parameter(clean_import: Path, tmp_path: Path):
    """End to end: papermill injects corpus_dir, and the notebook shows the imported quotes.

    07 (quote browser) is used because it prints the quotes themselves; docs/qda-and-transcripts.md
    ("What runs on an imported corpus") lists the other notebooks."""
    from mdi_analysis.pipeline import _runner as runner

    if not (paths.notebooks_dir() / "07_browse-quotes.ipynb").is_file():
        pytest.skip("notebook 07_browse-quotes.ipynb not present")
    executed = runner.run_one("07", {"corpus_dir": str(clean_import)}, tmp_path / "run")
    text = executed.read_text(encoding="utf-8")
    assert "T004" in text and "U001" not in text
