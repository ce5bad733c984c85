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
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from ..corpus.build import CODING_COLUMNS, UTTERANCE_COLUMNS  # the corpus files' own columns
from ..errors import PersonalDataError, QdaFormatError
from ..io import check_input_file, check_output_folder, decode_text, write_folder, write_table
from ..privacy import Finding, scan_text
from ._input_limits import ArchiveReader, Progress, open_archive
from ._qda_model import (
    CATEGORY_CODING_COLUMNS,
    ID_MARKER_RE,
    NS,
    PROJECT_FILE,
    ROLE_VARIABLE,
    RQ_COLUMNS,
    SECTION_COLUMNS,
    SELECTION_COLUMNS,
    SOURCES_FOLDER,
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
    check_input_file(path, expected="a .qdpx file")
    with open_archive(path, str(path), not_zip="not a ZIP archive", expected=expected) as archive:
        names = set(archive.names())
        qde_name = (
            PROJECT_FILE if PROJECT_FILE in names else next((n for n in sorted(names) if n.endswith(".qde")), None)
        )
        if qde_name is None:
            raise QdaFormatError(f"{path}: no project.qde in the archive")
        try:
            root = ET.fromstring(_read_member(archive, qde_name, path))
        except ET.ParseError as error:
            raise QdaFormatError(f"{path}: {qde_name} is not well-formed XML ({error})") from None
        _check_unique_guids(root, path)
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
            text, _ = decode_text(
                _read_member(archive, member, path),
                f"{path} ({member}, source {source.get('name')!r})",
                expected="UTF-8 text (REFI-QDA plain-text sources are UTF-8)",
            )
            return text.replace("\r\n", "\n")

        return _read_root(root, source_text, path)


def _read_member(archive: ArchiveReader, member: str, path: Path) -> bytes:
    """One member's bytes; a damaged or encrypted member is a :class:`QdaFormatError`, not a zlib traceback."""
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as error:
        raise QdaFormatError(f"{path}: {member} cannot be read from the archive ({error})") from None


def _check_unique_guids(root: ET.Element, path: Path) -> None:
    """Every ``guid`` in the project names one element (REFI-QDA requires it): with two sources or
    codes under one GUID, every reference to it would silently pick one of them."""
    seen: dict[str, str] = {}
    for element in root.iter():
        guid = (element.get("guid") or "").lower()
        if not guid:
            continue
        tag = element.tag.rsplit("}", 1)[-1]
        what = f"{tag} {element.get('name')!r}" if element.get("name") else tag
        if guid in seen:
            raise QdaFormatError(
                f"{path}: GUID {guid} is used twice ({seen[guid]} and {what}); expected a unique GUID per element"
            )
        seen[guid] = what


def _whole_number(value: object, path: Path, where: str, *, high: int | None = None) -> int:
    """A non-negative whole number from the XML (a position, a line, a research question), or one
    line naming the element: ``int()`` would accept ``-5`` and raise a traceback on ``abc``."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{1,15}", text) or (high is not None and int(text) > high):
        bound = f"0 to {high}" if high is not None else "0 or more"
        raise QdaFormatError(f"{path}: {where} is {text[:40]!r}; expected a whole number from {bound}")
    return int(text)


def _read_root(root: ET.Element, source_text: SourceText, path: Path) -> QdaCorpus:
    users = {
        u.get("guid", "").lower(): (u.get("id") or u.get("name") or u.get("guid", ""), u.get("name") or "")
        for u in root.iter(NS + "User")
    }
    coders = pd.DataFrame(
        [(cid, name, guid) for guid, (cid, name) in users.items()], columns=["coder", "name", "guid"]
    ).astype("string")
    variables = {v.get("guid", "").lower(): v.get("name", "") for v in root.iter(NS + "Variable")}
    codes, sections_rows, rq_rows, category_rows = _read_codes(root, path)
    utterance_rows, selection_rows = _read_sources(
        root, source_text, path, _roles_of_sources(root, variables), variables, codes, users
    )
    utterances = _utterance_frame(utterance_rows, path)
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
        [
            None if cell_text(v) is None else _whole_number(v, path, f"section {s!r}, research question")
            for s, v in zip(sections["section_id"], sections["research_question"])
        ],
        dtype="Int64",
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
    root: ET.Element, path: Path
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
                    number = _whole_number(key, path, f"code {name!r}, research question")
                    rq_rows.append({"research_question": number, "text": text})
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
            where = f"source {uid!r}, selection {selection.get('guid', '?')}"
            start = _whole_number(selection.get("startPosition", "0"), path, f"{where}, startPosition", high=len(text))
            end = _whole_number(selection.get("endPosition", "0"), path, f"{where}, endPosition", high=len(text))
            if end < start:
                raise QdaFormatError(
                    f"{path}: {where}: endPosition {end} is before startPosition {start}; expected start <= end"
                )
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


def _utterance_frame(rows: list[dict[str, object]], path: Path) -> pd.DataFrame:
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
            [
                None if cell_text(v) is None else _whole_number(v, path, f"source {uid!r}, variable {column}")
                for uid, v in zip(utterances["utterance_id"], utterances[column])
            ],
            dtype="Int64",
        )
    for column in set(UTTERANCE_COLUMNS) - {"line_start", "line_end", "n_words"}:
        utterances[column] = utterances[column].astype("string")
    return utterances


def _section_codings(utterances: pd.DataFrame, selections: pd.DataFrame, coders: pd.DataFrame) -> pd.DataFrame:
    """codings.csv from the section selections, with ``basis``/``via_utterance_id`` derived as the
    corpus builder defines them, sorted by coder, utterance, basis and section."""
    coder_order = {cid: i for i, cid in enumerate(coders["coder"])}
    utterance_order = {uid: i for i, uid in enumerate(utterances["utterance_id"])}
    printed = {uid: cell_text(section) for uid, section in zip(utterances["utterance_id"], utterances["section_id"])}
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
    path: str | Path,
    out_dir: str | Path,
    *,
    allow_pii: bool = False,
    roles: Sequence[str] | None = None,
    overwrite: bool = False,
) -> tuple[list[Path], list[Finding]]:
    """Write a .qdpx as a corpus folder (utterances, sections, codings, research questions, and
    ``category_codings.csv``, which ``load_corpus`` does not read). The notebooks can then run on
    it with ``corpus_dir``.

    The folder is built in a temporary directory, scanned for PII and validated with
    ``load_corpus`` before it replaces anything. A QDA tool may have added text, so this is the
    same gate as the transcript import: if the scanner finds anything, nothing is written, unless
    ``allow_pii``. The folder is replaced as a whole, so no file of an earlier import is left
    beside the new ones (a corpus mixed from two imports would not load): ``out_dir`` must be new
    or empty, or, with ``overwrite``, a folder the package made that holds nothing else
    (:func:`~mdi_analysis.io.check_output_folder`, checked before the archive is read).

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
    overwrite : bool
        Replace a non-empty ``out_dir`` that an earlier import (or another command of the
        package) made.

    Returns
    -------
    tuple
        The written files (sorted by name) and the findings (empty unless ``allow_pii``).

    Raises
    ------
    OptionError
        ``out_dir`` may not be written; nothing was read or written.
    QdaFormatError, InputDataError
        The archive cannot be read as a corpus; nothing was written.
    PersonalDataError
        The anonymity scan found something and ``allow_pii`` is false; nothing was written.
    """
    from ..corpus import ROLES, load_corpus
    from ..corpus.build import FLOAT_FORMAT, render_csv

    check_output_folder(out_dir, keep_other_files=False, overwrite=overwrite)
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

    written = write_folder(
        out_dir, write, made_by="import-qdpx", keep_other_files=False, overwrite=overwrite, prefix=".qdpx-corpus-"
    )
    return written, findings
