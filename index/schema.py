"""The index's SQLite file (`meta.sqlite` in each generation): its schema and every query on it.

The build writes these tables and reads the live generation's back for an update; the search
side reads them to answer. Both go through the functions here, so a column is named in one
place. Functions take a connection or a cursor; rows come back as `sqlite3.Row`s unless they
say tuples (cheaper by the thousand: a frequent speaker has thousands of quotes).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from index.records import Article

SCHEMA = """
CREATE TABLE articles (
    row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, date TEXT NOT NULL,
    source TEXT, url TEXT, text TEXT NOT NULL, fingerprint TEXT NOT NULL, text_hash TEXT NOT NULL
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, article_row INTEGER NOT NULL REFERENCES articles(row),
    start INTEGER NOT NULL, end INTEGER NOT NULL
);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY, article_row INTEGER NOT NULL REFERENCES articles(row),
    start INTEGER NOT NULL, end INTEGER NOT NULL, speaker TEXT, role TEXT, cue TEXT,
    text_hash TEXT NOT NULL, reported INTEGER NOT NULL DEFAULT 0,
    speaker_id INTEGER NOT NULL DEFAULT -1, search_key TEXT
);
CREATE TABLE speakers (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, text TEXT NOT NULL,
    statements INTEGER NOT NULL, search_key TEXT NOT NULL
);
CREATE TABLE aliases (short TEXT PRIMARY KEY, long TEXT NOT NULL);
CREATE INDEX chunks_article ON chunks(article_row);
CREATE INDEX quotes_article ON quotes(article_row);
CREATE INDEX quotes_speaker ON quotes(speaker, role);
CREATE INDEX quotes_role ON quotes(role);
CREATE INDEX quotes_hash ON quotes(text_hash);
CREATE INDEX articles_date ON articles(date);
"""

Db = sqlite3.Connection | sqlite3.Cursor
QUOTE_COLUMNS = "id, article_row, start, end, speaker, role, cue, text_hash"  # then reported
BATCH = 500  # values per IN (...): under SQLite's limit on query variables


def _tuples(db: Db) -> sqlite3.Cursor:
    cursor = db.cursor() if isinstance(db, sqlite3.Connection) else db
    cursor.row_factory = None
    return cursor


# --- read: answering ------------------------------------------------------------------------


def article_metas(db: Db) -> list[sqlite3.Row]:
    """row, id, title, date, source, url of every article, by row (not the texts)."""
    return db.execute("SELECT row, id, title, date, source, url FROM articles ORDER BY row").fetchall()


def article_text(db: Db, row: int) -> str:
    return db.execute("SELECT text FROM articles WHERE row = ?", (row,)).fetchone()[0]


def chunk_spans(db: Db) -> list[tuple[int, int, int]]:
    """(article row, start, end) by chunk id, for generations without `chunks.npy`."""
    return _tuples(db).execute("SELECT article_row, start, end FROM chunks ORDER BY id").fetchall()


def speaker_keys(db: Db) -> list[str]:
    return [r[0] for r in db.execute("SELECT key FROM speakers ORDER BY id")]


def acronyms(db: Db) -> dict[str, str]:
    """Short form -> long form, as the corpus defines them."""
    return {r[0]: r[1] for r in db.execute("SELECT short, long FROM aliases")}


def has_reported(db: Db) -> bool:
    """Indexes built before reported speech was extracted lack the column: still readable."""
    return any(c[1] == "reported" for c in db.execute("PRAGMA table_info(quotes)"))


def speaker_role_pairs(db: Db) -> list[tuple[str | None, str | None]]:
    return [(r[0], r[1]) for r in db.execute("SELECT DISTINCT speaker, role FROM quotes")]


def quotes_where(db: Db, column: str, values: Sequence, reported: bool = True) -> list[tuple]:
    """Quote rows (`QUOTE_COLUMNS`, reported) whose `column` is one of `values`, by its
    index, in id order per batch of `BATCH`."""
    columns = QUOTE_COLUMNS + (", reported" if reported else ", 0")
    found: list[tuple] = []
    for begin in range(0, len(values), BATCH):
        part = list(values[begin : begin + BATCH])
        found += _tuples(db).execute(f"SELECT {columns} FROM quotes WHERE {column} IN "
                                     f"({','.join('?' * len(part))}) ORDER BY id", part).fetchall()
    return found


def all_quotes(db: Db, reported: bool = True) -> list[tuple]:
    columns = QUOTE_COLUMNS + (", reported" if reported else ", 0")
    return _tuples(db).execute(f"SELECT {columns} FROM quotes ORDER BY id").fetchall()


# --- read: what an update reuses ---------------------------------------------------------------


def article_identities(db: Db) -> list[tuple[int, str, str, str, str | None, str | None, str, str]]:
    """(row, id, title, date, source, url, fingerprint, text hash) of every article, by row."""
    return _tuples(db).execute("SELECT row, id, title, date, source, url, fingerprint, text_hash "
                               "FROM articles ORDER BY row").fetchall()


def articles(db: Db) -> list[Article]:
    """Every article whole, by row (a poll keeps the live index's articles)."""
    return [Article(r["id"], r["title"], datetime.fromisoformat(r["date"]), r["source"], r["url"],
                    r["text"]) for r in db.execute(
                        "SELECT id, title, date, source, url, text FROM articles ORDER BY row")]


def chunks_of(db: Db, row: int) -> list[sqlite3.Row]:
    return db.execute("SELECT id, start, end FROM chunks WHERE article_row = ? ORDER BY id",
                      (row,)).fetchall()


def quotes_of(db: Db, row: int) -> list[sqlite3.Row]:
    return db.execute("SELECT start, end, speaker, role, cue, reported FROM quotes "
                      "WHERE article_row = ? ORDER BY id", (row,)).fetchall()


def quotes_before(db: Db, row: int) -> list[tuple]:
    """(article row, start, end, speaker, role, cue, reported) of the articles before `row`."""
    return _tuples(db).execute("SELECT article_row, start, end, speaker, role, cue, reported "
                               "FROM quotes WHERE article_row < ? ORDER BY id", (row,)).fetchall()


def search_keys(db: Db, table: str) -> list[tuple[int, str | None]]:
    """(id, key of the text embedded) of every statement (`quotes`) or speaker (`speakers`)."""
    if table not in ("quotes", "speakers"):
        raise ValueError(f"no search keys in table {table!r}")
    return _tuples(db).execute(f"SELECT id, search_key FROM {table}").fetchall()


def quote_keys_before(db: Db, quote_id: int) -> list[tuple[int, int, str | None]]:
    """(id, speaker id, search key) of the quotes before `quote_id`."""
    return _tuples(db).execute("SELECT id, speaker_id, search_key FROM quotes WHERE id < ?",
                               (quote_id,)).fetchall()


def speakers(db: Db) -> list[tuple[int, str, str, int, str]]:
    """(id, key, text, statements, search key) of every speaker, by id."""
    return _tuples(db).execute("SELECT id, key, text, statements, search_key FROM speakers "
                               "ORDER BY id").fetchall()


def triple_counts(db: Db, before: int, speaker_ids: Sequence[int] | None = None
                  ) -> list[tuple[str | None, str | None, str | None, int]]:
    """(speaker, role, cue, how many) over the quotes before id `before` (only those of
    `speaker_ids`, when given), each triple in the order first met, as `Counter` would
    count them row by row."""
    where, values = "id < ?", [before]
    if speaker_ids is not None:
        where += f" AND speaker_id IN ({','.join('?' * len(speaker_ids))})"
        values += list(speaker_ids)
    return _tuples(db).execute(
        f"SELECT speaker, role, cue, COUNT(*) FROM quotes WHERE {where} "
        "GROUP BY speaker, role, cue ORDER BY MIN(id)", values).fetchall()


def pairs_from(db: Db, quote_id: int) -> list[tuple[str | None, str | None]]:
    """(speaker, role) of the quotes from id `quote_id` on."""
    return _tuples(db).execute("SELECT speaker, role FROM quotes WHERE id >= ?",
                               (quote_id,)).fetchall()


# --- write -----------------------------------------------------------------------------------


def create(db: sqlite3.Connection) -> None:
    db.executescript(SCHEMA)


def truncate(db: sqlite3.Connection, kept: int) -> None:
    """Drop the rows of every article from row `kept` on, and the tables rebuilt whole."""
    for table in ("quotes", "chunks"):
        db.execute(f"DELETE FROM {table} WHERE article_row >= ?", (kept,))
    db.execute("DELETE FROM articles WHERE row >= ?", (kept,))
    db.execute("DELETE FROM speakers")
    db.execute("DELETE FROM aliases")


def insert_article(db: sqlite3.Connection, row: int, article: Article) -> None:
    db.execute("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?)", (
        row, article.id, article.title, article.date.isoformat(), article.source, article.url,
        article.text, article.fingerprint, article.text_hash))


def insert_chunks(db: sqlite3.Connection, rows: Iterable[tuple[int, int, int, int]]) -> None:
    """(id, article row, start, end) each."""
    db.executemany("INSERT INTO chunks VALUES (?,?,?,?)", rows)


def insert_quotes(db: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """(id, article row, start, end, speaker, role, cue, text hash, reported) each."""
    db.executemany("INSERT INTO quotes (id, article_row, start, end, speaker, role, cue, "
                   "text_hash, reported) VALUES (?,?,?,?,?,?,?,?,?)", rows)


def set_quote_keys(db: sqlite3.Connection, rows: Iterable[tuple[int, str, int]]) -> None:
    """(speaker id, search key, quote id) each."""
    db.executemany("UPDATE quotes SET speaker_id = ?, search_key = ? WHERE id = ?", rows)


def set_quote_speakers(db: sqlite3.Connection, rows: Iterable[tuple[int, int]]) -> None:
    """(speaker id, quote id) each."""
    db.executemany("UPDATE quotes SET speaker_id = ? WHERE id = ?", rows)


def insert_aliases(db: sqlite3.Connection, pairs: Iterable[tuple[str, str]]) -> None:
    db.executemany("INSERT INTO aliases VALUES (?,?)", pairs)


def insert_speakers(db: sqlite3.Connection, rows: Iterable[tuple[int, str, str, int, str]]) -> None:
    """(id, key, text, statements, search key) each."""
    db.executemany("INSERT INTO speakers VALUES (?,?,?,?,?)", rows)
