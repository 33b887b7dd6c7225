"""The ranking, judging and joining stages on hand-made candidates: no model, no index."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import numpy as np

from bot.answer import _allowed
from bot.answerable import MIN_EVIDENCE, PER_SPEAKER, judge, nobody
from bot.candidates import Candidate, Query
from bot.join import join
from bot.question import parse
from bot.rank import FeatureRanker
from bot.speakers import SpeakerMatch, Speakers
from index.search import ArticleMeta, SearchIndex


def query(text: str = "villages Monday", question: str | None = None, mode: str = "hybrid",
          weights: dict[str, float] | None = None, unknown: float = 0.0) -> Query:
    q = parse(question or f"what happened to the {text}?")
    words = weights if weights is not None else {w.lower(): 1.0 for w in text.split()}
    return Query(q, text, np.zeros(3, np.float32), None, words, unknown, mode)  # type: ignore[arg-type]


def passage(cid: int, text: str, dense: float, lexical: float = 0.0, lede: bool = False) -> Candidate:
    return Candidate("passage", cid, cid, 0, len(text), text, text, lede=lede, dense=dense,
                     lexical=lexical, found_by=frozenset({"passages"}))


def statement(cid: int, text: str, dense: float = 0.5, speaker: str | None = "Ann Lee",
              speaker_id: int = 1, reported: bool = False, role: str | None = None,
              chunk: float = 0.5) -> Candidate:
    return Candidate("statement", cid, cid, 0, len(text), text, text, speaker=speaker, role=role,
                     speaker_id=speaker_id, reported=reported, dense=dense, chunk_dense=chunk,
                     found_by=frozenset({"statements"}))


def ranked_ids(q: Query, candidates: list[Candidate], speakers: Speakers | None = None) -> list[int]:
    return [c.id for c in FeatureRanker().rank(q, speakers or Speakers(), candidates)]


# --- passages ---------------------------------------------------------------------------------


def test_passages_naming_the_questions_words_move_up_among_close_ones():
    close = [passage(0, "The army advanced in the south of the province.", 0.60),
             passage(1, "On Monday troops took the villages of Tal Nar and Arinbeh.", 0.58)]
    assert ranked_ids(query(), close) == [1, 0]
    far = [passage(0, "The army advanced in the south of the province.", 0.80),
           passage(1, "On Monday troops took the villages of Tal Nar and Arinbeh.", 0.30)]
    assert ranked_ids(query(), far) == [0, 1]  # a much better passage stays first
    assert ranked_ids(query(mode="dense"), close) == [0, 1]  # dense only: by meaning alone


def test_an_articles_opening_passes_a_slightly_better_later_chunk():
    opening = passage(0, "Troops overran the city of Kreminna on Tuesday.", 0.58, lede=True)
    later = passage(1, "The governor said the city had been shelled.", 0.60)
    assert ranked_ids(query("x"), [later, opening]) == [0, 1]
    assert ranked_ids(query("x"), [later, replace(opening, lede=False)]) == [1, 0]


# --- statements -------------------------------------------------------------------------------


def test_a_whole_quote_on_the_topic_beats_a_fragment_of_the_same_story():
    fragment = statement(0, "Immediately", dense=0.5)
    whole = statement(1, "The shelling of the hospitals has to stop now", dense=0.5)
    assert ranked_ids(query("hospitals shelling"), [fragment, whole]) == [1, 0]


def test_an_unattributed_quote_ranks_a_little_lower_but_a_described_source_does_not():
    unnamed = statement(0, "The ceasefire must hold in the north", dense=0.55, speaker=None,
                        speaker_id=-1)
    named = statement(1, "The ceasefire must hold in the south", dense=0.50)
    assert ranked_ids(query("ceasefire"), [unnamed, named]) == [1, 0]
    described = replace(unnamed, role="a source inside the camp")
    assert ranked_ids(query("ceasefire"), [described, named]) == [0, 1]


def test_a_speaker_question_puts_that_speakers_words_first():
    q = query("the ceasefire", question="What did Ann Lee say about the ceasefire?")
    theirs = statement(0, "We want the ceasefire to hold", dense=0.40, speaker_id=1)
    other = statement(1, "The ceasefire is over", dense=0.70, speaker="Bo Day", speaker_id=2)
    lee = Speakers("Ann Lee", (SpeakerMatch(1, "Ann Lee", 1.0, "name"),))
    assert ranked_ids(q, [other, theirs], lee) == [0, 1]


# --- judging ----------------------------------------------------------------------------------


def test_a_speaker_no_article_mentions_gets_a_plain_none():
    q = query("Idlib", question="What did Lula da Silva say about Idlib?")
    verdict = judge(q, Speakers("Lula da Silva", (), True, False),
                    [passage(0, "Idlib was shelled.", 0.7)], k=5)
    assert (verdict.kind, verdict.message, verdict.passages) == ("none", nobody("Lula da Silva"), [])


def test_a_question_nothing_is_near_is_answered_none():
    # "bitcoin" is in no article: its weight counts against every candidate
    q = query("football bitcoin", weights={"footbal": 3.0}, unknown=3.0)
    near = [passage(0, "The football world cup final was played.", 0.45)]
    assert judge(q, Speakers(), FeatureRanker().rank(q, Speakers(), near), k=5).kind == "none"
    known = query("football final", weights={"footbal": 3.0, "final": 1.0})
    verdict = judge(known, Speakers(), FeatureRanker().rank(known, Speakers(), near), k=5)
    assert verdict.kind == "passages" and verdict.evidence is not None
    assert verdict.evidence.score >= MIN_EVIDENCE
    far = [passage(0, "Troops took the village.", 0.12)]
    assert judge(known, Speakers(), FeatureRanker().rank(known, Speakers(), far), k=5).kind == "none"


def test_own_words_come_before_reports_and_each_speaker_is_capped():
    q = query("the ceasefire", question="who said what about the ceasefire?")
    report = statement(0, "Ann Lee said the ceasefire would hold", dense=0.9, reported=True)
    quotes = [statement(i, f"The ceasefire must hold, part {i}", dense=0.5 - i / 100)
              for i in range(1, 6)]
    verdict = judge(q, Speakers(), FeatureRanker().rank(q, Speakers(), [report, *quotes]), k=10)
    assert verdict.kind == "quotes"
    assert [c.id for c in verdict.quotes] == [1, 2, 3][:PER_SPEAKER]  # one speaker's few


def test_a_speaker_with_no_words_on_it_gets_passages_never_said_to_be_about_them():
    q = query("the ceasefire", question="What did Ann Lee say about the ceasefire?")
    lee = Speakers("Ann Lee", (SpeakerMatch(1, "Ann Lee", 1.0, "name"),))
    naming = passage(0, "Ann Lee visited the front; the ceasefire held.", 0.5)
    other = passage(1, "The ceasefire held overnight.", 0.7)
    verdict = judge(q, lee, FeatureRanker().rank(q, lee, [other, naming]), k=5)
    assert verdict.kind == "passages" and [c.id for c in verdict.passages] == [1, 0]
    assert verdict.message == "I found no quotes from Ann Lee on that. The closest passages on the topic:"


# --- joining ----------------------------------------------------------------------------------


def test_a_record_found_twice_is_one_candidate_with_the_best_of_each_score():
    a = statement(7, "words", dense=0.4)
    b = replace(a, dense=None, chunk_dense=0.9, found_by=frozenset({"in-passages"}))
    (merged,) = join([a], [b])
    assert (merged.dense, merged.chunk_dense) == (0.4, 0.9)
    assert merged.found_by == {"statements", "in-passages"}


# --- dates ------------------------------------------------------------------------------------


class DatedIndex(SearchIndex):
    """Articles on these days; the real filter methods."""

    def __init__(self, days: list[date]) -> None:
        self.articles = [ArticleMeta(i, f"a{i}", "t", datetime(d.year, d.month, d.day, 1), None,
                                     None) for i, d in enumerate(days)]


def test_a_day_filter_keeps_the_next_days_report_but_not_last_month():
    index = DatedIndex([date(2022, 7, 15), date(2022, 7, 16), date(2022, 7, 18),
                        date(2022, 6, 15), date(2022, 7, 25)])
    rows = _allowed(index, parse("What happened in Dnipro on July 15, 2022?"))
    assert rows is not None and rows.tolist() == [0, 1, 2]


def test_a_month_filter_stays_exact_and_no_filter_allows_all():
    index = DatedIndex([date(2016, 6, 30), date(2016, 7, 1)])
    rows = _allowed(index, parse("Which villages were retaken in June 2016?"))
    assert rows is not None and rows.tolist() == [0]
    assert _allowed(index, parse("Which villages were retaken?")) is None
