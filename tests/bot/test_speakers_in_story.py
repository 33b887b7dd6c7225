"""A title or description names whoever holds it in the stories retrieved for the question."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from bot.speakers import SpeakerMatch, Speakers, in_story
from tests.bot.test_rank import statement

KEYS = ["Anna Brook", "Omar Haddad", "Lena Ivanova", "Paul Grant"]
PAIRS = {"Anna Brook": [("Anna Brook", None), ("Anna Brook", "President")],
         "Omar Haddad": [("Omar Haddad", "Syrian President")],
         "Lena Ivanova": [("Lena Ivanova", "spokeswoman")],
         "Paul Grant": [("Paul Grant", "President")]}


def _index() -> SimpleNamespace:
    return SimpleNamespace(speaker_keys=KEYS, speakers=SimpleNamespace(by_name=PAIRS))


def _asked(phrase: str, matches: tuple[SpeakerMatch, ...] = ()) -> Speakers:
    return Speakers(phrase, matches, False, True, np.full(len(KEYS), 0.3, dtype=np.float32))


def _story() -> list:
    return [statement(i, f"words {i}", speaker=key, speaker_id=i) for i, key in enumerate(KEYS)]


def test_a_speaker_in_the_story_holding_the_title_is_taken():
    found = in_story(_index(), _asked("the president"), _story(), topic="the border talks")
    taken = {m.key for m in found.matches}
    assert taken == {"Anna Brook", "Paul Grant"}  # "Syrian President" is not "the president"
    assert all(m.how == "story" and 0.3 <= m.confidence < 1 for m in found.matches)


def test_a_qualified_title_takes_a_role_with_that_qualifier_or_none():
    found = in_story(_index(), _asked("the Syrian president"), _story(), topic="the talks")
    assert {m.key for m in found.matches} == {"Anna Brook", "Omar Haddad", "Paul Grant"}


def test_whoever_the_topic_names_is_not_the_one_asked_about():
    earlier = (SpeakerMatch(3, "Paul Grant", 0.9, "meaning"),)
    found = in_story(_index(), _asked("the president", earlier), _story(),
                     topic="Grant's speech on the border")
    assert {m.key for m in found.matches} == {"Anna Brook"}


def test_a_name_or_no_phrase_is_left_as_it_is():
    named = Speakers("Lena Ivanova", (SpeakerMatch(2, "Lena Ivanova", 1.0, "name"),), True)
    assert in_story(_index(), named, _story(), topic="x") is named
    assert in_story(_index(), Speakers(), _story()).matches == ()


def test_whose_relation_a_description_names_is_not_the_speaker():
    from bot.speakers import _possessor

    assert _possessor("Zelensky's wife") == "zelensky"
    assert _possessor("Vladimir Putin’s spokesman") == "putin"
    assert _possessor("the Kremlin's spokesman") == "kremlin"
    assert _possessor("the Russian foreign minister") is None
    assert _possessor("Lavrov") is None


def test_an_organisations_title_takes_only_a_role_naming_it():
    pairs = {**PAIRS, "Lena Ivanova": [("Lena Ivanova", "UAW President")]}
    index = SimpleNamespace(speaker_keys=KEYS, speakers=SimpleNamespace(by_name=pairs))
    found = in_story(index, _asked("the UAW's president"), _story(), topic="the strike")
    assert {m.key for m in found.matches} == {"Lena Ivanova"}  # not the bare "President"s
    found = in_story(index, _asked("Syria's president"), _story(), topic="the talks")
    assert {m.key for m in found.matches} == {"Anna Brook", "Omar Haddad", "Paul Grant"}
