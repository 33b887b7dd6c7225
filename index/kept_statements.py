"""The statements an update keeps, as the live generation's statement table, not as objects.

The statements of the leading articles an update keeps (~77k of them at 107k chunks) are
already rows of the copied SQLite file, and the live `statements.npy` holds what the later
steps need of them: article row, offsets, speaker id, reported, sentence span. Made into
`Quote` objects they cost a third of a second; as this array they cost a slice. Only when
their texts must be made again (the acronyms changed) are they read back as objects.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from index import schema
from index.records import Article, Quote

ROW, SPEAKER, REPORTED, SPAN = 0, 3, 4, slice(5, 7)  # columns, as `store.STATEMENT_COLUMNS`


@dataclass
class KeptStatements:
    table: np.ndarray  # (n, 7) int64: the live statement table's first n rows
    articles: int  # they are those of the first `articles` articles
    live_db: sqlite3.Connection  # the live generation's SQLite file, for what the table lacks

    @classmethod
    def of_articles(cls, table: np.ndarray, articles: int, live_db: sqlite3.Connection
                    ) -> KeptStatements:
        """The statements of the first `articles` articles (numbered in article order)."""
        return cls(table[: int(np.searchsorted(table[:, ROW], articles))], articles, live_db)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def reported(self) -> int:
        return int(self.table[:, REPORTED].sum())

    def spans(self) -> list[tuple[int, int]]:
        return [tuple(s) for s in self.table[:, SPAN].tolist()]

    def characters(self, articles: list[Article]) -> int:
        """Of their BM25 texts (titles and sentence spans; labels aside): the space estimate."""
        if not len(self):
            return 0
        titles = np.array([len(a.title) for a in articles], dtype=np.int64)
        spans = self.table[:, SPAN]
        return int(titles[self.table[:, ROW]].sum() + (spans[:, 1] - spans[:, 0]).sum())

    def quotes(self, articles: list[Article]) -> list[tuple[int, Quote]]:
        """(article row, quote) of each, read back from SQLite: when their texts are made again."""
        return [(row, Quote(articles[row].id, start, end, speaker, role, cue, bool(reported)))
                for row, start, end, speaker, role, cue, reported in  # plain tuples: 77k rows
                schema.quotes_before(self.live_db, self.articles)]
