"""The extraction rules on a miniature thesis, so they are tested without the real text.

The miniature reproduces what the PDF extraction left in chapter 4: a blank line after every
printed line, a page number inside a quote, the label on the next line, a missing « or », a quote
without a label, nested guillemets, the author's own guillemets, line-break hyphens (real and
added) and a paragraph ended by a short line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mdi_analysis.corpus._extract import ExtractionError, ThesisText, extract_corpus_utterances, find_sections

PRINTED = [
    "Forord",
    "4. Resultater",
    "4.1 Organisatoriske forutsetninger for å praktisere MDI",
    "4.1.1 Kjennskap til temaet innovasjon",
    "Første spørsmål til respondentene gjaldt kjennskapen deres, og flere omtalte «nytt blikk» som",
    "en del av arbeidet i kommunen, uten at noen av dem brukte ordet innovasjon om det selv.",
    "«Innovasjon det er jo å fornye organisasjonen og gjøre ting på en ny og bedre måte. Vi har",
    "et prosjekt som heter «nytt blikk», og vi sender ut e-",
    "poster om det hver uke, samtidig som vi bruker Lean-",
    "metodikken og forbedrings-",
    "forslagene fra de ansatte.» (Arbeidsgiver)",
    "Arbeidsgiver er positiv til innovasjon og trekker inn medarbeiderne som en viktig ressurs.",
    "«Det er den store utfordringen, å få tid til å følge opp endringer og forbedringer samtidig",
    "45",
    "som en skal ivareta kjerneoppgavene.",
    "Dette er et nytt avsnitt i sitatet, og det fortsetter en god stund til linjen er helt full og",
    "slutter her.»",
    "(Tillitsvalgt)",
    " «Det er en kommune som er veldig framoverlent. Da er det slik at vi hele tiden skal være",
    "best i klassen, og er dette for mye? (Arbeidsgiver)",
    " 4.1.2 Ideer om teknologisk utvikling, arbeidsprosesser, oppgaver, samarbeid?",
    "«Få den enkelte arbeidstaker til å tenke litt mere innovativt? Utvikling det vil si å prøve",
    "å skape en arbeidsplass som er litt lettere eller skape framgang som gjør ting bedre.»",
    "I kommunen hadde de gjennomført en lang diskusjon på når man kom med en innovativ ide som",
    "leder, så sprer man det til tillitsvalgte. Da har du sikker pensjon i det offentlige.» (Tillitsvalgt)",
    "«Jeg tenker at du i det daglige arbeidet må oppmuntre og se de ansatte, og løfte fram de som",
    "hadde gjort smarte ting så alle kunne lære av det». (Arbeidsgiver)",
    "Forfatteren drøfter «tidligst mulig» i prosessene, og hva det betyr for partene i kommunen.",
    "4.6. Resultater medarbeiderundersøkelsen 10-faktor",
]


@pytest.fixture()
def mini(tmp_path: Path) -> ThesisText:
    path = tmp_path / "thesis.txt"
    path.write_text("".join(f"{line} \n\n" for line in PRINTED), encoding="utf-8")
    return ThesisText.read(path)


def line_of(text: str) -> int:
    """The thesis line of a printed line (every printed line is followed by a blank one)."""
    return 2 * next(i for i, line in enumerate(PRINTED) if line.strip().startswith(text)) + 1


def test_sections_include_headings_with_a_leading_space(mini):
    sections = find_sections(mini)
    assert [(s.section_id, s.line_start, s.research_question) for s in sections] == [
        ("4.1.1", line_of("4.1.1"), 1),
        ("4.1.2", line_of("4.1.2"), 1),
    ]
    assert sections[1].title == "Ideer om teknologisk utvikling, arbeidsprosesser, oppgaver, samarbeid?"


@pytest.fixture()
def quotes(mini):
    return extract_corpus_utterances(mini, find_sections(mini), editorial={})


def test_quotes_are_found_and_author_guillemets_are_not(quotes):
    assert [(u.utterance_id, u.section_id, u.role, u.role_label) for u in quotes] == [
        ("U001", "4.1.1", "arbeidsgiver", "Arbeidsgiver"),
        ("U002", "4.1.1", "tillitsvalgt", "Tillitsvalgt"),
        ("U003", "4.1.1", "arbeidsgiver", "Arbeidsgiver"),
        ("U004", "4.1.2", "tillitsvalgt", ""),
        ("U005", "4.1.2", "tillitsvalgt", "Tillitsvalgt"),
        ("U006", "4.1.2", "arbeidsgiver", "Arbeidsgiver"),
    ]


def test_hyphens_nested_guillemets_and_span(quotes):
    first = quotes[0]
    assert first.text == (
        "Innovasjon det er jo å fornye organisasjonen og gjøre ting på en ny og bedre måte. Vi har et prosjekt "
        "som heter «nytt blikk», og vi sender ut e-poster om det hver uke, samtidig som vi bruker "
        "Lean-metodikken og forbedringsforslagene fra de ansatte."
    )
    assert first.flags == ["hyphen_kept_at_line_break", "hyphenation_joined", "nested_guillemets"]
    assert (first.line_start, first.line_end) == (line_of("«Innovasjon"), line_of("forslagene"))


def test_page_number_paragraph_and_label_on_next_line(quotes):
    second = quotes[1]
    assert second.text == (
        "Det er den store utfordringen, å få tid til å følge opp endringer og forbedringer samtidig som en skal "
        "ivareta kjerneoppgavene.\n\nDette er et nytt avsnitt i sitatet, og det fortsetter en god stund til "
        "linjen er helt full og slutter her."
    )
    assert second.flags == ["label_on_next_line", "page_number_removed", "paragraph_break"]
    assert second.line_end == line_of("(Tillitsvalgt)")


def test_missing_closing_guillemet_ends_at_the_label(quotes):
    assert quotes[2].text.endswith("best i klassen, og er dette for mye?")
    assert quotes[2].flags == ["missing_close_guillemet"]


def test_unlabelled_quote_and_missing_opening_guillemet(quotes):
    unlabelled, orphan = quotes[3], quotes[4]
    assert unlabelled.flags == ["label_missing", "role_inferred"]
    assert unlabelled.text.endswith("som gjør ting bedre.")
    assert orphan.flags == ["missing_open_guillemet"]
    assert orphan.text.startswith("I kommunen hadde de gjennomført")
    assert orphan.text.endswith("i det offentlige.")
    assert orphan.line_start == line_of("I kommunen")


def test_punctuation_between_guillemet_and_label(quotes):
    assert quotes[5].text.endswith("så alle kunne lære av det")
    assert quotes[5].flags == ["punctuation_after_guillemet"]


def test_editorial_decision_must_match_a_quote(mini):
    with pytest.raises(ExtractionError, match="matches no extracted quote"):
        extract_corpus_utterances(mini, find_sections(mini), editorial={("4.1.2", 9999): ("possible_author_text",)})


def test_stray_label_is_an_error(tmp_path):
    path = tmp_path / "thesis.txt"
    lines = ["4. Resultater", "4.1.1 Tittel", "(Arbeidsgiver)", "4.6. Slutt"]
    path.write_text("".join(f"{line}\n\n" for line in lines), encoding="utf-8")
    thesis = ThesisText.read(path)
    with pytest.raises(ExtractionError, match="a role label follows no quote"):
        extract_corpus_utterances(thesis, find_sections(thesis), editorial={})
