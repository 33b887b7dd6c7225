"""Polls of a local news site into a real index: stories in with the right title, date, url and
verbatim quotes; every failure reported and the rest indexed; a second poll fetches nothing
again; an edited story replaces its old version; a poll that dies leaves the index whole."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime

import pytest

from bot.answer import Answerer
from index import store
from index.build import build
from index.ingest import IngestSettings, poll
from index.ingest.state import State
from index.search import SearchIndex
from tests.conftest import ROOT, SEED
from tests.index.ingest.newsroom import FAILING, newsroom
from tests.index.ingest.site import BOILERPLATE, NewsSite


def settings_for(index_dir) -> IngestSettings:
    return IngestSettings(index_dir=index_dir, ingest_timeout=1.0, ingest_host_delay=0.0,
                          ingest_retries=1, ingest_backoff=0.01, ingest_attempts=2,
                          ingest_max_page_bytes=2_000_000)


@pytest.fixture
def settings(tmp_path, embedder) -> IngestSettings:
    """An index holding the seed article, which no poll may lose."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    settings = settings_for(tmp_path / "index")
    build([corpus], settings, embedder=embedder)
    return settings


@pytest.fixture
def site():
    with NewsSite() as site:
        yield site


def by_url(index: SearchIndex) -> dict[str, int]:
    return {a.url: a.row for a in index.articles if a.url}


def test_poll_indexes_the_stories_and_reports_every_failure(site, settings, embedder):
    room = newsroom(site)
    before = datetime.now(UTC).replace(microsecond=0)
    report = poll(settings, [*map(_source, room.feed_urls())], embedder=embedder)
    after = datetime.now(UTC)

    index = SearchIndex.open(settings)
    rows = by_url(index)
    assert "000_90aed92b11813b25" in {a.id for a in index.articles}  # the seed is kept
    assert len(index.articles) == 1 + len(room.stories)  # the story in two feeds is one article
    sources = {"a": "Example News", "b": "Example News", "c": "Example News",
               "d": "Example News", "e": "Example Wire", "f": "Example Digest", "g": "Broken Times"}
    for key, story in room.stories.items():
        row = rows[site.url(f"/news/{key}")]  # the canonical url, tracking parameters gone
        meta, article = index.articles[row], index.article(row)
        assert meta.title == story.title
        assert meta.source == sources[key]
        assert article.text == story.text  # verbatim: its own quotation marks, its paragraphs
        assert not [b for b in BOILERPLATE if b in article.text]  # no nav, aside, comments
        stored = {(r.quote.speaker, r.quote.text(article)) for r in index.quotes_in_articles([row])}
        assert stored == story.quotes() and any(speaker for speaker, _ in stored)
        assert meta.date.tzinfo is not None
        if key == "c":  # the feed's date is in the future, the page has none: first fetched
            assert before <= meta.date <= after
        elif key == "d":  # the page gives a bare day: the feed's time on that day
            assert meta.date == story.date.replace(hour=9, minute=30)
        else:
            assert meta.date == story.date  # the page's publication time
    assert any("in the future; ignored" in note for note in report.notes)
    # an answer cites the page a story came from (here one read from the malformed feed)
    others = " ".join(s.text for k, s in room.stories.items() if k != "g")
    speaker = next(who for who, _ in sorted(room.stories["g"].quotes(), key=str)
                   if who and who not in others)
    answer = Answerer.open(settings, embedder=embedder).ask(f"what did {speaker} say?")
    assert answer.quotes and {q.article.url for q in answer.quotes} == {site.url("/news/g")}
    assert all(q.text in room.stories["g"].text for q in answer.quotes)

    assert (report.new, report.changed, report.indexed) == (7, 0, 7)
    failures = {f.url.removeprefix(site.base): f for f in report.failures}
    for path, reason in FAILING.items():
        assert failures[path].kind == "item" and re.search(reason, failures[path].reason), path
    assert re.search(r"malformed XML.*; 1 item with a link read despite it", failures["/broken.xml"].reason)
    assert failures["/gone.xml"].reason == "HTTP 404 Not Found"
    assert len(report.failures) == len(FAILING) + 2
    assert report.skipped["same story in another feed"] == 1
    assert report.skipped["disallowed by robots.txt"] == 1
    assert site.count("/private/secret") == 0
    assert site.count(*room.page_paths()) == len(room.page_paths())  # each page once
    assert all(ua.startswith("newsroom-bot/") for ua in site.user_agents)
    summary = report.summary()
    assert "items: new 7  changed 0" in summary and "articles indexed: 7" in summary
    for path in FAILING:
        assert site.url(path) in summary

    # The second poll fetches no page again; the failed items get their second and last try.
    pages = site.count(*room.page_paths())
    second = poll(settings, [*map(_source, room.feed_urls())], embedder=embedder)
    assert site.count(*room.page_paths()) == pages
    assert second.new == second.changed == 0 and second.build is None
    assert second.given_up == len(FAILING)
    assert all("given up after 2 tries" in f.reason for f in second.failures if f.kind == "item")
    assert second.feeds_unchanged == 3  # RSS, Atom and JSON Feed answered 304
    assert SearchIndex.open(settings).generation == index.generation

    # Given up means not fetched again; the broken feed is still read and reported.
    failing = site.count(*FAILING)
    third = poll(settings, [*map(_source, room.feed_urls())], embedder=embedder)
    assert site.count(*FAILING) == failing and site.count(*room.page_paths()) == pages
    assert [f.kind for f in third.failures] == ["feed", "feed"]


def test_an_edited_story_replaces_its_earlier_version(site, settings, embedder):
    room = newsroom(site, with_failures=False)
    poll(settings, [*map(_source, room.feed_urls()[:2])], embedder=embedder)
    story = room.stories["e"]
    edited = story.text.replace("\n\n", "\n\n“We will not stop,” the minister said late on "
                                "Friday.\n\n", 1)
    room.edit("e", edited, datetime(2022, 8, 7, tzinfo=UTC))
    before = site.count(*room.page_paths())

    report = poll(settings, [*map(_source, room.feed_urls()[:2])], embedder=embedder)
    assert site.count(*room.page_paths()) == before + 1  # only the edited page
    assert site.count("/news/e") == 2
    assert (report.new, report.changed, report.indexed) == (0, 1, 1)
    index = SearchIndex.open(settings)
    texts = [index.article(row).text for row in range(len(index.articles))]
    assert edited in texts and story.text not in texts  # replaced, not added
    row = by_url(index)[site.url("/news/e")]
    quotes = {r.quote.text(index.article(row)) for r in index.quotes_in_articles([row])}
    assert "We will not stop," in quotes  # the new quote is found, verbatim


def test_a_poll_that_fails_at_publish_leaves_the_index_whole(site, settings, embedder):
    room = newsroom(site, with_failures=False)
    live = store.current_generation(settings.index_dir)

    def explode(stage: str) -> None:
        if stage == "publish":
            raise OSError(28, "No space left on device")

    report = poll(settings, [_source(room.feed_urls()[0])], embedder=embedder, on_stage=explode)
    assert report.index_failed and "No space left on device" in report.summary()
    assert report.new == 4 and report.indexed == 0
    assert store.current_generation(settings.index_dir) == live
    index = SearchIndex.open(settings)  # verifies every checksum
    assert [a.id for a in index.articles] == ["000_90aed92b11813b25"]
    assert not list(settings.index_dir.glob("*.partial"))

    pages = site.count(*room.page_paths())
    again = poll(settings, [_source(room.feed_urls()[0])], embedder=embedder)
    assert site.count(*room.page_paths()) == pages  # the owed build needs no page again
    assert again.indexed == 4 and not again.failures
    assert len(SearchIndex.open(settings).articles) == 5
    state = State.open(settings.index_dir / "ingest" / "state.sqlite")
    assert not state.build_pending
    state.close()


def _source(url: str):
    from index.ingest import FeedSource

    return FeedSource(url)


def test_a_poll_killed_mid_way_leaves_the_index_whole_and_loses_nothing(site, settings, embedder):
    room = newsroom(site, with_failures=False)
    live = store.current_generation(settings.index_dir)
    reached, release = threading.Event(), threading.Event()

    def hold_third_page(path: str) -> None:
        if path == "/news/c":
            reached.set()
            release.wait(30)

    site.on_request = hold_third_page
    env = os.environ | {"INGEST_HOST_DELAY": "0", "INGEST_TIMEOUT": "20"}
    process = subprocess.Popen(
        [sys.executable, "-m", "index.ingest", "-q", "--index-dir", str(settings.index_dir),
         room.feed_urls()[0]], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        assert reached.wait(60), "the poll never reached the third page"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        release.set()
        site.on_request = None
    assert site.count("/news/a", "/news/b", "/news/c") == 3 and site.count("/news/d") == 0

    assert store.current_generation(settings.index_dir) == live
    assert [a.id for a in SearchIndex.open(settings).articles] == ["000_90aed92b11813b25"]
    folder = store.ingested_articles(settings.index_dir)
    assert len(list(folder.glob("*.jsonl"))) == 2  # a and b were stored before the kill
    state = sqlite3.connect(settings.index_dir / "ingest" / "state.sqlite")
    assert state.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    state.close()

    report = poll(settings, [_source(room.feed_urls()[0])], embedder=embedder)
    assert site.count("/news/a", "/news/b") == 2  # not fetched again
    assert site.count("/news/c", "/news/d") == 3  # c again (its fetch died), d for the first time
    assert (report.new, report.indexed) == (2, 4) and not report.failures
    assert len(SearchIndex.open(settings).articles) == 5


def test_one_guid_in_two_feeds_is_one_item_however_the_feeds_describe_it(site, tmp_path):
    from tests.index.ingest.site import Item, atom, rss

    when = datetime(2022, 8, 1, tzinfo=UTC)
    for path, make, summary in (("/rss.xml", rss, "Short."), ("/atom.xml", atom, "Longer text.")):
        site.add(path, make("Feed " + path, [Item("Story", site.url("/gone"), "urn:story", when,
                                                  summary=summary)]), etag=False)
    settings = settings_for(tmp_path / "index")
    feeds = [_source(site.url("/rss.xml")), _source(site.url("/atom.xml"))]
    reports = [poll(settings, feeds if n == 0 else feeds[::-1]) for n in range(3)]
    assert site.count("/gone") == 2  # tried twice (INGEST_ATTEMPTS), then given up
    assert [r.skipped["same story in another feed"] for r in reports] == [1, 1, 1]
    assert reports[1].given_up == 1 and not [f for f in reports[2].failures if f.kind == "item"]
