"""What ingestion remembers between polls, in SQLite beside the index (`INDEX_DIR/ingest/`).

Feeds: ETag and Last-Modified, so an unchanged feed costs one 304. Items: each feed entry by
its GUID (else its link) with a signature of what the feed said, its status and how many polls
have tried it, so the next poll fetches only what is new, changed or due for a retry. Articles:
each stored article by canonical url with its text hash and its page's validators, for
deduplication and conditional refetches. An item is queued (`pending`) in the same transaction
that records its feed's ETag, so a poll killed before fetching it leaves it due, not lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from index.ingest.feeds import Entry

Status = Literal["pending", "failed", "stored", "duplicate", "disallowed", "given_up"]
VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY, title TEXT, etag TEXT, modified TEXT, polled_at TEXT, error TEXT
);
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY, link TEXT, feed_url TEXT NOT NULL, entry TEXT NOT NULL,
    signature TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    reason TEXT, article_id TEXT
);
CREATE INDEX IF NOT EXISTS items_link ON items(link);
CREATE INDEX IF NOT EXISTS items_status ON items(status);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, url TEXT NOT NULL UNIQUE, text_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL, etag TEXT, modified TEXT, first_fetched TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_text ON articles(text_hash);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Item:
    key: str
    entry: Entry
    status: Status
    attempts: int
    reason: str | None
    article_id: str | None


@dataclass(frozen=True)
class StoredArticle:
    id: str
    url: str
    text_hash: str
    content_hash: str
    etag: str | None
    modified: str | None
    first_fetched: str


class State:
    def __init__(self, connection: sqlite3.Connection):
        self.db = connection
        self.db.row_factory = sqlite3.Row

    @classmethod
    def open(cls, path: Path) -> State:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=30, isolation_level=None,
                                     check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(SCHEMA)
        connection.execute(f"PRAGMA user_version={VERSION}")
        return cls(connection)

    @classmethod
    def read_only(cls, path: Path) -> State:
        """For --dry-run: the state as it is, or an empty one; nothing is ever written."""
        if path.exists():
            return cls(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True))
        connection = sqlite3.connect(":memory:")
        connection.executescript(SCHEMA)
        return cls(connection)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- polls and the build they owe ------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                        "excluded.value", (key, value))

    @property
    def build_pending(self) -> bool:
        """Articles were stored that no finished build has indexed yet."""
        return self._meta("build_pending") == "1"

    def set_build_pending(self, pending: bool) -> None:
        self._set_meta("build_pending", "1" if pending else "0")

    # --- feeds -------------------------------------------------------------------------------

    def validators(self, feed_url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, modified FROM feeds WHERE url = ?", (feed_url,)).fetchone()
        return (row["etag"], row["modified"]) if row else (None, None)

    def save_feed(self, url: str, *, title: str | None = None, etag: str | None = None,
                  modified: str | None = None, error: str | None = None, polled_at: str) -> None:
        """A failed fetch keeps the validators it had; a read replaces them."""
        self.db.execute(
            "INSERT INTO feeds VALUES (?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET "
            "title = COALESCE(excluded.title, title), polled_at = excluded.polled_at, "
            "error = excluded.error, "
            "etag = CASE WHEN excluded.error IS NULL THEN excluded.etag ELSE etag END, "
            "modified = CASE WHEN excluded.error IS NULL THEN excluded.modified ELSE modified END",
            (url, title, etag, modified, polled_at, error))

    # --- items -------------------------------------------------------------------------------

    def item(self, key: str) -> Item | None:
        return self._item(self.db.execute("SELECT * FROM items WHERE key = ?", (key,)).fetchone())

    def item_by_link(self, link: str) -> Item | None:
        return self._item(self.db.execute("SELECT * FROM items WHERE link = ? LIMIT 1",
                                          (link,)).fetchone())

    def due(self, max_attempts: int) -> list[Item]:
        """Items queued or failed that have tries left, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM items WHERE status IN ('pending', 'failed') AND attempts < ? "
            "ORDER BY rowid", (max_attempts,)).fetchall()
        return [self._item(r) for r in rows]  # type: ignore[misc]

    def queue(self, entry: Entry, reset_attempts: bool = False) -> None:
        """Due for a fetch: new, or changed in its feed (which earns a failed item new tries)."""
        self.db.execute(
            "INSERT INTO items (key, link, feed_url, entry, signature, status) "
            "VALUES (?,?,?,?,?, 'pending') ON CONFLICT(key) DO UPDATE SET "
            "link = excluded.link, entry = excluded.entry, signature = excluded.signature, "
            "status = 'pending', attempts = CASE WHEN ? THEN 0 ELSE attempts END",
            (entry.key, entry.link, entry.feed_url, entry.to_json(), entry.signature,
             reset_attempts))

    def settle(self, item: Item, status: Status, *, reason: str | None = None,
               article_id: str | None = None) -> None:
        """An item fetched, or skipped for good: it is not due again until its entry changes."""
        self.db.execute("UPDATE items SET status = ?, reason = ?, attempts = 0, "
                        "article_id = COALESCE(?, article_id) WHERE key = ?",
                        (status, reason, article_id, item.key))

    def fail(self, item: Item, reason: str, max_attempts: int) -> tuple[int, bool]:
        """One more failed try; returns the tries so far and whether the item is given up."""
        attempts = item.attempts + 1
        given_up = attempts >= max_attempts
        self.db.execute("UPDATE items SET status = ?, reason = ?, attempts = ? WHERE key = ?",
                        ("given_up" if given_up else "failed", reason, attempts, item.key))
        return attempts, given_up

    @staticmethod
    def _item(row: sqlite3.Row | None) -> Item | None:
        if row is None:
            return None
        return Item(row["key"], Entry.from_json(row["entry"]), row["status"], row["attempts"],
                    row["reason"], row["article_id"])

    # --- articles ----------------------------------------------------------------------------

    def article(self, article_id: str) -> StoredArticle | None:
        return self._article("id", article_id)

    def article_by_url(self, url: str) -> StoredArticle | None:
        return self._article("url", url)

    def article_by_text(self, text_hash: str) -> StoredArticle | None:
        return self._article("text_hash", text_hash)

    def _article(self, column: str, value: str) -> StoredArticle | None:
        row = self.db.execute(f"SELECT id, url, text_hash, content_hash, etag, modified, "
                              f"first_fetched FROM articles WHERE {column} = ? LIMIT 1",
                              (value,)).fetchone()
        return StoredArticle(*row) if row else None

    def save_article(self, article: StoredArticle, fetched_at: str) -> None:
        self.db.execute(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "url = excluded.url, text_hash = excluded.text_hash, "
            "content_hash = excluded.content_hash, etag = excluded.etag, "
            "modified = excluded.modified, fetched_at = excluded.fetched_at",
            (article.id, article.url, article.text_hash, article.content_hash, article.etag,
             article.modified, article.first_fetched, fetched_at))

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT status, COUNT(*) FROM items GROUP BY status").fetchall())
