"""The quote browser: the pure filter on the committed corpus, KWIC, text rendering and the widget."""

from __future__ import annotations

import pandas as pd
import pytest

from mdi_analysis import stats, topics
from mdi_analysis.coding import code_texts
from mdi_analysis.corpus import load_corpus, without_reprints
from mdi_analysis.present import _browser as browser

#: A small codebook of the test's own, so the expected counts do not move when data/codebook changes.
CODEBOOK = pd.Series(
    {
        "t.tid": "tid",
        "t.politikk": "politiker;politisk",
        "t.ubrukt": "kvantedatamaskin",
    }
)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def coding(corpus):
    return code_texts(corpus.utterances.set_index("utterance_id")["text"], CODEBOOK)


def test_no_filter_returns_every_quote_in_corpus_order(corpus, coding):
    quotes = browser.filter_quotes(corpus, coding)
    assert len(quotes) == 121
    assert quotes.index.tolist() == corpus.utterances["utterance_id"].tolist()
    assert tuple(quotes.columns) == browser.QUOTE_COLUMNS


def test_role_and_section_counts_match_the_corpus_description(corpus, coding):
    assert len(browser.filter_quotes(corpus, coding, role="tillitsvalgt", section="4.1.7")) == 5
    assert len(browser.filter_quotes(corpus, coding, role="arbeidsgiver", section="4.1.7")) == 3
    assert len(browser.filter_quotes(corpus, coding, role="arbeidsgiver")) == 64
    assert len(browser.filter_quotes(corpus, coding, role="tillitsvalgt")) == 57
    assert len(browser.filter_quotes(corpus, coding, role="arbeidsgiver", include_reprints=False)) == 58


def test_reprints_are_left_out_as_in_every_count(corpus, coding):
    """The browser, keyness and the topic models leave out the same quotes: corpus.without_reprints."""
    counted = without_reprints(corpus.utterances)["utterance_id"].tolist()
    assert browser.filter_quotes(corpus, coding, include_reprints=False).index.tolist() == counted
    assert sorted(topics.prepare_corpus(corpus).documents.index) == sorted(counted)
    by_role = stats.role_category_keyness(corpus, coding.matrix, min_count=1).attrs
    assert by_role["target_total"] + by_role["reference_total"] == len(counted)


def test_research_question_filter(corpus, coding):
    assert len(browser.filter_quotes(corpus, coding, research_question=2)) == 6  # 4.2.1: 4 + 2
    assert len(browser.filter_quotes(corpus, coding, research_question=1)) == 65  # 4.1.1-4.1.9
    rq4 = browser.filter_quotes(corpus, coding, research_question="4", role="tillitsvalgt")
    assert len(rq4) == 3 and set(rq4["section_id"]) == {"4.4.1"}


def test_category_filter_uses_the_coding_matrix(corpus, coding):
    quotes = browser.filter_quotes(corpus, coding, category="t.politikk")
    assert len(quotes) == int(coding.matrix["t.politikk"].sum()) > 0
    assert all("t.politikk" in c.split(";") for c in quotes["categories"])
    assert browser.filter_quotes(corpus, coding, category="t.ubrukt").empty


def test_keyword_filter_uses_the_coding_rule_not_substrings(corpus, coding):
    quotes = browser.filter_quotes(corpus, coding, keyword="tid")
    assert quotes.index.tolist() == coding.matrix.index[coding.matrix["t.tid"] == 1].tolist()
    assert len(quotes) == 29
    assert (quotes["n_hits"] >= 1).all()
    # quotes that contain 'tidlig' but no word with the component 'tid' are not hits
    texts = corpus.utterances.set_index("utterance_id")["text"]
    tidlig = texts[texts.str.contains("tidlig", case=False)].index
    assert len(tidlig) > 0
    assert set(tidlig) - set(quotes.index)
    blank = browser.filter_quotes(corpus, coding, keyword="  ")
    assert len(blank) == 121 and "n_hits" not in blank.columns


def test_filters_combine(corpus, coding):
    quotes = browser.filter_quotes(corpus, coding, role="tillitsvalgt", research_question=1, keyword="tid")
    assert len(quotes) > 0
    assert set(quotes["role"]) == {"tillitsvalgt"}
    assert set(quotes["research_question"]) == {1}


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"role": "politiker"}, "unknown role 'politiker'"),
        ({"section": "4.9.9"}, "unknown section '4.9.9'"),
        ({"research_question": 9}, "unknown research_question 9"),
        ({"research_question": "to"}, "must be a number"),
        ({"category": "tema.finnes_ikke"}, "unknown category"),
        ({"keyword": "(…)"}, "cannot be matched"),
    ],
)
def test_unknown_filter_values_fail_with_the_valid_choices(corpus, coding, filters, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        browser.filter_quotes(corpus, coding, **filters)


def test_kwic_prefers_the_keyword_and_shows_surface_forms(corpus, coding):
    quotes = browser.filter_quotes(corpus, coding, role="tillitsvalgt", section="4.1.7")
    lines = browser.kwic_for(quotes, coding, category="t.politikk", keyword="politiker")
    assert set(lines["pattern"]) == {"politiker"}
    assert set(lines["utterance_id"]) <= set(quotes.index)
    by_category = browser.kwic_for(quotes, coding, category="t.politikk")
    assert set(by_category["pattern"]) <= {"politiker", "politisk"} and len(by_category) >= len(lines)
    assert browser.kwic_for(quotes, coding).empty


def test_render_text_is_deterministic_and_lists_quotes_and_hits(corpus, coding):
    view = browser.QuoteBrowser(corpus, coding, labels={"t.tid": "Tid"})
    text = view.render_text(role="tillitsvalgt", section="4.1.3", category="t.tid", keyword="tid")
    assert text == view.render_text(role="tillitsvalgt", section="4.1.3", category="t.tid", keyword="tid")
    lines = text.splitlines()
    assert lines[0].startswith("Filter: role=tillitsvalgt · section=4.1.3")
    assert "category=t.tid (Tid)" in lines[0]
    assert lines[1].startswith(
        f"{len(browser.filter_quotes(corpus, coding, role='tillitsvalgt', section='4.1.3', keyword='tid'))} quotes"
    )
    assert any(line.startswith("Keyword in context: keyword 'tid'") for line in lines)
    assert any("[tid" in line.lower() for line in lines)
    empty = view.render_text(category="t.ubrukt")
    assert empty.splitlines()[1].startswith("0 quotes")


def test_max_rows_limits_quotes_and_hits(corpus, coding):
    text = browser.QuoteBrowser(corpus, coding, max_rows=2).render_text(keyword="tid")
    assert "… 27 more quote(s)" in text
    assert "more hit(s)" in text


def test_widget_builds_without_a_frontend_and_follows_its_controls(corpus, coding):
    pytest.importorskip("ipywidgets")
    view = browser.QuoteBrowser(corpus, coding)
    panel = view.widget(role="tillitsvalgt", section="4.1.7")
    assert panel.model_id.startswith("mdi-quote-browser-")
    output = panel.output
    assert output.outputs[0]["text"] == view.render_text(role="tillitsvalgt", section="4.1.7") + "\n"
    panel.controls["role"].value = "arbeidsgiver"
    assert output.outputs[0]["text"].splitlines()[1].startswith("3 quotes")
    assert "Download the 3 selected quote(s)" in panel.downloads.value
    panel.controls["keyword"].value = "(…)"
    assert "cannot be matched" in output.outputs[0]["text"]
    assert len(output.outputs) == 1
    assert panel.quote_picker.options == ()


def test_a_malformed_keyword_is_a_message_not_zero_quotes(corpus, coding):
    with pytest.raises(ValueError, match=r"keyword 'innov\[': '\[' cannot be matched in 'innov\['; type words"):
        browser.filter_quotes(corpus, coding, keyword="innov[")
    with pytest.raises(ValueError, match="has no word to match"):
        browser.filter_quotes(corpus, coding, keyword=" ; * ")
    for fine in ("tid", "Innovasj*", "tid;", "taus kunnskap", "ad-hoc", "tid; politisk*"):
        assert browser.check_keyword(fine) == fine.strip()
    pytest.importorskip("ipywidgets")
    panel = browser.QuoteBrowser(corpus, coding).widget(keyword="innov[")
    assert panel.output.outputs[0]["text"].startswith("⚠ keyword 'innov['")
    assert "0 quotes" not in panel.output.outputs[0]["text"]


def test_choosing_a_quote_shows_it_whole_with_its_hits_marked(corpus, coding):
    pytest.importorskip("ipywidgets")
    panel = browser.QuoteBrowser(corpus, coding).widget(keyword="tid", role="tillitsvalgt")
    first = panel.quote_picker.options[0][1]
    panel.quote_picker.value = first
    whole = corpus.utterances.set_index("utterance_id").loc[first, "text"]
    from html import escape

    shown = panel.quote_view.value.replace("<mark>", "").replace("</mark>", "")
    assert escape(whole) in shown
    assert "<mark>" in panel.quote_view.value


def test_the_selection_exports_as_csv_and_xlsx_with_whole_quotes(corpus, coding):
    import io

    from openpyxl import load_workbook

    view = browser.QuoteBrowser(corpus, coding)
    selected = view.filter(role="tillitsvalgt", keyword="tid")
    exported = pd.read_csv(io.BytesIO(view.export_csv(role="tillitsvalgt", keyword="tid")), encoding="utf-8")
    assert exported["utterance_id"].tolist() == selected.index.tolist()
    assert exported["text"].tolist() == selected["text"].tolist()  # whole, never clipped
    book = load_workbook(io.BytesIO(view.export_xlsx(role="tillitsvalgt", keyword="tid")))
    assert book.sheetnames == ["quotes", "kwic"]
    assert book["quotes"].max_row == len(selected) + 1


def test_the_text_view_shows_every_quote_whole(corpus, coding):
    text = browser.QuoteBrowser(corpus, coding).render_text(section="4.1.7")
    for quote in browser.filter_quotes(corpus, coding, section="4.1.7")["text"]:
        assert " ".join(quote.split()) in text


def test_options_offer_all_and_only_coded_categories(corpus, coding):
    options = browser.QuoteBrowser(corpus, coding).options()
    assert options["role"][0] == (browser.ALL_LABEL, "")
    assert [v for _, v in options["role"][1:]] == ["arbeidsgiver", "tillitsvalgt"]
    assert len(options["section"]) == 1 + 18
    assert [v for _, v in options["research_question"][1:]] == ["1", "2", "3", "4", "5"]
    categories = [v for _, v in options["category"][1:]]
    assert "t.tid" in categories and "t.ubrukt" not in categories


def test_widget_shows_an_invalid_default_as_a_message_instead_of_failing(corpus, coding):
    pytest.importorskip("ipywidgets")
    panel = browser.QuoteBrowser(corpus, coding).widget(research_question="sju", section="4.1.7")
    assert "research_question must be a number" in panel.output.outputs[0]["text"]
    assert repr(panel).startswith("Quote browser: interactive in JupyterLab")
