"""Polite, bounded HTTP: every request a poll makes goes through one `Fetcher`.

Polite: a user agent naming the project, robots.txt honoured for article pages (RFC 9309: a
missing robots.txt allows everything, an unreachable one allows nothing), and a delay between
requests to one host (or the site's Crawl-delay, when longer). Bounded: a timeout per request,
a size cap per body (counted as it streams, after decompression, so a lying Content-Length or
a gzip bomb cannot exhaust memory), a redirect limit with loops named, and retries with
doubling back-off on 5xx, 429 and timeouts only. The transport is injectable for tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin
from urllib.robotparser import RobotFileParser

import httpx

from index.ingest.settings import IngestSettings
from index.ingest.urls import host, normalize

PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
FEED_ACCEPT = ("application/rss+xml,application/atom+xml,application/feed+json,"
               "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5")
MAX_CRAWL_DELAY = 30.0  # a robots.txt asking for more is honoured only this far
ROBOTS_BYTES = 500_000  # RFC 9309 lets a crawler stop reading at 500 KiB


class FetchError(Exception):
    """A request that gave no usable body; `reason` is what the report shows."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status = url, reason, status


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 when the validators sent still hold
    content: bytes
    media_type: str  # "text/html"; "" when the server named none
    charset: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class _Redirect:
    location: str


class Fetcher:
    def __init__(self, settings: IngestSettings, transport: httpx.BaseTransport | None = None, *,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.user_agent = settings.ingest_user_agent
        self._client = httpx.Client(
            transport=transport, timeout=settings.ingest_timeout, follow_redirects=False,
            headers={"User-Agent": self.user_agent})
        self._sleep, self._clock = sleep, clock
        self._last: dict[str, float] = {}  # host -> when its last request ended
        self._robots: dict[str, RobotFileParser] = {}
        self.requests = 0

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def page(self, url: str, etag: str | None = None, modified: str | None = None) -> Response:
        """An article page, if robots.txt allows it."""
        return self.get(url, accept=PAGE_ACCEPT, etag=etag, modified=modified, robots=True)

    def feed(self, url: str, etag: str | None = None, modified: str | None = None) -> Response:
        """A feed the operator subscribed to (robots.txt is for crawlers, not subscriptions)."""
        return self.get(url, accept=FEED_ACCEPT, etag=etag, modified=modified, robots=False)

    def get(self, url: str, *, accept: str = "*/*", etag: str | None = None,
            modified: str | None = None, robots: bool = True,
            max_bytes: int | None = None) -> Response:
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        cap = max_bytes or self.settings.ingest_max_page_bytes
        chain = [url]
        current = url
        for _ in range(self.settings.ingest_max_redirects + 1):
            if robots and not self.allowed(current):
                raise FetchError(current, "disallowed by robots.txt")
            result = self._request(current, headers, cap)
            if isinstance(result, Response):
                return result
            target = urljoin(current, result.location)
            if normalize(target) in {normalize(u) for u in chain}:
                raise FetchError(url, "redirect loop: " + " -> ".join([*chain, target]))
            chain.append(target)
            current = target
        raise FetchError(url, f"more than {self.settings.ingest_max_redirects} redirects "
                              f"(INGEST_MAX_REDIRECTS): " + " -> ".join(chain))

    def allowed(self, url: str) -> bool:
        return self._robots_for(url).can_fetch(self.user_agent, url)

    def _robots_for(self, url: str) -> RobotFileParser:
        origin = host(url)
        parser = self._robots.get(origin)
        if parser is None:
            parser = RobotFileParser(origin + "/robots.txt")
            try:
                found = self.get(origin + "/robots.txt", accept="text/plain", robots=False,
                                 max_bytes=ROBOTS_BYTES)
                parser.parse(found.content.decode("utf-8", errors="replace").splitlines())
            except FetchError as exc:
                if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                    parser.allow_all = True  # no robots.txt: everything is allowed
                else:
                    parser.disallow_all = True  # unreachable: assume nothing is
            self._robots[origin] = parser
        return parser

    def _delay(self, url: str) -> float:
        delay = self.settings.ingest_host_delay
        parser = self._robots.get(host(url))
        asked = parser.crawl_delay(self.user_agent) if parser is not None else None
        return max(delay, min(float(asked), MAX_CRAWL_DELAY)) if asked else delay

    def _wait_turn(self, url: str) -> None:
        last = self._last.get(host(url))
        if last is not None:
            remaining = self._delay(url) - (self._clock() - last)
            if remaining > 0:
                self._sleep(remaining)

    def _request(self, url: str, headers: dict[str, str], cap: int) -> Response | _Redirect:
        """One URL, retried with doubling back-off on 5xx, 429 and timeouts."""
        tries = self.settings.ingest_retries + 1
        why, why_status = "", None
        for attempt in range(tries):
            if attempt:
                self._sleep(self.settings.ingest_backoff * 2 ** (attempt - 1))
            self._wait_turn(url)
            self.requests += 1
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    if status >= 500 or status == 429:
                        why, why_status = f"HTTP {status} {response.reason_phrase}".strip(), status
                        continue
                    if response.has_redirect_location:
                        return _Redirect(response.headers["location"])
                    if status >= 400 or (status >= 300 and status != 304):
                        raise FetchError(url, f"HTTP {status} {response.reason_phrase}".strip(),
                                         status)
                    content = b"" if status == 304 else _read_capped(url, response, cap)
                    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    return Response(str(response.url), status, content, media,
                                    response.charset_encoding, response.headers.get("etag"),
                                    response.headers.get("last-modified"))
            except httpx.TimeoutException:
                why, why_status = f"timed out after {self.settings.ingest_timeout:g} s", None
            except httpx.DecodingError as exc:
                raise FetchError(url, f"undecodable body: {exc}") from None
            except httpx.TransportError as exc:
                why, why_status = f"network error: {exc or type(exc).__name__}", None
            finally:
                self._last[host(url)] = self._clock()
        raise FetchError(url, f"{why} ({tries} {'try' if tries == 1 else 'tries'})", why_status)


def _read_capped(url: str, response: httpx.Response, cap: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FetchError(url, f"{int(declared):,} bytes, over the cap of {cap:,} "
                              "(INGEST_MAX_PAGE_BYTES); not downloaded")
    body = bytearray()
    for block in response.iter_bytes():
        body += block
        if len(body) > cap:
            raise FetchError(url, f"over the cap of {cap:,} bytes (INGEST_MAX_PAGE_BYTES); "
                                  "abandoned after reading that much")
    return bytes(body)
