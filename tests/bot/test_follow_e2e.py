"""Following, end to end: the real Application against the fake Bot API, its JobQueue polling
a local news site into a real index. A story quoting the followed speaker appears in the feed;
the scheduled poll ingests it; the follower gets the alert exactly once, also across restarts,
and a story indexed while the bot was down is alerted when it comes back."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.answer import Answerer
from bot.follow.store import FollowStore
from bot.telegram import build_application, polling
from index.build import build
from index.ingest import poll
from tests.bot.conftest import make_settings
from tests.bot.fake_bot_api import FakeBotApi
from tests.conftest import SEED
from tests.index.ingest.site import Item, NewsSite, page, rss
from tests.index.ingest.stories import Story, stories

pytestmark = pytest.mark.timeout(240)
FEED = "/rss.xml"


class Wire:
    """A one-feed news site whose stories are published one at a time."""

    def __init__(self, site: NewsSite) -> None:
        self.site = site
        self.items: list[Item] = []
        site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        site.add(FEED, rss("Example Wire", []), content_type="application/rss+xml")

    def publish(self, key: str, story: Story) -> None:
        path = f"/news/{key}"
        self.site.add(path, page(story.title, story.text, canonical=self.site.url(path),
                                 published=story.date.isoformat()))
        self.items.insert(0, Item(story.title, self.site.url(path), f"wire-{key}", story.date))
        self.site.add(FEED, rss("Example Wire", self.items), content_type="application/rss+xml")

    def polls(self) -> int:
        return self.site.count(FEED)

    async def wait_polls(self, more: int, timeout: float = 60.0) -> None:
        """Until the bot has read the feed `more` more times (each poll reads it once)."""
        target = self.polls() + more
        async with asyncio.timeout(timeout):
            while self.polls() < target:
                await asyncio.sleep(0.1)


@pytest.fixture
def wire():
    with NewsSite() as site:
        yield Wire(site)


@pytest.fixture
def index_dir(tmp_path: Path, embedder) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    settings = make_settings(FakeBotApi("1:x"), index_dir=tmp_path / "index")
    build([corpus], settings, embedder=embedder)
    return tmp_path / "index"


def bot_settings(api: FakeBotApi, wire: Wire, index_dir: Path):
    return make_settings(api, index_dir=index_dir, feeds=[wire.site.url(FEED)], ingest_interval=1,
                         ingest_host_delay=0, ingest_timeout=2, ingest_retries=0,
                         follows_db=index_dir.parent / "follows.sqlite")


@contextlib.asynccontextmanager
async def bot(api: FakeBotApi, wire: Wire, index_dir: Path, embedder) -> AsyncIterator[FollowStore]:
    """The bot as `python -m bot` runs it: a real answerer, the follow store, the poll job."""
    settings = bot_settings(api, wire, index_dir)
    answerer = await asyncio.to_thread(Answerer.open, settings, embedder)
    store = FollowStore(settings.follows_path)
    async with polling(build_application(settings, answerer, follows=store), poll_timeout=1):
        yield store


def alerts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [s.html for s in api.sent_to(chat_id) if s.html.startswith("New on")]


async def test_follower_gets_each_new_quote_once_across_restarts(api, wire, index_dir, embedder):
    chosen = stories(4)
    zakharova, other, later = chosen[0], chosen[2], chosen[3]  # she is quoted in 0 and 3 only
    assert "Zakharova" in zakharova.text and "Zakharova" not in other.text
    async with bot(api, wire, index_dir, embedder) as store:
        api.push_message(1, "/follow Maria Zakharova")
        api.push_message(2, "/follow Zakharova")
        api.push_message(3, "/follow climate change")
        for chat in (1, 2, 3):
            [reply] = await api.wait_sent(chat, 1, timeout=20)
            assert "Following" in reply.text
        assert "person or organisation" in api.sent_to(1)[0].text
        assert "topic" in api.sent_to(3)[0].text
        api.blocked.add(2)  # user 2 blocks the bot
        await wire.wait_polls(1)  # a poll of the empty feed: nothing to say

        wire.publish("other", other)  # no Zakharova here
        wire.publish("z", zakharova)
        await api.wait_for(lambda: alerts(api, 1), 90, "the alert to the follower")
        await wire.wait_polls(2)  # later polls find nothing new
        [alert] = alerts(api, 1)
        assert "<b>Maria Zakharova</b>" in alert and "<blockquote>" in alert
        assert f'<a href="{wire.site.url("/news/z")}">' in alert
        assert alerts(api, 3) == []  # nothing on the climate
        assert store.of_user(2) == []  # blocked: dropped
        assert [f.phrase for f in store.of_user(1)] == ["Maria Zakharova"]

    async with bot(api, wire, index_dir, embedder):  # a restart: nothing is sent again
        await wire.wait_polls(2)
        await asyncio.sleep(0.5)
        assert len(alerts(api, 1)) == 1
        api.push_message(1, "/following")
        await api.wait_for(lambda: "Maria Zakharova" in api.sent_to(1)[-1].text, 20, "/following")

    # a story indexed while the bot is down (an operator's poll) is alerted when it is back
    wire.publish("later", later)
    report = await asyncio.to_thread(poll, bot_settings(api, wire, index_dir), embedder=embedder)
    assert report.indexed == 1, report.summary()
    async with bot(api, wire, index_dir, embedder):
        await api.wait_for(lambda: len(alerts(api, 1)) == 2, 30, "the alert owed at start")
        await wire.wait_polls(2)
        assert len(alerts(api, 1)) == 2
    newest = alerts(api, 1)[-1]
    assert f'<a href="{wire.site.url("/news/later")}">' in newest
    assert not re.search(re.escape(wire.site.url("/news/z")), newest)
    assert not api.rejected or all(method == "sendMessage" and "blocked" in why
                                   for method, why in api.rejected)
