"""Validation against the thesis's own placement of each quote (mdi_analysis.validation).

Small synthetic inputs pin what each piece must do (an answer that repeats a guide question lands
in that question's section, cross-validated predictions never see their own fold, re-prints are
scored by the chosen rule); the numpy TF-IDF is checked against scikit-learn; and one test pins the
real-corpus figure so that a change in the corpus, the codebook, the normalisers or the method
shows up as a failing number. The agreement statistics (kappa, F1, the bootstrap) are tested in
``tests/test_agreement.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mdi_analysis import text
from mdi_analysis import validation as v
from mdi_analysis.corpus import load_corpus
from mdi_analysis.validation import _methods
from mdi_analysis.validation._features import Vectoriser

# --- a synthetic corpus in the data/corpus format ---------------------------------------------

GUIDE = {
    "Q01": "Kan trepartssamarbeid mellom politikere, administrasjon og tillitsvalgte skape innovasjon?",
    "Q02": "Hva slags opplæring er viktig for å utvikle de ansatte i kommunen?",
    "Q03": "Hvordan blir forbedringsforslag fra medarbeiderne fulgt opp på arbeidsplassen?",
}
SECTIONS = [  # section_id, research_question, title, guide question
    ("1.1", 1, "Trepartssamarbeid", "Q01"),
    ("2.1", 2, "Opplæring", "Q02"),
    ("3.1", 3, "Oppfølging av forslag", "Q03"),
]
UTTERANCES = [  # id, section, text, duplicate_of
    ("U1", "1.1", "Trepartssamarbeidet mellom politikerne og de tillitsvalgte har skapt mye.", ""),
    ("U2", "2.1", "Opplæringen av de ansatte er det viktigste kommunen kan gjøre.", ""),
    ("U3", "3.1", "Forbedringsforslagene blir fulgt opp av lederen på arbeidsplassen.", ""),
    ("U4", "1.1", "Politikerne må være med i samarbeidet fra starten av.", ""),
    ("U5", "3.1", "Opplæringen av de ansatte er det viktigste kommunen kan gjøre, sa jeg.", "U2"),
]


def _write_corpus(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([{"question_id": q, "part": "3. Kjernespørsmål", "text": t} for q, t in GUIDE.items()]).to_csv(
        directory / "interview_guide.csv", index=False
    )
    pd.DataFrame(
        [{"section_id": s, "research_question": rq, "title": t, "guide_questions": q} for s, rq, t, q in SECTIONS]
    ).to_csv(directory / "sections.csv", index=False)
    pd.DataFrame(
        [
            {"utterance_id": u, "role": "arbeidsgiver", "text": t, "section_id": s, "duplicate_of": d}
            for u, s, t, d in UTTERANCES
        ]
    ).to_csv(directory / "utterances.csv", index=False)
    codings = [
        {"utterance_id": u, "section_id": s, "coder": "thesis", "basis": "printed", "via_utterance_id": ""}
        for u, s, _, _ in UTTERANCES
    ]
    codings.append(
        {"utterance_id": "U2", "section_id": "3.1", "coder": "thesis", "basis": "reprinted", "via_utterance_id": "U5"}
    )
    pd.DataFrame(codings).to_csv(directory / "codings.csv", index=False)
    return directory


CODEBOOK = pd.DataFrame(
    {
        "category_id": ["t.samarbeid", "t.opplaering", "t.forslag", "t.leder"],
        "patterns": ["samarbeid;trepart", "opplæring;kurs", "forbedringsforslag;forslag", "ledelse"],
    }
)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> v.ValidationData:
    return v.validation_data(load_corpus(_write_corpus(tmp_path_factory.mktemp("corpus"))))


@pytest.fixture(scope="module")
def real() -> v.ValidationData:
    return v.validation_data()


@pytest.fixture(scope="module")
def real_prepared(real) -> dict[str, v.Prepared]:
    return v.prepare_all(real, v.load_codebook_categories())


# --- the thesis's placement as validation data -----------------------------------------------


def test_profiles_join_guide_questions_and_title(synthetic):
    assert synthetic.profiles["2.1"] == GUIDE["Q02"] + " Opplæring"
    assert synthetic.sections == ["1.1", "2.1", "3.1"]
    assert synthetic.research_questions == ["RQ1", "RQ2", "RQ3"]


def test_a_statement_is_accepted_in_every_section_the_author_placed_it(synthetic):
    assert synthetic.accepted["U2"] == ("2.1", "3.1")  # first printing: printed + re-printed
    assert synthetic.accepted["U5"] == ("2.1", "3.1")  # re-print: printed + its first printing
    assert synthetic.accepted["U1"] == ("1.1",)
    assert synthetic.statement["U5"] == "U2" and synthetic.statement["U1"] == "U1"
    assert synthetic.reprint.tolist() == [False, False, False, False, True]


def test_real_corpus_reprints_and_accepted_sections(real):
    assert len(real.texts) == 121 and int(real.reprint.sum()) == 8
    assert real.accepted["U028"] == ("4.1.5", "4.3.1", "4.3.2")
    assert real.accepted["U072"] == ("4.1.5", "4.3.1")
    assert real.statement["U081"] == "U028"


# --- features ----------------------------------------------------------------------------------


def test_vectoriser_equals_scikit_learn_tfidf():
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
    from sklearn.preprocessing import normalize

    docs = [["tillit", "samarbeid", "tillit"], ["opplæring"], ["samarbeid", "ide"], [], ["ide", "ide", "kurs"]]
    vocabulary = sorted({t for d in docs for t in d} | {"ubrukt"})
    counts = text.dfm_from_tokens(docs, features=vocabulary).dense()
    codes = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 0], [0, 0, 0], [0, 0, 1]], dtype=float)
    train = np.array([0, 1, 2])  # rows 3 and 4 are transformed, never fitted
    words = Vectoriser("words").fit(counts[train], codes[train])
    reference = TfidfVectorizer(analyzer=lambda d: d).fit([docs[i] for i in train])
    np.testing.assert_allclose(words.transform(counts, codes), reference.transform(docs).toarray(), atol=1e-12)
    categories = Vectoriser("codebook").fit(codes[train], codes[train])
    expected = normalize(TfidfTransformer().fit(codes[train]).transform(codes)).toarray()
    np.testing.assert_allclose(categories.transform(counts, codes), expected, atol=1e-12)
    both = Vectoriser("words+codebook").fit_transform(counts, codes)
    lengths = np.linalg.norm(both, axis=1)
    np.testing.assert_allclose(lengths[[0, 1, 2, 4]], 1.0)
    assert lengths[3] == 0.0  # a text with no feature stays zero


def test_nearest_section_breaks_ties_by_section_order_and_flags_no_overlap():
    similarity = pd.DataFrame(
        [[0.2, 0.5, 0.5], [0.0, 0.0, 0.0], [0.3, 0.1, 0.0]], index=["a", "b", "c"], columns=["1.1", "2.1", "3.1"]
    )
    result = _methods.nearest_section(similarity)
    assert result["predicted"].tolist() == ["2.1", v.NO_SECTION, "1.1"]
    assert result["runner_up"].tolist() == ["3.1", v.NO_SECTION, "2.1"]
    assert result.loc["a", "margin"] == 0.0 and result.loc["c", "margin"] == pytest.approx(0.2)


# --- the guide-similarity assigner -------------------------------------------------------------


@pytest.mark.parametrize("normaliser", ["lemma", "stem", "lower"])
@pytest.mark.parametrize("features", v.FEATURES)
def test_an_answer_that_repeats_a_guide_question_lands_in_its_section(synthetic, normaliser, features):
    prepared = v.prepare(synthetic, CODEBOOK, normaliser)
    predicted = _methods.assign_by_guide(prepared, features).predicted
    if (normaliser, features) == ("lower", "codebook"):
        # lower-casing alone cannot match "Opplæringen" with the pattern "opplæring"
        assert predicted["U2"] == v.NO_SECTION
        return
    assert predicted["U1"] == "1.1"  # "Trepartssamarbeidet … politikerne … tillitsvalgte" (Q01)
    assert predicted["U2"] == "2.1"  # "Opplæringen av de ansatte … kommunen" (Q02)
    assert predicted["U3"] == "3.1"  # "Forbedringsforslagene blir fulgt opp … arbeidsplassen" (Q03)


@pytest.mark.parametrize(("normaliser", "expected"), [("lemma", "1.1"), ("lower", v.NO_SECTION)])
def test_inflected_answers_need_the_lemmatiser(synthetic, normaliser, expected):
    """U4 shares only inflected forms with Q01 ("Politikerne", "samarbeidet")."""
    predicted = _methods.assign_by_guide(v.prepare(synthetic, CODEBOOK, normaliser)).predicted
    assert predicted["U4"] == expected


def test_guide_similarity_uses_no_label(synthetic):
    """Moving a quote to another section in the reference changes nothing the assigner computes."""
    prepared = v.prepare(synthetic, CODEBOOK, "lemma")
    relabelled = v.Prepared(
        v.ValidationData(**{**synthetic.__dict__, "printed": synthetic.printed.replace({"1.1": "3.1"})}),
        prepared.utterances,
        prepared.profiles,
    )
    before, after = _methods.assign_by_guide(prepared), _methods.assign_by_guide(relabelled)
    pd.testing.assert_frame_equal(before.similarity, after.similarity)


# --- scoring re-prints ---------------------------------------------------------------------------


def test_reprint_scoring_rules(synthetic):
    # U5 is printed in 3.1 but re-prints U2 (2.1); assigning it to 2.1 agrees only under "any".
    predicted = pd.Series({"U1": "1.1", "U2": "2.1", "U3": "3.1", "U4": "1.1", "U5": "2.1"})
    any_ = v.scored_labels(predicted, synthetic, "any")
    printed = v.scored_labels(predicted, synthetic, "printed")
    excluded = v.scored_labels(predicted, synthetic, "exclude")
    assert (any_["section_truth"] == any_["section_pred"]).all()
    assert printed.loc["U5", "section_truth"] == "3.1" and printed.loc["U5", "rq_truth"] == "RQ3"
    assert list(excluded.index) == ["U1", "U2", "U3", "U4"]
    metrics = v.metrics_table(predicted, synthetic)
    assert metrics.loc[("any", "section"), "kappa"] == 1.0
    assert metrics.loc[("printed", "research_question"), "accuracy"] == pytest.approx(0.8)
    assert metrics.loc[("exclude", "section"), "n"] == 4


def test_confusion_table_counts_thesis_rows_against_assigned_columns(synthetic):
    predicted = pd.Series({"U1": "1.1", "U2": "2.1", "U3": "1.1", "U4": v.NO_SECTION, "U5": "3.1"})
    table = v.confusion_table(predicted, synthetic, "research_question", "printed")
    assert list(table.columns) == ["RQ1", "RQ2", "RQ3", v.NO_SECTION]
    assert table.loc["RQ1"].tolist() == [1, 0, 0, 1]
    assert table.loc["RQ3"].tolist() == [1, 0, 1, 0]
    assert int(table.to_numpy().sum()) == 5


def test_unknown_choices_are_rejected(synthetic):
    predicted = pd.Series({u: "1.1" for u in synthetic.printed.index})
    with pytest.raises(ValueError, match="scoring"):
        v.scored_labels(predicted, synthetic, "best")
    with pytest.raises(ValueError, match="level"):
        v.confusion_table(predicted, synthetic, "chapter")
    with pytest.raises(ValueError, match="method"):
        v.assign(v.prepare(synthetic, CODEBOOK, "lower"), "bert")
    with pytest.raises(ValueError, match="features"):
        Vectoriser("embeddings")


# --- cross-validation never uses the held-out fold ---------------------------------------------


def test_out_of_fold_predictions_come_from_models_that_never_saw_them(real):
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    labels = real.printed.to_numpy()

    def spy(train, train_labels, test):
        assert np.array_equal(train_labels, labels[train])  # only the training labels are handed over
        seen.append((train, test))
        return [f"fold{len(seen)}"] * len(test)

    result = _methods.out_of_fold(real.printed, real.statement, spy, folds=5, seed=0)
    assert len(seen) == 5
    for train, test in seen:
        assert not set(train) & set(test)
        assert len(train) + len(test) == 121
    all_test = np.concatenate([test for _, test in seen])
    assert sorted(all_test) == list(range(121))  # every quote predicted exactly once
    assert result["fold"].between(0, 4).all()
    folds_of = result["fold"]
    for statement, members in real.statement.groupby(real.statement):
        assert folds_of[members.index].nunique() == 1, statement  # re-printings stay together


def test_changing_held_out_labels_changes_no_held_out_prediction(real, real_prepared, monkeypatch):
    prepared = real_prepared["lemma"]
    fit_predict = _methods.logistic_fit_predict(prepared.utterances)
    splits = _methods.fold_splits(tuple(real.printed), tuple(real.statement), 5, 0)
    monkeypatch.setattr(_methods, "fold_splits", lambda *args: splits)  # same split for the altered labels
    before = _methods.out_of_fold(real.printed, real.statement, fit_predict)
    test = splits[0][1]
    altered = real.printed.copy()
    altered.iloc[test] = np.roll(altered.iloc[test].to_numpy(), 1)  # other (wrong) labels in fold 0
    after = _methods.out_of_fold(altered, real.statement, fit_predict)
    assert before["predicted"].iloc[test].tolist() == after["predicted"].iloc[test].tolist()


def test_supervised_cv_is_deterministic_and_above_the_baseline(real, real_prepared):
    first = _methods.assign_by_cross_validation(real_prepared["lemma"], folds=5, seed=0)
    second = _methods.assign_by_cross_validation(real_prepared["lemma"], folds=5, seed=0)
    assert first.predicted.tolist() == second.predicted.tolist()
    scores = v.metrics_table(first.predicted, real, ["any"]).loc[("any", "research_question")]
    assert scores["accuracy"] == 85 / 121 and scores["majority_accuracy"] == 70 / 121
    assert round(scores["kappa"], 4) == 0.5369


def test_folds_must_fit_the_number_of_groups(synthetic):
    with pytest.raises(ValueError, match="folds"):
        _methods.out_of_fold(synthetic.printed, synthetic.statement, lambda a, b, c: [], folds=1)


# --- the real corpus: pinned figures -----------------------------------------------------------


def test_real_corpus_rq_kappa_is_pinned(real, real_prepared):
    """The headline: guide similarity, lemma, words+codebook, re-prints scored "any".

    Update this value (and docs/validation.md) only for an intended change of the corpus, the
    codebook, a normaliser or the method.
    """
    predicted = _methods.assign_by_guide(real_prepared["lemma"]).predicted
    metrics = v.metrics_table(predicted, real, ["any"]).loc["any"]
    assert round(metrics.loc["research_question", "kappa"], 3) == 0.458
    assert round(metrics.loc["section", "kappa"], 3) == 0.394
    assert metrics.loc["research_question", "accuracy"] > metrics.loc["research_question", "majority_accuracy"]


def test_bootstrap_reference_rows_have_zero_difference(real, real_prepared):
    assignments = v.assign_all(real_prepared, ["guide_similarity"])
    table = v.bootstrap_kappa(assignments, real, n_resamples=200)
    reference = table.loc[("lemma", "guide_similarity")]
    assert reference["diff_vs_lemma"] == 0.0 and reference["diff_ci_low"] == 0.0
    assert (table["ci_low"] <= table["kappa"]).all() and (table["kappa"] <= table["ci_high"]).all()
    again = v.bootstrap_kappa(assignments, real, n_resamples=200)
    pd.testing.assert_frame_equal(table, again)


# --- normaliser criteria -----------------------------------------------------------------------


def test_codebook_criteria_count_fixed_points_and_merged_words(synthetic):
    codebook = pd.DataFrame(
        {"category_id": ["a.ledelse", "b.leder", "c.team"], "patterns": ["ledelse", "leder", "team*;arbeidslag"]}
    )
    prepared = v.prepare_all(synthetic, codebook)
    table = v.codebook_criteria(prepared, codebook)
    assert table.loc["lower", "fixed_points"] == table.loc["lower", "pattern_words"] == 3  # prefixes are not counted
    assert table.loc["stem", "merged_words"] == 2  # ledelse and leder both stem to "led"
    assert table.loc["lemma", "merged_words"] == 0
    assert table.loc["lemma", "codings_not_lemma"] == 0


def test_coding_differences_list_the_words_behind_disagreeing_codings(synthetic):
    codebook = pd.DataFrame({"category_id": ["t.politiker"], "patterns": ["politiker"]})
    table = v.coding_differences(v.prepare_all(synthetic, codebook, ["lemma", "lower"]))
    # lower-casing alone does not bring "politikerne" to "politiker"; the lemmatiser does
    row = table.loc[(table["comparison"] == "lower vs lemma") & (table["only_with"] == "lemma")].iloc[0]
    assert row["pattern"] == "politiker" and "politikerne" in row["words"] and row["quotes"] == 2


def test_profile_overlap_pairs_sections_of_different_research_questions(real, real_prepared):
    table = v.profile_overlap(real_prepared["lemma"], top=5)
    assert len(table) == 5 and (table["rq_a"] != table["rq_b"]).all()
    assert table["similarity"].is_monotonic_decreasing


def test_assignment_table_holds_ids_and_sections_only(real, real_prepared):
    assignment = _methods.assign_by_guide(real_prepared["lemma"])
    table = v.assignment_table(assignment, real)
    assert "text" not in table.columns and len(table) == 121
    assert table.loc["U072", "thesis_sections"] == "4.1.5;4.3.1"


def test_plot_confusion_returns_a_figure(synthetic):
    import matplotlib

    matplotlib.use("Agg")
    predicted = pd.Series({u: "1.1" for u in synthetic.printed.index})
    figure = v.plot_confusion(v.confusion_table(predicted, synthetic), "test")
    assert figure.axes[0].get_xlabel() == "assigned"
