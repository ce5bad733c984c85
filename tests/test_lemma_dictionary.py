"""The disk-cached simplemma dictionary (mdi_analysis.text._lemma_dictionary).

The trie is only a faster way to load the same dictionary, so the one thing that must hold is that
it gives exactly simplemma's own answers; the other tests pin how the cache file is made.
"""

from __future__ import annotations

import simplemma

from mdi_analysis.corpus import load_corpus
from mdi_analysis.text import _lemma_dictionary as lemma_dictionary
from mdi_analysis.text._normalise import canonical_token, tokenize


def _corpus_words() -> list[str]:
    texts = load_corpus().utterances["text"]
    words = {canonical_token(t) for text in texts for t in tokenize(text)}
    # Parts of words too: compound splitting looks up pieces that are not themselves tokens.
    pieces = {w[i:] for w in words if w.isalpha() for i in range(0, len(w) - 2, 3)}
    return sorted(w for w in words | pieces if any(ch.isalpha() for ch in w))


def test_cached_trie_is_in_use_and_agrees_with_simplemma_on_every_corpus_word():
    assert lemma_dictionary.backend() == "trie"
    words = _corpus_words()
    assert len(words) > 2500
    lemmas = {w: lemma_dictionary.lemmatize(w) for w in words}
    known = {w: lemma_dictionary.is_known(w) for w in words}
    assert lemmas == {w: simplemma.lemmatize(w, "nb") for w in words}
    assert known == {w: simplemma.is_known(w, "nb") for w in words}
    assert lemmas["ledere"] == "leder" and known["ledere"]
    assert not lemma_dictionary.is_known("xqzvyt")


def test_trie_is_built_once_into_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MDI_CACHE_DIR", str(tmp_path))
    path = lemma_dictionary.ensure_trie()
    assert path == tmp_path / f"simplemma-{simplemma.__version__}" / "nb.dic"
    assert path.stat().st_size > 1_000_000
    stamp = path.stat().st_mtime_ns
    assert lemma_dictionary.ensure_trie() == path
    assert path.stat().st_mtime_ns == stamp  # found, not rebuilt
    assert [p.name for p in path.parent.iterdir()] == ["nb.dic"]  # no build folder left behind


def test_an_unwritable_cache_folder_falls_back_instead_of_failing(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("MDI_CACHE_DIR", str(blocker))
    assert lemma_dictionary.ensure_trie() is None
