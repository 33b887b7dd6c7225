"""The index directory on disk: generations swapped in atomically, checked when opened.

    INDEX_DIR/
      current -> gen-20261125T140102Z-1a2b   (symlink, replaced atomically by a build)
      gen-.../manifest.json                  (model, layout, counts, sha256 of every file)
      gen-.../meta.sqlite                    (articles, chunks, quotes: text and offsets)
      gen-.../vectors.npy                    (float32 chunk vectors, row = chunk id)
      gen-.../dense.faiss                    (the vector index over those rows)
      gen-.../bm25/                          (bm25s lexical index over the same rows, and
                                              doc_keys.npy, doc_lengths.npy, term_counts.npy: the
                                              term counts an update reuses, `index.term_counts`)
      gen-.../.verified.json                 (size, mtime, inode of the files that last passed)
      gen-.../statements.npy                 (article row, start, end, speaker id, reported per quote id)
      gen-.../statement_vectors.npy          (float32 vectors of quotes and reported statements)
      gen-.../statements.faiss, bm25-statements/   (their vector and lexical indexes)
      gen-.../speaker_vectors.npy            (float32 vectors of the speaker directory's texts)
      .build.lock                            (held by the one build that may run)
      ingest/articles/*.jsonl                (articles fetched by `python -m index.ingest`)
      ingest/state.sqlite                    (what ingestion fetched: items, ETags, hashes)

A build writes a new generation beside the live one and only then points `current` at it,
so a failed or killed build leaves the previous index whole. Readers resolve `current` once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index import schema

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CURRENT = "current"
LOCK = ".build.lock"
KEEP_GENERATIONS = 2  # the live one and the one before it


class IndexProblem(RuntimeError):
    """Base for index problems; the message always says what to run to fix it."""


class IndexMissing(IndexProblem):
    pass


class IndexMismatch(IndexProblem):
    pass


class IndexDamaged(IndexProblem):
    pass


class BuildLocked(IndexProblem):
    pass


def rebuild_hint(index_dir: Path) -> str:
    return f"python -m index.build --rebuild --index-dir {index_dir} corpus"


@dataclass
class Manifest:
    model: str
    dimension: int
    precision: str
    chunk_words: int
    chunker: str
    extractor: str
    index_type: str
    corpus_fingerprint: str
    counts: dict[str, int]
    statements: str = ""  # index.statements.STATEMENTS of the build; "" before statements were searchable
    statement_index_type: str = ""
    built_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    format_version: int = FORMAT_VERSION
    app_version: str = "0.1.0"
    files: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def read(cls, generation: Path) -> Manifest:
        data = json.loads((generation / MANIFEST).read_text())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def write(self, generation: Path, checksums: Checksums | None = None) -> None:
        """With every file's checksum (those `checksums` computed meanwhile, if given)."""
        self.files = {
            str(p.relative_to(generation)): {
                "sha256": checksums.get(p) if checksums is not None else _sha256(p),
                "bytes": p.stat().st_size}
            for p in _generation_files(generation)
        }
        tmp = generation / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        _fsync(tmp)
        os.replace(tmp, generation / MANIFEST)
        _remember_verified(generation, _stamps(generation, self))  # just hashed: they pass


def _generation_files(generation: Path) -> list[Path]:
    return [p for p in sorted(generation.rglob("*"))
            if p.is_file() and p.name not in (MANIFEST, VERIFIED)]


class Checksums:
    """The sha256 of a generation's files, computed on a thread as each step finishes its
    files, while the build goes on (hashing and reading release the GIL): the manifest then
    waits only for what is left, not for 500 MB hashed at the end. A file whose size, mtime
    or inode changed after it was hashed is hashed again when asked for."""

    def __init__(self, generation: Path):
        from concurrent.futures import ThreadPoolExecutor

        self.generation = generation
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="checksums")
        self._jobs: dict[Path, Future[tuple[str, tuple[int, int, int] | None]]] = {}

    def add_finished(self) -> None:
        """Hash, in the background, every file of the generation not seen yet: call it when
        the files written so far are final."""
        for path in _generation_files(self.generation):
            if path not in self._jobs:
                self._jobs[path] = self._pool.submit(_hashed, path)

    def get(self, path: Path) -> str:
        job = self._jobs.get(path)
        if job is not None:
            digest, stamp = job.result()
            if stamp is not None and stamp == _file_stamp(path):
                return digest
        return _sha256(path)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _file_stamp(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _hashed(path: Path) -> tuple[str, tuple[int, int, int] | None]:
    """The digest and the file's stamp, None when it changed while it was read."""
    before = _file_stamp(path)
    digest = _sha256(path)
    return digest, (before if _file_stamp(path) == before else None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


INGEST = "ingest"


def ingested_articles(index_dir: Path) -> Path:
    """Articles live ingestion fetched, one JSON Lines file each. Every build of this index
    reads them with its corpus, so an operator's rebuild keeps what the feeds brought."""
    return index_dir / INGEST / "articles"


def current_generation(index_dir: Path) -> Path | None:
    """The live generation, or None when no build has completed yet."""
    link = index_dir / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / MANIFEST).exists() else None


def open_generation(index_dir: Path, model: str | None = None, verify: bool = True) -> tuple[Path, Manifest]:
    """Find, check and describe the live generation; every failure names the rebuild command."""
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexMissing(f"no index in {index_dir}. Build one: {rebuild_hint(index_dir)}")
    try:
        manifest = Manifest.read(generation)
    except (OSError, ValueError, TypeError) as exc:
        raise IndexDamaged(f"{generation / MANIFEST} is unreadable ({exc}). "
                           f"Rebuild: {rebuild_hint(index_dir)}") from exc
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatch(
            f"index in {index_dir} has layout v{manifest.format_version}, this version reads "
            f"v{FORMAT_VERSION}. Rebuild: {rebuild_hint(index_dir)}")
    if model is not None and manifest.model != model:
        raise IndexMismatch(
            f"index in {index_dir} was built with model {manifest.model!r}, but EMBEDDING_MODEL "
            f"is {model!r}. Rebuild: {rebuild_hint(index_dir)} (or set EMBEDDING_MODEL back)")
    if verify:
        verify_files(generation, manifest, index_dir)
    return generation, manifest


STATEMENT_COLUMNS = ("article_row", "start", "end", "speaker_id", "reported", "context_start",
                     "context_end")  # of statements.npy, by statement id
STATEMENT_FILES = {"table": "statements.npy", "vectors": "statement_vectors.npy",
                   "faiss": "statements.faiss", "bm25": "bm25-statements",
                   "qdrant": "qdrant-statements"}
SPEAKER_VECTORS = "speaker_vectors.npy"
NO_SPEAKER = -1  # speaker id of an unattributed statement

CHUNK_TABLE = "chunks.npy"  # (article row, start, end) per chunk id: the chunks table, loadable at once


def save_chunk_table(generation: Path, table: np.ndarray) -> None:
    """The chunk offsets as one array beside SQLite: reading a million rows back through
    sqlite3 cost the bot 1.2 s at every start."""
    np.save(generation / CHUNK_TABLE, np.asarray(table, dtype=np.int64).reshape(-1, 3))


def save_statement_table(generation: Path, table: list[tuple[int, ...]]) -> None:
    """`STATEMENT_COLUMNS` by statement id, loaded at once by readers: masks by speaker, date
    or article are numpy over it, never SQLite; the context span (the sentences holding the
    statement) is found once, here, not at every question."""
    np.save(generation / STATEMENT_FILES["table"],
            np.asarray(table, dtype=np.int64).reshape(-1, len(STATEMENT_COLUMNS)))


def load_chunk_table(generation: Path, db: sqlite3.Connection) -> np.ndarray:
    """(article row, start, end) by chunk id; from SQLite for generations built before."""
    if (generation / CHUNK_TABLE).exists():
        return np.load(generation / CHUNK_TABLE)
    return chunk_table_from_db(db)


def chunk_table_from_db(db: sqlite3.Connection) -> np.ndarray:
    """The chunks table read row by row: what `chunks.npy` saves doing at every start."""
    return np.array(schema.chunk_spans(db), dtype=np.int64).reshape(-1, 3)


VERIFIED = ".verified.json"  # size, mtime and inode of each file when its checksum last passed


def verify_files(generation: Path, manifest: Manifest, index_dir: Path) -> None:
    """Check every file against the manifest's checksum, once per copy of the generation:
    hashing a 1M-chunk index takes ~3 s, so a generation whose files still have the size,
    mtime and inode they had when they last passed is not hashed again. A file rewritten or
    copied since is hashed in full; a read-only index is hashed on every open."""
    stamps = _stamps(generation, manifest)
    try:
        if stamps is not None and json.loads((generation / VERIFIED).read_text()) == stamps:
            return
    except (OSError, ValueError):
        pass
    for name, expected in manifest.files.items():
        path = generation / name
        if not path.is_file():
            raise IndexDamaged(f"index file {path} is missing. Rebuild: {rebuild_hint(index_dir)}")
        if path.stat().st_size != expected["bytes"] or _sha256(path) != expected["sha256"]:
            raise IndexDamaged(
                f"index file {path} is damaged (checksum differs from the manifest). "
                f"Rebuild: {rebuild_hint(index_dir)}")
    # the stamps from before hashing: a file changed meanwhile is hashed again next time
    _remember_verified(generation, stamps)


def _remember_verified(generation: Path, stamps: dict[str, list[int]] | None) -> None:
    if stamps is None:
        return
    try:
        tmp = generation / (VERIFIED + ".tmp")
        tmp.write_text(json.dumps(stamps))
        os.replace(tmp, generation / VERIFIED)
    except OSError:
        pass


def _stamps(generation: Path, manifest: Manifest) -> dict[str, list[int]] | None:
    try:
        stats = {name: (generation / name).stat() for name in manifest.files}
    except OSError:
        return None
    return {name: [s.st_size, s.st_mtime_ns, s.st_ino] for name, s in stats.items()}


@contextmanager
def exclusive(path: Path, wait: bool, busy: Callable[[str], Exception]) -> Iterator[None]:
    """Hold an exclusive lock on the file `path`, which names its holder; when another
    process holds it and `wait` is false, raise `busy(that holder)`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            raise busy(handle.read().strip() or "another process") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_lock(index_dir: Path, wait: bool = False) -> AbstractContextManager[None]:
    """One build at a time per index directory; the second waits or refuses."""
    return exclusive(index_dir / LOCK, wait, lambda holder: BuildLocked(
        f"another build is running on {index_dir} ({holder}); "
        f"wait for it, or pass --wait to queue behind it"))


def new_generation(index_dir: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    generation = index_dir / f"gen-{stamp}-{os.getpid()}.partial"
    generation.mkdir(parents=True)
    return generation


def publish(index_dir: Path, partial: Path) -> Path:
    """Point `current` at a finished generation in one atomic rename, then tidy old ones."""
    final = partial.with_name(partial.name.removesuffix(".partial"))
    for path in partial.rglob("*"):
        if path.is_file():
            _fsync(path)
    os.rename(partial, final)
    tmp_link = index_dir / f".{CURRENT}.{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    os.symlink(final.name, tmp_link)
    os.replace(tmp_link, index_dir / CURRENT)
    dir_fd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    _tidy(index_dir, final)
    return final


def remove_partials(index_dir: Path) -> None:
    """Delete what killed builds left; only call it under the build lock."""
    for path in index_dir.glob("gen-*.partial"):
        shutil.rmtree(path, ignore_errors=True)


def _tidy(index_dir: Path, live: Path) -> None:
    """Keep the newest finished generations: a reader may still be on the one before."""
    finished = sorted(p for p in index_dir.glob("gen-*") if not p.name.endswith(".partial"))
    for path in finished[:-KEEP_GENERATIONS]:
        if path != live:
            shutil.rmtree(path, ignore_errors=True)


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + ("?mode=ro" if readonly else "")
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    return connection


SCHEMA = schema.SCHEMA  # kept for older callers; the schema lives in index/schema.py
