"""Sending: rendered HTML with a plain-text fallback, the "typing…" indicator, the More
button, and follow alerts (what became of each, for `bot.follow.delivery`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.follow.delivery import Outcome
from bot.follow.store import Alert
from bot.render import (
    MAX_MESSAGE,
    more_data,
    strip_tags,
)
from bot.telegram.context import Context

log = logging.getLogger(__name__)


TYPING_EVERY = 4.5  # Telegram shows "typing…" for about 5 s per chat action
TYPING_AFTER = 0.3  # quicker answers need no indicator: half the Bot API calls under load


def more_button(key: str, page: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data=more_data(key, page))]])


@contextlib.asynccontextmanager
async def typing(context: Context, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" while a slow answer is worked out; failures here never matter."""
    done = asyncio.Event()

    async def keep_typing() -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), TYPING_AFTER)
        while not done.is_set():
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        # Do not wait for a chat action still retrying (a 429 would delay the answer), nor let
        # one land after the answer (it would show "typing…" again): cancel it.
        done.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def send_html(
    context: Context,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message:
    """Send rendered HTML; if Telegram refuses it anyway, send plain text rather than nothing."""
    kwargs: dict[str, Any] = {"reply_markup": markup}
    if reply_to is not None:
        kwargs["reply_to_message_id"] = reply_to
        kwargs["allow_sending_without_reply"] = True
    try:
        return await context.bot.send_message(chat_id, text, **kwargs)
    except BadRequest as exc:
        if "entit" not in str(exc).lower() and "too long" not in str(exc).lower():
            raise
        log.error("Telegram refused rendered HTML (%s); sending plain text", exc)
        plain = strip_tags(text)[: MAX_MESSAGE // 2]
        return await context.bot.send_message(chat_id, plain, parse_mode=None, **kwargs)


async def send_alert(bot: Any, alert: Alert) -> Outcome:
    try:
        await bot.send_message(alert.chat_id, alert.html)
    except Forbidden:
        return Outcome.BLOCKED
    except BadRequest as exc:
        if "chat not found" in str(exc).lower():
            return Outcome.BLOCKED
        log.error("Telegram refused a follow alert to %s: %s", alert.chat_id, exc)
        return Outcome.REFUSED
    except TelegramError as exc:
        log.warning("Follow alert to %s not sent (%s); tried again next round", alert.chat_id, exc)
        return Outcome.FAILED
    return Outcome.SENT
