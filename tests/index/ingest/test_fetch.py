"""The fetcher against an in-process transport: polite (user agent, robots.txt, per-host delay)
and bounded (retries with back-off, size cap, redirect limit and loops, conditional requests)."""

from __future__ import annotations

import httpx
import pytest

from index.ingest.fetch import Fetcher, FetchError
from index.ingest.settings import IngestSettings

HTML = b"<html><body><p>hello</p></body></html>"


class Clock:
    """Time that passes only when the fetcher sleeps (or a request 'takes' `per_request`)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def fetcher(handler, clock: Clock | None = None, **settings) -> Fetcher:
    clock = clock or Clock()
    config = IngestSettings(**({"ingest_host_delay": 0.0, "ingest_backoff": 0.5} | settings))
    return Fetcher(config, httpx.MockTransport(handler), sleep=clock.sleep, clock=clock)


def site(routes: dict[str, object], seen: list[httpx.Request] | None = None):
    """A handler serving `routes` (path -> bytes, status, or a callable), robots.txt absent."""

    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        route = routes.get(request.url.path, 404)
        if callable(route):
            return route(request)
        if isinstance(route, int):
            return httpx.Response(route)
        return httpx.Response(200, content=route, headers={"content-type": "text/html"})

    return handle


def test_every_request_names_the_project():
    seen: list[httpx.Request] = []
    fetcher(site({"/a": HTML}, seen)).page("http://news.test/a")
    assert {r.headers["user-agent"] for r in seen} == {"newsroom-bot/0.1 (RSS/Atom news reader)"}
    assert [r.url.path for r in seen] == ["/robots.txt", "/a"]


def test_5xx_and_timeouts_are_retried_with_doubling_back_off():
    answers = iter([httpx.Response(503), httpx.Response(500), httpx.Response(200, content=HTML)])
    clock = Clock()
    got = fetcher(site({"/a": lambda r: next(answers)}), clock, ingest_retries=2).page(
        "http://news.test/a")
    assert got.content == HTML and clock.sleeps == [0.5, 1.0]

    def slow(request):
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(FetchError, match=r"timed out after 10 s \(3 tries\)"):
        fetcher(site({"/a": slow}), ingest_retries=2).page("http://news.test/a")


def test_4xx_is_not_retried():
    seen: list[httpx.Request] = []
    with pytest.raises(FetchError, match="HTTP 404 Not Found") as error:
        fetcher(site({}, seen), ingest_retries=3).page("http://news.test/a")
    assert error.value.status == 404 and [r.url.path for r in seen] == ["/robots.txt", "/a"]


def test_requests_to_one_host_are_spaced_and_other_hosts_are_not_held_up():
    clock = Clock()
    get = fetcher(site({"/a": HTML, "/b": HTML}), clock, ingest_host_delay=2.0)
    get.page("http://one.test/a")  # robots.txt, then the page 2 s after it
    get.page("http://two.test/a")  # another host: its robots.txt at once, its page 2 s after
    get.page("http://one.test/b")  # one.test's last request was 2 s ago: no wait
    assert clock.sleeps == [2.0, 2.0] and clock.now == 104.0
    get.page("http://one.test/b")
    assert clock.sleeps == [2.0, 2.0, 2.0]


def test_robots_txt_is_honoured_with_its_crawl_delay():
    robots = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n"
    clock = Clock()
    get = fetcher(site({"/robots.txt": robots, "/a": HTML, "/private/x": HTML}), clock)
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        get.page("http://news.test/private/x")
    get.page("http://news.test/a")
    assert clock.sleeps == [5.0]  # the site asked for 5 s between requests


def test_robots_txt_unreachable_means_nothing_is_fetched_missing_means_all_is():
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        fetcher(site({"/robots.txt": 503, "/a": HTML}), ingest_retries=0).page("http://news.test/a")
    assert fetcher(site({"/robots.txt": 404, "/a": HTML})).page("http://news.test/a").status == 200
    feed = fetcher(site({"/robots.txt": 503, "/rss": HTML}), ingest_retries=0).feed(
        "http://news.test/rss")  # a subscription is not a crawl
    assert feed.status == 200


def test_a_body_over_the_cap_is_abandoned_whether_or_not_its_length_is_declared():
    cap = 10_000
    big = b"x" * (cap + 1)

    def streamed(request):
        return httpx.Response(200, content=iter([big[:6000], big[6000:]]))

    get = fetcher(site({"/declared": big, "/streamed": streamed}), ingest_max_page_bytes=cap)
    with pytest.raises(FetchError, match=r"10,001 bytes, over the cap of 10,000.*not downloaded"):
        get.page("http://news.test/declared")
    with pytest.raises(FetchError, match=r"over the cap of 10,000 bytes.*abandoned"):
        get.page("http://news.test/streamed")


def redirect(to: str):
    return lambda request: httpx.Response(302, headers={"location": to})


def test_redirects_are_followed_a_bounded_number_of_times_and_loops_named():
    routes = {"/old": redirect("/new"), "/new": HTML, "/loop": redirect("/loop2"),
              "/loop2": redirect("http://news.test/loop")}
    routes |= {f"/hop{i}": redirect(f"/hop{i + 1}") for i in range(10)}
    get = fetcher(site(routes), ingest_max_redirects=3)
    assert get.page("http://news.test/old").url == "http://news.test/new"
    with pytest.raises(FetchError, match=r"redirect loop: http://news.test/loop -> "
                                         r"http://news.test/loop2 -> http://news.test/loop$"):
        get.page("http://news.test/loop")
    with pytest.raises(FetchError, match=r"more than 3 redirects"):
        get.page("http://news.test/hop0")


def test_validators_are_sent_and_304_comes_back_empty():
    def conditional(request):
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, content=HTML, headers={"etag": '"v1"',
                                                          "last-modified": "Mon, 01 Aug 2022"})

    get = fetcher(site({"/a": conditional}))
    first = get.page("http://news.test/a")
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', "Mon, 01 Aug 2022")
    again = get.page("http://news.test/a", etag=first.etag, modified=first.last_modified)
    assert (again.status, again.content) == (304, b"")
