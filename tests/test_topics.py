"""Topic models: determinism, shapes, the k rule, seeded topics, survival, alignment, validation.

Most tests use a synthetic corpus with a known structure (``synthetic``): four topics, each with its
own ten words, and quotes drawn mostly from one topic. What the models must find is therefore known.
A few tests run on the interview corpus itself (re-prints, seeds), with the default parameters.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mdi_analysis import text, topics
from mdi_analysis.errors import OptionError

N_TOPICS = 4
WORDS_PER_TOPIC = 10
DOCS_PER_TOPIC = 30


def synthetic_tokens(
    n_topics: int = N_TOPICS, docs_per_topic: int = DOCS_PER_TOPIC, doc_len: int = 14, noise: float = 0.1, seed: int = 0
) -> tuple[list[list[str]], list[int]]:
    """Token lists of quotes drawn from ``n_topics`` disjoint word sets, plus each quote's topic.

    Each quote takes ``1 - noise`` of its tokens from its own topic's words and the rest from a
    shared pool of generic words (``felles0``…), which occur in quotes of every topic.
    """
    rng = np.random.default_rng(seed)
    words = [[f"tema{t}ord{w}" for w in range(WORDS_PER_TOPIC)] for t in range(n_topics)]
    shared = [f"felles{w}" for w in range(WORDS_PER_TOPIC)]
    docs, truth = [], []
    for t in range(n_topics):
        for _ in range(docs_per_topic):
            n_noise = int(rng.binomial(doc_len, noise))
            tokens = list(rng.choice(words[t], doc_len - n_noise)) + list(rng.choice(shared, n_noise))
            docs.append([str(x) for x in tokens])
            truth.append(t)
    return docs, truth


def synthetic_corpus(**options) -> tuple[topics.TopicCorpus, list[int]]:
    tokens, truth = synthetic_tokens(**options)
    ids = [f"S{i:03d}" for i in range(len(tokens))]
    frame = pd.DataFrame(
        {
            "text": [" ".join(t) for t in tokens],
            "role": ["arbeidsgiver" if i % 2 else "tillitsvalgt" for i in range(len(tokens))],
            "section_id": [f"4.{t + 1}.1" for t in truth],
            "research_question": [t + 1 for t in truth],
        },
        index=pd.Index(ids, name="utterance_id"),
    )
    corpus = topics.build_topic_corpus(frame, min_df=2, max_df=1.0, tokens=tokens)
    return corpus, truth


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_corpus()


@pytest.fixture(scope="module")
def interview_corpus():
    return topics.prepare_corpus()


def topic_of_word(word: str) -> int | None:
    return int(word[4]) if word.startswith("tema") else None


def fake_coding(corpus: topics.TopicCorpus, truth: list[int]) -> SimpleNamespace:
    """A coding result as the coding engine would give it for a codebook with one category per
    synthetic topic (``kat.t<n>`` codes exactly that topic's quotes, matching its first three words)
    and one category (``kat.tilfeldig``) that codes a random third of the quotes."""
    rng = np.random.default_rng(1)
    matrix = pd.DataFrame(
        {f"kat.t{t}": [int(x == t) for x in truth] for t in range(N_TOPICS)}
        | {"kat.tilfeldig": rng.binomial(1, 0.33, len(truth))},
        index=corpus.documents.index,
    )
    evidence = pd.DataFrame(
        [(doc, f"kat.t{t}", f"tema{t}ord{w}") for doc, t in zip(corpus.documents.index, truth) for w in range(3)],
        columns=["utterance_id", "category_id", "normalised"],
    )
    return SimpleNamespace(matrix=matrix, evidence=evidence)


# --- the document-term matrix ------------------------------------------------------------------


def test_document_term_matrix_drops_rare_and_generic_terms():
    docs = pd.Series({"D1": "x", "D2": "x", "D3": "x", "D4": "x"})
    tokens = [["alfa", "beta", "felles"], ["alfa", "felles"], ["gamma", "felles"], ["beta", "felles", "felles"]]
    corpus = topics.build_topic_corpus(docs, min_df=2, max_df=0.75, tokens=tokens)
    assert corpus.vocabulary.tolist() == ["alfa", "beta"]  # gamma: 1 quote; felles: 4 of 4 quotes > 75 %
    assert corpus.counts.toarray().tolist() == [[1, 1], [1, 0], [0, 0], [0, 1]]
    assert corpus.documents["n_terms"].tolist() == [2, 1, 0, 1]


def test_interview_corpus_leaves_reprints_out_of_fitting(interview_corpus):
    corpus = interview_corpus
    assert corpus.n_docs == 113 and len(corpus.reprints) == 8
    assert corpus.reprints["duplicate_of"].notna().all()
    assert not set(corpus.reprints.index) & set(corpus.documents.index)
    assert set(corpus.reprints["duplicate_of"]) <= set(corpus.documents.index)
    assert corpus.reprint_counts.shape == (8, corpus.n_terms)
    # default max_df removes the words every topic would share, keeps tillitsvalgt and tid
    vocabulary = set(corpus.vocabulary)
    assert {"få", "god", "ting", "kommune"}.isdisjoint(vocabulary)
    assert {"tillitsvalgt", "tid", "trepartssamarbeid"} <= vocabulary
    included = topics.prepare_corpus(include_reprints=True)
    assert included.n_docs == 121 and len(included.reprints) == 0


def test_a_corpus_folder_without_research_questions_is_described(tmp_path):
    """corpus_dir: a researcher's own corpus may have sections without research questions."""
    import csv
    import shutil

    from mdi_analysis import paths

    folder = tmp_path / "corpus"
    shutil.copytree(paths.data_dir() / "corpus", folder)
    with open(folder / "sections.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["research_question"] = ""
    (folder / "research_questions.csv").unlink()
    with open(folder / "sections.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    corpus = topics.prepare_corpus(folder)
    assert corpus.n_docs == 113 and corpus.documents["research_question"].isna().all()
    model = topics.fit_topics(corpus, "nmf", 3, seed=0)
    assert list(topics.prevalence(model, corpus, "research_question").columns) == ["–", "alle"]
    assert list(topics.section_agreement(model, corpus).index) == ["section_id"]
    assert topics.topic_counts_by(model, corpus).loc["sum", "sum"] == 113


# --- fitting: determinism and shapes -----------------------------------------------------------


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_same_seed_gives_identical_model(synthetic, method):
    corpus, _ = synthetic
    a = topics.fit_topics(corpus, method, 4, seed=3)
    b = topics.fit_topics(corpus, method, 4, seed=3)
    assert np.array_equal(a.topic_word, b.topic_word)
    assert np.array_equal(a.doc_topic, b.doc_topic)
    assert a.labels == b.labels


def test_seeded_same_seed_gives_identical_model(synthetic):
    corpus, _ = synthetic
    seeds = {"kat.t0": ["tema0ord0", "tema0ord1"]}
    a = topics.fit_seeded(corpus, seeds, seed=2)
    b = topics.fit_seeded(corpus, seeds, seed=2)
    assert np.array_equal(a.topic_word, b.topic_word) and np.array_equal(a.doc_topic, b.doc_topic)


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_model_shapes_normalisation_and_order(synthetic, method):
    corpus, _ = synthetic
    model = topics.fit_topics(corpus, method, 5, seed=0)
    assert model.topic_word.shape == (5, corpus.n_terms)
    assert model.doc_topic.shape == (corpus.n_docs, 5)
    np.testing.assert_allclose(model.topic_word.sum(axis=1), 1.0)
    np.testing.assert_allclose(model.doc_topic.sum(axis=1), 1.0)
    assert model.labels == ("T1", "T2", "T3", "T4", "T5")
    prevalence = model.doc_topic.sum(axis=0)
    assert np.all(np.diff(prevalence) <= 1e-9), "topics are ordered by prevalence"
    assert model.dominant_topic().index.equals(corpus.documents.index)


def test_nmf_recovers_the_synthetic_topics(synthetic):
    corpus, truth = synthetic
    model = topics.fit_topics(corpus, "nmf", N_TOPICS, seed=0)
    for terms in model.top_terms(WORDS_PER_TOPIC):
        assert len({topic_of_word(w) for w in terms[:8]}) == 1, terms  # each topic is one word set
    dominant = model.dominant_topic()
    agreement = topics.section_agreement(model, corpus)
    assert agreement.loc["research_question", "ari"] == pytest.approx(1.0)
    assert dominant.nunique() == N_TOPICS


def test_empty_document_has_no_topic():
    docs = pd.Series({f"D{i}": "x" for i in range(6)})
    tokens = [["a", "b"], ["a", "b"], ["c", "d"], ["c", "d"], [], ["a", "c"]]
    corpus = topics.build_topic_corpus(docs, min_df=2, max_df=1.0, tokens=tokens)
    for method in ("nmf", "lda"):
        model = topics.fit_topics(corpus, method, 2, seed=0)
        assert model.doc_topic[4].sum() == 0
        assert pd.isna(model.dominant_topic()["D4"])


# --- coherence, matching, stability, the k rule ------------------------------------------------


def test_npmi_is_one_for_words_always_together_and_minus_one_for_never():
    docs = pd.Series({f"D{i}": "x" for i in range(4)})
    tokens = [["a", "b"], ["a", "b"], ["c"], ["c", "d"]]
    corpus = topics.build_topic_corpus(docs, min_df=1, max_df=1.0, tokens=tokens)
    index = corpus.term_index()
    together = np.zeros((1, corpus.n_terms))
    together[0, [index["a"], index["b"]]] = [0.6, 0.4]
    never = np.zeros((1, corpus.n_terms))
    never[0, [index["a"], index["d"]]] = [0.6, 0.4]
    assert topics.npmi_coherence(together, corpus, n_top=2)[0] == pytest.approx(1.0)
    assert topics.npmi_coherence(never, corpus, n_top=2)[0] == pytest.approx(-1.0)


def test_match_topics_undoes_a_permutation():
    rng = np.random.default_rng(0)
    a = rng.random((4, 30))
    permutation = np.array([2, 0, 3, 1])
    partner, similarity = topics.match_topics(a, a[permutation])
    assert np.array_equal(permutation[partner], np.arange(4))
    np.testing.assert_allclose(similarity, 1.0)
    assert topics.stability([a, a[permutation], a]) == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), k=st.integers(2, 8), n_terms=st.integers(8, 40), seed=st.integers(0, 2**32 - 1))
def test_match_topics_matches_a_permuted_topic_matrix_back(data, k, n_terms, seed):
    """Any permutation of a topic matrix is matched back to the identity, each topic to itself."""
    topic_word = np.random.default_rng(seed).dirichlet(np.full(n_terms, 0.3), size=k)
    permutation = np.array(data.draw(st.permutations(range(k))))
    partner, similarity = topics.match_topics(topic_word, topic_word[permutation])
    assert np.array_equal(permutation[partner], np.arange(k))
    np.testing.assert_allclose(similarity, 1.0)


@settings(max_examples=100, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 6), st.integers(1, 12)).flatmap(
        lambda shape: st.tuples(*(arrays(np.float64, shape, elements=st.floats(0, 1)) for _ in range(2)))
    )
)
def test_matched_similarity_of_topic_matrices_is_between_zero_and_one(shape):
    a, b = shape
    partner, similarity = topics.match_topics(a, b)
    assert sorted(partner.tolist()) == list(range(a.shape[0]))  # one to one
    assert np.all(similarity >= -1e-12) and np.all(similarity <= 1 + 1e-12)


def test_select_k_most_stable_coherent_k_and_the_largest_of_equally_stable():
    table = pd.DataFrame(
        {"stability": [0.90, 0.99, 0.98, 0.70, 1.00], "coherence": [0.30, 0.10, 0.20, 0.50, -0.05]},
        index=pd.Index([3, 4, 5, 6, 7], name="k"),
    )
    assert topics.select_k(table) == 5  # 7 is incoherent; 4 and 5 are equally stable (within 0.02): the larger
    assert topics.select_k(table, tolerance=0.0) == 4
    assert topics.select_k(table, min_coherence=-1.0) == 7
    incoherent = pd.DataFrame({"stability": [0.8, 0.9], "coherence": [-0.1, -0.2]}, index=pd.Index([3, 4], name="k"))
    assert topics.select_k(incoherent) == 4  # nothing is coherent: stability alone decides
    with pytest.raises(ValueError, match="tolerance"):
        topics.select_k(table, tolerance=1.5)


def test_k_scan_finds_the_known_number_of_topics(synthetic):
    corpus, _ = synthetic
    scan = topics.scan_k(corpus, "nmf", ks=range(2, 8), seed=0)
    assert scan.chosen_k == N_TOPICS
    assert topics.scan_k(corpus, "lda", ks=range(3, 6), seed=0).chosen_k == N_TOPICS
    assert scan.table.loc[N_TOPICS, "stability"] > 0.99
    assert (scan.table.loc[N_TOPICS + 1 :, "stability"] < 0.9).all()  # splitting a real topic is arbitrary
    assert scan.seeds == (0, 1, 2, 3, 4)
    assert len(scan.runs(N_TOPICS)) == 5
    stability = topics.topic_stability(scan.runs(N_TOPICS))
    assert list(stability.columns) == ["seed 1", "seed 2", "seed 3", "seed 4", "mean", "min"]
    assert (stability["min"] > 0.99).all()
    assert topics.resolve_k("auto", scan) == N_TOPICS and topics.resolve_k(6, scan) == 6


def test_k_scan_is_deterministic(synthetic):
    corpus, _ = synthetic
    a = topics.scan_k(corpus, "lda", ks=(3, 4), seed=7, n_seeds=2).table
    b = topics.scan_k(corpus, "lda", ks=(3, 4), seed=7, n_seeds=2).table
    pd.testing.assert_frame_equal(a, b)


# --- seeded topics and survival ----------------------------------------------------------------


def test_seeded_topic_keeps_its_seed_words(synthetic):
    corpus, _ = synthetic
    seeds = {"kat.t0": ["tema0ord0", "tema0ord1", "tema0ord2"], "kat.t2": ["tema2ord5", "tema2ord6"]}
    model = topics.fit_seeded(corpus, seeds, n_residual=2, seed=0)
    assert model.labels == ("kat.t0", "kat.t2", "rest1", "rest2")
    top = dict(zip(model.labels, model.top_terms(WORDS_PER_TOPIC), strict=True))
    assert set(seeds["kat.t0"]) <= set(top["kat.t0"])
    assert set(seeds["kat.t2"]) <= set(top["kat.t2"])
    assert {topic_of_word(w) for w in top["kat.t0"][:8]} == {0}  # the seeds pulled in their topic's words
    survival = topics.seeded_survival(model)
    assert survival["survived"].all()
    assert survival.loc["kat.t0", "seeds_in_top"] == 3


def test_seeded_topic_with_words_of_two_topics_does_not_survive(synthetic):
    corpus, _ = synthetic
    seeds = {"kat.blanding": ["tema0ord0", "tema1ord0", "tema2ord0", "tema3ord0"]}
    model = topics.fit_seeded(corpus, seeds, n_residual=3, seed=0)
    survival = topics.seeded_survival(model)
    # one seed word from each of four topics: the data pull the topic towards one of them
    assert survival.loc["kat.blanding", "seeds_in_top"] < 2
    assert not survival.loc["kat.blanding", "survived"]


def _handmade_model(
    topic_word: np.ndarray, labels: tuple[str, ...], seeds: dict[str, tuple[str, ...]]
) -> topics.TopicModel:
    vocabulary = np.array([f"w{i:02d}" for i in range(topic_word.shape[1])])
    return topics.TopicModel(
        method="seeded_nmf",
        k=len(labels),
        seed=0,
        topic_word=topic_word / topic_word.sum(axis=1, keepdims=True),
        doc_topic=np.full((3, len(labels)), 1 / len(labels)),
        labels=labels,
        vocabulary=vocabulary,
        doc_ids=pd.Index(["D1", "D2", "D3"]),
        n_iter=1,
        converged=True,
        seeds=seeds,
    )


def test_survival_criterion_on_a_handmade_model():
    v = 30
    tw = np.full((4, v), 0.01)
    tw[0, 0:10] = np.linspace(1.0, 0.5, 10)  # "keeps": seeds w00, w01 are its top words
    tw[1, 10:20] = np.linspace(1.0, 0.5, 10)  # "lost": seeds w25..w27 are not among its top 10
    tw[2, 0:10] = np.linspace(1.0, 0.5, 10)  # "copy": keeps its seeds but duplicates "keeps"
    tw[2, 2] = 1.2
    tw[3, 20:30] = np.linspace(1.0, 0.5, 10)  # "half": 2 of 3 seeds on top -> kept (ceil(3/2) = 2)
    seeds = {"keeps": ("w00", "w01"), "lost": ("w25", "w26", "w27"), "copy": ("w02",), "half": ("w20", "w21", "w05")}
    survival = topics.seeded_survival(_handmade_model(tw, ("keeps", "lost", "copy", "half"), seeds))
    assert survival["kept"].to_dict() == {"keeps": True, "lost": False, "copy": True, "half": True}
    assert survival["distinct"].to_dict() == {"keeps": False, "lost": True, "copy": False, "half": True}
    assert survival["survived"].to_dict() == {"keeps": False, "lost": False, "copy": False, "half": True}
    assert survival.loc["keeps", "closest"] == "copy"
    assert survival.loc["half", "seeds_in_top"] == 2


def test_survival_across_seeds_counts_runs(synthetic):
    corpus, _ = synthetic
    seeds = {"kat.t1": ["tema1ord0", "tema1ord1"]}
    runs = topics.seeded_runs(corpus, seeds, seed=0, n_seeds=3)
    table = topics.survival_across_seeds(runs)
    assert table.loc["kat.t1", "runs_survived"] == 3
    assert table.loc["all topics", "share"] == pytest.approx(1.0)
    assert [m.seed for m in runs] == [0, 1, 2]


def test_seed_table_gives_each_term_to_one_category_and_drops_overlaps(synthetic):
    corpus, truth = synthetic
    coding = fake_coding(corpus, truth)
    categories = pd.DataFrame(
        {
            "category_id": ["kat.t0", "kat.t1", "kat.t2", "kat.t3", "kat.kopi", "kat.delvis", "kat.tilfeldig"],
            "framework_id": ["kat"] * 7,
            "category": ["A", "B", "C", "D", "Kopi", "Delvis", "Tilfeldig"],
        }
    )
    extra = [
        # kat.kopi matches only words kat.t0 already owns: dropped, not seeded with shared words
        ("S000", "kat.kopi", "tema0ord0"),
        ("S000", "kat.kopi", "tema0ord1"),
        # kat.delvis shares one of three words: seeded with the two it owns alone
        ("S001", "kat.delvis", "tema1ord0"),
        ("S001", "kat.delvis", "tema1ord7"),
        ("S001", "kat.delvis", "tema1ord8"),
        # a phrase pattern is never a seed
        ("S002", "kat.t2", "tema2ord9 tema2ord8"),
    ]
    coding.evidence = pd.concat(
        [coding.evidence, pd.DataFrame(extra, columns=["utterance_id", "category_id", "normalised"])], ignore_index=True
    )
    coding.evidence["pattern"] = coding.evidence["normalised"]
    coding.matrix["kat.kopi"] = coding.matrix["kat.t0"]
    coding.matrix["kat.delvis"] = coding.matrix["kat.t1"].to_numpy()[::-1]
    table = topics.seed_table(corpus, categories, frameworks="all", min_docs=5, coding=coding).set_index("category_id")
    assert table.loc["kat.t0", "selected"]
    assert set(table.loc["kat.t0", "seed_terms"].split(";")) == {"tema0ord0", "tema0ord1", "tema0ord2"}
    assert set(table.loc["kat.t2", "seed_terms"].split(";")) == {"tema2ord0", "tema2ord1", "tema2ord2"}
    assert not table.loc["kat.kopi", "selected"] and "kat.t0" in table.loc["kat.kopi", "reason"]
    assert table.loc["kat.delvis", "selected"]
    assert set(table.loc["kat.delvis", "seed_terms"].split(";")) == {"tema1ord7", "tema1ord8"}
    assert not table.loc["kat.tilfeldig", "selected"]  # codes quotes but matched no term
    seeds = topics.seeds_from_table(table.reset_index())
    terms = [t for ts in seeds.values() for t in ts]
    assert len(terms) == len(set(terms))


def test_interview_seeds_are_disjoint_and_in_vocabulary(interview_corpus):
    from mdi_analysis.io._codebook import load_codebook

    table = topics.seed_table(interview_corpus, load_codebook().categories)
    assert table["category_id"].str.startswith("tema.").all()
    assert table["selected"].sum() >= 5
    assert (table.loc[table["selected"], "n_docs"] >= topics.DEFAULT_MIN_SEED_DOCS).all()
    seeds = topics.seeds_from_table(table)
    terms = [t for ts in seeds.values() for t in ts]
    assert len(terms) == len(set(terms)) and set(terms) <= set(interview_corpus.vocabulary)


# --- alignment and description -----------------------------------------------------------------


def test_alignment_matches_each_topic_to_its_category(synthetic):
    corpus, truth = synthetic
    model = topics.fit_topics(corpus, "nmf", N_TOPICS, seed=0)
    coding = fake_coding(corpus, truth)
    names = pd.Series({f"kat.t{t}": f"Kategori {t}" for t in range(N_TOPICS)})
    table = topics.align_topics(model, coding, names)
    for label, terms in zip(model.labels, model.top_terms(3), strict=True):
        expected = f"kat.t{topic_of_word(terms[0])}"
        assert table.loc[label, "category_id"] == expected
        assert table.loc[label, "category"] == names[expected]
        assert table.loc[label, "r"] > 0.9 and table.loc[label, "term_cosine"] > 0.5
        assert table.loc[label, "aligned"]
    assert table.attrs["n_tests"] == N_TOPICS * 5
    summary = topics.alignment_summary(table, model)
    assert summary["aligned with a category"] == N_TOPICS


def test_a_topic_no_category_describes_is_not_aligned(synthetic):
    corpus, truth = synthetic
    model = topics.fit_topics(corpus, "nmf", N_TOPICS, seed=0)
    coding = fake_coding(corpus, truth)
    coding.matrix = coding.matrix.drop(columns="kat.t2")  # the codebook does not name topic 2
    table = topics.align_topics(model, coding)
    unnamed = [
        label for label, terms in zip(model.labels, model.top_terms(1), strict=True) if topic_of_word(terms[0]) == 2
    ]
    assert not table.loc[unnamed[0], "aligned"]
    assert table["aligned"].sum() == N_TOPICS - 1


def test_critical_r_matches_the_t_distribution():
    # n = 113 quotes, one test: the textbook two-sided 5 % critical r is about 0.185
    assert topics.critical_r(113, 1) == pytest.approx(0.185, abs=0.001)
    assert topics.critical_r(113, 200) > topics.critical_r(113, 1)


def test_prevalence_and_counts_by_group(synthetic):
    corpus, _ = synthetic
    model = topics.fit_topics(corpus, "nmf", N_TOPICS, seed=0)
    by_rq = topics.prevalence(model, corpus, "research_question")
    assert list(by_rq.columns) == ["1", "2", "3", "4", "alle"]
    np.testing.assert_allclose(by_rq.sum(axis=0), 1.0)
    assert (by_rq.drop(columns="alle").max(axis=0) > 0.85).all()  # each question is one topic
    by_role = topics.prevalence(model, corpus, "role")
    assert list(by_role.columns) == ["arbeidsgiver", "tillitsvalgt", "alle"]
    counts = topics.topic_counts_by(model, corpus, "research_question")
    assert counts.loc["sum", "sum"] == corpus.n_docs


def test_representative_quotes_are_the_strongest_and_sorted(synthetic):
    corpus, _ = synthetic
    model = topics.fit_topics(corpus, "nmf", N_TOPICS, seed=0)
    quotes = topics.representative_quotes(model, corpus, n=3)
    assert len(quotes) == 3 * N_TOPICS
    for label in model.labels:
        shares = quotes.loc[label, "share"].to_numpy()
        assert np.all(np.diff(shares) <= 0)
        t = model.labels.index(label)
        assert shares[0] == pytest.approx(model.doc_topic[:, t].max())


def test_reprint_lands_in_the_topic_of_its_first_printing(synthetic):
    corpus, _ = synthetic
    model = topics.fit_topics(corpus, "nmf", N_TOPICS, seed=0)
    reprints = pd.DataFrame({"duplicate_of": ["S005", "S100"]}, index=pd.Index(["R1", "R2"], name="utterance_id"))
    with_reprints = topics.TopicCorpus(
        corpus.dfm,
        corpus.normaliser,
        corpus.min_df,
        corpus.max_df,
        reprint_dfm=text.DocumentFeatureMatrix(corpus.counts[[5, 100]], corpus.vocabulary, reprints),
    )
    check = topics.reprint_check(model, with_reprints)
    assert check["same"].all()
    np.testing.assert_allclose(check["similarity"], 1.0, atol=1e-3)


def test_tables_are_identical_on_rerun(synthetic):
    corpus, truth = synthetic
    coding = fake_coding(corpus, truth)
    first = [topics.fit_topics(corpus, "lda", N_TOPICS, seed=1) for _ in range(2)]
    pd.testing.assert_frame_equal(topics.align_topics(first[0], coding), topics.align_topics(first[1], coding))
    pd.testing.assert_frame_equal(topics.topic_overview(first[0], corpus), topics.topic_overview(first[1], corpus))


def test_figure_data_and_figures(synthetic):
    import matplotlib

    matplotlib.use("Agg")
    corpus, truth = synthetic
    scan = topics.scan_k(corpus, "nmf", ks=(3, 4), seed=0, n_seeds=2)
    data = topics.k_scan_plot_data([scan])
    assert len(data) == 4 and set(data["measure"]) == {"coherence", "stability"}
    assert data.loc[data["chosen"], "k"].unique().tolist() == [scan.chosen_k]
    model = scan.runs(scan.chosen_k)[0]
    matrix = topics.alignment_matrix(model, fake_coding(corpus, truth))
    assert matrix.shape == (model.k, 5)
    for figure in (
        topics.plot_k_scan([scan]),
        topics.plot_alignment(matrix),
        topics.plot_prevalence(
            topics.prevalence(model, corpus, "role"), topics.prevalence(model, corpus, "research_question")
        ),
    ):
        assert figure.axes
        matplotlib.pyplot.close(figure)


# --- parameter validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: topics.fit_topics(c, "pca", 4, 0), "unknown method 'pca'; valid: 'nmf', 'lda'"),
        (lambda c: topics.scan_k(c, "pca", ks=(3, 4)), "unknown method 'pca'"),
        (lambda c: topics.fit_topics(c, "nmf", 1, 0), "k must be a number of topics .* from 2 to"),
        (lambda c: topics.fit_topics(c, "nmf", 10_000, 0), "from 2 to"),
        (lambda c: topics.fit_topics(c, "nmf", "5", 0), "k must be a number of topics"),
        (lambda c: topics.fit_topics(c, "nmf", 4, -1), "seed must be an integer >= 0"),
        (lambda c: topics.fit_topics(c, "nmf", 4, 1.5), "seed must be an integer"),
        (lambda c: topics.fit_topics(c, "nmf", 4, True), "seed must be an integer"),
        (lambda c: topics.scan_k(c, "nmf", ks=(4,)), "at least two distinct values"),
        (lambda c: topics.scan_k(c, "nmf", ks=(3, 3)), "at least two distinct values"),
        (lambda c: topics.scan_k(c, "nmf", ks=(3, 4), n_seeds=1), "n_seeds"),
        (lambda c: topics.fit_seeded(c, {}), "seeds is empty"),
        (lambda c: topics.fit_seeded(c, {"kat.x": ["finnesikke"]}), "in the vocabulary"),
        (lambda c: topics.fit_seeded(c, {"kat.x": "tema0ord0"}), "list of terms"),
        (lambda c: topics.fit_seeded(c, {"kat.x": ["tema0ord0"]}, n_residual=-1), "n_residual"),
        (lambda c: topics.fit_seeded(c, {"kat.x": ["tema0ord0"]}, epsilon=0), "epsilon"),
        (lambda c: topics.prevalence(topics.fit_topics(c, "nmf", 3, 0), c, "kommune"), "unknown by 'kommune'"),
        (lambda c: topics.topic_counts_by(topics.fit_topics(c, "nmf", 3, 0), c, "kommune"), "unknown by"),
        (lambda c: topics.representative_quotes(topics.fit_topics(c, "nmf", 3, 0), c, n=0), "n must be"),
        (lambda c: topics.resolve_k("mange", None), 'must be "auto"'),
        (lambda c: topics.resolve_k("auto", None), "needs a k scan"),
        (lambda c: topics.seed_sequence(-2), "seed must be an integer >= 0"),
        (lambda c: topics.seed_table(c, pd.DataFrame({"framework_id": []}), min_docs=0), "min_docs"),
    ],
)
def test_invalid_parameters_fail_with_a_clear_message(synthetic, call, message):
    corpus, _ = synthetic
    with pytest.raises(OptionError, match=message):
        call(corpus)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min_df": 0}, r"min_df must be an integer \(a number of documents\) >= 1"),
        ({"min_df": 2.5}, "min_df must be an integer"),
        ({"max_df": 0}, r"max_df must be a share of the documents in \(0, 1\]"),
        ({"max_df": 1.5}, r"max_df must be a share"),
        ({"normaliser": "snowball"}, "unknown normaliser 'snowball'"),
        ({"min_df": 500}, "no term occurs in at least 500"),
    ],
)
def test_invalid_corpus_options_fail_with_a_clear_message(options, message):
    tokens, _ = synthetic_tokens(docs_per_topic=3)
    docs = pd.Series({f"D{i}": "x" for i in range(len(tokens))})
    with pytest.raises(ValueError, match=message):  # OptionError, or the text layer's ValueError
        topics.build_topic_corpus(docs, tokens=tokens, **options)


def test_no_selected_seed_is_a_clear_error(interview_corpus):
    from mdi_analysis.io._codebook import load_codebook

    table = topics.seed_table(interview_corpus, load_codebook().categories, frameworks="t_forma")
    assert not table["selected"].any()
    with pytest.raises(ValueError, match="no codebook category was selected"):
        topics.seeds_from_table(table)


def test_seed_table_rejects_unknown_framework(interview_corpus):
    from mdi_analysis.io._codebook import load_codebook

    with pytest.raises(ValueError, match="unknown framework"):
        topics.seed_table(interview_corpus, load_codebook().categories, frameworks="freud")
