"""Keyword in context and category co-occurrence, on the engine's own matches.

Why on the engine: a KWIC line must show exactly the hit that was counted (same normaliser, same
compound rule), or a reader checking a coding would be checking something else.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..options import check_int
from ..text import Normaliser, get_normaliser, tokenize
from ._engine import _run, _text_values
from ._patterns import compile_codebook


def kwic(
    texts: pd.Series | Iterable[str],
    term_or_category: str,
    codebook: pd.DataFrame | pd.Series | None = None,
    normaliser: str | Normaliser = "lemma",
    window: int = 6,
    negation: bool = False,
) -> pd.DataFrame:
    """Keyword-in-context lines for a category's patterns or for a pattern.

    When ``codebook`` is given and ``term_or_category`` is one of its category ids, that category's
    patterns are used; otherwise ``term_or_category`` is itself a pattern (``;`` separates several).
    Matching is exactly that of :func:`code_texts`. ``left``/``match``/``right`` are the original
    surface tokens (case kept, ``(…)`` shown), ``window`` tokens either side.

    Parameters
    ----------
    texts : pandas.Series or iterable of str
        Texts indexed by utterance id, as for :func:`code_texts`.
    term_or_category : str
        A category id of ``codebook``, or one or more patterns (``;``-separated).
    codebook : pandas.DataFrame or pandas.Series, optional
        Categories with their patterns (as for :func:`code_texts`); without it ``term_or_category``
        is always read as a pattern.
    normaliser : {"lemma", "stem", "lower"} or Normaliser
        As in :func:`code_texts`.
    window : int
        Tokens of context on each side (≥ 0).
    negation : bool
        Add a ``negated`` column: the hit stands inside a negation scope (``ikke``, ``aldri``,
        ``ingen`` … up to the clause end, see :mod:`._negation`).

    Returns
    -------
    pandas.DataFrame
        One row per hit, in text and token order: ``utterance_id``, ``left``, ``match``,
        ``right``, ``pattern`` (as written in the codebook), ``token_position`` (0-based token
        index of the match in its text).

    Raises
    ------
    OptionError
        A ``window`` that is not a whole number ≥ 0.
    InputDataError
        A pattern with no word to match.
    """
    window = check_int(window, "window", low=0, what="a number of words")
    norm = get_normaliser(normaliser)
    selected: pd.Series | None = None
    if codebook is not None:
        categories, patterns = compile_codebook(codebook, norm)
        if term_or_category in categories:
            patterns = [p for p in patterns if p.category_id == term_or_category]
            selected = pd.Series({term_or_category: ";".join(p.pattern for p in patterns)})
    if selected is None:
        selected = pd.Series({"_": term_or_category})
    _, patterns = compile_codebook(selected, norm)
    series, corpus, _, positions, pattern_ids, docs = _run(texts, patterns, norm, None)
    values = _text_values(series)
    rows = []
    tokens_of: dict[int, list[str]] = {}
    for position, p_index, doc in zip(positions.tolist(), pattern_ids.tolist(), docs.tolist(), strict=True):
        if doc not in tokens_of:
            tokens_of[doc] = tokenize(values[doc])
        tokens = tokens_of[doc]
        start = position - int(corpus.offsets[doc])
        end = start + len(patterns[p_index].words)
        rows.append(
            (
                series.index[doc],
                " ".join(tokens[max(0, start - window) : start]),
                " ".join(tokens[start:end]),
                " ".join(tokens[end : end + window]),
                patterns[p_index].pattern,
                start,
            )
        )
    lines = pd.DataFrame(rows, columns=["utterance_id", "left", "match", "right", "pattern", "token_position"])
    if negation:
        from ._negation import mark_negation

        lines = mark_negation(lines, pd.Series(values, index=series.index))
    return lines


def cooccurrence(matrix: pd.DataFrame) -> pd.DataFrame:
    """Category x category: number of utterances coded with both (diagonal: with the category).

    Counts utterances, not hits, because the matrix is 0/1: a quote that mentions ``tillit`` five
    times is one quote about trust.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Utterance × category, 0/1 (:attr:`CodingResult.matrix`).

    Returns
    -------
    pandas.DataFrame
        Category × category (both in the matrix's column order), integer numbers of utterances.

    Raises
    ------
    ValueError
        A value other than 0 or 1 in ``matrix``.
    """
    values = matrix.to_numpy()
    if values.size and not np.isin(values, (0, 1)).all():
        raise ValueError("cooccurrence expects a 0/1 matrix (CodingResult.matrix)")
    binary = values.astype(np.int64)
    counts = binary.T @ binary
    return pd.DataFrame(counts, index=matrix.columns.copy(), columns=matrix.columns.copy())


__all__ = ["cooccurrence", "kwic"]
