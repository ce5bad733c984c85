"""Exchange with other tools: REFI-QDA projects (``.qdpx``) out and back in, and transcripts in.

Owns: the REFI-QDA model (``_qda_model``: coders, stable GUIDs, the in-memory export and the
read-back tables), building ``project.qde`` (``_qda_project``), the export pipeline with its
anonymity check (``_qda_export``), validation against the shipped QDA-XML schema (``_qda_schema``),
reading any QDA-XML 1.0 project into a corpus folder (``_qda_import``, with the sources' text and
ids in ``_qda_text``, the roles in ``_qda_roles`` and the code tree as a codebook in
``_qda_codes``), reading ``.txt``/``.docx`` transcripts into speaker turns (``_transcripts_read``)
and turning them into a corpus folder behind the personal-data gate (``_transcripts_import``), and
the three commands ``export-qdpx``, ``import-qdpx`` and ``import-transcripts`` (``_cli``).
Everything that leaves or enters the compendium here is scanned for personal data before it is
written.

May import: ``errors``, ``options``, ``paths``, ``io``, ``corpus``, ``coding``, ``privacy``.
Nothing in the package imports from here; the command line reaches it through
``__main__.DELEGATES``.
"""

from ._cli import export_qdpx_main, import_qdpx_main, import_transcripts_main
from ._qda_export import export_qdpx, keyword_codings, scan_export
from ._qda_import import check_import_folder, qdpx_to_corpus, read_qdpx, write_corpus
from ._qda_model import GUID_NAMESPACE, NAMESPACE, THESIS_CODER, Coder, QdaCorpus, QdaExport, keyword_coder, make_guid
from ._qda_project import build_project
from ._qda_roles import RoleSource, parse_role_from
from ._qda_schema import schema_path, validate_qde, validate_qdpx
from ._transcripts_import import (
    DEFAULT_SECTION,
    ImportFinding,
    ImportResult,
    build_import,
    format_import_findings,
    import_transcripts,
    write_import,
)
from ._transcripts_read import (
    DEFAULT_LABEL_PATTERN,
    DEFAULT_SPEAKERS,
    INTERVIEWER,
    RESPONDENT,
    Transcript,
    Turn,
    parse_speaker_map,
    read_transcript,
)

__all__ = [
    "DEFAULT_LABEL_PATTERN",
    "DEFAULT_SECTION",
    "DEFAULT_SPEAKERS",
    "GUID_NAMESPACE",
    "INTERVIEWER",
    "NAMESPACE",
    "RESPONDENT",
    "THESIS_CODER",
    "Coder",
    "RoleSource",
    "ImportFinding",
    "ImportResult",
    "QdaCorpus",
    "QdaExport",
    "Transcript",
    "Turn",
    "build_import",
    "build_project",
    "check_import_folder",
    "export_qdpx",
    "export_qdpx_main",
    "format_import_findings",
    "import_qdpx_main",
    "import_transcripts",
    "import_transcripts_main",
    "keyword_coder",
    "keyword_codings",
    "make_guid",
    "parse_role_from",
    "parse_speaker_map",
    "qdpx_to_corpus",
    "read_qdpx",
    "read_transcript",
    "scan_export",
    "schema_path",
    "validate_qde",
    "validate_qdpx",
    "write_corpus",
    "write_import",
]
