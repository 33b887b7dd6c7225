"""Questions in, `Answer`s out, through a pipeline of stages with one contract each:

    understand (bot.question) -> embed and weigh (`Query`) -> resolve the speaker (bot.speakers)
    -> retrieve passages and statements (bot.retrieve) -> join (bot.join) -> rank (bot.rank)
    -> judge answerability (bot.answerable) -> compose the `Answer` (bot.compose)

The same pipeline serves the Telegram bot, `python -m bot.ask`, the evaluation and the tests;
nothing here imports Telegram. `Answerer` holds the model and one index generation and swaps
generations on reload; a question is answered from the generation it started with.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np

from bot import retrieve
from bot.answerable import ASK_SOMETHING, NO_ARTICLE_DATED, NO_MATCHING_SOURCE, Verdict, judge
from bot.candidates import Candidate, Query
from bot.compose import compose
from bot.join import join
from bot.question import QUESTION_WORDS, Question, as_text, parse
from bot.rank import FeatureRanker, Ranker
from bot.schema import Answer, CorpusInfo
from bot.speakers import Speakers, in_story, resolve
from index import store
from index.config import IndexSettings
from index.search import Mode, SearchIndex

DAY_SLACK_BEFORE, DAY_SLACK_AFTER = 2, 3  # days around "on July 15, 2022" (see `_allowed`)
UNKNOWN_WORD_LETTERS = 5  # an unknown word this long counts against an answer (see `_query`)


class Answerer:
    """Holds the model and one index generation; `reload_if_changed` swaps generations."""

    def __init__(self, settings: IndexSettings, index: SearchIndex, embedder,
                 ranker: Ranker | None = None) -> None:
        self.settings = settings
        self.index = index
        self.embedder = embedder
        self.ranker: Ranker = ranker or FeatureRanker()
        self._reload_lock = threading.Lock()
        self._refused: Path | None = None  # a generation that failed to open
        self._own_embedder = False  # made by `open` from the manifest, so a reload may remake it

    @classmethod
    def open(cls, settings: IndexSettings | None = None, embedder=None) -> Answerer:
        settings = settings or IndexSettings()
        index = SearchIndex.open(settings)
        answerer = cls(settings, index, embedder or query_embedder(settings, index.manifest))
        answerer._own_embedder = embedder is None
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
            embedder = self.embedder
            if self._own_embedder and not _embeds_like(embedder, self.settings, fresh.manifest):
                embedder = query_embedder(self.settings, fresh.manifest)  # rebuilt at another
                embedder.encode(["warm up"])  # precision: questions follow the index
            self.warm_up(fresh)
            self.embedder = embedder  # vectors of either precision agree to cosine ~0.9999
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
        allowed = _allowed(index, q)
        note = None
        if allowed is not None and not len(allowed) and (q.date_from or q.date_to):
            # "why did Ukraine add a holiday in 2021?": the year may be the event's, and no
            # article is dated then; answer from any date, and say so
            q = replace(q, date_from=None, date_to=None)
            allowed, note = _allowed(index, q), NO_ARTICLE_DATED
        verdict: Verdict | None = None
        if not q.text:
            verdict = Verdict("none", message=ASK_SOMETHING)
        elif allowed is not None and not len(allowed):
            verdict = Verdict("none", message=NO_MATCHING_SOURCE)
        if verdict is None:
            query, speakers, found = self.gather(index, q, mode, allowed)
            verdict = judge(query, speakers, self.ranker.rank(query, speakers, found), k)
        if note and verdict.kind != "none":
            verdict = replace(verdict, message=" ".join(m for m in (note, verdict.message) if m))
        return compose(index, question, verdict, k)

    def gather(self, index: SearchIndex, q: Question, mode: Mode, allowed: np.ndarray | None
               ) -> tuple[Query, Speakers, list[Candidate]]:
        """The stages before ranking: embed and weigh, resolve the speaker, retrieve, join."""
        query = self._query(index, q, mode, allowed)
        speakers = resolve(index, q.speaker, query.speaker_vector)
        # the speaker's words help BM25 find their statements and the stories naming them
        words = f"{q.speaker} {q.topic}" if q.speaker and q.topic else None
        passages = retrieve.passages(index, query, text=words)
        found = join(retrieve.speaker_statements(index, query, speakers),
                     retrieve.statements(index, query, text=words), passages,
                     retrieve.statements_in(index, query, passages))
        return query, in_story(index, speakers, found, q.topic), found

    def _query(self, index: SearchIndex, q: Question, mode: Mode,
               allowed: np.ndarray | None) -> Query:
        """The question embedded (its topic, and the speaker phrase in the same call) and its
        words weighed by IDF; words no article holds weigh as much as the rarest word."""
        text = q.search_text
        vectors = self.embedder.encode([text, q.speaker] if q.speaker else [text])
        weights = index.lexical.idf(index.terms([text])[0])
        # A name or a longer word no article has ("Uvalde", "bitcoin") is evidence against an
        # answer; a short one is more often a form the stemmer does not join ("say", "said").
        unknown = sum(index.lexical.max_idf() for w in index.lexical.unknown_words(text)
                      if w.lower() not in QUESTION_WORDS
                      and (w[:1].isupper() or len(w) >= UNKNOWN_WORD_LETTERS))
        return Query(q, text, vectors[0], vectors[1] if q.speaker else None, weights, unknown,
                     mode, allowed)


def query_embedder(settings: IndexSettings, manifest: store.Manifest):
    """The model the index was built with, at the precision it was built with when the setting
    is `auto` (index.embed.query_precision), so questions and passages are embedded alike."""
    from index.embed import Embedder, query_precision

    return Embedder(manifest.model, query_precision(settings.embedding_precision,
                                                    manifest.precision),
                    settings.embedding_batch_size)


def _embeds_like(embedder, settings: IndexSettings, manifest: store.Manifest) -> bool:
    from index.embed import query_precision

    return (embedder.model_name, embedder.precision_setting) == (
        manifest.model, query_precision(settings.embedding_precision, manifest.precision))


def _allowed(index: SearchIndex, q: Question) -> np.ndarray | None:
    """Article rows the question's dates and source allow; None when it sets neither. A day
    keeps news of it from two days before to three after (a UTC timestamp after midnight, a
    weekly round-up; FA-KES dates are often a day or two off); a month or a part of one stays
    exact (the same on the dev set either way)."""
    if not (q.date_from or q.date_to or q.source):
        return None
    date_from, date_to = q.date_from, q.date_to
    if date_from is not None and date_from == date_to:
        date_from -= timedelta(days=DAY_SLACK_BEFORE)
        date_to = date_to + timedelta(days=DAY_SLACK_AFTER)  # type: ignore[operator]
    return index.article_rows(date_from, date_to, q.source)
