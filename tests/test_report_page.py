"""The one-page report (reports/index.html), tables for people, the workbook and the outputs' file mode."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from mdi_analysis import present
from mdi_analysis.pipeline._index_page import SECTION_IDS, flagged_claims, index_page, run_info

LONG_STATEMENT = (
    "Tillitsvalgte påpeker at arbeidsgiverne ikke informerer godt nok, og at informasjonsflyt har en "
    "tendens til å stoppe opp langt nede i organisasjonen, noe som gjør at ingen får vite om ideene."
)
INFO = {"date (UTC)": "2026-12-06 05:00", "commit": "abc123", "python": "3.11"}


def _reports(tmp_path: Path, *, evidence: bool) -> Path:
    reports = tmp_path / "reports"
    tables = reports / "tables"
    tables.mkdir(parents=True)
    board = pd.DataFrame(
        {
            "item": ["t4_6.X.A", "m4_6.mean", "C001", "C029"],
            "type": ["transcribed value", "recomputed value", "claim", "claim"],
            "section": ["4.6", "4.6", "3.1", "4.1.3"],
            "line": [1, 2, 3, 4],
            "expected": ["4.2", "4.0", "== 3", ">= 2"],
            "computed": ["4.2", "4.0", "3", "1"],
            "verdict": ["reproduced", "reproduced", "agrees", "partly"],
            "reason": ["", "", "", "only 1"],
        }
    )
    board.to_csv(tables / "scoreboard.csv", index=False)
    claims = pd.DataFrame(
        {
            "claim_id": ["C001", "C029", "C095"],
            "section_id": ["3.1", "4.1.3", "5.5"],
            "line": [3, 4, 5],
            "statement": ["Tre kommuner.", LONG_STATEMENT, "Noen av kommunene hadde LEAN."],
            "relation": ["== 3", ">= 2", ">= 2"],
            "computed": ["3", "1 of 4 quotes (U017)", "1"],
            "verdict": ["agrees", "partly", "contradicted"],
            "reason": ["", "only 1 quote(s) mention it (needs at least 2)", "in 3.2: Hol"],
        }
    )
    if evidence:
        claims["evidence"] = ["", "U001;U002", ""]  # the audit's columns
        claims["basis"] = ["", "quotes coded tema.informasjonsflyt", ""]
    claims.to_csv(tables / "claims_audit.csv", index=False)
    (reports / "figures").mkdir()
    (reports / "figures" / "topics_alignment.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return reports


@pytest.mark.parametrize("evidence", [True, False])
def test_index_page_shows_scoreboard_flagged_statements_whole_and_evidence_quotes(tmp_path, evidence):
    from mdi_analysis.corpus import load_corpus

    page = index_page(_reports(tmp_path, evidence=evidence), info=INFO)
    for section in ("scoreboard", "flagged", "figures", "codebook", "run-info", "notebooks", "published"):
        assert f'id="{section}"' in page
    assert set(SECTION_IDS) <= set(re.findall(r'id="([a-z-]+)"', page))
    assert "published values: 1 of 1 recomputed from data, 1 of 1 transcribed" in page
    assert LONG_STATEMENT in page  # whole, never cut
    assert page.index('id="claim-C095"') < page.index('id="claim-C029"')  # contradicted first
    assert 'id="claim-C001"' not in page  # agrees: not flagged
    texts = load_corpus().utterances.set_index("utterance_id")["text"]
    from html import escape

    shown = ["U001", "U002"] if evidence else ["U017"]
    for quote in shown:
        assert escape(texts[quote]) in page
    if evidence:
        assert "quotes coded tema.informasjonsflyt" in page
    assert 'src="figures/topics_alignment.png"' in page
    assert "abc123" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page  # offline


def test_index_page_links_both_pages_of_every_notebook_and_lists_the_codebook(tmp_path):
    reports = _reports(tmp_path, evidence=False)
    (reports / "html").mkdir()
    (reports / "html" / "01_reproduce-survey-and-sample.html").write_text("x", encoding="utf-8")
    page = index_page(reports, info=INFO)
    assert 'href="html/01_reproduce-survey-and-sample.html"' in page
    assert "results only (not run)" in page  # html-results/ missing: said, not a dead link
    assert "tema.tidspress" in page and "Inkrementelle innovasjoner" in page


def test_run_info_names_date_commit_and_package_versions():
    info = run_info(datetime(2026, 12, 6, 5, 0, tzinfo=UTC))
    assert info["date (UTC)"] == "2026-12-06 05:00"
    assert re.match(r"[0-9a-f]{40}|unknown", info["commit"])
    assert info["pandas"] == pd.__version__


def test_flagged_claims_orders_by_seriousness():
    claims = pd.DataFrame(
        {"claim_id": ["C2", "C1", "C3", "C4"], "verdict": ["partly", "agrees", "contradicted", "partly"]}
    )
    assert flagged_claims(claims)["claim_id"].tolist() == ["C3", "C2", "C4"]


# -- tables for people ---------------------------------------------------------------------------


def test_show_table_keeps_text_whole_in_html_and_text():
    frame = pd.DataFrame({"statement": [LONG_STATEMENT], "share": [0.123456]}, index=pd.Index(["C1"], name="claim"))
    table = present.show_table(frame, "Flagged")
    html = table._repr_html_()
    assert LONG_STATEMENT in html and "…" not in html
    assert "0.12" in html and "0.123456" not in html
    assert LONG_STATEMENT in repr(table)
    assert repr(table).splitlines()[0] == "Flagged"
    assert html == present.show_table(frame, "Flagged")._repr_html_()  # deterministic for nbval


class _HeaderRows(HTMLParser):
    """The header rows of each ``<table>`` in a page: a list of rows of header-cell texts per table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._in_head = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._in_head:
            self.tables[-1].append([])
        elif tag in ("th", "td") and self._in_head:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag in ("th", "td") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _header_rows(html: str) -> list[list[list[str]]]:
    parser = _HeaderRows()
    parser.feed(html)
    return parser.tables


@pytest.mark.parametrize(
    ("index", "headers"),
    [
        (pd.Index(["C1", "C2"], name="claim_id"), ["claim_id", "statement", "share"]),
        (pd.MultiIndex.from_tuples([("C1", 1), ("C1", 2)], names=["claim_id", "rank"]), ["claim_id", "rank"]),
        (pd.MultiIndex.from_tuples([("C1", 1), ("C1", 2)], names=["claim_id", None]), ["claim_id", ""]),
        (pd.RangeIndex(2), [""]),  # unnamed: the row numbers stay row headers under an empty corner
    ],
)
def test_a_table_has_one_header_row_with_the_index_names_in_it(index, headers):
    frame = pd.DataFrame({"statement": ["Tre kommuner.", "To."], "share": [0.5, 0.25]}, index=index)
    (rows,) = _header_rows(present.show_table(frame, "Claims")._repr_html_())
    assert len(rows) == 1, rows
    assert rows[0][: len(headers)] == headers and rows[0][-2:] == ["statement", "share"]


def test_a_cross_table_names_rows_and_columns_in_its_one_header_row():
    cross = pd.crosstab(pd.Series(["claim", "claim", "value"], name="type"), pd.Series(["a", "b", "a"], name="verdict"))
    (rows,) = _header_rows(present.show_table(cross)._repr_html_())
    assert rows == [["type \\ verdict", "a", "b"]]
    assert repr(present.show_table(cross)).splitlines()[:2] == ["verdict  a  b", "type         "]  # text view as before


def test_every_table_of_the_index_page_has_one_header_row(tmp_path):
    page = index_page(_reports(tmp_path, evidence=True), info=INFO)
    tables = _header_rows(page)
    assert len(tables) > 5
    assert [len(rows) for rows in tables if rows] == [1] * len([rows for rows in tables if rows])
    headers = [rows[0] for rows in tables if rows]
    assert headers[0][0] == "type"  # the scoreboard: its index name is a header cell
    assert any(row[0] == "category_id" for row in headers)  # the codebook viewer
    assert any(row[0] == "item" for row in headers)  # the published values


def test_empty_table_says_so_in_a_sentence():
    table = present.show_table(pd.DataFrame(columns=["section", "verdict"]), "Values that differ")
    assert "Empty DataFrame" not in repr(table)
    assert repr(table) == "«Values that differ»: no rows (columns: section, verdict)."
    assert "no rows" in table._repr_html_()


def test_show_prints_a_sentence_for_an_empty_table(capsys):
    present.show(pd.DataFrame(columns=["a"]))
    assert capsys.readouterr().out == "This table: no rows (columns: a).\n"


# -- the workbook ------------------------------------------------------------------------------------


def test_workbook_types_numbers_freezes_header_and_never_writes_a_formula(tmp_path):
    from openpyxl import load_workbook

    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame(
        {
            "relation": ["== 3", "+4", "-minus", "@user", '=HYPERLINK("http://x","y")'],
            "count": [1, 2, 3, 4, 5],
            "share": [0.5, 1.25, -2.0, 0.0, 3.5],
            "code": ["007", "012", "100", "001", "020"],
            "section": ["4.6", "4.6", "3.1", "4.1", "5.5"],
        }
    ).to_csv(tables / "claims.csv", index=False)
    pd.DataFrame({"a": ["Årsverk"]}).to_csv(tables / ("b_" + "x" * 40 + ".csv"), index=False)
    path = present.write_workbook(tables, tmp_path / "tables.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["b_" + "x" * 29, "claims"]
    sheet = book["claims"]
    assert sheet.freeze_panes == "A2"
    relations = [sheet.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.value for c in relations] == ["== 3", "+4", "-minus", "@user", '=HYPERLINK("http://x","y")']
    assert {c.data_type for c in relations} == {"s"}  # text, never "f"
    assert [sheet.cell(row=r, column=2).value for r in range(2, 7)] == [1, 2, 3, 4, 5]
    assert sheet.cell(row=2, column=2).data_type == "n" and sheet.cell(row=4, column=3).value == -2.0
    assert sheet.cell(row=2, column=4).value == "007"  # leading zeros: text
    assert sheet.cell(row=2, column=5).value == "4.6"  # a section id, not a number
    assert book["b_" + "x" * 29]["A2"].value == "Årsverk"


def _cells(book, sheet: str, column: int) -> list[tuple[object, str]]:
    """(value, openpyxl data type) of each cell below the header in one column."""
    rows = book[sheet].iter_rows(min_row=2, min_col=column, max_col=column)
    return [(cell.value, cell.data_type) for (cell,) in rows]


def test_workbook_types_each_cell_of_a_mixed_column_and_writes_infinity_as_text(tmp_path):
    from openpyxl import load_workbook

    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "mixed.csv").write_text(
        "label,count,ratio,computed,published\n"
        "1,12,0.5,4.2,4650\n"
        "2,,inf,-2.5,2.400\n"
        'Sum,-3,-inf,only 1 quote (U017),"4,3"\n'
        "x,12345678901234567890,1e-3,-minus,4.3\n",
        encoding="utf-8",
    )
    book = load_workbook(present.write_workbook(tables, tmp_path / "tables.xlsx"))
    assert _cells(book, "mixed", 1) == [(1, "n"), (2, "n"), ("Sum", "s"), ("x", "s")]  # a "Sum" label among numbers
    assert _cells(book, "mixed", 2) == [(12, "n"), (None, "n"), (-3, "n"), ("12345678901234567890", "s")]
    assert _cells(book, "mixed", 3) == [(0.5, "n"), ("inf", "s"), ("-inf", "s"), (0.001, "n")]
    assert _cells(book, "mixed", 4) == [(4.2, "n"), (-2.5, "n"), ("only 1 quote (U017)", "s"), ("-minus", "s")]
    # as the thesis prints it: 2.400 is 2400 inhabitants, 4,3 a decimal comma; a plain integer is a number
    assert _cells(book, "mixed", 5) == [(4650, "n"), ("2.400", "s"), ("4,3", "s"), ("4.3", "s")]


def test_workbook_types_numbers_in_an_object_column_and_leaves_missing_cells_empty():
    import io

    import numpy as np
    from openpyxl import load_workbook

    frame = pd.DataFrame(
        {"n": pd.Series([3, np.float64(0.25), "Sum", None, np.nan, np.inf, -np.inf, np.int64(-7)], dtype=object)}
    )
    book = load_workbook(io.BytesIO(present.workbook_bytes({"t": frame})))
    assert _cells(book, "t", 1) == [
        (3, "n"),
        (0.25, "n"),
        ("Sum", "s"),
        (None, "n"),
        (None, "n"),
        ("inf", "s"),
        ("-inf", "s"),
        (-7, "n"),
    ]


def test_workbook_bytes_are_the_same_on_a_rerun():
    tables = {"t": pd.DataFrame({"a": [1, 2]})}
    assert present.workbook_bytes(tables) == present.workbook_bytes(tables)


def test_sheet_names_are_unique_and_valid():
    names = present.sheet_names(["a" * 40, "a" * 35, "x/y"])
    assert list(names.values()) == ["a" * 31, "a" * 29 + "~2", "x_y"]


# -- one file mode for every output ----------------------------------------------------------------


def test_every_output_gets_the_same_file_mode(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mdi_analysis.pipeline import write_index_html

    reports = _reports(tmp_path, evidence=False)
    monkeypatch.setenv("MDI_REPORTS_DIR", str(reports))
    old = os.umask(0o022)
    try:
        figure, _ = plt.subplots()
        present.save_outputs(tables={"t": pd.DataFrame({"a": [1]})}, figures={"f": figure})
        plt.close(figure)
        write_index_html(reports)
    finally:
        os.umask(old)
    written = [
        reports / "tables" / "t.csv",
        reports / "figures" / "f.png",
        reports / "index.html",
        reports / "tables.xlsx",
    ]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {"0o644"}


def test_html_pages_take_the_notebooks_title(tmp_path):
    import nbformat

    from mdi_analysis.pipeline import render_html

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 22 · Claim audit and scoreboard\n\ntext")])
    render_html(nb, tmp_path / "page.html", hide_code=True)
    html = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "<title>22 · Claim audit and scoreboard</title>" in html
    assert "<title>Notebook</title>" not in html
    # a parameter set's page gets its own title, so the pages of one template are told apart
    render_html(nb, tmp_path / "rq2.html", title="12 · Results for research question 2")
    assert "<title>12 · Results for research question 2</title>" in (tmp_path / "rq2.html").read_text("utf-8")


def test_the_anonymity_scan_reads_the_workbook_sheet_by_sheet(tmp_path):
    from mdi_analysis.privacy import scan_report

    clean = tmp_path / "clean.xlsx"
    clean.write_bytes(present.workbook_bytes({"t": pd.DataFrame({"a": ["Tre kommuner", "tid"]})}))
    leaking = tmp_path / "leaking.xlsx"
    leaking.write_bytes(
        present.workbook_bytes({"quotes": pd.DataFrame({"text": ["ring meg på kari.hansen@hol.kommune.no"]})})
    )
    report = scan_report([clean, leaking])
    assert {f.file.name for f in report.findings} == {"leaking.xlsx"}
    assert all(f.kind != "unscanned" for f in report.findings)


def test_a_table_file_without_columns_becomes_an_empty_sheet_not_a_crash(tmp_path):
    from openpyxl import load_workbook

    from mdi_analysis.present._workbook import read_csv_table, write_workbook

    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "empty.csv").write_text("\n", encoding="utf-8")
    (folder / "full.csv").write_text("a,b\n1,x\n", encoding="utf-8")
    assert read_csv_table(folder / "empty.csv").empty
    book = load_workbook(write_workbook(folder, tmp_path / "tables.xlsx"))
    assert book.sheetnames == ["empty", "full"]
    assert book["full"]["A2"].value == 1


def test_two_coders_compared_on_no_codes_still_name_the_columns():
    from mdi_analysis import stats

    empty = pd.DataFrame(index=["U1"])
    table = stats.coder_agreement(empty, empty, pd.DataFrame(columns=["category_id", "category"]))
    assert table.empty and list(table.columns)[:3] == ["category_id", "category", "kappa"]


def test_index_page_shows_supporting_and_opposing_quotes_of_notebook_22s_evidence_table(tmp_path):
    from html import escape

    from mdi_analysis.corpus import load_corpus

    reports = _reports(tmp_path, evidence=False)
    pd.DataFrame(
        {
            "claim_id": ["C095", "C095"],
            "utterance_id": ["U099", "U100"],
            "role": ["tillitsvalgt", "arbeidsgiver"],
            "section_id": ["4.5.1", "4.5.1"],
            "stance": ["supports", "opposes"],
            "matched_words": ["lean", ""],
            "reader_note": ["", "says the opposite"],
        }
    ).to_csv(reports / "tables" / "claims_evidence.csv", index=False)
    page = index_page(reports, info=INFO)
    evidence = page[page.index('id="claim-C095"') : page.index('id="claim-C029"')]
    texts = load_corpus().utterances.set_index("utterance_id")["text"]
    assert escape(texts["U100"]) in evidence and escape(texts["U099"]) in evidence
    assert "(arbeidsgiver · 4.5.1 · opposes)" in evidence
    assert "(tillitsvalgt · 4.5.1 · supports · shared words: lean)" in evidence
    assert "reader: says the opposite" in evidence
