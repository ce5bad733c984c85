"""Agreement between two codings of the same items: contingency, Cohen's kappa, per-class F1,
the majority-class baseline and a paired bootstrap of kappa.

Why here and not in the validation: nothing in these statistics knows about quotes, sections or
the thesis. They compare two label sequences (a reference coder and a second coder, or a
reference and an automatic assigner) and serve any inter-rater comparison, such as a second
human coder's coding of the quotes. The validation (:mod:`mdi_analysis.validation`) decides
*which* labels are compared; this module only measures.

Why numpy rather than scikit-learn: the bootstrap needs kappa of thousands of resamples, which
one batched ``bincount`` computes at once (:func:`kappa_draws`), and one definition should serve
both the point estimate and the resamples. Every measure is tested against
:mod:`sklearn.metrics` (``tests/test_agreement.py``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "agreement",
    "class_scores",
    "cohen_kappa",
    "contingency",
    "fast_kappa",
    "kappa_draws",
    "majority_baseline",
    "paired_bootstrap_kappa",
]


def contingency(truth: Sequence[Hashable], predicted: Sequence[Hashable], labels: Sequence[Hashable]) -> np.ndarray:
    """Counts of (truth, predicted) pairs over ``labels``.

    Parameters
    ----------
    truth, predicted : sequence of hashable
        The two codings, item by item.
    labels : sequence of hashable
        The rows and columns, in order; pairs with a label outside ``labels`` are not counted.

    Returns
    -------
    numpy.ndarray
        ``int64``, ``len(labels) x len(labels)``; rows: truth, columns: predicted.
    """
    index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(truth, predicted):
        if t in index and p in index:
            counts[index[t], index[p]] += 1
    return counts


def fast_kappa(truth: np.ndarray, predicted: np.ndarray, n_labels: int) -> float:
    """Cohen's kappa of integer-coded labels, with numpy.

    Parameters
    ----------
    truth, predicted : numpy.ndarray
        Integer codes ``0 … n_labels-1``, one per item.
    n_labels : int
        The number of codes.

    Returns
    -------
    float
        ``nan`` when chance agreement is 1 (both sides constant and equal: kappa is undefined).
    """
    n = truth.size
    counts = np.bincount(truth * n_labels + predicted, minlength=n_labels * n_labels).reshape(n_labels, n_labels)
    observed = np.trace(counts) / n
    expected = float(counts.sum(1) @ counts.sum(0)) / (n * n)
    return float("nan") if expected >= 1.0 else float((observed - expected) / (1.0 - expected))


def cohen_kappa(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Cohen's kappa (unweighted) over the labels either side uses.

    Equal to :func:`sklearn.metrics.cohen_kappa_score` (tested, also as a property); symmetric in
    the two codings, within [-1, 1], 1 for identical codings that use at least two labels.

    Parameters
    ----------
    truth, predicted : sequence of hashable
        The two codings, item by item.

    Returns
    -------
    float
        ``nan`` when both codings are constant and equal (see :func:`fast_kappa`).
    """
    truth, predicted = list(truth), list(predicted)
    labels = sorted(set(truth) | set(predicted), key=str)
    code = {label: i for i, label in enumerate(labels)}
    return fast_kappa(np.array([code[t] for t in truth]), np.array([code[p] for p in predicted]), len(labels))


def class_scores(truth: Sequence[Hashable], predicted: Sequence[Hashable], labels: Sequence[Hashable]) -> pd.DataFrame:
    """Per label: support, assigned count, precision, recall and F1.

    A ratio without denominator is 0 (scikit-learn's ``zero_division=0``, tested against it), so a
    label nobody assigns has precision 0 rather than a gap in the table.

    Parameters
    ----------
    truth, predicted : sequence of hashable
        Reference and second coding, item by item.
    labels : sequence of hashable
        The labels to score, in row order.

    Returns
    -------
    pandas.DataFrame
        Index ``labels``; columns ``thesis_n`` (support in ``truth``), ``assigned_n``,
        ``precision``, ``recall``, ``f1``.
    """
    truth, predicted = np.asarray(list(truth), dtype=object), np.asarray(list(predicted), dtype=object)
    labels = list(labels)
    support = np.array([(truth == label).sum() for label in labels], dtype=np.int64)
    assigned = np.array([(predicted == label).sum() for label in labels], dtype=np.int64)
    hits = np.array([((truth == label) & (predicted == label)).sum() for label in labels], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(assigned > 0, hits / np.maximum(assigned, 1), 0.0)
        recall = np.where(support > 0, hits / np.maximum(support, 1), 0.0)
        f1 = np.where(support + assigned > 0, 2 * hits / np.maximum(support + assigned, 1), 0.0)
    return pd.DataFrame(
        {"thesis_n": support, "assigned_n": assigned, "precision": precision, "recall": recall, "f1": f1},
        index=pd.Index(labels),
    )


def agreement(
    truth: Sequence[Hashable], predicted: Sequence[Hashable], labels: Sequence[Hashable] | None = None
) -> dict[str, float]:
    """n, accuracy, Cohen's kappa and macro-F1 of ``predicted`` against ``truth``.

    Macro-F1 averages over ``labels`` (default: the labels in ``truth``), i.e. over the categories
    the reference uses, so a label only the second coding uses (such as "no section") costs recall
    without adding a class to the average. Kappa of a constant prediction is 0.

    Parameters
    ----------
    truth, predicted : sequence of hashable
        Reference and second coding, item by item (equal length).
    labels : sequence of hashable, optional
        The classes of the macro average; default: the sorted labels of ``truth``.

    Returns
    -------
    dict
        ``n``, ``accuracy``, ``kappa``, ``macro_f1`` (``nan`` for no items).
    """
    truth = list(truth)
    predicted = list(predicted)
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    if not truth:
        return {"n": 0, "accuracy": float("nan"), "kappa": float("nan"), "macro_f1": float("nan")}
    labels = list(labels) if labels is not None else sorted(set(truth), key=str)
    return {
        "n": len(truth),
        "accuracy": float(np.mean([t == p for t, p in zip(truth, predicted)])),
        "kappa": cohen_kappa(truth, predicted),
        "macro_f1": float(class_scores(truth, predicted, labels)["f1"].mean()),
    }


def majority_baseline(truth: Sequence[Hashable], labels: Sequence[Hashable] | None = None) -> dict[str, float]:
    """Agreement of always answering the most frequent reference label: the floor to beat.

    Parameters
    ----------
    truth : sequence of hashable
        The reference coding.
    labels : sequence of hashable, optional
        The candidate labels; a tie goes to the first in this order. Default: sorted labels of ``truth``.

    Returns
    -------
    dict
        :func:`agreement` of the constant answer (its kappa is 0 by definition) plus ``label``.
    """
    truth = list(truth)
    labels = list(labels) if labels is not None else sorted(set(truth), key=str)
    counts = pd.Series(truth).value_counts()
    best = max(labels, key=lambda label: (counts.get(label, 0), -labels.index(label)))
    return {**agreement(truth, [best] * len(truth), labels), "label": best}


def kappa_draws(truth: np.ndarray, predicted: np.ndarray, samples: np.ndarray, n_labels: int) -> np.ndarray:
    """:func:`fast_kappa` of every resample at once.

    Parameters
    ----------
    truth, predicted : numpy.ndarray
        Integer codes ``0 … n_labels-1``, one per item.
    samples : numpy.ndarray
        ``n_draws x n`` item positions, one resample per row.
    n_labels : int
        The number of codes.

    Returns
    -------
    numpy.ndarray
        One kappa per row of ``samples`` (``nan`` where undefined).
    """
    n_draws, n = samples.shape
    cells = truth[samples] * n_labels + predicted[samples] + (np.arange(n_draws)[:, None] * n_labels * n_labels)
    counts = np.bincount(cells.ravel(), minlength=n_draws * n_labels * n_labels).reshape(n_draws, n_labels, n_labels)
    observed = np.trace(counts, axis1=1, axis2=2) / n
    expected = np.einsum("ri,ri->r", counts.sum(2), counts.sum(1)) / (n * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected < 1.0, (observed - expected) / (1.0 - expected), np.nan)


def paired_bootstrap_kappa(
    coded: Mapping[Hashable, tuple[np.ndarray, np.ndarray]],
    n_labels: int,
    *,
    reference: Mapping[Hashable, Hashable] | None = None,
    n_resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Kappa with a 95 % percentile interval, and its paired difference to a reference coding.

    Why paired: when several codings are scored on the same items, the question "is one better?"
    is whether the *difference* of their kappas stays away from zero when the items are
    resampled; resampling each coding on its own would ignore that they share the items. Every
    row is therefore drawn from the same resampled items (one ``seed``), and a row is compared with
    its reference on each draw.

    Parameters
    ----------
    coded : mapping
        key -> (truth codes, predicted codes): integer codes ``0 … n_labels-1`` of the same items
        (equal length for every key).
    n_labels : int
        The number of codes.
    reference : mapping, optional
        key -> the key it is compared with; a key without a reference (or whose reference is not
        in ``coded``) gets ``nan`` differences. Default: no comparisons.
    n_resamples : int
        Number of bootstrap resamples.
    seed : int
        Seed of :func:`numpy.random.default_rng` drawing the resamples.

    Returns
    -------
    pandas.DataFrame
        One row per key of ``coded``, in its order (the key as index): ``kappa`` (point estimate),
        ``ci_low``, ``ci_high``, ``diff`` (kappa minus the reference's), ``diff_ci_low``,
        ``diff_ci_high``. Percentiles ignore undefined (``nan``) draws.
    """
    reference = reference or {}
    n = len(next(iter(coded.values()))[0])
    samples = np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))
    draws = {key: kappa_draws(t, p, samples, n_labels) for key, (t, p) in coded.items()}
    point = {key: fast_kappa(t, p, n_labels) for key, (t, p) in coded.items()}
    rows = []
    for key, kappas in draws.items():
        base = reference.get(key)
        compared = base in draws
        diff = kappas - draws[base] if compared else np.full(n_resamples, np.nan)
        rows.append(
            {
                "kappa": point[key],
                "ci_low": float(np.nanquantile(kappas, 0.025)),
                "ci_high": float(np.nanquantile(kappas, 0.975)),
                "diff": point[key] - point[base] if compared else float("nan"),
                "diff_ci_low": float(np.nanquantile(diff, 0.025)) if compared else float("nan"),
                "diff_ci_high": float(np.nanquantile(diff, 0.975)) if compared else float("nan"),
            }
        )
    return pd.DataFrame(rows, index=list(draws))
