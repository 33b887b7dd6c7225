"""Embedding throughput: chunks per second, float32 beside bfloat16 (and int8, threads, batch).

    python bench/build.py                 # seed corpus + 300 articles of ../shared/data
    python bench/build.py --articles 600  # a bigger sample
    python bench/build.py --full          # all of ../shared/data (about 20k chunks; slow)
    python bench/build.py --quick         # float32 and bfloat16 only

Every variant embeds the same chunk texts (exactly what `index.build` embeds: title + chunk),
and is compared with plain float32 by cosine, so a speed-up that costs quality shows. It also
runs the whole `index.build` once per corpus (float32, the default here) for end-to-end
chunks/s. bfloat16 is only worth it with AMX (`index/embed.py::cpu_has_amx`); this measures it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DATA_FILES, ROOT, machine, table  # noqa: E402


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


def run_variant(texts: list[str], precision: str, batch: int, threads: int, int8: bool = False,
                lean: bool = True) -> tuple[float, np.ndarray]:
    import torch

    from index.embed import Embedder

    torch.set_num_threads(threads)
    embedder = Embedder(precision_setting=precision, batch_size=batch, lean=lean and not int8)
    if int8:
        embedder.model = int8_model(embedder.model)  # replaces the cached model
    embedder.encode(texts[:16])  # load and warm up outside the timing
    started = time.perf_counter()
    vectors = embedder.encode(texts)
    return time.perf_counter() - started, vectors


def end_to_end(paths: list[Path]) -> tuple[float, int]:
    """`index.build` from nothing in a temporary directory: (seconds, chunks)."""
    from index.build import build
    from index.config import IndexSettings
    from index.embed import Embedder

    embedder = Embedder(precision_setting="float32")
    embedder.encode(["warm up"])
    with tempfile.TemporaryDirectory() as tmp:
        settings = IndexSettings(index_dir=Path(tmp) / "index")
        report = build(paths, settings, embedder=embedder)
    return report.elapsed, report.chunks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="sample size (default 300)")
    parser.add_argument("--full", action="store_true", help="all of ../shared/data")
    parser.add_argument("--quick", action="store_true", help="float32 and bfloat16 only")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    import torch

    cores = torch.get_num_threads()
    print(f"machine: {machine()}")
    from index.embed import cpu_has_amx

    print(f"AMX: {'yes' if cpu_has_amx() else 'no'} -> EMBEDDING_PRECISION=auto picks "
          f"{'bfloat16' if cpu_has_amx() else 'float32'}\n")

    results: dict[str, list] = {"end_to_end": [], "variants": []}
    with tempfile.TemporaryDirectory() as tmp:
        sample = sample_corpus(Path(tmp), None if args.full else args.articles)
        corpora = [("seed corpus", [ROOT / "corpus"]),
                   (f"{'all' if args.full else args.articles} articles of ../shared/data", [sample])]
        e2e_rows = []
        for name, paths in corpora:
            seconds, chunks = end_to_end(paths)
            e2e_rows.append([name, chunks, f"{seconds:.1f}", f"{chunks / seconds:.1f}"])
            results["end_to_end"].append(e2e_rows[-1])
        print("index.build end to end (float32, from nothing; chunking, quotes, embedding, "
              "FAISS, BM25, SQLite, checksums):")
        print(table(["corpus", "chunks", "seconds", "chunks/s"], e2e_rows))

        variants = [("float32 (LeanBert, the default)", "float32", 32, cores, False, True),
                    ("float32 sentence-transformers", "float32", 32, cores, False, False),
                    ("bfloat16 sentence-transformers", "bfloat16", 32, cores, False, False)]
        if not args.quick:
            variants += [("float32, batch 64", "float32", 64, cores, False, True),
                         ("float32, batch 128", "float32", 128, cores, False, True),
                         ("float32, 1 thread", "float32", 32, 1, False, True),
                         ("int8 dynamic (torch.ao, s-t)", "float32", 32, cores, True, False)]
        for name, paths in corpora:
            texts = chunk_texts(paths)
            rows, reference = [], None
            for label, precision, batch, threads, int8, lean in variants:
                seconds, vectors = run_variant(texts, precision, batch, threads, int8, lean)
                if reference is None:
                    reference, base_speed = vectors, len(texts) / seconds
                cos = np.sum(reference * vectors, axis=1)
                speed = len(texts) / seconds
                rows.append([label, len(texts), f"{seconds:.1f}", f"{speed:.1f}",
                             f"{speed / base_speed:.2f}x", f"{cos.mean():.5f}", f"{cos.min():.5f}"])
                print(f"  {name}: {rows[-1]}", file=sys.stderr, flush=True)
            torch.set_num_threads(cores)
            print(f"\nEmbedding only, {name} (same texts for every variant; cosine to float32):")
            print(table(["variant", "chunks", "seconds", "chunks/s", "vs float32", "mean cos",
                         "min cos"], rows))
            results["variants"].append({"corpus": name, "rows": rows})
    print("\nQuality: a mean cosine above 0.999 to float32 leaves retrieval rankings practically "
          "unchanged; vectors of one index must still come from one precision (the manifest "
          "records it), so switching precision means `--rebuild`.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
