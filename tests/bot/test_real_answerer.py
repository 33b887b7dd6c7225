"""The bot with the real `bot.answer.Answerer` on the seed corpus, end to end.

Skipped until `bot.answer.Answerer` and the `seed_index` fixture (tests/conftest.py) exist.
"""

from __future__ import annotations

import importlib

import pytest

from tests.bot.conftest import running_bot
from tests.bot.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.timeout(180)


def _answerer_class() -> type:
    try:
        module = importlib.import_module("bot.answer")
    except ImportError as exc:
        pytest.skip(f"bot.answer not available yet: {exc}")
    if not hasattr(module, "Answerer"):
        pytest.skip("bot.answer has no Answerer yet")
    return module.Answerer


@pytest.fixture
def real_settings(request: pytest.FixtureRequest):  # noqa: ANN201
    answerer_cls = _answerer_class()
    try:
        index_settings = request.getfixturevalue("seed_index")
    except pytest.FixtureLookupError:
        pytest.skip("no seed_index fixture in tests/conftest.py yet")
    return answerer_cls, index_settings


async def test_real_answerer_answers_with_citations(api: FakeBotApi, real_settings) -> None:  # noqa: ANN001
    answerer_cls, index_settings = real_settings
    answerer = answerer_cls.open(index_settings)
    info = answerer.corpus_info()
    async with running_bot(api, answerer, index_dir=index_settings.index_dir):
        api.push_message(1, "/sources")
        api.push_message(2, "Who said what about Idlib?")
        api.push_message(3, "<b>&</blockquote> 🇹🇷")
        sources = (await api.wait_sent(1, timeout=60))[0].text
        answer = (await api.wait_sent(2, timeout=60))[0]
        await api.wait_sent(3, timeout=60)
    assert f"{info.articles} articles" in sources
    assert not api.rejected, api.rejected
    if "<blockquote>" in answer.html:
        assert "— " in answer.text  # every quote is cited
    assert "Sorry, something went wrong" not in answer.text
