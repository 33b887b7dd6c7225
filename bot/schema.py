"""The answer contract shared by `bot.ask --json`, the Telegram renderer and the tests.

Pydantic models so that the JSON form is checked and documented in one place. Dates are
serialised with their offset (`2020-02-25T14:22:00+00:00`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_serializer

Kind = Literal["quotes", "passages", "none"]
QuoteForm = Literal["quote", "statement", "reported"]  # see QuoteItem.form


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ArticleRef(_Model):
    id: str
    title: str
    date: datetime
    source: str | None
    url: str | None

    @field_serializer("date")
    def _iso(self, value: datetime) -> str:
        return value.isoformat()


class DateMention(_Model):
    """A relative day the text uses ("on Monday") and the calendar date it stands for."""

    mention: str
    date: date


class QuoteItem(_Model):
    speaker: str | None
    speaker_role: str | None
    text: str  # verbatim slice of the article text
    # "quote": the quoted words alone (shown inside quotation marks); "statement": the
    # article's own words around them, its marks included (a few quoted words in their
    # sentence, or a quote continued after "he said"); "reported": a sentence reporting what
    # they said, never shown as a quotation.
    form: QuoteForm = "quote"
    score: float
    article: ArticleRef
    also_in: list[ArticleRef] = []  # other articles carrying the same quote
    dates: list[DateMention] = []


class PassageItem(_Model):
    text: str  # verbatim slice of the article text
    score: float
    article: ArticleRef
    dates: list[DateMention] = []


class Answer(_Model):
    question: str
    # What comes first: "quotes" (the quotes, then passages reporting around them),
    # "passages" (the passages, then any quotes on it), or "none" (`message` says why).
    kind: Kind
    quotes: list[QuoteItem] = []
    passages: list[PassageItem] = []
    message: str | None = None  # a plain sentence when kind is "none" (or a note on filters)
    # The question as understood (follow-ups resolved), to pass as `previous` to the next one,
    # so "and what did the UN say?" after "and what did the ICRC say?" keeps the first topic.
    context: str | None = None

    def to_json(self) -> str:
        return self.model_dump_json()


class CorpusInfo(_Model):
    """What /start and /sources tell users about the index."""

    articles: int
    chunks: int
    quotes: int
    sources: list[str]
    first_date: datetime | None
    last_date: datetime | None
    built_at: datetime
    model: str
