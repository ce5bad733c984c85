"""Which quotes a statement speaks about: the recorded reading and the automatic candidates.

Why two: a verdict on «En av arbeidsgiverne uttrykte …» needs the quote it paraphrases. A careful
second reader records that link with a stance (``data/evidence/claim_evidence.csv``: claim →
utterance, ``supports`` / ``opposes`` / ``unrelated``, coder, basis), like ``codings.csv`` records
which quote stands under which subsection. Where no reading is recorded, the statement's words are
compared with the quotes in its scope (lemmas, TF-IDF through the shared document-feature matrix
of :mod:`mdi_analysis.text`): the top candidates with their scores and the margin to the next.
How far the automatic candidates can be trusted is measured against the reading on held-out folds
(:func:`linking_agreement`); the acceptance threshold is fitted on the other folds only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..corpus import Corpus
from ..io import fail_row, read_table
from ..paths import data_dir
from ..text import content_token_lists, dfm_from_tokens, dfm_idf, dfm_tfidf

STANCES = ("supports", "opposes", "unrelated")
EVIDENCE_FILE = Path("evidence") / "claim_evidence.csv"
EVIDENCE_COLUMNS = ("claim_id", "utterance_id", "stance", "coder", "basis", "note")
#: Candidate thresholds for accepting an automatic top-1 link (cosine of TF-IDF vectors).
SCORE_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
#: Held-out folds for :func:`linking_agreement`.
N_FOLDS = 5

EVIDENCE_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": pa.Column("string", pa.Check.str_matches(r"^C\d{3}$")),
        "utterance_id": pa.Column("string", pa.Check.str_matches(r"^U\d{3}$")),
        "stance": pa.Column("string", pa.Check.isin(list(STANCES))),
        "coder": pa.Column("string"),
        "basis": pa.Column("string"),
        "note": pa.Column("string", nullable=True),
    },
    strict=False,
    unique=["claim_id", "utterance_id"],
)


def empty_evidence() -> pd.DataFrame:
    """The evidence table with no rows (no reading recorded)."""
    return pd.DataFrame({c: pd.Series(dtype="string") for c in EVIDENCE_COLUMNS})


def load_claim_evidence(
    path: str | Path | None = None,
    *,
    claim_ids: pd.Series | None = None,
    utterance_ids: pd.Series | None = None,
) -> pd.DataFrame:
    """Read the recorded reading: which quotes each statement speaks about, and with what stance.

    Parameters
    ----------
    path : str or Path, optional
        Default ``data/evidence/claim_evidence.csv``. A missing file means no reading is recorded
        (every verdict then rests on automatic or keyword evidence), not an error.
    claim_ids, utterance_ids : pandas.Series, optional
        The known ids; a row naming another is an error (a typo would silently drop evidence).

    Returns
    -------
    pandas.DataFrame
        ``claim_id``, ``utterance_id``, ``stance`` (one of :data:`STANCES`), ``coder``, ``basis``,
        ``note``; one row per (claim, utterance).

    Raises
    ------
    InputDataError
        One line naming file, row and column: unreadable file, missing column, an id of the wrong
        form or unknown, an unknown stance, a repeated (claim, utterance) pair.
    """
    path = Path(path) if path else data_dir() / EVIDENCE_FILE
    if not path.exists():
        return empty_evidence()
    table = read_table(path, EVIDENCE_SCHEMA)
    for column, known in (("claim_id", claim_ids), ("utterance_id", utterance_ids)):
        if known is None:
            continue
        unknown = ~table[column].isin(set(known))
        if unknown.any():
            position = int(np.flatnonzero(unknown.to_numpy())[0])
            fail_row(table, position, column, f"unknown id {table[column].iloc[position]!r}", f"a {column} of the data")
    return table


# ------------------------------------------------------------------------------------- automatic


def _vectors(corpus: Corpus, statements: pd.Series) -> tuple[object, object]:
    """TF-IDF rows of the quotes and of the statements over the quotes' lemma vocabulary."""
    quotes = corpus.utterances.set_index("utterance_id")["text"]
    quote_matrix = dfm_from_tokens(content_token_lists(list(quotes), "lemma"), docvars=quotes.index)
    statement_counts = dfm_from_tokens(
        content_token_lists(list(statements), "lemma"), docvars=statements.index, features=list(quote_matrix.features)
    )
    idf = dfm_idf(quote_matrix)
    return dfm_tfidf(quote_matrix, idf=idf), dfm_tfidf(quote_matrix, idf=idf, counts=statement_counts.counts)


def candidate_links(claims: pd.DataFrame, corpus: Corpus, scopes: dict[str, list[str]], top: int = 3) -> pd.DataFrame:
    """The quotes most like each statement, among the quotes in its scope.

    Parameters
    ----------
    claims : pandas.DataFrame
        ``claim_id`` and ``text``.
    corpus : Corpus
        The quotes.
    scopes : dict of str to list of str
        claim id → the utterance ids in its scope (all roles: an attribution is checked after).
    top : int
        Candidates kept per claim.

    Returns
    -------
    pandas.DataFrame
        ``claim_id``, ``rank`` (1 = best), ``utterance_id``, ``role``, ``section_id``, ``score``
        (cosine of lemma TF-IDF), ``margin`` (score minus the next candidate's; on rank 1 it says
        how clearly the best stands out) and ``shared`` (the lemmas both share, for the reader).
    """
    statements = claims.set_index("claim_id")["text"].astype(str)
    quote_vectors, statement_vectors = _vectors(corpus, statements)
    quotes = corpus.utterances.reset_index(drop=True)
    position = {u: i for i, u in enumerate(quotes["utterance_id"])}
    lemmas = content_token_lists(list(quotes["text"]), "lemma")
    statement_lemmas = content_token_lists(list(statements), "lemma")
    rows = []
    for s_index, claim_id in enumerate(statements.index):
        ids = [u for u in scopes.get(claim_id, []) if u in position]
        if not ids:
            continue
        rows_of = [position[u] for u in ids]
        scores = np.asarray((quote_vectors[rows_of] @ statement_vectors[s_index].T).todense()).ravel()
        order = np.argsort(-scores, kind="stable")[:top]
        wanted = set(statement_lemmas[s_index])
        for rank, k in enumerate(order.tolist(), start=1):
            following = scores[order[rank]] if rank < len(order) else 0.0
            q = rows_of[k]
            rows.append(
                {
                    "claim_id": claim_id,
                    "rank": rank,
                    "utterance_id": quotes.at[q, "utterance_id"],
                    "role": quotes.at[q, "role"],
                    "section_id": quotes.at[q, "section_id"],
                    "score": round(float(scores[k]), 4),
                    "margin": round(float(scores[k] - following), 4),
                    "shared": " ".join(sorted(wanted & set(lemmas[q]))),
                }
            )
    columns = ["claim_id", "rank", "utterance_id", "role", "section_id", "score", "margin", "shared"]
    return pd.DataFrame(rows, columns=columns)


def _related(recorded: pd.DataFrame) -> dict[str, set[str]]:
    rows = recorded[recorded["stance"].isin(["supports", "opposes"])]
    return {str(c): set(g["utterance_id"].astype(str)) for c, g in rows.groupby("claim_id")}


def _agreement(candidates: pd.DataFrame, related: dict[str, set[str]], claim_ids: list[str], threshold: float) -> dict:
    """Top-1 precision and recall of the recorded set, for links with score ≥ ``threshold``."""
    proposed = hit = found = total = 0
    for claim_id in claim_ids:
        own = candidates[(candidates["claim_id"] == claim_id) & (candidates["score"] >= threshold)]
        wanted = related.get(claim_id, set())
        total += len(wanted)
        found += len(wanted & set(own["utterance_id"]))
        if len(own):
            proposed += 1
            hit += int(own.iloc[0]["utterance_id"] in wanted)
    return {"proposed": proposed, "top1_hits": hit, "recorded_links": total, "recorded_found": found}


def _fit_threshold(candidates: pd.DataFrame, related: dict[str, set[str]], claim_ids: list[str]) -> float:
    """The threshold of :data:`SCORE_GRID` with the best F1 of top-1 precision and recall."""

    def f1(threshold: float) -> float:
        a = _agreement(candidates, related, claim_ids, threshold)
        precision = a["top1_hits"] / a["proposed"] if a["proposed"] else 0.0
        recall = a["recorded_found"] / a["recorded_links"] if a["recorded_links"] else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    return max(SCORE_GRID, key=lambda t: (f1(t), -t))


def linking_agreement(candidates: pd.DataFrame, recorded: pd.DataFrame, n_folds: int = N_FOLDS) -> pd.DataFrame:
    """Agreement of the automatic candidates with the recorded reading, on held-out folds.

    The claims with a recorded reading are dealt into ``n_folds`` folds in claim order; for each
    fold the score threshold is fitted (:func:`_fit_threshold`) on the other folds and applied to
    this one, so no figure is tuned on the statements it is measured on.

    Parameters
    ----------
    candidates : pandas.DataFrame
        From :func:`candidate_links`.
    recorded : pandas.DataFrame
        From :func:`load_claim_evidence`.
    n_folds : int
        Number of folds (at most the number of claims read).

    Returns
    -------
    pandas.DataFrame
        One row per fold and a ``all`` row: ``claims``, ``threshold``, ``proposed`` (claims with a
        link at or above it), ``top1_precision`` (share of those whose best candidate is a quote the
        reader linked, supporting or opposing), ``recall`` (share of the reader's links among the
        candidates at or above the threshold).
    """
    related = _related(recorded)
    claim_ids = sorted(related)
    columns = ["fold", "claims", "threshold", "proposed", "top1_precision", "recorded_links", "recall"]
    if not claim_ids:
        return pd.DataFrame(columns=columns)
    n_folds = max(1, min(n_folds, len(claim_ids)))
    rows, totals = [], {"proposed": 0, "top1_hits": 0, "recorded_links": 0, "recorded_found": 0}
    for fold in range(n_folds):
        held = claim_ids[fold::n_folds]
        train = [c for c in claim_ids if c not in held] or held
        threshold = _fit_threshold(candidates, related, train)
        a = _agreement(candidates, related, held, threshold)
        for key in totals:
            totals[key] += a[key]
        rows.append(_row(str(fold + 1), len(held), threshold, a))
    rows.append(_row("all", len(claim_ids), float("nan"), totals))
    return pd.DataFrame(rows, columns=columns)


def _row(fold: str, n_claims: int, threshold: float, a: dict) -> dict:
    return {
        "fold": fold,
        "claims": n_claims,
        "threshold": threshold,
        "proposed": a["proposed"],
        "top1_precision": round(a["top1_hits"] / a["proposed"], 3) if a["proposed"] else float("nan"),
        "recorded_links": a["recorded_links"],
        "recall": round(a["recorded_found"] / a["recorded_links"], 3) if a["recorded_links"] else float("nan"),
    }


def fitted_threshold(candidates: pd.DataFrame, recorded: pd.DataFrame) -> float:
    """The score threshold fitted on every recorded claim: used only for claims *without* a reading."""
    related = _related(recorded)
    return _fit_threshold(candidates, related, sorted(related)) if related else max(SCORE_GRID)


def agreement_line(agreement: pd.DataFrame) -> str:
    """One line for the scoreboard and the docs, e.g. "automatic linking vs reading: top-1 precision …"."""
    if agreement.empty:
        return "automatic linking vs reading: no reading recorded"
    total = agreement[agreement["fold"] == "all"].iloc[0]
    return (
        f"automatic linking vs reading ({int(total['claims'])} claims, {len(agreement) - 1} held-out folds): "
        f"top-1 precision {total['top1_precision']:.2f} on {int(total['proposed'])} proposed, "
        f"recall {total['recall']:.2f} of {int(total['recorded_links'])} recorded links"
    )


__all__ = [
    "EVIDENCE_COLUMNS",
    "EVIDENCE_FILE",
    "STANCES",
    "agreement_line",
    "candidate_links",
    "empty_evidence",
    "fitted_threshold",
    "linking_agreement",
    "load_claim_evidence",
]
