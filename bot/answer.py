"""Questions in, `Answer`s out: retrieve, pick quotes and passages, group by speaker, date them.

The same pipeline serves the Telegram bot, `python -m bot.ask` and the tests; nothing here
imports Telegram. Quotes come from records found at build time, so a quote's text is always a
slice of its stored article, never re-typed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

import numpy as np

from bot.excerpts import FULL_QUOTE_WORDS, quotes_by_article, shown, statement_run, windows
from bot.question import WEEKDAYS, Question, as_text, parse, weekday_date
from bot.ranking import (
    Scored,
    by_coverage,
    by_speaker,
    lexical_boost,
    quote_scores,
    quoting_first,
    reading_order,
)
from bot.schema import Answer, ArticleRef, CorpusInfo, DateMention, PassageItem, QuoteItem
from index import store
from index.config import IndexSettings
from index.quotes import Quote, speaker_matches
from index.search import ArticleMeta, Hit, Mode, QuoteRecord, SearchIndex
from index.speakers import NameHints

MIN_COSINE = 0.30  # below this the best passage is not about the question (all-MiniLM-L6-v2)
DEPTH = 40  # chunks retrieved before quotes and passages are picked
QUOTE_POOL = 40  # a speaker's quotes rescored by their own words, after a first pass by chunk
# (dev set: 20, 40 and 80 measure the same; each quote rescored costs ~0.04 ms of tokenising)
TOPIC_HITS = 20  # "what did P say about Y": P's quotes in the articles of the best hits for "P Y"
QUOTES_FIRST = 4  # a speaker's quotes on a topic shown before the passages reporting on it
DAY_SLACK_BEFORE, DAY_SLACK_AFTER = timedelta(days=2), timedelta(days=3)  # "on July 15, 2022"

NO_ANSWER = "The corpus has no answer to that: no article I have is about it."

_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")


class Answerer:
    """Holds the model and one index generation; `reload_if_changed` swaps generations."""

    def __init__(self, settings: IndexSettings, index: SearchIndex, embedder) -> None:
        self.settings = settings
        self.index = index
        self.embedder = embedder
        self._reload_lock = threading.Lock()
        self._refused: Path | None = None  # a generation that failed to open

    @classmethod
    def open(cls, settings: IndexSettings | None = None, embedder=None) -> Answerer:
        settings = settings or IndexSettings()
        index = SearchIndex.open(settings)
        if embedder is None:
            from index.embed import Embedder

            embedder = Embedder(index.manifest.model, settings.embedding_precision,
                                settings.embedding_batch_size)
        answerer = cls(settings, index, embedder)
        answerer.warm_up()
        return answerer

    def warm_up(self, index: SearchIndex | None = None) -> None:
        """Pay one-off costs (model graph, BM25 and SQLite first use) before the first user."""
        index = index or self.index
        for question in ("who said what about the war?", "what did the president say?"):
            self._respond(index, parse(question, sources=index.sources), question, 5, "hybrid")

    def reload_if_changed(self) -> bool:
        """Open the operator's newest generation, if any, warm it, and swap it in whole. A
        generation that fails its checks raises once and is not retried until a new one."""
        with self._reload_lock:
            live = store.current_generation(self.settings.index_dir)
            if live is None or live in (self.index.generation, self._refused):
                return False
            try:
                fresh = SearchIndex.open(self.settings)
            except store.IndexProblem:
                self._refused = live
                raise
            self.warm_up(fresh)
            self.index = fresh  # one reference swap: a question in flight keeps its generation
            return True

    def corpus_info(self) -> CorpusInfo:
        index = self.index
        dates = [a.date for a in index.articles]
        return CorpusInfo(
            articles=len(index.articles), chunks=index.manifest.counts["chunks"],
            quotes=index.manifest.counts["quotes"], sources=index.sources,
            first_date=min(dates, default=None), last_date=max(dates, default=None),
            built_at=index.manifest.built_at, model=index.manifest.model)

    # --- the pipeline ---------------------------------------------------------------------

    def ask(self, question: str, k: int = 5, previous: str | None = None,
            mode: Mode = "hybrid") -> Answer:
        index = self.index  # one generation for the whole question, even if a reload lands
        k = max(1, min(k, 50))
        before = parse(previous, sources=index.sources) if previous else None
        q = parse(question, before, sources=index.sources)
        answer = self._respond(index, q, question, k, mode)
        return answer.model_copy(update={"context": as_text(q) if q.text else None})

    def _respond(self, index: SearchIndex, q: Question, question: str, k: int,
                 mode: Mode) -> Answer:
        if not q.text:
            return Answer(question=question, kind="none",
                          message="Ask me about the news, e.g. “who said what about Idlib?”")
        allowed = self._filter(index, q)
        if allowed is not None and not allowed.any():
            return Answer(question=question, kind="none",
                          message="No article in the corpus matches those dates or that source.")
        vector = self.embedder.encode([q.search_text])[0]
        if q.kind == "speaker":
            return self._speaker(index, q, question, vector, allowed, k, mode)
        hits = index.search(q.search_text, vector, DEPTH, mode, allowed)
        if not _relevant(index, hits, vector):
            return Answer(question=question, kind="none", message=NO_ANSWER)
        passages = self._passages(index, by_coverage(index, hits, q.search_text, mode), k)
        if q.kind == "who_said_what":
            quotes = self._quotes_near(index, hits, q.search_text, vector, mode)
            if quotes:
                return Answer(question=question, kind="quotes",
                              quotes=self._quote_items(index, by_speaker(quotes), k),
                              passages=passages[:2])
        return Answer(question=question, kind="passages", passages=passages)

    def _speaker(self, index: SearchIndex, q: Question, question: str, vector: np.ndarray,
                 allowed: np.ndarray | None, k: int, mode: Mode) -> Answer:
        assert q.speaker is not None
        pairs = index.matching_speakers(q.speaker, *_speaker_matcher(q.speaker))
        topic = f"{q.speaker} {q.topic}".strip()

        def search() -> list[Hit]:
            # the question's vector (of the topic) serves; the speaker's name helps BM25 most
            return index.search(topic, vector, DEPTH, mode, allowed)

        found = search() if q.topic else None  # without a topic only a fallback needs it
        if q.topic:
            # P's quotes from the stories about the topic (the articles of the best hits): P's
            # words on something else answer nothing, and reading only these keeps a speaker
            # with 50,000 quotes as cheap as one with five.
            rows = sorted({int(index.chunk_article[h.chunk_id]) for h in found[:TOPIC_HITS]})
            records = index.quotes_by_speakers(pairs, rows) if pairs else []
        else:
            records = index.quotes_by_speakers(pairs) if pairs else []
            if allowed is not None and records:
                keep = allowed[_chunks_of(index, records)]
                records = [r for r, ok in zip(records, keep) if ok]
        if not records:
            found = search() if found is None else found
            if found and _relevant(index, found, vector):
                note = (f"I found no quotes from {q.speaker} on that; these passages report on it."
                        if pairs and q.topic else
                        f"I found no quotes from {q.speaker}; these passages mention them.")
                return Answer(question=question, kind="passages", message=note,
                              passages=self._passages(index, quoting_first(index, found, q.speaker), k))
            return Answer(question=question, kind="none",
                          message=f"The corpus has no quotes from {q.speaker}.")
        chunk_ids = _chunks_of(index, records).tolist()
        relevance = index.cosine(chunk_ids, vector)
        if q.topic:
            lexical = lexical_boost(index, q.topic, chunk_ids, mode)
            first = np.argsort(-(relevance + lexical), kind="stable")[:QUOTE_POOL]
            records = [records[i] for i in first]
            relevance = quote_scores(index, records, relevance[first], q.topic, mode)
        else:  # no topic: whole statements before fragments, each newest first
            relevance = np.array([
                index.articles[r.article_row].date.timestamp() / 1e10  # ~0.16 in 2020
                - (0.5 if len(index.article_text(r.article_row)[r.quote.start:r.quote.end].split())
                   < FULL_QUOTE_WORDS else 0.0)
                for r in records])
        # A speaker's own words first; sentences reporting what they said fill in after.
        scored = sorted((Scored(r, float(s)) for r, s in zip(records, relevance)),
                        key=lambda s: (s.record.quote.reported, -s.score))
        if found is None:
            return Answer(question=question, kind="quotes",
                          quotes=self._quote_items(index, scored, k))
        # With a topic the best few quotes come first, then the passages that report what the
        # speaker said on it (indirect speech, quotes the extractor gave to no one).
        return Answer(question=question, kind="quotes",
                      quotes=self._quote_items(index, scored, min(k, QUOTES_FIRST)),
                      passages=self._passages(index, quoting_first(index, found, q.speaker),
                                              max(2, k - QUOTES_FIRST)))

    @staticmethod
    def _filter(index: SearchIndex, q: Question) -> np.ndarray | None:
        if not (q.date_from or q.date_to or q.source):
            return None
        date_from, date_to = q.date_from, q.date_to
        if date_from is not None and date_from == date_to:
            # A day: news of it appears that day or the next few (a UTC timestamp after
            # midnight, a weekly round-up), and FA-KES dates are often a day or two off.
            # A month or a part of one stays exact (the same on the dev set either way).
            date_from, date_to = date_from - DAY_SLACK_BEFORE, date_to + DAY_SLACK_AFTER
        return index.chunk_mask(index.article_rows(date_from, date_to, q.source))

    @staticmethod
    def _quotes_near(index: SearchIndex, hits: list[Hit], topic: str, vector: np.ndarray,
                     mode: Mode) -> list[Scored]:
        """Quotes inside the retrieved chunks, scored by their own words and their chunk
        (unattributed ones a little lower), then reported speech."""
        hit_ids = {h.chunk_id for h in hits}
        records = index.quotes_in_articles(sorted({int(index.chunk_article[c]) for c in hit_ids}))
        inside = [(r, c) for r, c in zip(records, _chunks_of(index, records).tolist()) if c in hit_ids]
        if not inside:
            return []
        records = [r for r, _ in inside]
        chunk_ids = [c for _, c in inside]
        relevance = quote_scores(index, records, index.cosine(chunk_ids, vector), topic, mode)
        scored = [Scored(r, float(s)) for r, s in zip(records, relevance)]
        return reading_order(scored)

    def _quote_items(self, index: SearchIndex, scored: Iterable[Scored], k: int) -> list[QuoteItem]:
        """Up to k quotes, each text shown once with every article that carries it; a quote
        the speaker continues after "he said" is shown whole, with its attribution."""
        scored = list(scored)
        siblings = quotes_by_article(index, [s.record for s in scored[: 4 * k]])
        items: list[QuoteItem] = []
        seen: set[str] = set()
        for s in scored:
            record = s.record
            if record.text_hash in seen:
                continue
            run = statement_run(index, record, siblings.get(record.article_row, []))
            if any(r.text_hash in seen for r in run):
                continue
            seen.update(r.text_hash for r in run)
            text, form = shown(index, record, run)
            others = [index.articles[o.article_row] for o in index.quotes_with_hash([record.text_hash])
                      if o.article_row != record.article_row]
            items.append(QuoteItem(
                speaker=record.quote.speaker, speaker_role=record.quote.role, text=text, form=form,
                score=round(s.score, 4), article=_ref(index.articles[record.article_row]),
                also_in=[_ref(o) for o in {o.row: o for o in others}.values()],
                dates=_date_mentions(text, index.articles[record.article_row])))
            if len(items) >= k:
                break
        return items

    @staticmethod
    def _passages(index: SearchIndex, hits: list[Hit], k: int) -> list[PassageItem]:
        """Up to k passages in hit order, each a hit widened by its retrieved neighbours."""
        items = []
        for first, last in windows(index, hits)[:k]:
            row = int(index.chunk_article[first])
            start, end = int(index.chunk_spans[first][0]), int(index.chunk_spans[last][1])
            text = index.article_text(row)[start:end]
            meta = index.articles[row]
            score = max(h.score for h in hits if first <= h.chunk_id <= last)
            items.append(PassageItem(text=text, score=round(score, 4), article=_ref(meta),
                                     dates=_date_mentions(text, meta)))
        return items


def _chunks_of(index: SearchIndex, records: list[QuoteRecord]) -> np.ndarray:
    return index.chunks_at([r.article_row for r in records], [r.quote.start for r in records])


_ACRONYM = re.compile(r"\b(?:[A-Z]{2,8}|(?:[A-Za-z]\.){2,})(?:'s|’s)?(?!\w)")
_NOT_NAMES = {"the", "of", "and", "for", "mr", "mrs", "ms", "dr", "a", "an"}


def _speaker_matcher(query: str) -> tuple[NameHints, Callable[[str | None, str | None], bool]]:
    """`speaker_matches`, and hints that no true match fails for the index to test on every
    speaker at once: the query's words, and for an acronym (ICRC, U.N.) the acronym itself or
    words with all its initials. Without them, the first question about a name ran the full
    matcher over every speaker of the corpus (~100 ms)."""
    words = [w for w in re.findall(r"\w{3,}", query.lower()) if w not in _NOT_NAMES]
    acronyms = [re.sub(r"[.’']|s$", "", m.group(0).removesuffix("'s").removesuffix("’s")).lower()
                for m in _ACRONYM.finditer(query)]
    return (NameHints(tuple(words), tuple(acronyms)),
            lambda speaker, role: speaker_matches(query, _probe(speaker, role)))


def _probe(speaker: str | None, role: str | None) -> Quote:
    return Quote("", 0, 0, speaker, role, None)


def _relevant(index: SearchIndex, hits: list[Hit], vector: np.ndarray) -> bool:
    if not hits:
        return False
    best = float(index.cosine([h.chunk_id for h in hits[:10]], vector).max())
    return best >= MIN_COSINE


def _ref(meta: ArticleMeta) -> ArticleRef:
    return ArticleRef(id=meta.id, title=meta.title, date=meta.date, source=meta.source, url=meta.url)


def _date_mentions(text: str, meta: ArticleMeta) -> list[DateMention]:
    found = dict.fromkeys(_WEEKDAY.findall(text))
    return [DateMention(mention=day, date=weekday_date(day, meta.date.date())) for day in found]
