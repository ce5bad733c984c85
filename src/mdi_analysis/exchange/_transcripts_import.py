"""Transcripts → a corpus folder, with a personal-data gate before anything is written.

Why: the library and the notebooks work on any folder in the corpus format (``data/README.md``,
*Your own transcripts in the same shape*), so a researcher who brings ten new interviews should get
the same tables for them by passing ``corpus_dir``. This module keeps the respondents' turns (read
by ``_transcripts_read``) as utterances (``T001`` …) and hands each utterance to the anonymity
scanner *before* anything is written. Transcripts are where personal data enters a project: a
name, a phone number, "jeg jobber i Hol kommune". When the scanner finds anything, the findings
are printed (file, turn, kind, match) and nothing is written, unless the researcher explicitly
overrides with ``allow_pii``/``--allow-pii``. The output is built in a temporary folder, validated
with :func:`~mdi_analysis.corpus.load_corpus`, and only then moved into place
(:func:`~mdi_analysis.io.write_folder`), so a failed import leaves nothing behind.

Decisions (details in ``docs/qda-and-transcripts.md``):

- **Interviewer turns are not utterances.** They are used only to recognise which interview-guide
  question is being asked, which files the following answers under that question's thesis section.
  They are never written: the corpus holds respondents' statements, and interviewers' questions
  often carry the names and places that the quotes avoid.
- **No file names, no respondent ids** in the output. A file name such as
  ``intervju-hol-radmann.docx`` would link quotes to a municipality and a role, and a respondent
  id groups quotes by person, which the anonymisation policy forbids (``docs/anonymisation.md``).
  The mapping from utterance ids to files is printed in the terminal only.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..corpus import ROLES, count_words
from ..errors import InputDataError, OptionError, PersonalDataError
from ..io import check_output_folder, write_folder, write_table
from ..paths import data_dir, relative_to_root
from ..privacy import Finding, scan_text
from ._input_limits import Progress
from ._transcripts_read import DEFAULT_LABEL_PATTERN, INTERVIEWER, Transcript, Turn, read_transcript, role_value

__all__ = [
    "DEFAULT_SECTION",
    "ImportFinding",
    "ImportResult",
    "build_import",
    "write_import",
    "import_transcripts",
    "format_import_findings",
]

DEFAULT_SECTION = "import"
DEFAULT_SECTION_TITLE = "Importerte intervjuer (ingen spørsmål fra intervjuguiden gjenkjent)"
DEFAULT_ID_PREFIX = "T"

#: Guide-question detection: a question counts as asked when the interviewer's turn shares a run of
#: at least this many consecutive words with it ...
GUIDE_MIN_RUN = 4
#: ... or contains at least this share of its content words (words of 4+ letters, at least 3 of them).
GUIDE_MIN_COVERAGE = 0.6

FLAG_ROLE_FROM_FILE = "role_from_file"
FLAG_SECTION_FROM_GUIDE = "section_from_guide"

UTTERANCE_COLUMNS = ["utterance_id", "role", "role_label", "text", "section_id", "n_words", "flags"]
SECTION_COLUMNS = ["section_id", "research_question", "title", "guide_questions", "guide_evidence"]


@dataclass(frozen=True)
class ImportFinding:
    """An anonymity finding tied to where the researcher can fix it: file, turn, line/paragraph."""

    file: Path
    unit: str
    line: int
    turn: int
    utterance_id: str
    kind: str
    match: str
    detail: str
    context: str


@dataclass
class ImportResult:
    """The corpus tables of an import, before writing, with every finding and warning."""

    frames: dict[str, pd.DataFrame]
    transcripts: list[Transcript]
    utterance_turns: dict[str, Turn]
    findings: list[ImportFinding]
    warnings: list[str]
    roles: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Interview guide → section
# --------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


@dataclass(frozen=True)
class _Guide:
    questions: list[tuple[str, list[str]]]  # (question_id, words)
    section_of: dict[str, str]  # question_id -> section_id

    @classmethod
    def load(cls, corpus_dir: Path) -> _Guide | None:
        from ..corpus import load_corpus

        try:
            corpus = load_corpus(corpus_dir)
        except InputDataError:
            return None
        if corpus.interview_guide.empty:
            return None
        section_of: dict[str, str] = {}
        for section_id, listed in zip(corpus.sections["section_id"], corpus.sections["guide_questions"]):
            if isinstance(listed, str):
                for question in listed.split(";"):
                    section_of.setdefault(question, section_id)
        questions = [
            (str(q), _words(str(t)))
            for q, t in zip(corpus.interview_guide["question_id"], corpus.interview_guide["text"])
        ]
        return cls(questions, section_of)

    def match(self, text: str) -> str | None:
        """The guide question an interviewer's turn asks, or None (a follow-up like "Kan du utdype?")."""
        words = _words(text)
        if len(words) < 3:
            return None
        best: tuple[int, float, str] | None = None
        for question_id, q_words in self.questions:
            matcher = difflib.SequenceMatcher(None, words, q_words, autojunk=False)
            run = matcher.find_longest_match(0, len(words), 0, len(q_words)).size
            content = {w for w in q_words if len(w) >= 4}
            coverage = len(content & set(words)) / len(content) if len(content) >= 3 else 0.0
            if run >= GUIDE_MIN_RUN or coverage >= GUIDE_MIN_COVERAGE:
                candidate = (run, coverage, question_id)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
        return best[2] if best else None


# --------------------------------------------------------------------------------------------
# Building the corpus tables
# --------------------------------------------------------------------------------------------


def build_import(
    paths: Sequence[str | Path],
    *,
    speakers: Mapping[str, str] | None = None,
    role: str | None = None,
    roles: Sequence[str] = ROLES,
    label_pattern: str = DEFAULT_LABEL_PATTERN,
    default_section: str = DEFAULT_SECTION,
    detect_sections: bool = True,
    guide_corpus: str | Path | None = None,
    id_prefix: str = DEFAULT_ID_PREFIX,
) -> ImportResult:
    """Parse every transcript, cut the respondents' turns into utterances, and scan them for PII.

    Nothing is written here. Utterance ids are ``<id_prefix>001`` … in the order of the files and
    turns. With ``detect_sections``, an interviewer's turn that asks a question of the interview
    guide (``guide_corpus``, default: the committed corpus) files the following answers under that
    question's thesis section. Other answers go under ``default_section``. The sections, guide and
    research questions used are copied, so the folder is self-contained.
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", id_prefix):
        raise OptionError(f"id prefix {id_prefix!r}: use letters, digits, '_' or '-', starting with a letter")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", default_section):
        raise OptionError(f"default section {default_section!r}: use letters, digits, '.', '_' or '-'")
    roles = tuple(roles)
    # The transcripts first: a file that cannot be read fails at once, before the guide is loaded.
    transcripts = [
        read_transcript(p, speakers=speakers, role=role, roles=roles, label_pattern=label_pattern) for p in paths
    ]
    guide_dir = Path(guide_corpus) if guide_corpus else data_dir() / "corpus"
    guide = _Guide.load(guide_dir) if detect_sections else None

    rows: list[dict[str, object]] = []
    turn_of: dict[str, Turn] = {}
    used_sections: list[str] = []
    for transcript in transcripts:
        section, detected = default_section, False
        shown = relative_to_root(transcript.file)
        progress = Progress(f"{shown}: sorting into sections", len(transcript.turns), "turns")
        for turn in transcript.turns:
            progress.update(turn.number)
            if turn.speaker == INTERVIEWER:
                question = guide.match(turn.text) if guide else None
                if question is not None:
                    section = guide.section_of.get(question, default_section) if guide else default_section
                    detected = section != default_section
                continue
            utterance_id = f"{id_prefix}{len(rows) + 1:03d}"
            flags = []
            if turn.role_source != "label":
                flags.append(FLAG_ROLE_FROM_FILE)
            if detected:
                flags.append(FLAG_SECTION_FROM_GUIDE)
            rows.append(
                {
                    "utterance_id": utterance_id,
                    "role": turn.speaker,
                    # The printed label only when it is a role word: a label such as "Kari" would leak.
                    "role_label": turn.label if role_value(turn.label, roles) else None,
                    "text": turn.text,
                    "section_id": section,
                    "n_words": count_words(turn.text),
                    "flags": ";".join(flags) or None,
                }
            )
            turn_of[utterance_id] = turn
            if section not in used_sections:
                used_sections.append(section)

    warnings = [w for t in transcripts for w in t.warnings]
    utterances = pd.DataFrame(rows, columns=UTTERANCE_COLUMNS)
    utterances["n_words"] = utterances["n_words"].astype("Int64")
    frames = {
        "utterances.csv": utterances,
        **_section_frames(used_sections or [default_section], default_section, guide_dir),
    }
    result = ImportResult(frames, transcripts, turn_of, [], warnings, roles)
    result.findings = _scan(result)
    return result


def _section_frames(used: list[str], default_section: str, guide_dir: Path) -> dict[str, pd.DataFrame]:
    """sections.csv (the default section + the thesis sections used), and the guide and research
    questions those sections refer to, copied from ``guide_dir``."""
    rows: list[dict[str, object]] = []
    frames: dict[str, pd.DataFrame] = {}
    thesis_sections = [s for s in used if s != default_section]
    if thesis_sections:
        from ..corpus import load_corpus

        corpus = load_corpus(guide_dir)
        table = corpus.sections.set_index("section_id")
        for section_id in used:
            if section_id == default_section:
                rows.append({"section_id": default_section, "title": DEFAULT_SECTION_TITLE})
            else:
                row = table.loc[section_id]
                rows.append(
                    {
                        "section_id": section_id,
                        "research_question": row["research_question"],
                        "title": row["title"],
                        "guide_questions": row["guide_questions"],
                        "guide_evidence": row["guide_evidence"],
                    }
                )
        frames["interview_guide.csv"] = corpus.interview_guide[["question_id", "part", "text"]]
        frames["research_questions.csv"] = corpus.research_questions[["research_question", "text"]]
    else:
        rows.append({"section_id": default_section, "title": DEFAULT_SECTION_TITLE})
    sections = pd.DataFrame(rows, columns=SECTION_COLUMNS)
    sections["research_question"] = sections["research_question"].astype("Int64")
    return {"sections.csv": sections, **frames}


# --------------------------------------------------------------------------------------------
# Anonymity
# --------------------------------------------------------------------------------------------


def _render(frame: pd.DataFrame) -> str:
    from ..corpus import render_csv

    return render_csv(frame)


def _scan(result: ImportResult) -> list[ImportFinding]:
    """Scan each utterance as a one-row corpus table, then every output file as a whole.

    Each utterance is scanned as a one-row corpus table (id, role, label, text, section) because
    that is the context it will be published in, and in that context a municipality named inside a
    quote is a finding (``Jeg jobber i Hol kommune``). The whole files are scanned too, for what only
    shows across columns or neighbouring rows. Findings are tied to the file, turn and line of the
    transcript, where the researcher has to fix them.
    """
    utterances = result.frames["utterances.csv"]
    findings: list[ImportFinding] = []
    seen: set[tuple[str, str, str]] = set()
    columns = ["utterance_id", "role", "role_label", "text", "section_id"]
    progress = Progress("scanning for personal data", len(utterances), "utterances")
    for position in range(len(utterances)):
        progress.update(position + 1)
        row = utterances.iloc[[position]][columns]
        uid = str(row["utterance_id"].iloc[0])
        for finding in scan_text(_render(row), source="utterances.csv", fmt=".csv"):
            findings.append(_tie(finding, uid, result))
            seen.add((uid, finding.kind, finding.match))
    for name, frame in result.frames.items():
        text = _render(frame)
        row_ids = _row_ids(text) if name == "utterances.csv" else {}
        for finding in scan_text(text, source=name, fmt=".csv"):
            uid = row_ids.get(finding.line, "")
            if (uid, finding.kind, finding.match) in seen:
                continue
            seen.add((uid, finding.kind, finding.match))
            findings.append(
                _tie(finding, uid, result)
                if uid
                else ImportFinding(
                    Path(name),
                    "line",
                    finding.line,
                    0,
                    "",
                    finding.kind,
                    finding.match,
                    finding.detail,
                    finding.context,
                )
            )
    return findings


def _row_ids(text: str) -> dict[int, str]:
    """File line where each row of a rendered utterances.csv starts → its utterance id."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    ids: dict[int, str] = {}
    start = reader.line_num + 1
    for record in reader:
        ids[start] = record[0]
        start = reader.line_num + 1
    return ids


def _tie(finding: Finding, utterance_id: str, result: ImportResult) -> ImportFinding:
    turn = result.utterance_turns[utterance_id]
    transcript = next(t for t in result.transcripts if t.file == turn.file)
    return ImportFinding(
        turn.file,
        transcript.unit,
        transcript.locate(turn, finding.match),
        turn.number,
        utterance_id,
        finding.kind,
        finding.match,
        finding.detail,
        finding.context,
    )


def format_import_findings(findings: Sequence[ImportFinding]) -> str:
    """One line per finding, ``file:unit N, turn T (Txxx): kind: 'match' — why``, then a summary."""
    lines = []
    for f in findings:
        where = f"{relative_to_root(f.file)}"
        if f.turn:
            where += f": {f.unit} {f.line}, turn {f.turn} ({f.utterance_id})"
        else:
            where += f": line {f.line} of the output"
        lines.append(f"{where}: {f.kind}: {f.match!r} — {f.detail}")
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    summary = f"anonymity scan of the import: {len(findings)} finding{'s' if len(findings) != 1 else ''}"
    if kinds:
        summary += " (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")"
    lines.append(summary)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_import(
    result: ImportResult, out_dir: str | Path, *, allow_pii: bool = False, overwrite: bool = False
) -> list[Path]:
    """Write the import as a corpus folder, or nothing at all.

    Refuses (:class:`~mdi_analysis.errors.PersonalDataError`) when the scan found anything and ``allow_pii`` is false.
    Refuses (:class:`~mdi_analysis.errors.OptionError`) to write into a non-empty folder unless
    ``overwrite`` and the folder is one the package made (its marker file lists everything in it;
    :func:`~mdi_analysis.io.check_output_folder`), and never writes into the committed
    ``data/corpus/``. The folder is built next to ``out_dir``, validated with ``load_corpus`` and
    then moved into place, so ``out_dir`` holds either the previous content or the complete new
    corpus.
    """
    from ..corpus import FLOAT_FORMAT, load_corpus

    if result.findings and not allow_pii:
        raise PersonalDataError(result.findings, "the transcripts")
    out_dir = Path(out_dir).resolve()
    if out_dir == (data_dir() / "corpus").resolve():
        raise OptionError(f"{relative_to_root(out_dir)} is the committed thesis corpus; import into another folder")
    check_output_folder(out_dir, keep_other_files=False, overwrite=overwrite)
    if len(result.frames["utterances.csv"]) == 0:
        files = ", ".join(relative_to_root(t.file) for t in result.transcripts) or "the transcripts"
        raise InputDataError(files, "no respondent turns to write", expected="turns labelled with a respondent's label")

    def write(staging: Path) -> list[str]:
        for name, frame in result.frames.items():
            write_table(frame, staging / name, float_format=FLOAT_FORMAT)
        load_corpus(staging, roles=result.roles)  # InputDataError if the import is not a valid corpus
        return list(result.frames)

    return write_folder(
        out_dir,
        write,
        made_by="import-transcripts",
        keep_other_files=False,
        overwrite=overwrite,
        prefix=f".{out_dir.name}.import-",
    )


def import_transcripts(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    allow_pii: bool = False,
    overwrite: bool = False,
    **options: object,
) -> ImportResult:
    """:func:`build_import` then :func:`write_import`. ``options`` are passed to :func:`build_import`."""
    result = build_import(paths, **options)  # type: ignore[arg-type]
    write_import(result, out_dir, allow_pii=allow_pii, overwrite=overwrite)
    return result
