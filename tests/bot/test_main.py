"""`python -m bot` picks the front end from the settings, and fails early on bad ones."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

import bot.__main__ as entry
import bot.telegram
from tests.bot.conftest import TOKEN, FakeAnswerer


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "ALLOWED_IDS", "ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)


def test_bad_settings_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "oops")
    assert entry.main() == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err and "oops" not in err


def test_no_token_opens_terminal_prompt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    called: list[Any] = []
    fake = types.ModuleType("bot.ask")
    fake.repl = called.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.ask", fake)
    assert entry.main() == 0
    assert len(called) == 1
    assert ".env" in capsys.readouterr().err


def test_token_starts_the_bot(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("FOLLOWS_DB", str(tmp_path / "follows.sqlite"))
    fake = types.ModuleType("bot.answer")
    fake.Answerer = types.SimpleNamespace(open=lambda settings: FakeAnswerer())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.answer", fake)
    ran: list[Any] = []
    monkeypatch.setattr(bot.telegram, "run", lambda app, settings: ran.append((app, settings)))
    assert entry.main() == 0
    [(app, settings)] = ran
    assert app.bot.token == TOKEN and settings.webhook_url is None
    assert app.bot_data.handle_sighup  # typed bot_data (ContextTypes), not a dict
    assert app.bot_data.follows is not None and (tmp_path / "follows.sqlite").exists()
    app.bot_data.follows.close()
