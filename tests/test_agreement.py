"""Agreement statistics (mdi_analysis.stats._agreement): kappa, F1, the majority baseline, the bootstrap.

Fixed cases pin the meaning (a perfect coding has kappa 1, a chance-level one 0, a constant one 0
with the majority accuracy); every measure is compared with scikit-learn; and hypothesis checks
the properties kappa must have on any pair of codings: within [-1, 1], 1 for identical codings,
symmetric in the two raters, equal to :func:`sklearn.metrics.cohen_kappa_score`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score, confusion_matrix, f1_score, precision_recall_fscore_support

from mdi_analysis.stats._agreement import (
    agreement,
    class_scores,
    cohen_kappa,
    contingency,
    fast_kappa,
    kappa_draws,
    majority_baseline,
    paired_bootstrap_kappa,
)

NONE = "(none)"  # a label only the second coder uses, as the validation's "no section"

# --- fixed cases -------------------------------------------------------------------------------


def test_perfect_assignment_has_kappa_one():
    truth = ["RQ1", "RQ1", "RQ2", "RQ3", "RQ3", "RQ3"]
    result = agreement(truth, truth)
    assert result == {"n": 6, "accuracy": 1.0, "kappa": 1.0, "macro_f1": 1.0}


def test_chance_level_assignment_has_kappa_zero():
    # Every thesis label is assigned half right, half wrong, independently of the label: kappa 0.
    assert agreement(["a", "a", "b", "b"], ["a", "b", "a", "b"])["kappa"] == pytest.approx(0.0, abs=1e-12)
    rng = np.random.default_rng(1)
    truth = rng.choice(list("abcde"), size=20_000)
    predicted = rng.choice(list("abcde"), size=20_000)
    assert abs(agreement(truth, predicted)["kappa"]) < 0.02


def test_constant_assignment_has_kappa_zero_and_the_majority_accuracy():
    truth = ["a"] * 6 + ["b"] * 3 + ["c"]
    result = agreement(truth, ["a"] * 10, ["a", "b", "c"])
    assert result["kappa"] == 0.0 and result["accuracy"] == 0.6
    assert result["macro_f1"] == pytest.approx((2 * 6 / 16) / 3)
    assert majority_baseline(truth, ["a", "b", "c"])["label"] == "a"


def test_majority_baseline_breaks_ties_by_label_order_and_empty_input_is_nan():
    assert majority_baseline(["b", "a", "b", "a"], ["b", "a"])["label"] == "b"
    assert majority_baseline(["b", "a", "b", "a"], ["a", "b"])["label"] == "a"
    assert np.isnan(agreement([], [])["kappa"])
    with pytest.raises(ValueError, match="differ in length"):
        agreement(["a"], ["a", "b"])


@pytest.mark.parametrize("seed", range(5))
def test_numpy_measures_equal_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    labels = ["RQ1", "RQ2", "RQ3", "RQ4", "RQ5"]
    truth = list(rng.choice(labels, size=60, p=[0.5, 0.05, 0.15, 0.05, 0.25]))
    predicted = list(rng.choice(labels + [NONE], size=60))
    assert cohen_kappa(truth, predicted) == pytest.approx(cohen_kappa_score(truth, predicted), abs=1e-12)
    assert agreement(truth, predicted, labels)["macro_f1"] == pytest.approx(
        f1_score(truth, predicted, labels=labels, average="macro", zero_division=0), abs=1e-12
    )
    scores = class_scores(truth, predicted, labels)
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    np.testing.assert_allclose(scores[["precision", "recall", "f1"]].to_numpy().T, [precision, recall, f1], atol=1e-12)
    assert scores["thesis_n"].tolist() == support.tolist()
    columns = labels + [NONE]
    assert (contingency(truth, predicted, columns) == confusion_matrix(truth, predicted, labels=columns)).all()


def test_batched_bootstrap_kappa_equals_single_kappa():
    rng = np.random.default_rng(3)
    truth, predicted = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    samples = rng.integers(0, 50, size=(20, 50))
    batch = kappa_draws(truth, predicted, samples, 4)
    single = [fast_kappa(truth[s], predicted[s], 4) for s in samples]
    np.testing.assert_allclose(batch, single, atol=1e-12)
    assert np.isnan(fast_kappa(np.zeros(5, int), np.zeros(5, int), 2))  # both constant and equal: undefined


def test_paired_bootstrap_compares_each_row_with_its_reference():
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 3, 80)
    good = np.where(rng.random(80) < 0.8, truth, rng.integers(0, 3, 80))
    poor = np.where(rng.random(80) < 0.3, truth, rng.integers(0, 3, 80))
    coded = {"good": (truth, good), "poor": (truth, poor)}
    table = paired_bootstrap_kappa(coded, 3, reference={"good": "good", "poor": "good"}, n_resamples=300, seed=1)
    assert table.index.tolist() == ["good", "poor"]
    assert table.loc["good", "kappa"] == pytest.approx(cohen_kappa(truth, good))
    assert table.loc["good", "diff"] == 0.0 and table.loc["good", "diff_ci_high"] == 0.0
    assert table.loc["poor", "diff_ci_high"] < 0  # clearly worse on the same resampled items
    assert (table["ci_low"] <= table["kappa"]).all() and (table["kappa"] <= table["ci_high"]).all()
    pd.testing.assert_frame_equal(
        table, paired_bootstrap_kappa(coded, 3, reference={"poor": "good", "good": "good"}, n_resamples=300, seed=1)
    )
    assert paired_bootstrap_kappa(coded, 3, n_resamples=50)["diff"].isna().all()  # no reference, no difference


# --- properties of kappa -----------------------------------------------------------------------

labels = st.sampled_from(["RQ1", "RQ2", "RQ3", "RQ4", NONE])
codings = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(st.lists(labels, min_size=n, max_size=n), st.lists(labels, min_size=n, max_size=n))
)


def _defined(truth: list[str], predicted: list[str]) -> bool:
    """Kappa is undefined only when both codings are constant and use the same label."""
    return not (len(set(truth)) == 1 and set(truth) == set(predicted))


@settings(max_examples=200, deadline=None)
@given(codings)
def test_property_kappa_is_within_minus_one_and_one(pair):
    truth, predicted = pair
    assume(_defined(truth, predicted))
    assert -1.0 - 1e-12 <= cohen_kappa(truth, predicted) <= 1.0 + 1e-12


@settings(max_examples=100, deadline=None)
@given(st.lists(labels, min_size=1, max_size=40))
def test_property_kappa_of_identical_codings_is_one(truth):
    kappa = cohen_kappa(truth, list(truth))
    if len(set(truth)) == 1:
        assert np.isnan(kappa)  # one label only: chance agreement is 1, kappa undefined
    else:
        assert kappa == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(codings)
def test_property_kappa_is_symmetric_in_the_two_raters(pair):
    truth, predicted = pair
    assume(_defined(truth, predicted))
    assert cohen_kappa(truth, predicted) == pytest.approx(cohen_kappa(predicted, truth), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(codings)
def test_property_kappa_equals_scikit_learn(pair):
    truth, predicted = pair
    assume(_defined(truth, predicted))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = cohen_kappa_score(truth, predicted)
    assert cohen_kappa(truth, predicted) == pytest.approx(expected, abs=1e-12)


# --- boundaries and defaults, pinned ----------------------------------------------------------------


def test_no_items_give_undefined_scores():
    result = agreement([], [])
    assert list(result) == ["n", "accuracy", "kappa", "macro_f1"] and result["n"] == 0
    assert all(np.isnan(result[k]) for k in ("accuracy", "kappa", "macro_f1"))
    with pytest.raises(ValueError, match="^truth and predicted differ in length$"):
        agreement(["a"], [])


def test_a_class_never_assigned_or_never_true_scores_zero_not_one():
    table = class_scores(["a", "a", "b"], ["a", "a", "a"], ["a", "b", "c"])
    assert table.index.tolist() == ["a", "b", "c"]
    assert table.columns.tolist() == ["thesis_n", "assigned_n", "precision", "recall", "f1"]
    assert table.loc["b"].tolist() == [1, 0, 0.0, 0.0, 0.0]  # never assigned: precision 0
    assert table.loc["c"].tolist() == [0, 0, 0.0, 0.0, 0.0]  # neither: f1 0
    assert table.loc["a", "precision"] == pytest.approx(2 / 3) and table.loc["a", "recall"] == 1.0
    assert table.loc["a", "f1"] == pytest.approx(0.8)
    one = class_scores(["a"], ["b"], ["a", "b"])  # one item each way: precision/recall with a single count
    assert one.loc["a"].tolist() == [1, 0, 0.0, 0.0, 0.0] and one.loc["b"].tolist() == [0, 1, 0.0, 0.0, 0.0]
    single = class_scores(["a"], ["a"], ["a"])
    assert single.loc["a"].tolist() == [1, 1, 1.0, 1.0, 1.0]


def test_agreement_labels_default_to_the_truth_labels_sorted():
    assert agreement(["b", "a", "b"], ["b", "a", NONE])["macro_f1"] == pytest.approx((1.0 + 2 / 3) / 2)
    assert agreement(["b", "a", "b"], ["b", "a", NONE], ["a", "b", NONE])["macro_f1"] == pytest.approx(
        (1.0 + 2 / 3 + 0.0) / 3
    )


def test_majority_baseline_counts_and_ties():
    assert majority_baseline(["b", "a", "b"])["label"] == "b"
    assert majority_baseline(["a", "b"])["label"] == "a"  # a tie goes to the first label
    assert majority_baseline(["a", "b"], ["b", "a"])["label"] == "b"
    result = majority_baseline(["a", "b", "b"], ["c", "a", "b"])  # c never occurs: count 0
    assert result["label"] == "b" and result["macro_f1"] == pytest.approx((0 + 0 + 0.8) / 3)
    assert majority_baseline(["a", "a"], ["c", "a"])["label"] == "a"


def test_kappa_is_undefined_when_both_coders_use_one_label_only():
    assert np.isnan(fast_kappa(np.array([0, 0, 0]), np.array([0, 0, 0]), 2))
    draws = kappa_draws(np.array([0, 0, 1]), np.array([0, 0, 1]), np.array([[0, 1, 0], [0, 1, 2]]), 2)
    assert np.isnan(draws[0]) and draws[1] == 1.0
    assert kappa_draws(np.array([0, 1]), np.array([1, 0]), np.array([[0, 1]]), 3).tolist() == [-1.0]


def test_paired_bootstrap_defaults_are_2000_resamples_from_seed_0():
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 3, 40)
    predicted = np.where(rng.random(40) < 0.7, truth, rng.integers(0, 3, 40))
    coded = {"x": (truth, predicted), "y": (truth, truth)}
    default = paired_bootstrap_kappa(coded, 3, reference={"x": "y"})
    explicit = paired_bootstrap_kappa(coded, 3, reference={"x": "y"}, n_resamples=2000, seed=0)
    pd.testing.assert_frame_equal(default, explicit)
    samples = np.random.default_rng(0).integers(0, 40, size=(2000, 40))
    draws = kappa_draws(truth, predicted, samples, 3)
    assert default.loc["x", "ci_low"] == float(np.nanquantile(draws, 0.025))
    assert default.loc["x", "ci_high"] == float(np.nanquantile(draws, 0.975))
    assert np.isnan(default.loc["y", "diff"])


# --- mixed label types, undefined values without warnings, the bootstrap's columns ------------------


def test_labels_of_mixed_types_are_ordered_as_text():
    # Codings may mix ints and strings (a section number and "no section"): sorted() alone raises on
    # them, and ints sort differently as text (10 before 9), which decides the baseline's tie.
    assert majority_baseline([9, 10])["label"] == 10
    assert majority_baseline([9, 10, 9])["label"] == 9
    result = agreement([1, "a", 1], [1, "a", "a"])
    assert result["n"] == 3 and result["accuracy"] == pytest.approx(2 / 3)
    assert result["macro_f1"] == pytest.approx((2 / 3 + 2 / 3) / 2)
    assert result["kappa"] == pytest.approx(cohen_kappa_score(["1", "a", "1"], ["1", "a", "a"]))
    assert cohen_kappa([1, "a"], ["a", 1]) == -1.0
    assert majority_baseline([1, "a", "a"])["label"] == "a"


def test_class_scores_compare_labels_as_they_are():
    # 1 and "1" are different labels; a numpy array of the codings without dtype=object would turn
    # every label into text and count nothing for the int.
    table = class_scores([1, "a", 1], [1, "a", "1"], [1, "a", "1"])
    assert table.loc[1].tolist() == [2, 1, 1.0, 0.5, pytest.approx(2 / 3)]
    assert table.loc["1"].tolist() == [0, 1, 0.0, 0.0, 0.0]


def test_contingency_skips_a_pair_when_either_label_is_outside():
    assert contingency(["a", "b", "z", "a"], ["a", "z", "b", "b"], ["a", "b"]).tolist() == [[1, 1], [0, 0]]


def test_the_baseline_counts_an_unseen_label_as_zero_not_one():
    # "a" never occurs in the reference: one "b" beats it even though "a" comes first.
    assert majority_baseline(["b"], ["a", "b"])["label"] == "b"


def test_undefined_kappa_and_differences_come_without_warnings():
    # nan is the answer, not an accident of 0/0: no RuntimeWarning reaches a notebook's output.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(fast_kappa(np.array([1, 1]), np.array([1, 1]), 2))
        assert np.isnan(cohen_kappa(["a", "a"], ["a", "a"]))
        table = paired_bootstrap_kappa(
            {"x": (np.array([0, 1, 0, 1]), np.array([0, 1, 1, 1]))}, 2, reference={"x": "missing"}, n_resamples=50
        )
    assert table.columns.tolist() == ["kappa", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"]
    assert np.isnan(table.loc["x", ["diff", "diff_ci_low", "diff_ci_high"]].astype(float)).all()


def test_paired_bootstrap_differences_are_percentiles_of_the_paired_draws():
    truth = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    coded = {"x": (truth, np.array([0, 1, 2, 0, 2, 2, 1, 1])), "y": (truth, np.array([0, 1, 1, 0, 1, 0, 0, 1]))}
    table = paired_bootstrap_kappa(coded, 3, reference={"x": "y"}, n_resamples=300, seed=4)
    samples = np.random.default_rng(4).integers(0, 8, size=(300, 8))
    diff = kappa_draws(*coded["x"], samples, 3) - kappa_draws(*coded["y"], samples, 3)
    assert table.loc["x", "diff"] == pytest.approx(fast_kappa(*coded["x"], 3) - fast_kappa(*coded["y"], 3))
    assert table.loc["x", "diff_ci_low"] == float(np.nanquantile(diff, 0.025))
    assert table.loc["x", "diff_ci_high"] == float(np.nanquantile(diff, 0.975))
    assert table.loc["x", "diff_ci_low"] < table.loc["x", "diff_ci_high"]
