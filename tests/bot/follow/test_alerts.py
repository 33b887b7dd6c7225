"""Follows matched to the quotes a new generation brings, on a real index of real articles:
a person by name, title or organisation, a topic by meaning and words; only quotes no earlier
generation held, each once, also after the store is reopened."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from bot.follow.alerts import collect
from bot.follow.matching import classify
from bot.follow.store import FollowStore
from index.build import build
from index.config import IndexSettings
from index.search import SearchIndex
from tests.bot.fake_bot_api import parse_html
from tests.conftest import SEED
from tests.index.ingest.stories import Story, stories


@dataclass
class Generations:
    first: SearchIndex  # the seed article
    second: SearchIndex  # ... and three stories
    third: SearchIndex  # ... and one story more
    stories: list[Story]


def write_stories(path: Path, chosen: list[Story]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for story in chosen:
            a = story.article
            f.write(json.dumps({"id": a.id, "title": a.title, "date": a.date.isoformat(),
                                "source": "The Guardian", "url": f"https://example.org/{a.id}",
                                "text": a.text}) + "\n")


@pytest.fixture(scope="module")
def gens(tmp_path_factory, embedder) -> Generations:
    root = tmp_path_factory.mktemp("follow")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    settings = IndexSettings(index_dir=root / "index")
    chosen = stories(4)

    def generation() -> SearchIndex:
        build([corpus], settings, embedder=embedder)
        return SearchIndex.open(settings)

    first = generation()
    write_stories(corpus / "wire.jsonl", chosen[:3])
    second = generation()
    write_stories(corpus / "wire.jsonl", chosen)
    third = generation()
    return Generations(first, second, third, chosen)


def alerts_by_phrase(store: FollowStore) -> dict[str, str]:
    phrases = {f.id: f.phrase for f in store.all()}
    return {phrases[a.follow_id]: a.html for a in store.owed()}


def quoted(html: str) -> list[str]:
    """The quotes an alert shows, unescaped, without the ellipsis of a clipped one."""
    return [unescape(re.sub(r"<[^>]+>", "", q)).removesuffix("…")
            for q in re.findall(r"<blockquote>(.*?)</blockquote>", html, flags=re.S)]


@pytest.mark.parametrize("phrase, kind", [
    ("Maria Zakharova", "person"), ("Zakharova", "person"), ("the US secretary of state", "person"),
    ("Russia's foreign ministry", "person"), ("the ICRC", "person"), ("prisoner swap", "topic"),
    ("US weapons", "topic"), ("climate change", "topic")])
def test_person_or_topic(gens, embedder, phrase, kind):
    assert classify(gens.first, embedder, phrase) == kind


def test_new_generation_alerts_followers_once_with_new_quotes_only(gens, embedder, tmp_path):
    store = FollowStore(tmp_path / "f.sqlite")
    assert collect(store, gens.first, embedder) == 0  # the baseline: indexed before any follow
    for phrase in ["Zakharova", "the US secretary of state", "prisoner swap", "climate change",
                   "the ICRC"]:
        store.add(1, 1, phrase, classify(gens.first, embedder, phrase))
    assert store.owed() == []

    assert collect(store, gens.second, embedder) == 3
    alerts = alerts_by_phrase(store)
    assert set(alerts) == {"Zakharova", "the US secretary of state", "prisoner swap"}
    texts = {s.text for s in gens.stories[:3]}
    for phrase, html in alerts.items():
        parse_html(html)  # what Telegram would accept
        assert quoted(html) and all(any(q in t for t in texts) for q in quoted(html)), phrase
        assert '<a href="https://example.org/' in html and "The Guardian" in html
    assert set(re.findall(r"<b>([^<]+)</b>", alerts["Zakharova"])) == {"Maria Zakharova"}
    assert set(re.findall(r"<b>([^<]+)</b>", alerts["the US secretary of state"])) == {
        "Antony Blinken"}
    griner, mcdonalds = (s.title for s in gens.stories[1:3])
    assert "Griner" in griner and "McDonald" in mcdonalds
    assert unescape(griner) in unescape(alerts["prisoner swap"])
    assert unescape(mcdonalds) not in unescape(alerts["prisoner swap"])

    assert collect(store, gens.second, embedder) == 0  # a generation is handled once
    store.close()
    store = FollowStore(tmp_path / "f.sqlite")  # ... also after a restart
    assert collect(store, gens.second, embedder) == 0
    assert len(store.owed()) == 3
    for alert in store.owed():  # as if sent
        store.delivered(alert)

    assert collect(store, gens.third, embedder) >= 1  # one story more: only its quotes are new
    again = alerts_by_phrase(store)
    assert "Zakharova" in again  # she is quoted in the fourth story too
    fourth = gens.stories[3].text
    for html in again.values():
        assert quoted(html) and all(q in fourth for q in quoted(html))


def test_first_generation_alerts_nothing_even_with_follows(gens, embedder, tmp_path):
    store = FollowStore(tmp_path / "f.sqlite")
    store.add(1, 1, "Zakharova", "person")
    assert collect(store, gens.second, embedder) == 0 and store.owed() == []
