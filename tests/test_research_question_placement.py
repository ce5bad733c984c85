"""A corpus without research questions: one line that says what is missing, never "valid:" and nothing.

A new user ran notebook 11 on a project imported from another QDA program and got "unknown
research_question 1; valid:" with an empty list. Two kinds of corpus meet the research-question
filters of notebooks 02, 07, 11–15: one whose sections carry no research question at all
(transcripts imported with ``--no-guide-sections``, a real NVivo project) must stop with one line
naming the folder, the missing column and what works instead; one whose sections are placed but
whose questions are not worded (``import-qdpx`` of a ``qc`` export drops code descriptions, so no
``research_questions.csv``) must run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mdi_analysis import audit, coding, corpus, io, paths, pipeline, present, validation
from mdi_analysis.__main__ import main
from mdi_analysis.errors import InputDataError, OptionError
from mdi_analysis.options import check_choice

UTTERANCES = (
    "utterance_id,role,text,section_id\n"
    "T001,arbeidsgiver,Vi har prøvd ut BLT-metoden i hele kommunen,s1\n"
    "T002,unknown,Det tar tid og vi har lite tid,s2\n"
)


def _corpus_folder(tmp_path: Path, sections: str) -> Path:
    folder = tmp_path / "imported"
    folder.mkdir()
    (folder / "utterances.csv").write_text(UTTERANCES, encoding="utf-8")
    (folder / "sections.csv").write_text(sections, encoding="utf-8")
    return folder


@pytest.fixture()
def unplaced(tmp_path: Path) -> Path:
    """Sections without a research question (the column empty), no research_questions.csv."""
    return _corpus_folder(tmp_path, "section_id,research_question,title\ns1,,Tema én\ns2,,Tema to\n")


@pytest.fixture()
def placed_unworded(tmp_path: Path) -> Path:
    """Sections placed under questions 1 and 3, whose wording the corpus does not have."""
    return _corpus_folder(tmp_path, "section_id,research_question,title\ns1,1,Tema én\ns2,3,Tema to\n")


def _assert_says_what_is_missing(message: str, folder: Path) -> None:
    assert "\n" not in message and "valid:" not in message, message
    assert str(folder) in message and "sections.csv" in message and "column research_question" in message
    assert "notebooks 02" in message and "08" in message, "what works without a placement"


def test_an_empty_choice_never_lists_an_empty_set_of_valid_values():
    with pytest.raises(OptionError) as error:
        check_choice(1, [], "research_question")
    assert str(error.value) == "research_question 1: there is no valid research_question here"
    with pytest.raises(OptionError) as error:
        check_choice("x", (), "section", none_because="the corpus has no sections")
    assert str(error.value) == "section 'x': the corpus has no sections"
    with pytest.raises(OptionError, match=r"^unknown section 'x'; valid: 'a', 'b'$"):
        check_choice("x", ["a", "b"], "section", none_because="unused when there are values")


def test_every_research_question_filter_says_the_corpus_has_no_placement(unplaced: Path):
    loaded = corpus.load_corpus(unplaced)
    assert corpus.research_question_numbers(loaded) == []
    coded = coding.code_corpus(loaded, io.load_codebook())
    calls = [
        lambda: corpus.check_research_question(loaded, 1),
        lambda: corpus.filter_utterances(loaded, "all", 1),  # notebooks 02 and 11–15
        lambda: audit.research_question_text(loaded, 2),  # the heading of notebooks 11–15
        lambda: present.filter_quotes(loaded, coded, research_question="1"),  # notebook 07
    ]
    for call in calls:
        with pytest.raises(OptionError) as error:
            call()
        _assert_says_what_is_missing(str(error.value), unplaced)


def test_validation_of_an_unplaced_corpus_names_the_row_of_sections_csv(unplaced: Path):
    """Notebook 04 scores placement by research question: it stopped with a bare ValueError (exit 1)."""
    with pytest.raises(InputDataError) as error:
        validation.validation_data(corpus.load_corpus(unplaced))
    message = str(error.value)
    assert message.startswith(f"{unplaced / 'sections.csv'}, row 1 (line 2), column 'research_question': ")
    assert "section 's1' has no research question (2 of 2 sections lack one)" in message
    assert "\n" not in message and "notebooks 02" in message


def test_a_placed_corpus_without_wording_runs_and_says_the_wording_is_missing(placed_unworded: Path):
    loaded = corpus.load_corpus(placed_unworded)
    assert corpus.research_question_numbers(loaded) == [1, 3]
    assert list(corpus.filter_utterances(loaded, "all", 3)["utterance_id"]) == ["T002"]
    text = audit.research_question_text(loaded, 3)
    assert text.startswith("(not worded in this corpus") and str(placed_unworded) in text
    with pytest.raises(OptionError, match=r"^unknown research_question 2; valid: 1, 3$"):
        audit.research_question_text(loaded, 2)


def test_counts_keep_quotes_of_other_roles_so_the_sum_counts_every_quote(placed_unworded: Path):
    """An import without roles gives every quote the role ``unknown``; the tables showed 0 quotes."""
    loaded = corpus.load_corpus(placed_unworded)
    table = audit.subsection_counts(loaded, corpus.filter_utterances(loaded))
    assert list(table.columns) == ["title", "arbeidsgiver", "tillitsvalgt", "unknown", "Sum"]
    assert table.loc["Sum", "Sum"] == 2 and table.loc["s2", "unknown"] == 1


@pytest.mark.parametrize("notebook, question", [("11", 1), ("14", 4)])  # the template and a parameter set
def test_run_of_a_results_notebook_on_an_unplaced_corpus_is_one_line_and_writes_nothing(
    notebook: str, question: int, unplaced: Path, tmp_path: Path, capsys
):
    out = tmp_path / "run"
    assert main(["run", notebook, "-p", "corpus_dir", str(unplaced), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    assert lines[0].startswith("run: ") and f"stopped: research_question {question}: the corpus" in lines[0]
    _assert_says_what_is_missing(lines[0], unplaced)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["imported"], "no output folder"


def test_a_role_no_quote_has_is_one_line_and_an_empty_question_is_an_empty_table(placed_unworded: Path):
    """Notebook 02 with role 'tillitsvalgt' on a corpus without it, or a question without quotes,
    failed with ``TypeError: float() argument must be … 'NAType'`` in the length table."""
    loaded = corpus.load_corpus(placed_unworded)
    with pytest.raises(OptionError) as error:
        corpus.filter_utterances(loaded, "tillitsvalgt")
    message = str(error.value)
    assert message.startswith("role 'tillitsvalgt': no quote of the corpus") and str(placed_unworded) in message
    assert "column role: 1 'arbeidsgiver', 1 'unknown'" in message and "--role-from" in message
    assert len(corpus.filter_utterances(loaded, "arbeidsgiver")) == 1
    lengths = corpus.length_summary(corpus.filter_utterances(loaded, "arbeidsgiver", 3))
    assert list(lengths.index) == ["Sum"] and lengths.loc["Sum", "quotes"] == 0 and lengths.loc["Sum", "words"] == 0
    assert pd.isna(lengths.loc["Sum", "mean"]) and pd.isna(lengths.loc["Sum", "min"])


def test_the_quote_browser_takes_none_for_its_category_and_keyword_filters():
    """Notebook 07 says "None: all" for ``category`` and "None: none" for ``keyword``, but its
    defaults are strings, so ``run 07 -p category null`` was refused as "expects a str"."""
    notebook = paths.notebooks_dir() / "07_browse-quotes.ipynb"
    pipeline.check_parameters(notebook, {"category": None, "keyword": None, "research_question": 1})
    pipeline.check_parameters(notebook, {"category": "tema.kultur", "keyword": "tid"})
    with pytest.raises(OptionError, match=r"-p category 3: 07_browse-quotes.ipynb expects a str or null"):
        pipeline.check_parameters(notebook, {"category": 3})


def test_guide_based_placement_on_a_corpus_without_a_guide_names_the_missing_guide(placed_unworded: Path):
    """Notebook 04 on an import-qdpx corpus blamed data/codebook/guide_expansion.csv ("unknown
    question 'Q03'") for the interview guide the corpus does not have."""
    loaded = corpus.load_corpus(placed_unworded)
    with pytest.raises(InputDataError) as error:
        validation.load_guide_expansion(guide=loaded.interview_guide)
    message = str(error.value)
    assert message.startswith(f"{placed_unworded / 'interview_guide.csv'}: the corpus has no interview guide")
    assert "guide_expansion" not in message and "notebooks 02 and 08" in message
    assert len(validation.load_guide_expansion(guide=corpus.load_corpus().interview_guide)) > 0


def test_top_categories_of_a_role_without_quotes_is_an_empty_table(placed_unworded: Path):
    """Notebook 03 with a role the corpus lacks stopped with ``KeyError: "None of ['section_id']"``."""
    coded = coding.code_corpus(corpus.load_corpus(placed_unworded), io.load_codebook())
    top = coding.top_categories(coded, "section_id", 3, role="tillitsvalgt")
    assert top.empty and list(top.columns) == ["quotes"] and top.index.name == "section_id"
    assert list(coding.top_categories(coded, "section_id", 3, role="arbeidsgiver").index) == ["s1"]
