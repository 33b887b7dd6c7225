"""Answer latency: p50/p95 of `Answerer.ask` over the real questions of eval/dev.jsonl.

    python bench/query.py [--index-dir DIR]   # default: data/bench/full-index, built if needed
    python bench/query.py                                 # builds the seed and full indexes

Times the whole answer as the bot computes it (question parsing, query embedding, hybrid
FAISS+BM25 search, SQLite records, quote picking), warm: the model and index are loaded once
and the first few questions are asked before timing, as in a running bot.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, dev_questions, full_index, machine, percentiles, table  # noqa: E402

MODES = ("hybrid", "dense", "bm25")


def time_asks(answerer, questions: list[str], mode: str) -> list[float]:
    for question in questions[:5]:
        answerer.ask(question, mode=mode)
    samples = []
    for question in questions:
        started = time.perf_counter()
        answerer.ask(question, mode=mode)
        samples.append(time.perf_counter() - started)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", type=Path,
                        help="an index of all of ../shared/data (default: built or updated in data/bench)")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the questions")
    args = parser.parse_args(argv)

    from bot.answer import Answerer
    from index.build import build
    from index.config import IndexSettings
    from index.embed import Embedder

    print(f"machine: {machine()}")
    embedder = Embedder()
    embedder.encode(["warm up"])
    questions = dev_questions() * args.rounds
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        seed = IndexSettings(index_dir=Path(tmp) / "seed")
        build([ROOT / "corpus"], seed, embedder=embedder)
        full = IndexSettings(index_dir=args.index_dir or full_index())
        for name, settings in (("seed corpus", seed), ("all ../shared/data", full)):
            answerer = Answerer.open(settings, embedder=embedder)
            info = answerer.corpus_info()
            for mode in MODES:
                p50, p95, p99 = percentiles(time_asks(answerer, questions, mode))
                rows.append([name, f"{info.articles:,}", f"{info.chunks:,}",
                             answerer.index.manifest.index_type, mode, len(questions),
                             f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}"])
                print(rows[-1], file=sys.stderr, flush=True)
            answerer.index.close()
    print(f"\nAnswerer.ask over the {len(dev_questions())} questions of eval/dev.jsonl "
          f"x{args.rounds} (warm; ms):")
    print(table(["corpus", "articles", "chunks", "index", "mode", "asks", "p50 ms", "p95 ms",
                 "p99 ms"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
