"""Norwegian tokenisation, normalisation and stop words for the interview quotes.

Why this module exists: the thesis (and the interviews it quotes) is written in radical bokmål with
a-forms (``oppgava``, ``utvikla``, ``forankra``, ``tida``) and compounds written as one word. Counting
words or coding quotes against a codebook only makes sense after inflected forms are brought
together, and each choice made on the way (what a token is, which lemmatiser, which stop words)
changes the counts. Every such choice is made here, once, and documented in
``docs/normalisation.md``, so notebooks and the coding engine (:mod:`mdi_analysis.coding._engine`) share it.

Nothing here downloads data at run time: NLTK's ``word_tokenize``/``sent_tokenize`` and its stop
word corpus need ``nltk.download()`` and are not used. Tokenisation is NLTK's data-free
:class:`~nltk.tokenize.RegexpTokenizer`; lemmas come from simplemma's bundled ``nb`` dictionary
(loaded through :mod:`mdi_analysis.text._lemma_dictionary`, which caches it as a trie on disk);
stems from NLTK's Snowball stemmer (pure code); stop words from the ``stop-words`` package's bundled
``norwegian`` list.

Speed: normalisation is done per vocabulary *type*, never per token. Each normaliser keeps a cache
(a dict from surface token to normalised form), so a corpus replicated 1000 times costs one
lemmatiser call per distinct word, and the per-token cost is a single dict lookup.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache
from typing import ClassVar

from stop_words import get_stop_words

from ..options import check_choice
from ..paths import read_resource_csv
from . import _lemma_dictionary as lemma_dictionary
from ._lemma_dictionary import LANG

#: The single token every omission marker (``(…)``, ``(...)``, ``[…]``, ``…``, ``...``) becomes.
#: Kept as a token rather than dropped so that a multi-word pattern can never match across an
#: omission made by the author of the thesis, and so that keyword-in-context lines show the gap.
GAP_TOKEN = "…"

#: Hyphen-like characters that join the parts of a written compound (``IKT-teknologien``).
#: Typographic hyphens (U+2010, U+2011) are mapped to ``-`` so both spellings are one type.
_HYPHENS = "-\u2010\u2011"

_GAP_PATTERN = r"\(\s*(?:…|\.{3,})\s*\)|\[\s*(?:…|\.{3,})\s*\]|…|\.{3,}"
#: A word is a run of letters/digits, optionally joined by single hyphens to further runs. ``_`` is
#: excluded because ``\w`` includes it. A hyphen at the end of a word (``Helse- og omsorg``,
#: line-break hyphenation) is not part of the token.
_WORD_PATTERN = rf"[^\W_]+(?:[{_HYPHENS}][^\W_]+)*"
TOKEN_PATTERN = rf"{_GAP_PATTERN}|{_WORD_PATTERN}"


@lru_cache(maxsize=1)
def nltk_tokenizer():
    """The tokeniser as NLTK defines it: the reference for what a token is.

    Imported lazily: ``import nltk`` pulls in scipy.stats and costs seconds at every notebook start,
    while the hot path below needs only the standard library.
    """
    from nltk.tokenize import RegexpTokenizer

    return RegexpTokenizer(TOKEN_PATTERN)


#: The same pattern compiled with the standard library, used on the hot path. Why: NLTK >= 3.9
#: compiles a RegexpTokenizer pattern through its ReDoS guard (the ``regex`` engine with a
#: per-match timeout), which made tokenising 3.5 times slower here. TOKEN_PATTERN is a fixed,
#: linear pattern (no nested quantifiers), so the guard buys nothing; tests/test_normalise.py checks
#: that both give identical tokens on the whole thesis. Public: the negation scope
#: (:mod:`mdi_analysis.coding`) needs the tokens' character offsets, so it must split the same way.
TOKEN_RE = re.compile(TOKEN_PATTERN)
_HYPHEN_TRANSLATION = str.maketrans({"\u2010": "-", "\u2011": "-"})


def tokenize(text: str) -> list[str]:
    """Split ``text`` into surface tokens: words (case kept) and :data:`GAP_TOKEN`-like markers.

    Hyphenated words stay one token (``IKT-teknologien``, ``LEAN-metoden``, ``BLT-metoden``)
    because the writer marked them as one compound; the matcher still sees their parts (see
    :mod:`mdi_analysis.coding._engine`). Punctuation, ``§`` and quotes are dropped. The text is brought to
    Unicode NFC first so a decomposed ``å`` (a + ring) is the same type as a composed one; accents
    are never stripped (``år`` must not become ``ar``).
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return TOKEN_RE.findall(text)


def is_gap(token: str) -> bool:
    """True for an omission marker (``(…)``, ``...``), in surface or canonical form."""
    return token[:1] in "([…."


def canonical_token(token: str) -> str:
    """The lower-cased form every normaliser starts from (gap markers become :data:`GAP_TOKEN`)."""
    if is_gap(token):
        return GAP_TOKEN
    return token.lower().translate(_HYPHEN_TRANSLATION)


def _has_letter(word: str) -> bool:
    return any(ch.isalpha() for ch in word)


# --------------------------------------------------------------------------------------------
# Known words: the plausibility test for compound parts
# --------------------------------------------------------------------------------------------


@cache
def is_known_word(word: str) -> bool:
    """Whether ``word`` is a word form in simplemma's bokmål dictionary, for compound splitting.

    Why the extra rule for three letters: the dictionary knows about 1,300 three-letter strings
    (abbreviations, rare dialect forms such as ``dåa``), which would let almost any remainder pass
    as a compound part. A three-letter part must therefore be a dictionary headword (its own
    lemma), e.g. ``mis`` (``mistillit``), ``fri`` (``fritid``), ``tre`` (``trepart``).
    """
    if len(word) < 3 or not word.isalpha():
        return False
    if not lemma_dictionary.is_known(word):
        return False
    if len(word) == 3:
        return lemma_dictionary.lemmatize(word) == word
    return True


#: Linking letters (fuge-s, fuge-e) allowed between the parts of a compound:
#: ``trepart-s-samarbeid``, ``tid-s-press``, ``barn-e-hage``.
LINKING_LETTERS = ("s", "e")


@cache
def is_plausible_part(part: str, completions: tuple[str, ...] = ("",)) -> bool:
    """Whether ``part`` can be one component of a compound: a known word, or itself a compound.

    ``completions`` are endings that may have been cut off the part (for the stemmer, whose output
    ``utvikl`` is not a word but ``utvikl`` + ``e`` is). A part of two known words with an optional
    linking letter (``arbeidsmiljø``) is accepted too, so three-part compounds split.
    """
    if len(part) < 3:
        return False
    if any(is_known_word(part + ending) for ending in completions):
        return True
    for cut in range(3, len(part) - 2):
        head = part[cut:]
        modifier = part[:cut]
        if not is_plausible_part(head, completions):
            continue
        if is_known_word(modifier) or (modifier[-1] in LINKING_LETTERS and is_known_word(modifier[:-1])):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Normalisers
# --------------------------------------------------------------------------------------------


class _TypeCache(dict):
    """surface token -> normalised form; computes a missing entry once (per vocabulary type)."""

    def __init__(self, compute: Callable[[str], str]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, token: str) -> str:
        value = self[token] = self._compute(token)
        return value


class Normaliser(ABC):
    """Maps a surface token to the form that is counted and matched.

    All normalisers share the same interface so an analysis can be rerun with another one by
    changing a name (see :func:`get_normaliser`); comparing ``lemma`` with ``stem`` and ``lower``
    shows how much a result depends on the choice.
    """

    #: Registry name.
    name: ClassVar[str]
    #: Endings that may have been removed from a normalised word; used when judging whether the
    #: remainder of a compound is a plausible word (see :func:`is_plausible_part`).
    completions: ClassVar[tuple[str, ...]] = ("",)

    def __init__(self) -> None:
        self._cache = _TypeCache(self._normalise_surface)

    def normalise(self, token: str) -> str:
        """The normalised form of one surface token (any case). Cached per type."""
        return self._cache[token]

    def normalise_tokens(self, tokens: Iterable[str]) -> list[str]:
        """Normalise a token sequence; one dict lookup per token, one computation per new type."""
        return list(map(self._cache.__getitem__, tokens))

    def normalise_text(self, text: str) -> list[str]:
        """Tokenise and normalise a text."""
        return self.normalise_tokens(tokenize(text))

    def is_plausible_part(self, part: str) -> bool:
        """Whether ``part`` (a piece of a normalised word) can be a compound component."""
        return is_plausible_part(part, self.completions)

    @property
    def cache_size(self) -> int:
        """Number of distinct surface tokens normalised so far."""
        return len(self._cache)

    def _normalise_surface(self, token: str) -> str:
        word = canonical_token(token)
        if word == GAP_TOKEN or not _has_letter(word):
            return word  # gap markers and numbers (2008-2009, 10) are kept as they are
        return self._normalise_word(word)

    @abstractmethod
    def _normalise_word(self, word: str) -> str:
        """Normalise one lower-cased word that contains at least one letter."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}, {self.cache_size} cached types>"


class LowerNormaliser(Normaliser):
    """Lower-cased tokens only: the baseline that shows what lemmatising adds."""

    name = "lower"

    def _normalise_word(self, word: str) -> str:
        return word


class StemNormaliser(Normaliser):
    """NLTK's Snowball stemmer for Norwegian (pure code, no data download).

    Known weakness, kept deliberately as a point of comparison: it over-merges words that the
    analysis must keep apart, e.g. ``ledelse`` and ``leder`` both become ``led``, ``åpenhet``
    becomes ``åpen`` and ``tidlig`` becomes ``tid``.
    """

    name = "stem"
    #: Endings Snowball may have removed, so that a stemmed compound part (``utvikl``) can still
    #: be recognised as a word (``utvikle``).
    completions = ("", "e", "a", "en", "er", "et", "ene", "het", "ig", "lig", "els", "ende")

    def __init__(self) -> None:
        super().__init__()
        from nltk.stem.snowball import SnowballStemmer  # lazy: see nltk_tokenizer()

        self._stemmer = SnowballStemmer("norwegian")

    def _normalise_word(self, word: str) -> str:
        return self._stemmer.stem(word)


class LemmaOverrides:
    """The shipped correction table for simplemma (``resources/lemma_overrides.csv``).

    A row ``form,lemma`` replaces simplemma's lemma for exactly that lower-cased form. A row
    ``*suffix,*replacement`` applies to forms ending in ``suffix`` (the longest matching suffix
    wins) that simplemma's dictionary does *not* know. Why only unknown forms: simplemma lemmatises
    an unknown compound by decomposing it and mis-lemmatising its head (``tjenesteleder`` ->
    ``tjenesteled``, ``enhetsleder`` -> ``enhetslede``); a suffix rule repairs all such guesses at
    once, while dictionary words that merely end in the same letters (``gleder`` -> ``glede``,
    ``utleder`` -> ``utlede``) keep their correct dictionary lemma.
    """

    FILE = "lemma_overrides.csv"

    def __init__(self, rows: Iterable[Mapping[str, str]]) -> None:
        self.exact: dict[str, str] = {}
        self.suffixes: list[tuple[str, str]] = []
        for row in rows:
            form, lemma = row["form"].lower(), row["lemma"].lower()
            if form.startswith("*"):
                if not lemma.startswith("*"):
                    raise ValueError(f"suffix override {form!r} needs a '*' replacement, got {lemma!r}")
                self.suffixes.append((form[1:], lemma[1:]))
            else:
                self.exact[form] = lemma
        self.suffixes.sort(key=lambda pair: -len(pair[0]))

    @classmethod
    def shipped(cls) -> LemmaOverrides:
        return cls(read_resource_csv(cls.FILE))

    def lookup(self, word: str) -> str | None:
        """The corrected lemma for ``word``, or None when the table has nothing to say."""
        if word in self.exact:
            return self.exact[word]
        for suffix, replacement in self.suffixes:
            if word.endswith(suffix) and len(word) > len(suffix):
                if lemma_dictionary.is_known(word):
                    return None
                return word[: -len(suffix)] + replacement
        return None


class LemmaNormaliser(Normaliser):
    """simplemma's bokmål lemmatiser plus a small, documented override table.

    Order: (1) the override table; (2) simplemma; (3) when simplemma does not know the form and
    it ends in a genitive ``-s`` (``lederens``, ``studiens``, ``oppgavas``), the lemma of the form
    without the ``s``. Lemmas are lower-cased and a trailing ``.`` from abbreviation entries
    (``jf.``) is dropped, because tokens never contain a full stop.
    """

    name = "lemma"

    def __init__(self, overrides: LemmaOverrides | None = None) -> None:
        super().__init__()
        self.overrides = overrides if overrides is not None else LemmaOverrides.shipped()

    def _normalise_word(self, word: str) -> str:
        override = self.overrides.lookup(word)
        if override is not None:
            return override
        lemma = lemma_dictionary.lemmatize(word)
        if (
            lemma == word
            and word.endswith("s")
            and len(word) >= 5
            and not lemma_dictionary.is_known(word)
            and (lemma_dictionary.is_known(word[:-1]) or self.overrides.lookup(word[:-1]))
        ):
            return self._normalise_word(word[:-1])
        lemma = lemma.lower().rstrip(".")
        return lemma or word


_FACTORIES: dict[str, Callable[[], Normaliser]] = {
    "lemma": LemmaNormaliser,
    "stem": StemNormaliser,
    "lower": LowerNormaliser,
}
_INSTANCES: dict[str, Normaliser] = {}


def normaliser_names() -> tuple[str, ...]:
    """The names :func:`get_normaliser` accepts."""
    return tuple(_FACTORIES)


def get_normaliser(name: str | Normaliser) -> Normaliser:
    """The shared normaliser called ``name`` (``"lemma"``, ``"stem"`` or ``"lower"``).

    Shared instances keep their type caches between calls, which is what makes repeated coding of
    the same corpus cheap. A :class:`Normaliser` instance is passed through unchanged, so every
    function taking a name also accepts a custom normaliser.
    """
    if isinstance(name, Normaliser):
        return name
    check_choice(name, _FACTORIES, "normaliser")
    if name not in _INSTANCES:
        _INSTANCES[name] = _FACTORIES[name]()
    return _INSTANCES[name]


def normalise_texts(texts: Iterable[str], normaliser: str | Normaliser = "lemma") -> list[list[str]]:
    """Tokenise and normalise every text: the plain baseline the coding engine is measured against."""
    norm = get_normaliser(normaliser)
    lookup = norm._cache.__getitem__
    return [list(map(lookup, tokenize(text))) for text in texts]


# --------------------------------------------------------------------------------------------
# Stop words
# --------------------------------------------------------------------------------------------

#: Spoken fillers, discourse particles, hedges and intensifiers of interview speech that the
#: ``stop-words`` list lacks (``da``, ``bare``, ``ja``, ``sånn`` are already in it). They carry no
#: topic, but are frequent in transcribed speech and would top any frequency table. Deliberately
#: *not* included: ``kanskje``, ``faktisk``, ``sikkert`` (epistemic stance a researcher may study)
#: and ``sant`` (content word "true").
SPOKEN_FILLERS: tuple[str, ...] = (
    # discourse particles
    "jo",
    "vel",
    "nok",
    "da",
    "altså",
    "liksom",
    "egentlig",
    "sånn",
    "sånt",
    "sånne",
    "bare",
    "ja",
    "nei",
    "joda",
    "neida",
    "javel",
    "jaja",
    "okei",
    "ok",
    "typ",
    # degree words that mostly soften or strengthen in speech
    "litt",
    "veldig",
    "ganske",
    # hesitation sounds as transcribed
    "eh",
    "ehm",
    "øh",
    "øhm",
    "æh",
    "hm",
    "hmm",
    "mm",
    "mhm",
)

#: Normalised forms of stop words that are *content words* in their own right. Normalising the
#: stop list would otherwise create them and silently remove a content word from every count:
#: ``vart``/``varte`` -> lemma ``vare`` (goods, as in "en ny vare"), ``kom`` -> ``komme``
#: ("komme med innspill"), stems ``siden`` -> ``sid`` (= ``side``), ``ville`` -> ``vill``
#: (= ``villig``), ``verte`` -> ``vert``. A raw stop word is always filtered, whatever is listed here.
STOPWORD_COLLISIONS: frozenset[str] = frozenset({"vare", "komme", "sid", "vill", "vert"})


@lru_cache(maxsize=1)
def base_stopwords() -> tuple[str, ...]:
    """The ``stop-words`` package's ``norwegian`` list (172 words, bokmål and nynorsk)."""
    return tuple(get_stop_words("norwegian"))


@lru_cache(maxsize=1)
def norwegian_stopwords() -> frozenset[str]:
    """Raw (lower-case, unnormalised) stop words: the 172-word list plus :data:`SPOKEN_FILLERS`."""
    return frozenset(base_stopwords()) | frozenset(SPOKEN_FILLERS)


_STOPWORDS_BY_NORMALISER: weakref.WeakKeyDictionary[Normaliser, frozenset[str]] = weakref.WeakKeyDictionary()


def stopwords_for(normaliser: str | Normaliser = "lemma") -> frozenset[str]:
    """The stop list in the normalised form ``normaliser`` produces, to filter *normalised* tokens.

    Why normalise the list: after lemmatising, ``hadde`` has become ``ha`` and ``meg`` ``jeg``, so
    the raw list would no longer catch them. Normalised forms listed in
    :data:`STOPWORD_COLLISIONS` are left out unless they are raw stop words themselves.
    """
    norm = get_normaliser(normaliser)
    if norm not in _STOPWORDS_BY_NORMALISER:
        raw = norwegian_stopwords()
        normalised = {norm.normalise(word) for word in raw}
        protected = STOPWORD_COLLISIONS - raw
        _STOPWORDS_BY_NORMALISER[norm] = frozenset(raw | normalised) - protected
    return _STOPWORDS_BY_NORMALISER[norm]


def content_tokens(normalised_tokens: Iterable[str], normaliser: str | Normaliser = "lemma") -> list[str]:
    """Normalised tokens without stop words, gap markers and numbers: the input to word counts."""
    stop = stopwords_for(normaliser)
    return [token for token in normalised_tokens if token not in stop and token != GAP_TOKEN and _has_letter(token)]


__all__ = [
    "GAP_TOKEN",
    "LANG",
    "LINKING_LETTERS",
    "SPOKEN_FILLERS",
    "STOPWORD_COLLISIONS",
    "TOKEN_PATTERN",
    "TOKEN_RE",
    "LemmaNormaliser",
    "LemmaOverrides",
    "LowerNormaliser",
    "nltk_tokenizer",
    "Normaliser",
    "StemNormaliser",
    "base_stopwords",
    "canonical_token",
    "content_tokens",
    "get_normaliser",
    "is_gap",
    "is_known_word",
    "is_plausible_part",
    "normalise_texts",
    "normaliser_names",
    "norwegian_stopwords",
    "stopwords_for",
    "tokenize",
]
