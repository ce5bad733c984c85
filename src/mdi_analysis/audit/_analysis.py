"""Chapter 5 and 6.1: the themes the analysis discusses, linked to theory, with evidence quotes.

``data/expected/analysis_themes.csv`` records each theme the author discusses per analysis
subsection: the research question, the codebook categories she links it to (explicitly, by citing a
theory, or inductively), the chapter-4 subsections it rests on and the role(s) she attributes it to.
This module finds, in the coded corpus, the quotes of those subsections and roles that carry the
theme's categories — how many, and the one with the most keyword evidence as an example — so a
reader can see what in the published data supports each theme of the analysis.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..coding import CorpusCoding
from ..io import check_allowed, read_table
from ..options import check_choice
from ..paths import data_dir

THEMES_SCHEMA = pa.DataFrameSchema(
    {
        "theme_id": pa.Column("string", pa.Check.str_matches(r"^A\d{2}$"), unique=True),
        "analysis_section": pa.Column("string", pa.Check.str_matches(r"^[56](\.\d+)*$")),
        "research_question": pa.Column("Int64", pa.Check.in_range(1, 5), nullable=True),
        "theme": pa.Column("string"),
        "category_ids": pa.Column("string"),
        "theory_link": pa.Column("string", pa.Check.isin(["explicit", "inductive"])),
        "line_start": pa.Column("Int64", pa.Check.ge(1)),
        "line_end": pa.Column("Int64", pa.Check.ge(1)),
        "evidence_sections": pa.Column("string", nullable=True),
        "roles": pa.Column("string", pa.Check.isin(["arbeidsgiver", "tillitsvalgt", "both"]), nullable=True),
        "summary": pa.Column("string"),
        "note": pa.Column("string", nullable=True, required=False),
    },
    strict=False,
)

EXCERPT_WORDS = 24


def load_analysis_themes(path: str | Path | None = None, categories: pd.Series | None = None) -> pd.DataFrame:
    """Read and validate the chapter 5 / 6.1 themes; with ``categories``, check every category they name.

    Parameters
    ----------
    path : str or Path, optional
        Default ``data/expected/analysis_themes.csv``.
    categories : pandas.Series, optional
        The codebook's ``category_id`` values; ``None`` skips the cross-check.

    Returns
    -------
    pandas.DataFrame
        One row per theme: ``theme_id``, ``analysis_section``, ``research_question`` (1–5; missing
        for survey themes), ``theme``, ``category_ids`` (``;``-separated), ``theory_link``
        (``explicit``/``inductive``), ``line_start``, ``line_end``, ``evidence_sections``,
        ``roles``, ``summary``.

    Raises
    ------
    InputDataError
        A missing file, a row that breaks the schema, or a category id not in ``categories``.
    """
    path = Path(path) if path else data_dir() / "expected" / "analysis_themes.csv"
    table = read_table(
        path, THEMES_SCHEMA, numeric={"research_question": "int", "line_start": "int", "line_end": "int"}
    )
    if categories is not None:
        check_allowed(
            table, "category_ids", categories, "codebook category", source="data/codebook/categories.csv", listed=True
        )
    return table


def _excerpt(text: str, words: int = EXCERPT_WORDS) -> str:
    tokens = str(text).split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


def theme_evidence(themes: pd.DataFrame, coding: CorpusCoding, texts: pd.Series) -> pd.DataFrame:
    """Per theme: quotes in its evidence subsections (and roles) coded with its categories, and an example.

    The example is the coded quote with the most keyword hits for the theme's categories (ties: the
    earlier quote), shortened to its first words.

    Parameters
    ----------
    themes : pandas.DataFrame
        From :func:`load_analysis_themes`.
    coding : CorpusCoding
        The corpus coded with (at least) the themes' categories; categories it lacks count as uncoded.
    texts : pandas.Series
        Quote texts by ``utterance_id``, for the example.

    Returns
    -------
    pandas.DataFrame
        One row per theme: ``theme_id``, ``section``, ``rq``, ``theme``, ``link``, ``categories``,
        ``quotes in scope`` (quotes of its evidence subsections and roles), ``coded AG`` and
        ``coded TV`` (of those, quotes coded with one of its categories, per role) and ``example``
        (``"<utterance_id>: «first 24 words …»"``, empty when none is coded).
    """
    meta = coding.utterances
    evidence = coding.result.evidence
    rows = []
    for theme in themes.itertuples(index=False):
        categories = [c for c in str(theme.category_ids).split(";") if c]
        raw_sections = "" if pd.isna(theme.evidence_sections) else str(theme.evidence_sections)
        sections = [s for s in raw_sections.split(";") if s]
        in_scope = meta[meta["section_id"].isin(sections)] if sections else meta.iloc[0:0]
        if isinstance(theme.roles, str) and theme.roles in ("arbeidsgiver", "tillitsvalgt"):
            in_scope = in_scope[in_scope["role"] == theme.roles]
        present = [c for c in categories if c in coding.matrix.columns]
        coded = (
            coding.matrix.loc[in_scope.index, present].max(axis=1) > 0
            if present
            else pd.Series(False, index=in_scope.index)
        )
        coded_ids = list(coded[coded].index)
        by_role = in_scope.loc[coded_ids, "role"].value_counts()
        hits = evidence[evidence["utterance_id"].isin(coded_ids) & evidence["category_id"].isin(present)]
        ranked = hits.groupby("utterance_id").size()
        example = ""
        if len(ranked):
            best = sorted(ranked.items(), key=lambda item: (-item[1], item[0]))[0][0]
            example = f"{best}: «{_excerpt(texts[best])}»"
        rows.append(
            {
                "theme_id": theme.theme_id,
                "section": theme.analysis_section,
                "rq": theme.research_question,
                "theme": theme.theme,
                "link": theme.theory_link,
                "categories": ";".join(categories),
                "quotes in scope": len(in_scope),
                "coded AG": int(by_role.get("arbeidsgiver", 0)),
                "coded TV": int(by_role.get("tillitsvalgt", 0)),
                "example": example,
            }
        )
    return pd.DataFrame(rows)


def evidence_of_question(evidence: pd.DataFrame, research_question: int | None) -> pd.DataFrame:
    """The rows of :func:`theme_evidence` for one research question (all for ``None``).

    Why a function: a research question the analysis does not discuss (``9``, or a question of a
    researcher's own placement that chapter 5 never takes up) gave an empty table without a word;
    a reader could not tell "no theme" from "no such question". Now it is refused with the
    questions chapter 5 has themes for.

    Parameters
    ----------
    evidence : pandas.DataFrame
        From :func:`theme_evidence` (its ``rq`` column).
    research_question : int or None
        The question; ``None`` keeps every row.

    Returns
    -------
    pandas.DataFrame
        The rows of that question, in the order of ``evidence``.

    Raises
    ------
    OptionError
        A question no theme of chapter 5 belongs to, naming those that have themes.
    """
    if research_question is None:
        return evidence
    questions = sorted({int(q) for q in evidence["rq"].dropna()})  # survey themes have no question
    check_choice(
        research_question,
        questions,
        "research_question",
        none_because="analysis_themes.csv has no theme of any research question",
    )
    return evidence[evidence["rq"].eq(research_question).fillna(False).astype(bool)]


def support_summary(evidence: pd.DataFrame) -> pd.DataFrame:
    """Per research question: themes discussed, how many are linked explicitly to theory, and how many
    find at least one coded quote in the subsections they rest on.

    Parameters
    ----------
    evidence : pandas.DataFrame
        From :func:`theme_evidence`.

    Returns
    -------
    pandas.DataFrame
        Index ``rq`` (the research question as text, ``survey`` for themes without one, then
        ``Sum``); columns ``themes``, ``explicit_theory``, ``with_coded_quotes`` (numbers of themes).
    """
    frame = evidence.assign(
        rq=evidence["rq"].astype("string").fillna("survey"), supported=(evidence["coded AG"] + evidence["coded TV"]) > 0
    )
    table = frame.groupby("rq").agg(
        themes=("theme_id", "size"),
        explicit_theory=("link", lambda s: int((s == "explicit").sum())),
        with_coded_quotes=("supported", "sum"),
    )
    table.loc["Sum"] = table.sum()
    return table.astype(int)


def framework_links(themes: pd.DataFrame, frameworks: pd.DataFrame) -> pd.DataFrame:
    """Which chapter-2 frameworks the analysis draws on, per research question (count of themes).

    Parameters
    ----------
    themes : pandas.DataFrame
        From :func:`load_analysis_themes`.
    frameworks : pandas.DataFrame
        ``Codebook.frameworks`` (``framework_id``, ``framework``).

    Returns
    -------
    pandas.DataFrame
        Index ``framework_id``; a column ``framework`` (name), then one column per research question
        (as text; ``survey`` for themes without one). A cell counts the theme-category links: a
        theme naming two categories of one framework counts twice.
    """
    exploded = themes.assign(framework_id=themes["category_ids"].str.split(";")).explode("framework_id")
    exploded["framework_id"] = exploded["framework_id"].str.split(".").str[0]
    exploded["rq"] = exploded["research_question"].astype("string").fillna("survey")
    table = pd.crosstab(exploded["framework_id"], exploded["rq"])
    names = frameworks.set_index("framework_id")["framework"]
    table.insert(0, "framework", [names.get(f, "") for f in table.index])
    table.columns.name = None
    return table
