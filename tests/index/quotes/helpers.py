"""Shared by the quote tests: synthetic articles, the shared data sets, the seed's quotes."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from index.articles import Article, load
from index.quotes import Quote, extract_quotes
from tests.conftest import SHARED_DATA

DATA = SHARED_DATA if SHARED_DATA.is_dir() else None
DATASETS = ["fakes/articles.jsonl", "polnear/articles.jsonl",
            "russia-ukraine-2022/guardian.jsonl", "russia-ukraine-2022/nyt.jsonl"]


def make(text: str, id_: str = "t") -> Article:
    return Article(id=id_, title="t", date=datetime(2022, 1, 1, tzinfo=UTC), source=None,
                   url=None, text=text)


def quotes(text: str) -> list[tuple[str, str | None]]:
    article = make(text)
    return [(q.text(article), q.speaker) for q in extract_quotes(article)]


def speaker_of(text: str, fragment: str) -> str | None:
    """Speaker of the one quote containing `fragment` (fails if there is none)."""
    hits = [s for t, s in quotes(text) if fragment in t]
    assert hits, f"no quote with {fragment!r} in {quotes(text)}"
    return hits[0]


@cache
def dataset_articles(rel: str) -> dict[str, Article]:
    assert DATA is not None
    return {a.id: a for a in load([DATA / rel]) if isinstance(a, Article)}


def quote_in(rel: str, article_id: str, fragment: str) -> Quote:
    article = dataset_articles(rel)[article_id]
    hits = [q for q in extract_quotes(article) if fragment in q.text(article)]
    assert hits, f"{article_id}: no quote containing {fragment!r}"
    return hits[0]


def seed_quote(seed: tuple[Article, list[Quote]], start: str) -> Quote:
    article, found = seed
    hits = [q for q in found if q.text(article).startswith(start)]
    assert len(hits) == 1, [q.text(article)[:40] for q in found]
    return hits[0]
