"""The renderer alone: every page must pass Telegram's HTML parser (the fake's strict copy)."""

from __future__ import annotations

import random

import pytest

from bot.ask import render_text
from bot.render import (
    MAX_MESSAGE,
    PageStore,
    citation,
    fmt_date,
    group_by_speaker,
    more_data,
    parse_more,
    render_answer,
    render_help,
    render_sources,
    render_start,
    split_text,
    strip_tags,
)
from bot.schema import Answer, PassageItem
from tests.bot.conftest import (
    ARTICLE,
    EVIL_URL,
    HOSTILE,
    FakeAnswerer,
    hostile_answer,
    long_answer,
    quote,
)
from tests.bot.fake_bot_api import ParseError, parse_html, utf16_len


def assert_valid(page: str) -> str:
    text = parse_html(page)  # raises like Telegram would
    assert 0 < utf16_len(text) <= MAX_MESSAGE
    assert utf16_len(page) <= MAX_MESSAGE
    return text


def test_fake_parser_is_strict() -> None:
    for bad in [
        "a < b",
        "a & b",
        "<b>x",
        "x</b>",
        "<br>",
        "<span>x</span>",
        "<b><i>x</b></i>",
        "a > b",
    ]:
        with pytest.raises(ParseError):
            parse_html(bad)
    assert (
        parse_html('<b>x</b> &lt;&amp;&#128512; <a href="https://a.b/?x=1&amp;y=2">l</a>')
        == "x <&😀 l"
    )


def test_hostile_answer_is_escaped_cited_and_dated() -> None:
    pages = render_answer(hostile_answer("who said <b>what</b> & why?"))
    assert len(pages) == 1
    text = assert_valid(pages[0])
    assert HOSTILE in text  # verbatim after unescaping
    assert "<blockquote>" in pages[0]
    assert "Recep Tayyip Erdoğan <b>, President & <i>commander</i>" in text
    assert "— Syrian army <b>pushes</b> into Idlib & beyond, Press <TV>, 25 Feb 2020" in text
    assert '<a href="https://example.org/news?id=1&amp;lang=&lt;en&gt;">' in pages[0]
    assert "Monday = 24 Feb 2020" in text
    assert "javascript:" not in pages[0]  # only http(s) links are linked
    assert '— Link "quoted" title, 1 Mar 2020' in text


def test_quotes_grouped_by_speaker_in_order() -> None:
    answer = hostile_answer("q")
    order = [q.speaker for q in group_by_speaker(answer.quotes)]
    assert order == ["Recep Tayyip Erdoğan <b>", "Recep Tayyip Erdoğan <b>", "SANA", None]
    text = parse_html(render_answer(answer)[0])
    assert text.count("Recep Tayyip Erdoğan <b>") == 1  # one header for the group


def test_a_described_source_is_labelled_by_its_description_not_as_unattributed() -> None:
    answer = Answer(question="q", kind="quotes", quotes=[
        quote(None, "We were told to turn off the AIS.", role="one member of crew on a yacht"),
        quote(None, "Nobody said this one."),
        quote("Ann Lee", "Named.", role="mayor"),
    ])
    telegram = parse_html(render_answer(answer)[0])
    terminal = render_text(answer)
    for text in (telegram, terminal):
        assert "One member of crew on a yacht" in text  # a label, so capitalised
        assert text.count("Unattributed") == 1  # only the quote with no source at all
    assert "Ann Lee, mayor" in telegram and "Ann Lee (mayor):" in terminal


def test_long_answer_splits_into_valid_pages_without_losing_text() -> None:
    answer = long_answer("long one")
    pages = render_answer(answer)
    assert len(pages) > 3
    texts = [assert_valid(p) for p in pages]
    joined = " ".join(" ".join(t.split()) for t in texts)
    for q in answer.quotes:
        for para in q.text.split("\n\n"):
            # every word survives, in order, within its paragraph
            assert " ".join(para.split()[:8]) in joined
    assert texts[-1].endswith(f"Page {len(pages)} of {len(pages)}")


def test_split_text_prefers_paragraphs_and_never_cuts_entities() -> None:
    text = "First & para.\n\nSecond <para> here.\n\n" + "x&" * 3000
    pieces = split_text(text, 500)
    assert pieces[0].startswith("First & para.")
    assert all(
        utf16_len(p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")) <= 500
        for p in pieces
    )
    assert "".join(p.replace(" ", "").replace("\n", "") for p in pieces) == text.replace(
        " ", ""
    ).replace("\n", "")


def test_none_and_passages() -> None:
    none = Answer(question="q", kind="none", message="Nothing about <that> & this.")
    assert render_answer(none) == ["Nothing about &lt;that&gt; &amp; this."]
    assert render_answer(Answer(question="q", kind="none"))[0]
    passages = FakeAnswerer().ask("a passage please")
    page = render_answer(passages)[0]
    assert "closest passages" in assert_valid(page)


def test_a_quotes_answer_shows_its_passages_after_the_quotes() -> None:
    """The passages of a quotes answer (indirect speech, reports) reach the reader too."""
    reported = PassageItem(text="The agency said it had <registered> 100 people & more.",
                           score=0.4, article=ARTICLE, dates=[])
    answer = hostile_answer("who said what?").model_copy(update={"passages": [reported]})
    text = " ".join(assert_valid(p) for p in render_answer(answer))
    assert text.index(HOSTILE) < text.index("The articles report") < text.index(reported.text)


def test_quotes_statements_and_reported_speech_are_told_apart() -> None:
    """Quotation marks only around a speaker's own words: a statement brings the article's
    marks, and a reported sentence is labelled and never put in quotation marks."""
    said = quote("SANA", "Army units liberated Ma’ar Tamater on Tuesday.")
    statement = said.model_copy(update={"form": "statement", "text": "“We won,” he said. “Now.”"})
    report = said.model_copy(update={"form": "reported",
                                     "text": "SANA reported that the army took two villages."})
    answer = Answer(question="q", kind="quotes", quotes=[said, statement, report])
    page = render_answer(answer)[0]
    assert "(reported, not quoted)</i>\n<blockquote>SANA reported that" in page
    assert page.count("(reported, not quoted)") == 1
    terminal = render_text(answer)
    assert "“Army units liberated Ma’ar Tamater on Tuesday.”" in terminal
    assert "“We won,” he said. “Now.”" in terminal and "““" not in terminal
    assert "(reported) SANA reported that" in terminal and "“SANA reported" not in terminal


def test_random_hostile_strings_always_parse() -> None:
    rng = random.Random(7)
    alphabet = list("<>&\"' \n/abc;#") + [
        "🇹🇷",
        "مرحبا",
        "&amp;",
        "</blockquote>",
        "<b>",
        "\u200f",
        "\x00",
    ]
    for _ in range(200):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 300)))
        answer = Answer(question=s, kind="quotes", quotes=[quote(s, s or "x", role=s)], message=s)
        for page in render_answer(answer):
            assert_valid(page)


def test_emoji_heavy_text_respects_utf16_limit() -> None:
    answer = Answer(question="q", kind="quotes", quotes=[quote("X", "🇹🇷" * 5000)])
    pages = render_answer(answer)
    assert len(pages) > 1
    for page in pages:
        assert_valid(page)


def test_start_help_sources_are_valid_html() -> None:
    info = FakeAnswerer().corpus_info()
    for page in (
        render_start(info, ["who <said> & what?"] * 3),
        render_help(),
        render_sources(info),
    ):
        assert_valid(page)
    assert "3 articles" in parse_html(render_start(info, ["a"]))
    assert "25 Feb 2020 to 1 Mar 2020" in parse_html(render_sources(info))
    assert "SANA & co" in parse_html(render_sources(info))


def test_citation_and_dates() -> None:
    assert fmt_date(ARTICLE.date) == "25 Feb 2020"
    assert "<a href" not in citation(EVIL_URL)
    assert strip_tags("<b>a &amp; b</b>") == "a & b"


def test_callback_data_and_page_store() -> None:
    store = PageStore(capacity=3)
    key = store.put(10, ["p0", "p1", "p2"])
    data = more_data(key, 1)
    assert len(data.encode()) <= 64
    assert parse_more(data) == (key, 1)
    for junk in ["", "more:", "more:x:y", "more:" + "k" * 60 + ":1", "other:abc:1", None]:
        assert parse_more(junk) is None
    assert store.take(11, key, 1) is None  # another chat cannot read it
    assert store.take(10, key, 1) == ("p1", True)
    assert store.take(10, key, 1) is None  # each page once
    assert store.take(10, key, 2) == ("p2", False)
    assert store.take(10, key, 3) is None
    for i in range(3):
        store.put(i, ["a", "b"])
    assert len(store) == 3 and store.take(10, key, 2) is None  # evicted (LRU bound)
