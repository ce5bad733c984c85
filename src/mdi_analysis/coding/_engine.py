"""Dictionary coding of utterances against the codebook, with evidence for every hit.

Why a coding engine rather than ``str.contains``: the codebook's patterns are lemmas (``samarbeid``,
``tillit``, ``taus kunnskap``) while the interviews inflect them (``samarbeidet``, ``tilliten``) and
write compounds as one word (``trepartssamarbeid``, ``samarbeidsorientering``). A substring test
would also find ``tid`` in ``tidlig`` and ``tillit`` in ``tillitsvalgt`` (union representative).
Here a pattern is normalised with the same normaliser as the text and matched as a word, a
compound part, a prefix (``innovasj*``) or a phrase, and every hit is recorded as evidence (which
token, which pattern, where) so a reader can check each coding decision.

The compound rule is defined once, in :mod:`._patterns` (:func:`compound_contains`). The parts of
a hyphenated token (``IKT-teknologien``) are normalised and matched one by one, because the
hyphen marks the compound boundary.

Speed: patterns are matched once against the vocabulary of distinct token *types*, giving a
type -> patterns table; the corpus is then a flat array of type ids, and hits are found with numpy.
The cost per token is the same as for tokenising and normalising.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..text import Normaliser, canonical_token, get_normaliser, tokenize
from ._patterns import (
    EVIDENCE_COLUMNS,
    CompoundBlock,
    Pattern,
    PatternWord,
    compile_codebook,
    compound_contains,
    lexicalised_compounds,
)


@dataclass
class _TypeTable:
    """Per distinct surface token: its canonical form, normalised form and matchable units."""

    surface: list[str]
    canonical: list[str]
    normalised: list[str]
    #: unique unit strings (normalised whole words and normalised hyphen parts) ...
    units: list[str] = field(default_factory=list)
    #: ... and, per unit, the type ids it belongs to
    unit_types: list[list[int]] = field(default_factory=list)

    @classmethod
    def build(cls, surface: list[str], norm: Normaliser) -> _TypeTable:
        canonical = [canonical_token(t) for t in surface]
        normalised = norm.normalise_tokens(surface)
        table = cls(surface, canonical, normalised)
        index: dict[str, int] = {}
        for type_id, (canon, normal) in enumerate(zip(canonical, normalised, strict=True)):
            units = [normal]
            if "-" in canon:
                units += [norm.normalise(part) for part in canon.split("-") if part]
            for unit in dict.fromkeys(units):
                if unit not in index:
                    index[unit] = len(table.units)
                    table.units.append(unit)
                    table.unit_types.append([])
                table.unit_types[index[unit]].append(type_id)
        return table


class _WordMatcher:
    """Finds, for each pattern word, the set of vocabulary types it matches."""

    def __init__(self, types: _TypeTable, norm: Normaliser, blocks: Sequence[CompoundBlock]) -> None:
        self.types = types
        self.norm = norm
        self.n_types = len(types.surface)
        self.blocks: dict[str, list[CompoundBlock]] = {}
        for block in blocks:
            self.blocks.setdefault(norm.normalise(block.blocked_term), []).append(block)
        # All units in one string, so the candidates for a term are found with str.find.
        self._blob = "\n".join(types.units)
        self._starts = np.cumsum([0] + [len(u) + 1 for u in types.units[:-1]], dtype=np.int64)
        self._cache: dict[PatternWord, np.ndarray] = {}

    def mask(self, word: PatternWord) -> np.ndarray:
        if word not in self._cache:
            self._cache[word] = self._prefix_mask(word.term) if word.prefix else self._term_mask(word.term)
        return self._cache[word]

    def _prefix_mask(self, prefix: str) -> np.ndarray:
        t = self.types
        return np.fromiter(
            (c.startswith(prefix) or n.startswith(prefix) for c, n in zip(t.canonical, t.normalised, strict=True)),
            dtype=bool,
            count=self.n_types,
        )

    def _term_mask(self, term: str) -> np.ndarray:
        mask = np.zeros(self.n_types, dtype=bool)
        if not term:
            return mask
        positions = []
        start = self._blob.find(term)
        while start != -1:
            positions.append(start)
            start = self._blob.find(term, start + 1)
        if not positions:
            return mask
        unit_ids = np.unique(np.searchsorted(self._starts, positions, side="right") - 1)
        blocks = self.blocks.get(term, ())
        for unit_id in unit_ids.tolist():
            unit = self.types.units[unit_id]
            exact = unit == term
            if not exact and not compound_contains(unit, term, self.norm):
                continue
            for type_id in self.types.unit_types[unit_id]:
                if not exact or self.types.normalised[type_id] != term:
                    if blocks and self._blocked(type_id, blocks):
                        continue
                mask[type_id] = True
        return mask

    def _blocked(self, type_id: int, blocks: Sequence[CompoundBlock]) -> bool:
        forms = (self.types.canonical[type_id], self.types.normalised[type_id])
        return any(block.applies_to(form) for block in blocks for form in forms)


# --------------------------------------------------------------------------------------------
# The corpus as type ids
# --------------------------------------------------------------------------------------------


class _Vocabulary(dict):
    """surface token -> type id, assigning the next id to a new token (a per-type cache)."""

    def __missing__(self, token: str) -> int:
        value = self[token] = len(self)
        return value


@dataclass
class _IndexedCorpus:
    ids: np.ndarray  # flat type ids of all tokens, text after text
    offsets: np.ndarray  # start of text i in ids is offsets[i]; offsets[-1] == len(ids)
    surface: list[str]  # type id -> surface token

    @property
    def n_tokens(self) -> int:
        return int(self.ids.size)


def _as_series(texts: pd.Series | Iterable[str]) -> pd.Series:
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts))
    if not series.index.is_unique:
        duplicated = series.index[series.index.duplicated()].unique().tolist()[:5]
        raise ValueError(f"utterance ids (the index of texts) must be unique; repeated: {duplicated}")
    return series


def _text_values(series: pd.Series) -> list[str]:
    values = series.tolist()
    for i, value in enumerate(values):
        if not isinstance(value, str):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                values[i] = ""  # a missing text has no tokens; its row is all zeros
            else:
                raise ValueError(f"text of utterance {series.index[i]!r} is {type(value).__name__}, not str")
    return values


def _index_corpus(texts: Sequence[str]) -> _IndexedCorpus:
    vocab = _Vocabulary()
    lookup = vocab.__getitem__
    ids = array("i")
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    total = 0
    for i, text in enumerate(texts):
        tokens = tokenize(text)
        ids.extend(map(lookup, tokens))
        total += len(tokens)
        offsets[i + 1] = total
    flat = np.frombuffer(ids, dtype=np.int32) if ids else np.zeros(0, np.int32)
    return _IndexedCorpus(flat, offsets, list(vocab))


# --------------------------------------------------------------------------------------------
# Coding
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodingResult:
    """The outcome of :func:`code_texts`.

    ``matrix``: utterance x category_id, 0/1 ints, every category a column (codebook order), every
    utterance a row (input order). ``evidence``: one row per hit (see :data:`EVIDENCE_COLUMNS`),
    sorted by utterance, token position and pattern. ``patterns``: each pattern as written and as
    normalised, to check that a pattern means what its author intended.
    """

    matrix: pd.DataFrame
    evidence: pd.DataFrame
    patterns: pd.DataFrame
    normaliser: str
    n_tokens: int


def _find_hits(
    corpus: _IndexedCorpus, patterns: Sequence[Pattern], matcher: _WordMatcher
) -> tuple[np.ndarray, np.ndarray]:
    """(token position, pattern index) of every hit, in no particular order."""
    ids = corpus.ids
    n_types = matcher.n_types
    hit_positions: list[np.ndarray] = []
    hit_patterns: list[np.ndarray] = []

    # Single-word patterns: one type -> patterns table, then one pass over the corpus.
    pair_type: list[np.ndarray] = []
    pair_pattern: list[np.ndarray] = []
    for p_index, pattern in enumerate(patterns):
        if len(pattern.words) == 1:
            matched = np.flatnonzero(matcher.mask(pattern.words[0]))
            pair_type.append(matched)
            pair_pattern.append(np.full(matched.size, p_index, dtype=np.int64))
    if pair_type:
        types_ = np.concatenate(pair_type)
        pats = np.concatenate(pair_pattern)
        order = np.lexsort((pats, types_))
        types_, pats = types_[order], pats[order]
        counts = np.bincount(types_, minlength=n_types)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        positions = np.flatnonzero(counts[ids] > 0) if ids.size else np.zeros(0, np.int64)
        if positions.size:
            hit_types = ids[positions]
            reps = counts[hit_types]
            pos_rep = np.repeat(positions, reps)
            first = np.repeat(np.cumsum(reps) - reps, reps)
            within = np.arange(pos_rep.size) - first
            hit_positions.append(pos_rep)
            hit_patterns.append(pats[np.repeat(starts[hit_types], reps) + within])

    # Multi-word patterns: contiguous positions inside one text. One pass over the corpus finds
    # every position where *some* phrase could start; each phrase then filters that short list.
    phrases = [(i, p) for i, p in enumerate(patterns) if len(p.words) > 1]
    if phrases and ids.size > 1:
        first_any = np.zeros(n_types, dtype=bool)
        for _, pattern in phrases:
            first_any |= matcher.mask(pattern.words[0])
        starts_any = np.flatnonzero(first_any[ids[:-1]])
        starts_types = ids[starts_any]
    else:
        starts_any = starts_types = np.zeros(0, np.int64)
    for p_index, pattern in phrases:
        k = len(pattern.words)
        candidates = starts_any[matcher.mask(pattern.words[0])[starts_types]]
        candidates = candidates[candidates + k - 1 < ids.size]
        for j in range(1, k):
            if not candidates.size:
                break
            candidates = candidates[matcher.mask(pattern.words[j])[ids[candidates + j]]]
        if candidates.size:
            doc_first = np.searchsorted(corpus.offsets, candidates, side="right")
            doc_last = np.searchsorted(corpus.offsets, candidates + k - 1, side="right")
            candidates = candidates[doc_first == doc_last]
        hit_positions.append(candidates)
        hit_patterns.append(np.full(candidates.size, p_index, dtype=np.int64))

    if not hit_positions:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(hit_positions).astype(np.int64), np.concatenate(hit_patterns)


def _run(
    texts: pd.Series | Iterable[str],
    patterns: list[Pattern],
    normaliser: str | Normaliser,
    exceptions: pd.DataFrame | None,
) -> tuple[pd.Series, _IndexedCorpus, _TypeTable, np.ndarray, np.ndarray, np.ndarray]:
    norm = get_normaliser(normaliser)
    series = _as_series(texts)
    corpus = _index_corpus(_text_values(series))
    types = _TypeTable.build(corpus.surface, norm)
    matcher = _WordMatcher(types, norm, lexicalised_compounds(exceptions))
    positions, pattern_ids = _find_hits(corpus, patterns, matcher)
    docs = np.searchsorted(corpus.offsets, positions, side="right") - 1
    order = np.lexsort((pattern_ids, positions))  # positions are ordered by text, then token
    return series, corpus, types, positions[order], pattern_ids[order], docs[order]


def code_texts(
    texts: pd.Series | Iterable[str],
    codebook: pd.DataFrame | pd.Series,
    normaliser: str | Normaliser = "lemma",
    *,
    exceptions: pd.DataFrame | None = None,
    affirmed_only: bool = False,
) -> CodingResult:
    """Code every text against every codebook pattern.

    The same input always gives identical output: rows follow the input order, columns the
    codebook order, evidence is sorted.

    Parameters
    ----------
    texts : pandas.Series or iterable of str
        A Series whose index holds the utterance ids (unique) and whose values are the texts (a
        missing text codes as all zeros); a plain iterable is numbered 0…n-1.
    codebook : pandas.DataFrame or pandas.Series
        A DataFrame with ``category_id`` and ``patterns`` (``;``-separated; other columns are
        ignored) or a Series category_id -> patterns.
    normaliser : {"lemma", "stem", "lower"} or Normaliser
        Text and patterns are normalised with the same one.
    exceptions : pandas.DataFrame, optional
        Replaces the shipped lexicalised-compound table (columns ``word_prefix_or_word``,
        ``blocked_term``, ``reason``).
    affirmed_only : bool
        Count only hits outside a negation scope (:mod:`._negation`): «vi har ikke forslagskasse»
        then does not code the quote with suggestion boxes. The evidence keeps every hit and gets a
        ``negated`` column, so what was left out can be read.

    Returns
    -------
    CodingResult
        ``matrix`` (utterance × category_id, 0/1), ``evidence`` (one row per hit, columns
        :data:`EVIDENCE_COLUMNS`), ``patterns`` (``category_id``, ``pattern``, ``normalised``,
        ``n_words``, ``n_hits``), the normaliser's name and ``n_tokens`` (tokens in all texts).

    Raises
    ------
    InputDataError
        A codebook without ``category_id``/``patterns``, an empty category id, or a pattern with
        no word to match.
    ValueError
        Repeated utterance ids, a text that is neither a string nor missing, or an unknown
        normaliser name.
    """
    norm = get_normaliser(normaliser)
    categories, patterns = compile_codebook(codebook, norm)
    series, corpus, types, positions, pattern_ids, docs = _run(texts, patterns, norm, exceptions)

    category_index = {c: i for i, c in enumerate(categories)}
    pattern_category = np.array([category_index[p.category_id] for p in patterns], dtype=np.int64)
    values = np.zeros((len(series), len(categories)), dtype=np.int64)
    if positions.size:
        values[docs, pattern_category[pattern_ids]] = 1
    matrix = pd.DataFrame(
        values,
        index=series.index.copy(),
        columns=pd.Index(categories, name="category_id"),
    )
    if matrix.index.name is None:
        matrix.index.name = "utterance_id"

    evidence = _evidence_frame(series, corpus, types, patterns, positions, pattern_ids, docs)
    if affirmed_only:
        from ._negation import affirmed_matrix, mark_negation

        texts_by_id = pd.Series(_text_values(series), index=series.index)
        matrix = affirmed_matrix(evidence, texts_by_id, matrix.index, matrix.columns)
        matrix.index.name = series.index.name or "utterance_id"
        evidence = mark_negation(evidence, texts_by_id)
    pattern_table = pd.DataFrame(
        {
            "category_id": [p.category_id for p in patterns],
            "pattern": [p.pattern for p in patterns],
            "normalised": [p.normalised for p in patterns],
            "n_words": [len(p.words) for p in patterns],
            "n_hits": np.bincount(pattern_ids, minlength=len(patterns)).astype(np.int64)
            if patterns
            else np.zeros(0, np.int64),
        }
    )
    return CodingResult(matrix, evidence, pattern_table, norm.name, corpus.n_tokens)


def _evidence_frame(
    series: pd.Series,
    corpus: _IndexedCorpus,
    types: _TypeTable,
    patterns: Sequence[Pattern],
    positions: np.ndarray,
    pattern_ids: np.ndarray,
    docs: np.ndarray,
) -> pd.DataFrame:
    surface = np.array(types.surface, dtype=object)
    normalised = np.array(types.normalised, dtype=object)
    n_words = np.array([len(p.words) for p in patterns], dtype=np.int64)
    hit_words = n_words[pattern_ids] if positions.size else np.zeros(0, np.int64)
    matched = surface[corpus.ids[positions]] if positions.size else np.zeros(0, dtype=object)
    normal = normalised[corpus.ids[positions]] if positions.size else np.zeros(0, dtype=object)
    for row in np.flatnonzero(hit_words > 1).tolist():  # phrases: join their tokens
        span = corpus.ids[positions[row] : positions[row] + hit_words[row]]
        matched[row] = " ".join(surface[span])
        normal[row] = " ".join(normalised[span])
    pattern_text = np.array([p.pattern for p in patterns], dtype=object)
    category = np.array([p.category_id for p in patterns], dtype=object)
    return pd.DataFrame(
        {
            "utterance_id": series.index.to_numpy()[docs] if docs.size else np.zeros(0, dtype=object),
            "category_id": category[pattern_ids] if pattern_ids.size else np.zeros(0, dtype=object),
            "pattern": pattern_text[pattern_ids] if pattern_ids.size else np.zeros(0, dtype=object),
            "matched_token": matched,
            "normalised": normal,
            "token_position": (positions - corpus.offsets[docs]).astype(np.int64),
        },
        columns=list(EVIDENCE_COLUMNS),
    )


def matches(pattern: str, text: str, normaliser: str | Normaliser = "lemma") -> bool:
    """Whether ``pattern`` (one codebook pattern) occurs in ``text``: the rule of
    :func:`code_texts`, for one pattern and one text (tests, documentation, quick checks).

    Parameters
    ----------
    pattern : str
        One pattern as the codebook writes it (``"tillit"``, ``"innovasj*"``, ``"taus kunnskap"``).
    text : str
        The text to search.
    normaliser : {"lemma", "stem", "lower"} or Normaliser
        As in :func:`code_texts`.

    Returns
    -------
    bool
        True when the pattern has at least one hit.

    Raises
    ------
    InputDataError
        A pattern with no word to match.
    """
    result = code_texts(pd.Series([text]), pd.Series({"_": pattern}), normaliser)
    return bool(result.matrix.iloc[0, 0])


__all__ = ["CodingResult", "code_texts", "matches"]
