"""Follow alerts: what `bot.follow.alerts.collect` costs when a generation with 20 new articles
lands on an index of real articles, with 20 follows (10 people, 10 topics).

    python bench/follow.py [--articles 160] [--add 20] [--work /tmp/bench-follow]

The base index is the first --articles Guardian articles of ../shared/data; the timed step is
the one the bot runs in a worker thread after each reload: every quote of the new generation
read, the unseen ones found, each follow matched, the alerts rendered and queued.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SHARED_DATA, machine, table  # noqa: E402

PEOPLE = ["Zelenskiy", "Vladimir Putin", "Sergei Lavrov", "Dmitry Peskov", "Joe Biden",
          "the UN secretary general", "Nato", "Russia's defence ministry", "the Kremlin",
          "Boris Johnson"]
TOPICS = ["grain exports", "nuclear power plant", "sanctions on oil", "refugees in Poland",
          "prisoner exchange", "gas prices", "peace talks", "war crimes", "Mariupol siege",
          "weapons deliveries"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=160)
    parser.add_argument("--add", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-follow"))
    args = parser.parse_args()
    from bot.answer import Answerer
    from bot.follow.alerts import collect
    from bot.follow.matching import classify
    from bot.follow.store import FollowStore
    from index.build import build
    from index.config import IndexSettings

    shutil.rmtree(args.work, ignore_errors=True)
    corpus = args.work / "corpus"
    corpus.mkdir(parents=True)
    lines = (SHARED_DATA / "russia-ukraine-2022" / "guardian.jsonl").read_text().splitlines()
    (corpus / "base.jsonl").write_text("\n".join(lines[: args.articles]) + "\n")
    settings = IndexSettings(index_dir=args.work / "index")
    build([corpus], settings, progress=False)
    answerer = Answerer.open(settings)
    store = FollowStore(args.work / "follows.sqlite")
    baseline_start = time.perf_counter()
    collect(store, answerer.index, answerer.embedder)
    baseline = time.perf_counter() - baseline_start
    for n, phrase in enumerate(PEOPLE + TOPICS):
        store.add(n, n, phrase, classify(answerer.index, answerer.embedder, phrase))
    (corpus / "new.jsonl").write_text(
        "\n".join(lines[args.articles : args.articles + args.add]) + "\n")
    build([corpus], settings, progress=False)
    answerer.reload_if_changed()
    index = answerer.index
    started = time.perf_counter()
    alerts = collect(store, index, answerer.embedder)
    elapsed = time.perf_counter() - started
    quotes = index.manifest.counts["quotes"]
    print(f"machine: {machine()}\n")
    print(table(["articles", "chunks", "quotes", "follows", "new articles", "alerts queued",
                 "baseline (first generation)", "collect (new generation)"],
                [[len(index.articles), index.manifest.counts["chunks"], quotes, 20, args.add,
                  alerts, f"{baseline * 1000:,.0f} ms", f"{elapsed * 1000:,.0f} ms"]]))
    print(json.dumps({f.phrase: f.kind for f in store.all()}))


if __name__ == "__main__":
    main()
