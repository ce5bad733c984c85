"""The code tree of a REFI-QDA project as sections, research questions and a codebook in the ``data/codebook`` format.

Why by tree position and name as well as by our marker: ``qc`` drops every code description, so
the ``mdi-analysis id:`` line is gone, and a project from NVivo, ATLAS.ti or MAXQDA never had it.
A code is then read by what it is in the tree: a name that starts with a section number
(``4.1.1 Kjennskap …``) is a thesis section, ``RQ2 …`` a research question; every other code that
has no children, or that carries codings itself, is a **category**, and its parent code is its
**framework** (a top-level category falls under the framework ``ungrouped``). The description
becomes the definition; a ``Keyword patterns:`` line the patterns; a category without patterns is
*manual only* (the keyword coder cannot find it).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ._qda_model import ID_MARKER_RE
from ._qda_text import slug

__all__ = ["CodeTree", "KnownCodes", "read_code_tree", "UNGROUPED"]

UNGROUPED = "ungrouped"
_SECTION_NAME_RE = re.compile(r"^(\d+(?:\.\d+)+)\s")
_RQ_NAME_RE = re.compile(r"^RQ\s?(\d+)\b", re.IGNORECASE)
_PATTERNS_RE = re.compile(r"^Keyword patterns:\s*(.+)$", re.MULTILINE)
_SOURCE_RE = re.compile(r"^Source:\s*(.+)$", re.MULTILINE)
#: What ``io.load_codebook`` accepts as a pattern list (kept in step with ``io._codebook.PATTERNS``).
_PATTERN_LIST_RE = re.compile(r"^[^;*\sA-ZÆØÅ][^;A-ZÆØÅ]*?\*?(;[^;*\sA-ZÆØÅ][^;A-ZÆØÅ]*?\*?)*$")

FRAMEWORK_COLUMNS = ["framework_id", "framework", "source", "thesis_section", "thesis_lines", "kind", "description"]
CATEGORY_COLUMNS = [
    "category_id",
    "framework_id",
    "category",
    "definition",
    "source",
    "thesis_section",
    "thesis_lines",
    "kind",
    "patterns",
    "pattern_notes",
    "code_path",
]


@dataclass
class CodeTree:
    """``codes``: code GUID (lower case) → (kind, id, name) with kind ``branch``, ``framework``,
    ``category``, ``research_question`` or ``section``; the tables the tree describes; the order of
    the section codes in the tree; and how many category codes had patterns that could not be used."""

    codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    sections: list[dict[str, object]] = field(default_factory=list)
    research_questions: list[dict[str, object]] = field(default_factory=list)
    frameworks: list[dict[str, object]] = field(default_factory=list)
    categories: list[dict[str, object]] = field(default_factory=list)
    bad_patterns: int = 0

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``frameworks.csv`` and ``categories.csv`` of the codebook, as strings."""
        frameworks = pd.DataFrame(self.frameworks, columns=FRAMEWORK_COLUMNS).astype("string")
        categories = pd.DataFrame(self.categories, columns=CATEGORY_COLUMNS).astype("string")
        return frameworks, categories


def _body(description: str, marker: re.Match[str] | None) -> str:
    return (description[: marker.start()] if marker else description).strip()


def _definition(body: str) -> str | None:
    lines = [line for line in body.splitlines() if not _PATTERNS_RE.match(line) and not _SOURCE_RE.match(line)]
    return "\n".join(lines).strip() or None


@dataclass(frozen=True)
class KnownCodes:
    """The committed codebook's ids by name, so that our own codes keep their ids after a program
    dropped the descriptions with the id marker (``qc``): framework name → id, and (framework name,
    category name) → id; a category name may carry its framework id, as the export writes the two
    names that occur twice (``Autonomi (mdi_kultur)``)."""

    frameworks: dict[str, str]
    categories: dict[tuple[str, str], str]

    @classmethod
    def from_codebook(cls, frameworks: pd.DataFrame, categories: pd.DataFrame) -> KnownCodes:
        framework_ids = dict(zip(frameworks["framework"].astype(str), frameworks["framework_id"].astype(str)))
        names = dict(zip(frameworks["framework_id"].astype(str), frameworks["framework"].astype(str)))
        known: dict[tuple[str, str], str] = {}
        for category_id, framework_id, name in zip(
            categories["category_id"].astype(str), categories["framework_id"].astype(str), categories["category"]
        ):
            framework = names.get(framework_id, "")
            known[(framework, str(name))] = category_id
            known[(framework, f"{name} ({framework_id})")] = category_id
        return cls(framework_ids, known)


def read_code_tree(root: ET.Element, ns: str, coded: set[str], path: Path, known: KnownCodes | None = None) -> CodeTree:
    """Read every code of the project's ``CodeBook``.

    ``coded`` holds the GUIDs (lower case) of the codes that carry codings, so that a parent code
    coded directly is a category too. ``known``: the committed codebook's ids by name, used for a
    code without the id marker whose framework and name are the committed ones (only the id is
    taken; definition and patterns come from the project alone).
    """
    known = known or KnownCodes({}, {})
    tree = CodeTree()
    framework_ids: dict[str, str] = {}  # framework code GUID (or "") → framework_id
    taken_frameworks: set[str] = set()
    taken_categories: set[str] = set()

    def framework_of(parent: ET.Element | None, trail: list[str]) -> str:
        guid = (parent.get("guid") or "").lower() if parent is not None else ""
        if guid in framework_ids:
            return framework_ids[guid]
        name = parent.get("name", "") if parent is not None else UNGROUPED
        description = (parent.findtext(ns + "Description") or "").strip() if parent is not None else ""
        marker = ID_MARKER_RE.search(description)
        if marker and marker.group(1) == "framework":
            base = marker.group(2)
        else:
            base = known.frameworks.get(name) or slug(name, "_").lower() or "codes"
        framework_id, number = base, 1
        while framework_id in taken_frameworks:
            number += 1
            framework_id = f"{base}_{number}"
        taken_frameworks.add(framework_id)
        framework_ids[guid] = framework_id
        source = _SOURCE_RE.search(description)
        tree.frameworks.append(
            {
                "framework_id": framework_id,
                "framework": name,
                "source": source.group(1) if source else None,
                "kind": "inductive",
                "description": _definition(_body(description, marker)),
            }
        )
        if parent is not None and guid not in tree.codes:  # a coded parent stays a category as well
            tree.codes[guid] = ("framework", framework_id, name)
        return framework_id

    def add_category(code: ET.Element, parent: ET.Element | None, trail: list[str], marker_id: str | None) -> None:
        name = code.get("name", "")
        description = (code.findtext(ns + "Description") or "").strip()
        marker = ID_MARKER_RE.search(description)
        framework_id = framework_of(parent, trail)
        if marker_id is None and parent is not None:
            marker_id = known.categories.get((parent.get("name", ""), name))
        if marker_id and marker_id.split(".")[0] == framework_id:
            base = marker_id
        else:
            base = f"{framework_id}.{slug(name, '_').lower() or 'code'}"
        category_id, number = base, 1
        while category_id in taken_categories:
            number += 1
            category_id = f"{base}_{number}"
        taken_categories.add(category_id)
        patterns_match = _PATTERNS_RE.search(description)
        patterns = patterns_match.group(1).strip() if patterns_match else None
        if patterns is not None and not _PATTERN_LIST_RE.match(patterns):
            tree.bad_patterns += 1
            patterns = None
        source = _SOURCE_RE.search(description)
        tree.categories.append(
            {
                "category_id": category_id,
                "framework_id": framework_id,
                "category": name,
                "definition": _definition(_body(description, marker)),
                "source": source.group(1) if source else None,
                "kind": "inductive",
                "patterns": patterns,
                "code_path": " / ".join(trail + [name]),
            }
        )
        tree.codes[(code.get("guid") or "").lower()] = ("category", category_id, name)

    def walk(element: ET.Element, parent: ET.Element | None, trail: list[str], context: dict[str, str]) -> None:
        for code in element.findall(ns + "Code"):
            name = code.get("name", "")
            guid = (code.get("guid") or "").lower()
            description = (code.findtext(ns + "Description") or "").strip()
            marker = ID_MARKER_RE.search(description)
            kind, key = (marker.group(1), marker.group(2)) if marker else ("", "")
            children = code.findall(ns + "Code")
            section = _SECTION_NAME_RE.match(name)
            question = _RQ_NAME_RE.match(name)
            child_context = dict(context)
            if kind == "section" or (not kind and section):
                key = key or section.group(1)  # type: ignore[union-attr]
                title = name[len(key) :].strip() if name.startswith(key) else name
                tree.sections.append(
                    {"section_id": key, "research_question": context.get("research_question"), "title": title}
                )
                tree.codes[guid] = ("section", key, name)
            elif kind == "research_question" or (not kind and question):
                key = key or question.group(1)  # type: ignore[union-attr]
                child_context["research_question"] = key
                body = _body(description, marker)
                text = re.sub(r"^Research question \d+:\s*", "", body)
                if text and not re.fullmatch(r"Research question \d+\.", body):
                    tree.research_questions.append({"research_question": key, "text": text})
                tree.codes[guid] = ("research_question", key, name)
            elif kind == "branch":
                tree.codes[guid] = ("branch", key, name)
            elif kind == "category" or (kind != "framework" and (not children or guid in coded)):
                add_category(code, parent, trail, key if kind == "category" else None)
            walk(code, code, trail + [name], child_context)

    codebook = root.find(ns + "CodeBook")
    codes = codebook.find(ns + "Codes") if codebook is not None else None
    if codes is not None:
        walk(codes, None, [], {})
    # A framework with a marker but no categories still belongs to the codebook's frameworks.
    for code in root.iter(ns + "Code"):
        marker = ID_MARKER_RE.search((code.findtext(ns + "Description") or "").strip())
        if marker and marker.group(1) == "framework" and (code.get("guid") or "").lower() not in framework_ids:
            framework_of(code, [])
    del path
    return tree
