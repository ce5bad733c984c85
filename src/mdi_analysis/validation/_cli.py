"""Every figure of ``docs/validation.md`` in one call: ``python -m mdi_analysis.validation``
(``python -m mdi_analysis.validation placement`` prints only the placement table and its ablation).

Why apart from notebook 04: the notebook shows one method and normaliser at a time within its
time budget; the note reports both methods for every normaliser, with the bootstrap, the feature
ablation and the fold-seed spread, and this is where they are computed together.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ._data import load_codebook_categories, validation_data
from ._features import prepare_all
from ._limits import agreement_by_length, limits_summary, profile_overlap
from ._methods import assign_all
from ._normalisers import codebook_criteria, coding_differences
from ._tables import (
    bootstrap_kappa,
    comparison_table,
    confusion_table,
    feature_ablation,
    metrics_table,
    per_class_table,
    seed_sensitivity,
)


def measure(
    *, folds: int = 5, seed: int = 0, scoring: str = "any", seeds: Sequence[int] = range(5)
) -> dict[str, pd.DataFrame]:
    """All tables behind ``docs/validation.md``, on the committed corpus (about half a minute).

    Both methods at both levels for every normaliser, the bootstrap, the codebook criteria, the
    feature ablation and the fold-seed spread (``lemma``), the limits.

    Parameters
    ----------
    folds : int
        Cross-validation folds of ``supervised_cv``.
    seed : int
        Seed of the fold split.
    scoring : str
        How re-printed statements are scored (:data:`~mdi_analysis.validation.SCORINGS`).
    seeds : sequence of int
        The fold seeds of the sensitivity table.

    Returns
    -------
    dict
        title -> table, in the order of the note.
    """
    data = validation_data()
    codebook = load_codebook_categories()
    prepared = prepare_all(data, codebook)
    assignments = assign_all(prepared, folds=folds, seed=seed)
    tables: dict[str, pd.DataFrame] = {}
    for (name, method), assignment in assignments.items():
        if name == "lemma":
            tables[f"metrics {method}"] = metrics_table(assignment.predicted, data)
            tables[f"confusion {method}"] = confusion_table(assignment.predicted, data, "research_question", scoring)
            tables[f"per class {method}"] = per_class_table(assignment.predicted, data, "research_question", scoring)
    tables["normalisers"] = comparison_table(assignments, data, scoring)
    tables["bootstrap research_question"] = bootstrap_kappa(assignments, data, scoring=scoring)
    tables["bootstrap section"] = bootstrap_kappa(assignments, data, level="section", scoring=scoring)
    tables["codebook criteria"] = codebook_criteria(prepared, codebook)
    tables["coding differences"] = coding_differences(prepared)
    tables["feature ablation (lemma)"] = feature_ablation(prepared["lemma"], folds=folds, seed=seed, scoring=scoring)
    tables["fold seeds (lemma, supervised_cv)"] = seed_sensitivity(
        prepared["lemma"], seeds, folds=folds, scoring=scoring
    )
    tables["profile overlap"] = profile_overlap(prepared["lemma"])
    guide = assignments[("lemma", "guide_similarity")]
    tables["by length (guide_similarity)"] = agreement_by_length(guide.predicted, data, scoring=scoring)
    tables["limits"] = limits_summary(prepared["lemma"], guide)
    return tables


def measure_placement(*, folds: int = 5, seed: int = 0) -> dict[str, pd.DataFrame]:
    """The placement table (with the reader's reference row), its ablation and the hit rate of
    ``suggest_placement``'s list (issue 16)."""
    from ..corpus import load_corpus
    from ._ablation import ablation_evidence, placement_ablation, placement_table, suggestion_hits, top_confusions
    from ._evidence import load_guide_expansion
    from ._features import prepare
    from ._placement import guide_scores

    corpus = load_corpus()
    data = validation_data(corpus)
    codebook = load_codebook_categories()
    expansion = load_guide_expansion(guide=corpus.interview_guide, codebook=codebook)
    steps = ablation_evidence(data, corpus.sections, codebook, expansion)
    table, assignments = placement_table(
        prepare(data, codebook, "lemma"), steps["+ codebook categories"], folds=folds, seed=seed
    )
    return {
        "placement": table.drop(columns="source"),
        "placement ablation": placement_ablation(steps, data, folds=folds, seed=seed),
        "ensemble_cv: most frequent section confusions": top_confusions(
            assignments["ensemble_cv (nested C)"].predicted, data, n=12
        ),
        "suggest_placement: author's section among the first k": suggestion_hits(
            guide_scores(steps["+ codebook categories"]), data
        ),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Print :func:`measure` (3 decimals), or with the argument ``placement`` :func:`measure_placement`."""
    import sys

    from ..present import show

    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["placement"]):
        print(
            f"python -m mdi_analysis.validation: unexpected argument(s) {' '.join(args)!r}; "
            "expected none (every table) or 'placement'",
            file=sys.stderr,
        )
        raise SystemExit(2)
    tables = measure_placement() if args == ["placement"] else measure()
    for title, table in tables.items():
        show(table, decimals=3, title=f"== {title}")
        print()
