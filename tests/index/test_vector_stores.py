"""The vector-store registry: every STORE_BACKEND the settings accept has one backend, and a
backend's store built from vectors and saved opens again to the same answers."""

from __future__ import annotations

from typing import get_args

import numpy as np
import pytest

from index import store
from index.config import IndexSettings
from index.vector_stores import BACKENDS, Live, backend


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, 16)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_every_setting_has_a_backend_and_an_unknown_name_is_refused():
    accepted = set(get_args(IndexSettings.model_fields["store_backend"].annotation))
    assert accepted == set(BACKENDS)
    with pytest.raises(ValueError, match="one of: faiss, qdrant"):
        backend("milvus")


@pytest.mark.parametrize("name", sorted(BACKENDS))
@pytest.mark.parametrize("collection", ["chunks", "statements"])
def test_a_built_store_opens_again_to_the_same_results(tmp_path, name, collection):
    engine, vectors = backend(name), _vectors(200)
    built = engine.build(vectors, collection)
    built.save(tmp_path, engine.path(collection))
    opened = engine.open(tmp_path, built.index_type, collection)
    for q in vectors[:5]:
        scores, ids = opened.search(q, 3)
        assert ids[0] == int(np.argmax(vectors @ q))
        np.testing.assert_allclose(scores, np.sort(vectors @ q)[::-1][:3], rtol=1e-5)


def test_faiss_extends_the_live_index_on_an_append(tmp_path, monkeypatch):
    from index.dense import FaissStore

    engine, vectors = backend("faiss"), _vectors(300)
    live = tmp_path / "live"
    live.mkdir()
    old = engine.build(vectors[:200], "chunks")
    old.save(live, engine.path("chunks"))
    np.save(live / "vectors.npy", vectors[:200])
    fresh = engine.build(vectors, "chunks")
    with monkeypatch.context() as patch:  # an append never indexes the held rows again
        patch.setattr(FaissStore, "build", classmethod(lambda *a, **k: pytest.fail("rebuilt")))
        grown = engine.build(vectors, "chunks", Live(live, old.index_type))
    assert grown.index.ntotal == 300
    for q in vectors[::37]:
        assert np.array_equal(grown.search(q, 5)[1], fresh.search(q, 5)[1])


def test_opening_a_store_another_backend_built_says_which(tmp_path):
    faiss_engine = backend("faiss")
    built = faiss_engine.build(_vectors(10), "chunks")
    built.save(tmp_path, faiss_engine.path("chunks"))
    with pytest.raises(store.IndexMismatch, match="STORE_BACKEND"):
        backend("qdrant").open(tmp_path, "qdrant", "chunks")
    with pytest.raises(store.IndexMismatch, match="STORE_BACKEND=qdrant"):
        faiss_engine.open(tmp_path, built.index_type, "statements")
