"""Which role each source of a REFI-QDA project has: from a case, a source variable, a code branch or a CSV file.

Why an option and a fallback: every program keeps the speaker's side somewhere else. Our export
and NVivo put it in cases, QualCoder drops a case's sources, ``qc`` drops cases altogether, MAXQDA
and ATLAS.ti users keep it in document variables or in a code branch ("Roller" → "Leder"). Without
``--role-from`` the import looks where this package writes it (a case with ``SourceRef``, then
the source variable ``role``) and gives every other source the role :data:`UNKNOWN_ROLE`, with one
warning line, instead of refusing the project.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..corpus import ROLE_LABELS, UNKNOWN_ROLE
from ..errors import OptionError, QdaFormatError
from ..io import decode_text, read_input_bytes
from ._qda_model import ROLE_VARIABLE

__all__ = ["RoleSource", "parse_role_from", "resolve_roles"]

ROLE_FROM_HELP = (
    "where each source's role is: 'case' (the case variable 'role', else the case name), 'case:VARIABLE', "
    "'variable:NAME' (a source variable), 'code:NAME' (the child codes of the code NAME are the roles), or "
    "'csv:FILE' (columns 'source' or 'utterance_id', and 'role'). Default: a case with sources, then the "
    f"source variable 'role'; any other source gets the role '{UNKNOWN_ROLE}'"
)


@dataclass(frozen=True)
class RoleSource:
    """A parsed ``--role-from``: ``kind`` is ``case``, ``variable``, ``code`` or ``csv``; ``value``
    the variable, code or file (``None`` for ``case`` alone)."""

    kind: str
    value: str | None = None


def parse_role_from(text: str | None) -> RoleSource | None:
    """``--role-from`` as a :class:`RoleSource`; one line naming what was expected otherwise."""
    if text is None or not text.strip():
        return None
    kind, _, value = text.strip().partition(":")
    kind = kind.strip().lower()
    if kind == "case":
        return RoleSource("case", value.strip() or None)
    if kind in ("variable", "code", "csv") and value.strip():
        return RoleSource(kind, value.strip())
    raise OptionError(
        f"--role-from {text!r}: expected 'case', 'case:VARIABLE', 'variable:NAME', 'code:NAME' or 'csv:FILE'"
    )


_LABELS = {label.lower(): role for label, role in ROLE_LABELS.items()}


def _role(value: str | None) -> str | None:
    """A role value lower-cased; a role label the thesis prints maps to its side
    (``Hovedtillitsvalgt`` → ``tillitsvalgt``), so the thesis's own labels give the thesis's roles."""
    text = (value or "").strip().lower()
    return _LABELS.get(text, text) or None


def _value_text(value: ET.Element, ns: str) -> str | None:
    for child in value:
        if child.tag != ns + "VariableRef":
            return child.text
    return None


def _variable_guids(variables: dict[str, str], name: str, path: Path) -> set[str]:
    guids = {guid for guid, var_name in variables.items() if var_name.strip().lower() == name.strip().lower()}
    if not guids:
        known = ", ".join(sorted(set(variables.values()))) or "none"
        raise OptionError(f"--role-from: {path} has no variable {name!r}; expected one of: {known}")
    return guids


def _from_cases(
    root: ET.Element, ns: str, variables: dict[str, str], variable: str | None, path: Path
) -> dict[str, str]:
    wanted = _variable_guids(variables, variable, path) if variable else None
    role_of: dict[str, str] = {}
    for case in root.iter(ns + "Case"):
        role = None
        for value in case.findall(ns + "VariableValue"):
            ref = value.find(ns + "VariableRef")
            guid = (ref.get("targetGUID") or "").lower() if ref is not None else ""
            if (wanted is not None and guid in wanted) or (wanted is None and variables.get(guid) == ROLE_VARIABLE):
                role = _value_text(value, ns)
        role = _role(role if wanted is not None else (role or case.get("name")))
        for ref in case.findall(ns + "SourceRef"):
            if role:
                role_of[(ref.get("targetGUID") or "").lower()] = role
    return role_of


def _from_variable(sources: list[ET.Element], ns: str, guids: set[str]) -> dict[str, str]:
    role_of: dict[str, str] = {}
    for source in sources:
        for value in source.findall(ns + "VariableValue"):
            ref = value.find(ns + "VariableRef")
            if ref is not None and (ref.get("targetGUID") or "").lower() in guids:
                role = _role(_value_text(value, ns))
                if role:
                    role_of[(source.get("guid") or "").lower()] = role
    return role_of


def _from_code(
    root: ET.Element, ns: str, sources: list[ET.Element], names: dict[str, str], code_name: str, path: Path
) -> dict[str, str]:
    branch = next((c for c in root.iter(ns + "Code") if (c.get("name") or "").strip() == code_name), None)
    if branch is None:
        raise OptionError(
            f"--role-from: {path} has no code named {code_name!r}; expected the code whose children are the roles"
        )
    role_of_code: dict[str, str] = {}
    for child in branch.findall(ns + "Code"):
        for code in child.iter(ns + "Code"):
            role_of_code[(code.get("guid") or "").lower()] = _role(child.get("name")) or ""
    role_of: dict[str, str] = {}
    for source in sources:
        guid = (source.get("guid") or "").lower()
        for ref in source.iter(ns + "CodeRef"):
            role = role_of_code.get((ref.get("targetGUID") or "").lower())
            if role and role_of.setdefault(guid, role) != role:
                raise QdaFormatError(
                    f"{path}: source {names[guid]!r} is coded with two roles under {code_name!r} "
                    f"({role_of[guid]!r} and {role!r}); expected one"
                )
    return role_of


def _from_csv(file: str, sources: list[ET.Element], names: dict[str, str], ids: dict[str, str]) -> dict[str, str]:
    shown = str(file)
    text, _ = decode_text(read_input_bytes(Path(file), expected="a CSV file"), shown, expected="UTF-8 CSV")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    key = "source" if "source" in columns else "utterance_id" if "utterance_id" in columns else None
    if key is None or "role" not in columns:
        raise OptionError(f"--role-from: {shown}: columns {columns}; expected 'source' or 'utterance_id', and 'role'")
    mapping = {(row.get(key) or "").strip(): _role(row.get("role")) for row in reader}
    role_of: dict[str, str] = {}
    for source in sources:
        guid = (source.get("guid") or "").lower()
        role = mapping.get(names[guid] if key == "source" else ids[guid])
        if role:
            role_of[guid] = role
    return role_of


def resolve_roles(
    root: ET.Element,
    ns: str,
    sources: list[ET.Element],
    variables: dict[str, str],
    ids: dict[str, str],
    role_from: RoleSource | None,
    path: Path,
) -> tuple[dict[str, str], list[str], bool]:
    """Source GUID → role for every source, the warnings, and whether the cases were used.

    ``ids`` maps source GUIDs to utterance ids. A source the chosen place says nothing about gets
    :data:`UNKNOWN_ROLE`, counted in one warning line.
    """
    names = {(s.get("guid") or "").lower(): s.get("name") or "" for s in sources}
    used_cases = False
    if role_from is None:
        role_of = _from_cases(root, ns, variables, None, path)
        used_cases = bool(role_of)
        if ROLE_VARIABLE in variables.values():
            by_variable = _from_variable(sources, ns, _variable_guids(variables, ROLE_VARIABLE, path))
            role_of = {**by_variable, **role_of}
        where = f"no case with sources and no source variable {ROLE_VARIABLE!r}"
    elif role_from.kind == "case":
        role_of = _from_cases(root, ns, variables, role_from.value, path)
        used_cases = True
        where = "no case"
    elif role_from.kind == "variable":
        role_of = _from_variable(sources, ns, _variable_guids(variables, role_from.value or "", path))
        where = f"no value of the variable {role_from.value!r}"
    elif role_from.kind == "code":
        role_of = _from_code(root, ns, sources, names, role_from.value or "", path)
        where = f"no coding under the code {role_from.value!r}"
    else:
        role_of = _from_csv(role_from.value or "", sources, names, ids)
        where = f"no row in {role_from.value}"
    missing = [guid for guid in names if guid not in role_of]
    warnings = []
    if missing:
        first = ", ".join(repr(ids[g]) for g in missing[:3]) + (" …" if len(missing) > 3 else "")
        warnings.append(
            f"{len(missing)} of {len(names)} sources have {where}; they get the role {UNKNOWN_ROLE!r} "
            f"({first}); give the roles with --role-from"
        )
    return {guid: role_of.get(guid, UNKNOWN_ROLE) for guid in names}, warnings, used_cases
