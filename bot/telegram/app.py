"""The one place the bot is wired: requests, concurrency, handlers, lifecycle hooks, JobQueue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.follow.store import FollowStore
from bot.settings import BotSettings
from bot.telegram.context import CONTEXT_TYPES, AnswererLike, BotData, spawn
from bot.telegram.handlers import (
    ask_command,
    follow_command,
    following_command,
    gate,
    help_command,
    more,
    non_text,
    on_error,
    on_text,
    reload_command,
    sources,
    stale_button,
    start,
    unfollow_command,
    unknown_command,
)
from bot.telegram.jobs import _on_sighup, _reload_every, alert_followers, ingest_job
from bot.telegram.redact import install_log_redaction
from bot.telegram.retry import RetryingRequest

log = logging.getLogger(__name__)


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


async def post_init(app: Application) -> None:
    """Commands menu, periodic reload (no JobQueue needed) and SIGHUP reload."""
    d: BotData = app.bot_data
    with contextlib.suppress(TelegramError):
        await app.bot.set_my_commands(
            [
                BotCommand("ask", "Ask who said what about a topic"),
                BotCommand("sources", "What articles I know"),
                BotCommand("follow", "Get new quotes of a person or on a topic"),
                BotCommand("following", "What you follow"),
                BotCommand("unfollow", "Stop following"),
                BotCommand("help", "How to ask"),
                BotCommand("start", "What this bot does"),
            ]
        )
    if d.settings.reload_interval > 0:
        d.tasks.append(asyncio.create_task(_reload_every(app, d.settings.reload_interval)))
    if d.handle_sighup and hasattr(signal, "SIGHUP"):
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, _on_sighup, app)
    if d.follows is not None:  # what a generation indexed while the bot was down still owes
        spawn(d, alert_followers(app))
    if (d.settings.feeds or d.settings.feeds_file) and app.job_queue is not None:
        app.job_queue.run_repeating(
            ingest_job,
            interval=d.settings.ingest_interval,
            first=d.settings.ingest_interval,
            name="feed poll",
        )


async def post_stop(app: Application) -> None:
    d: BotData = app.bot_data
    if d.handle_sighup and hasattr(signal, "SIGHUP"):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    for task in d.tasks:
        task.cancel()
    await asyncio.gather(*d.tasks, return_exceptions=True)
    d.tasks.clear()


async def post_shutdown(app: Application) -> None:
    d: BotData = app.bot_data
    d.executor.shutdown(wait=False, cancel_futures=True)
    if d.follows is not None:
        d.follows.close()


def build_application(
    settings: BotSettings,
    answerer: AnswererLike,
    *,
    handle_sighup: bool = False,
    follows: FollowStore | None = None,
) -> Application:
    """The one place the bot is wired: requests, concurrency, handlers, lifecycle hooks."""
    token = settings.token
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    install_log_redaction(token)
    request = RetryingRequest(
        retries=settings.send_retries,
        max_retry_after=settings.max_retry_after,
        connection_pool_size=settings.connection_pool_size,
        pool_timeout=30.0,
        read_timeout=15.0,
        connect_timeout=10.0,
    )
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .request(request)
        .get_updates_request(HTTPXRequest(connection_pool_size=2, read_timeout=30.0))
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .concurrent_updates(settings.concurrent_updates)
        .context_types(CONTEXT_TYPES)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.bot_data.setup(settings, answerer, follows=follows, handle_sighup=handle_sighup)
    only_new = filters.UpdateType.MESSAGE  # edits of old messages are not asked again
    app.add_handler(TypeHandler(Update, gate), group=-1)
    app.add_handler(CommandHandler("start", start, filters=only_new))
    app.add_handler(CommandHandler("help", help_command, filters=only_new))
    app.add_handler(CommandHandler("sources", sources, filters=only_new))
    app.add_handler(CommandHandler("reload", reload_command, filters=only_new))
    app.add_handler(CommandHandler("ask", ask_command, filters=only_new))
    app.add_handler(CommandHandler("follow", follow_command, filters=only_new))
    app.add_handler(CommandHandler("unfollow", unfollow_command, filters=only_new))
    app.add_handler(CommandHandler("following", following_command, filters=only_new))
    app.add_handler(CallbackQueryHandler(more, pattern=r"^more:"))
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(MessageHandler(only_new & filters.TEXT & ~filters.COMMAND, on_text))
    private = only_new & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(private & ~filters.TEXT, non_text))
    app.add_error_handler(on_error)
    return app


@contextlib.asynccontextmanager
async def polling(app: Application, poll_timeout: int = 10) -> AsyncIterator[Application]:
    """Run `app` by long polling inside an already running loop (tests, benchmarks, embedding);
    the same lifecycle as `run_polling`, hooks included."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.updater.start_polling(poll_interval=0.0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        if app.post_stop:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


def run(app: Application, settings: BotSettings, **kwargs: Any) -> None:
    """Block serving updates: a webhook server when WEBHOOK_URL is set, else long polling.

    `kwargs` go to `run_webhook`/`run_polling` (e.g. `stop_signals=None` off the main thread).
    """
    if settings.webhook_url:
        secret = settings.webhook_secret_token
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=secret.get_secret_value() if secret else None,
            allowed_updates=ALLOWED_UPDATES,
            **kwargs,
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES, **kwargs)
