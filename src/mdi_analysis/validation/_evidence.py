"""Evidence for placing a quote under a guide question: expanded profiles, n-grams, compound parts.

Why a second feature layer next to ``_features``: the two original assigners compare a quote with
the literal wording of one guide question. A respondent answers in other words than the question
("forslagskasse" is asked, "idékasse" is answered), so the evidence here widens both sides:

- the *profile* of a section is its guide question and title, expanded with what that question
  invites: the chapter-2 theory categories (name, definition, patterns) and Norwegian everyday
  vocabulary listed per question in ``data/codebook/guide_expansion.csv``, a human judgement made
  from the guide and chapter 2 only, with coder and basis (never from the author's commentary
  around the quotes, which would leak the placement);
- a *text* is its lemmas, lemma bigrams (``følge_opp``) and compound parts (``~forslag``,
  ``~kasse`` from ``forslagskasse``), plus the codebook categories its patterns match.

Everything here is computed text by text (no statistic over the collection), so quotes held out
in cross-validation can be prepared with the others; IDF weights are fitted later, on the rows a
model is allowed to see (:func:`weighted_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..coding import code_texts
from ..errors import InputDataError
from ..io import check_allowed, fail_row, read_table
from ..paths import data_dir
from ..text import content_token_lists, dfm_from_tokens, get_normaliser, is_known_word, smooth_idf, unit_rows
from ._data import ValidationData

#: Prefix of a compound-part feature, so ``~kasse`` (a part of ``forslagskasse``) and the word
#: ``kasse`` stay apart: a part is weaker evidence than the word itself.
PART_PREFIX = "~"
#: Separator of the two lemmas of a bigram feature.
BIGRAM_JOIN = "_"
#: A feature must occur in at least this many of the rows a model is fitted on: a feature of one
#: text cannot link two texts, and dropping them keeps the bigram vocabulary (mostly one-off pairs)
#: small enough for the nested cross-validation to run in seconds.
MIN_DOCFREQ = 2
#: Words shorter than this are not split into compound parts (two parts of at least 3 letters
#: plus room for a linking letter).
MIN_COMPOUND = 7

EXPANSION_SCHEMA = pa.DataFrameSchema(
    {
        "question_id": pa.Column("string", pa.Check.str_matches(r"^Q\d+$"), unique=True),
        "category_ids": pa.Column("string", nullable=True),
        "vocabulary": pa.Column("string", nullable=True),
        "basis": pa.Column("string"),
        "coder": pa.Column("string"),
    },
    strict=False,
)


def load_guide_expansion(
    path: str | Path | None = None,
    *,
    guide: pd.DataFrame | None = None,
    codebook: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read what each guide question invites (``data/codebook/guide_expansion.csv``).

    Parameters
    ----------
    path : str or Path, optional
        Default: ``<data>/codebook/guide_expansion.csv``.
    guide : pandas.DataFrame, optional
        The interview guide; when given, every ``question_id`` must be one of its questions.
    codebook : pandas.DataFrame, optional
        The codebook's categories; when given, every listed category must exist in it.

    Returns
    -------
    pandas.DataFrame
        One row per question: ``question_id``, ``category_ids`` and ``vocabulary`` (``;``-separated,
        may be empty), ``basis``, ``coder``.

    Raises
    ------
    InputDataError
        A missing column, a duplicate question, an unknown question or category (file, row, column);
        an empty ``guide`` (a corpus without ``interview_guide.csv``), naming the guide's file.
    """
    table = read_table(Path(path) if path else data_dir() / "codebook" / "guide_expansion.csv", EXPANSION_SCHEMA)
    if guide is not None and guide.empty:
        # Otherwise every row is "unknown question 'Q03'; expected a question listed in
        # interview_guide.csv", which blames the expansion for what the corpus lacks.
        raise InputDataError(
            guide.attrs.get("file", "interview_guide.csv"),
            "the corpus has no interview guide (file absent or empty), and the guide-based placement "
            "compares quotes with the guide's questions",
            expected="the study's interview guide there (the thesis's: data/corpus/interview_guide.csv); "
            "notebooks 02 and 08 work without it",
        )
    if guide is not None:
        check_allowed(table, "question_id", guide["question_id"].astype(str), "question", source="interview_guide.csv")
    if codebook is not None:
        check_allowed(
            table, "category_ids", codebook["category_id"].astype(str), "category", source="categories.csv", listed=True
        )
    for position, words in enumerate(table["vocabulary"]):
        if not pd.isna(words) and any(not w.strip() for w in str(words).split(";")):
            fail_row(table, position, "vocabulary", "an empty item", "words separated by single ';'")
    return table


def expanded_profiles(
    profiles: pd.Series, sections: pd.DataFrame, expansion: pd.DataFrame, codebook: pd.DataFrame
) -> pd.Series:
    """Each section's profile followed by what its guide questions invite.

    A listed category contributes its name, definition and patterns (the theory's wording, ch. 2);
    the vocabulary is appended as listed. A section whose questions have no expansion row keeps
    its plain profile.

    Parameters
    ----------
    profiles : pandas.Series
        section_id -> profile text (:attr:`ValidationData.profiles`).
    sections : pandas.DataFrame
        ``sections.csv`` with ``section_id`` and ``guide_questions``.
    expansion : pandas.DataFrame
        :func:`load_guide_expansion`.
    codebook : pandas.DataFrame
        Categories with ``category_id``, ``category``, ``definition``, ``patterns``.

    Returns
    -------
    pandas.Series
        section_id -> expanded profile text, in the order of ``profiles``.
    """
    rows = expansion.set_index(expansion["question_id"].astype(str))
    categories = codebook.set_index(codebook["category_id"].astype(str))
    questions = dict(zip(sections["section_id"].astype(str), sections["guide_questions"]))
    expanded = {}
    for section_id, text in profiles.items():
        parts = [str(text)]
        ids = questions.get(str(section_id))
        for question in [] if ids is None or pd.isna(ids) else str(ids).split(";"):
            if question not in rows.index:
                continue
            row = rows.loc[question]
            if not pd.isna(row["vocabulary"]):
                parts.append(" ".join(w.strip() for w in str(row["vocabulary"]).split(";")))
            for category in [] if pd.isna(row["category_ids"]) else str(row["category_ids"]).split(";"):
                entry = categories.loc[category]
                patterns = str(entry["patterns"]).replace(";", " ").replace("*", "")
                parts.append(f"{entry['category']}. {entry['definition']} {patterns}")
        expanded[str(section_id)] = " ".join(parts)
    return pd.Series(expanded, name="profile", dtype=object).rename_axis("section_id")


@cache
def compound_parts(word: str) -> tuple[str, ...]:
    """The two parts of a compound lemma, or ``()`` when it is not a compound.

    The head (right part) must be a known word; the modifier a known word, optionally followed by a
    linking ``s``/``e`` (``tidspress`` -> ``tid``, ``press``). The split with the shortest head that
    works is taken, because Norwegian compounds are right-headed and the head names what the word
    is (``forslagskasse`` is a ``kasse``). A linking letter is removed first (``tids`` -> ``tid``), and a
    modifier of three letters counts only before a linking letter: the dictionary knows many short
    strings, and without the rule ``innovasjon`` would split into ``inn`` + ``ovasjon``.

    Examples
    --------
    >>> compound_parts("forslagskasse")
    ('forslag', 'kasse')
    >>> compound_parts("innovasjon")
    ()
    """
    if len(word) < MIN_COMPOUND or not word.isalpha():
        return ()
    for cut in range(len(word) - 3, 2, -1):
        modifier, head = word[:cut], word[cut:]
        if not is_known_word(head):
            continue
        if modifier[-1] in "se" and len(modifier) > 3 and is_known_word(modifier[:-1]):
            return (modifier[:-1], head)
        if len(modifier) > 3 and is_known_word(modifier):
            return (modifier, head)
    return ()


def evidence_tokens(tokens: list[str], *, bigrams: bool = True, compounds: bool = True) -> list[str]:
    """A text's features: its content lemmas, then lemma bigrams, then compound parts.

    Examples
    --------
    >>> evidence_tokens(["følge", "forslagskasse"])
    ['følge', 'forslagskasse', 'følge_forslagskasse', '~forslag', '~kasse']
    """
    features = list(tokens)
    if bigrams:
        features += [f"{a}{BIGRAM_JOIN}{b}" for a, b in zip(tokens, tokens[1:])]
    if compounds:
        features += [PART_PREFIX + part for token in tokens for part in compound_parts(token)]
    return features


@dataclass(frozen=True)
class Evidence:
    """Sections and quotes as rows of one count matrix: the profiles first, then the quotes.

    ``counts`` (rows x ``features``) holds feature counts, ``codes`` (rows x codebook categories)
    0/1 codebook matches, or no column when the codebook is not used.
    """

    sections: tuple[str, ...]
    quotes: pd.Index
    features: np.ndarray
    counts: np.ndarray
    codes: np.ndarray
    categories: np.ndarray

    @property
    def n_sections(self) -> int:
        return len(self.sections)

    def quote_rows(self, positions: np.ndarray | None = None) -> np.ndarray:
        """Row numbers of some quotes (all by default) in :attr:`counts`."""
        positions = np.arange(len(self.quotes)) if positions is None else np.asarray(positions)
        return self.n_sections + positions


def build_evidence(
    texts: pd.Series,
    profiles: pd.Series,
    codebook: pd.DataFrame | None,
    *,
    bigrams: bool = True,
    compounds: bool = True,
    normaliser: str = "lemma",
) -> Evidence:
    """Count the evidence of every profile and text over one list of features.

    Parameters
    ----------
    texts : pandas.Series
        id -> quote text.
    profiles : pandas.Series
        section_id -> profile text (plain or :func:`expanded_profiles`).
    codebook : pandas.DataFrame or None
        Categories to code both with; ``None`` leaves the codebook out.
    bigrams, compounds : bool
        Add lemma bigrams / compound parts (:func:`evidence_tokens`).
    normaliser : str
        ``lemma`` (default), ``stem`` or ``lower``.

    Returns
    -------
    Evidence
    """
    norm = get_normaliser(normaliser)
    every = [str(t) for t in profiles] + [str(t) for t in texts]
    tokens = [evidence_tokens(ts, bigrams=bigrams, compounds=compounds) for ts in content_token_lists(every, norm)]
    vocabulary = sorted({t for ts in tokens for t in ts})
    counts = dfm_from_tokens(tokens, features=vocabulary).dense()
    if codebook is None:
        codes = np.zeros((len(every), 0))
        categories = np.asarray([], dtype=object)
    else:
        coded = code_texts(pd.Series(every, index=pd.RangeIndex(len(every))), codebook, norm)
        codes = coded.matrix.to_numpy(dtype=float)
        categories = np.asarray([str(c) for c in coded.matrix.columns], dtype=object)
    return Evidence(
        sections=tuple(str(s) for s in profiles.index),
        quotes=pd.Index(texts.index),
        features=np.asarray(vocabulary, dtype=object),
        counts=counts,
        codes=codes,
        categories=categories,
    )


def without_codebook(evidence: Evidence) -> Evidence:
    """The same evidence with the codebook columns dropped (for the ablation)."""
    return replace(evidence, codes=np.zeros((evidence.counts.shape[0], 0)), categories=np.asarray([], dtype=object))


def weighted_rows(evidence: Evidence, fit_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every row as a unit vector (TF-IDF of the features joined with IDF-weighted codebook codes),
    and the name of each column (the features kept, then the codebook categories).

    Terms and IDF weights are fitted on ``fit_rows`` only (the profiles and the quotes a model may
    see); a term in fewer than :data:`MIN_DOCFREQ` of them is dropped. Words and codes are scaled
    to unit length each before
    they are joined, as in :class:`~mdi_analysis.validation._features.Vectoriser`, so neither part
    gets a tuned weight.
    """
    fit_rows = np.asarray(fit_rows)
    seen = np.flatnonzero((evidence.counts[fit_rows] > 0).sum(axis=0) >= MIN_DOCFREQ)
    words = evidence.counts[:, seen]
    parts = [unit_rows(words * smooth_idf(words[fit_rows]))]
    if evidence.codes.shape[1]:
        parts.append(unit_rows(evidence.codes * smooth_idf(evidence.codes[fit_rows])))
    names = np.concatenate([evidence.features[seen], evidence.categories]).astype(object)
    return unit_rows(np.hstack(parts)), names


def placement_evidence(
    data: ValidationData,
    sections: pd.DataFrame,
    codebook: pd.DataFrame,
    expansion: pd.DataFrame | None,
    *,
    bigrams: bool = True,
    compounds: bool = True,
) -> Evidence:
    """:func:`build_evidence` for the validation quotes, with expanded profiles when ``expansion`` is given."""
    profiles = data.profiles if expansion is None else expanded_profiles(data.profiles, sections, expansion, codebook)
    return build_evidence(data.texts, profiles, codebook, bigrams=bigrams, compounds=compounds)
