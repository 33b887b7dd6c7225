"""Addressing in groups: is a message meant for the bot?"""

from __future__ import annotations

import logging
import re

from telegram import (
    Message,
    MessageEntity,
)
from telegram.constants import ChatType

log = logging.getLogger(__name__)


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
