"""Qdrant (local mode) behind the VectorStore interface gives the same answers as FAISS."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.build import build
from index.config import IndexSettings
from index.dense import FaissStore
from index.qdrant_store import INDEX_TYPE, QdrantStore
from index.search import SearchIndex
from tests.conftest import SEED, SHARED_DATA, write_jsonl_sample

QUERIES = ["who said what about Idlib?", "Lavrov on terrorists", "displacement of civilians",
           "Turkish military observation posts", "villages taken by the army"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seed article, plus a few real FA-KES articles when the shared data is here."""
    folder = tmp_path_factory.mktemp("qdrant") / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder)
    fakes = SHARED_DATA / "fakes" / "articles.jsonl"
    if fakes.exists():
        write_jsonl_sample(fakes, folder / "fakes.jsonl", 20)
    return folder


@pytest.fixture(scope="module")
def indexes(corpus, embedder, tmp_path_factory) -> tuple[IndexSettings, IndexSettings]:
    root = tmp_path_factory.mktemp("backends")
    faiss = IndexSettings(index_dir=root / "faiss")
    qdrant = IndexSettings(index_dir=root / "qdrant", store_backend="qdrant")
    build([corpus], faiss, embedder=embedder)
    build([corpus], qdrant, embedder=embedder)
    return faiss, qdrant


def test_build_writes_a_qdrant_store_and_records_it(indexes):
    _, qdrant = indexes
    generation, manifest = store.open_generation(qdrant.index_dir)  # checksums still match
    assert manifest.index_type == INDEX_TYPE
    assert (generation / QdrantStore.DIR).is_dir()
    assert not (generation / FaissStore.FILE).exists()


def test_same_top_ids_as_faiss(indexes, embedder):
    faiss_index, qdrant_index = (SearchIndex.open(s) for s in indexes)
    assert isinstance(qdrant_index.vectors, QdrantStore)
    for query in QUERIES:
        vector = embedder.encode([query])[0]
        f_scores, f_ids = faiss_index.vectors.search(vector, 5)
        q_scores, q_ids = qdrant_index.vectors.search(vector, 5)
        assert q_ids.tolist() == f_ids.tolist(), query
        assert np.allclose(q_scores, f_scores, atol=1e-4)
        # the same through the hybrid search the answers use
        f_hits = faiss_index.search(query, vector, 10)
        q_hits = qdrant_index.search(query, vector, 10)
        assert [h.chunk_id for h in q_hits] == [h.chunk_id for h in f_hits]


def test_filtered_search_keeps_to_allowed_ids(indexes, embedder):
    _, qdrant = indexes
    index = SearchIndex.open(qdrant)  # a second open of the same generation shares the client
    vector = embedder.encode(["Idlib"])[0]
    allowed = np.zeros(len(index.chunk_article), dtype=bool)
    allowed[::3] = True
    scores, ids = index.vectors.search(vector, 5, allowed)
    assert len(ids) and allowed[ids].all()
    assert (np.diff(scores) <= 1e-6).all()


def test_answerer_on_qdrant_cites_the_same_article(indexes, embedder):
    from bot.answer import Answerer

    faiss, qdrant = indexes
    question = "who said what about Idlib?"
    on_faiss = Answerer.open(faiss, embedder=embedder).ask(question)
    on_qdrant = Answerer.open(qdrant, embedder=embedder).ask(question)
    assert on_qdrant.kind == on_faiss.kind == "quotes"
    assert on_qdrant.quotes[0].article.id == on_faiss.quotes[0].article.id
    assert SEED.stem in {q.article.id for q in on_qdrant.quotes}
    assert [q.text for q in on_qdrant.quotes] == [q.text for q in on_faiss.quotes]


def test_opening_a_faiss_generation_as_qdrant_names_the_fix(indexes):
    faiss, _ = indexes
    with pytest.raises(store.IndexMismatch, match="STORE_BACKEND=qdrant"):
        SearchIndex.open(faiss.model_copy(update={"store_backend": "qdrant"}))


def test_opening_a_qdrant_generation_as_faiss_names_the_fix(indexes):
    _, qdrant = indexes
    with pytest.raises(store.IndexMismatch, match="STORE_BACKEND=qdrant"):
        SearchIndex.open(qdrant.model_copy(update={"store_backend": "faiss"}))
