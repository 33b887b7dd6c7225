"""Real articles for the local news site, chosen by what the tests need, not by id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from index.articles import Article, make_article
from index.quotes import extract_statements
from tests.conftest import data_file


@dataclass(frozen=True)
class Story:
    article: Article

    @property
    def title(self) -> str:
        return self.article.title

    @property
    def text(self) -> str:
        return self.article.text

    @property
    def date(self) -> datetime:
        return self.article.date

    def quotes(self) -> set[tuple[str | None, str]]:
        return {(q.speaker, q.text(self.article)) for q in extract_statements(self.article)}


def stories(count: int) -> list[Story]:
    """Guardian articles (curly quotation marks) short enough to embed fast, each quoting a
    named speaker, writable in Windows-1252, with one paragraph per block and distinct texts."""
    found: list[Story] = []
    seen: set[str] = set()
    for line in data_file("russia-ukraine-2022", "guardian.jsonl").read_text().splitlines():
        record = json.loads(line)
        article = make_article(record, record["id"])
        text = article.text
        paragraphs = text.split("\n\n")
        if (len(text) > 4000 or "“" not in text or article.text_hash in seen
                or article.title in {s.title for s in found}
                or paragraphs != [" ".join(p.split()) for p in paragraphs]):
            continue
        try:
            text.encode("cp1252")
            article.title.encode("cp1252")
        except UnicodeEncodeError:
            continue
        if not any(q.speaker and not q.reported for q in extract_statements(article)):
            continue
        seen.add(article.text_hash)
        found.append(Story(article))
        if len(found) == count:
            return found
    raise AssertionError(f"only {len(found)} suitable articles")
