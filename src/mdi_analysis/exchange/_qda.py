"""REFI-QDA project exchange (``.qdpx``): the corpus, the codebook and two coders, for QDA tools.

Why: qualitative researchers work in QDA tools (NVivo, ATLAS.ti, MAXQDA, QualCoder), not in CSV
files. REFI-QDA (QDA-XML 1.0, www.qdasoftware.org) is the one exchange format those tools share, so
the corpus is exported as a ``.qdpx`` project, a ZIP that holds ``project.qde`` (XML) and a
lowercase ``sources/`` folder. The project holds:

- **sources**: one plain-text source per utterance (``U001`` …), UTF-8 with ``\\n``;
- **codes**: a tree with two branches. *Theory codebook* holds framework → category, from
  ``data/codebook/``. *Thesis sections* holds research question → section;
- **users**: one per coder. ``thesis (Strømsvåg 2017)`` is the author's placement of each quote
  under its section(s) (``codings.csv``). ``mdi-analysis keyword coder (lemma)`` is the automatic
  coding with the codebook (:func:`mdi_analysis.coding._engine.code_texts`). Any other coder in
  ``codings.csv`` becomes a user of its own;
- **codings**: one selection per utterance and coder, covering the whole source (offsets count
  Unicode code points, end exclusive), with one ``Coding`` per code;
- **cases**: one per role, with the case variable ``role`` and a ``SourceRef`` to each of the
  role's sources. The other utterance columns (printed section, role label, thesis lines,
  ``duplicate_of``, flags) are source variables.

Why one source per utterance, and not one source per role with selections: every QDA tool keeps
a source's *name*, but some drop or rename selections on import. With the utterance id as the source
name, the ids survive a trip through any tool, and a researcher can code inside a quote without
breaking the link to the corpus. The cost is 121 short documents instead of two long ones.
``docs/qda-and-transcripts.md`` gives the whole mapping.

The output is deterministic, so exporting twice gives identical bytes. GUIDs are ``uuid5`` of a
fixed namespace and a stable key (``"source:U001"``), ZIP entries are sorted, stored uncompressed
and carry a fixed timestamp, and no creation time is written unless ``SOURCE_DATE_EPOCH`` is set. Every export is
validated against the shipped schema (``resources/refi-qda/Project.xsd``) and checked for
references that the XSD cannot check before anything is written. :func:`read_qdpx` reads a
project back into corpus-shaped tables, and :func:`qdpx_to_corpus` writes them as a corpus folder
that :func:`mdi_analysis.corpus.load_corpus` reads.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from .. import __version__
from ..privacy import Finding, format_findings, scan_text
from ..io._files import write_atomic
from ..errors import InputDataError, PersonalDataError, QdaFormatError, QdaValidationError
from ..paths import data_dir, relative_to_root

__all__ = [
    "NAMESPACE",
    "GUID_NAMESPACE",
    "THESIS_CODER",
    "Coder",
    "QdaExport",
    "QdaCorpus",
    "QdaValidationError",
    "QdaFormatError",
    "PersonalDataError",
    "schema_path",
    "make_guid",
    "keyword_coder",
    "keyword_codings",
    "build_project",
    "export_qdpx",
    "validate_qde",
    "validate_qdpx",
    "read_qdpx",
    "qdpx_to_corpus",
    "main",
    "import_main",
]

#: The QDA-XML 1.0 project namespace.
NAMESPACE = "urn:QDA-XML:project:1.0"
_NS = "{" + NAMESPACE + "}"

#: Namespace of every GUID this module writes: ``uuid5(GUID_NAMESPACE, "<kind>:<key>")``. It is itself
#: derived from a fixed name, so it never changes. Changing it would change every GUID, and QDA tools
#: that merge an import into an existing project by GUID would then see new objects.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "mdi-analysis:refi-qda:v1")

#: ZIP timestamp of every entry (the earliest that ZIP can represent), so bytes do not depend on when.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
#: Folder of the source files inside the .qdpx. Lower case, as the interoperability notes require.
SOURCES_FOLDER = "sources"
PROJECT_FILE = "project.qde"
DEFAULT_OUT = "mdi-corpus.qdpx"

#: The marker on the last line of a code's Description that identifies it on re-import. A tool may
#: regenerate GUIDs or rename codes, but the memo text travels with the code.
_MARKER = "mdi-analysis id: "
_MARKER_RE = re.compile(r"mdi-analysis id: ([a-z_]+):(\S+)\s*$")
_SECTION_NAME_RE = re.compile(r"^(\d+(?:\.\d+)+)\s")
_GUID_RE = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")

#: A small qualitative palette (Okabe–Ito plus greys), one colour per framework or research
#: question, so the tree is readable in a tool without manual colouring.
_PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
    "#CC79A7", "#999999", "#8C564B", "#17BECF", "#BCBD22", "#7F7F7F",
)

#: Utterance columns carried as source variables: (column, REFI type, description).
SOURCE_VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("section_id", "Text", "The section the quote is printed in (utterances.csv section_id)."),
    ("role_label", "Text", "The role label as printed (Arbeidsgiver, Tillitsvalgt, Hovedtillitsvalgt); absent when none is printed."),
    ("line_start", "Integer", "First thesis line of the quote (utterances.csv line_start)."),
    ("line_end", "Integer", "Last thesis line of the quote, the line with the role label."),
    ("duplicate_of", "Text", "For a re-printed quote: the utterance id of its first printing."),
    ("flags", "Text", "Extraction flags, ';'-separated (see data/README.md, Flags)."),
)
ROLE_VARIABLE = "role"

UTTERANCE_COLUMNS = [
    "utterance_id", "role", "role_label", "text", "section_id",
    "line_start", "line_end", "n_words", "duplicate_of", "flags",
]
CODING_COLUMNS = ["utterance_id", "section_id", "coder", "basis", "via_utterance_id"]
CATEGORY_CODING_COLUMNS = ["utterance_id", "category_id", "coder"]
SELECTION_COLUMNS = ["utterance_id", "coder", "code_kind", "code_id", "code_name", "start", "end", "text"]
SECTION_COLUMNS = ["section_id", "research_question", "title"]
RQ_COLUMNS = ["research_question", "text"]


# --------------------------------------------------------------------------------------------
# Errors and small types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coder:
    """A coder: ``coder_id`` as in codings.csv (REFI ``User/@id``), ``name`` as a QDA tool shows it."""

    coder_id: str
    name: str


#: The author's own placement of each quote under a section (codings.csv, coder ``thesis``).
THESIS_CODER = Coder("thesis", "thesis (Strømsvåg 2017)")


def keyword_coder(normaliser: str = "lemma") -> Coder:
    """The automatic coder. Its id names the normaliser, because another normaliser codes differently."""
    return Coder(f"keyword-{normaliser}", f"mdi-analysis keyword coder ({normaliser})")


def make_guid(kind: str, key: str) -> str:
    """A stable GUID for one object. Exporting the same corpus twice gives the same GUIDs, so
    the file is byte-identical and a tool can tell a re-import from new material."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def schema_path() -> Path:
    """The shipped QDA-XML 1.0 ``Project.xsd`` (provenance: ``resources/refi-qda/PROVENANCE.md``)."""
    return Path(str(resources.files("mdi_analysis") / "resources" / "refi-qda" / "Project.xsd"))


@lru_cache(maxsize=1)
def _schema():  # noqa: ANN202 - xmlschema is imported lazily; loading the XSD takes ~0.2 s
    import xmlschema

    return xmlschema.XMLSchema(str(schema_path()))


# --------------------------------------------------------------------------------------------
# Inputs: corpus, codebook, keyword codings
# --------------------------------------------------------------------------------------------


def keyword_codings(utterances: pd.DataFrame, categories: pd.DataFrame, normaliser: str = "lemma") -> pd.DataFrame:
    """Each (utterance, category) that :func:`~mdi_analysis.coding._engine.code_texts` codes, in corpus ×
    codebook order: the automatic coder's codings, as the notebooks compute them
    (``themes.code_corpus``: the whole codebook, default normaliser)."""
    from ..coding._engine import code_texts

    texts = utterances.set_index("utterance_id")["text"]
    result = code_texts(texts, categories, normaliser)
    matrix = result.matrix
    coder = keyword_coder(normaliser).coder_id
    rows = [
        (utterance_id, category_id, coder)
        for utterance_id, values in zip(matrix.index, matrix.to_numpy())
        for category_id, value in zip(matrix.columns, values)
        if value
    ]
    return pd.DataFrame(rows, columns=CATEGORY_CODING_COLUMNS).astype("string")


def _text(value: object) -> str | None:
    """A cell as text, or None when it is empty/missing (pandas NA, None, NaN, "")."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    return text if text != "" else None


def _unique_names(names: list[str], qualifiers: list[str]) -> list[str]:
    """Make code names unique across the whole tree by appending the qualifier to every repeated name.

    QualCoder merges codes that share a name, and the codebook has two ``Engasjement`` and two
    ``Autonomi`` categories in different frameworks."""
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return [f"{n} ({q})" if counts[n] > 1 else n for n, q in zip(names, qualifiers)]


# --------------------------------------------------------------------------------------------
# Building project.qde
# --------------------------------------------------------------------------------------------


def _el(parent: ET.Element | None, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    attributes = {k: v for k, v in (attrs or {}).items() if v is not None}
    # Tags are written unqualified, and the root carries the default namespace as an xmlns attribute.
    # ElementTree's default_namespace option rejects unqualified *attributes*, and REFI's attributes
    # are all unqualified.
    element = ET.Element(tag, attributes) if parent is None else ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _description(parent: ET.Element, text: str) -> None:
    _el(parent, "Description", text=text)


def _creation_time() -> str | None:
    """``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) as an xsd:dateTime, else None.

    No wall-clock time is written: it would make every export differ."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class QdaExport:
    """An export in memory: ``project.qde`` plus the source files, keyed by their ZIP entry name."""

    qde: bytes
    sources: dict[str, bytes]
    coders: tuple[Coder, ...]
    n_codings: dict[str, int] = field(default_factory=dict)

    def members(self) -> dict[str, bytes]:
        return {PROJECT_FILE: self.qde, **self.sources}

    def to_bytes(self) -> bytes:
        """The .qdpx as bytes: sorted entries, fixed timestamps and permissions, stored uncompressed.

        Uncompressed, because deflate output depends on the zlib build (zlib-ng, which some Linux
        distributions ship, compresses the same bytes differently), and the export should have the
        same checksum on every machine. The cost is size: about 0.5 MB instead of about 0.1 MB."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            folder = zipfile.ZipInfo(SOURCES_FOLDER + "/", date_time=ZIP_DATE_TIME)
            folder.create_system = 3
            folder.external_attr = (0o40755 << 16) | 0x10
            entries = self.members()
            names = sorted(entries)
            # The folder entry goes right before its first file. Some unzip tools need it.
            for name in names:
                if name.startswith(SOURCES_FOLDER + "/") and folder is not None:
                    archive.writestr(folder, b"")
                    folder = None
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
                info.create_system = 3  # the same bytes on every OS
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, entries[name])
            if folder is not None:
                archive.writestr(folder, b"")
        return buffer.getvalue()


def build_project(
    utterances: pd.DataFrame,
    sections: pd.DataFrame,
    codings: pd.DataFrame,
    *,
    categories: pd.DataFrame | None = None,
    frameworks: pd.DataFrame | None = None,
    category_codings: pd.DataFrame | None = None,
    category_coder: Coder | None = None,
    research_questions: pd.DataFrame | None = None,
    coders: Sequence[Coder] = (THESIS_CODER,),
    project_name: str = "mdi-analysis: interview quotes of Strømsvåg (2017)",
    description: str | None = None,
) -> QdaExport:
    """Build project.qde and the source files from corpus-shaped tables.

    ``utterances``, ``sections`` and ``codings`` have the columns of the corpus files (see
    ``data/README.md``). ``categories``/``frameworks`` are the codebook tables, and
    ``category_codings`` (utterance_id, category_id, coder) are codings with categories, e.g.
    from :func:`keyword_codings`. ``coders`` names the coders of ``codings.csv``. A coder id that is
    not listed becomes a user named after its id.
    """
    utterances = utterances.reset_index(drop=True)
    created = _creation_time()
    ids = list(utterances["utterance_id"])
    if len(set(ids)) != len(ids):
        raise ValueError("utterance ids must be unique")
    known_ids = set(ids)

    # Users: the named coders first, then any other coder of codings.csv, then the category coder.
    users: list[Coder] = list(coders)
    for coder_id in dict.fromkeys(codings["coder"].astype(str)):
        if coder_id not in {u.coder_id for u in users}:
            users.append(Coder(coder_id, coder_id))
    category_codings = category_codings if category_codings is not None else pd.DataFrame(columns=CATEGORY_CODING_COLUMNS)
    for coder_id in dict.fromkeys(category_codings["coder"].astype(str)):
        if coder_id not in {u.coder_id for u in users}:
            users.append(category_coder if category_coder and category_coder.coder_id == coder_id else Coder(coder_id, coder_id))
    user_guid = {u.coder_id: make_guid("user", u.coder_id) for u in users}

    project = _el(None, "Project", {
        "xmlns": NAMESPACE,
        "name": project_name,
        "origin": f"mdi-analysis {__version__}",
        "creationDateTime": created,
    })
    users_el = _el(project, "Users")
    for user in users:
        _el(users_el, "User", {"guid": user_guid[user.coder_id], "name": user.name, "id": user.coder_id})

    # ---- Code book -------------------------------------------------------------------------
    codes_el = _el(_el(project, "CodeBook"), "Codes")
    code_guid: dict[tuple[str, str], str] = {}
    has_categories = categories is not None and len(categories) > 0
    tree_names: list[tuple[str, str]] = []  # (name, qualifier) of every code, to make names unique
    if has_categories:
        assert categories is not None
        fw_table = frameworks if frameworks is not None else pd.DataFrame(
            {"framework_id": list(dict.fromkeys(categories["framework_id"])), "framework": list(dict.fromkeys(categories["framework_id"]))}
        )
        tree_names += [(str(r.framework), str(r.framework_id)) for r in fw_table.itertuples(index=False)]
        tree_names += [(str(r.category), str(r.framework_id)) for r in categories.itertuples(index=False)]
    rq_values = [int(v) for v in sections["research_question"].dropna().unique()] if "research_question" in sections else []
    tree_names += [(f"RQ{rq}", "research question") for rq in sorted(rq_values)]
    tree_names += [(_section_name(r), "section") for r in sections.itertuples(index=False)]
    # Names are handed out in the order the tree is built: frameworks, categories, RQs, sections.
    name_iter = iter(_unique_names([n for n, _ in tree_names], [q for _, q in tree_names]))

    if has_categories:
        assert categories is not None
        branch = _code(codes_el, "branch", "categories", "Theory codebook", False, None,
                       "Theory categories of data/codebook/ (frameworks of thesis chapter 2 and the author's "
                       "inductive themes), grouped by framework. The keyword coder codes with these.", code_guid)
        fw_elements: dict[str, ET.Element] = {}
        for index, fw in enumerate(fw_table.itertuples(index=False)):
            color = _PALETTE[index % len(_PALETTE)]
            lines = [str(getattr(fw, "description", "") or "").strip()]
            source = _text(getattr(fw, "source", None))
            if source:
                lines.append(f"Source: {source} (thesis section {getattr(fw, 'thesis_section', '')}, lines {getattr(fw, 'thesis_lines', '')}).")
            fw_elements[str(fw.framework_id)] = _code(branch, "framework", str(fw.framework_id), next(name_iter), False,
                                                      color, "\n".join(line for line in lines if line), code_guid)
        for cat in categories.itertuples(index=False):
            parent = fw_elements.get(str(cat.framework_id))
            if parent is None:
                raise InputDataError("codebook", f"category {cat.category_id!r} names an unknown framework {cat.framework_id!r}")
            lines = [str(getattr(cat, "definition", "") or "").strip()]
            source = _text(getattr(cat, "source", None))
            if source:
                lines.append(f"Source: {source} (thesis section {getattr(cat, 'thesis_section', '')}, lines {getattr(cat, 'thesis_lines', '')}).")
            patterns = _text(getattr(cat, "patterns", None))
            if patterns:
                lines.append(f"Keyword patterns: {patterns}")
            _code(parent, "category", str(cat.category_id), next(name_iter), True, parent.get("color"),
                  "\n".join(line for line in lines if line), code_guid)

    rq_text: dict[int, str] = {}
    if research_questions is not None and len(research_questions):
        rq_text = {int(r.research_question): str(r.text) for r in research_questions.itertuples(index=False)}
    branch = _code(codes_el, "branch", "sections", "Thesis sections", False, None,
                   "The author's placement of each quote: research question (section 1.2) → subsection of "
                   "chapter 4. The thesis coder codes each quote with the section(s) it is printed under.", code_guid)
    rq_elements: dict[int, ET.Element] = {}
    for index, rq in enumerate(sorted(rq_values)):
        rq_elements[rq] = _code(branch, "research_question", str(rq), next(name_iter), False,
                                _PALETTE[index % len(_PALETTE)],
                                f"Research question {rq}: {rq_text[rq]}" if rq in rq_text else f"Research question {rq}.",
                                code_guid)
    for section in sections.itertuples(index=False):
        rq = getattr(section, "research_question", None)
        parent = rq_elements[int(rq)] if rq is not None and not pd.isna(rq) else branch
        lines = [f"Section {section.section_id}: {section.title}."]
        start, end = getattr(section, "line_start", None), getattr(section, "line_end", None)
        if _text(start) and _text(end):
            lines.append(f"Thesis lines {int(start)}–{int(end)}.")
        guide = _text(getattr(section, "guide_questions", None))
        if guide:
            lines.append(f"Interview guide questions: {guide.replace(';', ', ')}.")
        _code(parent, "section", str(section.section_id), next(name_iter), True, parent.get("color"), " ".join(lines), code_guid)

    # ---- Variables and cases ---------------------------------------------------------------
    variables_el = _el(project, "Variables")
    var_guid = {ROLE_VARIABLE: make_guid("variable", ROLE_VARIABLE)}
    variable = _el(variables_el, "Variable", {"guid": var_guid[ROLE_VARIABLE], "name": ROLE_VARIABLE, "typeOfVariable": "Text"})
    _description(variable, "Case variable: the respondent's side (arbeidsgiver or tillitsvalgt). One case per role.")
    for name, kind, text in SOURCE_VARIABLES:
        var_guid[name] = make_guid("variable", name)
        _description(_el(variables_el, "Variable", {"guid": var_guid[name], "name": name, "typeOfVariable": kind}),
                     "Source variable. " + text)

    source_guid = {uid: make_guid("source", uid) for uid in ids}
    cases_el = _el(project, "Cases")
    for role in dict.fromkeys(utterances["role"].astype(str)):
        case = _el(cases_el, "Case", {"guid": make_guid("case", role), "name": role})
        _description(case, f"All quotes of the role {role!r}.")
        value = _el(case, "VariableValue")
        _el(value, "VariableRef", {"targetGUID": var_guid[ROLE_VARIABLE]})
        _el(value, "TextValue", text=role)
        for uid in utterances.loc[utterances["role"] == role, "utterance_id"]:
            _el(case, "SourceRef", {"targetGUID": source_guid[uid]})

    # ---- Codings, grouped by utterance and coder ---------------------------------------------
    per_utterance: dict[str, dict[str, list[tuple[str, str]]]] = {uid: {} for uid in ids}
    n_codings: dict[str, int] = {}
    for kind, table, column, what in (
        ("section", codings, "section_id", "codings"),
        ("category", category_codings, "category_id", "category codings"),
    ):
        for uid, code_id, coder in zip(table["utterance_id"].astype(str), table[column].astype(str), table["coder"].astype(str)):
            if uid not in known_ids:
                raise ValueError(f"{what}: unknown utterance {uid!r}")
            if (kind, code_id) not in code_guid:
                raise ValueError(f"{what}: unknown {kind} {code_id!r}")
            per_utterance[uid].setdefault(coder, []).append((kind, code_id))
            n_codings[coder] = n_codings.get(coder, 0) + 1

    # ---- Sources ----------------------------------------------------------------------------
    sources_el = _el(project, "Sources")
    files: dict[str, bytes] = {}
    user_order = [u.coder_id for u in users]
    for row in utterances.itertuples(index=False):
        uid = str(row.utterance_id)
        text = str(row.text)
        guid = source_guid[uid]
        source = _el(sources_el, "TextSource", {
            "guid": guid, "name": uid, "plainTextPath": f"internal://{guid}.txt",
            "creationDateTime": created,
        })
        label = _text(getattr(row, "role_label", None)) or str(row.role)
        detail = f"Quote {uid} ({label}), section {row.section_id}"
        if _text(getattr(row, "line_start", None)):
            detail += f", thesis lines {int(row.line_start)}–{int(row.line_end)}"
        _description(source, detail + ".")
        length = len(text)  # code points: Python str indices are code points
        for coder in sorted(per_utterance[uid], key=user_order.index):
            selection = _el(source, "PlainTextSelection", {
                "guid": make_guid("selection", f"{uid}:{coder}"), "name": uid,
                "startPosition": "0", "endPosition": str(length),
                "creatingUser": user_guid[coder], "creationDateTime": created,
            })
            for kind, code_id in per_utterance[uid][coder]:
                coding = _el(selection, "Coding", {
                    "guid": make_guid("coding", f"{uid}:{coder}:{kind}:{code_id}"),
                    "creatingUser": user_guid[coder], "creationDateTime": created,
                })
                _el(coding, "CodeRef", {"targetGUID": code_guid[(kind, code_id)]})
        for name, kind, _ in SOURCE_VARIABLES:
            value = _text(getattr(row, name, None))
            if value is None:
                continue
            element = _el(source, "VariableValue")
            _el(element, "VariableRef", {"targetGUID": var_guid[name]})
            _el(element, "IntegerValue" if kind == "Integer" else "TextValue", text=str(int(float(value))) if kind == "Integer" else value)
        files[f"{SOURCES_FOLDER}/{guid}.txt"] = text.replace("\r\n", "\n").encode("utf-8")

    _description(project, description or (
        "Interview quotes of Strømsvåg, O. (2017), En studie av medarbeiderdrevet innovasjon, master thesis, NTNU, "
        "exported by mdi-analysis. One source per quote (named by its utterance id); cases are the two roles. "
        "Coders: the thesis author's placement of quotes under sections, and the keyword coder's theory "
        "categories. The quotes are anonymised to a role: do not add names, municipalities or contact details."
    ))

    ET.indent(project, space="  ")
    body = ET.tostring(project, encoding="unicode")
    qde = ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
    return QdaExport(qde=qde, sources=files, coders=tuple(users), n_codings=n_codings)


def _section_name(section: object) -> str:
    return f"{section.section_id} {section.title}".strip()  # type: ignore[attr-defined]


def _code(parent: ET.Element, kind: str, key: str, name: str, codable: bool, color: str | None,
          description: str, registry: dict[tuple[str, str], str]) -> ET.Element:
    guid = make_guid(f"code:{kind}", key)
    registry[(kind, key)] = guid
    element = _el(parent, "Code", {"guid": guid, "name": name, "isCodable": "true" if codable else "false", "color": color})
    _description(element, (description.strip() + "\n\n" if description.strip() else "") + f"{_MARKER}{kind}:{key}")
    return element


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def validate_qde(qde: bytes | str | Path) -> None:
    """Validate project.qde against the shipped XSD, then check what the XSD cannot.

    The extra checks: GUIDs are unique, every ``targetGUID`` points to an existing object, no
    ``TextSource`` has both ``PlainTextContent`` and ``plainTextPath`` (the schema states this in a
    comment only), and every selection lies within its source when the text is inline.
    Raises :class:`QdaValidationError` with the first problems, each with its XML path or line.
    """
    data = Path(qde).read_bytes() if isinstance(qde, Path) else (qde.encode("utf-8") if isinstance(qde, str) else qde)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise QdaValidationError(f"{PROJECT_FILE} is not well-formed XML: {error}") from None
    errors = list(_schema().iter_errors(io.BytesIO(data)))
    if errors:
        shown = "; ".join(_describe_schema_error(e) for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise QdaValidationError(f"{PROJECT_FILE} does not match the REFI-QDA schema: {shown}{more}")
    problems = _reference_problems(root)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise QdaValidationError(f"{PROJECT_FILE}: " + "; ".join(problems[:3]) + more)


def _describe_schema_error(error: object) -> str:
    """One line per schema error: where (XPath and source line) and why, not xmlschema's full dump."""
    path = getattr(error, "path", None) or "?"
    reason = getattr(error, "reason", None) or str(error).splitlines()[0]
    line = getattr(error, "sourceline", None)
    return f"{path}{f' (line {line})' if line else ''}: {reason}"


def _reference_problems(root: ET.Element) -> list[str]:
    problems: list[str] = []
    seen: dict[str, str] = {}
    for element in root.iter():
        guid = element.get("guid")
        if guid is None:
            continue
        key = guid.strip("{}").lower()
        if key in seen:
            problems.append(f"GUID {guid} is used by {seen[key]} and {_local(element.tag)}")
        seen[key] = _local(element.tag)
    for element in root.iter():
        target = element.get("targetGUID")
        if target is not None and target.strip("{}").lower() not in seen:
            problems.append(f"{_local(element.tag)} points to GUID {target}, which no element has")
    for source in root.iter(_NS + "TextSource"):
        inline = source.find(_NS + "PlainTextContent")
        if inline is not None and source.get("plainTextPath"):
            problems.append(f"TextSource {source.get('name')!r} has both PlainTextContent and plainTextPath")
        if inline is not None:
            length = len(inline.text or "")
            for selection in source.iter(_NS + "PlainTextSelection"):
                problems.extend(_selection_problems(source, selection, length))
    return problems


def _selection_problems(source: ET.Element, selection: ET.Element, length: int) -> list[str]:
    start, end = int(selection.get("startPosition", "0")), int(selection.get("endPosition", "0"))
    if 0 <= start <= end <= length:
        return []
    return [f"selection {start}–{end} of source {source.get('name')!r} lies outside its {length} characters"]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def validate_qdpx(path: str | Path | bytes) -> None:
    """Validate a .qdpx (a file, or its bytes): the ZIP layout, ``project.qde`` against the schema,
    and the sources.

    Each internal ``plainTextPath`` must exist in ``sources/``, decode as UTF-8, and contain every
    selection's offsets, counted in code points."""
    if isinstance(path, bytes):
        path, handle = Path("<qdpx in memory>"), io.BytesIO(path)
    else:
        path = Path(path)
        handle = path  # type: ignore[assignment]
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        raise QdaValidationError(f"{path}: not a ZIP file (a .qdpx is a ZIP archive)") from None
    with archive:
        names = set(archive.namelist())
        if PROJECT_FILE not in names:
            raise QdaValidationError(f"{path}: no {PROJECT_FILE} at the top of the archive")
        data = archive.read(PROJECT_FILE)
        validate_qde(data)
        root = ET.fromstring(data)
        problems: list[str] = []
        for source in root.iter(_NS + "TextSource"):
            target = source.get("plainTextPath")
            if not target or not target.startswith("internal://"):
                continue
            member = f"{SOURCES_FOLDER}/{target[len('internal://'):]}"
            if member not in names:
                problems.append(f"source {source.get('name')!r}: {member} is missing from the archive")
                continue
            try:
                text = archive.read(member).decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"source {source.get('name')!r}: {member} is not UTF-8")
                continue
            if "\r" in text:
                problems.append(f"source {source.get('name')!r}: {member} has \\r line endings (tools count them differently)")
            for selection in source.iter(_NS + "PlainTextSelection"):
                problems.extend(_selection_problems(source, selection, len(text)))
    if problems:
        raise QdaValidationError(f"{path}: " + "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""))


# --------------------------------------------------------------------------------------------
# Anonymity check of what is exported
# --------------------------------------------------------------------------------------------


def scan_export(export: QdaExport, utterances: pd.DataFrame, out_name: str = DEFAULT_OUT) -> list[Finding]:
    """Scan what the .qdpx will contain, as the project's scanner sees published files.

    The repository scanner cannot open a .qdpx (it reports ZIPs as ``unscanned``), so the check
    happens here, before writing. project.qde is scanned as XML (code names, descriptions, user
    names, variable values). The quote texts are scanned as a corpus table, which is the context
    in which a municipality inside a quote is a finding. The table has the quote, role and printed
    section in one row, the same row the .qdpx effectively publishes.
    """
    # GUIDs are masked first: they are uuid5 hashes of our own ids, never personal data, but a GUID
    # that starts with eight decimal digits ("36824928-b26c-…") looks like a phone number to the
    # scanner. Masking keeps line numbers, because a GUID never spans lines.
    masked = _GUID_RE.sub("guid", export.qde.decode("utf-8"))
    findings = scan_text(masked, source=f"{out_name}/{PROJECT_FILE}", fmt=".qde")
    columns = [c for c in ("utterance_id", "role", "role_label", "text", "section_id") if c in utterances.columns]
    buffer = io.StringIO()
    utterances[columns].to_csv(buffer, index=False, lineterminator="\n")
    findings += scan_text(buffer.getvalue(), source=f"{out_name}/{SOURCES_FOLDER} (as utterances.csv)", fmt=".csv")
    return findings


# --------------------------------------------------------------------------------------------
# Export: corpus folder → .qdpx
# --------------------------------------------------------------------------------------------


def export_qdpx(
    out: str | Path = DEFAULT_OUT,
    *,
    corpus_dir: str | Path | None = None,
    codebook_dir: str | Path | None = None,
    normaliser: str = "lemma",
    keyword: bool = True,
    allow_pii: bool = False,
    roles: Sequence[str] | None = None,
) -> tuple[Path, QdaExport, list[Finding]]:
    """Export a corpus folder (default: the committed ``data/corpus/``) to a validated .qdpx.

    The keyword coder codes with every category of the codebook (default ``data/codebook/``) and
    ``normaliser``, as notebook 03 does with its default parameters. The project is validated and
    scanned for PII *before* anything is written. Findings raise :class:`PersonalDataError` unless
    ``allow_pii``. The file is written atomically (temporary file + rename). Returns the path, the
    export and the findings (empty unless ``allow_pii``).
    """
    from ..io._codebook import load_codebook
    from ..corpus import ROLES, load_corpus

    corpus = load_corpus(corpus_dir, roles=roles or ROLES)
    codebook = load_codebook(codebook_dir)
    coder = keyword_coder(normaliser)
    auto = keyword_codings(corpus.utterances, codebook.categories, normaliser) if keyword else None
    # The thesis coder is a user only where its codings are (not in a researcher's own transcripts),
    # and only the committed corpus is described as the thesis's quotes.
    named = tuple(c for c in (THESIS_CODER,) if c.coder_id in set(corpus.codings["coder"]))
    is_thesis = corpus.directory.resolve() == (data_dir() / "corpus").resolve()
    export = build_project(
        corpus.utterances, corpus.sections, corpus.codings,
        categories=codebook.categories, frameworks=codebook.frameworks,
        category_codings=auto, category_coder=coder,
        research_questions=corpus.research_questions,
        coders=named + ((coder,) if keyword else ()),
        **({} if is_thesis else {
            "project_name": "mdi-analysis: interview corpus",
            "description": "Interview quotes exported by mdi-analysis from a corpus folder in the data/corpus "
            "format. One source per quote (named by its utterance id); cases are the roles. Do not add names, "
            "municipalities or contact details.",
        }),
    )
    out = Path(out)
    data = export.to_bytes()
    validate_qdpx(data)
    findings = scan_export(export, corpus.utterances, out.name)
    if findings and not allow_pii:
        raise PersonalDataError(findings, f"export of {relative_to_root(corpus.directory)}")
    write_atomic(out, data)
    return out, export, findings


# --------------------------------------------------------------------------------------------
# Import: .qdpx → corpus-shaped tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QdaCorpus:
    """A .qdpx read back into corpus-shaped tables.

    ``utterances``, ``sections``, ``codings`` and ``research_questions`` have the corpus columns
    (``data/README.md``). ``category_codings`` holds (utterance_id, category_id, coder).
    ``selections`` has every coded selection with its offsets and text, including codes this
    module did not write (``code_kind`` ``other``: codes a researcher added in a QDA tool; their
    ``code_id`` is the path of names in the code tree). ``coders`` maps coder ids to names.
    """

    utterances: pd.DataFrame
    sections: pd.DataFrame
    research_questions: pd.DataFrame
    codings: pd.DataFrame
    category_codings: pd.DataFrame
    selections: pd.DataFrame
    coders: pd.DataFrame
    categories: pd.DataFrame


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
    """
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        qde_name = PROJECT_FILE if PROJECT_FILE in names else next((n for n in sorted(names) if n.endswith(".qde")), None)
        if qde_name is None:
            raise QdaFormatError(f"{path}: no project.qde in the archive")
        root = ET.fromstring(archive.read(qde_name))
        folder = SOURCES_FOLDER if any(n.startswith(SOURCES_FOLDER + "/") for n in names) else "Sources"

        def source_text(source: ET.Element) -> str:
            inline = source.find(_NS + "PlainTextContent")
            if inline is not None:
                return inline.text or ""
            target = source.get("plainTextPath") or ""
            if not target.startswith("internal://"):
                raise QdaFormatError(f"{path}: source {source.get('name')!r} has no internal plain text ({target!r})")
            member = f"{folder}/{target[len('internal://'):]}"
            if member not in names:
                raise QdaFormatError(f"{path}: source {source.get('name')!r}: {member} is missing")
            return archive.read(member).decode("utf-8").replace("\r\n", "\n")

        return _read_root(root, source_text, path)


def _read_root(root: ET.Element, source_text, path: Path) -> QdaCorpus:  # noqa: ANN001 - a closure
    users = {
        u.get("guid", "").lower(): (u.get("id") or u.get("name") or u.get("guid", ""), u.get("name") or "")
        for u in root.iter(_NS + "User")
    }
    coders = pd.DataFrame(
        [(cid, name, guid) for guid, (cid, name) in users.items()], columns=["coder", "name", "guid"]
    ).astype("string")
    variables = {v.get("guid", "").lower(): v.get("name", "") for v in root.iter(_NS + "Variable")}

    # Codes: kind and id from the description marker, else from the tree position and name.
    codes: dict[str, tuple[str, str, str]] = {}  # guid -> (kind, id, name)
    sections_rows: list[dict[str, object]] = []
    rq_rows: list[dict[str, object]] = []
    category_rows: list[dict[str, object]] = []

    def walk(element: ET.Element, trail: list[str], context: dict[str, str]) -> None:
        for code in element.findall(_NS + "Code"):
            name = code.get("name", "")
            description = (code.findtext(_NS + "Description") or "").strip()
            marker = _MARKER_RE.search(description)
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
                title = name[len(key):].strip() if name.startswith(key) else name
                sections_rows.append({"section_id": key, "research_question": context.get("research_question"), "title": title})
            elif kind == "category":
                category_rows.append({"category_id": key, "framework_id": context.get("framework"), "name": name})
            walk(code, trail + [name], child_context)

    codebook = root.find(_NS + "CodeBook")
    if codebook is not None and codebook.find(_NS + "Codes") is not None:
        walk(codebook.find(_NS + "Codes"), [], {})

    # Roles from cases: a case's role variable, else its name.
    role_of: dict[str, str] = {}
    for case in root.iter(_NS + "Case"):
        role = None
        for value in case.findall(_NS + "VariableValue"):
            ref = value.find(_NS + "VariableRef")
            if ref is not None and variables.get(ref.get("targetGUID", "").lower()) == ROLE_VARIABLE:
                role = value.findtext(_NS + "TextValue")
        role = role or case.get("name")
        for ref in case.findall(_NS + "SourceRef"):
            if role:
                role_of[ref.get("targetGUID", "").lower()] = role

    utterance_rows: list[dict[str, object]] = []
    selection_rows: list[dict[str, object]] = []
    for source in root.iter(_NS + "TextSource"):
        guid = source.get("guid", "").lower()
        uid = source.get("name") or ""
        text = source_text(source)
        if guid not in role_of:
            raise QdaFormatError(f"{path}: source {uid!r} belongs to no case with a role; cannot give it a role")
        row: dict[str, object] = {"utterance_id": uid, "role": role_of[guid], "text": text}
        for value in source.findall(_NS + "VariableValue"):
            ref = value.find(_NS + "VariableRef")
            name = variables.get(ref.get("targetGUID", "").lower(), "") if ref is not None else ""
            for child in value:
                if child.tag != _NS + "VariableRef":
                    row[name] = child.text
        utterance_rows.append(row)
        for selection in source.findall(_NS + "PlainTextSelection"):
            start, end = int(selection.get("startPosition", "0")), int(selection.get("endPosition", "0"))
            selection_user = (selection.get("creatingUser") or "").lower()
            for coding in selection.findall(_NS + "Coding"):
                ref = coding.find(_NS + "CodeRef")
                kind, key, code_name = codes.get((ref.get("targetGUID") or "").lower(), ("other", "?", "?")) if ref is not None else ("other", "?", "?")
                user = (coding.get("creatingUser") or selection_user).lower()
                coder = users.get(user, (user or "unknown", ""))[0]
                selection_rows.append({
                    "utterance_id": uid, "coder": coder, "code_kind": kind, "code_id": key, "code_name": code_name,
                    "start": start, "end": end, "text": text[start:end],
                })

    utterances = pd.DataFrame(utterance_rows)
    for column in UTTERANCE_COLUMNS:
        if column not in utterances.columns:
            utterances[column] = pd.NA
    from ..corpus.model import count_words

    utterances["n_words"] = [count_words(str(t)) for t in utterances["text"]]
    utterances = utterances[UTTERANCE_COLUMNS]
    for column in ("line_start", "line_end", "n_words"):
        utterances[column] = pd.array([None if _text(v) is None else int(v) for v in utterances[column]], dtype="Int64")
    for column in set(UTTERANCE_COLUMNS) - {"line_start", "line_end", "n_words"}:
        utterances[column] = utterances[column].astype("string")

    selections = pd.DataFrame(selection_rows, columns=SELECTION_COLUMNS)
    selections = selections.astype({c: "string" for c in SELECTION_COLUMNS if c not in ("start", "end")})
    selections[["start", "end"]] = selections[["start", "end"]].astype("int64")

    coder_order = {cid: i for i, cid in enumerate(coders["coder"])}
    utterance_order = {uid: i for i, uid in enumerate(utterances["utterance_id"])}
    printed = dict(zip(utterances["utterance_id"], utterances["section_id"]))
    reprint = {
        (str(first), str(section)): str(uid)
        for uid, first, section in zip(utterances["utterance_id"], utterances["duplicate_of"], utterances["section_id"])
        if _text(first)
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
        coding_rows.append({"utterance_id": uid, "section_id": section, "coder": str(row.coder), "basis": basis, "via_utterance_id": via})
    codings = pd.DataFrame(coding_rows, columns=CODING_COLUMNS)
    if len(codings):
        codings = codings.assign(
            _c=codings["coder"].map(lambda c: coder_order.get(c, len(coder_order))),
            _u=codings["utterance_id"].map(utterance_order),
            _b=codings["basis"].fillna("~"),
        ).sort_values(["_c", "_u", "_b", "section_id"], kind="stable").drop(columns=["_c", "_u", "_b"])
    codings = codings.reset_index(drop=True).astype("string")

    category_sel = selections[selections["code_kind"] == "category"].drop_duplicates(["utterance_id", "code_id", "coder"])
    category_codings = pd.DataFrame(
        {"utterance_id": category_sel["utterance_id"], "category_id": category_sel["code_id"], "coder": category_sel["coder"]},
        columns=CATEGORY_CODING_COLUMNS,
    ).reset_index(drop=True).astype("string")

    sections = pd.DataFrame(sections_rows, columns=SECTION_COLUMNS)
    sections["research_question"] = pd.array(
        [None if _text(v) is None else int(v) for v in sections["research_question"]], dtype="Int64")
    sections = sections.astype({"section_id": "string", "title": "string"})
    research_questions = pd.DataFrame(rq_rows, columns=RQ_COLUMNS)
    research_questions["research_question"] = research_questions["research_question"].astype("Int64")
    research_questions["text"] = research_questions["text"].astype("string")
    categories = pd.DataFrame(category_rows, columns=["category_id", "framework_id", "name"]).astype("string")
    return QdaCorpus(utterances, sections, research_questions, codings, category_codings, selections, coders, categories)


def qdpx_to_corpus(path: str | Path, out_dir: str | Path, *, allow_pii: bool = False,
                   roles: Sequence[str] | None = None) -> tuple[list[Path], list[Finding]]:
    """Write a .qdpx as a corpus folder (utterances, sections, codings, research questions, and
    ``category_codings.csv``, which ``load_corpus`` does not read). The notebooks can then run on
    it with ``corpus_dir``.

    The folder is built in a temporary directory, scanned for PII and validated with
    ``load_corpus`` before it replaces anything. A QDA tool may have added text, so this is the
    same gate as the transcript import: if the scanner finds anything, nothing is written, unless
    ``allow_pii``.
    """
    from ..corpus import ROLES, load_corpus
    from ..corpus.build import FLOAT_FORMAT, render_csv
    from ..io._tables import write_table

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
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix=".qdpx-corpus-", dir=out_dir) as staging:
        staging_dir = Path(staging)
        for name, frame in frames.items():
            if name == "research_questions.csv" and frame.empty:
                continue
            write_table(frame, staging_dir / name, float_format=FLOAT_FORMAT)
        load_corpus(staging_dir, roles=roles or ROLES)
        for name in sorted(p.name for p in staging_dir.iterdir()):
            target = out_dir / name
            os.replace(staging_dir / name, target)
            os.chmod(target, 0o644)
            written.append(target)
    return written, findings


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdi-analysis export-qdpx",
        description="Export the interview corpus as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, "
        "QualCoder: one source per quote, the codebook and the thesis sections as codes, the thesis's "
        "placements and the keyword coder's categories as two coders, the role as a case variable. "
        "The project is validated against the REFI-QDA schema and scanned for PII before it is written.",
    )
    parser.add_argument("--out", type=Path, default=Path(DEFAULT_OUT),
                        help=f"output file (default: ./{DEFAULT_OUT}; do not put it in reports/, the scanner cannot open ZIPs)")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: data/corpus/)")
    parser.add_argument("--codebook", type=Path, help="codebook folder (default: data/codebook/)")
    parser.add_argument("--normaliser", default="lemma", choices=["lemma", "stem", "lower"],
                        help="normaliser of the keyword coder (default: lemma, as the notebooks)")
    parser.add_argument("--no-keyword-coder", action="store_true", help="leave out the automatic coder")
    parser.add_argument("--roles", help="comma-separated roles of a corpus with other roles than the thesis's two")
    parser.add_argument("--allow-pii", action="store_true",
                        help="write even when the anonymity scanner finds something (findings are still printed)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mdi_analysis export-qdpx [--out FILE] …``. Exit 0 written, 1 PII found (nothing
    written), 2 bad input or an export that does not validate."""
    args = _export_parser().parse_args(list(argv) if argv is not None else None)
    roles = [r.strip() for r in args.roles.split(",")] if args.roles else None
    try:
        out, export, findings = export_qdpx(
            args.out, corpus_dir=args.corpus, codebook_dir=args.codebook, normaliser=args.normaliser,
            keyword=not args.no_keyword_coder, allow_pii=args.allow_pii, roles=roles,
        )
    except PersonalDataError as error:
        print(format_findings(error.findings), file=sys.stderr)
        print(f"export-qdpx: {error}. Fix the data at the source (docs/anonymisation.md), or pass --allow-pii.",
              file=sys.stderr)
        return 1
    except (InputDataError, QdaValidationError, ValueError) as error:
        print(f"export-qdpx: {error}", file=sys.stderr)
        return 2
    if findings:
        print(format_findings(findings), file=sys.stderr)
        print("export-qdpx: written despite the findings above (--allow-pii); do not publish it.", file=sys.stderr)
    counts = ", ".join(f"{n} by {c}" for c, n in export.n_codings.items())
    n_sources = len(export.sources)
    print(f"export-qdpx: wrote {relative_to_root(out)} ({n_sources} sources, codings: {counts or 'none'}); "
          f"validated against {schema_path().name} (QDA-XML 1.0)")
    return 0


def import_main(argv: Sequence[str] | None = None) -> int:
    """``python -m mdi_analysis import-qdpx FILE --out DIR [--allow-pii]``: a .qdpx back into a corpus
    folder (e.g. after coding in a QDA tool). Exit 0 written, 1 PII found, 2 unreadable input."""
    parser = argparse.ArgumentParser(prog="mdi-analysis import-qdpx",
                                     description="Convert a REFI-QDA project (.qdpx) back into a corpus folder.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to write")
    parser.add_argument("--roles", help="comma-separated roles (default: arbeidsgiver,tillitsvalgt)")
    parser.add_argument("--allow-pii", action="store_true")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.out.resolve() == (data_dir() / "corpus").resolve():
        print("import-qdpx: refusing to overwrite the committed corpus data/corpus/; choose another --out", file=sys.stderr)
        return 2
    roles = [r.strip() for r in args.roles.split(",")] if args.roles else None
    try:
        written, findings = qdpx_to_corpus(args.file, args.out, allow_pii=args.allow_pii, roles=roles)
    except PersonalDataError as error:
        print(format_findings(error.findings), file=sys.stderr)
        print(f"import-qdpx: {error}", file=sys.stderr)
        return 1
    except (InputDataError, QdaFormatError, zipfile.BadZipFile, ET.ParseError, FileNotFoundError) as error:
        print(f"import-qdpx: {error}", file=sys.stderr)
        return 2
    if findings:
        print(format_findings(findings), file=sys.stderr)
    print(f"import-qdpx: wrote {len(written)} files to {relative_to_root(Path(args.out))}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
