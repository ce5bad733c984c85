"""Verdicts a careful second reader would sign: evidence first, keywords last.

For a statement about quotes the verdict rests on, in this order:

1. the **recorded** reading (``data/evidence/claim_evidence.csv``: the quotes the statement speaks
   about, each ``supports`` / ``opposes`` / ``unrelated``);
2. an **automatic** link, only for a statement about *one* quote («En av arbeidsgiverne uttrykte …»)
   whose closest quote in scope scores at or above the threshold fitted on the recorded reading;
3. the **keyword** coding (affirmed hits only: a negated mention is not a mention).

Survey, sample and corpus-structure claims keep their table rules (basis ``table``).

The rules on evidence:

* evidence decides role, section and count: a supporting quote by the other role, or outside the
  statement's own subsection, does not count for it, and is named (an attribution that does not
  fit is flagged: ``contradicted`` when no quote of the right speaker supports it);
* a universal or consensus statement («alle», «samtlige», «stor enighet», «ingen», «de fleste»)
  never ``agrees`` when an opposing quote exists, nor on respondents who are not quoted;
* silence is never contradiction: without a supporting or opposing quote the verdict is
  ``not_verifiable`` (``no_quote_found``);
* some parts holding gives ``partly``.
"""

from __future__ import annotations

import re

import pandas as pd

from ._claims import _in_scope_sections, _scope_quotes, evaluate_claim
from ._claims_model import NOT_VERIFIABLE_REASONS, AuditData, Verdict
from ._evidence import candidate_links, fitted_threshold

#: Words that make a statement universal or a consensus: one opposing quote is enough to stop ``agrees``.
UNIVERSAL = re.compile(
    r"\b(alle|samtlige|enighet|enige|enstemmig|entydige?|ingen|ingenting|de fleste|flertallet|hver(?:t)?|"
    r"gjennomgående)\b",
    re.IGNORECASE,
)
#: A statement about respondents (not about quotes or a theme): «alle arbeidsgiverne», «ingen av respondentene».
ABOUT_RESPONDENTS = re.compile(
    r"\b(alle|samtlige|ingen av|de fleste av)\s+(de\s+)?(respondent\w*|arbeidsgiver\w*|tillitsvalgt\w*|informant\w*|"
    r"ledere\w*|kommune\w*)",
    re.IGNORECASE,
)
#: A count or comparison of municipalities («flere av kommunene», «fra kommune til kommune»):
#: quotes are anonymised by municipality, so no quote can be counted for one.
COUNTS_MUNICIPALITIES = re.compile(
    r"\b(noen|flere|de fleste|alle|ingen|en|to|tre|fire|fem|samtlige)\s+(av\s+)?(de\s+)?(andre\s+)?"
    r"(hallingdal)?kommune(ne|r)\b|\bfra kommune til kommune\b",
    re.IGNORECASE,
)


def is_universal(claim: pd.Series) -> bool:
    """A statement of consensus or universality, by its relation or its wording."""
    return str(claim["relation"]).strip() in ("== all", "> half", "== 0") or bool(UNIVERSAL.search(str(claim["text"])))


def _respondents_per_role(data: AuditData) -> dict[str, int]:
    sides = data.sample.respondents.groupby("side")["count"].sum()
    out = {}
    for side, count in sides.items():
        key = "arbeidsgiver" if "arbeidsgiver" in str(side).lower() else "tillitsvalgt"
        out[key] = out.get(key, 0) + int(count)
    out["both"] = sum(out.values())
    return out


def _fits_role(role: str, wanted: str) -> bool:
    return wanted == "both" or role == wanted


def _own_sections(claim: pd.Series) -> str:
    """The subsection a chapter 4 statement speaks of (its own); chapter 5–6 statements speak of their scope."""
    section = str(claim["section_id"])
    return section if section.startswith("4.") else str(claim["scope_sections"])


def _describe(rows: pd.DataFrame) -> str:
    return ", ".join(f"{u} ({r}, {s})" for u, r, s in zip(rows["utterance_id"], rows["role"], rows["section_id"]))


def from_evidence(claim: pd.Series, rows: pd.DataFrame, data: AuditData, basis: str) -> Verdict:
    """The verdict of a statement on the quotes linked to it.

    Parameters
    ----------
    claim : pandas.Series
        One row of :func:`load_claims`.
    rows : pandas.DataFrame
        Its evidence: ``utterance_id`` and ``stance`` (``supports``/``opposes``/``unrelated``).
    data : AuditData
        For the quotes' role and section and the sample's respondents.
    basis : {"recorded", "automatic"}
        Said in the verdict.

    Returns
    -------
    Verdict
    """
    quotes = data.corpus.utterances.set_index("utterance_id")[["role", "section_id"]]
    linked = rows.merge(quotes, left_on="utterance_id", right_index=True, how="inner")
    wanted_role = str(claim["scope_role"])
    own = str(_own_sections(claim))
    supports = linked[linked["stance"] == "supports"]
    opposes = linked[linked["stance"] == "opposes"]
    role_ok = supports["role"].map(lambda r: _fits_role(r, wanted_role))
    section_ok = _in_scope_sections(supports["section_id"], own) if len(supports) else pd.Series(dtype=bool)
    counted = supports[role_ok & section_ok] if len(supports) else supports
    wrong_role = supports[~role_ok] if len(supports) else supports
    elsewhere = supports[role_ok & ~section_ok] if len(supports) else supports
    opposing = opposes[opposes["role"].map(lambda r: _fits_role(r, wanted_role))] if len(opposes) else opposes
    n = len(counted)
    ids = ";".join(linked.loc[linked["stance"] != "unrelated", "utterance_id"])
    computed = f"{n} supporting quote(s) of the right speaker in {own}" + (f": {_describe(counted)}" if n else "")
    flags = []
    if len(wrong_role):
        flags.append(f"attribution: the statement speaks of {wanted_role}, but {_describe(wrong_role)} is not")
    if len(elsewhere):
        flags.append(f"{_describe(elsewhere)} stands outside {own}")
    if len(opposing):
        flags.append(f"opposing: {_describe(opposing)}")
    note = ("; " + "; ".join(flags)) if flags else ""

    def verdict(name: str, reason: str, code: str = "") -> Verdict:
        return Verdict(computed, name, reason + note, code, basis, ids)

    relation = str(claim["relation"]).strip()
    # «En av kommunene …»: one respondent speaks for one municipality, so one quote settles it; a
    # count of two or more, or a comparison, needs quotes tied to municipalities.
    if COUNTS_MUNICIPALITIES.search(str(claim["text"])) and relation != "== 1":
        return verdict(
            "not_verifiable",
            "the statement counts or compares municipalities; the quotes it rests on cannot be tied to one",
            "municipality_not_identifiable",
        )
    if claim["subject"] == "not_published" and n == 0:
        about_all = str(claim["relation"]).strip() == "== all"
        return verdict(
            "not_verifiable",
            "it rests on material the thesis does not publish; no printed quote says it, and the quotes "
            "linked to it touch it too loosely to refute it",
            "respondents_not_quoted" if about_all else "unpublished_material",
        )
    universal = is_universal(claim)
    if relation == "== 0":
        if len(opposing) and n:
            return verdict("partly", f"{n} quote(s) bear it out, {len(opposing)} say what it says nobody says")
        if len(opposing):
            return verdict("contradicted", f"{len(opposing)} quote(s) say what the statement says nobody says")
        if n:
            return _respondent_limit(claim, data, verdict, n, "no quote in scope says otherwise")
        return verdict("not_verifiable", "no quote linked to it", "no_quote_found")
    if n == 0:
        if len(wrong_role):
            return verdict("contradicted", "the quote(s) that say it are by another speaker than the statement names")
        if len(opposing):
            return verdict("contradicted", "the linked quotes say the opposite")
        if len(elsewhere):
            return verdict("partly", "it holds only for quotes outside the statement's own subsection")
        return verdict("not_verifiable", "no linked quote supports or opposes it", "no_quote_found")
    if universal and len(opposing):
        return verdict("partly", f"{n} quote(s) support it, but a universal or consensus statement cannot stand")
    holds, need = _count_holds(claim, data, relation, n)
    if holds is None:
        return verdict("partly" if len(opposing) else "agrees", f"{n} quote(s) support it")
    if not holds:
        wider = n + len(elsewhere)
        if len(elsewhere) and _count_holds(claim, data, relation, wider)[0]:
            return verdict("partly", f"{n} in {own} (needs {need}); it holds only counting quotes elsewhere")
        return verdict("partly", f"{n} supporting quote(s), the statement needs {need}")
    if len(wrong_role):
        return verdict("partly", f"{n} quote(s) support it (needs {need}), but an attribution does not fit")
    if universal:
        return _respondent_limit(claim, data, verdict, n, f"{n} quote(s) support it (needs {need})")
    return verdict("agrees", f"{n} quote(s) support it (needs {need})")


def _count_holds(claim: pd.Series, data: AuditData, relation: str, n: int) -> tuple[bool | None, str]:
    """Whether ``n`` supporting quotes meet the relation (None: a relation without a count)."""
    if relation in ("== all", "> half"):
        scope = _scope_quotes(claim, data.corpus)
        scope = scope[scope["role"].map(lambda r: _fits_role(r, str(claim["scope_role"])))]
        scope = scope[_in_scope_sections(scope["section_id"], str(_own_sections(claim)))]
        total = len(scope)
        if relation == "== all":
            return n >= total, f"all {total} quotes in scope"
        return n * 2 > total, f"more than half of {total}"
    match = re.fullmatch(r"(==|>=) (\d+)", relation)
    if not match:
        return None, ""
    value = int(match.group(2))
    if match.group(1) == ">=":
        return n >= value, f"at least {value}"
    # «En av …» / «to av …»: the reading may find the same thing said in more quotes; that is not
    # against the statement, a shortfall is.
    return n >= value, f"{value}"


def _respondent_limit(claim: pd.Series, data: AuditData, verdict, n: int, reason: str) -> Verdict:
    """A statement about all (or none of) the respondents agrees only if as many are quoted."""
    if not ABOUT_RESPONDENTS.search(str(claim["text"])):
        return verdict("agrees", reason)
    needed = _respondents_per_role(data).get(str(claim["scope_role"]), 0)
    if n >= needed:
        return verdict("agrees", reason)
    return verdict(
        "partly",
        f"{reason}; but it speaks of all {needed} respondents and only {n} quote(s) bear on it",
        "respondents_not_quoted",
    )


def _is_single_quote(claim: pd.Series) -> bool:
    return (
        claim["kind"] == "quote_count"
        and str(claim["relation"]).strip() == "== 1"
        and claim["checkable_from"] != "corpus"
        and claim["subject"] == "quotes"
    )


def judge_claim(claim: pd.Series, data: AuditData, automatic: pd.DataFrame | None = None) -> Verdict:
    """The verdict on the best evidence there is, saying which (``basis``).

    Parameters
    ----------
    claim : pandas.Series
        One row of :func:`load_claims`.
    data : AuditData
        With ``evidence`` (the recorded reading) and ``affirmed_matrix`` where available.
    automatic : pandas.DataFrame, optional
        Accepted automatic links (``claim_id``, ``utterance_id``) for claims without a reading.

    Returns
    -------
    Verdict
        With ``basis`` and, for ``not_verifiable``, a ``reason_code`` of :data:`NOT_VERIFIABLE_REASONS`.
    """
    recorded = data.recorded
    rows = recorded[recorded["claim_id"] == claim["claim_id"]]
    on_quotes = claim["subject"] == "quotes" and claim["checkable_from"] in ("coding", "corpus", "no")
    structural = claim["kind"] == "quote_count" and claim["checkable_from"] == "corpus"
    related = rows[rows["stance"].isin(["supports", "opposes"])] if len(rows) else rows
    compares_themes = bool(re.fullmatch(r"\w+ [<>] \w+", str(claim["relation"]).strip())) and not str(
        claim["relation"]
    ).startswith(("arbeidsgiver", "tillitsvalgt"))
    if len(rows) and (on_quotes or claim["subject"] == "not_published") and not structural:
        # A comparison of how often two themes come up is a count of mentions: when the reading
        # links no quote for or against it, the keyword counts are the measure (C109).
        if not (compares_themes and related.empty):
            return _complete(from_evidence(claim, rows, data, "recorded"))
    if automatic is not None and _is_single_quote(claim):
        link = automatic[automatic["claim_id"] == claim["claim_id"]]
        if len(link):
            auto_rows = link[["utterance_id"]].assign(stance="supports")
            return _complete(from_evidence(claim, auto_rows, data, "automatic"))
    result = evaluate_claim(claim, data)
    opposing = rows[rows["stance"] == "opposes"] if len(rows) else rows
    if structural and result.verdict == "agrees" and len(opposing) and is_universal(claim):
        # «Ovennevnte fem … er ganske entydige»: the count holds, the consensus does not (C056).
        ids = ", ".join(opposing["utterance_id"])
        return _complete(
            Verdict(
                result.computed,
                "partly",
                result.reason + f"; but the reading finds a quote against the consensus it states: {ids}",
                "",
                "recorded",
                ";".join(rows["utterance_id"]),
            )
        )
    if claim["checkable_from"] == "no" or claim["subject"] == "not_published":
        basis = "none"
    elif claim["checkable_from"] in ("survey", "sample") or structural or str(claim["quantity"]).startswith("count:"):
        basis = "table"
    else:
        basis = "keyword"
    return _complete(Verdict(result.computed, result.verdict, result.reason, result.reason_code, basis, ""))


def _complete(result: Verdict) -> Verdict:
    """Every ``not_verifiable`` carries a code of the vocabulary; other verdicts carry none."""
    if result.verdict != "not_verifiable":
        return Verdict(result.computed, result.verdict, result.reason, "", result.basis, result.evidence)
    code = result.reason_code or "needs_reading"
    if code not in NOT_VERIFIABLE_REASONS:
        raise ValueError(f"unknown not_verifiable reason {code!r}")
    return Verdict(result.computed, result.verdict, result.reason, code, result.basis, result.evidence)


def claim_scopes(claims: pd.DataFrame, data: AuditData) -> dict[str, list[str]]:
    """claim id → the utterance ids in its scope, every role (an attribution is checked after linking)."""
    scopes = {}
    for _, claim in claims.iterrows():
        if claim["subject"] in ("quotes", "not_published", "sample"):
            scopes[str(claim["claim_id"])] = _scope_quotes(claim, data.corpus)["utterance_id"].tolist()
    return scopes


def automatic_candidates(claims: pd.DataFrame, data: AuditData, top: int = 3) -> pd.DataFrame:
    """:func:`candidate_links` for every claim about quotes, remembered per data."""
    key = ("candidates", tuple(claims["claim_id"]), top)
    return data.remembered(key, lambda: candidate_links(claims, data.corpus, claim_scopes(claims, data), top))


def accepted_links(claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """Best candidates at or above the threshold fitted on the recorded reading, for claims without one.

    Returns
    -------
    pandas.DataFrame
        The rank-1 rows of :func:`automatic_candidates` that are accepted, plus ``threshold``.
    """
    recorded = data.recorded
    candidates = automatic_candidates(claims, data)
    threshold = fitted_threshold(candidates, recorded)
    best = candidates[(candidates["rank"] == 1) & (candidates["score"] >= threshold)]
    best = best[~best["claim_id"].isin(set(recorded["claim_id"]))]
    return best.assign(threshold=threshold)


__all__ = [
    "ABOUT_RESPONDENTS",
    "COUNTS_MUNICIPALITIES",
    "UNIVERSAL",
    "accepted_links",
    "automatic_candidates",
    "claim_scopes",
    "from_evidence",
    "is_universal",
    "judge_claim",
]
