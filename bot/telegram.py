"""The Telegram front end: handlers, one function each, wired in `build_application` only.

The answerer does blocking CPU work (embedding + search), so it runs in a bounded thread pool and
the event loop stays free: with `concurrent_updates` a slow question never holds up the others.
Sending goes through `RetryingRequest`, which waits out 429 `retry_after` and retries 5xx and
network errors with back-off, so an answer that was computed is also delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import math
import re
import signal
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.follow.alerts import collect
from bot.follow.delivery import Outcome, deliver
from bot.follow.matching import classify
from bot.follow.store import Alert, FollowError, FollowStore
from bot.render import (
    MAX_MESSAGE,
    PageStore,
    esc,
    more_data,
    parse_more,
    render_answer,
    render_help,
    render_sources,
    render_start,
    strip_tags,
)
from bot.schema import Answer, CorpusInfo
from bot.settings import BotSettings

log = logging.getLogger(__name__)
T = TypeVar("T")

EXAMPLES = [
    "Who said what about Idlib?",
    "What did Lavrov say about a ceasefire?",
    "Who spoke about displaced civilians?",
]
MAX_QUESTION = 1000  # characters passed to the answerer; longer messages are cut
REFUSAL = "Sorry, this bot is private."
APOLOGY = "Sorry, something went wrong while answering. Please try again in a moment."
TYPING_EVERY = 4.5  # Telegram shows "typing…" for about 5 s per chat action
TYPING_AFTER = 0.3  # quicker answers need no indicator: half the Bot API calls under load
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


class AnswererLike(Protocol):
    """What the bot needs from `bot.answer.Answerer` (and what test fakes implement)."""

    def ask(self, question: str, k: int = 5, previous: str | None = None) -> Answer: ...

    def corpus_info(self) -> CorpusInfo: ...

    def reload_if_changed(self) -> bool: ...


# --- secrets never reach the logs ---------------------------------------------------------------

_SECRETS: set[str] = set()
_factory_installed = False


def redact(text: str) -> str:
    for secret in _SECRETS:
        text = text.replace(secret, "<redacted>")
    return text


def install_log_redaction(*secrets: str) -> None:
    """Redact `secrets` from every log record, whichever logger or handler it goes to.

    httpx logs each request URL at INFO and the URL holds the token, so httpx is also raised to
    WARNING. A record factory (rather than a handler filter) also covers handlers added later,
    such as pytest's caplog.
    """
    global _factory_installed
    for secret in secrets:
        if secret:
            _SECRETS.update({secret, secret.replace(":", "%3A")})
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.getLogger(name).level, logging.WARNING))
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not _SECRETS:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's problem, not ours
            message = str(record.msg)
        if any(s in message for s in _SECRETS):
            record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


# --- sending that survives 429, 5xx and flaky networks --------------------------------------------


def _method(url: str) -> str:
    return url.rsplit("/", 1)[-1]  # never log the URL itself: it holds the token


def _retry_after(payload: bytes) -> float | None:
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        value = json.loads(payload)["parameters"]["retry_after"]
        return float(value)
    return None


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that honours 429 `retry_after` and retries 5xx/timeouts with back-off.

    Retrying at this level covers every Bot API call the same way. A read timeout may mean
    Telegram did deliver; a rare duplicate is preferred to a lost answer.
    """

    def __init__(
        self,
        *,
        retries: int = 5,
        max_retry_after: float = 60.0,
        backoff: float = 0.5,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.retries = retries
        self.max_retry_after = max_retry_after
        self.backoff = backoff

    async def do_request(self, url: str, method: str, request_data: Any = None, **kwargs: Any):  # type: ignore[override]
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                code, payload = await super().do_request(url, method, request_data, **kwargs)
            except (TimedOut, NetworkError) as exc:
                if last:
                    raise
                delay = min(self.backoff * 2**attempt, 30.0)
                log.warning(
                    "%s: %s; retry %d in %.1fs",
                    _method(url),
                    type(exc).__name__,
                    attempt + 1,
                    delay,
                )
            else:
                if code == 429:
                    wait = _retry_after(payload)
                    if last or wait is None or wait > self.max_retry_after:
                        return code, payload
                    delay = wait
                    log.warning(
                        "%s: 429, retry_after %ss (retry %d)", _method(url), wait, attempt + 1
                    )
                elif 500 <= code < 600 and not last:
                    delay = min(self.backoff * 2**attempt, 30.0)
                    log.warning(
                        "%s: HTTP %d; retry %d in %.1fs", _method(url), code, attempt + 1, delay
                    )
                else:
                    return code, payload
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")


# --- per-user rate limit -------------------------------------------------------------------------


class RateLimiter:
    """Sliding one-minute window per user; `per_minute == 0` means no limit."""

    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._seen: dict[int, deque[float]] = {}

    def check(self, user_id: int, now: float | None = None) -> float:
        """0 if the user may ask now (and counts it), else seconds until they may."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.per_minute:
            return max(self.window - (now - times[0]), 0.1)
        times.append(now)
        if len(self._seen) > 10_000:  # forget idle users now and then
            self._seen = {u: t for u, t in self._seen.items() if t and now - t[-1] < self.window}
        return 0.0


# --- shared state --------------------------------------------------------------------------------


@dataclass
class BotDeps:
    """Everything handlers share, kept in `bot_data` so handlers stay plain functions."""

    settings: BotSettings
    answerer: AnswererLike
    limiter: RateLimiter
    pages: PageStore
    executor: ThreadPoolExecutor
    handle_sighup: bool = False
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tasks: list[asyncio.Task] = field(default_factory=list)
    follows: FollowStore | None = None  # None: no /follow (an answerer without an index)
    alert_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ingest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def deps(context: ContextTypes.DEFAULT_TYPE) -> BotDeps:
    return context.application.bot_data["deps"]


def spawn(d: BotDeps, work: Coroutine[Any, Any, Any]) -> None:
    """Start background work that `post_stop` cancels; finished tasks are forgotten."""
    d.tasks[:] = [t for t in d.tasks if not t.done()]
    d.tasks.append(asyncio.create_task(work))


async def in_thread(d: BotDeps, fn: Callable[..., T], *args: Any) -> T:
    """Run blocking answerer work in the bounded pool; the event loop keeps serving others."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(d.executor, functools.partial(fn, *args))


# --- addressing in groups ------------------------------------------------------------------------


def mentions_bot(message: Message, username: str | None) -> bool:
    if not username:
        return False
    wanted = "@" + username.casefold()
    for entity, text in message.parse_entities([MessageEntity.MENTION]).items():
        if entity.type == MessageEntity.MENTION and text.casefold() == wanted:
            return True
    return False


def replies_to_bot(message: Message, bot_id: int) -> bool:
    other = message.reply_to_message
    return bool(other and other.from_user and other.from_user.id == bot_id)


def strip_mention(text: str, username: str | None) -> str:
    if not username:
        return text.strip()
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


def is_addressed(message: Message, bot_id: int, username: str | None) -> bool:
    """Whether the bot would answer this message: private chat, a command to it, a mention or
    a reply. Only then does a refused user get the refusal line (no spam in groups)."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    text = message.text or ""
    if text.startswith("/"):
        target = text.split(maxsplit=1)[0].partition("@")[2]
        return not target or (username is not None and target.casefold() == username.casefold())
    return mentions_bot(message, username) or replies_to_bot(message, bot_id)


# --- handlers ------------------------------------------------------------------------------------


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: users not in ALLOWED_IDS get one refusal line, nothing more."""
    d = deps(context)
    user = update.effective_user
    chat = update.effective_chat
    if d.settings.may_use(user.id if user else None, chat.id if chat else None):
        return
    log.info("Refused update %s from user %s", update.update_id, user.id if user else None)
    if update.callback_query:
        await update.callback_query.answer(REFUSAL)
    elif update.message and is_addressed(update.message, context.bot.id, context.bot.username):
        await update.message.reply_text(REFUSAL)
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the bot does, what it knows, three questions to try."""
    d = deps(context)
    info = await in_thread(d, d.answerer.corpus_info)
    await update.effective_message.reply_text(render_start(info, EXAMPLES))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(render_help())


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Counts, sources, date range and build time, so users know what the answers rest on."""
    d = deps(context)
    info = await in_thread(d, d.answerer.corpus_info)
    await update.effective_message.reply_text(render_sources(info))


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins pick up a rebuilt index without restarting the bot."""
    d = deps(context)
    user = update.effective_user
    if not d.settings.is_admin(user.id if user else None):
        await update.effective_message.reply_text("Only admins can reload the index.")
        return
    swapped = await reload_index(context.application, reason=f"/reload by {user.id}")
    if swapped:
        info = await in_thread(d, d.answerer.corpus_info)
        await update.effective_message.reply_text(f"Index reloaded: {info.articles} articles.")
    else:
        await update.effective_message.reply_text("The index has not changed.")


async def follow_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/follow <person or topic>: new quotes that match are sent as they are indexed."""
    d = deps(context)
    message = update.effective_message
    phrase = _argument(message)
    if d.follows is None:
        await message.reply_text("Following is not available on this bot.")
        return
    if not phrase:
        await message.reply_text("Tell me whom or what to follow, e.g. "
                                 "<code>/follow Lavrov</code> or <code>/follow grain exports</code>")
        return
    answerer: Any = d.answerer
    kind = await in_thread(d, classify, answerer.index, answerer.embedder, phrase)
    user_id = update.effective_user.id if update.effective_user else message.chat.id
    try:
        follow = await in_thread(d, d.follows.add, user_id, message.chat.id, phrase, kind)
    except FollowError as exc:
        await message.reply_text(esc(str(exc)))
        return
    what = "the person or organisation" if kind == "person" else "the topic"
    await message.reply_text(
        f"Following {what} <b>{esc(follow.phrase)}</b>. When new articles quote them, I send "
        f"the new quotes here, at most {d.settings.alerts_per_day} messages a day. "
        "/following lists what you follow.")


async def unfollow_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    message = update.effective_message
    phrase = _argument(message)
    if d.follows is None:
        await message.reply_text("Following is not available on this bot.")
        return
    user_id = update.effective_user.id if update.effective_user else message.chat.id
    if phrase and await in_thread(d, d.follows.remove, user_id, phrase):
        await message.reply_text(f"You no longer follow <b>{esc(phrase)}</b>.")
    else:
        await message.reply_text("You do not follow that. /following lists what you follow; "
                                 "<code>/unfollow name</code> stops one.")


async def following_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    message = update.effective_message
    if d.follows is None:
        await message.reply_text("Following is not available on this bot.")
        return
    user_id = update.effective_user.id if update.effective_user else message.chat.id
    follows = await in_thread(d, d.follows.of_user, user_id)
    if not follows:
        await message.reply_text("You follow nobody yet. <code>/follow Lavrov</code> or "
                                 "<code>/follow grain exports</code> starts.")
        return
    lines = [f"• <b>{esc(f.phrase)}</b> ({'person' if f.kind == 'person' else 'topic'})"
             for f in follows]
    await message.reply_text(f"You follow ({len(follows)} of {d.follows.max_follows}):\n"
                             + "\n".join(lines) + "\n\n<code>/unfollow name</code> stops one.")


def _argument(message: Message) -> str:
    parts = (message.text or "").split(maxsplit=1)
    return " ".join(parts[1].split()) if len(parts) > 1 else ""


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question>: the one way to ask in a group without mentioning the bot."""
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=1)
    await answer_question(update, context, parts[1] if len(parts) > 1 else "")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text: a question in private chats; in groups only when mentioned or replied to."""
    message = update.effective_message
    text = message.text or ""
    if message.chat.type != ChatType.PRIVATE:
        if not (
            mentions_bot(message, context.bot.username) or replies_to_bot(message, context.bot.id)
        ):
            return
        text = strip_mention(text, context.bot.username)
    await answer_question(update, context, text)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("I don't know that command. /help lists mine.")


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Please send your question as text.")


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "More" button: send the next page once, and take the button off the previous one."""
    d = deps(context)
    query = update.callback_query
    parsed = parse_more(query.data)
    chat_id = query.message.chat.id if query.message else None
    page = d.pages.take(chat_id, *parsed) if parsed and chat_id is not None else None
    if page is None:
        await query.answer("This answer has expired or was already shown; please ask again.")
        return
    await query.answer()
    text, has_more = page
    with contextlib.suppress(BadRequest):  # "message is not modified" and the like
        await query.edit_message_reply_markup(reply_markup=None)
    markup = more_button(parsed[0], parsed[1] + 1) if has_more else None
    await send_html(context, chat_id, text, markup)


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the update id; the user gets a short apology instead of silence."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("Update %s failed: %r", update_id, context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, APOLOGY)


# --- answering -----------------------------------------------------------------------------------


def more_button(key: str, page: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("More", callback_data=more_data(key, page))]]
    )


@contextlib.asynccontextmanager
async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> AsyncIterator[None]:
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
    context: ContextTypes.DEFAULT_TYPE,
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


async def answer_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str
) -> None:
    """Rate-limit, ask in a worker thread while "typing", send page one with a More button."""
    d = deps(context)
    message = update.effective_message
    chat = message.chat
    question = question.strip()
    if not question:
        await message.reply_text(f"Ask me something, e.g. <code>{esc(EXAMPLES[0])}</code>")
        return
    user_id = update.effective_user.id if update.effective_user else chat.id
    wait = d.limiter.check(user_id)
    if wait:
        await message.reply_text(
            f"You are asking faster than I can read. Please try again in {math.ceil(wait)} s."
        )
        return
    question = question[:MAX_QUESTION]
    previous = context.chat_data.get("previous") if context.chat_data is not None else None
    async with typing(context, chat.id):
        answer = await in_thread(d, d.answerer.ask, question, d.settings.answer_k, previous)
    if context.chat_data is not None:
        context.chat_data["previous"] = answer.context or question
    pages = render_answer(answer)
    markup = more_button(d.pages.put(chat.id, pages), 1) if len(pages) > 1 else None
    reply_to = message.message_id if chat.type != ChatType.PRIVATE else None
    await send_html(context, chat.id, pages[0], markup, reply_to)


# --- index reload --------------------------------------------------------------------------------


async def reload_index(app: Application, reason: str) -> bool:
    """Swap in a rebuilt index (the answerer does it atomically); one reload at a time."""
    d: BotDeps = app.bot_data["deps"]
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
    d: BotDeps = app.bot_data["deps"]
    if d.follows is None:
        return
    async with d.alert_lock:
        try:
            answerer: Any = d.answerer
            await in_thread(d, collect, d.follows, answerer.index, answerer.embedder)
            report = await deliver(d.follows, functools.partial(send_alert, app.bot),
                                   d.settings.alerts_per_day)
        except Exception:
            log.exception("Follow alerts failed; what is owed stays queued")
            return
    if report.sent or report.failed or report.blocked_users:
        log.info("Follow alerts: %s", report)


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


async def ingest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue's feed poll (as `python -m index.ingest`), in a worker thread, one at a
    time; a poll that indexed something is reloaded at once, which alerts followers."""
    from index.ingest import PollBusy, poll

    d = deps(context)
    if d.ingest_lock.locked():
        log.info("Feed poll still running; this turn is skipped")
        return
    async with d.ingest_lock:
        try:
            report = await asyncio.to_thread(
                poll, d.settings, embedder=getattr(d.answerer, "embedder", None))
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
    app.bot_data["deps"].tasks.append(task)


async def post_init(app: Application) -> None:
    """Commands menu, periodic reload (no JobQueue needed) and SIGHUP reload."""
    d: BotDeps = app.bot_data["deps"]
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
        app.job_queue.run_repeating(ingest_job, interval=d.settings.ingest_interval,
                                    first=d.settings.ingest_interval, name="feed poll")


async def post_stop(app: Application) -> None:
    d: BotDeps = app.bot_data["deps"]
    if d.handle_sighup and hasattr(signal, "SIGHUP"):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    for task in d.tasks:
        task.cancel()
    await asyncio.gather(*d.tasks, return_exceptions=True)
    d.tasks.clear()


async def post_shutdown(app: Application) -> None:
    d: BotDeps = app.bot_data["deps"]
    d.executor.shutdown(wait=False, cancel_futures=True)
    if d.follows is not None:
        d.follows.close()


# --- wiring --------------------------------------------------------------------------------------


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
    d = BotDeps(
        settings=settings,
        answerer=answerer,
        limiter=RateLimiter(settings.rate_limit),
        pages=PageStore(),
        executor=ThreadPoolExecutor(settings.answer_workers, thread_name_prefix="answer"),
        handle_sighup=handle_sighup,
        follows=follows,
    )
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
            Defaults(
                parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
        .concurrent_updates(settings.concurrent_updates)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.bot_data["deps"] = d
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
    await app.updater.start_polling(
        poll_interval=0.0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
    )
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
