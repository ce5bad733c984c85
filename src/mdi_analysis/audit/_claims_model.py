"""The claim inventory and the data a claim is recomputed from.

Why apart from the evaluation: the inventory's schema, the verdict vocabulary and the thresholds
are the audit's contract with the reader (``docs/`` and ``data/README.md`` cite them); the rules
that apply them live in :mod:`._claims` (quotes and themes) and :mod:`._claims_survey` (survey and
sample facts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from ..corpus import Corpus
from ..io import Sample, Survey, read_table
from ..paths import data_dir
from ._evidence import empty_evidence

VERDICTS = ("agrees", "agrees_above_only", "partly", "contradicted", "not_verifiable")
KINDS = (
    "quote_count",
    "role_contrast",
    "all_or_none",
    "some",
    "survey_comparison",
    "survey_value",
    "sample_count",
    "other",
)
UNITS = ("A", "B", "D", "NO")
#: «skiller seg lite ut» / «marginale forskjeller»: at most one printed step of a factor score.
SMALL_DIFFERENCE = 0.1
#: Two roles "answer differently" about a theme when the shares of their quotes that mention it
#: differ by at least this much (and "agree" when they differ by less).
ROLE_DIFFERENCE = 0.25

CLAIMS_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": pa.Column("string", pa.Check.str_matches(r"^C\d{3}$"), unique=True),
        "section_id": pa.Column("string"),
        "line_start": pa.Column("Int64", pa.Check.ge(1)),
        "line_end": pa.Column("Int64", pa.Check.ge(1)),
        "text": pa.Column("string"),
        "kind": pa.Column("string", pa.Check.isin(list(KINDS))),
        "subject": pa.Column("string", pa.Check.isin(["quotes", "survey", "sample", "not_published"])),
        "scope_sections": pa.Column("string"),
        "scope_role": pa.Column("string", pa.Check.isin(["arbeidsgiver", "tillitsvalgt", "both"])),
        "scope": pa.Column("string", pa.Check.isin(["above", "section", "study", "table"])),
        "quantity": pa.Column("string"),
        "relation": pa.Column("string"),
        "expected": pa.Column("float64", nullable=True),
        "checkable_from": pa.Column("string", pa.Check.isin(["corpus", "coding", "survey", "sample", "no"])),
        "note": pa.Column("string", nullable=True),
    },
    strict=False,
)

THEMES_SCHEMA = pa.DataFrameSchema(
    {
        "theme": pa.Column("string", unique=True),
        "category_ids": pa.Column("string", nullable=True),
        "match": pa.Column("string", pa.Check.isin(["mention", "stance", "none"])),
        "limitation": pa.Column("string", nullable=True),
    },
    strict=False,
)


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the claim inventory (one row per counting or comparing statement).

    Parameters
    ----------
    path : str or Path, optional
        Default ``data/expected/claims.csv``.

    Returns
    -------
    pandas.DataFrame
        The columns of ``CLAIMS_SCHEMA`` (``claim_id``, ``section_id``, ``line_start``, ``text``,
        ``kind``, ``scope``, ``quantity``, ``relation``, ``expected``, ``checkable_from``, …).

    Raises
    ------
    InputDataError
        A missing file or a row that breaks the schema.
    """
    path = Path(path) if path else data_dir() / "expected" / "claims.csv"
    return read_table(path, CLAIMS_SCHEMA, numeric={"line_start": "int", "line_end": "int", "expected": "float"})


def load_claim_themes(path: str | Path | None = None) -> pd.DataFrame:
    """Read the themes the claims name, with their codebook categories and what coding can show.

    Parameters
    ----------
    path : str or Path, optional
        Default ``data/expected/claim_themes.csv``.

    Returns
    -------
    pandas.DataFrame
        ``theme`` (unique), ``category_ids`` (``;``-separated), ``match`` (``mention``, ``stance``
        or ``none``) and ``limitation``.

    Raises
    ------
    InputDataError
        A missing file or a row that breaks the schema.
    """
    path = Path(path) if path else data_dir() / "expected" / "claim_themes.csv"
    return read_table(path, THEMES_SCHEMA)


#: Why a statement is ``not_verifiable``: a fixed vocabulary, so a reader can count and check the
#: reasons (docs/claims-audit.md explains each).
NOT_VERIFIABLE_REASONS = {
    "unpublished_material": "rests on interviews, transcripts or records the thesis does not publish",
    "not_in_data": "the quantity is in none of the published tables (sample, survey, corpus)",
    "municipality_not_identifiable": "counts municipalities, but quotes are anonymised by municipality and a "
    "profile's silence is no evidence",
    "respondents_not_quoted": "speaks of respondents whose answers are not printed",
    "no_measure": "describes rather than counts or compares («varies», a characterisation): nothing to recompute",
    "needs_reading": "a stance or content keywords cannot show, and no reading is recorded for it",
    "no_quote_found": "no quote in scope speaks to it, by reading or by keywords (silence is not contradiction)",
}
#: What a verdict rests on: the recorded reading, the automatic link, the keyword coding, the
#: survey/sample/corpus tables, or nothing published.
BASES = ("recorded", "automatic", "keyword", "table", "none")


@dataclass(frozen=True)
class Verdict:
    """A verdict with its reason; ``reason_code`` (for ``not_verifiable``: a key of
    :data:`NOT_VERIFIABLE_REASONS`), ``basis`` (one of :data:`BASES`) and ``evidence`` (the
    utterance ids it rests on, ``;``-separated) are filled by the evidence rules."""

    computed: str
    verdict: str
    reason: str
    reason_code: str = ""
    basis: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class AuditData:
    """Everything the audit recomputes claims from.

    ``memo`` remembers what was computed from this (immutable) data, so a notebook that shows the
    audit twice, or the scoreboard and the audit, evaluates each claim and survey table once.
    """

    corpus: Corpus
    survey: Survey
    sample: Sample
    coding_matrix: pd.DataFrame  # utterance × category 0/1, from the keyword coder
    themes: pd.DataFrame
    #: the recorded reading (``data/evidence/claim_evidence.csv``); empty when none is recorded
    evidence: pd.DataFrame | None = None
    #: the coding counting affirmed hits only (negated hits left out); None: use ``coding_matrix``
    affirmed_matrix: pd.DataFrame | None = None
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def recorded(self) -> pd.DataFrame:
        """The recorded reading, or the evidence table without rows when none is recorded."""
        return self.evidence if self.evidence is not None else empty_evidence()

    def remembered(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked for, the stored result afterwards."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]
