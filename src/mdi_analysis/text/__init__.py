"""The text layer: Norwegian tokens, their normal forms, and the document-feature matrix.

Owns: tokenising and normalising bokmål (simplemma lemmas with an override table, Snowball stems,
lower case; compound-part plausibility), stop words, the cached lemma dictionary, and ONE
document-feature matrix (``dfm``) that coding, validation, topics and keyness all count with.
May import: ``errors``, ``options``, ``paths``, ``io``.
"""

from ._dfm import (
    WEIGHTS,
    DocumentFeatureMatrix,
    content_token_lists,
    dfm,
    dfm_docfreq,
    dfm_from_frame,
    dfm_from_tokens,
    dfm_group,
    dfm_idf,
    dfm_select,
    dfm_subset,
    dfm_tfidf,
    dfm_trim,
    dfm_weight,
    smooth_idf,
    unit_rows,
)
from ._normalise import (
    GAP_TOKEN,
    LemmaNormaliser,
    LowerNormaliser,
    Normaliser,
    StemNormaliser,
    canonical_token,
    content_tokens,
    get_normaliser,
    is_gap,
    is_known_word,
    is_plausible_part,
    normalise_texts,
    normaliser_names,
    norwegian_stopwords,
    stopwords_for,
    tokenize,
)

__all__ = [
    "WEIGHTS", "DocumentFeatureMatrix", "content_token_lists", "dfm", "dfm_docfreq", "dfm_from_frame",
    "dfm_from_tokens", "dfm_group", "dfm_idf", "dfm_select", "dfm_subset", "dfm_tfidf", "dfm_trim", "dfm_weight",
    "smooth_idf", "unit_rows",
    "GAP_TOKEN", "LemmaNormaliser", "LowerNormaliser", "Normaliser", "StemNormaliser", "canonical_token",
    "content_tokens", "get_normaliser", "is_gap", "is_known_word", "is_plausible_part", "normalise_texts",
    "normaliser_names", "norwegian_stopwords", "stopwords_for", "tokenize",
]
