"""The Telegram front end, by concern:

    redact      the token never reaches the logs
    retry       `RetryingRequest`: 429 `retry_after` waited out, 5xx and timeouts retried
    limit       the per-user question rate limit
    context     `BotData`, what handlers share, as PTB's typed `bot_data`; the answer thread pool
    addressing  is a group message meant for the bot?
    handlers    one function per command or kind of update
    delivery    rendered HTML with a plain fallback, "typing…", the More button, follow alerts
    jobs        index reloads, follow alerts after each new generation, the JobQueue feed poll
    app         `build_application`: the one place it is wired; `polling`, `run`

The answerer does blocking CPU work (embedding + search), so it runs in a bounded thread pool and
the event loop stays free: with `concurrent_updates` a slow question never holds up the others.
Answer and follow logic live outside this package and never import Telegram.
"""

from bot.telegram.app import ALLOWED_UPDATES, build_application, polling, run
from bot.telegram.context import AnswererLike, BotData
from bot.telegram.handlers import APOLOGY, EXAMPLES, REFUSAL
from bot.telegram.limit import RateLimiter
from bot.telegram.redact import install_log_redaction, redact
from bot.telegram.retry import RetryingRequest

__all__ = [
    "ALLOWED_UPDATES",
    "APOLOGY",
    "EXAMPLES",
    "REFUSAL",
    "AnswererLike",
    "BotData",
    "RateLimiter",
    "RetryingRequest",
    "build_application",
    "install_log_redaction",
    "polling",
    "redact",
    "run",
]
