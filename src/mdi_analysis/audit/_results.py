"""Chapter 4, research question by research question: the tables of the results notebooks (11–15).

Each results notebook shows, for one research question, the quotes per subsection and role, the
theory categories each role raises, and the section's own counting and comparing statements with a
verdict (:mod:`mdi_analysis.audit._claims`). The functions here only assemble those tables from the corpus,
the coding and the claim audit.
"""

from __future__ import annotations

import pandas as pd

from ..corpus import ROLES, Corpus, check_research_question, counts_by
from ._claims import AuditData, audit, load_claims


def research_question_text(corpus: Corpus, research_question: int) -> str:
    """The research question's wording, on one line, for the heading of its results notebook.

    Parameters
    ----------
    corpus : Corpus
        A corpus with ``research_questions`` (``research_questions.csv``).
    research_question : int
        Its number (1–5 in the thesis).

    Returns
    -------
    str
        The question's text with white space collapsed; for a question the sections are placed
        under but ``research_questions.csv`` does not word (a project imported from a program that
        drops code descriptions), a note saying so: the placement is what the tables need.

    Raises
    ------
    OptionError
        A number the corpus does not define, or a corpus without research questions
        (:func:`~mdi_analysis.corpus.check_research_question`).
    """
    research_question = check_research_question(corpus, research_question)
    rows = corpus.research_questions
    match = rows[rows["research_question"] == research_question]
    if match.empty or pd.isna(match["text"].iloc[0]):
        return f"(not worded in this corpus: {corpus.directory} has no research_questions.csv row for it)"
    return " ".join(str(match["text"].iloc[0]).split())


def subsection_counts(corpus: Corpus, quotes: pd.DataFrame) -> pd.DataFrame:
    """Quotes per subsection × role with totals, and each subsection's title.

    Parameters
    ----------
    corpus : Corpus
        Supplies the titles.
    quotes : pandas.DataFrame
        Quotes with ``section_id`` and ``role`` (e.g. :func:`~mdi_analysis.corpus.filter_utterances`).

    Returns
    -------
    pandas.DataFrame
        Index ``section_id`` (then ``Sum``); columns ``title``, ``arbeidsgiver``, ``tillitsvalgt``,
        ``Sum`` (numbers of printed quotes).
    """
    table = counts_by(quotes, "section_id")
    titles = corpus.sections.set_index("section_id")["title"]
    table.insert(0, "title", [titles.get(s, "") if s != "Sum" else "" for s in table.index])
    return table


def themes_by_role(data: AuditData, quotes: pd.DataFrame, top_n: int = 8) -> pd.DataFrame:
    """The ``top_n`` categories of each role in ``quotes``: quotes coded and share of the role's quotes.

    Parameters
    ----------
    data : AuditData
        Supplies the coding matrix (from :func:`load_audit_data`).
    quotes : pandas.DataFrame
        Quotes with ``utterance_id`` and ``role``.
    top_n : int
        Categories per role (ties broken by id); categories with no quote are left out.

    Returns
    -------
    pandas.DataFrame
        Index (``role``, ``rank``); columns ``category_id``, ``kategori`` (name), ``quotes`` (coded
        quotes of the role) and ``share`` (of the role's quotes, 0–1).
    """
    from ..io import load_codebook

    labels = load_codebook().labels()
    matrix = data.coding_matrix.reindex(quotes["utterance_id"]).fillna(0)
    rows = []
    for role in ROLES:
        ids = quotes.loc[quotes["role"] == role, "utterance_id"]
        counts = matrix.loc[ids].sum()
        counts = counts[counts > 0]
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top_n]
        for rank, (category, n) in enumerate(ranked, start=1):
            rows.append(
                {
                    "role": role,
                    "rank": rank,
                    "category_id": category,
                    "kategori": labels.get(category, ""),
                    "quotes": int(n),
                    "share": float(n) / len(ids) if len(ids) else 0.0,
                }
            )
    columns = ["role", "rank", "category_id", "kategori", "quotes", "share"]
    return pd.DataFrame(rows, columns=columns).set_index(["role", "rank"])


def section_claims(data: AuditData, section_prefix: str) -> pd.DataFrame:
    """The audit of every claim stated in ``section_prefix`` (e.g. ``4.1``), in thesis order.

    Parameters
    ----------
    data : AuditData
        From :func:`load_audit_data`.
    section_prefix : str
        A section id; its subsections are included.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`audit`, index 0…n-1.
    """
    claims = load_claims()
    chosen = claims[claims["section_id"].map(lambda s: s == section_prefix or s.startswith(section_prefix + "."))]
    return audit(chosen, data).reset_index(drop=True)
