"""What a reader sees of a record: passage windows, statements split by their attribution,
a few quoted words in their sentence. Small fakes, no model needed."""

from __future__ import annotations

import numpy as np

from bot.excerpts import run_text, shown, statement_run, windows
from index.quotes import Quote
from index.search import QuoteRecord
from tests.bot.index_fakes import TEXT, FakeIndex, record


class ChunkedIndex:
    """Chunk ids run in (article, start) order, as in a real index: just what `windows` reads."""

    def __init__(self, articles_of_chunks: list[int]) -> None:
        self.chunk_article = np.array(articles_of_chunks)


def test_a_passage_takes_in_its_retrieved_neighbours_of_the_same_article():
    index = ChunkedIndex([0, 0, 0, 0, 0, 1, 1])  # chunks 0-4 in article 0, 5-6 in article 1
    ranked = [2, 5, 1, 4, 3, 0]  # chunk ids, best first
    # 2 takes 1 (better ranked than 3), then 3: three chunks at most; 5's neighbour 6 was not
    # retrieved; 0 and 4 are left for later passages.
    assert windows(index, ranked) == [(1, 3), (5, 5), (4, 4), (0, 0)]


def test_a_passage_never_crosses_into_another_article():
    index = ChunkedIndex([0, 1])
    assert windows(index, [0, 1]) == [(0, 0), (1, 1)]


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
    run = statement_run(index, quotes[1], quotes)  # picked by its second half, shown from the first
    assert [r.id for r in run] == [1, 2]  # another speaker and a new paragraph end the run
    assert run_text(index, run) == ("“We need to know how to infect them with our ideology,” "
                                     "Sergei Novikov told teachers. “Our work is aimed at "
                                     "changing consciousness.”")
    assert statement_run(index, quotes[2], quotes) == [quotes[2]]
    assert run_text(index, [quotes[2]]) == "It is wrong,"  # a lone quote: its words only
    typed = FakeIndex(text="''We won,'' he said. ''Now.'' Then")
    pair = [QuoteRecord(i, 0, Quote("a", s, e, "X", None, None), f"t{i}")
            for i, (s, e) in enumerate([(2, 9), (23, 27)])]
    assert run_text(typed, pair) == "''We won,'' he said. ''Now.''"  # two-character marks


def test_a_quote_the_speaker_goes_on_with_in_the_next_paragraph_is_one_statement():
    text = ("“Prices will double by January,” said Ami Lee, a campaigner.\n\n“The real answer is "
            "to use less gas.”\n\nThe minister disagreed.\n\n“We will insulate homes.”")
    index = FakeIndex(text=text)

    def said(fragment: str, rid: int) -> QuoteRecord:
        start = text.index(fragment)
        return QuoteRecord(rid, 0, Quote("a", start, start + len(fragment), "Ami Lee", None,
                                         None), f"p{rid}")

    quotes = [said("Prices will double by January,", 1), said("The real answer is to use less gas.", 2),
              said("We will insulate homes.", 3)]
    run = statement_run(index, quotes[1], quotes)
    assert [r.id for r in run] == [1, 2]  # the narration paragraph ends it, whoever speaks next
    assert run_text(index, run) == ("“Prices will double by January,” said Ami Lee, a campaigner."
                                     "\n\n“The real answer is to use less gas.”")
    assert statement_run(index, quotes[2], quotes) == [quotes[2]]


def test_a_few_quoted_words_are_shown_in_their_sentence_with_the_articles_marks():
    text = ("The plant was quiet.\n\nMeanwhile, the ICRC said it had registered “hundreds of "
            "prisoners” this week. Buses left.")
    index = FakeIndex(text=text)
    start = text.index("hundreds")
    fragment = QuoteRecord(1, 0, Quote("a", start, start + len("hundreds of prisoners"), "ICRC",
                                       None, None), "h1")
    assert shown(index, fragment, [fragment]) == (
        "Meanwhile, the ICRC said it had registered “hundreds of prisoners” this week.",
        "statement")
    whole = record(TEXT, "The ceasefire in the northern province must hold, and the shelling of "
                         "the hospitals has to stop now", 2)
    assert shown(FakeIndex(), whole, [whole])[1] == "quote"  # a full quote: its words alone
    reported = QuoteRecord(3, 0, Quote("a", 0, 20, "ICRC", None, None, reported=True), "h3")
    assert shown(index, reported, [reported]) == ("The plant was quiet.", "reported")


def test_a_role_given_once_does_not_split_one_persons_statement():
    text = ("“Men fear for their savings,” said Ana Ruiz, a pollster for Vox Civica, “not for "
            "their jobs.” “It is wrong,” said Ana Ruiz, a judge.")
    index = FakeIndex(text=text)

    def said(fragment: str, role: str | None, rid: int) -> QuoteRecord:
        start = text.index(fragment)
        return QuoteRecord(rid, 0, Quote("a", start, start + len(fragment), "Ana Ruiz", role,
                                         None), f"r{rid}")

    quotes = [said("Men fear for their savings,", "a pollster for Vox Civica", 1),
              said("not for their jobs.", None, 2), said("It is wrong,", "a judge", 3)]
    assert [r.id for r in statement_run(index, quotes[1], quotes)] == [1, 2]
    assert [r.id for r in statement_run(index, quotes[2], quotes)] == [3]  # another Ana Ruiz
