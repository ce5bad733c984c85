"""``project.qde`` from corpus-shaped tables: users, code book, variables, cases, sources and codings.

Why in small steps: the project file has five parts (users, code book, variables and cases,
sources with their codings, the project description), each built from different tables. One
function per part keeps each mapping readable next to the table in ``docs/qda-and-transcripts.md``,
and :func:`build_project` shows the order in which QDA-XML requires them. What the project holds,
and why the output is byte-deterministic, is described in ``_qda_model``.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pandas as pd

from .. import __version__
from ..errors import InputDataError
from ._qda_model import (
    CATEGORY_CODING_COLUMNS,
    ID_MARKER,
    NAMESPACE,
    ROLE_VARIABLE,
    SOURCE_VARIABLES,
    SOURCES_FOLDER,
    THESIS_CODER,
    Coder,
    QdaExport,
    cell_text,
    make_guid,
)

__all__ = ["build_project"]

#: A small qualitative palette (Okabe–Ito plus greys), one colour per framework or research
#: question, so the tree is readable in a tool without manual colouring.
_PALETTE = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#999999",
    "#8C564B",
    "#17BECF",
    "#BCBD22",
    "#7F7F7F",
)

_THESIS_DESCRIPTION = (
    "Interview quotes of Strømsvåg, O. (2017), En studie av medarbeiderdrevet innovasjon, master thesis, NTNU, "
    "exported by mdi-analysis. One source per quote (named by its utterance id); cases are the two roles. "
    "Coders: the thesis author's placement of quotes under sections, and the keyword coder's theory "
    "categories. The quotes are anonymised to a role: do not add names, municipalities or contact details."
)

#: Codes per (kind, key) → GUID, filled while the code tree is built and used by the codings.
CodeGuids = dict[tuple[str, str], str]
#: Codings of one utterance: coder id → [(code kind, code key), …] in table order.
CodingsByCoder = dict[str, list[tuple[str, str]]]


# --------------------------------------------------------------------------------------------
# XML helpers
# --------------------------------------------------------------------------------------------


def _el(
    parent: ET.Element | None, tag: str, attrs: dict[str, str | None] | None = None, text: str | None = None
) -> ET.Element:
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
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------
# project.qde, part by part
# --------------------------------------------------------------------------------------------


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
    if category_codings is None:
        category_codings = pd.DataFrame(columns=CATEGORY_CODING_COLUMNS)
    users = _users(coders, codings, category_codings, category_coder)
    user_guid = {u.coder_id: make_guid("user", u.coder_id) for u in users}

    project = _el(
        None,
        "Project",
        {
            "xmlns": NAMESPACE,
            "name": project_name,
            "origin": f"mdi-analysis {__version__}",
            "creationDateTime": created,
        },
    )
    users_el = _el(project, "Users")
    for user in users:
        _el(users_el, "User", {"guid": user_guid[user.coder_id], "name": user.name, "id": user.coder_id})
    code_guid = _add_codebook(project, sections, categories, frameworks, research_questions)
    var_guid = _add_variables(project)
    source_guid = {uid: make_guid("source", uid) for uid in ids}
    _add_cases(project, utterances, var_guid, source_guid)
    per_utterance, n_codings = _codings_by_utterance(ids, codings, category_codings, code_guid)

    sources_el = _el(project, "Sources")
    files: dict[str, bytes] = {}
    user_order = [u.coder_id for u in users]
    for row in utterances.itertuples(index=False):
        source = _add_source(sources_el, row, source_guid[str(row.utterance_id)], created)
        uid, text = str(row.utterance_id), str(row.text)
        for coder in sorted(per_utterance[uid], key=user_order.index):
            _add_selection(
                source, uid, len(text), coder, per_utterance[uid][coder], user_guid[coder], code_guid, created
            )
        _add_source_variables(source, row, var_guid)
        files[f"{SOURCES_FOLDER}/{source_guid[uid]}.txt"] = text.replace("\r\n", "\n").encode("utf-8")
    _description(project, description or _THESIS_DESCRIPTION)

    ET.indent(project, space="  ")
    body = ET.tostring(project, encoding="unicode")
    qde = ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
    return QdaExport(qde=qde, sources=files, coders=tuple(users), n_codings=n_codings)


def _users(
    coders: Sequence[Coder], codings: pd.DataFrame, category_codings: pd.DataFrame, category_coder: Coder | None
) -> list[Coder]:
    """The named coders first, then any other coder of codings.csv, then the category coder."""
    users: list[Coder] = list(coders)
    for coder_id in dict.fromkeys(codings["coder"].astype(str)):
        if coder_id not in {u.coder_id for u in users}:
            users.append(Coder(coder_id, coder_id))
    for coder_id in dict.fromkeys(category_codings["coder"].astype(str)):
        if coder_id not in {u.coder_id for u in users}:
            users.append(
                category_coder if category_coder and category_coder.coder_id == coder_id else Coder(coder_id, coder_id)
            )
    return users


def _add_codebook(
    project: ET.Element,
    sections: pd.DataFrame,
    categories: pd.DataFrame | None,
    frameworks: pd.DataFrame | None,
    research_questions: pd.DataFrame | None,
) -> CodeGuids:
    """The code tree: *Theory codebook* (when there are categories), then *Thesis sections*."""
    codes_el = _el(_el(project, "CodeBook"), "Codes")
    code_guid: CodeGuids = {}
    has_categories = categories is not None and len(categories) > 0
    fw_table = None
    tree_names: list[tuple[str, str]] = []  # (name, qualifier) of every code, to make names unique
    if has_categories:
        assert categories is not None
        fw_table = (
            frameworks
            if frameworks is not None
            else pd.DataFrame(
                {
                    "framework_id": list(dict.fromkeys(categories["framework_id"])),
                    "framework": list(dict.fromkeys(categories["framework_id"])),
                }
            )
        )
        tree_names += [(str(r.framework), str(r.framework_id)) for r in fw_table.itertuples(index=False)]
        tree_names += [(str(r.category), str(r.framework_id)) for r in categories.itertuples(index=False)]
    rq_values = (
        sorted(int(v) for v in sections["research_question"].dropna().unique())
        if "research_question" in sections
        else []
    )
    tree_names += [(f"RQ{rq}", "research question") for rq in rq_values]
    tree_names += [(_section_name(r), "section") for r in sections.itertuples(index=False)]
    # Names are handed out in the order the tree is built: frameworks, categories, RQs, sections.
    names = iter(_unique_names([n for n, _ in tree_names], [q for _, q in tree_names]))
    if has_categories:
        assert categories is not None and fw_table is not None
        _add_theory_branch(codes_el, categories, fw_table, names, code_guid)
    rq_text: dict[int, str] = {}
    if research_questions is not None and len(research_questions):
        rq_text = {int(r.research_question): str(r.text) for r in research_questions.itertuples(index=False)}
    _add_section_branch(codes_el, sections, rq_values, rq_text, names, code_guid)
    return code_guid


def _unique_names(names: list[str], qualifiers: list[str]) -> list[str]:
    """Make code names unique across the whole tree by appending the qualifier to every repeated name.

    QualCoder merges codes that share a name, and the codebook has two ``Engasjement`` and two
    ``Autonomi`` categories in different frameworks."""
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return [f"{n} ({q})" if counts[n] > 1 else n for n, q in zip(names, qualifiers)]


def _add_theory_branch(
    codes_el: ET.Element, categories: pd.DataFrame, fw_table: pd.DataFrame, names: Iterator[str], code_guid: CodeGuids
) -> None:
    """Theory codebook → framework (one colour each) → category (codable)."""
    branch = _code(
        codes_el,
        "branch",
        "categories",
        "Theory codebook",
        False,
        None,
        "Theory categories of data/codebook/ (frameworks of thesis chapter 2 and the author's "
        "inductive themes), grouped by framework. The keyword coder codes with these.",
        code_guid,
    )
    fw_elements: dict[str, ET.Element] = {}
    for index, fw in enumerate(fw_table.itertuples(index=False)):
        lines = [str(getattr(fw, "description", "") or "").strip(), _source_line(fw)]
        fw_elements[str(fw.framework_id)] = _code(
            branch,
            "framework",
            str(fw.framework_id),
            next(names),
            False,
            _PALETTE[index % len(_PALETTE)],
            "\n".join(line for line in lines if line),
            code_guid,
        )
    for cat in categories.itertuples(index=False):
        parent = fw_elements.get(str(cat.framework_id))
        if parent is None:
            raise InputDataError(
                "codebook", f"category {cat.category_id!r} names an unknown framework {cat.framework_id!r}"
            )
        lines = [str(getattr(cat, "definition", "") or "").strip(), _source_line(cat)]
        patterns = cell_text(getattr(cat, "patterns", None))
        if patterns:
            lines.append(f"Keyword patterns: {patterns}")
        _code(
            parent,
            "category",
            str(cat.category_id),
            next(names),
            True,
            parent.get("color"),
            "\n".join(line for line in lines if line),
            code_guid,
        )


def _source_line(row: object) -> str:
    """``Source: … (thesis section …, lines …).`` of a framework or category, or "" without a source."""
    source = cell_text(getattr(row, "source", None))
    if not source:
        return ""
    section, lines = getattr(row, "thesis_section", ""), getattr(row, "thesis_lines", "")
    return f"Source: {source} (thesis section {section}, lines {lines})."


def _add_section_branch(
    codes_el: ET.Element,
    sections: pd.DataFrame,
    rq_values: list[int],
    rq_text: dict[int, str],
    names: Iterator[str],
    code_guid: CodeGuids,
) -> None:
    """Thesis sections → research question (one colour each) → section (codable). A section
    without a research question (e.g. ``import``) sits directly under the branch."""
    branch = _code(
        codes_el,
        "branch",
        "sections",
        "Thesis sections",
        False,
        None,
        "The author's placement of each quote: research question (section 1.2) → subsection of "
        "chapter 4. The thesis coder codes each quote with the section(s) it is printed under.",
        code_guid,
    )
    rq_elements: dict[int, ET.Element] = {}
    for index, rq in enumerate(rq_values):
        rq_elements[rq] = _code(
            branch,
            "research_question",
            str(rq),
            next(names),
            False,
            _PALETTE[index % len(_PALETTE)],
            f"Research question {rq}: {rq_text[rq]}" if rq in rq_text else f"Research question {rq}.",
            code_guid,
        )
    for section in sections.itertuples(index=False):
        rq = getattr(section, "research_question", None)
        parent = rq_elements[int(rq)] if rq is not None and not pd.isna(rq) else branch
        lines = [f"Section {section.section_id}: {section.title}."]
        start, end = getattr(section, "line_start", None), getattr(section, "line_end", None)
        if cell_text(start) and cell_text(end):
            lines.append(f"Thesis lines {int(start)}–{int(end)}.")
        guide = cell_text(getattr(section, "guide_questions", None))
        if guide:
            lines.append(f"Interview guide questions: {guide.replace(';', ', ')}.")
        _code(
            parent,
            "section",
            str(section.section_id),
            next(names),
            True,
            parent.get("color"),
            " ".join(lines),
            code_guid,
        )


def _section_name(section: object) -> str:
    return f"{section.section_id} {section.title}".strip()  # type: ignore[attr-defined]


def _code(
    parent: ET.Element,
    kind: str,
    key: str,
    name: str,
    codable: bool,
    color: str | None,
    description: str,
    registry: CodeGuids,
) -> ET.Element:
    guid = make_guid(f"code:{kind}", key)
    registry[(kind, key)] = guid
    element = _el(
        parent, "Code", {"guid": guid, "name": name, "isCodable": "true" if codable else "false", "color": color}
    )
    _description(element, (description.strip() + "\n\n" if description.strip() else "") + f"{ID_MARKER}{kind}:{key}")
    return element


def _add_variables(project: ET.Element) -> dict[str, str]:
    """The case variable ``role`` and the source variables; returns variable name → GUID."""
    variables_el = _el(project, "Variables")
    var_guid = {ROLE_VARIABLE: make_guid("variable", ROLE_VARIABLE)}
    variable = _el(
        variables_el, "Variable", {"guid": var_guid[ROLE_VARIABLE], "name": ROLE_VARIABLE, "typeOfVariable": "Text"}
    )
    _description(
        variable,
        "The respondent's side (arbeidsgiver or tillitsvalgt): a case variable (one case per role) and a "
        "source variable of every quote, so a tool that drops cases keeps the role.",
    )
    for name, kind, text in SOURCE_VARIABLES:
        var_guid[name] = make_guid("variable", name)
        _description(
            _el(variables_el, "Variable", {"guid": var_guid[name], "name": name, "typeOfVariable": kind}),
            "Source variable. " + text,
        )
    return var_guid


def _add_cases(
    project: ET.Element, utterances: pd.DataFrame, var_guid: dict[str, str], source_guid: dict[str, str]
) -> None:
    """One case per role, in order of first appearance, with its ``role`` value and its sources."""
    cases_el = _el(project, "Cases")
    for role in dict.fromkeys(utterances["role"].astype(str)):
        case = _el(cases_el, "Case", {"guid": make_guid("case", role), "name": role})
        _description(case, f"All quotes of the role {role!r}.")
        value = _el(case, "VariableValue")
        _el(value, "VariableRef", {"targetGUID": var_guid[ROLE_VARIABLE]})
        _el(value, "TextValue", text=role)
        for uid in utterances.loc[utterances["role"] == role, "utterance_id"]:
            _el(case, "SourceRef", {"targetGUID": source_guid[uid]})


def _codings_by_utterance(
    ids: list[str], codings: pd.DataFrame, category_codings: pd.DataFrame, code_guid: CodeGuids
) -> tuple[dict[str, CodingsByCoder], dict[str, int]]:
    """Section and category codings grouped by utterance and coder, and the count per coder.

    A coding of an unknown utterance or code is an error: it would otherwise vanish from the export."""
    per_utterance: dict[str, CodingsByCoder] = {uid: {} for uid in ids}
    known_ids = set(ids)
    n_codings: dict[str, int] = {}
    for kind, table, column, what in (
        ("section", codings, "section_id", "codings"),
        ("category", category_codings, "category_id", "category codings"),
    ):
        for uid, code_id, coder in zip(
            table["utterance_id"].astype(str), table[column].astype(str), table["coder"].astype(str)
        ):
            if uid not in known_ids:
                raise ValueError(f"{what}: unknown utterance {uid!r}")
            if (kind, code_id) not in code_guid:
                raise ValueError(f"{what}: unknown {kind} {code_id!r}")
            per_utterance[uid].setdefault(coder, []).append((kind, code_id))
            n_codings[coder] = n_codings.get(coder, 0) + 1
    return per_utterance, n_codings


def _add_source(sources_el: ET.Element, row: object, guid: str, created: str | None) -> ET.Element:
    """One ``TextSource`` per utterance, named by its id, with a readable description."""
    uid = str(row.utterance_id)  # type: ignore[attr-defined]
    source = _el(
        sources_el,
        "TextSource",
        {
            "guid": guid,
            "name": uid,
            "plainTextPath": f"internal://{guid}.txt",
            "creationDateTime": created,
        },
    )
    label = cell_text(getattr(row, "role_label", None)) or str(row.role)  # type: ignore[attr-defined]
    detail = f"Quote {uid} ({label}), section {row.section_id}"  # type: ignore[attr-defined]
    if cell_text(getattr(row, "line_start", None)):
        detail += f", thesis lines {int(row.line_start)}–{int(row.line_end)}"  # type: ignore[attr-defined]
    _description(source, detail + ".")
    return source


def _add_selection(
    source: ET.Element,
    uid: str,
    length: int,
    coder: str,
    codes: list[tuple[str, str]],
    user: str,
    code_guid: CodeGuids,
    created: str | None,
) -> None:
    """One selection over the whole source (``length`` in code points, as Python str indices
    count) per coder, with one ``Coding`` per code."""
    selection = _el(
        source,
        "PlainTextSelection",
        {
            "guid": make_guid("selection", f"{uid}:{coder}"),
            "name": uid,
            "startPosition": "0",
            "endPosition": str(length),
            "creatingUser": user,
            "creationDateTime": created,
        },
    )
    for kind, code_id in codes:
        coding = _el(
            selection,
            "Coding",
            {
                "guid": make_guid("coding", f"{uid}:{coder}:{kind}:{code_id}"),
                "creatingUser": user,
                "creationDateTime": created,
            },
        )
        _el(coding, "CodeRef", {"targetGUID": code_guid[(kind, code_id)]})


def _add_source_variables(source: ET.Element, row: object, var_guid: dict[str, str]) -> None:
    """The role and the utterance's other columns as source variables; empty values are left out.

    The role is also a case variable, but QualCoder ignores a case's ``SourceRef`` and ``qc`` drops
    cases, so it travels on every source as well."""
    role = cell_text(getattr(row, ROLE_VARIABLE, None))
    if role is not None:
        element = _el(source, "VariableValue")
        _el(element, "VariableRef", {"targetGUID": var_guid[ROLE_VARIABLE]})
        _el(element, "TextValue", text=role)
    for name, kind, _ in SOURCE_VARIABLES:
        value = cell_text(getattr(row, name, None))
        if value is None:
            continue
        element = _el(source, "VariableValue")
        _el(element, "VariableRef", {"targetGUID": var_guid[name]})
        _el(
            element,
            "IntegerValue" if kind == "Integer" else "TextValue",
            text=str(int(float(value))) if kind == "Integer" else value,
        )
