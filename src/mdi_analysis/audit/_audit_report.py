"""What the evidence changed: verdict counts before and after, the linking agreement, the flagged list.

Why a module of its own: the figures the issue, the docs and the scoreboard cite (verdicts with
keyword rules only vs. with evidence; agreement of the automatic links with the reading) must come
from one function, which :func:`print_audit_figures` prints for the command line.
"""

from __future__ import annotations

import pandas as pd

from ._claims import AuditData, audit, load_audit_data, load_claims
from ._claims_model import NOT_VERIFIABLE_REASONS, VERDICTS
from ._evidence import agreement_line, linking_agreement
from ._verdict_rules import _is_single_quote, automatic_candidates


def verdict_changes(claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """Every claim whose verdict differs from the keyword-only audit, with both verdicts.

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`load_claims`.
    data : AuditData
        From :func:`load_audit_data`.

    Returns
    -------
    pandas.DataFrame
        ``claim_id``, ``keyword_verdict``, ``verdict``, ``basis``, ``reason_code``, ``reason``, in
        thesis order.
    """
    now = audit(claims, data)
    before = audit(claims, data, basis="keyword")[["claim_id", "verdict"]].rename(
        columns={"verdict": "keyword_verdict"}
    )
    merged = now.merge(before, on="claim_id")
    changed = merged[merged["verdict"] != merged["keyword_verdict"]]
    return changed[["claim_id", "keyword_verdict", "verdict", "basis", "reason_code", "reason"]].reset_index(drop=True)


def verdict_counts(claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """Claims per verdict: keyword rules only vs. with evidence (columns in :data:`VERDICTS` order)."""
    rows = {
        "keyword only": audit(claims, data, basis="keyword")["verdict"].value_counts(),
        "with evidence": audit(claims, data)["verdict"].value_counts(),
    }
    table = pd.DataFrame(rows).T.reindex(columns=list(VERDICTS), fill_value=0).fillna(0).astype(int)
    table["Sum"] = table.sum(axis=1)
    return table


def reason_counts(audited: pd.DataFrame) -> pd.DataFrame:
    """``not_verifiable`` claims per reason code, with the code's meaning (every code listed)."""
    counts = audited.loc[audited["verdict"] == "not_verifiable", "reason_code"].value_counts()
    return pd.DataFrame(
        {
            "claims": [int(counts.get(code, 0)) for code in NOT_VERIFIABLE_REASONS],
            "meaning": list(NOT_VERIFIABLE_REASONS.values()),
        },
        index=pd.Index(list(NOT_VERIFIABLE_REASONS), name="reason_code"),
    )


def linking_report(claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """:func:`linking_agreement` of the automatic candidates with the recorded reading."""
    recorded = data.recorded
    return linking_agreement(automatic_candidates(claims, data), recorded)


def linking_table(report: pd.DataFrame) -> pd.DataFrame:
    """:func:`linking_report` for people: the ``all`` row says which thresholds the folds used.

    Why: each fold's threshold is fitted on the other folds, so the pooled row has no threshold of
    its own; the report holds NaN there (a number would be one nobody applied), which printed as
    ``NaN`` in the figures and as a dash in notebook 22. This table shows the thresholds as text:
    each fold's to two decimals, and for ``all`` "per fold" with the folds' value or range.

    Parameters
    ----------
    report : pandas.DataFrame
        From :func:`linking_report`.

    Returns
    -------
    pandas.DataFrame
        The same rows and columns, ``threshold`` as text.
    """
    table = report.copy()
    if table.empty:
        return table
    per_fold = table.loc[table["fold"] != "all", "threshold"].astype(float)
    low, high = f"{per_fold.min():.2f}", f"{per_fold.max():.2f}"
    pooled = f"per fold ({low} in each)" if low == high else f"per fold ({low}–{high})"
    table["threshold"] = [
        pooled if fold == "all" else f"{threshold:.2f}" for fold, threshold in zip(table["fold"], table["threshold"])
    ]
    return table


def evidence_quotes(audited: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """The quotes each verdict rests on: claim, utterance id, role, section, stance, the reader's
    note and the content words statement and quote share (the words that matched).

    Parameters
    ----------
    audited : pandas.DataFrame
        From :func:`audit` (its ``evidence`` column).
    data : AuditData
        For the quotes and the recorded reading.

    Returns
    -------
    pandas.DataFrame
        One row per (claim, quote).
    """
    from ..text import content_token_lists

    quotes = data.corpus.utterances.set_index("utterance_id")
    recorded = data.recorded
    stance = recorded.set_index(["claim_id", "utterance_id"])
    rows = []
    for _, row in audited.iterrows():
        ids = [u for u in str(row["evidence"] or "").split(";") if u in quotes.index]
        if not ids:
            continue
        statement_words = set(content_token_lists([str(row["statement"])])[0])
        for utterance_id, words in zip(ids, content_token_lists(quotes.loc[ids, "text"].tolist()), strict=True):
            key = (row["claim_id"], utterance_id)
            found = key in stance.index
            rows.append(
                {
                    "claim_id": row["claim_id"],
                    "utterance_id": utterance_id,
                    "role": quotes.at[utterance_id, "role"],
                    "section_id": quotes.at[utterance_id, "section_id"],
                    "stance": stance.loc[key, "stance"] if found else "supports (automatic)",
                    "matched_words": " ".join(sorted(statement_words & set(words))),
                    "reader_note": stance.loc[key, "note"] if found and pd.notna(stance.loc[key, "note"]) else "",
                }
            )
    columns = ["claim_id", "utterance_id", "role", "section_id", "stance", "matched_words", "reader_note"]
    return pd.DataFrame(rows, columns=columns)


def print_audit_figures(data: AuditData | None = None) -> None:
    """Print the verdict counts (keyword only vs. with evidence), the reasons of ``not_verifiable``
    and the linking agreement: the figures docs/claims-audit.md cites.

    Run: ``python -c "from mdi_analysis.audit import print_audit_figures; print_audit_figures()"``.
    """
    data = data or load_audit_data()
    claims = load_claims()
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 120):
        print(verdict_counts(claims, data).to_string())
        print()
        print(reason_counts(audit(claims, data)).to_string())
        print()
        report = linking_report(claims, data)
        print(linking_table(report).to_string(index=False))
        print(agreement_line(report))


def single_quote_candidates(claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """The automatic candidates of each statement about one quote, beside the quote the reading links.

    Why: these statements ("En av arbeidsgiverne uttrykte ...") are where automatic linking could
    stand in for a reading on a researcher's own corpus, so the notebook shows how often the best
    candidate is the quote a careful reader chose.

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`load_claims`.
    data : AuditData
        From :func:`load_audit_data`.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`automatic_candidates` for the statements about one quote (kind
        ``quote_count``, relation ``== 1``, on quotes, not checked from the corpus structure: the
        statements an automatic link may decide), plus ``read``: whether the reading links that
        quote (supporting or opposing).
    """
    # The same test judge_claim uses to let an automatic link decide: one definition of the set.
    single = claims[claims.apply(_is_single_quote, axis=1)] if len(claims) else claims
    candidates = automatic_candidates(claims, data)
    candidates = candidates[candidates["claim_id"].isin(single["claim_id"])].copy()
    recorded = data.recorded
    linked = recorded[recorded["stance"] != "unrelated"]
    read = set(zip(linked["claim_id"], linked["utterance_id"]))
    candidates["read"] = [(c, u) in read for c, u in zip(candidates["claim_id"], candidates["utterance_id"])]
    return candidates.reset_index(drop=True)


__all__ = [
    "evidence_quotes",
    "linking_report",
    "linking_table",
    "print_audit_figures",
    "reason_counts",
    "single_quote_candidates",
    "verdict_changes",
    "verdict_counts",
]
