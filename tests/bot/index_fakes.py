"""Small stand-ins for `SearchIndex`: just what the ranking and excerpt helpers read."""

from __future__ import annotations

from index.quotes import Quote
from index.search import QuoteRecord

TEXT = ("The minister spoke on Monday. “Immediately,” he said of the ceasefire. Later he added: "
        "“The ceasefire in the northern province must hold, and the shelling of the hospitals "
        "has to stop now,” according to the ministry. Elsewhere, markets were calm.")


class FakeIndex:
    """Just what the ranking helpers read: one article's text, its words and their weights."""

    def __init__(self, text: str = TEXT, chunks: list[str] | None = None,
                 ledes: frozenset[int] = frozenset()) -> None:
        self.text = text
        self.chunks = chunks or []
        self.ledes = ledes

    def is_lede(self, chunk_id: int) -> bool:
        return chunk_id in self.ledes

    def article_text(self, row: int) -> str:
        return self.text

    def chunk_text(self, chunk_id: int) -> str:
        return self.chunks[chunk_id]

    def terms(self, texts: list[str]) -> list[set[str]]:
        return [{w.strip(".,“”\"").lower() for w in t.split()} for t in texts]

    def term_weights(self, query: str) -> dict[str, float]:
        return {w.lower(): 1.0 for w in query.split()}


def record(text: str, fragment: str, rid: int) -> QuoteRecord:
    start = text.index(fragment)
    return QuoteRecord(rid, 0, Quote("a", start, start + len(fragment), "Minister", None, None), "h")
