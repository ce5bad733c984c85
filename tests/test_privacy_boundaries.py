"""The anonymity link rules at their thresholds: a sample listing, a short attribution line.

Why apart from ``test_anonymity.py``: those tests plant realistic cases far from any threshold, so
moving the "four or more municipalities on a line is a listing of the sample" limit to two, or the
12-word limit of an attribution line to six, changed no result. Here each threshold is given the
case just inside and just outside it.
"""

from __future__ import annotations

import pytest

from mdi_analysis.privacy import scan_text

QUOTE = "«Vi har satt av tid til innovasjon.» (Tillitsvalgt)"


def found(text: str) -> list[tuple[str, int, str]]:
    return [(f.kind, f.line, f.match) for f in scan_text(text, source="notes.md")]


# ------------------------------------------------------------------------------ the sample listing


def test_three_municipalities_next_to_a_quote_are_links():
    assert found(f"{QUOTE} Gol, Hol og Nes\n") == [
        ("municipality_link", 1, "Gol"),
        ("municipality_link", 1, "Hol"),
        ("municipality_link", 1, "Nes"),
    ]


@pytest.mark.parametrize("places", ["Gol, Hol, Nes og Ål", "Gol, Hemsedal, Hol, Nes og Ål"])
def test_four_or_more_municipalities_on_a_line_list_the_sample(places):
    assert found(f"{QUOTE} {places}\n") == []


def test_a_listing_counts_municipalities_not_place_names():
    # Geilo is in Hol and "Gols" is Gol's genitive: still three municipalities, so still links.
    assert [m for _, _, m in found(f"{QUOTE} Gol, Hol, Geilo og Nes\n")] == ["Geilo", "Gol", "Hol", "Nes"]
    assert [m for _, _, m in found(f"{QUOTE} Gol, Hol, Gols og Nes\n")] == ["Gol", "Gols", "Hol", "Nes"]


def test_the_listing_threshold_also_holds_for_roles():
    assert found("Gol, Hol og Nes: rådmann\n") == [
        ("role_link", 1, "Gol"),
        ("role_link", 1, "Hol"),
        ("role_link", 1, "Nes"),
    ]
    assert found("Gol, Hol, Nes og Ål: rådmann\n") == []


def test_a_listing_next_to_a_quote_line_is_no_attribution():
    assert found("«Vi har satt av tid til innovasjon.»\nGol, Hol, Nes og Ål\n") == []
    assert found("«Vi har satt av tid til innovasjon.»\nGol, Hol og Nes\n") == [
        ("municipality_link", 2, "Gol"),
        ("municipality_link", 2, "Hol"),
        ("municipality_link", 2, "Nes"),
    ]


# ------------------------------------------------------------------------------ the attribution line


@pytest.mark.parametrize(("words", "linked"), [(11, True), (12, True), (13, False), (20, False)])
def test_an_attribution_line_under_a_quote_has_at_most_twelve_words(words, linked):
    line = " ".join(["ord"] * (words - 1) + ["Ål"])
    assert len(line.split()) == words
    result = found(f"«Vi har satt av tid til innovasjon.»\n{line}\n")
    assert result == ([("municipality_link", 2, "Ål")] if linked else [])


@pytest.mark.parametrize(("words", "linked"), [(12, True), (13, False)])
def test_an_attribution_line_above_a_quote_counts_too(words, linked):
    line = " ".join(["Ål"] + ["ord"] * (words - 1))
    result = found(f"{line}\n«Vi har satt av tid til innovasjon.»\n")
    assert result == ([("municipality_link", 1, "Ål")] if linked else [])


def test_an_attribution_line_must_stand_in_the_same_block_as_the_quote():
    assert found("«Vi har satt av tid til innovasjon.»\n\nord Ål\n") == []
