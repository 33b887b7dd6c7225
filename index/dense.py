"""Vector stores behind one small interface; FAISS by default.

The store only maps chunk ids (rows of `vectors.npy`) to vectors and answers top-k inner
product queries; everything else (text, offsets, dates) lives in SQLite. That keeps a second
engine (Qdrant, `index/qdrant_store.py`) a drop-in replacement chosen by `STORE_BACKEND`
through the registry in `index/vector_stores.py`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

EXACT_UP_TO = 50_000  # exact search: ~0.8 ms at 10k, ~8 ms at 50k on 2 cores
NPROBE = 32  # lists probed per query; see bench/scale.py for recall@10 and latency by nprobe


class VectorStore(Protocol):
    index_type: str

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) for one normalised query; `allowed` is a bool mask over ids."""
        ...

    def save(self, directory: Path, file: str) -> None:
        """Write under `directory`; `file` names this collection's file or folder."""
        ...


def ivf_lists(n: int) -> int:
    """About 4·sqrt(n) lists, rounded to a power of two so that an index growing by a few
    articles keeps its index type, and with it the trained quantiser (see `reusable`)."""
    return 2 ** round(np.log2(4 * np.sqrt(max(n, 1))))


def choose_index_type(n: int) -> str:
    """Exact while it is fast enough; past that IVF with 8-bit scalar quantisation: a quarter
    of float32's memory (1M chunks: ~0.4 GB), and recall@10 >= 0.95 of exact at NPROBE
    (measured with bench/scale.py; HNSW was faster per query but took minutes to build and
    more memory than float32, IVF with fp16 twice the memory for little recall)."""
    if n <= EXACT_UP_TO:
        return "Flat"
    return f"IVF{ivf_lists(n)},SQ8"


def index_bytes(n: int, dim: int, index_type: str) -> int:
    """About what a saved index of `n` vectors takes on disk (for the build's space check):
    Flat keeps float32 vectors; IVF-SQ8 a byte per dimension and an 8-byte id per vector,
    plus its float32 centroids. Other stores are taken to be like Flat."""
    if index_type.startswith("IVF") and ",SQ8" in index_type:
        lists = int(index_type[3:].split(",")[0])
        return n * (dim + 8) + lists * dim * 4
    return n * dim * 4


FILE = "dense.faiss"  # the chunks' index; the statements' is `index.store.STATEMENT_FILES`


class FaissStore:
    FILE = FILE

    def __init__(self, index: faiss.Index, index_type: str, nprobe: int = NPROBE):
        self.index = index
        self.index_type = index_type
        if hasattr(index, "nprobe"):
            index.nprobe = nprobe

    @classmethod
    def build(cls, vectors: np.ndarray, index_type: str | None = None,
              trained: faiss.Index | None = None) -> FaissStore:
        """Index `vectors` (row = chunk id). `trained`: an empty, trained index of the same
        type (from `reusable`) to skip k-means, the slow part of an incremental build."""
        n, dim = vectors.shape
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # bulk work uses every core (see search)
        index_type = index_type or choose_index_type(n)
        if trained is not None and trained.ntotal == 0 and trained.d == dim:
            index = trained
        else:
            index = faiss.index_factory(dim, index_type, faiss.METRIC_INNER_PRODUCT)
        if not index.is_trained:
            rng = np.random.default_rng(0)
            sample = vectors[rng.choice(n, size=min(n, 100_000), replace=False)]
            index.train(np.ascontiguousarray(sample))
        for begin in range(0, n, 200_000):  # blocks: no float32 copy of a 1M-row mmap
            index.add(np.ascontiguousarray(vectors[begin : begin + 200_000], dtype=np.float32))
        return cls(index, index_type)

    @classmethod
    def reusable(cls, generation: Path, old_type: str, new_type: str,
                 file: str = FILE) -> faiss.Index | None:
        """The previous generation's trained quantiser, emptied, when the index type is the
        same (same number of lists): an update then only adds vectors. `--rebuild` retrains,
        and so does growth past a power of two in `ivf_lists`."""
        if old_type != new_type or not new_type.startswith("IVF"):
            return None
        try:
            index = faiss.read_index(str(generation / file))
        except RuntimeError:
            return None
        index.reset()
        return index

    @classmethod
    def extended(cls, path: Path, index_type: str, vectors: np.ndarray,
                 old_vectors: np.ndarray, same: int = 0) -> FaissStore | None:
        """The index at `path` (of `old_vectors`) with the rows of `vectors` past those added,
        when `vectors` begins with every vector it holds, row for row: an update that only
        appends. FAISS appends to its lists in row order, so this is the index adding them
        all would give, at the cost of the new rows. None when it does not apply. The first
        `same` rows are known equal (copied from the file of `old_vectors`): not compared."""
        try:
            index = faiss.read_index(str(path))
        except RuntimeError:
            return None
        held, block = index.ntotal, 200_000
        if held != len(old_vectors) or held > len(vectors) or index.d != vectors.shape[1]:
            return None
        for begin in range(min(same, held), held, block):
            if not np.array_equal(old_vectors[begin : begin + block],
                                  vectors[begin : min(begin + block, held)]):
                return None
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        for begin in range(held, len(vectors), block):
            index.add(np.ascontiguousarray(vectors[begin : begin + block], dtype=np.float32))
        return cls(index, index_type)

    @classmethod
    def load(cls, directory: Path, index_type: str, file: str = FILE) -> FaissStore:
        return cls(faiss.read_index(str(directory / file)), index_type)

    def save(self, directory: Path, file: str = FILE) -> None:
        faiss.write_index(self.index, str(directory / file))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        if faiss.omp_get_max_threads() != 1:
            # One query gains nothing from OpenMP, and on a busy 2-core box its threads wait on
            # each other: Flat over 20k chunks measured 16 ms with 2 threads, 1.8 ms with 1.
            faiss.omp_set_num_threads(1)
        k = min(k, self.index.ntotal)
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        params = None
        if allowed is not None:
            bitmap = np.packbits(allowed, bitorder="little")  # must outlive the search
            selector = faiss.IDSelectorBitmap(allowed.size, faiss.swig_ptr(bitmap))
            params = (faiss.SearchParametersIVF(sel=selector, nprobe=getattr(self.index, "nprobe", 1))
                      if hasattr(self.index, "nprobe") else faiss.SearchParameters(sel=selector))
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]
