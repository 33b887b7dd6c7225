"""What a new index generation owes followers: its quotes that no earlier generation held,
matched to every follow, queued in the store as one rendered message per follow.

The first generation the store meets is the baseline: everything in it was indexed before
anyone could be alerted, so it is marked seen and alerts nothing.
"""

from __future__ import annotations

import logging

from bot.follow.matching import matching, quote_text
from bot.follow.store import FollowStore
from bot.render import ALERT_QUOTES, render_alert
from bot.schema import ArticleRef, QuoteItem
from index.search import QuoteRecord, SearchIndex

log = logging.getLogger(__name__)


def collect(store: FollowStore, index: SearchIndex, embedder) -> int:
    """Queue the alerts `index`'s generation owes (once per generation); how many."""
    generation = str(index.generation)
    if store.knows(generation):
        return 0
    records = index.quote_records()
    keys = {(r.quote.article_id, r.text_hash) for r in records}
    if not store.has_baseline():
        store.settle(generation, keys, [])
        log.info("Follow alerts: %d quotes of %s taken as already known", len(keys), generation)
        return 0
    new = store.unseen(keys)
    fresh: dict[tuple[str, str], QuoteRecord] = {}
    for record in records:  # one quote said twice in an article is one quote
        key = (record.quote.article_id, record.text_hash)
        if key in new:
            fresh.setdefault(key, record)
    alerts = []
    for follow in store.all() if fresh else []:
        found = matching(index, embedder, follow, list(fresh.values()))
        if found:
            items = [quote_item(index, r) for r in found[:ALERT_QUOTES]]
            alerts.append((follow, render_alert(follow.phrase, items,
                                                max(len(found) - ALERT_QUOTES, 0))))
    store.settle(generation, new, alerts)
    log.info("Follow alerts: %d new quotes in %s, %d alerts queued", len(fresh), generation,
             len(alerts))
    return len(alerts)


def quote_item(index: SearchIndex, record: QuoteRecord) -> QuoteItem:
    meta = index.articles[record.article_row]
    q = record.quote
    return QuoteItem(speaker=q.speaker, speaker_role=q.role, text=quote_text(index, record),
                     form="reported" if q.reported else "quote", score=1.0,
                     article=ArticleRef(id=meta.id, title=meta.title, date=meta.date,
                                        source=meta.source, url=meta.url))
