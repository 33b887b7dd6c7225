"""Fixtures for the bot tests: a fake answerer with hostile content and a bot running against
the fake Bot API on loopback."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.schema import Answer, ArticleRef, CorpusInfo, DateMention, PassageItem, QuoteItem
from bot.settings import BotSettings
from bot.telegram import build_application, polling
from tests.bot.fake_bot_api import FakeBotApi

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijklmnop"

HOSTILE = "We will not </blockquote> allow <b>this</b> & that 🇹🇷🔥 — مرحبا بالعالم &amp; <script>"

ARTICLE = ArticleRef(
    id="a1",
    title="Syrian army <b>pushes</b> into Idlib & beyond",
    date=datetime(2020, 2, 25, 14, 22, tzinfo=UTC),
    source="Press <TV>",
    url="https://example.org/news?id=1&lang=<en>",
)
OTHER = ArticleRef(
    id="a2",
    title="Ankara warns Damascus",
    date=datetime(2020, 2, 26, 9, 0, tzinfo=UTC),
    source="Anadolu",
    url=None,
)
EVIL_URL = ArticleRef(
    id="a3",
    title='Link "quoted" title',
    date=datetime(2020, 3, 1, tzinfo=UTC),
    source=None,
    url="javascript:alert('x')",
)


def quote(
    speaker: str | None, text: str, role: str | None = None, article: ArticleRef = ARTICLE
) -> QuoteItem:
    return QuoteItem(
        speaker=speaker,
        speaker_role=role,
        text=text,
        score=0.9,
        article=article,
        also_in=[OTHER] if article is ARTICLE else [],
        dates=[DateMention(mention="Monday", date=date(2020, 2, 24))],
    )


def hostile_answer(question: str, note: str | None = None) -> Answer:
    return Answer(
        question=question,
        kind="quotes",
        quotes=[
            quote("Recep Tayyip Erdoğan <b>", HOSTILE, role="President & <i>commander</i>"),
            quote("SANA", "Army units liberated Ma’ar Tamater on Tuesday.", article=OTHER),
            quote("Recep Tayyip Erdoğan <b>", "A second quote, grouped under the first speaker."),
            quote(None, "An unattributed line with a bad link.", article=EVIL_URL),
        ],
        message=note,
    )


def long_answer(question: str) -> Answer:
    """Enough long quotes to need several pages, one of them longer than a whole message."""
    para = ("Idlib & <the> north-west " * 40).strip()
    huge = "\n\n".join(f"Paragraph {i}: {para}" for i in range(12))  # ~12k characters
    quotes = [quote(f"Speaker {i % 3} <x>", f"Quote {i}. " + para * 2) for i in range(9)]
    quotes.insert(2, quote("Speaker 1 <x>", huge))
    return Answer(question=question, kind="quotes", quotes=quotes)


class FakeAnswerer:
    """Implements the `AnswererLike` protocol with hand-made answers; thread safe.

    `stage(v)` simulates a rebuilt index on disk; `reload_if_changed` swaps it in.
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.version = 1
        self.pending: int | None = None
        self.questions: list[tuple[str, str | None]] = []
        self.reloads = 0
        self._lock = threading.Lock()

    def ask(self, question: str, k: int = 5, previous: str | None = None) -> Answer:
        with self._lock:
            self.questions.append((question, previous))
            version = self.version
        q = question.casefold()
        if self.delay or "slow" in q:
            time.sleep(3.0 if "slow" in q else self.delay)
        if "boom" in q:
            raise RuntimeError("answerer exploded")
        if "nothing" in q:
            return Answer(
                question=question, kind="none", message="Nothing on <that> & this in the articles."
            )
        if "passage" in q:
            passages = [PassageItem(text=HOSTILE, score=0.5, article=ARTICLE, dates=[])]
            return Answer(question=question, kind="passages", passages=passages)
        if "long" in q:
            return long_answer(question)
        return hostile_answer(question, note=f"index v{version}")

    def corpus_info(self) -> CorpusInfo:
        return CorpusInfo(
            articles=3,
            chunks=40,
            quotes=12,
            sources=["Press <TV>", "Anadolu", "SANA & co"],
            first_date=datetime(2020, 2, 25, tzinfo=UTC),
            last_date=datetime(2020, 3, 1, tzinfo=UTC),
            built_at=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
            model="all-MiniLM-L6-v2",
        )

    def stage(self, version: int) -> None:
        with self._lock:
            self.pending = version

    def reload_if_changed(self) -> bool:
        with self._lock:
            if self.pending is None:
                return False
            self.version, self.pending = self.pending, None
            self.reloads += 1
            return True


def make_settings(api: FakeBotApi, **overrides: Any) -> BotSettings:
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_base_url": api.base_url,
        "rate_limit": 0,
        "reload_interval": 0,
        "allowed_ids": [],
        "admin_ids": [],
    }
    values.update(overrides)
    return BotSettings(_env_file=None, **values)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as server:
        yield server


@contextlib.asynccontextmanager
async def running_bot(
    api: FakeBotApi, answerer: Any = None, *, handle_sighup: bool = False, **overrides: Any
) -> AsyncIterator[Any]:
    """The real Application, long polling the fake server (1 s polls so it stops quickly)."""
    app = build_application(
        make_settings(api, **overrides), answerer or FakeAnswerer(), handle_sighup=handle_sighup
    )
    async with polling(app, poll_timeout=1):
        yield app
