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


# ------------------------------------------------------------------------------ national identity numbers


def national_id(birth: str, individual: str = "123") -> str | None:
    """An 11-digit number with correct mod-11 check digits for ``birth`` (DDMMYY), or None if none exists."""
    digits = [int(c) for c in birth + individual]
    k1 = (11 - sum(w * d for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), digits)) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(w * d for w, d in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), [*digits, k1])) % 11) % 11
    return None if k2 == 10 else f"{birth}{individual}{k1}{k2}"


def with_check_digits(birth: str) -> str:
    for individual in range(100, 1000):
        number = national_id(birth, str(individual))
        if number:
            return number
    raise AssertionError(birth)


def national_ids(text: str) -> list[str]:
    return [f.match for f in scan_text(text, source="notes.md") if f.kind == "national_id"]


@pytest.mark.parametrize(
    ("birth", "valid"),
    [
        ("010190", True),
        ("310190", True),  # day 31
        ("000190", False),  # day 0
        ("320190", False),  # day 32
        ("410190", True),  # D-number: day + 40
        ("710190", True),
        ("400190", False),
        ("720190", False),
        ("011290", True),  # month 12
        ("010090", False),  # month 0
        ("011390", False),  # month 13
        ("014190", True),  # H-number: month + 40
        ("015290", True),
        ("014090", False),
        ("015390", False),
        # Month + 80 marks the tax authority's synthetic test numbers: issued to no person, so no
        # personal data, and python-stdnum (which the scan asks) rejects them.
        ("018190", False),
        ("019290", False),
        ("018090", False),
        ("019390", False),
        ("290292", True),  # a real date is needed, not just day <= 31: 29 February in a leap year
        ("290293", False),
        ("310490", False),
    ],
)
def test_a_national_id_needs_a_possible_date(birth, valid):
    number = with_check_digits(birth)
    assert national_ids(f"fnr {number}\n") == ([number] if valid else [])


def test_a_national_id_needs_both_check_digits():
    number = with_check_digits("150765")
    assert national_ids(f"fnr {number}\n") == [number]
    first, second = int(number[9]), int(number[10])
    assert national_ids(f"fnr {number[:9]}{(first + 1) % 10}{second}\n") == []
    assert national_ids(f"fnr {number[:10]}{(second + 1) % 10}\n") == []
    for separator in (" ", "-", "."):
        assert national_ids(f"fnr {number[:6]}{separator}{number[6:]}\n") == [f"{number[:6]}{separator}{number[6:]}"]


def test_a_check_digit_that_would_be_ten_makes_no_valid_number():
    # 11 - (sum mod 11) == 10 has no digit: numbers whose first or second check would be 10 are never issued.
    birth, found = "010190", []
    for individual in range(1000):
        digits = [int(c) for c in f"{birth}{individual:03d}"]
        k1 = (11 - sum(w * d for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), digits)) % 11) % 11
        if k1 == 10:
            found.append(f"{birth}{individual:03d}")
    assert found
    for prefix in found[:5]:
        for tail in ("00", "10", "01"):
            assert national_ids(f"fnr {prefix}{tail}\n") == []
    # a first check digit of 11 % 11 = 0 is valid
    zero = next(n for i in range(1000) if (n := national_id(birth, f"{i:03d}")) and n[9] == "0" and n[10] != "0")
    assert national_ids(f"fnr {zero}\n") == [zero]
    zero_second = next(n for i in range(1000) if (n := national_id(birth, f"{i:03d}")) and n[10] == "0")
    assert national_ids(f"fnr {zero_second}\n") == [zero_second]


# ------------------------------------------------------------------------------ phone numbers and e-mail


def phones(text: str) -> list[tuple[str, str]]:
    return [(f.match, f.detail) for f in scan_text(text + "\n", source="notes.md") if f.kind == "phone"]


CC47, INTL, BARE = (
    "phone number (with country code +47)",
    "phone number (international format)",
    "phone number (Norwegian 8-digit format)",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+47 22 33 44 55", [("+47 22 33 44 55", CC47)]),
        ("+47 12 34 56", []),  # +47 and six digits: neither a Norwegian nor an international number
        ("+47 22,33,44,55", []),  # commas list numbers, they do not group a phone number
        ("+47 1234567890", [("+47 1234567890", INTL)]),  # +47 and ten digits: judged as any "+" number
        ("tlf 123 45678", []),  # a group of five is no Norwegian grouping
        ("tlf 12 34 56 78 90", []),  # ten digits that do not start with 47
        ("tlf 12 34 56", []),
        ("tlf 22,33,44,55", []),
        ("+012345678901", []),  # no country code starts with 0
        ("+1 234 567 89", [("+1 234 567 89", INTL)]),  # 9 digits: the shortest international number
        ("+1 234 567 8", []),
        ("+1 234 567 890 123 45", [("+1 234 567 890 123 45", INTL)]),  # 15 digits: the longest
        ("+1 234 567 890 123 456", []),
        ("+1 23 45 67 89 01 23", [("+1 23 45 67 89 01 23", INTL)]),  # 7 groups
        ("+1 23 45 67 89 01 23 45", []),  # 8 groups: a list of numbers
        ("22\u00a033 44 55", [("22\u00a033 44 55", BARE)]),  # a non-breaking space is a space
        ("22\u00a033\u00a044\u00a055", [("22\u00a033\u00a044\u00a055", BARE)]),
        ("22.33 44.55", []),  # mixed separators: not how a phone number is written
    ],
)
def test_phone_numbers_at_their_boundaries(text, expected):
    assert [(" ".join(m.split()), d) for m, d in phones(text)] == [(" ".join(m.split()), d) for m, d in expected]


def emails(text: str) -> list[str]:
    return [f.match for f in scan_text(text + "\n", source="notes.md") if f.kind == "email"]


def test_email_addresses_where_they_start_end_and_follow_each_other():
    assert emails("a@b.no") == ["a@b.no"]  # at the very start of the text
    assert emails("a@b.no og c@d.no") == ["a@b.no", "c@d.no"]
    assert emails("skriv til kari@hol.kommune.no.5 nå") == ["kari@hol.kommune.no"]  # ends at the last TLD
    assert emails("kari@hol.kommune.no.5.x9 nå") == ["kari@hol.kommune.no"]
    assert emails("a@b.c@d.no") == ["b.c@d.no"]  # no TLD after the first "@": the domain starts the next one
    assert emails("x@1.2 og kari@hol.no") == ["kari@hol.no"]


# ------------------------------------------------------------------------------ municipality columns


@pytest.mark.parametrize(
    ("column", "linked"),
    [("kommune", True), ("bostedskommune", True), ("home_municipality", True), ("KOMMUNE_X", True), ("sted", False)],
)
def test_a_quote_row_with_a_municipality_column_is_a_link(column, linked):
    found_ = scan_text(f"utterance_id,text,{column}\nU001,«Vi har satt av tid.»,nr 3\n", source="x.csv")
    assert [(f.kind, f.line, f.match) for f in found_] == ([("municipality_link", 2, "nr 3")] if linked else [])


# ------------------------------------------------------------------------------ the name heuristic

PAIR = "capitalised word pair (a name?) not in the allowlist"


def names(text: str) -> list[tuple[str, str]]:
    return [(f.match, f.detail) for f in scan_text(text + "\n", source="notes.md") if f.kind == "person_name"]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("vi møtte Xyzon Qwerty i går", True),
        ("a Xyzon Qwerty sa det", True),  # a letter before it: mid-sentence
        ("Xyzon Qwerty kom i går.", False),  # sentence-initial capitals are grammar, not a name
        (" Xyzon Qwerty kom", False),  # only white space before it
        ("vi (Xyzon Qwerty) kom", False),  # punctuation right before it
        ("Slik var det. Xyzon Qwerty kom.", False),
        ("Slik var det.  Xyzon Qwerty kom.", False),
        ("Slik var det.   Xyzon Qwerty kom.", False),
    ],
)
def test_an_unknown_capitalised_pair_counts_unless_it_opens_a_sentence(text, flagged):
    assert names(text) == ([("Xyzon Qwerty", PAIR)] if flagged else [])


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Han sa at det er the end, and Xyzon Qwerty kom.", True),  # 2 English words, 3 Norwegian
        ("the and og det Xyzon Qwerty", True),  # 2 against 2: not English
        ("the and of og Xyzon Qwerty", False),  # 3 against 1: English prose capitalises terms
    ],
)
def test_english_prose_needs_two_english_words_and_more_than_norwegian_ones(text, flagged):
    assert names(text) == ([("Xyzon Qwerty", PAIR)] if flagged else [])


def test_two_letter_capitals_are_an_acronym_not_a_name():
    assert names("brev fra QX i dag") == []  # capitals after "fra" are an organisation
    assert names("vi leste QX ZY i dag") == []  # two words in capitals outside a name field: a heading


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vi møtte Xyzon Qwerty Abcdef i går", [("Xyzon Qwerty Abcdef", PAIR)]),  # a pair grows word by word
        ("vi møtte Xyzon Qwerty og Abcdef i går", [("Xyzon Qwerty", PAIR)]),
        ("vi møtte Xyzon van Qwerty i går", [("Xyzon van Qwerty", PAIR)]),  # one particle may stand between
        ("vi møtte Xyzon van der Qwerty i går", []),  # two words between: no pair
        ("vi møtte Xyzon QWERTY i går", []),  # a word in capitals outside a name field: no pair
        ("vi møtte Kari Qwerty i går", [("Kari Qwerty", "given name followed by a capitalised word")]),
        ("hun heter Xyzon", [("Xyzon", "capitalised word after 'heter' (a person or a place?)")]),
        ("de kalles Xyzon", [("Xyzon", "capitalised word after 'kalles' (a person or a place?)")]),
        (
            "han blir kalt Xyzon",
            [("Xyzon", "capitalised word after 'kalt' (a person or a place?)")],
        ),  # "kall" is not in "kalt"
        ("navnet mitt er Xyzon", [("Xyzon", "capitalised word after 'navnet mitt er' (a person or a place?)")]),
        ("vi bodde hos Xyzon", [("Xyzon", "capitalised word after 'hos' (a person or a place?)")]),
        ("hun jobber ved Xyzon", [("Xyzon", "capitalised word after 'ved' (a person or a place?)")]),
    ],
)
def test_name_pairs_particles_and_triggers(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(("words", "read"), [(8, True), (7, False)])
def test_a_table_cell_of_eight_words_or_more_is_read_as_prose(words, read):
    value = " ".join(["en"] * (words - 2) + ["Xyzon", "Qwerty"])
    found_ = [(f.kind, f.match) for f in scan_text(f"id,x\n1,{value}\n", source="x.csv")]
    assert found_ == ([("person_name", "Xyzon Qwerty")] if read else [])


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("Tabell  vi møtte Xyzon Qwerty  4.2", False),  # a printed table is read only in quotes and after ids
        ("U001  vi møtte Xyzon Qwerty i går", True),
        ("U001  sa noe  U002  vi møtte Xyzon Qwerty", True),  # after the second id
        ("U001  vi møtte Xyzon Qwerty  U002  x", True),  # between two ids
        ("«vi møtte Xyzon Qwerty»  4.2", True),
        ("Xyzon Qwerty  «sitat her»  4.2", False),  # before the quote
        ("«sitat her»  vi møtte Xyzon Qwerty  4.2", False),  # after it
        ("«vi møtte Xyzon Qwerty  4.2", True),  # an unclosed quote runs to the end of the line
        ("vi møtte Xyzon Qwerty»  4.2", True),  # a quote closed only: from the start of the line
        ("»sitat«  vi møtte Xyzon Qwerty", True),  # closed before opened: from the opening to the end
        ("U001  vi møtte XYZON QWERTY", False),  # capitals in a table are headings, not a name field
    ],
)
def test_a_printed_table_is_read_inside_quotes_and_after_utterance_ids(line, flagged):
    found_ = [f.match for f in scan_text(line + "\n", source="notes.txt") if f.kind == "person_name"]
    assert found_ == (["Xyzon Qwerty"] if flagged else [])


# ------------------------------------------------------------------------------ addresses, written e-mail, deny-list


def direct(text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, f.match, f.detail) for f in scan_text(text + "\n", source="notes.md")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hun bor i Storgata 12 på Gol", [("address", "Storgata 12", "street address")]),
        (
            "Send til Postboks 123, 3551 GOL",
            [
                ("address", "3551 GOL", "postcode and place (address block)"),
                ("address", "Postboks 123", "post box"),
            ],
        ),
        ("Skriv til Pb. 45", [("address", "Pb. 45", "post box")]),
        ("P.O. Box 12", [("address", "P.O. Box 12", "post box")]),
        ("3550 NAV-KONTOR", []),  # an acronym after a number is an office, not a place
        ("Postboks uten nummer", []),
        (
            "skriv til kari (at) hol (dot) no",
            [("email", "kari (at) hol (dot) no", "e-mail address written with (at)/(krøll)")],
        ),
        (
            "skriv til kari [krøll] hol.no",
            [("email", "kari [krøll] hol.no", "e-mail address written with (at)/(krøll)")],
        ),
        (
            "skriv til kari {snabel-a} hol . no",
            [("email", "kari {snabel-a} hol . no", "e-mail address written with (at)/(krøll)")],
        ),
        ("skriv til kari@hol.no", [("email", "kari@hol.no", "e-mail address")]),
    ],
)
def test_addresses_and_written_out_email_with_their_reason(text, expected):
    assert direct(text) == expected


def test_a_deny_listed_name_is_reported_with_the_person_and_role_the_list_gives():
    from mdi_analysis.paths import read_resource_csv

    row = next(r for r in read_resource_csv("anonymity_denylist.csv") if r.get("citable", "").strip().lower() != "yes")
    name = " ".join(row["name"].split())
    expected = f"named in the thesis: {row['person']} — {row['role_in_thesis']}".rstrip(" —")
    for written in (name, name.replace(" ", "  "), name.upper()):
        found_ = [
            (f.kind, f.detail) for f in scan_text(f"I går snakket vi med {written} om saken.\n", source="notes.md")
        ]
        assert ("person_name", expected) in found_, (written, found_)


KW = "phone number (after a phone keyword)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22334455/91234567", [("22334455", BARE), ("91234567", BARE)]),  # two numbers, each judged
        ("tlf 22 33 44 55/912 34 567", [("22 33 44 55", KW), ("912 34 567", KW)]),  # the keyword covers both
        ("+47 22334455/91234567", [("+47 22334455", CC47), ("91234567", KW)]),
        ("+47 22 33 44 55/99 88 77 66", [("+47 22 33 44 55", CC47), ("99 88 77 66", KW)]),
        ("ring 22334455/12", [("22334455", KW)]),
        ("2/22334455", [("22334455", BARE)]),
        ("+46 8 123 456 78/79 og 22334455", [("+46 8 123 456 78", INTL), ("22334455", BARE)]),
        ("+46 8 123 456 78/22334455", [("+46 8 123 456 78", INTL)]),  # glued to the number before it
    ],
)
def test_numbers_written_with_a_slash_are_judged_one_by_one(text, expected):
    assert phones(text) == expected


# ------------------------------------------------------------------------------ what each link finding says

SAME, NEXT = "in the same row/line as a quote/utterance id", "in a line next to a quote/utterance id"


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        (
            "«Vi har satt av tid til innovasjon.» (kommune A)\n",
            "notes.md",
            [("municipality_link", 1, "kommune A", f"survey letter 'kommune A' {SAME}")],
        ),
        (
            "«Vi har satt av tid.»\n— rådmann, Gols\n",
            "notes.md",
            [("municipality_link", 2, "Gols", f"municipality Gols {NEXT}")],
        ),
        ("«Vi har satt av tid.» GOL\n", "notes.md", [("municipality_link", 1, "GOL", f"municipality GOL {SAME}")]),
        (
            "«Vi har satt av tid.» Geilo\n",
            "notes.md",
            [("municipality_link", 1, "Geilo", f"municipality Geilo (Hol) {SAME}")],
        ),
        ("U012 Hol\n", "notes.md", [("municipality_link", 1, "Hol", f"municipality Hol {SAME}")]),
        (
            "utterance_id,text\nU001,«Vi sa at Gol gjorde det»\n",
            "x.csv",
            [("municipality_link", 2, "Gol", "a quote names a municipality: Gol")],
        ),
        (
            "kommune,bokstav\nGol,A\n",
            "map.csv",
            [
                (
                    "letter_mapping",
                    2,
                    "Gol",
                    "municipality and survey letter (A) in one row/line: the thesis withholds this mapping",
                )
            ],
        ),
        (
            "kommune,A,B\nGol,4.2,4.1\n",
            "wide.csv",
            [
                (
                    "letter_mapping",
                    2,
                    "Gol",
                    "a row labelled with a municipality in a table whose columns are survey letters",
                )
            ],
        ),
        (
            "Rådmannen i Gol sa dette.\n",
            "notes.md",
            [
                (
                    "role_link",
                    1,
                    "Gol",
                    "municipality next to respondent role (Rådmannen): one respondent per role and municipality",
                )
            ],
        ),
        (
            "kommune,side,position\nNes,arbeidsgiver,rådmann\n",
            "r.csv",
            [
                (
                    "role_link",
                    2,
                    "Nes",
                    "municipality next to respondent role (arbeidsgiver, rådmann): "
                    "one respondent per role and municipality",
                )
            ],
        ),
        (
            "U002 (kommune B): «Derfor er 2017 satt av til et innovasjonsår i kommunen.»\n",
            "out.txt",
            [
                (
                    "content_link",
                    1,
                    "innovasjonsår",
                    "identifying content next to survey letter (kommune B); see resources/anonymity_markers.csv",
                ),
                ("municipality_link", 1, "kommune B", f"survey letter 'kommune B' {SAME}"),
            ],
        ),
    ],
)
def test_each_link_finding_says_what_it_links(text, source, expected):
    assert [(f.kind, f.line, f.match, f.detail) for f in scan_text(text, source=source)] == expected


# ------------------------------------------------------------------------------ pinned for the mutation run
# Each case below is one a surviving mutant of ``privacy/_names.py`` or ``_identifiers.py`` got
# wrong (docs/mutation-survivors.md): where a printed table's quote starts and ends when it has
# two quotes, what a span between utterance ids holds, overlapping masks, a reason's wording.


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        # two quotes on one line: read from the first « to the last », the text between them too
        ("«a» vi møtte Xyzon Qwerty «b»  4.2", ["Xyzon Qwerty"]),
        # a capitalised pair before the quote, mid-sentence: outside the quote, so not read
        ("vi møtte Xyzon Qwerty  «sitat her»  4.2", []),
        # a quote closed only: from the start of the line (position 0, not 1) to the »
        ("Kari sa det»  4.2", ["Kari"]),
        # a quote closed at position 0: the quote is empty, the rest of the line is not read
        ("» vi møtte Xyzon Qwerty  4.2", []),
        # the text after an utterance id runs to the next id, no further: a pair that opens its
        # span (only white space before it) is sentence-initial there
        ("U001  a  U002  Xyzon Qwerty kom  U003  b", []),
        ("U001  a  U002  b  U003  Xyzon Qwerty kom", []),
        ("U001  a  U002  Xyzon Qwerty kom", []),
    ],
)
def test_where_a_printed_table_line_is_read(line, flagged):
    found_ = [f.match for f in scan_text(line + "\n", source="notes.txt") if f.kind == "person_name"]
    assert found_ == flagged


def test_a_quote_closed_before_it_opens_is_read_to_the_end_next_to_an_address():
    # the span runs to the end of the line; the e-mail's span is a mask inside it
    found_ = [(f.kind, f.match) for f in scan_text("»sitat«  vi møtte Xyzon Qwerty kari@hol.no\n", source="notes.txt")]
    assert found_ == [("email", "kari@hol.no"), ("person_name", "Xyzon Qwerty")]


def test_masks_that_overlap_are_merged():
    # "Gol" (a place) lies inside the e-mail address (a consumed span): two overlapping masks
    assert direct("vi møtte Kari på post@Gol.no i dag") == [
        ("email", "post@Gol.no", "e-mail address"),
        ("person_name", "Kari", "known given name"),
    ]


def test_a_national_id_is_reported_with_its_reason():
    number = with_check_digits("010190")
    assert direct(f"fnr {number}") == [
        ("national_id", number, "Norwegian national identity number (valid fødselsnummer)")
    ]


@pytest.mark.parametrize("at", ["[at]", "{at}", "(at)"])
def test_an_email_written_with_at_in_any_bracket(at):
    assert direct(f"skriv til kari {at} hol.no") == [
        ("email", f"kari {at} hol.no", "e-mail address written with (at)/(krøll)")
    ]


def test_every_deny_listed_name_has_a_person_and_a_role():
    # the reason names both; a row without them would print "None" or a dangling dash
    from mdi_analysis.paths import read_resource_csv

    rows = read_resource_csv("anonymity_denylist.csv")
    assert rows
    assert all(r["person"].strip() and r["role_in_thesis"].strip() for r in rows)


GIVEN = "known given name"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a stopword or an acronym after a given name is no surname: the given name stands alone
        ("vi møtte Kari Hvor", [("Kari", GIVEN)]),
        ("vi møtte Kari KS i går", [("Kari", GIVEN)]),
        # a word in capitals is known by its capitalised form, hyphen by hyphen (Perry-Smith)
        ("vi møtte Kari PERRY-SMITH i går", [("Kari", GIVEN)]),
        # a pair grows only by words that are not known
        ("vi møtte Xyzon Qwerty Det i går", [("Xyzon Qwerty", PAIR)]),
        # after a pair, the next word is read on its own
        ("vi møtte Xyzon Qwerty, Kari kom", [("Kari", GIVEN), ("Xyzon Qwerty", PAIR)]),
        # a trigger's name that is already part of a pair is not reported twice; later triggers count
        ("hun heter Xyzon Qwerty", [("Xyzon Qwerty", PAIR)]),
        (
            "hun heter Xyzon Qwerty og bor hos Abcdef",
            [("Abcdef", "capitalised word after 'hos' (a person or a place?)"), ("Xyzon Qwerty", PAIR)],
        ),
        # capitals after fra/hos/ved are an organisation; a later trigger still counts
        ("vi bodde hos QXZ", []),
        ("hun jobber ved QXZ", []),
        ("brev fra QX og hun heter Xyzon", [("Xyzon", "capitalised word after 'heter' (a person or a place?)")]),
    ],
)
def test_name_rules_word_by_word(text, expected):
    assert names(text) == expected


def test_an_address_after_an_utterance_id_masks_the_name_in_it():
    # the e-mail's span is shifted into the span after the id: "Kari" inside it is no name finding
    found_ = [(f.kind, f.match) for f in scan_text("U001  skriv til Kari.Nordmann@hol.no\n", source="notes.txt")]
    assert found_ == [("email", "Kari.Nordmann@hol.no")]


def test_an_address_after_an_utterance_id_masks_no_more_than_itself():
    # the e-mail's mask ends where the address ends: "Kari" right after it is still read
    found_ = [(f.kind, f.match) for f in scan_text("U001  til kari@hol.no Kari kom\n", source="notes.txt")]
    assert found_ == [("email", "kari@hol.no"), ("person_name", "Kari")]


@pytest.mark.parametrize(("gap", "read"), [(" \n ", False), ("   ", True)])
def test_a_line_break_inside_a_cell_parts_two_capitalised_words(gap, read):
    text = f'id,x\n1,"en en en en vi møtte Xyzon{gap}Qwerty i går"\n'
    found_ = [(f.kind, f.match) for f in scan_text(text, source="x.csv")]
    assert found_ == ([("person_name", "Xyzon Qwerty")] if read else [])
