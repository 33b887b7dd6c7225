"""Which date an ingested article carries: the page's publication date, else the feed's, else
when it was first fetched; never one in the future, always timezone-aware."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Dated:
    date: datetime
    origin: str  # "page", "page day, feed time", "feed" or "first fetched"
    notes: tuple[str, ...] = ()  # dates refused, for the poll's report


def choose_date(page: datetime | None, feed: datetime | None, fetched: datetime,
                now: datetime, page_date_only: bool = False) -> Dated:
    """A page that gives only a day takes the feed's time on that same day: feeds carry the
    hour, pages often a bare date."""
    notes = []
    if page is not None and page > now:
        notes.append(f"page date {page.isoformat()} is in the future; ignored")
        page = None
    if feed is not None and feed > now:
        notes.append(f"feed date {feed.isoformat()} is in the future; ignored")
        feed = None
    if page is not None:
        if page_date_only and feed is not None and feed.astimezone(UTC).date() == page.astimezone(UTC).date():
            return Dated(feed, "page day, feed time", tuple(notes))
        return Dated(page, "page", tuple(notes))
    if feed is not None:
        return Dated(feed, "feed", tuple(notes))
    return Dated(fetched, "first fetched", (*notes, "no date in the feed or the page: "
                                                   "dated when first fetched"))
