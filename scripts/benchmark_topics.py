"""Benchmark and evaluation of the topic models (mdi_analysis.topics).

Three parts, each printing Markdown tables that docs/topics.md quotes:

``--benchmark`` (default): fit time and peak memory of each model on the corpus replicated x1,
x100 and x1000. Every (factor, case) runs in a fresh subprocess so that one case's memory high-water
mark cannot hide another's. Cases: ``prepare`` (tokenise, lemmatise, stop words, document-term
matrix), ``nmf`` and ``lda`` (k = 5, one seed), ``seeded`` (the codebook-seeded NMF, the notebook's
default seeds) and ``scan`` (the notebook's NMF k scan: k = 3..10, 5 seeds each, only with
``--scan-factors``). ``min_df`` is multiplied by the factor, so every factor has the same vocabulary
as the real corpus and the replicated matrix is the real one repeated. Peak memory is the largest
resident set size (``/proc/self/statm``, sampled every 5 ms) during the fit, minus the resident set
just before it: what the fit itself needs on top of the data.

``--compare-seeded``: the experiment behind the choice of the seeded model. scikit-learn NMF with
``init='custom'`` against tomotopy's ``LDAModel`` with ``set_word_prior`` (seededlda-style priors),
on this corpus, with the notebook's seed categories, 5 seeds each: seeded topics that survive
(kept their seed words and stayed distinct, as ``topics.seeded_survival`` defines it), determinism
(same seed twice -> identical topic-word matrix), stability of seeded topics across seeds, fit
time. tomotopy is imported only here and only for this part; without it the tomotopy rows are
skipped with a message.

``--check-lda``: LDA with ``LDA_MAX_ITER`` passes against 300 passes (matched cosine of the topics),
the evidence for the default number of passes.

Usage: python scripts/benchmark_topics.py [--benchmark] [--factors 1 100 1000] [--scan-factors 1]
       [--compare-seeded] [--check-lda]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd

from mdi_analysis import stats, topics
from mdi_analysis.corpus import load_corpus
from mdi_analysis.io._codebook import load_codebook

CASES = ("prepare", "nmf", "lda", "seeded", "scan")
K = 5


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRSS:
    """Largest resident set size while the block runs, sampled by a background thread."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.peak = 0
        self.start = 0
        self._stop = threading.Event()

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRSS:
        self.start = self.peak = _rss_bytes()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())


def replicated_corpus(factor: int) -> SimpleNamespace:
    """The corpus with every utterance repeated ``factor`` times (new ids, re-print links kept)."""
    corpus = load_corpus()
    frames = []
    for rep in range(factor):
        frame = corpus.utterances.copy()
        suffix = f"-r{rep:04d}"
        frame["utterance_id"] = frame["utterance_id"] + suffix
        frame["duplicate_of"] = frame["duplicate_of"].where(
            frame["duplicate_of"].isna(), frame["duplicate_of"] + suffix
        )
        frames.append(frame)
    return SimpleNamespace(utterances=pd.concat(frames, ignore_index=True), sections=corpus.sections)


def default_seeds() -> dict[str, list[str]]:
    """The notebook's default seeds, chosen on the real corpus (replication does not change them)."""
    corpus = topics.prepare_corpus()
    return topics.seeds_from_table(topics.seed_table(corpus, load_codebook().categories))


def run_case(case: str, factor: int) -> dict[str, object]:
    """One measurement, in this process (called in a fresh subprocess by ``benchmark``)."""
    source = replicated_corpus(factor)
    min_df = topics.DEFAULT_MIN_DF * factor
    seeds = default_seeds() if case == "seeded" else None
    topics.prepare_corpus(load_corpus(), min_df=topics.DEFAULT_MIN_DF)  # warm the lemmatiser's caches
    if case == "prepare":
        with PeakRSS() as memory:
            start = time.perf_counter()
            corpus = topics.prepare_corpus(source, min_df=min_df)
            seconds = time.perf_counter() - start
    else:
        corpus = topics.prepare_corpus(source, min_df=min_df)
        base = topics.prepare_corpus()
        for method in ("nmf", "lda"):  # import and initialise scikit-learn outside the timing
            topics.fit_topics(base, method, 3, 0)
        with PeakRSS() as memory:
            start = time.perf_counter()
            if case in ("nmf", "lda"):
                model = topics.fit_topics(corpus, case, K, 0)
            elif case == "seeded":
                model = topics.fit_seeded(corpus, seeds, seed=0)
            elif case == "scan":
                model = None
                topics.scan_k(corpus, "nmf", seed=0)
            else:
                raise ValueError(f"unknown case {case!r}")
            seconds = time.perf_counter() - start
        if model is not None:
            # Same model on the real corpus: replication should not change the topics.
            reference = (
                topics.fit_seeded(base, seeds, seed=0) if case == "seeded" else topics.fit_topics(base, case, K, 0)
            )
            same_vocabulary = np.array_equal(reference.vocabulary, model.vocabulary)
            agreement = float(topics.topic_stability([reference, model])["mean"].mean()) if same_vocabulary else None
    return {
        "case": case,
        "factor": factor,
        "docs": corpus.n_docs,
        "terms": corpus.n_terms,
        "occurrences": int(corpus.counts.sum()),
        "seconds": seconds,
        "peak_mb": (memory.peak - memory.start) / 2**20,
        "rss_mb": memory.peak / 2**20,
        "agreement": agreement if case not in ("prepare", "scan") else None,
    }


def benchmark(factors: list[int], scan_factors: list[int], repeat: int) -> None:
    rows = []
    plan = [(case, f) for f in factors for case in CASES if case != "scan"] + [("scan", f) for f in scan_factors]
    for case, factor in plan:
        runs = []
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--case", case, "--factor", str(factor)],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: r["seconds"])
        best["peak_mb"] = max(r["peak_mb"] for r in runs)
        best["rss_mb"] = max(r["rss_mb"] for r in runs)
        rows.append(best)
        print(
            f"  {case:8} x{factor:<5} {best['seconds']:8.2f} s  peak +{best['peak_mb']:.0f} MB",
            file=sys.stderr,
            flush=True,
        )
    print(
        f"Machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"BLAS/OpenMP limited to 1 thread during fits; fastest of {repeat} run(s), memory: largest of them.\n"
    )
    print(
        "| case | factor | quotes fitted | terms | term occurrences | fit time (s) | peak memory of the fit (MB) | "
        "process RSS at peak (MB) | topics vs. x1 (cosine) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        agreement = "–" if r.get("agreement") is None else f"{r['agreement']:.3f}"
        print(
            f"| {r['case']} | x{r['factor']} | {r['docs']:,} | {r['terms']} | {r['occurrences']:,} | "
            f"{r['seconds']:.2f} | {r['peak_mb']:.0f} | {r['rss_mb']:.0f} | {agreement} |"
        )


# --------------------------------------------------------------------------------------------
# Seeded model: scikit-learn NMF (init='custom') against tomotopy's seeded LDA
# --------------------------------------------------------------------------------------------


def _tomotopy_topic_word(
    corpus: topics.TopicCorpus,
    seeds: dict[str, list[str]],
    seed: int,
    prior: float,
    n_residual: int,
    iterations: int,
    alpha: float,
    beta: float,
):
    """tomotopy LDA with seed-word priors; returns (topic-word over corpus.vocabulary, seconds).

    seededlda-style priors: a seed word gets ``prior`` for its own topic and ``beta`` for every
    other topic; other words get ``beta`` everywhere. Documents without terms are not added, since
    tomotopy 0.14 skips them silently (and the document indices would shift). Document-topic shares
    are read by iterating over ``mdl.docs``, because ``mdl.docs[i]`` fails for i > 0 in 0.14.0.
    """
    import tomotopy as tp

    k = len(seeds) + n_residual
    model = tp.LDAModel(k=k, alpha=alpha, eta=beta, seed=seed, min_cf=0, min_df=0, rm_top=0)
    vocabulary = corpus.vocabulary
    for row in range(corpus.n_docs):
        start, end = corpus.counts.indptr[row], corpus.counts.indptr[row + 1]
        words = [
            vocabulary[j]
            for j, c in zip(corpus.counts.indices[start:end], corpus.counts.data[start:end])
            for _ in range(int(c))
        ]
        if words:
            model.add_doc(words)
    for topic, terms in enumerate(seeds.values()):
        for word in terms:
            model.set_word_prior(word, [prior if t == topic else beta for t in range(k)])
    began = time.perf_counter()
    model.train(iterations, workers=1)
    seconds = time.perf_counter() - began
    index = corpus.term_index()
    columns = np.array([index[w] for w in model.used_vocabs])
    topic_word = np.zeros((k, corpus.n_terms))
    for topic in range(k):
        topic_word[topic, columns] = model.get_topic_word_dist(topic)
    _ = [doc.get_topic_dist() for doc in model.docs]  # the 0.14.0 workaround, exercised
    return topic_word, seconds


def _as_model(
    topic_word: np.ndarray, corpus: topics.TopicCorpus, seeds: dict[str, list[str]], seed: int
) -> topics.TopicModel:
    labels = tuple(seeds) + tuple(f"rest{i + 1}" for i in range(topic_word.shape[0] - len(seeds)))
    return topics.TopicModel(
        method="tomotopy",
        k=topic_word.shape[0],
        seed=seed,
        topic_word=topic_word,
        doc_topic=np.zeros((corpus.n_docs, topic_word.shape[0])),
        labels=labels,
        vocabulary=corpus.vocabulary,
        doc_ids=corpus.documents.index,
        n_iter=0,
        converged=True,
        seeds={k: tuple(v) for k, v in seeds.items()},
    )


def _summarise(
    name: str, models: list[topics.TopicModel], seconds: list[float], identical: bool | None
) -> dict[str, object]:
    survival = [int(topics.seeded_survival(m)["survived"].sum()) for m in models]
    in_top = [float(topics.seeded_survival(m)["seeds_in_top"].mean()) for m in models]
    stab = topics.topic_stability(models)
    seeded_rows = [label for label in models[0].labels if label in models[0].seeds]
    return {
        "candidate": name,
        "survived": f"{min(survival)}–{max(survival)}" if min(survival) != max(survival) else str(survival[0]),
        "mean": statistics.mean(survival),
        "seeds_in_top": statistics.mean(in_top),
        "stability": float(stab.loc[seeded_rows, "mean"].mean()),
        "deterministic": "–" if identical is None else ("yes" if identical else "no"),
        "seconds": statistics.median(seconds),
    }


def compare_seeded(n_seeds: int = topics.N_STABILITY_SEEDS, n_residual: int = topics.DEFAULT_RESIDUAL_TOPICS) -> None:
    corpus = topics.prepare_corpus()
    seeds = topics.seeds_from_table(topics.seed_table(corpus, load_codebook().categories))
    total = int(corpus.counts.sum())
    print(
        f"Corpus: {corpus.n_docs} quotes, {corpus.n_terms} terms, {total} term occurrences; "
        f"{len(seeds)} seeded topics + {n_residual} residual; {n_seeds} seeds each.\n"
    )
    rows = []
    for epsilon in sorted({1e-9, topics.SEED_EPSILON, 1e-3, 1e-2}):
        models, seconds = [], []
        for s in range(n_seeds):
            began = time.perf_counter()
            models.append(topics.fit_seeded(corpus, seeds, seed=s, epsilon=epsilon, n_residual=n_residual))
            seconds.append(time.perf_counter() - began)
        again = topics.fit_seeded(corpus, seeds, seed=0, epsilon=epsilon, n_residual=n_residual)
        identical = bool(np.array_equal(models[0].topic_word, again.topic_word))
        rows.append(_summarise(f"sklearn NMF init='custom', ε = {epsilon:g}", models, seconds, identical))
    try:
        import tomotopy  # noqa: F401
    except ImportError:
        print("tomotopy is not installed: its rows are skipped (pip install tomotopy to run them).\n")
    else:
        alpha, beta, iterations = 0.5, 0.1, 2000  # seededlda's defaults (alpha, beta, max_iter)
        seededlda_prior = round(0.01 * total, 1)  # seededlda's weight = 0.01 of all words
        for prior in (1.0, 10.0, seededlda_prior, 100.0):
            models, seconds = [], []
            for s in range(n_seeds):
                tw, sec = _tomotopy_topic_word(corpus, seeds, s, prior, n_residual, iterations, alpha, beta)
                models.append(_as_model(tw, corpus, seeds, s))
                seconds.append(sec)
            tw_again, _ = _tomotopy_topic_word(corpus, seeds, 0, prior, n_residual, iterations, alpha, beta)
            identical = bool(np.array_equal(models[0].topic_word, tw_again))
            label = f"tomotopy seeded LDA, seed-word prior {prior:g}" + (
                " (seededlda weight 0.01)" if prior == seededlda_prior else ""
            )
            rows.append(_summarise(label, models, seconds, identical))
    print(
        f"| candidate | seeded topics surviving (of {len(seeds)}), range over seeds | mean "
        "| seed words in top 10 (mean) | "
        "stability of seeded topics (cosine, same label) | same seed -> identical | fit time per run (s) |"
    )
    print("|---|---:|---:|---:|---:|:---:|---:|")
    for r in rows:
        print(
            f"| {r['candidate']} | {r['survived']} | {r['mean']:.1f} | {r['seeds_in_top']:.2f} "
            f"| {r['stability']:.3f} | "
            f"{r['deterministic']} | {r['seconds']:.3f} |"
        )


# --------------------------------------------------------------------------------------------
# LDA passes
# --------------------------------------------------------------------------------------------


def check_lda(ks: tuple[int, ...] = (3, 5, 8), seeds: tuple[int, ...] = (0, 1)) -> None:
    from sklearn.decomposition import LatentDirichletAllocation

    corpus = topics.prepare_corpus()
    counts = corpus.counts.astype(np.float64)
    print(f"| k | seed | matched cosine, {topics.LDA_MAX_ITER} vs 300 passes (mean) | (min) |")
    print("|---:|---:|---:|---:|")
    for k, seed in itertools.product(ks, seeds):
        short = topics.fit_topics(corpus, "lda", k, seed).topic_word
        with stats.single_thread():
            long = LatentDirichletAllocation(
                n_components=k, learning_method="batch", max_iter=300, random_state=seed
            ).fit(counts)
        _, sims = topics.match_topics(short, long.components_)
        print(f"| {k} | {seed} | {sims.mean():.3f} | {sims.min():.3f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--benchmark", action="store_true", help="fit time and memory (default when nothing else is asked)"
    )
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--scan-factors", type=int, nargs="*", default=[1], help="factors for the k-scan case")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest counts")
    parser.add_argument("--compare-seeded", action="store_true")
    parser.add_argument("--check-lda", action="store_true")
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--factor", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.factor)))
        return 0
    if args.compare_seeded:
        compare_seeded()
        print()
    if args.check_lda:
        check_lda()
        print()
    if args.benchmark or not (args.compare_seeded or args.check_lda):
        benchmark(args.factors, args.scan_factors, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
