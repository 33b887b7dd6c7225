"""Shared fixtures: the real model loaded once, and small real indexes built once per session."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from index.config import IndexSettings

# Tests build their own indexes with the defaults: a developer's `.env` or environment must
# not change them. Environment variables win over `.env`, and subprocesses inherit them.
# Precision is pinned to float32: `auto` measures the CPU at hand, and what a test sees must
# not depend on which machine runs it (tests/index/test_precision.py tests `auto` itself); a
# measurement a test makes is remembered in a temporary file, never in the user's cache.
_PRECISION_DIR = Path(tempfile.mkdtemp(prefix="newsroom-bot-tests-"))
atexit.register(shutil.rmtree, _PRECISION_DIR, True)
for _name, _value in {"EMBEDDING_MODEL": "all-MiniLM-L6-v2", "EMBEDDING_PRECISION": "float32",
                      "EMBEDDING_BATCH_SIZE": "32", "CHUNK_WORDS": "80", "STORE_BACKEND": "faiss",
                      "INDEX_DIR": "data/index",
                      "PRECISION_CACHE": str(_PRECISION_DIR / "precision.json")}.items():
    os.environ[_name] = _value
for _name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "ALLOWED_IDS", "ADMIN_IDS"):
    os.environ.pop(_name, None)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEED = CORPUS / "000_90aed92b11813b25.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"


def data_file(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared/data lies beside the project)")
    return path


def write_jsonl_sample(source: Path, target: Path, count: int, start: int = 0) -> Path:
    """A small real corpus: `count` lines of a shared JSON Lines file."""
    lines = source.read_text(encoding="utf-8").splitlines()[start : start + count]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def embedder():
    from index.embed import Embedder

    model = Embedder(precision_setting="float32")  # as pinned above
    model.encode(["warm up"])
    return model


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, embedder) -> IndexSettings:
    """The seed corpus, built once; tests must not modify it."""
    from index.build import build

    settings = IndexSettings(index_dir=tmp_path_factory.mktemp("seed") / "index")
    build([CORPUS], settings, embedder=embedder)
    return settings


@pytest.fixture(scope="session")
def answerer(seed_index, embedder):
    from bot.answer import Answerer

    return Answerer.open(seed_index, embedder=embedder)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
