"""How the index behaves at 10k, 100k and (with --big) 1M chunks on this machine.

    python bench/scale.py [--source DIR] [--big] [--work DIR]
    python bench/scale.py --sizes 100000 --compare     # FAISS index types side by side

For each size it writes a real index generation (meta.sqlite, vectors.npy, dense.faiss, bm25/,
manifest) from a built source index: its real chunk vectors first, then, past what the source
holds, copies of them with gaussian noise added and renormalised (said in the output). Articles,
chunks and quotes are copied in bulk in SQLite with new ids, so every answer is a real record.
Then a fresh process loads it the way the bot does and times `Answerer.ask` end to end (query
embedding, hybrid FAISS+BM25 search, SQLite records, quote picking) over 200 real questions,
and measures recall@10 of the FAISS index against exact search over vectors.npy.
Embedding is not part of these builds (it is measured in bench/build.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import dir_bytes, full_index, machine, mb, percentiles, real_questions, rss_bytes, table  # noqa: E402
from index.quotes import Quote  # noqa: E402
from index.statements import STATEMENTS  # noqa: E402

NOISE_NORM = 0.5  # length of the noise added to a unit vector: copies sit at cosine ~0.89
QUESTIONS = 200
BLOCK = 100_000


# --- building a generation of a given size --------------------------------------------------

def _base_texts(db) -> tuple[list[str], int, int]:
    """Chunk texts as the build indexes them (title + chunk), and the source's counts."""
    from index.build import CHUNKER  # noqa: F401  (same layout as index.build)

    articles = {r[0]: (r[1], r[2]) for r in db.execute("SELECT row, title, text FROM src.articles")}
    texts = [f"{articles[a][0]}\n{articles[a][1][s:e]}"
             for a, s, e in db.execute("SELECT article_row, start, end FROM src.chunks ORDER BY id")]
    return texts, len(articles), len(texts)


def _statement_texts(db, table: np.ndarray) -> list[str]:
    """The source's statements as the build's BM25 reads them (title, label, sentences)."""
    from index.statements import label

    articles = {r[0]: (r[1], r[2]) for r in db.execute("SELECT row, title, text FROM src.articles")}
    rows = db.execute("SELECT speaker, role FROM src.quotes ORDER BY id").fetchall()
    texts = []
    for (speaker, role), (row, _, _, _, _, start, end) in zip(rows, table.tolist()):
        title, text = articles[row]
        texts.append("\n".join([title, label(Quote("", 0, 0, speaker, role, None)), text[start:end]]))
    return texts


def _noisy_copies(path: Path, base: np.ndarray, source: np.ndarray, synthetic: np.ndarray,
                  rng: np.random.Generator, cosines: list[float]) -> np.ndarray:
    """Rows of `base` by `source`, those marked `synthetic` with gaussian noise added and
    renormalised, written to a new vectors file (their mean cosine to the original is kept)."""
    dim = base.shape[1]
    vectors = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(len(source), dim))
    for begin in range(0, len(source), BLOCK):
        rows = np.arange(begin, min(len(source), begin + BLOCK))
        block = np.asarray(base[source[rows]], dtype=np.float32)
        noisy_rows = synthetic[rows]
        if noisy_rows.any():
            noise = rng.standard_normal((int(noisy_rows.sum()), dim), dtype=np.float32)
            noisy = block[noisy_rows] + noise * (NOISE_NORM / np.sqrt(dim))
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            cosines.append(float(np.mean(np.sum(noisy * block[noisy_rows], axis=1))))
            block[noisy_rows] = noisy
        vectors[rows] = block
    vectors.flush()
    return vectors


def build_synthetic(source: Path, index_dir: Path, size: int, index_type: str | None) -> dict:
    """Write one generation of `size` chunks into `index_dir`; return timings and facts."""
    from index import schema, store
    from index.dense import FaissStore, choose_index_type
    from index.lexical import LexicalIndex

    src_gen, src_manifest = store.open_generation(source, verify=False)
    base = np.load(src_gen / "vectors.npy", mmap_mode="r")
    partial = store.new_generation(index_dir)
    timings: dict[str, float] = {}

    started = time.perf_counter()
    db = store.connect(partial / "meta.sqlite")
    schema.create(db)
    db.execute("ATTACH DATABASE ? AS src", (f"file:{src_gen / 'meta.sqlite'}?mode=ro",))
    base_texts, n_articles, n_chunks = _base_texts(db)
    assert n_chunks == len(base), "source vectors and chunks disagree"
    statement_table = np.load(src_gen / store.STATEMENT_FILES["table"])
    n_statements = len(statement_table)
    statement_rows: list[np.ndarray] = []
    statement_source: list[int] = []  # source statement of each statement id
    copies = -(-size // n_chunks)
    for c in range(copies):
        limit = min(n_chunks, size - c * n_chunks)  # chunk ids of this copy: < limit
        last_row = db.execute("SELECT article_row FROM src.chunks WHERE id = ?",
                              (limit - 1,)).fetchone()[0]
        tag = "" if c == 0 else f"~{c}"  # copies get their own ids and text hashes
        db.execute("INSERT INTO articles SELECT row + ?, id || ?, title, date, source, url, text, "
                   "fingerprint, text_hash || ? FROM src.articles WHERE row <= ?",
                   (c * n_articles, tag, tag, last_row))
        db.execute("INSERT INTO chunks SELECT id + ?, article_row + ?, start, end FROM src.chunks "
                   "WHERE id < ?", (c * n_chunks, c * n_articles, limit))
        # statement ids run in article order, so each copy's are a prefix of the source's
        db.execute("INSERT INTO quotes SELECT id + ?, article_row + ?, start, end, speaker, role, "
                   "cue, text_hash || ?, reported, speaker_id, search_key FROM src.quotes "
                   "WHERE article_row <= ? ORDER BY id", (c * n_statements, c * n_articles, tag,
                                                          last_row))
        statement_rows.append(statement_table[statement_table[:, 0] <= last_row]
                              + np.array([c * n_articles, 0, 0, 0, 0, 0, 0]))
        statement_source += list(range(int((statement_table[:, 0] <= last_row).sum())))
    db.execute("INSERT INTO speakers SELECT * FROM src.speakers")
    db.execute("INSERT INTO aliases SELECT * FROM src.aliases")
    db.commit()
    store.save_statement_table(partial, np.concatenate(statement_rows).tolist())
    shutil.copy(src_gen / store.SPEAKER_VECTORS, partial / store.SPEAKER_VECTORS)
    store.save_chunk_table(partial, store.chunk_table_from_db(db))
    counts = {k: db.execute(f"SELECT count(*) FROM {k}").fetchone()[0]
              for k in ("articles", "chunks", "quotes")}
    counts |= {"statements": counts["quotes"], "speakers": db.execute(
        "SELECT count(*) FROM speakers").fetchone()[0]}
    statement_texts = _statement_texts(db, statement_table)
    db.execute("DETACH DATABASE src")
    db.close()
    timings["sqlite"] = time.perf_counter() - started

    started = time.perf_counter()
    rng = np.random.default_rng(0)
    dim = base.shape[1]
    cosines: list[float] = []
    vectors = _noisy_copies(partial / "vectors.npy", base, np.arange(size) % n_chunks,
                            np.arange(size) >= n_chunks, rng, cosines)
    statement_base = np.load(src_gen / store.STATEMENT_FILES["vectors"], mmap_mode="r")
    source = np.asarray(statement_source)
    statement_vectors = _noisy_copies(partial / store.STATEMENT_FILES["vectors"], statement_base,
                                      source, np.arange(len(source)) >= n_statements, rng, [])
    synth_s = time.perf_counter() - started  # not a build cost: a real build embeds instead

    started = time.perf_counter()
    chosen = index_type or choose_index_type(size)
    dense = FaissStore.build(vectors, chosen)
    dense.save(partial)
    statement_type = choose_index_type(len(source))
    FaissStore.build(statement_vectors, statement_type).save(partial, store.STATEMENT_FILES["faiss"])
    timings["faiss"] = time.perf_counter() - started
    del vectors, statement_vectors

    started = time.perf_counter()
    texts = [base_texts[i % n_chunks] for i in range(size)]
    LexicalIndex.build(texts).save(partial)
    del texts
    LexicalIndex.build([statement_texts[i] for i in statement_source]).save(
        partial, store.STATEMENT_FILES["bm25"])
    timings["bm25"] = time.perf_counter() - started

    started = time.perf_counter()
    manifest = store.Manifest(
        model=src_manifest.model, dimension=dim, precision=src_manifest.precision,
        chunk_words=src_manifest.chunk_words, chunker=src_manifest.chunker,
        extractor=src_manifest.extractor, index_type=dense.index_type,
        corpus_fingerprint=f"synthetic-{size}", counts=counts, statements=STATEMENTS,
        statement_index_type=statement_type)
    manifest.write(partial)
    generation = store.publish(index_dir, partial)
    timings["manifest+publish"] = time.perf_counter() - started

    return {
        "size": size, "index_type": dense.index_type, "timings": timings,
        "build_s": sum(timings.values()), "synth_s": synth_s,
        "real_chunks": min(size, n_chunks), "synthetic_chunks": max(0, size - n_chunks),
        "noise_cosine": float(np.mean(cosines)) if cosines else None,
        "counts": counts,
        "disk": {name: dir_bytes(generation / name)
                 for name in ("dense.faiss", "bm25", "meta.sqlite", "vectors.npy",
                              store.STATEMENT_FILES["vectors"], store.STATEMENT_FILES["faiss"],
                              store.STATEMENT_FILES["bm25"])},
    }


# --- measuring it the way the bot uses it ----------------------------------------------------

def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Exact top-k ids by inner product, block by block over the mmapped matrix."""
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    for begin in range(0, len(vectors), BLOCK):
        scores = queries @ np.asarray(vectors[begin : begin + BLOCK]).T
        top = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
        best_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, 1)], axis=1)
        best_ids = np.concatenate([best_ids, top + begin], axis=1)
        keep = np.argsort(-best_scores, axis=1)[:, :k]
        best_scores = np.take_along_axis(best_scores, keep, 1)
        best_ids = np.take_along_axis(best_ids, keep, 1)
    return best_ids


def recall_at(store, queries: np.ndarray, truth: np.ndarray, k: int = 10) -> tuple[float, list[float]]:
    found, times = [], []
    for q, t in zip(queries, truth):
        started = time.perf_counter()
        _, ids = store.search(q, k)
        times.append(time.perf_counter() - started)
        found.append(len(set(ids.tolist()) & set(t[:k].tolist())) / k)
    return float(np.mean(found)), times


def measure(index_dir: Path, nprobes: list[int]) -> dict:
    """Run in a fresh process: load like the bot, then time asks and check recall."""
    from bot.answer import Answerer, query_embedder
    from index import store
    from index.config import IndexSettings
    from index.dense import FaissStore
    from index.lexical import LexicalIndex
    from index.search import Collection, SearchIndex

    settings = IndexSettings(index_dir=index_dir)
    # questions at the index's precision, as the bot embeds them (bot.answer.query_embedder)
    embedder = query_embedder(settings, store.open_generation(index_dir, verify=False)[1])
    embedder.encode(["warm up"])
    questions, how = real_questions(QUESTIONS)

    started = time.perf_counter()
    generation, manifest = store.open_generation(index_dir)  # with checksums, as the bot does
    verify_s = time.perf_counter() - started
    rss0 = rss_bytes()
    started = time.perf_counter()
    dense = FaissStore.load(generation, manifest.index_type)
    rss_dense = rss_bytes() - rss0
    files = store.STATEMENT_FILES
    statements = Collection(
        FaissStore.load(generation, manifest.statement_index_type, files["faiss"]),
        LexicalIndex.load(generation, manifest.counts["statements"], files["bm25"]),
        np.load(generation / files["vectors"], mmap_mode="r"))
    index = SearchIndex(generation, manifest, dense,
                        LexicalIndex.load(generation, manifest.counts["chunks"]), statements)
    open_s = time.perf_counter() - started
    rss_open = rss_bytes() - rss0
    answerer = Answerer(settings, index, embedder)

    for question in questions[:10]:  # warm caches the way a running bot has them
        answerer.ask(question)
    ask_s = []
    for question in questions:
        started = time.perf_counter()
        answerer.ask(question)
        ask_s.append(time.perf_counter() - started)
    rss_after = rss_bytes() - rss0

    queries = embedder.encode(questions)
    embed_s = []
    for question in questions:
        started = time.perf_counter()
        embedder.encode([question])
        embed_s.append(time.perf_counter() - started)
    search_s = []
    for question, q in zip(questions, queries):
        started = time.perf_counter()
        index.search(question, q, 40)
        search_s.append(time.perf_counter() - started)

    truth = exact_top(index.matrix, queries, 10)
    sweep = []
    default_nprobe = getattr(dense.index, "nprobe", None)
    for nprobe in (nprobes if default_nprobe is not None else [0]):
        if default_nprobe is not None:
            dense.index.nprobe = nprobe
        recall, times = recall_at(dense, queries, truth)
        sweep.append({"nprobe": nprobe, "recall": recall, "dense_ms": percentiles(times, (50, 95))})
    if default_nprobe is not None:
        dense.index.nprobe = default_nprobe
    recall, _ = recall_at(dense, queries, truth)
    return {
        "questions": how, "verify_s": verify_s, "open_s": open_s, "rss_dense": rss_dense,
        "rss_open": rss_open, "rss_after": rss_after, "ask_ms": percentiles(ask_s),
        "embed_ms": percentiles(embed_s), "search_ms": percentiles(search_s),
        "recall": recall, "nprobe": default_nprobe, "sweep": sweep,
    }


def compare(index_dir: Path, types: list[str], nprobes: list[int]) -> list[list[object]]:
    """FAISS index types on the same vectors: build time, memory, recall@10 and latency."""
    import faiss

    from index import store
    from index.dense import FaissStore
    from index.embed import Embedder

    generation, manifest = store.open_generation(index_dir, verify=False)
    vectors = np.load(generation / "vectors.npy", mmap_mode="r")
    questions, _ = real_questions(QUESTIONS)
    queries = Embedder(manifest.model, manifest.precision).encode(questions)
    truth = exact_top(vectors, queries, 10)
    rows: list[list[object]] = []
    for index_type in types:
        rss0 = rss_bytes()
        started = time.perf_counter()
        dense = FaissStore.build(vectors, index_type)
        build_s = time.perf_counter() - started
        rss = rss_bytes() - rss0
        size = faiss.serialize_index(dense.index).nbytes
        params = (nprobes if hasattr(dense.index, "nprobe") else
                  [16, 32, 64, 128] if "HNSW" in index_type else [0])
        for p in params:
            if "HNSW" in index_type:
                faiss.ParameterSpace().set_index_parameter(dense.index, "efSearch", p)
            elif p:
                dense.index.nprobe = p
            recall, times = recall_at(dense, queries, truth)
            p50, p95 = percentiles(times, (50, 95))
            rows.append([f"{len(vectors):,}", index_type, p or "-", f"{build_s:.1f}", mb(size),
                         mb(rss), f"{recall:.3f}", f"{p50:.2f}", f"{p95:.2f}"])
            print(table(["chunks", "index", "nprobe/ef", "build s", "size", "RSS delta",
                         "recall@10", "p50 ms", "p95 ms"], rows[-1:]).splitlines()[-1],
                  file=sys.stderr, flush=True)
        del dense
    return rows


def _child(args: list[str]) -> dict:
    """Run this script in a fresh process and read the JSON it prints last."""
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=None,
                        help="a built index whose real vectors and records are reused")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-scale"),
                        help="where the generated indexes go (kept for reuse)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--big", action="store_true", help="add 1,000,000 chunks")
    parser.add_argument("--index-type", help="override choose_index_type (e.g. Flat)")
    parser.add_argument("--reuse", action="store_true", help="measure existing indexes again")
    parser.add_argument("--nprobe", type=int, nargs="*", default=[8, 16, 32, 64])
    parser.add_argument("--compare", nargs="*", metavar="TYPE",
                        help="compare FAISS index types on the generated vectors instead")
    parser.add_argument("--_build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--_measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = args.sizes + ([1_000_000] if args.big else [])

    if args._measure:  # needs no source: building it here rebuilt the shared index each run
        print(json.dumps(measure(args.work, args.nprobe)))
        return 0
    if args.source is None:
        args.source = full_index()
    if args._build:
        print(json.dumps(build_synthetic(args.source, args.work, args._build, args.index_type)))
        return 0

    print(f"machine: {machine()}")
    if args.compare is not None:
        types = args.compare or ["Flat", "SQfp16", "IVF{nlist},SQ8", "IVF{nlist},SQfp16",
                                 "HNSW32"]
        from index.dense import ivf_lists

        rows = []
        for size in sizes:
            nlist = ivf_lists(size)
            rows += compare(args.work / f"{size}", [t.format(nlist=nlist) for t in types],
                            args.nprobe)
        print(table(["chunks", "index", "nprobe/ef", "build s", "size", "RSS delta",
                     "recall@10", "p50 ms", "p95 ms"], rows))
        return 0

    builds, measures = [], []
    for size in sizes:
        directory = args.work / f"{size}"
        extra = ["--source", str(args.source), "--work", str(directory)]
        if args.index_type:
            extra += ["--index-type", args.index_type]
        if args.reuse and (directory / "current").exists():
            report = json.loads((directory / "build.json").read_text())
        else:
            report = _child(["--_build", str(size), *extra])
            (directory / "build.json").write_text(json.dumps(report))
        print(f"built {size:,}: {report['timings']}", file=sys.stderr, flush=True)
        builds.append(report)
        measures.append(_child(["--_measure", "--work", str(directory), "--nprobe",
                                *map(str, args.nprobe)]))
        print(f"measured {size:,}", file=sys.stderr, flush=True)

    notes = [f"questions: {measures[0]['questions']}"]
    for b in builds:
        if b["synthetic_chunks"]:
            notes.append(f"{b['size']:,} chunks: {b['real_chunks']:,} real vectors of "
                         f"{args.source} + {b['synthetic_chunks']:,} copies with gaussian noise "
                         f"(norm {NOISE_NORM}) renormalised (cosine to the original "
                         f"{b['noise_cosine']:.2f}); texts and records are copies of real ones")
    print("\n".join(notes) + "\n")
    print("Build (no embedding: SQLite rows, FAISS train+add, BM25, checksums):")
    print(table(["chunks", "index type", "build s", "chunks/s", "sqlite s", "faiss s", "bm25 s",
                 "manifest s"],
                [[f"{b['size']:,}", b["index_type"], f"{b['build_s']:.1f}",
                  f"{b['size'] / b['build_s']:,.0f}", *(f"{v:.1f}" for v in b["timings"].values())]
                 for b in builds]))
    print("\nOn disk:")
    print(table(["chunks", "dense.faiss", "bm25/", "meta.sqlite", "vectors.npy (mmapped)"],
                [[f"{b['size']:,}", *(mb(v) for v in b["disk"].values())] for b in builds]))
    print("\nLoaded (fresh process, RSS delta; vectors.npy and bm25/ are mmapped, so their pages "
          "count only once touched, and are shared page cache):")
    print(table(["chunks", "dense index", "whole SearchIndex", "after 200 asks", "open s",
                 "verify s"],
                [[f"{b['size']:,}", mb(m["rss_dense"]), mb(m["rss_open"]), mb(m["rss_after"]),
                  f"{m['open_s']:.2f}", f"{m['verify_s']:.2f}"] for b, m in zip(builds, measures)]))
    print("\nAsk path over the questions (Answerer.ask end to end; embed and hybrid search "
          "alone for comparison):")
    print(table(["chunks", "index type", "nprobe", "recall@10", "ask p50", "ask p95", "ask p99",
                 "embed p50", "search p50", "search p95"],
                [[f"{b['size']:,}", b["index_type"], m["nprobe"] or "-", f"{m['recall']:.3f}",
                  *(f"{v:.1f} ms" for v in m["ask_ms"]), f"{m['embed_ms'][0]:.1f} ms",
                  f"{m['search_ms'][0]:.1f} ms", f"{m['search_ms'][1]:.1f} ms"]
                 for b, m in zip(builds, measures)]))
    sweep = [[f"{b['size']:,}", s["nprobe"] or "-", f"{s['recall']:.3f}",
              f"{s['dense_ms'][0]:.2f}", f"{s['dense_ms'][1]:.2f}"]
             for b, m in zip(builds, measures) for s in m["sweep"]]
    print("\nDense search alone (k=10) by nprobe, recall@10 against exact search on vectors.npy:")
    print(table(["chunks", "nprobe", "recall@10", "p50 ms", "p95 ms"], sweep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
