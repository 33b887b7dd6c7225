"""The answer contract on the seed corpus: the checks the issue names, and no invented text."""

from __future__ import annotations

import pytest

from index.articles import load
from tests.conftest import SEED

SEED_ARTICLE = next(iter(load([SEED])))


def speakers(answer) -> set[str | None]:
    return {q.speaker for q in answer.quotes}


def assert_verbatim(answer) -> None:
    for item in [*answer.quotes, *answer.passages]:
        assert item.article.id == SEED_ARTICLE.id
        assert item.text in SEED_ARTICLE.text


def test_who_said_what_about_idlib_names_lavrov_and_carboni_with_date_and_title(answerer):
    answer = answerer.ask("who said what about Idlib?")
    assert answer.kind == "quotes"
    by_speaker = {q.speaker: q for q in answer.quotes if q.text.startswith("This is")}
    lavrov = by_speaker["Sergei Lavrov"]
    carboni = by_speaker["Fabrizio Carboni"]
    assert lavrov.text.startswith("This is capitulating before terrorists")
    assert carboni.text.startswith("This is the worst wave of displacement")
    assert "ICRC" in (carboni.speaker_role or "")
    for quote in (lavrov, carboni):
        assert quote.article.date.isoformat() == "2020-02-25T14:22:00+00:00"
        assert quote.article.title == SEED_ARTICLE.title
    assert_verbatim(answer)


def test_quotes_are_grouped_by_speaker(answerer):
    answer = answerer.ask("who said what about Idlib?")
    order = [q.speaker for q in answer.quotes]
    # once a speaker's group ends, that speaker does not come back
    groups = [s for i, s in enumerate(order) if i == 0 or order[i - 1] != s]
    assert len(groups) == len(set(groups))


@pytest.mark.parametrize("question", ["what did Lavrov say?", "What did Sergei Lavrov say",
                                      "what did the Russian foreign minister say?"])
def test_what_did_lavrov_say_keeps_only_lavrov(answerer, question):
    answer = answerer.ask(question)
    assert answer.kind == "quotes"
    assert speakers(answer) == {"Sergei Lavrov"}
    texts = " ".join(q.text for q in answer.quotes)
    assert "This is capitulating before terrorists" in texts
    assert "Otherwise, it would be difficult" in texts  # "the top Russian diplomat said"
    assert_verbatim(answer)


def test_what_did_the_icrc_say_finds_carboni(answerer):
    answer = answerer.ask("what did the ICRC say about displacement?")
    assert answer.kind == "quotes"
    assert answer.quotes[0].text.startswith("This is the worst wave of displacement")
    assert_verbatim(answer)


def test_what_did_sana_say_gives_its_reported_statement_not_a_quotation(answerer):
    """SANA is never quoted in the seed, only reported: that sentence answers, marked so."""
    answer = answerer.ask("what did SANA say about the villages?")
    assert answer.kind == "quotes"
    first = answer.quotes[0]
    assert (first.speaker, first.form) == ("SANA", "reported")
    assert first.text.startswith("Syria’s official news agency SANA reported that Syrian soldiers")
    assert_verbatim(answer)


def test_villages_taken_on_monday_gives_the_passage_with_monday_dated(answerer):
    answer = answerer.ask("which villages did the army take on Monday?")
    assert answer.kind == "passages"
    first = answer.passages[0]
    for village in ("Tal Nar", "Sheikh Mustafa", "al-Naqeer", "Arinbeh", "Kafrsajna"):
        assert village in first.text
    monday = {m.mention: m.date.isoformat() for m in first.dates}["Monday"]
    assert monday == "2020-02-24"
    assert_verbatim(answer)


@pytest.mark.parametrize("question", ["what is the recipe for banana bread?",
                                      "who won the 1998 football world cup?"])
def test_unrelated_question_says_plainly_there_is_no_answer(answerer, question):
    answer = answerer.ask(question)
    assert answer.kind == "none"
    assert not answer.quotes and not answer.passages
    assert answer.message and "no answer" in answer.message


def test_unknown_speaker_gets_a_plain_no(answerer):
    answer = answerer.ask("what did Angela Merkel say about Idlib?")
    assert answer.kind in ("none", "passages")
    assert not answer.quotes
    assert "Merkel" in (answer.message or "")


def test_json_contract(answerer):
    data = answerer.ask("who said what about Idlib?").model_dump(mode="json")
    assert set(data) >= {"question", "kind", "quotes", "passages"}
    quote = data["quotes"][0]
    assert set(quote) >= {"speaker", "speaker_role", "text", "score", "article"}
    assert set(quote["article"]) == {"id", "title", "date", "source", "url"}
    assert quote["article"]["id"] == "000_90aed92b11813b25"
    assert quote["article"]["date"] == "2020-02-25T14:22:00+00:00"
    assert isinstance(quote["score"], float)


def test_follow_up_question_keeps_the_topic(answerer):
    answer = answerer.ask("and what did the ICRC say?", previous="who said what about Idlib?")
    assert answer.kind == "quotes"
    assert all("Carboni" in (q.speaker or "") or "Red Cross" in (q.speaker or "")
               for q in answer.quotes)


def test_empty_question_is_answered_not_crashed(answerer):
    answer = answerer.ask("   ")
    assert answer.kind == "none" and answer.message


def test_reload_swaps_in_a_new_generation_and_refuses_a_damaged_one_once(tmp_path, embedder):
    import shutil

    from bot.answer import Answerer
    from index import store
    from index.build import build
    from index.config import IndexSettings
    from tests.conftest import data_file, write_jsonl_sample

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    settings = IndexSettings(index_dir=tmp_path / "index")
    build([corpus], settings, embedder=embedder)
    answerer = Answerer.open(settings, embedder=embedder)
    assert not answerer.reload_if_changed()

    write_jsonl_sample(data_file("fakes", "articles.jsonl"), corpus / "more.jsonl", 2)
    report = build([corpus], settings, embedder=embedder)
    assert answerer.reload_if_changed() and answerer.index.generation == report.generation
    assert answerer.corpus_info().articles == 3

    write_jsonl_sample(data_file("fakes", "articles.jsonl"), corpus / "more.jsonl", 3)
    damaged = build([corpus], settings, embedder=embedder).generation
    (damaged / "vectors.npy").write_bytes(b"junk")
    with pytest.raises(store.IndexDamaged):
        answerer.reload_if_changed()
    assert not answerer.reload_if_changed()  # not re-hashed every interval
    assert answerer.index.generation == report.generation  # still answering from the good one
    assert answerer.ask("who said what about Idlib?").kind == "quotes"


def test_dates_no_article_has_are_dropped_and_the_answer_says_so(answerer):
    """The year may be the event's: with no article dated then, answer from any date."""
    answer = answerer.ask("what did Lavrov say about the ceasefire in 2019?")
    assert answer.kind == "quotes" and answer.quotes[0].speaker == "Sergei Lavrov"
    assert "No article in the corpus is dated then" in (answer.message or "")
    assert_verbatim(answer)
