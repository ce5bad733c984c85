"""Codebook patterns, and the one rule for when a pattern word matches a word.

Why here, apart from the engine: what a pattern *means* (a lemma, a prefix ``innovasj*``, a
phrase, a compound part) is the codebook's contract with the reader; how hits are found fast is
the engine's business. Keeping the rule in one small module lets the tests, the documentation and
the REFI-QDA export check exactly the rule the counts use.

Compound rule (the one place it is defined): a normalised pattern term ``T`` matches a normalised
token ``W`` when ``W == T``, or ``W`` contains ``T`` such that what is left on either side is a
plausible word: the part before ``T`` (a modifier, optionally ending in a linking ``s``/``e``) and the
part after ``T`` (a head, optionally starting with a linking ``s``/``e``) must each be empty or a
word known to simplemma's bokmål dictionary (or a compound of known words); see
:func:`mdi_analysis.text.is_plausible_part`. Lexicalised compounds whose meaning is not the
part's (``tillitsvalgt``) are blocked by the shipped table ``resources/lexicalised_compounds.csv``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputDataError
from ..paths import read_resource_csv
from ..text import GAP_TOKEN, LINKING_LETTERS, Normaliser, canonical_token, get_normaliser, tokenize

#: Separator of patterns in the codebook's ``patterns`` column.
PATTERN_SEPARATOR = ";"
#: Marks a pattern word as an explicit prefix (``innovasj*``).
PREFIX_MARK = "*"
#: Columns of :attr:`CodingResult.evidence`.
EVIDENCE_COLUMNS = (
    "utterance_id",
    "category_id",
    "pattern",
    "matched_token",
    "normalised",
    "token_position",
)


# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatternWord:
    """One word of a pattern: the normalised ``term``, or a literal lower-case prefix."""

    term: str
    prefix: bool = False


@dataclass(frozen=True)
class Pattern:
    """A codebook pattern compiled for one normaliser."""

    category_id: Hashable
    pattern: str
    words: tuple[PatternWord, ...]

    @property
    def normalised(self) -> str:
        return " ".join(w.term + (PREFIX_MARK if w.prefix else "") for w in self.words)


def compile_pattern(pattern: str, normaliser: str | Normaliser = "lemma") -> tuple[PatternWord, ...]:
    """Split and normalise one pattern with the normaliser used for the text.

    A word ending in ``*`` is a literal prefix: it is only lower-cased, not normalised, because
    lemmatising a truncated word (``innovasj``) gives nonsense. Raises ValueError for a pattern
    without any word.

    Parameters
    ----------
    pattern : str
        One pattern: words separated by spaces, the last optionally ending in ``*``.
    normaliser : {"lemma", "stem", "lower"} or Normaliser
        The normaliser the text is coded with.

    Returns
    -------
    tuple of PatternWord
        One per word, in order: the normalised term, or the lower-cased prefix with ``prefix=True``.

    Raises
    ------
    ValueError
        A pattern without any word to match, or an unknown normaliser name.
    """
    norm = get_normaliser(normaliser)
    words: list[PatternWord] = []
    for chunk in pattern.split():
        prefix = chunk.endswith(PREFIX_MARK)
        tokens = tokenize(chunk.rstrip(PREFIX_MARK))
        if prefix and len(tokens) == 1:
            words.append(PatternWord(canonical_token(tokens[0]), prefix=True))
            continue
        for i, token in enumerate(tokens):
            is_last_prefix = prefix and i == len(tokens) - 1
            term = canonical_token(token) if is_last_prefix else norm.normalise(token)
            words.append(PatternWord(term, prefix=is_last_prefix))
    if not words or any(w.term == GAP_TOKEN for w in words):
        raise ValueError(f"pattern {pattern!r} has no word to match")
    return tuple(words)


def _codebook_source(codebook: pd.DataFrame | pd.Series) -> str:
    """The name the codebook's errors report: ``attrs['source']`` when a loader set it."""
    return str(codebook.attrs.get("source") or codebook.attrs.get("file") or "<codebook DataFrame>")


def _codebook_rows(codebook: pd.DataFrame | pd.Series) -> list[tuple[Hashable, object]]:
    if isinstance(codebook, pd.Series):
        return list(zip(codebook.index, codebook.to_numpy(), strict=True))
    missing = [c for c in ("category_id", "patterns") if c not in codebook.columns]
    if missing:
        raise InputDataError(
            _codebook_source(codebook),
            f"missing column(s) {', '.join(missing)}",
            expected="columns category_id and patterns (patterns separated by ';')",
        )
    return list(zip(codebook["category_id"].to_numpy(), codebook["patterns"].to_numpy(), strict=True))


def compile_codebook(
    codebook: pd.DataFrame | pd.Series, normaliser: str | Normaliser = "lemma"
) -> tuple[list[Hashable], list[Pattern]]:
    """Category ids in codebook order, and every pattern compiled with ``normaliser``.

    ``codebook`` is a DataFrame with ``category_id`` and ``patterns`` (``;``-separated), or a Series
    from category id to patterns. A category listed on several rows gets the union of its patterns;
    a category without patterns is kept (it is a column of zeros, which is a finding in itself).

    Parameters
    ----------
    codebook : pandas.DataFrame or pandas.Series
        As above; ``attrs["source"]``, when set, names the codebook in error messages.
    normaliser : {"lemma", "stem", "lower"} or Normaliser
        The normaliser the text is coded with.

    Returns
    -------
    categories : list
        Category ids, each once, in order of first appearance.
    patterns : list of Pattern
        Every non-empty pattern, in codebook order.

    Raises
    ------
    InputDataError
        A DataFrame without ``category_id``/``patterns``, an empty category id, a ``patterns``
        cell that is not text, or a pattern with no word to match (naming the codebook row).
    """
    source = _codebook_source(codebook)
    categories: list[Hashable] = []
    seen: set[Hashable] = set()
    patterns: list[Pattern] = []
    for row, (category_id, cell) in enumerate(_codebook_rows(codebook), start=1):
        if category_id is None or (isinstance(category_id, float) and np.isnan(category_id)):
            raise InputDataError(source, "empty category_id", row=row, column="category_id")
        if category_id not in seen:
            seen.add(category_id)
            categories.append(category_id)
        if cell is None or cell is pd.NA or (isinstance(cell, float) and np.isnan(cell)):
            continue  # a category without patterns: "manual only" (pd.NA from a string column)
        if not isinstance(cell, str):
            raise InputDataError(source, f"patterns is {cell!r}", row=row, column="patterns", expected="text")
        for raw in cell.split(PATTERN_SEPARATOR):
            raw = raw.strip()
            if not raw:
                continue
            try:
                words = compile_pattern(raw, normaliser)
            except ValueError:
                raise InputDataError(
                    source,
                    f"pattern {raw!r} has no word to match",
                    row=row,
                    column="patterns",
                    expected="words, optionally ending in '*', separated by ';'",
                ) from None
            patterns.append(Pattern(category_id, raw, words))
    return categories, patterns


# --------------------------------------------------------------------------------------------
# Lexicalised compounds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompoundBlock:
    """One row of the lexicalised-compound table: words that must not match ``blocked_term``."""

    word: str
    blocked_term: str
    reason: str = ""

    def applies_to(self, form: str) -> bool:
        word = self.word
        if word.startswith(PREFIX_MARK) and word.endswith(PREFIX_MARK):
            return word.strip(PREFIX_MARK) in form
        if word.endswith(PREFIX_MARK):
            return form.startswith(word[:-1])
        if word.startswith(PREFIX_MARK):
            return form.endswith(word[1:])
        return form == word


def lexicalised_compounds(table: pd.DataFrame | None = None) -> list[CompoundBlock]:
    """The exception table: the shipped ``resources/lexicalised_compounds.csv`` or ``table``.

    A researcher can pass an extended DataFrame (same columns) to :func:`code_texts` instead of
    editing the package.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Columns ``word_prefix_or_word`` (a word, or with ``*`` at its start and/or end a suffix,
        prefix or infix), ``blocked_term`` and optionally ``reason``; ``None`` reads the shipped table.

    Returns
    -------
    list of CompoundBlock
        One per row with both a word and a term, lower-cased, in table order.
    """
    if table is None:
        rows: Iterable[dict] = read_resource_csv("lexicalised_compounds.csv")
    else:
        rows = table.to_dict("records")
    blocks = []
    for row in rows:
        # A DataFrame's empty cells are NaN/None/pd.NA, not "": read them as empty, not as "nan".
        word, term = _cell_text(row["word_prefix_or_word"]), _cell_text(row["blocked_term"])
        reason = _cell_text(row.get("reason"))
        if word and term:
            blocks.append(CompoundBlock(word.lower(), term.lower(), reason))
    return blocks


def _cell_text(value: object) -> str:
    """A table cell as stripped text; an empty cell (None, NaN, pd.NA, a missing column) as ""."""
    return value.strip() if isinstance(value, str) else ""


# --------------------------------------------------------------------------------------------
# Matching one word
# --------------------------------------------------------------------------------------------


def compound_contains(word: str, term: str, normaliser: str | Normaliser = "lemma") -> bool:
    """Whether ``word`` is a compound with ``term`` as one component (both already normalised).

    The part before ``term`` may end in a linking ``s``/``e`` and the part after may start with
    one; each non-empty remainder must be a plausible word for ``normaliser``. So
    ``trepartssamarbeid`` and ``samarbeidsorientering`` contain ``samarbeid``, ``mistillit``
    contains ``tillit``, but ``tidlig`` does not contain ``tid`` (``lig`` is no word).

    Parameters
    ----------
    word : str
        A normalised token.
    term : str
        A normalised pattern term.
    normaliser : {"lemma", "stem", "lower"} or Normaliser
        Decides which remainders are plausible words.

    Returns
    -------
    bool
        True when ``term`` is a proper part of ``word`` (``word == term`` gives False here; the
        engine tests equality first).
    """
    base = get_normaliser(normaliser).is_plausible_part
    # Two short parts are too weak evidence of a compound: a term of three letters or fewer
    # (tid, ikt, ide, ros) only matches next to parts of at least four letters, so hensikt
    # (hen-s-ikt), alltid (all-tid) and heltid (hel-tid) are not hits, while arbeidstid is.
    min_part = SHORT_TERM_MIN_PART if len(term) <= SHORT_TERM else 3

    def plausible(part: str) -> bool:
        return len(part) >= min_part and base(part)

    start = word.find(term)
    while start != -1:
        left, right = word[:start], word[start + len(term) :]
        if (left or right) and _left_ok(left, plausible) and _right_ok(right, plausible):
            return True
        start = word.find(term, start + 1)
    return False


#: Terms of at most this many letters count as short (see :func:`compound_contains`).
SHORT_TERM = 3
#: The minimum length of the other compound parts next to a short term.
SHORT_TERM_MIN_PART = 4


def _left_ok(left: str, plausible: Callable[[str], bool]) -> bool:
    if not left:
        return True
    return plausible(left) or (left[-1] in LINKING_LETTERS and plausible(left[:-1]))


def _right_ok(right: str, plausible: Callable[[str], bool]) -> bool:
    if not right:
        return True
    return plausible(right) or (right[0] in LINKING_LETTERS and plausible(right[1:]))


__all__ = [
    "EVIDENCE_COLUMNS",
    "CompoundBlock",
    "Pattern",
    "PatternWord",
    "compile_codebook",
    "compile_pattern",
    "compound_contains",
    "lexicalised_compounds",
]
