"""Settings of the Telegram front end: the index and ingestion settings plus token, access
lists and limits.

Read from the environment and `.env` like `IndexSettings`, and checked once at start-up so that a
typo in `.env` fails with a clear message instead of a silent misbehaving bot.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import NoDecode

from index.ingest.settings import IngestSettings

TELEGRAM_API = "https://api.telegram.org/bot"
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

IdList = Annotated[list[int], NoDecode]


class BotSettings(IngestSettings):
    """Everything `python -m bot` needs. Empty ALLOWED_IDS means everyone may ask."""

    telegram_bot_token: SecretStr | None = Field(
        None,
        description="Token from @BotFather. Without it `python -m bot` opens a terminal prompt.",
    )
    telegram_base_url: str = Field(
        TELEGRAM_API, description="Bot API base URL; the token is appended (local Bot API servers)."
    )
    allowed_ids: IdList = Field(
        default_factory=list,
        description="User or chat ids that may use the bot, comma separated. Empty: everyone.",
    )
    admin_ids: IdList = Field(
        default_factory=list, description="User ids allowed to /reload (always allowed to ask)."
    )
    rate_limit: int = Field(
        10, ge=0, description="Questions per minute per user; 0 turns the limit off."
    )
    answer_k: int = Field(5, ge=1, le=50, description="Quotes asked of the index per question.")
    answer_workers: int = Field(
        4, ge=1, le=64, description="Threads answering at once; more questions wait their turn."
    )
    concurrent_updates: int = Field(
        64, ge=1, le=256, description="Updates handled at once; the rest wait in order."
    )
    connection_pool_size: int = Field(
        8,
        ge=1,
        le=256,
        description="HTTP connections to the Bot API. httpx gets slower, not faster, with many "
        "concurrent connections: 8 measured ~4x the throughput of 36 here.",
    )
    reload_interval: float = Field(
        60.0, ge=0, description="Seconds between checks for a rebuilt index; 0 turns it off."
    )
    send_retries: int = Field(
        5, ge=0, le=20, description="Retries of a Bot API call after 429, 5xx or a network error."
    )
    max_retry_after: float = Field(
        60.0, ge=0, description="Longest 429 retry_after the bot waits out before giving up."
    )
    follows_db: Path | None = Field(
        None, description="SQLite file of follows and quotes already alerted on; default "
        "follows.sqlite beside INDEX_DIR.")
    alerts_per_day: int = Field(
        10, ge=1, le=1000, description="Follow alerts sent to one user per UTC day at most.")
    webhook_url: str | None = Field(
        None, description="Public https URL Telegram posts updates to; unset means long polling."
    )
    webhook_listen: str = Field("127.0.0.1", description="Address the webhook server binds.")
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_secret_token: SecretStr | None = Field(
        None, description="Checked on every webhook request (X-Telegram-Bot-Api-Secret-Token)."
    )

    @field_validator("allowed_ids", "admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        """Accept `1,2,3`, `1 2 3` and JSON `[1, 2]` so `.env` stays easy to write."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                text = text.strip("[]")
            parts = [p for p in re.split(r"[\s,]+", text) if p]
            try:
                return [int(p) for p in parts]
            except ValueError:
                raise ValueError(
                    f"expected integer ids separated by commas, got {value!r}"
                ) from None
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: Any) -> Any:
        """`TELEGRAM_BOT_TOKEN=` in `.env` means "no token", not an invalid one."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.match(value.get_secret_value().strip()):
            # Never echo the value: it is a secret even when malformed.
            raise ValueError("does not look like a bot token ('123456:ABC-DEF...' from @BotFather)")
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("telegram_base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
            raise ValueError(f"must be an http(s) URL like {TELEGRAM_API!r}, got {value!r}")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        if value is not None and urlsplit(value).scheme != "https":
            raise ValueError("Telegram only delivers webhooks to https:// URLs")
        return value

    @field_validator("webhook_secret_token")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_RE.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_token(self) -> BotSettings:
        if self.webhook_url and self.telegram_bot_token is None:
            raise ValueError("WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is not")
        return self

    @property
    def token(self) -> str | None:
        """The plain token, for the one place that talks to Telegram."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def follows_path(self) -> Path:
        return self.follows_db or self.index_dir.parent / "follows.sqlite"

    def may_use(self, user_id: int | None, chat_id: int | None) -> bool:
        """ALLOWED_IDS lists users or whole chats; admins are always allowed."""
        if not self.allowed_ids:
            return True
        allowed = set(self.allowed_ids) | set(self.admin_ids)
        return user_id in allowed or chat_id in allowed

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids


def describe_errors(error: ValidationError) -> str:
    """One line per bad setting, named as in `.env`, without echoing secret values."""
    lines = []
    for item in error.errors():
        name = ".".join(str(p) for p in item["loc"]).upper() or "settings"
        lines.append(f"  {name}: {item['msg']}")
    return "Invalid settings (environment or .env):\n" + "\n".join(lines)
