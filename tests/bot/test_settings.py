"""Settings fail early, clearly, and without echoing the token."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import TELEGRAM_API, BotSettings, describe_errors


def test_defaults_and_id_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_IDS", "1, 2 3")
    monkeypatch.setenv("ADMIN_IDS", "[42]")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    s = BotSettings(_env_file=None)
    assert s.allowed_ids == [1, 2, 3] and s.admin_ids == [42]
    assert s.token is None and s.telegram_base_url == TELEGRAM_API
    assert s.may_use(42, None) and s.may_use(None, 2) and not s.may_use(7, 7)
    assert s.is_admin(42) and not s.is_admin(1)
    assert BotSettings(_env_file=None, allowed_ids=[]).may_use(7, 7)


def test_bad_values_fail_with_named_settings_and_no_secret() -> None:
    secret = "not a token but secret-ish 12345"
    with pytest.raises(ValidationError) as err:
        BotSettings(
            _env_file=None,
            telegram_bot_token=secret,
            webhook_url="http://example.org/hook",
            webhook_secret_token="bad secret!",
            rate_limit=-1,
            allowed_ids="1,two",
        )
    text = describe_errors(err.value)
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET_TOKEN",
        "RATE_LIMIT",
        "ALLOWED_IDS",
    ):
        assert name in text
    assert secret not in text


def test_webhook_needs_token() -> None:
    with pytest.raises(ValidationError, match="TELEGRAM_BOT_TOKEN"):
        BotSettings(_env_file=None, telegram_bot_token=None, webhook_url="https://example.org/hook")
