"""The anonymity scanner: planted identifiers are caught where they are, legitimate content is not.

Each positive test plants one kind of identifier in a temporary file of the format it would leak
through (corpus CSV, notebook output, HTML report ...) and checks kind, file, line and column, so a
researcher can trust that a finding points at the right cell. The negative tests are built from
what this project really publishes (years, line spans, scores, the sample table, quotes naming the
region or Yngve Hågensen) — a scanner that cries wolf on those would get switched off. The last
tests run the scanner over the repository itself: that is the guard `make test` relies on.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mdi_analysis.paths import data_dir, notebooks_dir, project_root, read_resource_csv, reports_dir
from mdi_analysis.privacy import Finding, format_findings, main, scan_paths, scan_report, scan_text

CORPUS_HEADER = "utterance_id,role,role_label,text,section_id,line_start,line_end,n_words,duplicate_of,flags\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def kinds(findings: list[Finding]) -> list[str]:
    return [f.kind for f in findings]


def only(findings: list[Finding], kind: str) -> Finding:
    selected = [f for f in findings if f.kind == kind]
    assert len(selected) == 1, format_findings(findings)
    return selected[0]


def corpus_row(uid: str, text: str, role: str = "arbeidsgiver") -> str:
    label = role.capitalize()
    return f'{uid},{role},{label},"{text}",4.1.1,2522,2528,{len(text.split())},,\n'


def notebook(cells: list[dict]) -> str:
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, ensure_ascii=False, indent=1
    )


def code_cell(source: str, outputs: list[dict]) -> dict:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": source.splitlines(True),
        "outputs": outputs,
    }


# --------------------------------------------------------------------------------------------
# Direct identifiers
# --------------------------------------------------------------------------------------------


def test_planted_email_in_csv_cell(tmp_path: Path) -> None:
    path = write(tmp_path / "data" / "notes.csv", "id,note\n1,ok\n2,Send til kari.nordmann@hol.kommune.no i morgen\n")
    finding = only(scan_paths([tmp_path]), "email")
    assert (finding.file, finding.line, finding.column) == (path, 3, "note")
    assert finding.match == "kari.nordmann@hol.kommune.no"


@pytest.mark.parametrize(
    "number",
    ["22 33 44 55", "912 34 567", "41234567", "+47 412 34 567", "0047 22334455", "tlf. 4123 4567"],
)
def test_planted_phone_numbers_in_three_formats_and_with_prefixes(tmp_path: Path, number: str) -> None:
    path = write(tmp_path / "reports" / "notes.txt", f"Første linje.\nRing {number} etter kl. 16.\n")
    finding = only(scan_paths([path]), "phone")
    assert (finding.file, finding.line, finding.column) == (path, 2, None)
    assert finding.match.replace(" ", "") in number.replace(" ", "")


def test_phone_numbers_in_one_line_are_each_reported() -> None:
    text = "Kontakt: 22 33 44 55, 912 34 567 eller 41234567"
    matches = {f.match for f in scan_text(text, source="x.txt") if f.kind == "phone"}
    assert matches == {"22 33 44 55", "912 34 567", "41234567"}


def test_replaced_contacts_in_the_thesis_appendix_are_not_findings() -> None:
    text = "ta kontakt med oss, tlf. [telefon fjernet], e-post [e-post fjernet]\n"
    assert scan_text(text, source="x.txt") == []


def test_address_block_and_national_id_are_caught() -> None:
    text = "Institutt for sosiologi\nDragvoll\n7491 TRONDHEIM\nfnr 15076500565\n"
    findings = scan_text(text, source="letter.txt")
    assert [(f.kind, f.line, f.match) for f in findings] == [
        ("address", 3, "7491 TRONDHEIM"),
        ("national_id", 4, "15076500565"),
    ]


# --------------------------------------------------------------------------------------------
# Person names
# --------------------------------------------------------------------------------------------


def test_respondent_style_name_in_corpus_text_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "data" / "corpus" / "utterances.csv",
        CORPUS_HEADER
        + corpus_row("U001", "Innovasjon er å gjøre ting bedre med de folkene du har.")
        + corpus_row("U002", "Jeg snakket med Kari Nordmann om dette i går.", role="tillitsvalgt"),
    )
    finding = only(scan_paths([path]), "person_name")
    assert (finding.file, finding.line, finding.column, finding.match) == (path, 3, "text", "Kari Nordmann")


@pytest.mark.parametrize(
    ("quote", "name"),
    [
        ("«Jeg heter Torgunn og er tillitsvalgt.»", "Torgunn"),  # unknown name after "heter"
        ("«Det sa Anders på møtet.»", "Anders"),  # known given name standing alone
        ("«Vi fikk hjelp fra Rasmussen i fjor.»", "Rasmussen"),  # capitalised word after "fra"
        ("«Så kom Brede Tveiten inn i prosjektet.»", "Brede Tveiten"),  # unknown capitalised pair
    ],
)
def test_name_heuristic_inside_quotes(quote: str, name: str) -> None:
    findings = scan_text(f"Sitat fra intervjuet:\n{quote}\n", source="report.md")
    assert [(f.kind, f.line, f.match) for f in findings] == [("person_name", 2, name)]


def test_known_thesis_name_in_notebook_output(tmp_path: Path) -> None:
    nb = notebook(
        [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Report\n"]},
            code_cell(
                "print(supervisor)\n",
                [
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": ["Kontakt:\n", "veileder Tonje Osmundsen, NTNU\n"],
                    }
                ],
            ),
        ]
    )
    path = write(tmp_path / "reports" / "notebooks" / "02_corpus.ipynb", nb)
    finding = only(scan_paths([tmp_path / "reports"]), "person_name")
    assert (finding.file, finding.line, finding.match) == (path, 2, "Tonje Osmundsen")
    assert finding.location == "cell 2 (code) output 1 stdout"


def test_deny_list_allows_citations_of_published_authors_but_not_other_names() -> None:
    ok = "Rebuild the tables of Strømsvåg (2017); see Strømsvåg, O. (2017) and KS i samarbeid med Linda Lai, 2016."
    assert scan_text(ok, source="README.md") == []
    bad = "Transkribert av Heidi; kontakt Olav Strømsvåg eller Wigestrand."
    assert sorted(f.match for f in scan_text(bad, source="README.md")) == ["Heidi", "Olav Strømsvåg", "Wigestrand"]


def test_names_in_plain_prose_and_json_records(tmp_path: Path) -> None:
    notes = write(tmp_path / "data" / "notes.txt", "Intervjunotater\nKontakt: Kari Nordmann, personalkontoret\n")
    records = write(
        tmp_path / "data" / "quotes.json", '[\n {"utterance_id": "U001",\n  "text": "Vi snakket med Kari om det."}\n]\n'
    )
    found = [(f.file.name, f.line, f.match) for f in scan_paths([notes, records]) if f.kind == "person_name"]
    assert found == [("notes.txt", 2, "Kari Nordmann"), ("quotes.json", 3, "Kari")]


def test_coder_column_is_read_for_names(tmp_path: Path) -> None:
    path = write(
        tmp_path / "codings.csv",
        "utterance_id,section_id,coder,basis\nU001,4.1.1,thesis,printed\nU002,4.1.1,Marit Bakke,manual\n",
    )
    finding = only(scan_paths([path]), "person_name")
    assert (finding.line, finding.column, finding.match) == (3, "coder", "Marit Bakke")


# --------------------------------------------------------------------------------------------
# Links between quotes and municipalities
# --------------------------------------------------------------------------------------------


def test_utterance_row_with_kommune_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "data" / "corpus" / "utterances_by_kommune.csv",
        "utterance_id,kommune,text\nU001,,Innovasjon er utvikling.\nU002,Hol,Det handler om samarbeid.\n",
    )
    finding = only(scan_paths([path]), "municipality_link")
    assert (finding.file, finding.line, finding.column, finding.match) == (path, 3, "kommune", "Hol")


def test_utterance_row_with_a_coded_municipality_is_also_a_link(tmp_path: Path) -> None:
    # A pseudonymous code still groups quotes by municipality, which the thesis never does.
    path = write(tmp_path / "u.csv", "utterance_id,municipality_id,text\nU003,M2,Det er forandring hele tiden.\n")
    finding = only(scan_paths([path]), "municipality_link")
    assert (finding.line, finding.column, finding.match) == (2, "municipality_id", "M2")


def test_quote_text_naming_its_own_municipality(tmp_path: Path) -> None:
    path = write(
        tmp_path / "data" / "corpus" / "utterances.csv",
        CORPUS_HEADER
        + corpus_row("U001", "Innovasjon er utvikling.")
        + corpus_row("U002", "Vi har vært opptatt av innovasjon.")
        + corpus_row("U003", "Her i Gol kommune har vi ingen idekasse."),
    )
    finding = only(scan_paths([path]), "municipality_link")
    assert (finding.file, finding.line, finding.column, finding.match) == (path, 4, "text", "Gol")
    assert "quote names a municipality" in finding.detail


def test_html_table_row_with_utterance_id_and_municipality(tmp_path: Path) -> None:
    html = (
        "<html><head><style>td { color: #123456; }</style></head><body>\n"
        "<h1>Quotes</h1>\n"
        "<table>\n"
        "<thead><tr><th>id</th><th>role</th><th>where</th></tr></thead>\n"
        "<tbody>\n"
        "<tr><td>U011</td><td>Arbeidsgiver</td><td></td></tr>\n"
        "<tr>\n"
        "  <td>U012</td>\n"
        "  <td>Tillitsvalgt</td>\n"
        "  <td>&Aring;l</td>\n"
        "</tr>\n"
        "</tbody></table></body></html>\n"
    )
    path = write(tmp_path / "reports" / "html" / "02_corpus.html", html)
    finding = only(scan_paths([path]), "municipality_link")
    assert (finding.file, finding.line, finding.column, finding.match) == (path, 10, "where", "Ål")


def test_markdown_quote_with_attribution_on_the_next_line() -> None:
    text = "Noen sitater:\n\n«Derfor er 2017 satt av til et innovasjonsår i kommunen.»\n— Arbeidsgiver, Ål\n"
    finding = only(scan_text(text, source="report.md"), "municipality_link")
    assert (finding.line, finding.match) == (4, "Ål")


def test_survey_letter_next_to_a_quote_is_a_link() -> None:
    text = "U002 (kommune B): «Derfor er 2017 satt av til et innovasjonsår i kommunen.»"
    found = {(f.kind, f.match) for f in scan_text(text, source="out.txt")}
    assert ("municipality_link", "kommune B") in found
    assert ("content_link", "innovasjonsår") in found


def test_municipality_and_survey_letter_in_one_row_is_a_letter_mapping(tmp_path: Path) -> None:
    path = write(tmp_path / "units.csv", "municipality,unit\nGol,D\nÅl,B\n")
    findings = scan_paths([path])
    assert [(f.kind, f.line, f.column, f.match) for f in findings] == [
        ("letter_mapping", 2, "municipality", "Gol"),
        ("letter_mapping", 3, "municipality", "Ål"),
    ]
    text_findings = scan_text("Merk: kommune B er Hemsedal.", source="notes.md")
    assert kinds(text_findings) == ["letter_mapping"]


def test_wide_table_with_letter_columns_and_municipality_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "crosstab.csv", "kommune,A,B,D\nHol,1,0,0\nNorge,0,0,0\n")
    finding = only(scan_paths([path]), "letter_mapping")
    assert (finding.line, finding.match) == (2, "Hol")


def test_role_next_to_municipality_is_a_role_link(tmp_path: Path) -> None:
    path = write(tmp_path / "respondents.csv", "kommune,side,position\nNes,arbeidsgiver,rådmann\n")
    finding = only(scan_paths([path]), "role_link")
    assert (finding.line, finding.column, finding.match) == (2, "kommune", "Nes")


def test_opaque_files_are_reported_and_images_skipped(tmp_path: Path) -> None:
    write(tmp_path / "quotes.xlsx", "not really a spreadsheet")
    (tmp_path / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    report = scan_report([tmp_path])
    assert [(f.kind, f.file.name) for f in report.findings] == [("unscanned", "quotes.xlsx")]
    assert [p.name for p, _ in report.files_skipped] == ["figure.png"]


def test_notebook_html_output_and_markdown_source_are_scanned(tmp_path: Path) -> None:
    nb = notebook(
        [
            {"cell_type": "markdown", "metadata": {}, "source": ["«Her i Hol gjør vi det slik.»\n"]},
            code_cell(
                "show(quotes)\n",
                [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "text/plain": ["<table>"],
                            "text/html": ["<table>\n", "<tr><td>U044</td><td>Nesbyen</td></tr>\n", "</table>\n"],
                            "image/png": "iVBORw0KGgo22334455",
                        },
                    }
                ],
            ),
        ]
    )
    path = write(tmp_path / "nb.ipynb", nb)
    found = [(f.kind, f.match, f.line, f.location) for f in scan_paths([path])]
    assert found == [
        ("municipality_link", "Hol", 1, "cell 1 (markdown) source"),
        ("municipality_link", "Nesbyen", 2, "cell 2 (code) output 1 text/html"),
    ]


def test_qde_project_file_is_scanned(tmp_path: Path) -> None:
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project name="MDI" xmlns="urn:QDA-XML:project:1.0">\n'
        '  <Users><User guid="u1" name="Sigrun Haugland"/></Users>\n'
        '  <Sources><TextSource guid="s1" name="Intervju Hemsedal arbeidsgiver"/></Sources>\n'
        "</Project>\n"
    )
    path = write(tmp_path / "project.qde", qde)
    found = [(f.kind, f.line, f.match) for f in scan_paths([path])]
    assert found == [("person_name", 3, "Sigrun Haugland"), ("role_link", 4, "Hemsedal")]


# --------------------------------------------------------------------------------------------
# What must NOT be a finding
# --------------------------------------------------------------------------------------------


def test_numbers_of_this_project_are_not_phone_numbers(tmp_path: Path) -> None:
    text = (
        "value_id,table_id,row,column,published,value,thesis_section,thesis_lines,note\n"
        't4_6.Gjennomsnitt.A,4.6,Gjennomsnitt,A,"4,22",4.22,4.6,4638,KS 10-faktor 2016/2017\n'
        "t3_2.Hemsedal.inhabitants,3.2,Hemsedal,inhabitants,2.400,2400,3.2.2,2130-2136,år 2016 2017\n"
        "U001,4.1.1,2510-2622,4.1.2,3.9 4.0 4.0 4.0,50900,01.05.2017,05.12.2016,ISBN 978-82-15-02814-1\n"
        "x,20170501,21052017,12 345 678,1 234 567,2016-2017,+4.2,4,22 4,18 4,22 4,18,2510-2622\n"
    )
    path = write(tmp_path / "numbers.csv", text)
    pandas_like = write(
        tmp_path / "out.txt",
        "          Innbyggere Årsverk  Medarbeidere\nKommune\nGol             4650     378           459\n"
        "Oppgavemotivasjon           4.20  4.30  4.30  4.30\nthesis_line  4628  4630  4632  4634\n",
    )
    assert scan_paths([path, pandas_like]) == []


def test_lower_case_words_that_contain_municipality_names_are_not_matches() -> None:
    text = (
        "«Det er holdningsendring som må til, vi må hold fast på neste steg, nes og ål er ord, "
        "Holm og Gollum er ikke kommuner, heller ikke Ålesund eller Nesodden.» (Tillitsvalgt)\n"
    )
    assert scan_text(text, source="quotes.md") == []


def test_region_level_places_organisations_and_public_figure_in_quotes_are_allowed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "utterances.csv",
        CORPUS_HEADER
        + corpus_row("U010", "Velferdsteknologi går på tvers i Hallingdal. Kommunene i Buskerud og resten av Norge.")
        + corpus_row(
            "U011",
            "Tillitsvalgtrollen er ikke bare den gamle «Yngve Hågensen»: stå på krava, sier Fagforbundet og KS.",
            role="tillitsvalgt",
        )
        + corpus_row(
            "U012", "Vi har verdier som Åpen, Grundig og Modig, og vi bruker Lean og BLT-metoden etter Hovedavtalen."
        ),
    )
    assert scan_paths([path]) == []


def test_sample_table_naming_municipalities_without_quotes_is_allowed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "data" / "sample" / "municipalities.csv",
        "municipality,inhabitants,arsverk,employees,organisation_model,innovation_focus,innovation_status,thesis_section,thesis_lines\n"
        "Gol,4650,378,459,etatsmodell,nei,Gol kommune har ikke innovasjon som et satsingsområde.,3.2.1,2116-2122\n"
        "Hemsedal,2400,,310,etatsmodell,nei,"
        "Innovasjon har ikke vært et satsningsområde i Hemsedal kommune.,3.2.2,2130-2136\n"
        "Hol,4500,454,570,etatsmodell,delvis,"
        '"Hol kommune har ikke definert innovasjon som et satsingsområde, men har tatt i bruk '
        'verktøy fra LEAN-metodikken og delvis BLT-metoden.",3.2.3,2138-2150\n'
        "Ål,4720,466,619,etatsmodell,ja,Ål kommune har satset en del på innovasjon […].,3.2.4,2189-2195\n"
        "Nes,3500,300,380,flat struktur,nei,"
        "Nes kommune har ikke hatt systematisk fokus på innovasjon i sin organisasjon.,3.2.5,2231-2237\n",
    )
    html = write(
        tmp_path / "reports" / "html" / "01.html",
        "<table><thead><tr><th>Kommune</th><th>Innbyggere</th></tr></thead>\n<tbody><tr><th>Gol</th><td>4650</td></tr>\n"
        "<tr><th>Ål</th><td>4720</td></tr></tbody></table>\n<table><thead><tr><th></th><th>A</th><th>B</th><th>D</th>"
        "<th>Norge</th></tr></thead><tbody><tr><th>Mestringstro</th><td>4.3</td><td>4.2</td><td>4.3</td><td>4.3</td></tr>"
        "</tbody></table>\n",
    )
    assert scan_paths([path, html]) == []


def test_documentation_listing_the_whole_sample_is_not_a_link() -> None:
    # The corpus README says which places quotes mention and that none names a municipality.
    text = (
        "The corpus adds no identifying metadata. No quote names one of the five\n"
        "municipalities (Gol, Hemsedal, Hol, Nes, Ål); a test checks every corpus file for them. Places\n"
        "mentioned in passing are kept as published: *Hallingdal* (U013), *Buskerud* (U053).\n"
    )
    assert scan_text(text, source="README.md") == []


def test_english_prose_is_not_read_as_names() -> None:
    text = (
        "framework_id,description\nmdi,Indirect co-determination through the Basic Agreement "
        "and New Public Management reforms in the municipalities.\n"
    )
    assert scan_text(text, source="frameworks.csv") == []


# --------------------------------------------------------------------------------------------
# The shipped lists
# --------------------------------------------------------------------------------------------


def test_every_list_entry_is_documented_and_no_place_is_allowlisted() -> None:
    allow = read_resource_csv("anonymity_allowlist.csv")
    categories = {
        "public_figure_in_quote",
        "organisation",
        "region_place",
        "place_outside_study",
        "law_or_agreement",
        "method_or_tool",
        "role_label",
        "value_word_in_quote",
        "cited_author",
    }
    assert allow and all(row["term"].strip() and row["reason"].strip() for row in allow)
    assert {row["category"] for row in allow} <= categories
    places = {row["place"] for row in read_resource_csv("anonymity_places.csv")}
    assert not places & {row["term"] for row in allow}, "a municipality or village can never be allowlisted"
    assert all(
        row["person"] and row["role_in_thesis"] and row["citable"] in ("yes", "no")
        for row in read_resource_csv("anonymity_denylist.csv")
    )
    assert {row["municipality"] for row in read_resource_csv("anonymity_places.csv")} == {
        "Gol",
        "Hemsedal",
        "Hol",
        "Nes",
        "Ål",
        "Flå",
    }


# --------------------------------------------------------------------------------------------
# API, CLI, speed
# --------------------------------------------------------------------------------------------


def test_cli_exit_codes_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = write(tmp_path / "clean" / "a.csv", "x,y\n1,2\n")
    write(tmp_path / "clean" / "b.md", "# Nothing here\n")
    assert main([str(clean.parent)]) == 0
    assert capsys.readouterr().out.strip() == "anonymity scan: 0 findings in 2 files"
    dirty = write(tmp_path / "dirty" / "c.txt", "mail: a@b.no\n")
    assert main([str(dirty)]) == 1
    out = capsys.readouterr().out
    assert "c.txt:1: email: 'a@b.no'" in out
    assert out.strip().splitlines()[-1].startswith("anonymity scan: 1 finding (1 email) in 1 file")
    assert main([str(tmp_path / "missing")]) == 2


def test_cli_is_reachable_through_the_package_entry_point(tmp_path: Path) -> None:
    from mdi_analysis.__main__ import main as package_main

    write(tmp_path / "ok.txt", "Hallingdal\n")
    assert package_main(["scan-pii", str(tmp_path)]) == 0


def test_a_few_megabytes_scan_in_well_under_a_few_seconds(tmp_path: Path) -> None:
    quote = "Det er viktig at de tillitsvalgte er med, i Hallingdal og i KS, 4.22 og 2016/2017 (4.1.6)."
    rows = [corpus_row(f"U{i:04d}", quote * 3) for i in range(6500)]
    path = write(tmp_path / "big.csv", CORPUS_HEADER + "".join(rows))
    assert path.stat().st_size > 2_000_000
    start = time.process_time()  # CPU time: a bound on the work, not on how busy the machine is
    assert scan_paths([path]) == []
    assert time.process_time() - start < 5.0


# --------------------------------------------------------------------------------------------
# The repository itself and the thesis
# --------------------------------------------------------------------------------------------


def _repository_outputs() -> list[Path]:
    """data/, the committed notebooks (they carry outputs) and every reports/ folder that exists.

    reports_dir() points to a temporary folder during pytest (conftest.py); the real reports/
    of the last `make reproduce` is scanned too when it is there."""
    candidates = [data_dir(), notebooks_dir(), project_root() / "reports", reports_dir()]
    seen: list[Path] = []
    for path in candidates:
        if path.exists() and path.resolve() not in [p.resolve() for p in seen]:
            seen.append(path)
    return seen


def test_repository_data_and_outputs_have_no_findings() -> None:
    report = scan_report(_repository_outputs())
    assert report.findings == [], "\n" + format_findings(report.findings, files_scanned=len(report.files_scanned))


def test_smoke_the_thesis_itself_is_not_anonymised_to_our_standard(thesis_file: Path) -> None:
    findings = scan_paths([thesis_file])
    names = {f.match for f in findings if f.kind == "person_name"}
    assert {"Tonje Osmundsen", "Olav Strømsvåg", "Heidi", "Stig Roar Wigestrand", "Belinda Gloppen Helle"} <= names
    assert ("address", "7491 TRONDHEIM") in {(f.kind, f.match) for f in findings}
    # Tuning: the thesis's numbers (years, page numbers, line-broken tables, dates) and its
    # replaced contacts give no phone/e-mail findings, and no quote line names a municipality.
    assert not [f for f in findings if f.kind in ("phone", "email", "municipality_link", "letter_mapping")]


def test_a_parallel_scan_reports_exactly_what_a_serial_scan_does(tmp_path: Path) -> None:
    for i in range(30):  # enough files for the scan to use worker processes
        text = "Quote,role\nEn helt vanlig setning,arbeidsgiver\n"
        if i % 7 == 0:
            text += f"Ring meg på 412 34 {i:03d},tillitsvalgt\n"
        if i % 11 == 0:
            text += f"skriv til ola.nordmann{i}@example.no,arbeidsgiver\n"
        (tmp_path / f"f{i:02d}.csv").write_text(text, encoding="utf-8")
    serial, parallel = scan_report([tmp_path]), scan_report([tmp_path], jobs=2)
    assert {f.kind for f in serial.findings} == {"phone", "email"}
    assert len(serial.findings) == 5 + 3
    assert parallel.findings == serial.findings
    assert parallel.files_scanned == serial.files_scanned
