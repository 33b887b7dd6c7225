"""Work off the update stream: index reloads (command, SIGHUP, periodic check), follow alerts
after each new generation, and the JobQueue's feed poll.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from telegram.ext import Application

from bot.follow.alerts import collect
from bot.follow.delivery import Outcome, deliver
from bot.follow.store import Alert
from bot.telegram.context import BotData, Context, in_thread, spawn
from bot.telegram.delivery import send_alert

log = logging.getLogger(__name__)


# --- index reload --------------------------------------------------------------------------------


async def reload_index(app: Application, reason: str) -> bool:
    """Swap in a rebuilt index (the answerer does it atomically); one reload at a time."""
    d: BotData = app.bot_data
    async with d.reload_lock:
        swapped = await asyncio.to_thread(d.answerer.reload_if_changed)
    if swapped:
        log.info("Index reloaded (%s)", reason)
        if d.follows is not None:
            spawn(d, alert_followers(app))
    return swapped


# --- follow alerts and the scheduled feed poll ----------------------------------------------


async def alert_followers(app: Application) -> None:
    """Queue what the live generation owes followers, then send everything owed; one round
    at a time. Failures are logged: alerts stay queued for the next round."""
    d: BotData = app.bot_data
    if d.follows is None:
        return
    async with d.alert_lock:
        try:
            answerer: Any = d.answerer
            await in_thread(d, collect, d.follows, answerer.index, answerer.embedder)
            report = await deliver(
                d.follows, functools.partial(_send_allowed, d, app.bot), d.settings.alerts_per_day
            )
        except Exception:
            log.exception("Follow alerts failed; what is owed stays queued")
            return
    if report.sent or report.failed or report.blocked_users:
        log.info("Follow alerts: %s", report)


async def _send_allowed(d: BotData, bot: Any, alert: Alert) -> Outcome:
    """A user taken off ALLOWED_IDS since they followed gets nothing more."""
    if not d.settings.may_use(alert.user_id, alert.chat_id):
        return Outcome.REFUSED
    return await send_alert(bot, alert)


async def ingest_job(context: Context) -> None:
    """The JobQueue's feed poll (as `python -m index.ingest`), in a worker thread, one at a
    time; a poll that indexed something is reloaded at once, which alerts followers."""
    from index.ingest import PollBusy, poll

    d = context.bot_data
    if d.ingest_lock.locked():
        log.info("Feed poll still running; this turn is skipped")
        return
    async with d.ingest_lock:
        try:
            report = await asyncio.to_thread(poll, d.settings, embedder=getattr(d.answerer, "embedder", None))
        except PollBusy as exc:
            log.info("%s", exc)
            return
        except Exception:
            log.exception("Feed poll failed; the index is unchanged")
            return
    log.info("Feed poll:\n%s", report.summary())
    if report.build is not None and not report.build.up_to_date:
        await reload_index(context.application, reason="feed poll")


async def _reload_every(app: Application, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await reload_index(app, reason="periodic check")
        except Exception:
            log.exception("Periodic index reload failed; keeping the current index")


def _on_sighup(app: Application) -> None:
    task = asyncio.get_running_loop().create_task(reload_index(app, reason="SIGHUP"))
    app.bot_data.tasks.append(task)
