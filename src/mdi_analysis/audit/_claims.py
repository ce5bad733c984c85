"""Audit of the thesis's counting and comparing statements against its own data.

``data/expected/claims.csv`` records every statement of chapters 3–6 that counts or compares
(«Ovennevnte fem uttalelser fra de tillitsvalgte …», «Kommune D scorer likt høyt som kommune A»),
with section, line and a machine-readable scope, quantity and relation. This module recomputes each
from ``data/`` — quote counts from the corpus, survey comparisons from the 10-faktor scores, sample
counts from the sample, theme claims from the keyword coding — and gives a verdict with its reason:

* ``agrees`` — the data bear the statement out;
* ``agrees_above_only`` — a count holds for the quotes printed just above the statement (since the
  author's previous comment) but not for the whole subsection the reader might take it to mean;
* ``partly`` — some parts hold, or only the weaker reading (a mention, not a stance) can be checked;
* ``contradicted`` — the thesis's own printed data say otherwise;
* ``not_verifiable`` — the statement rests on material the thesis does not publish, on a stance
  that keyword coding cannot detect, or on wording the keyword coder does not find (keyword
  evidence confirms presence; it cannot prove absence, see :func:`_presence_verdict`).

Nothing here reads a verdict or a count from the claims file: ``expected`` is what the thesis states,
everything else is computed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..corpus import Corpus
from ..io import fail_row, load_sample, load_survey
from ._claims_model import (
    ROLE_DIFFERENCE,
    VERDICTS,
    AuditData,
    Verdict,
    load_claim_themes,
    load_claims,
)
from ._claims_survey import _count_claim, _survey_claim

# ------------------------------------------------------------------------------------- quotes


def _in_scope_sections(section_ids: pd.Series, scope_sections: str) -> pd.Series:
    """Section membership; a scope like ``4.1`` or ``4`` covers every subsection under it."""
    wanted = [s.strip() for s in scope_sections.split(";") if s.strip()]
    return section_ids.map(lambda sid: any(sid == w or sid.startswith(w + ".") for w in wanted))


def quotes_above(corpus: Corpus, section_id: str, line: int) -> pd.DataFrame:
    """The quotes printed just above ``line``: after the author's previous comment, before hers at ``line``.

    «Ovennevnte N …» refers to the run of quotes between two of the author's comments. The corpus
    records her comments as line spans (``commentary.csv``); the run is the quotes of the section that
    start after the last comment ending before the comment that holds ``line``.

    Parameters
    ----------
    corpus : Corpus
        A corpus with ``commentary``.
    section_id : str
        The subsection of the statement.
    line : int
        The thesis line of the statement.

    Returns
    -------
    pandas.DataFrame
        The rows of ``corpus.utterances`` in that run.

    Raises
    ------
    ValueError
        The corpus has no commentary spans.
    """
    quotes = corpus.utterances[corpus.utterances["section_id"] == section_id]
    comments = corpus.commentary if corpus.commentary is not None else pd.DataFrame()
    if comments is None or comments.empty:
        raise ValueError("the corpus has no commentary spans (commentary.csv); 'above' claims need them")
    comments = comments[comments["section_id"] == section_id].sort_values("line_start")
    holding = comments[(comments["line_start"] <= line) & (comments["line_end"] >= line)]
    block_start = int(holding["line_start"].iloc[0]) if len(holding) else line
    earlier = comments[comments["line_end"] < block_start]
    floor = int(earlier["line_end"].max()) if len(earlier) else 0
    return quotes[(quotes["line_start"] > floor) & (quotes["line_end"] < block_start)]


def _role_mask(frame: pd.DataFrame, role: str) -> pd.Series:
    return pd.Series(True, index=frame.index) if role == "both" else frame["role"] == role


def _scope_quotes(claim: pd.Series, corpus: Corpus) -> pd.DataFrame:
    utterances = corpus.utterances
    if claim["scope"] == "above" and corpus.commentary is not None and not corpus.commentary.empty:
        return quotes_above(corpus, str(claim["scope_sections"]).split(";")[0], int(claim["line_start"]))
    return utterances[_in_scope_sections(utterances["section_id"], str(claim["scope_sections"]))]


def _quote_count(claim: pd.Series, data: AuditData) -> Verdict:
    expected = int(claim["expected"])
    role = str(claim["scope_role"])
    section = str(claim["scope_sections"]).split(";")[0]
    whole = data.corpus.utterances[data.corpus.utterances["section_id"] == section]
    n_section = int(_role_mask(whole, role).sum())
    if claim["checkable_from"] != "corpus":
        who = "" if role == "both" else f"{role} "
        return Verdict(
            f"{n_section} {who}quote(s) in {section}",
            "not_verifiable",
            "the statement is about what one particular quote says; the corpus confirms only how many "
            f"{who}quotes {section} has ({n_section}), not which of them says it",
            "needs_reading",
        )
    if claim["scope"] == "above":
        if data.corpus.commentary is None or data.corpus.commentary.empty:
            return Verdict(
                f"{n_section} {role} quote(s) in {section}",
                "not_verifiable",
                "«ovennevnte» needs the author's comment spans (commentary.csv), which this corpus lacks",
                "not_in_data",
            )
        above = quotes_above(data.corpus, section, int(claim["line_start"]))
        n_above = int(_role_mask(above, role).sum())
        computed = f"{n_above} {role} quote(s) just above (of {len(above)}); {n_section} in all of {section}"
        if n_above == expected and n_section == expected:
            return Verdict(computed, "agrees", f"{expected} {role} quotes both just above and in the whole subsection")
        if n_above == expected:
            return Verdict(
                computed,
                "agrees_above_only",
                f"true of the {n_above} quotes since the author's previous comment, but {section} prints "
                f"{n_section} {role} quotes in all",
            )
        if n_section == expected:
            return Verdict(
                computed, "partly", f"the subsection has {expected}, but only {n_above} stand just above the statement"
            )
        return Verdict(
            computed,
            "contradicted",
            f"the thesis states {expected}; its quotes give {n_above} just above and {n_section} in {section}",
        )
    computed = f"{n_section} {'' if role == 'both' else role + ' '}quote(s) in {section}"
    verdict = "agrees" if n_section == expected else "contradicted"
    return Verdict(computed, verdict, f"the thesis states {expected}, the subsection prints {n_section}")


# ------------------------------------------------------------------------------------- coding


def _theme(claim: pd.Series, data: AuditData, name: str | None = None) -> tuple[list[str], str, str]:
    name = name or str(claim["quantity"]).split(":", 1)[1]
    rows = data.themes[data.themes["theme"] == name]
    if rows.empty:
        return [], "none", f"theme {name!r} has no entry in claim_themes.csv"
    row = rows.iloc[0]
    raw = row["category_ids"]
    categories = [] if pd.isna(raw) else [c for c in str(raw).split(";") if c]
    missing = [c for c in categories if c not in data.coding_matrix.columns]
    if missing:
        # The themes file is input data: name its row and column, as for any file of data/.
        position = int((data.themes["theme"] == name).to_numpy().argmax())
        fail_row(
            data.themes,
            position,
            "category_ids",
            f"theme {name!r} names unknown categories {missing}",
            "category ids of the codebook",
        )
    limitation = "" if pd.isna(row["limitation"]) else str(row["limitation"])
    return categories, str(row["match"]), limitation


def _coded(quotes: pd.DataFrame, data: AuditData, categories: list[str]) -> pd.Series:
    """Quotes coded with any of ``categories``; affirmed hits only when the data carry that matrix."""
    source = data.affirmed_matrix if data.affirmed_matrix is not None else data.coding_matrix
    matrix = source.reindex(quotes["utterance_id"]).fillna(0)
    return pd.Series(matrix[categories].to_numpy().max(axis=1) > 0, index=quotes.index)


def _theme_claim(claim: pd.Series, data: AuditData) -> Verdict:
    relation = str(claim["relation"]).strip()
    quantity = str(claim["quantity"])
    if not quantity.startswith("theme:") and quantity != "n_quotes":
        return Verdict("", "not_verifiable", f"no keyword measure for {quantity}", "needs_reading")
    if relation == "varies":
        return Verdict(
            "", "not_verifiable", "«varies» describes differing answers; there is no count to check", "no_measure"
        )
    compares_themes = " < " in relation or (
        " > " in relation and not relation.startswith(("arbeidsgiver", "tillitsvalgt"))
    )
    if compares_themes:
        return _theme_comparison(claim, data)
    categories, match, limitation = _theme(claim, data)
    if match == "none" or not categories:
        return Verdict("", "not_verifiable", limitation or "no codebook category for this theme", "needs_reading")
    quotes = _scope_quotes(claim, data.corpus)
    role = str(claim["scope_role"])
    coded = _coded(quotes, data, categories)
    label = "+".join(categories)
    stance = match == "stance"
    if relation.startswith(("arbeidsgiver", "tillitsvalgt")):
        result = _role_relation(relation, quotes, coded, label, limitation)
        if stance:
            return Verdict(
                result.computed,
                "not_verifiable",
                "the statement compares stances; mention shares cannot show them (" + result.reason + ")",
                "needs_reading",
            )
        return result
    in_role = _role_mask(quotes, role)
    n_total = int(in_role.sum())
    n_coded = int((coded & in_role).sum())
    ids = ", ".join(quotes.loc[coded & in_role, "utterance_id"])
    who = "" if role == "both" else f"{role} "
    computed = f"{n_coded} of {n_total} {who}quote(s) in scope coded {label}" + (f" ({ids})" if ids else "")
    caveat = f"; note: {limitation}" if limitation else ""
    if n_total == 0:
        return Verdict(computed, "not_verifiable", "no quotes of that role in scope" + caveat, "respondents_not_quoted")
    if stance and relation == "== 0":
        return Verdict(
            computed,
            "not_verifiable",
            f"{n_coded} quote(s) talk about it, but a mention cannot show the absence the statement claims" + caveat,
            "needs_reading",
        )
    if relation == "== 0":
        verdict = "agrees" if n_coded == 0 else "contradicted"
        reason = (
            "no quote in scope uses the category's words (keyword absence: read the quotes to be sure)"
            if n_coded == 0
            else f"{n_coded} quote(s) mention it"
        )
        return Verdict(computed, verdict, reason + caveat)
    if relation == "== all":
        holds, need = n_coded == n_total, f"all {n_total}"
    elif relation == "> half":
        holds, need = n_coded * 2 > n_total, f"more than half of {n_total}"
    else:
        match_count = re.fullmatch(r"(==|>=) (\d+)", relation)
        if not match_count:
            return Verdict(
                computed, "not_verifiable", f"relation {relation!r} is not evaluated for themes", "no_measure"
            )
        op, value = match_count.group(1), int(match_count.group(2))
        holds = n_coded == value if op == "==" else n_coded >= value
        need = f"{'exactly' if op == '==' else 'at least'} {value}"
    return _presence_verdict(computed, holds, n_coded, need, stance, caveat)


def _presence_verdict(computed: str, holds: bool, n_coded: int, need: str, stance: bool, caveat: str) -> Verdict:
    """Keyword evidence confirms presence but cannot prove absence: a miss is never a contradiction.

    A coded mention is positive evidence (the matched words are listed and can be read in context),
    so a claim that needs mentions is confirmed when enough are found. When too few are found the
    quotes may still say it in words the codebook does not list, so the verdict is ``partly`` (some
    found) or ``not_verifiable`` (none found). A stance («positive til …») is never more than
    ``partly``: the coder sees the topic, not the speaker's position.
    """
    if holds:
        return Verdict(
            computed, "partly" if stance else "agrees", f"{n_coded} quote(s) mention it (needs {need})" + caveat
        )
    if stance:
        return Verdict(
            computed,
            "not_verifiable",
            f"{n_coded} quote(s) mention the topic (needs {need}); a stance is not detectable by keywords" + caveat,
            "needs_reading",
        )
    if n_coded >= 1:
        return Verdict(computed, "partly", f"only {n_coded} quote(s) mention it (needs {need})" + caveat)
    return Verdict(
        computed,
        "not_verifiable",
        f"the keyword coder finds no mention (needs {need}); absence of keywords cannot refute it" + caveat,
        "no_quote_found",
    )


def _role_relation(relation: str, quotes: pd.DataFrame, coded: pd.Series, label: str, limitation: str) -> Verdict:
    left, op, right = relation.split(" ")
    shares: dict[str, tuple[int, int]] = {}
    for role in ("arbeidsgiver", "tillitsvalgt"):
        mask = quotes["role"] == role
        shares[role] = (int((coded & mask).sum()), int(mask.sum()))

    def share(role: str) -> float:
        n, total = shares[role]
        return n / total if total else 0.0

    computed = "; ".join(f"{r}: {n} of {t} quotes coded {label}" for r, (n, t) in shares.items())
    difference = share(left) - share(right)
    caveat = f"; note: {limitation}" if limitation else ""
    if op == ">":
        holds = difference > 0
    elif op == "!=":
        holds = abs(difference) >= ROLE_DIFFERENCE
    else:  # "=="
        holds = abs(difference) < ROLE_DIFFERENCE
    reason = (
        f"shares {share(left):.2f} ({left}) vs {share(right):.2f} ({right}); "
        f"threshold for a difference {ROLE_DIFFERENCE}"
    )
    return Verdict(computed, ("partly" if limitation else "agrees") if holds else "contradicted", reason + caveat)


def _theme_comparison(claim: pd.Series, data: AuditData) -> Verdict:
    left, op, right = str(claim["relation"]).split(" ")
    quotes = _scope_quotes(claim, data.corpus)
    quotes = quotes[_role_mask(quotes, str(claim["scope_role"]))]
    counts = {}
    for name in (left, right):
        categories, match, _ = _theme(claim, data, name)
        if match == "none" or not categories:
            return Verdict("", "not_verifiable", f"no codebook category for theme {name!r}", "needs_reading")
        counts[name] = int(_coded(quotes, data, categories).sum())
    holds = counts[left] > counts[right] if op == ">" else counts[left] < counts[right]
    computed = f"{left}: {counts[left]} quote(s), {right}: {counts[right]} quote(s) of {len(quotes)}"
    if counts[left] == counts[right] == 0:
        return Verdict(computed, "not_verifiable", "the keyword coder finds neither theme in scope", "no_quote_found")
    return Verdict(
        computed,
        "partly" if holds else "contradicted",
        ("the counts point the same way" if holds else "the counts point the other way")
        + "; keyword mentions approximate the author's «focus»",
    )


# ------------------------------------------------------------------------------------- audit


def evaluate_claim(claim: pd.Series, data: AuditData) -> Verdict:
    """Recompute one claim and give its verdict.

    Parameters
    ----------
    claim : pandas.Series
        One row of :func:`load_claims`.
    data : AuditData
        From :func:`load_audit_data`.

    Returns
    -------
    Verdict
        ``computed`` (what the data give), ``verdict`` (one of :data:`VERDICTS`) and ``reason``.

    Raises
    ------
    InputDataError
        A theme of ``claim_themes.csv`` naming unknown categories (its row and column named).
    ValueError
        An unknown survey quantity.
    """
    if claim["checkable_from"] == "no" or claim["subject"] == "not_published":
        return Verdict(
            "",
            "not_verifiable",
            "rests on interviews, transcripts or records the thesis does not publish",
            "unpublished_material",
        )
    if claim["kind"] == "quote_count" and str(claim["quantity"]) == "n_quotes":
        return _quote_count(claim, data)
    if claim["checkable_from"] == "survey":
        return _survey_claim(claim, data)
    if claim["checkable_from"] == "sample":
        return _count_claim(claim, data)
    if claim["checkable_from"] == "corpus" and str(claim["quantity"]).startswith("count:"):
        return _corpus_count(claim, data)
    return _theme_claim(claim, data)


def _corpus_count(claim: pd.Series, data: AuditData) -> Verdict:
    """Corpus-level counts; today only «the same answers to several questions» (6.2): linked re-prints."""
    if claim["quantity"] == "count:repeated_answers":
        links = data.corpus.links
        sections = data.corpus.utterances.set_index("utterance_id")["section_id"]
        across = links[links["utterance_id"].map(sections) != links["linked_utterance_id"].map(sections)]
        n = len(across)
        holds = n >= 2
        return Verdict(
            f"{n} quote(s) re-printed under another question",
            "agrees" if holds else "contradicted",
            "links.csv pairs whose two printings stand in different subsections",
        )
    return Verdict("", "not_verifiable", f"no corpus measure for {claim['quantity']}", "not_in_data")


def audit(claims: pd.DataFrame, data: AuditData, *, basis: str = "evidence") -> pd.DataFrame:
    """Every claim with what was computed, the verdict and the reason, in thesis order.

    Parameters
    ----------
    claims : pandas.DataFrame
        Rows of :func:`load_claims`.
    data : AuditData
        From :func:`load_audit_data`.
    basis : {"evidence", "keyword"}
        ``evidence`` (default): the recorded reading first, then an automatic link, then the
        keyword coding of affirmed hits (:mod:`._verdict_rules`). ``keyword``: the keyword rules
        alone on every hit, negated or not — the audit as it was, kept to show what changed.

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``claim_id``, ``section_id``, ``line``, ``kind``, ``statement``,
        ``relation``, ``computed``, ``verdict`` (one of :data:`VERDICTS`), ``reason``,
        ``reason_code`` (for ``not_verifiable``, see :data:`NOT_VERIFIABLE_REASONS`), ``basis``
        (recorded / automatic / keyword / table / none) and ``evidence`` (utterance ids).
    """
    from ..options import check_choice
    from ._verdict_rules import accepted_links, judge_claim

    check_choice(basis, ("evidence", "keyword"), "basis")
    if basis == "keyword":
        data = AuditData(data.corpus, data.survey, data.sample, data.coding_matrix, data.themes)
        judge = evaluate_claim
    else:
        links = data.remembered(("accepted_links",), lambda: accepted_links(load_claims(), data))

        def judge(claim: pd.Series, data: AuditData) -> Verdict:
            return judge_claim(claim, data, links)

    rows = []
    for _, claim in claims.iterrows():
        result = data.remembered((basis, claim.to_json()), lambda: judge(claim, data))  # noqa: B023 - called at once
        rows.append(
            {
                "claim_id": claim["claim_id"],
                "section_id": claim["section_id"],
                "line": int(claim["line_start"]),
                "kind": claim["kind"],
                "statement": claim["text"],
                "relation": claim["relation"],
                "computed": result.computed,
                "verdict": result.verdict,
                "reason": result.reason,
                "reason_code": result.reason_code,
                "basis": result.basis or "keyword",
                "evidence": result.evidence,
            }
        )
    columns = [
        "claim_id",
        "section_id",
        "line",
        "kind",
        "statement",
        "relation",
        "computed",
        "verdict",
        "reason",
        "reason_code",
        "basis",
        "evidence",
    ]
    return pd.DataFrame(rows, columns=columns)


def verdict_summary(audited: pd.DataFrame) -> pd.DataFrame:
    """Claims per kind × verdict, with totals (verdict columns in a fixed order).

    Parameters
    ----------
    audited : pandas.DataFrame
        From :func:`audit`.

    Returns
    -------
    pandas.DataFrame
        Index ``kind`` then ``Sum``; columns :data:`VERDICTS` then ``Sum`` (numbers of claims).
    """
    table = pd.crosstab(audited["kind"], audited["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    table.loc["Sum"] = table.sum()
    table["Sum"] = table.sum(axis=1)
    table.columns.name = None
    return table


def load_audit_data(
    corpus_dir: str | Path | None = None,
    normaliser: str = "lemma",
    *,
    corpus: Corpus | None = None,
    matrix: pd.DataFrame | None = None,
    evidence_path: str | Path | None = None,
) -> AuditData:
    """Load everything the audit needs; code the corpus with the whole codebook unless given.

    A notebook that has already loaded the corpus and coded it with the whole codebook (with
    ``normaliser``) passes both, so the work is not done twice; a matrix of a framework subset is
    not enough for the theme claims and the corpus is coded again.

    Parameters
    ----------
    corpus_dir : str or Path, optional
        The corpus folder (default ``data/corpus``); ignored when ``corpus`` is given.
    normaliser : {"lemma", "stem", "lower"}
        The normaliser the coding uses.
    corpus : Corpus, optional
        An already loaded corpus.
    matrix : pandas.DataFrame, optional
        Its utterance × category coding with the whole codebook. Taken as it is: the keyword rules
        then count every hit (a caller who wants affirmed hits only passes that matrix).
    evidence_path : str or Path, optional
        The recorded reading (default ``data/evidence/claim_evidence.csv``; absent = none recorded).
        The default reading is of the thesis corpus: with another ``corpus_dir`` it is not used.

    Returns
    -------
    AuditData
        The corpus, survey, sample, coding matrix (every hit), the matrix of affirmed hits
        (negated hits left out), the claim themes and the recorded reading.

    Raises
    ------
    InputDataError
        An input file that cannot be read or breaks its schema.
    """
    from ..coding import affirmed_matrix, code_corpus
    from ..corpus import load_corpus
    from ..io import load_codebook
    from ..paths import data_dir
    from ._evidence import empty_evidence, load_claim_evidence

    corpus = corpus if corpus is not None else load_corpus(corpus_dir)
    codebook = load_codebook()
    texts = corpus.utterances.set_index("utterance_id")["text"]
    affirmed = None
    if matrix is None or not set(codebook.categories["category_id"]) <= set(matrix.columns):
        coding = code_corpus(corpus, codebook, normaliser).result
        matrix = coding.matrix
        affirmed = affirmed_matrix(coding.evidence, texts, matrix.index, matrix.columns)
    # The committed reading belongs to the thesis corpus: another corpus (a researcher's own
    # transcripts) has other quotes, so it has no reading unless one is given.
    other_corpus = corpus_dir is not None and Path(corpus_dir).resolve() != (data_dir() / "corpus").resolve()
    if evidence_path is None and other_corpus:
        recorded = empty_evidence()
    else:
        recorded = load_claim_evidence(
            evidence_path, claim_ids=load_claims()["claim_id"], utterance_ids=corpus.utterances["utterance_id"]
        )
    return AuditData(
        corpus, load_survey(), load_sample(), matrix, load_claim_themes(), evidence=recorded, affirmed_matrix=affirmed
    )


def audit_matching(claims: pd.DataFrame, data: AuditData, **criteria: str | list[str]) -> pd.DataFrame:
    """The audit of the claims that match every criterion (a claims.csv column → value or list of values).

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`load_claims`.
    data : AuditData
        From :func:`load_audit_data`.
    **criteria : str or list of str
        Column → wanted value(s), e.g. ``kind="quote_count"``.

    Returns
    -------
    pandas.DataFrame
        The frame of :func:`audit` for the matching claims.
    """
    mask = pd.Series(True, index=claims.index)
    for column, wanted in criteria.items():
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        mask &= claims[column].isin(values)
    return audit(claims[mask], data)


#: Re-exported so the audit reads as one module to its callers: the inventory (``load_claims``,
#: ``VERDICTS``) sits in :mod:`._claims_model`.
__all__ = [
    "VERDICTS",
    "AuditData",
    "Verdict",
    "audit",
    "audit_matching",
    "evaluate_claim",
    "load_audit_data",
    "load_claim_themes",
    "load_claims",
    "quotes_above",
    "verdict_summary",
]
