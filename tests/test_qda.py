"""REFI-QDA export (.qdpx): schema-valid, deterministic, and a lossless round trip of the corpus.

The export is built once per module from the committed corpus and codebook. Every assertion
compares with those files, or with what the coding engine computes from them, and never with
hard-coded counts that a codebook edit would silently invalidate. The exceptions are the corpus
counts that data/README.md documents (121 utterances, 64 + 57, 8 re-print codings).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xmlschema

from mdi_analysis import exchange, paths
from mdi_analysis.coding import code_texts
from mdi_analysis.corpus import UTTERANCE_COLUMNS, count_words, load_corpus
from mdi_analysis.errors import PersonalDataError, QdaValidationError
from mdi_analysis.exchange._qda_model import ZIP_DATE_TIME
from mdi_analysis.io._codebook import load_codebook
from mdi_analysis.io._tables import write_table

NS = {"q": exchange.NAMESPACE}
SHIPPED_SHA256 = "80396c47a615e0ee53d68f3a2bcfd9adb7a98feaddc8c267d5f9bf42eb9c9604"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qdpx") / "corpus.qdpx"
    path, _, findings = exchange.export_qdpx(out)
    assert path == out and findings == []
    return out


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


def _qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def _root(path: Path) -> ET.Element:
    return ET.fromstring(_qde(path))


def _source_texts(path: Path) -> dict[str, str]:
    """Source name (utterance id) -> text, read from the sources/ files the qde points to."""
    root = _root(path)
    with zipfile.ZipFile(path) as archive:
        return {
            s.get("name"): archive.read("sources/" + s.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
            for s in root.iterfind(".//q:TextSource", NS)
        }


# --------------------------------------------------------------------------------------------
# The shipped schema
# --------------------------------------------------------------------------------------------


def test_shipped_schema_is_the_refi_release_with_its_provenance():
    schema = exchange.schema_path()
    assert hashlib.sha256(schema.read_bytes()).hexdigest() == SHIPPED_SHA256
    header = schema.read_text(encoding="utf-8")[:4000]
    assert "QDA-XML version 1.0  Release Date: 18 March 2019" in header
    assert "This specification is licensed under the MIT license" in header
    provenance = (schema.parent / "PROVENANCE.md").read_text(encoding="utf-8")
    assert SHIPPED_SHA256 in provenance and "18 March 2019" in provenance
    # The licence in PROVENANCE.md is the schema's copyright comment, word for word.
    notice = re.search(r"<!--\s*(The Rotterdam Exchange Format Initiative.*?)\s*-->", header, re.S).group(1)
    quoted = " ".join(line[2:] for line in provenance.splitlines() if line.startswith("> "))
    assert " ".join(quoted.split()) == " ".join(notice.split())
    assert "Permission is hereby granted, free of charge" in notice
    assert xmlschema.XMLSchema(str(schema)).target_namespace == exchange.NAMESPACE


def test_shipped_schema_is_byte_identical_to_the_shared_original(shared_material):
    shared = paths.project_root().parent / "shared" / "refi-qda" / "Project.xsd"
    original = shared_material(shared, "the REFI-QDA schema as published (../shared/refi-qda)")
    assert original.read_bytes() == exchange.schema_path().read_bytes()


# --------------------------------------------------------------------------------------------
# Validity and layout
# --------------------------------------------------------------------------------------------


def test_exported_project_validates_against_the_shipped_schema(exported: Path):
    # Independently of exchange.validate_qde: plain xmlschema on the bytes in the archive.
    schema = xmlschema.XMLSchema(str(exchange.schema_path()))
    assert schema.is_valid(_qde(exported))
    exchange.validate_qdpx(exported)  # schema + references + sources + offsets


def test_archive_layout_follows_the_interoperability_notes(exported: Path):
    with zipfile.ZipFile(exported) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names[0] == "project.qde"
        assert names == sorted(names)
        assert "sources/" in names and not any(n.startswith("Sources/") for n in names)
        assert {i.date_time for i in infos} == {ZIP_DATE_TIME}
        assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}  # no zlib-version dependence
        files = [n for n in names if n.startswith("sources/") and n != "sources/"]
        for name in files:
            text = archive.read(name).decode("utf-8")  # UTF-8, or this raises
            assert "\r" not in text
    root = _root(exported)
    sources = root.findall(".//q:TextSource", NS)
    assert len(sources) == len(files) == 121
    for source in sources:
        assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
        assert source.find("q:PlainTextContent", NS) is None and source.get("richTextPath") is None
    order = [child.tag.split("}")[1] for child in root]
    assert order == ["Users", "CodeBook", "Variables", "Cases", "Sources", "Description"]


def test_export_twice_gives_identical_bytes(exported: Path, tmp_path: Path):
    again, _, _ = exchange.export_qdpx(tmp_path / "again.qdpx")
    assert again.read_bytes() == exported.read_bytes()


def test_creation_time_only_from_source_date_epoch(exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    assert b"creationDateTime" not in _qde(exported)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1497225600")
    dated, _, _ = exchange.export_qdpx(tmp_path / "dated.qdpx", keyword=False)
    qde = _qde(dated)
    assert b'creationDateTime="2017-06-12T00:00:00Z"' in qde
    exchange.validate_qdpx(dated)


def test_guids_are_stable_and_derived_from_ids(exported: Path):
    root = _root(exported)
    u001 = root.find(".//q:TextSource[@name='U001']", NS)
    assert u001.get("guid") == exchange.make_guid("source", "U001")
    assert root.find(".//q:User[@id='thesis']", NS).get("guid") == exchange.make_guid("user", "thesis")


# --------------------------------------------------------------------------------------------
# Content: sources, offsets, cases, codes, coders
# --------------------------------------------------------------------------------------------


def test_each_selection_slices_its_source_exactly_to_the_utterance(exported: Path, corpus):
    texts = _source_texts(exported)
    expected = dict(zip(corpus.utterances["utterance_id"], corpus.utterances["text"]))
    assert texts == expected
    selections = 0
    for source in _root(exported).iterfind(".//q:TextSource", NS):
        text = texts[source.get("name")]
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == expected[source.get("name")]
            selections += 1
    assert selections >= 121
    # Offsets count code points, not UTF-8 bytes: U002 has «» and å, so the two counts differ.
    u002 = expected["U002"]
    end = int(_root(exported).find(".//q:TextSource[@name='U002']/q:PlainTextSelection", NS).get("endPosition"))
    assert end == len(u002) < len(u002.encode("utf-8"))


def test_roles_are_cases_with_a_role_variable(exported: Path, corpus):
    root = _root(exported)
    role_var = root.find(".//q:Variable[@name='role']", NS).get("guid")
    guid_to_id = {s.get("guid"): s.get("name") for s in root.iterfind(".//q:TextSource", NS)}
    members = {}
    for case in root.iterfind(".//q:Case", NS):
        value = case.find("q:VariableValue", NS)
        assert value.find("q:VariableRef", NS).get("targetGUID") == role_var
        assert value.findtext("q:TextValue", namespaces=NS) == case.get("name")
        members[case.get("name")] = {guid_to_id[r.get("targetGUID")] for r in case.iterfind("q:SourceRef", NS)}
    expected = corpus.utterances.groupby("role")["utterance_id"].apply(set).to_dict()
    assert members == expected
    assert {k: len(v) for k, v in members.items()} == {"arbeidsgiver": 64, "tillitsvalgt": 57}


def test_code_tree_holds_the_codebook_and_the_thesis_sections(exported: Path, corpus, codebook):
    root = _root(exported)
    top = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [c.get("name") for c in top] == ["Theory codebook", "Thesis sections"]
    assert all(c.get("isCodable") == "false" for c in top)

    def marker(code: ET.Element) -> str:
        return re.search(r"mdi-analysis id: (\S+)$", code.findtext("q:Description", namespaces=NS)).group(1)

    frameworks = top[0].findall("q:Code", NS)
    assert [marker(f) for f in frameworks] == [f"framework:{i}" for i in codebook.frameworks["framework_id"]]
    placed = {
        marker(c).split(":", 1)[1]: marker(f).split(":", 1)[1] for f in frameworks for c in f.findall("q:Code", NS)
    }
    assert placed == dict(zip(codebook.categories["category_id"], codebook.categories["framework_id"]))
    assert all(c.get("isCodable") == "true" for f in frameworks for c in f.findall("q:Code", NS))

    rqs = top[1].findall("q:Code", NS)
    assert [r.get("name") for r in rqs] == ["RQ1", "RQ2", "RQ3", "RQ4", "RQ5"]
    in_tree = {marker(s).split(":", 1)[1]: int(r.get("name")[2:]) for r in rqs for s in r.findall("q:Code", NS)}
    assert in_tree == dict(zip(corpus.sections["section_id"], corpus.sections["research_question"].astype(int)))
    names = [c.get("name") for c in root.iter(f"{{{exchange.NAMESPACE}}}Code")]
    assert len(names) == len(set(names)), "QualCoder merges codes with the same name"


def test_two_coders_code_what_codings_csv_and_the_keyword_coder_say(exported: Path, corpus, codebook):
    root = _root(exported)
    users = {u.get("guid"): u.get("id") for u in root.iterfind(".//q:User", NS)}
    assert [u.get("name") for u in root.iterfind(".//q:User", NS)] == [
        "thesis (Strømsvåg 2017)",
        "mdi-analysis keyword coder (lemma)",
    ]
    codes = {
        c.get("guid"): re.search(r"mdi-analysis id: \w+:(\S+)$", c.findtext("q:Description", namespaces=NS)).group(1)
        for c in root.iter(f"{{{exchange.NAMESPACE}}}Code")
    }
    pairs: dict[str, set[tuple[str, str]]] = {"thesis": set(), "keyword-lemma": set()}
    for source in root.iterfind(".//q:TextSource", NS):
        for selection in source.iterfind("q:PlainTextSelection", NS):
            for coding in selection.iterfind("q:Coding", NS):
                assert coding.get("creatingUser") == selection.get("creatingUser")
                coder = users[coding.get("creatingUser")]
                pairs[coder].add((source.get("name"), codes[coding.find("q:CodeRef", NS).get("targetGUID")]))
    assert pairs["thesis"] == set(zip(corpus.codings["utterance_id"], corpus.codings["section_id"]))
    assert len(pairs["thesis"]) == len(corpus.codings) == 121 + 8
    matrix = code_texts(corpus.utterances.set_index("utterance_id")["text"], codebook.categories, "lemma").matrix
    stacked = matrix.stack()
    assert pairs["keyword-lemma"] == {(u, c) for (u, c), v in stacked.items() if v == 1}
    assert len(pairs["keyword-lemma"]) == int(matrix.to_numpy().sum()) > 0


# --------------------------------------------------------------------------------------------
# Round trip
# --------------------------------------------------------------------------------------------


def test_round_trip_gives_back_the_corpus_unchanged(exported: Path, corpus, codebook):
    back = exchange.read_qdpx(exported)
    pd.testing.assert_frame_equal(back.utterances, corpus.utterances[UTTERANCE_COLUMNS].reset_index(drop=True))
    pd.testing.assert_frame_equal(back.codings, corpus.codings.reset_index(drop=True))
    pd.testing.assert_frame_equal(
        back.sections, corpus.sections[["section_id", "research_question", "title"]].reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(back.research_questions, corpus.research_questions[["research_question", "text"]])
    pd.testing.assert_frame_equal(
        back.category_codings, exchange.keyword_codings(corpus.utterances, codebook.categories)
    )
    assert list(back.categories["category_id"]) == list(codebook.categories["category_id"])
    # Offsets: every selection spans its whole quote.
    lengths = dict(zip(corpus.utterances["utterance_id"], corpus.utterances["text"].str.len()))
    assert (back.selections["start"] == 0).all()
    assert (back.selections["end"] == back.selections["utterance_id"].map(lengths)).all()
    assert set(back.coders["coder"]) == {"thesis", "keyword-lemma"}


def test_round_trip_writes_the_committed_corpus_files_byte_for_byte(exported: Path, tmp_path: Path):
    written, findings = exchange.qdpx_to_corpus(exported, tmp_path / "corpus")
    assert findings == []
    committed = paths.data_dir() / "corpus"
    for name in ("utterances.csv", "codings.csv"):
        assert (tmp_path / "corpus" / name).read_bytes() == (committed / name).read_bytes(), name
    assert {p.name for p in written} == {
        "utterances.csv",
        "codings.csv",
        "sections.csv",
        "research_questions.csv",
        "category_codings.csv",
        "coders.csv",
        "sources.csv",
        "frameworks.csv",
        "categories.csv",
    }
    assert len(load_corpus(tmp_path / "corpus").utterances) == 121
    assert [p.name for p in (tmp_path / "corpus").glob(".*")] == [".mdi-analysis-output"], "no staging folder"
    assert not list(tmp_path.glob(".qdpx-corpus-*")), "no staging folder left behind"


def test_a_coding_added_in_a_qda_tool_keeps_its_offsets(exported: Path, tmp_path: Path):
    """A researcher codes part of a quote with a new code of their own, as a user of their own."""
    root = _root(exported)
    q = f"{{{exchange.NAMESPACE}}}"
    ET.SubElement(root.find(f"{q}Users"), f"{q}User", {"guid": exchange.make_guid("user", "kari"), "name": "Forsker"})
    codes = root.find(f"{q}CodeBook/{q}Codes")
    ET.SubElement(
        codes, f"{q}Code", {"guid": exchange.make_guid("code", "eget"), "name": "Eierskap", "isCodable": "true"}
    )
    source = root.find(f".//{q}TextSource[@name='U001']")
    text = "Innovasjon det er jo å fornye organisasjonen"
    selection = ET.Element(
        f"{q}PlainTextSelection",
        {
            "guid": exchange.make_guid("sel", "kari"),
            "startPosition": "0",
            "endPosition": str(len(text)),
            "creatingUser": exchange.make_guid("user", "kari"),
        },
    )
    coding = ET.SubElement(selection, f"{q}Coding", {"guid": exchange.make_guid("coding", "kari")})
    ET.SubElement(coding, f"{q}CodeRef", {"targetGUID": exchange.make_guid("code", "eget")})
    source.insert(list(source).index(source.find(f"{q}PlainTextSelection")), selection)
    edited = _replace_qde(exported, tmp_path / "edited.qdpx", ET.tostring(root, encoding="utf-8"))
    exchange.validate_qdpx(edited)
    back = exchange.read_qdpx(edited)
    own = back.selections[back.selections["coder"] == "forsker"]
    assert own[["utterance_id", "code_kind", "code_id", "start", "end", "text"]].values.tolist() == [
        ["U001", "category", "ungrouped.eierskap", 0, len(text), text]
    ]
    assert "forsker" not in set(back.codings["coder"]), "a code outside the section tree is not a section coding"
    assert back.coders.set_index("coder").loc["forsker", "name"] == "Forsker", "the mapping to the user name is kept"


# --------------------------------------------------------------------------------------------
# Corrupted projects fail
# --------------------------------------------------------------------------------------------


def _replace_qde(original: Path, target: Path, qde: bytes, drop: str | None = None) -> Path:
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            if info.filename == drop:
                continue
            out.writestr(info, qde if info.filename == "project.qde" else src.read(info.filename))
    return target


def _move_cases_after_sources(qde: str) -> str:
    """Project children out of schema order, a mistake the interoperability notes warn about."""
    cases = re.search(r"  <Cases>.*?</Cases>\n", qde, re.S).group(0)
    return qde.replace(cases, "").replace("  </Sources>\n", "  </Sources>\n" + cases)


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (lambda x: x.replace(' name="Theory codebook" isCodable="false"', ' isCodable="false"', 1), "name"),
        (lambda x: x.replace(' isCodable="true"', ' isCodable="maybe"', 1), "isCodable"),
        (lambda x: re.sub(r'(<User guid=")[0-9a-f-]+', r"\1not-a-guid", x, count=1), "not-a-guid"),
        (lambda x: _move_cases_after_sources(x), "Cases"),
        (lambda x: x.replace('startPosition="0"', "", 1), "startPosition"),
    ],
    ids=["code-without-name", "bad-boolean", "bad-guid", "children-out-of-schema-order", "selection-without-start"],
)
def test_a_corrupted_qde_fails_schema_validation(exported: Path, corrupt, message: str):
    qde = _qde(exported).decode("utf-8")
    bad = corrupt(qde)
    assert bad != qde
    assert not xmlschema.XMLSchema(str(exchange.schema_path())).is_valid(bad.encode("utf-8"))
    with pytest.raises(QdaValidationError, match=message):
        exchange.validate_qde(bad.encode("utf-8"))


def test_checks_beyond_the_schema_fail_too(exported: Path, tmp_path: Path):
    qde = _qde(exported).decode("utf-8")
    # Schema-valid but broken: a CodeRef to a code that does not exist.
    code_ref = re.search(r'<CodeRef targetGUID="([0-9a-f-]+)"', qde).group(1)
    dangling = qde.replace(
        f'<CodeRef targetGUID="{code_ref}"', '<CodeRef targetGUID="00000000-0000-0000-0000-000000000000"', 1
    )
    assert xmlschema.XMLSchema(str(exchange.schema_path())).is_valid(dangling.encode("utf-8"))
    with pytest.raises(QdaValidationError, match="no element has"):
        exchange.validate_qde(dangling.encode("utf-8"))
    # A selection that runs past the end of its source file.
    past = re.sub(r'endPosition="(\d+)"', lambda m: f'endPosition="{int(m.group(1)) + 1}"', qde, count=1)
    with pytest.raises(QdaValidationError, match="outside its"):
        exchange.validate_qdpx(_replace_qde(exported, tmp_path / "past.qdpx", past.encode("utf-8")))
    # A missing source file.
    first_source = re.search(r'plainTextPath="internal://([^"]+)"', qde).group(1)
    with pytest.raises(QdaValidationError, match="missing from the archive"):
        exchange.validate_qdpx(
            _replace_qde(exported, tmp_path / "missing.qdpx", qde.encode("utf-8"), drop=f"sources/{first_source}")
        )


# --------------------------------------------------------------------------------------------
# Anonymity gate and command line
# --------------------------------------------------------------------------------------------


@pytest.fixture()
def corpus_with_a_phone_number(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(paths.data_dir() / "corpus", target, ignore=shutil.ignore_patterns("*.md"))
    corpus = load_corpus(target)
    utterances = corpus.utterances.copy()
    utterances.loc[0, "text"] = utterances.loc[0, "text"] + " Ring meg på 912 34 567."
    utterances.loc[0, "n_words"] = count_words(utterances.loc[0, "text"])
    write_table(utterances, target / "utterances.csv", float_format="%.3f")
    return target


def test_export_with_pii_writes_nothing_unless_allowed(corpus_with_a_phone_number: Path, tmp_path: Path):
    out = tmp_path / "out.qdpx"
    with pytest.raises(PersonalDataError) as info:
        exchange.export_qdpx(out, corpus_dir=corpus_with_a_phone_number)
    assert [(f.kind, f.match) for f in info.value.findings] == [("phone", "912 34 567")]
    assert not out.exists() and not list(tmp_path.glob(".out.qdpx*"))
    path, _, findings = exchange.export_qdpx(out, corpus_dir=corpus_with_a_phone_number, allow_pii=True)
    assert path.is_file() and [f.kind for f in findings] == ["phone"]


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], corpus_with_a_phone_number: Path):
    out = tmp_path / "cli.qdpx"
    assert exchange.export_qdpx_main(["--out", str(out), "--no-keyword-coder"]) == 0
    assert "121 sources" in capsys.readouterr().out
    exchange.validate_qdpx(out)
    assert exchange.read_qdpx(out).category_codings.empty
    assert (
        exchange.export_qdpx_main(["--out", str(tmp_path / "x.qdpx"), "--corpus", str(corpus_with_a_phone_number)]) == 1
    )
    assert "912 34 567" in capsys.readouterr().err and not (tmp_path / "x.qdpx").exists()
    assert exchange.export_qdpx_main(["--out", str(tmp_path / "y.qdpx"), "--corpus", str(tmp_path / "nope")]) == 2
    corpus_dir = tmp_path / "back"
    assert exchange.import_qdpx_main([str(out), "--out", str(corpus_dir)]) == 0
    assert (corpus_dir / "utterances.csv").read_bytes() == (paths.data_dir() / "corpus" / "utterances.csv").read_bytes()
    assert exchange.import_qdpx_main([str(out), "--out", str(paths.data_dir() / "corpus")]) == 2
