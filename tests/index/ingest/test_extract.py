"""Article pages into text and metadata: the body verbatim without the page's furniture."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.ingest.dates import choose_date
from index.ingest.extract import ExtractError, extract
from tests.index.ingest.site import BOILERPLATE, page
from tests.index.ingest.stories import stories


@pytest.fixture(scope="module")
def story():
    return stories(1)[0]


@pytest.mark.parametrize("layout", ["article", "old"])
def test_the_body_is_kept_verbatim_and_the_furniture_dropped(story, layout):
    markup = page(story.title, story.text, canonical="http://news.test/world/story?utm_medium=x",
                  published="2022-08-01T16:23:25+00:00", layout=layout)
    got = extract(markup.encode(), "http://news.test/amp/story", "text/html", "utf-8")
    assert got.text == story.text  # curly quotation marks and paragraphs as written
    assert not got.text.startswith(story.title)  # the headline is not repeated
    assert not [b for b in BOILERPLATE if b in got.text]
    assert got.title == story.title and got.author == "Jane Reporter"
    assert got.url == "http://news.test/world/story"  # the canonical url, cleaned
    assert got.date == datetime(2022, 8, 1, 16, 23, 25, tzinfo=UTC) and not got.date_only


def test_a_page_without_a_date_has_none_even_with_a_year_in_its_footer(story):
    got = extract(page(story.title, story.text, canonical=None).encode(), "http://n.test/a")
    assert got.date is None  # not 2022-01-01 from "© Example News 2022"
    assert got.url == "http://n.test/a"


@pytest.mark.parametrize("charset_header", ["windows-1252", "iso-8859-1", None])
def test_windows_1252_is_read_by_header_or_by_meta(story, charset_header):
    markup = page(story.title, story.text, canonical=None, charset="windows-1252")
    raw = markup.encode("cp1252")
    assert "“".encode("cp1252") in raw  # the curly marks are single cp1252 bytes here
    got = extract(raw, "http://n.test/a", "text/html", charset_header)
    assert got.text == story.text


@pytest.mark.parametrize("body, media, reason", [
    (b"%PDF-1.4 ...", "application/pdf", r"not an HTML page \(application/pdf\)"),
    (b'{"article": "json"}', "", r"not an HTML page \(no content type\)"),
    (b"<html><body><p>Subscribe to read.</p></body></html>", "text/html", "characters of text"),
])
def test_what_is_not_an_article_says_why(body, media, reason):
    with pytest.raises(ExtractError, match=reason):
        extract(body, "http://n.test/a", media, None)


NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
FETCHED = datetime(2026, 1, 10, 11, 0, tzinfo=UTC)


def test_the_page_date_wins_and_a_bare_day_takes_the_feed_time():
    page_date, feed = datetime(2026, 1, 9, 8, 0, tzinfo=UTC), datetime(2026, 1, 9, 7, 30, tzinfo=UTC)
    assert choose_date(page_date, feed, FETCHED, NOW).date == page_date
    day = datetime(2026, 1, 9, tzinfo=UTC)
    assert choose_date(day, feed, FETCHED, NOW, page_date_only=True).date == feed
    other_day = datetime(2026, 1, 8, 23, 0, tzinfo=UTC)
    assert choose_date(day, other_day, FETCHED, NOW, page_date_only=True).date == day


def test_a_future_date_is_never_taken_and_no_date_means_first_fetched():
    future = datetime(2026, 1, 11, tzinfo=UTC)
    dated = choose_date(future, datetime(2026, 1, 9, tzinfo=UTC), FETCHED, NOW)
    assert dated.date == datetime(2026, 1, 9, tzinfo=UTC) and "in the future" in dated.notes[0]
    dated = choose_date(None, future, FETCHED, NOW)
    assert dated.date == FETCHED and dated.origin == "first fetched" and len(dated.notes) == 2
