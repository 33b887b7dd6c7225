"""Which new quotes a follow takes: a person the way questions match speakers
(`bot.speakers.resolve`: name, surname, title, organisation, by meaning), a topic by meaning
and words over the new quotes themselves.
"""

from __future__ import annotations

import re

import numpy as np

from bot.follow.store import Follow, Kind
from bot.speakers import head, reads_as_name, resolve
from index.quotes.vocab import _ORG_WORDS, _TITLES
from index.search import QuoteRecord, SearchIndex

PERSON_FLOOR = 0.5  # a resolved speaker this sure is the one followed (a name or alias is 0.9+)
TOPIC_FLOOR = 0.40  # cosine of topic to quote, with a content word in common
TOPIC_SURE = 0.55  # cosine at which a quote is on the topic whatever its words


def classify(index: SearchIndex, embedder, phrase: str) -> Kind:
    """A person (or organisation) when the phrase reads as a name, an acronym, a title ("the
    Ukrainian president") or ends in an organisation's word ("Russia's defence ministry"),
    whether or not the index quotes them yet, or names a quoted speaker by their words or an
    alias ("the Red Cross"); anything else is a topic ("ceasefire in Idlib")."""
    words = re.findall(r"[\w’'.-]+", head(phrase))
    plain = [w.strip(".").removesuffix("’s").removesuffix("'s") for w in words]
    if reads_as_name(phrase) or any(
            w.lower() in _TITLES for w in plain) or (len(plain) == 1 and plain[0].isupper()) or (
            plain and plain[-1].lower() in _ORG_WORDS):
        return "person"
    vector = embedder.encode([phrase])[0]
    found = resolve(index, phrase, vector)
    sure = any(m.how in ("name", "alias") and m.confidence >= PERSON_FLOOR for m in found.matches)
    return "person" if sure else "topic"


def quote_text(index: SearchIndex, record: QuoteRecord) -> str:
    q = record.quote
    return index.article_text(record.article_row)[q.start : q.end]


def matching(index: SearchIndex, embedder, follow: Follow,
             records: list[QuoteRecord]) -> list[QuoteRecord]:
    """The records `follow` takes, best first."""
    records = [r for r in records if r.quote.speaker or r.quote.role]  # who said it
    if not records:
        return []
    vector = embedder.encode([follow.phrase])[0]
    if follow.kind == "person":
        speakers = resolve(index, follow.phrase, vector)
        sure = {m.speaker_id: m.confidence for m in speakers.matches
                if m.confidence >= PERSON_FLOOR}
        taken = [r for r in records if int(index.statement_speaker[r.id]) in sure]
        return sorted(taken, key=lambda r: -sure[int(index.statement_speaker[r.id])])
    # A quote is on the topic when it or the passage holding it is: quotes are often a few
    # words ("ongoing") whose story says what they are about.
    chunks = index.chunks_at([r.article_row for r in records], [r.quote.start for r in records])
    cosines = np.maximum(index.statements.cosine(np.array([r.id for r in records]), vector),
                         index.cosine(chunks, vector))
    wanted = index.terms([follow.phrase])[0]
    words = index.terms([index.chunk_text(int(c)) for c in chunks])
    taken = [(c, r) for c, r, w in zip(cosines, records, words)
             if c >= TOPIC_SURE or (c >= TOPIC_FLOOR and wanted & w)]
    return [r for _, r in sorted(taken, key=lambda pair: -pair[0])]
