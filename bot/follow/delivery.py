"""Sending the queued alerts: at most ALERTS_PER_DAY per user per UTC day, paced under
Telegram's limits (about 30 messages a second in all, one a second to one chat), a user who
blocked the bot dropped, and a failed send kept for the next round.

`send` is the Telegram layer's: it returns what became of one message, so this module needs no
Telegram import.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from bot.follow.store import Alert, FollowStore

log = logging.getLogger(__name__)

SEND_GAP = 1 / 25  # seconds between any two alerts: under Telegram's ~30 messages a second
CHAT_GAP = 1.0  # seconds between two alerts to one chat


class Outcome(Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot or deleted the chat: forget them
    REFUSED = "refused"  # Telegram will never take this message: drop it
    FAILED = "failed"  # network or server trouble: try again next round


@dataclass
class Delivery:
    sent: int = 0
    over_cap: int = 0
    blocked_users: int = 0
    refused: int = 0
    failed: int = 0


async def deliver(store: FollowStore, send: Callable[[Alert], Awaitable[Outcome]], per_day: int,
                  *, gap: float = SEND_GAP, chat_gap: float = CHAT_GAP) -> Delivery:
    """Send what the store owes, oldest first; one call at a time (the caller's lock)."""
    report = Delivery()
    last_to: dict[int, float] = {}
    blocked: set[int] = set()
    for alert in await asyncio.to_thread(store.owed):
        if alert.user_id in blocked:
            continue
        if await asyncio.to_thread(store.sent_today, alert.user_id) >= per_day:
            await asyncio.to_thread(store.discard, alert)
            report.over_cap += 1
            continue
        wait = max(gap, chat_gap - (time.monotonic() - last_to.get(alert.chat_id, -1e9)))
        if last_to:
            await asyncio.sleep(wait)
        outcome = await send(alert)
        last_to[alert.chat_id] = time.monotonic()
        if outcome is Outcome.SENT:
            await asyncio.to_thread(store.delivered, alert)
            report.sent += 1
        elif outcome is Outcome.BLOCKED:
            dropped = await asyncio.to_thread(store.drop_user, alert.user_id)
            blocked.add(alert.user_id)
            report.blocked_users += 1
            log.info("User %s blocked the bot; %d follows dropped", alert.user_id, dropped)
        elif outcome is Outcome.REFUSED:
            await asyncio.to_thread(store.discard, alert)
            report.refused += 1
        else:
            report.failed += 1
    if report.over_cap:
        log.info("Follow alerts: %d over ALERTS_PER_DAY, not sent", report.over_cap)
    return report
