"""A user's name for someone matches a stored speaker: names, surnames, acronyms, roles."""

from __future__ import annotations

from index.articles import Article
from index.quotes import Quote, extract_quotes, speaker_matches
from tests.index.quotes.helpers import make, seed_quote


def test_speaker_matches_seed(seed: tuple[Article, list[Quote]]) -> None:
    lavrov = seed_quote(seed, "This is capitulating before terrorists and even")
    carboni = seed_quote(seed, "This is the worst wave")
    icrc = seed_quote(seed, "deeply alarmed")
    for query in ("Lavrov", "lavrov", "Sergei Lavrov", "the Russian foreign minister"):
        assert speaker_matches(query, lavrov), query
    for query in ("ICRC", "the ICRC", "International Committee of the Red Cross", "Red Cross"):
        assert speaker_matches(query, icrc), query
    assert speaker_matches("Carboni", carboni)
    assert speaker_matches("the ICRC", carboni)  # through his role
    assert not speaker_matches("Carboni", lavrov)
    assert not speaker_matches("UN", lavrov)
    assert not speaker_matches("Lavrov", icrc)


def test_speaker_matches_names_and_roles() -> None:
    q = Quote("x", 0, 1, "James E. Clyburn", "Representative", "Mr. Clyburn said")
    for query in ("Clyburn", "Mr. Clyburn", "james e. clyburn", "James Clyburn"):
        assert speaker_matches(query, q), query
    assert not speaker_matches("Biden", q)
    unnamed = Quote("x", 0, 1, None, "a spokesman for the Russian Defence Ministry", "said")
    assert speaker_matches("Russian Defence Ministry", unnamed)
    assert not speaker_matches("Lavrov", unnamed)


def test_speaker_matches_un() -> None:
    q = Quote("x", 0, 1, "United Nations", None, "the United Nations said")
    assert speaker_matches("UN", q) and speaker_matches("U.N.", q)
    assert speaker_matches("the United Nations", q)
    assert not speaker_matches("NATO", q)


def test_speaker_matches_an_official_of_the_organisation_before_the_quote() -> None:
    text = ("The United Nations condemned the air strikes on the hospital in Kafr Takharim. “It "
            "is completely unacceptable that hospitals are bombed,” said Kevin Kennedy, Regional "
            "Humanitarian Coordinator for the Syria Crisis.")
    [q] = extract_quotes(make(text))
    assert q.speaker == "Kevin Kennedy"
    assert q.role == "Regional Humanitarian Coordinator for the Syria Crisis, United Nations"
    for query in ("the UN", "UN", "U.N.", "the United Nations", "Kevin Kennedy"):
        assert speaker_matches(query, q), query
    assert not speaker_matches("NATO", q)
