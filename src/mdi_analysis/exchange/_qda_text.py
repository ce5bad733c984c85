"""The text and the readable ids of a foreign REFI-QDA project's sources, and the checks of its selections.

Why a module of its own: a project that NVivo, ATLAS.ti, MAXQDA, QualCoder or ``qc`` wrote differs
from ours in exactly these places. Source names are free text (``Interview 3 – leder.docx``,
``U001.txt``, a GUID), the text sits inline, in ``sources/`` or ``Sources/`` behind a relative
or ``internal://`` path, or only in a ``.docx``; it may start with a byte-order mark and end its
lines with ``\\r\\n``. Offsets of selections count code points of the normalised text, and a
selection that does not fit is reported, never moved: a shifted selection codes the wrong words
without anyone noticing.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import InputDataError, QdaFormatError
from ..io import decode_text

__all__ = [
    "DOCUMENT_SUFFIXES",
    "coder_ids",
    "normalise_source_text",
    "read_source_text",
    "slug",
    "utterance_ids",
]

#: File-name endings dropped from a source name before it becomes an utterance id.
DOCUMENT_SUFFIXES = (".txt", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".html", ".htm", ".md")
_TRANSLITERATE = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A", "ß": "ss"})


def slug(text: str, separator: str = "-") -> str:
    """``text`` in ASCII letters, digits and ``separator`` (Norwegian letters transliterated, other
    accents dropped), so an id reads like the name it came from: ``Intervju på møte`` → ``Intervju-pa-mote``."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", separator, ascii_text).strip(separator)


def _unique(candidates: Iterable[str], separator: str) -> list[str]:
    """The candidates in order, a repeated one with ``<separator>2``, ``<separator>3`` … appended."""
    taken: set[str] = set()
    result = []
    for candidate in candidates:
        value, number = candidate, 1
        while value.lower() in taken:
            number += 1
            value = f"{candidate}{separator}{number}"
        taken.add(value.lower())
        result.append(value)
    return result


def utterance_ids(names: Iterable[str | None]) -> list[str]:
    """Utterance ids from source names, in document order: readable, stable and unique.

    The document suffix is dropped (``U001.txt`` → ``U001``), letters are transliterated and runs of
    anything else become ``_`` (``Interview 3 – leder.docx`` → ``Interview_3_leder``); an id that
    would not start with a letter gets ``S_`` in front (a GUID name), an empty name becomes
    ``S<position>``; the second of two equal ids gets ``_2``. The same names in the same order
    always give the same ids, and the original name is kept beside the id (``source_name``).
    """
    candidates = []
    for position, name in enumerate(names, start=1):
        stem = (name or "").strip()
        if stem.lower().endswith(DOCUMENT_SUFFIXES):
            stem = stem[: stem.rfind(".")]
        candidate = slug(stem, "_")
        if not candidate:
            candidate = f"S{position:03d}"
        elif not candidate[0].isalpha():
            candidate = f"S_{candidate}"
        candidates.append(candidate)
    return _unique(candidates, "_")


def coder_ids(names: Iterable[str], known: dict[str, str]) -> list[str]:
    """Coder ids from user names: a name this package writes maps back to its id (the thesis coder's
    name → ``thesis``); any other becomes its lower-case slug (``Koder 2`` → ``koder-2``).
    Keyed on the name because QualCoder and ``qc`` keep a user's name but not its ``id``."""
    return _unique([known.get(name) or slug(name).lower() or "user" for name in names], "-")


def normalise_source_text(text: str) -> str:
    """The text as offsets are counted: no byte-order mark, ``\\n`` line endings (REFI-QDA's
    interoperability notes; QualCoder writes a BOM and counts the text after it)."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _docx_text(data: bytes, shown: str) -> str:
    """The paragraphs of a ``.docx`` (one per line), read within the archive limits of the transcript reader."""
    from ._transcripts_read import _docx_lines

    with tempfile.TemporaryDirectory(prefix=".qdpx-docx-") as folder:
        file = Path(folder) / "source.docx"
        file.write_bytes(data)
        try:
            lines = _docx_lines(file)
        except InputDataError as error:
            raise QdaFormatError(f"{shown}: {error.args[0] if error.args else error}") from None
    paragraphs: dict[int, list[str]] = {}
    for number, line in lines:
        if line:
            paragraphs.setdefault(number, []).append(line)
    numbers = range(1, max((n for n, _ in lines), default=0) + 1)
    return "\n".join("\n".join(paragraphs.get(n, [])) for n in numbers).strip("\n")


def read_source_text(
    source: ET.Element,
    ns: str,
    name: str,
    member_of: Callable[[str], str | None],
    read: Callable[[str], bytes],
    path: Path,
) -> str:
    """The plain text of one ``TextSource``, normalised.

    Order: ``PlainTextContent``; the file behind ``plainTextPath`` (``internal://x.txt`` or a path
    relative to the archive); else the rich text behind ``richTextPath`` when it is a ``.docx``
    (python-docx, paragraphs joined with ``\\n``) or a ``.txt``. ``member_of`` maps a path to the
    archive member that holds it (``None``: not in the archive).
    """
    where = f"{path}: source {name!r}"
    inline = source.find(ns + "PlainTextContent")
    if inline is not None:
        return normalise_source_text(inline.text or "")
    plain, rich = source.get("plainTextPath") or "", source.get("richTextPath") or ""
    target = plain or rich
    if not target:
        raise QdaFormatError(f"{where}: no text; expected PlainTextContent, plainTextPath or richTextPath")
    attribute = "plainTextPath" if plain else "richTextPath"
    member = member_of(target)
    if member is None:
        raise QdaFormatError(f"{where}: {attribute} {target!r} is not in the archive; expected a file under sources/")
    data = read(member)
    if not plain and member.lower().endswith(".docx"):
        return normalise_source_text(_docx_text(data, f"{where} ({member})"))
    if not plain and not member.lower().endswith(".txt"):
        raise QdaFormatError(
            f"{where}: richTextPath {target!r} is neither .docx nor .txt and there is no plainTextPath; "
            "expected a plain-text rendering (export the project with plain text)"
        )
    text, _ = decode_text(data, f"{where} ({member})", expected="UTF-8 text (REFI-QDA plain-text sources are UTF-8)")
    return normalise_source_text(text)


def check_selection(text: str, start: int, end: int, selection: ET.Element, source_name: str, path: Path) -> None:
    """A selection fits its text: ``0 <= start <= end <= len(text)``, and when its ``name`` has the
    selection's length (QualCoder names a selection by the text it covers), that name is the text.
    Otherwise one line naming the source and the selection; nothing is shifted to make it fit."""
    label = selection.get("name") or selection.get("guid") or "?"
    where = f"{path}: source {source_name!r}, selection {label[:40]!r}"
    if end < start:
        raise QdaFormatError(f"{where}: endPosition {end} is before startPosition {start}; expected start <= end")
    if end > len(text):
        raise QdaFormatError(
            f"{where}: endPosition {end} is beyond the text ({len(text)} characters); "
            "expected offsets in code points of the text without byte-order mark and with \\n line endings"
        )
    named = selection.get("name") or ""
    # XML turns a line break inside an attribute into a space, so whitespace counts as whitespace.
    if len(named) == end - start and end > start and re.sub(r"\s", " ", named) != re.sub(r"\s", " ", text[start:end]):
        raise QdaFormatError(
            f"{where}: the text at {start}-{end} is {text[start:end][:30]!r}, the selection is named "
            f"{named[:30]!r}; expected the selection's own text (offsets counted differently?)"
        )
