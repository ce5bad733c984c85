"""Statistics over the coded corpus: keyness of the two roles' words and categories.

Owns: the 2×2 keyness statistics as quanteda's ``textstat_keyness`` defines them (signed G² and
chi² with their corrections, p-values, Benjamini–Hochberg, log ratio, %DIFF) and the keyness table
(``_keyness``); counting each role's terms and coded quotes from the one document-feature matrix,
re-prints left out through :func:`mdi_analysis.corpus.without_reprints`, and the keyness figure
(``_role_keyness``). May import: ``errors``, ``options``, ``text``, ``corpus``.
"""

from ._keyness import (
    KEYNESS_CORRECTIONS,
    KEYNESS_MEASURES,
    LOG_RATIO_ZERO,
    bh_adjust,
    chi2,
    chi2_pvalue,
    g2,
    keyness,
    keyness_summary,
    log_ratio,
    pct_diff,
    statistic_column,
    top_keys,
    williams_q,
    yates_delta,
)
from ._role_keyness import (
    KEYNESS_UNITS,
    keyness_plot_data,
    plot_keyness,
    role_category_keyness,
    role_term_keyness,
    term_counts,
)

# Re-exports of stats._agreement and stats._threads (added on another branch) go here.

__all__ = [
    # keyness statistics and table
    "KEYNESS_CORRECTIONS", "KEYNESS_MEASURES", "LOG_RATIO_ZERO", "bh_adjust", "chi2", "chi2_pvalue", "g2",
    "keyness", "keyness_summary", "log_ratio", "pct_diff", "statistic_column", "top_keys", "williams_q",
    "yates_delta",
    # keyness of the corpus's roles
    "KEYNESS_UNITS", "keyness_plot_data", "plot_keyness", "role_category_keyness", "role_term_keyness", "term_counts",
    # agreement and threads (another branch): add their names here
]
