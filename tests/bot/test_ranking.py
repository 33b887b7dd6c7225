"""Ranking behaviour: quotes scored by their own words, passages that quote the speaker first,
day filters with slack, speaker names users type. Small fakes, no model needed."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from bot.answer import (
    Answerer,
    _by_coverage,
    _on_topic,
    _quote_scores,
    _quoting_first,
    _reading_order,
    _run,
    _run_text,
    _Scored,
    _shown,
    _windows,
)
from bot.question import parse
from index.quotes import Quote, speaker_matches
from index.search import ArticleMeta, Hit, QuoteRecord, SearchIndex

TEXT = ("The minister spoke on Monday. “Immediately,” he said of the ceasefire. Later he added: "
        "“The ceasefire in the northern province must hold, and the shelling of the hospitals "
        "has to stop now,” according to the ministry. Elsewhere, markets were calm.")


class FakeIndex:
    """Just what the ranking helpers read: one article's text, its words and their weights."""

    def __init__(self, text: str = TEXT, chunks: list[str] | None = None,
                 ledes: frozenset[int] = frozenset()) -> None:
        self.text = text
        self.chunks = chunks or []
        self.ledes = ledes

    def is_lede(self, chunk_id: int) -> bool:
        return chunk_id in self.ledes

    def article_text(self, row: int) -> str:
        return self.text

    def chunk_text(self, chunk_id: int) -> str:
        return self.chunks[chunk_id]

    def terms(self, texts: list[str]) -> list[set[str]]:
        return [{w.strip(".,“”\"").lower() for w in t.split()} for t in texts]

    def term_weights(self, query: str) -> dict[str, float]:
        return {w.lower(): 1.0 for w in query.split()}


def record(text: str, fragment: str, rid: int) -> QuoteRecord:
    start = text.index(fragment)
    return QuoteRecord(rid, 0, Quote("a", start, start + len(fragment), "Minister", None, None), "h")


def test_whole_quote_on_the_topic_beats_a_fragment_from_the_same_chunk():
    short = record(TEXT, "Immediately", 1)
    full = record(TEXT, "The ceasefire in the northern province must hold, and the shelling of "
                        "the hospitals has to stop now", 2)
    scores = _quote_scores(FakeIndex(), [short, full], np.array([0.5, 0.5]), "hospitals shelling",
                           "hybrid")
    assert scores[1] > scores[0]


def test_without_topic_words_a_fragment_still_ranks_below_a_full_quote():
    short = record(TEXT, "Immediately", 1)
    full = record(TEXT, "The ceasefire in the northern province must hold", 2)
    scores = _quote_scores(FakeIndex(), [short, full], np.array([0.5, 0.5]), "zzz", "dense")
    assert scores[1] > scores[0]


def test_quote_words_count_more_than_a_slightly_better_chunk():
    on_topic = record(TEXT, "The ceasefire in the northern province must hold, and the shelling "
                            "of the hospitals has to stop now", 1)
    off_topic = record(TEXT, "Immediately", 2)
    scores = _quote_scores(FakeIndex(), [off_topic, on_topic], np.array([0.55, 0.5]),
                           "hospitals", "hybrid")
    assert scores[1] > scores[0]


def test_passages_quoting_the_speaker_come_first_when_answering_by_passages():
    chunks = ["Paroev's chain opened 15 restaurants in Moscow on Sunday.",
              "“Our goal is that our guests do not notice a difference,” said Oleg Paroev."]
    hits = [Hit(0, 0.9, None, None), Hit(1, 0.8, None, None)]
    ranked = _quoting_first(FakeIndex(chunks=chunks), hits, "Oleg Paroev")
    assert [h.chunk_id for h in ranked] == [1, 0]


def test_a_passage_far_ahead_keeps_its_place():
    chunks = ["Paroev's chain opened 15 restaurants in Moscow on Sunday.",
              "“Our goal is that our guests do not notice a difference,” said Oleg Paroev."]
    hits = [Hit(0, 0.9, None, None), Hit(1, 0.3, None, None)]
    assert [h.chunk_id for h in _quoting_first(FakeIndex(chunks=chunks), hits, "Paroev")] == [0, 1]


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
    reranked = _by_coverage(index, hits, "villages Monday", "hybrid")
    assert [h.chunk_id for h in reranked] == [1, 0]
    far = [Hit(0, 0.95, 0.8, None), Hit(1, 0.40, 0.3, 1.0)]  # a much better hit stays first
    assert [h.chunk_id for h in _by_coverage(index, far, "villages Monday", "hybrid")] == [0, 1]
    assert _by_coverage(index, hits, "villages Monday", "dense") == hits  # dense-only: as found


def test_an_articles_opening_passes_a_slightly_better_later_chunk():
    chunks = ["Troops overran the city of Kreminna on Tuesday, the governor said.",
              "The governor said the city had been shelled before troops overran it."]
    close = [Hit(1, 0.80, 0.6, 1.0), Hit(0, 0.75, 0.58, 1.0)]
    lede_first = _by_coverage(FakeIndex(chunks=chunks, ledes=frozenset({0})), close, "x", "hybrid")
    assert [h.chunk_id for h in lede_first] == [0, 1]
    assert [h.chunk_id for h in _by_coverage(FakeIndex(chunks=chunks), close, "x", "hybrid")] == [1, 0]
    far = [Hit(1, 0.95, 0.8, 1.0), Hit(0, 0.60, 0.5, 1.0)]  # a much better chunk stays first
    far_kept = _by_coverage(FakeIndex(chunks=chunks, ledes=frozenset({0})), far, "x", "hybrid")
    assert [h.chunk_id for h in far_kept] == [1, 0]


class ChunkedIndex:
    """Chunk ids run in (article, start) order, as in a real index: just what `_windows` reads."""

    def __init__(self, articles_of_chunks: list[int]) -> None:
        self.chunk_article = np.array(articles_of_chunks)


def test_a_passage_takes_in_its_retrieved_neighbours_of_the_same_article():
    index = ChunkedIndex([0, 0, 0, 0, 0, 1, 1])  # chunks 0-4 in article 0, 5-6 in article 1
    hits = [Hit(c, s, None, None) for c, s in [(2, 0.9), (5, 0.8), (1, 0.7), (4, 0.6), (3, 0.5),
                                                (0, 0.4)]]
    # 2 takes 1 (better ranked than 3), then 3: three chunks at most; 5's neighbour 6 was not
    # retrieved; 0 and 4 are left for later passages.
    assert _windows(index, hits) == [(1, 3), (5, 5), (4, 4), (0, 0)]


def test_a_passage_never_crosses_into_another_article():
    index = ChunkedIndex([0, 1])
    assert _windows(index, [Hit(0, 0.9, None, None), Hit(1, 0.8, None, None)]) == [(0, 0), (1, 1)]


RUN_TEXT = ("“We need to know how to infect them with our ideology,” Sergei Novikov told teachers. "
            "“Our work is aimed at changing consciousness.” Critics disagreed. “It is wrong,” "
            "said Ivan Petrov.\n\n“Teachers must obey,” Novikov added.")


def spoken(fragment: str, speaker: str, rid: int) -> QuoteRecord:
    start = RUN_TEXT.index(fragment)
    return QuoteRecord(rid, 0, Quote("a", start, start + len(fragment), speaker, None, None),
                       f"h{rid}")


def test_a_statement_split_by_its_attribution_is_shown_whole_with_the_articles_marks():
    quotes = [spoken("We need to know how to infect them with our ideology,", "Sergei Novikov", 1),
              spoken("Our work is aimed at changing consciousness.", "Sergei Novikov", 2),
              spoken("It is wrong,", "Ivan Petrov", 3),
              spoken("Teachers must obey,", "Sergei Novikov", 4)]
    index = FakeIndex(text=RUN_TEXT)
    run = _run(index, quotes[1], quotes)  # picked by its second half, shown from the first
    assert [r.id for r in run] == [1, 2]  # another speaker and a new paragraph end the run
    assert _run_text(index, run) == ("“We need to know how to infect them with our ideology,” "
                                     "Sergei Novikov told teachers. “Our work is aimed at "
                                     "changing consciousness.”")
    assert _run(index, quotes[2], quotes) == [quotes[2]]
    assert _run_text(index, [quotes[2]]) == "It is wrong,"  # a lone quote: its words only
    typed = FakeIndex(text="''We won,'' he said. ''Now.'' Then")
    pair = [QuoteRecord(i, 0, Quote("a", s, e, "X", None, None), f"t{i}")
            for i, (s, e) in enumerate([(2, 9), (23, 27)])]
    assert _run_text(typed, pair) == "''We won,'' he said. ''Now.''"  # two-character marks


def test_a_few_quoted_words_are_shown_in_their_sentence_with_the_articles_marks():
    text = ("The plant was quiet.\n\nMeanwhile, the ICRC said it had registered “hundreds of "
            "prisoners” this week. Buses left.")
    index = FakeIndex(text=text)
    start = text.index("hundreds")
    fragment = QuoteRecord(1, 0, Quote("a", start, start + len("hundreds of prisoners"), "ICRC",
                                       None, None), "h1")
    assert _shown(index, fragment, [fragment]) == (
        "Meanwhile, the ICRC said it had registered “hundreds of prisoners” this week.",
        "statement")
    whole = record(TEXT, "The ceasefire in the northern province must hold, and the shelling of "
                         "the hospitals has to stop now", 2)
    assert _shown(FakeIndex(), whole, [whole])[1] == "quote"  # a full quote: its words alone
    reported = QuoteRecord(3, 0, Quote("a", 0, 20, "ICRC", None, None, reported=True), "h3")
    assert _shown(index, reported, [reported]) == ("The plant was quiet.", "reported")


def test_unattributed_quotes_rank_a_little_lower_and_reports_after_all_quotes():
    def scored(speaker: str | None, score: float, reported: bool = False) -> _Scored:
        return _Scored(QuoteRecord(0, 0, Quote("a", 0, 1, speaker, None, None, reported), "h"),
                       score)
    near_unnamed, named, far_unnamed = scored(None, 1.0), scored("Ann Lee", 0.8), scored(None, 0.7)
    report = scored("ICRC", 1.2, reported=True)
    order = _reading_order([report, far_unnamed, named, near_unnamed])
    assert order == [near_unnamed, named, far_unnamed, report]
    assert _reading_order([scored(None, 0.85), named])[0] is named  # close: the named one


def test_a_speakers_quotes_on_the_topic_are_those_from_the_stories_about_it():
    def scored(row: int, score: float) -> _Scored:
        return _Scored(QuoteRecord(row, row, Quote("a", 0, 1, "Lavrov", None, None), "h"), score)
    on_grain, off_topic, also_on_grain = scored(3, 0.5), scored(7, 0.9), scored(4, 0.4)
    assert _on_topic([off_topic, on_grain, also_on_grain], {3, 4, 5}) == [on_grain, also_on_grain]
    assert _on_topic([off_topic], {3}) == []  # then the answer is passages, saying so
