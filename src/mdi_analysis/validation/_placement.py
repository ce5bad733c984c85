"""Placing quotes under guide questions with the wider evidence of ``_evidence``.

``guide_expanded`` (no labels)
    Cosine similarity of a quote to each section's *expanded* profile (guide question, title, the
    theory categories and vocabulary the question invites), over lemmas, bigrams, compound parts and
    codebook categories. IDF is fitted on profiles and quotes together, which uses no labels.

``ensemble_cv`` (labels of the training folds only)
    The average of two probability estimates per section: a class-balanced logistic regression
    trained on the training quotes *and* the expanded profiles (each profile one extra labelled
    example, so a section with two quotes still has an anchor), and the guide similarity turned
    into probabilities (softmax with a fixed temperature). The regularisation strength is chosen by
    an inner cross-validation inside each training fold (nested CV), never on the held-out fold.

``label_spreading_cv`` (labels of the training folds only)
    scikit-learn's :class:`~sklearn.semi_supervised.LabelSpreading` over a k-nearest-neighbour graph
    of profiles and quotes: the profiles and training quotes are labelled, the held-out quotes are
    not, and labels spread along the graph.

Settings fixed before scoring (module constants) are documented where they are defined; the only
selected one, the logistic regression's ``C``, is selected by nested CV.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..options import check_int
from ..stats import single_thread
from ._data import ValidationData
from ._evidence import Evidence, build_evidence, expanded_profiles, load_guide_expansion, weighted_rows
from ._methods import Assignment, FitPredict, nearest_section, out_of_fold

#: The new methods (see the module docstring).
PLACEMENT_METHODS: tuple[str, ...] = ("guide_expanded", "ensemble_cv", "label_spreading_cv")
#: Temperature of the softmax that turns cosine similarities into probabilities. Fixed a priori
#: from the scale of the similarities (0 to about 0.4): 0.05 makes a lead of 0.1 worth a factor e^2.
SOFTMAX_TEMPERATURE = 0.05
#: Weight of the guide probabilities in the ensemble: an even average, not tuned.
GUIDE_WEIGHT = 0.5
#: Candidate regularisation strengths of the logistic regression, chosen from by nested CV.
C_GRID: tuple[float, ...] = (1.0, 10.0, 100.0)
#: Folds of the inner cross-validation that chooses ``C`` inside a training fold.
INNER_FOLDS = 3
#: Neighbours and clamping of :class:`~sklearn.semi_supervised.LabelSpreading`: scikit-learn's
#: default ``n_neighbors`` and ``alpha``.
SPREADING_NEIGHBOURS = 7
SPREADING_ALPHA = 0.2


def softmax(scores: np.ndarray, temperature: float = SOFTMAX_TEMPERATURE) -> np.ndarray:
    """Row-wise softmax of ``scores / temperature`` (rows sum to 1)."""
    z = (scores - scores.max(axis=1, keepdims=True)) / temperature
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def guide_scores(evidence: Evidence, quote_positions: np.ndarray | None = None) -> pd.DataFrame:
    """Cosine similarity of every quote to every profile (quotes x sections), no labels used.

    IDF is fitted on the profiles and the quotes at ``quote_positions`` (default all).
    """
    fit_rows = np.concatenate([np.arange(evidence.n_sections), evidence.quote_rows(quote_positions)])
    rows, _ = weighted_rows(evidence, fit_rows)
    # Not inside single_thread(): its thread controller must first be built after scikit-learn is
    # imported (see mdi_analysis.stats._threads), and this runs before any model is fitted.
    values = rows[evidence.n_sections :] @ rows[: evidence.n_sections].T
    return pd.DataFrame(values, index=evidence.quotes, columns=pd.Index(evidence.sections, name="section_id"))


def place_by_guide(evidence: Evidence) -> Assignment:
    """``guide_expanded``: each quote to its most similar (expanded) profile."""
    similarity = guide_scores(evidence)
    details = nearest_section(similarity)
    return Assignment(
        predicted=details["predicted"].rename("predicted"),
        method="guide_expanded",
        normaliser="lemma",
        features="evidence",
        details=details,
        similarity=similarity,
    )


def ensemble_probabilities(
    evidence: Evidence, train: np.ndarray, train_labels: np.ndarray, test: np.ndarray, c: float
) -> np.ndarray:
    """Probabilities of each section for the ``test`` quotes (test x sections), from the training quotes.

    Terms and IDF are fitted on the profiles and the training quotes only.
    """
    from sklearn.linear_model import LogisticRegression

    n = evidence.n_sections
    sections = np.asarray(evidence.sections, dtype=object)
    fit_rows = np.concatenate([np.arange(n), evidence.quote_rows(train)])
    rows, _ = weighted_rows(evidence, fit_rows)
    # Sparse rows: about 2 % of the cells are non-zero, and lbfgs on CSR input takes ~40 % less
    # time than on the dense array, which keeps the nested CV within notebook 04's budget.
    x_train = sparse.csr_matrix(rows[fit_rows])
    y_train = np.concatenate([sections, np.asarray(train_labels, dtype=object)])
    x_test = rows[evidence.quote_rows(test)]
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    with single_thread():
        model.fit(x_train, y_train)
        learned = model.predict_proba(sparse.csr_matrix(x_test))
        guide_p = softmax(x_test @ rows[:n].T)
    position = {s: i for i, s in enumerate(evidence.sections)}
    model_p = np.zeros((len(test), n))
    model_p[:, [position[c] for c in model.classes_]] = learned
    return (1.0 - GUIDE_WEIGHT) * model_p + GUIDE_WEIGHT * guide_p


def choose_c(
    evidence: Evidence, train: np.ndarray, train_labels: np.ndarray, groups: np.ndarray, *, seed: int = 0
) -> float:
    """The ``C`` of :data:`C_GRID` with the best inner-CV section accuracy on the training fold only.

    Ties go to the smaller ``C`` (the stronger regularisation).
    """
    labels = pd.Series(np.asarray(train_labels, dtype=object), index=pd.RangeIndex(len(train)))
    inner_groups = pd.Series(np.asarray(groups, dtype=object), index=labels.index)
    folds = min(INNER_FOLDS, inner_groups.nunique())
    best, best_accuracy = C_GRID[0], -1.0
    for c in C_GRID:

        def fit_predict(tr: np.ndarray, tr_labels: np.ndarray, te: np.ndarray, c: float = c) -> list[Hashable]:
            p = ensemble_probabilities(evidence, train[tr], tr_labels, train[te], c)
            return list(np.asarray(evidence.sections, dtype=object)[p.argmax(axis=1)])

        predicted = out_of_fold(labels, inner_groups, fit_predict, folds=folds, seed=seed)["predicted"]
        accuracy = float((predicted.to_numpy() == labels.to_numpy()).mean())
        if accuracy > best_accuracy:
            best, best_accuracy = c, accuracy
    return best


def ensemble_fit_predict(
    evidence: Evidence, statements: pd.Series, *, c: float | None = None, seed: int = 0, chosen: list | None = None
) -> FitPredict:
    """The ``ensemble_cv`` model as a ``fit_predict`` for :func:`out_of_fold`.

    With ``c=None`` (default) ``C`` is chosen by :func:`choose_c` inside every training fold; the
    choices are appended to ``chosen`` when a list is given.
    """
    groups = statements.to_numpy()

    def fit_predict(train: np.ndarray, train_labels: np.ndarray, test: np.ndarray) -> list[Hashable]:
        strength = c if c is not None else choose_c(evidence, train, train_labels, groups[train], seed=seed)
        if chosen is not None:
            chosen.append(strength)
        p = ensemble_probabilities(evidence, train, train_labels, test, strength)
        return list(np.asarray(evidence.sections, dtype=object)[p.argmax(axis=1)])

    return fit_predict


def spreading_fit_predict(evidence: Evidence) -> FitPredict:
    """The ``label_spreading_cv`` model as a ``fit_predict`` for :func:`out_of_fold`."""
    from sklearn.semi_supervised import LabelSpreading

    n = evidence.n_sections

    def fit_predict(train: np.ndarray, train_labels: np.ndarray, test: np.ndarray) -> list[Hashable]:
        fit_rows = np.concatenate([np.arange(n), evidence.quote_rows(train)])
        rows, _ = weighted_rows(evidence, fit_rows)
        labels = np.full(len(rows), -1)
        labels[:n] = np.arange(n)
        position = {s: i for i, s in enumerate(evidence.sections)}
        labels[evidence.quote_rows(train)] = [position[s] for s in train_labels]
        model = LabelSpreading(kernel="knn", n_neighbors=SPREADING_NEIGHBOURS, alpha=SPREADING_ALPHA, max_iter=100)
        with single_thread():
            model.fit(rows, labels)
        return list(np.asarray(evidence.sections, dtype=object)[model.transduction_[evidence.quote_rows(test)]])

    return fit_predict


def place_out_of_fold(
    evidence: Evidence,
    data: ValidationData,
    method: str = "ensemble_cv",
    *,
    c: float | None = None,
    folds: int = 5,
    seed: int = 0,
) -> Assignment:
    """``ensemble_cv`` or ``label_spreading_cv``: every quote predicted by a model that never saw it.

    The outer split is the one of ``supervised_cv`` (same folds and seed), so the methods are
    compared on the same held-out quotes. ``details`` has the ``fold`` and, for ``ensemble_cv``,
    the ``c`` chosen in that fold.
    """
    folds = check_int(folds, "folds", low=2, high=data.statement.nunique(), what="a number of folds")
    chosen: list[float] = []
    if method == "ensemble_cv":
        fit_predict = ensemble_fit_predict(evidence, data.statement, c=c, seed=seed, chosen=chosen)
    elif method == "label_spreading_cv":
        fit_predict = spreading_fit_predict(evidence)
    else:
        raise ValueError(f"method must be 'ensemble_cv' or 'label_spreading_cv', not {method!r}")
    details = out_of_fold(data.printed, data.statement, fit_predict, folds=folds, seed=seed)
    if chosen:
        details["c"] = details["fold"].map(dict(enumerate(chosen)))
    return Assignment(
        predicted=details["predicted"].astype(object).rename("predicted"),
        method=method,
        normaliser="lemma",
        features="evidence",
        details=details,
        settings={"folds": int(folds), "seed": int(seed), "c": c},
    )


# --------------------------------------------------------------------------------------------
# A helper for a researcher's own quotes
# --------------------------------------------------------------------------------------------


def evidence_words(query: np.ndarray, profile: np.ndarray, names: np.ndarray, top: int) -> str:
    """The ``top`` features that add most to the cosine of two unit rows, ``;``-separated."""
    contribution = query * profile
    order = np.argsort(-contribution, kind="stable")[:top]
    return ";".join(str(names[i]) for i in order if contribution[i] > 0)


def suggest_placement(
    texts: pd.Series | Sequence[str],
    *,
    corpus=None,
    codebook: pd.DataFrame | None = None,
    expansion: pd.DataFrame | None = None,
    top: int = 3,
    n_words: int = 5,
) -> pd.DataFrame:
    """For each new quote, the ``top`` guide questions it most resembles, with the evidence words.

    Meant to speed up a human coder, not to replace one: the held-out agreement of this ranking's
    first place is in ``docs/validation.md``. No labels are needed; the profiles are the guide
    questions of ``corpus`` expanded with ``expansion`` (see :func:`expanded_profiles`), and IDF is
    fitted on the profiles and the new quotes.

    Parameters
    ----------
    texts : pandas.Series or sequence of str
        The new quotes (a Series keeps its index as the quote id; a list is numbered from 0).
    corpus : Corpus, optional
        Gives the sections and guide questions; default: the committed corpus.
    codebook : pandas.DataFrame, optional
        Categories; default: ``data/codebook/categories.csv``.
    expansion : pandas.DataFrame, optional
        What each guide question invites; default: ``data/codebook/guide_expansion.csv``.
    top : int
        Suggestions per quote (1 … number of sections).
    n_words : int
        Evidence words per suggestion (features: lemmas, ``a_b`` bigrams, ``~part`` compound parts,
        codebook category ids).

    Returns
    -------
    pandas.DataFrame
        One row per quote and rank: ``quote``, ``rank`` (1 = best), ``section_id``,
        ``research_question``, ``title``, ``score`` (cosine) and ``evidence``. A section that shares
        nothing with the quote (score 0) is never suggested, so a quote without any evidence has
        no row.
    """
    from ..corpus import load_corpus
    from ._data import load_codebook_categories, section_profiles

    texts = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    corpus = corpus if corpus is not None else load_corpus()
    codebook = codebook if codebook is not None else load_codebook_categories()
    sections = corpus.sections
    top = check_int(top, "top", low=1, high=len(sections), what="a number of suggestions")
    n_words = check_int(n_words, "n_words", low=0, high=50, what="a number of evidence words")
    if expansion is None:
        expansion = load_guide_expansion(guide=corpus.interview_guide, codebook=codebook)
    profiles = expanded_profiles(section_profiles(sections, corpus.interview_guide), sections, expansion, codebook)
    evidence = build_evidence(texts.astype(str), profiles, codebook)
    rows, names = weighted_rows(evidence, np.arange(evidence.counts.shape[0]))
    n = evidence.n_sections
    scores = rows[n:] @ rows[:n].T
    titles = dict(zip(sections["section_id"].astype(str), sections["title"].astype(str)))
    questions = dict(zip(sections["section_id"].astype(str), sections["research_question"]))
    records = []
    for i, quote in enumerate(texts.index):
        order = [j for j in np.argsort(-np.round(scores[i], 12), kind="stable")[:top] if scores[i, j] > 0]
        for rank, j in enumerate(order, start=1):
            section = evidence.sections[j]
            records.append(
                {
                    "quote": quote,
                    "rank": rank,
                    "section_id": section,
                    "research_question": int(questions[section]),
                    "title": titles[section],
                    "score": float(scores[i, j]),
                    "evidence": evidence_words(rows[n + i], rows[j], names, n_words),
                }
            )
    columns = ["quote", "rank", "section_id", "research_question", "title", "score", "evidence"]
    return pd.DataFrame.from_records(records, columns=columns)
