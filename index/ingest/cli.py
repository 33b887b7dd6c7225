"""`python -m index.ingest`: poll feeds into the index once, or every INGEST_INTERVAL.

Exit status: 0 when the poll ran (failed feeds and items are listed in the summary), 1 with
--strict when anything failed, 2 when it could not run or the index could not be updated.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from index.ingest.polling import PollBusy, PollReport, poll
from index.ingest.settings import FeedsError, FeedSource, IngestSettings, configured_feeds


class LazyEmbedder:
    """The model, loaded by the first poll that has something to embed and then kept: a
    watcher whose feeds are quiet never pays the 4-5 s and ~400 MB."""

    def __init__(self, settings: IngestSettings):
        self._settings, self._model = settings, None

    def __getattr__(self, name: str):
        if self._model is None:
            from index.embed import Embedder

            s = self._settings
            self._model = Embedder(s.embedding_model, s.embedding_precision, s.embedding_batch_size)
        return getattr(self._model, name)


def watch(run_once: Callable[[], object], interval: float, stop: threading.Event,
          clock: Callable[[], float] = time.monotonic) -> int:
    """Run polls `interval` seconds apart (start to start) until `stop` is set; returns how
    many ran."""
    polls = 0
    while not stop.is_set():
        began = clock()
        run_once()
        polls += 1
        stop.wait(max(0.0, interval - (clock() - began)))
    return polls


def exit_status(report: PollReport, strict: bool) -> int:
    if report.index_failed:
        return 2
    return 1 if strict and report.failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.ingest", description=__doc__.split("\n")[0])
    parser.add_argument("feeds", nargs="*", metavar="FEED_URL",
                        help="feeds to poll (default: FEEDS and FEEDS_FILE)")
    parser.add_argument("--index-dir", type=Path, help="the index to update (default: INDEX_DIR)")
    parser.add_argument("--feeds-file", type=Path,
                        help="a file of feeds: one URL a line, optionally a source name after it")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any feed or item failed")
    parser.add_argument("--dry-run", action="store_true",
                        help="read the feeds and list the pages that would be fetched; fetch no "
                             "page and change nothing")
    parser.add_argument("--watch", action="store_true", help="poll every INGEST_INTERVAL seconds")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    try:
        settings = IngestSettings()
        if args.index_dir:
            settings = settings.model_copy(update={"index_dir": args.index_dir})
        feeds = configured_feeds(settings, args.feeds, args.feeds_file)
    except ValidationError as exc:
        print("error: invalid settings:\n" + "\n".join(
            f"  {'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()),
            file=sys.stderr)
        return 2
    except FeedsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not feeds:
        print("error: no feeds: give FEED_URL arguments, --feeds-file, FEEDS or FEEDS_FILE",
              file=sys.stderr)
        return 2
    embedder = LazyEmbedder(settings)

    def once() -> int:
        try:
            report = poll(settings, feeds, dry_run=args.dry_run, embedder=embedder,
                          progress=None if args.quiet else _progress, build_progress=not args.quiet)
        except PollBusy as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(report.summary(), flush=True)
        return exit_status(report, args.strict)

    if not args.watch:
        return once()
    return _watch(once, settings.ingest_interval, feeds)


def _watch(once: Callable[[], int], interval: float, feeds: list[FeedSource]) -> int:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"watching {len(feeds)} feeds every {interval:g} s (Ctrl-C stops)", file=sys.stderr)
    watch(once, interval, stop)
    return 0


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
