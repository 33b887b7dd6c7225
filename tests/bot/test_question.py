"""Question understanding without an LLM: kind, speaker, topic, dates, source, follow-ups."""

from __future__ import annotations

from datetime import date

import pytest

from bot.question import as_text, parse, weekday_date


@pytest.mark.parametrize(("text", "kind", "speaker", "topic"), [
    ("who said what about Idlib?", "who_said_what", None, "Idlib"),
    ("Who said what on the ceasefire", "who_said_what", None, "the ceasefire"),
    ("what was said about Aleppo?", "who_said_what", None, "Aleppo"),
    ("what did Lavrov say?", "speaker", "Lavrov", ""),
    ("What did the ICRC say about displacement?", "speaker", "the ICRC", "displacement"),
    ("what has Sergei Lavrov said on Idlib", "speaker", "Sergei Lavrov", "Idlib"),
    ("what did the Russian foreign minister tell reporters about the talks?", "speaker",
     "the Russian foreign minister", "the talks"),
    ("which villages did the army take on Monday?", "other", None,
     "which villages did the army take on Monday"),
])
def test_kinds_speakers_and_topics(text, kind, speaker, topic):
    question = parse(text)
    assert (question.kind, question.speaker, question.topic) == (kind, speaker, topic)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("what happened in Aleppo on 24 February 2020?", date(2020, 2, 24), date(2020, 2, 24)),
    ("what happened in Aleppo on March 5, 2016", date(2016, 3, 5), date(2016, 3, 5)),
    ("who said what about Raqqa in March 2017", date(2017, 3, 1), date(2017, 3, 31)),
    ("who said what about Raqqa in 2016", date(2016, 1, 1), date(2016, 12, 31)),
    ("airstrikes between 1 March 2016 and 15 April 2016", date(2016, 3, 1), date(2016, 4, 15)),
    ("what did Germany say about Gazprom in late July 2022?", date(2022, 7, 21), date(2022, 7, 31)),
    ("what did the army say at the end of February 2020?", date(2020, 2, 21), date(2020, 2, 29)),
    ("what did Syrian troops take near Aleppo in early July 2016?", date(2016, 7, 1),
     date(2016, 7, 10)),
    ("shelling in mid-June 2022", date(2022, 6, 11), date(2022, 6, 20)),
    ("how many had fled by late March 2022?", None, date(2022, 3, 31)),  # "by": an upper bound
])
def test_date_filters_are_read_and_removed_from_the_topic(text, first, last):
    question = parse(text)
    assert (question.date_from, question.date_to) == (first, last)
    assert not any(ch.isdigit() for ch in question.topic)


def test_source_filter_only_for_known_sources():
    question = parse("what happened in Homs according to SANA?", sources=["sana", "reuters"])
    assert question.source == "sana" and question.topic == "what happened in Homs"
    assert parse("what happened in Homs according to Bob?", sources=["sana"]).source is None


def test_follow_up_takes_the_previous_topic():
    first = parse("who said what about Idlib in 2020?")
    follow = parse("and what did the UN say?", first)
    assert (follow.kind, follow.speaker, follow.topic) == ("speaker", "the UN", "Idlib")
    assert follow.date_from == date(2020, 1, 1)
    assert parse("what did the UN say?", first).topic == ""  # not a follow-up


def test_weekday_resolves_to_the_latest_such_day_on_or_before_publication():
    tuesday = date(2020, 2, 25)
    assert weekday_date("Monday", tuesday) == date(2020, 2, 24)
    assert weekday_date("Tuesday", tuesday) == tuesday
    assert weekday_date("Wednesday", tuesday) == date(2020, 2, 19)


def test_follow_ups_chain_through_the_understood_question():
    first = parse("who said what about Idlib in 2020?")
    second = parse("and what did the UN say?", first)
    third = parse("and what did the ICRC say?", parse(as_text(second)))
    assert (third.kind, third.speaker, third.topic) == ("speaker", "the ICRC", "Idlib")
    assert third.date_from == date(2020, 1, 1) and third.date_to == date(2020, 12, 31)


def test_and_x_asks_the_same_question_about_x():
    previous = parse("what did Lavrov say about Idlib?")
    follow = parse("and Aleppo?", previous)
    assert (follow.kind, follow.speaker, follow.topic) == ("speaker", "Lavrov", "Aleppo")
    follow = parse("what about Raqqa?", parse("who said what about Idlib?"))
    assert (follow.kind, follow.topic) == ("who_said_what", "Raqqa")


def test_a_whole_new_question_after_and_is_not_bent_into_the_previous_one():
    follow = parse("and what happened in Homs?", parse("what did Lavrov say?"))
    assert (follow.kind, follow.speaker) == ("other", None)


# --- how readers ask for someone's words ------------------------------------------------------


@pytest.mark.parametrize(("text", "speaker", "topic"), [
    ("How did Britain's prime minister respond to the invasion?", "Britain's prime minister",
     "the invasion"),
    ("How did Kyiv react to the grain deal?", "Kyiv", "the grain deal"),
    ("What was NATO's chief's reaction to the missile strike?", "NATO's chief",
     "the missile strike"),
    ("What was the reaction of the Pentagon to the drone attack?", "the Pentagon",
     "the drone attack"),
    ("Did Trump say he would build a wall?", "Trump", "he would build a wall"),
    ("What did Clinton say the government should do about guns?", "Clinton",
     "the government should do about guns"),
    ("Why did Sanders say the system is rigged?", "Sanders", "the system is rigged"),
    ("What does Putin think of NATO?", "Putin", "NATO"),
    ("How did the mayor describe the damage?", "the mayor", "describe the damage"),
    ("What did the war monitor deny?", "the war monitor", "deny"),
    ("what did the state department say about Iran?", "the state department", "Iran"),
    ("Has the Kremlin denied the report?", "the Kremlin", "denied the report"),
])
def test_questions_for_someones_words_name_the_speaker_and_the_topic(text, speaker, topic):
    question = parse(text)
    assert (question.kind, question.speaker, question.topic) == ("speaker", speaker, topic)


@pytest.mark.parametrize(("text", "topic"), [
    ("Who warned that the ceasefire would collapse?", "warned the ceasefire would collapse"),
    ("Who accused Russia of war crimes in Bucha?", "accused Russia of war crimes in Bucha"),
    ("Which official called for a truce in Aleppo?", "called for a truce in Aleppo"),
    ("Who said the town had fallen?", "the town had fallen"),
    ("How did people react to the verdict?", "the verdict"),  # nobody in particular
    ("What did officials say about the blast?", "officials the blast"),
    ("What was the reaction to the verdict?", "the verdict"),
])
def test_who_said_questions_keep_the_verb_that_carries_meaning(text, topic):
    question = parse(text)
    assert (question.kind, question.speaker, question.topic) == ("who_said_what", None, topic)


def test_a_question_about_events_is_not_taken_for_someones_words():
    for text in ("What did EU ministers agree in Brussels?", "What did the army capture?",
                 "How did the war affect grain prices?"):
        assert parse(text).kind == "other", text


def test_a_capitalised_word_is_part_of_a_name_not_a_verb_of_saying():
    for text in ("Why did Islamic State execute its own men?",
                 "Why is the arms dealer locked up in the United States?",
                 "Why did Ukraine add a new holiday?"):  # "add": not asking for words here
        assert parse(text).kind == "other", text
