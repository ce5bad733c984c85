"""REFI-QDA project exchange (``.qdpx``): what a project holds, and the small types shared by export and import.

Why: qualitative researchers work in QDA tools (NVivo, ATLAS.ti, MAXQDA, QualCoder), not in CSV
files. REFI-QDA (QDA-XML 1.0, www.qdasoftware.org) is the one exchange format those tools share, so
the corpus is exported as a ``.qdpx`` project, a ZIP that holds ``project.qde`` (XML) and a
lowercase ``sources/`` folder. The project holds:

- **sources**: one plain-text source per utterance (``U001`` …), UTF-8 with ``\\n``;
- **codes**: a tree with two branches. *Theory codebook* holds framework → category, from
  ``data/codebook/``. *Thesis sections* holds research question → section;
- **users**: one per coder. ``thesis (Strømsvåg 2017)`` is the author's placement of each quote
  under its section(s) (``codings.csv``). ``mdi-analysis keyword coder (lemma)`` is the automatic
  coding with the codebook (:func:`mdi_analysis.coding.code_texts`). Any other coder in
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
and carry a fixed timestamp (:meth:`QdaExport.to_bytes`), and no creation time is written unless
``SOURCE_DATE_EPOCH`` is set. The export itself is built in ``_qda_export``, validated in
``_qda_schema`` and read back in ``_qda_import``.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "NAMESPACE",
    "GUID_NAMESPACE",
    "THESIS_CODER",
    "Coder",
    "QdaExport",
    "QdaCorpus",
    "make_guid",
    "keyword_coder",
]

#: The QDA-XML 1.0 project namespace.
NAMESPACE = "urn:QDA-XML:project:1.0"
#: The namespace as ElementTree writes it before a tag name (``NS + "TextSource"``).
NS = "{" + NAMESPACE + "}"

#: Namespace of every GUID this package writes: ``uuid5(GUID_NAMESPACE, "<kind>:<key>")``. It is itself
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
ID_MARKER = "mdi-analysis id: "
ID_MARKER_RE = re.compile(r"mdi-analysis id: ([a-z_]+):(\S+)\s*$")

#: Utterance columns carried as source variables: (column, REFI type, description).
SOURCE_VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("section_id", "Text", "The section the quote is printed in (utterances.csv section_id)."),
    (
        "role_label",
        "Text",
        "The role label as printed (Arbeidsgiver, Tillitsvalgt, Hovedtillitsvalgt); absent when none is printed.",
    ),
    ("line_start", "Integer", "First thesis line of the quote (utterances.csv line_start)."),
    ("line_end", "Integer", "Last thesis line of the quote, the line with the role label."),
    ("duplicate_of", "Text", "For a re-printed quote: the utterance id of its first printing."),
    ("flags", "Text", "Extraction flags, ';'-separated (see data/README.md, Flags)."),
)
ROLE_VARIABLE = "role"

CATEGORY_CODING_COLUMNS = ["utterance_id", "category_id", "coder"]
SELECTION_COLUMNS = ["utterance_id", "coder", "code_kind", "code_id", "code_name", "start", "end", "text"]
SECTION_COLUMNS = ["section_id", "research_question", "title"]
RQ_COLUMNS = ["research_question", "text"]


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


def cell_text(value: object) -> str | None:
    """A cell as text, or None when it is empty/missing (pandas NA, None, NaN, "")."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    return text if text != "" else None


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


@dataclass(frozen=True)
class QdaCorpus:
    """A .qdpx read back into corpus-shaped tables.

    ``utterances``, ``sections``, ``codings`` and ``research_questions`` have the corpus columns
    (``data/README.md``). ``category_codings`` holds (utterance_id, category_id, coder).
    ``selections`` has every coded selection with its offsets and text, including codes this
    package did not write (``code_kind`` ``other``: codes a researcher added in a QDA tool; their
    ``code_id`` is the path of names in the code tree). ``coders`` maps coder ids to names.
    ``frameworks`` and ``codebook`` are the code tree in the ``data/codebook`` format
    (``frameworks.csv``, ``categories.csv``), ``sources`` maps utterance ids to the original source
    names, ``warnings`` are the lines the import prints, ``unused`` says in one line what the
    corpus format has no place for.
    """

    utterances: pd.DataFrame
    sections: pd.DataFrame
    research_questions: pd.DataFrame
    codings: pd.DataFrame
    category_codings: pd.DataFrame
    selections: pd.DataFrame
    coders: pd.DataFrame
    categories: pd.DataFrame
    frameworks: pd.DataFrame = field(default_factory=pd.DataFrame)
    codebook: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: tuple[str, ...] = ()
    unused: str = ""
