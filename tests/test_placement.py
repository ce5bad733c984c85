"""Placement evidence, methods, ablation and ``suggest_placement`` (issue 16).

Small fixtures pin the features (compound parts, bigrams, expanded profiles, which terms are
dropped), the loaders' one-line errors, the softmax and the bootstrap; the real corpus pins the
ablation's rows, the reader's reference row read from data, determinism and the nested CV's choice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mdi_analysis import validation as v
from mdi_analysis.corpus import load_corpus
from mdi_analysis.errors import InputDataError
from mdi_analysis.validation import _evidence, _placement

# --- features -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("forslagskasse", ("forslag", "kasse")),
        ("tidspress", ("tid", "press")),
        ("arbeidsgruppe", ("arbeid", "gruppe")),
        ("innovasjon", ()),  # not inn + ovasjon: a three-letter modifier needs a linking letter
        ("medarbeider", ()),
        ("kurs", ()),  # too short to be split
        ("ou-prosess", ()),  # not letters only
    ],
)
def test_compound_parts(word, parts):
    assert v.compound_parts(word) == parts


def test_evidence_tokens_add_bigrams_and_parts_in_order():
    tokens = ["følge", "forslagskasse", "leder"]
    assert v.evidence_tokens(tokens) == [
        "følge",
        "forslagskasse",
        "leder",
        "følge_forslagskasse",
        "forslagskasse_leder",
        "~forslag",
        "~kasse",
    ]
    assert v.evidence_tokens(tokens, bigrams=False, compounds=False) == tokens
    assert v.evidence_tokens(tokens, bigrams=False) == [*tokens, "~forslag", "~kasse"]


SECTIONS = pd.DataFrame({"section_id": ["1.1", "2.1", "3.1"], "guide_questions": ["Q01", "Q02;Q09", None]})
CODEBOOK = pd.DataFrame(
    {
        "category_id": ["a.samarbeid", "b.kurs"],
        "category": ["Samarbeid", "Kurs"],
        "definition": ["Å arbeide sammen.", "Opplæring i grupper."],
        "patterns": ["samarbeid;trepart*", "kurs"],
    }
)
EXPANSION = pd.DataFrame(
    {
        "question_id": ["Q01", "Q02"],
        "category_ids": ["a.samarbeid", pd.NA],
        "vocabulary": ["politiker;felles arena", "kurs"],
        "basis": ["x", "y"],
        "coder": ["c", "c"],
    }
)


def test_expanded_profiles_append_vocabulary_then_categories():
    profiles = pd.Series({"1.1": "Spørsmål en", "2.1": "Spørsmål to", "3.1": "Tittel"})
    expanded = v.expanded_profiles(profiles, SECTIONS, EXPANSION, CODEBOOK)
    assert expanded["1.1"] == "Spørsmål en politiker felles arena Samarbeid. Å arbeide sammen. samarbeid trepart"
    assert expanded["2.1"] == "Spørsmål to kurs"  # Q09 has no expansion row: nothing added for it
    assert expanded["3.1"] == "Tittel"  # no guide question: the plain profile
    assert list(expanded.index) == ["1.1", "2.1", "3.1"]


def _write(tmp_path, rows: str):
    path = tmp_path / "guide_expansion.csv"
    path.write_text("question_id,category_ids,vocabulary,basis,coder\n" + rows, encoding="utf-8")
    return path


def test_load_guide_expansion_checks_questions_and_categories(tmp_path):
    guide = pd.DataFrame({"question_id": ["Q01", "Q02"]})
    ok = v.load_guide_expansion(_write(tmp_path, "Q01,a.samarbeid,politiker,b,c\n"), guide=guide, codebook=CODEBOOK)
    assert ok["vocabulary"].tolist() == ["politiker"]
    with pytest.raises(InputDataError, match=r"guide_expansion\.csv.*category_ids.*a\.nope"):
        v.load_guide_expansion(_write(tmp_path, "Q01,a.nope,politiker,b,c\n"), guide=guide, codebook=CODEBOOK)
    with pytest.raises(InputDataError, match=r"question_id.*Q07"):
        v.load_guide_expansion(_write(tmp_path, "Q07,,politiker,b,c\n"), guide=guide, codebook=CODEBOOK)
    with pytest.raises(InputDataError, match=r"vocabulary.*empty item"):
        v.load_guide_expansion(_write(tmp_path, "Q01,,politiker;;kurs,b,c\n"), guide=guide, codebook=CODEBOOK)


def test_committed_expansion_uses_only_deductive_categories():
    corpus = load_corpus()
    codebook = v.load_codebook_categories()
    expansion = v.load_guide_expansion(guide=corpus.interview_guide, codebook=codebook)
    kind = dict(zip(codebook["category_id"], codebook["kind"]))
    listed = [c for ids in expansion["category_ids"].dropna() for c in str(ids).split(";")]
    assert listed and all(kind[c] == "deductive" for c in listed)
    used = {q for ids in corpus.sections["guide_questions"] for q in str(ids).split(";")}
    assert used <= set(expansion["question_id"])


def test_weighted_rows_drop_one_off_features_and_fit_idf_on_fit_rows_only():
    evidence = v.build_evidence(
        pd.Series({"a": "kurs kurs politiker", "b": "kurs opplæring"}),
        pd.Series({"1.1": "kurs", "2.1": "politiker samarbeid"}),
        None,
        bigrams=False,
        compounds=False,
    )
    assert evidence.features.tolist() == ["kurs", "opplæring", "politiker", "samarbeid"]
    rows, names = _evidence.weighted_rows(evidence, np.arange(4))
    assert names.tolist() == ["kurs", "politiker"]  # opplæring and samarbeid occur once
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0)
    # Fitted on the profiles only, 'politiker' (in one profile) is dropped as well.
    _, names = _evidence.weighted_rows(evidence, np.arange(2))
    assert names.tolist() == []


def test_softmax_rows_sum_to_one_with_the_fixed_temperature():
    p = _placement.softmax(np.array([[0.1, 0.0, 0.0]]))
    np.testing.assert_allclose(p.sum(), 1.0)
    np.testing.assert_allclose(p[0, 0] / p[0, 1], np.exp(2.0))  # a lead of 0.1 at T=0.05


# --- the real corpus ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    corpus = load_corpus()
    data = v.validation_data(corpus)
    codebook = v.load_codebook_categories()
    expansion = v.load_guide_expansion(guide=corpus.interview_guide, codebook=codebook)
    return corpus, data, codebook, expansion


@pytest.fixture(scope="module")
def steps(real):
    corpus, data, codebook, expansion = real
    return v.ablation_evidence(data, corpus.sections, codebook, expansion)


def test_reference_row_is_read_from_data():
    reference = v.load_placement_reference()
    row = reference.loc["careful reader, text only"]
    assert (row["section_kappa"], row["section_accuracy"], row["rq_kappa"], row["rq_accuracy"]) == (
        0.84,
        0.85,
        0.87,
        0.92,
    )
    assert row["labels"] == "reader" and "interview guide" in row["source"]


def test_bootstrap_scores_of_a_perfect_assignment(real):
    _, data, _, _ = real
    table = v.bootstrap_scores({"perfect": data.printed}, data, n_resamples=50)
    assert table.loc["perfect", ["rq_kappa", "rq_kappa_low", "section_accuracy_high"]].tolist() == [1.0, 1.0, 1.0]


def test_ablation_rows_values_and_determinism(real, steps):
    _, data, _, _ = real
    table = v.placement_ablation(steps, data, n_resamples=200)
    assert list(table.index.get_level_values("evidence").unique()) == [
        "lemmas",
        "+ bigrams, compound parts",
        "+ expanded profiles",
        "+ codebook categories",
    ]
    assert set(table.index.get_level_values("method")) == {"guide_expanded", "ensemble_cv"}
    assert table.loc[("+ expanded profiles", "guide_expanded"), "section_kappa"] == pytest.approx(0.516, abs=5e-4)
    assert table.loc[("+ codebook categories", "ensemble_cv"), "rq_kappa"] == pytest.approx(0.504, abs=5e-4)
    assert (table["rq_kappa_low"] <= table["rq_kappa"]).all() and (table["rq_kappa"] <= table["rq_kappa_high"]).all()
    again = v.placement_ablation(steps, data, n_resamples=200)
    pd.testing.assert_frame_equal(table, again)


def test_nested_c_is_chosen_inside_the_training_folds(real, steps):
    _, data, _, _ = real
    assignment = v.place_out_of_fold(steps["+ codebook categories"], data)
    assert set(assignment.details["c"]) <= set(_placement.C_GRID)
    assert assignment.details["fold"].nunique() == 5
    scores = v.bootstrap_scores({"e": assignment.predicted}, data, n_resamples=10)
    assert scores.loc["e", "rq_kappa"] == pytest.approx(0.626, abs=5e-4)


def test_suggest_placement_top3_with_evidence(real):
    corpus, _, codebook, expansion = real
    quotes = pd.Series({"n1": "Tillitsvalgte kan være pådrivere og et bindeledd mellom medarbeiderne og ledelsen."})
    table = v.suggest_placement(quotes, corpus=corpus, codebook=codebook, expansion=expansion)
    assert table["rank"].tolist() == [1, 2, 3] and set(table["quote"]) == {"n1"}
    assert table.loc[0, "section_id"] == "4.2.1" and table.loc[0, "research_question"] == 2
    assert table["score"].is_monotonic_decreasing
    assert table.loc[0, "evidence"].split(";")[:3] == [
        "tidd_bessant.nokkelpersoner",
        "tema.tillitsvalgtes_rolle",
        "tillitsvalgt",
    ]
    again = v.suggest_placement(quotes, corpus=corpus, codebook=codebook, expansion=expansion)
    pd.testing.assert_frame_equal(table, again)
    with pytest.raises(Exception, match="top"):
        v.suggest_placement(quotes, corpus=corpus, codebook=codebook, expansion=expansion, top=0)


def test_suggestion_hits_on_a_fixture(real):
    _, data, _, _ = real
    ids = data.printed.index
    # Every quote's own section scores 1, another section 0.5: a hit at k=1 for every quote.
    sections = list(data.profiles.index)
    values = np.zeros((len(ids), len(sections)))
    for i, s in enumerate(data.printed):
        values[i, sections.index(s)] = 1.0
        values[i, sections.index(next(x for x in sections if x != s))] = 0.5
    scores = pd.DataFrame(values, index=ids, columns=sections)
    hits = v.suggestion_hits(scores, data, (1, 2), n_resamples=20)
    assert hits["section_hits"].tolist() == [1.0, 1.0] and hits["rq_hits"].tolist() == [1.0, 1.0]
    # Reversed: the own section last; k=1 can still hit through a re-printing's other section.
    hits = v.suggestion_hits(-scores, data, (1,), n_resamples=20)
    assert hits.loc[1, "section_hits"] < 0.1
    assert 0.0 <= hits.loc[1, "section_low"] <= hits.loc[1, "section_hits"] <= hits.loc[1, "section_high"]


def test_suggestion_hits_of_the_committed_guide_scores(steps, real):
    _, data, _, _ = real
    hits = v.suggestion_hits(v.guide_scores(steps["+ codebook categories"]), data, n_resamples=100)
    assert hits.loc[3, "section_hits"] == pytest.approx(0.694, abs=5e-4)
    assert hits.loc[1, "section_hits"] == pytest.approx(0.496, abs=5e-4)


def test_suggest_placement_skips_sections_without_evidence(real):
    corpus, _, codebook, expansion = real
    table = v.suggest_placement(["xyzzy qwerty", ""], corpus=corpus, codebook=codebook, expansion=expansion)
    assert table.empty and list(table.columns)[:3] == ["quote", "rank", "section_id"]


def test_nested_cv_never_sees_the_held_out_fold(real, steps, monkeypatch):
    """Every fit (inner and outer) gets training positions disjoint from the outer test fold."""
    _, data, _, _ = real
    calls: list[tuple[frozenset, frozenset]] = []
    original = _placement.ensemble_probabilities

    def spy(evidence, train, train_labels, test, c):
        calls.append((frozenset(map(int, train)), frozenset(map(int, test))))
        return original(evidence, train, train_labels, test, c)

    monkeypatch.setattr(_placement, "ensemble_probabilities", spy)
    assignment = v.place_out_of_fold(steps["+ expanded profiles"], data)
    folds = assignment.details["fold"].to_numpy()
    outer_tests = [frozenset(np.flatnonzero(folds == k).tolist()) for k in range(5)]
    outer_calls = [call for call in calls if call[1] in outer_tests]
    assert len(outer_calls) == 5 and len(calls) == 5 + 5 * _placement.INNER_FOLDS * len(_placement.C_GRID)
    per_fold = 1 + _placement.INNER_FOLDS * len(_placement.C_GRID)  # inner fits, then the outer fit
    for k in range(5):
        block = calls[k * per_fold : (k + 1) * per_fold]
        outer_train, outer_test = block[-1]
        assert outer_test in outer_tests and not outer_train & outer_test
        for train, test in block[:-1]:  # the inner CV that chooses C: inside the outer training fold
            assert not train & test and (train | test) <= outer_train


def test_cli_rejects_an_unknown_argument(capsys):
    from mdi_analysis.validation._cli import main

    with pytest.raises(SystemExit) as stop:
        main(["placment"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "placement" in err


def test_nested_ensemble_cpu_time_is_bounded(real, steps):
    """Notebook 04 runs the nested CV under nbval: ~2.5 s of CPU here; 20 s means something regressed.

    Process time, all threads: it caught a real regression, where ``guide_scores`` entered
    ``single_thread`` before scikit-learn was imported, so the cached thread controller missed
    scikit-learn's OpenMP pool and every later fit ran multi-threaded (10x the CPU on a loaded
    machine). Runs after the ablation test, which calls ``guide_scores`` first.
    """
    import time

    _, data, _, _ = real
    start = time.process_time()
    v.place_out_of_fold(steps["+ codebook categories"], data)
    assert time.process_time() - start < 20.0


def test_top_confusions_counts_disagreements_most_frequent_first(real):
    _, data, _, _ = real
    predicted = data.printed.copy()
    first_three = predicted.index[predicted == "4.1.4"][:3]
    predicted[first_three] = "4.3.1"
    predicted[predicted.index[predicted == "4.5.3"][:1]] = "4.3.2"
    table = v.top_confusions(predicted, data)
    assert table.to_dict("records") == [
        {"thesis": "4.1.4", "assigned": "4.3.1", "quotes": 3},
        {"thesis": "4.5.3", "assigned": "4.3.2", "quotes": 1},
    ]
    assert v.top_confusions(data.printed, data).empty
