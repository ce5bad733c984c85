"""Build the corpus tables from the thesis, write them, or compare them with the committed ones.

The committed files under ``data/corpus/`` are generated, never edited by hand: the build is a pure
function of the thesis text, and :func:`compare_corpus` (``build-corpus --check``) proves that the
committed corpus is what the current code makes of the current thesis. Writing goes through a
temporary folder that is validated with the same loader researchers use, so a build that would
produce an invalid corpus leaves the committed one untouched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io import write_folder, write_table
from ._duplicates import find_links, first_printings
from ._extract import ThesisText, extract_corpus_utterances, find_sections
from ._guide import assign_guide_questions, extract_interview_guide, extract_research_questions
from ._model import Utterance

#: Output files in the order they are written and reported, with their key column.
CORPUS_FILES: dict[str, str] = {
    "utterances.csv": "utterance_id",
    "codings.csv": "utterance_id",
    "links.csv": "utterance_id",
    "sections.csv": "section_id",
    "interview_guide.csv": "question_id",
    "research_questions.csv": "research_question",
    "commentary.csv": "section_id",
}
FLOAT_FORMAT = "%.3f"
"""How floats are written in the corpus files; importers write with it so their files match byte for byte."""
THESIS_CODER = "thesis"

UTTERANCE_COLUMNS = [
    "utterance_id",
    "role",
    "role_label",
    "text",
    "section_id",
    "line_start",
    "line_end",
    "n_words",
    "duplicate_of",
    "flags",
]
"""The columns of ``utterances.csv``, in order; an imported corpus must have the same shape."""
CODING_COLUMNS = ["utterance_id", "section_id", "coder", "basis", "via_utterance_id"]
"""The columns of ``codings.csv``, in order; an imported corpus must have the same shape."""
LINK_COLUMNS = ["utterance_id", "linked_utterance_id", "relation", "similarity"]
SECTION_COLUMNS = [
    "section_id",
    "research_question",
    "title",
    "line_start",
    "line_end",
    "guide_questions",
    "guide_evidence",
]
GUIDE_COLUMNS = ["question_id", "part", "text", "line_start", "line_end"]
RQ_COLUMNS = ["research_question", "text", "line_start", "line_end"]
COMMENTARY_COLUMNS = ["section_id", "block", "line_start", "line_end", "n_words"]


@dataclass(frozen=True)
class BuiltCorpus:
    """The corpus tables as built in memory, keyed by file name."""

    frames: dict[str, pd.DataFrame]
    utterances: list[Utterance]


def build_corpus(thesis_file: str | Path) -> BuiltCorpus:
    """Extract everything from the thesis text and shape it into the corpus tables.

    Parameters
    ----------
    thesis_file : str or Path
        The thesis as UTF-8 text (``thesis.txt``).

    Returns
    -------
    BuiltCorpus
        ``frames``: file name (the keys of :data:`CORPUS_FILES`) → table with that file's columns;
        ``utterances``: the extracted :class:`Utterance` objects, re-prints marked.

    Raises
    ------
    ExtractionError
        The file is missing, or the text lacks the shape the extractor relies on (headings,
        quote markers, the interview guide), naming the thesis line.
    """
    thesis = ThesisText.read(thesis_file)
    sections = find_sections(thesis)
    utterances = extract_corpus_utterances(thesis, sections)
    guide = extract_interview_guide(thesis)
    sections = assign_guide_questions(thesis, sections, guide, utterances)
    questions = extract_research_questions(thesis)
    links = find_links(utterances)
    for utterance_id, first in first_printings(utterances, links).items():
        next(u for u in utterances if u.utterance_id == utterance_id).duplicate_of = first

    utterance_frame = pd.DataFrame(
        [
            {
                "utterance_id": u.utterance_id,
                "role": u.role,
                "role_label": u.role_label,
                "text": u.text,
                "section_id": u.section_id,
                "line_start": u.line_start,
                "line_end": u.line_end,
                "n_words": u.n_words,
                "duplicate_of": u.duplicate_of,
                "flags": ";".join(u.flags),
            }
            for u in utterances
        ],
        columns=UTTERANCE_COLUMNS,
    )
    codings = _codings(utterances)
    link_frame = pd.DataFrame([vars(link) for link in links], columns=LINK_COLUMNS)
    link_frame["similarity"] = link_frame["similarity"].astype("float64")
    section_frame = pd.DataFrame(
        [
            {
                "section_id": s.section_id,
                "research_question": s.research_question,
                "title": s.title,
                "line_start": s.line_start,
                "line_end": s.line_end,
                "guide_questions": ";".join(s.guide_questions),
                "guide_evidence": s.guide_evidence,
            }
            for s in sections
        ],
        columns=SECTION_COLUMNS,
    )
    guide_frame = pd.DataFrame([vars(q) for q in guide], columns=GUIDE_COLUMNS)
    rq_frame = pd.DataFrame([vars(q) for q in questions], columns=RQ_COLUMNS)
    frames = {
        "utterances.csv": utterance_frame,
        "codings.csv": codings,
        "links.csv": link_frame,
        "sections.csv": section_frame,
        "interview_guide.csv": guide_frame,
        "research_questions.csv": rq_frame,
        "commentary.csv": _commentary(thesis, section_frame, utterances),
    }
    return BuiltCorpus(frames=frames, utterances=utterances)


def _commentary(thesis: ThesisText, sections: pd.DataFrame, utterances: list[Utterance]) -> pd.DataFrame:
    """Where the author's own prose stands between the quotes of each section (spans only, no text).

    The author counts quotes in her commentary («Ovennevnte fem uttalelser …»); whether such a
    count refers to the whole section or only to the quotes since her previous comment can only be
    decided if the corpus records where her comments are. A block is a run of non-blank lines that
    belong to no quote, ignoring blank lines and page numbers; the heading line is not commentary.
    """
    quoted: set[int] = set()
    for u in utterances:
        quoted.update(range(u.line_start, u.line_end + 1))
    rows: list[dict[str, object]] = []
    for section in sections.itertuples(index=False):
        block: list[int] = []
        number = 0

        def close() -> None:
            nonlocal block, number
            if block:
                number += 1
                words = sum(len(thesis.line(n).split()) for n in block)
                rows.append(
                    {
                        "section_id": section.section_id,  # noqa: B023 - close() runs within this iteration
                        "block": number,
                        "line_start": block[0],
                        "line_end": block[-1],
                        "n_words": words,
                    }
                )
                block = []

        for line_no in range(int(section.line_start) + 1, int(section.line_end) + 1):
            text = thesis.line(line_no).strip()
            if not text or text.isdigit():
                continue
            if line_no in quoted:
                close()
                continue
            block.append(line_no)
        close()
    return pd.DataFrame(rows, columns=COMMENTARY_COLUMNS)


def _codings(utterances: list[Utterance]) -> pd.DataFrame:
    """The author's placement of statements under sections.

    Every printing is coded under the section it is printed in ("printed"). A statement the author
    printed again elsewhere is also coded, on its first printing, under the re-print's section
    ("reprinted", via the re-print): counting codings per statement then sees that the author used
    it for two research questions, while the re-print itself stays a row of its own.
    """
    rows = [
        {
            "utterance_id": u.utterance_id,
            "section_id": u.section_id,
            "coder": THESIS_CODER,
            "basis": "printed",
            "via_utterance_id": "",
        }
        for u in utterances
    ]
    by_id = {u.utterance_id: u for u in utterances}
    for u in utterances:
        if u.duplicate_of and by_id[u.duplicate_of].section_id != u.section_id:
            rows.append(
                {
                    "utterance_id": u.duplicate_of,
                    "section_id": u.section_id,
                    "coder": THESIS_CODER,
                    "basis": "reprinted",
                    "via_utterance_id": u.utterance_id,
                }
            )
    frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
    return frame.sort_values(["utterance_id", "basis", "section_id"], kind="stable").reset_index(drop=True)


def render_csv(frame: pd.DataFrame) -> str:
    """The exact text :func:`~mdi_analysis.io.write_table` writes for ``frame``.

    Public so that importers can scan for personal data exactly the bytes they would write,
    before anything is written.
    """
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    return buffer.getvalue()


def write_corpus(built: BuiltCorpus, out_dir: str | Path) -> list[Path]:
    """Write the tables to ``out_dir`` after validating them in a temporary folder.

    Other files in ``out_dir`` (README.draft.md) are left alone. ``out_dir`` must be new, empty
    or made by the package: the committed ``data/corpus/`` carries the package's marker file
    (:data:`mdi_analysis.io.OUTPUT_MARKER`, listing these files), so a rebuild replaces exactly its
    named files there, and a folder of the researcher's own is refused.

    Parameters
    ----------
    built : BuiltCorpus
        From :func:`build_corpus`.
    out_dir : str or Path
        The corpus folder; created when missing.

    Returns
    -------
    list of Path
        The written files, in the order of :data:`CORPUS_FILES`.

    Raises
    ------
    InputDataError
        The built tables do not pass :func:`load_corpus`; nothing in ``out_dir`` is replaced.
    OptionError
        ``out_dir`` is not empty and was not made by the package; nothing is written.
    """
    from ._schema import load_corpus  # local import: schema imports nothing from here, keep it so

    def write(staging: Path) -> list[str]:
        for name, frame in built.frames.items():
            write_table(frame, staging / name, float_format=FLOAT_FORMAT)
        load_corpus(staging)  # raises InputDataError if the build produced something invalid
        return list(built.frames)

    # 0666 minus the umask: data files are as readable as any file the user creates.
    return write_folder(out_dir, write, made_by="build-corpus", prefix=".corpus-build-", mode=0o666)


@dataclass(frozen=True)
class FileDifference:
    name: str
    summary: str


def compare_corpus(built: BuiltCorpus, out_dir: str | Path) -> list[FileDifference]:
    """How the committed tables in ``out_dir`` differ from ``built`` (empty when byte-identical).

    Parameters
    ----------
    built : BuiltCorpus
        From :func:`build_corpus`.
    out_dir : str or Path
        The committed corpus folder.

    Returns
    -------
    list of FileDifference
        One per file that is missing or differs, in the order of :data:`CORPUS_FILES`: ``name`` and
        a one-line ``summary`` (which rows and columns differ, by the file's key column).
    """
    out_dir = Path(out_dir)
    differences: list[FileDifference] = []
    for name, key in CORPUS_FILES.items():
        expected = render_csv(built.frames[name])
        path = out_dir / name
        if not path.is_file():
            differences.append(FileDifference(name, "missing from the committed corpus"))
            continue
        actual = path.read_bytes().decode("utf-8", errors="replace")
        if actual == expected:
            continue
        differences.append(FileDifference(name, _row_diff(expected, actual, key)))
    return differences


def _row_diff(expected: str, actual: str, key: str) -> str:
    """A one-line account of which rows and columns differ, keyed by the file's id column."""
    try:
        new = pd.read_csv(io.StringIO(expected), dtype=str, keep_default_na=False)
        old = pd.read_csv(io.StringIO(actual), dtype=str, keep_default_na=False)
    except Exception as error:  # noqa: BLE001 - an unreadable committed file is itself the finding
        return f"committed file cannot be parsed as CSV ({error})"
    if list(new.columns) != list(old.columns):
        return f"columns differ: committed {list(old.columns)}, rebuilt {list(new.columns)}"
    if len(new) == len(old) and (new.values == old.values).all():
        return "same cells, different bytes (line endings, quoting or encoding)"
    parts: list[str] = []
    if len(new) != len(old):
        parts.append(f"{len(old)} committed rows, {len(new)} rebuilt")
    changed: list[str] = []
    for position in range(min(len(new), len(old))):
        columns = [c for c in new.columns if new.iloc[position][c] != old.iloc[position][c]]
        if columns:
            changed.append(f"{new.iloc[position][key]} ({', '.join(columns)})")
    if changed:
        shown = "; ".join(changed[:5]) + (f"; … {len(changed) - 5} more" if len(changed) > 5 else "")
        parts.append(f"{len(changed)} row(s) differ: {shown}")
    return ", ".join(parts) or "rows differ"
