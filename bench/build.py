"""Embedding throughput: passages per second, plain sentence-transformers beside the shipped path.

    python bench/build.py                 # seed corpus + 300 articles of ../shared/data
    python bench/build.py --articles 600  # a bigger sample
    python bench/build.py --full          # all of ../shared/data (about 20k chunks; slow)
    python bench/build.py --quick         # plain float32, the shipped path, the other precision

It first shows what `EMBEDDING_PRECISION=auto` chose on this machine and why (the measured
speeds and cosines of `index/precision.py`, measured now if this machine has no remembered
decision). Every variant then embeds the same chunk texts (exactly what `index.build` embeds:
title + chunk), and is compared with plain sentence-transformers float32 by speed and cosine,
so a speed-up that costs quality shows. It also runs the whole `index.build` once per corpus
at the shipped precision, for end-to-end chunks/s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DATA_FILES, ROOT, dev_questions, machine, percentiles, table  # noqa: E402


def sample_corpus(folder: Path, articles: int | None) -> Path:
    """A JSON Lines sample taken evenly across the four shared data sets (None: all)."""
    lines: list[str] = []
    for path in DATA_FILES:
        lines += path.read_text(encoding="utf-8").splitlines()
    if articles is not None and articles < len(lines):
        picked = np.linspace(0, len(lines) - 1, articles).astype(int)
        lines = [lines[i] for i in picked]
    target = folder / "sample.jsonl"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def chunk_texts(paths: list[Path]) -> list[str]:
    from index.articles import Article, load
    from index.build import embedding_text
    from index.chunks import chunk_article

    texts: list[str] = []
    for article in load(paths):
        if isinstance(article, Article):
            texts += [embedding_text(article, c) for c in chunk_article(article, 80)]
    return texts


def int8_model(model):
    """PyTorch dynamic int8 quantisation of the Linear layers (weights int8, activations
    quantised on the fly); deprecated in torch 2.10+ in favour of torchao, still present."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def timed(variants: list, texts: list[str], rounds: int) -> list[tuple[float, np.ndarray]]:
    """Each variant's best of `rounds` passes over every text, the variants taking turns, so
    a burst of load from other jobs does not land on one variant only. Models are loaded and
    warmed up outside the timing."""
    import torch

    encoders = [make() for _, make, _ in variants]
    best: list[tuple[float, np.ndarray] | None] = [None] * len(variants)
    for _ in range(rounds):
        for i, ((_, _, threads), encode) in enumerate(zip(variants, encoders)):
            torch.set_num_threads(threads)
            if best[i] is None:
                encode(texts[:16])
            started = time.perf_counter()
            vectors = encode(texts)
            seconds = time.perf_counter() - started
            if best[i] is None or seconds < best[i][0]:
                best[i] = (seconds, np.ascontiguousarray(vectors, dtype=np.float32))
    return best  # type: ignore[return-value]


def plain_sentence_transformers(batch: int):
    """What a project using the library as documented would run: no cast, no lean path."""
    from sentence_transformers import SentenceTransformer

    from index.config import DEFAULT_MODEL
    from index.embed import resolve_model_path

    model = SentenceTransformer(resolve_model_path(DEFAULT_MODEL), device="cpu")
    return lambda texts: model.encode(texts, batch_size=batch, normalize_embeddings=True,
                                      convert_to_numpy=True)


def shipped(precision: str, batch: int = 32, lean: bool = True, int8: bool = False):
    from index.embed import Embedder

    embedder = Embedder(precision_setting=precision, batch_size=batch, lean=lean and not int8)
    if int8:
        embedder.model = int8_model(embedder.model)  # replaces the cached model
    return embedder.encode


def end_to_end(paths: list[Path], precision: str) -> tuple[float, int]:
    """`index.build` from nothing in a temporary directory: (seconds, chunks)."""
    from index.build import build
    from index.config import IndexSettings
    from index.embed import Embedder

    embedder = Embedder(precision_setting=precision)
    embedder.encode(["warm up"])
    with tempfile.TemporaryDirectory() as tmp:
        settings = IndexSettings(index_dir=Path(tmp) / "index", embedding_precision=precision)
        report = build(paths, settings, embedder=embedder)
    return report.elapsed, report.chunks


def question_latency(precision: str, questions: list[str]) -> list[float]:
    """One question at a time, as the bot embeds it (one thread, no padding): p50/p95 ms."""
    from index.embed import Embedder

    embedder = Embedder(precision_setting=precision)
    embedder.encode([questions[0]])
    spent = []
    for question in questions:
        started = time.perf_counter()
        embedder.encode([question])
        spent.append(time.perf_counter() - started)
    return percentiles(spent, (50, 95))


def auto_decision():
    """What `auto` chose here, measuring now if this machine has no remembered decision."""
    from index.config import IndexSettings
    from index.precision import DecisionCache, auto_precision, machine_key

    settings = IndexSettings()
    key = machine_key(settings.embedding_model)
    remembered = DecisionCache(settings.precision_cache).get(key) is not None
    decision = auto_precision(settings.embedding_model, settings.precision_cache)
    return key, decision, remembered, settings.precision_cache


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="sample size (default 300)")
    parser.add_argument("--full", action="store_true", help="all of ../shared/data")
    parser.add_argument("--quick", action="store_true", help="float32 and bfloat16 only")
    parser.add_argument("--rounds", type=int, default=2,
                        help="passes per variant, taken in turn; the best counts (default 2)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    import torch

    cores = torch.get_num_threads()
    print(f"machine: {machine()}")
    key, decision, remembered, cache = auto_decision()
    chosen = decision.precision
    other = "bfloat16" if chosen == "float32" else "float32"
    when = (f"remembered from {decision.measured_at}" if remembered
            else "measured now") + f", {cache}"
    print(f"\nEMBEDDING_PRECISION=auto chose **{chosen}**: {decision.reason} ({when}; key: "
          f"{key.text()}). Its own measurement, {decision.passages} fixed passages of the seed "
          f"article, best of 2 alternating passes:")
    if decision.float32_per_s is not None:
        print(table(["precision", "passages/s", "vs float32", "min cos", "mean cos"], [
            ["float32", f"{decision.float32_per_s:.1f}", "1.00x", "1", "1"],
            ["bfloat16", f"{decision.bfloat16_per_s:.1f}", f"{decision.speedup:.2f}x",
             f"{decision.min_cosine:.5f}", f"{decision.mean_cosine:.5f}"]]))
    print()

    results: dict[str, Any] = {"auto": {"key": key.text(), **asdict(decision)},
                                "end_to_end": [], "variants": []}
    with tempfile.TemporaryDirectory() as tmp:
        sample = sample_corpus(Path(tmp), None if args.full else args.articles)
        corpora = [("seed corpus", [ROOT / "corpus"]),
                   (f"{'all' if args.full else args.articles} articles of ../shared/data", [sample])]
        e2e_rows = []
        for name, paths in corpora:
            seconds, chunks = end_to_end(paths, chosen)
            e2e_rows.append([name, chunks, f"{seconds:.1f}", f"{chunks / seconds:.1f}"])
            results["end_to_end"].append(e2e_rows[-1])
        print(f"index.build end to end ({chosen}, the shipped choice; from nothing; chunking, "
              "quotes, embedding, FAISS, BM25, SQLite, checksums):")
        print(table(["corpus", "chunks", "seconds", "chunks/s"], e2e_rows))

        variants = [("plain sentence-transformers float32", lambda: plain_sentence_transformers(32), cores),
                    (f"shipped: auto -> {chosen} (LeanBert)", lambda: shipped(chosen), cores),
                    (f"{other} (LeanBert), not chosen", lambda: shipped(other), cores)]
        if not args.quick:
            variants += [("bfloat16 sentence-transformers", lambda: shipped("bfloat16", lean=False), cores),
                         (f"{chosen}, batch 64", lambda: shipped(chosen, 64), cores),
                         (f"{chosen}, batch 128", lambda: shipped(chosen, 128), cores),
                         (f"{chosen}, 1 thread", lambda: shipped(chosen), 1),
                         ("int8 dynamic (torch.ao, s-t)", lambda: shipped("float32", int8=True), cores)]
        for name, paths in corpora:
            texts = chunk_texts(paths)
            rows = []
            measured = timed(variants, texts, args.rounds)
            reference, base_speed = measured[0][1], len(texts) / measured[0][0]
            for (label, _, _), (seconds, vectors) in zip(variants, measured):
                cos = np.sum(reference * vectors, axis=1)
                speed = len(texts) / seconds
                rows.append([label, len(texts), f"{seconds:.1f}", f"{speed:.1f}",
                             f"{speed / base_speed:.2f}x", f"{cos.mean():.5f}", f"{cos.min():.5f}"])
                print(f"  {name}: {rows[-1]}", file=sys.stderr, flush=True)
            torch.set_num_threads(cores)
            print(f"\nEmbedding only, {name} (same texts for every variant, best of "
                  f"{args.rounds} passes taken in turn; speed and cosine against plain "
                  "sentence-transformers float32):")
            print(table(["variant", "passages", "seconds", "passages/s", "vs plain", "mean cos",
                         "min cos"], rows))
            results["variants"].append({"corpus": name, "rows": rows})
    questions = dev_questions()
    latency = {p: question_latency(p, questions) for p in ("float32", "bfloat16")}
    print(f"\nOne question embedded, as the bot does ({len(questions)} questions of "
          "eval/dev.jsonl, one at a time):")
    print(table(["precision", "p50 ms", "p95 ms"],
                [[f"{p}{' (chosen)' if p == chosen else ''}", f"{a:.1f}", f"{b:.1f}"]
                 for p, (a, b) in latency.items()]))
    results["questions"] = latency
    print("\nQuality: a mean cosine above 0.999 to float32 leaves retrieval rankings practically "
          "unchanged; vectors of one index must still come from one precision (the manifest "
          "records it), so switching precision means `--rebuild`.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
