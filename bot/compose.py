"""The last stage: a `Verdict`'s candidates become an `Answer` a reader can trust.

Each statement is shown once (with every article carrying the same words), a quote the speaker
continues after "he said" whole, a few quoted words in their sentence; passages are widened by
their retrieved neighbours; weekdays are dated against the article. Every text is a slice of
the stored article (`bot.excerpts`).
"""

from __future__ import annotations

import re

from bot.answerable import Verdict
from bot.candidates import Candidate
from bot.excerpts import quotes_by_article, shown, statement_run, windows
from bot.question import WEEKDAYS, weekday_date
from bot.schema import Answer, ArticleRef, DateMention, PassageItem, QuoteItem
from index.search import ArticleMeta, SearchIndex

_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")


def compose(index: SearchIndex, question: str, verdict: Verdict, k: int) -> Answer:
    return Answer(question=question, kind=verdict.kind, message=verdict.message,
                  quotes=quote_items(index, verdict.quotes, k),
                  passages=passage_items(index, verdict.passages,
                                         min(k, verdict.passages_shown or k)))


def quote_items(index: SearchIndex, chosen: list[Candidate], k: int) -> list[QuoteItem]:
    """Up to k quotes, each text shown once with every article that carries it; a quote
    the speaker continues after "he said" is shown whole, with its attribution."""
    if not chosen:
        return []
    records = {r.id: r for r in index.statement_records([c.id for c in chosen[: 4 * k]])}
    siblings = quotes_by_article(index, list(records.values()))
    carrying: dict[str, set[int]] = {}  # text hash -> the articles carrying those words
    for o in index.quotes_with_hash(sorted({r.text_hash for r in records.values()})):
        carrying.setdefault(o.text_hash, set()).add(o.article_row)
    items: list[QuoteItem] = []
    seen: set[str] = set()
    for c in chosen[: 4 * k]:
        record = records.get(c.id)
        if record is None or record.text_hash in seen:
            continue
        run = statement_run(index, record, siblings.get(record.article_row, []))
        if any(r.text_hash in seen for r in run):
            continue
        seen.update(r.text_hash for r in run)
        text, form = shown(index, record, run)
        others = [index.articles[row] for row in sorted(carrying.get(record.text_hash, ()))
                  if row != record.article_row]
        items.append(QuoteItem(
            speaker=record.quote.speaker, speaker_role=record.quote.role, text=text, form=form,
            score=round(c.score, 4), article=ref(index.articles[record.article_row]),
            also_in=[ref(o) for o in others],
            dates=date_mentions(text, index.articles[record.article_row])))
        if len(items) >= k:
            break
    return items


def passage_items(index: SearchIndex, chosen: list[Candidate], k: int) -> list[PassageItem]:
    """Up to k passages in rank order, each widened by its retrieved neighbours."""
    items = []
    score = {c.id: c.score for c in chosen}
    for first, last in windows(index, [c.id for c in chosen])[:k]:
        row = int(index.chunk_article[first])
        start, end = int(index.chunk_spans[first][0]), int(index.chunk_spans[last][1])
        text = index.article_text(row)[start:end]
        meta = index.articles[row]
        best = max(s for i, s in score.items() if first <= i <= last)
        items.append(PassageItem(text=text, score=round(best, 4), article=ref(meta),
                                 dates=date_mentions(text, meta)))
    return items


def ref(meta: ArticleMeta) -> ArticleRef:
    return ArticleRef(id=meta.id, title=meta.title, date=meta.date, source=meta.source, url=meta.url)


def date_mentions(text: str, meta: ArticleMeta) -> list[DateMention]:
    found = dict.fromkeys(_WEEKDAY.findall(text))
    return [DateMention(mention=day, date=weekday_date(day, meta.date.date())) for day in found]
