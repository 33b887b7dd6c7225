"""The operator's command: turn the corpus into a new index generation, incrementally.

    python -m index.build [PATH ...] [--index-dir DIR] [--csv-map F=COL,...] [--strict]

Only articles whose text is new are embedded; vectors of unchanged text are copied from the
live generation. The new generation is written beside the live one and swapped in at the end,
so a failed, interrupted or killed build leaves the previous index whole.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from index import schema, space, speaker_directory, statements, store, vector_files, vector_stores
from index.aliases import learn_acronyms
from index.articles import Article, Problem, load, parse_csv_map
from index.chunks import Chunk, chunk_article
from index.config import IndexSettings
from index.dense import choose_index_type, index_bytes
from index.embedding_cache import EmbeddingCache
from index.kept_statements import SPEAKER, KeptStatements
from index.lexical import LexicalIndex
from index.quotes import Quote, extract_statements
from index.speaker_directory import Directory
from index.speakers import source_of
from index.statements import STATEMENTS

log = logging.getLogger(__name__)

CHUNKER = "sentences-v1"
EXTRACTOR = "quotes-v20"  # bump whenever what the extractor finds changes: every article is read again


@dataclass
class BuildReport:
    articles: int = 0
    chunks: int = 0
    quotes: int = 0
    reported: int = 0  # sentences reporting what a named speaker said
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded_chunks: int = 0
    embedded_statements: int = 0  # statements and speaker descriptions embedded
    cached_chunks: int = 0  # vectors taken from the embedding cache (an earlier build computed)
    cached_statements: int = 0
    skipped: list[Problem] = field(default_factory=list)
    duplicates: int = 0
    elapsed: float = 0.0
    generation: Path | None = None
    up_to_date: bool = False

    def summary(self) -> str:
        lines = [
            f"articles {self.articles}  chunks {self.chunks}  quotes {self.quotes}  "
            f"reported statements {self.reported}",
            f"new {self.new}  changed {self.changed}  removed {self.removed}  "
            f"unchanged {self.unchanged}  (chunks embedded: {self.embedded_chunks}, "
            f"statements and speakers embedded: {self.embedded_statements})",
        ]
        if self.cached_chunks or self.cached_statements:
            lines.append(f"from the embedding cache (computed by an earlier build, not "
                         f"embedded again): chunks {self.cached_chunks}, statements and "
                         f"speakers {self.cached_statements}")
        if self.duplicates:
            lines.append(f"duplicates skipped (same text as another article): {self.duplicates}")
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)}:")
            lines += [f"  {problem}" for problem in self.skipped]
        state = "index is up to date" if self.up_to_date else f"index: {self.generation}"
        lines.append(f"{state}  ({self.elapsed:.1f} s)")
        return "\n".join(lines)


class BuildError(RuntimeError):
    pass


_STEPS = {"records": "writing articles, chunks and quotes",
          "embed": "writing the vectors",
          "index": "writing the vector and BM25 indexes",
          "manifest": "writing the manifest",
          "publish": "publishing the new generation"}


@dataclass
class _Stage:
    """Where a build is, what it still needs on disk and what it has kept in the embedding
    cache: what the message says when the disk fills. Forwards stage names to `on_stage`."""

    forward: Callable[[str], None] | None = None
    name: str = "records"
    need: space.Estimate | None = None
    cache: EmbeddingCache | None = None

    def __call__(self, name: str) -> None:
        if name in _STEPS:
            self.name = name
        if self.forward:
            self.forward(name)


def _disk_full(exc: BaseException, index_dir: Path, stage: _Stage) -> BuildError:
    """The operator's message for a full disk: what failed, where, what it needs, what is free."""
    file = space.failed_file(exc)
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "no space left"
    lines = [f"the disk is full: {_STEPS[stage.name]} failed"
             + (f" ({file})" if file else "") + f" in {index_dir}: {reason}."]
    free = space.megabytes(space.free_bytes(index_dir))
    if stage.need is not None:
        lines.append(f"The new generation needs about {space.megabytes(stage.need.total)} "
                     f"in all ({stage.need.describe(with_written=True)}); {free} is free.")
    else:
        lines.append(f"{free} is free.")
    lines.append("The previous index is unchanged and still serves. Free some space (or build "
                 "into another --index-dir) and run the build again")
    kept = stage.cache.added if stage.cache is not None else 0
    lines[-1] += (f": the {kept:,} texts embedded so far are kept in the embedding cache and "
                  "are not embedded again." if kept else ".")
    return BuildError(" ".join(lines))


def embedding_text(article: Article, chunk: Chunk) -> str:
    """What the embedder and BM25 see: the title gives a short chunk its topic."""
    return f"{article.title}\n{chunk.text(article)}"


def collect(paths: Iterable[Path], csv_map: dict[str, str] | None, report: BuildReport,
            strict: bool, max_chars: int | None = None) -> list[Article]:
    """Load, report what was skipped, and keep one article per distinct text and per id."""
    by_id: dict[str, Article] = {}
    seen_text: set[str] = set()
    for item in load(paths, csv_map, max_chars):
        if isinstance(item, Problem):
            report.skipped.append(item)
            continue
        if item.text_hash in seen_text:
            report.duplicates += 1
            continue
        if item.id in by_id:
            report.skipped.append(Problem(Path(item.id), None, "duplicate article id with a "
                                          "different text; the first one is kept"))
            continue
        seen_text.add(item.text_hash)
        by_id[item.id] = item
    if strict and report.skipped:
        raise BuildError("--strict: some input could not be read:\n" +
                         "\n".join(f"  {p}" for p in report.skipped))
    return list(by_id.values())


def corpus_fingerprint(articles: list[Article], settings: IndexSettings) -> str:
    """Everything a generation depends on: when it is unchanged, the build has nothing to do."""
    digest = hashlib.sha256(f"{settings.embedding_model}|{_precision(settings)}|"
                            f"{settings.chunk_words}|{CHUNKER}|{EXTRACTOR}|{STATEMENTS}|"
                            f"{settings.store_backend}".encode())
    for fingerprint in sorted(a.fingerprint for a in articles):
        digest.update(fingerprint.encode())
    return digest.hexdigest()


@dataclass
class _Previous:
    """What the live generation can lend: vectors and quotes keyed by article text."""

    connection: sqlite3.Connection
    generation: Path
    manifest: store.Manifest
    vectors: np.ndarray
    fingerprints: dict[str, str]  # article id -> fingerprint
    identities: dict[str, tuple]  # article id -> (title, date, source, url, text hash, fingerprint)
    rows_by_text: dict[str, int]  # text hash -> article row (quotes depend on the text only)
    rows_by_embedded: dict[tuple[str, str], int]  # (title, text hash) -> row: what was embedded
    keyed: dict[str, np.ndarray]  # statements' and speakers' vectors by `statements.text_key`
    order: list[tuple[str, str]]  # (id, fingerprint) by article row

    @classmethod
    def open(cls, settings: IndexSettings) -> _Previous | None:
        try:
            generation, manifest = store.open_generation(settings.index_dir)
        except store.IndexProblem as exc:
            if not isinstance(exc, store.IndexMissing):
                log.warning("previous index not reused: %s", exc)
            return None
        if (manifest.model, manifest.precision, manifest.chunk_words, manifest.chunker) != (
            settings.embedding_model, _precision(settings), settings.chunk_words, CHUNKER
        ):
            log.info("model, precision or chunking changed: every article is embedded again")
            return None
        connection = store.connect(generation / "meta.sqlite", readonly=True)
        rows = schema.article_identities(connection)  # by row
        return cls(
            connection=connection,
            generation=generation,
            manifest=manifest,
            vectors=np.load(generation / "vectors.npy", mmap_mode="r"),
            fingerprints={r[1]: r[6] for r in rows},
            identities={r[1]: (r[2], r[3], r[4], r[5], r[7], r[6]) for r in rows},
            rows_by_text={r[7]: r[0] for r in rows},
            rows_by_embedded={(r[2], r[7]): r[0] for r in rows},
            keyed=_keyed_vectors(connection, generation, manifest),
            order=[(r[1], r[6]) for r in rows],
        )

    def lend_fingerprints(self, articles: list[Article]) -> None:
        """Each article this generation holds with the same fields keeps its fingerprint."""
        for article in articles:
            held = self.identities.get(article.id)
            if held is not None and held[:5] == (article.title, article.date.isoformat(),
                                                 article.source, article.url, article.text_hash):
                article.take_fingerprint(held[5])

    def same_rows(self, articles: list[Article]) -> int:
        """How many leading articles sit in the same row with the same content as here: their
        rows, chunks and quotes (numbered in article order) can be copied as they are."""
        if self.manifest.extractor != EXTRACTOR:
            return 0
        kept = 0
        for (old_id, old_fingerprint), article in zip(self.order, articles):
            if (old_id, old_fingerprint) != (article.id, article.fingerprint):
                break
            kept += 1
        return kept

    def chunks(self, article: Article) -> tuple[list[Chunk], np.ndarray] | None:
        """Chunks and vectors of the same title and text (the embedder sees both)."""
        row = self.rows_by_embedded.get((article.title, article.text_hash))
        if row is None:
            return None
        found = schema.chunks_of(self.connection, row)
        chunks = [Chunk(article.id, r["start"], r["end"]) for r in found]
        return chunks, np.asarray(self.vectors[[r["id"] for r in found]], dtype=np.float32)

    def quotes(self, article: Article) -> list[Quote] | None:
        row = self.rows_by_text.get(article.text_hash)
        if row is None or self.manifest.extractor != EXTRACTOR:
            return None
        found = schema.quotes_of(self.connection, row)
        return [Quote(article.id, r["start"], r["end"], r["speaker"], r["role"], r["cue"],
                      bool(r["reported"])) for r in found]


def _keyed_vectors(connection: sqlite3.Connection, generation: Path,
                   manifest: store.Manifest) -> dict[str, np.ndarray]:
    """The statement and speaker vectors of a generation by the key of the text embedded:
    what an update, or a build after a new extractor, need not embed again."""
    if not manifest.statements:
        return {}
    found: dict[str, np.ndarray] = {}
    for table, file in (("quotes", store.STATEMENT_FILES["vectors"]),
                        ("speakers", store.SPEAKER_VECTORS)):
        matrix = np.load(generation / file, mmap_mode="r")
        for row_id, key in schema.search_keys(connection, table):
            if key is not None and key not in found:
                found[key] = matrix[row_id]
    return found


def build(
    paths: list[Path],
    settings: IndexSettings,
    *,
    csv_map: dict[str, str] | None = None,
    strict: bool = False,
    rebuild: bool = False,
    wait: bool = False,
    progress: bool = False,
    embedder=None,
    on_stage: Callable[[str], None] | None = None,
    keep_live: bool = False,
) -> BuildReport:
    """Build or update the index in `settings.index_dir` from `paths` and the articles live
    ingestion stored beside it (`store.ingested_articles`). With `keep_live` the live index's
    articles stay too, each replaced by an article of `paths` with its id: how a poll adds what
    it fetched without knowing the operator's corpus."""
    started = time.perf_counter()
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:  # a mistyped path would drop its articles from the live index
        raise BuildError("no such file or directory: " + ", ".join(missing) +
                         "; nothing was changed")
    ingested = store.ingested_articles(settings.index_dir)
    paths = [*paths, *([ingested] if ingested.is_dir() else [])]
    report = BuildReport()
    articles = collect(paths, csv_map, report, strict, settings.max_article_chars)
    if not articles and not keep_live:
        raise BuildError("no articles found in " + ", ".join(map(str, paths)) +
                         ("; nothing was changed" if report.skipped else ""))
    index_dir = settings.index_dir
    stage = _Stage(on_stage)
    try:
        with store.build_lock(index_dir, wait=wait):
            store.remove_partials(index_dir)  # leftovers of a killed build; none is running now
            if keep_live:
                articles = _with_live(articles, index_dir, report)
                if not articles:
                    raise BuildError(
                        f"no articles to index: none given, and no index in {index_dir}")
            previous = None if rebuild else _Previous.open(settings)
            try:
                if previous is not None:
                    previous.lend_fingerprints(articles)
                fingerprint = corpus_fingerprint(articles, settings)
                if previous is not None and previous.manifest.corpus_fingerprint == fingerprint:
                    counts = previous.manifest.counts
                    report.articles = report.unchanged = len(articles)
                    report.chunks, report.quotes = counts["chunks"], counts["quotes"]
                    report.reported = counts.get("reported", 0)
                    report.up_to_date, report.generation = True, previous.generation
                else:
                    _publish_new(articles, previous, settings, fingerprint, report, progress,
                                 stage, embedder, rebuild)
            finally:
                if previous is not None:
                    previous.connection.close()
    except Exception as exc:  # a full disk is the operator's to fix: say so, without a traceback
        if not space.is_disk_full(exc):
            raise
        raise _disk_full(exc, index_dir, stage) from exc
    report.elapsed = time.perf_counter() - started
    return report


def _with_live(articles: list[Article], index_dir: Path, report: BuildReport) -> list[Article]:
    """The live generation's articles, each replaced by the given article of the same id, then
    the given ones it lacks; a text met twice is kept once (the first, as `collect` does)."""
    generation = store.current_generation(index_dir)
    live: list[Article] = []
    if generation is not None:
        db = store.connect(generation / "meta.sqlite", readonly=True)
        try:
            live = schema.articles(db)
        finally:
            db.close()
    given = {a.id: a for a in articles}
    merged = [given.pop(a.id, a) for a in live] + list(given.values())
    seen: set[str] = set()
    kept = []
    for article in merged:
        if article.text_hash in seen:
            report.duplicates += 1
            continue
        seen.add(article.text_hash)
        kept.append(article)
    return kept


def _publish_new(articles: list[Article], previous: _Previous | None, settings: IndexSettings,
                 fingerprint: str, report: BuildReport, progress: bool, stage: _Stage,
                 embedder, rebuild: bool = False) -> None:
    """Write a whole new generation beside the live one, then swap it in; on any failure
    the partial generation is removed."""
    _classify(articles, previous, report)
    if embedder is None:
        from index.embed import Embedder

        embedder = Embedder(settings.embedding_model, settings.embedding_precision,
                            settings.embedding_batch_size)
    partial = store.new_generation(settings.index_dir)
    checksums = store.Checksums(partial)
    try:
        manifest = _write_generation(partial, articles, previous, embedder, settings,
                                     fingerprint, report, progress, stage, checksums, rebuild)
        stage("manifest")
        manifest.write(partial, checksums)
        stage("publish")
        report.generation = store.publish(settings.index_dir, partial)
    except BaseException:
        checksums.close()
        shutil.rmtree(partial, ignore_errors=True)
        raise
    checksums.close()


def _precision(settings: IndexSettings) -> str:
    """`auto` is the decision remembered for this machine (measured once), so it is the same
    on every run and an unchanged corpus is never embedded again."""
    from index.embed import choose_precision

    return choose_precision(settings.embedding_precision, settings.embedding_model,
                            settings.precision_cache)


def _classify(articles: list[Article], previous: _Previous | None, report: BuildReport) -> None:
    known = previous.fingerprints if previous else {}
    current_ids = {a.id for a in articles}
    for article in articles:
        old = known.get(article.id)
        if old is None:
            report.new += 1
        elif old == article.fingerprint:
            report.unchanged += 1
        else:
            report.changed += 1
    report.removed = sum(1 for article_id in known if article_id not in current_ids)
    report.articles = len(articles)


@dataclass
class _Embedding:
    """Texts to turn into one vectors file: those a previous generation lends are copied,
    the rest embedded. The texts of a leading block of positions the live generation holds
    as they are need not be made at all (`start`): nothing embeds or tokenises them."""

    file: str
    texts: list[str]  # of the positions from `start` on
    reused: dict[int, np.ndarray] = field(default_factory=dict)  # position -> vector
    cached: int = 0  # how many of `reused` came from the embedding cache
    block: vector_files.Block | None = None  # the live vectors of the first positions, reused
    start: int = 0  # at most len(block)
    start_chars: int = 0  # the characters of the texts before `start` (the space estimate)

    @property
    def size(self) -> int:
        return self.start + len(self.texts)

    def text(self, position: int) -> str:
        return self.texts[position - self.start]

    @property
    def missing(self) -> list[int]:
        first = 0 if self.block is None else len(self.block)
        return [i for i in range(first, self.size) if i not in self.reused]


@dataclass
class _Records:
    """What the SQLite step hands the later ones."""

    chunks: _Embedding
    chunk_count: int
    statements: list[tuple[int, Quote]]  # (article row, quote) by statement id, after `kept`'s
    kept_quotes: int = 0  # statements copied with the previous generation's SQLite file
    kept: KeptStatements | None = None  # those, as its statement table (None: in `statements`)

    @property
    def count(self) -> int:
        return (len(self.kept) if self.kept is not None else 0) + len(self.statements)


def _write_generation(partial: Path, articles: list[Article], previous: _Previous | None,
                      embedder, settings: IndexSettings, fingerprint: str, report: BuildReport,
                      progress: bool, stage: _Stage, checksums: store.Checksums,
                      rebuild: bool = False) -> store.Manifest:
    """The build's steps, in order: records, statements (speakers, texts, their table),
    embedding (the cache and the space check first), vector and lexical indexes, counts;
    then the manifest that describes them. The files each step finishes are hashed in the
    background while the next ones run (`checksums`)."""
    db, kept = _open_records(partial, articles, previous)
    records = _write_records(partial, db, articles, previous, settings, kept)
    texts = _write_statements(partial, db, articles, records, previous)
    checksums.add_finished()
    embeddings = [records.chunks, texts.statements, texts.speakers]
    matrices = _embed_all(partial, embeddings, texts.lexical_chars, embedder, settings, progress,
                          stage, rebuild)
    checksums.add_finished()
    stage("index")
    chunk_type = _vector_index(partial, matrices[0], previous, settings, "chunks",
                               len(records.chunks.block or ()))
    statement_type = _vector_index(partial, matrices[1], previous, settings, "statements",
                                   len(texts.statements.block or ()))
    del matrices
    checksums.add_finished()
    _lexical_indexes(partial, records.chunks, texts, previous)
    _count(report, records, embeddings)
    return store.Manifest(
        model=settings.embedding_model,
        dimension=embedder.dimension,
        precision=embedder.precision,
        chunk_words=settings.chunk_words,
        chunker=CHUNKER,
        extractor=EXTRACTOR,
        index_type=chunk_type,
        corpus_fingerprint=fingerprint,
        counts={"articles": len(articles), "chunks": records.chunk_count,
                "quotes": report.quotes, "reported": report.reported,
                "statements": records.count, "speakers": texts.speakers.size},
        statements=STATEMENTS,
        statement_index_type=statement_type,
    )


@dataclass
class _Statements:
    """What the statements step hands the later ones: the texts to embed (statements and
    speakers, with the vectors the live generation lends) and BM25's texts of statements."""

    statements: _Embedding
    speakers: _Embedding
    lexical: list[str]  # of the statements from `statements.start` on
    lexical_chars: int  # of all statements' BM25 texts, about (the space estimate)


def _write_statements(partial: Path, db: sqlite3.Connection, articles: list[Article],
                      records: _Records, previous: _Previous | None) -> _Statements:
    """The speaker directory, each statement's speaker id, texts and key (updated only where
    they changed) into SQLite, and the statement table beside it. The statements the live
    generation holds as they are (`_kept_statements`) keep its texts' keys, vectors and
    BM25 counts: their texts are not made again."""
    kept_ids, new_ids, speaker_texts = _write_speakers(db, articles, records, previous)
    kept = _kept_statements(db, records, previous)
    found, known = records.statements, []
    if records.kept is not None and not kept:  # their texts are made again
        found, known = records.kept.quotes(articles) + found, records.kept.spans()
    statement_texts, lexical_texts, spans = _statement_texts(articles, found, db, known)
    speaker_ids = np.concatenate([kept_ids, np.asarray(new_ids, dtype=np.int64)])
    _store_statement_keys(db, records, speaker_ids, [statements.text_key(t) for t in statement_texts],
                          kept)
    db.commit()
    db.close()
    head = records.kept.table[:kept] if kept else np.zeros((0, len(store.STATEMENT_COLUMNS)), np.int64)
    table = np.concatenate([head, np.array([(row, q.start, q.end, 0, int(q.reported), *span)
                                            for (row, q), span in zip(found, spans)],
                                           dtype=np.int64).reshape(-1, head.shape[1])])
    table[:, SPEAKER] = speaker_ids
    store.save_statement_table(partial, table)
    keyed = previous.keyed if previous is not None else {}
    embedding = _keyed_embedding(store.STATEMENT_FILES["vectors"], statement_texts, keyed, kept)
    if kept:
        embedding.block = vector_files.Block(
            previous.generation / store.STATEMENT_FILES["vectors"], kept)
    chars = records.kept.characters(articles) if kept else 0  # labels aside
    return _Statements(embedding, _keyed_embedding(store.SPEAKER_VECTORS, speaker_texts, keyed),
                       lexical_texts, chars + sum(map(len, lexical_texts)))


def _store_statement_keys(db: sqlite3.Connection, records: _Records, speaker_ids: np.ndarray,
                          keys: list[str], kept: int) -> None:
    """Each statement's speaker id and (from `kept` on) search key into SQLite, only where
    the copied file holds another: the first `kept` keep their keys, so only their speaker
    ids are compared, as arrays."""
    if kept:
        moved = np.flatnonzero(speaker_ids[:kept] != records.kept.table[:kept, SPEAKER])
        schema.set_quote_speakers(db, [(int(speaker_ids[i]), int(i)) for i in moved])
    stored = ({i: (sid, key) for i, sid, key in schema.quote_keys_before(db, records.kept_quotes)}
              if kept < records.kept_quotes else {})
    schema.set_quote_keys(db, [(sid, key, i) for i, (sid, key) in
                               enumerate(zip(speaker_ids[kept:].tolist(), keys), start=kept)
                               if stored.get(i) != (sid, key)])


def _kept_statements(db: sqlite3.Connection, records: _Records, previous: _Previous | None
                     ) -> int:
    """How many leading statements have the very texts the live generation gave them: those
    of the articles it holds in the same rows (their sentence spans were read back, so made
    by the same `STATEMENTS`), when the acronyms their BM25 texts name are the same and the
    live BM25 kept its term counts. Otherwise none: every text is made again."""
    kept = len(records.kept) if records.kept is not None else 0
    if not kept or schema.acronyms(db) != schema.acronyms(previous.connection):
        return 0
    live = previous.generation
    if not (LexicalIndex.has_terms(live / store.STATEMENT_FILES["bm25"])
            and (live / store.STATEMENT_FILES["vectors"]).is_file()):
        return 0
    return kept


def _embed_all(partial: Path, embeddings: list[_Embedding], lexical_chars: int, embedder,
               settings: IndexSettings, progress: bool, stage: _Stage, rebuild: bool
               ) -> list[np.ndarray]:
    """Every vectors file: what the embedding cache holds is taken from it, the space the
    generation needs is checked before any embedding, then the rest is embedded."""
    stage.cache = EmbeddingCache.for_index(settings.index_dir, settings.embedding_model,
                                           embedder.precision, embedder.dimension,
                                           settings.embedding_cache_mb)
    try:
        if not rebuild:  # --rebuild embeds everything again; the cache still keeps it
            for embedding in embeddings:
                _from_cache(embedding, stage.cache)
        stage.need = _space_needed(partial, embeddings, lexical_chars, embedder.dimension)
        _check_space(partial, stage.need, stage.cache)
        # the vectors files are allocated before the cache grows: it must leave the rest
        stage.cache.reserve = space.Estimate(
            {k: n for k, n in stage.need.parts.items() if k != "vectors"}).remaining
        stage("embed")
        return _embed(partial, embeddings, embedder, progress, settings, stage)
    finally:
        stage.cache.close()


def _lexical_indexes(partial: Path, chunks: _Embedding, statements: _Statements,
                     previous: _Previous | None) -> None:
    """BM25 of both collections; the live generation's term counts spare tokenising again
    what it holds, and the chunks and statements it holds as they are are kept without their texts
    (`LexicalIndex.build`)."""
    for texts, kept, name in ((chunks.texts, chunks.start, LexicalIndex.DIR),
                              (statements.lexical, statements.statements.start,
                               store.STATEMENT_FILES["bm25"])):
        live = previous.generation / name if previous is not None else None
        LexicalIndex.build(texts, previous=live, kept=kept).save(partial, name)


def _count(report: BuildReport, records: _Records, embeddings: list[_Embedding]) -> None:
    """The summary's counts: what the generation holds, what was embedded, what the cache gave."""
    reported = (records.kept.reported if records.kept is not None else 0) + sum(
        q.reported for _, q in records.statements)
    report.chunks, report.quotes, report.reported = (records.chunk_count,
                                                     records.count - reported, reported)
    report.embedded_chunks = len(records.chunks.missing)
    report.embedded_statements = len(embeddings[1].missing) + len(embeddings[2].missing)
    report.cached_chunks = records.chunks.cached
    report.cached_statements = embeddings[1].cached + embeddings[2].cached


def _open_records(partial: Path, articles: list[Article], previous: _Previous | None
                  ) -> tuple[sqlite3.Connection, int]:
    """The new generation's SQLite file: a copy of the previous one without the rows past
    the articles both share in the same order (an update mostly appends), or a new file.
    Returns it and how many leading articles it already holds."""
    path = partial / "meta.sqlite"
    kept = previous.same_rows(articles) if previous is not None else 0
    if not kept:
        db = store.connect(path)
        schema.create(db)
        return db, 0
    shutil.copyfile(previous.generation / "meta.sqlite", path)
    db = store.connect(path)
    schema.truncate(db, kept)
    return db, kept


def _write_records(partial: Path, db: sqlite3.Connection, articles: list[Article],
                   previous: _Previous | None, settings: IndexSettings, kept: int = 0) -> _Records:
    """Articles, chunks and statements into SQLite (chunks also as `chunks.npy`); chunk
    vectors of unchanged articles are taken from the previous generation. The first `kept`
    articles' rows are already in `db` (`_open_records`): read back, not written again."""
    chunks = _Embedding("vectors.npy", [])
    shared = np.zeros((0, 3), dtype=np.int64)  # (article row, start, end) of kept chunks
    found: list[tuple[int, Quote]] = []
    if kept:
        table = store.load_chunk_table(previous.generation, previous.connection)
        shared = table[table[:, 0] < kept]
        chunks.block = vector_files.Block(previous.generation / "vectors.npy", len(shared))
        chunks.texts, chunks.start, chunks.start_chars = _kept_chunk_texts(articles, shared,
                                                                            previous)
    kept_statements = _kept_statement_table(previous, kept) if kept else None
    if kept and kept_statements is None:  # a live generation without a usable table
        found = KeptStatements(np.zeros((0, 7), np.int64), kept, previous.connection).quotes(articles)
    chunk_rows: list[tuple[int, Chunk]] = []  # (article row, chunk) of the others
    first_chunk = len(shared)
    first_quote = len(kept_statements) if kept_statements is not None else len(found)
    for row, article in enumerate(articles[kept:], start=kept):
        schema.insert_article(db, row, article)
        old = previous.chunks(article) if previous else None
        for i, chunk in enumerate(old[0] if old else chunk_article(article, settings.chunk_words)):
            if old:
                chunks.reused[first_chunk + len(chunk_rows)] = old[1][i]
            chunk_rows.append((row, chunk))
            chunks.texts.append(embedding_text(article, chunk))
        quotes = previous.quotes(article) if previous else None
        found += [(row, q) for q in (extract_statements(article) if quotes is None else quotes)]
    added = np.array([(row, c.start, c.end) for row, c in chunk_rows], dtype=np.int64)
    schema.insert_chunks(db, [(i, *r) for i, r in enumerate(added.tolist(), start=first_chunk)])
    store.save_chunk_table(partial, np.concatenate([shared, added.reshape(-1, 3)]))
    schema.insert_quotes(db, [(i, row, q.start, q.end, q.speaker, q.role, q.cue,
                               hashlib.sha1(q.text(articles[row]).encode()).hexdigest(),
                               int(q.reported))
                              for i, (row, q) in enumerate(found[first_quote - len(kept_statements or ()):],
                                                           start=first_quote)])
    return _Records(chunks, first_chunk + len(chunk_rows), found, first_quote, kept_statements)


def _kept_statement_table(previous: _Previous, kept: int) -> KeptStatements | None:
    """The live statement table's rows of the first `kept` articles, when it was made by the
    same `STATEMENTS` (else their statements are read back as objects)."""
    table = previous.generation / store.STATEMENT_FILES["table"]
    if previous.manifest.statements != STATEMENTS or not table.is_file():
        return None
    return KeptStatements.of_articles(np.load(table), kept, previous.connection)


def _kept_chunk_texts(articles: list[Article], shared: np.ndarray, previous: _Previous
                      ) -> tuple[list[str], int, int]:
    """The texts of the chunks kept from the live generation, as `_Embedding` takes them
    (texts, start, characters before start): none at all when its BM25 kept term counts,
    which then stand for them (making 100k chunks and texts was an eighth of an update);
    every one when it did not, for BM25 to tokenise."""
    if not LexicalIndex.has_terms(previous.generation / LexicalIndex.DIR):
        return [embedding_text(articles[row], Chunk(articles[row].id, start, end))
                for row, start, end in shared.tolist()], 0, 0
    titles = np.array([len(a.title) + 1 for a in articles], dtype=np.int64)  # "title\n"
    return [], len(shared), int((titles[shared[:, 0]] + shared[:, 2] - shared[:, 1]).sum())


def _write_speakers(db: sqlite3.Connection, articles: list[Article], records: _Records,
                    previous: _Previous | None) -> tuple[np.ndarray, list[int], list[str]]:
    """The speaker directory (updated from the live one's where it can, `speaker_directory`)
    and the acronyms the corpus defines, into SQLite; returns the kept statements' speaker
    ids (remapped from the live ones), the other statements' and each speaker's text to embed."""
    acronyms = learn_acronyms(a.text for a in articles)
    added = [(q.speaker, q.role, q.cue) for _, q in records.statements]
    kept, kept_ids = records.kept, np.zeros(0, dtype=np.int64)
    if kept is not None:
        found = speaker_directory.updated(previous.connection, len(kept), added, acronyms)
        if found is None:
            counted = speaker_directory.counted_before(previous.connection, len(kept), added)
            found = Directory.made(counted, acronyms), Directory.read(previous.connection)
        directory, live = found
        kept_ids = directory.remap(live)[kept.table[:, SPEAKER]]
    else:
        directory = Directory.made(added, acronyms)
    schema.insert_aliases(db, sorted(acronyms.items()))
    schema.insert_speakers(db, [(i, *row) for i, row in enumerate(directory.rows)])
    ids = directory.ids()
    by_pair: dict[tuple[str | None, str | None], int] = {}  # most speakers speak many times
    for _, q in records.statements:
        if (q.speaker, q.role) not in by_pair:
            by_pair[q.speaker, q.role] = ids.get(source_of(q.speaker, q.role) or "",
                                                 store.NO_SPEAKER)
    return kept_ids, [by_pair[q.speaker, q.role] for _, q in records.statements], directory.texts


def _statement_texts(articles: list[Article], found: list[tuple[int, Quote]],
                     db: sqlite3.Connection, known: list[tuple[int, int]] = ()
                     ) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """Each statement's embedded and lexical text and sentences' span (found once; `known`:
    the first ones', read back);
    BM25's names the acronym or long form of an organisation in the label, so "Red Cross"
    and "ICRC" both reach it."""
    acronyms = schema.acronyms(db)
    longs = {long: short for short, long in acronyms.items()}

    names: dict[str, list[str]] = {}  # by label: most speakers make many statements

    def other_names(quote: Quote) -> list[str]:
        who = statements.label(quote)
        if who not in names:
            names[who] = ([acronyms[w] for w in set(who.replace("’s", " ").split()) if w in acronyms]
                          + [short for long, short in longs.items() if long in who])
        return names[who]

    spans = [*known, *(statements.sentences_span(articles[row].text, q)
                       for row, q in found[len(known):])]
    embedded = [statements.embedding_text(articles[row], q, span)
                for (row, q), span in zip(found, spans)]
    lexical = [statements.lexical_text(articles[row], q, other_names(q), span)
               for (row, q), span in zip(found, spans)]
    return embedded, lexical, spans


def _keyed_embedding(file: str, texts: list[str], keyed: dict[str, np.ndarray], start: int = 0
                     ) -> _Embedding:
    """Texts of positions `start` on, with the vectors `keyed` holds for them."""
    embedding = _Embedding(file, texts, start=start)
    for i, text in enumerate(texts, start=start):
        vector = keyed.get(statements.text_key(text))
        if vector is not None:
            embedding.reused[i] = vector
    return embedding


def _from_cache(embedding: _Embedding, cache: EmbeddingCache) -> None:
    """Vectors an earlier build computed (mostly one that failed or was killed) count as
    reused: they are not embedded again."""
    missing = embedding.missing
    for position, vector in cache.get([embedding.text(i) for i in missing]).items():
        embedding.reused[missing[position]] = vector
        embedding.cached += 1


def _space_needed(partial: Path, embeddings: list[_Embedding], statement_chars: int,
                  dimension: int) -> space.Estimate:
    """What the generation takes once written: the records as written so far, the vectors
    files, a vector index per collection, and BM25 by the characters it indexes (ratio
    measured, see `space.BM25_BYTES_PER_CHAR`). The embedding cache is not counted: it only
    grows while the disk keeps room for the rest (`EmbeddingCache.reserve`)."""
    records = sum(p.stat().st_size for p in partial.rglob("*") if p.is_file())
    chunks, statements = embeddings[0].size, embeddings[1].size
    lexical_chars = (embeddings[0].start_chars + sum(map(len, embeddings[0].texts))
                     + statement_chars)
    return space.Estimate(
        parts={"vectors": sum(e.size for e in embeddings) * dimension * 4,
               "vector indexes": sum(index_bytes(n, dimension, choose_index_type(n))
                                     for n in (chunks, statements)),
               "BM25": int(lexical_chars * space.BM25_BYTES_PER_CHAR)},
        written=records)


def _check_space(partial: Path, need: space.Estimate, cache: EmbeddingCache) -> None:
    """Refuse before the embedding work when the rest of the generation cannot fit."""
    free = space.free_bytes(partial)
    if free < need.remaining:
        held = cache.path.stat().st_size if cache.path.exists() else 0
        raise BuildError(
            f"not enough disk space in {partial.parent}: the new generation needs about "
            f"{space.megabytes(need.remaining)} more ({need.describe()}), and "
            f"{space.megabytes(free)} is free. Nothing was embedded and the previous index is "
            f"unchanged. Free some space (or build into another --index-dir) and run the build "
            f"again." + (f" (The embedding cache {cache.path} holds {space.megabytes(held)}; "
                         f"deleting it is safe.)" if held > 1_000_000 else ""))


def _embed(partial: Path, embeddings: list[_Embedding], embedder, progress: bool,
           settings: IndexSettings, stage: _Stage) -> list[np.ndarray]:
    """Every vectors file, allocated on disk first (a full disk is then an error here, never
    SIGBUS through the memory map) and written through a memory map: the live generation's
    leading block copied file to file (`vector_files`), other reused vectors copied, the
    rest embedded in batches of similar length (less padding), each distinct text once,
    each batch kept in the embedding cache as it is done."""
    from tqdm import tqdm

    matrices = [space.allocated_npy(partial / e.file, (e.size, embedder.dimension))
                for e in embeddings]
    todo = sum(len(e.missing) for e in embeddings)
    bar = tqdm(total=todo, unit="text", desc="embedding", disable=not progress)
    batch = max(64, settings.embedding_batch_size * 8)
    for embedding, vectors in zip(embeddings, matrices):
        if embedding.block is not None:
            vector_files.copy_block(embedding.block, vectors)
        for position, vector in embedding.reused.items():
            vectors[position] = vector
        first: dict[str, int] = {}  # text -> the position that embeds it
        for i in embedding.missing:
            first.setdefault(embedding.text(i), i)
        order = sorted(first.values(), key=lambda i: len(embedding.text(i)))
        for begin in range(0, len(order), batch):
            positions = order[begin : begin + batch]
            texts = [embedding.text(p) for p in positions]
            computed = embedder.encode(texts)
            vectors[positions] = computed
            if stage.cache is not None:
                stage.cache.put(texts, computed)
            bar.update(len(positions))
            stage("embed-batch")
        for i in embedding.missing:
            vectors[i] = vectors[first[embedding.text(i)]]
        bar.update(len(embedding.missing) - len(order))
        vectors.flush()
    bar.close()
    return matrices


def _vector_index(partial: Path, vectors: np.ndarray, previous: _Previous | None,
                  settings: IndexSettings, collection: Literal["chunks", "statements"],
                  copied: int = 0) -> str:
    """The vector index of one collection, by the configured backend; returns its type.
    `copied`: its leading vectors copied from the live generation's file as they are."""
    engine = vector_stores.backend(settings.store_backend)
    live = None
    if previous is not None:
        manifest = previous.manifest
        live = vector_stores.Live(previous.generation, manifest.index_type if collection ==
                                  "chunks" else manifest.statement_index_type, copied)
    dense = engine.build(vectors, collection, live)
    dense.save(partial, engine.path(collection))
    return dense.index_type


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.build", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("corpus")],
                        help="files or folders of articles (default: corpus/)")
    parser.add_argument("--index-dir", type=Path, help="where the index goes (default: INDEX_DIR)")
    parser.add_argument("--csv-map", help="CSV columns, e.g. title=article_title,text=article_content")
    parser.add_argument("--strict", action="store_true", help="fail on any unreadable file or line")
    parser.add_argument("--rebuild", action="store_true", help="embed everything again")
    parser.add_argument("--wait", action="store_true", help="wait for a running build to finish")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    log.setLevel(logging.INFO)
    logging.getLogger("index.precision").setLevel(logging.INFO)  # "auto" says what it measured
    try:
        settings = IndexSettings()
        if args.index_dir:
            settings = settings.model_copy(update={"index_dir": args.index_dir})
        report = build(args.paths, settings, csv_map=parse_csv_map(args.csv_map),
                       strict=args.strict, rebuild=args.rebuild, wait=args.wait,
                       progress=not args.quiet)
    except (BuildError, store.IndexProblem, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
