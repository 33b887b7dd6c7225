"""Secrets never reach the logs: the token is redacted from every record, whichever handler."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


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
