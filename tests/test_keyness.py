"""Keyness statistics: hand-computed 2×2 tables, quanteda's conventions, and the corpus functions."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

from mdi_analysis import stats
from mdi_analysis.coding import code_texts
from mdi_analysis.corpus import load_corpus
from mdi_analysis.errors import OptionError

# --- a 2×2 table computed by hand -------------------------------------------------------------
#
#                 target   reference
#   feature         30        10        a + b = 40
#   other          970       990        c + d = 1960
#                 1000      1000        N = 2000
#
# Expected: E11 = E12 = 40·1000/2000 = 20, E21 = E22 = 980 (all ≥ 5: no Yates correction by default).
# G²   = 2 [30 ln(30/20) + 10 ln(10/20) + 970 ln(970/980) + 990 ln(990/980)] = 10.6690
# chi² = 2000 (30·990 − 10·970)² / (40 · 1960 · 1000 · 1000) = 2000 · 20000² / 7.84e10 = 10.2041
# log ratio = log2((30/1000) / (10/1000)) = log2 3 = 1.5850;  %DIFF = 100 (0.03 − 0.01) / 0.01 = 200
# Williams: q = 1 + (2000/40 + 2000/1960 − 1)(2000/1000 + 2000/1000 − 1) / (6 · 2000) = 1.012505
HAND = dict(a=30, b=10, target_total=1000, reference_total=1000)


def _one(measure: str = "lr", correction: str = "default", **cells) -> pd.Series:
    cells = cells or HAND
    table = stats.keyness(
        {"w": cells["a"]},
        {"w": cells["b"]},
        measure,
        correction,
        target_total=cells["target_total"],
        reference_total=cells["reference_total"],
    )
    assert len(table) == 1
    return table.iloc[0]


def test_g2_chi2_and_effect_sizes_of_the_hand_computed_table():
    row = _one("lr")
    assert row["G2"] == pytest.approx(10.6690, abs=5e-5)
    assert row["log_ratio"] == pytest.approx(1.5850, abs=5e-5)
    assert row["pct_diff"] == pytest.approx(200.0, abs=5e-5)
    assert row["p"] == pytest.approx(0.0011, abs=5e-5)
    assert row["key_for"] == "target"
    assert _one("chi2")["chi2"] == pytest.approx(10.2041, abs=5e-5)


def test_no_correction_equals_default_when_every_expected_count_is_at_least_five():
    assert _one("lr", "none")["G2"] == pytest.approx(_one("lr")["G2"], abs=1e-12)
    assert _one("chi2", "none")["chi2"] == pytest.approx(_one("chi2")["chi2"], abs=1e-12)


def test_williams_correction_divides_by_q():
    q = 1 + (2000 / 40 + 2000 / 1960 - 1) * (2000 / 1000 + 2000 / 1000 - 1) / (6 * 2000)
    assert q == pytest.approx(1.012505, abs=5e-7)
    assert _one("lr", "williams")["G2"] == pytest.approx(10.6690 / q, abs=5e-5)
    assert _one("lr", "williams")["G2"] == pytest.approx(10.5373, abs=5e-5)
    assert _one("chi2", "williams")["chi2"] == pytest.approx(10.0781, abs=5e-5)


# A table where quanteda's conditional Yates correction applies: a = 4 of 100, b = 0 of 100.
# E11 = E12 = 4·100/200 = 2 < 5 and |ad − bc| = 400 ≥ N/2 = 100, so delta = 0.5.
# chi² (Yates) = 200 (400 − 100)² / (4 · 196 · 100 · 100) = 2.2959;  uncorrected: 4.0816
# G² (Yates): cells 3.5, 0.5, 96.5, 99.5 against 2, 2, 98, 98:
#   2 [3.5 ln(3.5/2) + 0.5 ln(0.5/2) + 96.5 ln(96.5/98) + 99.5 ln(99.5/98)] = 2.5769;  uncorrected 5.6268
# log ratio with the zero replaced by 0.5: log2((4/100)/(0.5/100)) = 3
SMALL = dict(a=4, b=0, target_total=100, reference_total=100)


def test_conditional_yates_correction_on_a_small_table():
    assert _one("chi2", **SMALL)["chi2"] == pytest.approx(2.2959, abs=5e-5)
    assert _one("chi2", "none", **SMALL)["chi2"] == pytest.approx(4.0816, abs=5e-5)
    assert _one("lr", **SMALL)["G2"] == pytest.approx(2.5769, abs=5e-5)
    assert _one("lr", "yates", **SMALL)["G2"] == pytest.approx(2.5769, abs=5e-5)
    assert _one("lr", "none", **SMALL)["G2"] == pytest.approx(5.6268, abs=5e-5)
    assert _one("lr", **SMALL)["log_ratio"] == pytest.approx(3.0, abs=5e-5)
    assert math.isinf(_one("lr", **SMALL)["pct_diff"])


def test_quanteda_own_chi2_check_equals_pearson_with_yates():
    # quanteda's test: d1 = "b b b b b b b a a a", d2 = "a a a a a a a b b"; feature a, target d1.
    row = stats.keyness({"a": 3, "b": 7}, {"a": 7, "b": 2}, "chi2").set_index("feature").loc["a"]
    expected = chi2_contingency([[3, 7], [7, 2]], correction=True)[0]
    assert abs(row["chi2"]) == pytest.approx(expected, rel=1e-12)
    assert row["chi2"] < 0 and row["key_for"] == "reference"


@pytest.mark.parametrize("a,b,tn,rn", [(5, 9, 300, 250), (40, 1, 800, 900), (0, 12, 500, 700), (7, 7, 1000, 1000)])
def test_uncorrected_statistics_agree_with_scipy(a, b, tn, rn):
    table = [[a, b], [tn - a, rn - b]]
    g = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
    x = chi2_contingency(table, correction=False)[0]
    assert abs(_one("lr", "none", a=a, b=b, target_total=tn, reference_total=rn)["G2"]) == pytest.approx(g, abs=1e-9)
    assert abs(_one("chi2", "none", a=a, b=b, target_total=tn, reference_total=rn)["chi2"]) == pytest.approx(
        x, abs=1e-9
    )


def test_swapping_the_sides_flips_the_sign_and_the_label():
    forward = _one("lr")
    backward = stats.keyness({"w": 10}, {"w": 30}, target_total=1000, reference_total=1000).iloc[0]
    assert backward["G2"] == pytest.approx(-forward["G2"])
    assert backward["log_ratio"] == pytest.approx(-forward["log_ratio"])
    assert backward["key_for"] == "reference"


def test_sorted_by_signed_statistic_then_feature_and_min_count_does_not_change_scores():
    target = {"b": 10, "a": 10, "c": 1, "d": 0, "e": 2}
    reference = {"b": 1, "a": 1, "c": 1, "d": 12, "e": 2}
    table = stats.keyness(target, reference, target_total=200, reference_total=200)
    assert table["feature"].tolist() == ["a", "b", "c", "e", "d"]
    assert table["G2"].tolist() == sorted(table["G2"], reverse=True)
    filtered = stats.keyness(target, reference, target_total=200, reference_total=200, min_count=5)
    assert filtered["feature"].tolist() == ["a", "b", "d"]
    pd.testing.assert_series_equal(
        filtered.set_index("feature")["G2"], table.set_index("feature").loc[["a", "b", "d"], "G2"]
    )


def test_equal_relative_frequencies_are_key_for_neither_side():
    row = stats.keyness({"w": 5}, {"w": 10}, target_total=100, reference_total=200).iloc[0]
    assert row["G2"] == pytest.approx(0.0, abs=1e-12)
    assert row["key_for"] is None
    assert row["p"] == pytest.approx(1.0)


def test_invalid_input_fails_clearly():
    with pytest.raises(ValueError, match="unknown measure 'pmi'"):
        stats.keyness({"w": 1}, {"w": 1}, "pmi")
    with pytest.raises(ValueError, match="unknown correction"):
        stats.keyness({"w": 1}, {"w": 1}, correction="bonferroni")
    with pytest.raises(ValueError, match="non-negative whole numbers"):
        stats.keyness({"w": -1}, {"w": 1})
    with pytest.raises(ValueError, match="exceeds"):
        stats.keyness({"w": 5}, {"w": 1}, target_total=3, reference_total=10)


# --- a synthetic corpus: one term used by one side only -----------------------------------------


@pytest.fixture()
def synthetic_corpus(tmp_path):
    """Six quotes per side; only employers say *strategi*, both say *møte* equally often.

    The last employer quote re-prints the first, so re-print handling can be tested.
    """
    employer = ["Vi har en strategi for møte og ledelse."] * 5 + ["Strategien og møtet."]
    union = ["Vi har et møte om ledelse og turnus."] * 6
    texts = employer + union + [employer[0]]
    roles = ["arbeidsgiver"] * 6 + ["tillitsvalgt"] * 6 + ["arbeidsgiver"]
    frame = pd.DataFrame(
        {
            "utterance_id": [f"S{i:02d}" for i in range(1, len(texts) + 1)],
            "role": roles,
            "text": texts,
            "section_id": ["9.1"] * len(texts),
            "duplicate_of": [""] * (len(texts) - 1) + ["S01"],
        }
    )
    frame.to_csv(tmp_path / "utterances.csv", index=False)
    pd.DataFrame({"section_id": ["9.1"], "title": ["Test"], "research_question": [1]}).to_csv(
        tmp_path / "sections.csv", index=False
    )
    return load_corpus(tmp_path)


def test_a_term_of_one_side_only_is_its_top_key_term(synthetic_corpus):
    table = stats.role_term_keyness(synthetic_corpus, min_count=1)
    top = table.iloc[0]
    assert top["feature"] == "strategi"
    assert (top["n_target"], top["n_reference"]) == (6, 0)
    assert top["key_for"] == "arbeidsgiver" and top["G2"] > 0 and top["p"] < 0.05
    # content tokens: employers 5×(strategi, møte, ledelse) + (strategi, møte) = 17;
    # union 6×(møte, ledelse, turnus) = 18
    assert table.attrs["target_total"] == 17 and table.attrs["reference_total"] == 18
    assert top["log_ratio"] == pytest.approx(math.log2((6 / 17) / (0.5 / 18)))
    turnus = table.set_index("feature").loc["turnus"]
    assert turnus["key_for"] == "tillitsvalgt" and turnus["G2"] < 0
    assert table["feature"].tolist()[-1] == "turnus"


def test_reprints_are_excluded_from_counts_unless_asked(synthetic_corpus):
    excluded = stats.role_term_keyness(synthetic_corpus, min_count=1).set_index("feature")
    included = stats.role_term_keyness(synthetic_corpus, min_count=1, exclude_reprints=False).set_index("feature")
    assert excluded.loc["strategi", "n_target"] == 6
    assert included.loc["strategi", "n_target"] == 7


def test_category_keyness_counts_quotes_not_hits(synthetic_corpus):
    texts = synthetic_corpus.utterances.set_index("utterance_id")["text"]
    coding = code_texts(texts, pd.Series({"x.strategi": "strategi", "x.turnus": "turnus", "x.mote": "møte"}))
    table = stats.role_category_keyness(synthetic_corpus, coding.matrix, min_count=1).set_index("feature")
    assert table.attrs["target_total"] == 6 and table.attrs["reference_total"] == 6
    assert table.loc["x.strategi", ["n_target", "n_reference"]].tolist() == [6, 0]
    assert table.loc["x.turnus", "key_for"] == "tillitsvalgt"
    assert table.loc["x.mote", "key_for"] is None


def test_unknown_role_is_named(synthetic_corpus):
    with pytest.raises(ValueError, match="politiker"):
        stats.role_term_keyness(synthetic_corpus, target="politiker")


def test_top_keys_and_plot_data(synthetic_corpus):
    table = stats.role_term_keyness(synthetic_corpus, min_count=1)
    top = stats.top_keys(table, 1, decimals=3)
    assert list(top.index) == [("arbeidsgiver", 1), ("tillitsvalgt", 1)]
    assert top["feature"].tolist() == ["strategi", "turnus"]
    assert {"n_arbeidsgiver", "n_tillitsvalgt"} <= set(top.columns)
    data = stats.keyness_plot_data(table, 2)
    assert data["feature"].tolist()[0] == "strategi" and data["feature"].tolist()[-1] == "turnus"
    assert (data.loc[data["key for"] == "arbeidsgiver", "G2"] > 0).all()
    assert (data.loc[data["key for"] == "tillitsvalgt", "G2"] < 0).all()


# --- the committed thesis corpus ------------------------------------------------------------------


@pytest.fixture(scope="module")
def thesis_corpus():
    return load_corpus()


def test_thesis_corpus_term_keyness(thesis_corpus):
    table = stats.role_term_keyness(thesis_corpus, min_count=5)
    # 64 − 6 employer and 57 − 2 union-representative quotes remain after dropping re-prints
    assert table.attrs["labels"] == ("arbeidsgiver", "tillitsvalgt")
    innovasjon = table.set_index("feature").loc["innovasjon"]
    assert innovasjon["key_for"] == "arbeidsgiver" and innovasjon["G2"] > 0
    assert (table["n_target"] + table["n_reference"] >= 5).all()
    assert table["feature"].is_unique
    assert np.all(np.diff(table["G2"].to_numpy()) <= 0)


def test_thesis_corpus_category_totals_are_quotes_without_reprints(thesis_corpus):
    utterances = thesis_corpus.utterances
    coding = code_texts(utterances.set_index("utterance_id")["text"], pd.Series({"t.tid": "tid"}))
    table = stats.role_category_keyness(thesis_corpus, coding.matrix, min_count=1)
    assert table.attrs["target_total"] == 58 and table.attrs["reference_total"] == 55


def test_a_feature_in_every_unit_scores_zero_not_nan():
    table = stats.keyness({"w": 6}, {"w": 6}, target_total=6, reference_total=6)
    assert table.loc[0, "G2"] == 0.0 and table.loc[0, "p"] == 1.0 and table.loc[0, "key_for"] is None
    assert str(table.loc[0, "G2"]) == "0.0"  # not -0.0


def test_p_values_and_benjamini_hochberg_agree_with_scipy():
    from scipy import stats as scipy_stats

    values = np.array([0.0, 0.5, 3.841459, 10.669, 40.0, 200.0])
    np.testing.assert_allclose(stats.chi2_pvalue(values), scipy_stats.chi2.sf(values, 1), rtol=1e-10, atol=1e-300)
    assert stats.chi2_pvalue(np.array([3.841459]))[0] == pytest.approx(0.05, abs=1e-7)
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.9, 0.04, 0.001])
    np.testing.assert_allclose(stats.bh_adjust(p), scipy_stats.false_discovery_control(p, method="bh"), rtol=1e-12)
    assert stats.bh_adjust(np.array([])).size == 0


def test_quote_dispersion_columns_and_min_quotes(synthetic_corpus):
    table = stats.role_term_keyness(synthetic_corpus, min_count=1).set_index("feature")
    assert table.loc["strategi", ["quotes_target", "quotes_reference"]].tolist() == [6, 0]
    assert table.loc["møte", ["quotes_target", "quotes_reference"]].tolist() == [6, 6]
    assert table.loc["strategi", "n_target"] == 6
    kept = stats.role_term_keyness(synthetic_corpus, min_count=1, min_quotes=7)
    assert sorted(kept["feature"]) == ["ledelse", "møte"]
    np.testing.assert_allclose(kept["p_bh"], stats.bh_adjust(kept["p"].to_numpy()))
    pd.testing.assert_series_equal(kept.set_index("feature")["G2"], table.loc[kept["feature"], "G2"], check_names=False)
    assert kept.attrs["labels"] == ("arbeidsgiver", "tillitsvalgt")
    assert {"quotes_arbeidsgiver", "quotes_tillitsvalgt"} <= set(stats.top_keys(kept, 1).columns)


# --- properties (hypothesis) ---------------------------------------------------------------------


@st.composite
def two_by_two(draw):
    """A feature's counts on both sides and the sides' totals: 0 <= a <= tN, 0 <= b <= rN, a + b >= 1
    (a feature that occurs nowhere is not in a keyness table)."""
    target_total = draw(st.integers(1, 5000))
    reference_total = draw(st.integers(1, 5000))
    a = draw(st.integers(0, target_total))
    b = draw(st.integers(1 if a == 0 else 0, reference_total))
    return a, b, target_total, reference_total


CORRECTION_NAMES = st.sampled_from(["default", "yates", "williams", "none"])


@settings(max_examples=200, deadline=None)
@given(cells=two_by_two(), correction=CORRECTION_NAMES)
def test_swapping_target_and_reference_flips_the_sign_keeps_the_magnitude(cells, correction):
    a, b, tn, rn = cells
    for statistic in (stats.g2, stats.chi2):
        forward = statistic(np.array([a]), np.array([b]), tn, rn, correction)[0]
        backward = statistic(np.array([b]), np.array([a]), rn, tn, correction)[0]
        assert backward == pytest.approx(-forward, rel=1e-9, abs=1e-9)
    forward_lr = stats.log_ratio(np.array([a]), np.array([b]), tn, rn)[0]
    assert stats.log_ratio(np.array([b]), np.array([a]), rn, tn)[0] == pytest.approx(-forward_lr, rel=1e-12, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(cells=two_by_two())
def test_g2_magnitude_is_the_non_negative_likelihood_ratio_and_its_sign_the_direction(cells):
    a, b, tn, rn = cells
    value = stats.g2(np.array([a]), np.array([b]), tn, rn, "none")[0]
    observed = np.array([a, b, tn - a, rn - b], dtype=float)
    n = observed.sum()
    expected = np.array([(a + b) * tn, (a + b) * rn, (n - a - b) * tn, (n - a - b) * rn]) / n
    used = observed > 0
    likelihood_ratio = 2 * float(np.sum(observed[used] * np.log(observed[used] / expected[used])))
    assert likelihood_ratio >= -1e-9  # Gibbs' inequality: G² is never negative
    if tn - a + rn - b > 0:  # the statistic is defined (a feature not in every unit)
        assert abs(value) == pytest.approx(likelihood_ratio, rel=1e-9, abs=1e-9)
    if abs(value) > 1e-9:  # positive exactly when the target uses the feature relatively more often
        assert (value > 0) == (a / tn > b / rn)
        if a > 0 and b > 0:  # (a zero count is replaced by 0.5 in the log ratio, which can reverse it)
            assert np.sign(stats.log_ratio(np.array([a]), np.array([b]), tn, rn)[0]) == np.sign(value)


@settings(max_examples=200, deadline=None)
@given(
    share=st.integers(1, 50),
    of=st.integers(1, 50),
    target_units=st.integers(1, 40),
    reference_units=st.integers(1, 40),
    correction=CORRECTION_NAMES,
)
def test_equal_relative_frequencies_score_zero(share, of, target_units, reference_units, correction):
    """a/tN = b/rN (both share/of, of >= share): no evidence of a difference, whatever the sizes."""
    share, of = min(share, of), max(share, of)
    a, tn = share * target_units, of * target_units
    b, rn = share * reference_units, of * reference_units
    for statistic in (stats.g2, stats.chi2):
        assert statistic(np.array([a]), np.array([b]), tn, rn, correction)[0] == pytest.approx(0.0, abs=1e-9)
    assert stats.log_ratio(np.array([a]), np.array([b]), tn, rn)[0] == pytest.approx(0.0, abs=1e-12)


# --- the tables notebook 06 writes, pinned ---------------------------------------------------------


def test_the_term_keyness_tables_are_the_committed_ones(thesis_corpus, tmp_path, monkeypatch):
    """Notebook 06's term table and its summary, recomputed with its defaults, against the digests
    ``make reproduce`` committed (``notebooks/table-digests.json``): every G², p, p_bh and count."""
    from mdi_analysis import pipeline, present

    terms = stats.role_term_keyness(
        thesis_corpus, normaliser="lemma", measure="lr", correction="default", min_count=5, min_quotes=2
    )
    monkeypatch.setenv("MDI_REPORTS_DIR", str(tmp_path))
    committed = pipeline.load_digests()["06_compare-roles-keyness.ipynb"]
    for name, table in {"keyness_terms": terms, "keyness_summary": stats.keyness_summary(terms)}.items():
        assert pipeline.table_digest(tmp_path / present.save_table(table, name)) == committed[f"{name}.csv"], name


def test_keyness_summary_counts_each_side_at_alpha():
    table = pd.DataFrame(
        {
            "feature": ["a", "b", "c", "d", "e"],
            "key_for": ["T", "T", "R", "R", "R"],
            "p": [0.01, 0.05, 0.049, 0.2, 0.001],
            "p_bh": [0.04, 0.06, 0.05, 0.3, 0.005],
        }
    )
    table.attrs.update(labels=("T", "R"), target_total=100, reference_total=80)
    summary = stats.keyness_summary(table)
    assert summary.index.tolist() == ["T", "R", "all"]
    assert summary.columns.tolist() == ["size", "features", "p < 0.05", "p_bh < 0.05", "expected by chance"]
    assert summary["size"].tolist() == [100, 80, 180] and str(summary["size"].dtype) == "int64"
    assert summary["features"].tolist() == [2, 3, 5]
    assert summary["p < 0.05"].tolist() == [1, 2, 3]  # p = 0.05 is not below 0.05
    assert summary["p_bh < 0.05"].tolist() == [1, 1, 2]
    assert (
        summary.loc["all", "expected by chance"] == 0.25 and summary.loc[["T", "R"], "expected by chance"].isna().all()
    )
    loose = stats.keyness_summary(table, alpha=0.1)
    assert loose["p < 0.1"].tolist() == [2, 2, 4] and loose.loc["all", "expected by chance"] == pytest.approx(0.5)
    with pytest.raises(OptionError, match="alpha"):
        stats.keyness_summary(table, alpha=0)


# --- the corrections and adjustments at their boundaries --------------------------------------------


def test_yates_applies_exactly_when_an_expected_count_is_below_five_and_the_deviation_is_at_least_half():
    # a=3, b=1 of 10+10: N=20, E11 = 4·10/20 = 2 (< 5); |ad − bc| = |3·9 − 1·7| = 20 ≥ N/2 = 10
    assert stats.yates_delta(3, 1, 10, 10) == 0.5
    # a=2, b=2: |2·8 − 2·8| = 0 < 10: no correction
    assert stats.yates_delta(2, 2, 10, 10) == 0.0
    # |ad − bc| exactly N/2: a=2, b=1 of 5+5 → N=10, |2·4 − 1·3| = 5 = N/2: applies (≥)
    assert stats.yates_delta(2, 1, 5, 5) == 0.5
    # |ad − bc| below N/2: a=2, b=1 of 7+5 → N=12, |2·4 − 1·5| = 3 < 6 (E11 = 1.75): no correction
    assert stats.yates_delta(2, 1, 7, 5) == 0.0
    # every expected count ≥ 5 (E11 = 20): never corrected, whatever the deviation
    assert stats.yates_delta(30, 10, 1000, 1000) == 0.0
    # smallest expected count exactly 5: a+b = 10 of 10+10 → E11 = E12 = 5: not below 5
    assert stats.yates_delta(10, 0, 10, 10) == 0.0
    # just below: a+b = 9 of 10+10 → E = 4.5
    assert stats.yates_delta(9, 0, 10, 10) == 0.5


def test_williams_q_is_one_with_an_empty_cell_and_above_one_otherwise():
    assert stats.williams_q(0, 10, 1000, 1000) == 1.0
    assert stats.williams_q(10, 0, 1000, 1000) == 1.0
    assert stats.williams_q(1000, 10, 1000, 1000) == 1.0  # c = 0
    assert stats.williams_q(30, 10, 1000, 1000) == pytest.approx(1.012505, abs=1e-6)


def test_bh_adjust_caps_at_one_and_keeps_the_input_order():
    assert stats.bh_adjust([]).size == 0
    assert stats.bh_adjust([0.9, 0.95]).tolist() == [0.95, 0.95]
    assert stats.bh_adjust([0.6, 0.6, 0.6]).tolist() == [0.6, 0.6, 0.6]
    assert stats.bh_adjust([0.8, 0.9, 1.0]).max() == 1.0
    assert stats.bh_adjust([0.02, 0.5, 0.01]).tolist() == pytest.approx([0.03, 0.5, 0.03])
    assert stats.bh_adjust([0.7]).tolist() == [0.7]


def test_a_feature_exactly_at_its_expected_count_is_key_for_the_reference_side():
    # a = E11: 20 of 40 in 1000 + 1000; the sign rule (a > E11 → target) puts it on the reference side
    assert stats.g2(20, 20, 1000, 1000)[()] == 0.0
    assert stats.g2(21, 19, 1000, 1000) > 0 > stats.g2(19, 21, 1000, 1000)


def test_pct_diff_and_log_ratio_with_empty_counts():
    assert stats.pct_diff(30, 10, 1000, 1000) == pytest.approx(200.0)
    assert stats.pct_diff(5, 0, 1000, 1000) == np.inf and np.isnan(stats.pct_diff(0, 0, 1000, 1000))
    assert stats.pct_diff(0, 10, 1000, 1000) == -100.0
    assert stats.log_ratio(0, 4, 1000, 1000) == pytest.approx(math.log2(0.5 / 4))
    assert stats.log_ratio(4, 0, 1000, 1000) == pytest.approx(math.log2(4 / 0.5))


def test_chi2_pvalue_keeps_the_shape_and_passes_nan():
    values = stats.chi2_pvalue(np.array([[0.0, 3.841458820694124], [np.inf, np.nan]]))
    assert values.shape == (2, 2) and values[0, 0] == 1.0 and values[0, 1] == pytest.approx(0.05)
    assert np.isnan(values[1, 0]) and np.isnan(values[1, 1])  # not finite: no p-value
    assert stats.chi2_pvalue(-3.841458820694124) == pytest.approx(0.05)


def test_keyness_aligns_features_of_either_side_and_keeps_single_occurrences_by_default():
    table = stats.keyness({"a": 3, "b": 1}, {"a": 1, "c": 2}, target_total=10, reference_total=10)
    rows = table.set_index("feature")[["n_target", "n_reference"]].to_dict("index")
    assert rows == {
        "a": {"n_target": 3, "n_reference": 1},
        "b": {"n_target": 1, "n_reference": 0},
        "c": {"n_target": 0, "n_reference": 2},
    }
    assert table.attrs == {
        "measure": "lr",
        "correction": "default",
        "labels": ("target", "reference"),
        "target_total": 10.0,
        "reference_total": 10.0,
        "statistic": "G2",
    }
    assert table["p_bh"].notna().all()
    assert sorted(stats.keyness({"a": 3, "b": 1}, {"a": 1, "c": 0}, min_count=0)["feature"]) == ["a", "b"]
    assert stats.keyness({"a": 3, "b": 1}, {"a": 1, "c": 2}, min_count=2)["feature"].tolist() == ["a", "c"]
    chi = stats.keyness({"a": 3}, {"a": 1}, "chi2", "none", target_total=5, reference_total=5, labels=("x", "y"))
    assert chi.attrs["statistic"] == "chi2" and chi.attrs["correction"] == "none" and chi.attrs["labels"] == ("x", "y")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"min_count": -1}, "min_count must be an integer (a frequency) >= 0, got -1"),
        ({"target_total": 0}, "both sides need a positive total (target 0, reference 10)"),
        ({"reference_total": 0}, "both sides need a positive total (target 10, reference 0)"),
        ({"target_total": 1}, "both sides need a positive total (target 1, reference 10)"),
        ({"reference_total": 1}, "a feature's count exceeds its side's total"),
        ({"target_counts": {"a": -1}}, "target_counts must be non-negative whole numbers"),
        ({"reference_counts": {"a": 0.5}}, "reference_counts must be non-negative whole numbers"),
        ({"correction": "yate"}, "unknown correction 'yate'; valid: 'default', 'yates', 'williams', 'none'"),
        ({"measure": "g2"}, "unknown measure 'g2'; valid: 'lr', 'chi2'"),
        (
            {
                "target_counts": {"a": 1, "b": 2},
                "reference_counts": pd.Series([1] * 12, index=list("aabbccddeeff")),  # six repeated, five named
            },
            "reference_counts has repeated features: ['a', 'b', 'c', 'd', 'e']",
        ),
    ],
)
def test_keyness_input_errors_name_what_is_wrong(arguments, message):
    kw = {"target_counts": {"a": 3, "b": 1}, "reference_counts": {"a": 1, "c": 2}}
    kw |= {"target_total": 10, "reference_total": 10} | arguments
    if arguments == {"target_total": 1}:
        kw["target_counts"] = {"a": 0}
        kw["target_total"] = 1
        message = "a feature's count exceeds its side's total"  # 1 token is a positive total
        kw["reference_counts"] = {"a": 11}
    with pytest.raises(OptionError) as error:
        stats.keyness(**kw)
    assert str(error.value) == message  # the whole line: it is what the reader sees


def test_summary_and_top_keys_option_errors():
    table = stats.keyness({"a": 3, "b": 1}, {"a": 1, "c": 2}, target_total=10, reference_total=10)
    assert stats.keyness_summary(table, alpha=1)["p < 1"].sum() >= 0  # alpha = 1 is allowed
    with pytest.raises(OptionError, match=r"alpha must be a significance level in \(0, 1\], got 1.5"):
        stats.keyness_summary(table, alpha=1.5)
    with pytest.raises(OptionError, match="n must be an integer >= 1, got 0"):
        stats.top_keys(table, 0)


# --- the statistics' own checks and the cases the keyness table never builds ----------------------


@pytest.mark.parametrize("measure", [stats.g2, stats.chi2])
def test_the_statistics_name_an_unknown_correction(measure):
    with pytest.raises(OptionError) as error:
        measure([3], [1], 10, 10, correction="yate")
    assert str(error.value) == "unknown correction 'yate'; valid: 'default', 'yates', 'williams', 'none'"


@pytest.mark.parametrize("measure", [stats.g2, stats.chi2])
def test_yates_by_name_is_the_default(measure):
    # a = 3 of 10 against b = 1 of 10: expected counts 2 < 5 and |ad - bc| = 20 >= N/2 = 10
    assert measure([3], [1], 10, 10, "yates")[0] == measure([3], [1], 10, 10)[0]
    assert measure([3], [1], 10, 10, "yates")[0] < measure([3], [1], 10, 10, "none")[0]


def test_chi2_when_the_rest_of_both_sides_is_equal():
    # c = 10 - 3 = 7 and d = 8 - 1 = 7: a real table (only c + d = 0 is degenerate)
    # chi2 = N (ad - bc)^2 / ((a+b)(c+d)(a+c)(b+d)) = 18 * (21 - 7)^2 / (4 * 14 * 10 * 8) = 0.7875
    assert stats.chi2([3], [1], 10, 8, "none")[0] == pytest.approx(0.7875)
    assert stats.g2([3], [1], 10, 8, "none")[0] > 0


def test_a_zero_statistic_prints_without_a_minus_sign():
    # a = b with equal totals: the sign rule says "reference" (a is not above its expected count),
    # and -0.0 would print as "-0.0" in a result table.
    for value in (stats.g2([1], [1], 10, 10)[0], stats.chi2([1], [1], 10, 10)[0]):
        assert value == 0.0 and not np.signbit(value)


def test_pct_diff_when_the_feature_is_the_whole_reference():
    # relative frequencies 0.5 and 1.0: -50 %, not "infinitely more"
    assert stats.pct_diff([1], [4], 2, 4).tolist() == [-50.0]
    assert stats.pct_diff([4], [4], 4, 4).tolist() == [0.0]


def _without_labels(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table.attrs = {k: v for k, v in table.attrs.items() if k != "labels"}
    return table


def test_top_keys_orders_ties_by_feature_and_puts_rank_first():
    table = stats.keyness(
        {"b": 3, "a": 3, "c": 3, "z": 0}, {"b": 1, "a": 1, "c": 1, "z": 2}, target_total=20, reference_total=20
    )
    top = stats.top_keys(table, 2, decimals=2)
    assert top.index.names == ["key_for", "rank"]
    assert top.loc["target"]["feature"].tolist() == ["a", "b"]  # equal G2: alphabetical
    assert top.loc["reference"]["feature"].tolist() == ["z"]
    g2 = float(table.loc[table["feature"] == "a", "G2"].iloc[0])
    assert top.loc[("target", 1), "G2"] == round(g2, 2) != g2
    reset = top.reset_index()
    assert reset.columns.tolist()[:3] == ["key_for", "rank", "feature"]


def test_top_keys_and_summary_of_a_table_without_labels_use_target_and_reference():
    table = _without_labels(stats.keyness({"a": 3, "b": 1}, {"a": 1, "b": 3}, target_total=10, reference_total=10))
    top = stats.top_keys(table)
    assert top.index.get_level_values("key_for").tolist() == ["target", "reference"]
    assert {"n_target", "n_reference"} <= set(top.columns)
    summary = stats.keyness_summary(table)
    assert summary.index.tolist()[:2] == ["target", "reference"]
    assert summary["features"].tolist()[:2] == [1, 1]


def test_a_corpus_of_one_role_says_the_roles_were_never_imported(synthetic_corpus):
    # An imported project without roles: every quote is "unknown".
    utterances = synthetic_corpus.utterances.assign(role="unknown")
    corpus = dataclasses.replace(synthetic_corpus, utterances=utterances)
    with pytest.raises(OptionError) as error:
        stats.role_term_keyness(corpus, min_count=1)
    message = str(error.value)
    assert "every quote of this corpus has the role 'unknown'" in message
    assert "import-qdpx --role-from" in message and "\n" not in message
    # with two roles, an absent one is still named with the roles there are
    with pytest.raises(OptionError, match="unknown target role 'ledelse'"):
        stats.role_term_keyness(synthetic_corpus, target="ledelse", min_count=1)
