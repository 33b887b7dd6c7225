"""What a reader sees of a record: a passage widened to its retrieved neighbours, a quote
alone, in its sentence, or with the speaker's next words after "he said", or a sentence of
reported speech. Every text is a slice of the stored article, the article's marks included."""

from __future__ import annotations

import re

from bot.schema import QuoteForm
from index.chunks import paragraph_spans, sentence_spans
from index.search import QuoteRecord, SearchIndex

FULL_QUOTE_WORDS = 8  # a quote this long is not a fragment
WINDOW_CHUNKS = 3  # a passage: its hit plus up to two retrieved neighbours (~240 words)
RUN_GAP = 300  # characters between two quotes of one speaker shown as one ("...," he said. "...")
RUN_CHARS = 800  # a run of quotes shown as one item stays this short
SENTENCE_CHARS = 400  # a fragment is shown in its sentence when the sentence is this short


def windows(index: SearchIndex, chunk_ids: list[int]) -> list[tuple[int, int]]:
    """Chunk ranges to show, in rank order. A chunk's neighbour in its article that was also
    retrieved joins it (the better-ranked side first): a story's answer often runs across a
    chunk boundary, and two halves shown apart read worse than one passage."""
    rank = {c: i for i, c in reversed(list(enumerate(chunk_ids)))}
    used: set[int] = set()
    windows = []
    for chunk_id in chunk_ids:
        first = last = chunk_id
        if first in used:
            continue
        row = index.chunk_article[first]
        while last - first + 1 < WINDOW_CHUNKS:
            sides = [c for c in (first - 1, last + 1)  # retrieved, so a valid chunk id
                     if c in rank and c not in used and index.chunk_article[c] == row]
            if not sides:
                break
            best = min(sides, key=rank.__getitem__)
            first, last = min(first, best), max(last, best)
        used.update(range(first, last + 1))
        windows.append((first, last))
    return windows


def quotes_by_article(index: SearchIndex, records: list[QuoteRecord]) -> dict[int, list[QuoteRecord]]:
    """Every quote of the articles these records come from, in reading order."""
    found: dict[int, list[QuoteRecord]] = {}
    for r in index.quotes_in_articles(sorted({r.article_row for r in records})):
        found.setdefault(r.article_row, []).append(r)
    for quotes in found.values():
        quotes.sort(key=lambda r: r.quote.start)
    return found


def statement_run(index: SearchIndex, record: QuoteRecord,
                  article_quotes: list[QuoteRecord]) -> list[QuoteRecord]:
    """The quote with the same speaker's quotes right before and after it in one paragraph, or
    in the next paragraphs when one opens straight into the next quote: split by an attribution
    ("...," Novikov said. "...") or by paragraphs, they are one statement to a reader."""
    at = next((i for i, r in enumerate(article_quotes) if r.id == record.id), None)
    if at is None:
        return [record]
    text = index.article_text(record.article_row)

    def joins(a: QuoteRecord, b: QuoteRecord, role: str | None) -> bool:
        gap = text[a.quote.end : b.quote.start]
        return (a.quote.speaker == b.quote.speaker and _same_role(role, b.quote.role)
                and not a.quote.reported and not b.quote.reported
                and len(gap) <= RUN_GAP and ("\n" not in gap or _continues(gap)))

    first = last = 0  # the article cut into runs in reading order, up to the one holding `at`
    role = article_quotes[0].quote.role  # the run's, once one of its quotes gives one
    for i in range(1, len(article_quotes)):
        if joins(article_quotes[i - 1], article_quotes[i], role):
            last, role = i, role or article_quotes[i].quote.role
        elif i > at:
            break
        else:
            first = last = i
            role = article_quotes[i].quote.role
    run = article_quotes[first : last + 1]
    while len(run) > 1 and run[-1].quote.end - run[0].quote.start > RUN_CHARS:
        run = run[1:] if run[0].id != record.id else run[:-1]  # keep the quote that was picked
    return run


def _same_role(a: str | None, b: str | None) -> bool:
    """One person's role, or none given: "“...,” said X, a pollster. “...,” he said" is one
    person's one statement; two roles that differ are two people of one name."""
    return a == b or a is None or b is None


def _continues(gap: str) -> bool:
    """One paragraph break between two quotes, and the new paragraph opens with the next one:
    the speaker goes on (news opens each paragraph of a long quote with a mark)."""
    paragraphs = re.split(r"\s*\n\s*", gap)
    return len(paragraphs) == 2 and not paragraphs[1].strip(_OPENING)


def shown(index: SearchIndex, record: QuoteRecord, run: list[QuoteRecord]) -> tuple[str, QuoteForm]:
    """What the reader sees of a quote record, and how (see `QuoteItem.form`)."""
    if record.quote.reported:
        return run_text(index, [record]), "reported"
    if len(run) > 1:
        return run_text(index, run), "statement"
    text = run_text(index, run)
    if len(text.split()) < FULL_QUOTE_WORDS:  # a fragment: shown in its sentence
        sentence = in_sentence(index, record)
        if sentence is not None:
            return sentence, "statement"
    return text, "quote"


def in_sentence(index: SearchIndex, record: QuoteRecord) -> str | None:
    """The article's sentence around a few quoted words ("the ICRC said it had registered
    “hundreds of prisoners of war” this week"): alone, the words say little."""
    text = index.article_text(record.article_row)
    start, end = record.quote.start, record.quote.end
    for para_start, para_end in paragraph_spans(text):
        if para_start <= start < para_end:
            spans = [s for s in sentence_spans(text, para_start, para_end)
                     if s[1] > start and s[0] < end]
            if spans and spans[-1][1] - spans[0][0] <= SENTENCE_CHARS:
                return text[spans[0][0] : spans[-1][1]]
            return None
    return None


_OPENING, _CLOSING = "“\"‘'«", "”\"’'»"


def run_text(index: SearchIndex, run: list[QuoteRecord]) -> str:
    """A quote's text, or a run's verbatim span with its outer quotation marks, so the words
    between ("he said") read as the article's, not the speaker's."""
    text = index.article_text(run[0].article_row)
    start, end = run[0].quote.start, run[-1].quote.end
    if len(run) == 1:
        return text[start:end]
    for _ in range(2):  # a mark may be typed as two characters: ''
        if start > 0 and text[start - 1] in _OPENING:
            start -= 1
        if end < len(text) and text[end] in _CLOSING:
            end += 1
    return text[start:end]
