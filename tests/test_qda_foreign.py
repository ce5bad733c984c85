"""import-qdpx on projects this package did not write.

Two real files (``../shared/qda-samples``: our corpus after ``qc`` 1.7.8 and after QualCoder) and
projects built here in the styles of NVivo, ATLAS.ti and MAXQDA exports: free-text source names,
``.docx`` sources with and without a plain-text rendering, roles in cases, source variables and a
code branch, upper-case GUIDs, codes without descriptions, several users, a byte-order mark and
``\\r\\n`` line endings. Every one of them must import, and what cannot fit must fail in one line
with nothing written.
"""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest

from mdi_analysis import exchange, paths
from mdi_analysis.corpus import UNKNOWN_ROLE, load_corpus
from mdi_analysis.errors import OptionError, QdaFormatError
from mdi_analysis.exchange._cli import import_qdpx_main
from mdi_analysis.exchange._qda_text import coder_ids, utterance_ids
from mdi_analysis.io import load_codebook

NS = "urn:QDA-XML:project:1.0"
SAMPLES = paths.project_root().parent / "shared" / "qda-samples"


def _guid(key: str, upper: bool = False) -> str:
    value = str(uuid.uuid5(uuid.NAMESPACE_URL, "test:" + key))
    return value.upper() if upper else value


def _docx_bytes(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class Project:
    """A small QDA-XML project written the way a given program writes it."""

    def __init__(self, upper: bool = False) -> None:
        self.upper = upper
        self.root = ET.Element("Project", {"xmlns": NS, "name": "test", "origin": "test"})
        self.users = ET.SubElement(self.root, "Users")
        self.codebook = ET.SubElement(ET.SubElement(self.root, "CodeBook"), "Codes")
        self.variables = ET.SubElement(self.root, "Variables")
        self.cases = ET.SubElement(self.root, "Cases")
        self.sources = ET.SubElement(self.root, "Sources")
        self.files: dict[str, bytes] = {}
        self.user_guids: dict[str, str] = {}

    def guid(self, key: str) -> str:
        return _guid(key, self.upper)

    def user(self, name: str) -> str:
        self.user_guids[name] = self.guid("user:" + name)
        ET.SubElement(self.users, "User", {"guid": self.user_guids[name], "name": name})
        return self.user_guids[name]

    def code(self, path: str, parent: ET.Element | None = None) -> str:
        """``path`` like ``Barrierer/Tidspress``: codes without descriptions, created as needed."""
        element = self.codebook
        for depth, name in enumerate(path.split("/")):
            found = next((c for c in element.findall("Code") if c.get("name") == name), None)
            if found is None:
                key = "/".join(path.split("/")[: depth + 1])
                found = ET.SubElement(
                    element, "Code", {"guid": self.guid("code:" + key), "name": name, "isCodable": "true"}
                )
            element = found
        return element.get("guid")

    def variable(self, name: str) -> str:
        guid = self.guid("var:" + name)
        if not any(v.get("guid") == guid for v in self.variables):
            ET.SubElement(self.variables, "Variable", {"guid": guid, "name": name, "typeOfVariable": "Text"})
        return guid

    def source(
        self,
        name: str,
        text: str,
        *,
        store: str = "internal",
        codings: list[tuple[str, str, int, int]] = (),
        variables: dict[str, str] | None = None,
        raw: bytes | None = None,
        key: str | None = None,
    ) -> ET.Element:
        """``store``: ``internal`` (internal://x.txt), ``relative`` (sources/x.txt), ``docx+txt``
        (a .docx with a plain-text rendering), ``docx`` (only the .docx), ``inline``."""
        guid = self.guid("source:" + (key or name))
        attributes = {"guid": guid, "name": name}
        source = ET.SubElement(self.sources, "TextSource", attributes)
        if store == "inline":
            ET.SubElement(source, "PlainTextContent").text = text
        if store in ("docx", "docx+txt"):
            source.set("richTextPath", f"internal://{guid}.docx")
            self.files[f"sources/{guid}.docx"] = _docx_bytes(text.split("\n"))
        if store in ("internal", "docx+txt", "relative"):
            source.set("plainTextPath", f"internal://{guid}.txt" if store != "relative" else f"sources/{guid}.txt")
            self.files[f"sources/{guid}.txt"] = raw if raw is not None else text.encode("utf-8")
        for number, (user, code, start, end) in enumerate(codings):
            selection = ET.SubElement(
                source,
                "PlainTextSelection",
                {
                    "guid": self.guid(f"sel:{key or name}:{number}"),
                    "startPosition": str(start),
                    "endPosition": str(end),
                    "creatingUser": self.user_guids[user],
                },
            )
            coding = ET.SubElement(selection, "Coding", {"guid": self.guid(f"coding:{key or name}:{number}")})
            ET.SubElement(coding, "CodeRef", {"targetGUID": self.code(code)})
        for var_name, value in (variables or {}).items():
            element = ET.SubElement(source, "VariableValue")
            ET.SubElement(element, "VariableRef", {"targetGUID": self.variable(var_name)})
            ET.SubElement(element, "TextValue").text = value
        return source

    def case(self, name: str, sources: list[str], variables: dict[str, str] | None = None) -> None:
        case = ET.SubElement(self.cases, "Case", {"guid": self.guid("case:" + name), "name": name})
        for var_name, value in (variables or {}).items():
            element = ET.SubElement(case, "VariableValue")
            ET.SubElement(element, "VariableRef", {"targetGUID": self.variable(var_name)})
            ET.SubElement(element, "TextValue").text = value
        for source in sources:
            ET.SubElement(case, "SourceRef", {"targetGUID": self.guid("source:" + source)})

    def write(self, path: Path) -> Path:
        for element in (self.variables, self.cases):
            if not len(element):
                self.root.remove(element)
        qde = ET.tostring(self.root, encoding="utf-8", xml_declaration=True)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("project.qde", qde)
            for name, data in self.files.items():
                archive.writestr(name, data)
        return path


TEXT_LEDER = "Vi har lite tid til innovasjon.\nMen vi prøver nye ting."
TEXT_TV = "Tillitsvalgte blir tatt med tidlig i prosessen."


def _nvivo(tmp_path: Path) -> Path:
    """NVivo: free-text names, upper-case GUIDs, .docx with a plain-text rendering, roles in a case
    attribute, nested nodes without descriptions, two users."""
    project = Project(upper=True)
    project.user("Koder A")
    project.user("Koder B")
    project.source(
        "Interview 3 – leder.docx",
        TEXT_LEDER,
        store="docx+txt",
        codings=[("Koder A", "Barrierer/Tidspress", 0, 31), ("Koder B", "Barrierer/Tidspress", 0, 31)],
    )
    project.source(
        "Interview 4 – tillitsvalgt.docx",
        TEXT_TV,
        store="docx+txt",
        codings=[("Koder A", "Medvirkning", 0, len(TEXT_TV))],
    )
    project.case("Person A", ["Interview 3 – leder.docx"], {"Rolle": "Leder"})
    project.case("Person B", ["Interview 4 – tillitsvalgt.docx"], {"Rolle": "Tillitsvalgt"})
    return project.write(tmp_path / "nvivo.qdpx")


def _atlas(tmp_path: Path) -> Path:
    """ATLAS.ti: a .docx without plain text, inline text, roles in a code group, lower-case GUIDs."""
    project = Project()
    project.user("Forsker")
    project.source("intervju_leder.docx", TEXT_LEDER, store="docx", codings=[("Forsker", "Roller/Leder", 0, 5)])
    project.source(
        "intervju tv",
        TEXT_TV,
        store="inline",
        codings=[("Forsker", "Roller/Tillitsvalgt", 0, 5), ("Forsker", "Tema/Medvirkning", 0, 16)],
    )
    return project.write(tmp_path / "atlas.qdpx")


def _maxqda(tmp_path: Path) -> Path:
    """MAXQDA: roles in a document variable, relative plain-text paths, a BOM and \\r\\n line
    endings, the same document name twice, three users."""
    project = Project()
    for user in ("A", "B", "C"):
        project.user(user)
    raw = ("\ufeff" + TEXT_LEDER.replace("\n", "\r\n")).encode("utf-8")
    end = TEXT_LEDER.index("\n") + 4  # 'Men' counted on the normalised text
    project.source(
        "Leder",
        TEXT_LEDER,
        store="relative",
        raw=raw,
        codings=[("A", "Tid", 0, end), ("B", "Tid", 0, 10)],
        variables={"Rolle": "leder"},
    )
    project.source(
        "Leder", TEXT_TV, store="relative", codings=[("C", "Tid", 0, 3)], variables={"Rolle": "tillitsvalgt"}, key="2"
    )
    return project.write(tmp_path / "maxqda.qdpx")


# --------------------------------------------------------------------------------------------
# Ids and coders
# --------------------------------------------------------------------------------------------


def test_utterance_ids_are_readable_stable_and_unique():
    names = ["U001.txt", "Interview 3 – leder.docx", "Interview 3 – leder.docx", "8F1C3A9E-0000", "", "Ærlig øving"]
    ids = utterance_ids(names)
    assert ids == ["U001", "Interview_3_leder", "Interview_3_leder_2", "S_8F1C3A9E_0000", "S005", "Aerlig_oving"]
    assert utterance_ids(names) == ids


def test_coder_ids_come_from_user_names_and_our_own_names_map_back():
    known = {exchange.THESIS_CODER.name: "thesis"}
    assert coder_ids([exchange.THESIS_CODER.name, "Koder Nord", "koder nord", "Øst Å"], known) == [
        "thesis",
        "koder-nord",
        "koder-nord-2",
        "ost-a",
    ]


# --------------------------------------------------------------------------------------------
# Projects in the styles of other programs
# --------------------------------------------------------------------------------------------


def test_nvivo_style_project_imports_with_roles_from_a_case_variable(tmp_path: Path):
    back = exchange.read_qdpx(_nvivo(tmp_path), role_from="case:Rolle")
    assert list(back.utterances["utterance_id"]) == ["Interview_3_leder", "Interview_4_tillitsvalgt"]
    assert list(back.sources["source_name"]) == ["Interview 3 – leder.docx", "Interview 4 – tillitsvalgt.docx"]
    assert list(back.utterances["role"]) == ["leder", "tillitsvalgt"]
    assert list(back.utterances["text"]) == [TEXT_LEDER, TEXT_TV]
    assert set(back.coders["coder"]) == {"koder-a", "koder-b"}
    assert back.warnings == ()
    pairs = set(back.category_codings.itertuples(index=False, name=None))
    assert pairs == {
        ("Interview_3_leder", "barrierer.tidspress", "koder-a"),
        ("Interview_3_leder", "barrierer.tidspress", "koder-b"),
        ("Interview_4_tillitsvalgt", "ungrouped.medvirkning", "koder-a"),
    }
    out = tmp_path / "corpus"
    exchange.qdpx_to_corpus(tmp_path / "nvivo.qdpx", out, role_from="case:Rolle")
    codebook = load_codebook(out)
    assert list(codebook.categories["category_id"]) == ["barrierer.tidspress", "ungrouped.medvirkning"]
    assert codebook.categories["patterns"].isna().all(), "codes without patterns are manual only"
    assert list(load_corpus(out, roles=["leder", "tillitsvalgt"]).utterances["role"]) == ["leder", "tillitsvalgt"]


def test_without_role_from_every_source_gets_the_unknown_role_and_one_warning(tmp_path: Path):
    back = exchange.read_qdpx(_nvivo(tmp_path))
    # The case names are not roles here ("Person A"), but a case with sources is where this package
    # puts the role, so by default they are read as roles; the variable must be named to be used.
    assert list(back.utterances["role"]) == ["person a", "person b"]
    back = exchange.read_qdpx(_maxqda(tmp_path))
    assert set(back.utterances["role"]) == {UNKNOWN_ROLE}
    assert len(back.warnings) == 1 and "role 'unknown'" in back.warnings[0] and "--role-from" in back.warnings[0]


def test_atlas_style_project_reads_docx_without_plain_text_and_roles_from_a_code_branch(tmp_path: Path):
    back = exchange.read_qdpx(_atlas(tmp_path), role_from="code:Roller")
    assert list(back.utterances["utterance_id"]) == ["intervju_leder", "intervju_tv"]
    assert list(back.utterances["text"]) == [TEXT_LEDER, TEXT_TV], "docx paragraphs joined with \\n"
    assert list(back.utterances["role"]) == ["leder", "tillitsvalgt"]
    assert set(back.codebook["category_id"]) == {"roller.leder", "roller.tillitsvalgt", "tema.medvirkning"}


def test_maxqda_style_project_normalises_bom_and_line_endings_without_shifting_selections(tmp_path: Path):
    back = exchange.read_qdpx(_maxqda(tmp_path), role_from="variable:Rolle")
    assert list(back.utterances["utterance_id"]) == ["Leder", "Leder_2"]
    assert list(back.utterances["role"]) == ["leder", "tillitsvalgt"]
    assert back.utterances["text"].iloc[0] == TEXT_LEDER
    first = back.selections[back.selections["coder"] == "a"]
    assert first["text"].tolist() == [TEXT_LEDER[: TEXT_LEDER.index("\n") + 4]]
    assert first["text"].iloc[0].endswith("\nMen"), "offsets count the text without BOM and with \\n"
    assert set(back.coders["coder"]) == {"a", "b", "c"}


def test_role_mapping_from_a_csv_file(tmp_path: Path):
    mapping = tmp_path / "roles.csv"
    mapping.write_text("source,role\nInterview 3 – leder.docx,arbeidsgiver\n", encoding="utf-8")
    back = exchange.read_qdpx(_nvivo(tmp_path), role_from=f"csv:{mapping}")
    assert list(back.utterances["role"]) == ["arbeidsgiver", UNKNOWN_ROLE]
    assert "1 of 2 sources" in back.warnings[0]


def test_unknown_role_source_is_one_line(tmp_path: Path):
    with pytest.raises(OptionError, match=r"has no variable 'Kjønn'; expected one of: Rolle"):
        exchange.read_qdpx(_nvivo(tmp_path), role_from="variable:Kjønn")
    with pytest.raises(OptionError, match="expected 'case'"):
        exchange.read_qdpx(_nvivo(tmp_path), role_from="folder")


# --------------------------------------------------------------------------------------------
# What does not fit fails in one line, with nothing written
# --------------------------------------------------------------------------------------------


def test_a_selection_beyond_its_text_is_reported_by_name_and_nothing_is_written(tmp_path: Path, capsys):
    project = Project()
    project.user("A")
    project.source("Intervju 1", "Kort tekst.", codings=[("A", "Tema", 0, 40)])
    path = project.write(tmp_path / "bad.qdpx")
    out = tmp_path / "out"
    assert import_qdpx_main([str(path), "--out", str(out)]) == 2
    message = capsys.readouterr().err.strip()
    assert message.count("\n") == 0
    assert "source 'Intervju 1'" in message and "endPosition 40 is beyond the text (11 characters)" in message
    assert not out.exists()


def test_a_selection_whose_name_is_other_text_is_not_shifted(tmp_path: Path):
    project = Project()
    project.user("A")
    source = project.source("Intervju 1", "abcdef", codings=[("A", "Tema", 1, 4)])
    source.find("PlainTextSelection").set("name", "abc")  # the text at 0-3: counted with a BOM
    with pytest.raises(QdaFormatError, match=r"the text at 1-4 is 'bcd', the selection is named 'abc'"):
        exchange.read_qdpx(project.write(tmp_path / "shifted.qdpx"))


def test_a_source_without_name_or_text_is_named_by_its_id(tmp_path: Path):
    project = Project()
    ET.SubElement(project.sources, "TextSource", {"guid": project.guid("s"), "plainTextPath": "internal://missing.txt"})
    with pytest.raises(
        QdaFormatError, match=r"source 'S001': plainTextPath 'internal://missing.txt' is not in the archive"
    ):
        exchange.read_qdpx(project.write(tmp_path / "missing.qdpx"))


def test_a_non_empty_out_folder_is_refused_before_reading(tmp_path: Path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "note.txt").write_text("mine", encoding="utf-8")
    assert import_qdpx_main([str(_nvivo(tmp_path)), "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["note.txt"]


def test_the_cli_prints_warnings_and_the_unused_summary(tmp_path: Path, capsys):
    project = Project()
    project.user("A")
    project.source("Intervju 1", "En tekst.", codings=[("A", "Tema", 0, 2)], variables={"Alder": "40"})
    ET.SubElement(ET.SubElement(project.root, "Notes"), "Note", {"guid": project.guid("note"), "name": "memo"})
    out = tmp_path / "out"
    assert import_qdpx_main([str(project.write(tmp_path / "p.qdpx")), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: 1 of 1 sources have no case" in err
    assert "not imported: notes (memos): 1, variables (Alder): 1" in err
    assert load_corpus(out).utterances["role"].tolist() == [UNKNOWN_ROLE]
    assert pd.read_csv(out / "coders.csv")["coder"].tolist() == ["a"]


# --------------------------------------------------------------------------------------------
# The export carries the role on every source
# --------------------------------------------------------------------------------------------


def test_export_carries_the_role_as_a_source_variable_so_a_tool_that_drops_cases_keeps_it(tmp_path: Path):
    path, _, _ = exchange.export_qdpx(tmp_path / "corpus.qdpx")
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("project.qde"))
    q = f"{{{NS}}}"
    root.remove(root.find(f"{q}Cases"))
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "nocases.qdpx", "w") as out:
        for info in src.infolist():
            out.writestr(
                info, ET.tostring(root, encoding="utf-8") if info.filename == "project.qde" else src.read(info)
            )
    back = exchange.read_qdpx(tmp_path / "nocases.qdpx")
    assert back.warnings == ()
    assert list(back.utterances["role"]) == list(load_corpus().utterances["role"])


# --------------------------------------------------------------------------------------------
# The two files other programs wrote (../shared/qda-samples)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mdi-via-qc-1.7.8.qdpx", "mdi-via-qualcoder.qdpx"])
def test_samples_from_other_programs_import_with_no_option(name: str, shared_material, tmp_path: Path):
    sample = shared_material(SAMPLES / name, "a .qdpx another QDA program wrote (../shared/qda-samples)")
    corpus = load_corpus()
    out = tmp_path / "corpus"
    written, findings = exchange.qdpx_to_corpus(sample, out)
    assert findings == []
    back = load_corpus(out)
    assert list(back.utterances["utterance_id"]) == list(corpus.utterances["utterance_id"])
    assert list(back.utterances["text"]) == list(corpus.utterances["text"]), "texts exactly as data/corpus"
    assert set(back.utterances["role"]) == {UNKNOWN_ROLE}
    if "qualcoder" in name:  # QualCoder kept the printed role labels as a source variable
        labelled = exchange.read_qdpx(sample, role_from="variable:role_label").utterances
        known = labelled["role"] != UNKNOWN_ROLE
        assert known.sum() == corpus.utterances["role_label"].notna().sum() == 120
        assert (labelled["role"][known] == corpus.utterances["role"][known]).all()
    thesis = back.codings[back.codings["coder"] == "thesis"]
    assert set(zip(thesis["utterance_id"], thesis["section_id"])) == set(
        zip(corpus.codings["utterance_id"], corpus.codings["section_id"])
    ), "every thesis section coding recovered"
    assert list(back.utterances["section_id"]) == list(corpus.utterances["section_id"])
    codebook = load_codebook(out)
    committed = load_codebook()
    # Our own codes keep their ids, by marker (QualCoder) or, without descriptions (qc), by name.
    assert set(codebook.categories["category_id"]) == set(committed.categories["category_id"])
    categories = pd.read_csv(out / "category_codings.csv")
    keyword = categories[categories["coder"] == "keyword-lemma"]
    original = exchange.keyword_codings(corpus.utterances, committed.categories)
    assert set(zip(keyword["utterance_id"], keyword["category_id"])) == set(
        zip(original["utterance_id"], original["category_id"])
    ), "every keyword coding recovered under its category id"


def test_overwrite_replaces_only_a_folder_this_command_made(tmp_path: Path, capsys):
    out = tmp_path / "corpus"
    assert import_qdpx_main([str(_nvivo(tmp_path)), "--out", str(out)]) == 0
    assert import_qdpx_main([str(_maxqda(tmp_path)), "--out", str(out), "--overwrite"]) == 0
    assert list(load_corpus(out).utterances["utterance_id"]) == ["Leder", "Leder_2"]
    # A corpus folder another command made (here: marked as the transcript import's) is not replaced.
    marker = out / ".mdi-analysis-output"
    marker.write_text(marker.read_text(encoding="utf-8").replace("import-qdpx", "import-transcripts"), encoding="utf-8")
    before = sorted(p.name for p in out.iterdir())
    capsys.readouterr()
    assert import_qdpx_main([str(_nvivo(tmp_path)), "--out", str(out), "--overwrite"]) == 2
    assert "was made by import-transcripts, not by import-qdpx" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before
    assert list(load_corpus(out).utterances["utterance_id"]) == ["Leder", "Leder_2"]
