"""Settings of live ingestion: which feeds, how often, and how politely (env and `.env`).

They extend `IndexSettings` because a poll writes into the index those settings describe; the
bot's settings extend these, so the bot polls the same feeds when `FEEDS` is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from index.config import IndexSettings

PROJECT = "newsroom-bot"
USER_AGENT = f"{PROJECT}/0.1 (RSS/Atom news reader)"  # operators add a contact: INGEST_USER_AGENT


class FeedsError(ValueError):
    """A feed URL or a feeds file line that cannot be used; says where."""


@dataclass(frozen=True)
class FeedSource:
    """One feed to poll; `name` (from the feeds file) wins over the feed's own title."""

    url: str
    name: str | None = None


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FeedsError(f"not an http(s) URL: {url!r}")
    return url


class IngestSettings(IndexSettings):
    """Everything `python -m index.ingest` (and the bot's scheduled poll) reads."""

    feeds: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Feed URLs (RSS, Atom, JSON Feed), comma or space separated.")
    feeds_file: Path | None = Field(
        None, description="A file of feeds, one URL a line with an optional source name after it.")
    ingest_interval: float = Field(900.0, ge=1, description="Seconds between polls (--watch, the bot).")
    ingest_timeout: float = Field(10.0, gt=0, le=300, description="Seconds to connect or read, per request.")
    ingest_host_delay: float = Field(1.0, ge=0, le=60, description="Seconds between requests to one host.")
    ingest_retries: int = Field(2, ge=0, le=10, description="Retries of a request after 5xx or a timeout.")
    ingest_backoff: float = Field(1.0, ge=0, le=60, description="First retry's wait; doubled each time.")
    ingest_max_page_bytes: int = Field(
        5_000_000, ge=10_000, description="A larger page or feed is abandoned unread.")
    ingest_max_redirects: int = Field(5, ge=0, le=20)
    ingest_max_items: int = Field(100, ge=1, description="Items read per feed per poll (newest first).")
    ingest_attempts: int = Field(
        3, ge=1, le=20, description="Polls that try a failing item before it is given up.")
    ingest_user_agent: str = Field(USER_AGENT, min_length=1)

    @field_validator("feeds", mode="before")
    @classmethod
    def _split_feeds(cls, value: Any) -> Any:
        """`FEEDS=https://a/rss, https://b/atom.xml` (commas or spaces, or a JSON list)."""
        if isinstance(value, str):
            text = value.strip().removeprefix("[").removesuffix("]")
            value = [p.strip("\"'") for p in re.split(r"[\s,]+", text) if p.strip("\"'")]
        return value

    @field_validator("feeds")
    @classmethod
    def _check_feeds(cls, value: list[str]) -> list[str]:
        for url in value:
            try:
                check_url(url)
            except FeedsError as exc:
                raise ValueError(str(exc)) from None
        return value


def read_feeds_file(path: Path) -> list[FeedSource]:
    """`URL [source name]` per line; blank lines and `#` comments are skipped."""
    feeds = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedsError(f"cannot read feeds file {path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        url, _, name = line.partition(" ")
        try:
            feeds.append(FeedSource(check_url(url), " ".join(name.split()) or None))
        except FeedsError as exc:
            raise FeedsError(f"{path}:{number}: {exc}") from None
    return feeds


def configured_feeds(settings: IngestSettings, urls: list[str] | None = None,
                     feeds_file: Path | None = None) -> list[FeedSource]:
    """The feeds to poll: the URLs given (the command line) or else `FEEDS`, and the feeds
    file given or else `FEEDS_FILE`; a URL listed twice is polled once, under a name if any
    line gives one."""
    sources = [FeedSource(check_url(u)) for u in (urls or settings.feeds)]
    path = feeds_file if feeds_file is not None else (None if urls else settings.feeds_file)
    if path is not None:
        sources += read_feeds_file(path)
    unique: dict[str, FeedSource] = {}
    for source in sources:
        if source.url not in unique or (unique[source.url].name is None and source.name):
            unique[source.url] = source
    return list(unique.values())
