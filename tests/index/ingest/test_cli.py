"""`python -m index.ingest`: what it prints, what --dry-run leaves alone, its exit codes, and
the --watch loop."""

from __future__ import annotations

import fcntl

import pytest

from index.ingest.cli import main, watch
from tests.index.ingest.newsroom import newsroom
from tests.index.ingest.site import NewsSite


@pytest.fixture(autouse=True)
def no_configured_feeds(monkeypatch):
    for name in ("FEEDS", "FEEDS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INGEST_HOST_DELAY", "0")


@pytest.fixture
def site():
    with NewsSite() as site:
        yield site


def test_dry_run_lists_what_would_be_fetched_and_changes_nothing(site, tmp_path, capsys):
    room = newsroom(site, with_failures=False)
    index_dir = tmp_path / "index"
    assert main([*room.feed_urls()[:3], "--index-dir", str(index_dir), "--dry-run", "-q"]) == 0
    out = capsys.readouterr().out
    for key in room.stories:
        if key != "g":  # g is only in the broken feed, not polled here
            assert f"new: {site.url(f'/news/{key}')}  {room.stories[key].title}" in out
    assert f"new: {site.url('/amp/news/a')}" in out  # the same story, known only once fetched
    assert "would fetch 7 pages; nothing was fetched or written" in out
    assert site.count(*room.page_paths()) == 0
    assert not index_dir.exists()  # no state, no articles, no index


def test_failures_exit_0_or_with_strict_1_and_are_listed(site, tmp_path, capsys):
    args = [site.url("/gone.xml"), "--index-dir", str(tmp_path / "index"), "-q"]
    assert main(args) == 0
    assert f"feed {site.url('/gone.xml')}: HTTP 404 Not Found" in capsys.readouterr().out
    assert main([*args, "--strict"]) == 1


def test_it_refuses_to_run_without_feeds_or_with_bad_ones(tmp_path, capsys, monkeypatch):
    assert main(["--index-dir", str(tmp_path)]) == 2
    assert "no feeds" in capsys.readouterr().err
    assert main(["news.test/rss", "--index-dir", str(tmp_path)]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err
    monkeypatch.setenv("INGEST_TIMEOUT", "-1")
    assert main(["http://news.test/rss", "--index-dir", str(tmp_path)]) == 2
    assert "INGEST_TIMEOUT" in capsys.readouterr().err


def test_a_second_poll_at_the_same_time_is_refused(site, tmp_path, capsys):
    lock = tmp_path / "index" / "ingest" / ".poll.lock"
    lock.parent.mkdir(parents=True)
    with lock.open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 12345")
        held.flush()
        assert main([site.url("/rss.xml"), "--index-dir", str(tmp_path / "index"), "-q"]) == 2
    assert "another poll" in capsys.readouterr().err and site.count("/rss.xml") == 0


class Stopwatch:
    """A clock and a stop event in one: waiting advances the clock; stops after `polls`."""

    def __init__(self, polls: int):
        self.now, self.polls, self.waits = 0.0, polls, []

    def __call__(self) -> float:
        return self.now

    def is_set(self) -> bool:
        return self.polls == 0

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += seconds
        return False


def test_watch_polls_every_interval_start_to_start():
    clock = Stopwatch(polls=3)

    def poll_taking_100_s() -> None:
        clock.now += 100
        clock.polls -= 1

    assert watch(poll_taking_100_s, 900, clock, clock) == 3
    assert clock.waits == [800, 800, 800]
