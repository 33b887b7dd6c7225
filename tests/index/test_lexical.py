"""The ask path's tokenizer must read words exactly as bm25s does when it builds the index."""

import bm25s

from index.lexical import _stemmer, tokenize

TEXTS = [
    "",
    "a I x",
    "What did the U.N. say about the air strikes on al-Quria in Deir ez-Zor?",
    "Peskov's remarks: “We won’t comment,” he said on 24/02/2022 at 10:30.",
    "Zelenskyy’s office — Kyiv, Kharkiv & Mariupol; naïve café résumé ÉTATS-UNIS",
    "running runs ran RUNNER the and of it's don't 2022-07-15 COVID-19 x86_64 __init__",
    "Ma'arrat al-Numan\nIdlib\tprovince\u00a0Syria 北京 Москва заявил",
]


def test_words_match_bm25s():
    expected = bm25s.tokenize(TEXTS, stopwords="en", stemmer=_stemmer(), show_progress=False,
                              return_ids=False)
    assert tokenize(TEXTS, return_ids=False) == expected
    for text in TEXTS:
        assert tokenize([text], return_ids=False) == [expected[TEXTS.index(text)]]


# --- BM25 built from kept term counts (index.term_counts.TermCounts) ---

import json  # noqa: E402
import random  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from index.lexical import LexicalIndex  # noqa: E402
from index.term_counts import TermCounts  # noqa: E402

WORDS = ("minister said talks ceasefire Idlib Kyiv Moscow aid convoy shelling warned denied urged "  # noqa: SIM905
         "Red Cross WFP grain port Odesa sanctions Lavrov Carboni Zelenskyy running runs the of "
         "and a it's").split()


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30))) for _ in range(n)]


def _columns(retriever) -> dict[str, tuple[list[int], bytes]]:
    """Each term's (documents, scores bytes): the index whatever numbers its terms got."""
    s, terms = retriever.scores, {i: t for t, i in retriever.vocab_dict.items()}
    return {terms[j]: (s["indices"][s["indptr"][j]:s["indptr"][j + 1]].tolist(),
                       s["data"][s["indptr"][j]:s["indptr"][j + 1]].tobytes())
            for j in range(len(s["indptr"]) - 1)}


def test_scores_equal_bm25s_own_index():
    texts = _texts(1, 300) + ["", "the of and"]  # empty and stop-word-only documents too
    reference = bm25s.BM25()
    reference.index(tokenize(texts), show_progress=False)
    built = LexicalIndex.build(texts).retriever
    assert _columns(built) == _columns(reference)
    assert set(built.vocab_dict) == set(reference.vocab_dict)
    assert built.scores["num_docs"] == len(texts)


def test_update_from_kept_counts_equals_a_full_build(tmp_path):
    old = _texts(2, 200) + ["Lavrov unique-word-xyzzy said"]
    LexicalIndex.build(old).save(tmp_path)
    # drop some (and with them the word only one held), keep some, add new ones, reorder
    new = _texts(3, 50) + old[150:200][::-1] + old[:100:2] + ["Carboni plugh said"]
    updated = LexicalIndex.build(new, previous=tmp_path / "bm25")
    full = LexicalIndex.build(new)
    assert _columns(updated.retriever) == _columns(full.retriever)
    assert "xyzzi" not in updated.retriever.vocab_dict and "plugh" in updated.retriever.vocab_dict
    for query in ("Lavrov said", "ceasefire Idlib convoy", "plugh", "grain port"):
        scores, ids = updated.search(query, 10)
        expected_scores, expected_ids = full.search(query, 10)
        assert ids.tolist() == expected_ids.tolist()
        assert scores.tobytes() == expected_scores.tobytes()


def test_counts_are_reused_not_recomputed(tmp_path, monkeypatch):
    old = _texts(4, 40)
    LexicalIndex.build(old).save(tmp_path)
    seen: list[str] = []
    import index.lexical as lexical

    real = lexical.tokenize
    monkeypatch.setattr(lexical, "tokenize",
                        lambda texts, return_ids=True: seen.extend(texts) or real(texts, return_ids))
    LexicalIndex.build(old + ["a new text about Odesa"], previous=tmp_path / "bm25")
    assert seen == ["a new text about Odesa"]
    kept = TermCounts.load(tmp_path / "bm25")
    assert kept is not None and kept.size == len(old)
    assert kept.indptr[-1] == len(kept.indices) == len(kept.counts)


def test_a_kept_prefix_needs_no_texts_and_equals_a_full_build(tmp_path):
    old = _texts(5, 120) + ["Lavrov unique-word-xyzzy said"]
    LexicalIndex.build(old).save(tmp_path)
    # an update that keeps the first 80 as they are (without their texts), drops the rest
    # (the only text holding "xyzzy" among them) and adds new ones, one a copy of a kept text
    added = _texts(6, 30) + [old[3], "Carboni plugh said"]
    updated = LexicalIndex.build(added, previous=tmp_path / "bm25", kept=80)
    full = LexicalIndex.build(old[:80] + added)
    assert updated.size == full.size == 80 + len(added)
    assert _columns(updated.retriever) == _columns(full.retriever)
    assert set(updated.retriever.vocab_dict) == set(full.retriever.vocab_dict)
    assert "xyzzi" not in updated.retriever.vocab_dict
    assert updated.terms.keys.tolist() == full.terms.keys.tolist()
    with pytest.raises(ValueError, match="cannot keep"):
        LexicalIndex.build(added, previous=tmp_path / "bm25", kept=len(old) + 1)


def _save_old_layout(index: LexicalIndex, directory: Path) -> None:
    """The layout before this one: each document's (term, count) entries in document order
    (`doc_offsets.npy`, `doc_terms.npy`, `doc_counts.npy`, `doc_vocab.json`)."""
    index.save(directory)
    counts, folder = index.terms, directory / "bm25"
    for name in ("doc_lengths.npy", "term_counts.npy"):
        (folder / name).unlink()
    order = np.argsort(counts.indices, kind="stable")
    terms = np.repeat(np.arange(len(counts.vocab), dtype=np.int32), np.diff(counts.indptr))
    offsets = np.concatenate([[0], np.cumsum(np.bincount(counts.indices, minlength=counts.size))])
    np.save(folder / "doc_offsets.npy", offsets.astype(np.int64))
    np.save(folder / "doc_terms.npy", terms[order])
    np.save(folder / "doc_counts.npy", counts.counts[order].astype(np.uint16))
    (folder / "doc_vocab.json").write_text(json.dumps(counts.vocab))


def test_an_old_layout_is_converted_on_first_read(tmp_path):
    old = _texts(7, 150) + ["", "Lavrov unique-word-xyzzy said"]
    built = LexicalIndex.build(old)
    _save_old_layout(built, tmp_path)
    assert LexicalIndex.has_terms(tmp_path / "bm25")
    converted = TermCounts.load(tmp_path / "bm25")
    for field in ("keys", "lengths", "indptr", "indices", "counts"):
        assert np.array_equal(getattr(converted, field), getattr(built.terms, field)), field
    assert converted.vocab == built.terms.vocab
    added = _texts(8, 20) + ["Carboni plugh said"]
    updated = LexicalIndex.build(added, previous=tmp_path / "bm25", kept=100)
    full = LexicalIndex.build(old[:100] + added)
    assert _columns(updated.retriever) == _columns(full.retriever)
    updated.save(tmp_path / "next")  # saved in the new layout, the old files gone
    assert sorted(p.name for p in (tmp_path / "next" / "bm25").glob("doc_*")) == [
        "doc_keys.npy", "doc_lengths.npy"]
