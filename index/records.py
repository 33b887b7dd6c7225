"""The records every part of the index shares: an `Article`, a `Chunk` of it and a `Quote` in it.

They live apart from the code that makes them (the loaders, the chunker, the quote extractor)
so that reading an index, answering a question or matching a speaker imports none of it.
Chunks and quotes are offsets into their article: their text is always a slice of it, which is
what keeps every shown quote verbatim.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cached_property


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    date: datetime  # always timezone-aware
    source: str | None
    url: str | None
    text: str

    @cached_property
    def text_hash(self) -> str:
        """Identity of the body: the same text met twice is indexed once."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    def take_fingerprint(self, fingerprint: str) -> None:
        """Take the fingerprint an index computed for these very fields (same id, title,
        date, source, url and text hash) instead of hashing the whole record again: an
        update fingerprints 11k unchanged articles for nothing (a tenth of it)."""
        self.__dict__["fingerprint"] = fingerprint  # what `cached_property` would have stored

    @cached_property
    def fingerprint(self) -> str:
        """Identity of everything shown to users: a changed title or date is a changed article."""
        # the fields as `dataclasses.asdict` gives them (all are flat), without its deep copy
        record = {f.name: getattr(self, f.name) for f in fields(self)} | {
            "date": self.date.isoformat()}
        return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Chunk:
    """A span of an article: its text is always `article.text[start:end]`."""

    article_id: str
    start: int
    end: int

    def text(self, article: Article) -> str:
        return article.text[self.start : self.end]


@dataclass(frozen=True)
class Quote:
    """A quotation as offsets into its article: its text is always `article.text[start:end]`."""

    article_id: str
    start: int  # first character inside the quotation marks
    end: int  # one past the last character inside the marks
    speaker: str | None  # canonical full name or organisation, e.g. "Sergei Lavrov"
    role: str | None  # e.g. "Russian Foreign Minister", "the ICRC's director for the Near East"
    cue: str | None  # the attribution cue as written: "the top Russian diplomat said"
    reported: bool = False  # a sentence reporting what was said, not a quotation

    def text(self, article: Article) -> str:
        return article.text[self.start : self.end]
