"""Topic models of the interview corpus, seeded by and aligned with the theory's categories.

Why: keyword coding (:mod:`mdi_analysis.coding`) finds what the codebook names. Topic models show
what the respondents talk about whether or not the theory names it, and, aligned with the codebook,
how well the theory's categories describe the corpus.

Owns: the fitted quotes as a document-feature matrix with re-prints kept aside (``_corpus``); NMF,
LDA and codebook-seeded NMF in one model shape (``_model``); NPMI coherence, stability across
seeds and the rule that chooses k (``_quality``); the choice of seed categories and the survival
of seeded topics (``_seeds``); alignment with the codebook, prevalence by role and research
question, representative quotes and agreement with the thesis's sections (``_describe``); and the
figures (``_figures``). May import: ``errors``, ``options``, ``text``, ``corpus``, ``coding``.

Method, choices and the evidence for them: ``docs/topics.md``. Benchmark and the comparison of
seeded-model candidates: ``scripts/benchmark_topics.py``.
"""

from ._corpus import (
    DEFAULT_MAX_DF,
    DEFAULT_MIN_DF,
    DENSE_MAX_CELLS,
    TopicCorpus,
    build_topic_corpus,
    code_fitted_quotes,
    prepare_corpus,
)
from ._describe import (
    ALIGNMENT_ALPHA,
    ALIGNMENT_MIN_DOCS,
    GROUPINGS,
    align_topics,
    alignment_matrix,
    alignment_summary,
    critical_r,
    model_comparison,
    prevalence,
    representative_quotes,
    reprint_check,
    section_agreement,
    topic_counts_by,
    topic_overview,
)
from ._figures import k_scan_plot_data, plot_alignment, plot_k_scan, plot_prevalence
from ._model import (
    DEFAULT_RESIDUAL_TOPICS,
    LDA_BATCH_SIZE,
    LDA_MAX_ITER,
    LDA_ONLINE_MIN_DOCS,
    LDA_ONLINE_PASSES,
    NMF_MAX_ITER,
    NMF_TOL,
    RESIDUAL_PREFIX,
    SEED_EPSILON,
    SEEDED_MAX_ITER,
    SEEDED_METHOD,
    SEEDED_TOL,
    TOPIC_METHODS,
    TopicModel,
    fit_seeded,
    fit_topics,
)
from ._quality import (
    COHERENCE_TOP_N,
    DEFAULT_K_GRID,
    MIN_COHERENCE,
    N_STABILITY_SEEDS,
    STABILITY_TOLERANCE,
    KScan,
    cosine_matrix,
    match_topics,
    npmi_coherence,
    resolve_k,
    scan_k,
    seed_sequence,
    select_k,
    stability,
    stability_runs,
    topic_stability,
)
from ._seeds import (
    DEFAULT_MAX_SEED_OVERLAP,
    DEFAULT_MIN_SEED_DOCS,
    DEFAULT_SEED_FRAMEWORKS,
    DISTINCT_MAX_SIMILARITY,
    SURVIVAL_TOP_N,
    seed_table,
    seeded_runs,
    seeded_survival,
    seeds_from_table,
    survival_across_seeds,
)

__all__ = [
    # the corpus
    "DEFAULT_MAX_DF",
    "DEFAULT_MIN_DF",
    "DENSE_MAX_CELLS",
    "TopicCorpus",
    "build_topic_corpus",
    "code_fitted_quotes",
    "prepare_corpus",
    # the models
    "DEFAULT_RESIDUAL_TOPICS",
    "LDA_BATCH_SIZE",
    "LDA_MAX_ITER",
    "LDA_ONLINE_MIN_DOCS",
    "LDA_ONLINE_PASSES",
    "NMF_MAX_ITER",
    "NMF_TOL",
    "RESIDUAL_PREFIX",
    "SEED_EPSILON",
    "SEEDED_MAX_ITER",
    "SEEDED_METHOD",
    "SEEDED_TOL",
    "TOPIC_METHODS",
    "TopicModel",
    "fit_seeded",
    "fit_topics",
    # quality
    "COHERENCE_TOP_N",
    "DEFAULT_K_GRID",
    "MIN_COHERENCE",
    "N_STABILITY_SEEDS",
    "STABILITY_TOLERANCE",
    "KScan",
    "cosine_matrix",
    "match_topics",
    "npmi_coherence",
    "resolve_k",
    "scan_k",
    "seed_sequence",
    "select_k",
    "stability",
    "stability_runs",
    "topic_stability",
    # seeds and their survival
    "DEFAULT_MAX_SEED_OVERLAP",
    "DEFAULT_MIN_SEED_DOCS",
    "DEFAULT_SEED_FRAMEWORKS",
    "DISTINCT_MAX_SIMILARITY",
    "SURVIVAL_TOP_N",
    "seed_table",
    "seeded_runs",
    "seeded_survival",
    "seeds_from_table",
    "survival_across_seeds",
    # description
    "ALIGNMENT_ALPHA",
    "ALIGNMENT_MIN_DOCS",
    "GROUPINGS",
    "align_topics",
    "alignment_matrix",
    "alignment_summary",
    "critical_r",
    "model_comparison",
    "prevalence",
    "representative_quotes",
    "reprint_check",
    "section_agreement",
    "topic_counts_by",
    "topic_overview",
    # figures
    "k_scan_plot_data",
    "plot_alignment",
    "plot_k_scan",
    "plot_prevalence",
]
