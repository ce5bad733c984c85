"""simplemma's bokmål dictionary, loaded once per machine instead of once per notebook.

Why this module exists: simplemma ships its dictionaries lzma-compressed and front-coded, and
decoding the ``nb`` dictionary (640,000 forms) takes about 0.9 s. Every notebook that codes
the corpus starts a fresh kernel and would pay that again: about 11 s of CPU over a ``reproduce``
run, a third of the time budget. simplemma's own :class:`TrieDictionaryFactory` stores the same
dictionary as a memory-mapped marisa trie on disk; loading that takes about a millisecond.

Nothing about the lemmas changes: the trie is built from the very same shipped dictionary, and
:func:`backend` tells which one is in use (the test suite checks both give identical lemmas).
The trie file is a cache, not data: it lives in :func:`mdi_analysis.paths.cache_dir`, keyed by
simplemma's version, is written atomically (parallel notebooks may build it at the same time),
and can be deleted at any moment. Without ``marisa-trie``, or when the cache folder is not
writable, simplemma's default in-memory dictionary is used, as before, only slower.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

import simplemma

from ..paths import cache_dir

#: simplemma language code: Norwegian bokmål (the thesis and the interviews are bokmål).
LANG = "nb"


def trie_path() -> Path:
    """Where the trie for :data:`LANG` is cached (one file per simplemma version)."""
    return cache_dir() / f"simplemma-{simplemma.__version__}" / f"{LANG}.dic"


def _trie_factory():
    """simplemma's trie-backed dictionary factory, or None when marisa-trie is not installed."""
    try:
        import marisa_trie  # noqa: F401 - the factory imports it lazily and falls back silently
        from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieDictionaryFactory
    except ImportError:
        return None
    return TrieDictionaryFactory


def ensure_trie() -> Path | None:
    """Build the cached trie unless it exists; returns its path, or None if it cannot be built.

    The trie is built in a private temporary folder and moved into place with one atomic rename,
    so a notebook starting in parallel sees either no file or a complete one.
    """
    factory_class = _trie_factory()
    if factory_class is None:
        return None
    target = trie_path()
    if target.is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
            factory_class(disk_cache_dir=tmp).get_dictionary(LANG)
            os.replace(Path(tmp) / f"{LANG}.dic", target)
    except OSError:
        return None
    return target


@lru_cache(maxsize=1)
def _dictionary_factory():
    path = ensure_trie()
    if path is None:
        from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

        return DefaultDictionaryFactory()
    # use_disk_cache=True with the folder holding the finished trie: simplemma only loads it.
    return _trie_factory()(disk_cache_dir=str(path.parent))


@lru_cache(maxsize=1)
def _lemmatizer() -> simplemma.Lemmatizer:
    from simplemma.strategies import DefaultStrategy

    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_dictionary_factory()))


@lru_cache(maxsize=1)
def _lookup():
    from simplemma.strategies import DictionaryLookupStrategy

    return DictionaryLookupStrategy(_dictionary_factory())


def backend() -> str:
    """``"trie"`` (cached marisa trie) or ``"default"`` (simplemma's in-memory dictionary)."""
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    return "default" if isinstance(_dictionary_factory(), DefaultDictionaryFactory) else "trie"


def lemmatize(word: str) -> str:
    """simplemma's lemma of ``word`` (same as ``simplemma.lemmatize(word, "nb")``)."""
    return _lemmatizer().lemmatize(word, LANG)


def is_known(word: str) -> bool:
    """Whether ``word`` is a form in the dictionary (same as ``simplemma.is_known(word, "nb")``)."""
    return _lookup().get_lemma(unicodedata.normalize("NFC", word), LANG) is not None
