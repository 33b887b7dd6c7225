"""The embedding cache: vectors by (model, precision, text), bounded, never fatal; and a
build killed mid-embedding whose rerun embeds only what the cache lacks."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

import numpy as np

from index import embedding_cache
from index.build import build
from index.config import IndexSettings
from index.embedding_cache import FILE, EmbeddingCache
from index.search import SearchIndex
from tests.conftest import ROOT, data_file, write_jsonl_sample
from tests.index.test_disk_full import Counting

DIM = 384


def vectors(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)


def cache(path: Path, precision: str = "float32", max_mb: int = 10,
          model: str = "all-MiniLM-L6-v2") -> EmbeddingCache:
    return EmbeddingCache(path / FILE, model, precision, DIM, max_mb)


def test_vectors_come_back_exactly_for_the_same_model_and_precision_only(tmp_path):
    texts = [f"text {i}" for i in range(5)]
    computed = vectors(5)
    first = cache(tmp_path)
    first.put(texts, computed)
    first.close()

    again = cache(tmp_path)
    found = again.get(["unknown", *texts, "text 0"])
    assert sorted(found) == [1, 2, 3, 4, 5, 6]
    assert all(np.array_equal(found[i + 1], computed[i]) for i in range(5))
    assert np.array_equal(found[6], computed[0])
    assert cache(tmp_path, precision="bfloat16").get(texts) == {}
    assert cache(tmp_path, model="/models/other").get(texts) == {}


def test_the_cache_is_bounded_and_evicts_the_oldest_first(tmp_path):
    store = cache(tmp_path, max_mb=1)
    assert 500 < store.max_rows < 700  # 1 MB of 384-d float32 vectors with their keys
    batches = [[f"batch {b} text {i}" for i in range(100)] for b in range(8)]
    for b, texts in enumerate(batches):
        store.put(texts, vectors(100, seed=b))
    assert store.rows == store.max_rows
    count = sqlite3.connect(tmp_path / FILE).execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert count == store.max_rows
    assert store.get(batches[0][:50]) == {}  # the oldest went first
    assert len(store.get(batches[-1])) == 100  # the newest are kept
    assert (tmp_path / FILE).stat().st_size < 1.3e6


def test_a_damaged_cache_is_replaced_with_a_warning(tmp_path, caplog):
    (tmp_path / FILE).write_bytes(b"not a database" * 100)
    with caplog.at_level("WARNING", logger="index.embedding_cache"):
        store = cache(tmp_path)
    assert "unreadable" in caplog.text
    store.put(["a"], vectors(1))
    assert len(store.get(["a"])) == 1


def test_the_cache_leaves_the_disk_space_the_build_needs(tmp_path, monkeypatch, caplog):
    store = cache(tmp_path)
    store.reserve = 50_000_000
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(embedding_cache.shutil, "disk_usage",
                        lambda path: usage(10**9, 10**9 - 40_000_000, 40_000_000))
    with caplog.at_level("WARNING", logger="index.embedding_cache"):
        store.put(["a", "b"], vectors(2))
    assert "stopped" in caplog.text and "still needs about 50.0 MB" in caplog.text
    assert store.db is None and store.added == 0
    count = sqlite3.connect(tmp_path / FILE).execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert count == 0


def test_a_zero_bound_turns_the_cache_off(tmp_path):
    store = cache(tmp_path, max_mb=0)
    store.put(["a"], vectors(1))
    assert store.get(["a"]) == {} and not (tmp_path / FILE).exists()


def cached_keys(index_dir: Path) -> set[bytes]:
    try:
        db = sqlite3.connect(f"file:{index_dir / FILE}?mode=ro", uri=True, timeout=5)
        try:
            return {key for (key,) in db.execute("SELECT key FROM vectors")}
        finally:
            db.close()
    except sqlite3.Error:  # not created yet
        return set()


def test_a_rerun_after_sigkill_embeds_exactly_what_the_cache_lacks(tmp_path, embedder):
    corpus = write_jsonl_sample(data_file("fakes", "articles.jsonl"), tmp_path / "c.jsonl", 40)
    settings = IndexSettings(index_dir=tmp_path / "index")
    # batches of 64 texts, each committed to the cache as it is done
    env = os.environ | {"EMBEDDING_BATCH_SIZE": "8"}
    process = subprocess.Popen(
        [sys.executable, "-m", "index.build", "-q", "--index-dir", str(settings.index_dir),
         str(corpus)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not cached_keys(settings.index_dir):
        assert process.poll() is None, f"the build ended before it could be killed: " \
                                       f"{process.stderr.read().decode()[-1000:]}"
        assert time.monotonic() < deadline, "the build never wrote the embedding cache"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.stderr.close()
    assert list(settings.index_dir.glob("*.partial")) and not (settings.index_dir / "current").exists()
    kept = cached_keys(settings.index_dir)

    rerun = Counting(embedder)
    report = build([corpus], settings, embedder=rerun)
    clean = Counting(embedder)  # the same corpus built from nothing, with no cache
    expected = build([corpus], IndexSettings(index_dir=tmp_path / "clean"), embedder=clean)

    key = EmbeddingCache.for_index(tmp_path, "all-MiniLM-L6-v2", embedder.precision,
                                   embedder.dimension, 0).key
    assert 0 < len(kept) < len(set(clean.texts))
    assert set(rerun.texts) == {t for t in clean.texts if key(t) not in kept}
    assert len(rerun.texts) == len(set(rerun.texts))  # each text once
    assert report.cached_chunks + report.cached_statements == len(kept)
    assert report.embedded_chunks + report.cached_chunks == report.chunks == expected.chunks
    assert "from the embedding cache" in report.summary()
    assert not list(settings.index_dir.glob("*.partial"))

    mine = SearchIndex.open(settings)
    theirs = SearchIndex.open(IndexSettings(index_dir=tmp_path / "clean"))
    assert [a.id for a in mine.articles] == [a.id for a in theirs.articles]
    assert mine.speaker_keys == theirs.speaker_keys
    for name in ("chunks.npy", "statements.npy"):  # offsets, speakers: identical
        assert np.array_equal(np.load(mine.generation / name), np.load(theirs.generation / name))
    for name in ("vectors.npy", "statement_vectors.npy", "speaker_vectors.npy"):
        a, b = np.load(mine.generation / name), np.load(theirs.generation / name)
        assert a.shape == b.shape and np.allclose(a, b, atol=1e-5), name
    query = "what did the ministry say about the attack?"
    vector = embedder.encode([query])[0]
    assert ([h.chunk_id for h in mine.search(query, vector, 10)]
            == [h.chunk_id for h in theirs.search(query, vector, 10)])
