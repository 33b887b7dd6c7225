"""Index types by size, approximate search that still finds neighbours, and reused training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import EXACT_UP_TO, FaissStore, choose_index_type, ivf_lists


def unit_vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    """Clustered like text embeddings rather than uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, dim))
    vectors = centres[rng.integers(0, 50, n)] + 0.5 * rng.standard_normal((n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_exact_up_to_the_threshold_then_ivf_sq8():
    assert choose_index_type(10) == choose_index_type(EXACT_UP_TO) == "Flat"
    assert choose_index_type(100_000) == "IVF1024,SQ8"
    assert choose_index_type(1_000_000) == "IVF4096,SQ8"


def test_a_few_more_articles_keep_the_index_type():
    assert choose_index_type(100_000) == choose_index_type(101_500)
    assert all(ivf_lists(n) & (ivf_lists(n) - 1) == 0 for n in (60_000, 333_333, 2_000_000))


def test_ivf_finds_the_exact_neighbours_and_respects_the_filter():
    vectors = unit_vectors(5_000)
    store = FaissStore.build(vectors, "IVF64,SQ8")
    store.index.nprobe = 16
    queries = unit_vectors(50, seed=1)
    recall = []
    for q in queries:
        exact = set(np.argsort(-(vectors @ q))[:10].tolist())
        _, ids = store.search(q, 10)
        recall.append(len(exact & set(ids.tolist())) / 10)
    assert np.mean(recall) >= 0.9
    allowed = np.zeros(len(vectors), dtype=bool)
    allowed[::7] = True
    _, ids = store.search(queries[0], 10, allowed)
    assert len(ids) == 10 and allowed[ids].all()


def test_reused_training_skips_kmeans_and_indexes_every_vector(tmp_path: Path):
    first = FaissStore.build(unit_vectors(5_000), "IVF64,SQ8")
    first.save(tmp_path)
    trained = FaissStore.reusable(tmp_path, "IVF64,SQ8", "IVF64,SQ8")
    assert trained is not None and trained.is_trained and trained.ntotal == 0
    grown = unit_vectors(5_100, seed=2)
    store = FaissStore.build(grown, "IVF64,SQ8", trained=trained)
    assert store.index.ntotal == len(grown)
    store.index.nprobe = 64
    for row in (0, 5_050):  # an old and a new vector are both found (SQ8: near the top)
        scores, ids = store.search(grown[row], 5)
        assert row in ids.tolist() and scores[0] == pytest.approx(1.0, abs=0.05)


def test_training_is_not_reused_across_index_types(tmp_path: Path):
    FaissStore.build(unit_vectors(5_000), "IVF64,SQ8").save(tmp_path)
    assert FaissStore.reusable(tmp_path, "IVF64,SQ8", "IVF128,SQ8") is None
    assert FaissStore.reusable(tmp_path, "Flat", "Flat") is None


def test_chunks_at_finds_the_chunk_holding_each_offset(seed_index):
    from index.search import SearchIndex

    index = SearchIndex.open(seed_index)
    text = index.article_text(0)
    offsets = [0, 500, 1500, len(text) - 1]
    found = index.chunks_at([0] * len(offsets), offsets)
    for offset, chunk_id in zip(offsets, found.tolist()):
        start, end = index.chunk_spans[chunk_id]
        next_start = (index.chunk_spans[chunk_id + 1][0] if chunk_id + 1 < len(index.chunk_spans)
                      else len(text))
        assert start <= offset < max(end, next_start)


@pytest.mark.parametrize("index_type", ["Flat", "IVF64,SQ8"])
def test_extending_the_previous_index_equals_adding_every_vector(tmp_path: Path, index_type):
    import faiss

    old, grown = unit_vectors(5_000), unit_vectors(5_300, seed=3)
    grown[:5_000] = old  # an update that appends 300 rows
    FaissStore.build(old, index_type).save(tmp_path)
    trained = FaissStore.reusable(tmp_path, index_type, index_type)
    full = FaissStore.build(grown, index_type, trained=trained)
    extended = FaissStore.extended(tmp_path / FaissStore.FILE, index_type, grown, old)
    assert extended is not None and extended.index.ntotal == len(grown)
    assert np.array_equal(faiss.serialize_index(extended.index), faiss.serialize_index(full.index))
    changed = grown.copy()
    changed[10] = grown[4_000]  # one old row differs: not an append, so not extended
    assert FaissStore.extended(tmp_path / FaissStore.FILE, index_type, changed, old) is None
    assert FaissStore.extended(tmp_path / FaissStore.FILE, index_type, old[:4_000], old) is None
    # rows known copied from the old file are not compared; the rest still are
    assert FaissStore.extended(tmp_path / FaissStore.FILE, index_type, changed, old, same=5) is None
    known = FaissStore.extended(tmp_path / FaissStore.FILE, index_type, grown, old, same=4_000)
    assert np.array_equal(faiss.serialize_index(known.index), faiss.serialize_index(full.index))
