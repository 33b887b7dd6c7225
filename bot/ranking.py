"""Scoring and ordering, without Telegram or a model: passages by the question's word weight
and an article's opening, quotes by their chunk, their own words and their context, speakers'
quotes by topic, and the reading order of an answer. Weights carry what the dev set measured."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.excerpts import FULL_QUOTE_WORDS
from index.quotes import Quote
from index.search import Hit, Mode, QuoteRecord, SearchIndex

PER_SPEAKER = 3  # quotes per speaker in "who said what", so several voices fit on a screen
CONTEXT = 250  # characters either side of a quote read with it (its lead-in, its attribution)
# A quote's score: its chunk's cosine to the question, plus how much of the question's weight
# (IDF) its own words and its surrounding sentence carry, plus a prior against fragments.
W_QUOTE, W_CONTEXT, W_LENGTH = 0.30, 0.15, 0.10
W_UNATTRIBUTED = 0.15  # dev set, first five: 83.1% as a strict tier, 87.3 / 85.5% at 0.1 / 0.2
RERANK_DEPTH = 15  # passages reordered by their word coverage
W_PASSAGE = 0.2  # 0.15-0.3 measure alike on the dev set (first item 61.6% vs 60.5% without)
W_LEDE = 0.1  # dev set, first item: 69.8% without, 72-74% for 0.08-0.15, 70.9% at 0.05 and 0.2
QUOTING_BONUS = 0.3  # passages quoting someone named like the speaker rank this much higher
_QUOTATION = re.compile(r"[“\"][^“”\"\n]{20,}?[”\"]")  # a quoted phrase of a few words


@dataclass
class Scored:
    record: QuoteRecord
    score: float


def by_coverage(index: SearchIndex, hits: list[Hit], topic: str, mode: Mode) -> list[Hit]:
    """Reorder the best hits by how much of the question's word weight (IDF) each passage
    holds: of two chunks of the right article, the one naming the question's rare words wins.
    An article's opening chunk gets a small lift: news puts who, what, where and when first."""
    weights = index.term_weights(topic) if mode != "dense" else {}
    total = sum(weights.values())
    if total <= 0 or not hits:
        return hits
    head = hits[:RERANK_DEPTH]
    terms = index.terms([index.chunk_text(h.chunk_id) for h in head])
    cover = [sum(w for t, w in weights.items() if t in words) / total for words in terms]
    lede = [W_LEDE * index.is_lede(h.chunk_id) for h in head]
    order = sorted(range(len(head)), key=lambda i: -(head[i].score + W_PASSAGE * cover[i] + lede[i]))
    return [head[i] for i in order] + hits[RERANK_DEPTH:]


def quote_scores(index: SearchIndex, records: list[QuoteRecord], semantic: np.ndarray,
                  topic: str, mode: Mode) -> np.ndarray:
    """Rank quotes by what they say, not only by the chunk they sit in: the chunk's cosine
    (`semantic`), the share of the topic's word weight found in the quote itself and in the
    text around it, and a prior that puts whole statements before one-word fragments."""
    semantic = np.asarray(semantic, dtype=np.float64)
    if mode == "bm25":
        semantic = np.zeros(len(records))
    weights = index.term_weights(topic) if mode != "dense" else {}
    total = sum(weights.values())
    quote_texts, context_texts = [], []
    for r in records:
        text = index.article_text(r.article_row)
        quote_texts.append(text[r.quote.start:r.quote.end])
        context_texts.append(text[max(0, r.quote.start - CONTEXT):r.quote.end + CONTEXT])
    length = np.array([min(1.0, len(t.split()) / FULL_QUOTE_WORDS) for t in quote_texts])
    if total <= 0:
        return semantic + W_LENGTH * length
    own = index.terms(quote_texts)
    around = index.terms(context_texts)
    cover = lambda words: sum(w for t, w in weights.items() if t in words) / total  # noqa: E731
    return (semantic + W_QUOTE * np.array([cover(w) for w in own])
            + W_CONTEXT * np.array([cover(w) for w in around]) + W_LENGTH * length)


def quoting_first(index: SearchIndex, hits: list[Hit], speaker: str) -> list[Hit]:
    """For "what did P say" answered by passages: a passage that quotes someone (and names a
    word of P's name or role) is likelier to hold P's words than one that reports on P."""
    names = [w.lower() for w in re.findall(r"[\w’'-]{4,}", speaker)]
    def weight(hit: Hit) -> float:
        text = index.chunk_text(hit.chunk_id)
        if not _QUOTATION.search(text):
            return 1.0
        lower = text.lower()
        return 1.0 + (QUOTING_BONUS if any(n in lower for n in names) else QUOTING_BONUS / 3)
    return sorted(hits, key=lambda h: -h.score * weight(h))


def lexical_boost(index: SearchIndex, topic: str, chunk_ids: list[int], mode: Mode) -> np.ndarray:
    """A small bonus for quotes whose chunk contains the topic's words (exact names count)."""
    if mode == "dense":
        return np.zeros(len(chunk_ids))
    allowed = np.zeros(len(index.chunk_article), dtype=bool)
    allowed[chunk_ids] = True
    scores, ids = index.lexical.search(topic, len(chunk_ids), allowed)
    bonus = dict(zip(ids.tolist(), (scores / scores.max()).tolist() if len(scores) else []))
    return np.array([0.2 * bonus.get(c, 0.0) for c in chunk_ids])


def reading_order(scored: list[Scored]) -> list[Scored]:
    """Quotes before reported speech; an unattributed quote is worth a little less than an
    attributed one, but one from the story asked about still beats a named speaker's quote
    from a story barely related. A source the article only describes ("a Syrian source inside
    the camp", "the lawsuit") is an attribution, not a gap."""
    return sorted(scored, key=lambda s: (s.record.quote.reported, -(
        s.score - W_UNATTRIBUTED * (source_of(s.record.quote) is None))))


def source_of(quote: Quote) -> str | None:
    """Who a quote is given to: the speaker's name, else the article's description of the
    source, else None (unattributed)."""
    return quote.speaker or quote.role


def by_speaker(scored: list[Scored]) -> list[Scored]:
    """Group quotes by speaker, speakers in order of their best quote, a few quotes each."""
    groups: dict[str | None, list[Scored]] = {}
    for s in scored:
        group = groups.setdefault(source_of(s.record.quote), [])
        if len(group) < PER_SPEAKER:
            group.append(s)
    return [s for group in groups.values() for s in group]
