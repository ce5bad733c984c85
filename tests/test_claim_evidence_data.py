"""Shape of the recorded evidence table ``data/evidence/claim_evidence.csv``.

The table is a human reading (coder ``reader2``), so it is data, not code output: these checks use
pandas only, so that a broken loader elsewhere cannot hide a broken table, and the loader written
for issue 12 can be tested against a file that is known to be well formed. What is checked is what
a later edit by hand can break: the column set and order, the stance vocabulary, empty coder or
basis, ids that do not exist, a (claim, quote) pair recorded twice, and notes that grow past the
documented 160 characters.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
EVIDENCE = DATA / "evidence" / "claim_evidence.csv"
COLUMNS = ["claim_id", "utterance_id", "stance", "coder", "basis", "note"]
STANCES = {"supports", "opposes", "unrelated"}


@pytest.fixture(scope="module")
def evidence() -> pd.DataFrame:
    # keep_default_na=False: an empty cell must stay "" so that the non-empty checks see it.
    return pd.read_csv(EVIDENCE, dtype=str, keep_default_na=False, encoding="utf-8")


def test_columns_are_exactly_the_documented_ones(evidence: pd.DataFrame) -> None:
    assert list(evidence.columns) == COLUMNS


def test_file_is_plain_utf8_without_bom() -> None:
    raw = EVIDENCE.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
    assert b"\r\n" not in raw


def test_table_is_not_empty(evidence: pd.DataFrame) -> None:
    assert len(evidence) > 0


def test_stance_vocabulary(evidence: pd.DataFrame) -> None:
    bad = evidence.loc[~evidence["stance"].isin(STANCES), ["claim_id", "utterance_id", "stance"]]
    assert bad.empty, bad.to_string()


@pytest.mark.parametrize("column", ["coder", "basis", "note"])
def test_provenance_cells_are_not_empty(evidence: pd.DataFrame, column: str) -> None:
    empty = evidence.loc[evidence[column].str.strip() == "", ["claim_id", "utterance_id"]]
    assert empty.empty, f"empty {column}:\n{empty.to_string()}"


def test_notes_are_short(evidence: pd.DataFrame) -> None:
    long = evidence.loc[evidence["note"].str.len() > 160, ["claim_id", "utterance_id"]]
    assert long.empty, long.to_string()


def test_claim_ids_exist(evidence: pd.DataFrame) -> None:
    claims = pd.read_csv(DATA / "expected" / "claims.csv", dtype=str, keep_default_na=False)
    unknown = sorted(set(evidence["claim_id"]) - set(claims["claim_id"]))
    assert unknown == []


def test_utterance_ids_exist(evidence: pd.DataFrame) -> None:
    utterances = pd.read_csv(DATA / "corpus" / "utterances.csv", dtype=str, keep_default_na=False)
    unknown = sorted(set(evidence["utterance_id"]) - set(utterances["utterance_id"]))
    assert unknown == []


def test_no_pair_is_recorded_twice(evidence: pd.DataFrame) -> None:
    twice = evidence[evidence.duplicated(["claim_id", "utterance_id"], keep=False)]
    assert twice.empty, twice[["claim_id", "utterance_id"]].to_string()
