"""BM25 over the same chunk rows as the vectors (bm25s), so exact names are never lost.

Dense search ranks "Ma'arrat al-Numan" near any Idlib town; BM25 keeps the exact spelling
the reader typed. Both index the title with the chunk, as the embedder sees it.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from index import term_counts
from index.term_counts import TermCounts

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# bm25s' token pattern is r"(?u)\b\w\w+\b"; without the \b it finds the same words (a match
# always spans a whole run of word characters) and runs about 30% faster.
_WORD = re.compile(r"\w\w+")
_STOPWORDS = frozenset(STOPWORDS_EN)  # what bm25s uses for stopwords="en"


def tokenize(texts: list[str], return_ids: bool = True):
    """Words as BM25 reads them: lower-cased, English stop words dropped, stemmed.

    With `return_ids` (building the index) this is bm25s' own tokenizer. Without (each
    question, and the quotes and passages an ask scores: 2-5 ms of it) the same words come
    from a direct path at about 30% less cost: bm25s builds a stop word set per text, three
    progress bars and a vocabulary per call (tests check that both agree)."""
    if return_ids:
        return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)
    split = [[w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS] for text in texts]
    unique = list(dict.fromkeys(w for words in split for w in words))
    stem = dict(zip(unique, _stemmer().stemWords(unique)))
    return [[stem[w] for w in words] for words in split]


DIR = "bm25"  # the chunks' index; the statements' is `index.store.STATEMENT_FILES`


_STEMS: dict[str, str] = {}  # word -> stem, remembered (bounded): questions reread the same words


def held_terms(texts: list[str], terms: set[str]) -> list[set[str]]:
    """Which of `terms` (stems, as `tokenize` gives them) each text holds, the same answer as
    `set(tokenize([text])[0]) & terms` at a fraction of the cost: only words that could stem
    to one of the terms (their first two letters agree) are stemmed, each word once."""
    if not terms:
        return [set() for _ in texts]
    prefixes = {t[:2] for t in terms}
    found = []
    for text in texts:
        words = {w for w in _WORD.findall(text.lower()) if w[:2] in prefixes and w not in _STOPWORDS}
        new = [w for w in words if w not in _STEMS]
        if new:
            if len(_STEMS) > 500_000:
                _STEMS.clear()
            _STEMS.update(zip(new, _stemmer().stemWords(new)))
        found.append({_STEMS[w] for w in words} & terms)
    return found


class LexicalIndex:
    DIR = DIR

    def __init__(self, retriever: bm25s.BM25, size: int):
        self.retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str], previous: Path | None = None, kept: int = 0) -> LexicalIndex:
        """BM25 over `texts`, scored exactly as `bm25s.BM25.index` scores them (a test checks
        it). Each text's term counts are kept beside the index (`TermCounts`, in bm25s's
        layout), so with the `previous` generation's directory of this collection only texts
        it lacks are tokenised and merged in; the scores, which depend on the whole
        collection, are recomputed from the counts. `kept`: the collection begins with that
        many of the previous one's documents, as they are; `texts` are the rest (an update
        need not even make the texts it keeps, see `has_terms`)."""
        terms = TermCounts.build(texts, lambda part: tokenize(part, return_ids=False),
                                 TermCounts.load(previous) if previous else None, kept)
        index = cls(terms.retriever(), kept + len(texts))
        index.terms = terms
        return index

    @staticmethod
    def has_terms(directory: Path) -> bool:
        """Whether the collection in `directory` kept its term counts: an update can then
        keep its documents without their texts (`build`'s `kept`)."""
        return term_counts.present(directory)

    def save(self, directory: Path, name: str = DIR) -> None:
        if self.size:
            self.retriever.save(str(directory / name), show_progress=False)
            terms = getattr(self, "terms", None)
            if terms is not None:
                terms.save(directory / name)

    @classmethod
    def load(cls, directory: Path, size: int, name: str = DIR) -> LexicalIndex:
        if not size:
            return cls(bm25s.BM25(), 0)
        retriever = bm25s.BM25.load(str(directory / name), mmap=True, show_progress=False)
        return cls(retriever, size)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) with a positive BM25 score; empty when no query word is known."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        known = [t for t in tokenize([query], return_ids=False)[0] if t in self.retriever.vocab_dict]
        if not known:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        scores = self.retriever.get_scores(known)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        # Only chunks holding a query word score above zero: selecting among those, not all
        # rows, is what keeps a 1M-chunk query fast (100 -> 23 ms measured).
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        top = candidates[np.argsort(-scores[candidates], kind="stable")]
        return scores[top].astype(np.float32), top.astype(np.int64)

    def unknown_words(self, text: str) -> list[str]:
        """The text's words (as written, stop words left out) that no chunk holds."""
        vocab = self.retriever.vocab_dict if self.size else {}
        words = [w for w in re.findall(r"\w\w+", text) if w.lower() not in _STOPWORDS]
        stems = _stemmer().stemWords([w.lower() for w in words]) if words else []
        return [w for w, stem in zip(words, stems) if stem not in vocab]

    def max_idf(self) -> float:
        """The weight of a word no chunk holds: as rare as can be."""
        total = max(1, self.size)
        return float(np.log(1.0 + (total - 1 + 0.5) / 1.5))

    def idf(self, terms: set[str]) -> dict[str, float]:
        """Inverse document frequency of the terms the index knows: rare names weigh more than
        "said" or "Syria"; unknown words are left out."""
        vocab = self.retriever.vocab_dict
        scores = getattr(self.retriever, "scores", None)
        if not isinstance(scores, dict) or "indptr" not in scores:
            return {}
        indptr, total = scores["indptr"], max(1, self.size)
        weights = {}
        for term in terms:
            if term in vocab:
                df = float(indptr[vocab[term] + 1] - indptr[vocab[term]])
                weights[term] = float(np.log(1.0 + (total - df + 0.5) / (df + 0.5)))
        return weights

