"""Ranking behaviour: quotes scored by their own words, passages that quote the speaker first,
day filters with slack, speaker names users type. Small fakes, no model needed."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from bot.answer import Answerer
from bot.question import parse
from bot.ranking import (
    PER_SPEAKER,
    Scored,
    by_coverage,
    by_speaker,
    quote_scores,
    quoting_first,
    reading_order,
)
from index.quotes import Quote, speaker_matches
from index.search import ArticleMeta, Hit, QuoteRecord, SearchIndex
from tests.bot.index_fakes import TEXT, FakeIndex, record


def test_whole_quote_on_the_topic_beats_a_fragment_from_the_same_chunk():
    short = record(TEXT, "Immediately", 1)
    full = record(TEXT, "The ceasefire in the northern province must hold, and the shelling of "
                        "the hospitals has to stop now", 2)
    scores = quote_scores(FakeIndex(), [short, full], np.array([0.5, 0.5]), "hospitals shelling",
                           "hybrid")
    assert scores[1] > scores[0]


def test_without_topic_words_a_fragment_still_ranks_below_a_full_quote():
    short = record(TEXT, "Immediately", 1)
    full = record(TEXT, "The ceasefire in the northern province must hold", 2)
    scores = quote_scores(FakeIndex(), [short, full], np.array([0.5, 0.5]), "zzz", "dense")
    assert scores[1] > scores[0]


def test_quote_words_count_more_than_a_slightly_better_chunk():
    on_topic = record(TEXT, "The ceasefire in the northern province must hold, and the shelling "
                            "of the hospitals has to stop now", 1)
    off_topic = record(TEXT, "Immediately", 2)
    scores = quote_scores(FakeIndex(), [off_topic, on_topic], np.array([0.55, 0.5]),
                           "hospitals", "hybrid")
    assert scores[1] > scores[0]


def test_passages_quoting_the_speaker_come_first_when_answering_by_passages():
    chunks = ["Paroev's chain opened 15 restaurants in Moscow on Sunday.",
              "“Our goal is that our guests do not notice a difference,” said Oleg Paroev."]
    hits = [Hit(0, 0.9, None, None), Hit(1, 0.8, None, None)]
    ranked = quoting_first(FakeIndex(chunks=chunks), hits, "Oleg Paroev")
    assert [h.chunk_id for h in ranked] == [1, 0]


def test_a_passage_far_ahead_keeps_its_place():
    chunks = ["Paroev's chain opened 15 restaurants in Moscow on Sunday.",
              "“Our goal is that our guests do not notice a difference,” said Oleg Paroev."]
    hits = [Hit(0, 0.9, None, None), Hit(1, 0.3, None, None)]
    assert [h.chunk_id for h in quoting_first(FakeIndex(chunks=chunks), hits, "Paroev")] == [0, 1]


class DatedIndex(SearchIndex):
    """Articles on these days, one chunk each; the real filter methods."""

    def __init__(self, days: list[date]) -> None:
        self.articles = [ArticleMeta(i, f"a{i}", "t", datetime(d.year, d.month, d.day, 1), None,
                                     None) for i, d in enumerate(days)]
        self.chunk_article = np.arange(len(days))


def test_a_day_filter_keeps_the_next_days_report_but_not_last_month():
    index = DatedIndex([date(2022, 7, 15), date(2022, 7, 16), date(2022, 7, 18),
                        date(2022, 6, 15), date(2022, 7, 25)])
    mask = Answerer._filter(index, parse("What happened in Dnipro on July 15, 2022?"))
    assert mask.tolist() == [True, True, True, False, False]


def test_a_month_filter_stays_exact():
    index = DatedIndex([date(2016, 6, 30), date(2016, 7, 1)])
    mask = Answerer._filter(index, parse("Which villages were retaken in June 2016?"))
    assert mask.tolist() == [True, False]


def test_a_setting_between_say_and_about_is_part_of_the_topic():
    q = parse("What did Lavrov say in Cairo about Russian grain exports?")
    assert (q.kind, q.speaker) == ("speaker", "Lavrov")
    assert "grain exports" in q.topic and "Cairo" in q.topic
    q = parse("What did Rubio say when asked if Trump can be trusted?")
    assert (q.kind, q.speaker) == ("speaker", "Rubio")
    assert "trusted" in q.topic
    q = parse("what did the state department say about Iran?")
    assert (q.speaker, q.topic) == ("the state department", "Iran")


def probe(speaker: str | None, role: str | None = None) -> Quote:
    return Quote("", 0, 0, speaker, role, None)


def test_a_title_before_a_full_name_still_matches():
    assert speaker_matches("Senator Chris Murphy", probe("Chris Murphy", "Sen."))
    assert speaker_matches("OCHA spokesman Jens Laerke", probe("Jens Laerke"))
    assert not speaker_matches("Senator Chris Murphy", probe("Anne Marie Murphy"))


def test_a_full_name_matches_the_articles_surname_only_speaker():
    assert speaker_matches("Bernie Sanders", probe("Sanders"))
    assert not speaker_matches("Bernie Sanders", probe("Larry Sanders"))


def test_an_acronym_matches_a_role_spelling_the_organisation_out():
    assert speaker_matches("the UN", probe("Farhan Haq", "United Nations Deputy Spokesman"))
    assert speaker_matches("the UN", probe("Farhan Haq", "the United Nations deputy spokesman"))
    assert not speaker_matches("the UN", probe("Farhan Haq", "Russian Foreign Ministry"))


def test_a_country_qualifier_may_be_missing_from_the_role_but_not_replaced():
    assert speaker_matches("Mexico's foreign secretary", probe("Claudia Ruiz Massieu",
                                                               "Foreign Secretary"))
    assert not speaker_matches("Mexico's foreign secretary", probe("Liz Truss",
                                                                   "UK foreign secretary"))
    assert not speaker_matches("Russia's foreign minister", probe("Dmytro Kuleba",
                                                                  "Ukraine’s foreign minister"))


def test_role_words_match_their_everyday_synonyms_only_for_the_same_organisation():
    assert speaker_matches("the head of Vkusno & tochka",
                           probe("Oleg Paroev", "chief executive of Vkusno & tochka"))
    assert not speaker_matches("the head of Vkusno & tochka",
                               probe("Chris Kempczinski", "chief executive of McDonald's"))
    assert speaker_matches("the Kremlin spokesman", probe("Dmitry Peskov", "Kremlin spokesperson"))


def test_passages_naming_the_questions_words_move_up_among_close_hits():
    chunks = ["The army advanced in the south of the province.",
              "On Monday troops took the villages of Tal Nar and Arinbeh."]
    hits = [Hit(0, 0.80, 0.6, None), Hit(1, 0.75, 0.58, 1.0)]
    index = FakeIndex(chunks=chunks)
    reranked = by_coverage(index, hits, "villages Monday", "hybrid")
    assert [h.chunk_id for h in reranked] == [1, 0]
    far = [Hit(0, 0.95, 0.8, None), Hit(1, 0.40, 0.3, 1.0)]  # a much better hit stays first
    assert [h.chunk_id for h in by_coverage(index, far, "villages Monday", "hybrid")] == [0, 1]
    assert by_coverage(index, hits, "villages Monday", "dense") == hits  # dense-only: as found


def test_an_articles_opening_passes_a_slightly_better_later_chunk():
    chunks = ["Troops overran the city of Kreminna on Tuesday, the governor said.",
              "The governor said the city had been shelled before troops overran it."]
    close = [Hit(1, 0.80, 0.6, 1.0), Hit(0, 0.75, 0.58, 1.0)]
    lede_first = by_coverage(FakeIndex(chunks=chunks, ledes=frozenset({0})), close, "x", "hybrid")
    assert [h.chunk_id for h in lede_first] == [0, 1]
    assert [h.chunk_id for h in by_coverage(FakeIndex(chunks=chunks), close, "x", "hybrid")] == [1, 0]
    far = [Hit(1, 0.95, 0.8, 1.0), Hit(0, 0.60, 0.5, 1.0)]  # a much better chunk stays first
    far_kept = by_coverage(FakeIndex(chunks=chunks, ledes=frozenset({0})), far, "x", "hybrid")
    assert [h.chunk_id for h in far_kept] == [1, 0]


def test_unattributed_quotes_rank_a_little_lower_and_reports_after_all_quotes():
    def scored(speaker: str | None, score: float, reported: bool = False) -> Scored:
        return Scored(QuoteRecord(0, 0, Quote("a", 0, 1, speaker, None, None, reported), "h"),
                       score)
    near_unnamed, named, far_unnamed = scored(None, 1.0), scored("Ann Lee", 0.8), scored(None, 0.7)
    report = scored("ICRC", 1.2, reported=True)
    order = reading_order([report, far_unnamed, named, near_unnamed])
    assert order == [near_unnamed, named, far_unnamed, report]
    assert reading_order([scored(None, 0.85), named])[0] is named  # close: the named one


def test_a_described_source_counts_as_attributed_and_groups_apart_from_unattributed():
    def scored(speaker: str | None, role: str | None, score: float) -> Scored:
        return Scored(QuoteRecord(0, 0, Quote("a", 0, 1, speaker, role, None), "h"), score)
    described, named = scored(None, "a source inside the camp", 0.85), scored("Ann Lee", None, 0.8)
    assert reading_order([named, described])[0] is described  # no unattributed penalty
    unnamed = [scored(None, None, 0.7 - i / 100) for i in range(4)]
    grouped = by_speaker([described, *unnamed])
    assert grouped[0] is described and grouped[1:] == unnamed[:PER_SPEAKER]  # two groups
