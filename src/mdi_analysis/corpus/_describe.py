"""Descriptive tables of the interview corpus: who is quoted where, how long, what is re-printed.

Counts are of *printed quotes*, the unit the thesis itself counts in («Ovennevnte fem uttalelser …»);
a quote the author re-printed under a second question is counted in both places, as printed, and
:func:`reprint_table` lists those cases so a reader can discount them.
"""

from __future__ import annotations

import pandas as pd

from ..errors import OptionError
from ..options import check_choice, check_int
from ._model import ROLES
from ._schema import Corpus

ROLE_COLUMNS = list(ROLES)
"""The roles as table columns, in the corpus's order, so tables by role line up across modules."""
TOTAL = "Sum"


def without_reprints(utterances: pd.DataFrame) -> pd.DataFrame:
    """The utterances without re-prints (rows whose ``duplicate_of`` is set), index reset.

    Why: the thesis prints eight statements twice, under different questions (``duplicate_of``
    points at the first printing). Counting both would count one respondent's words twice and
    inflate exactly the words of the re-printed passages; all eight re-prints in the thesis corpus
    are of employer quotes but two, so keeping them would bias any comparison towards the
    employers' re-printed wording. The first printing stays. Every frequency count (keyness, topic
    models, the quote browser's counts) leaves re-prints out through this one function.

    Parameters
    ----------
    utterances : pandas.DataFrame
        Rows of ``corpus.utterances`` (or a subset); without a ``duplicate_of`` column all are kept.

    Returns
    -------
    pandas.DataFrame
        The rows that are first printings, same columns, index 0…n-1.
    """
    if "duplicate_of" in utterances.columns:
        utterances = utterances[utterances["duplicate_of"].isna()]
    return utterances.reset_index(drop=True)


def check_role(role: str) -> None:
    """A role filter is ``"all"`` or one of the corpus roles; anything else is a typo worth naming.

    Parameters
    ----------
    role : {"all", "arbeidsgiver", "tillitsvalgt"}
        The value to check.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        Any other value.
    """
    check_choice(role, ("all", *ROLES), "role")


#: What works on a corpus whose sections carry no research question, for the message that says so.
NO_PLACEMENT_HINT = (
    "notebooks 02 (research_question None) and 08 work without it; or fill that column "
    "(import-transcripts does so from the interview guide unless --no-guide-sections; "
    "validation.suggest_placement proposes guide questions)"
)


def research_question_numbers(corpus: Corpus) -> list[int]:
    """The research questions a corpus defines: those of ``research_questions.csv`` and those its
    sections are placed under (``sections.csv``, column ``research_question``), ascending.

    Why both: a researcher's own corpus may list a question with no answers yet, and an imported
    one (``import-qdpx`` from a program that drops code descriptions) places its sections under
    questions whose wording it lost; either way the number is a valid filter.
    """
    listed = corpus.research_questions["research_question"].dropna()
    placed = corpus.sections["research_question"].dropna()
    return sorted({int(q) for q in listed} | {int(q) for q in placed})


def check_research_question(corpus: Corpus, research_question: object) -> int:
    """A research question filter must be a number the corpus defines (:func:`research_question_numbers`).

    Why one check: the descriptive notebooks, the results notebooks (11–15) and the quote browser
    filter by research question; a corpus without any (transcripts imported with
    ``--no-guide-sections``, a project from another QDA program) must get the same one line
    naming the folder, the missing column and what works instead, not an empty list of valid values.

    Parameters
    ----------
    corpus : Corpus
        From :func:`load_corpus`.
    research_question : int
        The value given (a string of digits, as a widget or a command line gives it, is read as one).

    Returns
    -------
    int

    Raises
    ------
    OptionError
        Not an integer, or a number the corpus does not define; the message lists the valid ones,
        or says that the corpus places no section under a research question.
    """
    if isinstance(research_question, str) and research_question.strip().isdigit():
        research_question = int(research_question)
    number = check_int(research_question, "research_question", what="a number")
    folder = corpus.directory
    check_choice(
        number,
        research_question_numbers(corpus),
        "research_question",
        none_because=(
            f"the corpus {folder} places no section under a research question ({folder / 'sections.csv'}: "
            f"column research_question empty; no research_questions.csv); {NO_PLACEMENT_HINT}"
        ),
    )
    return number


def _check_role_present(corpus: Corpus, role: str) -> None:
    """A role filter on a corpus where no quote has that role is a mistake worth one line.

    Why: an import without roles (``import-qdpx`` without ``--role-from``) gives every quote the
    role ``unknown``; "arbeidsgiver" then selected nothing, and notebook 02 failed with a
    ``TypeError`` on the empty selection. A research question without quotes stays a valid, empty
    selection (a study may not have answers for every question yet); a role nobody has is not.
    """
    roles = corpus.utterances["role"].value_counts()
    if role in roles.index:
        return
    present = ", ".join(f"{int(n)} {r!r}" for r, n in roles.items()) or "no quotes"
    raise OptionError(
        f"role {role!r}: no quote of the corpus {corpus.directory} has it "
        f"({corpus.directory / 'utterances.csv'}, column role: {present}); role 'all' selects every quote, "
        "or give the quotes their roles (import-qdpx --role-from, import-transcripts --role)"
    )


def filter_utterances(corpus: Corpus, role: str = "all", research_question: int | None = None) -> pd.DataFrame:
    """Quotes with their research question, optionally of one role and one research question.

    Parameters
    ----------
    corpus : Corpus
        From :func:`load_corpus`.
    role : {"all", "arbeidsgiver", "tillitsvalgt"}
        Keep only the quotes of one role.
    research_question : int, optional
        Keep only the quotes filed under sections of this research question (1–5 in the thesis).

    Returns
    -------
    pandas.DataFrame
        The columns of ``corpus.utterances`` plus ``research_question`` and ``title`` (of the
        section), re-prints included, in corpus order, index 0…n-1.

    Raises
    ------
    OptionError
        An unknown role, or a research question the corpus does not define
        (:func:`check_research_question`).
    """
    table = corpus.utterances.merge(
        corpus.sections[["section_id", "research_question", "title"]], on="section_id", how="left"
    )
    check_role(role)
    if role != "all":
        _check_role_present(corpus, role)
        table = table[table["role"] == role]
    if research_question is not None:
        research_question = check_research_question(corpus, research_question)
        table = table[table["research_question"] == research_question]
    return table.reset_index(drop=True)


def counts_by(utterances: pd.DataFrame, by: str) -> pd.DataFrame:
    """Quotes per ``by`` (e.g. section_id, research_question) × role, with row and column totals.

    Parameters
    ----------
    utterances : pandas.DataFrame
        Quotes with ``role`` and the column ``by`` (e.g. from :func:`filter_utterances`).
    by : str
        The column to count by.

    Returns
    -------
    pandas.DataFrame
        Index ``by`` (its values, then ``Sum``); columns ``arbeidsgiver``, ``tillitsvalgt``, any
        other role the quotes have (``unknown`` for an import without roles, a study's own roles)
        and ``Sum``; numbers of printed quotes (int). Why the other roles: ``Sum`` must count
        every quote; a corpus imported without roles showed zero quotes everywhere.
    """
    other_roles = sorted(set(utterances["role"].dropna()) - set(ROLE_COLUMNS))
    table = pd.crosstab(utterances[by], utterances["role"]).reindex(columns=ROLE_COLUMNS + other_roles, fill_value=0)
    table.loc[TOTAL] = table.sum()
    table[TOTAL] = table.sum(axis=1)
    table.columns.name = None
    table.index.name = by
    return table.astype(int)


def length_summary(utterances: pd.DataFrame) -> pd.DataFrame:
    """Quote length in words by role: count, mean, median, min, max.

    Parameters
    ----------
    utterances : pandas.DataFrame
        Quotes with ``role`` and ``n_words``.

    Returns
    -------
    pandas.DataFrame
        Index the roles present, then ``Sum`` (all quotes); columns ``quotes`` (number), ``mean``,
        ``median``, ``min``, ``max`` (words per quote) and ``words`` (total words). With no quotes,
        the ``Sum`` row alone: 0 quotes and words, the others empty.
    """
    grouped = utterances.groupby("role")["n_words"]
    table = pd.DataFrame(
        {
            "quotes": grouped.size(),
            "mean": grouped.mean().astype(float),
            "median": grouped.median().astype(float),
            "min": grouped.min().astype(int),
            "max": grouped.max().astype(int),
            "words": grouped.sum().astype(int),
        }
    )
    all_words = utterances["n_words"]
    if utterances.empty:  # an empty selection (a research question without quotes): a row of no quotes
        empty = {"quotes": [0], "mean": [float("nan")], "median": [float("nan")], "min": [pd.NA], "max": [pd.NA]}
        return pd.DataFrame({**empty, "words": [0]}, index=pd.Index([TOTAL], name="role")).astype(
            {"min": "Int64", "max": "Int64"}
        )
    table.loc[TOTAL] = [
        len(utterances),
        float(all_words.mean()),
        float(all_words.median()),
        int(all_words.min()),
        int(all_words.max()),
        int(all_words.sum()),
    ]
    for column in ["quotes", "min", "max", "words"]:
        table[column] = table[column].astype(int)
    return table


def reprint_table(corpus: Corpus) -> pd.DataFrame:
    """Quotes printed twice: each re-print with its first printing, the sections and the similarity.

    Parameters
    ----------
    corpus : Corpus
        From :func:`load_corpus` (uses ``links`` and ``utterances``).

    Returns
    -------
    pandas.DataFrame
        One row per link: ``re-print``, ``section``, ``first printing``, ``first section`` (ids),
        ``role``, ``relation`` and ``similarity`` (0–1); sorted by the two ids.
    """
    utterances = corpus.utterances.set_index("utterance_id")
    links = corpus.links
    table = pd.DataFrame(
        {
            "re-print": links["utterance_id"],
            "section": links["utterance_id"].map(utterances["section_id"]),
            "first printing": links["linked_utterance_id"],
            "first section": links["linked_utterance_id"].map(utterances["section_id"]),
            "role": links["utterance_id"].map(utterances["role"]),
            "relation": links["relation"],
            "similarity": links["similarity"].astype(float),
        }
    )
    return table.sort_values(["re-print", "first printing"]).reset_index(drop=True)


def flag_summary(corpus: Corpus) -> pd.Series:
    """How many quotes carry each extraction flag (see data/README.md for what each means).

    Parameters
    ----------
    corpus : Corpus
        From :func:`load_corpus`.

    Returns
    -------
    pandas.Series
        Named ``quotes``; index the flags (sorted), values the number of quotes with the flag.
    """
    flags = corpus.utterances["flags"].dropna().str.split(";").explode()
    return flags[flags != ""].value_counts().sort_index().rename("quotes")
