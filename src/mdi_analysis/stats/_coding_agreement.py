"""Agreement of category codings at quote level: a manual coding against the keyword coding, and two human coders.

Why quote level: the corpus codes utterances, not passages, and a keyword hit belongs to a quote. A
category is a yes/no decision per quote, so each category is a 2×2 table between two codings.
Kappa is :func:`~mdi_analysis.stats.cohen_kappa` (tested equal to scikit-learn's); precision and
recall are scikit-learn's, with the manual coding as reference. ``nan`` where a ratio has no
denominator (a category nobody coded has no precision), so an empty category is visibly empty
rather than a zero. The two-coder table follows NVivo's *coding comparison*: per code, kappa and
the percentage of units on which both coders agree (coded by both or by neither), and the
percentages of A-and-B, A-not-B and B-not-A; as in NVivo, identical codings have kappa 1. NVivo
weights by characters; here every quote counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from sklearn.metrics import precision_score, recall_score

from ..errors import OptionError
from ..io import read_table
from ._agreement import cohen_kappa

__all__ = [
    "compare_human_coders",
    "THESIS_MANUAL",
    "agreement_summary",
    "codebook_dir",
    "human_coders",
    "keyword_matrix",
    "load_category_codings",
    "manual_coding",
    "most_disputed",
    "category_agreement",
    "coder_agreement",
    "coding_matrix",
    "codings_from_themes",
    "disagreements",
]


def coding_matrix(codings: pd.DataFrame, utterance_ids: Sequence[str], category_ids: Sequence[str]) -> pd.DataFrame:
    """Quote × category, 1 where ``codings`` (``utterance_id``, ``category_id``) codes the quote.

    Rows and columns follow the given order; codings of other quotes or categories are left out.
    """
    matrix = pd.DataFrame(0, index=pd.Index(list(utterance_ids), name="utterance_id"), columns=list(category_ids))
    pairs = codings[codings["utterance_id"].isin(matrix.index) & codings["category_id"].isin(matrix.columns)]
    for uid, category in zip(pairs["utterance_id"], pairs["category_id"]):
        matrix.loc[uid, category] = 1
    return matrix


def codings_from_themes(themes: pd.DataFrame, utterances: pd.DataFrame) -> pd.DataFrame:
    """The thesis's category coding at quote level, as far as the thesis gives one.

    The thesis places each quote under a section; it links categories to quotes only through the
    themes of chapter 5 (``data/expected/analysis_themes.csv``): a theme names its categories, the
    chapter-4 sections it rests on and the side it is attributed to. A quote is coded with a
    category when a theme with that category rests on the quote's section and is attributed to
    the quote's role (or to both). This is a reading of the thesis at section level, projected onto
    its quotes, not a coding the author made quote by quote.

    Returns
    -------
    pandas.DataFrame
        ``utterance_id``, ``category_id``, ``theme_id`` (the first theme that gives it), unique by quote and category.
    """
    rows = []
    for theme in themes.itertuples(index=False):
        sections = [
            s for s in str(theme.evidence_sections if pd.notna(theme.evidence_sections) else "").split(";") if s
        ]
        in_scope = utterances[utterances["section_id"].isin(sections)]
        if isinstance(theme.roles, str) and theme.roles != "both":
            in_scope = in_scope[in_scope["role"] == theme.roles]
        for category in [c for c in str(theme.category_ids).split(";") if c]:
            rows += [(uid, category, theme.theme_id) for uid in in_scope["utterance_id"]]
    frame = pd.DataFrame(rows, columns=["utterance_id", "category_id", "theme_id"])
    return frame.drop_duplicates(["utterance_id", "category_id"]).reset_index(drop=True)


def _ratio(score: object, truth: np.ndarray, predicted: np.ndarray) -> float:
    return float(score(truth, predicted, zero_division=np.nan))  # type: ignore[operator]


def category_agreement(manual: pd.DataFrame, keyword: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    """Per category: the manual coding (reference) against the keyword coding, quote by quote.

    Parameters
    ----------
    manual, keyword : pandas.DataFrame
        Quote × category 0/1 matrices over the same quotes (:func:`coding_matrix`).
    categories : pandas.DataFrame
        ``category_id``, ``category`` (name) and ``patterns`` (empty: manual only) of the codebook.

    Returns
    -------
    pandas.DataFrame
        One row per category, in codebook order: ``category_id``, ``category``, ``manual_only``
        (no patterns), ``manual_n``, ``keyword_n``, ``both_n``, ``manual_not_keyword``,
        ``keyword_not_manual``, ``kappa``, ``precision``, ``recall``, ``never_found`` (the dictionary
        finds the category in no quote).
    """
    rows = []
    for row in categories.itertuples(index=False):
        category = row.category_id
        truth = manual[category].to_numpy() if category in manual else np.zeros(len(manual), dtype=int)
        predicted = keyword[category].to_numpy() if category in keyword else np.zeros(len(manual), dtype=int)
        rows.append(
            {
                "category_id": category,
                "category": row.category,
                "manual_only": pd.isna(row.patterns) or not str(row.patterns).strip(),
                "manual_n": int(truth.sum()),
                "keyword_n": int(predicted.sum()),
                "both_n": int(((truth == 1) & (predicted == 1)).sum()),
                "manual_not_keyword": int(((truth == 1) & (predicted == 0)).sum()),
                "keyword_not_manual": int(((truth == 0) & (predicted == 1)).sum()),
                "kappa": cohen_kappa(truth, predicted),
                "precision": _ratio(precision_score, truth, predicted),
                "recall": _ratio(recall_score, truth, predicted),
                "never_found": int(predicted.sum()) == 0,
            }
        )
    return pd.DataFrame(rows)


def coder_agreement(coder_a: pd.DataFrame, coder_b: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    """Per code: two coders compared the way NVivo's coding comparison reports it, at quote level.

    Parameters
    ----------
    coder_a, coder_b : pandas.DataFrame
        Quote × category 0/1 matrices over the same quotes.
    categories : pandas.DataFrame
        ``category_id`` and ``category`` of the codes to compare.

    Returns
    -------
    pandas.DataFrame
        ``category_id``, ``category``, ``kappa`` (1 when the codings are identical, as in NVivo),
        ``agreement_pct`` (both or neither), ``a_and_b_pct``, ``neither_pct``,
        ``disagreement_pct``, ``a_not_b_pct``, ``b_not_a_pct``, ``a_n``, ``b_n``.
    """
    rows = []
    n = len(coder_a)
    for row in categories.itertuples(index=False):
        a = coder_a[row.category_id].to_numpy() if row.category_id in coder_a else np.zeros(n, dtype=int)
        b = coder_b[row.category_id].to_numpy() if row.category_id in coder_b else np.zeros(n, dtype=int)
        both, neither = int(((a == 1) & (b == 1)).sum()), int(((a == 0) & (b == 0)).sum())
        a_only, b_only = int(((a == 1) & (b == 0)).sum()), int(((a == 0) & (b == 1)).sum())
        identical = a_only + b_only == 0
        rows.append(
            {
                "category_id": row.category_id,
                "category": row.category,
                "kappa": 1.0 if identical else cohen_kappa(a, b),
                "agreement_pct": 100 * (both + neither) / n if n else np.nan,
                "a_and_b_pct": 100 * both / n if n else np.nan,
                "neither_pct": 100 * neither / n if n else np.nan,
                "disagreement_pct": 100 * (a_only + b_only) / n if n else np.nan,
                "a_not_b_pct": 100 * a_only / n if n else np.nan,
                "b_not_a_pct": 100 * b_only / n if n else np.nan,
                "a_n": int(a.sum()),
                "b_n": int(b.sum()),
            }
        )
    # No codes: still the columns, so that the written table says what it would hold.
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


#: The columns of :func:`coder_agreement`, in order.
COMPARISON_COLUMNS = [
    "category_id",
    "category",
    "kappa",
    "agreement_pct",
    "a_and_b_pct",
    "neither_pct",
    "disagreement_pct",
    "a_not_b_pct",
    "b_not_a_pct",
    "a_n",
    "b_n",
]


def disagreements(
    manual: pd.DataFrame,
    keyword: pd.DataFrame,
    category_id: str | None,
    texts: pd.Series,
    kwic: pd.DataFrame | None,
    words: int = 20,
) -> pd.DataFrame:
    """The quotes on which the two codings of one category disagree, in context.

    A quote only the keyword coder codes is shown by its keyword-in-context lines (``kwic``, from
    :func:`mdi_analysis.coding.kwic` for the category): the word that fired. A quote only the
    manual coding has has no hit to show, so its first ``words`` words stand in.

    ``category_id`` ``None`` (nothing disputed) gives an empty table.

    Returns
    -------
    pandas.DataFrame
        ``utterance_id``, ``disagreement`` (``keyword only`` / ``manual only``), ``left``, ``match``, ``right``.
    """
    columns = ["utterance_id", "disagreement", "left", "match", "right"]
    if category_id is None or kwic is None:
        return pd.DataFrame(columns=columns)
    truth = manual[category_id] if category_id in manual else pd.Series(0, index=manual.index)
    predicted = keyword[category_id] if category_id in keyword else pd.Series(0, index=manual.index)
    rows = []
    for uid in manual.index:
        if predicted[uid] == 1 and truth[uid] == 0:
            lines = kwic[kwic["utterance_id"] == uid]
            rows += [(uid, "keyword only", r.left, r.match, r.right) for r in lines.itertuples(index=False)]
        elif truth[uid] == 1 and predicted[uid] == 0:
            tokens = str(texts[uid]).split()
            excerpt = " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")
            rows.append((uid, "manual only", "", "", excerpt))
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------------------------
# Inputs of the comparison: an imported project's coders, or the thesis corpus
# --------------------------------------------------------------------------------------------

#: The manual coding of the thesis corpus: the thesis's own reading (:func:`codings_from_themes`).
THESIS_MANUAL = "thesis"
_CATEGORY_CODINGS_SCHEMA = pa.DataFrameSchema(
    {
        "utterance_id": pa.Column("string"),
        "category_id": pa.Column("string"),
        "coder": pa.Column("string"),
    },
    strict=False,
)


def load_category_codings(corpus_dir: str | Path | None) -> pd.DataFrame:
    """Every coder's category codings of a corpus folder (``category_codings.csv``, written by
    ``import-qdpx``); empty for the thesis corpus (``None``) and for a folder without the file."""
    if corpus_dir is None or not (Path(corpus_dir) / "category_codings.csv").is_file():
        return pd.DataFrame(columns=["utterance_id", "category_id", "coder"], dtype="string")
    return read_table(Path(corpus_dir) / "category_codings.csv", _CATEGORY_CODINGS_SCHEMA)


def codebook_dir(corpus_dir: str | Path | None) -> Path | None:
    """The codebook of a corpus folder: its own (``frameworks.csv``/``categories.csv`` from
    ``import-qdpx``) when it has one, else ``None`` (the committed ``data/codebook``)."""
    if corpus_dir is not None and (Path(corpus_dir) / "categories.csv").is_file():
        return Path(corpus_dir)
    return None


def human_coders(category_codings: pd.DataFrame) -> list[str]:
    """The coders of ``category_codings`` that are people: not this package's keyword coders
    (``keyword-<normaliser>``), in order of first appearance."""
    return [c for c in dict.fromkeys(category_codings["coder"].astype(str)) if not c.startswith("keyword-")]


def manual_coding(
    category_codings: pd.DataFrame, manual_coder: str | None, themes: pd.DataFrame, utterances: pd.DataFrame
) -> tuple[str, pd.DataFrame]:
    """The manual coding to hold the keyword coding against, and its name.

    ``manual_coder`` names a coder of ``category_codings``; ``None`` takes the first human coder
    there. Without one (the thesis corpus) it is ``thesis``: the thesis's reading from its chapter
    5 themes (:func:`codings_from_themes`).

    Raises
    ------
    OptionError
        ``manual_coder`` is neither ``thesis`` nor a coder of the corpus.
    """
    humans = human_coders(category_codings)
    coders = list(dict.fromkeys(category_codings["coder"].astype(str)))
    chosen = manual_coder or (humans[0] if humans else THESIS_MANUAL)
    if chosen in coders:
        return chosen, category_codings[category_codings["coder"] == chosen][["utterance_id", "category_id"]]
    if chosen == THESIS_MANUAL:
        return f"{THESIS_MANUAL} (chapter 5 themes)", codings_from_themes(themes, utterances)
    raise OptionError(
        f"manual_coder {chosen!r} is not a coder of this corpus; expected one of {[THESIS_MANUAL, *coders]}"
    )


def keyword_matrix(utterances: pd.DataFrame, categories: pd.DataFrame, normaliser: str = "lemma") -> pd.DataFrame:
    """Quote × category 0/1 of the keyword coder (:func:`mdi_analysis.coding.code_texts`); a
    manual-only category (no patterns) is a column of zeros: the dictionary cannot find it."""
    from ..coding import code_texts

    ids = list(utterances["utterance_id"])
    with_patterns = categories[categories["patterns"].notna() & (categories["patterns"].astype(str).str.strip() != "")]
    matrix = pd.DataFrame(0, index=pd.Index(ids, name="utterance_id"), columns=list(categories["category_id"]))
    if len(with_patterns):
        result = code_texts(utterances.set_index("utterance_id")["text"], with_patterns, normaliser)
        matrix.loc[ids, list(with_patterns["category_id"])] = result.matrix.loc[ids, list(with_patterns["category_id"])]
    return matrix


def agreement_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One line over all categories of :func:`category_agreement`: how many categories either
    side uses, how many the dictionary never finds, and the mean kappa, precision and recall over
    the categories the manual coding uses (an unweighted mean: each category counts once)."""
    used = table[table["manual_n"] > 0]
    return pd.DataFrame(
        [
            {
                "categories": len(table),
                "manual_used": len(used),
                "keyword_used": int((table["keyword_n"] > 0).sum()),
                "manual_only_categories": int(table["manual_only"].sum()),
                "never_found": int(table["never_found"].sum()),
                "used_but_never_found": int((used["never_found"]).sum()),
                "mean_kappa": float(used["kappa"].mean()) if len(used) else np.nan,
                "mean_precision": float(used["precision"].mean()) if len(used) else np.nan,
                "mean_recall": float(used["recall"].mean()) if len(used) else np.nan,
            }
        ]
    )


def most_disputed(table: pd.DataFrame) -> str | None:
    """The category with the most disagreements (ties: codebook order), for the KWIC default."""
    disputed = table["manual_not_keyword"] + table["keyword_not_manual"]
    return None if not len(table) or disputed.max() == 0 else str(table.loc[disputed.idxmax(), "category_id"])


def compare_human_coders(
    category_codings: pd.DataFrame,
    utterance_ids: Sequence[str],
    categories: pd.DataFrame,
    coder_a: str | None = None,
    coder_b: str | None = None,
) -> tuple[pd.DataFrame, str | None, str | None]:
    """Two human coders of one project compared per code, NVivo's coding comparison style.

    Why a function: the notebook must run on any imported project, with zero, one or several human
    coders; choosing the pair and skipping when there is no pair belongs here, not in a cell.

    Parameters
    ----------
    category_codings : pandas.DataFrame
        From :func:`load_category_codings` (``utterance_id``, ``category_id``, ``coder``).
    utterance_ids : sequence of str
        Every quote of the corpus, coded or not (a quote neither coder codes still agrees).
    categories : pandas.DataFrame
        The codebook's categories.
    coder_a, coder_b : str, optional
        The coders to compare; default the first and second of :func:`human_coders`.

    Returns
    -------
    (pandas.DataFrame, str or None, str or None)
        :func:`coder_agreement` for the codes either coder used (empty without two coders), and the
        two coder ids compared (None where there is none).
    """
    humans = human_coders(category_codings)
    first = coder_a or (humans[0] if humans else None)
    second = coder_b or (humans[1] if len(humans) > 1 else None)
    ids = categories["category_id"]
    if first is None or second is None:
        return pd.DataFrame(columns=COMPARISON_COLUMNS), first, second
    a, b = (
        coding_matrix(category_codings[category_codings["coder"] == coder], utterance_ids, ids)
        for coder in (first, second)
    )
    table = coder_agreement(a, b, categories)
    return table[(table["a_n"] > 0) | (table["b_n"] > 0)].reset_index(drop=True), first, second
