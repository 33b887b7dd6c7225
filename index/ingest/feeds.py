"""Feeds into entries: RSS 2.0 and Atom through feedparser, JSON Feed through `json`.

feedparser 6.0 does not read JSON Feed (it reports the JSON as malformed XML), so JSON Feed
1.0/1.1 is mapped here onto the same `Entry`. A malformed feed is reported as a problem with
whatever entries could still be read: feedparser's loose parser often recovers most of them.
"""

from __future__ import annotations

import calendar
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from index.articles import ArticleError, parse_date
from index.ingest.urls import normalize


@dataclass(frozen=True)
class Entry:
    """One feed item, as much as the feed says of it."""

    feed_url: str
    source: str | None  # the feeds file's name for the feed, else the feed's title
    guid: str | None
    link: str | None  # normalized (see `urls.normalize`)
    title: str | None
    date: datetime | None  # the feed's date: published, else updated; aware
    updated: datetime | None
    signature: str  # changes when the publisher changes the item: time to fetch it again

    @property
    def key(self) -> str | None:
        """Which item this is across polls: the GUID, else the link."""
        return self.guid or self.link

    def to_json(self) -> str:
        record = asdict(self) | {"date": _iso(self.date), "updated": _iso(self.updated)}
        return json.dumps(record, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Entry:
        record = json.loads(text)
        for name in ("date", "updated"):
            record[name] = datetime.fromisoformat(record[name]) if record[name] else None
        return cls(**record)


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[Entry]
    problem: str | None = None  # malformed, or not a feed at all


def parse_feed(content: bytes, url: str, content_type: str | None = None,
               name: str | None = None) -> ParsedFeed:
    """Entries of one fetched feed, links resolved against `url`."""
    kind = (content_type or "").lower()
    if "json" in kind or content.lstrip()[:1] == b"{":
        return _json_feed(content, url, name)
    headers = {"content-location": url} | ({"content-type": content_type} if content_type else {})
    parsed = feedparser.parse(content, response_headers=headers)
    title = _text(parsed.feed.get("title"))
    source = name or title
    entries = [_entry(url, source, e) for e in parsed.entries]
    problem = None
    error = parsed.get("bozo_exception")
    if not parsed.get("version") and not entries:
        problem = "not a feed (no RSS, Atom or JSON Feed found)"
    elif parsed.get("bozo") and not isinstance(error, (feedparser.CharacterEncodingOverride,
                                                       feedparser.NonXMLContentType)):
        problem = f"malformed XML ({error})"
        usable = sum(1 for e in entries if e.link)
        if usable:
            problem += f"; {usable} item{'' if usable == 1 else 's'} with a link read despite it"
    return ParsedFeed(title, entries, problem)


def _entry(feed_url: str, source: str | None, item: Any) -> Entry:
    published = _struct_date(item.get("published_parsed"))
    # plain dict.get: feedparser's own get maps a missing `updated` to `published`, warning
    updated = _struct_date(dict.get(item, "updated_parsed"))
    return _make(feed_url, source, _text(item.get("id")), item.get("link"),
                 _text(item.get("title")), published or updated, updated,
                 item.get("summary") or "")


def _json_feed(content: bytes, url: str, name: str | None) -> ParsedFeed:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        return ParsedFeed(None, [], f"malformed JSON Feed ({exc})")
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
            "https://jsonfeed.org/version/"):
        return ParsedFeed(None, [], "not a feed (JSON without a JSON Feed version)")
    title = _text(data.get("title"))
    items = data.get("items")
    if not isinstance(items, list):
        return ParsedFeed(title, [], "malformed JSON Feed (no items list)")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        published, updated = _json_date(item.get("date_published")), _json_date(item.get("date_modified"))
        link = item.get("url") or item.get("external_url")
        entries.append(_make(url, name or title, _text(item.get("id")),
                             link if isinstance(link, str) else None, _text(item.get("title")),
                             published or updated, updated,
                             str(item.get("summary") or item.get("content_text") or "")))
    return ParsedFeed(title, entries)


def _make(feed_url: str, source: str | None, guid: str | None, link: str | None,
          title: str | None, date: datetime | None, updated: datetime | None,
          summary: str) -> Entry:
    link = normalize(link, base=feed_url)
    signature = hashlib.sha256(json.dumps(
        [guid, link, title, _iso(date), _iso(updated), summary]).encode()).hexdigest()
    return Entry(feed_url, source, guid, link, title, date, updated, signature)


def _struct_date(value: Any) -> datetime | None:
    """feedparser's dates are `time.struct_time` in UTC."""
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


def _json_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_date(value)
    except ArticleError:
        return None


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
