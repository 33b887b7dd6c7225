"""The real python-telegram-bot Application against the fake Bot API on 127.0.0.1.

Every wait is bounded; the fake refuses HTML Telegram would refuse, so `api.rejected` staying
empty means every reply was well-formed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading

import aiohttp
import pytest

from bot.render import render_answer
from bot.telegram import APOLOGY, REFUSAL, build_application, run
from tests.bot.conftest import TOKEN, FakeAnswerer, long_answer, make_settings, running_bot
from tests.bot.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.timeout(60)


async def quiet(seconds: float = 0.4) -> None:
    """Give the bot time to (wrongly) send something before asserting it did not."""
    await asyncio.sleep(seconds)


async def test_question_gets_cited_answer(api: FakeBotApi) -> None:
    answerer = FakeAnswerer(delay=0.5)  # slow enough for a typing indicator
    async with running_bot(api, answerer):
        api.push_message(1, "who said what about Idlib?")
        [sent] = await api.wait_sent(1)
        assert "<blockquote>" in sent.html
        assert (
            "— Syrian army <b>pushes</b> into Idlib & beyond, Press <TV>, 25 Feb 2020" in sent.text
        )
        assert '<a href="https://example.org/news?id=1&amp;lang=&lt;en&gt;">' in sent.html
        assert "Monday = 24 Feb 2020" in sent.text
        assert api.calls_of("sendChatAction"), "no typing indicator"
        assert sent.reply_to is None  # private chats: no quoting
        api.push_message(1, "and Turkey?")
        await api.wait_sent(1, 2)
    assert answerer.questions == [
        ("who said what about Idlib?", None),
        ("and Turkey?", "who said what about Idlib?"),
    ]
    assert not api.rejected


async def test_commands(api: FakeBotApi) -> None:
    async with running_bot(api):
        api.push_message(1, "/start")
        api.push_message(2, "/help")
        api.push_message(3, "/sources")
        api.push_message(4, "a question about nothing")
        start, help_, sources, none = [(await api.wait_sent(c))[0].text for c in (1, 2, 3, 4)]
    assert "3 articles from 3 sources, 25 Feb 2020 to 1 Mar 2020" in start
    assert start.count("• ") == 3
    assert "/ask" in help_ and "/sources" in help_
    assert "Press <TV>" in sources and "built 25 Nov 2026 12:00 UTC" in sources
    assert none == "Nothing on <that> & this in the articles."
    assert {c.method for c in api.calls} >= {
        "getMe",
        "setMyCommands",
        "deleteWebhook",
        "getUpdates",
    }
    assert not api.rejected


async def test_slow_question_does_not_hold_up_others(api: FakeBotApi) -> None:
    async with running_bot(api, FakeAnswerer(), answer_workers=2):
        api.push_message(1, "a slow question")
        await api.wait_for(lambda: api.calls_of("sendChatAction"), 5, "typing for the slow one")
        api.push_message(2, "/help")
        api.push_message(3, "who said what about Idlib?")
        await api.wait_sent(2, timeout=1.5)
        await api.wait_sent(3, timeout=1.5)
        assert api.sent_to(1) == []  # still working on it
        await api.wait_sent(1, timeout=10)


HOSTILE_INPUTS = [
    "",
    "   ",
    "x" * 4000,
    "<b>",
    "&",
    "</blockquote>",
    "🇹🇷🔥👍🏽",
    "\u200fمرحبا بالعالم من إدلب",
    "/start <b>&junk</blockquote>",
    "/sources ;;; DROP TABLE articles; --",
    "/help </a><a href='javascript:x'>",
    "/ask",
    "/ask <b>&</blockquote> 🇹🇷",
    "/reload junk",
    "/nonsense args",
    "/ask@newsroom_test_bot",
    None,  # a sticker
    "please boom",  # the answerer raises
    "a passage question",
    "a long question",
]


async def test_hostile_inputs_each_get_one_wellformed_reply(api: FakeBotApi) -> None:
    answerer = FakeAnswerer()
    async with running_bot(api, answerer):
        for user, text in enumerate(HOSTILE_INPUTS, start=100):
            api.push_message(user, text)
        for user in range(100, 100 + len(HOSTILE_INPUTS)):
            await api.wait_sent(user)
        await quiet()
        # and it goes on answering
        api.push_message(1, "who said what about Idlib?")
        await api.wait_sent(1)
    assert not api.rejected, api.rejected
    for user, text in enumerate(HOSTILE_INPUTS, start=100):
        assert len(api.sent_to(user)) == 1, (text, [s.text for s in api.sent_to(user)])
    replies = {
        text: api.sent_to(user)[0].text for user, text in enumerate(HOSTILE_INPUTS, start=100)
    }
    assert replies["please boom"] == APOLOGY
    assert replies["/reload junk"] == "Only admins can reload the index."
    assert replies["/ask"].startswith("Ask me something")
    assert "don't know that command" in replies["/nonsense args"]
    assert "as text" in replies[None]
    assert "closest passages" in replies["a passage question"]
    asked = [q for q, _ in answerer.questions]
    assert "x" * 1000 in asked  # long messages are cut, not refused
    assert "<b>&</blockquote> 🇹🇷" in asked


async def test_burst_500_messages_50_users_answered_exactly_once(api: FakeBotApi) -> None:
    answerer = FakeAnswerer(delay=0.002)
    async with running_bot(api, answerer, rate_limit=0, answer_workers=8):
        for i in range(10):
            for user in range(1, 51):
                api.push_message(user, f"who said what [{user}:{i}]")
        await api.wait_for(lambda: len(api.sent) >= 500, timeout=45, what="500 answers")
        await quiet(0.5)
    assert len(api.sent) == 500
    assert not api.rejected
    for user in range(1, 51):
        texts = [s.text for s in api.sent_to(user)]
        for i in range(10):
            assert sum(f"[{user}:{i}]" in t for t in texts) == 1, (user, i)


async def test_429_and_502_still_deliver(api: FakeBotApi) -> None:
    async with running_bot(api):
        api.fail_next("sendMessage", 2, status=429, retry_after=1)
        api.push_message(1, "who said what about Idlib?")
        await api.wait_sent(1, timeout=15)
        api.fail_next("sendMessage", 2, status=502)
        api.fail_next("sendChatAction", 1, status=502)
        api.push_message(2, "who said what about Idlib?")
        await api.wait_sent(2, timeout=15)
        api.fail_next("getUpdates", 1, status=502)
        api.push_message(3, "and after a failed poll?")
        await api.wait_sent(3, timeout=15)
        await quiet()
    assert len(api.sent) == 3
    assert len(api.calls_of("sendMessage")) == 7  # 3 delivered + 4 refused attempts
    retried = api.calls_of("sendMessage")
    assert retried[2].at - retried[1].at >= 0.9  # retry_after honoured


async def test_index_swap_during_traffic(api: FakeBotApi) -> None:
    answerer = FakeAnswerer(delay=0.01)
    async with running_bot(api, answerer, reload_interval=0.1, admin_ids=[77]):
        for i in range(40):
            api.push_message(1 + i % 10, f"q [{i}]")
        answerer.stage(2)  # a rebuilt index appears while questions are in flight
        await api.wait_for(lambda: answerer.version == 2, 5, "periodic reload")
        for i in range(40, 80):
            api.push_message(1 + i % 10, f"q [{i}]")
        await api.wait_for(lambda: len(api.sent) >= 80, 20, "80 answers")
        answerer.stage(3)
        api.push_message(77, "/reload")
        reply = (await api.wait_sent(77))[0].text
        await api.wait_for(lambda: answerer.version == 3, 5)
        api.push_message(77, "/reload")
        await api.wait_sent(77, 2)
    assert reply in (
        "Index reloaded: 3 articles.",
        "The index has not changed.",
    )  # the timer may win
    assert api.sent_to(77)[1].text == "The index has not changed."
    texts = [s.text for s in api.sent if s.chat_id != 77]
    assert len(texts) == 80 and APOLOGY not in texts
    assert any("index v1" in t for t in texts) and any("index v2" in t for t in texts)
    assert all(sum(f"[{i}]" in t for t in texts) == 1 for i in range(80))
    assert answerer.reloads == 2


async def test_sighup_reloads(api: FakeBotApi) -> None:
    answerer = FakeAnswerer()
    async with running_bot(api, answerer, handle_sighup=True):
        answerer.stage(5)
        os.kill(os.getpid(), signal.SIGHUP)
        await api.wait_for(lambda: answerer.version == 5, 5, "SIGHUP reload")


async def test_allowlist(api: FakeBotApi) -> None:
    answerer = FakeAnswerer()
    async with running_bot(api, answerer, allowed_ids=[1, -500], admin_ids=[2]):
        api.push_message(3, "who said what about Idlib?")
        api.push_message(4, "/start")
        api.push_message(3, "ignored chatter", chat_id=-600, chat_type="group")
        api.push_message(3, "@newsroom_test_bot who said?", chat_id=-600, chat_type="group")
        api.push_message(3, "who said what? @newsroom_test_bot", chat_id=-500, chat_type="group")
        api.push_message(1, "who said what about Idlib?")
        api.push_message(2, "who said what about Idlib?")
        for chat in (3, 4, -600, -500, 1, 2):
            await api.wait_sent(chat)
        await quiet()
    assert [s.text for s in api.sent_to(3)] == [REFUSAL]
    assert [s.text for s in api.sent_to(4)] == [REFUSAL]
    assert [s.text for s in api.sent_to(-600)] == [REFUSAL]  # once, only for the mention
    assert "<blockquote>" in api.sent_to(-500)[0].html  # an allowed group
    assert len(answerer.questions) == 3  # nothing from the corpus for refused users


async def test_more_button_pages(api: FakeBotApi) -> None:
    expected = render_answer(long_answer("a long question"))
    async with running_bot(api):
        api.push_message(1, "a long question")
        await api.wait_sent(1)
        for n in range(1, len(expected)):
            last = api.sent_to(1)[-1]
            [data] = last.callback_data
            api.push_callback(1, last, data)
            await api.wait_sent(1, n + 1)
            await api.wait_for(lambda last=last: last.reply_markup is None, 5, "button removed")
        assert api.sent_to(1)[-1].callback_data == []
        # a second press of an old button sends nothing more
        api.push_callback(1, api.sent_to(1)[0], f"more:{data.split(':')[1]}:1")
        api.push_callback(2, api.sent_to(1)[0], "garbage")
        await quiet()
    assert [s.html for s in api.sent_to(1)] == expected
    assert len(api.calls_of("answerCallbackQuery")) == len(expected) + 1
    notes = [c.params.get("text", "") for c in api.calls_of("answerCallbackQuery")]
    assert sum("already shown" in n for n in notes) == 1  # the double press
    assert not api.rejected


async def test_group_chat(api: FakeBotApi) -> None:
    answerer = FakeAnswerer()
    group = -1001
    async with running_bot(api, answerer):
        api.push_message(5, "who said what about Idlib?", chat_id=group, chat_type="supergroup")
        await quiet()
        assert api.sent_to(group) == []
        msg = api.push_message(
            5,
            "@newsroom_test_bot who said what about Idlib?",
            chat_id=group,
            chat_type="supergroup",
        )
        [first] = await api.wait_sent(group)
        assert first.reply_to == msg["message_id"]
        api.push_message(
            6, "and Turkey?", chat_id=group, chat_type="supergroup", reply_to=first.message
        )
        api.push_message(
            6, "/ask@newsroom_test_bot refugees", chat_id=group, chat_type="supergroup"
        )
        api.push_message(6, "/ask ceasefire", chat_id=group, chat_type="supergroup")
        api.push_message(6, "/ask@other_bot not for me", chat_id=group, chat_type="supergroup")
        api.push_message(6, "/unknown", chat_id=group, chat_type="supergroup")
        await api.wait_sent(group, 4)
        await quiet()
    assert len(api.sent_to(group)) == 4
    asked = [q for q, _ in answerer.questions]
    # updates run concurrently, so order is not fixed; mentions are stripped from questions
    assert sorted(asked) == sorted(
        ["who said what about Idlib?", "and Turkey?", "refugees", "ceasefire"]
    )


async def test_token_never_logged(api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(api):
        caplog.set_level(logging.DEBUG, logger="httpx")  # the bot lowers it; make it talk anyway
        api.fail_next("sendMessage", 1, status=502)
        api.push_message(1, "please boom")
        api.push_message(2, "who said what about Idlib?")
        await api.wait_sent(1)
        await api.wait_sent(2)
        logging.getLogger("test").warning("someone logs the URL %s", f"{api.base_url}{TOKEN}/getMe")
    assert TOKEN not in caplog.text
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert "<redacted>" in caplog.text  # httpx request lines were there, redacted
    assert any("failed" in r.getMessage() and "Update" in r.getMessage() for r in caplog.records)
    assert "answerer exploded" in caplog.text  # the traceback is kept


async def test_rate_limit_is_polite(api: FakeBotApi) -> None:
    answerer = FakeAnswerer()
    async with running_bot(api, answerer, rate_limit=2):
        for i in range(4):
            api.push_message(1, f"question [{i}]")
        await api.wait_sent(1, 4)
        api.push_message(2, "another user is not affected")
        await api.wait_sent(2)
    texts = [s.text for s in api.sent_to(1)]
    assert sum("faster than I can read" in t for t in texts) == 2
    assert len(answerer.questions) == 3


async def test_webhook_mode(api: FakeBotApi) -> None:
    """WEBHOOK_URL set: `run` registers the webhook and answers updates Telegram posts to it,
    only with the right secret token."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = make_settings(
        api,
        webhook_url="https://bot.example.org/telegram/hook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret_token="s3cret-token",
    )
    app = build_application(settings, FakeAnswerer())
    loop = asyncio.new_event_loop()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        run(app, settings, stop_signals=None, close_loop=False)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        await api.wait_for(lambda: api.calls_of("setWebhook"), 10, "setWebhook")
        [call] = api.calls_of("setWebhook")
        assert call.params["url"] == "https://bot.example.org/telegram/hook"
        assert call.params["secret_token"] == "s3cret-token"
        message = api.push_message(1, "who said what about Idlib?")  # registers the chat
        update = {"update_id": 1, "message": message}
        hook = f"http://127.0.0.1:{port}/telegram/hook"
        async with aiohttp.ClientSession() as http:
            for _ in range(50):  # the server thread may still be binding
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    async with http.post(
                        hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
                    ) as r:
                        assert r.status == 403
                        break
                await asyncio.sleep(0.1)
            async with http.post(
                hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            ) as r:
                assert r.status == 200
        [sent] = await api.wait_sent(1)
        assert "<blockquote>" in sent.html
        assert not api.calls_of("getUpdates")
    finally:
        loop.call_soon_threadsafe(app.stop_running)
        await asyncio.to_thread(thread.join, 15)
        loop.close()
    assert not thread.is_alive()
