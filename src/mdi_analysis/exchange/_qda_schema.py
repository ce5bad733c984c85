"""Validation of REFI-QDA projects: the shipped QDA-XML 1.0 schema plus what the schema cannot check.

Why: a ``.qdpx`` that one QDA tool rejects is worse than none, because the researcher finds out
only after the import failed or, worse, silently lost codings. Every export is therefore validated
against ``resources/refi-qda/Project.xsd`` and checked for references the XSD cannot check
(dangling GUIDs, selections outside their text, missing source files) before anything is written.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import QdaValidationError
from ._input_limits import ArchiveReader
from ._qda_model import NS, PROJECT_FILE, SOURCES_FOLDER

__all__ = ["schema_path", "validate_qde", "validate_qdpx"]


def schema_path() -> Path:
    """The shipped QDA-XML 1.0 ``Project.xsd`` (provenance: ``resources/refi-qda/PROVENANCE.md``)."""
    return Path(str(resources.files("mdi_analysis") / "resources" / "refi-qda" / "Project.xsd"))


@lru_cache(maxsize=1)
def _schema():  # noqa: ANN202 - xmlschema is imported lazily; loading the XSD takes ~0.2 s
    import xmlschema

    return xmlschema.XMLSchema(str(schema_path()))


def validate_qde(qde: bytes | str | Path) -> None:
    """Validate project.qde against the shipped XSD, then check what the XSD cannot.

    The extra checks: GUIDs are unique, every ``targetGUID`` points to an existing object, no
    ``TextSource`` has both ``PlainTextContent`` and ``plainTextPath`` (the schema states this in a
    comment only), and every selection lies within its source when the text is inline.
    Raises :class:`~mdi_analysis.errors.QdaValidationError` with the first problems, each with its
    XML path or line.
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
    for source in root.iter(NS + "TextSource"):
        inline = source.find(NS + "PlainTextContent")
        if inline is not None and source.get("plainTextPath"):
            problems.append(f"TextSource {source.get('name')!r} has both PlainTextContent and plainTextPath")
        if inline is not None:
            length = len(inline.text or "")
            for selection in source.iter(NS + "PlainTextSelection"):
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
    selection's offsets, counted in code points.

    Parameters
    ----------
    path : str, Path or bytes
        The .qdpx file, or the archive's bytes.

    Raises
    ------
    QdaValidationError
        With the first three problems (and how many more there are).
    InputDataError
        A member over the size limits of ``_input_limits``, or one that cannot be inflated.
    """
    if isinstance(path, bytes):
        path, handle = Path("<qdpx in memory>"), io.BytesIO(path)
    else:
        path = Path(path)
        handle = path  # type: ignore[assignment]
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        raise QdaValidationError(f"{path}: not a ZIP file (a .qdpx is a ZIP archive)") from None
    with ArchiveReader(archive, str(path)) as reader:  # members within the size limits (_input_limits)
        names = set(archive.namelist())
        if PROJECT_FILE not in names:
            raise QdaValidationError(f"{path}: no {PROJECT_FILE} at the top of the archive")
        data = reader.read(PROJECT_FILE)
        validate_qde(data)
        root = ET.fromstring(data)
        problems: list[str] = []
        for source in root.iter(NS + "TextSource"):
            problems.extend(_source_file_problems(reader, names, source))
    if problems:
        raise QdaValidationError(
            f"{path}: " + "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        )


def _source_file_problems(archive: ArchiveReader, names: set[str], source: ET.Element) -> list[str]:
    """What is wrong with one source's file in ``sources/`` (nothing for an external or inline text)."""
    target = source.get("plainTextPath")
    if not target or not target.startswith("internal://"):
        return []
    member = f"{SOURCES_FOLDER}/{target[len('internal://') :]}"
    if member not in names:
        return [f"source {source.get('name')!r}: {member} is missing from the archive"]
    try:
        text = archive.read(member).decode("utf-8")
    except UnicodeDecodeError:
        return [f"source {source.get('name')!r}: {member} is not UTF-8"]
    problems = []
    if "\r" in text:
        problems.append(f"source {source.get('name')!r}: {member} has \\r line endings (tools count them differently)")
    for selection in source.iter(NS + "PlainTextSelection"):
        problems.extend(_selection_problems(source, selection, len(text)))
    return problems
