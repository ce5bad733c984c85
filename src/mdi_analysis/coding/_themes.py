"""Theory categories in the quotes: keyword coding of the corpus, summarised by role, question, section.

:func:`code_corpus` runs the coding engine (:mod:`mdi_analysis.coding._engine`) over the corpus once; the
other functions turn its utterance × category matrix into the tables the thesis discusses — which
categories each role raises, per research question and section, and what each role names as a
barrier (4.4.1, 5.4). Counts are quotes coded with a category, not keyword hits, so one long quote
that repeats a word counts once.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..corpus import ROLE_COLUMNS, ROLES, Corpus, check_role
from ..io import Codebook
from ._engine import CodingResult, code_texts
from ._kwic import cooccurrence

BARRIER_SECTION = "4.4.1"


@dataclass(frozen=True)
class CorpusCoding:
    """The coding of a corpus with the utterance metadata needed to group it."""

    result: CodingResult
    utterances: pd.DataFrame  # utterance_id, role, section_id, research_question
    labels: pd.Series  # category_id → category name

    @property
    def matrix(self) -> pd.DataFrame:
        return self.result.matrix


def code_corpus(
    corpus: Corpus,
    codebook: Codebook,
    normaliser: str = "lemma",
    frameworks: str | list[str] | None = "all",
    *,
    affirmed_only: bool = False,
) -> CorpusCoding:
    """Code every quote with the categories of ``frameworks`` (default: the whole codebook).

    Parameters
    ----------
    corpus : Corpus
        From :func:`~mdi_analysis.corpus.load_corpus`.
    codebook : Codebook
        From :func:`~mdi_analysis.io.load_codebook`.
    normaliser : {"lemma", "stem", "lower"}
        As in :func:`code_texts`.
    frameworks : str or list of str, optional
        ``framework_id`` value(s); ``"all"`` or ``None`` codes with every category.
    affirmed_only : bool
        Count only hits outside a negation scope (see :func:`code_texts`).

    Returns
    -------
    CorpusCoding
        ``result`` (the :class:`CodingResult`; ``matrix`` is utterance_id × category_id, 0/1),
        ``utterances`` (index ``utterance_id``; ``role``, ``section_id``, ``research_question``)
        and ``labels`` (category_id → category name).

    Raises
    ------
    ValueError
        An unknown framework or normaliser.
    """
    categories = codebook.select(frameworks)
    texts = corpus.utterances.set_index("utterance_id")["text"]
    result = code_texts(texts, categories, normaliser, affirmed_only=affirmed_only)
    meta = corpus.utterances[["utterance_id", "role", "section_id"]].merge(
        corpus.sections[["section_id", "research_question"]], on="section_id", how="left"
    )
    return CorpusCoding(result=result, utterances=meta.set_index("utterance_id"), labels=codebook.labels())


def _subset(coding: CorpusCoding, role: str = "all") -> tuple[pd.DataFrame, pd.DataFrame]:
    meta = coding.utterances
    check_role(role)
    if role != "all":
        meta = meta[meta["role"] == role]
    return coding.matrix.loc[meta.index], meta


def frequency_by(
    coding: CorpusCoding, by: str, *, role: str = "all", share: bool = False, min_total: int = 1
) -> pd.DataFrame:
    """Categories (rows) × groups of ``by`` (columns): quotes coded, or the share of the group's quotes.

    Categories coded in fewer than ``min_total`` quotes overall are left out; rows are sorted by
    total (descending) then id, so the table is stable.

    Parameters
    ----------
    coding : CorpusCoding
        From :func:`code_corpus`.
    by : {"role", "section_id", "research_question"}
        The column of ``coding.utterances`` to group the quotes by.
    role : {"all", "arbeidsgiver", "tillitsvalgt"}
        Count only the quotes of one role.
    share : bool
        Give the share of each group's quotes (0–1) instead of numbers of quotes.
    min_total : int
        Leave out categories coded in fewer quotes than this (over all groups).

    Returns
    -------
    pandas.DataFrame
        Index ``category_id``; one column per group (its value as text). Counts (int) end with a
        ``Sum`` column; shares (float, 0–1) have none.

    Raises
    ------
    ValueError
        An unknown role.
    """
    matrix, meta = _subset(coding, role)
    groups = meta[by]
    counts = matrix.groupby(groups).sum().T
    counts = counts[counts.sum(axis=1) >= min_total]
    order = counts.sum(axis=1).sort_values(ascending=False, kind="stable")
    counts = counts.loc[sorted(order.index, key=lambda c: (-order[c], c))]
    counts.columns = [str(c) for c in counts.columns]
    if share:
        sizes = groups.value_counts()
        sizes.index = [str(i) for i in sizes.index]
        return counts.div(sizes.reindex(counts.columns), axis=1).astype(float)
    counts["Sum"] = counts.sum(axis=1)
    return counts.astype(int)


def with_labels(table: pd.DataFrame, coding: CorpusCoding) -> pd.DataFrame:
    """Prefix the category id index with its Norwegian name for reading.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by ``category_id`` (e.g. from :func:`frequency_by`); not changed.
    coding : CorpusCoding
        Supplies the names.

    Returns
    -------
    pandas.DataFrame
        A copy with a first column ``kategori`` (the category name; empty when unknown).
    """
    table = table.copy()
    table.insert(0, "kategori", [coding.labels.get(c, "") for c in table.index])
    return table


def top_categories(coding: CorpusCoding, by: str = "section_id", n: int = 3, *, role: str = "all") -> pd.DataFrame:
    """The ``n`` most frequent categories in each group, with counts (ties broken by id).

    Parameters
    ----------
    coding : CorpusCoding
        From :func:`code_corpus`.
    by : {"section_id", "research_question", "role"}
        The column of ``coding.utterances`` to group the quotes by.
    n : int
        How many categories per group.
    role : {"all", "arbeidsgiver", "tillitsvalgt"}
        Count only the quotes of one role.

    Returns
    -------
    pandas.DataFrame
        Index ``by`` (group as text); ``quotes`` (quotes in the group) and ``#1`` … ``#n``, each
        ``"<category_id> (<quotes coded>)"``, empty where fewer categories were coded.

    Raises
    ------
    ValueError
        An unknown role.
    """
    matrix, meta = _subset(coding, role)
    rows = []
    for group, index in meta.groupby(by).groups.items():
        counts = matrix.loc[index].sum()
        counts = counts[counts > 0]
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
        rows.append(
            {
                by: str(group),
                "quotes": len(index),
                **{f"#{i + 1}": f"{cid} ({int(c)})" for i, (cid, c) in enumerate(ranked)},
            }
        )
    return pd.DataFrame(rows, columns=None if rows else [by, "quotes"]).set_index(by).fillna("")  # no quotes: no rows


def barrier_table(coding: CorpusCoding, frameworks: tuple[str, ...] = ("tema", "koch_barriere")) -> pd.DataFrame:
    """What each role names when asked for the largest barriers (4.4.1): categories × role counts.

    The thesis reads its barrier question by role (4.4.1 and 5.4): employers name leadership, union
    representatives time, economy and engagement. This table is the same reading done by the coder.

    Parameters
    ----------
    coding : CorpusCoding
        From :func:`code_corpus`.
    frameworks : tuple of str
        The ``framework_id`` values whose categories are counted (those ``coding`` did not code
        are simply absent).

    Returns
    -------
    pandas.DataFrame
        Index ``category_id`` (categories coded in at least one quote of section 4.4.1, most quotes
        first); columns ``kategori`` (name), ``arbeidsgiver (n=…)`` and ``tillitsvalgt (n=…)``
        (numbers of quotes; n is the role's quotes in 4.4.1).
    """
    meta = coding.utterances
    in_section = meta[meta["section_id"] == BARRIER_SECTION]
    matrix = coding.matrix.loc[in_section.index]
    keep = [c for c in matrix.columns if c.split(".")[0] in frameworks]
    counts = matrix[keep].groupby(in_section["role"]).sum().T.reindex(columns=ROLE_COLUMNS, fill_value=0)
    counts = counts[counts.sum(axis=1) > 0]
    sizes = in_section["role"].value_counts().reindex(ROLE_COLUMNS, fill_value=0)
    counts.columns = [f"{role} (n={int(sizes[role])})" for role in ROLES]
    counts = counts.loc[sorted(counts.index, key=lambda c: (-int(counts.loc[c].sum()), c))]
    return with_labels(counts.astype(int), coding)


def top_pairs(coding: CorpusCoding, n: int = 10) -> pd.DataFrame:
    """The ``n`` category pairs most often coded in the same quote.

    Parameters
    ----------
    coding : CorpusCoding
        From :func:`code_corpus`.
    n : int
        At most this many pairs.

    Returns
    -------
    pandas.DataFrame
        Columns ``category_a``, ``category_b`` (each pair once, in the matrix's column order) and
        ``quotes`` (quotes coded with both, > 0); most quotes first, ties by the ids.
    """
    table = cooccurrence(coding.matrix)
    counts = table.to_numpy()
    rows, cols = np.triu_indices_from(counts, k=1)  # each unordered pair once, as (earlier, later)
    keep = counts[rows, cols] > 0
    pairs = [(table.index[i], table.columns[j], int(counts[i, j])) for i, j in zip(rows[keep], cols[keep])]
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return pd.DataFrame(pairs[:n], columns=["category_a", "category_b", "quotes"])


def heatmap(table: pd.DataFrame, title: str, *, fmt: str = ".0%", max_rows: int = 25):
    """A seaborn heatmap of a category × group table (shares or counts).

    Parameters
    ----------
    table : pandas.DataFrame
        Categories (rows) × groups, e.g. from :func:`frequency_by`; ``Sum`` and ``kategori``
        columns are left out of the picture.
    title : str
        The figure title.
    fmt : str
        Format of the cell annotations: ``".0%"`` for shares, ``".0f"`` for counts (the values are
        drawn as floats).
    max_rows : int
        Show at most this many rows (the first ones).

    Returns
    -------
    matplotlib.figure.Figure
        The heatmap, or a note when ``table`` has no rows.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = table.drop(columns=[c for c in ("Sum", "kategori") if c in table.columns]).head(max_rows)
    if data.empty:  # e.g. a small imported corpus where no category reaches the minimum
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.text(0.5, 0.5, "no category reaches the minimum count", ha="center", va="center")
        ax.set_axis_off()
        ax.set_title(title)
        return fig
    width = 1.1 * len(data.columns) + 4.5
    fig, ax = plt.subplots(figsize=(width, 0.32 * len(data) + 1.6))
    sns.heatmap(data.astype(float), annot=True, fmt=fmt, cmap="Blues", cbar=False, linewidths=0.5, ax=ax)
    # The title over the whole figure, wrapped to its width: centred over a narrow heatmap (long row
    # labels on the left) a long title ran past the figure's right edge and was cut.
    fig.suptitle(textwrap.fill(title, width=int(width * 8)), x=0.02, ha="left", fontsize=11)
    ax.set_xlabel("")
    ax.set_ylabel("")
    fig.tight_layout()
    return fig
