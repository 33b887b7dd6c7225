"""Live news: RSS 2.0, Atom and JSON Feed items fetched, extracted and indexed on a schedule.

    python -m index.ingest [FEED_URL ...] [--index-dir DIR] [--feeds-file F] [--strict]
                           [--dry-run] [--watch]

    from index.ingest import poll          # what the bot's JobQueue runs (see polling.py)

Modules by concern: `settings` (FEEDS, FEEDS_FILE, INGEST_*), `feeds` (feeds into entries),
`fetch` (polite, bounded HTTP), `extract` (a page into text and metadata), `dates` (which date
an article carries), `urls` (one spelling per address), `records` (ingested articles on disk,
read by every build), `state` (what was fetched, in SQLite), `polling` (one poll: the order of
work and its report), `cli`. Importing the package is cheap (the bot's settings extend
`IngestSettings`); feedparser, httpx and trafilatura load with `poll`.
"""

from __future__ import annotations

from typing import Any

from index.ingest.settings import FeedSource, IngestSettings

__all__ = ["poll", "PollReport", "Failure", "PollBusy", "FeedSource", "IngestSettings"]


def __getattr__(name: str) -> Any:
    if name in ("poll", "PollReport", "Failure", "PollBusy"):
        import importlib

        return getattr(importlib.import_module("index.ingest.polling"), name)
    raise AttributeError(name)
