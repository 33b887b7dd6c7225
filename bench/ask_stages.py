"""Where an ask's time goes: per-stage times of `Answerer.ask` over bench/scale.py's questions.

    python bench/ask_stages.py --index-dir /tmp/bench-scale/100000 [--slowest 15]

Wraps the pipeline's stages (embed, resolve the speaker, retrieve, rank, judge, compose) with
timers, and inside them FAISS, BM25 and every SQLite query; asks the 200 questions of
bench/scale.py once warm and prints p50/p95 per stage and the slowest questions. The pipeline
stages never overlap; "other" is the ask minus them (parsing, joining). FAISS, BM25 and SQLite
are shown apart: they are spent inside the stages. The timers add ~2% to an ask.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, percentiles, real_questions, table  # noqa: E402

QUESTIONS = 200
PIPELINE = ("embed", "resolve", "retrieve", "rank", "judge", "compose")


def _timed(owner, name: str, stage: str, spent: dict[str, float]) -> None:
    """Replace owner.name by a wrapper that adds its wall time to spent[stage]."""
    raw = owner.__dict__[name]
    func = raw.__func__ if isinstance(raw, staticmethod) else raw

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent[stage] += time.perf_counter() - started

    setattr(owner, name, staticmethod(wrapper) if isinstance(raw, staticmethod) else wrapper)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--slowest", type=int, default=15)
    args = parser.parse_args(argv)

    import bot.answer
    from bot import retrieve
    from bot.answer import Answerer, query_embedder
    from bot.question import parse
    from bot.rank import FeatureRanker
    from index.config import IndexSettings
    from index.dense import FaissStore
    from index.embed import Embedder
    from index.lexical import LexicalIndex
    from index.search import SearchIndex

    spent: dict[str, float] = defaultdict(float)
    for owner, name, stage in [
        (Embedder, "encode", "embed"), (bot.answer, "resolve", "resolve"),
        *((retrieve, f, "retrieve") for f in ("passages", "statements", "speaker_statements",
                                               "statements_in")),
        (FeatureRanker, "rank", "rank"), (bot.answer, "judge", "judge"),
        (bot.answer, "compose", "compose"),
        (FaissStore, "search", "faiss"), (LexicalIndex, "search", "bm25"),
        (SearchIndex, "_rows", "sqlite"),
    ]:
        _timed(owner, name, stage, spent)

    settings = IndexSettings(index_dir=args.index_dir)
    index = SearchIndex.open(settings)
    embedder = query_embedder(settings, index.manifest)  # as the bot embeds questions
    answerer = Answerer(settings, index, embedder)
    answerer.warm_up()
    questions, how = real_questions(QUESTIONS)
    for question in questions[:10]:
        answerer.ask(question)

    rows = []
    for question in questions:
        spent.clear()
        started = time.perf_counter()
        answer = answerer.ask(question)
        total = time.perf_counter() - started
        stages = {k: v * 1000 for k, v in spent.items()}
        stages["other"] = total * 1000 - sum(stages.get(k, 0.0) for k in PIPELINE)
        kind = parse(question, sources=index.sources).kind
        rows.append((total * 1000, question, f"{kind}/{answer.kind}", stages))

    print(f"machine: {machine()}")
    print(f"index: {args.index_dir} ({index.manifest.counts['chunks']:,} chunks, "
          f"{index.manifest.index_type}); questions: {how}\n")
    names = [*PIPELINE, "other", "faiss", "bm25", "sqlite"]
    lines = [["ask", *(f"{v:.1f}" for v in percentiles([r[0] / 1000 for r in rows]))]]
    lines += [[n, *(f"{v:.1f}" for v in percentiles([r[3].get(n, 0.0) / 1000 for r in rows]))]
              for n in names]
    print(table(["stage", "p50 ms", "p95 ms", "p99 ms"], lines))
    print(f"\nThe {args.slowest} slowest questions:")
    print(table(["ms", "kind (question/answer)", "question", *names],
                [[f"{total:.1f}", kind, question[:60], *(f"{s.get(n, 0.0):.1f}" for n in names)]
                 for total, question, kind, s in sorted(rows, key=lambda r: -r[0])[:args.slowest]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
