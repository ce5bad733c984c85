"""Issue 12: the audit as a careful second reader — evidence links, negation, verdict rules.

One test (or a small group) per error class of the issue, on small constructed cases over the real
corpus (section 4.4.1 prints four employer quotes U090–U093 and three union quotes U094–U096;
4.3.1 prints the union quote U077 that does not want an idea box), plus the evidence loader's
errors and the linking agreement on held-out folds.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from _claim_rows import claim_row

from mdi_analysis.audit import _claims as claims
from mdi_analysis.audit import _evidence as evidence
from mdi_analysis.audit import _verdict_rules as rules
from mdi_analysis.audit._claims_model import NOT_VERIFIABLE_REASONS
from mdi_analysis.coding import code_texts, kwic, negated_tokens
from mdi_analysis.corpus import load_corpus
from mdi_analysis.errors import InputDataError
from mdi_analysis.io import load_codebook
from mdi_analysis.text import tokenize

HEADER = "claim_id,utterance_id,stance,coder,basis,note\n"


@pytest.fixture(scope="module")
def real() -> claims.AuditData:
    corpus = load_corpus()
    categories = load_codebook().categories["category_id"]
    matrix = pd.DataFrame(0, index=corpus.utterances["utterance_id"], columns=categories)
    return claims.load_audit_data(corpus=corpus, matrix=matrix)


def read(real: claims.AuditData, rows: list[tuple[str, str]], claim_id: str = "C999") -> claims.AuditData:
    """``real`` with a recorded reading of ``rows`` (utterance id, stance) for one claim."""
    table = pd.DataFrame(
        [
            {"claim_id": claim_id, "utterance_id": u, "stance": s, "coder": "t", "basis": "reading", "note": ""}
            for u, s in rows
        ]
    )
    return dataclasses.replace(real, evidence=table, memo={})


# ---------------------------------------------------------------------------- single-quote link


def test_a_statement_about_one_quote_is_checked_on_the_linked_quote(real):
    one = claim_row(
        claim_id="C999",
        section_id="4.3.1",
        scope_sections="4.3.1",
        scope_role="tillitsvalgt",
        kind="quote_count",
        quantity="n_quotes",
        relation="== 1",
        expected=1.0,
        text="En av de tillitsvalgte sa at det ikke var ønskelig med idékasse.",
    )
    keyword_only = claims.evaluate_claim(one, real)
    assert keyword_only.verdict == "not_verifiable"  # before: «confirms only how many quotes 4.3.1 has»
    result = rules.judge_claim(one, read(real, [("U077", "supports")]))
    assert (result.verdict, result.basis, result.evidence) == ("agrees", "recorded", "U077")
    automatic = pd.DataFrame({"claim_id": ["C999"], "utterance_id": ["U077"]})
    result = rules.judge_claim(one, dataclasses.replace(real, evidence=evidence.empty_evidence()), automatic)
    assert (result.verdict, result.basis) == ("agrees", "automatic")


def test_a_statement_about_one_quote_without_a_supporting_link_is_not_agreed(real):
    one = claim_row(
        section_id="4.3.1",
        scope_sections="4.3.1",
        scope_role="tillitsvalgt",
        kind="quote_count",
        quantity="theme:lederskap_barriere",
        relation="== 1",
        expected=1.0,
    )
    result = rules.judge_claim(one, read(real, [("U077", "unrelated")]))
    assert result.verdict == "not_verifiable" and result.reason_code == "no_quote_found"


# ---------------------------------------------------------------------------- wrong attribution


def test_a_quote_by_the_other_role_is_a_flagged_attribution(real):
    one = claim_row(
        section_id="4.3.1",
        scope_sections="4.3.1",
        scope_role="arbeidsgiver",
        kind="quote_count",
        quantity="theme:lederskap_barriere",
        relation="== 1",
        expected=1.0,
    )
    result = rules.judge_claim(one, read(real, [("U077", "supports")]))  # U077 is a union representative's
    assert result.verdict == "contradicted"
    assert "attribution" in result.reason and "U077 (tillitsvalgt" in result.reason


def test_a_quote_outside_the_statements_subsection_does_not_count_for_it(real):
    # C025-like: the count holds only when a quote of another subsection is counted.
    result = rules.judge_claim(
        claim_row(scope_role="tillitsvalgt", quantity="theme:lederskap_barriere", relation=">= 2"),
        read(real, [("U094", "supports"), ("U077", "supports")]),
    )
    assert result.verdict == "partly"
    assert "holds only counting quotes elsewhere" in result.reason and "stands outside 4.4.1" in result.reason


# ---------------------------------------------------------------------- opposing under consensus


def test_a_consensus_statement_cannot_agree_when_a_quote_opposes_it(real):
    consensus = claim_row(
        scope_role="tillitsvalgt",
        quantity="theme:lederskap_barriere",
        relation="> half",
        text="Det var stor enighet blant de tillitsvalgte om dette.",
    )
    data = read(real, [("U094", "supports"), ("U095", "supports"), ("U096", "opposes")])
    result = rules.judge_claim(consensus, data)
    assert result.verdict == "partly" and "opposing: U096" in result.reason
    # without the opposing quote the same support is enough
    assert rules.judge_claim(consensus, read(real, [("U094", "supports"), ("U095", "supports")])).verdict == "agrees"


def test_a_universal_statement_cannot_agree_on_respondents_not_quoted(real):
    # 4.4.1 quotes three union representatives; the sample has five.
    every = claim_row(
        scope_role="tillitsvalgt",
        quantity="theme:lederskap_barriere",
        relation="== all",
        text="Alle de tillitsvalgte mente at tid var en barriere.",
    )
    data = read(real, [("U094", "supports"), ("U095", "supports"), ("U096", "supports")])
    result = rules.judge_claim(every, data)
    assert result.verdict == "partly" and "all 5 respondents" in result.reason


def test_a_none_statement_with_a_counter_example_is_not_agreed(real):
    none = claim_row(
        scope_role="tillitsvalgt",
        quantity="theme:lederskap_barriere",
        relation="== 0",
        text="Ingen av de tillitsvalgte så på lederskapet som en barriere.",
    )
    assert rules.judge_claim(none, read(real, [("U094", "opposes")])).verdict == "contradicted"
    assert rules.judge_claim(none, read(real, [("U094", "supports"), ("U095", "opposes")])).verdict == "partly"


# ------------------------------------------------------------------------------ negated mention


def test_a_negation_scope_runs_to_the_clause_end():
    text = "Vi har ikke forslagskasse, men vi har samarbeid. Det er aldri tid til det. Tillit uten samarbeid."
    tokens, negated = tokenize(text), negated_tokens(text)
    assert len(tokens) == len(negated)
    by_position = list(zip(tokens, negated.tolist(), strict=True))
    assert ("forslagskasse", True) in by_position  # after «ikke», same clause
    assert by_position[7] == ("samarbeid", False)  # «men» opens a new clause
    assert ("tid", True) in by_position  # «aldri»
    assert by_position[-1] == ("samarbeid", True)  # «uten»
    assert ("ikke", False) in by_position  # a cue is not itself negated


def test_kwic_shows_and_the_matrix_can_leave_out_negated_hits():
    texts = pd.Series({"U1": "Vi har ikke forslagskasse her.", "U2": "Vi har en forslagskasse i gangen."})
    lines = kwic(texts, "forslagskasse", window=2, negation=True)
    assert lines.set_index("utterance_id")["negated"].to_dict() == {"U1": True, "U2": False}
    codebook = pd.Series({"tema.forslag": "forslagskasse"})
    assert code_texts(texts, codebook).matrix["tema.forslag"].tolist() == [1, 1]
    affirmed = code_texts(texts, codebook, affirmed_only=True)
    assert affirmed.matrix["tema.forslag"].tolist() == [0, 1]
    assert affirmed.evidence["negated"].tolist() == [True, False]  # the evidence keeps every hit


def test_the_audit_counts_affirmed_mentions_only(real):
    themes = pd.DataFrame(
        {"theme": ["alfa"], "category_ids": ["tema.lederskap"], "match": ["mention"], "limitation": [None]}
    ).astype("string")
    every_hit = real.coding_matrix.copy()
    every_hit.loc[["U094", "U095"], "tema.lederskap"] = 1
    affirmed = every_hit.copy()
    affirmed.loc["U095", "tema.lederskap"] = 0  # U095's hit stands after «ikke»
    some = claim_row(scope_role="tillitsvalgt", quantity="theme:alfa", relation=">= 2")
    plain = claims.AuditData(real.corpus, real.survey, real.sample, every_hit, themes)
    assert claims.evaluate_claim(some, plain).verdict == "agrees"
    negation_aware = dataclasses.replace(plain, affirmed_matrix=affirmed)
    assert claims.evaluate_claim(some, negation_aware).verdict == "partly"


# ------------------------------------------------------------------------------------- silence


def test_silence_is_not_verifiable_never_contradicted(real):
    lean = claim_row(
        scope_role="tillitsvalgt",
        subject="sample",
        checkable_from="sample",
        quantity="theme:lean",
        relation=">= 2",
        text="Noen av kommunene hadde kommet i gang med LEAN-metodikken.",
    )
    result = rules.judge_claim(lean, real)  # 3.2 names LEAN for one municipality
    assert result.verdict == "not_verifiable" and result.reason_code == "municipality_not_identifiable"
    unread = rules.judge_claim(
        claim_row(scope_role="tillitsvalgt", quantity="theme:lederskap_barriere", relation=">= 2"),
        read(real, [("U094", "unrelated"), ("U095", "unrelated")]),
    )
    assert unread.verdict == "not_verifiable" and unread.reason_code == "no_quote_found"


# ------------------------------------------------------------------------------- compound grade


def test_a_compound_comparison_with_some_parts_holding_is_partly(real):
    survey = claim_row(
        scope_role="tillitsvalgt",
        subject="survey",
        checkable_from="survey",
        kind="survey_comparison",
        quantity="score:oppgavemotivasjon",
        relation="A:B:D == NO",
        scope="table",
    )
    result = rules.judge_claim(survey, real)  # A 4.2, B 4.3, D 4.3, Norge 4.3
    assert result.verdict == "partly" and result.reason == "A == NO fails for Oppgavemotivasjon"
    assert result.basis == "table"


# ------------------------------------------------------------------------------ the whole audit


def test_every_not_verifiable_carries_a_reason_of_the_vocabulary_and_there_are_few():
    audited = claims.audit(claims.load_claims(), claims.load_audit_data())
    unverifiable = audited[audited["verdict"] == "not_verifiable"]
    assert unverifiable["reason_code"].isin(list(NOT_VERIFIABLE_REASONS)).all()
    assert len(unverifiable) <= 25
    assert audited.loc[audited["verdict"] != "not_verifiable", "reason_code"].eq("").all()
    assert set(audited["basis"]) <= {"recorded", "automatic", "keyword", "table", "none"}


def test_the_rules_on_the_hard_cases_of_the_reading():
    """The cases docs/evidence-reading.md names, as the audit grades them."""
    audited = claims.audit(claims.load_claims(), claims.load_audit_data()).set_index("claim_id")
    # attribution: the only quote that says it is a union representative's
    assert audited.loc["C082", "verdict"] == "contradicted" and "attribution" in audited.loc["C082", "reason"]
    # «ovennevnte fem … entydige»: the count holds, the consensus meets an opposing quote
    assert audited.loc["C056", "verdict"] == "partly"
    # unpublished: a loosely opposing quote does not refute it
    assert (audited.loc["C091", "verdict"], audited.loc["C091", "reason_code"]) == (
        "not_verifiable",
        "respondents_not_quoted",
    )
    # «Flere av kommunene»: quotes support it, but cannot be counted as municipalities
    assert audited.loc["C121", "reason_code"] == "municipality_not_identifiable"
    # «En av kommunene»: one respondent is one municipality, one quote settles it
    assert audited.loc["C102", "verdict"] == "agrees"
    # silence of a 3.2 profile
    for claim_id in ("C095", "C096", "C126"):
        assert audited.loc[claim_id, "verdict"] == "not_verifiable", claim_id
    # a comparison of how often two themes come up, with no quote read for or against: keyword counts
    assert audited.loc["C109", "basis"] == "keyword"


# ------------------------------------------------------------------------------------- loader


def test_a_missing_evidence_file_means_no_reading(tmp_path):
    table = evidence.load_claim_evidence(tmp_path / "absent.csv")
    assert table.empty and list(table.columns) == list(evidence.EVIDENCE_COLUMNS)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("C001,U001,maybe,r,reading,\n", r"row 1.*column 'stance'.*'maybe'"),
        ("C1,U001,supports,r,reading,\n", r"row 1.*column 'claim_id'"),
        ("C001,U001,supports,r,reading,\nC001,U001,opposes,r,reading,\n", r"row \d.*duplicates an earlier one"),
        ("C998,U001,supports,r,reading,\n", r"row 1.*column 'claim_id'.*unknown id 'C998'"),
        ("C001,U999,supports,r,reading,\n", r"row 1.*column 'utterance_id'.*unknown id 'U999'"),
    ],
)
def test_evidence_loader_errors_are_one_line_naming_row_and_column(tmp_path, body, message):
    path = tmp_path / "claim_evidence.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(InputDataError, match=message) as error:
        evidence.load_claim_evidence(path, claim_ids=pd.Series(["C001"]), utterance_ids=pd.Series(["U001"]))
    assert "\n" not in str(error.value)


def test_evidence_loader_names_a_missing_column(tmp_path):
    path = tmp_path / "claim_evidence.csv"
    path.write_text("claim_id,utterance_id,coder,basis,note\nC001,U001,r,reading,\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="column 'stance' is missing"):
        evidence.load_claim_evidence(path)


# ------------------------------------------------------------------------------------- linking


def test_linking_agreement_is_measured_on_held_out_folds():
    candidates = pd.DataFrame(
        {
            "claim_id": ["C001", "C001", "C002", "C002", "C003", "C004"],
            "rank": [1, 2, 1, 2, 1, 1],
            "utterance_id": ["U001", "U002", "U003", "U004", "U005", "U006"],
            "score": [0.5, 0.2, 0.4, 0.1, 0.3, 0.05],
        }
    )
    recorded = pd.DataFrame(
        {
            "claim_id": ["C001", "C001", "C002", "C003", "C004"],
            "utterance_id": ["U001", "U002", "U004", "U005", "U009"],
            "stance": ["supports", "opposes", "supports", "supports", "supports"],
        }
    )
    table = evidence.linking_agreement(candidates, recorded, n_folds=2)
    total = table.set_index("fold").loc["all"]
    assert total["claims"] == 4 and total["recorded_links"] == 5
    assert 0 <= total["top1_precision"] <= 1 and 0 <= total["recall"] <= 1
    assert len(table) == 3  # two folds and the total
    assert "top-1 precision" in evidence.agreement_line(table)


def _fold_report(thresholds: list[float]) -> pd.DataFrame:
    folds = [str(i + 1) for i in range(len(thresholds))]
    return pd.DataFrame(
        {
            "fold": [*folds, "all"],
            "claims": [2] * len(folds) + [2 * len(folds)],
            "threshold": [*thresholds, float("nan")],
        }
    )


@pytest.mark.parametrize(
    ("thresholds", "pooled"),
    [([0.1, 0.3, 0.2], "per fold (0.10–0.30)"), ([0.0, 0.0], "per fold (0.00 in each)")],
)
def test_linking_table_shows_the_folds_thresholds_in_the_pooled_row_not_nan(thresholds, pooled):
    """The ``all`` row pools folds with thresholds of their own: it printed ``NaN`` (issue: new-user review)."""
    from mdi_analysis.audit import linking_table

    report = _fold_report(thresholds)
    shown = linking_table(report).set_index("fold")["threshold"]
    assert list(shown) == [f"{t:.2f}" for t in thresholds] + [pooled]
    assert pd.isna(report["threshold"].iloc[-1]), "the report itself keeps no made-up pooled threshold"
    assert linking_table(report.iloc[:0]).empty


def test_printed_audit_figures_hold_no_nan_threshold(real, capsys):
    from mdi_analysis.audit import print_audit_figures

    print_audit_figures(real)
    printed = capsys.readouterr().out
    pooled = next(line for line in printed.splitlines() if line.lstrip().startswith("all "))
    assert "NaN" not in pooled and "per fold (" in pooled


def test_automatic_candidates_rank_the_paraphrased_quote_first(real):
    # C102 paraphrases U044 (4.1.7, «men hadde ingen målretta tiltak»): the closest quote by lemmas.
    table = claims.load_claims()
    links = rules.automatic_candidates(table[table["claim_id"] == "C102"], real)
    best = links[links["rank"] == 1].iloc[0]
    assert best["utterance_id"] == "U044" and best["margin"] > 0 and best["shared"]


def test_single_quote_candidates_mark_the_quote_the_reading_links(real):
    from mdi_analysis.audit import load_claims, single_quote_candidates

    table = load_claims()
    candidates = single_quote_candidates(table, real)
    c046 = candidates[candidates["claim_id"] == "C046"].set_index("rank")
    assert list(c046.index) == [1, 2, 3]
    assert c046.loc[3, "utterance_id"] == "U077" and bool(c046.loc[3, "read"])
    assert not c046.loc[1, "read"]
    # only statements about one quote, and the reading's quote is marked for every one of them
    single = table[(table["kind"] == "quote_count") & (table["relation"] == "== 1")]
    assert set(candidates["claim_id"]) <= set(single["claim_id"])
    assert candidates.loc[candidates["claim_id"] == "C084", "read"].tolist() == [True, False, False]
