"""Validating the automatic coding against the thesis's own coding: where did the author print each quote?

Why this subpackage exists: the keyword coding (:mod:`mdi_analysis.coding`) and the normalisers
(:mod:`mdi_analysis.text`) are only worth using if they recover something the author of the thesis
decided by hand. The one decision the thesis records for every quote is *where* it is printed: under
which section of chapter 4, and so under which of the five research questions. This subpackage
assigns every quote to a section using only the interview guide and the codebook
(``guide_similarity``), or a model trained on the other quotes and scored out of fold
(``supervised_cv``), and scores the assignment against the thesis's placement with Cohen's kappa,
macro-F1, accuracy and a confusion matrix. ``docs/validation.md`` has the method, the figures and
their limits.

Owns: the thesis's placement as validation data with section profiles (``_data``), the features
of quotes and profiles (``_features``), the two assigners (``_methods``), scoring re-printed
statements and the agreement tables (``_tables``), what limits agreement (``_limits``), the
comparison of normalisers on the codebook (``_normalisers``), what leaving out negated keyword
hits changes (``_negation``), the confusion figure (``_figure``) and
``python -m mdi_analysis.validation`` (``_cli``). The agreement statistics themselves (kappa, F1,
the bootstrap) are general and live in :mod:`mdi_analysis.stats`.
May import: ``errors``, ``options``, ``paths``, ``io``, ``text``, ``coding``, ``corpus``, ``stats``,
``present``.
"""

from ._ablation import (
    ablation_evidence,
    bootstrap_scores,
    load_placement_reference,
    placement_ablation,
    placement_table,
    suggestion_hits,
    top_confusions,
)
from ._cli import main, measure
from ._data import NO_SECTION, ValidationData, load_codebook_categories, validation_data
from ._evidence import (
    Evidence,
    build_evidence,
    compound_parts,
    evidence_tokens,
    expanded_profiles,
    load_guide_expansion,
    placement_evidence,
)
from ._features import DEFAULT_FEATURES, FEATURES, Prepared, prepare, prepare_all
from ._figure import plot_confusion
from ._limits import agreement_by_length, limits_summary, profile_overlap
from ._methods import METHODS, Assignment, assign, assign_all
from ._negation import affirmed_prepared, negation_effect
from ._normalisers import codebook_criteria, coding_differences
from ._placement import PLACEMENT_METHODS, guide_scores, place_by_guide, place_out_of_fold, suggest_placement
from ._tables import (
    LEVELS,
    SCORINGS,
    assignment_table,
    bootstrap_kappa,
    comparison_table,
    confusion_table,
    metrics_table,
    per_class_table,
    scored_labels,
)

__all__ = [
    "Assignment",
    "DEFAULT_FEATURES",
    "Evidence",
    "FEATURES",
    "LEVELS",
    "METHODS",
    "NO_SECTION",
    "PLACEMENT_METHODS",
    "Prepared",
    "SCORINGS",
    "ValidationData",
    "ablation_evidence",
    "affirmed_prepared",
    "negation_effect",
    "agreement_by_length",
    "assign",
    "assign_all",
    "assignment_table",
    "bootstrap_kappa",
    "bootstrap_scores",
    "build_evidence",
    "codebook_criteria",
    "coding_differences",
    "comparison_table",
    "compound_parts",
    "confusion_table",
    "evidence_tokens",
    "expanded_profiles",
    "guide_scores",
    "limits_summary",
    "load_codebook_categories",
    "load_guide_expansion",
    "load_placement_reference",
    "main",
    "measure",
    "metrics_table",
    "per_class_table",
    "place_by_guide",
    "place_out_of_fold",
    "placement_ablation",
    "placement_evidence",
    "placement_table",
    "plot_confusion",
    "prepare",
    "prepare_all",
    "profile_overlap",
    "scored_labels",
    "suggest_placement",
    "suggestion_hits",
    "top_confusions",
    "validation_data",
]
