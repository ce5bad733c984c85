"""The interview corpus: the quotes of thesis chapter 4 as data.

``build_corpus`` extracts the quotes, sections and interview guide from the thesis text (see
:mod:`._extract` for the rules and the corpus README (``data/README.md``) for every decision); ``load_corpus``
reads and validates the committed tables — or a researcher's own transcripts in the same shape.
The corpus files' shape (``UTTERANCE_COLUMNS``, ``CODING_COLUMNS``, ``FLOAT_FORMAT``, ``render_csv``)
is public so that importers write files identical in form. May import: ``errors``, ``options``,
``paths``, ``io``, ``text``. The modules behind this face are private (``_build``, ``_extract`` …).
"""

from ._build import (
    CODING_COLUMNS,
    FLOAT_FORMAT,
    UTTERANCE_COLUMNS,
    BuiltCorpus,
    build_corpus,
    compare_corpus,
    render_csv,
    write_corpus,
)
from ._cli import main as build_corpus_main
from ._describe import (
    NO_PLACEMENT_HINT,
    ROLE_COLUMNS,
    check_research_question,
    check_role,
    counts_by,
    filter_utterances,
    flag_summary,
    length_summary,
    reprint_table,
    research_question_numbers,
    without_reprints,
)
from ._model import FLAGS, RELATIONS, ROLE_LABELS, ROLES, UNKNOWN_ROLE, count_words
from ._schema import Corpus, load_corpus

__all__ = [
    "NO_PLACEMENT_HINT",
    "FLAGS",
    "RELATIONS",
    "ROLES",
    "UNKNOWN_ROLE",
    "ROLE_LABELS",
    "ROLE_COLUMNS",
    "CODING_COLUMNS",
    "FLOAT_FORMAT",
    "UTTERANCE_COLUMNS",
    "build_corpus_main",
    "count_words",
    "render_csv",
    "BuiltCorpus",
    "Corpus",
    "build_corpus",
    "compare_corpus",
    "load_corpus",
    "write_corpus",
    "check_research_question",
    "check_role",
    "counts_by",
    "filter_utterances",
    "flag_summary",
    "length_summary",
    "reprint_table",
    "research_question_numbers",
    "without_reprints",
]
