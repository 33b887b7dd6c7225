"""An update that reuses the live generation must give exactly what a clean build gives."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np

from index import build as build_module
from index import speaker_directory, store
from index.build import build
from index.config import IndexSettings
from index.embed import HashEmbedder
from index.lexical import LexicalIndex
from index.search import SearchIndex
from index.term_counts import TermCounts
from tests.conftest import SEED, data_file

QUERIES = ["Idlib", "what did Lavrov say about the ceasefire", "Red Cross aid convoy",
           "minister warned sanctions", "Syria government forces attack"]
TABLES = {"articles": "row", "chunks": "id", "quotes": "id", "speakers": "id", "aliases": "short"}


def _rows(generation: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(generation / "meta.sqlite")
    try:
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY {key}").fetchall()
                for t, key in TABLES.items()}
    finally:
        db.close()


def _doc_terms(directory: Path) -> list[tuple[bytes, int, list[tuple[str, int]]]]:
    """Each BM25 document's text key and length with its terms and counts, whatever ids the
    terms got (read back from the kept columns)."""
    kept = TermCounts.load(directory)
    assert kept is not None, directory
    terms = np.repeat(np.arange(len(kept.vocab)), np.diff(kept.indptr))
    by_doc: list[list[tuple[str, int]]] = [[] for _ in range(kept.size)]
    for doc, term, count in zip(kept.indices.tolist(), terms.tolist(), kept.counts.tolist()):
        by_doc[doc].append((kept.vocab[term], count))
    return [(key, int(n), sorted(entries))
            for key, n, entries in zip(kept.keys.tolist(), kept.lengths.tolist(), by_doc)]


def _columns(generation: Path, name: str) -> dict[str, tuple[list[int], bytes]]:
    """Each term's documents and BM25 scores (bytes) as saved, whatever id the term got."""
    counts = TermCounts.load(generation / name)
    data = np.load(generation / name / "data.csc.index.npy")
    return {term: (counts.indices[a:b].tolist(), data[a:b].tobytes())
            for term, a, b in zip(counts.vocab, counts.indptr[:-1].tolist(),
                                  counts.indptr[1:].tolist())}


def _same_as_a_clean_build(corpus: Path, updated: IndexSettings, tmp_path: Path,
                           embedder: HashEmbedder) -> None:
    clean = IndexSettings(index_dir=tmp_path / f"clean-{len(list(tmp_path.iterdir()))}")
    build([corpus], clean, embedder=embedder, rebuild=True)
    a_gen, a_manifest = store.open_generation(updated.index_dir)
    b_gen, b_manifest = store.open_generation(clean.index_dir)
    assert a_manifest.counts == b_manifest.counts
    assert _rows(a_gen) == _rows(b_gen)
    for name in (store.CHUNK_TABLE, store.STATEMENT_FILES["table"], "vectors.npy",
                 store.STATEMENT_FILES["vectors"], store.SPEAKER_VECTORS):
        assert np.array_equal(np.load(a_gen / name), np.load(b_gen / name)), name
    for name in (LexicalIndex.DIR, store.STATEMENT_FILES["bm25"]):  # what the next update keeps
        assert _doc_terms(a_gen / name) == _doc_terms(b_gen / name), name
        assert _columns(a_gen, name) == _columns(b_gen, name), name  # every score, bit for bit

    a, b = SearchIndex.open(updated), SearchIndex.open(clean)
    try:
        for query in QUERIES:
            vector = embedder.encode([query])[0]
            for mode in ("hybrid", "dense", "bm25"):
                mine = [(h.chunk_id, h.score) for h in a.search(query, vector, 10, mode)]
                theirs = [(h.chunk_id, h.score) for h in b.search(query, vector, 10, mode)]
                assert mine == theirs and (mode == "dense" or mine), (query, mode)
            for collection_a, collection_b in ((a.passages, b.passages),
                                               (a.statements, b.statements)):
                sa, ia = collection_a.lexical.search(query, 20)
                sb, ib = collection_b.lexical.search(query, 20)
                assert ia.tolist() == ib.tolist() and sa.tobytes() == sb.tobytes(), query
            assert a.lexical.unknown_words(query + " xyzzy") == b.lexical.unknown_words(
                query + " xyzzy")
    finally:
        a.close()
        b.close()


def test_base_plus_updates_equal_a_full_build(tmp_path, monkeypatch):
    kept: list[tuple[int, int]] = []  # (chunks, statements) each build kept without their texts
    real_write = build_module._write_statements

    def spy(partial, db, articles, records, previous):
        texts = real_write(partial, db, articles, records, previous)
        kept.append((records.chunks.start, texts.statements.start))
        return texts

    monkeypatch.setattr(build_module, "_write_statements", spy)
    partial: list[bool] = []  # whether each update's speaker directory was updated, not remade
    real_updated = speaker_directory.updated

    def spy_directory(*args):
        found = real_updated(*args)
        partial.append(found is not None)
        return found

    monkeypatch.setattr(speaker_directory, "updated", spy_directory)
    lines = data_file("fakes", "articles.jsonl").read_text().splitlines()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    (corpus / "a.jsonl").write_text("\n".join(lines[:30]) + "\n")
    embedder = HashEmbedder(dimension=32)
    updated = IndexSettings(index_dir=tmp_path / "updated")
    build([corpus], updated, embedder=embedder)

    # articles added after the others: the live rows are copied, the new ones appended
    (corpus / "b.jsonl").write_text("\n".join(lines[30:45]) + "\n")
    report = build([corpus], updated, embedder=embedder)
    assert (report.new, report.changed, report.removed) == (15, 0, 0)
    # the chunks kept without their texts; the statements' texts made again, for the new
    # articles define acronyms their BM25 texts name
    assert kept[-1][0] > 0 and kept[-1][1] == 0, kept
    _same_as_a_clean_build(corpus, updated, tmp_path, embedder)

    # then one edited and one removed, early in the order: most rows are written again
    edited = json.loads(lines[3])
    edited["text"] += "\n\nThe minister later said the convoy reached Idlib."
    (corpus / "a.jsonl").write_text("\n".join([*lines[:3], json.dumps(edited), *lines[4:29]]) + "\n")
    report = build([corpus], updated, embedder=embedder)
    assert (report.new, report.changed, report.removed) == (0, 1, 1)
    _same_as_a_clean_build(corpus, updated, tmp_path, embedder)

    # and the last ones removed: the copy loses its tail
    (corpus / "b.jsonl").write_text("\n".join(lines[30:40]) + "\n")
    report = build([corpus], updated, embedder=embedder)
    assert report.removed == 5
    assert kept[-1][0] > 0 and kept[-1][1] > 0, kept  # statements too kept without texts
    assert partial[-1], partial  # the directory updated for the speakers removed
    _same_as_a_clean_build(corpus, updated, tmp_path, embedder)

    # articles added again, the directory made whole (as when many speakers change)
    monkeypatch.setattr(speaker_directory, "MAX_CHANGED", 0)
    (corpus / "b.jsonl").write_text("\n".join(lines[30:44]) + "\n")
    report = build([corpus], updated, embedder=embedder)
    assert report.new == 4 and not partial[-1], partial
    _same_as_a_clean_build(corpus, updated, tmp_path, embedder)

    # and one more added, the directory updated for the speakers its statements name
    monkeypatch.undo()
    monkeypatch.setattr(speaker_directory, "updated", spy_directory)
    (corpus / "b.jsonl").write_text("\n".join(lines[30:45]) + "\n")
    report = build([corpus], updated, embedder=embedder)
    assert report.new == 1 and partial[-1], partial
    _same_as_a_clean_build(corpus, updated, tmp_path, embedder)
