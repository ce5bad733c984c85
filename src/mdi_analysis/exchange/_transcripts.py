"""Import a researcher's own interview transcripts (.txt, .docx) as a corpus folder.

Why: the library and the notebooks work on any folder in the corpus format (``data/README.md``,
*Your own transcripts in the same shape*), so a researcher who brings ten new interviews should get
the same tables for them by passing ``corpus_dir``. Transcripts come as plain text or Word files
with speaker-labelled turns::

    Rolle: tillitsvalgt
    I: Hva legger du i begrepet innovasjon?
    R: For meg er innovasjon å gjøre ting på en ny måte …

This module cuts them into turns at the speaker labels, keeps the respondents' turns as utterances
(``T001`` …) and hands each utterance to the anonymity scanner *before* anything is written.
Transcripts are where personal data enters a project: a name, a phone number, "jeg jobber i Hol
kommune". When the scanner finds anything, the findings are printed (file, turn, kind, match) and
nothing is written, unless the researcher explicitly overrides with ``allow_pii``/``--allow-pii``.
The output is built in a temporary folder, validated with
:func:`~mdi_analysis.corpus.load_corpus`, and only then moved into place, so a failed import
leaves nothing behind.

Decisions (details in ``docs/qda-and-transcripts.md``):

- **One turn = one utterance.** A turn runs from a speaker label to the next label. Lines wrapped
  inside a paragraph are joined with a space. Paragraphs (a blank line in .txt, a new paragraph in
  .docx) are kept as a blank line (``\\n\\n``), as in the thesis corpus.
- **Interviewer turns are not utterances.** They are used only to recognise which interview-guide
  question is being asked, which files the following answers under that question's thesis section.
  They are never written: the corpus holds respondents' statements, and interviewers' questions
  often carry the names and places that the quotes avoid.
- **Roles** come from the turn's own label (``Tillitsvalgt:``), from a header line of the file
  (``Rolle: arbeidsgiver``), or from the ``role`` argument, in that order. A generic label such as
  ``R:`` needs one of the latter two.
- **No file names, no respondent ids** in the output. A file name such as
  ``intervju-hol-radmann.docx`` would link quotes to a municipality and a role, and a respondent
  id groups quotes by person, which the anonymisation policy forbids (``docs/anonymisation.md``).
  The mapping from utterance ids to files is printed in the terminal only.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..privacy import Finding, scan_text
from ..corpus.model import ROLE_LABELS, ROLES, count_words
from ..errors import InputDataError, PersonalDataError
from ..paths import data_dir, relative_to_root

__all__ = [
    "INTERVIEWER",
    "RESPONDENT",
    "DEFAULT_SPEAKERS",
    "DEFAULT_LABEL_PATTERN",
    "DEFAULT_SECTION",
    "Turn",
    "Transcript",
    "ImportFinding",
    "ImportResult",
    "PersonalDataError",
    "parse_speaker_map",
    "read_transcript",
    "build_import",
    "write_import",
    "import_transcripts",
    "format_import_findings",
    "main",
]

#: Speaker kinds besides the corpus roles: the interviewer (not an utterance) and "the respondent"
#: (an utterance whose role comes from the file's header or the ``role`` argument).
INTERVIEWER = "interviewer"
RESPONDENT = "respondent"

#: Default speaker labels (matched case-insensitively, with a trailing '.' ignored) and what they mean.
DEFAULT_SPEAKERS: dict[str, str] = {
    "i": INTERVIEWER,
    "int": INTERVIEWER,
    "intervjuer": INTERVIEWER,
    "intervjuar": INTERVIEWER,
    "interviewer": INTERVIEWER,
    "spørsmål": INTERVIEWER,
    "r": RESPONDENT,
    "respondent": RESPONDENT,
    "informant": RESPONDENT,
    "inf": RESPONDENT,
    "svar": RESPONDENT,
    **{label.lower(): role for label, role in ROLE_LABELS.items()},
}

#: A speaker label at the start of a line: optional timestamp (``[00:12:34]``, ``(12:34)``), a label
#: of at most 30 characters that starts with a letter, a colon, then the turn's text. Whether a match
#: *is* a speaker label is decided by the speaker map, so ``Det er slik: …`` stays text.
DEFAULT_LABEL_PATTERN = (
    r"^\s*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s*)?"
    r"(?P<label>[^\W\d_][\w .'’-]{0,29}?)\s*:\s*(?P<text>.*)$"
)
#: Header line that sets the role of a file's respondent, e.g. ``Rolle: tillitsvalgt``.
ROLE_HEADER = re.compile(r"^\s*#?\s*(?:rolle|role)\s*[:=]\s*(?P<value>\S.*?)\s*$", re.IGNORECASE)

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


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """One speaker turn. ``line`` is the line (.txt) or paragraph (.docx: every paragraph counts,
    empty ones and headings too, and a table row counts as one) where it starts, and ``end_line``
    where it ends, as a researcher finds them in an editor or in Word. ``speaker`` is
    :data:`INTERVIEWER` or a corpus role. ``role_source`` says where the role came from:
    ``label``, ``header`` or ``argument``."""

    file: Path
    number: int
    line: int
    label: str
    speaker: str
    role_source: str
    text: str
    end_line: int = 0


@dataclass
class Transcript:
    """A parsed transcript: its turns, the role its header gave, and what looked odd."""

    file: Path
    unit: str  # "line" (.txt) or "paragraph" (.docx)
    turns: list[Turn]
    header_role: str | None = None
    warnings: list[str] = field(default_factory=list)
    lines: dict[int, str] = field(default_factory=dict, repr=False)

    def locate(self, turn: Turn, match: str) -> int:
        """The line (paragraph) of ``turn`` that holds ``match``, so a finding points at the exact
        place to fix. A match that a line break splits falls back to the turn's first line."""
        wanted = _clean(match)
        for number in range(turn.line, max(turn.line, turn.end_line) + 1):
            if wanted and wanted in _clean(self.lines.get(number, "")):
                return number
        return turn.line


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
# Speaker map
# --------------------------------------------------------------------------------------------


def _key(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip().rstrip(".").strip()).casefold()


def parse_speaker_map(items: Iterable[str], roles: Sequence[str] = ROLES,
                      base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The default speaker map extended by ``LABEL=SPEAKER`` items (``SPEAKER``: a role, ``interviewer``
    or ``respondent``), e.g. ``["Leder=arbeidsgiver", "Q=interviewer"]``. Several items may be given
    comma-separated. An unknown speaker is an error: a typo would otherwise file every turn under
    the wrong side."""
    speakers = dict(DEFAULT_SPEAKERS if base is None else base)
    allowed = set(roles) | {INTERVIEWER, RESPONDENT}
    for item in items:
        for part in item.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise ValueError(f"speaker map item {part!r} is not LABEL=SPEAKER")
            label, speaker = (s.strip() for s in part.split("=", 1))
            speaker = _role_value(speaker, roles) or speaker.casefold()
            if not label or speaker not in allowed:
                raise ValueError(f"speaker map item {part!r}: speaker must be one of {', '.join(sorted(allowed))}")
            speakers[_key(label)] = speaker
    return speakers


def _role_value(value: str, roles: Sequence[str]) -> str | None:
    """A role written as a role (``tillitsvalgt``) or as a printed label (``Hovedtillitsvalgt``)."""
    lowered = value.strip().casefold()
    for role in roles:
        if lowered == role.casefold():
            return role
    for label, role in ROLE_LABELS.items():
        if lowered == label.casefold() and role in roles:
            return role
    return None


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """NFC (Word and macOS can store å as a + ring; offsets and matching need one form), no tabs or
    non-breaking spaces, single spaces."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[ \t\u00a0\u2007\u202f]+", " ", text).strip()


def _read_lines(path: Path, warnings: list[str]) -> tuple[list[tuple[int, str]], str]:
    """The file as (number, line) pairs, and the unit the numbers count: file lines for .txt,
    paragraphs for .docx. A .docx paragraph becomes its lines followed by a blank line, so both
    formats share one parser. A table row of two or more cells becomes ``first cell: other cells``,
    because transcripts in tables put the speaker in the first column."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_lines(path), "paragraph"
    if suffix not in {".txt", ".text", ".md", ""}:
        raise InputDataError(relative_to_root(path), f"unsupported file type {suffix!r}",
                             expected="a .txt (UTF-8) or .docx transcript")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputDataError(relative_to_root(path), "file not found", expected="an existing transcript") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        warnings.append(f"{relative_to_root(path)}: not UTF-8, read as Windows-1252. Check æ, ø and å in the output")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return list(enumerate(lines, start=1)), "line"


def _docx_lines(path: Path) -> list[tuple[int, str]]:
    """Paragraphs in document order, numbered from 1 (empty paragraphs count, and a table row
    counts as one), each as its lines plus a blank line."""
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise InputDataError(relative_to_root(path), f"python-docx is needed to read .docx ({error})") from None
    try:
        document = docx.Document(str(path))
    except Exception as error:  # noqa: BLE001 - python-docx raises several types for a broken file
        raise InputDataError(relative_to_root(path), f"cannot be read as a Word document ({type(error).__name__})",
                             expected="a .docx file (save .doc files as .docx)") from None
    lines: list[tuple[int, str]] = []
    number = 0
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            number += 1
            lines.extend((number, line) for line in Paragraph(child, document).text.split("\n"))
            lines.append((number, ""))
        elif tag == "tbl":
            for row in Table(child, document).rows:
                number += 1
                cells = [cell.text.strip() for cell in row.cells]
                cells = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]  # merged cells repeat
                if len(cells) >= 2:
                    lines.append((number, f"{cells[0]}: {' '.join(cells[1:])}"))
                elif cells:
                    lines.append((number, cells[0]))
                lines.append((number, ""))
    return lines


def read_transcript(
    path: str | Path,
    *,
    speakers: Mapping[str, str] | None = None,
    role: str | None = None,
    roles: Sequence[str] = ROLES,
    label_pattern: str = DEFAULT_LABEL_PATTERN,
) -> Transcript:
    """Parse one transcript into turns.

    ``speakers`` maps labels (lower case) to a role, :data:`INTERVIEWER` or :data:`RESPONDENT`
    (default :data:`DEFAULT_SPEAKERS`). ``role`` is the respondent's role when the file has no
    ``Rolle:`` header. ``label_pattern`` is a regular expression with the named groups ``label``
    and ``text``. Text before the first labelled turn is a preamble: it is not imported, except a
    role header. A line that looks like a speaker label but is not in the map is kept as text and
    reported as a warning, because a name used as a label (``Kari:``) must not be lost silently.
    """
    path = Path(path)
    speakers = dict(DEFAULT_SPEAKERS if speakers is None else speakers)
    pattern = re.compile(label_pattern)
    if not {"label", "text"} <= set(pattern.groupindex):
        raise ValueError("label_pattern needs the named groups 'label' and 'text'")
    warnings: list[str] = []
    lines, unit = _read_lines(path, warnings)
    name = relative_to_root(path)
    header_role: str | None = None
    if role is not None and _role_value(role, roles) is None:
        raise ValueError(f"role {role!r} is not one of {', '.join(roles)}")
    default_role = _role_value(role, roles) if role else None

    turns: list[Turn] = []
    current: dict[str, object] | None = None
    paragraphs: list[list[str]] = []
    last_line = 0
    numbered: dict[int, str] = {}

    def close() -> None:
        nonlocal current, paragraphs
        if current is None:
            return
        text = "\n\n".join(_clean(" ".join(p)) for p in paragraphs if _clean(" ".join(p)))
        if text:
            turns.append(Turn(path, len(turns) + 1, int(current["line"]), str(current["label"]),
                              str(current["speaker"]), str(current["role_source"]), text, last_line))
        else:
            warnings.append(f"{name}: {unit} {current['line']}: turn '{current['label']}:' has no text; skipped")
        current, paragraphs = None, []

    for line_no, line in lines:
        stripped = line.strip()
        if stripped:
            numbered[line_no] = (numbered[line_no] + " " + stripped) if line_no in numbered else stripped
        if current is None and (header := ROLE_HEADER.match(stripped)):
            value = _role_value(header.group("value"), roles) or speakers.get(_key(header.group("value")))
            if value not in roles:
                raise InputDataError(name, f"role header {stripped!r} names no known role", line=line_no,
                                     expected="one of " + ", ".join(roles))
            header_role = value
            continue
        match = pattern.match(line) if stripped else None
        speaker = speakers.get(_key(match.group("label"))) if match else None
        if match and speaker is not None:
            close()
            label = match.group("label").strip()
            if speaker == RESPONDENT:
                resolved = header_role or default_role
                if resolved is None:
                    raise InputDataError(
                        name, f"turn '{label}:' needs the respondent's role", line=line_no,
                        expected="a header line such as 'Rolle: tillitsvalgt' or the role argument (--role)")
                role_source = "header" if header_role else "argument"
                speaker = resolved
            else:
                role_source = "label"
                if speaker != INTERVIEWER and speaker not in roles:
                    raise InputDataError(name, f"label '{label}:' maps to {speaker!r}, which is not a role",
                                         line=line_no, expected="one of " + ", ".join(roles))
            current = {"line": line_no, "label": label, "speaker": speaker, "role_source": role_source}
            paragraphs = [[match.group("text")]]
            last_line = line_no
            continue
        if match and _looks_like_label(match.group("label")):
            warnings.append(f"{name}: {unit} {line_no}: '{match.group('label').strip()}:' looks like a speaker label "
                            "but is not in the speaker map; kept as text of the previous turn (add it with --speaker-map)")
        if current is None:
            continue  # preamble (title, date, …): not imported
        if not stripped:
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
            continue
        if not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(stripped)
        last_line = line_no
    close()
    if not any(t.speaker != INTERVIEWER for t in turns):
        warnings.append(f"{name}: no respondent turns found (labels seen: "
                        f"{', '.join(sorted({t.label for t in turns})) or 'none'})")
    return Transcript(path, unit, turns, header_role, warnings, numbered)


def _looks_like_label(label: str) -> bool:
    """One or two capitalised words: a speaker label by its look (``Kari:``, ``Kari N:``, ``LEDER:``)."""
    words = label.split()
    return 1 <= len(words) <= 2 and all(w[:1].isupper() for w in words) and len(label) <= 20


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
        questions = [(str(q), _words(str(t))) for q, t in zip(corpus.interview_guide["question_id"], corpus.interview_guide["text"])]
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
        raise ValueError(f"id prefix {id_prefix!r}: use letters, digits, '_' or '-', starting with a letter")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", default_section):
        raise ValueError(f"default section {default_section!r}: use letters, digits, '.', '_' or '-'")
    roles = tuple(roles)
    guide_dir = Path(guide_corpus) if guide_corpus else data_dir() / "corpus"
    guide = _Guide.load(guide_dir) if detect_sections else None
    transcripts = [read_transcript(p, speakers=speakers, role=role, roles=roles, label_pattern=label_pattern) for p in paths]

    rows: list[dict[str, object]] = []
    turn_of: dict[str, Turn] = {}
    used_sections: list[str] = []
    for transcript in transcripts:
        section, detected = default_section, False
        for turn in transcript.turns:
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
            rows.append({
                "utterance_id": utterance_id,
                "role": turn.speaker,
                # The printed label only when it is a role word: a label such as "Kari" would leak.
                "role_label": turn.label if _role_value(turn.label, roles) else None,
                "text": turn.text,
                "section_id": section,
                "n_words": count_words(turn.text),
                "flags": ";".join(flags) or None,
            })
            turn_of[utterance_id] = turn
            if section not in used_sections:
                used_sections.append(section)

    warnings = [w for t in transcripts for w in t.warnings]
    utterances = pd.DataFrame(rows, columns=UTTERANCE_COLUMNS)
    utterances["n_words"] = utterances["n_words"].astype("Int64")
    frames = {"utterances.csv": utterances, **_section_frames(used_sections or [default_section], default_section, guide_dir)}
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
                rows.append({"section_id": section_id, "research_question": row["research_question"],
                             "title": row["title"], "guide_questions": row["guide_questions"],
                             "guide_evidence": row["guide_evidence"]})
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
    from ..corpus.build import render_csv

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
    for position in range(len(utterances)):
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
            findings.append(_tie(finding, uid, result) if uid else ImportFinding(
                Path(name), "line", finding.line, 0, "", finding.kind, finding.match, finding.detail, finding.context))
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
    return ImportFinding(turn.file, transcript.unit, transcript.locate(turn, finding.match), turn.number, utterance_id,
                         finding.kind, finding.match, finding.detail, finding.context)


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


def write_import(result: ImportResult, out_dir: str | Path, *, allow_pii: bool = False, overwrite: bool = False) -> list[Path]:
    """Write the import as a corpus folder, or nothing at all.

    Refuses (:class:`~mdi_analysis.errors.PersonalDataError`) when the scan found anything and ``allow_pii`` is false.
    Refuses (``FileExistsError``) to write into a non-empty folder unless ``overwrite``, and never
    writes into the committed ``data/corpus/``. The folder is built next to ``out_dir``, validated
    with ``load_corpus`` and then moved into place, so ``out_dir`` holds either the previous content
    or the complete new corpus.
    """
    from ..corpus import load_corpus
    from ..corpus.build import FLOAT_FORMAT
    from ..io._tables import write_table

    if result.findings and not allow_pii:
        raise PersonalDataError(result.findings, "the transcripts")
    out_dir = Path(out_dir).resolve()
    if out_dir == (data_dir() / "corpus").resolve():
        raise FileExistsError(f"{relative_to_root(out_dir)} is the committed thesis corpus; import into another folder")
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not overwrite)):
        raise FileExistsError(f"{relative_to_root(out_dir)} exists and is not empty; choose a new folder or overwrite")
    if len(result.frames["utterances.csv"]) == 0:
        raise ValueError("no respondent turns to write")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.import-", dir=out_dir.parent))
    try:
        for name, frame in result.frames.items():
            write_table(frame, staging / name, float_format=FLOAT_FORMAT)
            os.chmod(staging / name, 0o644)
        load_corpus(staging, roles=result.roles)  # InputDataError if the import is not a valid corpus
        os.chmod(staging, 0o755)
        if out_dir.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.replace(out_dir, backup / "old")
            os.replace(staging, out_dir)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out_dir / name for name in result.frames]


def import_transcripts(paths: Sequence[str | Path], out_dir: str | Path, *, allow_pii: bool = False,
                       overwrite: bool = False, **options: object) -> ImportResult:
    """:func:`build_import` then :func:`write_import`. ``options`` are passed to :func:`build_import`."""
    result = build_import(paths, **options)  # type: ignore[arg-type]
    write_import(result, out_dir, allow_pii=allow_pii, overwrite=overwrite)
    return result


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdi-analysis import-transcripts",
        description="Import interview transcripts (.txt or .docx, speaker-labelled turns such as 'I:' / 'R:') "
        "as a corpus folder that the notebooks read with corpus_dir. Every utterance is scanned for personal "
        "data first; if anything is found, nothing is written unless --allow-pii is given.",
    )
    parser.add_argument("files", nargs="+", type=Path, help="transcripts (.txt UTF-8, .docx)")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to create (must be new or empty)")
    parser.add_argument("--role", help="the respondent's role for files without a 'Rolle:' header "
                        "(arbeidsgiver, tillitsvalgt, or one of --roles)")
    parser.add_argument("--speaker-map", action="append", default=[], metavar="LABEL=SPEAKER",
                        help="add or override a speaker label; SPEAKER is a role, 'interviewer' or 'respondent' "
                        "(repeatable or comma-separated, e.g. 'Leder=arbeidsgiver,Q=interviewer')")
    parser.add_argument("--label-pattern", default=DEFAULT_LABEL_PATTERN,
                        help="regular expression for a labelled line, with named groups 'label' and 'text'")
    parser.add_argument("--roles", help="comma-separated roles of a study with other roles than arbeidsgiver,tillitsvalgt")
    parser.add_argument("--default-section", default=DEFAULT_SECTION, help=f"section of answers to no recognised guide question (default: {DEFAULT_SECTION})")
    parser.add_argument("--no-guide-sections", action="store_true",
                        help="do not recognise interview-guide questions; every answer goes under --default-section")
    parser.add_argument("--guide-corpus", type=Path, help="corpus folder whose interview guide and sections are used (default: data/corpus/)")
    parser.add_argument("--id-prefix", default=DEFAULT_ID_PREFIX, help="utterance id prefix (default: T → T001, T002, …)")
    parser.add_argument("--allow-pii", action="store_true",
                        help="write even when the anonymity scanner finds something (the findings are still printed); "
                        "the output must then not be published")
    parser.add_argument("--overwrite", action="store_true", help="replace the content of a non-empty --out folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mdi_analysis import-transcripts FILE... --out DIR [...]``.

    Exit 0: written. Exit 1: anonymity findings, nothing written. Exit 2: bad input or options
    (unreadable file, unknown role or label, no respondent turns, ``--out`` not empty)."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    roles = tuple(r.strip() for r in args.roles.split(",") if r.strip()) if args.roles else ROLES
    try:
        speakers = parse_speaker_map(args.speaker_map, roles)
        result = build_import(
            args.files, speakers=speakers, role=args.role, roles=roles, label_pattern=args.label_pattern,
            default_section=args.default_section, detect_sections=not args.no_guide_sections,
            guide_corpus=args.guide_corpus, id_prefix=args.id_prefix,
        )
    except (InputDataError, ValueError, re.error) as error:
        print(f"import-transcripts: {error}", file=sys.stderr)
        return 2
    for warning in result.warnings:
        print(f"import-transcripts: warning: {warning}", file=sys.stderr)
    for transcript in result.transcripts:
        ids = [uid for uid, turn in result.utterance_turns.items() if turn.file == transcript.file]
        asked = sum(1 for t in transcript.turns if t.speaker == INTERVIEWER)
        span = f"{ids[0]}–{ids[-1]}" if len(ids) > 1 else (ids[0] if ids else "none")
        print(f"import-transcripts: {relative_to_root(transcript.file)}: {_count(len(ids), 'utterance')} ({span}), "
              f"{_count(asked, 'interviewer turn')} not imported")
    if result.findings:
        print(format_import_findings(result.findings), file=sys.stderr)
        if not args.allow_pii:
            print("import-transcripts: nothing written. Remove or pseudonymise the personal data in the transcripts "
                  "(docs/anonymisation.md), or pass --allow-pii to write anyway (then do not publish the output).",
                  file=sys.stderr)
            return 1
    try:
        written = write_import(result, args.out, allow_pii=args.allow_pii, overwrite=args.overwrite)
    except (FileExistsError, ValueError, InputDataError) as error:
        print(f"import-transcripts: {error}", file=sys.stderr)
        return 2
    utterances = result.frames["utterances.csv"]
    by_role = ", ".join(f"{n} {r}" for r, n in utterances["role"].value_counts().sort_index().items())
    by_section = utterances["section_id"].nunique()
    note = " WITH anonymity findings (--allow-pii): do not publish it" if result.findings else ""
    print(f"import-transcripts: wrote {len(written)} files to {relative_to_root(Path(args.out))}: "
          f"{_count(len(utterances), 'utterance')} ({by_role}) in {_count(by_section, 'section')}{note}. "
          f"Run a notebook on it with: python -m mdi_analysis run NN -p corpus_dir {Path(args.out).resolve()}")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
