"""The two ways of assigning a quote to a section of chapter 4.

``guide_similarity`` (nothing tuned on the quotes)
    Each section is represented by the interview-guide questions it answers plus its title (its
    *profile*), each quote by its own words; both live in one space of normalised content words
    (TF-IDF) joined with codebook categories (which categories' patterns occur in the text,
    IDF-weighted). A quote goes to the most similar section; its research question follows from the
    section. IDF weights are fitted on guide and quote text together, which uses no labels.

``supervised_cv`` (tuned on the quotes, so evaluated on held-out folds only)
    A class-balanced logistic regression on the same features, trained on the sections of four
    fifths of the quotes and predicting the fifth it has not seen (stratified group K-fold, fixed
    seed). Every reported prediction is out of fold. Re-printings of one statement are one group, so
    a statement is never in training and held out at the same time.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..options import check_choice, check_int
from ..stats import single_thread
from ._data import NO_SECTION
from ._features import DEFAULT_FEATURES, Prepared, PreparedTexts, Vectoriser

#: The two ways of assigning a quote to a section (see the module docstring).
METHODS: tuple[str, ...] = ("guide_similarity", "supervised_cv")
#: Similarities are rounded to this many decimals before the arg-max, so that sums computed in a
#: different order (another BLAS, another machine) cannot break an exact tie differently; a
#: remaining tie goes to the section listed first in ``sections.csv``.
TIE_DECIMALS = 12
#: Logistic regression settings of ``supervised_cv``, fixed before looking at any result: the
#: scikit-learn default strength (C=1) and class-balanced weights, because the sections differ in
#: size from 2 to 9 quotes and research question 1 holds more than half of them.
LOGISTIC_C = 1.0
LOGISTIC_MAX_ITER = 5000


@dataclass(frozen=True)
class Assignment:
    """Each quote's assigned section, with how it was obtained.

    ``details`` has one row per quote: ``predicted`` and, for ``guide_similarity``, ``similarity`` (to
    the assigned section), ``runner_up`` and ``margin``; for ``supervised_cv``, the ``fold`` in which
    the quote was held out.
    """

    predicted: pd.Series
    method: str
    normaliser: str
    features: str
    details: pd.DataFrame
    similarity: pd.DataFrame | None = None
    settings: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# guide_similarity
# --------------------------------------------------------------------------------------------


def nearest_section(similarity: pd.DataFrame) -> pd.DataFrame:
    """Per row: the most similar column, its similarity, the runner-up and the margin between them.

    Ties are broken by column order after rounding to :data:`TIE_DECIMALS`; a row that is zero
    everywhere (nothing in common with any section) gets :data:`NO_SECTION`.
    """
    values = np.round(similarity.to_numpy(dtype=float), TIE_DECIMALS)
    columns = np.asarray(similarity.columns, dtype=object)
    order = np.argsort(-values, axis=1, kind="stable")
    rows = np.arange(len(values))
    best = values[rows, order[:, 0]] if values.shape[1] else np.zeros(len(values))
    second = values[rows, order[:, 1]] if values.shape[1] > 1 else np.zeros(len(values))
    none = np.full(len(values), NO_SECTION, dtype=object)
    predicted = np.where(best > 0, columns[order[:, 0]], NO_SECTION) if values.shape[1] else none
    runner_up = np.where(second > 0, columns[order[:, 1]], NO_SECTION) if values.shape[1] > 1 else none
    return pd.DataFrame(
        {"predicted": predicted, "similarity": best, "runner_up": runner_up, "margin": best - second},
        index=similarity.index,
    )


def guide_similarity(
    utterances: PreparedTexts, profiles: PreparedTexts, features: str = DEFAULT_FEATURES
) -> pd.DataFrame:
    """Cosine similarity of every quote to every section profile (quotes x sections).

    IDF weights are fitted on profiles and quotes together: a word that many quotes share
    (``ansatt``, ``ide``) then weighs little, which needs the quotes' text but never their labels.
    """
    if not np.array_equal(utterances.vocabulary, profiles.vocabulary):
        raise ValueError("quotes and profiles must be counted over the same vocabulary (use prepare())")
    matrix = Vectoriser(features).fit_transform(
        np.vstack([profiles.counts, utterances.counts]), np.vstack([profiles.codes, utterances.codes])
    )
    n_sections = len(profiles.index)
    values = matrix[n_sections:] @ matrix[:n_sections].T
    return pd.DataFrame(values, index=utterances.index, columns=pd.Index(profiles.index, name="section_id"))


def assign_by_guide(prepared: Prepared, features: str = DEFAULT_FEATURES) -> Assignment:
    """``guide_similarity``: each quote to its most similar section profile (no labels used)."""
    similarity = guide_similarity(prepared.utterances, prepared.profiles, features)
    details = nearest_section(similarity)
    return Assignment(
        predicted=details["predicted"].rename("predicted"),
        method="guide_similarity",
        normaliser=prepared.normaliser,
        features=features,
        details=details,
        similarity=similarity,
    )


# --------------------------------------------------------------------------------------------
# supervised_cv
# --------------------------------------------------------------------------------------------

FitPredict = Callable[[np.ndarray, np.ndarray, np.ndarray], Sequence[Hashable]]


@lru_cache(maxsize=32)
def fold_splits(
    labels: tuple[str, ...], groups: tuple[str, ...], folds: int, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """(train, test) positions of each fold: :class:`~sklearn.model_selection.StratifiedGroupKFold`,
    shuffled with ``seed``. Cached, because the split depends only on the labels, the groups, the
    number of folds and the seed, and every normaliser is evaluated on the same split (which also
    makes their comparison paired)."""
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # Small sections (4.3.3 has two quotes) cannot appear in every fold; that is expected here.
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        splits = splitter.split(np.zeros(len(labels)), np.asarray(labels), np.asarray(groups))
        return tuple((train.copy(), test.copy()) for train, test in splits)


def out_of_fold(
    labels: pd.Series,
    groups: pd.Series,
    fit_predict: FitPredict,
    *,
    folds: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Out-of-fold predictions: every item is predicted by a model that never saw it or its group.

    ``fit_predict(train_positions, train_labels, test_positions)`` fits on the training positions
    and returns one prediction per test position. It is handed the training labels only: the labels
    of the held-out fold are never passed, so a prediction cannot depend on them by construction.
    Folds come from :class:`~sklearn.model_selection.StratifiedGroupKFold` (shuffled with ``seed``):
    stratified so each fold has every research area in proportion, grouped so the printings of one
    statement stay together.
    """
    if not labels.index.equals(groups.index):
        raise ValueError("labels and groups must have the same index")
    n_groups = groups.nunique()
    folds = check_int(folds, "folds", low=2, high=n_groups, what="a number of folds (at most one per group)")
    y = labels.to_numpy()
    predicted = np.empty(len(labels), dtype=object)
    fold_of = np.full(len(labels), -1, dtype=np.int64)
    splits = fold_splits(tuple(map(str, y)), tuple(map(str, groups)), folds, int(seed))
    for k, (train, test) in enumerate(splits):
        if np.intersect1d(train, test).size:
            raise AssertionError("a training fold overlaps its test fold")  # guards the splitter
        result = list(fit_predict(train, y[train].copy(), test))
        if len(result) != len(test):
            raise ValueError(f"fit_predict returned {len(result)} predictions for {len(test)} test items")
        predicted[test] = result
        fold_of[test] = k
    return pd.DataFrame({"predicted": predicted, "fold": fold_of}, index=labels.index)


def logistic_fit_predict(prepared: PreparedTexts, features: str = DEFAULT_FEATURES) -> FitPredict:
    """The ``supervised_cv`` model: features fitted on the training fold, then a balanced
    multinomial logistic regression. Vocabulary and IDF weights are refitted in every fold, so not
    even unlabelled statistics of the held-out quotes enter the model. Fitted on one thread
    (:func:`~mdi_analysis.stats._threads.single_thread`): tiny matrices, two shared cores, and a
    fixed thread count keeps the predictions identical from run to run."""
    from sklearn.linear_model import LogisticRegression

    def fit_predict(train: np.ndarray, train_labels: np.ndarray, test: np.ndarray) -> list[Hashable]:
        vectoriser = Vectoriser(features)
        x_train = vectoriser.fit_transform(*prepared.take(train))
        x_test = vectoriser.transform(*prepared.take(test))
        if len(set(train_labels)) == 1:
            return [train_labels[0]] * len(test)
        model = LogisticRegression(C=LOGISTIC_C, class_weight="balanced", max_iter=LOGISTIC_MAX_ITER)
        with single_thread():
            model.fit(x_train, train_labels)
            return list(model.predict(x_test))

    return fit_predict


def assign_by_cross_validation(
    prepared: Prepared, features: str = DEFAULT_FEATURES, *, folds: int = 5, seed: int = 0
) -> Assignment:
    """``supervised_cv``: sections predicted out of fold by a model trained on the other quotes.

    The model learns sections (where each quote is printed); research questions follow from the
    section, as for ``guide_similarity``, so both methods are scored the same way.
    """
    data = prepared.data
    details = out_of_fold(
        data.printed, data.statement, logistic_fit_predict(prepared.utterances, features), folds=folds, seed=seed
    )
    return Assignment(
        predicted=details["predicted"].astype(object).rename("predicted"),
        method="supervised_cv",
        normaliser=prepared.normaliser,
        features=features,
        details=details,
        settings={"folds": int(folds), "seed": int(seed)},
    )


# --------------------------------------------------------------------------------------------
# Either method
# --------------------------------------------------------------------------------------------


def assign(
    prepared: Prepared,
    method: str = "guide_similarity",
    features: str = DEFAULT_FEATURES,
    *,
    folds: int = 5,
    seed: int = 0,
) -> Assignment:
    """Run one method (see :data:`METHODS`)."""
    method = check_choice(method, METHODS, "method")
    if method == "guide_similarity":
        return assign_by_guide(prepared, features)
    return assign_by_cross_validation(prepared, features, folds=folds, seed=seed)


def assign_all(
    prepared: Mapping[str, Prepared],
    methods: Sequence[str] = METHODS,
    features: str = DEFAULT_FEATURES,
    *,
    folds: int = 5,
    seed: int = 0,
) -> dict[tuple[str, str], Assignment]:
    """Every method with every prepared normaliser.

    Parameters
    ----------
    prepared : mapping
        normaliser name -> :class:`Prepared` (:func:`prepare_all`).
    methods : sequence of str
        Any of :data:`METHODS` (``guide_similarity``, ``supervised_cv``).
    features : str
        One of :data:`~mdi_analysis.validation.FEATURES`.
    folds : int
        Cross-validation folds of ``supervised_cv`` (2 … number of statements).
    seed : int
        Seed of the fold split of ``supervised_cv``.

    Returns
    -------
    dict
        ``{(normaliser, method): Assignment}``, normalisers outer, methods inner.
    """
    return {
        (name, method): assign(p, method, features, folds=folds, seed=seed)
        for name, p in prepared.items()
        for method in methods
    }
