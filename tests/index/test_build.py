"""The operator's build: incremental, atomic, one at a time, and loud about damage."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from functools import cached_property
from pathlib import Path

import pytest

from index import store
from index.build import BuildError, build
from index.config import IndexSettings
from index.records import Article
from index.search import SearchIndex
from tests.conftest import ROOT, SEED, data_file, write_jsonl_sample


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder)
    write_jsonl_sample(data_file("fakes", "articles.jsonl"), folder / "fakes.jsonl", 6)
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> IndexSettings:
    return IndexSettings(index_dir=tmp_path / "index")


def test_incremental_build_embeds_only_what_changed(corpus, settings, embedder):
    first = build([corpus], settings, embedder=embedder)
    assert (first.new, first.articles) == (7, 7) and first.embedded_chunks == first.chunks

    again = build([corpus], settings, embedder=embedder)
    assert again.up_to_date and again.embedded_chunks == 0
    assert again.generation == first.generation

    lines = (corpus / "fakes.jsonl").read_text().splitlines()
    changed = json.loads(lines[0])
    changed["title"] = "A corrected headline"  # metadata only: no text to embed
    added = json.loads(data_file("fakes", "articles.jsonl").read_text().splitlines()[10])
    (corpus / "fakes.jsonl").write_text("\n".join([json.dumps(changed), *lines[1:-1],
                                                   json.dumps(added)]) + "\n")
    update = build([corpus], settings, embedder=embedder)
    assert (update.new, update.changed, update.removed, update.unchanged) == (1, 1, 1, 5)
    index = SearchIndex.open(settings)
    new_text = {added["id"], changed["id"]}  # the embedder sees the title with the text
    embedded = sum(1 for a in index.chunk_article if index.articles[a].id in new_text)
    assert update.embedded_chunks == embedded  # nothing else was embedded again
    assert "A corrected headline" in [a.title for a in index.articles]
    assert json.loads(lines[-1])["id"] not in {a.id for a in index.articles}


def test_fingerprints_are_lent_only_for_the_same_fields(corpus, settings, embedder, monkeypatch):
    build([corpus], settings, embedder=embedder)
    hashed: list[str] = []
    real = Article.fingerprint.func
    spy = cached_property(lambda a: hashed.append(a.id) or real(a))
    monkeypatch.setattr(Article, "fingerprint", spy)
    spy.__set_name__(Article, "fingerprint")
    lines = (corpus / "fakes.jsonl").read_text().splitlines()
    for field, value in (("date", "2001-02-03T04:05:06+00:00"), ("source", "Another"),
                         ("url", "https://example.org/x")):
        record = json.loads(lines[1])
        record[field] = value
        lines[1] = json.dumps(record)
        (corpus / "fakes.jsonl").write_text("\n".join(lines) + "\n")
        hashed.clear()
        update = build([corpus], settings, embedder=embedder)
        assert (update.changed, update.unchanged) == (1, 6), field
        assert hashed == [record["id"]], field  # the unchanged ones' fingerprints were lent


def test_reused_vectors_equal_fresh_ones(corpus, settings, embedder, tmp_path):
    import numpy as np

    build([corpus], settings, embedder=embedder)
    (corpus / "extra.jsonl").write_text(
        data_file("fakes", "articles.jsonl").read_text().splitlines()[20] + "\n")
    build([corpus], settings, embedder=embedder)
    fresh = IndexSettings(index_dir=tmp_path / "fresh")
    build([corpus], fresh, embedder=embedder, rebuild=True)
    a, b = SearchIndex.open(settings), SearchIndex.open(fresh)
    order = {m.id: m.row for m in b.articles}
    for row, meta in enumerate(a.articles):
        mine = a.chunk_article == row
        theirs = b.chunk_article == order[meta.id]
        assert np.allclose(np.asarray(a.matrix)[mine], np.asarray(b.matrix)[theirs], atol=1e-5)


def test_failed_build_leaves_the_previous_index_whole(corpus, settings, embedder):
    first = build([corpus], settings, embedder=embedder)
    (corpus / "more.jsonl").write_text(
        data_file("fakes", "articles.jsonl").read_text().splitlines()[30] + "\n")

    def explode(stage: str) -> None:
        if stage == "index":
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        build([corpus], settings, embedder=embedder, on_stage=explode)
    assert store.current_generation(settings.index_dir) == first.generation
    store.open_generation(settings.index_dir)  # still verifies
    assert not list(settings.index_dir.glob("*.partial"))


def test_build_killed_mid_way_leaves_the_previous_index_usable(tmp_path, settings, embedder):
    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(SEED, small)
    first = build([small], settings, embedder=embedder)
    big = write_jsonl_sample(data_file("fakes", "articles.jsonl"), tmp_path / "big.jsonl", 40)
    process = subprocess.Popen(
        [sys.executable, "-m", "index.build", "-q", "--index-dir", str(settings.index_dir),
         str(small), str(big)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(settings.index_dir.glob("*.partial/vectors.npy")):
        assert process.poll() is None and time.monotonic() < deadline, "build never started embedding"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert list(settings.index_dir.glob("*.partial"))  # what the killed build left

    assert store.current_generation(settings.index_dir) == first.generation
    index = SearchIndex.open(settings)  # checksums still match
    assert [a.id for a in index.articles] == ["000_90aed92b11813b25"]
    after = build([small], settings, embedder=embedder)  # the lock died with the process
    assert after.up_to_date and not list(settings.index_dir.glob("*.partial"))  # cleaned up
    rebuilt = build([small, big], settings, embedder=embedder)
    assert rebuilt.new > 30 and not list(settings.index_dir.glob("*.partial"))


def test_changing_the_store_backend_is_not_up_to_date(corpus, settings, embedder):
    build([corpus], settings, embedder=embedder)
    qdrant = settings.model_copy(update={"store_backend": "qdrant"})
    report = build([corpus], qdrant, embedder=embedder)
    assert not report.up_to_date and report.embedded_chunks == 0  # vectors reused
    SearchIndex.open(qdrant)


def test_chunk_words_is_checked_and_changing_it_chunks_and_embeds_again(corpus, settings,
                                                                        embedder, monkeypatch):
    from pydantic import ValidationError

    monkeypatch.setenv("CHUNK_WORDS", "40")
    assert IndexSettings().chunk_words == 40  # the operator sets it in the environment or .env
    for bad in ("10", "1000", "eighty"):
        monkeypatch.setenv("CHUNK_WORDS", bad)
        with pytest.raises(ValidationError, match="chunk_words"):
            IndexSettings()

    def longest(index: SearchIndex) -> int:
        return max(len(index.chunk_text(c).split()) for c in range(len(index.chunk_article)))

    first = build([corpus], settings, embedder=embedder)
    before = SearchIndex.open(settings)
    assert longest(before) > 60
    before.close()
    smaller = settings.model_copy(update={"chunk_words": 40})
    again = build([corpus], smaller, embedder=embedder)
    assert not again.up_to_date and again.chunks > first.chunks
    # every chunk is new text and embedded, except those the same as before (a short article
    # is one chunk either way): the embedding cache has their vectors
    assert again.embedded_chunks + again.cached_chunks == again.chunks
    assert 0 < again.cached_chunks < again.embedded_chunks
    index = SearchIndex.open(smaller)
    assert index.manifest.chunk_words == 40
    assert longest(index) <= 60  # a sentence up to 1.5x the target stays whole


def test_second_build_refuses_while_one_runs(settings):
    with store.build_lock(settings.index_dir), \
            pytest.raises(store.BuildLocked, match="another build is running"):
        build([SEED], settings)


def test_damaged_file_is_named_with_the_rebuild_command(corpus, settings, embedder):
    report = build([corpus], settings, embedder=embedder)
    target = report.generation / "meta.sqlite"
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])  # truncated
    with pytest.raises(store.IndexDamaged) as caught:
        SearchIndex.open(settings)
    assert "meta.sqlite" in str(caught.value) and "python -m index.build" in str(caught.value)


def test_checksums_are_verified_once_per_copy_and_again_after_a_change(corpus, settings, embedder,
                                                                       monkeypatch):
    report = build([corpus], settings, embedder=embedder)
    SearchIndex.open(settings).close()  # the build hashed every file as it wrote the manifest
    hashed: list[str] = []
    real = store._sha256
    monkeypatch.setattr(store, "_sha256", lambda path: hashed.append(path.name) or real(path))
    SearchIndex.open(settings).close()
    assert hashed == []  # unchanged since it passed: not hashed again
    target = report.generation / "vectors.npy"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF  # same size, one bit pattern changed, rewritten
    target.write_bytes(bytes(data))
    with pytest.raises(store.IndexDamaged, match="vectors.npy"):
        SearchIndex.open(settings)


def test_index_from_another_model_says_how_to_rebuild(corpus, settings, embedder):
    build([corpus], settings, embedder=embedder)
    other = settings.model_copy(update={"embedding_model": "/models/other"})
    with pytest.raises(store.IndexMismatch, match="rebuild|Rebuild"):
        SearchIndex.open(other)


def test_no_articles_is_an_error_that_changes_nothing(tmp_path, settings):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BuildError, match="no articles"):
        build([empty], settings)
    assert store.current_generation(settings.index_dir) is None


def test_a_missing_input_path_fails_and_keeps_the_index(corpus, settings, embedder, tmp_path):
    """A mistyped path must not rebuild the index without that path's articles."""
    build([corpus], settings, embedder=embedder)
    live = store.current_generation(settings.index_dir)
    with pytest.raises(BuildError, match="no such file.*nothing was changed"):
        build([corpus, tmp_path / "typo.jsonl"], settings, embedder=embedder)
    assert store.current_generation(settings.index_dir) == live


def test_strict_makes_bad_input_fatal(tmp_path, settings, embedder):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "t", "date": "2020-01-01"}\n{oops\n')
    with pytest.raises(BuildError, match="bad.jsonl:2"):
        build([bad], settings, strict=True, embedder=embedder)


def test_an_oversized_article_is_skipped_with_its_reason_and_fatal_with_strict(tmp_path,
                                                                              embedder):
    settings = IndexSettings(index_dir=tmp_path / "index", max_article_chars=5_000)
    small = {"id": "small", "title": "Talks", "date": "2022-03-01",
             "text": 'The minister said: "We will talk again on Monday." Nothing else was agreed.'}
    runaway = small | {"id": "runaway", "text": "An archive pasted into one field. " * 1_000}
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(small) + "\n" + json.dumps(runaway) + "\n")

    report = build([path], settings, embedder=embedder)
    assert report.articles == 1 and report.embedded_chunks == report.chunks == 1
    [problem] = report.skipped
    assert str(problem).startswith(f"{path}:2: text of 33,999 characters is over the limit of "
                                   "5,000 (MAX_ARTICLE_CHARS)")
    assert "MAX_ARTICLE_CHARS" in report.summary()
    with pytest.raises(BuildError, match="feed.jsonl:2: text of 33,999"):
        build([path], IndexSettings(index_dir=tmp_path / "strict", max_article_chars=5_000),
              strict=True, embedder=embedder)
    assert store.current_generation(tmp_path / "strict") is None


def test_cli_prints_a_summary_with_skipped_files(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    shutil.copy(SEED, folder)
    (folder / "notes.pdf").write_bytes(b"%PDF")
    result = subprocess.run(
        [sys.executable, "-m", "index.build", "-q", "--index-dir", str(tmp_path / "i"), str(folder)],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    for words in ("articles 1", "new 1", "skipped 1", "notes.pdf", "unsupported file type"):
        assert words in result.stdout
