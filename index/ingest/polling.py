"""One poll: read every feed, fetch the pages of new or changed items, store the articles and
apply them to the index as an incremental build.

`poll()` is the one entry point, for the command line (`python -m index.ingest`) and for the
bot, which calls it from PTB's JobQueue in a worker thread (it blocks: network, then the build):

    report = await asyncio.to_thread(poll, settings, embedder=answerer_embedder)

Order of work, so that a poll killed anywhere loses nothing and leaves the index whole: each
feed's new items are queued in SQLite together with the feed's ETag; each page's article is
written to its own file before its item is marked stored; the build writes a new generation
and swaps it in atomically, and a build that did not finish is owed (`build_pending`) and run
by the next poll without fetching anything again.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Literal

import httpx

from index import store
from index.build import BuildReport, build
from index.ingest import records
from index.ingest.dates import choose_date
from index.ingest.extract import ExtractError, extract
from index.ingest.feeds import Entry, parse_feed
from index.ingest.fetch import Fetcher, FetchError
from index.ingest.settings import FeedSource, IngestSettings, configured_feeds
from index.ingest.state import Item, State, StoredArticle
from index.ingest.urls import host, normalize

ROBOTS = "disallowed by robots.txt"
STATE_FILE = "state.sqlite"


class PollBusy(RuntimeError):
    """Another poll holds this index's ingest lock."""


@dataclass(frozen=True)
class Failure:
    kind: Literal["feed", "item", "index"]
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.kind} {self.url}: {self.reason}"


@dataclass
class PollReport:
    started: datetime
    dry_run: bool = False
    feeds: int = 0
    feeds_read: int = 0
    feeds_unchanged: int = 0  # answered 304 Not Modified
    new: int = 0
    changed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> items
    failures: list[Failure] = field(default_factory=list)
    given_up: int = 0
    notes: list[str] = field(default_factory=list)  # dates refused or guessed
    planned: list[str] = field(default_factory=list)  # --dry-run: what would be fetched
    stored: list[str] = field(default_factory=list)  # ids of articles written this poll
    pages: int = 0  # page bodies fetched
    requests: int = 0  # every HTTP request, feeds and robots.txt included
    build: BuildReport | None = None
    elapsed: float = 0.0

    @property
    def index_failed(self) -> bool:
        return any(f.kind == "index" for f in self.failures)

    @property
    def indexed(self) -> int:
        return self.build.new + self.build.changed if self.build and not self.build.up_to_date else 0

    def summary(self) -> str:
        failed_feeds = sum(1 for f in self.failures if f.kind == "feed")
        skipped = ", ".join(f"{reason} {n}" for reason, n in self.skipped.most_common())
        failed_items = sum(1 for f in self.failures if f.kind == "item")
        lines = [
            f"poll {self.started:%Y-%m-%d %H:%M:%S} UTC{' (dry run)' if self.dry_run else ''}: "
            f"feeds {self.feeds} (read {self.feeds_read}, not modified {self.feeds_unchanged}, "
            f"failed {failed_feeds})",
            f"items: new {self.new}  changed {self.changed}  skipped {sum(self.skipped.values())}"
            + (f" ({skipped})" if skipped else "") + f"  failed {failed_items}"
            + (f" (given up {self.given_up})" if self.given_up else ""),
        ]
        if self.dry_run:
            lines.append(f"would fetch {len(self.planned)} pages; nothing was fetched or written")
            lines += [f"  {line}" for line in self.planned]
        elif self.build is not None:
            where = ("index up to date" if self.build.up_to_date
                     else f"index: {self.build.generation}")
            lines.append(f"articles indexed: {self.indexed} (new {self.build.new}, changed "
                         f"{self.build.changed}); {self.build.articles} articles, "
                         f"{self.build.chunks} chunks in all; {where}")
        else:
            lines.append("articles indexed: 0 (nothing new to index)")
        if self.failures:
            lines.append(f"failures ({len(self.failures)}):")
            lines += [f"  {failure}" for failure in self.failures]
        if self.notes:
            lines.append("notes:")
            lines += [f"  {note}" for note in self.notes]
        lines.append(f"requests {self.requests} (pages {self.pages})  {self.elapsed:.1f} s")
        return "\n".join(lines)


def poll(settings: IngestSettings, feeds: list[FeedSource] | None = None, *,
         dry_run: bool = False, transport: httpx.BaseTransport | None = None, embedder=None,
         progress: Callable[[str], None] | None = None, build_progress: bool = False,
         on_stage: Callable[[str], None] | None = None,
         sleep: Callable[[float], None] = time.sleep) -> PollReport:
    """Poll `feeds` (default: FEEDS and FEEDS_FILE) once into `settings.index_dir`.

    Failed feeds and items are reported in the returned report, never raised; a build that
    fails is reported as an `index` failure and owed to the next poll. Raises `PollBusy` when
    another poll of the same index is running."""
    started = time.perf_counter()
    sources = configured_feeds(settings) if feeds is None else feeds
    report = PollReport(started=datetime.now(UTC).replace(microsecond=0), dry_run=dry_run,
                        feeds=len(sources))
    base = settings.index_dir / store.INGEST
    with nullcontext() if dry_run else _poll_lock(base):
        state = State.read_only(base / STATE_FILE) if dry_run else State.open(base / STATE_FILE)
        try:
            with Fetcher(settings, transport, sleep=sleep) as fetcher:
                run = _Poll(settings, state, fetcher, report, progress or (lambda line: None))
                run.read_feeds(sources)
                run.fetch_due()
                report.requests = fetcher.requests
            if not dry_run and state.build_pending:
                run.index(embedder, build_progress, on_stage)
        finally:
            state.close()
    report.elapsed = time.perf_counter() - started
    return report


def _poll_lock(base: Path) -> AbstractContextManager[None]:
    return store.exclusive(base / ".poll.lock", False, lambda holder: PollBusy(
        f"another poll of {base.parent} is running ({holder}); this one is skipped"))


class _Poll:
    """The steps of one poll over one state and one fetcher."""

    def __init__(self, settings: IngestSettings, state: State, fetcher: Fetcher,
                 report: PollReport, say: Callable[[str], None]):
        self.settings, self.state, self.fetcher, self.report, self.say = (
            settings, state, fetcher, report, say)
        self.dry_run = report.dry_run
        self.now = report.started.isoformat()
        self.seen: set[str] = set()  # keys and links met in this poll's feeds
        self.folder = store.ingested_articles(settings.index_dir)

    # --- feeds -------------------------------------------------------------------------------

    def read_feeds(self, sources: list[FeedSource]) -> None:
        for number, source in enumerate(sources, start=1):
            where = f"[feed {number}/{len(sources)}] {source.name or source.url}"
            etag, modified = self.state.validators(source.url)
            try:
                response = self.fetcher.feed(source.url, etag, modified)
            except FetchError as exc:
                self.report.failures.append(Failure("feed", source.url, exc.reason))
                self._write(partial(self.state.save_feed, source.url, error=exc.reason,
                                    polled_at=self.now))
                self.say(f"{where}: failed: {exc.reason}")
                continue
            if response.status == 304:
                self.report.feeds_unchanged += 1
                self.say(f"{where}: not modified")
                continue
            parsed = parse_feed(response.content, response.url, response.media_type, source.name)
            if parsed.problem:
                self.report.failures.append(Failure("feed", source.url, parsed.problem))
            if parsed.entries or not parsed.problem:
                self.report.feeds_read += 1
            entries = parsed.entries[: self.settings.ingest_max_items]
            if len(parsed.entries) > len(entries):
                self.report.skipped["over INGEST_MAX_ITEMS this poll"] += (
                    len(parsed.entries) - len(entries))
            queued = 0
            with nullcontext() if self.dry_run else self.state.transaction():
                for entry in entries:
                    queued += self._triage(entry)
                if not self.dry_run:  # a broken feed is read again next time, not 304'd
                    self.state.save_feed(
                        source.url, title=parsed.title, polled_at=self.now,
                        etag=None if parsed.problem else response.etag,
                        modified=None if parsed.problem else response.last_modified)
            self.say(f"{where}: {len(parsed.entries)} items, {queued} to fetch"
                     + (f" ({parsed.problem})" if parsed.problem else ""))

    def _triage(self, entry: Entry) -> int:
        """Queue an entry that is new or changed (1), or count why it is skipped (0). An item
        belongs to the feed that first brought it: another feed's copy is skipped, whatever
        it says of the story, so two feeds never take turns refetching it."""
        if entry.key is None or entry.link is None:
            self.report.skipped["no link in the feed item"] += 1
            return 0
        if entry.key in self.seen or entry.link in self.seen:
            self.report.skipped["same story in another feed"] += 1
            return 0
        item = self.state.item(entry.key) or self.state.item_by_link(entry.link)
        if item is not None and (item.entry.feed_url, item.key) != (entry.feed_url, entry.key):
            self.report.skipped["same story in another feed" if item.entry.feed_url !=
                                entry.feed_url else "same link as an item already seen"] += 1
            return 0
        self.seen |= {entry.key, entry.link}
        if item is None:
            return self._queue(entry, "new", reset=False)
        changed = item.entry.signature != entry.signature
        if item.status in ("pending", "failed"):  # due anyway; a changed entry earns new tries
            return self._queue(entry, "retry", reset=True) if changed else 0
        if not changed:
            self.report.skipped[{"disallowed": ROBOTS, "given_up": "given up earlier"}.get(
                item.status, "already fetched")] += 1
            return 0
        return self._queue(entry, "changed in its feed", reset=True)

    def _queue(self, entry: Entry, why: str, reset: bool) -> int:
        if self.dry_run:
            self.report.planned.append(f"{why}: {entry.link}  {entry.title or ''}"
                                       + (f"  ({entry.date:%Y-%m-%d %H:%M %Z})" if entry.date else ""))
        else:
            self.state.queue(entry, reset_attempts=reset)
        return 1

    # --- pages -------------------------------------------------------------------------------

    def fetch_due(self) -> None:
        due = self.state.due(self.settings.ingest_attempts)
        if self.dry_run:
            planned = {line.split(": ", 1)[1].split("  ")[0] for line in self.report.planned}
            self.report.planned += [f"retry ({item.attempts} tries so far): {item.entry.link}"
                                    for item in due if item.entry.link not in planned]
            return
        for number, item in enumerate(due, start=1):
            outcome = self._fetch(item)
            self.say(f"[page {number}/{len(due)}] {item.entry.link}: {outcome}")

    def _fetch(self, item: Item) -> str:
        entry = item.entry
        prior = self.state.article(item.article_id) if item.article_id else None
        try:
            response = self.fetcher.page(entry.link or "", *(
                (prior.etag, prior.modified) if prior else (None, None)))
            if response.status == 304:
                return self._skip(item, "stored", "not modified since last fetch")
            self.report.pages += 1
            page = extract(response.content, response.url, response.media_type,
                           response.charset, entry.title)
        except FetchError as exc:
            if exc.reason == ROBOTS:
                return self._skip(item, "disallowed", ROBOTS)
            return self._fail(item, exc.reason)
        except ExtractError as exc:
            return self._fail(item, str(exc))
        url = page.url or normalize(response.url) or entry.link or ""
        title = page.title or entry.title or ""
        content = hashlib.sha256(f"{title}\n{page.text}".encode()).hexdigest()
        text = records.text_hash(page.text)
        existing = self.state.article_by_url(url)
        if existing is None and (twin := self.state.article_by_text(text)) is not None:
            return self._skip(item, "duplicate", "same text as an article already stored",
                              twin.id)
        if existing is not None and existing.id != item.article_id and existing.text_hash == text:
            return self._skip(item, "duplicate", "same story in another feed", existing.id)
        if existing is not None and existing.content_hash == content:
            return self._skip(item, "stored", "unchanged since last fetch", existing.id)
        first_fetched = existing.first_fetched if existing else self.now
        dated = choose_date(page.date, entry.date, datetime.fromisoformat(first_fetched),
                            datetime.now(UTC), page.date_only)
        record = records.Record(
            id=existing.id if existing else records.article_id(url), title=title,
            date=dated.date.isoformat(), source=entry.source or host(url).split("://")[1],
            url=url, text=page.text, author=page.author, date_origin=dated.origin,
            page_date=page.date.isoformat() if page.date else None,
            feed_date=entry.date.isoformat() if entry.date else None, guid=entry.guid,
            link=entry.link or url, feed=entry.feed_url, fetched_at=self.now)
        records.write(self.folder, record)
        with self.state.transaction():
            self.state.save_article(StoredArticle(record.id, url, text, content, response.etag,
                                                  response.last_modified, first_fetched), self.now)
            self.state.settle(item, "stored", article_id=record.id)
            self.state.set_build_pending(True)
        self.report.notes += [f"{url}: {note}" for note in dated.notes]
        self.report.stored.append(record.id)
        if existing is None:
            self.report.new += 1
            return "new"
        self.report.changed += 1
        return "changed"

    def _skip(self, item: Item, status, reason: str, article_id: str | None = None) -> str:
        self._write(partial(self.state.settle, item, status, reason=reason, article_id=article_id))
        self.report.skipped[reason] += 1
        return f"skipped: {reason}"

    def _fail(self, item: Item, reason: str) -> str:
        with self.state.transaction():
            attempts, given_up = self.state.fail(item, reason, self.settings.ingest_attempts)
        limit = self.settings.ingest_attempts
        if given_up:
            self.report.given_up += 1
            reason = f"{reason}; given up after {attempts} {'try' if attempts == 1 else 'tries'}"
        else:
            reason = f"{reason} (try {attempts} of {limit}; tried again next poll)"
        self.report.failures.append(Failure("item", item.entry.link or item.key, reason))
        return f"failed: {reason}"

    def _write(self, change: Callable[[], None]) -> None:
        if not self.dry_run:
            with self.state.transaction():
                change()

    # --- the index ---------------------------------------------------------------------------

    def index(self, embedder, build_progress: bool, on_stage: Callable[[str], None] | None) -> None:
        """Apply every stored article to the index; a failure keeps the build owed."""
        self.say(f"indexing {len(self.report.stored)} new or changed articles"
                 + ("" if self.report.stored else " (owed by an earlier poll)"))
        try:
            self.report.build = build([], self.settings, keep_live=True, wait=True,
                                      embedder=embedder, progress=build_progress,
                                      on_stage=on_stage)
        except Exception as exc:  # noqa: BLE001 - reported; the live index is untouched
            self.report.failures.append(Failure(
                "index", str(self.settings.index_dir), f"{type(exc).__name__}: {exc}; the "
                "previous index is still live, and the next poll indexes these articles"))
            return
        with self.state.transaction():
            self.state.set_build_pending(False)
