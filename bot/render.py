"""Answer -> Telegram HTML pages. Pure functions, no telegram import, so they test in isolation.

Telegram's HTML mode rejects a whole message over one stray `<` or `&`, so every string that
came from a user or an article goes through `html.escape` here and nowhere else. A message may
hold at most 4096 characters (UTF-16 code units) after parsing; pages are cut at quote or
paragraph boundaries well below that, and the first page is sent with a "More" button for the
rest (see `PageStore`).
"""

from __future__ import annotations

import html
import re
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from bot.schema import Answer, ArticleRef, CorpusInfo, DateMention, PassageItem, QuoteItem
from index.speakers import source_of

MAX_MESSAGE = 4096  # Telegram's limit after entity parsing
PAGE_BUDGET = 3800  # room left for the page footer
BLOCK_BUDGET = 3000  # one quote block (blockquote + citation) at most; longer text is cut
QUOTES_PER_PAGE = 4
MAX_QUESTION_SHOWN = 200
MAX_NAME = 200
MORE_PREFIX = "more"

NOTHING_FOUND = "I found nothing about that in the articles I know."
PASSAGES_HEADER = "<b>The articles report</b>"  # passages shown after an answer's quotes
REPORTED_LEAD = "<i>(reported, not quoted)</i>\n"  # before a sentence that reports speech


def esc(text: str | None) -> str:
    """Escape user or article text for Telegram HTML (quotes too: safe inside attributes)."""
    return html.escape(text or "", quote=True)


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); an upper bound when `text` has tags."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """Shorten plain text to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fmt_date(value: date | datetime | None) -> str:
    """25 Feb 2020: unambiguous for readers on every side of the Atlantic."""
    if value is None:
        return "?"
    return f"{value.day} {value:%b %Y}"


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links become `<a href>`; anything else is shown as plain text or dropped."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def citation(article: ArticleRef) -> str:
    """ "— Title, Source, 25 Feb 2020" with the title linked when the article has a URL."""
    title = esc(clip(article.title or "Untitled", 300))
    url = _safe_url(article.url)
    if url:
        title = f'<a href="{esc(url)}">{title}</a>'
    parts = [title]
    if article.source:
        parts.append(esc(clip(article.source, 100)))
    parts.append(fmt_date(article.date))
    return "— " + ", ".join(parts)


def date_notes(dates: Iterable[DateMention]) -> str:
    """ "Monday = 24 Feb 2020": relative days in a quote, resolved against the article's date."""
    notes = [f"{esc(clip(d.mention, 60))} = {fmt_date(d.date)}" for d in dates]
    return f"<i>{'; '.join(notes)}</i>" if notes else ""


def source_label(quote: QuoteItem) -> str:
    """The speaker's name; for a source the article only describes ("a Syrian source inside the
    camp", "the lawsuit"), that description; else "Unattributed" rather than a guess."""
    if quote.speaker:
        return quote.speaker
    if quote.speaker_role:
        return quote.speaker_role[:1].upper() + quote.speaker_role[1:]
    return "Unattributed"


def speaker_line(quote: QuoteItem) -> str:
    """Source in bold, a named speaker's role after a comma."""
    name = f"<b>{esc(clip(source_label(quote), MAX_NAME))}</b>"
    if quote.speaker and quote.speaker_role:
        return f"{name}, {esc(clip(quote.speaker_role, MAX_NAME))}"
    return name


_LEVELS = [(r"\n\s*\n", "\n\n"), (r"\n", "\n"), (r"(?<=[.!?…])\s+", " "), (r"\s+", " ")]


def split_text(text: str, limit: int) -> list[str]:
    """Cut plain text into pieces whose escaped form fits `limit`: at paragraphs, else lines,
    sentences, words, and only as a last resort inside a word. Escaping happens after cutting
    so an entity like `&amp;` is never split."""
    text = text.strip()
    out: list[str] = []
    current = ""
    for sep, atom in _atoms(text, limit, 0):
        candidate = f"{current}{sep}{atom}" if current else atom
        if tg_len(esc(candidate)) <= limit:
            current = candidate
        else:
            if current:
                out.append(current)
            current = atom
    if current:
        out.append(current)
    return out


def _atoms(text: str, limit: int, level: int) -> list[tuple[str, str]]:
    """(separator before, piece) pairs, each piece fitting `limit`, as coarse as possible."""
    if not text.strip():
        return []
    if tg_len(esc(text)) <= limit:
        return [("", text)]
    if level == len(_LEVELS):  # one enormous word: cut by length (escaping grows ≤ 6x)
        step = max(1, limit // 12)
        return [("", text[i : i + step]) for i in range(0, len(text), step)]
    pattern, sep = _LEVELS[level]
    parts = [p for p in re.split(pattern, text) if p.strip()]
    if len(parts) == 1:
        return _atoms(text, limit, level + 1)
    result: list[tuple[str, str]] = []
    for i, part in enumerate(parts):
        sub = _atoms(part.strip(), limit, level + 1)
        if sub and i:
            sub[0] = (sep, sub[0][1])
        result += sub
    return result


@dataclass(frozen=True)
class Block:
    """One unit of a page: a (piece of a) quote or passage, under an optional group header."""

    header: str | None  # speaker line: shown when it changes, repeated on a new page
    body: str
    starts_item: bool  # counts toward QUOTES_PER_PAGE


def _item_blocks(
    header: str | None, text: str, article: ArticleRef, also_in: list[ArticleRef], dates: list,
    lead: str = "",
) -> list[Block]:
    tail = [citation(article)]
    if also_in:
        others = ", ".join(
            f"{esc(clip(a.title, 80))} ({esc(clip(a.source or '', 60)) + ', ' if a.source else ''}"
            f"{fmt_date(a.date)})"
            for a in also_in[:3]
        )
        more = f" and {len(also_in) - 3} more" if len(also_in) > 3 else ""
        tail.append(f"<i>Also in: {others}{more}</i>")
    notes = date_notes(dates)
    if notes:
        tail.append(notes)
    tail_html = "\n".join(tail)
    room = BLOCK_BUDGET - tg_len(tail_html) - tg_len(lead) - len("<blockquote></blockquote>\n")
    pieces = split_text(text, max(room, 500)) or ["…"]
    blocks = []
    for i, piece in enumerate(pieces):
        body = f"{lead if i == 0 else ''}<blockquote>{esc(piece)}</blockquote>"
        if i == len(pieces) - 1:
            body += "\n" + tail_html
        else:
            body += "\n<i>(continued)</i>"
        blocks.append(Block(header=header, body=body, starts_item=i == 0))
    return blocks


def speaker_key(quote: QuoteItem) -> str:
    """What groups quotes under one header, in Telegram and the terminal alike."""
    return (source_of(quote.speaker, quote.speaker_role) or "").strip().casefold()


def group_by_speaker(quotes: list[QuoteItem]) -> list[QuoteItem]:
    """Quotes of one speaker together, speakers in order of their best (first) quote."""
    groups: OrderedDict[str, list[QuoteItem]] = OrderedDict()
    for q in quotes:
        groups.setdefault(speaker_key(q), []).append(q)
    return [q for group in groups.values() for q in group]


def answer_blocks(answer: Answer) -> list[Block]:
    """The answer's items in its reading order: a quotes answer's quotes (grouped by speaker)
    then the passages reporting around them; a passages answer's passages, then any quotes."""
    quotes: list[Block] = []
    headers: dict[str, str] = {}
    for q in group_by_speaker(answer.quotes):
        header = headers.setdefault(speaker_key(q), speaker_line(q))  # the group's first (best) quote
        lead = REPORTED_LEAD if q.form == "reported" else ""
        quotes += _item_blocks(header, q.text, q.article, q.also_in, q.dates, lead)
    if answer.kind == "quotes":
        passages: list[Block] = []
        for p in answer.passages:  # what the articles report around the quotes
            passages += _item_blocks(PASSAGES_HEADER, p.text, p.article, [], p.dates)
        return quotes + passages
    if answer.kind == "passages":
        return [b for p in answer.passages for b in _passage_blocks(p)] + quotes
    return []


def _passage_blocks(p: PassageItem) -> list[Block]:
    return _item_blocks(None, p.text, p.article, [], p.dates)


def render_answer(answer: Answer, per_page: int = QUOTES_PER_PAGE) -> list[str]:
    """All pages of an answer as HTML messages, each within Telegram's 4096-character limit.

    Page one carries the question and any note; later pages only quotes. Empty answers become
    the answer's own sentence (or a default one).
    """
    blocks = answer_blocks(answer)
    if not blocks:
        return [esc(answer.message or NOTHING_FOUND)]
    intro = [f"<i>{esc(clip(answer.question, MAX_QUESTION_SHOWN))}</i>"]
    if answer.kind == "passages":
        intro.append("The closest passages, then quotes on it:" if answer.quotes
                     else "No direct quotes on that; the closest passages:")
    if answer.message:
        intro.append(esc(clip(answer.message, 500)))
    pages: list[list[str]] = []
    current: list[str] = ["\n".join(intro)]
    items_on_page = blocks_on_page = 0
    last_header: str | None = None
    for block in blocks:
        header = block.header if block.header != last_header else None
        chunk = f"{header}\n{block.body}" if header else block.body
        size = sum(tg_len(p) + 2 for p in current)
        too_many = block.starts_item and items_on_page >= per_page
        if blocks_on_page and (too_many or size + tg_len(chunk) > PAGE_BUDGET):
            pages.append(current)
            current, items_on_page, blocks_on_page = [], 0, 0
            header = block.header  # a new page repeats the speaker
            chunk = f"{header}\n{block.body}" if header else block.body
        current.append(chunk)
        last_header = block.header
        items_on_page += block.starts_item
        blocks_on_page += 1
    if current:
        pages.append(current)
    total = len(pages)
    out = []
    for n, parts in enumerate(pages, 1):
        text = "\n\n".join(parts)
        if total > 1:
            text += f"\n\n<i>Page {n} of {total}</i>"
        out.append(text)
    return out


def strip_tags(html_text: str) -> str:
    """Plain-text fallback of a rendered page, for when Telegram refuses the HTML anyway."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def corpus_lines(info: CorpusInfo) -> str:
    span = f"{fmt_date(info.first_date)} to {fmt_date(info.last_date)}"
    return f"{info.articles} articles from {len(info.sources)} sources, {span}"


def render_start(info: CorpusInfo, examples: list[str]) -> str:
    """What /start says: what the bot does, what it knows, three questions to try."""
    tries = "\n".join(f"• <code>{esc(e)}</code>" for e in examples)
    return (
        "I answer <b>who said what</b> about a topic from a collection of news articles, "
        "with verbatim quotes, the speaker, and the article each quote comes from.\n\n"
        f"I know {esc(corpus_lines(info))}.\n\n"
        f"Try:\n{tries}\n\n"
        "In groups, mention me or use /ask. /help for more."
    )


def render_help() -> str:
    return (
        "<b>How to ask</b>\n"
        "Write a question, e.g. <code>who said what about Idlib?</code> In a group, mention me, "
        "reply to me, or use <code>/ask your question</code>.\n"
        "A follow-up like <code>and Turkey?</code> builds on your previous question.\n\n"
        "<b>Commands</b>\n"
        "/ask &lt;question&gt; – ask a question\n"
        "/sources – what articles I know\n"
        "/follow &lt;person or topic&gt; – get their new quotes as articles come in\n"
        "/following – what you follow; /unfollow &lt;name&gt; – stop\n"
        "/help – this message\n\n"
        "Quotes are verbatim from the articles; each carries its title, source and date. "
        "Press <b>More</b> under an answer for further quotes."
    )


def render_sources(info: CorpusInfo) -> str:
    """What /sources says: counts, sources, date range and when the index was built."""
    names = sorted(info.sources, key=str.casefold)
    shown = ", ".join(esc(clip(s, 60)) for s in names[:40])
    if len(names) > 40:
        shown += f" and {len(names) - 40} more"
    built = f"{fmt_date(info.built_at)} {info.built_at:%H:%M} UTC" if info.built_at else "?"
    return (
        f"<b>{info.articles}</b> articles, {info.quotes} quotes, {info.chunks} passages\n"
        f"Dates: {fmt_date(info.first_date)} to {fmt_date(info.last_date)}\n"
        f"Sources ({len(names)}): {shown or 'none'}\n"
        f"Index built {built} with <code>{esc(info.model)}</code>"
    )


def more_data(key: str, page: int) -> str:
    """callback_data of the More button; short (≤ 64 bytes) and meaningless without the store."""
    data = f"{MORE_PREFIX}:{key}:{page}"
    assert len(data.encode()) <= 64
    return data


def parse_more(data: str | None) -> tuple[str, int] | None:
    """Inverse of `more_data`; None for anything else (stale or forged buttons)."""
    m = re.fullmatch(rf"{MORE_PREFIX}:([A-Za-z0-9_-]{{1,32}}):(\d{{1,4}})", data or "")
    return (m.group(1), int(m.group(2))) if m else None


class PageStore:
    """Remaining pages of recent answers, per chat, in a bounded LRU (old answers expire).

    Each page can be taken once, so a double-tapped "More" does not send the same page twice.
    """

    def __init__(self, capacity: int = 2000) -> None:
        self.capacity = capacity
        self._pages: OrderedDict[str, tuple[int, list[str], set[int]]] = OrderedDict()

    def put(self, chat_id: int, pages: list[str]) -> str:
        key = secrets.token_urlsafe(6)
        self._pages[key] = (chat_id, pages, {0})
        while len(self._pages) > self.capacity:
            self._pages.popitem(last=False)
        return key

    def take(self, chat_id: int, key: str, page: int) -> tuple[str, bool] | None:
        """Page `page` of answer `key` and whether more follow; None if expired, foreign or
        already taken."""
        entry = self._pages.get(key)
        if (
            entry is None
            or entry[0] != chat_id
            or not 0 <= page < len(entry[1])
            or page in entry[2]
        ):
            return None
        entry[2].add(page)
        self._pages.move_to_end(key)
        return entry[1][page], page + 1 < len(entry[1])

    def __len__(self) -> int:
        return len(self._pages)


ALERT_QUOTES = 3  # quotes in one alert; the rest are counted
ALERT_QUOTE_CHARS = 900


def render_alert(phrase: str, quotes: list[QuoteItem], more: int = 0) -> str:
    """One follow's new quotes: speaker in bold, the verbatim quote, "— title, source, date"
    linked to the article."""
    parts = [f"New on <i>{esc(clip(phrase, MAX_NAME))}</i>, which you follow:"]
    for quote in quotes:
        lead = REPORTED_LEAD if quote.form == "reported" else ""
        parts.append(f"{speaker_line(quote)}\n{lead}<blockquote>"
                     f"{esc(clip(quote.text, ALERT_QUOTE_CHARS))}</blockquote>\n"
                     f"{citation(quote.article)}")
    if more:
        parts.append(f"<i>and {more} more new {'quote' if more == 1 else 'quotes'}; ask me "
                     f"about {esc(clip(phrase, MAX_NAME))} to see them.</i>")
    return "\n\n".join(parts)
