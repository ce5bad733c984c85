"""The interview corpus: the quotes of thesis chapter 4 as data.

``build_corpus`` extracts the quotes, sections and interview guide from the thesis text (see
:mod:`.extract` for the rules and the corpus README (``data/README.md``) for every decision); ``load_corpus``
reads and validates the committed tables — or a researcher's own transcripts in the same shape.
"""

from .build import BuiltCorpus, build_corpus, compare_corpus, write_corpus
from .describe import (
    check_role,
    counts_by,
    filter_utterances,
    flag_summary,
    length_summary,
    reprint_table,
    without_reprints,
)
from .model import FLAGS, RELATIONS, ROLE_LABELS, ROLES, UNKNOWN_ROLE
from .schema import Corpus, load_corpus

__all__ = [
    "FLAGS",
    "RELATIONS",
    "ROLES",
    "UNKNOWN_ROLE",
    "ROLE_LABELS",
    "BuiltCorpus",
    "Corpus",
    "build_corpus",
    "compare_corpus",
    "load_corpus",
    "write_corpus",
    "check_role",
    "counts_by",
    "filter_utterances",
    "flag_summary",
    "length_summary",
    "reprint_table",
    "without_reprints",
]
