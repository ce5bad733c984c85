"""REFI-QDA import: a ``.qdpx`` (ours, or ours after a QDA tool) back into corpus-shaped tables.

Why: a researcher who codes the quotes in NVivo or QualCoder should get the codings back into the
notebooks. :func:`read_qdpx` reads a project into the corpus tables, and :func:`qdpx_to_corpus`
writes them as a corpus folder that :func:`mdi_analysis.corpus.load_corpus` reads, behind the same
anonymity gate as the transcript import (a QDA tool may have added text). Members are read
within the size limits of ``_input_limits`` (a ``.qdpx`` of one megabyte can hold a member that
inflates to gigabytes), and a project with many sources prints progress lines on standard error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from ..errors import PersonalDataError, QdaFormatError
from ..io import write_folder, write_table
from ..privacy import Finding, scan_text
from ._input_limits import Progress, open_archive
from ._qda_model import (
    CATEGORY_CODING_COLUMNS,
    CODING_COLUMNS,
    ID_MARKER_RE,
    NS,
    PROJECT_FILE,
    ROLE_VARIABLE,
    RQ_COLUMNS,
    SECTION_COLUMNS,
    SELECTION_COLUMNS,
    SOURCES_FOLDER,
    UTTERANCE_COLUMNS,
    QdaCorpus,
    cell_text,
)

__all__ = ["read_qdpx", "qdpx_to_corpus"]

_SECTION_NAME_RE = re.compile(r"^(\d+(?:\.\d+)+)\s")

#: Reads the plain text of one ``TextSource`` (inline, or its file in the archive).
SourceText = Callable[[ET.Element], str]
#: Code GUID (lower case) → (kind, id, name); kind is ``branch``, ``framework``, ``category``,
#: ``research_question``, ``section`` or ``other``.
CodeIndex = dict[str, tuple[str, str, str]]


def read_qdpx(path: str | Path) -> QdaCorpus:
    """Read a .qdpx (ours, or ours after a round trip through a QDA tool) into corpus tables.

    Utterance id = source name, role = the case the source belongs to (case variable ``role``, or
    the case name), text = the source's plain text, other columns = source variables. A section or
    category code is recognised by the id marker in its description. If the marker is missing, a
    section code is recognised by a name that starts with a section number. Codings come from
    every selection. A selection that covers only part of a quote still codes the whole utterance
    in ``codings``/``category_codings``, because the corpus format is utterance-level. Its offsets
    are kept in ``selections``. ``basis`` and ``via_utterance_id`` are derived as the corpus builder
    defines them: ``printed`` in the quote's own section, ``reprinted`` where a later printing
    (``duplicate_of``) stands.

    Parameters
    ----------
    path : str or Path
        The .qdpx file.

    Returns
    -------
    QdaCorpus
        The corpus tables, every coded selection, the coders and the categories.
    """
    path = Path(path)
    expected = "a REFI-QDA project (.qdpx, a ZIP archive)"
    with open_archive(path, str(path), not_zip="not a ZIP archive", expected=expected) as archive:
        names = set(archive.names())
        qde_name = (
            PROJECT_FILE if PROJECT_FILE in names else next((n for n in sorted(names) if n.endswith(".qde")), None)
        )
        if qde_name is None:
            raise QdaFormatError(f"{path}: no project.qde in the archive")
        root = ET.fromstring(archive.read(qde_name))
        folder = SOURCES_FOLDER if any(n.startswith(SOURCES_FOLDER + "/") for n in names) else "Sources"

        def source_text(source: ET.Element) -> str:
            inline = source.find(NS + "PlainTextContent")
            if inline is not None:
                return inline.text or ""
            target = source.get("plainTextPath") or ""
            if not target.startswith("internal://"):
                raise QdaFormatError(f"{path}: source {source.get('name')!r} has no internal plain text ({target!r})")
            member = f"{folder}/{target[len('internal://') :]}"
            if member not in names:
                raise QdaFormatError(f"{path}: source {source.get('name')!r}: {member} is missing")
            return archive.read(member).decode("utf-8").replace("\r\n", "\n")

        return _read_root(root, source_text, path)


def _read_root(root: ET.Element, source_text: SourceText, path: Path) -> QdaCorpus:
    users = {
        u.get("guid", "").lower(): (u.get("id") or u.get("name") or u.get("guid", ""), u.get("name") or "")
        for u in root.iter(NS + "User")
    }
    coders = pd.DataFrame(
        [(cid, name, guid) for guid, (cid, name) in users.items()], columns=["coder", "name", "guid"]
    ).astype("string")
    variables = {v.get("guid", "").lower(): v.get("name", "") for v in root.iter(NS + "Variable")}
    codes, sections_rows, rq_rows, category_rows = _read_codes(root)
    utterance_rows, selection_rows = _read_sources(
        root, source_text, path, _roles_of_sources(root, variables), variables, codes, users
    )
    utterances = _utterance_frame(utterance_rows)
    selections = pd.DataFrame(selection_rows, columns=SELECTION_COLUMNS)
    selections = selections.astype({c: "string" for c in SELECTION_COLUMNS if c not in ("start", "end")})
    selections[["start", "end"]] = selections[["start", "end"]].astype("int64")

    category_sel = selections[selections["code_kind"] == "category"].drop_duplicates(
        ["utterance_id", "code_id", "coder"]
    )
    category_codings = (
        pd.DataFrame(
            {
                "utterance_id": category_sel["utterance_id"],
                "category_id": category_sel["code_id"],
                "coder": category_sel["coder"],
            },
            columns=CATEGORY_CODING_COLUMNS,
        )
        .reset_index(drop=True)
        .astype("string")
    )

    sections = pd.DataFrame(sections_rows, columns=SECTION_COLUMNS)
    sections["research_question"] = pd.array(
        [None if cell_text(v) is None else int(v) for v in sections["research_question"]], dtype="Int64"
    )
    sections = sections.astype({"section_id": "string", "title": "string"})
    research_questions = pd.DataFrame(rq_rows, columns=RQ_COLUMNS)
    research_questions["research_question"] = research_questions["research_question"].astype("Int64")
    research_questions["text"] = research_questions["text"].astype("string")
    categories = pd.DataFrame(category_rows, columns=["category_id", "framework_id", "name"]).astype("string")
    return QdaCorpus(
        utterances,
        sections,
        research_questions,
        _section_codings(utterances, selections, coders),
        category_codings,
        selections,
        coders,
        categories,
    )


def _read_codes(
    root: ET.Element,
) -> tuple[CodeIndex, list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]]:
    """Every code's kind and id (from the description marker, else from the tree position and
    name), and the section, research-question and category rows the code tree describes."""
    codes: CodeIndex = {}
    sections_rows: list[dict[str, object]] = []
    rq_rows: list[dict[str, object]] = []
    category_rows: list[dict[str, object]] = []

    def walk(element: ET.Element, trail: list[str], context: dict[str, str]) -> None:
        for code in element.findall(NS + "Code"):
            name = code.get("name", "")
            description = (code.findtext(NS + "Description") or "").strip()
            marker = ID_MARKER_RE.search(description)
            kind, key = (marker.group(1), marker.group(2)) if marker else ("other", "/".join(trail + [name]))
            if kind == "other" and context.get("branch") == "sections":
                match = _SECTION_NAME_RE.match(name)
                if match:
                    kind, key = "section", match.group(1)
            body = description[: marker.start()].strip() if marker else description
            codes[code.get("guid", "").lower()] = (kind, key, name)
            child_context = dict(context)
            if kind == "branch":
                child_context["branch"] = key
            elif kind == "framework":
                child_context["framework"] = key
            elif kind == "research_question":
                child_context["research_question"] = key
                text = re.sub(r"^Research question \d+:\s*", "", body)
                if text and not re.fullmatch(r"Research question \d+\.", body):
                    rq_rows.append({"research_question": int(key), "text": text})
            elif kind == "section":
                title = name[len(key) :].strip() if name.startswith(key) else name
                sections_rows.append(
                    {"section_id": key, "research_question": context.get("research_question"), "title": title}
                )
            elif kind == "category":
                category_rows.append({"category_id": key, "framework_id": context.get("framework"), "name": name})
            walk(code, trail + [name], child_context)

    codebook = root.find(NS + "CodeBook")
    if codebook is not None and codebook.find(NS + "Codes") is not None:
        walk(codebook.find(NS + "Codes"), [], {})
    return codes, sections_rows, rq_rows, category_rows


def _roles_of_sources(root: ET.Element, variables: dict[str, str]) -> dict[str, str]:
    """Source GUID → role: the ``role`` variable of the case the source belongs to, else the case name."""
    role_of: dict[str, str] = {}
    for case in root.iter(NS + "Case"):
        role = None
        for value in case.findall(NS + "VariableValue"):
            ref = value.find(NS + "VariableRef")
            if ref is not None and variables.get(ref.get("targetGUID", "").lower()) == ROLE_VARIABLE:
                role = value.findtext(NS + "TextValue")
        role = role or case.get("name")
        for ref in case.findall(NS + "SourceRef"):
            if role:
                role_of[ref.get("targetGUID", "").lower()] = role
    return role_of


def _read_sources(
    root: ET.Element,
    source_text: SourceText,
    path: Path,
    role_of: dict[str, str],
    variables: dict[str, str],
    codes: CodeIndex,
    users: dict[str, tuple[str, str]],
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """One utterance row per text source (its variables as columns), one selection row per coding."""
    utterance_rows: list[dict[str, object]] = []
    selection_rows: list[dict[str, object]] = []
    sources = list(root.iter(NS + "TextSource"))
    progress = Progress(f"{path}: reading", len(sources), "sources")
    for number, source in enumerate(sources, start=1):
        progress.update(number)
        guid = source.get("guid", "").lower()
        uid = source.get("name") or ""
        text = source_text(source)
        if guid not in role_of:
            raise QdaFormatError(f"{path}: source {uid!r} belongs to no case with a role; cannot give it a role")
        row: dict[str, object] = {"utterance_id": uid, "role": role_of[guid], "text": text}
        for value in source.findall(NS + "VariableValue"):
            ref = value.find(NS + "VariableRef")
            name = variables.get(ref.get("targetGUID", "").lower(), "") if ref is not None else ""
            for child in value:
                if child.tag != NS + "VariableRef":
                    row[name] = child.text
        utterance_rows.append(row)
        for selection in source.findall(NS + "PlainTextSelection"):
            start, end = int(selection.get("startPosition", "0")), int(selection.get("endPosition", "0"))
            selection_user = (selection.get("creatingUser") or "").lower()
            for coding in selection.findall(NS + "Coding"):
                ref = coding.find(NS + "CodeRef")
                kind, key, code_name = (
                    codes.get((ref.get("targetGUID") or "").lower(), ("other", "?", "?"))
                    if ref is not None
                    else ("other", "?", "?")
                )
                user = (coding.get("creatingUser") or selection_user).lower()
                coder = users.get(user, (user or "unknown", ""))[0]
                selection_rows.append(
                    {
                        "utterance_id": uid,
                        "coder": coder,
                        "code_kind": kind,
                        "code_id": key,
                        "code_name": code_name,
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                    }
                )
    return utterance_rows, selection_rows


def _utterance_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """utterances.csv's columns and types; ``n_words`` is recounted from the text."""
    from ..corpus.model import count_words

    utterances = pd.DataFrame(rows)
    for column in UTTERANCE_COLUMNS:
        if column not in utterances.columns:
            utterances[column] = pd.NA
    utterances["n_words"] = [count_words(str(t)) for t in utterances["text"]]
    utterances = utterances[UTTERANCE_COLUMNS]
    for column in ("line_start", "line_end", "n_words"):
        utterances[column] = pd.array(
            [None if cell_text(v) is None else int(v) for v in utterances[column]], dtype="Int64"
        )
    for column in set(UTTERANCE_COLUMNS) - {"line_start", "line_end", "n_words"}:
        utterances[column] = utterances[column].astype("string")
    return utterances


def _section_codings(utterances: pd.DataFrame, selections: pd.DataFrame, coders: pd.DataFrame) -> pd.DataFrame:
    """codings.csv from the section selections, with ``basis``/``via_utterance_id`` derived as the
    corpus builder defines them, sorted by coder, utterance, basis and section."""
    coder_order = {cid: i for i, cid in enumerate(coders["coder"])}
    utterance_order = {uid: i for i, uid in enumerate(utterances["utterance_id"])}
    printed = dict(zip(utterances["utterance_id"], utterances["section_id"]))
    reprint = {
        (str(first), str(section)): str(uid)
        for uid, first, section in zip(utterances["utterance_id"], utterances["duplicate_of"], utterances["section_id"])
        if cell_text(first)
    }
    section_sel = selections[selections["code_kind"] == "section"].drop_duplicates(["utterance_id", "code_id", "coder"])
    coding_rows = []
    for row in section_sel.itertuples(index=False):
        uid, section = str(row.utterance_id), str(row.code_id)
        if printed.get(uid) == section:
            basis, via = "printed", None
        elif (uid, section) in reprint:
            basis, via = "reprinted", reprint[(uid, section)]
        else:
            basis, via = None, None
        coding_rows.append(
            {
                "utterance_id": uid,
                "section_id": section,
                "coder": str(row.coder),
                "basis": basis,
                "via_utterance_id": via,
            }
        )
    codings = pd.DataFrame(coding_rows, columns=CODING_COLUMNS)
    if len(codings):
        codings = (
            codings.assign(
                _c=codings["coder"].map(lambda c: coder_order.get(c, len(coder_order))),
                _u=codings["utterance_id"].map(utterance_order),
                _b=codings["basis"].fillna("~"),
            )
            .sort_values(["_c", "_u", "_b", "section_id"], kind="stable")
            .drop(columns=["_c", "_u", "_b"])
        )
    return codings.reset_index(drop=True).astype("string")


def qdpx_to_corpus(
    path: str | Path, out_dir: str | Path, *, allow_pii: bool = False, roles: Sequence[str] | None = None
) -> tuple[list[Path], list[Finding]]:
    """Write a .qdpx as a corpus folder (utterances, sections, codings, research questions, and
    ``category_codings.csv``, which ``load_corpus`` does not read). The notebooks can then run on
    it with ``corpus_dir``.

    The folder is built in a temporary directory, scanned for PII and validated with
    ``load_corpus`` before it replaces anything. A QDA tool may have added text, so this is the
    same gate as the transcript import: if the scanner finds anything, nothing is written, unless
    ``allow_pii``. Other files in ``out_dir`` are left alone.

    Parameters
    ----------
    path : str or Path
        The .qdpx file.
    out_dir : str or Path
        The corpus folder to write (created when missing).
    allow_pii : bool
        Write even when the anonymity scanner finds something.
    roles : sequence of str, optional
        Roles of a corpus with other roles than the thesis's two.

    Returns
    -------
    tuple
        The written files (sorted by name) and the findings (empty unless ``allow_pii``).
    """
    from ..corpus import ROLES, load_corpus
    from ..corpus.build import FLOAT_FORMAT, render_csv

    read = read_qdpx(path)
    frames = {
        "utterances.csv": read.utterances,
        "sections.csv": read.sections,
        "codings.csv": read.codings,
        "research_questions.csv": read.research_questions,
        "category_codings.csv": read.category_codings,
    }
    findings: list[Finding] = []
    for name, frame in frames.items():
        findings += scan_text(render_csv(frame), source=Path(out_dir) / name, fmt=".csv")
    if findings and not allow_pii:
        raise PersonalDataError(findings, f"conversion of {path}")

    def write(staging: Path) -> list[str]:
        names = [name for name, frame in frames.items() if not (name == "research_questions.csv" and frame.empty)]
        for name in names:
            write_table(frames[name], staging / name, float_format=FLOAT_FORMAT)
        load_corpus(staging, roles=roles or ROLES)
        return sorted(names)

    return write_folder(out_dir, write, prefix=".qdpx-corpus-"), findings
