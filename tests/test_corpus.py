"""The interview corpus (data/corpus/): what is in it, and that it is what the thesis says.

The counts and texts below were established by reading chapter 4 section by section (thesis lines
2508-4613), independently of the extractor; the corpus README (data/corpus/README.draft.md) documents
every judgement call. Tests on the committed files run everywhere; the rebuild tests need the thesis
text and are skipped, with the path, when it is absent (under ``MDI_REQUIRE_SHARED=1``, as in
``.ci/run``, they fail instead: see ``conftest.py``).
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from mdi_analysis import paths
from mdi_analysis.corpus import build_corpus, build_corpus_main, compare_corpus, load_corpus
from mdi_analysis.corpus._extract import LABEL_RE, ThesisText

# Quotes per section × role, counted by hand. The author's own counts agree where she gives them:
# 4.1.1 "de 3 ovennevnte arbeidsgiverne" (the three after her comment on the second quote),
# 4.1.7 "Ovennevnte fem uttalelser fra de tillitsvalgte", 4.1.9 "Ovennevnte fire tillitsvalgte"
# (the four after her comment on the first), 4.4.1 "Ovennevnte tre uttalelser fra arbeidsgiverne"
# (the three after her comment on the first), 4.5.2 "Ovennevnte to arbeidsgivere",
# 4.5.3 "ovennevnte fem arbeidsgivere" and "Svara fra tre tillitsvalgte".
EXPECTED_COUNTS: dict[str, tuple[int, int]] = {  # section: (arbeidsgiver, tillitsvalgt)
    "4.1.1": (5, 4),
    "4.1.2": (2, 2),
    "4.1.3": (3, 4),
    "4.1.4": (4, 3),
    "4.1.5": (3, 3),
    "4.1.6": (5, 3),
    "4.1.7": (3, 5),
    "4.1.8": (3, 4),
    "4.1.9": (4, 5),
    "4.2.1": (4, 2),
    "4.3.1": (4, 5),
    "4.3.2": (5, 2),
    "4.3.3": (1, 1),
    "4.4.1": (4, 3),
    "4.5.1": (2, 2),
    "4.5.2": (2, 2),
    "4.5.3": (5, 3),
    "4.5.4": (5, 4),
}

EXPECTED_LINKS = {  # (re-print, first printing): relation
    ("U072", "U028"): "reworded",  # 4.1.5 «Vi har vel ingen sånn systematisk idekasse…» inside 4.3.1's first quote
    ("U081", "U028"): "reworded",  # the second paragraph of the same 4.1.5 quote, in 4.3.2's first quote
    ("U073", "U029"): "contained",  # 4.1.5 «Jeg opplever det, at vi ønsker å være en lyttende kommune…» in 4.3.1
    ("U083", "U030"): "contained",  # 4.1.5 «Jeg tenker at du i det daglige arbeidet må oppmuntre…» cut down in 4.3.2
    ("U101", "U097"): "reworded",  # 4.5.1 / 4.5.2 «Det med innovasjon er (jo) at du har mennesker rundt deg…»
    ("U102", "U098"): "reworded",  # 4.5.1 / 4.5.2 the BLT/Lean quote
    ("U120", "U103"): "reworded",  # 4.5.2 / 4.5.4 «Jeg tror ikke man trenger opplæring…»
    ("U121", "U065"): "contained",  # 4.1.9 «Det er å få folk til å endre på det…» inside a 4.5.4 quote
}

MUNICIPALITIES = ["Gol", "Hemsedal", "Hol", "Nes", "Ål"]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def utterances(corpus) -> pd.DataFrame:
    return corpus.utterances.set_index("utterance_id", drop=False)


# ------------------------------------------------------------------------------ counts and texts


def test_counts_per_section_and_role(utterances):
    counts = Counter(zip(utterances["section_id"], utterances["role"]))
    actual = {s: (counts[(s, "arbeidsgiver")], counts[(s, "tillitsvalgt")]) for s in EXPECTED_COUNTS}
    assert actual == EXPECTED_COUNTS
    assert set(utterances["section_id"]) == set(EXPECTED_COUNTS)


def test_totals(utterances):
    assert len(utterances) == 121
    assert utterances["role"].value_counts().to_dict() == {"arbeidsgiver": 64, "tillitsvalgt": 57}
    assert utterances["role_label"].value_counts(dropna=False).to_dict() == {
        "Arbeidsgiver": 64,
        "Tillitsvalgt": 55,
        "Hovedtillitsvalgt": 1,
        pd.NA: 1,
    }


def test_ids_follow_the_thesis_order(utterances):
    assert list(utterances["utterance_id"]) == [f"U{n:03d}" for n in range(1, 122)]
    starts = list(utterances["line_start"])
    assert starts == sorted(starts)
    ends = list(utterances["line_end"])
    assert all(end < next_start for end, next_start in zip(ends, starts[1:])), "quotes overlap"


def test_spans_lie_inside_their_sections(corpus, utterances):
    sections = corpus.sections.set_index("section_id")
    for row in utterances.itertuples():
        section = sections.loc[row.section_id]
        assert section["line_start"] < row.line_start <= row.line_end <= section["line_end"], row.utterance_id


@pytest.mark.parametrize(
    ("utterance_id", "section", "role", "start", "end"),
    [
        (
            "U001",
            "4.1.1",
            "arbeidsgiver",
            "Innovasjon det er jo å fornye organisasjonen",
            "gjøre ting bedre med de folkene du har med deg.",
        ),
        ("U003", "4.1.1", "arbeidsgiver", "Utvikling, nytenkning.", "Gjøre ting smartere."),
        (
            "U039",
            "4.1.6",
            "tillitsvalgt",
            "Jeg tenker at det er en medinnflytelse.",
            "hvordan de tenker seg at dette skal være.",
        ),
        (
            "U065",
            "4.1.9",
            "tillitsvalgt",
            "Det er å få folk til å endre på det de har gjort i alle år.",
            "gjøre det samme fortsatt på samme måten.",
        ),
        (
            "U072",
            "4.3.1",
            "arbeidsgiver",
            "Det er ingen i ledelsen som stopper deg",
            "å få folk med seg til å skape de nye ideene.",
        ),
        (
            "U121",
            "4.5.4",
            "tillitsvalgt",
            "Det er mange kursholdere som kan snakke om nyskapning",
            "gjøre det samme fortsatt på samme måten.",
        ),
    ],
)
def test_exact_texts(utterances, utterance_id, section, role, start, end):
    row = utterances.loc[utterance_id]
    assert (row["section_id"], row["role"]) == (section, role)
    assert row["text"].startswith(start)
    assert row["text"].endswith(end)


def test_line_break_repairs(utterances):
    text = utterances["text"]
    assert "sende ut e-poster, meldingsbrev" in text["U017"]  # e-\n\nposter: real hyphen (e-post)
    assert "Hvis vi bruker Lean-metodikken og BLT-metoden." in text["U097"]  # Lean-\n\nmetodikken
    assert "IKT- teknologien" in text["U010"]  # printed with a space mid-line; kept as published
    assert "«nytt blikk»" in text["U002"] and "«Yngve Hågensen»: stå på krava" in text["U070"]
    assert "(…)" in text["U013"] and "(...)" in text["U106"]  # ellipses as printed
    assert "For 6-7 år tilbake" in text["U041"]  # whitespace runs collapsed
    assert all("\n" not in t.replace("\n\n", "") for t in text), "printed line breaks must be joined"


def test_page_number_is_dropped(utterances):
    row = utterances.loc["U072"]
    assert "page_number_removed" in row["flags"].split(";")
    assert "så er det en arena" in row["text"] and " 64 " not in row["text"]


def test_paragraph_breaks(utterances):
    paragraphs = {i: t.count("\n\n") + 1 for i, t in utterances["text"].items() if "\n\n" in t}
    assert paragraphs == {"U028": 2, "U050": 2, "U054": 2, "U081": 3}
    assert utterances.loc["U028", "text"].split("\n\n")[0].endswith("å få folk med seg til å skape de nye ideene.")


def test_author_text_is_not_in_the_corpus(utterances):
    texts = " ".join(utterances["text"])
    for phrase in [
        "tidligst mulig» i OU",
        "Ovennevnte",
        "Arbeidsgiver viser til",
        "Tillitsvalgte viser her til",
        "Guide til god ledelse",
        "«tidstyver»",
        "kjennetegnet «toleranse»",
    ]:
        assert phrase not in texts
    assert utterances["n_words"].min() >= 8


# ------------------------------------------------------------------------------------- flags


def _flags(utterances, utterance_id: str) -> set[str]:
    value = utterances.loc[utterance_id, "flags"]
    return set() if pd.isna(value) else set(value.split(";"))


@pytest.mark.parametrize(
    ("utterance_id", "line_start", "expected"),
    [
        ("U016", 2769, {"missing_close_guillemet"}),  # 4.1.3 … er dette for mye? (Arbeidsgiver)
        ("U083", 4078, {"missing_close_guillemet"}),  # 4.3.2 … rapporter. (…) (Arbeidsgiver)
        ("U106", 4442, {"missing_close_guillemet"}),  # 4.5.3 … er det litt synd. (Arbeidsgiver)
        ("U086", 4099, {"label_missing", "role_inferred"}),  # 4.3.2, no label after »
        ("U087", 4115, {"missing_open_guillemet", "possible_author_text"}),  # 4.3.2, » (Tillitsvalgt) without «
        ("U072", 3840, {"page_number_removed"}),
        ("U030", 3041, {"punctuation_after_guillemet"}),  # det». (Arbeidsgiver)
        ("U017", 2787, {"hyphen_kept_at_line_break"}),
        ("U097", 4280, {"hyphen_kept_at_line_break"}),
        ("U002", 2533, {"label_on_next_line", "nested_guillemets"}),
    ],
)
def test_flags_on_known_cases(utterances, utterance_id, line_start, expected):
    assert utterances.loc[utterance_id, "line_start"] == line_start
    assert _flags(utterances, utterance_id) == expected


def test_unlabelled_quote_is_a_union_representative(utterances):
    row = utterances.loc["U086"]
    assert pd.isna(row["role_label"]) and row["role"] == "tillitsvalgt" and row["section_id"] == "4.3.2"
    assert row["line_end"] == 4113 and row["text"].endswith("Større sjanse for at dette lykkes med dette prinsippet.")
    assert utterances.loc["U087", "text"].startswith("I kommunen hadde de gjennomført en lang diskusjon")


def test_flag_counts(utterances):
    flags = Counter(f for value in utterances["flags"].dropna() for f in value.split(";"))
    assert flags["missing_close_guillemet"] == 3
    assert flags["missing_open_guillemet"] == 1
    assert flags["label_missing"] == 1
    assert flags["page_number_removed"] == 1
    assert flags["hyphenation_joined"] == 0


# ------------------------------------------------------------------------------ links, codings


def test_links(corpus):
    links = corpus.links
    found = {(r.utterance_id, r.linked_utterance_id): r.relation for r in links.itertuples()}
    assert found == EXPECTED_LINKS
    similarity = dict(zip(zip(links["utterance_id"], links["linked_utterance_id"]), links["similarity"]))
    assert similarity[("U121", "U065")] == 1.0
    assert all(0.38 <= s <= 1.0 for s in similarity.values())


def test_duplicate_of_points_at_the_first_printing(utterances):
    marked = utterances["duplicate_of"].dropna().to_dict()
    assert marked == {later: first for (later, first) in EXPECTED_LINKS}


def test_codings(corpus, utterances):
    codings = corpus.codings
    printed = codings[codings["basis"] == "printed"]
    assert len(printed) == len(utterances)
    assert dict(zip(printed["utterance_id"], printed["section_id"])) == utterances["section_id"].to_dict()
    reprinted = codings[codings["basis"] == "reprinted"]
    assert set(zip(reprinted["utterance_id"], reprinted["section_id"], reprinted["via_utterance_id"])) == {
        (first, utterances.loc[later, "section_id"], later) for (later, first) in EXPECTED_LINKS
    }
    assert set(codings["coder"]) == {"thesis"}


# ------------------------------------------------------------------------- sections and guide


def test_sections(corpus):
    sections = corpus.sections.set_index("section_id")
    assert list(sections.index) == list(EXPECTED_COUNTS)
    assert sections.loc["4.1.9", "line_start"] == 3613  # printed with a leading space
    assert sections.loc["4.1.9", "title"] == "Kommunenes største utfordring med nyskapning og innovasjon"
    assert {s: int(sections.loc[s, "research_question"]) for s in sections.index} == {
        s: int(s.split(".")[1]) for s in sections.index
    }


def test_interview_guide(corpus):
    guide = corpus.interview_guide.set_index("question_id")
    assert len(guide) == 22
    assert guide["part"].value_counts().to_dict() == {"2. Erfaringer": 5, "3. Kjernespørsmål": 17}
    assert guide.loc["Q12", "text"] == "Hvordan kan medarbeidernes tause kunnskap bidra til å øke innovasjon?"
    assert "ideer og forbedringsforslag?" in guide.loc["Q03", "text"]  # forbedrings-\n\nforslag joined
    assert "OU-prosesser" in guide.loc["Q13", "text"]  # OU-\n\nprosesser keeps its hyphen
    assert guide.loc["Q15", "text"].endswith(
        "bærebjelker): Prinsippet om konsensus; Likeverdighet mellom partene; "
        "Dialogpreget kommunikasjon; Kollektivt ansvar)"
    )


def test_sections_map_to_guide_questions(corpus):
    mapping = dict(zip(corpus.sections["section_id"], corpus.sections["guide_questions"]))
    assert mapping == {
        "4.1.1": "Q03",
        "4.1.2": "Q04",
        "4.1.3": "Q06",
        "4.1.4": "Q07",
        "4.1.5": "Q09",
        "4.1.6": "Q13",
        "4.1.7": "Q14",
        "4.1.8": "Q15",
        "4.1.9": "Q20",
        "4.2.1": "Q10",
        "4.3.1": "Q08",
        "4.3.2": "Q11",
        "4.3.3": "Q12",
        "4.4.1": "Q21",
        "4.5.1": "Q16",
        "4.5.2": "Q17",
        "4.5.3": "Q18",
        "4.5.4": "Q19",
    }
    curated = set(corpus.sections.loc[corpus.sections["guide_evidence"] == "curated", "section_id"])
    assert curated == {"4.1.1", "4.1.2", "4.1.3", "4.1.4", "4.2.1", "4.4.1"}  # sections without a repeating intro


def test_research_questions(corpus):
    questions = corpus.research_questions.set_index("research_question")
    assert list(questions.index) == [1, 2, 3, 4, 5]
    assert (
        questions.loc[2, "text"]
        == "Hva slags forventninger er det fra tillitsvalgte overfor ledelsen for å oppnå høy grad av MDI?"
    )


# ------------------------------------------------------------------------------------ anonymity


def test_no_municipality_names_in_the_corpus():
    folder = paths.data_dir() / "corpus"
    for path in sorted(folder.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        for name in MUNICIPALITIES:
            assert not re.search(rf"(?<!\w){name}(?!\w)", text), f"{name} in {path.name}"


def test_no_identifying_columns(corpus):
    columns = set(corpus.utterances.columns)
    assert columns == {
        "utterance_id",
        "role",
        "role_label",
        "text",
        "section_id",
        "line_start",
        "line_end",
        "n_words",
        "duplicate_of",
        "flags",
    }


# --------------------------------------------------------------------- rebuild from the thesis


def test_rebuild_reproduces_the_committed_corpus_byte_for_byte(thesis_file):
    built = build_corpus(thesis_file)
    differences = compare_corpus(built, paths.data_dir() / "corpus")
    assert differences == [], "\n".join(f"{d.name}: {d.summary}" for d in differences)


def test_every_role_label_in_the_thesis_is_in_the_corpus(utterances, thesis_file):
    thesis = ThesisText.read(thesis_file)
    labels = sum(len(LABEL_RE.findall(line)) for line in thesis.lines)
    assert labels == utterances["role_label"].notna().sum() == 120


def test_cli_check_passes_and_detects_a_changed_corpus(tmp_path, capsys, thesis_file):
    thesis = thesis_file
    assert build_corpus_main(["--thesis", str(thesis), "--check"]) == 0
    out_dir = tmp_path / "corpus"
    assert build_corpus_main(["--thesis", str(thesis), "--out", str(out_dir)]) == 0
    for name in ["utterances.csv", "links.csv", "sections.csv"]:
        assert (out_dir / name).read_bytes() == (paths.data_dir() / "corpus" / name).read_bytes()
    utterances_file = out_dir / "utterances.csv"
    text = utterances_file.read_text(encoding="utf-8")
    utterances_file.write_text(text.replace("Gjøre ting smartere.", "Gjøre ting smartest.", 1), encoding="utf-8")
    (out_dir / "links.csv").unlink()
    capsys.readouterr()
    assert build_corpus_main(["--thesis", str(thesis), "--out", str(out_dir), "--check"]) == 1
    report = capsys.readouterr().out
    assert "utterances.csv: 1 row(s) differ: U003 (text)" in report
    assert "links.csv: missing" in report


def test_cli_reports_a_missing_thesis(tmp_path, capsys):
    assert build_corpus_main(["--thesis", str(tmp_path / "nope.txt"), "--check"]) == 2
    assert "thesis text not found" in capsys.readouterr().err
