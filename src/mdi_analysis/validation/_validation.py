"""Validating automatic coding against the thesis's own coding: where did the author print each quote?

Why this module exists: the keyword coding (:mod:`mdi_analysis.coding._engine`) and the normalisers
(:mod:`mdi_analysis.text._normalise`) are only worth using if they recover something the author of the
thesis decided by hand. The one decision the thesis records for every quote is *where* it is
printed: under which section of chapter 4, and so under which of the five research questions. This
module assigns every quote to a section using only the interview guide and the codebook, and scores
the assignment against the thesis's placement with Cohen's kappa, macro-F1, accuracy and a
confusion matrix. ``docs/validation.md`` has the method, the figures and their limits.

Two methods:

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

Re-printed quotes: the thesis prints eight statements twice, under different sections (see
``data/README.md``). ``scoring="any"`` (the default) counts an assignment as agreeing when it names
any section the author placed that statement in; ``"printed"`` scores each printing against where it
is printed only; ``"exclude"`` drops the eight later printings and scores the rest strictly.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..options import check_choice
from ..coding._engine import code_texts
from ..corpus.schema import Corpus
from ..text._normalise import content_tokens, get_normaliser, normalise_texts, normaliser_names

#: The two ways of assigning a quote to a section (see the module docstring).
METHODS: tuple[str, ...] = ("guide_similarity", "supervised_cv")
#: The levels agreement is reported at: the 18 sections of chapter 4, or the 5 research questions.
LEVELS: tuple[str, ...] = ("research_question", "section")
#: How re-printed statements are scored (see the module docstring).
SCORINGS: tuple[str, ...] = ("any", "printed", "exclude")
#: Feature sets: normalised content words (TF-IDF), codebook categories, or both joined.
FEATURES: tuple[str, ...] = ("words+codebook", "words", "codebook")
DEFAULT_FEATURES = "words+codebook"
#: The label of a quote that shares no feature with any section profile. It is scored as a miss
#: rather than sent to the first section, because a silent default would favour research question
#: 1 (the first and largest) and flatter the result.
NO_SECTION = "(none)"
#: Similarities are rounded to this many decimals before the arg-max, so that sums computed in a
#: different order (another BLAS, another machine) cannot break an exact tie differently; a
#: remaining tie goes to the section listed first in ``sections.csv``.
TIE_DECIMALS = 12
#: Logistic regression settings of ``supervised_cv``, fixed before looking at any result: the
#: scikit-learn default strength (C=1) and class-balanced weights, because the sections differ in
#: size from 2 to 9 quotes and research question 1 holds more than half of them.
LOGISTIC_C = 1.0
LOGISTIC_MAX_ITER = 5000


def rq_label(research_question: int) -> str:
    """``RQ1`` … ``RQ5``: research questions as labels, so tables never confuse them with counts."""
    return f"RQ{int(research_question)}"


# --------------------------------------------------------------------------------------------
# The thesis's placement, as validation data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationData:
    """The quotes, where the thesis placed them, and the section profiles built from the guide.

    ``accepted`` holds, per quote, every section the author placed its *statement* in: the section it
    is printed in, plus, for a first printing, the sections it is re-printed in, and, for a
    re-print, the section of its first printing. ``statement`` is the id of the first printing (the
    quote's own id when it is not a re-print); cross-validation keeps a statement in one fold.
    """

    texts: pd.Series
    printed: pd.Series
    accepted: pd.Series
    statement: pd.Series
    reprint: pd.Series
    n_words: pd.Series
    profiles: pd.Series
    research_question: pd.Series

    @property
    def sections(self) -> list[str]:
        """Section ids in ``sections.csv`` order (the order ties are broken in)."""
        return list(self.profiles.index)

    @property
    def research_questions(self) -> list[str]:
        """``RQ1`` … in numeric order."""
        numbers = sorted({int(v) for v in self.research_question})
        return [rq_label(n) for n in numbers]

    def rq_of(self, sections: pd.Series) -> pd.Series:
        """The research-question label of each section id (``NO_SECTION`` stays ``NO_SECTION``)."""
        mapping = {s: rq_label(q) for s, q in self.research_question.items()}
        mapping[NO_SECTION] = NO_SECTION
        return sections.map(mapping)


def section_profiles(sections: pd.DataFrame, guide: pd.DataFrame, *, include_title: bool = True) -> pd.Series:
    """section_id -> the text that stands for the section: its guide questions, then its title.

    Why the guide questions: every respondent was asked the same questions, and the author built
    chapter 4 by question, so an answer should resemble the question it answers. Why the title too:
    for six sections the mapping to a question is curated (see ``data/README.md``), and the title is
    the author's own short statement of the section's topic; ``include_title=False`` gives the
    guide-only variant. A section without guide questions is represented by its title alone.
    """
    questions = dict(zip(guide["question_id"], guide["text"])) if len(guide) else {}
    profiles = {}
    for section_id, ids, title in zip(sections["section_id"], sections["guide_questions"], sections["title"]):
        parts = [questions[q] for q in str(ids).split(";") if q in questions] if not pd.isna(ids) else []
        if include_title or not parts:
            parts.append(str(title))
        profiles[str(section_id)] = " ".join(parts)
    return pd.Series(profiles, name="profile", dtype=object).rename_axis("section_id")


def validation_data(
    corpus: Corpus | None = None, *, coder: str = "thesis", include_title: bool = True
) -> ValidationData:
    """The corpus (default: the committed one) as :class:`ValidationData`.

    ``coder`` selects whose placement is the reference (rows of ``codings.csv``); a corpus without
    rows for that coder falls back to where each quote is printed. Sections without a research
    question cannot be scored at research-question level and are rejected.
    """
    if corpus is None:
        from ..corpus import load_corpus

        corpus = load_corpus()
    utterances = corpus.utterances
    sections = corpus.sections
    if sections["research_question"].isna().any():
        missing = sections.loc[sections["research_question"].isna(), "section_id"].tolist()
        raise ValueError(f"sections without a research_question cannot be validated: {missing}")

    ids = utterances["utterance_id"].astype(str).tolist()
    printed = pd.Series(utterances["section_id"].astype(str).tolist(), index=ids, name="section_id")
    duplicate = dict(zip(ids, (None if pd.isna(d) else str(d) for d in utterances["duplicate_of"])))

    codings = corpus.codings
    own = codings[codings["coder"] == coder] if len(codings) else codings
    placed: dict[str, set[str]] = {uid: {printed[uid]} for uid in ids}
    for uid, section_id in zip(own["utterance_id"].astype(str), own["section_id"].astype(str)):
        if uid in placed:
            placed[uid].add(section_id)
    accepted = {}
    for uid in ids:
        sections_of = set(placed[uid])
        if duplicate[uid] is not None:
            sections_of.add(printed[duplicate[uid]])
        accepted[uid] = tuple(sorted(sections_of))

    statement = pd.Series([duplicate[uid] or uid for uid in ids], index=ids, name="statement")
    if "n_words" in utterances and utterances["n_words"].notna().all():
        n_words = pd.Series(utterances["n_words"].astype("int64").tolist(), index=ids, name="n_words")
    else:
        n_words = pd.Series([len(str(t).split()) for t in utterances["text"]], index=ids, name="n_words")
    return ValidationData(
        texts=pd.Series(utterances["text"].astype(str).tolist(), index=ids, name="text", dtype=object),
        printed=printed,
        accepted=pd.Series(accepted, name="accepted", dtype=object),
        statement=statement,
        reprint=pd.Series([duplicate[uid] is not None for uid in ids], index=ids, name="reprint"),
        n_words=n_words,
        profiles=section_profiles(sections, corpus.interview_guide, include_title=include_title),
        research_question=pd.Series(
            sections["research_question"].astype("int64").tolist(),
            index=sections["section_id"].astype(str).tolist(), name="research_question",
        ),
    )


def load_codebook_categories() -> pd.DataFrame:
    """The codebook's categories (``data/codebook/categories.csv``), validated by the shared loader."""
    from ..io._codebook import load_codebook

    return load_codebook().categories


# --------------------------------------------------------------------------------------------
# Text features: normalised content words and codebook categories
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedTexts:
    """Texts turned into what the assigners need, for one normaliser.

    Everything here is computed text by text (tokens, normal forms, which patterns match, term
    counts over a fixed list of terms), with no statistic over the collection, so preparing held-out
    quotes together with training quotes leaks nothing; collection statistics (which terms occur,
    IDF) are fitted later, by :class:`Vectoriser`, on the texts it is fitted on.
    """

    index: pd.Index
    tokens: list[list[str]]
    vocabulary: np.ndarray
    counts: np.ndarray
    codes: np.ndarray
    categories: pd.Index
    patterns: pd.DataFrame
    evidence: pd.DataFrame
    normaliser: str

    def take(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(term counts, codes) of some texts: the input of :class:`Vectoriser`."""
        return self.counts[positions], self.codes[positions]


def term_counts(token_lists: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> np.ndarray:
    """texts x terms: how often each vocabulary term occurs in each text (other tokens ignored)."""
    position = {term: i for i, term in enumerate(vocabulary)}
    counts = np.zeros((len(token_lists), len(vocabulary)), dtype=float)
    for row, tokens in enumerate(token_lists):
        columns = [position[t] for t in tokens if t in position]
        np.add.at(counts[row], columns, 1.0)
    return counts


def content_token_lists(texts: Sequence[str], normaliser: str = "lemma") -> list[list[str]]:
    """Normalised content tokens of each text (stop words, gaps and numbers removed)."""
    norm = get_normaliser(normaliser)
    return [content_tokens(t, norm) for t in normalise_texts([str(t) for t in texts], norm)]


def prepare_texts(
    texts: pd.Series, codebook: pd.DataFrame, normaliser: str = "lemma", *, vocabulary: Sequence[str] | None = None
) -> PreparedTexts:
    """Content tokens, term counts and the 0/1 codebook matrix of every text.

    ``vocabulary`` fixes the terms counted (default: the terms of these texts, sorted), so quotes and
    section profiles can be counted over one list of terms.
    """
    norm = get_normaliser(normaliser)
    tokens = content_token_lists(list(texts), norm)
    terms = sorted({t for ts in tokens for t in ts}) if vocabulary is None else list(vocabulary)
    terms = np.array(terms, dtype=object)
    coded = code_texts(pd.Series([str(t) for t in texts], index=texts.index), codebook, norm)
    return PreparedTexts(
        index=texts.index, tokens=tokens, vocabulary=terms, counts=term_counts(tokens, terms),
        codes=coded.matrix.to_numpy(dtype=float), categories=coded.matrix.columns, patterns=coded.patterns,
        evidence=coded.evidence, normaliser=norm.name,
    )


@dataclass(frozen=True)
class Prepared:
    """Quotes and section profiles prepared with one normaliser, over one list of terms."""

    data: ValidationData
    utterances: PreparedTexts
    profiles: PreparedTexts

    @property
    def normaliser(self) -> str:
        return self.utterances.normaliser


def prepare(data: ValidationData, codebook: pd.DataFrame, normaliser: str = "lemma") -> Prepared:
    """Tokenise, normalise, count and code the quotes and the section profiles once, for one normaliser."""
    norm = get_normaliser(normaliser)
    vocabulary = sorted({t for ts in content_token_lists(list(data.texts) + list(data.profiles), norm) for t in ts})
    return Prepared(
        data,
        prepare_texts(data.texts, codebook, norm, vocabulary=vocabulary),
        prepare_texts(data.profiles, codebook, norm, vocabulary=vocabulary),
    )


def prepare_all(
    data: ValidationData, codebook: pd.DataFrame, normalisers: Sequence[str] | None = None
) -> dict[str, Prepared]:
    """:func:`prepare` for every normaliser (default: all registered), for the comparison."""
    return {name: prepare(data, codebook, name) for name in (normalisers or normaliser_names())}


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to Euclidean length 1; a row of zeros stays zeros."""
    norms = np.sqrt((matrix * matrix).sum(axis=1, keepdims=True))
    return np.divide(matrix, norms, out=np.zeros_like(matrix, dtype=float), where=norms > 0)


def smooth_idf(present: np.ndarray) -> np.ndarray:
    """IDF as scikit-learn computes it with ``smooth_idf=True``: ln((1 + n) / (1 + df)) + 1."""
    n = present.shape[0]
    df = (present > 0).sum(axis=0)
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


class Vectoriser:
    """Texts as unit vectors: TF-IDF over content words joined with IDF-weighted codebook categories.

    Why join the two: words carry what a quote is about in the respondent's own terms; categories
    carry the theory's vocabulary with the coding engine's compound-aware matching (a quote about
    ``trepartssamarbeidet`` shares ``samarbeid`` with a question on ``trepartssamarbeid``). Each part
    is scaled to unit length before they are joined and the result is scaled again, so both count
    equally whenever both are present; no weight between them is tuned.

    The word part equals scikit-learn's ``TfidfVectorizer`` fitted on the same texts (raw counts,
    smoothed IDF, unit rows; terms absent from the fitted texts are dropped) and the category part
    its ``TfidfTransformer``; both are tested against scikit-learn. They are computed here with numpy
    on counts prepared once per normaliser, because re-tokenising every text for every fold and
    normaliser cost more than the rest of notebook 04's default run, and because one small function
    shared by both methods is easier to check than two configured vectorisers.
    """

    def __init__(self, features: str = DEFAULT_FEATURES) -> None:
        self.features = check_choice(features, FEATURES, "features")
        self._terms: np.ndarray | None = None
        self._term_idf: np.ndarray | None = None
        self._code_idf: np.ndarray | None = None

    @property
    def uses_words(self) -> bool:
        return "words" in self.features

    @property
    def uses_codebook(self) -> bool:
        return "codebook" in self.features

    def fit(self, counts: np.ndarray, codes: np.ndarray) -> Vectoriser:
        """Fit which terms count and the IDF weights, on these texts only."""
        counts = np.asarray(counts, dtype=float)
        codes = np.asarray(codes, dtype=float)
        if self.uses_words:
            self._terms = np.flatnonzero((counts > 0).any(axis=0))
            self._term_idf = smooth_idf(counts[:, self._terms])
        if self.uses_codebook:
            self._code_idf = smooth_idf(codes)
        return self

    def transform(self, counts: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Rows of unit length (a text with no feature at all stays a row of zeros)."""
        parts = []
        if self.uses_words:
            if self._terms is None:
                raise RuntimeError("Vectoriser.transform called before fit")
            parts.append(unit_rows(np.asarray(counts, dtype=float)[:, self._terms] * self._term_idf))
        if self.uses_codebook:
            if self._code_idf is None:
                raise RuntimeError("Vectoriser.transform called before fit")
            parts.append(unit_rows(np.asarray(codes, dtype=float) * self._code_idf))
        return unit_rows(np.hstack(parts))

    def fit_transform(self, counts: np.ndarray, codes: np.ndarray) -> np.ndarray:
        return self.fit(counts, codes).transform(counts, codes)


# --------------------------------------------------------------------------------------------
# Assigners
# --------------------------------------------------------------------------------------------


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
        predicted=details["predicted"].rename("predicted"), method="guide_similarity",
        normaliser=prepared.normaliser, features=features, details=details, similarity=similarity,
    )


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
    folds = int(folds)
    n_groups = groups.nunique()
    if folds < 2 or folds > n_groups:
        raise ValueError(f"folds must be between 2 and the number of groups ({n_groups}), not {folds}")
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


def _single_thread():
    """BLAS limited to one thread while fitting: tiny matrices, two cores shared by parallel
    notebooks, and a fixed thread count keeps floating-point sums (and so predictions) identical."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def logistic_fit_predict(prepared: PreparedTexts, features: str = DEFAULT_FEATURES) -> FitPredict:
    """The ``supervised_cv`` model: features fitted on the training fold, then a balanced
    multinomial logistic regression. Vocabulary and IDF weights are refitted in every fold, so not
    even unlabelled statistics of the held-out quotes enter the model."""
    from sklearn.linear_model import LogisticRegression

    def fit_predict(train: np.ndarray, train_labels: np.ndarray, test: np.ndarray) -> list[Hashable]:
        vectoriser = Vectoriser(features)
        x_train = vectoriser.fit_transform(*prepared.take(train))
        x_test = vectoriser.transform(*prepared.take(test))
        if len(set(train_labels)) == 1:
            return [train_labels[0]] * len(test)
        model = LogisticRegression(C=LOGISTIC_C, class_weight="balanced", max_iter=LOGISTIC_MAX_ITER)
        with _single_thread():
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
        predicted=details["predicted"].astype(object).rename("predicted"), method="supervised_cv",
        normaliser=prepared.normaliser, features=features, details=details,
        settings={"folds": int(folds), "seed": int(seed)},
    )


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
    """Every method with every prepared normaliser: ``{(normaliser, method): Assignment}``."""
    return {
        (name, method): assign(p, method, features, folds=folds, seed=seed)
        for name, p in prepared.items()
        for method in methods
    }


# --------------------------------------------------------------------------------------------
# Scoring against the thesis
# --------------------------------------------------------------------------------------------


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
    frame = pd.DataFrame({
        "section_truth": data.printed, "section_pred": predicted.astype(str),
        "rq_truth": data.rq_of(data.printed), "rq_pred": data.rq_of(predicted.astype(str)),
    })
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


def contingency(truth: Sequence[Hashable], predicted: Sequence[Hashable], labels: Sequence[Hashable]) -> np.ndarray:
    """Counts of (truth, predicted) pairs over ``labels`` (rows: truth, columns: predicted); pairs
    with a label outside ``labels`` are not counted."""
    index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(truth, predicted):
        if t in index and p in index:
            counts[index[t], index[p]] += 1
    return counts


def fast_kappa(truth: np.ndarray, predicted: np.ndarray, n_labels: int) -> float:
    """Cohen's kappa of integer-coded labels (0 … n_labels-1), with numpy: the bootstrap computes
    thousands. ``nan`` when chance agreement is 1 (both sides constant and equal: kappa undefined)."""
    n = truth.size
    counts = np.bincount(truth * n_labels + predicted, minlength=n_labels * n_labels).reshape(n_labels, n_labels)
    observed = np.trace(counts) / n
    expected = float(counts.sum(1) @ counts.sum(0)) / (n * n)
    return float("nan") if expected >= 1.0 else float((observed - expected) / (1.0 - expected))


def cohen_kappa(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Cohen's kappa (unweighted) over the labels either side uses.

    Equal to :func:`sklearn.metrics.cohen_kappa_score` (tested); computed with numpy because the
    bootstrap needs the same computation thousands of times in batch (:func:`_kappa_draws`), and
    one definition should serve both.
    """
    truth, predicted = list(truth), list(predicted)
    labels = sorted(set(truth) | set(predicted), key=str)
    code = {label: i for i, label in enumerate(labels)}
    return fast_kappa(np.array([code[t] for t in truth]), np.array([code[p] for p in predicted]), len(labels))


def class_scores(truth: Sequence[Hashable], predicted: Sequence[Hashable], labels: Sequence[Hashable]) -> pd.DataFrame:
    """Per label: support (thesis count), assigned count, precision, recall and F1; 0 where a ratio
    has no denominator (scikit-learn's ``zero_division=0``, tested against it)."""
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
    the reference uses, so a label the assigner invents (:data:`NO_SECTION`) costs recall without
    adding a class to the average. Kappa of a constant prediction is 0.
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
    """Agreement of always answering the most frequent thesis label (the first in ``labels`` order
    on a tie): the floor any assigner must beat. Its kappa is 0 by definition."""
    truth = list(truth)
    labels = list(labels) if labels is not None else sorted(set(truth), key=str)
    counts = pd.Series(truth).value_counts()
    best = max(labels, key=lambda label: (counts.get(label, 0), -labels.index(label)))
    return {**agreement(truth, [best] * len(truth), labels), "label": best}


def metrics_table(predicted: pd.Series, data: ValidationData, scorings: Sequence[str] = SCORINGS) -> pd.DataFrame:
    """Agreement with the thesis at both levels, under each scoring, with the majority baseline.

    The baseline is scored by the same rule as the assigner (under ``"any"`` the baseline's answer
    counts as agreeing for a statement the author also placed there), so the two are comparable.
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
            rows.append({
                "scoring": scoring, "level": level, **observed,
                "majority_accuracy": baseline["accuracy"], "majority_macro_f1": baseline["macro_f1"],
            })
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
    """Counts: thesis label (rows) x assigned label (columns); ``(none)`` is a column when used."""
    truth_col, pred_col = _columns_for(level)
    frame = scored_labels(predicted, data, scoring)
    labels = _labels_for(data, level)
    columns = labels + ([NO_SECTION] if (frame[pred_col] == NO_SECTION).any() else [])
    counts = contingency(frame[truth_col], frame[pred_col], columns)
    table = pd.DataFrame(
        counts[: len(labels)], index=pd.Index(labels, name="thesis"), columns=pd.Index(columns, name="assigned")
    )
    return table.astype("int64")


def assignment_table(assignment: Assignment, data: ValidationData, scoring: str = "any") -> pd.DataFrame:
    """One row per quote: where the thesis put it, where it was assigned, and whether they agree.

    Only ids and section numbers, never text, so the table can be published with the reports.
    """
    frame = scored_labels(assignment.predicted, data, "printed")
    scored = scored_labels(assignment.predicted, data, scoring)
    table = pd.DataFrame({
        "printed_section": frame["section_truth"],
        "thesis_sections": data.accepted.map(";".join),
        "assigned_section": frame["section_pred"],
        "thesis_rq": frame["rq_truth"],
        "assigned_rq": frame["rq_pred"],
    }).rename_axis("utterance_id")
    table["agrees_section"] = (scored["section_truth"] == scored["section_pred"]).reindex(table.index)
    table["agrees_rq"] = (scored["rq_truth"] == scored["rq_pred"]).reindex(table.index)
    extra = [c for c in ("similarity", "runner_up", "margin", "fold") if c in assignment.details.columns]
    return table.join(assignment.details[extra])


def per_class_table(
    predicted: pd.Series, data: ValidationData, level: str = "research_question", scoring: str = "any"
) -> pd.DataFrame:
    """Precision, recall, F1 and support of each thesis label: which research questions are found."""
    truth_col, pred_col = _columns_for(level)
    frame = scored_labels(predicted, data, scoring)
    labels = _labels_for(data, level)
    return class_scores(frame[truth_col], frame[pred_col], labels).rename_axis(level)


# --------------------------------------------------------------------------------------------
# Comparing normalisers
# --------------------------------------------------------------------------------------------


def comparison_table(
    assignments: Mapping[tuple[str, str], Assignment], data: ValidationData, scoring: str = "any"
) -> pd.DataFrame:
    """One row per (normaliser, method): kappa, macro-F1 and accuracy at both levels."""
    rows = []
    for (name, method), assignment in assignments.items():
        metrics = metrics_table(assignment.predicted, data, [scoring]).loc[scoring]
        row: dict[str, object] = {"normaliser": name, "method": method}
        for level, prefix in (("research_question", "rq"), ("section", "section")):
            for metric in ("kappa", "macro_f1", "accuracy"):
                row[f"{prefix}_{metric}"] = float(metrics.loc[level, metric])
        rows.append(row)
    return pd.DataFrame(rows).set_index(["normaliser", "method"])


def _kappa_draws(truth: np.ndarray, predicted: np.ndarray, samples: np.ndarray, n_labels: int) -> np.ndarray:
    """:func:`fast_kappa` of every resample (rows of ``samples``) at once."""
    n_draws, n = samples.shape
    cells = truth[samples] * n_labels + predicted[samples] + (np.arange(n_draws)[:, None] * n_labels * n_labels)
    counts = np.bincount(cells.ravel(), minlength=n_draws * n_labels * n_labels).reshape(n_draws, n_labels, n_labels)
    observed = np.trace(counts, axis1=1, axis2=2) / n
    expected = np.einsum("ri,ri->r", counts.sum(2), counts.sum(1)) / (n * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected < 1.0, (observed - expected) / (1.0 - expected), np.nan)


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
    a row is compared with the reference normaliser under the same method.
    """
    truth_col, pred_col = _columns_for(level)
    labels = _labels_for(data, level) + [NO_SECTION]
    code = {label: i for i, label in enumerate(labels)}
    coded = {}
    for key, assignment in assignments.items():
        frame = scored_labels(assignment.predicted, data, scoring)
        coded[key] = (frame[truth_col].map(code).to_numpy(), frame[pred_col].map(code).to_numpy())
    n = len(next(iter(coded.values()))[0])
    samples = np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))
    draws = {key: _kappa_draws(t, p, samples, len(labels)) for key, (t, p) in coded.items()}
    point = {key: fast_kappa(t, p, len(labels)) for key, (t, p) in coded.items()}
    rows = []
    for (name, method), kappas in draws.items():
        base = (reference, method)
        diff = kappas - draws[base] if base in draws else np.full(n_resamples, np.nan)
        rows.append({
            "normaliser": name, "method": method, "kappa": point[(name, method)],
            "ci_low": float(np.nanquantile(kappas, 0.025)), "ci_high": float(np.nanquantile(kappas, 0.975)),
            f"diff_vs_{reference}": point[(name, method)] - point[base] if base in point else float("nan"),
            "diff_ci_low": float(np.nanquantile(diff, 0.025)) if base in draws else float("nan"),
            "diff_ci_high": float(np.nanquantile(diff, 0.975)) if base in draws else float("nan"),
        })
    return pd.DataFrame(rows).set_index(["normaliser", "method"])


def pattern_words(codebook: pd.DataFrame) -> pd.DataFrame:
    """Every distinct written pattern word (not explicit prefixes) with the categories using it."""
    rows: dict[str, set[str]] = {}
    for category_id, cell in zip(codebook["category_id"], codebook["patterns"]):
        if cell is None or pd.isna(cell):
            continue
        for pattern in str(cell).split(";"):
            for word in pattern.split():
                if word and not word.endswith("*"):
                    rows.setdefault(word.lower(), set()).add(str(category_id))
    return pd.DataFrame(
        {"word": list(rows), "categories": [";".join(sorted(c)) for c in rows.values()]}
    ).sort_values("word", ignore_index=True)


def codebook_criteria(
    prepared: Mapping[str, Prepared], codebook: pd.DataFrame, reference: str = "lemma"
) -> pd.DataFrame:
    """How each normaliser treats the codebook, measured on the quotes; one row per normaliser.

    - ``fixed_points``: written pattern words that the normaliser leaves as written. The patterns
      are written as bokmål lemmas, so for ``lemma`` this says how often the lemmatiser agrees with
      the codebook's author; ``lower`` keeps every word by construction.
    - ``merged_words``: written pattern words that share their normal form with another written
      pattern word of a *different* category, so one category's evidence also counts for the other
      (over-merging, e.g. stems ``ledelse``/``leder``).
    - ``categories_with_evidence``, ``patterns_with_hits``: how much of the codebook finds any quote.
    - ``codings``: coded (quote, category) pairs; ``quotes_coded``: quotes with at least one category.
    - ``codings_not_<reference>`` / ``<reference>_codings_missed``: codings this normaliser adds to,
      and loses from, the ``reference`` normaliser's (read them with :func:`coding_differences`).
    """
    words = pattern_words(codebook)
    rows = []
    for name, p in prepared.items():
        norm = get_normaliser(name)
        normal = [norm.normalise(w) for w in words["word"]]
        fixed = sum(n == w for n, w in zip(normal, words["word"]))
        categories_of: dict[str, set[str]] = {}
        words_of: dict[str, set[str]] = {}
        for word, form, categories in zip(words["word"], normal, words["categories"]):
            categories_of.setdefault(form, set()).update(categories.split(";"))
            words_of.setdefault(form, set()).add(word)
        merged = sum(
            len(words_of[form]) > 1 and bool(categories_of[form] - set(categories.split(";")))
            for form, categories in zip(normal, words["categories"])
        )
        codes = p.utterances.codes
        rows.append({
            "normaliser": name,
            "pattern_words": len(words),
            "fixed_points": int(fixed),
            "merged_words": int(merged),
            "categories": int(codes.shape[1]),
            "categories_with_evidence": int((codes.sum(0) > 0).sum()),
            "patterns": int(len(p.utterances.patterns)),
            "patterns_with_hits": int((p.utterances.patterns["n_hits"] > 0).sum()),
            "codings": int(codes.sum()),
            "quotes_coded": int((codes.sum(1) > 0).sum()),
            "vocabulary": len({t for tokens in p.utterances.tokens for t in tokens}),
        })
    if reference in prepared:
        base = _coded_pairs(prepared[reference].utterances)
        for row, p in zip(rows, prepared.values()):
            pairs = _coded_pairs(p.utterances)
            row[f"codings_not_{reference}"] = len(pairs - base)
            row[f"{reference}_codings_missed"] = len(base - pairs)
    return pd.DataFrame(rows).set_index("normaliser")


def _coded_pairs(texts: PreparedTexts) -> set[tuple[str, str]]:
    rows, cols = np.nonzero(texts.codes)
    return {(str(texts.index[r]), str(texts.categories[c])) for r, c in zip(rows, cols)}


def coding_differences(
    prepared: Mapping[str, Prepared], reference: str = "lemma", *, top: int | None = None
) -> pd.DataFrame:
    """The codings on which a normaliser and the ``reference`` disagree, grouped by pattern.

    Why: validation figures cannot say *which* normaliser codes correctly, because the thesis never
    coded quotes by category. The codings two normalisers disagree on can be read, though: each row
    gives the pattern, the (lower-cased) words that matched it and in how many quotes, so a reader
    judges whether the extra hits are inflections (gained recall) or unrelated words (lost
    precision). ``docs/validation.md`` reports that reading.
    """
    base = prepared[reference].utterances
    base_pairs = _coded_pairs(base)
    frames = []
    for name, p in prepared.items():
        if name == reference:
            continue
        pairs = _coded_pairs(p.utterances)
        for only_in, texts, keep in ((name, p.utterances, pairs - base_pairs), (reference, base, base_pairs - pairs)):
            evidence = texts.evidence
            mask = [(str(u), str(c)) in keep for u, c in zip(evidence["utterance_id"], evidence["category_id"])]
            part = evidence.loc[mask]
            if part.empty:
                continue
            grouped = part.groupby(["category_id", "pattern"], sort=True).agg(
                words=("matched_token", lambda s: ", ".join(sorted(set(s.astype(str).str.lower())))),
                quotes=("utterance_id", "nunique"),
            ).reset_index()
            grouped.insert(0, "only_with", only_in)
            grouped.insert(0, "comparison", f"{name} vs {reference}")
            frames.append(grouped)
    if not frames:
        return pd.DataFrame(columns=["comparison", "only_with", "category_id", "pattern", "words", "quotes"])
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values(["comparison", "only_with", "quotes", "category_id", "pattern"],
                              ascending=[True, True, False, True, True], ignore_index=True)
    if top is not None:
        table = table.groupby(["comparison", "only_with"], sort=False).head(top).reset_index(drop=True)
    return table


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
        rows.append({"seed": int(seed), "rq_kappa": float(metrics.loc["research_question", "kappa"]),
                     "section_kappa": float(metrics.loc["section", "kappa"])})
    table = pd.DataFrame(rows).set_index("seed")
    summary = table.agg(["mean", "std", "min", "max"])
    return summary.T


def feature_ablation(
    prepared: Prepared, *, folds: int = 5, seed: int = 0, scoring: str = "any"
) -> pd.DataFrame:
    """Both methods with words only, codebook only and both: what each part of the features adds."""
    assignments = {
        (features, method): assign(prepared, method, features, folds=folds, seed=seed)
        for features in FEATURES for method in METHODS
    }
    table = comparison_table(assignments, prepared.data, scoring)
    table.index = table.index.set_names(["features", "method"])
    return table


# --------------------------------------------------------------------------------------------
# What limits agreement
# --------------------------------------------------------------------------------------------


def profile_overlap(prepared: Prepared, features: str = DEFAULT_FEATURES, *, top: int = 8) -> pd.DataFrame:
    """The most similar pairs of section profiles that belong to *different* research questions.

    Why: an answer can only be told apart by its question when the questions differ. Pairs of
    near-identical questions under different research questions (the author notes in 6.2 that some
    questions were "tilnærma like") put a ceiling on any assigner that works from the guide.
    """
    data = prepared.data
    p, u = prepared.profiles, prepared.utterances
    matrix = Vectoriser(features).fit_transform(np.vstack([p.counts, u.counts]), np.vstack([p.codes, u.codes]))
    vectors = matrix[: len(p.index)]
    values = vectors @ vectors.T
    sections = data.sections
    rows = []
    for i, a in enumerate(sections):
        for j in range(i + 1, len(sections)):
            b = sections[j]
            if data.research_question[a] != data.research_question[b]:
                rows.append({"section_a": a, "rq_a": rq_label(data.research_question[a]),
                             "section_b": b, "rq_b": rq_label(data.research_question[b]),
                             "similarity": float(values[i, j])})
    table = pd.DataFrame(rows).sort_values(["similarity", "section_a", "section_b"], ascending=[False, True, True])
    return table.head(top).reset_index(drop=True)


def agreement_by_length(
    predicted: pd.Series, data: ValidationData, *, scoring: str = "any", bins: int = 3
) -> pd.DataFrame:
    """Accuracy by quote length (equal-count bins of words): do short quotes carry too little text?"""
    frame = scored_labels(predicted, data, scoring)
    words = data.n_words.reindex(frame.index)
    band = pd.qcut(words.rank(method="first"), bins, labels=False)
    rows = []
    for b in range(bins):
        part = frame[band == b]
        w = words[band == b]
        rows.append({"words": f"{int(w.min())}-{int(w.max())}", "n": len(part),
                     "rq_accuracy": float((part["rq_truth"] == part["rq_pred"]).mean()),
                     "section_accuracy": float((part["section_truth"] == part["section_pred"]).mean())})
    return pd.DataFrame(rows).set_index("words")


def limits_summary(prepared: Prepared, assignment: Assignment) -> pd.DataFrame:
    """Counts that bound what any assigner can reach on this corpus (one row each)."""
    data = prepared.data
    similarity = guide_similarity(prepared.utterances, prepared.profiles, assignment.features)
    rq_sets = [{data.research_question[s] for s in acc} for acc in data.accepted[~data.reprint]]
    words_only = guide_similarity(prepared.utterances, prepared.profiles, "words")
    per_question = data.research_question.value_counts()
    rows = {
        "quotes": len(data.printed),
        "statements (first printings)": int((~data.reprint).sum()),
        "statements placed under two research questions": int(sum(len(s) > 1 for s in rq_sets)),
        "median words per quote": int(data.n_words.median()),
        "quotes sharing no content word with any profile": int((words_only.to_numpy().max(1) <= 0).sum()),
        "quotes sharing no feature with any profile": int((similarity.to_numpy().max(1) <= 0).sum()),
        "sections per research question (max/min)": f"{per_question.max()}/{per_question.min()}",
    }
    return pd.DataFrame({"value": [str(v) for v in rows.values()]}, index=pd.Index(list(rows), name="limit"))


# --------------------------------------------------------------------------------------------
# Figure
# --------------------------------------------------------------------------------------------


def plot_confusion(table: pd.DataFrame, title: str):
    """A heatmap of a :func:`confusion_table` (counts annotated; rows = thesis, columns = assigned)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    size = max(4.0, 0.45 * len(table.columns) + 2.5)
    fig, ax = plt.subplots(figsize=(size + 0.8, max(3.5, 0.45 * len(table.index) + 1.8)))
    sns.heatmap(table, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5, linecolor="0.9", ax=ax)
    ax.set_xlabel("assigned")
    ax.set_ylabel("thesis")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# Every figure of docs/validation.md in one call
# --------------------------------------------------------------------------------------------


def measure(
    *, folds: int = 5, seed: int = 0, scoring: str = "any", seeds: Sequence[int] = range(5)
) -> dict[str, pd.DataFrame]:
    """All tables behind ``docs/validation.md``: both methods at both levels for every normaliser,
    the bootstrap, the codebook criteria, the feature ablation and the fold-seed spread (``lemma``).

    Notebook 04 shows one method and normaliser at a time within its time budget; this is the
    complete measurement (``python -m mdi_analysis.validation._validation``, about half a minute).
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


def main() -> None:
    """Print :func:`measure` (3 decimals)."""
    from ..present._report import show

    for title, table in measure().items():
        show(table, decimals=3, title=f"== {title}")
        print()


__all__ = [
    "DEFAULT_FEATURES",
    "FEATURES",
    "LEVELS",
    "METHODS",
    "NO_SECTION",
    "SCORINGS",
    "Assignment",
    "Prepared",
    "PreparedTexts",
    "ValidationData",
    "Vectoriser",
    "agreement",
    "class_scores",
    "cohen_kappa",
    "contingency",
    "agreement_by_length",
    "assign",
    "assign_all",
    "assign_by_cross_validation",
    "assign_by_guide",
    "assignment_table",
    "bootstrap_kappa",
    "codebook_criteria",
    "coding_differences",
    "comparison_table",
    "confusion_table",
    "fast_kappa",
    "fold_splits",
    "feature_ablation",
    "guide_similarity",
    "limits_summary",
    "load_codebook_categories",
    "logistic_fit_predict",
    "main",
    "majority_baseline",
    "measure",
    "metrics_table",
    "nearest_section",
    "out_of_fold",
    "pattern_words",
    "per_class_table",
    "plot_confusion",
    "prepare",
    "prepare_all",
    "prepare_texts",
    "content_token_lists",
    "term_counts",
    "unit_rows",
    "smooth_idf",
    "profile_overlap",
    "rq_label",
    "scored_labels",
    "section_profiles",
    "seed_sensitivity",
    "validation_data",
]


if __name__ == "__main__":
    main()
