"""Keyword coding against the theory's categories.

Owns: codebook patterns and their compilation (prefixes, compound-aware matching, lexicalised
compounds), the coding engine (texts × categories with evidence), the negation scope of each hit
(``_negation``: affirmed-only matrices, KWIC's ``negated``), keyword in context, co-occurrence,
and the corpus-level coding with its tables (themes by role, question, section; the barrier
table). May import: ``errors``, ``options``, ``paths``, ``io``, ``text``, ``corpus``.
"""

from ._engine import CodingResult, code_texts, matches
from ._kwic import cooccurrence, kwic
from ._negation import NEGATION_CUES, affirmed_matrix, mark_negation, negated_tokens
from ._patterns import (
    EVIDENCE_COLUMNS,
    CompoundBlock,
    Pattern,
    PatternWord,
    compile_codebook,
    compile_pattern,
    compound_contains,
    lexicalised_compounds,
)
from ._themes import (
    BARRIER_SECTION,
    CorpusCoding,
    barrier_table,
    code_corpus,
    frequency_by,
    heatmap,
    top_categories,
    top_pairs,
    with_labels,
)

__all__ = [
    "BARRIER_SECTION",
    "NEGATION_CUES",
    "affirmed_matrix",
    "mark_negation",
    "negated_tokens",
    "EVIDENCE_COLUMNS",
    "CodingResult",
    "CompoundBlock",
    "CorpusCoding",
    "Pattern",
    "PatternWord",
    "barrier_table",
    "code_corpus",
    "code_texts",
    "compile_codebook",
    "compile_pattern",
    "compound_contains",
    "cooccurrence",
    "frequency_by",
    "heatmap",
    "kwic",
    "lexicalised_compounds",
    "matches",
    "top_categories",
    "top_pairs",
    "with_labels",
]
