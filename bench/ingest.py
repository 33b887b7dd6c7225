"""One poll of a local news site bringing N new articles into a ~100k-chunk index, by stage.

    python bench/ingest.py [--copies 5] [--add 20] [--work /tmp/bench-ingest] [--reuse]

The base index is all of ../shared/data `--copies` times over (each copy's texts marked so none
is a duplicate; 5 copies are ~100k chunks), built once with a stand-in embedder (a random unit
vector per text: embedding 100k chunks would take an hour here and is not what this measures).
Then `--add` Guardian articles, held back from the base, are served as article pages
behind an RSS feed by the tests' local news site (127.0.0.1), and one `index.ingest` poll with
the real model fetches, extracts, stores and indexes them. A second poll, with nothing new,
shows what a quiet poll costs. Stages come from the poll's progress lines and the build's
`on_stage` marks.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DATA_FILES, machine, table  # noqa: E402


def base_corpus(path: Path, copies: int, held_back: int) -> None:
    """All of ../shared/data but the first `held_back` Guardian articles, which the poll adds."""
    records = [json.loads(line) for f in DATA_FILES for line in f.read_text().splitlines()]
    live = {json.loads(line)["id"] for line in DATA_FILES[2].read_text().splitlines()[:held_back]}
    records = [r for r in records if r["id"] not in live]
    with path.open("w") as out:
        for c in range(copies):
            for r in records:
                text = f"{r['text']}\n\n(copy {c})" if c else r["text"]
                out.write(json.dumps(r | {"id": f"{r['id']}~{c}", "text": text}) + "\n")


def serve(site, count: int) -> list[str]:
    """The first `count` Guardian articles (which the base lacks) as pages behind one RSS
    feed; returns the feed's URL."""
    from tests.index.ingest.site import Item, page, rss

    guardian = DATA_FILES[2].read_text().splitlines()
    items = []
    for i, line in enumerate(guardian[:count]):
        record = json.loads(line)
        text = record["text"]
        path = f"/live/{i}"
        date = datetime.fromisoformat(record["date"].replace("Z", "+00:00"))
        site.add(path, page(record["title"], text, canonical=site.url(path),
                            published=date.isoformat()))
        items.append(Item(record["title"], site.url(path), f"live-{i}",
                          date + timedelta(minutes=i)))
    site.add("/rss.xml", rss("Bench News", items), content_type="application/rss+xml")
    return [site.url("/rss.xml")]


def timed_poll(settings, feeds, embedder) -> tuple[object, list[list[object]], float]:
    from index.ingest import FeedSource, poll

    marks: list[tuple[str, float]] = []  # (stage, when its last line or mark came)

    def progress(line: str) -> None:
        stage = ("feeds" if line.startswith("[feed") else "pages" if line.startswith("[page")
                 else "build" if line.startswith("indexing") else line)
        marks.append((stage, time.perf_counter()))

    def on_stage(stage: str) -> None:
        if stage != "embed-batch":
            marks.append((stage, time.perf_counter()))

    started = time.perf_counter()
    report = poll(settings, [FeedSource(u) for u in feeds], embedder=embedder, progress=progress,
                  on_stage=on_stage)
    end = time.perf_counter()
    last: dict[str, float] = {}
    for stage, when in marks:
        last[stage] = when
    if "build" not in last:
        return report, [["read the feed", f"{end - started:.2f}"]], end - started
    bounds = [("read the feed", started, last["feeds"]),
              (f"fetch, extract and store {report.pages} pages", last["feeds"], last["build"]),
              ("build: read corpus and live index; records, quotes, speakers", last["build"],
               last["embed"]),
              ("build: embed the new chunks and statements", last["embed"], last["index"]),
              ("build: vector indexes, BM25, manifest checksums", last["index"], last["publish"]),
              ("build: fsync, swap in, tidy", last["publish"], end)]
    return report, [[name, f"{b - a:.2f}"] for name, a, b in bounds], end - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-ingest"))
    parser.add_argument("--copies", type=int, default=5, help="copies of ../shared/data (5: ~100k chunks)")
    parser.add_argument("--add", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the base index if it is there")
    args = parser.parse_args(argv)

    from index import store
    from index.build import build
    from index.embed import Embedder, HashEmbedder, choose_precision
    from index.ingest import IngestSettings
    from tests.index.ingest.site import NewsSite

    print(f"machine: {machine()}")
    settings = IngestSettings(index_dir=args.work / "index", ingest_host_delay=0.0)
    rows: list[list[object]] = []
    if not (args.reuse and store.current_generation(settings.index_dir)):
        shutil.rmtree(args.work, ignore_errors=True)
        args.work.mkdir(parents=True)
        base_corpus(args.work / "base.jsonl", args.copies, args.add)
        started = time.perf_counter()
        first = build([args.work / "base.jsonl"], settings, progress=True,
                      embedder=HashEmbedder(choose_precision(settings.embedding_precision)))
        print(f"base index: {first.articles:,} articles, {first.chunks:,} chunks, "
              f"{time.perf_counter() - started:.0f} s (stand-in embedder)", file=sys.stderr)
    else:  # a reused base: forget what earlier runs ingested (their vectors are kept by text)
        shutil.rmtree(settings.index_dir / store.INGEST, ignore_errors=True)
        build([args.work / "base.jsonl"], settings, embedder=HashEmbedder(
            choose_precision(settings.embedding_precision)))
        print("note: --reuse: the base kept the earlier run's vectors of these articles' "
              "statements, so fewer are embedded", file=sys.stderr)
    started = time.perf_counter()
    embedder = Embedder(settings.embedding_model, settings.embedding_precision,
                        settings.embedding_batch_size)
    embedder.encode(["warm up"])
    load = time.perf_counter() - started

    with NewsSite() as site:
        feeds = serve(site, args.add)
        report, stages, total = timed_poll(settings, feeds, embedder)
        print(report.summary(), file=sys.stderr)
        quiet, _, quiet_total = timed_poll(settings, feeds, embedder)
    assert report.new == args.add and not report.failures, report.summary()
    done = report.build
    print(f"\nOne poll adding {report.new} articles to a {done.chunks - done.embedded_chunks:,}"
          f"-chunk index ({done.chunks:,} after; {done.embedded_chunks} chunks and "
          f"{done.embedded_statements} statements/speakers embedded), "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC:\n")
    rows = [*stages, ["**whole poll**", f"**{total:.2f}**"],
            ["a second poll, nothing new (feed answers 304)", f"{quiet_total:.2f}"],
            ["(not in the poll) model load + warm-up, once per process", f"{load:.2f}"]]
    print(table(["stage", "seconds"], rows))
    assert quiet.new == 0 and quiet.build is None
    return 0


if __name__ == "__main__":
    sys.exit(main())
