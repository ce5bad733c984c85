"""A quote browser: filter the interview quotes and read them with keyword-in-context lines.

Why: keyness tables and category counts say *that* a side uses a word or raises a theme; a
researcher must then read the quotes behind the number before writing anything about it. The
browser answers "show me the union representatives' quotes in 4.1.7 coded *tidspress* that mention
*tid*" in one step, with every hit shown in context, using exactly the matching rule of the coding
engine (:func:`mdi_analysis.coding.kwic`), so what the browser shows is what was counted.

Two layers, so that the logic is tested and the notebook runs headless:

* :func:`filter_quotes` is a pure function from (corpus, coding result, filters) to a table;
  :func:`kwic_for` gives the KWIC lines; both are unit-tested.
* :class:`QuoteBrowser` wraps them. :meth:`QuoteBrowser.render_text` returns plain text (used by
  the widget *and* printed in headless runs, where nbval compares it); :meth:`QuoteBrowser.widget`
  builds the ipywidgets controls around the same function. Widgets need no frontend to be built,
  so papermill and nbval run the notebook unchanged; the widget view is only interactive in
  JupyterLab.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from ..coding import CodingResult, kwic
from ..corpus import Corpus, without_reprints
from ..errors import InputDataError
from ..options import check_choice, check_int
from ._report import as_text

#: Columns of :func:`filter_quotes` (index: utterance_id).
QUOTE_COLUMNS = ("role", "section_id", "research_question", "duplicate_of", "n_categories", "categories", "text")
#: Label of the "no filter" choice in the widget's drop-downs.
ALL_LABEL = "(alle)"
#: Width of the left context in KWIC lines, in characters (right-aligned so the matches line up).
KWIC_LEFT_WIDTH = 48

_browser_ids = itertools.count()


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


def _keyword_kwic(texts: pd.Series, keyword: str, normaliser: str, window: int) -> pd.DataFrame:
    """KWIC for a typed keyword; a keyword without any word gets a message about the keyword."""
    try:
        return kwic(texts, keyword.strip(), None, normaliser, window=window)
    except InputDataError:
        raise ValueError(
            f"keyword {keyword!r} has no word to match; type words, optionally ending in '*', separated by ';'"
        ) from None


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
        valid = sorted(int(q) for q in corpus.sections["research_question"].dropna().unique())
        question = research_question
        if isinstance(question, str) and question.strip().isdigit():
            question = int(question)  # a widget or a command line gives text
        question = check_int(question, "research_question", what="a number")
        _check(question, valid, "research question")
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
    text_width : int
        Characters of each quote shown in the text table.
    """

    def __init__(
        self,
        corpus: Corpus,
        coding_result: CodingResult,
        *,
        labels: Mapping[str, str] | pd.Series | None = None,
        window: int = 6,
        max_rows: int | None = None,
        text_width: int = 70,
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
        lines.append(as_text(shown.head(limit), max_colwidth=self.text_width))
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

    def widget(
        self,
        role: str | None = None,
        section: str | None = None,
        research_question: int | None = None,
        category: str | None = None,
        keyword: str | None = None,
    ):
        """An ipywidgets panel (drop-downs, keyword box, output area) starting at the given filters.

        The output area shows :meth:`render_text`; an invalid keyword shows its error message
        instead of raising. Why the output is written into the Output widget's ``outputs`` rather
        than captured with ``with output:``: capturing routes messages through the frontend, which
        does not exist under papermill; setting the state works with and without one. The panel's
        model id is fixed per kernel (``mdi-quote-browser-0``, ``-1``, …), so the committed
        notebook does not change from run to run.

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
        ipywidgets.VBox
            The panel; display it (the last expression of a cell).
        """
        import ipywidgets as widgets

        choices = self.options()
        start = dict(role=role, section=section, research_question=research_question, category=category)
        layout = {"width": "32em"}
        style = {"description_width": "10em"}
        controls: dict[str, Any] = {}
        descriptions = {
            "role": "Rolle",
            "section": "Seksjon",
            "research_question": "Forskningsspørsmål",
            "category": "Kategori",
        }
        for name, options in choices.items():
            value = "" if _blank(start[name]) else str(start[name])
            values = [v for _, v in options]
            if value not in values:  # a default outside the choices (e.g. an uncoded category)
                options = options + [(value, value)]
            controls[name] = widgets.Dropdown(
                options=options, value=value, description=descriptions[name], layout=layout, style=style
            )
        controls["keyword"] = widgets.Text(
            value="" if _blank(keyword) else keyword,
            description="Nøkkelord",
            placeholder="tid; innovasj*; taus kunnskap",
            continuous_update=False,
            layout=layout,
            style=style,
        )
        output = widgets.Output(layout={"border": "1px solid #ddd", "max_height": "40em", "overflow": "auto"})

        def refresh(_change: Any = None) -> None:
            values = {name: control.value for name, control in controls.items()}  # "" = no filter
            try:
                text = self.render_text(**values)
            except ValueError as error:
                text = f"{error}"
            output.outputs = ()
            output.append_stdout(text + "\n")

        for control in controls.values():
            control.observe(refresh, names="value")
        refresh()

        class QuoteBrowserPanel(widgets.VBox):
            # The text a static rendering (HTML report, a notebook viewer) shows instead of the panel.
            def __repr__(self) -> str:
                return "Quote browser: interactive in JupyterLab (the text view above shows the same filters)"

        return QuoteBrowserPanel(
            [
                widgets.HBox([controls["role"], controls["research_question"]]),
                widgets.HBox([controls["section"], controls["category"]]),
                controls["keyword"],
                output,
            ],
            model_id=f"mdi-quote-browser-{next(_browser_ids)}",
        )


__all__ = ["ALL_LABEL", "QUOTE_COLUMNS", "QuoteBrowser", "filter_quotes", "kwic_for", "quote_table"]
