"""BM25 over the same chunk rows as the vectors (bm25s), so exact names are never lost.

Dense search ranks "Ma'arrat al-Numan" near any Idlib town; BM25 keeps the exact spelling
the reader typed. Both index the title with the chunk, as the embedder sees it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from bm25s.scoring import _np_csc_python, _score_idf_lucene
from bm25s.stopwords import STOPWORDS_EN

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
        it). Each text's term counts are kept beside the index (`DocTerms`), so with the
        `previous` generation's directory of this collection only texts it lacks are
        tokenised; the scores, which depend on the whole collection, are recomputed from
        the counts, which costs a fraction of tokenising. `kept`: the collection begins with
        that many of the previous one's documents, as they are; `texts` are the rest (an
        update need not even make the texts it keeps, see `has_terms`)."""
        terms = DocTerms.build(texts, DocTerms.load(previous) if previous else None, kept)
        index = cls(terms.retriever(), kept + len(texts))
        index.terms = terms
        return index

    @staticmethod
    def has_terms(directory: Path) -> bool:
        """Whether the collection in `directory` kept its term counts: an update can then
        keep its documents without their texts (`build`'s `kept`)."""
        return all((directory / f).is_file() for f in DocTerms.FILES)

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


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


@dataclass
class DocTerms:
    """Each document's distinct terms and their counts (`offsets` delimit a document's
    entries), the vocabulary they index and each document's text key: all BM25 needs to
    score a collection again without reading its texts."""

    FILES = ("doc_keys.npy", "doc_offsets.npy", "doc_terms.npy", "doc_counts.npy",
             "doc_vocab.json")

    keys: np.ndarray  # (n,) "S16": blake2b of each text
    offsets: np.ndarray  # (n + 1,) int64
    terms: np.ndarray  # int32 term ids into `vocab`
    counts: np.ndarray  # int32 (uint16 on disk when it fits): how often the term occurs
    vocab: list[str]  # term by id

    @classmethod
    def load(cls, directory: Path) -> DocTerms | None:
        """A generation's counts, or None when it has none (built before they were kept)."""
        if not LexicalIndex.has_terms(directory):
            return None
        keys, offsets, terms, counts = (np.load(directory / f) for f in cls.FILES[:4])
        return cls(keys, offsets, terms, counts.astype(np.int32),
                   json.loads((directory / cls.FILES[4]).read_text()))

    def save(self, directory: Path) -> None:
        small = self.counts.size == 0 or int(self.counts.max()) <= np.iinfo(np.uint16).max
        counts = self.counts.astype(np.uint16) if small else self.counts  # mostly 1 or 2
        for file, array in zip(self.FILES, (self.keys, self.offsets, self.terms, counts)):
            np.save(directory / file, array)
        (directory / self.FILES[4]).write_text(json.dumps(self.vocab, ensure_ascii=False))

    @classmethod
    def build(cls, texts: list[str], previous: DocTerms | None = None, kept: int = 0) -> DocTerms:
        """Counts for the previous collection's first `kept` documents, then `texts`: a text
        the previous collection holds keeps its counts, the others are tokenised. Terms no
        document holds any more leave the vocabulary."""
        if kept and (previous is None or len(previous.keys) < kept):
            raise ValueError(f"cannot keep {kept} documents of a collection of "
                             f"{0 if previous is None else len(previous.keys)}")
        added = np.array([_key(t) for t in texts], dtype="S16").reshape(-1)
        vocab = list(previous.vocab) if previous else []
        known = {k: i for i, k in reversed(list(enumerate(previous.keys.tolist())))} if previous else {}
        old = np.concatenate([np.arange(kept, dtype=np.int64),
                              np.array([known.get(k, -1) for k in added.tolist()], dtype=np.int64)])
        keys = np.concatenate([previous.keys[:kept], added]) if kept else added
        fresh = np.flatnonzero(old < 0)
        ids = {term: i for i, term in enumerate(vocab)}
        new_terms: list[int] = []
        new_counts: list[int] = []
        new_lens = np.zeros(len(fresh), dtype=np.int64)
        for j, words in enumerate(tokenize([texts[i - kept] for i in fresh], return_ids=False)):
            counted = Counter(ids.setdefault(w, len(ids)) for w in words)
            new_terms += counted.keys()
            new_counts += counted.values()
            new_lens[j] = len(counted)
        vocab += list(ids)[len(vocab):]
        base = len(previous.terms) if previous else 0
        pool_terms = np.concatenate([previous.terms if previous else np.zeros(0, np.int32),
                                     np.asarray(new_terms, dtype=np.int32)])
        pool_counts = np.concatenate([previous.counts if previous else np.zeros(0, np.int32),
                                      np.asarray(new_counts, dtype=np.int32)])
        starts = np.zeros(len(keys), dtype=np.int64)
        lens = np.zeros(len(keys), dtype=np.int64)
        reused = old >= 0
        if previous is not None:
            starts[reused] = previous.offsets[old[reused]]
            lens[reused] = previous.offsets[old[reused] + 1] - starts[reused]
        starts[fresh] = base + np.concatenate([[0], np.cumsum(new_lens)[:-1]]).astype(np.int64)
        lens[fresh] = new_lens
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        take = np.repeat(starts - offsets[:-1], lens) + np.arange(offsets[-1])
        terms, counts = pool_terms[take], pool_counts[take]
        held = np.bincount(terms, minlength=len(vocab)) > 0
        if not held.all():  # a removed document's words: gone from the index, as in a rebuild
            renumber = np.cumsum(held) - 1
            terms = renumber[terms].astype(np.int32)
            vocab = [t for t, h in zip(vocab, held.tolist()) if h]
        return cls(keys, offsets, terms, counts, vocab)

    def retriever(self) -> bm25s.BM25:
        """A bm25s index with the scores `bm25s.BM25.index` computes (method "lucene"), the
        same float operations vectorised over all documents at once."""
        retriever = bm25s.BM25()
        k1, b = retriever.k1, retriever.b
        n_docs, n_vocab = len(self.keys), len(self.vocab)
        sizes = np.diff(self.offsets)
        doc = np.repeat(np.arange(n_docs, dtype=np.int32), sizes)
        total = np.concatenate([[0], np.cumsum(self.counts, dtype=np.int64)])
        lengths = total[self.offsets[1:]] - total[self.offsets[:-1]]  # tokens, repeats counted
        if n_docs:
            avg = lengths.mean()
            df = np.bincount(self.terms, minlength=n_vocab)
            idf_of = {int(d): _score_idf_lucene(int(d), n_docs) for d in np.unique(df)}
            idf = np.array([idf_of[int(d)] for d in df.tolist()], dtype=retriever.dtype)
            tf = self.counts.astype(retriever.dtype)
            norm = k1 * ((1 - b) + b * lengths.astype(np.float64) / avg)
            scores = (idf[self.terms] * (tf / (norm[doc] + tf))).astype(retriever.dtype)
            data, indices, indptr = _np_csc_python(scores, doc, self.terms, (n_docs, n_vocab))
        else:
            data = np.zeros(0, retriever.dtype)
            indices, indptr = np.zeros(0, np.int32), np.zeros(1, np.int64)
        retriever.scores = {"data": data.astype(retriever.dtype), "indices": indices,
                            "indptr": indptr, "num_docs": n_docs}
        retriever.vocab_dict = {t: i for i, t in enumerate(self.vocab)}
        retriever.vocab_dict.setdefault("", n_vocab)  # as bm25s' `create_empty_token`
        retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
        retriever.nonoccurrence_array = None  # "lucene" has none
        return retriever
