"""Which normaliser codes better: how each treats the codebook, and the codings two disagree on.

Why apart from the agreement figures: agreement with the thesis cannot say which normaliser codes
*correctly*, because the thesis never coded quotes by category, and ``lemma`` and ``stem`` cannot
be told apart by kappa on 121 quotes (``docs/validation.md``, *Which normaliser*). What can be
read is how each normaliser treats the codebook's own words and which codings it adds or loses.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..text import dfm_docfreq, get_normaliser
from ._features import Prepared, PreparedTexts


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
    return pd.DataFrame({"word": list(rows), "categories": [";".join(sorted(c)) for c in rows.values()]}).sort_values(
        "word", ignore_index=True
    )


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

    Parameters
    ----------
    prepared : mapping
        normaliser name -> :class:`Prepared` (:func:`prepare_all`).
    codebook : pandas.DataFrame
        The categories the quotes were coded with (``category_id``, ``patterns``).
    reference : str
        The normaliser the ``codings_*`` columns compare with.

    Returns
    -------
    pandas.DataFrame
        Index ``normaliser``; the counts above plus ``pattern_words``, ``categories``, ``patterns``
        and ``vocabulary`` (distinct content words of the quotes).
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
        rows.append(
            {
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
                "vocabulary": int((dfm_docfreq(p.utterances.words) > 0).sum()),
            }
        )
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

    Parameters
    ----------
    prepared : mapping
        normaliser name -> :class:`Prepared`; must contain ``reference``.
    reference : str
        The normaliser every other one is compared with.
    top : int, optional
        Keep the ``top`` patterns with most quotes per (comparison, only_with); default: all.

    Returns
    -------
    pandas.DataFrame
        ``comparison`` (``"<normaliser> vs <reference>"``), ``only_with`` (the normaliser that makes
        the codings), ``category_id``, ``pattern``, ``words`` (the matched words, lower-cased) and
        ``quotes``; most quotes first within a comparison.
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
            grouped = (
                part.groupby(["category_id", "pattern"], sort=True)
                .agg(
                    words=("matched_token", lambda s: ", ".join(sorted(set(s.astype(str).str.lower())))),
                    quotes=("utterance_id", "nunique"),
                )
                .reset_index()
            )
            grouped.insert(0, "only_with", only_in)
            grouped.insert(0, "comparison", f"{name} vs {reference}")
            frames.append(grouped)
    if not frames:
        return pd.DataFrame(columns=["comparison", "only_with", "category_id", "pattern", "words", "quotes"])
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values(
        ["comparison", "only_with", "quotes", "category_id", "pattern"],
        ascending=[True, True, False, True, True],
        ignore_index=True,
    )
    if top is not None:
        table = table.groupby(["comparison", "only_with"], sort=False).head(top).reset_index(drop=True)
    return table
