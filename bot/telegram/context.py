"""What handlers share: PTB's typed context with `BotData` as `bot_data`, and the
thread pool blocking answerer work runs in.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from telegram.ext import (
    CallbackContext,
    ContextTypes,
    ExtBot,
)

from bot.follow.store import FollowStore
from bot.render import PageStore
from bot.schema import Answer, CorpusInfo
from bot.settings import BotSettings
from bot.telegram.limit import RateLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")


class AnswererLike(Protocol):
    """What the bot needs from `bot.answer.Answerer` (and what test fakes implement)."""

    def ask(self, question: str, k: int = 5, previous: str | None = None) -> Answer: ...

    def corpus_info(self) -> CorpusInfo: ...

    def reload_if_changed(self) -> bool: ...


class BotData:
    """Everything handlers share. PTB makes one as `bot_data` (`CONTEXT_TYPES`) and
    `build_application` sets it up, so handlers read typed attributes, not dict keys."""

    settings: BotSettings
    answerer: AnswererLike
    limiter: RateLimiter
    pages: PageStore
    executor: ThreadPoolExecutor

    def __init__(self) -> None:
        self.handle_sighup = False
        self.follows: FollowStore | None = None  # None: no /follow (an answerer without an index)
        self.reload_lock = asyncio.Lock()
        self.alert_lock = asyncio.Lock()
        self.ingest_lock = asyncio.Lock()
        self.tasks: list[asyncio.Task] = []

    def setup(
        self,
        settings: BotSettings,
        answerer: AnswererLike,
        *,
        follows: FollowStore | None,
        handle_sighup: bool,
    ) -> None:
        self.settings, self.answerer = settings, answerer
        self.limiter = RateLimiter(settings.rate_limit)
        self.pages = PageStore()
        self.executor = ThreadPoolExecutor(settings.answer_workers, thread_name_prefix="answer")
        self.follows, self.handle_sighup = follows, handle_sighup


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)


def spawn(d: BotData, work: Coroutine[Any, Any, Any]) -> None:
    """Start background work that `post_stop` cancels; finished tasks are forgotten."""
    d.tasks[:] = [t for t in d.tasks if not t.done()]
    d.tasks.append(asyncio.create_task(work))


async def in_thread(d: BotData, fn: Callable[..., T], *args: Any) -> T:
    """Run blocking answerer work in the bounded pool; the event loop keeps serving others."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(d.executor, functools.partial(fn, *args))
