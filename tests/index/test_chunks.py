"""Chunks are sentence-aligned offsets: a slice of the article, never a copy or a cut word."""

from __future__ import annotations

from datetime import UTC, datetime

from index.articles import Article, load
from index.chunks import chunk_article, sentence_spans
from tests.conftest import SEED, data_file


def article(text: str) -> Article:
    return Article("x", "t", datetime(2020, 1, 1, tzinfo=UTC), None, None, text)


def test_sentences_respect_abbreviations_and_closing_quotes():
    text = "Mr. Smith met Gen. Jones in the U.S. on Monday. “We agree,” he said. Then they left."
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == ["Mr. Smith met Gen. Jones in the U.S. on Monday.", "“We agree,” he said.",
                         "Then they left."]


def test_chunks_cover_every_sentence_in_order_without_cutting_one():
    [seed] = list(load([SEED]))
    chunks = chunk_article(seed, target_words=60)
    assert len(chunks) > 3
    words = []
    for previous, chunk in zip([None, *chunks], chunks):
        assert chunk.text(seed) == seed.text[chunk.start : chunk.end]
        assert previous is None or previous.end <= chunk.start
        words += chunk.text(seed).split()
    assert words == seed.text.split()  # nothing lost, nothing duplicated


def test_run_on_fakes_text_is_split_into_bounded_chunks():
    path = data_file("fakes", "articles.jsonl")
    for item in list(load([path]))[:50]:
        for chunk in chunk_article(item, target_words=80):
            assert len(chunk.text(item).split()) <= 120
