"""Quotes and reported statements as search documents in their own right.

A reader asking "how did the Red Cross react to people fleeing Idlib?" wants Carboni's quote as
an answer, not the chunk it sits in. So every stored statement gets its own vector and BM25
entry: who said it (name and role, as the article gives them) and the sentence(s) holding it,
its cue included ("…,” the ICRC’s director … said"). The embedded text is kept short (the
quote's sentences, at most `MAX_WORDS` words) because embedding is most of a build's time;
BM25, which costs little, also reads the title and the speaker's other names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

from index.articles import Article
from index.chunks import paragraph_spans, sentence_spans
from index.quotes import Quote

STATEMENTS = "statements-v2"  # how the search texts are made: part of the corpus fingerprint
MAX_WORDS = 80  # of a statement's sentences embedded (the model reads 256 tokens at most)


def label(quote: Quote) -> str:
    """Who a statement is by, in the article's words: "Sergei Lavrov, Russian Foreign Minister"."""
    return ", ".join(p for p in (quote.speaker, quote.role) if p)


@lru_cache(maxsize=16)
def _sentences_by_paragraph(text: str) -> tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...]:
    """Each paragraph's span with its sentences' spans, found once per article: splitting the
    article again for each of its statements was a third of an update's time outside
    embedding (bench/incremental.py)."""
    return tuple((start, end, tuple(sentence_spans(text, start, end)))
                 for start, end in paragraph_spans(text))


def sentences_span(text: str, quote: Quote) -> tuple[int, int]:
    """The sentences of the quote's paragraph that it overlaps: the quote with its cue."""
    for start, end, sentences in _sentences_by_paragraph(text):
        if start <= quote.start < end:
            spans = [s for s in sentences if s[1] > quote.start and s[0] < quote.end]
            if spans:
                return min(spans[0][0], quote.start), max(spans[-1][1], quote.end)
            break
    return quote.start, quote.end


def _capped(text: str, words: int) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words])


def embedding_text(article: Article, quote: Quote, span: tuple[int, int] | None = None) -> str:
    """What the model reads: the speaker's label, then the statement's sentences (capped).
    `span`: its `sentences_span`, when the caller has it already."""
    start, end = span or sentences_span(article.text, quote)
    body = _capped(article.text[start:end], MAX_WORDS)
    who = label(quote)
    return f"{who}: {body}" if who else body


def lexical_text(article: Article, quote: Quote, other_names: Iterable[str] = (),
                 span: tuple[int, int] | None = None) -> str:
    """What BM25 reads: the title, the label and the speaker's other names, the sentences."""
    start, end = span or sentences_span(article.text, quote)
    return "\n".join([article.title, " ".join([label(quote), *other_names]),
                      article.text[start:end]])


def text_key(text: str) -> str:
    """The key a vector is kept under: the same text is never embedded twice."""
    return hashlib.sha1(text.encode()).hexdigest()
