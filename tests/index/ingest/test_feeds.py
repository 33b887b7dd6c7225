"""Feeds into entries (RSS 2.0, Atom, JSON Feed, broken ones) and the feeds settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from index.ingest.feeds import Entry, parse_feed
from index.ingest.settings import FeedsError, FeedSource, IngestSettings, configured_feeds
from tests.index.ingest.site import Item, atom, json_feed, rss

WHEN = datetime(2020, 2, 25, 14, 22, tzinfo=UTC)


@pytest.mark.parametrize("make, kind", [(rss, "application/rss+xml"),
                                        (atom, "application/atom+xml"),
                                        (json_feed, "application/feed+json")])
def test_each_format_gives_the_same_entries(make, kind):
    items = [Item("Idlib: thousands flee", "/news/1?utm_source=feed&id=7", "urn:news:1", WHEN),
             Item("No date here", "http://news.test/news/2", "urn:news:2", None)]
    parsed = parse_feed(make("Example News", items), "http://news.test/feed", kind)
    assert parsed.problem is None and parsed.title == "Example News"
    first, second = parsed.entries
    assert (first.guid, first.title, first.source) == ("urn:news:1", "Idlib: thousands flee",
                                                          "Example News")
    assert first.link == "http://news.test/news/1?id=7"  # absolute, tracking parameters gone
    assert first.date == WHEN and first.date.tzinfo is not None
    assert second.date is None


def test_a_name_given_for_the_feed_wins_over_its_title():
    parsed = parse_feed(rss("Example News", [Item("A", "http://n.test/a", "a", WHEN)]),
                        "http://n.test/rss", name="The Example")
    assert parsed.entries[0].source == "The Example"


def test_a_malformed_feed_is_a_problem_with_the_items_still_read():
    body = rss("Broken", [Item("A", "http://n.test/a", "a", WHEN)]).replace(
        b"</channel></rss>", b"<item><title>cut off")
    parsed = parse_feed(body, "http://n.test/rss")
    assert parsed.problem.startswith("malformed XML") and "1 item with a link" in parsed.problem
    assert [e.link for e in parsed.entries if e.link] == ["http://n.test/a"]


@pytest.mark.parametrize("body, problem", [
    (b"<html><body><p>Welcome!</p></body></html>", "not a feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "malformed JSON Feed"),
    (b'{"hello": "world"}', "not a feed"),
])
def test_what_is_not_a_feed_says_so(body, problem):
    parsed = parse_feed(body, "http://n.test/feed")
    assert parsed.problem.startswith(problem) and parsed.entries == []


def test_an_entry_changes_signature_when_its_publisher_updates_it():
    item = Item("A", "http://n.test/a", "urn:a", WHEN, WHEN)
    before = parse_feed(atom("W", [item]), "http://n.test/atom").entries[0]
    item.updated = datetime(2020, 2, 26, tzinfo=UTC)
    after = parse_feed(atom("W", [item]), "http://n.test/atom").entries[0]
    assert before.key == after.key == "urn:a" and before.signature != after.signature
    assert Entry.from_json(after.to_json()) == after  # kept in the state as it was read


def test_feeds_come_from_the_arguments_or_the_settings_and_the_feeds_file(tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_text("# news\nhttps://a.test/rss  Agence Test\n\nhttps://b.test/atom.xml\n")
    settings = IngestSettings(feeds="https://c.test/feed.json, https://a.test/rss",
                              feeds_file=listing)
    assert configured_feeds(settings) == [FeedSource("https://c.test/feed.json"),
                                          FeedSource("https://a.test/rss", "Agence Test"),
                                          FeedSource("https://b.test/atom.xml")]
    assert configured_feeds(settings, ["https://d.test/rss"]) == [FeedSource("https://d.test/rss")]
    assert IngestSettings(feeds='["https://x.test/a", "https://x.test/b"]').feeds == [
        "https://x.test/a", "https://x.test/b"]


def test_a_bad_feed_url_is_refused_with_where_it_is(tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_text("https://a.test/rss\nftp://b.test/feed\n")
    with pytest.raises(FeedsError, match=r"feeds.txt:2: not an http\(s\) URL: 'ftp://b.test/feed'"):
        configured_feeds(IngestSettings(), feeds_file=listing)
    with pytest.raises(ValidationError, match="not an http"):
        IngestSettings(feeds="news.test/rss")
