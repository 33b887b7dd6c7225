"""An article page into its text and metadata, with trafilatura.

The body keeps the page's own characters (curly or straight quotation marks, dashes), one
paragraph per block, separated by a blank line as in the corpus files; navigation, asides,
share bars and comments are left out by trafilatura, and the headline, which it often puts
first, is dropped when it repeats the title. The date is the page's publication date (htmldate,
from its markup only: guessing from any year in the text found a copyright line's).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura

from index.ingest.urls import normalize

HTML_TYPES = {"text/html", "application/xhtml+xml"}
MIN_TEXT_CHARS = 200  # less is a stub, a paywall teaser or an index page, not an article
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard), and so do servers'
# pages: a "latin-1" page with curly quotes is windows-1252 in fact.
_AS_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "cp819", "ascii",
                    "us-ascii", "iso-ir-100", "ibm819"}
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


class ExtractError(ValueError):
    """A page that holds no article we can index; the message says why."""


@dataclass(frozen=True)
class Extracted:
    title: str | None
    text: str
    date: datetime | None  # aware
    date_only: bool  # the page gave a day without a time (then midnight UTC)
    author: str | None
    url: str | None  # the canonical url the page names, normalized


def extract(content: bytes, url: str, media_type: str = "text/html", charset: str | None = None,
            title_hint: str | None = None) -> Extracted:
    """`title_hint` (the feed's title for the item) is also recognised as a repeated headline."""
    if media_type not in HTML_TYPES and (media_type or not _looks_like_html(content)):
        raise ExtractError(f"not an HTML page ({media_type or 'no content type'})")
    document = trafilatura.bare_extraction(
        _decode(content, charset), url=url, with_metadata=True, include_comments=False,
        include_tables=False, include_images=False,
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "outputformat": _DATE_FORMAT})
    if document is None or not (document.text or "").strip():
        raise ExtractError("no article text found in the page")
    title = " ".join((document.title or "").split()) or None
    text = _body(document.text, [title, title_hint])
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractError(f"only {len(text)} characters of text: not an article")
    date, date_only = _page_date(document.date)
    return Extracted(title, text, date, date_only, document.author or None,
                     normalize(document.url, base=url) or normalize(url))


def _looks_like_html(content: bytes) -> bool:
    head = content[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _decode(content: bytes, charset: str | None) -> str | bytes:
    """Text by the server's charset; without one, bytes, which trafilatura decodes by the
    page's own <meta charset> or by guessing."""
    if not charset:
        return content
    name = "cp1252" if charset.lower() in _AS_WINDOWS_1252 else charset
    try:
        codecs.lookup(name)
    except LookupError:
        return content
    return content.decode(name, errors="replace")


def _body(text: str, titles: list[str | None]) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    repeated = {t.casefold() for t in titles if t}
    while lines and lines[0].casefold() in repeated:
        lines.pop(0)
    return "\n\n".join(lines)


def _page_date(value: str | None) -> tuple[datetime | None, bool]:
    if not value:
        return None, False
    try:
        parsed = datetime.strptime(value, _DATE_FORMAT)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None, False
    if parsed.tzinfo is None:
        date_only = (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0)
        return parsed.replace(tzinfo=UTC), date_only
    return parsed, False
