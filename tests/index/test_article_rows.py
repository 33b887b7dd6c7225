"""SearchIndex.article_rows must keep exactly the articles a per-article test keeps."""

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np

from index.search import ArticleMeta, SearchIndex

ARTICLES = [
    ArticleMeta(0, "a", "t", datetime(2016, 3, 1, 0, 30, tzinfo=UTC), "Reuters", None),
    ArticleMeta(1, "b", "t", datetime(2016, 3, 1, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
                "SANA", None),
    ArticleMeta(2, "c", "t", datetime(2016, 4, 15, 12, tzinfo=UTC), None, None),
    ArticleMeta(3, "d", "t", datetime(2017, 1, 1, tzinfo=UTC), "reuters", None),
    ArticleMeta(4, "e", "t", datetime(2015, 12, 31, 23, tzinfo=UTC), "", None),
]


def plain(date_from, date_to, source):
    return [a.row for a in ARTICLES
            if (date_from is None or a.date.date() >= date_from)
            and (date_to is None or a.date.date() <= date_to)
            and (source is None or (a.source or "").lower() == source.lower())]


def test_article_rows_match_the_plain_test():
    index = SearchIndex.__new__(SearchIndex)  # only the article list is needed
    index.articles = ARTICLES
    days = [None, date(2015, 12, 31), date(2016, 3, 1), date(2016, 4, 15), date(2017, 1, 1)]
    for date_from in days:
        for date_to in days:
            for source in (None, "REUTERS", "sana", "Anadolu"):
                rows = index.article_rows(date_from, date_to, source)
                assert isinstance(rows, np.ndarray)
                assert rows.tolist() == plain(date_from, date_to, source)
