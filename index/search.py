"""Read side of the index: two searchable collections (passages and statements), the speaker
directory, and the records behind them.

One `SearchIndex` is one generation, opened read-only and checked against its manifest. It never
changes after opening; a reader that wants a newer index opens a new one and swaps references.
Each `Collection` answers dense, lexical and fused top-k queries over its rows: chunks of
articles, or quotes and reported statements (which search reads with their speaker and their
sentence, see `index.statements`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np

from index import schema, store, vector_stores
from index.config import IndexSettings
from index.dense import VectorStore
from index.lexical import LexicalIndex, tokenize
from index.records import Article, Quote
from index.speakers import NameHints, Pair, SpeakerTable, source_of
from index.statements import STATEMENTS

Mode = Literal["hybrid", "dense", "bm25"]
T = TypeVar("T")
_KEY_SPAN = 1 << 32  # (article row, character offset) as one sortable integer
DENSE_WEIGHT = 0.6  # hybrid: share of the max-normalised cosine; BM25/its max gets the rest


@dataclass(frozen=True)
class Hit:
    chunk_id: int
    score: float  # fused score, higher is better
    dense: float | None  # cosine similarity, when the dense list had it
    lexical: float | None  # BM25 score, when the lexical list had it


@dataclass(frozen=True)
class ArticleMeta:
    """An article without its text: what citations need, small enough to keep in memory."""

    row: int
    id: str
    title: str
    date: datetime
    source: str | None
    url: str | None


@dataclass(frozen=True)
class QuoteRecord:
    id: int
    article_row: int
    quote: Quote
    text_hash: str


class Collection:
    """Rows of one kind (chunks, or statements) searchable by meaning and by words: a vector
    store for top-k, the exact vectors for scoring chosen rows, and BM25."""

    def __init__(self, vectors: VectorStore, lexical: LexicalIndex, matrix: np.ndarray):
        self.vectors = vectors
        self.lexical = lexical
        self.matrix = np.asarray(matrix)  # a plain view of the mmap: indexing a memmap costs more

    def __len__(self) -> int:
        return len(self.matrix)

    def cosine(self, ids: list[int] | np.ndarray, query_vector: np.ndarray) -> np.ndarray:
        """Exact similarity of chosen rows to the query, whatever index found them."""
        return np.asarray(self.matrix[ids], dtype=np.float32) @ query_vector

    def search(self, query: str, query_vector: np.ndarray | None, k: int, mode: Mode = "hybrid",
               allowed: np.ndarray | None = None, depth: int = 50) -> list[Hit]:
        """Top-k rows. Hybrid fuses max-normalised cosine and BM25 scores, weighted."""
        dense: dict[int, tuple[int, float]] = {}
        lexical: dict[int, tuple[int, float]] = {}
        if mode in ("hybrid", "dense") and query_vector is not None:
            scores, ids = self.vectors.search(query_vector, depth, allowed)
            dense = {int(i): (rank, float(s)) for rank, (s, i) in enumerate(zip(scores, ids))}
        if mode in ("hybrid", "bm25"):
            scores, ids = self.lexical.search(query, depth, allowed)
            lexical = {int(i): (rank, float(s)) for rank, (s, i) in enumerate(zip(scores, ids))}
        # Weighted fusion of max-normalised scores (a single list is the same formula with its
        # weight at 1): unlike reciprocal ranks it keeps how far ahead the best chunk is on each
        # list, and every mode's scores share one 0..1 scale.
        weight = 0.0 if query_vector is None else {"dense": 1.0, "bm25": 0.0}.get(mode, DENSE_WEIGHT)
        ids = sorted(set(dense) | set(lexical))
        if not ids:
            return []
        cosines = (self.cosine(ids, query_vector) if weight else np.zeros(len(ids)))  # exact
        top_cos = max(float(cosines.max()), 1e-6)
        top_lex = max((s for _, s in lexical.values()), default=1.0)
        fused = {chunk_id: weight * cos / top_cos
                 + (1 - weight) * lexical.get(chunk_id, (0, 0.0))[1] / top_lex
                 for chunk_id, cos in zip(ids, cosines.tolist())}
        best = sorted(fused, key=lambda c: -fused[c])[:k]
        return [Hit(c, fused[c], dense.get(c, (0, None))[1], lexical.get(c, (0, None))[1])
                for c in best]


class SearchIndex:
    def __init__(self, generation: Path, manifest: store.Manifest, vectors: VectorStore,
                 lexical: LexicalIndex, statements: Collection):
        self.generation = generation
        self.manifest = manifest
        self.passages = Collection(vectors, lexical,
                                   np.load(generation / "vectors.npy", mmap_mode="r"))
        self.vectors, self.lexical, self.matrix = vectors, lexical, self.passages.matrix
        self.statements = statements
        self.db = store.connect(generation / "meta.sqlite", readonly=True)
        table = store.load_chunk_table(generation, self.db)
        self.chunk_article = np.ascontiguousarray(table[:, 0])
        self.chunk_spans = np.ascontiguousarray(table[:, 1:])
        self.articles = [
            ArticleMeta(r["row"], r["id"], r["title"], datetime.fromisoformat(r["date"]),
                        r["source"], r["url"])
            for r in schema.article_metas(self.db)
        ]
        self._chunk_keys = self.chunk_article * _KEY_SPAN + self.chunk_spans[:, 0]
        table = np.load(generation / store.STATEMENT_FILES["table"])
        self.statement_article = np.ascontiguousarray(table[:, 0])
        self.statement_spans = np.ascontiguousarray(table[:, 1:3])
        self.statement_speaker = np.ascontiguousarray(table[:, 3])
        self.statement_context = np.ascontiguousarray(table[:, 5:7])  # its sentences' span
        self.speaker_keys = schema.speaker_keys(self.db)
        self.speaker_ids = {key: i for i, key in enumerate(self.speaker_keys)}
        self.speaker_vectors = np.load(generation / store.SPEAKER_VECTORS)
        self.acronyms = schema.acronyms(self.db)
        self._text_cache: dict[int, str] = {}
        self._speaker_cache: dict[str, list[Pair]] = {}
        self._statement_cache: dict[int, QuoteRecord] = {}
        self._lock = threading.Lock()  # one connection shared by the bot's worker threads
        self._has_reported = schema.has_reported(self.db)

    @classmethod
    def open(cls, settings: IndexSettings, verify: bool = True) -> SearchIndex:
        generation, manifest = store.open_generation(
            settings.index_dir, model=settings.embedding_model, verify=verify)
        if manifest.statements != STATEMENTS:
            raise store.IndexMismatch(
                f"the index in {settings.index_dir} was built by an earlier version (statements "
                f"{manifest.statements or 'not searchable'}, this version reads {STATEMENTS}). "
                f"Update it: python -m index.build --index-dir {settings.index_dir} <your "
                f"corpus> (chunk vectors are reused; only statements are embedded)")
        files = store.STATEMENT_FILES
        engine = vector_stores.backend(settings.store_backend)
        vectors = engine.open(generation, manifest.index_type, "chunks")
        statement_vectors = engine.open(generation, manifest.statement_index_type, "statements")
        lexical = LexicalIndex.load(generation, manifest.counts["chunks"])
        statements = Collection(
            statement_vectors,
            LexicalIndex.load(generation, manifest.counts["statements"], files["bm25"]),
            np.load(generation / files["vectors"], mmap_mode="r"))
        return cls(generation, manifest, vectors, lexical, statements)

    def _read(self, query: Callable[..., T], *args: object) -> T:
        """One `index.schema` query on the shared connection, one thread at a time."""
        with self._lock:
            return query(self.db, *args)

    def cosine(self, chunk_ids: list[int], query_vector: np.ndarray) -> np.ndarray:
        """Exact similarity of chosen chunks to the query, whatever index found them."""
        return self.passages.cosine(chunk_ids, query_vector)

    # --- records -------------------------------------------------------------------------

    def article_text(self, row: int) -> str:
        text = self._text_cache.get(row)
        if text is None:
            text = self._read(schema.article_text, row)
            if len(self._text_cache) > 4096:
                self._text_cache.clear()
            self._text_cache[row] = text
        return text

    def article(self, row: int) -> Article:
        meta = self.articles[row]
        return Article(meta.id, meta.title, meta.date, meta.source, meta.url, self.article_text(row))

    def chunk_text(self, chunk_id: int) -> str:
        start, end = self.chunk_spans[chunk_id]
        return self.article_text(int(self.chunk_article[chunk_id]))[start:end]

    def is_lede(self, chunk_id: int) -> bool:
        """Whether the chunk opens its article."""
        return chunk_id == 0 or self.chunk_article[chunk_id - 1] != self.chunk_article[chunk_id]

    def chunks_at(self, article_rows: list[int], offsets: list[int]) -> np.ndarray:
        """The chunk holding each (article, character offset), all at once (a speaker may have
        thousands of quotes).
        Chunk ids run in (article, start) order, so one sorted key finds them all."""
        rows = np.asarray(article_rows, dtype=np.int64)
        keys = rows * _KEY_SPAN + np.asarray(offsets, dtype=np.int64)
        found = np.searchsorted(self._chunk_keys, keys, side="right") - 1
        first = np.searchsorted(self.chunk_article, rows, side="left")
        return np.maximum(found, first)

    def quotes_in_articles(self, rows: list[int]) -> list[QuoteRecord]:
        return [self._quote(r) for r in self._quotes_where("article_row", rows)]

    def _quotes_where(self, column: str, values: list) -> list[tuple]:
        """Quote rows whose `column` is one of `values` (`index.schema.quotes_where`)."""
        return self._read(schema.quotes_where, column, values, self._has_reported)

    @cached_property
    def speakers(self) -> SpeakerTable:
        """Every distinct (speaker, role) pair: small, so speaker questions match in memory."""
        return SpeakerTable(self._read(schema.speaker_role_pairs))

    def matching_speakers(self, query: str, hints: NameHints,
                          matches: Callable[[str | None, str | None], bool],
                          nearest: np.ndarray | None = None, limit: int = 0) -> list[Pair]:
        """The (speaker, role) pairs a user's name for someone matches, remembered per query;
        `matches` runs only on the pairs that pass `hints` (with `limit`, on that many at most,
        those whose speaker ranks highest in `nearest`, a score per speaker id: "army" passes
        thousands of pairs, and the full matcher costs ~40 us a pair).
        A person matched by a role in one article is the same person under another role
        ("head of the Syrian Observatory" here, "Observatory director" there): a full name
        matched once brings all its pairs."""
        def match() -> list[Pair]:
            candidates = self.speakers.candidates(hints)
            if limit and nearest is not None and len(candidates) > limit:
                ids = self.speaker_ids
                score = [nearest[ids[source_of(*p)]] if source_of(*p) in ids else -1.0
                         for p in candidates]
                candidates = [candidates[i] for i in np.argsort(score)[::-1][:limit]]
            found = {(s, r) for s, r in candidates if matches(s, r)}
            names = {s for s, _ in found if s and len(s.split()) >= 2}
            found.update(p for name in names for p in self.speakers.by_name[name])
            return [p for p in self.speakers.pairs if p in found]

        return _remembered(self._speaker_cache, query.lower(), match, limit=1024)

    def _quote(self, row: tuple) -> QuoteRecord:
        id_, article_row, start, end, speaker, role, cue, text_hash, reported = row
        quote = Quote(self.articles[article_row].id, start, end, speaker, role, cue,
                      bool(reported))
        return QuoteRecord(id_, article_row, quote, text_hash)

    def quote_records(self) -> list[QuoteRecord]:
        """Every quote of this generation, in id order: follow alerts compare generations."""
        return [self._quote(r) for r in self._read(schema.all_quotes, self._has_reported)]

    def quotes_with_hash(self, text_hashes: list[str]) -> list[QuoteRecord]:
        return [self._quote(r) for r in self._quotes_where("text_hash", text_hashes)]

    @cached_property
    def sources(self) -> list[str]:
        return sorted({a.source for a in self.articles if a.source})

    @cached_property
    def article_days(self) -> np.ndarray:
        return np.array([a.date.date().toordinal() for a in self.articles], dtype=np.int64)

    @cached_property
    def _article_sources(self) -> np.ndarray:
        return np.array([(a.source or "").lower() for a in self.articles], dtype=str)

    def article_rows(self, date_from: date | None, date_to: date | None,
                     source: str | None) -> np.ndarray:
        """Rows of the articles dated from `date_from` to `date_to` (inclusive, either open)
        and from `source` (any case), in numpy: a Python test per article cost ~4 ms per
        dated question at 100k chunks (10k articles)."""
        keep = np.ones(len(self.articles), dtype=bool)
        if date_from is not None:
            keep &= self.article_days >= date_from.toordinal()
        if date_to is not None:
            keep &= self.article_days <= date_to.toordinal()
        if source is not None:
            keep &= self._article_sources == source.lower()
        return np.flatnonzero(keep)

    def chunk_mask(self, article_rows: np.ndarray) -> np.ndarray:
        """Bool mask over chunks whose article is in `article_rows` (for date/source filters)."""
        wanted = np.zeros(len(self.articles), dtype=bool)
        wanted[article_rows] = True
        return wanted[self.chunk_article]

    # --- search --------------------------------------------------------------------------

    def search(self, query: str, query_vector: np.ndarray | None, k: int, mode: Mode = "hybrid",
               allowed: np.ndarray | None = None, depth: int = 50) -> list[Hit]:
        """Top-k chunks (see `Collection.search`)."""
        return self.passages.search(query, query_vector, k, mode, allowed, depth)

    def statement_records(self, ids: list[int]) -> list[QuoteRecord]:
        """Statements by id (a quote's id is its statement row), in the order asked; each read
        from SQLite once per generation (an ask reads ~150, mostly the same from question to
        question on a topic), the memory bounded."""
        cache = self._statement_cache  # shared by the bot's worker threads: read with .get
        found = {i: r for i in ids if (r := cache.get(i)) is not None}
        missing = sorted(set(ids) - found.keys())
        if missing:
            fresh = {r[0]: self._quote(r) for r in self._quotes_where("id", missing)}
            if len(cache) > 200_000:
                cache.clear()
            cache.update(fresh)
            found |= fresh
        return [found[i] for i in ids if i in found]

    def statement_mask(self, article_rows: np.ndarray) -> np.ndarray:
        """Bool mask over statements whose article is in `article_rows`."""
        wanted = np.zeros(len(self.articles), dtype=bool)
        wanted[article_rows] = True
        return wanted[self.statement_article]

    def mentions(self, words: list[str]) -> bool:
        """Does some chunk hold every one of these words (as BM25 reads words)? A cheap,
        exact "is this name anywhere in the corpus", for telling a reader plainly. An
        apostrophe inside a word is optional ("O'Brien" is also FA-KES's "OBrien")."""
        joined = " ".join(words)
        plain = re.sub(r"(?<=\w)['’](?=\w)", "", joined)
        return self._holds_all(joined) or (plain != joined and self._holds_all(plain))

    def _holds_all(self, text: str) -> bool:
        terms = list(dict.fromkeys(tokenize([text], return_ids=False)[0]))
        vocab = self.lexical.retriever.vocab_dict
        if not terms or any(t not in vocab for t in terms):
            return False
        every = None
        for term in terms:
            held = self.lexical.retriever.get_scores([term]) > 0
            every = held if every is None else every & held
        return bool(every is not None and every.any())

    # --- words -------------------------------------------------------------------------

    def terms(self, texts: list[str]) -> list[set[str]]:
        """Each text's stemmed content words, as BM25 reads them (stop words dropped)."""
        return [set(t) for t in tokenize(texts, return_ids=False)] if texts else []

    def close(self) -> None:
        self.db.close()


def _remembered(cache: dict, key: object, make: Callable[[], T], limit: int) -> T:
    """`cache[key]`, made once; the cache is emptied past `limit` entries. Worker threads may
    fill or clear it meanwhile, so the value is kept in a local, never re-read."""
    value = cache.get(key)
    if value is None:
        value = make()
        if len(cache) > limit:
            cache.clear()
        cache[key] = value
    return value
