"""Find quotes the author printed more than once, and how closely the printings agree.

The thesis re-uses statements: a quote printed under one research question reappears under
another, whole, cut down, inside a longer quote, or re-worded (the same interview passage
transcribed twice). Counting statements, or comparing sections, goes wrong if re-prints look like
new evidence, and goes equally wrong if they are silently dropped — so each printing stays its own
utterance and the re-use is recorded as links with the evidence.

Measure: both texts are reduced to lower-case word tokens (punctuation and '(…)' dropped) and
aligned with :class:`difflib.SequenceMatcher` (``autojunk=False``: the heuristic would otherwise
treat frequent Norwegian words in long quotes as junk and miss the alignment). Only aligned runs of
at least :data:`MIN_RUN` consecutive tokens count, so shared stock phrases ("det er", "jeg tror")
do not add up. ``similarity`` is the aligned tokens divided by the token count of the *shorter*
quote — an overlap coefficient, because a short quote printed again inside a long one is the
typical re-use and should score 1.0, not the small share of the long one it covers.

Why these thresholds (the corpus README shows the distribution over all 7 260 pairs of the thesis):
every re-print aligns at least 36 tokens and scores at least 0.38; every other pair either aligns
at most 9 tokens (a stock phrase that happens to be most of a one-line quote, up to 0.385) or scores
below 0.1. A pair is linked when it scores at least :data:`MIN_SIMILARITY` *and* aligns at least
:data:`MIN_ALIGNED` tokens — or when the shorter quote is aligned entirely, so that a re-printed
one-liner is not missed for being short.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ._model import Link, Utterance

TOKEN_RE = re.compile(r"[^\W_]+")
MIN_RUN = 3
MIN_SIMILARITY = 0.25
MIN_ALIGNED = 12
#: Share of the shorter quote aligned for it to count as printed inside the other ("contained"),
#: and of both quotes for the two printings to be the same text ("verbatim").
CONTAINED_MIN = 0.9
VERBATIM_MIN = 0.95


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text.lower())


@dataclass(frozen=True)
class PairScore:
    """How two texts align: aligned token count and the share of each text it covers."""

    aligned: int
    length_a: int
    length_b: int

    @property
    def similarity(self) -> float:
        shorter = min(self.length_a, self.length_b)
        return self.aligned / shorter if shorter else 0.0

    @property
    def coverage_longer(self) -> float:
        longer = max(self.length_a, self.length_b)
        return self.aligned / longer if longer else 0.0

    def is_link(self) -> bool:
        if self.similarity >= VERBATIM_MIN:
            return True
        return self.similarity >= MIN_SIMILARITY and self.aligned >= MIN_ALIGNED

    def relation(self) -> str:
        if self.similarity >= VERBATIM_MIN and self.coverage_longer >= VERBATIM_MIN:
            return "verbatim"
        if self.similarity >= CONTAINED_MIN:
            return "contained"
        return "reworded"


def score(a: Sequence[str], b: Sequence[str]) -> PairScore:
    """Align two token lists; only runs of at least :data:`MIN_RUN` tokens count."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    aligned = sum(block.size for block in matcher.get_matching_blocks() if block.size >= MIN_RUN)
    return PairScore(aligned=aligned, length_a=len(a), length_b=len(b))


def all_pair_scores(utterances: Sequence[Utterance]) -> Iterable[tuple[Utterance, Utterance, PairScore]]:
    """Every pair (earlier printing first) with its score — the distribution behind the thresholds."""
    tokenised = [(u, tokens(u.text)) for u in utterances]
    for (first, tokens_a), (second, tokens_b) in itertools.combinations(tokenised, 2):
        yield first, second, score(tokens_a, tokens_b)


def find_links(utterances: Sequence[Utterance]) -> list[Link]:
    """Linked pairs, the later printing as ``utterance_id`` and the earlier as ``linked_utterance_id``."""
    ordered = sorted(utterances, key=lambda u: (u.line_start, u.utterance_id))
    links = [
        Link(
            utterance_id=second.utterance_id,
            linked_utterance_id=first.utterance_id,
            relation=pair.relation(),
            similarity=round(pair.similarity, 3),
        )
        for first, second, pair in all_pair_scores(ordered)
        if pair.is_link()
    ]
    return sorted(links, key=lambda link: (link.utterance_id, link.linked_utterance_id))


def first_printings(utterances: Sequence[Utterance], links: Sequence[Link]) -> dict[str, str]:
    """For each re-printed utterance, the first printing of its group of linked printings.

    Groups are the connected components of the links, so a statement printed three times points
    to the same first printing from both re-prints.
    """
    order = {u.utterance_id: (u.line_start, u.utterance_id) for u in utterances}
    parent = {u.utterance_id: u.utterance_id for u in utterances}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for link in links:
        a, b = root(link.utterance_id), root(link.linked_utterance_id)
        if a != b:
            earlier, later = sorted((a, b), key=order.__getitem__)
            parent[later] = earlier
    return {node: root(node) for node in parent if root(node) != node}
