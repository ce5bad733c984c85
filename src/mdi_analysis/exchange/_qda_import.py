"""REFI-QDA import: any QDA-XML 1.0 project (ours, ours after a QDA tool, or one NVivo, ATLAS.ti,
MAXQDA, QualCoder or ``qc`` wrote) into corpus-shaped tables and a corpus folder.

Why: a researcher who codes quotes in a QDA program should get them, and every coder's codings,
into the notebooks. :func:`read_qdpx` reads a project into the corpus tables (source text and ids
in ``_qda_text``, roles in ``_qda_roles``, the code tree in ``_qda_codes``), and
:func:`write_corpus` writes them as a corpus folder that :func:`mdi_analysis.corpus.load_corpus`
reads, behind the same anonymity gate as the transcript import (a QDA tool may have added text).
Members are read within the size limits of ``_input_limits`` (a ``.qdpx`` of one megabyte can hold
a member that inflates to gigabytes), and a project with many sources prints progress lines on
standard error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from ..corpus import CODING_COLUMNS, UTTERANCE_COLUMNS  # the corpus files' own columns
from ..errors import InputDataError, OptionError, PersonalDataError, QdaFormatError
from ..io import check_input_file, check_output_folder, load_codebook, output_marker, write_folder, write_table
from ..paths import relative_to_root
from ..privacy import Finding, scan_text
from ._input_limits import ArchiveReader, Progress, open_archive
from ._qda_codes import KnownCodes, read_code_tree
from ._qda_model import (
    CATEGORY_CODING_COLUMNS,
    PROJECT_FILE,
    ROLE_VARIABLE,
    RQ_COLUMNS,
    SECTION_COLUMNS,
    SELECTION_COLUMNS,
    THESIS_CODER,
    QdaCorpus,
    cell_text,
    keyword_coder,
)
from ._qda_roles import RoleSource, parse_role_from, resolve_roles
from ._qda_text import check_selection, coder_ids, read_source_text, utterance_ids

__all__ = ["check_import_folder", "read_qdpx", "qdpx_to_corpus", "write_corpus"]

#: The command recorded in the marker of a folder the import writes.
MADE_BY = "import-qdpx"


def read_qdpx(path: str | Path, *, role_from: RoleSource | str | None = None) -> QdaCorpus:
    """Read any QDA-XML 1.0 project (ours, or one NVivo, ATLAS.ti, MAXQDA, QualCoder or ``qc`` wrote)
    into corpus tables.

    Utterance id = a readable id from the source name (``_qda_text.utterance_ids``; the name is kept
    in ``sources``); role = ``role_from`` (``_qda_roles``), by default a case with sources, then the
    source variable ``role``, else ``unknown`` with one warning; text = the source's plain text
    (inline, ``internal://`` or relative path, or the ``.docx`` when there is no plain text), without
    byte-order mark and with ``\\n`` line endings; every selection is checked against that text. The
    code tree becomes sections, research questions and a codebook (``_qda_codes``); every user's
    codings are kept under a coder id from the user's name. A selection that covers only part of a
    quote codes the whole utterance in ``codings``/``category_codings`` (the corpus format is
    utterance-level); its offsets stay in ``selections``. ``basis``/``via_utterance_id`` are
    derived as the corpus builder defines them. What the corpus format has no place for is counted
    in ``unused``.

    Parameters
    ----------
    path : str or Path
        The .qdpx file.
    role_from : RoleSource or str, optional
        Where the roles are (``"case"``, ``"variable:NAME"``, ``"code:NAME"``, ``"csv:FILE"``).

    Returns
    -------
    QdaCorpus
        The corpus tables, every coded selection, the coders, the codebook, warnings and what was not used.
    """
    path = Path(path)
    if isinstance(role_from, str):
        role_from = parse_role_from(role_from)
    expected = "a REFI-QDA project (.qdpx, a ZIP archive)"
    check_input_file(path, expected="a .qdpx file")
    with open_archive(path, str(path), not_zip="not a ZIP archive", expected=expected) as archive:
        names = archive.names()
        by_lower = {n.lower(): n for n in names}
        qde_name = (
            PROJECT_FILE if PROJECT_FILE in names else next((n for n in sorted(names) if n.endswith(".qde")), None)
        )
        if qde_name is None:
            raise QdaFormatError(f"{path}: no project.qde in the archive; expected a .qdpx with project.qde")
        try:
            root = ET.fromstring(_read_member(archive, qde_name, path))
        except ET.ParseError as error:
            raise QdaFormatError(f"{path}: {qde_name} is not well-formed XML ({error})") from None
        _check_unique_guids(root, path)

        def member_of(target: str) -> str | None:
            relative = target[len("internal://") :] if target.lower().startswith("internal://") else target
            relative = relative.replace("\\", "/").lstrip("./")
            for candidate in (f"sources/{relative}", relative):
                if candidate.lower() in by_lower:
                    return by_lower[candidate.lower()]
            return None

        def read(member: str) -> bytes:
            return _read_member(archive, member, path)

        return _read_root(root, path, member_of, read, role_from)


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


#: Elements the corpus format has no place for, counted in ``QdaCorpus.unused`` (tag → what to call them).
_UNUSED_ELEMENTS = {
    "Note": "notes (memos)",
    "Link": "links",
    "Set": "sets",
    "Graph": "graphs",
    "PDFSource": "PDF sources",
    "PictureSource": "picture sources",
    "AudioSource": "audio sources",
    "VideoSource": "video sources",
}
_SOURCE_COLUMNS = ("section_id", "role_label", "line_start", "line_end", "duplicate_of", "flags")
#: Section of a source that no section code and no ``section_id`` variable places.
IMPORT_SECTION = ("import", "Imported sources without a section")


def _known_coders() -> dict[str, str]:
    """User names this package writes → their coder ids, so our own coders come back under their ids."""
    known = {THESIS_CODER.name: THESIS_CODER.coder_id}
    for normaliser in ("lemma", "stem", "lower"):
        coder = keyword_coder(normaliser)
        known[coder.name] = coder.coder_id
    return known


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}"


def _read_root(
    root: ET.Element,
    path: Path,
    member_of: Callable[[str], str | None],
    read: Callable[[str], bytes],
    role_from: RoleSource | None,
) -> QdaCorpus:
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    if root.tag[len(ns) :] != "Project":
        raise QdaFormatError(f"{path}: the root element is <{root.tag[len(ns) :]}>; expected <Project> (QDA-XML 1.0)")
    user_elements = list(root.iter(ns + "User"))
    user_names = [u.get("name") or u.get("id") or f"user {u.get('guid', '')[:8]}" for u in user_elements]
    user_ids = coder_ids(user_names, _known_coders())
    users = {(u.get("guid") or "").lower(): cid for u, cid in zip(user_elements, user_ids)}
    coder_rows = [
        (cid, name, (u.get("guid") or "").lower()) for u, cid, name in zip(user_elements, user_ids, user_names)
    ]
    variables = {(v.get("guid") or "").lower(): v.get("name") or "" for v in root.iter(ns + "Variable")}
    sources = list(root.iter(ns + "TextSource"))
    coded = {(ref.get("targetGUID") or "").lower() for s in sources for ref in s.iter(ns + "CodeRef")}
    try:  # our own codes by name; an import must not depend on data/codebook being readable
        committed = load_codebook()
        known = KnownCodes.from_codebook(committed.frameworks, committed.categories)
    except InputDataError:
        known = None
    tree = read_code_tree(root, ns, coded, path, known)
    ids = dict(zip(((s.get("guid") or "").lower() for s in sources), utterance_ids(s.get("name") for s in sources)))
    id_of_name = {s.get("name") or "": ids[(s.get("guid") or "").lower()] for s in sources}
    roles, warnings, used_cases = resolve_roles(root, ns, sources, variables, ids, role_from, path)
    section_order = {row["section_id"]: i for i, row in enumerate(tree.sections)}

    unused: dict[str, int] = {}
    used_variables: set[str] = set()
    utterance_rows: list[dict[str, object]] = []
    selection_rows: list[dict[str, object]] = []
    source_rows: list[dict[str, object]] = []
    progress = Progress(f"{path}: reading", len(sources), "sources")
    for number, source in enumerate(sources, start=1):
        progress.update(number)
        guid = (source.get("guid") or "").lower()
        uid, name = ids[guid], source.get("name") or ""
        text = read_source_text(source, ns, name or uid, member_of, read, path)
        if not text.strip():
            raise QdaFormatError(f"{path}: source {name or uid!r} has an empty text; expected the quote's text")
        row: dict[str, object] = {"utterance_id": uid, "role": roles[guid], "text": text}
        for value in source.findall(ns + "VariableValue"):
            ref = value.find(ns + "VariableRef")
            var_name = variables.get((ref.get("targetGUID") or "").lower(), "") if ref is not None else ""
            content = next((child.text for child in value if child.tag != ns + "VariableRef"), None)
            if var_name in _SOURCE_COLUMNS:
                used_variables.add(var_name)
                if var_name in ("line_start", "line_end") and content and re.fullmatch(r"\d+\.0+", content.strip()):
                    content = content.strip().split(".")[0]  # QualCoder writes Integer variables as Float
                if var_name == "duplicate_of" and content:
                    content = id_of_name.get(content, content if content in ids.values() else None)
                row[var_name] = content
            elif var_name == ROLE_VARIABLE:
                used_variables.add(var_name)
        if source.find(ns + "Description") is not None:
            unused["source descriptions"] = unused.get("source descriptions", 0) + 1
        own_sections: set[str] = set()
        for selection in source.findall(ns + "PlainTextSelection"):
            where = f"source {name or uid!r}, selection {selection.get('name') or selection.get('guid', '?')!r}"
            start = _whole_number(selection.get("startPosition", "0"), path, f"{where}, startPosition")
            end = _whole_number(selection.get("endPosition", "0"), path, f"{where}, endPosition")
            check_selection(text, start, end, selection, name or uid, path)
            selection_user = (selection.get("creatingUser") or "").lower()
            for coding in selection.findall(ns + "Coding"):
                ref = coding.find(ns + "CodeRef")
                target = (ref.get("targetGUID") or "").lower() if ref is not None else ""
                if target not in tree.codes or tree.codes[target][0] not in ("section", "category"):
                    unused["codings of codes that are neither a section nor a category"] = (
                        unused.get("codings of codes that are neither a section nor a category", 0) + 1
                    )
                    continue
                kind, key, code_name = tree.codes[target]
                user = (coding.get("creatingUser") or selection_user).lower()
                if user and user not in users:
                    raise QdaFormatError(
                        f"{path}: {where}: creatingUser {user} is not a User of the project; expected a User GUID"
                    )
                coder = users.get(user, "unspecified")
                if kind == "section":
                    own_sections.add(key)
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
        if cell_text(row.get("section_id")) not in section_order:
            placed = sorted(own_sections, key=section_order.__getitem__)
            row["section_id"] = placed[0] if placed else IMPORT_SECTION[0]
        utterance_rows.append(row)
        source_rows.append({"utterance_id": uid, "source_name": name, "source_guid": guid})
    if not sources:
        raise QdaFormatError(f"{path}: no TextSource; expected at least one text source")
    if "unspecified" in {r["coder"] for r in selection_rows}:
        coder_rows.append(("unspecified", "(codings without a user)", ""))
    coders = pd.DataFrame(coder_rows, columns=["coder", "name", "guid"]).astype("string")

    for tag, what in _UNUSED_ELEMENTS.items():
        n = sum(1 for _ in root.iter(ns + tag))
        if n:
            unused[what] = n
    if not used_cases and any(True for _ in root.iter(ns + "Case")):
        unused["cases"] = sum(1 for _ in root.iter(ns + "Case"))
    other_variables = sorted({n for n in variables.values() if n not in used_variables})
    if other_variables:
        unused[f"variables ({', '.join(other_variables)})"] = len(other_variables)
    if tree.bad_patterns:
        unused["keyword pattern lists in another format"] = tree.bad_patterns
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
    section_rows = list(tree.sections)
    if (utterances["section_id"] == IMPORT_SECTION[0]).any() and IMPORT_SECTION[0] not in section_order:
        section_rows.append({"section_id": IMPORT_SECTION[0], "research_question": None, "title": IMPORT_SECTION[1]})
    sections = pd.DataFrame(section_rows, columns=SECTION_COLUMNS)
    sections["research_question"] = pd.array(
        [
            None if cell_text(v) is None else _whole_number(v, path, f"section {s!r}, research question")
            for s, v in zip(sections["section_id"], sections["research_question"])
        ],
        dtype="Int64",
    )
    sections = sections.astype({"section_id": "string", "title": "string"})
    research_questions = pd.DataFrame(
        [
            {
                "research_question": _whole_number(r["research_question"], path, "research question code"),
                "text": r["text"],
            }
            for r in tree.research_questions
        ],
        columns=RQ_COLUMNS,
    )
    research_questions["research_question"] = research_questions["research_question"].astype("Int64")
    research_questions["text"] = research_questions["text"].astype("string")
    frameworks, codebook = tree.frames()
    categories = pd.DataFrame(
        {"category_id": codebook["category_id"], "framework_id": codebook["framework_id"], "name": codebook["category"]}
    ).astype("string")
    unused_line = ", ".join(f"{what}: {n}" for what, n in unused.items())
    return QdaCorpus(
        utterances,
        sections,
        research_questions,
        _section_codings(utterances, selections, coders),
        category_codings,
        selections,
        coders,
        categories,
        frameworks=frameworks,
        codebook=codebook,
        sources=pd.DataFrame(source_rows, columns=["utterance_id", "source_name", "source_guid"]).astype("string"),
        warnings=tuple(warnings),
        unused=unused_line,
    )


def _utterance_frame(rows: list[dict[str, object]], path: Path) -> pd.DataFrame:
    """utterances.csv's columns and types; ``n_words`` is recounted from the text."""
    from ..corpus import count_words

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


def check_import_folder(out_dir: str | Path, *, overwrite: bool = False) -> None:
    """``out_dir`` may receive an import: new or empty, or (with ``overwrite``) a folder that
    ``import-qdpx`` itself made (its marker says so) and that holds nothing else. A corpus folder
    another command wrote (``import-transcripts``, ``build-corpus``) is not replaced by an import."""
    check_output_folder(out_dir, keep_other_files=False, overwrite=overwrite)
    marker = output_marker(Path(out_dir)) if Path(out_dir).is_dir() else None
    if marker is not None and marker.made_by != MADE_BY:
        raise OptionError(
            f"{relative_to_root(Path(out_dir))} was made by {marker.made_by}, not by {MADE_BY}; nothing was changed: "
            "choose a new or empty folder"
        )


def qdpx_to_corpus(
    path: str | Path,
    out_dir: str | Path,
    *,
    allow_pii: bool = False,
    roles: Sequence[str] | None = None,
    overwrite: bool = False,
    role_from: RoleSource | str | None = None,
) -> tuple[list[Path], list[Finding]]:
    """Write a .qdpx as a corpus folder that the notebooks read with ``corpus_dir``.

    ``out_dir`` is checked first (new or empty, or with ``overwrite`` a folder the package made
    that holds nothing else: :func:`~mdi_analysis.io.check_output_folder`), then the project is
    read (:func:`read_qdpx`) and written by :func:`write_corpus`.

    Returns
    -------
    tuple
        The written files (sorted by name) and the findings (empty unless ``allow_pii``).

    Raises
    ------
    OptionError
        ``out_dir`` may not be written, or a bad ``role_from``; nothing was read or written.
    QdaFormatError, InputDataError
        The archive cannot be read as a corpus; nothing was written.
    PersonalDataError
        The anonymity scan found something and ``allow_pii`` is false; nothing was written.
    """
    check_import_folder(out_dir, overwrite=overwrite)
    return write_corpus(
        read_qdpx(path, role_from=role_from), path, out_dir, allow_pii=allow_pii, roles=roles, overwrite=overwrite
    )


def write_corpus(
    read: QdaCorpus,
    path: str | Path,
    out_dir: str | Path,
    *,
    allow_pii: bool = False,
    roles: Sequence[str] | None = None,
    overwrite: bool = False,
) -> tuple[list[Path], list[Finding]]:
    """Write an imported project as a corpus folder: ``utterances.csv``, ``sections.csv``,
    ``codings.csv``, ``research_questions.csv`` (when the project has them), and beside them
    ``category_codings.csv`` (every user's category codings), ``coders.csv`` (coder id → the user's
    name and GUID), ``sources.csv`` (utterance id → the original source name) and the codebook as
    ``frameworks.csv``/``categories.csv`` (``load_codebook(out_dir)`` reads it).

    The folder is built in a temporary directory, scanned for PII and validated with
    ``load_corpus`` (and ``load_codebook``) before it replaces anything. A QDA tool may have added
    text, so this is the same gate as the transcript import: if the scanner finds anything,
    nothing is written, unless ``allow_pii``.
    """
    from ..corpus import FLOAT_FORMAT, ROLES, load_corpus, render_csv
    from ..io import load_codebook

    frames = {
        "utterances.csv": read.utterances,
        "sections.csv": read.sections,
        "codings.csv": read.codings,
        "research_questions.csv": read.research_questions,
        "category_codings.csv": read.category_codings,
        "coders.csv": read.coders[["coder", "name", "guid"]],
        "sources.csv": read.sources,
    }
    if len(read.codebook):
        frames["frameworks.csv"] = read.frameworks
        frames["categories.csv"] = read.codebook
    findings: list[Finding] = []
    for name, frame in frames.items():
        findings += scan_text(render_csv(frame), source=Path(out_dir) / name, fmt=".csv")
    if findings and not allow_pii:
        raise PersonalDataError(findings, f"conversion of {path}")
    allowed = list(dict.fromkeys([*(roles or ROLES), *read.utterances["role"].astype(str)]))

    def write(staging: Path) -> list[str]:
        names = [name for name, frame in frames.items() if not (name == "research_questions.csv" and frame.empty)]
        for name in names:
            write_table(frames[name], staging / name, float_format=FLOAT_FORMAT)
        load_corpus(staging, roles=allowed)
        if "categories.csv" in names:
            load_codebook(staging)
        return sorted(names)

    written = write_folder(
        out_dir, write, made_by=MADE_BY, keep_other_files=False, overwrite=overwrite, prefix=".qdpx-corpus-"
    )
    return written, findings
