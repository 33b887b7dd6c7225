"""Follows, the quotes already seen and the alerts owed, in one SQLite file (FOLLOWS_DB).

Why SQLite and not memory: subscriptions must survive restarts, and so must the memory of which
quotes were already indexed, or a restart would alert on the whole corpus again. Alerts are
queued (`outbox`) in the same transaction that marks their quotes seen, and taken off the queue
when Telegram accepted them: a bot killed in between sends what it owed on its next start and
never sends a quote twice (a crash between Telegram's answer and the delete may, rarely).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

MAX_FOLLOWS = 20  # per user
MAX_PHRASE = 200  # characters of a follow's phrase

Kind = Literal["person", "topic"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS follows (
    id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, chat_id INTEGER NOT NULL,
    phrase TEXT NOT NULL, kind TEXT NOT NULL, created TEXT NOT NULL,
    UNIQUE (user_id, phrase COLLATE NOCASE)
);
CREATE TABLE IF NOT EXISTS seen (
    article_id TEXT NOT NULL, text_hash TEXT NOT NULL, PRIMARY KEY (article_id, text_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS generations (path TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, chat_id INTEGER NOT NULL,
    follow_id INTEGER NOT NULL, html TEXT NOT NULL, queued TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sent (
    user_id INTEGER NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
);
"""


class FollowError(ValueError):
    """A follow that cannot be added or removed; the message is for the user."""


@dataclass(frozen=True)
class Follow:
    id: int
    user_id: int
    chat_id: int
    phrase: str
    kind: Kind


@dataclass(frozen=True)
class Alert:
    id: int
    user_id: int
    chat_id: int
    follow_id: int
    html: str


class FollowStore:
    """Thread safe: the bot's event loop and its worker threads share one connection."""

    def __init__(self, path: Path, max_follows: int = MAX_FOLLOWS) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_follows = max_follows
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # --- follows ------------------------------------------------------------------------------

    def add(self, user_id: int, chat_id: int, phrase: str, kind: Kind) -> Follow:
        phrase = " ".join(phrase.split())[:MAX_PHRASE]
        if not phrase:
            raise FollowError("Tell me whom or what to follow, e.g. /follow Lavrov")
        with self._tx() as db:
            if db.execute("SELECT 1 FROM follows WHERE user_id = ? AND phrase = ? COLLATE NOCASE",
                          (user_id, phrase)).fetchone():
                raise FollowError(f"You already follow {phrase}.")
            (count,) = db.execute("SELECT COUNT(*) FROM follows WHERE user_id = ?",
                                  (user_id,)).fetchone()
            if count >= self.max_follows:
                raise FollowError(f"You follow {count} already, the most I keep; "
                                  "/unfollow one first.")
            cursor = db.execute(
                "INSERT INTO follows (user_id, chat_id, phrase, kind, created) VALUES (?,?,?,?,?)",
                (user_id, chat_id, phrase, kind, datetime.now(UTC).isoformat()))
        return Follow(int(cursor.lastrowid or 0), user_id, chat_id, phrase, kind)

    def remove(self, user_id: int, phrase: str) -> bool:
        phrase = " ".join(phrase.split())
        with self._tx() as db:
            ids = [r[0] for r in db.execute(
                "SELECT id FROM follows WHERE user_id = ? AND phrase = ? COLLATE NOCASE",
                (user_id, phrase))]
            db.executemany("DELETE FROM outbox WHERE follow_id = ?", [(i,) for i in ids])
            db.executemany("DELETE FROM follows WHERE id = ?", [(i,) for i in ids])
        return bool(ids)

    def of_user(self, user_id: int) -> list[Follow]:
        return self._follows("WHERE user_id = ?", (user_id,))

    def all(self) -> list[Follow]:
        return self._follows("", ())

    def _follows(self, where: str, params: tuple) -> list[Follow]:
        with self._lock:
            rows = self._db.execute(f"SELECT id, user_id, chat_id, phrase, kind FROM follows "
                                    f"{where} ORDER BY id", params).fetchall()
        return [Follow(*row) for row in rows]

    def drop_user(self, user_id: int) -> int:
        """A user who blocked the bot: their follows and owed alerts go."""
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE user_id = ?", (user_id,))
            return db.execute("DELETE FROM follows WHERE user_id = ?", (user_id,)).rowcount

    # --- quotes seen ------------------------------------------------------------------------

    def knows(self, generation: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM generations WHERE path = ?",
                                    (generation,)).fetchone() is not None

    def has_baseline(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM generations LIMIT 1").fetchone() is not None

    def unseen(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (article id, text hash) pairs no earlier generation held."""
        with self._lock:
            seen = set(self._db.execute("SELECT article_id, text_hash FROM seen"))
        return set(keys) - seen

    def settle(self, generation: str, keys: Iterable[tuple[str, str]],
               alerts: Iterable[tuple[Follow, str]]) -> None:
        """Mark `keys` seen and `generation` handled, and queue `alerts`, all or nothing."""
        now = datetime.now(UTC).isoformat()
        with self._tx() as db:
            db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", keys)
            db.executemany(
                "INSERT INTO outbox (user_id, chat_id, follow_id, html, queued) VALUES (?,?,?,?,?)",
                [(f.user_id, f.chat_id, f.id, html, now) for f, html in alerts])
            db.execute("INSERT OR REPLACE INTO generations VALUES (?, ?)", (generation, now))

    # --- delivery -----------------------------------------------------------------------------

    def owed(self) -> list[Alert]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, user_id, chat_id, follow_id, html FROM outbox ORDER BY id").fetchall()
        return [Alert(*row) for row in rows]

    def sent_today(self, user_id: int, day: date | None = None) -> int:
        day = day or datetime.now(UTC).date()
        with self._lock:
            row = self._db.execute("SELECT count FROM sent WHERE user_id = ? AND day = ?",
                                   (user_id, day.isoformat())).fetchone()
        return row[0] if row else 0

    def delivered(self, alert: Alert, day: date | None = None) -> None:
        day = day or datetime.now(UTC).date()
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE id = ?", (alert.id,))
            db.execute("INSERT INTO sent VALUES (?, ?, 1) ON CONFLICT (user_id, day) "
                       "DO UPDATE SET count = count + 1", (alert.user_id, day.isoformat()))

    def discard(self, alert: Alert) -> None:
        """An alert over the day's cap, or one Telegram refuses for good."""
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE id = ?", (alert.id,))
