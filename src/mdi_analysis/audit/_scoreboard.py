"""The supervisor's scoreboard: every published number and every counting claim, expected vs computed.

Three kinds of rows. The values the thesis prints in its tables (``data/expected/published_values.csv``,
status ``reproduced``/``differs``/``missing``) are of two kinds, and the scoreboard keeps them apart
because they prove different things:

* a **recomputed value** is computed by the code from several input cells (the 4.6 mean row from
  the five factor scores, the 3.1 interview total from the respondents): reproducing it checks
  the computation;
* a **transcribed value** *is* an input cell, typed from the thesis into ``data/``: comparing it
  with its second typed copy in ``published_values.csv`` checks the typing, not a computation.
  Tests check both copies against the thesis text itself (``tests/test_survey.py``,
  ``tests/test_scoreboard.py``).

The third kind are the statements of chapters 3–6 that count or compare (``data/expected/claims.csv``
— a verdict from :mod:`mdi_analysis.audit._claims`). :func:`summary_line` is what ``make reproduce``
prints last.

:data:`THESIS_ITEMS` maps every thesis table and group of claims to the notebook and the output
file that reproduce it; the index notebook (30) renders it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..io import SURVEY_MEAN_ROW as MEAN_ROW
from ..io import compare_published, factor_table, load_sample, load_survey, sample_values, survey_values
from ..paths import tables_dir
from ._claims import AuditData, audit, load_claims

SCOREBOARD_FILE = "scoreboard.csv"
#: Row types of the scoreboard (its ``type`` column).
RECOMPUTED = "recomputed value"
TRANSCRIBED = "transcribed value"
CLAIM = "claim"
#: Verdicts that mean "the text does not fully match its own data": shown to the supervisor first.
FLAGGED = ("contradicted", "partly", "agrees_above_only")

#: (thesis item, what is reproduced, notebook stem, output files under reports/tables/)
THESIS_ITEMS: list[tuple[str, str, str, str]] = [
    (
        "3.1, 3.2",
        "sample of five municipalities with totals; 10 interviews",
        "01_reproduce-survey-and-sample",
        "sample_table_3_2.csv; sample_comparison.csv",
    ),
    ("3.5", "respondents by side, position and union", "01_reproduce-survey-and-sample", "sample_table_3_5.csv"),
    (
        "4.6",
        "10-faktor table (five factors) with Gjennomsnitt",
        "01_reproduce-survey-and-sample",
        "survey_table_4_6.csv; survey_comparison.csv",
    ),
    (
        "8",
        "10-faktor table, all ten factors with descriptions",
        "01_reproduce-survey-and-sample",
        "survey_table_8.csv; survey_comparison.csv",
    ),
    (
        "4 (all)",
        "quotes per subsection × role; re-printed quotes; «Ovennevnte …» counts",
        "02_describe-corpus",
        "corpus_quotes_by_section.csv; corpus_counting_statements.csv",
    ),
    (
        "4, 5 (themes)",
        "theory categories by role, question and section; barrier table of 4.4.1/5.4",
        "03_code-themes",
        "coding_by_role.csv; coding_barriers_4_4_1.csv",
    ),
    (
        "4.1",
        "results for research question 1",
        "11_reproduce-results-rq1",
        "results_rq1_quotes.csv; results_rq1_statements.csv",
    ),
    (
        "4.2",
        "results for research question 2",
        "12_reproduce-results-rq2",
        "results_rq2_quotes.csv; results_rq2_statements.csv",
    ),
    (
        "4.3",
        "results for research question 3",
        "13_reproduce-results-rq3",
        "results_rq3_quotes.csv; results_rq3_statements.csv",
    ),
    (
        "4.4",
        "results for research question 4",
        "14_reproduce-results-rq4",
        "results_rq4_quotes.csv; results_rq4_statements.csv",
    ),
    (
        "4.5",
        "results for research question 5",
        "15_reproduce-results-rq5",
        "results_rq5_quotes.csv; results_rq5_statements.csv",
    ),
    (
        "5, 6.1",
        "themes of the analysis per research question, linked to theory, with evidence quotes",
        "21_analyse-chapter-5",
        "analysis_themes.csv",
    ),
    (
        "3–6 (claims)",
        "every counting or comparing statement with a verdict; the scoreboard",
        "22_audit-claims",
        "claims_audit.csv; scoreboard.csv",
    ),
]


def published_comparison() -> pd.DataFrame:
    """Every published table value, recomputed and compared (3.1, 3.2, 3.5, 4.6, chapter 8).

    Returns
    -------
    pandas.DataFrame
        The frame of :func:`~mdi_analysis.io.compare_published` over every published table.

    Raises
    ------
    InputDataError
        A survey, sample or published-values file that cannot be read.
    """
    survey = load_survey()
    computed = pd.concat(
        [
            survey_values(factor_table(survey, "mdi"), "4.6"),
            survey_values(factor_table(survey, "all", mean_row=False), "8"),
            sample_values(load_sample()),
        ],
        ignore_index=True,
    )
    return compare_published(computed)


def value_origin(comparison: pd.DataFrame) -> pd.Series:
    """Whether each published value is computed from several input cells or is one input cell.

    Recomputed: the mean row of a factor table (:data:`~mdi_analysis.io.SURVEY_MEAN_ROW`) and the
    sample's totals (column ``total``: the 3.1 interview count). Every other published value is a
    score, a count of inhabitants or of respondents that ``data/`` holds as typed from the thesis.

    Parameters
    ----------
    comparison : pandas.DataFrame
        From :func:`published_comparison` (needs ``row`` and ``column``).

    Returns
    -------
    pandas.Series
        :data:`RECOMPUTED` or :data:`TRANSCRIBED` per row, same index.
    """
    derived = comparison["row"].eq(MEAN_ROW) | comparison["column"].eq("total")
    return derived.map({True: RECOMPUTED, False: TRANSCRIBED})


def build(data: AuditData) -> pd.DataFrame:
    """One row per published value and per claim: expected, computed, status/verdict, where.

    Parameters
    ----------
    data : AuditData
        From :func:`~mdi_analysis.audit.load_audit_data`.

    Returns
    -------
    pandas.DataFrame
        Published values first, then claims: ``item`` (value or claim id), ``type``
        (:data:`RECOMPUTED`, :data:`TRANSCRIBED` or :data:`CLAIM`), ``section``, ``line``,
        ``expected`` (as printed / the statement), ``computed``, ``verdict`` (status or verdict),
        ``basis`` (what a claim's verdict rests on; ``table`` for values) and ``reason``.
    """
    values = published_comparison()
    origin = value_origin(values)
    value_rows = pd.DataFrame(
        {
            "item": values["value_id"],
            "type": origin,
            "section": values["thesis_section"],
            "line": values["thesis_line"].astype(int),
            "expected": values["published"],
            "computed": values["computed"].map(lambda v: "" if pd.isna(v) else f"{v:g}"),
            "verdict": values["status"],
            "basis": "table",
            "reason": origin.map(
                {
                    RECOMPUTED: "computed from several input cells, rounded to the printed precision",
                    TRANSCRIBED: "an input cell typed from the thesis, compared with its second typed copy",
                }
            ),
        }
    )
    audited = audit(load_claims(), data)
    claim_rows = pd.DataFrame(
        {
            "item": audited["claim_id"],
            "type": CLAIM,
            "section": audited["section_id"],
            "line": audited["line"].astype(int),
            "expected": audited["statement"],
            "computed": audited["computed"],
            "verdict": audited["verdict"],
            "basis": audited["basis"],
            "reason": audited["reason"],
        }
    )
    return pd.concat([value_rows, claim_rows], ignore_index=True)


def counts(scoreboard: pd.DataFrame) -> pd.DataFrame:
    """Rows per type × verdict/status.

    Parameters
    ----------
    scoreboard : pandas.DataFrame
        From :func:`build` or :func:`saved`.

    Returns
    -------
    pandas.DataFrame
        Index ``type``; one column per verdict or status present, then ``Sum`` (numbers of rows).
    """
    table = pd.crosstab(scoreboard["type"], scoreboard["verdict"])
    table["Sum"] = table.sum(axis=1)
    table.columns.name = None
    return table


def summary_line(scoreboard: pd.DataFrame) -> str:
    """E.g. "published values: 5 of 5 recomputed from data, 78 of 78 transcribed …; 127 claims audited, …".

    Why two counts: only the recomputed values test a computation; the transcribed ones are input
    cells compared with a second typed copy (and, by the tests, with the thesis text). One number
    for both would read as 83 results reproduced.

    Parameters
    ----------
    scoreboard : pandas.DataFrame
        From :func:`build` or :func:`saved`.

    Returns
    -------
    str
        One line; each "N of M" counts the values whose status is ``reproduced``; "flagged" counts
        the verdicts of :data:`FLAGGED`, and the parenthesis gives each verdict's count; with a
        ``basis`` column, what the claim verdicts rest on (recorded reading, automatic links,
        keywords, tables, nothing published).
    """

    def reproduced(kind: str) -> str:
        rows = scoreboard[scoreboard["type"] == kind]
        return f"{int((rows['verdict'] == 'reproduced').sum())} of {len(rows)}"

    claims = scoreboard[scoreboard["type"] == CLAIM]
    verdicts = claims["verdict"].value_counts()
    flagged = int(sum(verdicts.get(v, 0) for v in FLAGGED))
    parts = ", ".join(f"{int(verdicts.get(v, 0))} {v}" for v in ("agrees", *FLAGGED, "not_verifiable"))
    line = (
        f"published values: {reproduced(RECOMPUTED)} recomputed from data, {reproduced(TRANSCRIBED)} "
        f"transcribed and checked against the thesis text; {len(claims)} claims audited, "
        f"{flagged} flagged ({parts})"
    )
    if "basis" in claims.columns:
        bases = claims["basis"].value_counts()
        line += "; basis: " + ", ".join(
            f"{label} {int(bases.get(b, 0))}"
            for b, label in (
                ("recorded", "recorded reading"),
                ("automatic", "automatic link"),
                ("keyword", "keywords"),
                ("table", "tables"),
                ("none", "nothing published"),
            )
        )
    return line


def saved(path: Path | None = None) -> pd.DataFrame | None:
    """The scoreboard written by the audit notebook in this run, if there is one.

    Parameters
    ----------
    path : Path, optional
        Default ``scoreboard.csv`` in the reports' tables folder.

    Returns
    -------
    pandas.DataFrame or None
        The columns of :func:`build` (empty cells as empty strings), or None when the file is absent.
    """
    path = path or tables_dir() / SCOREBOARD_FILE
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"section": str, "expected": str, "computed": str}, keep_default_na=False)


def claim_locations(claims: pd.DataFrame) -> pd.DataFrame:
    """Where each claim is recomputed: its results notebook (4.N → 1N) and always the audit (22).

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`~mdi_analysis.audit.load_claims`.

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``claim_id``, ``section``, ``line``, ``notebook`` (stem), ``output`` (its
        table under ``reports/tables/``) and ``audit`` (always the audit notebook and its table).
    """

    def notebook(section: str) -> str:
        match = re.match(r"4\.([1-5])(\.|$)", section)
        if match:
            return f"1{match.group(1)}_reproduce-results-rq{match.group(1)}"
        if section.startswith(("3", "4.6")):
            return "01_reproduce-survey-and-sample"
        return "21_analyse-chapter-5"

    return pd.DataFrame(
        {
            "claim_id": claims["claim_id"],
            "section": claims["section_id"],
            "line": claims["line_start"].astype(int),
            "notebook": claims["section_id"].map(notebook),
            "output": claims["section_id"].map(
                lambda s: (
                    f"results_rq{notebook(s)[1]}_statements.csv" if notebook(s).startswith("1") else "claims_audit.csv"
                )
            ),
            "audit": "22_audit-claims / claims_audit.csv",
        }
    )


def item_table() -> pd.DataFrame:
    """Every thesis table and group of claims with the notebook and output files that reproduce it.

    Returns
    -------
    pandas.DataFrame
        One row per entry of :data:`THESIS_ITEMS`: ``thesis`` (section), ``reproduced`` (what),
        ``notebook`` (stem) and ``outputs`` (``;``-separated files under ``reports/tables/``).
    """
    return pd.DataFrame(THESIS_ITEMS, columns=["thesis", "reproduced", "notebook", "outputs"])
