"""Keyness: which words and codebook categories set employer answers apart from union-representative answers.

Why a module of its own: "the employers talk more about X" is a claim about two frequencies, and a
raw difference of counts says little when one side talked longer or one word is rare. Keyness turns
each word (or category) into a 2×2 contingency table — *this word / every other word* × *target /
reference* — and scores how surprising the split is (a significance statistic) and how large the
difference is (an effect size). Both are needed: with 121 short quotes a large effect can rest on
five tokens, and a significant G² can describe a small difference of a frequent word.

This module holds the statistics and the keyness table; counting a corpus's roles and the figure
are in :mod:`._role_keyness`. Definitions follow quanteda's ``textstat_keyness``
(quanteda.textstats, ``src/keyness.cpp``), so a reader can recompute a table in R; where this
module deviates, the docstring and ``docs/keyness.md`` say so. For one feature::

                    target     reference
    feature           a            b
    other features    c = tN − a   d = rN − b          N = a + b + c + d

    expected  E11 = (a+b)(a+c)/N   E12 = (a+b)(b+d)/N   E21 = (c+d)(a+c)/N   E22 = (c+d)(b+d)/N
    G²   = 2 Σ O ln(O/E)                      (log-likelihood, Dunning 1993; 0·ln 0 = 0)
    chi² = N (|ad − bc|)² / ((a+b)(c+d)(a+c)(b+d))

Both are *signed* as in quanteda: positive when ``a > E11`` (the feature is key for the target),
negative otherwise; the p-value is ``P(χ²₁ ≥ |stat|)``. Effect sizes: the log ratio (Hardie 2014),
``log2((a/tN) / (b/rN))`` with a zero count replaced by 0.5, and %DIFF (Gabrielatos & Marchi 2012),
``100 (a/tN − b/rN) / (b/rN)`` (infinite when ``b = 0``).

Corrections (parameter ``correction``, quanteda's names and default):

* ``"default"`` / ``"yates"`` — quanteda's *conditional* Yates correction, for both measures: a
  continuity correction of 0.5 is used only when ``|ad − bc| ≥ N/2`` and at least one expected
  count is below 5. chi² then uses ``(|ad − bc| − N/2)²``; G² moves each observed count 0.5 towards
  its expected count before summing. With our small counts this is what tames the G² of words seen
  two or three times on one side only.
* ``"williams"`` — Williams' (1976) factor ``q = 1 + (N/(a+b) + N/(c+d) − 1)(N/(a+c) + N/(b+d) − 1)/(6N)``
  divides the statistic (``q = 1`` when a cell is zero, as quanteda). quanteda *multiplies* chi² by
  ``q``; we divide for both measures, which is Williams' definition.
* ``"none"``.

Two deliberate deviations from quanteda, both invisible at the printed precision: quanteda adds
``1e-9`` inside every logarithm to avoid ``log 0`` (we use ``0·ln 0 = 0``), and computes ``p`` as
``1 − pchisq``, which is 0 below 1e-16 (we use ``erfc(√(x/2))``, the exact upper tail for one
degree of freedom).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..options import check_choice, check_int, check_number

#: Keyness measures and the name of their statistic column (as in quanteda's output).
KEYNESS_MEASURES: dict[str, str] = {"lr": "G2", "chi2": "chi2"}
#: Continuity corrections, with quanteda's names.
KEYNESS_CORRECTIONS: tuple[str, ...] = ("default", "yates", "williams", "none")
#: Frequency substituted for a zero count in the log ratio (Hardie 2014).
LOG_RATIO_ZERO = 0.5


# --------------------------------------------------------------------------------------------
# The statistics for arrays of 2×2 tables
# --------------------------------------------------------------------------------------------


def _cells(a: np.ndarray, b: np.ndarray, target_total: float, reference_total: float):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    c = target_total - a
    d = reference_total - b
    return a, b, c, d, a + b + c + d


def yates_delta(a, b, target_total: float, reference_total: float) -> np.ndarray:
    """quanteda's conditional Yates correction: 0.5 where it applies, else 0.

    Why conditional: the correction exists for small expected counts; quanteda applies it only when
    one expected count is below 5 and ``|a − E11| ≥ 0.5`` (i.e. ``|ad − bc| ≥ N/2``), so frequent
    words keep their uncorrected statistic.
    """
    a, b, c, d, n = _cells(a, b, target_total, reference_total)
    expected = np.stack([(a + b) * (a + c), (a + b) * (b + d), (a + c) * (c + d), (c + d) * (b + d)]) / n
    applies = (np.abs(a * d - b * c) >= n / 2) & (expected < 5).any(axis=0)
    return np.where(applies, 0.5, 0.0)


def williams_q(a, b, target_total: float, reference_total: float) -> np.ndarray:
    """Williams' (1976) correction factor for a 2×2 table (1 when any cell is zero, as quanteda)."""
    a, b, c, d, n = _cells(a, b, target_total, reference_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1.0 + (n / (a + b) + n / (c + d) - 1.0) * (n / (a + c) + n / (b + d) - 1.0) / (6.0 * n)
    return np.where(a * b * c * d == 0, 1.0, q)


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x · ln y`` with ``0 · ln 0 = 0`` (an empty cell contributes nothing to G²)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(np.where(x == 0, 1.0, y)))


def chi2_pvalue(statistic) -> np.ndarray:
    """``P(χ²₁ ≥ |statistic|)``, exactly: for one degree of freedom it is ``erfc(√(x/2))``.

    Why not scipy.stats: importing it costs seconds at every notebook start, for one line of maths.
    """
    values = np.abs(np.asarray(statistic, dtype=float))
    tails = [math.erfc(math.sqrt(v / 2.0)) if np.isfinite(v) else np.nan for v in values.ravel()]
    return np.array(tails, dtype=float).reshape(values.shape)


def bh_adjust(p) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (step-up; the same as R's ``p.adjust(p, "BH")``)."""
    p = np.asarray(p, dtype=float)
    n = p.size
    if n == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * n / np.arange(1, n + 1)
    scaled = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(n)
    adjusted[order] = np.minimum(scaled, 1.0)
    return adjusted


def _sign(a, b, target_total: float, reference_total: float) -> np.ndarray:
    a, b, c, d, n = _cells(a, b, target_total, reference_total)
    return np.where(a > (a + b) * (a + c) / n, 1.0, -1.0)


def g2(a, b, target_total: float, reference_total: float, correction: str = "default") -> np.ndarray:
    """Signed log-likelihood G² (Dunning 1993) of each feature, quanteda's ``measure = "lr"``."""
    check_choice(correction, KEYNESS_CORRECTIONS, "correction")
    a, b, c, d, n = _cells(a, b, target_total, reference_total)
    sign = _sign(a, b, target_total, reference_total)
    if correction in ("default", "yates"):
        # Move every observed count half a unit towards its expected count (margins stay fixed).
        delta = yates_delta(a, b, target_total, reference_total) * np.where(a * d - b * c > 0, 1.0, -1.0)
        a, b, c, d = a - delta, b + delta, c + delta, d - delta
    with np.errstate(divide="ignore", invalid="ignore"):  # c + d = 0 is handled below
        total = (
            _xlogy(a, a / ((a + b) * (a + c) / n))
            + _xlogy(b, b / ((a + b) * (b + d) / n))
            + _xlogy(c, c / ((a + c) * (c + d) / n))
            + _xlogy(d, d / ((b + d) * (c + d) / n))
        )
    value = 2.0 * total
    if correction == "williams":
        value = value / williams_q(a, b, target_total, reference_total)
    return _degenerate_to_zero(np.abs(value) * sign, c + d)


def chi2(a, b, target_total: float, reference_total: float, correction: str = "default") -> np.ndarray:
    """Signed Pearson chi² of each feature, quanteda's ``measure = "chi2"``."""
    check_choice(correction, KEYNESS_CORRECTIONS, "correction")
    a, b, c, d, n = _cells(a, b, target_total, reference_total)
    delta = yates_delta(a, b, target_total, reference_total) if correction in ("default", "yates") else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        value = n * (np.abs(a * d - b * c) - n * delta) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    if correction == "williams":
        value = value / williams_q(a, b, target_total, reference_total)
    return _degenerate_to_zero(value * _sign(a, b, target_total, reference_total), c + d)


def _degenerate_to_zero(value: np.ndarray, other: np.ndarray) -> np.ndarray:
    """0 where the table has no "other" row (a feature in every unit, e.g. a category coded in every
    quote): both sides then have the same share, 100 %, so there is no evidence of a difference;
    the formulas would divide by zero."""
    return np.where(np.asarray(other) == 0, 0.0, value) + 0.0  # + 0.0 turns -0.0 into 0.0 for printing


def log_ratio(a, b, target_total: float, reference_total: float, zero: float = LOG_RATIO_ZERO) -> np.ndarray:
    """Hardie's (2014) log ratio: ``log2`` of the ratio of relative frequencies, target over reference.

    An effect size on a scale a reader can interpret: 1 = twice as frequent, −1 = half as frequent.
    A zero count is replaced by ``zero`` (0.5) so a word used by one side only gets a finite value.
    """
    a = np.where(np.asarray(a, dtype=float) == 0, zero, np.asarray(a, dtype=float))
    b = np.where(np.asarray(b, dtype=float) == 0, zero, np.asarray(b, dtype=float))
    return np.log2((a / target_total) / (b / reference_total))


def pct_diff(a, b, target_total: float, reference_total: float) -> np.ndarray:
    """%DIFF (Gabrielatos & Marchi 2012): the difference of relative frequencies in % of the reference.

    Infinite when the reference count is 0 (the original substitutes 1e-18, which only hides that).
    """
    target = np.asarray(a, dtype=float) / target_total
    reference = np.asarray(b, dtype=float) / reference_total
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(reference == 0, np.where(target > 0, np.inf, np.nan), 100.0 * (target - reference) / reference)


# --------------------------------------------------------------------------------------------
# The keyness table
# --------------------------------------------------------------------------------------------


def _as_counts(counts: pd.Series | dict, name: str) -> pd.Series:
    series = pd.Series(counts, dtype="float64") if isinstance(counts, dict) else counts.astype("float64")
    if series.isna().any() or (series < 0).any() or not np.all(np.mod(series.to_numpy(), 1) == 0):
        raise OptionError(f"{name} must be non-negative whole numbers")
    if not series.index.is_unique:
        raise OptionError(
            f"{name} has repeated features: {series.index[series.index.duplicated()].unique().tolist()[:5]}"
        )
    return series


def keyness(
    target_counts: pd.Series | dict,
    reference_counts: pd.Series | dict,
    measure: str = "lr",
    correction: str = "default",
    *,
    target_total: float | None = None,
    reference_total: float | None = None,
    min_count: int = 1,
    labels: tuple[str, str] = ("target", "reference"),
) -> pd.DataFrame:
    """Signed keyness of every feature of the target compared with the reference.

    ``p_bh`` is the Benjamini–Hochberg adjusted p-value over the features in the table (after
    ``min_count``): a keyness table is hundreds of tests, and about 5 % of them pass ``p < 0.05``
    by chance alone.

    Parameters
    ----------
    target_counts, reference_counts : Series or dict
        Feature → frequency (a feature missing on one side counts 0).
    measure : str
        ``"lr"`` (G²) or ``"chi2"``.
    correction : str
        ``"default"``, ``"yates"``, ``"williams"`` or ``"none"``.
    target_total, reference_total : float, optional
        The size of each side (tokens, or documents for document frequencies); default: the sum of
        the counts, which is right only when the counts cover every token.
    min_count : int
        Features with ``a + b`` below it are dropped *after* scoring, so the totals, and the other
        features' statistics, do not depend on it.
    labels : tuple of two str
        Names of the two sides in ``key_for``.

    Returns
    -------
    DataFrame
        Columns feature, n_target, n_reference, ``G2`` or ``chi2`` (signed), p, p_bh, log_ratio,
        pct_diff, key_for (the label of the side the feature is key for). Rows are sorted by the
        signed statistic (descending), then feature, as quanteda's ``sort = TRUE``: the target's
        key features come first, the reference's last. ``attrs``: measure, correction, labels,
        totals, statistic.
    """
    check_choice(measure, KEYNESS_MEASURES, "measure")
    check_choice(correction, KEYNESS_CORRECTIONS, "correction")
    min_count = check_int(min_count, "min_count", low=0, what="an integer (a frequency)")
    target = _as_counts(target_counts, "target_counts")
    reference = _as_counts(reference_counts, "reference_counts")
    features = target.index.union(reference.index, sort=False)
    a = target.reindex(features, fill_value=0.0).to_numpy()
    b = reference.reindex(features, fill_value=0.0).to_numpy()
    t_total = float(a.sum() if target_total is None else target_total)
    r_total = float(b.sum() if reference_total is None else reference_total)
    if t_total <= 0 or r_total <= 0:
        raise OptionError(f"both sides need a positive total (target {t_total:g}, reference {r_total:g})")
    if (a > t_total).any() or (b > r_total).any():
        raise OptionError("a feature's count exceeds its side's total")
    keep = (a + b > 0) & (a + b >= min_count)
    features, a, b = features[keep], a[keep], b[keep]

    score = (g2 if measure == "lr" else chi2)(a, b, t_total, r_total, correction)
    expected = (a + b) * t_total / (t_total + r_total)
    key_for = np.where(a > expected, labels[0], np.where(a < expected, labels[1], None))
    table = pd.DataFrame(
        {
            "feature": pd.Series(features.astype(str), dtype="object"),
            "n_target": a.astype(np.int64),
            "n_reference": b.astype(np.int64),
            KEYNESS_MEASURES[measure]: score,
            "p": chi2_pvalue(score),
            "p_bh": np.nan,
            "log_ratio": log_ratio(a, b, t_total, r_total),
            "pct_diff": pct_diff(a, b, t_total, r_total),
            "key_for": pd.Series(key_for, dtype="object"),
        }
    )
    if len(table):
        table["p_bh"] = bh_adjust(table["p"].to_numpy())
    order = np.lexsort((table["feature"].to_numpy(), -table[KEYNESS_MEASURES[measure]].to_numpy()))
    table = table.iloc[order].reset_index(drop=True)
    table.attrs.update(
        measure=measure,
        correction=correction,
        labels=tuple(labels),
        target_total=t_total,
        reference_total=r_total,
        statistic=KEYNESS_MEASURES[measure],
    )
    return table


def keyness_summary(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """How many features are key for each side, before and after adjusting for multiple tests.

    Parameters
    ----------
    table : DataFrame
        A :func:`keyness` table (or one of the role functions').
    alpha : float
        Significance level, in (0, 1].

    Returns
    -------
    DataFrame
        Rows: each side, then ``all``. Columns: ``size`` (the side's total: tokens for terms, quotes
        for categories), ``features`` (listed features key for the side), ``p < alpha``,
        ``p_bh < alpha`` and, in the ``all`` row, ``expected by chance`` (``alpha`` × features
        tested): the number of "significant" features a table of pure noise would show.
    """
    alpha = check_number(alpha, "alpha", low=0, high=1, low_open=True, what="a significance level")
    labels = list(table.attrs.get("labels", ("target", "reference")))
    sizes = [table.attrs.get("target_total"), table.attrs.get("reference_total")]
    rows = []
    for label, size in zip(labels, sizes, strict=True):
        side = table[table["key_for"] == label]
        rows.append((label, size, len(side), int((side["p"] < alpha).sum()), int((side["p_bh"] < alpha).sum()), np.nan))
    rows.append(
        (
            "all",
            sum(s for s in sizes if s is not None),
            len(table),
            int((table["p"] < alpha).sum()),
            int((table["p_bh"] < alpha).sum()),
            alpha * len(table),
        )
    )
    frame = pd.DataFrame(
        rows, columns=["side", "size", "features", f"p < {alpha:g}", f"p_bh < {alpha:g}", "expected by chance"]
    ).set_index("side")
    frame["size"] = frame["size"].astype("int64")
    return frame


def statistic_column(table: pd.DataFrame) -> str:
    """The name of the keyness statistic in a :func:`keyness` table (``G2`` or ``chi2``)."""
    return next(c for c in table.columns if c in KEYNESS_MEASURES.values())


def top_keys(table: pd.DataFrame, n: int = 10, decimals: int | None = None) -> pd.DataFrame:
    """The ``n`` strongest key features of each side, for display.

    Parameters
    ----------
    table : DataFrame
        A :func:`keyness` table.
    n : int
        Features per side (>= 1).
    decimals : int, optional
        Round the floats (the notebook prints fixed decimals, which is what nbval compares).

    Returns
    -------
    DataFrame
        Index (``key_for``, ``rank``): the target's features by statistic (descending), then the
        reference's by absolute statistic (descending), ties by feature. Count columns are renamed
        ``n_<label>`` (and ``quotes_<label>``) so the table reads without knowing which side was
        the target.
    """
    n = check_int(n, "n", low=1)
    stat = statistic_column(table)
    labels = table.attrs.get("labels", ("target", "reference"))
    parts = []
    for label in labels:
        side = table[table["key_for"] == label].copy()
        side["_abs"] = side[stat].abs()
        side = side.sort_values(["_abs", "feature"], ascending=[False, True], kind="stable").head(n)
        side.insert(0, "rank", np.arange(1, len(side) + 1, dtype=np.int64))
        parts.append(side.drop(columns="_abs"))
    result = pd.concat(parts, ignore_index=True) if parts else table.iloc[0:0]
    result = result.rename(
        columns={
            "n_target": f"n_{labels[0]}",
            "n_reference": f"n_{labels[1]}",
            "quotes_target": f"quotes_{labels[0]}",
            "quotes_reference": f"quotes_{labels[1]}",
        }
    )
    result = result.set_index(["key_for", "rank"])
    if decimals is not None:
        floats = result.select_dtypes("float").columns
        result[floats] = result[floats].round(decimals)
    result.attrs.update(table.attrs)
    return result


__all__ = [
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
]
