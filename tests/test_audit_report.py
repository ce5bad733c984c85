"""The audit's report figures (``audit/_audit_report.py``): what notebook 22 and the docs cite.

Why exact values: these functions turn the audit into the figures the closing notes, the docs and
the scoreboard quote (verdicts with keyword rules only and with evidence, the reasons of
``not_verifiable``, the linking agreement). nbval compares notebook 22's printout, but a unit test
names the figure that moved; the small fixtures pin the row-building rules (which quotes count,
where a stance and a note come from) that the real data never reach.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from mdi_analysis.audit import _audit_report as report
from mdi_analysis.audit import _claims as claims
from mdi_analysis.audit._claims_model import NOT_VERIFIABLE_REASONS, VERDICTS


@pytest.fixture(scope="module")
def data() -> claims.AuditData:
    return claims.load_audit_data()


@pytest.fixture(scope="module")
def inventory() -> pd.DataFrame:
    return claims.load_claims()


def test_verdict_counts_before_and_after_the_evidence(inventory, data):
    table = report.verdict_counts(inventory, data)
    assert list(table.columns) == [*VERDICTS, "Sum"]
    assert list(table.index) == ["keyword only", "with evidence"]
    assert table.to_dict("index") == {
        "keyword only": {
            "agrees": 47,
            "agrees_above_only": 3,
            "partly": 11,
            "contradicted": 1,
            "not_verifiable": 65,
            "Sum": 127,
        },
        "with evidence": {
            "agrees": 68,
            "agrees_above_only": 3,
            "partly": 29,
            "contradicted": 3,
            "not_verifiable": 24,
            "Sum": 127,
        },
    }
    assert all(str(dtype).startswith("int") for dtype in table.dtypes)


def test_verdict_counts_list_a_verdict_nobody_got_as_zero(inventory, data):
    few = inventory[inventory["claim_id"].isin(["C015", "C016"])]
    table = report.verdict_counts(few, data)
    assert list(table.columns) == [*VERDICTS, "Sum"]
    assert table.loc["with evidence"].to_dict() == {
        "agrees": 1,
        "agrees_above_only": 0,
        "partly": 1,
        "contradicted": 0,
        "not_verifiable": 0,
        "Sum": 2,
    }
    assert table.loc["keyword only", "not_verifiable"] == 2


def test_reason_counts_list_every_code_in_vocabulary_order(inventory, data):
    table = report.reason_counts(claims.audit(inventory, data))
    assert table.index.name == "reason_code"
    assert list(table.index) == list(NOT_VERIFIABLE_REASONS)
    assert list(table.columns) == ["claims", "meaning"]
    assert table["meaning"].tolist() == list(NOT_VERIFIABLE_REASONS.values())
    assert table["claims"].to_dict() == {
        "unpublished_material": 13,
        "not_in_data": 1,
        "municipality_not_identifiable": 9,
        "respondents_not_quoted": 1,
        "no_measure": 0,
        "needs_reading": 0,
        "no_quote_found": 0,
    }


def test_reason_counts_count_only_not_verifiable_rows():
    audited = pd.DataFrame(
        {
            "verdict": ["not_verifiable", "not_verifiable", "agrees", "partly"],
            "reason_code": ["no_measure", "no_measure", "no_measure", "needs_reading"],
        }
    )
    counts = report.reason_counts(audited)["claims"]
    assert counts["no_measure"] == 2 and counts["needs_reading"] == 0
    assert counts.sum() == 2
    assert all(isinstance(value, int) for value in counts.tolist())


def test_verdict_changes_are_the_claims_the_evidence_moved(inventory, data):
    changes = report.verdict_changes(inventory, data)
    assert list(changes.columns) == ["claim_id", "keyword_verdict", "verdict", "basis", "reason_code", "reason"]
    assert list(changes.index) == list(range(len(changes)))
    assert (changes["verdict"] != changes["keyword_verdict"]).all()
    order = inventory["claim_id"].tolist()
    assert changes["claim_id"].tolist() == sorted(changes["claim_id"], key=order.index)
    moves = changes.groupby(["keyword_verdict", "verdict"]).size().to_dict()
    assert moves == {
        ("agrees", "not_verifiable"): 1,
        ("agrees", "partly"): 7,
        ("contradicted", "partly"): 1,
        ("not_verifiable", "agrees"): 26,
        ("not_verifiable", "contradicted"): 2,
        ("not_verifiable", "partly"): 14,
        ("partly", "agrees"): 3,
        ("partly", "contradicted"): 1,
    }
    first = changes.iloc[0]
    assert (first["claim_id"], first["keyword_verdict"], first["verdict"], first["basis"]) == (
        "C015",
        "not_verifiable",
        "partly",
        "recorded",
    )


def test_linking_report_is_the_agreement_on_five_held_out_folds(inventory, data):
    table = report.linking_report(inventory, data).set_index("fold")
    assert list(table.index) == ["1", "2", "3", "4", "5", "all"]
    overall = table.loc["all"]
    assert (overall["claims"], overall["proposed"], overall["recorded_links"]) == (84, 81, 301)
    assert overall["top1_precision"] == pytest.approx(0.753, abs=5e-4)
    assert overall["recall"] == pytest.approx(0.462, abs=5e-4)
    assert table.loc[["1", "2", "3", "4", "5"], "claims"].tolist() == [17, 17, 17, 17, 16]


def test_single_quote_candidates_mark_what_the_reading_linked(inventory, data):
    table = report.single_quote_candidates(inventory, data)
    assert list(table.columns) == [
        "claim_id",
        "rank",
        "utterance_id",
        "role",
        "section_id",
        "score",
        "margin",
        "shared",
        "read",
    ]
    assert table.shape == (48, 9) and table["claim_id"].nunique() == 16
    assert table["read"].dtype == bool and int(table["read"].sum()) == 15
    single = inventory.set_index("claim_id").loc[table["claim_id"].unique()]
    assert (single["kind"] == "quote_count").all() and (single["relation"] == "== 1").all()
    assert (single["checkable_from"] != "corpus").all()
    assert list(table.index) == list(range(len(table)))


def test_evidence_quotes_of_the_thesis_audit(inventory, data):
    table = report.evidence_quotes(claims.audit(inventory, data), data)
    assert table.shape == (273, 7)
    assert table["stance"].value_counts().to_dict() == {"supports": 241, "opposes": 32}
    first = table.iloc[0]
    assert (first["claim_id"], first["utterance_id"], first["role"], first["section_id"], first["stance"]) == (
        "C015",
        "U001",
        "arbeidsgiver",
        "4.1.1",
        "supports",
    )
    assert first["matched_words"] == "god innovasjon"
    assert first["reader_note"] == "employer defines innovation as renewing and doing things better"


def test_evidence_quotes_take_stance_and_note_from_the_reading_else_automatic(data):
    reading = pd.DataFrame(
        [
            {
                "claim_id": "C1",
                "utterance_id": "U077",
                "stance": "opposes",
                "coder": "t",
                "basis": "reading",
                "note": "n1",
            },
            {
                "claim_id": "C1",
                "utterance_id": "U001",
                "stance": "supports",
                "coder": "t",
                "basis": "reading",
                "note": None,
            },
        ]
    )
    small = dataclasses.replace(data, evidence=reading, memo={})
    audited = pd.DataFrame(
        {
            "claim_id": ["C1", "C2", "C3", "C1"],
            "statement": [
                "Den tillitsvalgte ville ikke ha forslagskasse, men en anonym kasse.",
                "Ingen ting.",
                "Innovasjon er å gjøre ting på en ny måte.",
                "Innovasjon.",
            ],
            "evidence": ["U077;U999;U001", None, "U001", ""],
        }
    )
    table = report.evidence_quotes(audited, small)
    assert list(table.columns) == [
        "claim_id",
        "utterance_id",
        "role",
        "section_id",
        "stance",
        "matched_words",
        "reader_note",
    ]
    # U999 is not in the corpus; no evidence (None, "") makes no row.
    assert list(zip(table["claim_id"], table["utterance_id"])) == [("C1", "U077"), ("C1", "U001"), ("C3", "U001")]
    assert table["stance"].tolist() == ["opposes", "supports", "supports (automatic)"]
    assert table["reader_note"].tolist() == ["n1", "", ""]
    assert table["role"].tolist() == ["tillitsvalgt", "arbeidsgiver", "arbeidsgiver"]
    assert table["section_id"].tolist() == ["4.3.1", "4.1.1", "4.1.1"]
    assert table.loc[0, "matched_words"] == "anonym forslagskasse kasse tillitsvalgt"
    assert table.loc[2, "matched_words"] == "gjøre innovasjon måte ny ting"


def test_evidence_quotes_of_nothing_is_an_empty_table_with_its_columns(data):
    audited = pd.DataFrame({"claim_id": ["C1"], "statement": ["x"], "evidence": [""]})
    table = report.evidence_quotes(audited, data)
    assert table.empty and len(table.columns) == 7


def test_print_audit_figures_prints_the_three_tables_and_the_agreement_line(data, capsys):
    report.print_audit_figures(data)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["verdict", *VERDICTS, "Sum"]
    assert lines[1].split() == ["keyword", "only", "47", "3", "11", "1", "65", "127"]
    assert lines[2].split() == ["with", "evidence", "68", "3", "29", "3", "24", "127"]
    assert lines[3] == ""
    assert any(line.startswith("municipality_not_identifiable") and " 9 " in line for line in lines)
    assert lines[-1] == (
        "automatic linking vs reading (84 claims, 5 held-out folds): top-1 precision 0.75 on 81 proposed, "
        "recall 0.46 of 301 recorded links"
    )
    assert out.count("\n\n") == 2


def test_single_quote_candidates_leave_out_corpus_counts_and_unrelated_readings(inventory, data):
    single = inventory[(inventory["kind"] == "quote_count") & (inventory["relation"] == "== 1")]
    first, second = single["claim_id"].iloc[0], single["claim_id"].iloc[1]
    changed = inventory.copy()
    changed.loc[changed["claim_id"] == second, "checkable_from"] = "corpus"  # counted from the corpus: no candidates
    table = report.single_quote_candidates(changed, data)
    assert second not in set(table["claim_id"]) and first in set(table["claim_id"])
    best = table[(table["claim_id"] == first) & (table["rank"] == 1)]["utterance_id"].iloc[0]
    reading = pd.DataFrame(
        [{"claim_id": first, "utterance_id": best, "stance": "unrelated", "coder": "t", "basis": "reading", "note": ""}]
    )
    unread = report.single_quote_candidates(changed, dataclasses.replace(data, evidence=reading, memo={}))
    assert not unread.loc[unread["claim_id"] == first, "read"].any()  # an unrelated link is no reading of it
