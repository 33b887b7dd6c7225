"""Reported speech: a sentence saying what a named speaker said, kept whole and verbatim,
never mistaken for a quotation; pronouns, anonymous sources and bylines left out."""

from __future__ import annotations

import pytest

from index.quotes import extract_quotes, extract_statements
from tests.index.quotes.helpers import make, speaker_of


def reported(text: str) -> list[tuple[str, str | None, str | None]]:
    article = make(text)
    return [(q.text(article), q.speaker, q.role) for q in extract_statements(article)
            if q.reported]


def test_an_organisation_saying_something_is_a_reported_statement():
    text = ("Fighting went on at the plant. The International Committee of the Red Cross (ICRC) "
            "said it had started registering the prisoners of war who left the plant.")
    [(sentence, speaker, _)] = reported(text)
    assert sentence.startswith("The International Committee of the Red Cross (ICRC) said it had")
    assert sentence.endswith("who left the plant.")
    assert speaker is not None and "Red Cross" in speaker


def test_the_speaker_may_come_last_and_be_named_with_a_role():
    text = ("Sloviansk was hit by rocket fire on Sunday, killing six people and injuring 20 "
            "others, the city’s mayor Vadim Lyakh said.")
    assert reported(text) == [(text, "Vadim Lyakh", "the city’s mayor")]


def test_a_relative_clause_does_not_lend_its_noun_to_the_speaker():
    text = ("The Observatory, a monitor, counted the dead. The Observatory which relies on a "
            "network of contacts inside Syria said 213 civilians had been killed this week.")
    assert [speaker for _, speaker, _ in reported(text)] == ["Observatory"]


def test_a_sentence_with_a_quotation_is_left_to_the_quote_extractor():
    text = "The ICRC said it was “deeply alarmed” by the fighting around the city of Idlib."
    article = make(text)
    found = extract_statements(article)
    assert [q.text(article) for q in found] == ["deeply alarmed"]
    assert not found[0].reported


@pytest.mark.parametrize("text", [
    "He said the talks with the other side would go on for several more days.",  # pronoun
    "Officials said the talks had failed to produce any results at all this week.",  # anonymous
    "A western official said the Russian army had lost about a third of its force.",
    "Carlotta Gall reported from Bakhmut, Ukraine, and Matthew Bigg from London today.",  # byline
    "The guards, said to have serious injuries, were shown leaving the ambulances.",
    "Many of the closures, he said, have involved public and semiprivate golf courses.",
    "Putin said.",  # nothing reported
    "Already, 520 superdelegates have publicly said they support Clinton over Sanders.",
])
def test_no_named_speaker_or_no_statement_is_not_reported(text: str):
    assert reported(text) == []


def test_reported_statements_come_in_text_order_among_the_quotes():
    text = ("Syria’s official news agency SANA reported that Syrian soldiers took control of the "
            "villages of Ma’ar Tamater and Ma’artasin on Tuesday. “This is capitulating before "
            "terrorists,” Russian Foreign Minister Sergei Lavrov said.")
    article = make(text)
    found = extract_statements(article)
    assert [(q.reported, q.speaker) for q in found] == [(True, "SANA"), (False, "Sergei Lavrov")]
    assert [q.start for q in found] == sorted(q.start for q in found)
    assert extract_quotes(article) == found[1:]  # the quotes alone: the reports change nothing


def test_he_said_after_a_reported_statement_is_its_speaker():
    # The reported statement's speaker (no subject of any sentence) is who "he said" refers to.
    text = ("Peter Gallo said the grain was not moving through the ports.\n\n"
            "But the criticism was backed by Arif Husain, the chief economist at the food agency, "
            "who said it was not sanctions that were causing the crisis but the war. "
            "“We tend to address the symptoms and forget the root cause,” he said.")
    assert speaker_of(text, "root cause") == "Arif Husain"


def test_a_speaker_last_without_its_comma_is_taken_when_capitalised():
    text = ("The Kurdish-led forces have seized 3 kilometers of territory to the northeast of the "
            "city the Pentagon said on June 9.")
    assert [speaker or role for _, speaker, role in reported(text)] == ["Pentagon"]
    lower = "The Kurdish-led forces have seized 3 kilometers of territory near the city officials said."
    assert reported(lower) == []
