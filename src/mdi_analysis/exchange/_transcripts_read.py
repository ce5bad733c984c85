"""Reading interview transcripts (.txt, .docx) into speaker turns.

Why: transcripts come as plain text or Word files with speaker-labelled turns::

    Rolle: tillitsvalgt
    I: Hva legger du i begrepet innovasjon?
    R: For meg er innovasjon å gjøre ting på en ny måte …

and the corpus needs the respondents' statements, each with its role. This module cuts a file into
turns at the speaker labels and gives each turn its speaker; ``_transcripts_import`` turns them
into a corpus folder behind the anonymity gate. Decisions (details in
``docs/qda-and-transcripts.md``):

- **One turn = one utterance.** A turn runs from a speaker label to the next label. Lines wrapped
  inside a paragraph are joined with a space. Paragraphs (a blank line in .txt, a new paragraph in
  .docx) are kept as a blank line (``\\n\\n``), as in the thesis corpus.
- **Roles** come from the turn's own label (``Tillitsvalgt:``), from a header line of the file
  (``Rolle: arbeidsgiver``), or from the ``role`` argument, in that order. A generic label such as
  ``R:`` needs one of the latter two.
- **A label that is not in the speaker map stays text**, with a warning when it looks like one
  (``Kari:``), so a name used as a label is never lost silently.
- **Bounded reads** (``_input_limits``): a transcript over 20 MB, or a ``.docx`` with a part over
  50 MB (200 MB together), is refused with one line before it fills the memory; a long file
  prints progress lines on standard error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus import ROLE_LABELS, ROLES
from ..errors import InputDataError, OptionError
from ..io import check_input_file, decode_text, read_input_bytes
from ..paths import relative_to_root
from ._input_limits import Progress, open_archive, transcript_limit

__all__ = [
    "INTERVIEWER",
    "RESPONDENT",
    "DEFAULT_SPEAKERS",
    "DEFAULT_LABEL_PATTERN",
    "Turn",
    "Transcript",
    "parse_speaker_map",
    "read_transcript",
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


# --------------------------------------------------------------------------------------------
# Speaker map
# --------------------------------------------------------------------------------------------


def _key(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip().rstrip(".").strip()).casefold()


def parse_speaker_map(
    items: Iterable[str], roles: Sequence[str] = ROLES, base: Mapping[str, str] | None = None
) -> dict[str, str]:
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
                raise OptionError(f"speaker map item {part!r} is not LABEL=SPEAKER")
            label, speaker = (s.strip() for s in part.split("=", 1))
            speaker = role_value(speaker, roles) or speaker.casefold()
            if not label or speaker not in allowed:
                raise OptionError(f"speaker map item {part!r}: speaker must be one of {', '.join(sorted(allowed))}")
            speakers[_key(label)] = speaker
    return speakers


def role_value(value: str, roles: Sequence[str]) -> str | None:
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
    check_input_file(path, expected="an existing transcript")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_lines(path), "paragraph"
    if suffix not in {".txt", ".text", ".md", ""}:
        raise InputDataError(
            relative_to_root(path), f"unsupported file type {suffix!r}", expected="a .txt (UTF-8) or .docx transcript"
        )
    maximum, raise_with = transcript_limit()
    raw = read_input_bytes(path, expected="an existing transcript", max_bytes=maximum, raise_with=raise_with)
    # UTF-8, or UTF-16/32 with a byte-order mark (Word's "Unicode text"); other 8-bit text is read as
    # Windows-1252 with a warning; UTF-16 without a mark (NUL bytes) is refused.
    text, codec = decode_text(raw, relative_to_root(path), expected="a .txt transcript in UTF-8", legacy="cp1252")
    if codec == "cp1252":
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
    # python-docx reads every part whole: each is read once here first, within the size limits.
    expected = "a .docx file (save .doc files as .docx)"
    with open_archive(
        path, relative_to_root(path), not_zip="cannot be read as a Word document (BadZipFile)", expected=expected
    ) as archive:
        archive.check_all()
    try:
        document = docx.Document(str(path))
    except Exception as error:  # noqa: BLE001 - python-docx raises several types for a broken file
        raise InputDataError(
            relative_to_root(path),
            f"cannot be read as a Word document ({type(error).__name__})",
            expected=expected,
        ) from None
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
    try:
        pattern = re.compile(label_pattern)
    except re.error as error:
        raise OptionError(f"label_pattern {label_pattern!r} is not a regular expression ({error})") from None
    if not {"label", "text"} <= set(pattern.groupindex):
        raise OptionError("label_pattern needs the named groups 'label' and 'text'")
    warnings: list[str] = []
    lines, unit = _read_lines(path, warnings)
    name = relative_to_root(path)
    header_role: str | None = None
    if role is not None and role_value(role, roles) is None:
        raise OptionError(f"role {role!r} is not one of {', '.join(roles)}")
    default_role = role_value(role, roles) if role else None

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
            turns.append(
                Turn(
                    path,
                    len(turns) + 1,
                    int(current["line"]),
                    str(current["label"]),
                    str(current["speaker"]),
                    str(current["role_source"]),
                    text,
                    last_line,
                )
            )
        else:
            warnings.append(f"{name}: {unit} {current['line']}: turn '{current['label']}:' has no text; skipped")
        current, paragraphs = None, []

    progress = Progress(f"{name}: reading", lines[-1][0] if lines else 0, f"{unit}s")
    for line_no, line in lines:
        progress.update(line_no)
        stripped = line.strip()
        if stripped:
            numbered[line_no] = (numbered[line_no] + " " + stripped) if line_no in numbered else stripped
        if current is None and (header := ROLE_HEADER.match(stripped)):
            value = role_value(header.group("value"), roles) or speakers.get(_key(header.group("value")))
            if value not in roles:
                raise InputDataError(
                    name,
                    f"role header {stripped!r} names no known role",
                    line=line_no,
                    expected="one of " + ", ".join(roles),
                )
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
                        name,
                        f"turn '{label}:' needs the respondent's role",
                        line=line_no,
                        expected="a header line such as 'Rolle: tillitsvalgt' or the role argument (--role)",
                    )
                role_source = "header" if header_role else "argument"
                speaker = resolved
            else:
                role_source = "label"
                if speaker != INTERVIEWER and speaker not in roles:
                    raise InputDataError(
                        name,
                        f"label '{label}:' maps to {speaker!r}, which is not a role",
                        line=line_no,
                        expected="one of " + ", ".join(roles),
                    )
            current = {"line": line_no, "label": label, "speaker": speaker, "role_source": role_source}
            paragraphs = [[match.group("text")]]
            last_line = line_no
            continue
        if match and _looks_like_label(match.group("label")):
            warnings.append(
                f"{name}: {unit} {line_no}: '{match.group('label').strip()}:' looks like a speaker label "
                "but is not in the speaker map; kept as text of the previous turn (add it with --speaker-map)"
            )
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
        warnings.append(
            f"{name}: no respondent turns found (labels seen: {', '.join(sorted({t.label for t in turns})) or 'none'})"
        )
    return Transcript(path, unit, turns, header_role, warnings, numbered)


def _looks_like_label(label: str) -> bool:
    """One or two capitalised words: a speaker label by its look (``Kari:``, ``Kari N:``, ``LEDER:``)."""
    words = label.split()
    return 1 <= len(words) <= 2 and all(w[:1].isupper() for w in words) and len(label) <= 20
