"""Incremental rebuild: add 100 articles to a ~100k-chunk index and time `index.build`.

    python bench/incremental.py [--copies 5] [--add 100] [--work /tmp/bench-incr]

The ~100k-chunk corpus is all of ../shared/data five times over, each copy's texts marked
("(copy N)" appended) so none is a duplicate. Embedding 100k chunks takes far longer than the
point of this benchmark, so the *first* build uses a stand-in embedder (the real vector where
the chunk text is already in --source, else a random unit vector); the timed *update* then
runs the real `index.build` with the real model, which must embed only the new articles'
chunks and rebuild FAISS and BM25 from the stored vectors and texts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DATA_FILES, full_index, machine, table  # noqa: E402
from index.embed import HashEmbedder  # noqa: E402


class StandIn(HashEmbedder):
    """Known chunk texts get their real vector from a built index; others a made-up one.
    It claims the precision the real update will use, or that update would embed it all."""

    def __init__(self, source: Path | None, precision: str = "float32", dimension: int = 384):
        from index import store

        super().__init__(precision, dimension)
        self.known = {}
        if source is None:  # every vector made up: for timing what is not embedding
            return
        generation, _ = store.open_generation(source, verify=False)
        db = store.connect(generation / "meta.sqlite", readonly=True)
        articles = {r[0]: (r[1], r[2]) for r in db.execute("SELECT row, title, text FROM articles")}
        vectors = np.load(generation / "vectors.npy")
        self.known = {f"{articles[a][0]}\n{articles[a][1][s:e]}": vectors[i] for i, a, s, e in
                      db.execute("SELECT id, article_row, start, end FROM chunks")}
        self.dimension = vectors.shape[1]

    def vector(self, text: str) -> np.ndarray:
        known = self.known.get(text)
        return super().vector(text) if known is None else known


def copies(records: list[dict], first: int, count: int) -> list[str]:
    lines = []
    for c in range(first, first + count):
        for r in records:
            lines.append(json.dumps(r | {"id": f"{r['id']}~{c}",
                                         "text": f"{r['text']}\n\n(copy {c})" if c else r["text"]}))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-incr"))
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--add", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="keep the first build if it is there")
    parser.add_argument("--stand-in", action="store_true",
                        help="no model at all: the update too uses made-up vectors (times "
                        "everything but embedding, without building --source first)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the update here")
    args = parser.parse_args(argv)
    if args.source is None and not args.stand_in:
        args.source = full_index()

    from index.build import build
    from index.config import IndexSettings
    from index.embed import Embedder

    print(f"machine: {machine()}")
    records = [json.loads(line) for path in DATA_FILES for line in path.read_text().splitlines()]
    corpus = args.work / "corpus"
    settings = IndexSettings(index_dir=args.work / "index")
    if args.stand_in:  # the stand-in's float32 must be what the update expects, or it is all
        settings = settings.model_copy(update={"embedding_precision": "float32"})  # embedded
    rows = []
    # the stand-ins claim the precision the update will use, or the update would embed it all
    precision = "float32" if args.stand_in else Embedder().precision
    if not (args.reuse and (settings.index_dir / "current").exists()):
        shutil.rmtree(args.work, ignore_errors=True)
        corpus.mkdir(parents=True)
        (corpus / "base.jsonl").write_text("\n".join(copies(records, 0, args.copies)) + "\n")
        started = time.perf_counter()
        # the stand-in's made-up vectors must not enter the embedding cache as the model's
        first = build([corpus / "base.jsonl"], settings.model_copy(update={"embedding_cache_mb": 0}),
                      embedder=StandIn(args.source, precision))
        rows.append(["first build (stand-in embedder)", first.articles, first.chunks,
                     first.embedded_chunks, f"{time.perf_counter() - started:.1f}", ""])
        print(rows[-1], file=sys.stderr, flush=True)
    added = copies(records[: args.add], args.copies, 1)
    (corpus / "added.jsonl").write_text("\n".join(added) + "\n")

    if args.stand_in:
        embedder = StandIn(None, precision)
    else:
        embedder = Embedder()
        embedder.encode(["warm up"])
    stages: list[tuple[str, float]] = []
    on_stage = lambda name: stages.append((name, time.perf_counter()))  # noqa: E731
    update_settings = (settings.model_copy(update={"embedding_cache_mb": 0}) if args.stand_in
                       else settings)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    update = build([corpus / "base.jsonl", corpus / "added.jsonl"], update_settings,
                   embedder=embedder, on_stage=on_stage)
    total = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(args.profile))
    marks = [("load+records", started)] + [s for s in stages if s[0] != "embed-batch"]
    spans = [f"{name} {(marks[i + 1][1] if i + 1 < len(marks) else started + total) - t:.1f}s"
             for i, (name, t) in enumerate(marks)]
    rows.append([f"add {args.add} articles ({'stand-in' if args.stand_in else 'real model'})",
                 update.articles, update.chunks,
                 update.embedded_chunks, f"{total:.1f}", ", ".join(spans)])
    # and back: removing them again embeds nothing
    (corpus / "added.jsonl").unlink()
    started = time.perf_counter()
    back = build([corpus / "base.jsonl"], update_settings, embedder=embedder)
    rows.append([f"remove the {args.add} again", back.articles, back.chunks, back.embedded_chunks,
                 f"{time.perf_counter() - started:.1f}", ""])
    from index import store

    manifest = store.Manifest.read(store.current_generation(settings.index_dir))
    print(f"\nIncremental build on a {update.chunks:,}-chunk index ({manifest.index_type}):")
    print(table(["step", "articles", "chunks", "embedded", "seconds", "stages"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
