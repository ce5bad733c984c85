"""Negation scope: whether a keyword hit stands inside a negated clause.

Why: a keyword coder counts «vi har *ikke* forslagskasse» and «det finnes *ingen* samarbeid» as
mentions of suggestion boxes and cooperation. For a statement that some respondents *have* or
*report* something, such a hit is evidence of the opposite. A careful reader sees the negation;
this module gives the coder the same (simple, documented) rule so the coding matrix can count
affirmed hits only and KWIC can show which hits were negated.

The rule (after NegEx, Chapman et al. 2001, reduced to what Norwegian interview prose needs): a
token is *negated* when a negation cue (:data:`NEGATION_CUES`) stands before it in the same clause.
A clause ends at ``. , ; : ! ?``, a dash or bracket, or before a clause-opening conjunction
(:data:`CLAUSE_BREAKS`: ``men``, ``fordi``, ``mens`` …). The cue itself is not negated. Known
limits: a cue *after* the hit («forslagskasse har vi ikke») and double negation are not seen; the
scope does not cross a comma even where the sentence goes on.

Token positions are those of :func:`mdi_analysis.text.tokenize` (the same pattern, the same NFC
step), so a flag lines up with the engine's evidence and with KWIC.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..text import TOKEN_RE, is_gap

#: Words that open a negation scope (bokmål and a few nynorsk/dialect forms the quotes use).
NEGATION_CUES = frozenset(
    {
        "ikke",
        "ikkje",
        "itte",
        "aldri",
        "ingen",
        "inga",
        "intet",
        "ingenting",
        "verken",
        "hverken",
        "uten",
        "utan",
        "mangler",
        "manglet",
        "mangle",
        "mangel",
        "manglende",
    }
)
#: Conjunctions that open a new clause and so end a negation scope.
CLAUSE_BREAKS = frozenset({"men", "fordi", "mens", "dersom", "hvis", "selv", "likevel", "derimot"})
_BOUNDARY = re.compile(r"[.,;:!?()\[\]\u2013\u2014«»\"]")


def negated_tokens(text: str) -> np.ndarray:
    """For each token of ``text`` (as :func:`~mdi_analysis.text.tokenize` splits it): in a negation scope?

    Parameters
    ----------
    text : str
        One utterance.

    Returns
    -------
    numpy.ndarray
        Boolean, one entry per token.
    """
    if not isinstance(text, str) or not text:
        return np.zeros(0, dtype=bool)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    flags: list[bool] = []
    in_scope = False
    previous_end = 0
    for match in TOKEN_RE.finditer(text):
        word = match.group(0).lower()
        if _BOUNDARY.search(text, previous_end, match.start()) or word in CLAUSE_BREAKS or is_gap(word):
            in_scope = False
        flags.append(in_scope and word not in NEGATION_CUES)
        if word in NEGATION_CUES:
            in_scope = True
        previous_end = match.end()
    return np.asarray(flags, dtype=bool)


def mark_negation(hits: pd.DataFrame, texts: pd.Series) -> pd.DataFrame:
    """Add ``negated`` to a table of hits (engine evidence or KWIC lines).

    Parameters
    ----------
    hits : pandas.DataFrame
        With ``utterance_id`` and ``token_position`` (0-based token index in its text), as
        :attr:`CodingResult.evidence` and :func:`kwic` give.
    texts : pandas.Series
        The texts the hits were found in, indexed by utterance id.

    Returns
    -------
    pandas.DataFrame
        A copy of ``hits`` with a boolean ``negated`` column.
    """
    out = hits.copy()
    flags: dict[object, np.ndarray] = {}
    values = []
    for utterance_id, position in zip(out["utterance_id"], out["token_position"], strict=True):
        if utterance_id not in flags:
            flags[utterance_id] = negated_tokens(texts.get(utterance_id, ""))
        scope = flags[utterance_id]
        values.append(bool(scope[int(position)]) if int(position) < scope.size else False)
    out["negated"] = pd.Series(values, index=out.index, dtype=bool)
    return out


def affirmed_matrix(evidence: pd.DataFrame, texts: pd.Series, index: Iterable, columns: Iterable) -> pd.DataFrame:
    """Utterance × category 0/1 from the hits that are *not* negated.

    Parameters
    ----------
    evidence : pandas.DataFrame
        :attr:`CodingResult.evidence` (``utterance_id``, ``category_id``, ``token_position``).
    texts : pandas.Series
        The coded texts, indexed by utterance id.
    index, columns : iterable
        Rows and columns of the full matrix (so both matrices have the same shape).

    Returns
    -------
    pandas.DataFrame
        0/1 ints; a cell is 1 when at least one affirmed hit codes the utterance with the category.
    """
    marked = mark_negation(evidence, texts)
    affirmed = marked[~marked["negated"]]
    matrix = pd.DataFrame(0, index=pd.Index(list(index)), columns=pd.Index(list(columns), name="category_id"))
    if len(affirmed):
        pairs = affirmed[["utterance_id", "category_id"]].drop_duplicates()
        rows = matrix.index.get_indexer(pairs["utterance_id"])
        cols = matrix.columns.get_indexer(pairs["category_id"])
        values = matrix.to_numpy(copy=True)
        values[rows, cols] = 1
        matrix = pd.DataFrame(values, index=matrix.index, columns=matrix.columns)
    matrix.index.name = "utterance_id"
    return matrix


__all__ = ["CLAUSE_BREAKS", "NEGATION_CUES", "affirmed_matrix", "mark_negation", "negated_tokens"]
