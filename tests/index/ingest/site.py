"""A local news site for the ingestion tests: 127.0.0.1 on a free port, a threaded server.

It serves RSS 2.0, Atom and JSON Feed documents and article pages in real markup (navigation,
a byline, related links in an aside, share buttons, reader comments, a footer) built from
articles of ../shared/data, and the failures real feeds have. Every request is counted by
path, so a test can say exactly which pages a poll fetched.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

NAV = ["Home", "World", "Politics", "Business", "Sport", "Culture"]
ASIDE = ["Celebrity chef opens a restaurant on the moon", "Ten tips for a greener garden"]
COMMENTS = ["Great article, I agree with every word of it.",
            "Nobody believes this. Fake news, as always from this paper."]
BOILERPLATE = NAV[1:] + ASIDE + COMMENTS + ["Share on Facebook", "All rights reserved",
                                            "Most read", "Sign up to our newsletter"]


@dataclass
class Route:
    body: bytes | Callable[[], bytes] = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)
    stream: int = 0  # bytes to send in chunks, without Content-Length (a huge page)
    etag: bool = True  # answer If-None-Match with 304


def page(title: str, text: str, *, canonical: str | None, published: str | None = None,
         charset: str = "utf-8", layout: str = "article", author: str = "Jane Reporter") -> str:
    """An article page as news sites mark them up; `published` goes in the meta tags."""
    paragraphs = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in NAV)
    aside = "".join(f'<li><a href="/related/{i}">{html.escape(t)}</a></li>'
                    for i, t in enumerate(ASIDE))
    comments = "".join(f'<div class="comment"><p class="who">reader{i}</p><p>{html.escape(c)}</p></div>'
                       for i, c in enumerate(COMMENTS))
    meta = [f'<meta charset="{charset}">', f"<title>{html.escape(title)} | Example News</title>",
            f'<meta property="og:title" content="{html.escape(title)}">',
            f'<meta name="author" content="{author}">']
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if layout == "article":
        body = f"""<header><a href="/" class="logo">Example News</a><nav><ul>{nav}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<main><article><h1>{html.escape(title)}</h1>
<p class="byline">By <a href="/profile/jane">{author}</a></p>
<div class="article-body">{paragraphs}</div>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
</article>
<aside class="related"><h2>Most read</h2><ul>{aside}</ul></aside>
<section id="comments" class="comments"><h2>Comments (2)</h2>{comments}</section></main>
<footer><p>Sign up to our newsletter</p><p>© Example News 2022. All rights reserved.</p></footer>"""
    else:  # an old CMS: tables of divs, no semantic tags
        body = f"""<div id="top"><div class="menu">{' | '.join(NAV)}</div></div>
<div id="content"><div class="story"><h1 class="headline">{html.escape(title)}</h1>
<div class="byline">By {author}</div>{paragraphs}</div>
<div class="sidebar"><h3>Most read</h3>{''.join(f'<p>{html.escape(t)}</p>' for t in ASIDE)}</div>
<div class="comments"><h3>Comments</h3>{''.join(f'<p>{html.escape(c)}</p>' for c in COMMENTS)}</div></div>
<div id="footer">© Example News 2022. All rights reserved.</div>"""
    return f'<!doctype html>\n<html lang="en"><head>{"".join(meta)}</head><body>{body}</body></html>'


@dataclass
class Item:
    title: str
    link: str
    guid: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    summary: str = ""


def rss(title: str, items: list[Item]) -> bytes:
    entries = []
    for item in items:
        parts = [f"<title>{html.escape(item.title)}</title>", f"<link>{html.escape(item.link)}</link>",
                 f"<description>{html.escape(item.summary)}</description>"]
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{html.escape(item.guid)}</guid>')
        if item.published:
            parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
        entries.append(f"<item>{''.join(parts)}</item>")
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{html.escape(title)}</title><link>http://127.0.0.1/</link>"
            f"<description>News</description>{''.join(entries)}</channel></rss>").encode()


def atom(title: str, items: list[Item]) -> bytes:
    entries = []
    for item in items:
        stamp = (item.updated or item.published)
        parts = [f"<title>{html.escape(item.title)}</title>",
                 f'<link rel="alternate" href="{html.escape(item.link)}"/>',
                 f"<id>{html.escape(item.guid or item.link)}</id>",
                 f"<summary>{html.escape(item.summary)}</summary>"]
        if item.published:
            parts.append(f"<published>{item.published.isoformat()}</published>")
        if stamp:
            parts.append(f"<updated>{stamp.isoformat()}</updated>")
        entries.append(f"<entry>{''.join(parts)}</entry>")
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{html.escape(title)}</title><id>urn:example:wire</id>"
            f"<updated>2022-08-06T00:00:00Z</updated>{''.join(entries)}</feed>").encode()


def json_feed(title: str, items: list[Item]) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": title,
                       "items": [{"id": i.guid or i.link, "url": i.link, "title": i.title,
                                  "content_text": i.summary,
                                  **({"date_published": i.published.isoformat()} if i.published else {})}
                                 for i in items]}).encode()


class NewsSite:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: Counter[str] = Counter()
        self.user_agents: set[str] = set()
        self.on_request: Callable[[str], None] | None = None  # called before answering
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                with site._lock:
                    site.requests[path] += 1
                    site.user_agents.add(self.headers.get("User-Agent", ""))
                if site.on_request:
                    site.on_request(path)
                route = site.routes.get(path)
                # the client may give up (a timeout, a size cap), as real servers see it
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(route)

            def _answer(self, route: Route | None) -> None:
                if route is None:
                    return self._send(404, b"<html><body>Not found</body></html>", "text/html")
                if route.delay:
                    time.sleep(route.delay)
                if route.stream:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    block = b"<p>" + b"filler text " * 5000 + b"</p>\n"
                    sent = 0
                    while sent < route.stream:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                        sent += len(block)
                    self.wfile.write(b"0\r\n\r\n")
                    return None
                body = route.body() if callable(route.body) else route.body
                tag = '"' + hashlib.sha1(body).hexdigest() + '"'
                headers = dict(route.headers)
                if route.etag and route.status == 200:
                    headers["ETag"] = tag
                    if self.headers.get("If-None-Match") == tag:
                        return self._send(304, b"", None, headers)
                return self._send(route.status, body, route.content_type, headers)

            def _send(self, status: int, body: bytes, content_type: str | None,
                      headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str | Callable[[], bytes] = b"", **kw) -> None:
        self.routes[path] = Route(body.encode() if isinstance(body, str) else body, **kw)

    def count(self, *paths: str) -> int:
        with self._lock:
            return sum(self.requests[p] for p in paths)

    def __enter__(self) -> NewsSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
