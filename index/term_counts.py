"""BM25 term counts kept in bm25s's own layout, so an update merges instead of re-indexing.

bm25s stores its scores by term (CSC: each term's column lists the documents holding it, in
document order: `indices`, delimited by `indptr`). The counts are kept in that same order
(`term_counts.npy`), with each document's length and text key, so an update that keeps the
collection's first documents and appends others tokenises only texts it has not seen, puts
their entries at the end of each term's column (a linear insert, no sort of the collection)
and rescores every entry with bm25s's float operations (IDF and the average length are
collection-wide: every score changes, none of the structure does). A collection saved in the
layout before (`doc_*.npy`, by document) is converted when it is first read.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
from bm25s.scoring import _score_idf_lucene

# bm25s's own file names (`BM25.save`): the columns are read back from them
INDICES, INDPTR, VOCAB = "indices.csc.index.npy", "indptr.csc.index.npy", "vocab.index.json"
FILES = ("doc_keys.npy", "doc_lengths.npy", "term_counts.npy")
OLD_FILES = ("doc_keys.npy", "doc_offsets.npy", "doc_terms.npy", "doc_counts.npy",
             "doc_vocab.json")  # by document: the layout before, converted on reading

Tokenize = Callable[[list[str]], list[list[str]]]


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def present(directory: Path) -> bool:
    """Whether `directory` kept its counts (in either layout): an update can then keep its
    documents without their texts."""
    return (all((directory / f).is_file() for f in (*FILES, INDICES, INDPTR, VOCAB))
            or all((directory / f).is_file() for f in OLD_FILES))


@dataclass
class TermCounts:
    """A collection's documents as BM25 needs them to score it again without its texts."""

    keys: np.ndarray  # (docs,) "S16": blake2b of each text
    lengths: np.ndarray  # (docs,) int64: tokens, repeats counted
    vocab: list[str]  # term by id
    indptr: np.ndarray  # (terms + 1,) int64: each term's entries
    indices: np.ndarray  # (entries,) int32: the document of each entry, by term then document
    counts: np.ndarray  # (entries,) int32 (uint16 on disk when it fits)

    @property
    def size(self) -> int:
        return len(self.keys)

    @classmethod
    def empty(cls) -> TermCounts:
        return cls(np.zeros(0, "S16"), np.zeros(0, np.int64), [], np.zeros(1, np.int64),
                   np.zeros(0, np.int32), np.zeros(0, np.int32))

    @classmethod
    def load(cls, directory: Path) -> TermCounts | None:
        """A saved collection's counts, or None when it kept none (built before they were)."""
        if all((directory / f).is_file() for f in (*FILES, INDICES, INDPTR, VOCAB)):
            ids = json.loads((directory / VOCAB).read_text())
            indptr = np.load(directory / INDPTR).astype(np.int64)
            vocab = [""] * (len(indptr) - 1)
            for term, i in ids.items():
                if i < len(vocab):  # bm25s adds "" past the last term
                    vocab[i] = term
            keys, lengths, counts = (np.load(directory / f) for f in FILES)
            return cls(keys, lengths.astype(np.int64), vocab, indptr,
                       np.load(directory / INDICES).astype(np.int32), counts.astype(np.int32))
        if all((directory / f).is_file() for f in OLD_FILES):
            return cls._from_old_layout(directory)
        return None

    @classmethod
    def _from_old_layout(cls, directory: Path) -> TermCounts:
        """The layout before: each document's (term, count) entries in document order. A
        stable sort by term gives the columns, documents in order within each."""
        keys, offsets, terms, counts = (np.load(directory / f) for f in OLD_FILES[:4])
        vocab = json.loads((directory / OLD_FILES[4]).read_text())
        order = np.argsort(terms, kind="stable")
        docs = np.repeat(np.arange(len(keys), dtype=np.int32), np.diff(offsets))
        total = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(vocab)), out=indptr[1:])
        return cls(keys, total[offsets[1:]] - total[offsets[:-1]], vocab, indptr,
                   docs[order], counts[order].astype(np.int32))

    def save(self, directory: Path) -> None:
        """Beside bm25s's files, which hold `indices`, `indptr` and the vocabulary."""
        small = self.counts.size == 0 or int(self.counts.max()) <= np.iinfo(np.uint16).max
        counts = self.counts.astype(np.uint16) if small else self.counts  # mostly 1 or 2
        for file, array in zip(FILES, (self.keys, self.lengths.astype(np.int32), counts)):
            np.save(directory / file, array)

    @classmethod
    def build(cls, texts: list[str], tokenize: Tokenize, previous: TermCounts | None = None,
              kept: int = 0) -> TermCounts:
        """The previous collection's first `kept` documents as they are, then `texts`: a
        text the previous collection holds keeps its counts, the others are tokenised.
        Terms no document holds any more leave the vocabulary, as in a build from scratch."""
        if kept and (previous is None or previous.size < kept):
            raise ValueError(f"cannot keep {kept} documents of a collection of "
                             f"{0 if previous is None else previous.size}")
        base = previous.prefix(kept) if previous is not None else cls.empty()
        vocab = list(base.vocab)
        ids = {term: i for i, term in enumerate(vocab)}
        keys = np.array([text_key(t) for t in texts], dtype="S16").reshape(-1)
        docs, terms, counts, lengths = _Entries(), _Entries(), _Entries(), np.zeros(len(texts), np.int64)
        found = previous.find(keys) if previous is not None else np.full(len(texts), -1)
        if (found >= 0).any():
            reused = np.flatnonzero(found >= 0)
            d, t, c = previous.entries_of(found[reused])
            docs.add(reused[d]), terms.add(t), counts.add(c)  # `ids` began as its vocabulary
            lengths[reused] = previous.lengths[found[reused]]
        fresh = np.flatnonzero(found < 0)
        new_docs, new_terms, new_counts = [], [], []
        for j, words in zip(fresh.tolist(), tokenize([texts[i] for i in fresh.tolist()])):
            counted = Counter(ids.setdefault(w, len(ids)) for w in words)
            new_docs += [j] * len(counted)
            new_terms += counted.keys()
            new_counts += counted.values()
            lengths[j] = len(words)
        docs.add(np.asarray(new_docs, np.int64)), terms.add(np.asarray(new_terms, np.int64))
        counts.add(np.asarray(new_counts, np.int64))
        vocab += list(ids)[len(vocab):]
        merged = base.appended(keys, lengths, vocab, docs.get() + kept, terms.get(), counts.get())
        return merged.without_unused_terms()

    def prefix(self, kept: int) -> TermCounts:
        """The first `kept` documents: the entries of the others leave every column."""
        if kept == self.size:
            return self
        held = self.indices < kept
        before = np.concatenate([[0], np.cumsum(held, dtype=np.int64)])
        return TermCounts(self.keys[:kept], self.lengths[:kept], self.vocab, before[self.indptr],
                          self.indices[held], self.counts[held])

    def find(self, keys: np.ndarray) -> np.ndarray:
        """For each key, the first document with that text, or -1."""
        if not len(keys) or not self.size:
            return np.full(len(keys), -1, dtype=np.int64)
        order = np.argsort(self.keys, kind="stable")  # the first of equal keys first
        ranked = self.keys[order]
        at = np.minimum(np.searchsorted(ranked, keys), len(ranked) - 1)
        return np.where(ranked[at] == keys, order[at], -1).astype(np.int64)

    def entries_of(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position in `docs`, term, count) of every entry of those documents (one may be
        asked twice: the same text in two places); the columns are scanned once."""
        wanted = np.zeros(self.size, dtype=bool)
        wanted[docs] = True
        picked = np.flatnonzero(wanted[self.indices])
        picked = picked[np.argsort(self.indices[picked], kind="stable")]  # by document
        owner = self.indices[picked]
        starts = np.searchsorted(owner, docs)
        sizes = np.searchsorted(owner, docs, side="right") - starts
        take = np.repeat(starts - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
        take = picked[take + np.arange(sizes.sum())]
        terms = np.searchsorted(self.indptr, take, side="right") - 1
        return (np.repeat(np.arange(len(docs)), sizes), terms, self.counts[take])

    def appended(self, keys: np.ndarray, lengths: np.ndarray, vocab: list[str],
                 docs: np.ndarray, terms: np.ndarray, counts: np.ndarray) -> TermCounts:
        """These counts with documents added after the last: since every added document
        comes after every kept one, each added entry goes at the end of its term's column."""
        order = np.lexsort((docs, terms))
        docs, terms, counts = docs[order], terms[order], counts[order]
        indptr = np.concatenate([self.indptr, np.full(len(vocab) + 1 - len(self.indptr),
                                                      self.indptr[-1])])
        at = indptr[terms + 1]  # the end of each added entry's column, before the insert
        added = np.bincount(terms, minlength=len(vocab)).astype(np.int64)
        indptr[1:] += np.cumsum(added)
        return TermCounts(np.concatenate([self.keys, keys]),
                          np.concatenate([self.lengths, lengths]), vocab, indptr,
                          np.insert(self.indices, at, docs.astype(np.int32)),
                          np.insert(self.counts, at, counts.astype(np.int32)))

    def without_unused_terms(self) -> TermCounts:
        df = np.diff(self.indptr)
        held = df > 0
        if held.all():
            return self
        indptr = np.concatenate([[0], np.cumsum(df[held])]).astype(np.int64)
        return TermCounts(self.keys, self.lengths, [t for t, h in zip(self.vocab, held.tolist()) if h],
                          indptr, self.indices, self.counts)

    def retriever(self) -> bm25s.BM25:
        """A bm25s index with the scores `bm25s.BM25.index` computes (method "lucene"), the
        same float operations, vectorised over the entries in their stored order."""
        retriever = bm25s.BM25()
        k1, b, dtype = retriever.k1, retriever.b, retriever.dtype
        n_docs, n_vocab = self.size, len(self.vocab)
        if n_docs:
            df = np.diff(self.indptr)
            idf_of = {int(d): _score_idf_lucene(int(d), n_docs) for d in np.unique(df)}
            idf = np.array([idf_of[int(d)] for d in df.tolist()], dtype=dtype)
            tf = self.counts.astype(dtype)
            norm = k1 * ((1 - b) + b * self.lengths.astype(np.float64) / self.lengths.mean())
            data = (np.repeat(idf, df) * (tf / (norm[self.indices] + tf))).astype(dtype)
        else:
            data = np.zeros(0, dtype)
        retriever.scores = {"data": data, "indices": self.indices, "indptr": self.indptr,
                            "num_docs": n_docs}
        retriever.vocab_dict = dict(zip(self.vocab, range(n_vocab)))
        retriever.vocab_dict.setdefault("", n_vocab)  # as bm25s' `create_empty_token`
        retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
        retriever.nonoccurrence_array = None  # "lucene" has none
        return retriever


class _Entries:
    """Arrays gathered in parts, joined once."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []

    def add(self, part: np.ndarray) -> None:
        self.parts.append(np.asarray(part, dtype=np.int64))

    def get(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.zeros(0, np.int64)

