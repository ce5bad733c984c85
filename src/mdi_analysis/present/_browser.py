"""A quote browser: filter the interview quotes and read them with keyword-in-context lines.

Why: keyness tables and category counts say *that* a side uses a word or raises a theme; a
researcher must then read the quotes behind the number before writing anything about it. The
browser answers "show me the union representatives' quotes in 4.1.7 coded *tidspress* that mention
*tid*" in one step, with every hit shown in context, using exactly the matching rule of the coding
engine (:func:`mdi_analysis.coding.kwic`), so what the browser shows is what was counted.

Two layers, so that the logic is tested and the notebook runs headless:

* :func:`filter_quotes` is a pure function from (corpus, coding result, filters) to a table;
  :func:`kwic_for` gives the KWIC lines; both are unit-tested.
* :class:`QuoteBrowser` wraps them. :meth:`QuoteBrowser.render_text` returns plain text with
  every quote whole (used by the widget *and* printed in headless runs, where nbval compares it);
  :meth:`QuoteBrowser.export_csv` / :meth:`~QuoteBrowser.export_xlsx` give the current selection
  as files and :meth:`QuoteBrowser.quote_html` one quote whole with its hits marked;
  :meth:`QuoteBrowser.widget` builds the ipywidgets panel around them (:mod:`._browser_widget`).
  Widgets need no frontend to be built, so papermill and nbval run the notebook unchanged; the
  widget view is only interactive in JupyterLab.

A typed keyword is checked first (:func:`check_keyword`): a malformed pattern (``innov[``) is a
message naming the characters, not "0 quotes".
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from ..coding import CodingResult, kwic
from ..corpus import Corpus, check_research_question, without_reprints
from ..errors import InputDataError, OptionError
from ..options import check_choice
from ._tables import text_view

#: Columns of :func:`filter_quotes` (index: utterance_id).
QUOTE_COLUMNS = ("role", "section_id", "research_question", "duplicate_of", "n_categories", "categories", "text")
#: Label of the "no filter" choice in the widget's drop-downs.
ALL_LABEL = "(alle)"
#: Width of the left context in KWIC lines, in characters (right-aligned so the matches line up).
KWIC_LEFT_WIDTH = 48


# --------------------------------------------------------------------------------------------
# Filtering (pure)
# --------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check(value: Hashable, valid: list, what: str) -> None:
    check_choice(value, valid, what, max_listed=25)


def _category_patterns(result: CodingResult) -> pd.Series:
    """category_id → its patterns joined by ';': a codebook rebuilt from the coding result.

    Why from the result and not from the codebook file: KWIC must use the very patterns the
    matrix was coded with, even if the codebook file has changed since.
    """
    patterns = result.patterns
    joined = patterns.groupby("category_id", sort=False)["pattern"].agg(";".join)
    return joined.reindex([c for c in result.matrix.columns if c in joined.index])


def quote_table(corpus: Corpus, result: CodingResult) -> pd.DataFrame:
    """Every quote with its role, section, research question and coded categories.

    ``categories`` lists the coded category ids (codebook order, ``;``-separated) so a reader sees
    why a quote passes a category filter.

    Parameters
    ----------
    corpus : Corpus
        The loaded corpus.
    result : CodingResult
        The coding of the corpus's quotes (every utterance must be a row of its matrix).

    Returns
    -------
    pandas.DataFrame
        Index ``utterance_id``; the columns of :data:`QUOTE_COLUMNS`.

    Raises
    ------
    ValueError
        When the coding lacks some of the corpus's utterances.
    """
    utterances = corpus.utterances.merge(
        corpus.sections[["section_id", "research_question"]], on="section_id", how="left"
    ).set_index("utterance_id")
    missing = utterances.index.difference(result.matrix.index)
    if len(missing):
        raise ValueError(f"the coding result lacks {len(missing)} utterance(s), e.g. {list(missing[:3])}")
    matrix = result.matrix.loc[utterances.index]
    names = matrix.columns.astype(str).to_numpy()
    utterances["n_categories"] = matrix.sum(axis=1).astype("int64")
    utterances["categories"] = [";".join(names[row.astype(bool)]) for row in matrix.to_numpy()]
    return utterances[list(QUOTE_COLUMNS)]


#: One alternative of a typed keyword: words of letters, digits and hyphens, spaces between the
#: words of a phrase, an optional trailing ``*`` (the codebook's pattern syntax, any case).
KEYWORD_ALTERNATIVE = re.compile(r"^[^\W_]+(?:[-'’][^\W_]+)*(?: [^\W_]+(?:[-'’][^\W_]+)*)*\*?$")
_KEYWORD_HELP = "type words (letters, digits, hyphens), optionally ending in '*', with ';' between alternatives"


def check_keyword(keyword: str) -> str:
    """The keyword, stripped, when every ``;``-separated alternative is a pattern the coder can match.

    Why: a malformed pattern (``innov[``) used to match nothing and show "0 quotes", which reads
    as an answer ("nobody says it") when it is a typing error.

    Parameters
    ----------
    keyword : str
        What the researcher typed.

    Returns
    -------
    str
        The keyword without surrounding white space.

    Raises
    ------
    OptionError
        Naming the keyword, the characters that cannot be matched, and the syntax.
    """
    alternatives = [" ".join(part.split()) for part in keyword.split(";")]
    words = [part for part in alternatives if part]
    if not words or all(set(part) <= {"*"} for part in words):
        raise OptionError(f"keyword {keyword!r} has no word to match; {_KEYWORD_HELP} (e.g. tid; innovasj*)")
    for part in words:
        if not KEYWORD_ALTERNATIVE.match(part):
            bad = sorted({c for c in part if not (c.isalnum() or c in " -'’")} - {"*"} or {"*"})
            shown = " ".join(repr(c) for c in bad)
            raise OptionError(
                f"keyword {keyword!r}: {shown} cannot be matched in {part!r}; {_KEYWORD_HELP} "
                "(e.g. tid; innovasj*; taus kunnskap)"
            )
    return keyword.strip()


def _keyword_kwic(texts: pd.Series, keyword: str, normaliser: str, window: int) -> pd.DataFrame:
    """KWIC for a typed keyword, checked first (:func:`check_keyword`)."""
    keyword = check_keyword(keyword)
    try:
        return kwic(texts, keyword, None, normaliser, window=window)
    except InputDataError:
        raise OptionError(f"keyword {keyword!r} has no word to match; {_KEYWORD_HELP}") from None


def filter_quotes(
    corpus: Corpus,
    coding_result: CodingResult,
    role: str | None = None,
    section: str | None = None,
    research_question: int | None = None,
    category: str | None = None,
    keyword: str | None = None,
    *,
    include_reprints: bool = True,
) -> pd.DataFrame:
    """The quotes that pass every given filter (``None`` or ``""`` = no filter), in corpus order.

    * ``role``: ``arbeidsgiver`` or ``tillitsvalgt`` (any role present in the corpus).
    * ``section``: a section id (``4.1.7``): the section the quote is *printed* in. A re-printed
      statement appears once per printing, each under its own section.
    * ``research_question``: 1–5, the question of the quote's section.
    * ``category``: a codebook category id; the quote is coded with it in ``coding_result``.
    * ``keyword``: a pattern in codebook syntax (``tid``, ``innovasj*``, ``taus kunnskap``,
      alternatives separated by ``;``), matched with the coding engine's rule and the normaliser
      the coding result was made with: ``tid`` finds *tida* and *arbeidstid*, not *tidlig*.
    * ``include_reprints``: False drops re-prints (rows with ``duplicate_of``), as every count of the
      project does (:func:`mdi_analysis.corpus.without_reprints`).

    An unknown role, section, research question or category raises ValueError naming the valid
    values, because a typo would otherwise look like "no quotes".

    Parameters
    ----------
    corpus : Corpus
    coding_result : CodingResult
        The coding the category filter and the keyword's normaliser come from.
    role : str, optional
        A corpus role (``arbeidsgiver``, ``tillitsvalgt``); ``None`` or ``""`` = every role.
    section : str, optional
        A section id such as ``"4.1.7"`` (where the quote is printed).
    research_question : int, optional
        1–5.
    category : str, optional
        A codebook category id the quote must be coded with.
    keyword : str, optional
        A pattern in codebook syntax (``tid``, ``innovasj*``, ``taus kunnskap``; ``;`` between
        alternatives).
    include_reprints : bool
        False leaves re-prints out.

    Returns
    -------
    pandas.DataFrame
        Index ``utterance_id``; the columns of :data:`QUOTE_COLUMNS`, plus ``n_hits`` for a keyword.

    Raises
    ------
    OptionError
        An unknown role, section, research question or category, or a keyword without a word.
    """
    quotes = quote_table(corpus, coding_result)
    keep = pd.Series(True, index=quotes.index)
    if not _blank(role):
        _check(role, sorted(quotes["role"].dropna().unique()), "role")
        keep &= quotes["role"] == role
    if not _blank(section):
        _check(section, list(corpus.sections["section_id"]), "section")
        keep &= quotes["section_id"] == section
    if not _blank(research_question):
        question = check_research_question(corpus, research_question)
        keep &= quotes["research_question"] == question
    if not _blank(category):
        _check(category, list(coding_result.matrix.columns), "category")
        keep &= coding_result.matrix.loc[quotes.index, category].astype(bool)
    if not include_reprints:
        keep &= quotes.index.isin(without_reprints(corpus.utterances)["utterance_id"])
    selected = quotes[keep.fillna(False).astype(bool)]
    if not _blank(keyword):
        hits = _keyword_kwic(selected["text"], keyword, coding_result.normaliser, window=0)
        n_hits = hits.groupby("utterance_id").size()
        selected = selected[selected.index.isin(n_hits.index)].copy()
        selected["n_hits"] = n_hits.reindex(selected.index).astype("int64")
    return selected


def kwic_for(
    quotes: pd.DataFrame,
    coding_result: CodingResult,
    category: str | None = None,
    keyword: str | None = None,
    window: int = 6,
) -> pd.DataFrame:
    """KWIC lines within ``quotes`` (a :func:`filter_quotes` table) for the keyword, else the category.

    The keyword wins because it is the more specific question; with neither, the table is empty.

    Parameters
    ----------
    quotes : pandas.DataFrame
        A :func:`filter_quotes` table (its ``text`` column is searched).
    coding_result : CodingResult
        Gives the category's patterns and the normaliser.
    category : str, optional
        A category id whose patterns are shown in context.
    keyword : str, optional
        A pattern in codebook syntax; wins over ``category``.
    window : int
        Words shown either side of the match.

    Returns
    -------
    pandas.DataFrame
        Columns ``utterance_id``, ``left``, ``match``, ``right``, ``pattern``, ``token_position``.
    """
    empty = pd.DataFrame(columns=["utterance_id", "left", "match", "right", "pattern", "token_position"])
    if not _blank(keyword):
        return _keyword_kwic(quotes["text"], keyword, coding_result.normaliser, window=window)
    if not _blank(category):
        codebook = _category_patterns(coding_result)
        if category not in codebook.index:
            return empty
        return kwic(quotes["text"], category, codebook, coding_result.normaliser, window=window)
    return empty


# --------------------------------------------------------------------------------------------
# Plain-text rendering and the widget
# --------------------------------------------------------------------------------------------


def _kwic_line(row: pd.Series, width: int) -> str:
    left = row["left"]
    if len(left) > width:
        left = "…" + left[-(width - 1) :]
    return f"{row['utterance_id']}  {left:>{width}} [{row['match']}] {row['right']}"


class QuoteBrowser:
    """Filter quotes by role, section, research question, category and keyword; show them in context.

    Parameters
    ----------
    corpus : Corpus
        The loaded corpus.
    coding_result : CodingResult
        Its coding (the category filter and the keyword's normaliser come from it).
    labels : mapping or pandas.Series, optional
        Category id → name (e.g. ``Codebook.labels()``), so the category choices are readable.
    window : int
        Words either side of a KWIC match.
    max_rows : int, optional
        At most this many quotes and KWIC lines printed (``None`` = all).
    text_width : int, optional
        Characters of each quote shown in the text table; None (the default) shows every quote whole.
    """

    def __init__(
        self,
        corpus: Corpus,
        coding_result: CodingResult,
        *,
        labels: Mapping[str, str] | pd.Series | None = None,
        window: int = 6,
        max_rows: int | None = None,
        text_width: int | None = None,
    ) -> None:
        self.corpus = corpus
        self.coding_result = coding_result
        self.labels = dict(labels.items()) if labels is not None else {}
        self.window = window
        self.max_rows = max_rows
        self.text_width = text_width

    # -- the pure parts -----------------------------------------------------------------------

    def filter(self, **filters: Any) -> pd.DataFrame:
        """:func:`filter_quotes` on this browser's corpus and coding."""
        return filter_quotes(self.corpus, self.coding_result, **filters)

    def _describe(self, role, section, research_question, category, keyword) -> str:
        def shown(value: Any) -> str:
            return "alle" if _blank(value) else str(value)

        category_text = shown(category)
        if not _blank(category) and category in self.labels:
            category_text += f" ({self.labels[category]})"
        keyword_text = "–" if _blank(keyword) else repr(keyword.strip())
        return (
            f"Filter: role={shown(role)} · section={shown(section)} · research question={shown(research_question)}"
            f" · category={category_text} · keyword={keyword_text} · normaliser={self.coding_result.normaliser}"
        )

    def render_text(
        self,
        role: str | None = None,
        section: str | None = None,
        research_question: int | None = None,
        category: str | None = None,
        keyword: str | None = None,
    ) -> str:
        """The filtered quotes and their KWIC lines as deterministic plain text.

        Used by the widget's output area and printed in headless runs (papermill, nbval), so the
        interactive and the checked view can never disagree.

        Parameters
        ----------
        role : str, optional
            A corpus role (``arbeidsgiver``, ``tillitsvalgt``); ``None`` or ``""`` = every role.
        section : str, optional
            A section id such as ``"4.1.7"`` (where the quote is printed).
        research_question : int, optional
            1–5.
        category : str, optional
            A codebook category id the quote must be coded with.
        keyword : str, optional
            A pattern in codebook syntax (``tid``, ``innovasj*``, ``taus kunnskap``; ``;`` between
            alternatives).

        Returns
        -------
        str
            The filter line, the count by role, the quotes and their KWIC lines.
        """
        filters = dict(
            role=role, section=section, research_question=research_question, category=category, keyword=keyword
        )
        quotes = self.filter(**filters)
        lines = [self._describe(**filters)]
        counts = quotes["role"].value_counts().sort_index()
        by_role = ", ".join(f"{n} {r}" for r, n in counts.items())
        reprints = int(quotes["duplicate_of"].notna().sum())
        lines.append(f"{len(quotes)} quotes" + (f" ({by_role})" if by_role else "") + f"; {reprints} re-print(s)")
        if quotes.empty:
            return "\n".join(lines)
        shown = quotes.drop(columns=["categories"])
        limit = self.max_rows if self.max_rows is not None else len(shown)
        lines.append(text_view(shown.head(limit), max_colwidth=self.text_width))
        if len(shown) > limit:
            lines.append(f"… {len(shown) - limit} more quote(s)")
        hits = kwic_for(quotes, self.coding_result, category, keyword, self.window)
        if not hits.empty:
            what = f"keyword {keyword.strip()!r}" if not _blank(keyword) else f"category {category}"
            lines.append("")
            lines.append(f"Keyword in context: {what}, {len(hits)} hit(s), ±{self.window} tokens")
            hit_limit = self.max_rows if self.max_rows is not None else len(hits)
            lines += [_kwic_line(row, KWIC_LEFT_WIDTH) for _, row in hits.head(hit_limit).iterrows()]
            if len(hits) > hit_limit:
                lines.append(f"… {len(hits) - hit_limit} more hit(s)")
        return "\n".join(lines)

    # -- options for the controls ---------------------------------------------------------------

    def options(self) -> dict[str, list[tuple[str, Any]]]:
        """(label, value) choices per control; the value ``""`` means "no filter"."""
        sections = self.corpus.sections
        questions = self.corpus.research_questions
        question_text = (
            dict(zip(questions["research_question"].astype(int), questions["text"])) if len(questions) else {}
        )
        matrix = self.coding_result.matrix
        coded = matrix.sum()

        def clip(text: str, width: int = 60) -> str:
            text = " ".join(str(text).split())
            return text if len(text) <= width else text[: width - 1] + "…"

        roles = sorted(self.corpus.utterances["role"].dropna().unique())
        rqs = sorted(int(q) for q in sections["research_question"].dropna().unique())
        return {
            "role": [(ALL_LABEL, "")] + [(r, r) for r in roles],
            "section": [(ALL_LABEL, "")]
            + [(clip(f"{s} – {t}"), s) for s, t in zip(sections["section_id"], sections["title"])],
            "research_question": [(ALL_LABEL, "")]
            + [(clip(f"{q} – {question_text.get(q, '')}".rstrip(" –")), str(q)) for q in rqs],
            "category": [(ALL_LABEL, "")]
            + [
                (clip(f"{c} – {self.labels.get(c, '')} ({int(coded[c])})".replace(" –  (", " (")), c)
                for c in matrix.columns
                if coded[c] > 0
            ],
        }

    # -- export and the whole quote ---------------------------------------------------------------

    def selection(self, **filters: Any) -> pd.DataFrame:
        """The filtered quotes as exported: ``utterance_id`` first, every quote whole."""
        return self.filter(**filters).reset_index()

    def export_csv(self, **filters: Any) -> bytes:
        """The current selection as CSV: exact UTF-8 data, comma-separated, like ``reports/tables``."""
        return self.selection(**filters).to_csv(index=False, lineterminator="\n").encode("utf-8")

    def export_xlsx(self, **filters: Any) -> bytes:
        """The current selection as a workbook: sheet ``quotes`` and, with a keyword or category, ``kwic``."""
        from ._workbook import workbook_bytes

        quotes = self.filter(**filters)
        sheets = {"quotes": quotes.reset_index()}
        hits = kwic_for(quotes, self.coding_result, filters.get("category"), filters.get("keyword"), self.window)
        if not hits.empty:
            sheets["kwic"] = hits
        return workbook_bytes(sheets)

    def quote_html(self, utterance_id: str, category: str | None = None, keyword: str | None = None) -> str:
        """One quote whole, as HTML, with its role, section and categories, and its hits marked.

        The hits are those of :func:`kwic_for` (the keyword, else the category), so what is marked
        is what the coder matched.
        """
        from html import escape

        quotes = quote_table(self.corpus, self.coding_result)
        row = quotes.loc[utterance_id]
        text = escape(str(row["text"]))
        hits = kwic_for(quotes.loc[[utterance_id]], self.coding_result, category, keyword, 0)
        for match in sorted(set(hits["match"]), key=len, reverse=True):
            text = re.sub(rf"(?<![\w>])({re.escape(escape(match))})(?!\w)", r"<mark>\1</mark>", text)
        reprint = f" · re-print of {escape(str(row['duplicate_of']))}" if pd.notna(row["duplicate_of"]) else ""
        categories = escape(str(row["categories"]).replace(";", "; ")) or "–"
        return (
            f'<div class="mdi-quote"><p><b>{escape(utterance_id)}</b> · {escape(str(row["role"]))} · section '
            f"{escape(str(row['section_id']))} · research question {escape(str(row['research_question']))}{reprint}</p>"
            f'<blockquote style="white-space: pre-wrap">{text}</blockquote>'
            f"<p><small>categories: {categories}</small></p></div>"
        )

    def widget(
        self,
        role: str | None = None,
        section: str | None = None,
        research_question: int | None = None,
        category: str | None = None,
        keyword: str | None = None,
    ):
        """An ipywidgets panel starting at the given filters (:func:`._browser_widget.browser_panel`).

        Parameters
        ----------
        role, section, research_question, category, keyword
            As in :meth:`render_text`.

        Returns
        -------
        ipywidgets.VBox
            The panel; display it (the last expression of a cell).
        """
        from ._browser_widget import browser_panel

        return browser_panel(
            self, role=role, section=section, research_question=research_question, category=category, keyword=keyword
        )


__all__ = ["ALL_LABEL", "QUOTE_COLUMNS", "QuoteBrowser", "check_keyword", "filter_quotes", "kwic_for", "quote_table"]
