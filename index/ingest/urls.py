"""One spelling per address: how links, redirects and canonical urls are compared."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

import courlan


def normalize(url: str | None, base: str | None = None) -> str | None:
    """Absolute, lower-case host, no default port, no fragment, no tracking parameters
    (utm_*, fbclid, ...; courlan's list), query sorted; None for anything not http(s)."""
    if not url or not url.strip():
        return None
    absolute = urljoin(base, url.strip()) if base else url.strip()
    if urlsplit(absolute).scheme not in ("http", "https") or not urlsplit(absolute).netloc:
        return None
    try:
        cleaned = courlan.normalize_url(absolute)
    except ValueError:
        return None
    return urldefrag(cleaned)[0]


def host(url: str) -> str:
    """scheme://host[:port]: what robots.txt and the per-host delay are kept for."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"
