"""Scoring an assignment against the thesis, and the tables of notebook 04 and ``docs/validation.md``.

Why scoring is its own step: the thesis's coding is multi-label for the eight re-printed
statements, so "the thesis label" of a quote depends on a rule (:data:`SCORINGS`). Every table
here first turns an assignment into one (thesis label, assigned label) pair per quote with
:func:`scored_labels`, and then measures agreement with the general statistics of
:mod:`mdi_analysis.stats._agreement` (kappa, F1, the majority baseline, the paired bootstrap).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..options import check_choice
from ..stats import agreement, class_scores, contingency, majority_baseline, paired_bootstrap_kappa
from ._data import NO_SECTION, ValidationData, rq_label
from ._features import DEFAULT_FEATURES, FEATURES, Prepared
from ._methods import METHODS, Assignment, assign, assign_by_cross_validation

#: The levels agreement is reported at: the 18 sections of chapter 4, or the 5 research questions.
LEVELS: tuple[str, ...] = ("research_question", "section")
#: How re-printed statements are scored: ``"any"`` counts an assignment as agreeing when it names
#: any section the author placed that statement in; ``"printed"`` scores each printing against
#: where it is printed only; ``"exclude"`` drops the eight later printings and scores the rest
#: strictly.
SCORINGS: tuple[str, ...] = ("any", "printed", "exclude")


def scored_labels(predicted: pd.Series, data: ValidationData, scoring: str = "any") -> pd.DataFrame:
    """Thesis label and assigned label per quote, at section and research-question level.

    With ``scoring="any"`` the thesis label of a quote is the assigned one when the author placed the
    statement there too (it is printed in several sections), and otherwise where it is printed;
    research questions are judged the same way, by the research questions of those sections.
    ``"exclude"`` drops the re-printings; ``"printed"`` keeps where each quote is printed.
    """
    scoring = check_choice(scoring, SCORINGS, "scoring")
    predicted = predicted.reindex(data.printed.index)
    if predicted.isna().any():
        missing = predicted.index[predicted.isna()].tolist()[:5]
        raise ValueError(f"no assignment for utterance(s) {missing}")
    frame = pd.DataFrame(
        {
            "section_truth": data.printed,
            "section_pred": predicted.astype(str),
            "rq_truth": data.rq_of(data.printed),
            "rq_pred": data.rq_of(predicted.astype(str)),
        }
    )
    if scoring == "any":
        accepted = data.accepted
        rq_map = {s: rq_label(q) for s, q in data.research_question.items()}
        in_sections = [p in acc for p, acc in zip(frame["section_pred"], accepted)]
        in_rqs = [p in {rq_map[s] for s in acc} for p, acc in zip(frame["rq_pred"], accepted)]
        frame.loc[in_sections, "section_truth"] = frame.loc[in_sections, "section_pred"]
        frame.loc[in_rqs, "rq_truth"] = frame.loc[in_rqs, "rq_pred"]
    elif scoring == "exclude":
        frame = frame.loc[~data.reprint]
    return frame


def _columns_for(level: str) -> tuple[str, str]:
    level = check_choice(level, LEVELS, "level")
    return ("rq_truth", "rq_pred") if level == "research_question" else ("section_truth", "section_pred")


def _labels_for(data: ValidationData, level: str) -> list[str]:
    return data.research_questions if level == "research_question" else data.sections


def metrics_table(predicted: pd.Series, data: ValidationData, scorings: Sequence[str] = SCORINGS) -> pd.DataFrame:
    """Agreement with the thesis at both levels, under each scoring, with the majority baseline.

    The baseline is scored by the same rule as the assigner (under ``"any"`` the baseline's answer
    counts as agreeing for a statement the author also placed there), so the two are comparable.

    Parameters
    ----------
    predicted : pandas.Series
        utterance_id -> assigned section id (:attr:`Assignment.predicted`).
    data : ValidationData
        The reference.
    scorings : sequence of str
        Any of :data:`SCORINGS`.

    Returns
    -------
    pandas.DataFrame
        Index (scoring, level); columns ``n``, ``accuracy``, ``kappa``, ``macro_f1``,
        ``majority_accuracy``, ``majority_macro_f1``.
    """
    rows = []
    for scoring in scorings:
        frame = scored_labels(predicted, data, scoring)
        for level in LEVELS:
            truth_col, pred_col = _columns_for(level)
            labels = _labels_for(data, level)
            observed = agreement(frame[truth_col], frame[pred_col], labels)
            baseline_frame = scored_labels(_majority_prediction(data, level), data, scoring)
            baseline = agreement(baseline_frame[truth_col], baseline_frame[pred_col], labels)
            rows.append(
                {
                    "scoring": scoring,
                    "level": level,
                    **observed,
                    "majority_accuracy": baseline["accuracy"],
                    "majority_macro_f1": baseline["macro_f1"],
                }
            )
    table = pd.DataFrame(rows).set_index(["scoring", "level"])
    table["n"] = table["n"].astype("int64")
    return table


def _majority_prediction(data: ValidationData, level: str) -> pd.Series:
    """A constant assignment: the largest section, or the first section of the largest research
    question (sections are mapped to research questions, so a section stands for its question)."""
    if level == "section":
        best = majority_baseline(data.printed, data.sections)["label"]
    else:
        rq = majority_baseline(data.rq_of(data.printed), data.research_questions)["label"]
        best = next(s for s in data.sections if rq_label(data.research_question[s]) == rq)
    return pd.Series(best, index=data.printed.index)


def confusion_table(
    predicted: pd.Series, data: ValidationData, level: str = "research_question", scoring: str = "any"
) -> pd.DataFrame:
    """Counts of thesis label (rows) x assigned label (columns).

    Parameters
    ----------
    predicted : pandas.Series
        utterance_id -> assigned section id.
    data : ValidationData
        The reference.
    level : str
        ``"research_question"`` or ``"section"``.
    scoring : str
        One of :data:`SCORINGS`.

    Returns
    -------
    pandas.DataFrame
        ``int64`` counts; rows ``thesis``, columns ``assigned`` (``(none)`` is a column when used).
    """
    truth_col, pred_col = _columns_for(level)
    frame = scored_labels(predicted, data, scoring)
    labels = _labels_for(data, level)
    columns = labels + ([NO_SECTION] if (frame[pred_col] == NO_SECTION).any() else [])
    counts = contingency(frame[truth_col], frame[pred_col], columns)
    table = pd.DataFrame(
        counts[: len(labels)], index=pd.Index(labels, name="thesis"), columns=pd.Index(columns, name="assigned")
    )
    return table.astype("int64")


def per_class_table(
    predicted: pd.Series, data: ValidationData, level: str = "research_question", scoring: str = "any"
) -> pd.DataFrame:
    """Precision, recall, F1 and support of each thesis label: which research questions are found.

    Parameters
    ----------
    predicted : pandas.Series
        utterance_id -> assigned section id.
    data : ValidationData
        The reference.
    level : str
        ``"research_question"`` or ``"section"``.
    scoring : str
        One of :data:`SCORINGS`.

    Returns
    -------
    pandas.DataFrame
        One row per thesis label (index named ``level``): ``thesis_n``, ``assigned_n``,
        ``precision``, ``recall``, ``f1``.
    """
    truth_col, pred_col = _columns_for(level)
    frame = scored_labels(predicted, data, scoring)
    labels = _labels_for(data, level)
    return class_scores(frame[truth_col], frame[pred_col], labels).rename_axis(level)


def assignment_table(assignment: Assignment, data: ValidationData, scoring: str = "any") -> pd.DataFrame:
    """One row per quote: where the thesis put it, where it was assigned, and whether they agree.

    Only ids and section numbers, never text, so the table can be published with the reports.

    Parameters
    ----------
    assignment : Assignment
        One method's result.
    data : ValidationData
        The reference.
    scoring : str
        The rule of the ``agrees_*`` columns (:data:`SCORINGS`).

    Returns
    -------
    pandas.DataFrame
        Index ``utterance_id``; the printed and accepted sections, the assigned section, both research
        questions, ``agrees_section``, ``agrees_rq``, and the method's details (similarity, runner-up
        and margin, or the fold).
    """
    frame = scored_labels(assignment.predicted, data, "printed")
    scored = scored_labels(assignment.predicted, data, scoring)
    table = pd.DataFrame(
        {
            "printed_section": frame["section_truth"],
            "thesis_sections": data.accepted.map(";".join),
            "assigned_section": frame["section_pred"],
            "thesis_rq": frame["rq_truth"],
            "assigned_rq": frame["rq_pred"],
        }
    ).rename_axis("utterance_id")
    table["agrees_section"] = (scored["section_truth"] == scored["section_pred"]).reindex(table.index)
    table["agrees_rq"] = (scored["rq_truth"] == scored["rq_pred"]).reindex(table.index)
    extra = [c for c in ("similarity", "runner_up", "margin", "fold") if c in assignment.details.columns]
    return table.join(assignment.details[extra])


# --------------------------------------------------------------------------------------------
# Comparing normalisers, feature sets and fold seeds
# --------------------------------------------------------------------------------------------


def comparison_table(
    assignments: Mapping[tuple[str, str], Assignment], data: ValidationData, scoring: str = "any"
) -> pd.DataFrame:
    """One row per (normaliser, method): kappa, macro-F1 and accuracy at both levels.

    Parameters
    ----------
    assignments : mapping
        ``{(normaliser, method): Assignment}`` (:func:`assign_all`).
    data : ValidationData
        The reference.
    scoring : str
        One of :data:`SCORINGS`.

    Returns
    -------
    pandas.DataFrame
        Index (normaliser, method); columns ``rq_kappa``, ``rq_macro_f1``, ``rq_accuracy`` and the
        same three for ``section``.
    """
    rows = []
    for (name, method), assignment in assignments.items():
        metrics = metrics_table(assignment.predicted, data, [scoring]).loc[scoring]
        row: dict[str, object] = {"normaliser": name, "method": method}
        for level, prefix in (("research_question", "rq"), ("section", "section")):
            for metric in ("kappa", "macro_f1", "accuracy"):
                row[f"{prefix}_{metric}"] = float(metrics.loc[level, metric])
        rows.append(row)
    return pd.DataFrame(rows).set_index(["normaliser", "method"])


def bootstrap_kappa(
    assignments: Mapping[tuple[str, str], Assignment],
    data: ValidationData,
    *,
    reference: str = "lemma",
    level: str = "research_question",
    scoring: str = "any",
    n_resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Kappa with a 95 % percentile interval, and its paired difference to the ``reference`` normaliser.

    Why a paired bootstrap over quotes: 121 quotes are few, and two normalisers are scored on the
    same quotes, so the question "does one code better?" is whether the *difference* stays away
    from zero when the quotes are resampled. The same resampled quotes are used for every row, and
    a row is compared with the reference normaliser under the same method
    (:func:`~mdi_analysis.stats._agreement.paired_bootstrap_kappa`).

    Parameters
    ----------
    assignments : mapping
        ``{(normaliser, method): Assignment}`` (:func:`assign_all`).
    data : ValidationData
        The reference.
    reference : str
        The normaliser every row is compared with.
    level : str
        ``"research_question"`` or ``"section"``.
    scoring : str
        One of :data:`SCORINGS`.
    n_resamples : int
        Bootstrap resamples of the quotes.
    seed : int
        Seed of the resampling.

    Returns
    -------
    pandas.DataFrame
        Index (normaliser, method); ``kappa``, ``ci_low``, ``ci_high``, ``diff_vs_<reference>``,
        ``diff_ci_low``, ``diff_ci_high``.
    """
    truth_col, pred_col = _columns_for(level)
    labels = _labels_for(data, level) + [NO_SECTION]
    code = {label: i for i, label in enumerate(labels)}
    coded = {}
    for key, assignment in assignments.items():
        frame = scored_labels(assignment.predicted, data, scoring)
        coded[key] = (frame[truth_col].map(code).to_numpy(), frame[pred_col].map(code).to_numpy())
    table = paired_bootstrap_kappa(
        coded,
        len(labels),
        reference={(name, method): (reference, method) for name, method in coded},
        n_resamples=n_resamples,
        seed=seed,
    )
    table.index = pd.MultiIndex.from_tuples(list(coded), names=["normaliser", "method"])
    return table.rename(columns={"diff": f"diff_vs_{reference}"})


def seed_sensitivity(
    prepared: Prepared,
    seeds: Sequence[int] = range(5),
    features: str = DEFAULT_FEATURES,
    *,
    folds: int = 5,
    scoring: str = "any",
) -> pd.DataFrame:
    """``supervised_cv`` with other fold seeds: how much the held-out figure owes to one split."""
    rows = []
    for seed in seeds:
        assignment = assign_by_cross_validation(prepared, features, folds=folds, seed=seed)
        metrics = metrics_table(assignment.predicted, prepared.data, [scoring]).loc[scoring]
        rows.append(
            {
                "seed": int(seed),
                "rq_kappa": float(metrics.loc["research_question", "kappa"]),
                "section_kappa": float(metrics.loc["section", "kappa"]),
            }
        )
    table = pd.DataFrame(rows).set_index("seed")
    summary = table.agg(["mean", "std", "min", "max"])
    return summary.T


def feature_ablation(prepared: Prepared, *, folds: int = 5, seed: int = 0, scoring: str = "any") -> pd.DataFrame:
    """Both methods with words only, codebook only and both: what each part of the features adds."""
    assignments = {
        (features, method): assign(prepared, method, features, folds=folds, seed=seed)
        for features in FEATURES
        for method in METHODS
    }
    table = comparison_table(assignments, prepared.data, scoring)
    table.index = table.index.set_names(["features", "method"])
    return table
