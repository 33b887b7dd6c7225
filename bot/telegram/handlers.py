"""The handlers, one function each; wired in `bot.telegram.app` only."""

from __future__ import annotations

import contextlib
import logging
import math
from typing import Any

from telegram import (
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.follow.matching import classify
from bot.follow.store import FollowError
from bot.render import (
    esc,
    parse_more,
    render_answer,
    render_help,
    render_sources,
    render_start,
)
from bot.telegram.addressing import is_addressed, mentions_bot, replies_to_bot, strip_mention
from bot.telegram.context import Context, in_thread
from bot.telegram.delivery import more_button, send_html, typing
from bot.telegram.jobs import reload_index

log = logging.getLogger(__name__)


EXAMPLES = [
    "Who said what about Idlib?",
    "What did Lavrov say about a ceasefire?",
    "Who spoke about displaced civilians?",
]
MAX_QUESTION = 1000  # characters passed to the answerer; longer messages are cut
REFUSAL = "Sorry, this bot is private."
APOLOGY = "Sorry, something went wrong while answering. Please try again in a moment."


async def gate(update: Update, context: Context) -> None:
    """Runs before every handler: users not in ALLOWED_IDS get one refusal line, nothing more."""
    d = context.bot_data
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


async def start(update: Update, context: Context) -> None:
    """What the bot does, what it knows, three questions to try."""
    d = context.bot_data
    info = await in_thread(d, d.answerer.corpus_info)
    await update.effective_message.reply_text(render_start(info, EXAMPLES))


async def help_command(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(render_help())


async def sources(update: Update, context: Context) -> None:
    """Counts, sources, date range and build time, so users know what the answers rest on."""
    d = context.bot_data
    info = await in_thread(d, d.answerer.corpus_info)
    await update.effective_message.reply_text(render_sources(info))


async def reload_command(update: Update, context: Context) -> None:
    """Admins pick up a rebuilt index without restarting the bot."""
    d = context.bot_data
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


async def _follows_or_say(update: Update, context: Context) -> Any:
    """The follow store, or None after telling the user following is off on this bot."""
    follows = context.bot_data.follows
    if follows is None:
        await update.effective_message.reply_text("Following is not available on this bot.")
    return follows


def _user_id(update: Update) -> int:
    message = update.effective_message
    return update.effective_user.id if update.effective_user else message.chat.id


async def follow_command(update: Update, context: Context) -> None:
    """/follow <person or topic>: new quotes that match are sent as they are indexed."""
    d = context.bot_data
    message = update.effective_message
    phrase = _argument(message)
    if await _follows_or_say(update, context) is None:
        return
    if not phrase:
        await message.reply_text(
            "Tell me whom or what to follow, e.g. "
            "<code>/follow Lavrov</code> or <code>/follow grain exports</code>"
        )
        return
    answerer: Any = d.answerer
    kind = await in_thread(d, classify, answerer.index, answerer.embedder, phrase)
    user_id = _user_id(update)
    try:
        follow = await in_thread(d, d.follows.add, user_id, message.chat.id, phrase, kind)
    except FollowError as exc:
        await message.reply_text(esc(str(exc)))
        return
    what = "the person or organisation" if kind == "person" else "the topic"
    await message.reply_text(
        f"Following {what} <b>{esc(follow.phrase)}</b>. When new articles quote them, I send "
        f"the new quotes here, at most {d.settings.alerts_per_day} messages a day. "
        "/following lists what you follow."
    )


async def unfollow_command(update: Update, context: Context) -> None:
    d = context.bot_data
    message = update.effective_message
    phrase = _argument(message)
    if await _follows_or_say(update, context) is None:
        return
    if phrase and await in_thread(d, d.follows.remove, _user_id(update), phrase):
        await message.reply_text(f"You no longer follow <b>{esc(phrase)}</b>.")
    else:
        await message.reply_text(
            "You do not follow that. /following lists what you follow; <code>/unfollow name</code> stops one."
        )


async def following_command(update: Update, context: Context) -> None:
    d = context.bot_data
    message = update.effective_message
    if await _follows_or_say(update, context) is None:
        return
    follows = await in_thread(d, d.follows.of_user, _user_id(update))
    if not follows:
        await message.reply_text(
            "You follow nobody yet. <code>/follow Lavrov</code> or <code>/follow grain exports</code> starts."
        )
        return
    lines = [f"• <b>{esc(f.phrase)}</b> ({'person' if f.kind == 'person' else 'topic'})" for f in follows]
    await message.reply_text(
        f"You follow ({len(follows)} of {d.follows.max_follows}):\n"
        + "\n".join(lines)
        + "\n\n<code>/unfollow name</code> stops one."
    )


def _argument(message: Message) -> str:
    parts = (message.text or "").split(maxsplit=1)
    return " ".join(parts[1].split()) if len(parts) > 1 else ""


async def ask_command(update: Update, context: Context) -> None:
    """/ask <question>: the one way to ask in a group without mentioning the bot."""
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=1)
    await answer_question(update, context, parts[1] if len(parts) > 1 else "")


async def on_text(update: Update, context: Context) -> None:
    """Plain text: a question in private chats; in groups only when mentioned or replied to."""
    message = update.effective_message
    text = message.text or ""
    if message.chat.type != ChatType.PRIVATE:
        if not (mentions_bot(message, context.bot.username) or replies_to_bot(message, context.bot.id)):
            return
        text = strip_mention(text, context.bot.username)
    await answer_question(update, context, text)


async def unknown_command(update: Update, context: Context) -> None:
    await update.effective_message.reply_text("I don't know that command. /help lists mine.")


async def non_text(update: Update, context: Context) -> None:
    await update.effective_message.reply_text("Please send your question as text.")


async def more(update: Update, context: Context) -> None:
    """The "More" button: send the next page once, and take the button off the previous one."""
    d = context.bot_data
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


async def stale_button(update: Update, context: Context) -> None:
    await update.callback_query.answer()


async def on_error(update: object, context: Context) -> None:
    """Log with the update id; the user gets a short apology instead of silence."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("Update %s failed: %r", update_id, context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, APOLOGY)


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Rate-limit, ask in a worker thread while "typing", send page one with a More button."""
    d = context.bot_data
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
