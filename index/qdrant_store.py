"""The same VectorStore interface on Qdrant, to show the index is not tied to FAISS.

Here it runs qdrant-client's local mode (`QdrantClient(path=...)`): in-process, no server,
storage under `<generation>/qdrant/`, exact dot-product search in numpy. Local mode is meant
for small collections (the client warns past 20,000 points) and one process per storage
folder; past that the same class would take a `QdrantClient(url=...)` to a Qdrant server with
shards and replicas (docs/scaling.md) and nothing above this interface would change.
"""

from __future__ import annotations

import atexit
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

COLLECTION = "chunks"
INDEX_TYPE = "qdrant-local"
UPLOAD_BATCH = 1024

# Local mode holds an exclusive lock on its folder, so a second client on the same
# generation in this process (a reload, a test opening the index twice) must share the first.
_clients: dict[Path, QdrantClient] = {}
_clients_lock = threading.Lock()


@atexit.register
def _close_all() -> None:
    """Close before interpreter shutdown: the client's own finaliser fails that late."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def _client(path: Path) -> QdrantClient:
    from qdrant_client import QdrantClient

    path = path.resolve()
    with _clients_lock:
        client = _clients.get(path)
        if client is None:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Local mode is not recommended")
                client = QdrantClient(path=str(path))
            _clients[path] = client
        return client


DIR = "qdrant"  # the chunks' collection; the statements' is `index.store.STATEMENT_FILES`


class QdrantStore:
    """Chunk ids are Qdrant point ids; vectors are stored as given (already normalised),
    and scored by dot product so scores equal FAISS inner products."""

    DIR = DIR
    index_type = INDEX_TYPE

    def __init__(self, client: QdrantClient, vectors: np.ndarray | None = None):
        self.client = client
        self._pending = vectors  # kept until save(): local mode needs a folder to write to
        self.size = (len(vectors) if vectors is not None
                     else client.count(COLLECTION, exact=True).count)

    @classmethod
    def build(cls, vectors: np.ndarray) -> QdrantStore:
        return cls(None, np.asarray(vectors, dtype=np.float32))  # type: ignore[arg-type]

    def save(self, directory: Path, name: str = DIR) -> None:
        """Write the collection under `directory/qdrant` and release the folder's lock, so
        the manifest's checksums see finished files."""
        from qdrant_client import QdrantClient, models

        vectors = self._pending
        if vectors is None:
            raise ValueError("this QdrantStore was opened from disk; it is saved already")
        path = directory / name
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Local mode is not recommended")
            client = QdrantClient(path=str(path))
            client.create_collection(COLLECTION, vectors_config=models.VectorParams(
                size=int(vectors.shape[1]),
                distance=models.Distance.DOT))
            for begin in range(0, len(vectors), UPLOAD_BATCH):
                block = vectors[begin : begin + UPLOAD_BATCH]
                client.upsert(COLLECTION, wait=True, points=models.Batch(
                    ids=list(range(begin, begin + len(block))), vectors=block.tolist()))
        client.close()

    @classmethod
    def open(cls, generation: Path, name: str = DIR) -> QdrantStore:
        path = generation / name
        if not path.is_dir():
            from index.store import IndexMismatch, rebuild_hint

            raise IndexMismatch(
                f"{generation} has no Qdrant store (it was built with STORE_BACKEND=faiss). "
                f"Rebuild with STORE_BACKEND=qdrant: {rebuild_hint(generation.parent)}")
        return cls(_client(path))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        from qdrant_client import models

        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        query_filter = None
        if allowed is not None:
            ids = np.flatnonzero(allowed).tolist()
            if not ids:
                return np.zeros(0, np.float32), np.zeros(0, np.int64)
            query_filter = models.Filter(must=[models.HasIdCondition(has_id=ids)])
        points = self.client.query_points(
            COLLECTION, query=np.asarray(query, dtype=np.float32).ravel().tolist(), limit=k,
            query_filter=query_filter, with_payload=False).points
        return (np.array([p.score for p in points], dtype=np.float32),
                np.array([int(p.id) for p in points], dtype=np.int64))
