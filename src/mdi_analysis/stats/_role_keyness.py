"""Keyness of the corpus's two roles: counting each role's terms and coded quotes, and the figure.

Why counts come from the one document-feature matrix (:mod:`mdi_analysis.text`): a keyness table
says "the employers use *innovasjon* 17 times"; that number must be the one every other table of the
project would give for the same quotes, so it is the matrix of content tokens summed by role
(:func:`~mdi_analysis.text.dfm_group`), and its dispersion (in how many quotes) the same matrix
weighted to presence first. Re-prints are left out, by default, through
:func:`mdi_analysis.corpus.without_reprints`: the thesis prints eight statements twice, and counting
both printings would count one respondent's words twice (six of the eight are employer quotes).
The statistics themselves are in :mod:`._keyness`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..corpus import ROLES, Corpus, without_reprints  # ROLES: the two sides, in the order target, reference
from ..errors import OptionError
from ..options import check_choice, check_int
from ..text import DocumentFeatureMatrix, Normaliser, dfm, dfm_group, dfm_weight
from ._keyness import bh_adjust, keyness, statistic_column, top_keys

#: Units :func:`term_counts` counts in: every token, or each term once per quote (its dispersion).
KEYNESS_UNITS: tuple[str, ...] = ("tokens", "quotes")

__all__ = [
    "KEYNESS_UNITS",
    "keyness_plot_data",
    "plot_keyness",
    "role_category_keyness",
    "role_term_keyness",
    "term_counts",
]


# --------------------------------------------------------------------------------------------
# From the corpus to counts
# --------------------------------------------------------------------------------------------


def _counted_utterances(corpus: Corpus, exclude_reprints: bool) -> pd.DataFrame:
    """The utterances a keyness table counts: re-prints left out (by default) through
    :func:`mdi_analysis.corpus.without_reprints`, the one place that decides what a re-print is."""
    return without_reprints(corpus.utterances) if exclude_reprints else corpus.utterances.reset_index(drop=True)


def _grouped_frame(x: DocumentFeatureMatrix, by: str) -> pd.DataFrame:
    """Features × groups counts of a matrix grouped by a docvar (the shape keyness takes)."""
    grouped = dfm_group(x, by)
    return pd.DataFrame(
        grouped.counts.T.toarray(),
        index=pd.Index(grouped.features, name="feature"),
        columns=pd.Index(grouped.docnames, name="group"),
    )


def _presence(x: DocumentFeatureMatrix) -> DocumentFeatureMatrix:
    """Each term counted once per document (``dfm_weight(x, "boolean")``), as a matrix to group."""
    return DocumentFeatureMatrix(dfm_weight(x, "boolean"), x.features, x.docvars)


def _role_dfm(
    texts: pd.Series | Sequence[str], groups: pd.Series | Sequence[str], normaliser: str | Normaliser
) -> DocumentFeatureMatrix:
    texts = list(texts)
    groups = [str(g) for g in groups]
    if len(texts) != len(groups):
        raise OptionError(f"{len(texts)} texts but {len(groups)} group labels")
    return dfm(texts, normaliser, docvars=pd.DataFrame({"group": groups}))


def term_counts(
    texts: pd.Series | Sequence[str],
    groups: pd.Series | Sequence[str],
    normaliser: str | Normaliser = "lemma",
    *,
    unit: str = "tokens",
) -> pd.DataFrame:
    """Term × group frequencies of content tokens (normalised, stop words, numbers and gaps removed).

    The project's one document-feature matrix (:func:`mdi_analysis.text.dfm`) summed by group, so
    a keyness table and every other count in the project agree. ``unit="quotes"`` counts each term
    once per text (its dispersion: in how many quotes it occurs).

    Parameters
    ----------
    texts : Series or sequence of str
    groups : Series or sequence of str
        One group label per text (e.g. the role).
    normaliser : str or Normaliser
        ``"lemma"``, ``"stem"`` or ``"lower"``.
    unit : str
        ``"tokens"`` or ``"quotes"``.

    Returns
    -------
    DataFrame
        Rows: terms (index ``feature``, sorted); columns: groups (sorted, as strings); int64 cells.
    """
    check_choice(unit, KEYNESS_UNITS, "unit")
    x = _role_dfm(texts, groups, normaliser)
    return _grouped_frame(x if unit == "tokens" else _presence(x), "group")


def _check_roles(utterances: pd.DataFrame, target: str, reference: str) -> None:
    """Both sides must be roles with utterances, and two different ones.

    Why a message of its own for a corpus of one role: a project imported from another QDA program
    without its roles has every quote as ``unknown``; "unknown target role 'arbeidsgiver'; valid:
    'unknown'" is true but does not say that the roles were never imported, nor how to get them.
    """
    present = sorted(set(utterances["role"]))
    if len(present) < 2:
        found = ", ".join(repr(r) for r in present) or "none"
        raise OptionError(
            f"role keyness compares two roles, but every quote of this corpus has the role {found}: "
            "give an imported project its roles with import-qdpx --role-from (docs/qda-and-transcripts.md)"
        )
    check_choice(target, present, "target role")
    check_choice(reference, present, "reference role")
    if target == reference:
        raise OptionError("target and reference must be two different roles")


def role_term_keyness(
    corpus: Corpus,
    *,
    target: str = ROLES[0],
    reference: str = ROLES[1],
    normaliser: str | Normaliser = "lemma",
    measure: str = "lr",
    correction: str = "default",
    min_count: int = 5,
    min_quotes: int = 1,
    exclude_reprints: bool = True,
) -> pd.DataFrame:
    """Key terms of ``target``'s answers against ``reference``'s (default: employers vs union reps).

    Totals are each role's number of content tokens, so a role that talked longer is not "key" for
    every word. ``quotes_target``/``quotes_reference`` say in how many quotes a term occurs. Why:
    G² treats every token as independent, but one speaker repeating a word in one long quote
    (``delegert``: 7 tokens, 1 quote) is one voice, not seven; ``min_quotes`` drops terms found in
    fewer quotes (both roles together). Both filters act after scoring; ``p_bh`` is recomputed over
    the terms that remain.

    Parameters
    ----------
    corpus : Corpus
    target, reference : str
        The two roles compared (default ``arbeidsgiver`` against ``tillitsvalgt``).
    normaliser : str or Normaliser
        ``"lemma"``, ``"stem"`` or ``"lower"``.
    measure : str
        ``"lr"`` (G²) or ``"chi2"``.
    correction : str
        ``"default"``, ``"yates"``, ``"williams"`` or ``"none"``.
    min_count : int
        Fewest tokens of a term (both roles together) for it to be listed.
    min_quotes : int
        Fewest quotes a term must occur in (both roles together) to be listed.
    exclude_reprints : bool
        Leave re-prints out of the counts (their first printing stays).

    Returns
    -------
    DataFrame
        The :func:`keyness` table with ``quotes_target`` and ``quotes_reference`` after
        ``n_reference``.
    """
    min_quotes = check_int(min_quotes, "min_quotes", low=0, what="an integer (a number of quotes)")
    utterances = _counted_utterances(corpus, exclude_reprints)
    _check_roles(utterances, target, reference)
    utterances = utterances[utterances["role"].isin([target, reference])]
    x = _role_dfm(utterances["text"], utterances["role"], normaliser)
    counts = _grouped_frame(x, "group")
    table = keyness(
        counts[target],
        counts[reference],
        measure,
        correction,
        target_total=int(counts[target].sum()),
        reference_total=int(counts[reference].sum()),
        min_count=min_count,
        labels=(target, reference),
    )
    quotes = _grouped_frame(_presence(x), "group")
    table.insert(3, "quotes_target", quotes[target].reindex(table["feature"]).to_numpy())
    table.insert(4, "quotes_reference", quotes[reference].reindex(table["feature"]).to_numpy())
    if min_quotes > 1:
        attrs = dict(table.attrs)
        table = table[table["quotes_target"] + table["quotes_reference"] >= min_quotes].reset_index(drop=True)
        table["p_bh"] = bh_adjust(table["p"].to_numpy())
        table.attrs.update(attrs)
    return table


def role_category_keyness(
    corpus: Corpus,
    matrix: pd.DataFrame,
    *,
    target: str = ROLES[0],
    reference: str = ROLES[1],
    labels: pd.Series | None = None,
    measure: str = "lr",
    correction: str = "default",
    min_count: int = 3,
    exclude_reprints: bool = True,
) -> pd.DataFrame:
    """Key codebook categories: quotes coded with a category, per role, against each role's quotes.

    The unit is the quote (``matrix`` is the 0/1 utterance × category matrix of
    :func:`mdi_analysis.coding._engine.code_texts`), so the 2×2 table per category is *quotes coded / not
    coded* × role, with totals = each role's number of quotes. A quote that repeats a keyword five
    times counts once, which is what "this side raises the theme" means.

    Parameters
    ----------
    corpus : Corpus
    matrix : DataFrame
        0/1 utterances × categories (``CorpusCoding.matrix``), covering every counted utterance.
    target, reference : str
        The two roles compared.
    labels : Series, optional
        Category id → name: adds a ``category`` column.
    measure : str
        ``"lr"`` (G²) or ``"chi2"``.
    correction : str
        ``"default"``, ``"yates"``, ``"williams"`` or ``"none"``.
    min_count : int
        Fewest coded quotes (both roles together) for a category to be listed.
    exclude_reprints : bool
        Leave re-prints out of the counts (their first printing stays).

    Returns
    -------
    DataFrame
        The :func:`keyness` table (features: category ids), with ``category`` after ``feature``
        when ``labels`` is given.
    """
    utterances = _counted_utterances(corpus, exclude_reprints)
    _check_roles(utterances, target, reference)
    missing = sorted(set(utterances["utterance_id"]) - set(matrix.index))
    if missing:
        raise OptionError(f"the coding matrix lacks {len(missing)} utterance(s), e.g. {missing[:3]}")
    roles = utterances.set_index("utterance_id")["role"]
    coded = matrix.loc[roles.index]
    target_ids = roles.index[roles == target]
    reference_ids = roles.index[roles == reference]
    table = keyness(
        coded.loc[target_ids].sum(),
        coded.loc[reference_ids].sum(),
        measure,
        correction,
        target_total=len(target_ids),
        reference_total=len(reference_ids),
        min_count=min_count,
        labels=(target, reference),
    )
    if labels is not None:
        table.insert(1, "category", table["feature"].map(labels).astype("object"))
    return table


# --------------------------------------------------------------------------------------------
# Figure
# --------------------------------------------------------------------------------------------


def keyness_plot_data(table: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The bars of :func:`plot_keyness`: each side's ``n`` strongest features with signed statistic.

    Order: target features from strongest down, then reference features from weakest to strongest,
    so the chart reads as a diverging bar chart from top to bottom.
    """
    stat = statistic_column(table)
    labels = table.attrs.get("labels", ("target", "reference"))
    top = top_keys(table, n).reset_index()
    target = top[top["key_for"] == labels[0]]
    reference = top[top["key_for"] == labels[1]].iloc[::-1]
    data = pd.concat([target, reference], ignore_index=True)
    return data[["feature", "key_for", stat, "log_ratio"]].rename(columns={"key_for": "key for"})


def plot_keyness(table: pd.DataFrame, n: int = 10, *, title: str | None = None):
    """Diverging horizontal bar chart of signed keyness (bars right: key for the target side).

    Parameters
    ----------
    table : DataFrame
        A :func:`keyness` table.
    n : int
        Features per side.
    title : str, optional
        Default: ``Key terms: <target> vs <reference>``.

    Returns
    -------
    matplotlib.figure.Figure
        Data: :func:`keyness_plot_data`.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    stat = statistic_column(table)
    labels = list(table.attrs.get("labels", ("target", "reference")))
    data = keyness_plot_data(table, n)
    fig, ax = plt.subplots(figsize=(7.5, 0.28 * max(len(data), 1) + 1.4))
    sns.barplot(
        data=data,
        x=stat,
        y="feature",
        hue="key for",
        hue_order=labels,
        palette=dict(zip(labels, sns.color_palette("deep", 2))),
        dodge=False,
        ax=ax,
    )
    ax.axvline(0, color="0.3", linewidth=0.8)
    measure = "G² (log-likelihood)" if stat == "G2" else "chi²"
    ax.set_xlabel(f"signed {measure}; > 0 = key for {labels[0]}, < 0 = key for {labels[1]}")
    ax.set_ylabel("")
    ax.set_title(title or f"Key terms: {labels[0]} vs {labels[1]}")
    ax.legend(title=None, loc="lower right", frameon=False)
    fig.tight_layout()
    return fig
