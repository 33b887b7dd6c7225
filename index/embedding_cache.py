"""Vectors a build already computed, kept beside the index so that a build which failed (a
full disk) or was killed does not embed them again when it is run once more.

    INDEX_DIR/embedding-cache.sqlite   key: sha256(model, precision, text) -> float32 vector

Written after every embedding batch and committed at once, so a SIGKILL loses at most the
batch in flight; bounded by `EMBEDDING_CACHE_MB`, the oldest rows going first. Only a build
(holding the build lock) opens it. The cache is a saving, never a requirement: when it cannot
be opened, read or written (the disk is full, the file is damaged) the build goes on without
it, with a warning. It also stops before it would take disk space the index being built
still needs (`reserve`).

The previous generation already lends the vectors of unchanged articles (`index.build`); the
cache holds what a build computed and never published.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import sqlite3
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FILE = "embedding-cache.sqlite"
ROW_OVERHEAD = 64  # key (32 bytes), the key's index entry and SQLite's row header, measured
_LOOKUP = 500  # keys per SELECT ... IN (...), under SQLite's variable limit

SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    seq INTEGER PRIMARY KEY,      -- insertion order: the smallest is evicted first
    key BLOB NOT NULL UNIQUE,     -- sha256 of model, precision and text
    vector BLOB NOT NULL          -- float32, little-endian
);
"""


class EmbeddingCache:
    """Look up and store vectors by text for one model and precision."""

    def __init__(self, path: Path, model: str, precision: str, dimension: int, max_mb: int):
        self.path = path
        self.dimension = dimension
        self._prefix = f"{model}\0{precision}\0{dimension}\0".encode()
        self.max_rows = max_mb * 1_000_000 // (dimension * 4 + ROW_OVERHEAD)
        self.db: sqlite3.Connection | None = None
        self.rows = 0
        self.added = 0  # vectors this build kept
        self.reserve = 0  # bytes of free disk the cache must leave to the build
        if self.max_rows <= 0:
            return
        try:
            self.db = self._connect()
        except sqlite3.DatabaseError as exc:  # damaged: start again; it is only a cache
            log.warning("embedding cache %s unreadable (%s); starting a new one", path, exc)
            try:
                path.unlink(missing_ok=True)
                self.db = self._connect()
            except (sqlite3.Error, OSError) as again:
                self._disable("could not be created", again)
        except OSError as exc:
            self._disable("could not be opened", exc)

    @classmethod
    def for_index(cls, index_dir: Path, model: str, precision: str, dimension: int,
                  max_mb: int) -> EmbeddingCache:
        return cls(index_dir / FILE, model, precision, dimension, max_mb)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")  # a commit per batch without two fsyncs
        db.execute("PRAGMA synchronous=NORMAL")  # committed rows survive a killed process
        db.executescript(SCHEMA)
        self.rows = db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        self._evict(db)
        db.commit()
        return db

    def _disable(self, what: str, why: object) -> None:
        log.warning("embedding cache %s %s (%s); going on without it: vectors computed from "
                    "now on are not kept for a rerun", self.path, what, why)
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None

    def key(self, text: str) -> bytes:
        return hashlib.sha256(self._prefix + text.encode("utf-8", "surrogatepass")).digest()

    def get(self, texts: list[str]) -> dict[int, np.ndarray]:
        """Position in `texts` -> cached vector, for the texts the cache holds."""
        if self.db is None or not texts:
            return {}
        positions: dict[bytes, list[int]] = {}
        for i, text in enumerate(texts):
            positions.setdefault(self.key(text), []).append(i)
        keys = list(positions)
        found: dict[int, np.ndarray] = {}
        try:
            for begin in range(0, len(keys), _LOOKUP):
                part = keys[begin : begin + _LOOKUP]
                rows = self.db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})",
                    part).fetchall()
                for key, blob in rows:
                    if len(blob) != self.dimension * 4:
                        continue
                    vector = np.frombuffer(blob, dtype="<f4").astype(np.float32)
                    for i in positions[key]:
                        found[i] = vector
        except sqlite3.Error as exc:
            self._disable("could not be read", exc)
            return {}
        return found

    def put(self, texts: list[str], vectors: np.ndarray) -> None:
        """Keep one batch and commit it; a failure (disk full) switches the cache off."""
        if self.db is None or not texts:
            return
        rows = [(self.key(t), np.ascontiguousarray(v, dtype="<f4").tobytes())
                for t, v in zip(texts, vectors)]
        try:
            if self.reserve:
                free = shutil.disk_usage(self.path.parent).free
                if free - len(rows) * (self.dimension * 4 + ROW_OVERHEAD) < self.reserve:
                    self._disable("stopped", f"{free / 1e6:,.1f} MB free, and the index being "
                                  f"built still needs about {self.reserve / 1e6:,.1f} MB")
                    return
            before = self.db.total_changes
            self.db.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)
            added = self.db.total_changes - before
            self.rows += added
            self._evict(self.db)
            self.db.commit()
            self.added += added
        except (sqlite3.Error, OSError) as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.rollback()
            self._disable("could not be written", exc)

    def _evict(self, db: sqlite3.Connection) -> None:
        """Drop the oldest rows past the bound (their pages are reused, so the file stays
        about `EMBEDDING_CACHE_MB`)."""
        extra = self.rows - self.max_rows
        if extra > 0:
            db.execute("DELETE FROM vectors WHERE seq IN "
                       "(SELECT seq FROM vectors ORDER BY seq LIMIT ?)", (extra,))
            self.rows -= extra

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None
