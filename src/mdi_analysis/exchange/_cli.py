"""Command line of the exchange: ``export-qdpx``, ``import-qdpx`` and ``import-transcripts``.

Why here and not in each module: the three commands share one contract (exit 0 written, 1 the
anonymity scanner found something and nothing was written, 2 bad input or options), and
``python -m mdi_analysis`` delegates to these functions by name (``__main__.DELEGATES``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..corpus import ROLES
from ..errors import InputDataError, MdiError, PersonalDataError, QdaValidationError
from ..paths import data_dir, relative_to_root
from ..privacy import format_findings
from ._qda_export import export_qdpx
from ._qda_import import check_import_folder, read_qdpx, write_corpus
from ._qda_model import DEFAULT_OUT
from ._qda_roles import ROLE_FROM_HELP, parse_role_from
from ._qda_schema import schema_path
from ._transcripts_import import (
    DEFAULT_ID_PREFIX,
    DEFAULT_SECTION,
    build_import,
    format_import_findings,
    write_import,
)
from ._transcripts_read import DEFAULT_LABEL_PATTERN, INTERVIEWER, parse_speaker_map

__all__ = ["export_qdpx_main", "import_qdpx_main", "import_transcripts_main"]


# --------------------------------------------------------------------------------------------
# export-qdpx
# --------------------------------------------------------------------------------------------


def _export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdi-analysis export-qdpx",
        description="Export the interview corpus as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, "
        "QualCoder: one source per quote, the codebook and the thesis sections as codes, the thesis's "
        "placements and the keyword coder's categories as two coders, the role as a case variable. "
        "The project is validated against the REFI-QDA schema and scanned for PII before it is written.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_OUT),
        help=f"output file (default: ./{DEFAULT_OUT}; do not put it in reports/, the scanner cannot open ZIPs)",
    )
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: data/corpus/)")
    parser.add_argument("--codebook", type=Path, help="codebook folder (default: data/codebook/)")
    parser.add_argument(
        "--normaliser",
        default="lemma",
        choices=["lemma", "stem", "lower"],
        help="normaliser of the keyword coder (default: lemma, as the notebooks)",
    )
    parser.add_argument("--no-keyword-coder", action="store_true", help="leave out the automatic coder")
    parser.add_argument("--roles", help="comma-separated roles of a corpus with other roles than the thesis's two")
    parser.add_argument(
        "--allow-pii",
        action="store_true",
        help="write even when the anonymity scanner finds something (findings are still printed)",
    )
    return parser


def export_qdpx_main(argv: Sequence[str] | None = None) -> int:
    """``python -m mdi_analysis export-qdpx [--out FILE] …``. Exit 0 written, 1 PII found (nothing
    written), 2 bad input or an export that does not validate."""
    args = _export_parser().parse_args(list(argv) if argv is not None else None)
    roles = [r.strip() for r in args.roles.split(",")] if args.roles else None
    try:
        out, export, findings = export_qdpx(
            args.out,
            corpus_dir=args.corpus,
            codebook_dir=args.codebook,
            normaliser=args.normaliser,
            keyword=not args.no_keyword_coder,
            allow_pii=args.allow_pii,
            roles=roles,
        )
    except PersonalDataError as error:
        print(format_findings(error.findings), file=sys.stderr)
        print(
            f"export-qdpx: {error}. Fix the data at the source (docs/anonymisation.md), or pass --allow-pii.",
            file=sys.stderr,
        )
        return 1
    except (InputDataError, QdaValidationError, ValueError) as error:
        print(f"export-qdpx: {error}", file=sys.stderr)
        return 2
    if findings:
        print(format_findings(findings), file=sys.stderr)
        print("export-qdpx: written despite the findings above (--allow-pii); do not publish it.", file=sys.stderr)
    counts = ", ".join(f"{n} by {c}" for c, n in export.n_codings.items())
    n_sources = len(export.sources)
    print(
        f"export-qdpx: wrote {relative_to_root(out)} ({n_sources} sources, codings: {counts or 'none'}); "
        f"validated against {schema_path().name} (QDA-XML 1.0)"
    )
    return 0


# --------------------------------------------------------------------------------------------
# import-qdpx
# --------------------------------------------------------------------------------------------


def import_qdpx_main(argv: Sequence[str] | None = None) -> int:
    """``python -m mdi_analysis import-qdpx FILE --out DIR [--role-from WHERE] [--allow-pii]``: any
    QDA-XML 1.0 project as a corpus folder. Exit 0 written, 1 PII found, 2 bad input or options;
    nothing is written unless the exit status is 0."""
    parser = argparse.ArgumentParser(
        prog="mdi-analysis import-qdpx",
        description="Convert a REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder, qc or this "
        "package) into a corpus folder: one utterance per text source, the code tree as a codebook, every "
        "user's codings under a coder id from the user's name.",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to create (must be new or empty)")
    parser.add_argument("--role-from", metavar="WHERE", help=ROLE_FROM_HELP)
    parser.add_argument("--roles", help="comma-separated roles (default: arbeidsgiver,tillitsvalgt and those found)")
    parser.add_argument("--allow-pii", action="store_true")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a non-empty --out folder that an earlier import made (never a folder of your own)",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.out.resolve() == (data_dir() / "corpus").resolve():
        print(
            "import-qdpx: refusing to overwrite the committed corpus data/corpus/; choose another --out",
            file=sys.stderr,
        )
        return 2
    roles = [r.strip() for r in args.roles.split(",")] if args.roles else None
    try:
        role_from = parse_role_from(args.role_from)
        check_import_folder(args.out, overwrite=args.overwrite)
        project = read_qdpx(args.file, role_from=role_from)
        written, findings = write_corpus(
            project, args.file, args.out, allow_pii=args.allow_pii, roles=roles, overwrite=args.overwrite
        )
    except PersonalDataError as error:
        print(format_findings(error.findings), file=sys.stderr)
        print(f"import-qdpx: {error}", file=sys.stderr)
        return 1
    except MdiError as error:
        print(f"import-qdpx: {error}", file=sys.stderr)
        return 2
    for warning in project.warnings:
        print(f"import-qdpx: warning: {warning}", file=sys.stderr)
    if project.unused:
        print(f"import-qdpx: not imported: {project.unused}", file=sys.stderr)
    if findings:
        print(format_findings(findings), file=sys.stderr)
    coders = ", ".join(
        f"{c} ({len(project.selections[project.selections['coder'] == c])} codings)" for c in project.coders["coder"]
    )
    print(
        f"import-qdpx: wrote {len(written)} files to {relative_to_root(Path(args.out))}: "
        f"{len(project.utterances)} utterances, {len(project.codebook)} codebook categories, "
        f"{len(project.sections)} sections; coders: {coders or 'none'} (coders.csv maps them to the user names)"
    )
    return 0


# --------------------------------------------------------------------------------------------
# import-transcripts
# --------------------------------------------------------------------------------------------


def _transcripts_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdi-analysis import-transcripts",
        description="Import interview transcripts (.txt or .docx, speaker-labelled turns such as 'I:' / 'R:') "
        "as a corpus folder that the notebooks read with corpus_dir. Every utterance is scanned for personal "
        "data first; if anything is found, nothing is written unless --allow-pii is given.",
    )
    parser.add_argument("files", nargs="+", type=Path, help="transcripts (.txt UTF-8, .docx)")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to create (must be new or empty)")
    parser.add_argument(
        "--role",
        help="the respondent's role for files without a 'Rolle:' header "
        "(arbeidsgiver, tillitsvalgt, or one of --roles)",
    )
    parser.add_argument(
        "--speaker-map",
        action="append",
        default=[],
        metavar="LABEL=SPEAKER",
        help="add or override a speaker label; SPEAKER is a role, 'interviewer' or 'respondent' "
        "(repeatable or comma-separated, e.g. 'Leder=arbeidsgiver,Q=interviewer')",
    )
    parser.add_argument(
        "--label-pattern",
        default=DEFAULT_LABEL_PATTERN,
        help="regular expression for a labelled line, with named groups 'label' and 'text'",
    )
    parser.add_argument(
        "--roles", help="comma-separated roles of a study with other roles than arbeidsgiver,tillitsvalgt"
    )
    parser.add_argument(
        "--default-section",
        default=DEFAULT_SECTION,
        help=f"section of answers to no recognised guide question (default: {DEFAULT_SECTION})",
    )
    parser.add_argument(
        "--no-guide-sections",
        action="store_true",
        help="do not recognise interview-guide questions; every answer goes under --default-section",
    )
    parser.add_argument(
        "--guide-corpus",
        type=Path,
        help="corpus folder whose interview guide and sections are used (default: data/corpus/)",
    )
    parser.add_argument(
        "--id-prefix", default=DEFAULT_ID_PREFIX, help="utterance id prefix (default: T → T001, T002, …)"
    )
    parser.add_argument(
        "--allow-pii",
        action="store_true",
        help="write even when the anonymity scanner finds something (the findings are still printed); "
        "the output must then not be published",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a non-empty --out folder that an earlier import made (never a folder of your own)",
    )
    return parser


def import_transcripts_main(argv: Sequence[str] | None = None) -> int:
    """``python -m mdi_analysis import-transcripts FILE... --out DIR [...]``.

    Exit 0: written. Exit 1: anonymity findings, nothing written. Exit 2: bad input or options
    (unreadable file, unknown role or label, no respondent turns, ``--out`` not empty)."""
    args = _transcripts_parser().parse_args(list(argv) if argv is not None else None)
    roles = tuple(r.strip() for r in args.roles.split(",") if r.strip()) if args.roles else ROLES
    try:
        speakers = parse_speaker_map(args.speaker_map, roles)
        result = build_import(
            args.files,
            speakers=speakers,
            role=args.role,
            roles=roles,
            label_pattern=args.label_pattern,
            default_section=args.default_section,
            detect_sections=not args.no_guide_sections,
            guide_corpus=args.guide_corpus,
            id_prefix=args.id_prefix,
        )
    except (MdiError, ValueError) as error:
        print(f"import-transcripts: {error}", file=sys.stderr)
        return 2
    for warning in result.warnings:
        print(f"import-transcripts: warning: {warning}", file=sys.stderr)
    for transcript in result.transcripts:
        ids = [uid for uid, turn in result.utterance_turns.items() if turn.file == transcript.file]
        asked = sum(1 for t in transcript.turns if t.speaker == INTERVIEWER)
        span = f"{ids[0]}–{ids[-1]}" if len(ids) > 1 else (ids[0] if ids else "none")
        print(
            f"import-transcripts: {relative_to_root(transcript.file)}: {_count(len(ids), 'utterance')} ({span}), "
            f"{_count(asked, 'interviewer turn')} not imported"
        )
    if result.findings:
        print(format_import_findings(result.findings), file=sys.stderr)
        if not args.allow_pii:
            print(
                "import-transcripts: nothing written. Remove or pseudonymise the personal data in the transcripts "
                "(docs/anonymisation.md), or pass --allow-pii to write anyway (then do not publish the output).",
                file=sys.stderr,
            )
            return 1
    try:
        written = write_import(result, args.out, allow_pii=args.allow_pii, overwrite=args.overwrite)
    except (MdiError, ValueError) as error:
        print(f"import-transcripts: {error}", file=sys.stderr)
        return 2
    utterances = result.frames["utterances.csv"]
    by_role = ", ".join(f"{n} {r}" for r, n in utterances["role"].value_counts().sort_index().items())
    by_section = utterances["section_id"].nunique()
    note = " WITH anonymity findings (--allow-pii): do not publish it" if result.findings else ""
    print(
        f"import-transcripts: wrote {len(written)} files to {relative_to_root(Path(args.out))}: "
        f"{_count(len(utterances), 'utterance')} ({by_role}) in {_count(by_section, 'section')}{note}. "
        f"Run a notebook on it with: python -m mdi_analysis run NN -p corpus_dir {Path(args.out).resolve()}"
    )
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
