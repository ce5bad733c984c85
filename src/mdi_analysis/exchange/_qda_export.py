"""REFI-QDA export: a corpus folder → a validated, PII-checked ``.qdpx``.

Why one pipeline: a project that a QDA tool rejects, or that carries personal data out of the
compendium, must never reach the disk. :func:`export_qdpx` loads the corpus and the codebook, adds
the keyword coder's codings, builds the project (``_qda_project``), validates it
(``_qda_schema``), scans it for personal data (:func:`scan_export`) and only then writes it
atomically.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import OptionError, PersonalDataError
from ..io import load_codebook, write_atomic
from ..paths import data_dir, relative_to_root
from ..privacy import Finding, scan_text
from ._qda_model import (
    CATEGORY_CODING_COLUMNS,
    DEFAULT_OUT,
    PROJECT_FILE,
    SOURCES_FOLDER,
    THESIS_CODER,
    QdaExport,
    keyword_coder,
)
from ._qda_project import build_project
from ._qda_schema import validate_qdpx

__all__ = ["keyword_codings", "scan_export", "export_qdpx"]

_GUID_RE = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")

_OTHER_CORPUS = {
    "project_name": "mdi-analysis: interview corpus",
    "description": "Interview quotes exported by mdi-analysis from a corpus folder in the data/corpus "
    "format. One source per quote (named by its utterance id); cases are the roles. Do not add names, "
    "municipalities or contact details.",
}


def keyword_codings(utterances: pd.DataFrame, categories: pd.DataFrame, normaliser: str = "lemma") -> pd.DataFrame:
    """Each (utterance, category) that :func:`~mdi_analysis.coding.code_texts` codes, in corpus ×
    codebook order: the automatic coder's codings, as the notebooks compute them
    (``themes.code_corpus``: the whole codebook, default normaliser)."""
    from ..coding import code_texts

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


# --------------------------------------------------------------------------------------------
# Anonymity check and writing the .qdpx
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


def _check_export_target(out: Path) -> None:
    """Only a missing file or an earlier export (a ZIP holding ``project.qde``) may be replaced:
    ``--out README.md`` must not turn a file of the researcher's into an archive."""
    if not out.exists() and not out.is_symlink():
        return
    if out.is_file() and zipfile.is_zipfile(out):
        try:
            with zipfile.ZipFile(out) as archive:
                if PROJECT_FILE in archive.namelist():
                    return
        except (zipfile.BadZipFile, OSError):
            pass
    raise OptionError(
        f"{relative_to_root(out)} exists and is not a .qdpx export; nothing was changed: choose a new file name"
    )


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
    scanned for PII *before* anything is written. Findings raise
    :class:`~mdi_analysis.errors.PersonalDataError` unless ``allow_pii``. The file is written
    atomically (temporary file + rename).

    Parameters
    ----------
    out : str or Path
        The .qdpx to write.
    corpus_dir, codebook_dir : str or Path, optional
        Corpus and codebook folders; default the committed ones.
    normaliser : str
        Normaliser of the keyword coder (``lemma``, ``stem``, ``lower``).
    keyword : bool
        False leaves the automatic coder out.
    allow_pii : bool
        Write even when the anonymity scanner finds something.
    roles : sequence of str, optional
        Roles of a corpus with other roles than the thesis's two.

    Returns
    -------
    tuple
        The path, the export and the findings (empty unless ``allow_pii``).

    Raises
    ------
    OptionError
        ``out`` exists and is not an earlier export (a folder, or a file that is not a .qdpx
        archive): it is never replaced.
    """
    from ..corpus import ROLES, load_corpus

    _check_export_target(Path(out))

    corpus = load_corpus(corpus_dir, roles=roles or ROLES)
    codebook = load_codebook(codebook_dir)
    coder = keyword_coder(normaliser)
    auto = keyword_codings(corpus.utterances, codebook.categories, normaliser) if keyword else None
    # The thesis coder is a user only where its codings are (not in a researcher's own transcripts),
    # and only the committed corpus is described as the thesis's quotes.
    named = tuple(c for c in (THESIS_CODER,) if c.coder_id in set(corpus.codings["coder"]))
    is_thesis = corpus.directory.resolve() == (data_dir() / "corpus").resolve()
    export = build_project(
        corpus.utterances,
        corpus.sections,
        corpus.codings,
        categories=codebook.categories,
        frameworks=codebook.frameworks,
        category_codings=auto,
        category_coder=coder,
        research_questions=corpus.research_questions,
        coders=named + ((coder,) if keyword else ()),
        **({} if is_thesis else _OTHER_CORPUS),
    )
    out = Path(out)
    data = export.to_bytes()
    validate_qdpx(data)
    findings = scan_export(export, corpus.utterances, out.name)
    if findings and not allow_pii:
        raise PersonalDataError(findings, f"export of {relative_to_root(corpus.directory)}")
    write_atomic(out, data)
    return out, export, findings
