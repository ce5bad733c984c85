"""Statistics that do not depend on what is being counted.

Owns: the 2×2 keyness statistics as quanteda's ``textstat_keyness`` defines them (signed G² and chi²
with their corrections, p-values, Benjamini–Hochberg, log ratio, %DIFF) and the keyness table
(``_keyness``); counting each role's terms and coded quotes from the one document-feature matrix,
re-prints left out through :func:`mdi_analysis.corpus.without_reprints`, and the keyness figure
(``_role_keyness``); agreement between two codings (contingency, Cohen's κ, per-class F1, majority
baseline, paired bootstrap; ``_agreement``); agreement of category codings at quote level, a manual
coding against the keyword coding and two coders in NVivo's comparison style
(``_coding_agreement``); and one-thread execution of numeric libraries for deterministic,
non-oversubscribed results (``_threads``). May import: ``errors``, ``options``,
``paths``, ``io``, ``text``, ``corpus``, ``coding``.
"""

from ._agreement import (
    agreement,
    class_scores,
    cohen_kappa,
    contingency,
    fast_kappa,
    kappa_draws,
    majority_baseline,
    paired_bootstrap_kappa,
)
from ._coding_agreement import (
    THESIS_MANUAL,
    agreement_summary,
    category_agreement,
    codebook_dir,
    coder_agreement,
    coding_matrix,
    codings_from_themes,
    compare_human_coders,
    disagreements,
    human_coders,
    keyword_matrix,
    load_category_codings,
    manual_coding,
    most_disputed,
)
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
from ._threads import single_thread

__all__ = [
    # keyness statistics and table
    "KEYNESS_CORRECTIONS",
    "KEYNESS_MEASURES",
    "LOG_RATIO_ZERO",
    "bh_adjust",
    "chi2",
    "chi2_pvalue",
    "g2",
    "keyness",
    "keyness_summary",
    "log_ratio",
    "pct_diff",
    "statistic_column",
    "top_keys",
    "williams_q",
    "yates_delta",
    # keyness of the corpus's roles
    "KEYNESS_UNITS",
    "keyness_plot_data",
    "plot_keyness",
    "role_category_keyness",
    "role_term_keyness",
    "term_counts",
    # agreement between two codings
    "agreement",
    "class_scores",
    "cohen_kappa",
    "contingency",
    "fast_kappa",
    "kappa_draws",
    "majority_baseline",
    "paired_bootstrap_kappa",
    # agreement of category codings (manual vs keyword, coder vs coder)
    "THESIS_MANUAL",
    "agreement_summary",
    "category_agreement",
    "codebook_dir",
    "coder_agreement",
    "compare_human_coders",
    "coding_matrix",
    "codings_from_themes",
    "disagreements",
    "human_coders",
    "keyword_matrix",
    "load_category_codings",
    "manual_coding",
    "most_disputed",
    # deterministic numerics
    "single_thread",
]
