"""The build's two hooks for live ingestion: the articles stored beside the index are part of
every build, and `keep_live` adds or replaces articles without knowing the rest of the corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index import store
from index.build import BuildError, build
from index.config import IndexSettings
from index.search import SearchIndex
from tests.conftest import SEED, data_file


def fakes(start: int, count: int) -> list[dict]:
    lines = data_file("fakes", "articles.jsonl").read_text().splitlines()[start : start + count]
    return [json.loads(line) for line in lines]


def write(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder)
    write(folder / "fakes.jsonl", fakes(0, 3))
    return folder


def test_keep_live_adds_and_replaces_by_id_and_removes_nothing(corpus, tmp_path, embedder):
    settings = IndexSettings(index_dir=tmp_path / "index")
    build([corpus], settings, embedder=embedder)
    edited = fakes(1, 1)[0] | {"text": fakes(1, 1)[0]["text"] + " An update."}
    added = fakes(10, 1)[0]
    report = build([write(tmp_path / "poll.jsonl", [edited, added])], settings,
                   embedder=embedder, keep_live=True)
    assert (report.new, report.changed, report.removed, report.unchanged) == (1, 1, 0, 3)
    index = SearchIndex.open(settings)
    assert len(index.articles) == 5
    texts = {index.articles[row].id: index.article(row).text for row in range(5)}
    assert texts[edited["id"]] == edited["text"]
    again = build([tmp_path / "poll.jsonl"], settings, embedder=embedder, keep_live=True)
    assert again.up_to_date and again.embedded_chunks == 0


def test_every_build_reads_the_ingested_articles_so_a_rebuild_keeps_them(corpus, tmp_path,
                                                                         embedder):
    settings = IndexSettings(index_dir=tmp_path / "index")
    build([corpus], settings, embedder=embedder)
    ingested = fakes(20, 1)[0] | {"id": "web-0123456789abcdef", "url": "https://news.test/a"}
    write(store.ingested_articles(settings.index_dir) / "web-0123456789abcdef.jsonl", [ingested])
    report = build([corpus], settings, embedder=embedder, rebuild=True)
    assert report.articles == 5
    ids = {a.id: a.url for a in SearchIndex.open(settings).articles}
    assert ids["web-0123456789abcdef"] == "https://news.test/a"


def test_keep_live_with_nothing_to_index_says_so(tmp_path, embedder):
    settings = IndexSettings(index_dir=tmp_path / "index")
    with pytest.raises(BuildError, match="no articles to index"):
        build([], settings, embedder=embedder, keep_live=True)
