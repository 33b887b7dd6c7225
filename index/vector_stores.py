"""Where vectors are searched: the engines `STORE_BACKEND` names, behind one protocol.

A backend builds one collection's store (chunks or statements) from its vectors, reusing the
live generation's where an update allows, and opens it again from a generation. The build and
the search side both ask `backend(name)`, so an engine is one class and one entry in
`BACKENDS`; the stores themselves (`index.dense.FaissStore`, `index.qdrant_store.QdrantStore`)
share `index.dense.VectorStore`: search and save.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from index import store
from index.dense import FILE as FAISS_FILE
from index.dense import FaissStore, VectorStore, choose_index_type

Collection = Literal["chunks", "statements"]
VECTORS = {"chunks": "vectors.npy", "statements": store.STATEMENT_FILES["vectors"]}


@dataclass(frozen=True)
class Live:
    """What an update may reuse of the live generation's store of one collection."""

    generation: Path
    index_type: str | None
    copied: int = 0  # leading rows of the new vectors copied from its vectors file as they are


class Backend(Protocol):
    name: str

    def path(self, collection: Collection) -> str:
        """The file or folder of a collection's store inside a generation."""
        ...

    def build(self, vectors: np.ndarray, collection: Collection,
              live: Live | None = None) -> VectorStore: ...

    def open(self, generation: Path, index_type: str, collection: Collection) -> VectorStore: ...


class FaissBackend:
    """FAISS (the default): exact search while fast enough, IVF-SQ8 past that; an update that
    appends extends the live index, one of the same type keeps its trained quantiser."""

    name = "faiss"

    def path(self, collection: Collection) -> str:
        return FAISS_FILE if collection == "chunks" else store.STATEMENT_FILES["faiss"]

    def build(self, vectors: np.ndarray, collection: Collection,
              live: Live | None = None) -> VectorStore:
        file, index_type = self.path(collection), choose_index_type(len(vectors))
        if live is not None and live.index_type == index_type:  # an update that appends
            old = np.load(live.generation / VECTORS[collection], mmap_mode="r")
            extended = FaissStore.extended(live.generation / file, index_type, vectors, old,
                                           same=live.copied)
            if extended is not None:
                return extended
        trained = (FaissStore.reusable(live.generation, live.index_type, index_type, file)
                   if live is not None and live.index_type else None)
        return FaissStore.build(vectors, index_type, trained=trained)

    def open(self, generation: Path, index_type: str, collection: Collection) -> VectorStore:
        if not (generation / self.path(collection)).exists():
            raise store.IndexMismatch(
                f"{generation} has no FAISS index: it was built with another STORE_BACKEND "
                f"(qdrant). Set STORE_BACKEND=qdrant, or rebuild: "
                f"{store.rebuild_hint(generation.parent)}")
        return FaissStore.load(generation, index_type, self.path(collection))


class QdrantBackend:
    """qdrant-client's in-process local mode: a whole collection written per generation."""

    name = "qdrant"

    def path(self, collection: Collection) -> str:
        from index.qdrant_store import DIR

        return DIR if collection == "chunks" else store.STATEMENT_FILES["qdrant"]

    def build(self, vectors: np.ndarray, collection: Collection,
              live: Live | None = None) -> VectorStore:
        from index.qdrant_store import QdrantStore

        return QdrantStore.build(np.asarray(vectors))

    def open(self, generation: Path, index_type: str, collection: Collection) -> VectorStore:
        from index.qdrant_store import QdrantStore

        return QdrantStore.open(generation, self.path(collection))


BACKENDS: dict[str, Backend] = {b.name: b for b in (FaissBackend(), QdrantBackend())}


def backend(name: str) -> Backend:
    try:
        return BACKENDS[name]
    except KeyError:
        raise ValueError(f"unknown STORE_BACKEND {name!r}; one of: "
                         f"{', '.join(sorted(BACKENDS))}") from None
