"""Ingested articles on disk: one JSON Lines file each in `store.ingested_articles(INDEX_DIR)`.

The build reads that folder with every corpus (index/build.py), so a file written here is in
the next generation, whoever builds it, and an operator's full rebuild keeps it. Each file
holds one record in the corpus's JSON Lines shape (id, title, date, source, url, text) plus
what the page and the feed said (both dates, author, GUID, feed): the loader ignores extras.
Files are written whole and renamed into place, so a killed poll never leaves half a record.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


def article_id(url: str) -> str:
    """Stable per canonical url: an edited article keeps its id and replaces its old text."""
    return "web-" + hashlib.sha256(url.encode()).hexdigest()[:16]


def text_hash(text: str) -> str:
    """The same hash as `Article.text_hash`, so duplicates are judged alike here and there."""
    return hashlib.sha256(text.strip().encode()).hexdigest()


@dataclass(frozen=True)
class Record:
    id: str
    title: str
    date: str  # ISO 8601 with offset
    source: str | None
    url: str
    text: str
    author: str | None
    date_origin: str  # which date was taken (see dates.choose_date)
    page_date: str | None
    feed_date: str | None
    guid: str | None
    link: str  # as the feed gave it
    feed: str
    fetched_at: str


def write(directory: Path, record: Record) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{record.id}.jsonl"
    tmp = directory / f".{record.id}.jsonl.tmp"  # hidden: the loader skips it
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path
