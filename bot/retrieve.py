"""Retrievers: each reads the index once and returns `Candidate`s carrying what later stages need.

- `passages`: chunks by meaning and by words (fused), the date and source filters applied;
- `statements`: quotes and reported statements the same way, each as its own document;
- `speaker_statements`: the statements of the speakers a question names, by their own vectors
  (a speaker with 50,000 statements costs one masked matrix product, not 50,000 records);
- `statements_in`: the statements inside retrieved passages (a quote whose own words miss the
  question may sit in the story that answers it).
"""

from __future__ import annotations

import numpy as np

from bot.candidates import Candidate, Query
from bot.speakers import Speakers
from index.search import Hit, SearchIndex

DEPTH = 40  # candidates each retriever returns
NO_TOPIC_DEPTH = 200  # a speaker's statements read when the question gives no topic
EXACT_UP_TO = 2_000  # a speaker's statements scored exactly up to this many, else by the index


def passages(index: SearchIndex, query: Query, depth: int = DEPTH,
             text: str | None = None) -> list[Candidate]:
    """The best chunks for the query (`text`: other words to search by, e.g. with the
    speaker's name added for BM25)."""
    allowed = None if query.allowed is None else index.chunk_mask(query.allowed)
    hits = index.passages.search(text or query.text, query.vector, depth, query.mode, allowed)
    if not hits:
        return []
    ids = [h.chunk_id for h in hits]
    cosines = index.passages.cosine(ids, query.vector).tolist()
    top = _top_lexical(hits)
    found = []
    for hit, cosine in zip(hits, cosines):
        row = int(index.chunk_article[hit.chunk_id])
        start, end = (int(x) for x in index.chunk_spans[hit.chunk_id])
        meta = index.articles[row]
        text_ = index.article_text(row)[start:end]
        found.append(Candidate(
            "passage", hit.chunk_id, row, start, end, text_, f"{meta.title}\n{text_}", meta.title,
            lede=index.is_lede(hit.chunk_id), dense=cosine,
            lexical=(hit.lexical or 0.0) / top, found_by=frozenset({"passages"})))
    return found


def statements(index: SearchIndex, query: Query, depth: int = DEPTH,
               text: str | None = None) -> list[Candidate]:
    """The best statements for the query, each searched as its own document (`text`: other
    words for BM25, e.g. with the speaker phrase, which a statement's label may hold)."""
    allowed = None if query.allowed is None else index.statement_mask(query.allowed)
    hits = index.statements.search(text or query.text, query.vector, depth, query.mode, allowed)
    top = _top_lexical(hits)
    return _statements(index, query, [h.chunk_id for h in hits],
                       {h.chunk_id: (h.lexical or 0.0) / top for h in hits}, "statements")


def speaker_statements(index: SearchIndex, query: Query, speakers: Speakers,
                       depth: int = DEPTH) -> list[Candidate]:
    """The named speakers' statements nearest the topic, by meaning and by words; without a
    topic, their whole statements newest first."""
    if not speakers.matches:
        return []
    mask = np.isin(index.statement_speaker, speakers.ids)
    if query.allowed is not None:
        mask &= index.statement_mask(query.allowed)
    ids = np.flatnonzero(mask)
    if not len(ids):
        return []
    lexical: dict[int, float] = {}
    if query.question.topic:
        chosen = set()
        if query.mode != "bm25" and len(ids) <= EXACT_UP_TO:
            cosines = index.statements.cosine(ids, query.vector)
            chosen = set(ids[np.argsort(-cosines)[:depth]].tolist())
        elif query.mode != "bm25":  # "the UN": thousands of statements; the vector index, masked
            chosen = set(index.statements.vectors.search(query.vector, depth, mask)[1].tolist())
        if query.mode != "dense":
            scores, found = index.statements.lexical.search(query.text, depth, mask)
            top = float(scores.max()) if len(scores) else 1.0
            lexical = {int(i): float(s) / top for s, i in zip(scores, found)}
        picked = sorted(chosen | set(lexical))
    else:
        days = index.article_days[index.statement_article[ids]]
        picked = ids[np.argsort(-days, kind="stable")[:NO_TOPIC_DEPTH]].tolist()
    return _statements(index, query, picked, lexical, "speaker")


def statements_in(index: SearchIndex, query: Query, found: list[Candidate]) -> list[Candidate]:
    """The statements inside these passages."""
    lexical = {c.id: c.lexical or 0.0 for c in found if c.kind == "passage"}
    chunk_ids = np.array(sorted(lexical), dtype=np.int64)
    if not len(chunk_ids):
        return []
    ids = np.flatnonzero(np.isin(index.statement_article, index.chunk_article[chunk_ids]))
    chunks = index.chunks_at(index.statement_article[ids].tolist(),
                             index.statement_spans[ids, 0].tolist())
    inside = np.isin(chunks, chunk_ids)
    found_in = _statements(index, query, ids[inside].tolist(), {}, "in-passages")
    chunk_of = dict(zip(ids[inside].tolist(), chunks[inside].tolist()))
    return [c.but(chunk_lexical=lexical[chunk_of[c.id]]) for c in found_in]


def _statements(index: SearchIndex, query: Query, ids: list[int], lexical: dict[int, float],
                retriever: str) -> list[Candidate]:
    """Candidates for statements by id, with their own and their chunk's cosine."""
    if not ids:
        return []
    records = index.statement_records(ids)
    own = index.statements.cosine([r.id for r in records], query.vector).tolist()
    chunks = index.chunks_at([r.article_row for r in records], [r.quote.start for r in records])
    around = index.passages.cosine(chunks.tolist(), query.vector).tolist()
    found = []
    for record, cosine, chunk_cosine in zip(records, own, around):
        quote, meta = record.quote, index.articles[record.article_row]
        text = index.article_text(record.article_row)
        start, end = (int(x) for x in index.statement_context[record.id])
        found.append(Candidate(
            "statement", record.id, record.article_row, quote.start, quote.end,
            text[quote.start:quote.end], f"{meta.title}\n{text[start:end]}", meta.title,
            speaker=quote.speaker, role=quote.role,
            speaker_id=int(index.statement_speaker[record.id]), reported=quote.reported,
            dense=cosine, lexical=lexical.get(record.id, 0.0), chunk_dense=chunk_cosine,
            found_by=frozenset({retriever})))
    return found


def _top_lexical(hits: list[Hit]) -> float:
    return max((h.lexical or 0.0 for h in hits), default=0.0) or 1.0
