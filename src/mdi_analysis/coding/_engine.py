"""Dictionary coding of utterances against the codebook, with evidence for every hit.

Why a coding engine rather than ``str.contains``: the codebook's patterns are lemmas (``samarbeid``,
``tillit``, ``taus kunnskap``) while the interviews inflect them (``samarbeidet``, ``tilliten``) and
write compounds as one word (``trepartssamarbeid``, ``samarbeidsorientering``). A substring test
would also find ``tid`` in ``tidlig`` and ``tillit`` in ``tillitsvalgt`` (union representative).
Here a pattern is normalised with the same normaliser as the text and matched as a word, a
compound part, a prefix (``innovasj*``) or a phrase, and every hit is recorded as evidence (which
token, which pattern, where) so a reader can check each coding decision.

Compound rule (the one place it is defined): a normalised pattern term ``T`` matches a normalised
token ``W`` when ``W == T``, or ``W`` contains ``T`` such that what is left on either side is a
plausible word: the part before ``T`` (a modifier, optionally ending in a linking ``s``/``e``) and the
part after ``T`` (a head, optionally starting with a linking ``s``/``e``) must each be empty or a
word known to simplemma's bokmål dictionary (or a compound of known words); see
:func:`mdi_analysis.text._normalise.is_plausible_part`. The parts of a hyphenated token
(``IKT-teknologien``) are normalised and matched one by one, because the hyphen marks the compound
boundary. Lexicalised compounds whose meaning is not the part's (``tillitsvalgt``) are blocked by
the shipped table ``resources/lexicalised_compounds.csv``.

Speed: patterns are matched once against the vocabulary of distinct token *types*, giving a
type -> patterns table; the corpus is then a flat array of type ids, and hits are found with numpy.
The cost per token is the same as for tokenising and normalising.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputDataError
from ..paths import read_resource_csv
from ..text._normalise import (
    GAP_TOKEN,
    LINKING_LETTERS,
    Normaliser,
    canonical_token,
    get_normaliser,
    tokenize,
)

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
    return str(codebook.attrs.get("source", "<codebook DataFrame>"))


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
        if cell is None or (isinstance(cell, float) and np.isnan(cell)):
            continue
        if not isinstance(cell, str):
            raise InputDataError(
                source, f"patterns is {cell!r}", row=row, column="patterns", expected="text"
            )
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
    """
    if table is None:
        rows: Iterable[dict] = read_resource_csv("lexicalised_compounds.csv")
    else:
        rows = table.to_dict("records")
    blocks = []
    for row in rows:
        word = str(row["word_prefix_or_word"]).strip().lower()
        term = str(row["blocked_term"]).strip().lower()
        if word and term:
            blocks.append(CompoundBlock(word, term, str(row.get("reason", "") or "")))
    return blocks


# --------------------------------------------------------------------------------------------
# Matching one word
# --------------------------------------------------------------------------------------------


def compound_contains(word: str, term: str, normaliser: str | Normaliser = "lemma") -> bool:
    """Whether ``word`` is a compound with ``term`` as one component (both already normalised).

    The part before ``term`` may end in a linking ``s``/``e`` and the part after may start with
    one; each non-empty remainder must be a plausible word for ``normaliser``. So
    ``trepartssamarbeid`` and ``samarbeidsorientering`` contain ``samarbeid``, ``mistillit``
    contains ``tillit``, but ``tidlig`` does not contain ``tid`` (``lig`` is no word).
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
            (
                c.startswith(prefix) or n.startswith(prefix)
                for c, n in zip(t.canonical, t.normalised, strict=True)
            ),
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
                raise ValueError(
                    f"text of utterance {series.index[i]!r} is {type(value).__name__}, not str"
                )
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
) -> CodingResult:
    """Code every text against every codebook pattern.

    ``texts``: a Series whose index holds the utterance ids (unique) and whose values are the
    texts (a missing text codes as all zeros). ``codebook``: a DataFrame with ``category_id`` and
    ``patterns`` (``;``-separated; other columns are ignored) or a Series category_id -> patterns.
    ``normaliser``: ``"lemma"``, ``"stem"``, ``"lower"`` or a :class:`Normaliser`; text and
    patterns are normalised with the same one. ``exceptions``: replaces the shipped
    lexicalised-compound table (columns ``word_prefix_or_word, blocked_term, reason``).

    The same input always gives identical output: rows follow the input order, columns the
    codebook order, evidence is sorted.
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
    :func:`code_texts`, for one pattern and one text (tests, documentation, quick checks)."""
    result = code_texts(pd.Series([text]), pd.Series({"_": pattern}), normaliser)
    return bool(result.matrix.iloc[0, 0])


# --------------------------------------------------------------------------------------------
# Keyword in context and co-occurrence
# --------------------------------------------------------------------------------------------


def kwic(
    texts: pd.Series | Iterable[str],
    term_or_category: str,
    codebook: pd.DataFrame | pd.Series | None = None,
    normaliser: str | Normaliser = "lemma",
    window: int = 6,
) -> pd.DataFrame:
    """Keyword-in-context lines for a category's patterns or for a pattern.

    When ``codebook`` is given and ``term_or_category`` is one of its category ids, that category's
    patterns are used; otherwise ``term_or_category`` is itself a pattern (``;`` separates several).
    Matching is exactly that of :func:`code_texts`. ``left``/``match``/``right`` are the original
    surface tokens (case kept, ``(…)`` shown), ``window`` tokens either side.
    Columns: utterance_id, left, match, right, pattern, token_position.
    """
    if window < 0:
        raise ValueError("window must be >= 0")
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
    for position, p_index, doc in zip(
        positions.tolist(), pattern_ids.tolist(), docs.tolist(), strict=True
    ):
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
    return pd.DataFrame(
        rows, columns=["utterance_id", "left", "match", "right", "pattern", "token_position"]
    )


def cooccurrence(matrix: pd.DataFrame) -> pd.DataFrame:
    """Category x category: number of utterances coded with both (diagonal: with the category).

    Counts utterances, not hits, because the matrix is 0/1: a quote that mentions ``tillit`` five
    times is one quote about trust.
    """
    values = matrix.to_numpy()
    if values.size and not np.isin(values, (0, 1)).all():
        raise ValueError("cooccurrence expects a 0/1 matrix (CodingResult.matrix)")
    binary = values.astype(np.int64)
    counts = binary.T @ binary
    return pd.DataFrame(counts, index=matrix.columns.copy(), columns=matrix.columns.copy())


__all__ = [
    "EVIDENCE_COLUMNS",
    "CodingResult",
    "CompoundBlock",
    "Pattern",
    "PatternWord",
    "code_texts",
    "compile_codebook",
    "compile_pattern",
    "compound_contains",
    "cooccurrence",
    "kwic",
    "lexicalised_compounds",
    "matches",
]
