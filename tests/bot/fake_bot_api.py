"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and the load benchmark.

It speaks the real wire format (`POST /bot<TOKEN>/<method>`, form-encoded bodies with JSON-encoded
non-string values, or JSON bodies; `{"ok": true, "result": ...}` replies) so the real
python-telegram-bot `Application` runs against it unchanged. It is strict where Telegram is
strict: HTML that Telegram's parser would refuse, text over 4096 characters after parsing and
oversized `callback_data` get the same 400 replies. Tests push updates in, wait (bounded) for
what the bot sent, and can inject 429s and 5xx faults.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from aiohttp import web

MAX_TEXT = 4096
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "blockquote", "span", "tg-spoiler", "tg-emoji",
}  # fmt: skip
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}
STRING_FIELDS = {"text", "callback_query_id", "action", "parse_mode", "url", "secret_token"}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)\s*>")
_ATTR_RE = re.compile(r"""([a-zA-Z][\w-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")


class ParseError(ValueError):
    pass


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _unescape_checked(text: str) -> str:
    """Text between tags: every `&` starts a supported entity, no bare `<` or `>`."""
    for m in re.finditer(r"[<>]", text):
        raise ParseError(f"Unexpected character {m.group()!r} at offset {m.start()}")
    pos = 0
    while (amp := text.find("&", pos)) != -1:
        m = _ENTITY_RE.match(text, amp)
        if not m or (not m.group(1).startswith("#") and m.group(1) not in NAMED_ENTITIES):
            raise ParseError(f"Character '&' is reserved and must be escaped at offset {amp}")
        pos = m.end()
    return unescape(text)


def parse_html(text: str) -> str:
    """Telegram's HTML parse mode: the visible text, or ParseError with Telegram-like wording."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        lt = text.find("<", pos)
        chunk = text[pos:] if lt == -1 else text[pos:lt]
        out.append(_unescape_checked(chunk))
        if lt == -1:
            break
        m = _TAG_RE.match(text, lt)
        if not m:
            raise ParseError(f"Unclosed start tag at byte offset {lt}")
        closing, name, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3) or ""
        if closing:
            if not stack or stack[-1] != name:
                raise ParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
            stack.pop()
        else:
            if name not in ALLOWED_TAGS:
                raise ParseError(f'Unsupported start tag "{name}" at byte offset {lt}')
            found = {
                a.lower(): _unescape_checked((v or "").strip("\"'"))
                for a, v in _ATTR_RE.findall(attrs)
            }
            if name == "span" and found.get("class") != "tg-spoiler":
                raise ParseError('Tag "span" must have class "tg-spoiler"')
            if name == "tg-emoji" and "emoji-id" not in found:
                raise ParseError('Tag "tg-emoji" must have attribute "emoji-id"')
            if name == "a" and "href" in found and not found["href"]:
                raise ParseError("Wrong HTTP URL")
            if name == "blockquote" and "blockquote" in stack:
                raise ParseError("Blockquote entities can't be nested")
            stack.append(name)
        pos = m.end()
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class Sent:
    """A message the bot sent: raw HTML as posted, the visible text, markup and reply target."""

    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: dict | None
    reply_to: int | None
    at: float
    message: dict = field(repr=False)

    @property
    def callback_data(self) -> list[str]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


class FakeBotApi:
    """The server plus the knobs tests need. Use `async with FakeBotApi(token) as api`."""

    def __init__(
        self,
        token: str,
        *,
        bot_id: int = 999,
        username: str = "newsroom_test_bot",
        poll_cap: float = 1.0,
    ) -> None:
        self.token = token
        self.bot = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Newsroom",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.poll_cap = poll_cap
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.rejected: list[tuple[str, str]] = []  # (method, description)
        self.blocked: set[int] = set()  # chats whose user blocked the bot: 403 on sending
        self.pushed_at: dict[int, float] = {}  # update_id -> when it became available
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._chats: dict[int, dict] = {}
        self._messages: dict[tuple[int, int], dict] = {}
        self._faults: dict[str, deque[tuple[int, float]]] = defaultdict(deque)
        self._changed = asyncio.Event()
        self._activity = asyncio.Event()  # replaced after each set: wakes every current waiter
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- test knobs --------------------------------------------------------------------------

    def fail_next(self, method: str, n: int = 1, status: int = 429, retry_after: float = 1) -> None:
        """The next `n` calls of `method` fail: 429 with `retry_after`, or any other status."""
        for _ in range(n):
            self._faults[method.lower()].append((status, retry_after))

    def user(self, user_id: int) -> dict:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User {user_id}",
            "language_code": "en",
        }

    def push_message(
        self,
        user_id: int,
        text: str | None,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        reply_to: dict | None = None,
    ) -> dict:
        """Queue a message update as Telegram would deliver it; returns the message dict."""
        chat_id = user_id if chat_id is None else chat_id
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"User {user_id}"
        else:
            chat["title"] = f"Group {chat_id}"
        self._chats[chat_id] = chat
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id),
        }
        if text is not None:
            message["text"] = text
            entities = _entities(text)
            if entities:
                message["entities"] = entities
        else:
            message["sticker"] = {
                "file_id": "s1", "file_unique_id": "s1", "width": 512, "height": 512,
                "is_animated": False, "is_video": False, "type": "regular",
            }  # fmt: skip
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self._messages[(chat_id, message["message_id"])] = message
        self._push({"message": message})
        return message

    def push_callback(self, user_id: int, sent: Sent, data: str) -> int:
        """Queue a button press on a message the bot sent; returns the update id."""
        query = {
            "id": f"cb{len(self.calls)}-{user_id}",
            "from": self.user(user_id),
            "message": sent.message,
            "chat_instance": f"ci{sent.chat_id}",
            "data": data,
        }
        return self._push({"callback_query": query})

    def _push(self, body: dict) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **body})
        self.pushed_at[update_id] = time.monotonic()
        self._changed.set()
        return update_id

    def sent_to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = ""
    ) -> Any:
        """Poll `predicate` until truthy; fail the test after `timeout` seconds, never hang."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
            await asyncio.sleep(0.01)

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[Sent]:
        await self.wait_for(
            lambda: len(self.sent_to(chat_id)) >= count, timeout, f"{count} msg(s) to {chat_id}"
        )
        return self.sent_to(chat_id)

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(Call(method, params, time.monotonic()))
        try:
            return await self._dispatch(method, params)
        finally:
            self._activity.set()
            self._activity = asyncio.Event()

    async def _dispatch(self, method: str, params: dict[str, Any]) -> web.StreamResponse:
        faults = self._faults.get(method.lower())
        if faults:
            status, retry_after = faults.popleft()
            if status == 429:
                body = {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                }
                return web.json_response(body, status=429)
            return web.Response(
                status=status,
                text=f"<html><h1>{status} Bad Gateway</h1></html>",
                content_type="text/html",
            )
        handler = getattr(self, "_m_" + method.lower(), None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        try:
            result = await handler(params)
        except ApiError as exc:
            self.rejected.append((method, exc.description))
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            return web.json_response(body, status=exc.code)
        return web.json_response({"ok": True, "result": result})

    # --- methods -----------------------------------------------------------------------------

    async def _m_getme(self, p: dict) -> dict:
        return self.bot

    async def _m_deletewebhook(self, p: dict) -> bool:
        return True

    async def _m_setwebhook(self, p: dict) -> bool:
        return True

    async def _m_getwebhookinfo(self, p: dict) -> dict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _m_setmycommands(self, p: dict) -> bool:
        if not isinstance(p.get("commands"), list):
            raise ApiError(400, "Bad Request: commands must be a list")
        return True

    async def _m_close(self, p: dict) -> bool:
        return True

    async def _m_logout(self, p: dict) -> bool:
        return True

    async def _m_getupdates(self, p: dict) -> list[dict]:
        offset = int(p.get("offset") or 0)
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = min(float(p.get("timeout") or 0), self.poll_cap)
        if offset > 0:  # confirmed updates are forgotten, as on Telegram
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        deadline = time.monotonic() + timeout
        while not self._updates and (remaining := deadline - time.monotonic()) > 0:
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return self._updates[:limit]

    async def _m_sendchataction(self, p: dict) -> bool:
        self._chat(p)
        return True

    async def _m_answercallbackquery(self, p: dict) -> bool:
        if not p.get("callback_query_id"):
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        return True

    async def _m_sendmessage(self, p: dict) -> dict:
        chat = self._chat(p)
        if chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        raw = str(p.get("text", ""))
        text = self._checked_text(raw, p.get("parse_mode"))
        markup = self._checked_markup(p.get("reply_markup"))
        reply_to = p.get("reply_to_message_id")
        if isinstance(p.get("reply_parameters"), dict):
            reply_to = p["reply_parameters"].get("message_id")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[chat["id"]]),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot,
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        if reply_to is not None and (chat["id"], int(reply_to)) in self._messages:
            message["reply_to_message"] = self._messages[(chat["id"], int(reply_to))]
        self._messages[(chat["id"], message["message_id"])] = message
        self.sent.append(
            Sent(
                chat["id"],
                message["message_id"],
                raw,
                text,
                markup,
                reply_to,
                time.monotonic(),
                message,
            )
        )
        return message

    async def _m_editmessagetext(self, p: dict) -> dict:
        message = self._message(p)
        message["text"] = self._checked_text(str(p.get("text", "")), p.get("parse_mode"))
        message["edit_date"] = int(time.time())
        if "reply_markup" in p:
            message["reply_markup"] = self._checked_markup(p.get("reply_markup"))
        return message

    async def _m_editmessagereplymarkup(self, p: dict) -> dict:
        message = self._message(p)
        markup = self._checked_markup(p.get("reply_markup"))
        if markup == message.get("reply_markup") or (not markup and "reply_markup" not in message):
            raise ApiError(400, "Bad Request: message is not modified")
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        for s in self.sent:
            if (s.chat_id, s.message_id) == (message["chat"]["id"], message["message_id"]):
                s.reply_markup = markup
        return message

    # --- checks ------------------------------------------------------------------------------

    def _chat(self, p: dict) -> dict:
        try:
            chat_id = int(p["chat_id"])
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _message(self, p: dict) -> dict:
        chat = self._chat(p)
        message = self._messages.get((chat["id"], int(p.get("message_id", 0))))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _checked_text(self, raw: str, parse_mode: Any) -> str:
        if parse_mode not in (None, "", "HTML"):
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r} in this fake")
        if parse_mode == "HTML":
            try:
                text = parse_html(raw)
            except ParseError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        else:
            text = raw
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _checked_markup(self, markup: Any) -> dict | None:
        if not markup:
            return None
        if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup["inline_keyboard"]:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
        return markup


async def _params(request: web.Request) -> dict[str, Any]:
    """Form fields with JSON-encoded non-strings (what PTB posts), or a JSON body."""
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    if request.method == "GET":
        form: Any = request.query
    else:
        form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if not isinstance(value, str) or key in STRING_FIELDS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def _entities(text: str) -> list[dict]:
    """bot_command and mention entities as Telegram computes them (offsets in UTF-16 units)."""
    found = []
    m = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?", text)
    if m:
        found.append({"type": "bot_command", "offset": 0, "length": utf16_len(m.group())})
    for m in re.finditer(r"(?<![\w@])@[A-Za-z0-9_]{5,32}", text):
        found.append(
            {
                "type": "mention",
                "offset": utf16_len(text[: m.start()]),
                "length": utf16_len(m.group()),
            }
        )
    return found
