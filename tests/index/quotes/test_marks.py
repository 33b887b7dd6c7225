"""Which text becomes a quote: marks paired (straight, curly, single, doubled, across
paragraphs), spans sound over all the data, scare quotes and apostrophes left out."""

from __future__ import annotations

import pytest

from index.articles import Article, load
from index.quotes import extract_quotes
from tests.conftest import SEED
from tests.index.quotes.helpers import DATA, DATASETS, dataset_articles, quotes, speaker_of

MARKS = "“”\"‘’„«»"
EDGES = MARKS + " ,;:'"


def _all_articles() -> list[Article]:
    out = [a for a in load([SEED]) if isinstance(a, Article)]
    if DATA is not None:
        for rel in DATASETS:
            out.extend(dataset_articles(rel).values())
    return out


def test_spans_sound_on_all_data() -> None:
    if DATA is None:
        pytest.skip("../shared/data not found")
    articles = _all_articles()
    assert len(articles) > 2000
    total = 0
    for article in articles:
        for q in extract_quotes(article):
            text = q.text(article)
            assert 0 <= q.start < q.end <= len(article.text), (article.id, q)
            assert text.strip(), (article.id, q)
            assert text[0] not in MARKS and text[-1] not in MARKS, (article.id, text[:60])
            assert q.speaker is None or (isinstance(q.speaker, str) and q.speaker.strip())
            assert q.role is None or (q.role[0] not in EDGES and q.role[-1] not in EDGES), q
            assert q.end - q.start <= 1500, (article.id, text[:60])
            total += 1
    assert total > 5000


def test_multi_sentence_quote() -> None:
    text = "“The shelling went on all night. Nobody slept. We are exhausted,” said Olena Petrenko."
    found = quotes(text)
    assert found == [("The shelling went on all night. Nobody slept. We are exhausted,",
                      "Olena Petrenko")]


def test_multi_paragraph_quote() -> None:
    text = ("Jens Stoltenberg said: “The alliance is united.\n\n"
            "“We will defend every inch of allied territory.”\n\nOther news followed.")
    found = quotes(text)
    assert [s for _, s in found] == ["Jens Stoltenberg", "Jens Stoltenberg"]
    assert found[1][0] == "We will defend every inch of allied territory."


def test_mixed_and_nested_marks() -> None:
    text = "Lavrov told reporters: “They call it a ‘special case’ and move on.\""
    assert quotes(text) == [("They call it a ‘special case’ and move on.", "Sergei Lavrov")] or \
        quotes(text)[0][0] == "They call it a ‘special case’ and move on."


def test_single_quotes_as_quotation() -> None:
    text = "Foreign Minister Dmytro Kuleba told the BBC: ‘We have no plans to close the border.’"
    assert speaker_of(text, "We have no plans") == "Dmytro Kuleba"


def test_doubled_straight_quotes() -> None:
    text = 'Hillary Clinton said ""We are stronger together and we will win"" on Monday.'
    assert quotes(text) == [("We are stronger together and we will win", "Hillary Clinton")]


def test_two_apostrophes_as_double_quotes() -> None:
    """US wire copy in the data types “ and ” as '' (1,700 quotes of polnear were lost)."""
    text = ("''ESPN is an inclusive company,'' ESPN said in a statement. The fans' anger and "
            "the players'  union's statement did not help.\n\n''We will talk,'' said Ann Lee.")
    assert quotes(text) == [("ESPN is an inclusive company,", "ESPN"), ("We will talk,", "Ann Lee")]


def test_unclosed_quote_does_not_swallow() -> None:
    text = ("He said “this never closes.\n\nA new paragraph without a mark.\n\n"
            "“Real quote here,” said Anna Smith.")
    found = quotes(text)
    assert found == [("Real quote here,", "Anna Smith")]


def test_fakes_style_text() -> None:
    text = ('Victims appeared to show symptoms the World Health Organization said on Wednesday. '
            '"Some cases appear to show additional signs of exposure to chemicals" WHO said in a '
            'statement. "I didnt know what was happening all I could hear was crying" she said. '
            'A stray " mark here and the rest of the article goes on for a while.')
    found = quotes(text)
    assert found[0] == ("Some cases appear to show additional signs of exposure to chemicals",
                        "World Health Organization")
    assert len(found) == 2
    assert all(len(t) < 200 for t, _ in found)


def test_unknown_speaker_keeps_quote() -> None:
    text = "“There is no water, no electricity and no medicine left in the city.”"
    assert quotes(text) == [("There is no water, no electricity and no medicine left in the city.",
                             None)]


def test_scare_quotes_dropped() -> None:
    text = "The West armed so-called “moderate” rebels, the paper wrote in an “editorial”."
    assert quotes(text) == []


def test_apostrophes_are_not_quotes() -> None:
    text = "We’ve seen the soldiers’ families and the ‘90s were different, the mayor’s aide said."
    assert quotes(text) == []


def test_three_word_scare_quote_dropped() -> None:
    assert quotes("The “special military operation” continues, officials in Moscow insist.") == []
