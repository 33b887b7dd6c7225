"""Sending that survives 429, 5xx and flaky networks, for every Bot API call alike."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)


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
                    log.warning("%s: 429, retry_after %ss (retry %d)", _method(url), wait, attempt + 1)
                elif 500 <= code < 600 and not last:
                    delay = min(self.backoff * 2**attempt, 30.0)
                    log.warning("%s: HTTP %d; retry %d in %.1fs", _method(url), code, attempt + 1, delay)
                else:
                    return code, payload
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")
