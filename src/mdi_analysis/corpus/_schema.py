"""Schemas and the loader for the interview corpus (``data/corpus/``).

The same loader reads the corpus built from the thesis and a researcher's own transcripts in the
same shape, so the schemas distinguish what every corpus needs (an id, a role, the text, the
section it is filed under) from what only the thesis has (line spans in the thesis, the printed
role label, extraction flags). Optional columns may be left out or left empty; the loader adds the
missing ones as empty columns so analysis code sees one shape.

Each file is validated on its own with :func:`~mdi_analysis.io._tables.read_table`, then across
files (section ids exist, links and duplicate_of point at existing utterances, guide questions
exist). Every failure is an :class:`~mdi_analysis.errors.InputDataError` naming file, row (with the
file line) and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import InputDataError
from ..io import RowLines, check_allowed, fail_row, read_table
from ..paths import data_dir, relative_to_root
from ._model import FLAG_PATTERN, RELATIONS, ROLES, UNKNOWN_ROLE, count_words

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
SECTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
ID_LIST_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*(;[A-Za-z][A-Za-z0-9_-]*)*$"
CODING_BASES = ("printed", "reprinted")
#: Report the second occurrence of a duplicated id, not the first: the first is the "earlier" one.
UNIQUE = {"unique": True, "report_duplicates": "exclude_first"}
DERIVED_CODER = "unspecified"


def _utterances_schema(roles: Sequence[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "utterance_id": pa.Column("string", pa.Check.str_matches(ID_PATTERN), **UNIQUE),
            "role": pa.Column("string", pa.Check.isin(list(roles))),
            "text": pa.Column("string", pa.Check.str_length(min_value=1)),
            "section_id": pa.Column("string", pa.Check.str_matches(SECTION_ID_PATTERN)),
            "role_label": pa.Column("string", nullable=True, required=False),
            "line_start": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
            "line_end": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
            "n_words": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
            "duplicate_of": pa.Column("string", pa.Check.str_matches(ID_PATTERN), nullable=True, required=False),
            "flags": pa.Column("string", pa.Check.str_matches(FLAG_PATTERN), nullable=True, required=False),
        },
        strict=False,
    )


SECTIONS_SCHEMA = pa.DataFrameSchema(
    {
        "section_id": pa.Column("string", pa.Check.str_matches(SECTION_ID_PATTERN), **UNIQUE),
        "title": pa.Column("string"),
        "research_question": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
        "line_start": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
        "line_end": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
        "guide_questions": pa.Column("string", pa.Check.str_matches(ID_LIST_PATTERN), nullable=True, required=False),
        "guide_evidence": pa.Column(
            "string", pa.Check.isin(["intro_verbatim", "curated"]), nullable=True, required=False
        ),
    },
    strict=False,
)

CODINGS_SCHEMA = pa.DataFrameSchema(
    {
        "utterance_id": pa.Column("string", pa.Check.str_matches(ID_PATTERN)),
        "section_id": pa.Column("string", pa.Check.str_matches(SECTION_ID_PATTERN)),
        "coder": pa.Column("string"),
        "basis": pa.Column("string", pa.Check.isin(list(CODING_BASES)), nullable=True, required=False),
        "via_utterance_id": pa.Column("string", pa.Check.str_matches(ID_PATTERN), nullable=True, required=False),
    },
    unique=["utterance_id", "section_id", "coder"],
    report_duplicates="exclude_first",
    strict=False,
)

LINKS_SCHEMA = pa.DataFrameSchema(
    {
        "utterance_id": pa.Column("string", pa.Check.str_matches(ID_PATTERN)),
        "linked_utterance_id": pa.Column("string", pa.Check.str_matches(ID_PATTERN)),
        "relation": pa.Column("string", pa.Check.isin(list(RELATIONS))),
        "similarity": pa.Column("float64", pa.Check.in_range(0.0, 1.0)),
    },
    unique=["utterance_id", "linked_utterance_id"],
    report_duplicates="exclude_first",
    strict=False,
)

GUIDE_SCHEMA = pa.DataFrameSchema(
    {
        "question_id": pa.Column("string", pa.Check.str_matches(ID_PATTERN), **UNIQUE),
        "text": pa.Column("string"),
        "part": pa.Column("string", nullable=True, required=False),
        "line_start": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
        "line_end": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
    },
    strict=False,
)

RESEARCH_QUESTIONS_SCHEMA = pa.DataFrameSchema(
    {
        "research_question": pa.Column("Int64", pa.Check.ge(1), **UNIQUE),
        "text": pa.Column("string"),
        "line_start": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
        "line_end": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
    },
    strict=False,
)

COMMENTARY_SCHEMA = pa.DataFrameSchema(
    {
        "section_id": pa.Column("string", pa.Check.str_matches(SECTION_ID_PATTERN)),
        "block": pa.Column("Int64", pa.Check.ge(1)),
        "line_start": pa.Column("Int64", pa.Check.ge(1)),
        "line_end": pa.Column("Int64", pa.Check.ge(1)),
        "n_words": pa.Column("Int64", pa.Check.ge(1), nullable=True, required=False),
    },
    unique=["section_id", "block"],
    report_duplicates="exclude_first",
    strict=False,
)


@dataclass(frozen=True)
class Corpus:
    """The corpus tables, validated within and across files.

    ``codings`` is derived (one row per utterance, its own section, coder ``unspecified``) when a
    corpus has no codings.csv; ``links``, ``interview_guide`` and ``research_questions`` are empty
    when their files are absent.
    """

    utterances: pd.DataFrame
    sections: pd.DataFrame
    codings: pd.DataFrame
    links: pd.DataFrame
    interview_guide: pd.DataFrame
    research_questions: pd.DataFrame
    directory: Path
    commentary: pd.DataFrame | None = None

    def utterance_sections(self) -> pd.DataFrame:
        """Every (utterance, section) placement with the section's research question."""
        columns = ["section_id", "research_question", "title"]
        return self.codings.merge(self.sections[columns], on="section_id", how="left")


def _columns(schema: pa.DataFrameSchema) -> list[str]:
    return list(schema.columns)


def _complete(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Add the schema's optional columns a file left out, empty, in schema order first."""
    for name, column in schema.columns.items():
        if name not in frame.columns:
            frame[name] = pd.Series([pd.NA] * len(frame), dtype=str(column.dtype))
    ordered = _columns(schema) + [c for c in frame.columns if c not in schema.columns]
    result = frame[ordered]
    result.attrs.update(frame.attrs)
    return result


def _empty(schema: pa.DataFrameSchema, name: str) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=str(col.dtype)) for c, col in schema.columns.items()})
    frame.attrs["file"] = name
    frame.attrs["lines"] = RowLines()
    return frame


def _check_spans(frame: pd.DataFrame) -> None:
    """line_start/line_end: both given or both empty, and the span must not run backwards."""
    if "line_start" not in frame.columns or "line_end" not in frame.columns:
        return
    for position, (start, end) in enumerate(zip(frame["line_start"], frame["line_end"])):
        if pd.isna(start) != pd.isna(end):
            column = "line_end" if pd.isna(end) else "line_start"
            fail_row(
                frame,
                position,
                column,
                "only one end of the line span is given",
                "both line_start and line_end, or neither",
            )
        if not pd.isna(start) and int(end) < int(start):
            fail_row(
                frame,
                position,
                "line_end",
                f"line_end {int(end)} is before line_start {int(start)}",
                "line_end >= line_start",
            )


def load_corpus(directory: str | Path | None = None, *, roles: Sequence[str] = ROLES) -> Corpus:
    """Load and validate a corpus folder (default ``data/corpus/``).

    Only ``utterances.csv`` and ``sections.csv`` are required. ``roles`` is the allowed role set:
    the thesis has two sides; a study with other roles passes its own list.

    Parameters
    ----------
    directory : str or Path, optional
        The corpus folder; default ``data/corpus``.
    roles : sequence of str
        The allowed values of ``utterances.role``; default ``("arbeidsgiver", "tillitsvalgt")``.
        ``unknown`` (:data:`~mdi_analysis.corpus.UNKNOWN_ROLE`, an imported quote without a
        role) is always allowed.

    Returns
    -------
    Corpus
        The tables, each with every schema column (optional ones added empty): ``utterances``
        (``utterance_id``, ``role``, ``text``, ``section_id``, ``role_label``, ``line_start``,
        ``line_end``, ``n_words``, ``duplicate_of``, ``flags``), ``sections``, ``codings`` (derived
        from the utterances when the file is absent), ``links``, ``interview_guide``,
        ``research_questions`` and ``commentary`` (empty when their files are absent), and
        ``directory``.

    Raises
    ------
    InputDataError
        A missing folder or required file, a row that breaks a schema (unknown role, empty text,
        duplicate id, a span that runs backwards, an ``n_words`` that does not match the text), or
        a reference across files to something that does not exist; the message names file, row,
        line and column.
    """
    directory = Path(directory) if directory else data_dir() / "corpus"
    if not directory.is_dir():
        raise InputDataError(
            relative_to_root(directory),
            "corpus folder not found",
            expected="a folder with utterances.csv and sections.csv",
        )

    utterance_schema = _utterances_schema([*roles, UNKNOWN_ROLE])
    utterances = _complete(
        read_table(
            directory / "utterances.csv",
            utterance_schema,
            numeric={"line_start": "int", "line_end": "int", "n_words": "int"},
        ),
        utterance_schema,
    )
    sections = _complete(
        read_table(
            directory / "sections.csv",
            SECTIONS_SCHEMA,
            numeric={"research_question": "int", "line_start": "int", "line_end": "int"},
        ),
        SECTIONS_SCHEMA,
    )
    codings = _optional(directory, "codings.csv", CODINGS_SCHEMA, {})
    links = _optional(directory, "links.csv", LINKS_SCHEMA, {"similarity": "float"})
    guide = _optional(directory, "interview_guide.csv", GUIDE_SCHEMA, {"line_start": "int", "line_end": "int"})
    questions = _optional(
        directory,
        "research_questions.csv",
        RESEARCH_QUESTIONS_SCHEMA,
        {"research_question": "int", "line_start": "int", "line_end": "int"},
    )
    commentary = _optional(
        directory,
        "commentary.csv",
        COMMENTARY_SCHEMA,
        {"block": "int", "line_start": "int", "line_end": "int", "n_words": "int"},
    )

    ids = list(utterances["utterance_id"])
    section_ids = list(sections["section_id"])
    check_allowed(utterances, "section_id", section_ids, "section", source="sections.csv")
    check_allowed(utterances, "duplicate_of", ids, "utterance id", source="utterances.csv")
    for position, (own, first) in enumerate(zip(utterances["utterance_id"], utterances["duplicate_of"])):
        if not pd.isna(first) and own == first:
            fail_row(
                utterances,
                position,
                "duplicate_of",
                "an utterance cannot duplicate itself",
                "the id of an earlier printing",
            )
    _check_spans(utterances)
    for position, (text, stated) in enumerate(zip(utterances["text"], utterances["n_words"])):
        if not pd.isna(stated) and int(stated) != count_words(str(text)):
            fail_row(
                utterances,
                position,
                "n_words",
                f"n_words {int(stated)} does not match the text ({count_words(str(text))} words)",
                "the word count of the text, or an empty cell",
            )
    _check_spans(sections)
    _check_spans(guide)
    _check_spans(questions)
    _check_spans(commentary)
    check_allowed(commentary, "section_id", section_ids, "section", source="sections.csv")

    if codings.attrs.get("derived"):
        codings = pd.DataFrame(
            {
                "utterance_id": utterances["utterance_id"],
                "section_id": utterances["section_id"],
                "coder": DERIVED_CODER,
                "basis": "printed",
                "via_utterance_id": pd.NA,
            }
        ).astype("string")
    else:
        check_allowed(codings, "utterance_id", ids, "utterance id", source="utterances.csv")
        check_allowed(codings, "section_id", section_ids, "section", source="sections.csv")
        check_allowed(codings, "via_utterance_id", ids, "utterance id", source="utterances.csv")
    check_allowed(links, "utterance_id", ids, "utterance id", source="utterances.csv")
    check_allowed(links, "linked_utterance_id", ids, "utterance id", source="utterances.csv")
    for position, (a, b) in enumerate(zip(links["utterance_id"], links["linked_utterance_id"])):
        if a == b:
            fail_row(
                links, position, "linked_utterance_id", "an utterance is linked to itself", "two different utterances"
            )
    if len(guide):
        check_allowed(
            sections,
            "guide_questions",
            list(guide["question_id"]),
            "guide question",
            source="interview_guide.csv",
            listed=True,
        )
    if len(questions):
        check_allowed(
            sections,
            "research_question",
            list(questions["research_question"]),
            "research question",
            source="research_questions.csv",
        )

    return Corpus(
        utterances=utterances,
        sections=sections,
        codings=codings,
        links=links,
        interview_guide=guide,
        research_questions=questions,
        directory=directory,
        commentary=commentary,
    )


def _optional(directory: Path, name: str, schema: pa.DataFrameSchema, numeric: dict[str, str]) -> pd.DataFrame:
    path = directory / name
    if not path.is_file():
        frame = _empty(schema, relative_to_root(path))
        if name == "codings.csv":
            frame.attrs["derived"] = True
        return frame
    return _complete(read_table(path, schema, numeric=numeric), schema)
