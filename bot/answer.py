"""Questions in, `Answer`s out: retrieve, pick quotes and passages, group by speaker, date them.

The same pipeline serves the Telegram bot, `python -m bot.ask` and the tests; nothing here
imports Telegram. Quotes come from records found at build time, so a quote's text is always a
slice of its stored article, never re-typed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

import numpy as np

from bot.question import WEEKDAYS, Question, as_text, parse, weekday_date
from bot.schema import Answer, ArticleRef, CorpusInfo, DateMention, PassageItem, QuoteItem
from index import store
from index.chunks import paragraph_spans, sentence_spans
from index.config import IndexSettings
from index.quotes import Quote, speaker_matches
from index.search import ArticleMeta, Hit, Mode, QuoteRecord, SearchIndex
from index.speakers import NameHints

MIN_COSINE = 0.30  # below this the best passage is not about the question (all-MiniLM-L6-v2)
DEPTH = 40  # chunks retrieved before quotes and passages are picked
PER_SPEAKER = 3  # quotes per speaker in "who said what", so several voices fit on a screen
QUOTE_POOL = 40  # a speaker's quotes rescored by their own words, after a first pass by chunk
# (dev set: 20, 40 and 80 measure the same; each quote rescored costs ~0.04 ms of tokenising)
CONTEXT = 250  # characters either side of a quote read with it (its lead-in, its attribution)
# A quote's score: its chunk's cosine to the question, plus how much of the question's weight
# (IDF) its own words and its surrounding sentence carry, plus a prior against fragments.
W_QUOTE, W_CONTEXT, W_LENGTH = 0.30, 0.15, 0.10
W_UNATTRIBUTED = 0.15  # dev set, first five: 83.1% as a strict tier, 87.3 / 85.5% at 0.1 / 0.2
FULL_QUOTE_WORDS = 8  # a quote this long is not a fragment
QUOTES_FIRST = 4  # a speaker's quotes on a topic shown before the passages reporting on it
DAY_SLACK_BEFORE, DAY_SLACK_AFTER = timedelta(days=2), timedelta(days=3)  # "on July 15, 2022"

NO_ANSWER = "The corpus has no answer to that: no article I have is about it."

_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")


@dataclass
class _Scored:
    record: QuoteRecord
    score: float


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
        passages = self._passages(index, _by_coverage(index, hits, q.search_text, mode), k)
        if q.kind == "who_said_what":
            quotes = self._quotes_near(index, hits, q.search_text, vector, mode)
            if quotes:
                return Answer(question=question, kind="quotes",
                              quotes=self._quote_items(index, _by_speaker(quotes), k),
                              passages=passages[:2])
        return Answer(question=question, kind="passages", passages=passages)

    def _speaker(self, index: SearchIndex, q: Question, question: str, vector: np.ndarray,
                 allowed: np.ndarray | None, k: int, mode: Mode) -> Answer:
        assert q.speaker is not None
        pairs = index.matching_speakers(q.speaker, *_speaker_matcher(q.speaker))
        topic = f"{q.speaker} {q.topic}".strip()
        # the question's vector (of the topic) serves; the speaker's name helps BM25 most
        found = index.search(topic, vector, DEPTH, mode, allowed)
        hits = _quoting_first(index, found, q.speaker)
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
            if found and _relevant(index, found, vector):
                note = (f"I found no quotes from {q.speaker} on that; these passages report on it."
                        if pairs and q.topic else
                        f"I found no quotes from {q.speaker}; these passages mention them.")
                return Answer(question=question, kind="passages",
                              passages=self._passages(index, hits, k), message=note)
            return Answer(question=question, kind="none",
                          message=f"The corpus has no quotes from {q.speaker}.")
        chunk_ids = _chunks_of(index, records).tolist()
        relevance = index.cosine(chunk_ids, vector)
        if q.topic:
            lexical = _lexical_boost(index, q.topic, chunk_ids, mode)
            first = np.argsort(-(relevance + lexical), kind="stable")[:QUOTE_POOL]
            records = [records[i] for i in first]
            relevance = _quote_scores(index, records, relevance[first], q.topic, mode)
        else:  # no topic: whole statements before fragments, each newest first
            relevance = np.array([
                index.articles[r.article_row].date.timestamp() / 1e10  # ~0.16 in 2020
                - (0.5 if len(r.quote.text(index.article(r.article_row)).split()) < 8 else 0.0)
                for r in records])
        # A speaker's own words first; sentences reporting what they said fill in after.
        scored = sorted((_Scored(r, float(s)) for r, s in zip(records, relevance)),
                        key=lambda s: (s.record.quote.reported, -s.score))
        if not q.topic:
            return Answer(question=question, kind="quotes",
                          quotes=self._quote_items(index, scored, k))
        # With a topic the best few quotes come first, then the passages that report what the
        # speaker said on it (indirect speech, quotes the extractor gave to no one).
        return Answer(question=question, kind="quotes",
                      quotes=self._quote_items(index, scored, min(k, QUOTES_FIRST)),
                      passages=self._passages(index, hits, max(2, k - QUOTES_FIRST)))

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
                     mode: Mode) -> list[_Scored]:
        """Quotes inside the retrieved chunks, scored by their own words and their chunk
        (unattributed ones a little lower), then reported speech."""
        hit_ids = {h.chunk_id for h in hits}
        records = index.quotes_in_articles(sorted({int(index.chunk_article[c]) for c in hit_ids}))
        inside = [(r, c) for r, c in zip(records, _chunks_of(index, records).tolist()) if c in hit_ids]
        if not inside:
            return []
        records = [r for r, _ in inside]
        chunk_ids = [c for _, c in inside]
        relevance = _quote_scores(index, records, index.cosine(chunk_ids, vector), topic, mode)
        scored = [_Scored(r, float(s)) for r, s in zip(records, relevance)]
        return _reading_order(scored)

    def _quote_items(self, index: SearchIndex, scored: Iterable[_Scored], k: int) -> list[QuoteItem]:
        """Up to k quotes, each text shown once with every article that carries it; a quote
        the speaker continues after "he said" is shown whole, with its attribution."""
        scored = list(scored)
        siblings = _quotes_by_article(index, [s.record for s in scored[: 4 * k]])
        items: list[QuoteItem] = []
        seen: set[str] = set()
        for s in scored:
            record = s.record
            if record.text_hash in seen:
                continue
            run = _run(index, record, siblings.get(record.article_row, []))
            if any(r.text_hash in seen for r in run):
                continue
            seen.update(r.text_hash for r in run)
            text, form = _shown(index, record, run)
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
        for first, last in _windows(index, hits)[:k]:
            row = int(index.chunk_article[first])
            start, end = int(index.chunk_spans[first][0]), int(index.chunk_spans[last][1])
            text = index.article_text(row)[start:end]
            meta = index.articles[row]
            score = max(h.score for h in hits if first <= h.chunk_id <= last)
            items.append(PassageItem(text=text, score=round(score, 4), article=_ref(meta),
                                     dates=_date_mentions(text, meta)))
        return items


WINDOW_CHUNKS = 3  # a passage: its hit plus up to two retrieved neighbours (~240 words)


def _windows(index: SearchIndex, hits: list[Hit]) -> list[tuple[int, int]]:
    """Chunk ranges to show, in hit order. A hit's neighbouring chunk in its article that the
    search also retrieved joins it (the better-ranked side first): a story's answer often runs
    across a chunk boundary, and two halves shown apart read worse than one passage."""
    rank = {h.chunk_id: i for i, h in enumerate(hits)}
    used: set[int] = set()
    windows = []
    for hit in hits:
        first = last = hit.chunk_id
        if first in used:
            continue
        row = index.chunk_article[first]
        while last - first + 1 < WINDOW_CHUNKS:
            sides = [c for c in (first - 1, last + 1)
                     if c in rank and c not in used and 0 <= c < len(index.chunk_article)
                     and index.chunk_article[c] == row]
            if not sides:
                break
            best = min(sides, key=rank.__getitem__)
            first, last = min(first, best), max(last, best)
        used.update(range(first, last + 1))
        windows.append((first, last))
    return windows


RUN_GAP = 300  # characters between two quotes of one speaker shown as one ("...," he said. "...")
RUN_CHARS = 800  # a run of quotes shown as one item stays this short


def _quotes_by_article(index: SearchIndex, records: list[QuoteRecord]) -> dict[int, list[QuoteRecord]]:
    """Every quote of the articles these records come from, in reading order."""
    found: dict[int, list[QuoteRecord]] = {}
    for r in index.quotes_in_articles(sorted({r.article_row for r in records})):
        found.setdefault(r.article_row, []).append(r)
    for quotes in found.values():
        quotes.sort(key=lambda r: r.quote.start)
    return found


def _run(index: SearchIndex, record: QuoteRecord, article_quotes: list[QuoteRecord]
         ) -> list[QuoteRecord]:
    """The quote with the same speaker's quotes right before and after it in one paragraph:
    split by an attribution ("...," Novikov said. "...") they are one statement to a reader."""
    at = next((i for i, r in enumerate(article_quotes) if r.id == record.id), None)
    if at is None:
        return [record]
    text = index.article_text(record.article_row)

    def joins(a: QuoteRecord, b: QuoteRecord) -> bool:
        gap = text[a.quote.end : b.quote.start]
        return (a.quote.speaker == b.quote.speaker and a.quote.role == b.quote.role
                and not a.quote.reported and not b.quote.reported
                and len(gap) <= RUN_GAP and "\n" not in gap)

    first = last = at
    while first > 0 and joins(article_quotes[first - 1], article_quotes[first]):
        first -= 1
    while last + 1 < len(article_quotes) and joins(article_quotes[last], article_quotes[last + 1]):
        last += 1
    run = article_quotes[first : last + 1]
    while len(run) > 1 and run[-1].quote.end - run[0].quote.start > RUN_CHARS:
        run = run[1:] if run[0].id != record.id else run[:-1]  # keep the quote that was picked
    return run


Form = Literal["quote", "statement", "reported"]


def _shown(index: SearchIndex, record: QuoteRecord, run: list[QuoteRecord]) -> tuple[str, Form]:
    """What the reader sees of a quote record, and how (see `QuoteItem.form`)."""
    if record.quote.reported:
        return _run_text(index, [record]), "reported"
    if len(run) > 1:
        return _run_text(index, run), "statement"
    text = _run_text(index, run)
    if len(text.split()) < FULL_QUOTE_WORDS:  # a fragment: shown in its sentence
        sentence = _in_sentence(index, record)
        if sentence is not None:
            return sentence, "statement"
    return text, "quote"


SENTENCE_CHARS = 400  # a fragment is shown in its sentence when the sentence is this short


def _in_sentence(index: SearchIndex, record: QuoteRecord) -> str | None:
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


def _run_text(index: SearchIndex, run: list[QuoteRecord]) -> str:
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


W_PASSAGE = 0.2  # 0.15-0.3 measure alike on the dev set (first item 61.6% vs 60.5% without)
RERANK_DEPTH = 15
W_LEDE = 0.1  # dev set, first item: 69.8% without, 72-74% for 0.08-0.15, 70.9% at 0.05 and 0.2


def _by_coverage(index: SearchIndex, hits: list[Hit], topic: str, mode: Mode) -> list[Hit]:
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


def _quote_scores(index: SearchIndex, records: list[QuoteRecord], semantic: np.ndarray,
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


_QUOTATION = re.compile(r"[“\"][^“”\"\n]{20,}?[”\"]")  # a quoted phrase of a few words
QUOTING_BONUS = 0.3  # passages quoting someone named like the speaker rank this much higher


def _quoting_first(index: SearchIndex, hits: list[Hit], speaker: str) -> list[Hit]:
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


def _lexical_boost(index: SearchIndex, topic: str, chunk_ids: list[int], mode: Mode) -> np.ndarray:
    """A small bonus for quotes whose chunk contains the topic's words (exact names count)."""
    if mode == "dense":
        return np.zeros(len(chunk_ids))
    allowed = np.zeros(len(index.chunk_article), dtype=bool)
    allowed[chunk_ids] = True
    scores, ids = index.lexical.search(topic, len(chunk_ids), allowed)
    bonus = dict(zip(ids.tolist(), (scores / scores.max()).tolist() if len(scores) else []))
    return np.array([0.2 * bonus.get(c, 0.0) for c in chunk_ids])


TOPIC_HITS = 20  # dev set: Recall@1 81.3 -> 82.5%, first item 65.1 -> 66.3% (10: 83.1, 66.3)


def _on_topic(scored: list[_Scored], topic_rows: set[int]) -> list[_Scored]:
    """A speaker's quotes from the stories about the topic (`topic_rows`, the articles of the
    best hits for speaker and topic): asked what P said about Y, P's words on something else
    answer nothing, and the passages reporting on Y do better."""
    return [s for s in scored if s.record.article_row in topic_rows]


def _reading_order(scored: list[_Scored]) -> list[_Scored]:
    """Quotes before reported speech; an unattributed quote is worth a little less than an
    attributed one, but one from the story asked about still beats a named speaker's quote
    from a story barely related."""
    return sorted(scored, key=lambda s: (s.record.quote.reported, -(
        s.score - W_UNATTRIBUTED * (s.record.quote.speaker is None))))


def _by_speaker(scored: list[_Scored]) -> list[_Scored]:
    """Group quotes by speaker, speakers in order of their best quote, a few quotes each."""
    groups: dict[str | None, list[_Scored]] = {}
    for s in scored:
        group = groups.setdefault(s.record.quote.speaker, [])
        if len(group) < PER_SPEAKER:
            group.append(s)
    return [s for group in groups.values() for s in group]


def _ref(meta: ArticleMeta) -> ArticleRef:
    return ArticleRef(id=meta.id, title=meta.title, date=meta.date, source=meta.source, url=meta.url)


def _date_mentions(text: str, meta: ArticleMeta) -> list[DateMention]:
    found = dict.fromkeys(_WEEKDAY.findall(text))
    return [DateMention(mention=day, date=weekday_date(day, meta.date.date())) for day in found]
