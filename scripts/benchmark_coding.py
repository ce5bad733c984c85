"""Benchmark: tokenisation + normalisation versus full coding, on a replicated corpus.

Why: the coding engine is meant to cost no more than about twice what merely tokenising and
normalising the same texts costs (target: 120k short texts, ~10 M tokens, in under 60 s on 2
cores). This script measures both on the project's corpus replicated x100 and x1000 and prints a
plain-text table with tokens per second and the ratio (b)/(a).

Input texts: ``data/corpus/utterances.csv`` (column ``text``) when it exists; otherwise, only for
this benchmark, the «…» quotes of the thesis extracted with a regex (nesting-aware). Codebook:
``data/codebook/categories.csv`` when it exists, otherwise a small built-in demo codebook.

Timings are *warm*: every type is normalised once before timing (replicating a corpus adds no new
types, so after the first pass the per-type caches are full). The one-off cold cost (loading
simplemma's dictionary and lemmatising the vocabulary) is printed separately. Each measurement is
the fastest of ``--repeat`` runs, (a) and (b) interleaved, because the machine is shared and single
runs vary by up to a factor of two.

Usage: PYTHONPATH=src python scripts/benchmark_coding.py [--texts CSV] [--column text]
       [--codebook CSV] [--normaliser lemma] [--factors 100 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

import pandas as pd

from mdi_analysis import paths
from mdi_analysis.coding import code_texts
from mdi_analysis.text._normalise import get_normaliser, normalise_texts

#: Used when data/codebook/categories.csv does not exist yet; themes of the thesis's analysis.
DEMO_CODEBOOK = pd.DataFrame(
    [
        ("D01", "tillit; trygghet; åpenhet"),
        ("D02", "samarbeid; trepartssamarbeid; samhandling; dialog"),
        ("D03", "tid; tidspress; travel*; ressurs"),
        ("D04", "leder; ledelse; lederskap; mellomleder"),
        ("D05", "medvirkning; medbestemmelse; medinnflytelse; involvering; involvere; deltakelse"),
        ("D06", "idekasse; forslagskasse; forslag; idé; innspill"),
        ("D07", "blt-metode; lean; verktøy; metode"),
        ("D08", "kunnskap; taus kunnskap; kompetanse; læring; opplæring"),
        ("D09", "autonomi; mestringstro; mestring; selvstendig; handlingsrom"),
        ("D10", "kultur; innovasjonskultur; holdning"),
        ("D11", "endring; motstand; endringstretthet; omstilling"),
        ("D12", "informasjon; informasjonsflyt; kommunikasjon; tilbakemelding"),
    ],
    columns=["category_id", "patterns"],
)


def thesis_quotes(path: Path) -> list[str]:
    """The «…» quotes of the thesis, one nested «…» level allowed inside (benchmark only).

    A regex, not a parser: a quote whose closing » is missing in the thesis is cut or skipped. The
    real corpus (data/corpus/utterances.csv) is built by the corpus extractor, which repairs those.
    """
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(\w)-[ \t]*\n\s*(?=[a-zæøå])", r"\1", text)  # line-break hyphenation
    quotes = re.findall(r"«((?:[^«»]|«[^«»]*»)*)»", text)
    return [" ".join(q.split()) for q in quotes if q.strip()]


def load_texts(path: Path | None, column: str) -> tuple[list[str], str]:
    default = paths.data_dir() / "corpus" / "utterances.csv"
    path = path or default
    if path.is_file():
        frame = pd.read_csv(path)
        return frame[column].fillna("").astype(str).tolist(), paths.relative_to_root(path)
    thesis = paths.thesis_path()
    return thesis_quotes(thesis), f"«…» quotes of {thesis.name} ({paths.relative_to_root(path)} missing)"


def load_codebook(path: Path | None) -> tuple[pd.DataFrame, str]:
    path = path or paths.data_dir() / "codebook" / "categories.csv"
    if path.is_file():
        frame = pd.read_csv(path)
        frame.attrs["source"] = paths.relative_to_root(path)
        return frame, paths.relative_to_root(path)
    return DEMO_CODEBOOK, f"built-in demo codebook ({paths.relative_to_root(path)} missing)"


def replicate(texts: list[str], factor: int) -> pd.Series:
    values = texts * factor
    index = [f"R{rep:04d}-{i:05d}" for rep in range(factor) for i in range(len(texts))]
    return pd.Series(values, index=pd.Index(index, name="utterance_id"))


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=Path, default=None)
    parser.add_argument("--column", default="text")
    parser.add_argument("--codebook", type=Path, default=None)
    parser.add_argument("--normaliser", default="lemma")
    parser.add_argument("--factors", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest counts")
    args = parser.parse_args(argv)

    texts, text_source = load_texts(args.texts, args.column)
    codebook, codebook_source = load_codebook(args.codebook)
    norm = get_normaliser(args.normaliser)

    base = replicate(texts, 1)
    _, cold_a = timed(normalise_texts, base, norm)  # loads simplemma, fills the type cache
    base_result, warm_b = timed(code_texts, base, codebook, norm)

    print(f"texts:      {text_source}: {len(texts)} texts, {base_result.n_tokens} tokens")
    print(
        f"codebook:   {codebook_source}: {base_result.matrix.shape[1]} categories, {len(base_result.patterns)} patterns"
    )
    print(f"normaliser: {norm.name}; {norm.cache_size} types cached; cold first pass (a) {cold_a:.2f} s")
    print(
        f"machine:    {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, single process"
    )
    print()
    header = (
        f"{'factor':>7} {'texts':>9} {'tokens':>11} {'(a) s':>8} {'(a) tok/s':>11} "
        f"{'(b) s':>8} {'(b) tok/s':>11} {'b/a':>6} {'evidence':>10}"
    )
    print(header)
    print("-" * len(header))
    for factor in args.factors:
        series = replicate(texts, factor)
        runs_a, runs_b = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            normalised, seconds = timed(normalise_texts, series, norm)
            tokens = sum(map(len, normalised))
            runs_a.append(seconds)
            del normalised
            result, seconds = timed(code_texts, series, codebook, norm)
            runs_b.append(seconds)
            assert result.n_tokens == tokens
        seconds_a, seconds_b = min(runs_a), min(runs_b)
        print(
            f"{factor:>7} {len(series):>9} {tokens:>11} {seconds_a:>8.2f} {tokens / seconds_a:>11,.0f} "
            f"{seconds_b:>8.2f} {tokens / seconds_b:>11,.0f} {seconds_b / seconds_a:>6.2f} "
            f"{len(result.evidence):>10}"
        )
        del result, series
    print()
    print("(a) tokenisation + normalisation (normalise_texts); (b) full coding (code_texts):")
    print("    tokenise, normalise, match patterns against the vocabulary, matrix and evidence.")
    print(f"Seconds are the fastest of {args.repeat} interleaved runs (wall clock, warm caches).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
