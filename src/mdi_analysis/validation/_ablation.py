"""The placement table of issue 16 and its ablation, with bootstrap intervals.

Why one table with a reference row: an agreement figure means little without knowing what the
text allows. A careful human reader placed the 121 quotes from the quote text, the role and the
guide only; that result is data (``data/expected/placement_reference.csv``, with its source), read
here and shown above the computed rows, never typed into code.

Every computed row is scored the same way (:func:`~mdi_analysis.validation.scored_labels`, scoring
``"any"``), and every interval comes from the same seeded resamples of the quotes, so the rows are
paired: a difference between two rows is a difference on the same draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..io import read_table
from ..paths import data_dir
from ..stats import fast_kappa, kappa_draws
from ._data import NO_SECTION, ValidationData
from ._evidence import Evidence, placement_evidence, without_codebook
from ._features import Prepared
from ._methods import Assignment, assign
from ._placement import place_by_guide, place_out_of_fold
from ._tables import _columns_for, _labels_for, scored_labels

REFERENCE_SCHEMA = pa.DataFrameSchema(
    {
        "method": pa.Column("string", unique=True),
        "labels": pa.Column("string", pa.Check.isin(["none", "held-out", "reader"])),
        "section_kappa": pa.Column("float64", pa.Check.in_range(-1, 1)),
        "section_accuracy": pa.Column("float64", pa.Check.in_range(0, 1)),
        "rq_kappa": pa.Column("float64", pa.Check.in_range(-1, 1)),
        "rq_accuracy": pa.Column("float64", pa.Check.in_range(0, 1)),
        "source": pa.Column("string"),
    },
    strict=False,
)
#: The C of the logistic regression in the ablation's labelled rows: scikit-learn's default,
#: fixed, so the ablation compares evidence, not tuning (the nested-CV row chooses C itself).
ABLATION_C = 1.0


def load_placement_reference(path: str | Path | None = None) -> pd.DataFrame:
    """The careful reader's placement result (``data/expected/placement_reference.csv``).

    Returns
    -------
    pandas.DataFrame
        Index ``method``; ``labels``, ``section_kappa``, ``section_accuracy``, ``rq_kappa``,
        ``rq_accuracy``, ``source``.
    """
    numeric = {c: "float" for c in ("section_kappa", "section_accuracy", "rq_kappa", "rq_accuracy")}
    table = read_table(
        Path(path) if path else data_dir() / "expected" / "placement_reference.csv", REFERENCE_SCHEMA, numeric=numeric
    )
    return table.set_index("method")


def bootstrap_scores(
    predictions: Mapping[str, pd.Series], data: ValidationData, *, n_resamples: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """Kappa and accuracy at both levels with 95 % percentile intervals, one row per prediction.

    Every row is resampled with the same quotes (one ``seed``), so rows are paired.

    Parameters
    ----------
    predictions : mapping
        row name -> utterance_id -> assigned section id.
    data : ValidationData
        The reference.
    n_resamples : int
        Bootstrap resamples of the quotes.
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    pandas.DataFrame
        Index ``method``; for ``rq`` and ``section``: ``_kappa``, ``_kappa_low``, ``_kappa_high``,
        ``_accuracy``, ``_accuracy_low``, ``_accuracy_high``.
    """
    n = len(data.printed)
    samples = np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))
    rows = []
    for name, predicted in predictions.items():
        frame = scored_labels(predicted, data, "any")
        row: dict[str, object] = {"method": name}
        for level, prefix in (("research_question", "rq"), ("section", "section")):
            truth_col, pred_col = _columns_for(level)
            labels = _labels_for(data, level) + [NO_SECTION]
            code = {label: i for i, label in enumerate(labels)}
            truth = frame[truth_col].map(code).to_numpy()
            pred = frame[pred_col].map(code).to_numpy()
            kappas = kappa_draws(truth, pred, samples, len(labels))
            accuracies = (truth[samples] == pred[samples]).mean(axis=1)
            row[f"{prefix}_kappa"] = fast_kappa(truth, pred, len(labels))
            row[f"{prefix}_kappa_low"], row[f"{prefix}_kappa_high"] = np.nanpercentile(kappas, [2.5, 97.5])
            row[f"{prefix}_accuracy"] = float((truth == pred).mean())
            row[f"{prefix}_accuracy_low"], row[f"{prefix}_accuracy_high"] = np.percentile(accuracies, [2.5, 97.5])
        rows.append(row)
    return pd.DataFrame(rows).set_index("method").astype(float)


def suggestion_hits(
    scores: pd.DataFrame,
    data: ValidationData,
    ks: tuple[int, ...] = (1, 3),
    *,
    n_resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """How often a section the author placed the quote in is among the ``k`` best suggestions.

    The measure for :func:`~mdi_analysis.validation.suggest_placement`, which shows a coder three
    candidates: a hit at ``k = 3`` means the right section is on the list. The research-question
    hit is the same with the suggestions' research questions.

    Parameters
    ----------
    scores : pandas.DataFrame
        quotes x sections, higher is better (:func:`guide_scores`).
    data : ValidationData
        The reference (a re-printed statement hits with any of its sections).
    ks : tuple of int
        List lengths.
    n_resamples, seed : int
        The bootstrap of the 95 % intervals (resampled quotes).

    Returns
    -------
    pandas.DataFrame
        Index ``k``; ``section_hits``, ``section_low``, ``section_high``, ``rq_hits``, ``rq_low``,
        ``rq_high``.
    """
    values = np.round(scores.reindex(data.printed.index).to_numpy(dtype=float), 12)
    columns = np.asarray(scores.columns, dtype=object)
    order = np.argsort(-values, axis=1, kind="stable")
    rq_of = {s: int(q) for s, q in data.research_question.items()}
    samples = np.random.default_rng(seed).integers(0, len(values), size=(n_resamples, len(values)))
    rows = []
    for k in ks:
        top = [set(columns[order[i, :k]]) for i in range(len(values))]
        section_hit = np.array([bool(t & set(acc)) for t, acc in zip(top, data.accepted)], dtype=float)
        rq_hit = np.array(
            [bool({rq_of[s] for s in t} & {rq_of[s] for s in acc}) for t, acc in zip(top, data.accepted)], dtype=float
        )
        row: dict[str, float] = {"k": int(k)}
        for name, hit in (("section", section_hit), ("rq", rq_hit)):
            row[f"{name}_hits"] = float(hit.mean())
            row[f"{name}_low"], row[f"{name}_high"] = np.percentile(hit[samples].mean(axis=1), [2.5, 97.5])
        rows.append(row)
    return pd.DataFrame(rows).set_index("k")


def top_confusions(predicted: pd.Series, data: ValidationData, *, n: int = 10) -> pd.DataFrame:
    """The most frequent (thesis section, assigned section) disagreements, scored with ``any``.

    Where a method's errors sit, to compare with where the careful reader's sit (issue 16: the
    overlaps 4.1.4/4.1.5/4.3.1, 4.1.5/4.3.2, 4.1.3/4.1.9/4.4.1 and 4.5.1/4.5.2/4.5.4).

    Returns
    -------
    pandas.DataFrame
        Columns ``thesis``, ``assigned``, ``quotes``; at most ``n`` rows, most frequent first
        (ties in section order).
    """
    frame = scored_labels(predicted, data, "any")
    wrong = frame[frame["section_truth"] != frame["section_pred"]]
    order = {s: i for i, s in enumerate([*data.sections, NO_SECTION])}
    counts = wrong.groupby(["section_truth", "section_pred"]).size().rename("quotes").reset_index()
    counts = counts.rename(columns={"section_truth": "thesis", "section_pred": "assigned"})
    counts["_t"], counts["_a"] = counts["thesis"].map(order), counts["assigned"].map(order)
    counts = counts.sort_values(["quotes", "_t", "_a"], ascending=[False, True, True], kind="stable")
    return counts.drop(columns=["_t", "_a"]).head(n).reset_index(drop=True).astype({"quotes": "int64"})


def ablation_evidence(
    data: ValidationData, sections: pd.DataFrame, codebook: pd.DataFrame, expansion: pd.DataFrame
) -> dict[str, Evidence]:
    """The evidence of each ablation step, each adding one source to the one before.

    ``lemmas`` (lemma unigrams, plain guide profiles), ``+ bigrams, compound parts``, ``+ expanded
    profiles`` (theory categories and vocabulary per question), ``+ codebook categories``.
    """
    plain = placement_evidence(data, sections, codebook, None, bigrams=False, compounds=False)
    ngrams = placement_evidence(data, sections, codebook, None)
    expanded = placement_evidence(data, sections, codebook, expansion)
    return {
        "lemmas": without_codebook(plain),
        "+ bigrams, compound parts": without_codebook(ngrams),
        "+ expanded profiles": without_codebook(expanded),
        "+ codebook categories": expanded,
    }


def placement_ablation(
    steps: Mapping[str, Evidence],
    data: ValidationData,
    *,
    folds: int = 5,
    seed: int = 0,
    n_resamples: int = 2000,
) -> pd.DataFrame:
    """What each source of evidence adds: ``guide_expanded`` and ``ensemble_cv`` (C fixed) per step.

    Returns
    -------
    pandas.DataFrame
        Index (``evidence``, ``method``); the columns of :func:`bootstrap_scores`.
    """
    predictions: dict[str, pd.Series] = {}
    keys = []
    for step, evidence in steps.items():
        for method in ("guide_expanded", "ensemble_cv"):
            if method == "guide_expanded":
                assignment = place_by_guide(evidence)
            else:
                assignment = place_out_of_fold(evidence, data, c=ABLATION_C, folds=folds, seed=seed)
            predictions[f"{step} | {method}"] = assignment.predicted
            keys.append((step, method))
    table = bootstrap_scores(predictions, data, n_resamples=n_resamples, seed=seed)
    table.index = pd.MultiIndex.from_tuples(keys, names=["evidence", "method"])
    return table


def placement_table(
    prepared: Prepared,
    evidence: Evidence,
    *,
    reference: pd.DataFrame | None = None,
    folds: int = 5,
    seed: int = 0,
    n_resamples: int = 2000,
) -> tuple[pd.DataFrame, dict[str, Assignment]]:
    """The issue's table: the reader's reference row, the existing methods and the new ones.

    Parameters
    ----------
    prepared : Prepared
        The quotes prepared with the ``lemma`` normaliser (the existing methods' input).
    evidence : Evidence
        The full evidence (:func:`placement_evidence` with the expansion).
    reference : pandas.DataFrame, optional
        :func:`load_placement_reference` (default: read it).
    folds, seed : int
        The outer cross-validation of every held-out method (the same split for all).
    n_resamples : int
        Bootstrap resamples for the intervals.

    Returns
    -------
    (pandas.DataFrame, dict)
        The table (index ``method``: ``labels``, kappa and accuracy at both levels with intervals;
        the reference row has no intervals and names its ``source``) and the assignments by method.
    """
    data = prepared.data
    reference = load_placement_reference() if reference is None else reference
    assignments = {
        "guide_similarity": assign(prepared, "guide_similarity"),
        "supervised_cv": assign(prepared, "supervised_cv", folds=folds, seed=seed),
        "guide_expanded": place_by_guide(evidence),
        "ensemble_cv (nested C)": place_out_of_fold(evidence, data, folds=folds, seed=seed),
        "label_spreading_cv": place_out_of_fold(evidence, data, "label_spreading_cv", folds=folds, seed=seed),
    }
    labels_used = {
        "guide_similarity": "none",
        "supervised_cv": "held-out",
        "guide_expanded": "none",
        "ensemble_cv (nested C)": "held-out",
        "label_spreading_cv": "held-out",
    }
    scores = bootstrap_scores(
        {k: a.predicted for k, a in assignments.items()}, data, n_resamples=n_resamples, seed=seed
    )
    scores.insert(0, "labels", pd.Series(labels_used))
    scores["source"] = "computed"
    table = pd.concat([reference, scores])
    table.index.name = "method"
    return table, assignments
