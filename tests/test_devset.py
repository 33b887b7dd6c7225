"""The question sets (eval/dev.jsonl, eval/test.jsonl) are well-formed and every answer key is true
of its article; the held-out test set shares no article with the development set.

No model and no index: the questions are checked against the article files themselves, read with
the same loader the index build uses, so a gold substring that drifts from the article text (or a
wrong id, title or date) fails here rather than silently lowering a metric.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.schema import Answer, ArticleRef, QuoteItem
from eval.metrics import score_answer, summarise, surname
from eval.questions import KINDS, Question, load_questions
from index.articles import Article, load

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "eval" / "dev.jsonl"
TEST = ROOT / "eval" / "test.jsonl"
SHARED = ROOT.parent / "shared" / "data"
CORPUS = [ROOT / "corpus", *sorted(SHARED.glob("*/*.jsonl"))]
FIELDS = {"id", "question", "gold_article_id", "gold_article_title", "gold_substring", "speaker",
          "date", "kind"}
OPTIONAL = {"also_gold_article_ids"}
SEED = "000_90aed92b11813b25"


@pytest.fixture(scope="module", params=[DEV, TEST], ids=["dev", "test"])
def question_set(request: pytest.FixtureRequest) -> Path:
    return request.param


@pytest.fixture(scope="module")
def records(question_set: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in question_set.read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def questions(question_set: Path) -> list[Question]:
    return load_questions(question_set)


@pytest.fixture(scope="module")
def dev_questions() -> list[Question]:
    return load_questions(DEV)


@pytest.fixture(scope="module")
def held_out_questions() -> list[Question]:
    return load_questions(TEST)


@pytest.fixture(scope="module")
def articles(questions: list[Question]) -> dict[str, Article]:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (it sits beside the repository)")
    wanted = {i for q in questions for i in q.gold_ids}
    return {a.id: a for a in load(CORPUS) if isinstance(a, Article) and a.id in wanted}


# --- shape --------------------------------------------------------------------------------


def test_every_line_has_exactly_the_documented_fields(records: list[dict[str, object]]) -> None:
    for record in records:
        keys = set(record)
        assert keys >= FIELDS, f"{record.get('id')}: missing {FIELDS - keys}"
        assert keys <= FIELDS | OPTIONAL, f"{record.get('id')}: unknown {keys - FIELDS - OPTIONAL}"


def test_size_ids_and_questions(questions: list[Question]) -> None:
    assert len(questions) >= 60
    ids = Counter(q.id for q in questions)
    assert not [i for i, n in ids.items() if n > 1], "duplicate ids"
    texts = Counter(q.question for q in questions)
    assert not [t for t, n in texts.items() if n > 1], "duplicate questions"


def test_every_kind_is_represented(questions: list[Question]) -> None:
    kinds = Counter(q.kind for q in questions)
    assert set(kinds) == set(KINDS)
    assert min(kinds.values()) >= 5, kinds


def test_questions_come_from_every_dataset(questions: list[Question]) -> None:
    prefixes = {q.gold_article_id.split("-")[0] for q in questions}
    assert {"fakes", "pn", "guardian", "nyt"} <= prefixes


def test_dev_set_has_the_seed_article(dev_questions: list[Question]) -> None:
    assert SEED in {q.gold_article_id for q in dev_questions}


def test_seed_questions_are_there(dev_questions: list[Question]) -> None:
    by_text = {q.question: q for q in dev_questions}
    expected = {
        "Who said what about Idlib?": ("This is capitulating before terrorists", "Sergei Lavrov"),
        "What did Lavrov say?": ("This is capitulating before terrorists", "Sergei Lavrov"),
        "Which villages did the army take on Monday?": (
            "Tal Nar region, the villages of Sheikh Mustafa", None),
    }
    for text, (gold, speaker) in expected.items():
        question = by_text[text]
        assert (question.gold_article_id, question.gold_substring, question.speaker) == (
            SEED, gold, speaker)


def test_speaker_questions_name_a_speaker(questions: list[Question]) -> None:
    assert all(q.speaker for q in questions if q.kind == "speaker")


def test_gold_substrings_are_5_to_15_words(questions: list[Question]) -> None:
    bad = [(q.id, len(q.gold_substring.split())) for q in questions
           if not 5 <= len(q.gold_substring.split()) <= 15]
    assert not bad


# --- the held-out test set ---------------------------------------------------------------


def test_test_set_shares_no_article_or_question_with_the_dev_set(
        dev_questions: list[Question], held_out_questions: list[Question]) -> None:
    dev_articles = {i for q in dev_questions for i in q.gold_ids}
    shared = sorted({i for q in held_out_questions for i in q.gold_ids} & dev_articles)
    assert not shared, shared
    dev_texts = {q.question.casefold() for q in dev_questions}
    assert not [q.id for q in held_out_questions if q.question.casefold() in dev_texts]


def test_test_set_ids_name_their_source(held_out_questions: list[Question]) -> None:
    bad = [q.id for q in held_out_questions
           if not re.fullmatch(rf"test-{q.gold_article_id.split('-')[0]}-\d\d", q.id)]
    assert not bad


def test_test_set_gold_substrings_are_6_to_15_words(held_out_questions: list[Question]) -> None:
    bad = [(q.id, len(q.gold_substring.split())) for q in held_out_questions
           if not 6 <= len(q.gold_substring.split()) <= 15]
    assert not bad


# --- against the articles -----------------------------------------------------------------


def test_gold_articles_exist(questions: list[Question], articles: dict[str, Article]) -> None:
    missing = sorted({i for q in questions for i in q.gold_ids} - articles.keys())
    assert not missing
    assert all(q.gold_article_id not in q.also_gold_article_ids for q in questions)


def test_gold_substring_is_verbatim(questions: list[Question],
                                    articles: dict[str, Article]) -> None:
    bad = [q.id for q in questions if q.gold_substring not in articles[q.gold_article_id].text]
    assert not bad


def test_title_and_date_match_the_article(questions: list[Question],
                                          articles: dict[str, Article]) -> None:
    for q in questions:
        article = articles[q.gold_article_id]
        assert q.gold_article_title == article.title, q.id
        assert q.date == article.date.date().isoformat(), q.id


def test_speaker_surname_occurs_in_the_article(questions: list[Question],
                                               articles: dict[str, Article]) -> None:
    bad = [q.id for q in questions
           if q.speaker and surname(q.speaker) not in articles[q.gold_article_id].text]
    assert not bad


_OPEN, _CLOSE = "“", "”"


def inside_quotation(text: str, start: int) -> bool:
    """Is position `start` inside a quotation? Looks at the nearest quote mark before it.

    Curly marks say it directly; for straight `"` (FA-KES) and `''` (PolNeAR's NYT) the count
    of marks earlier in the paragraph decides (odd: one is open).
    """
    paragraph = text[text.rfind("\n", 0, start) + 1 : start]
    marks = list(re.finditer(r"''|[“”\"]", paragraph))
    if not marks:
        return False
    last = marks[-1].group()
    if last in (_OPEN, _CLOSE):
        return last == _OPEN
    return sum(m.group() == last for m in marks) % 2 == 1


def test_gold_words_of_a_speaker_are_inside_quotation_marks(questions: list[Question],
                                                       articles: dict[str, Article]) -> None:
    bad = []
    for q in questions:
        if q.speaker is None:  # attribution is judged on quotes, so the gold must be one
            continue
        text = articles[q.gold_article_id].text
        if not inside_quotation(text, text.index(q.gold_substring)):
            bad.append(q.id)
    assert not bad


def test_inside_quotation_heuristic() -> None:
    assert inside_quotation("He said “we will win the war” today", 12)
    assert not inside_quotation("“Yes,” he said, and we left", 16)
    assert inside_quotation('one "two" and "three four" five', 16)
    assert not inside_quotation('one "two" and three', 14)
    assert inside_quotation("X said: ''A man is a man'' ok", 11)


def test_a_perfect_answer_scores_perfectly(questions: list[Question],
                                           articles: dict[str, Article]) -> None:
    """The set and the metrics agree: quoting the gold words from the gold article is full marks."""
    texts = {i: a.text for i, a in articles.items()}
    results = []
    for q in questions:
        article = articles[q.gold_article_id]
        ref = ArticleRef(id=article.id, title=article.title, date=article.date,
                         source=article.source, url=article.url)
        answer = Answer(question=q.question, kind="quotes", quotes=[QuoteItem(
            speaker=q.speaker, speaker_role=None, text=q.gold_substring, score=1.0, article=ref)])
        results.append(score_answer(q, answer, texts, latency_ms=1.0))
    report = summarise("oracle", results, sum(q.speaker is not None for q in questions))
    assert (report.recall_at_1, report.gold_words_first, report.verbatim_rate) == (1.0, 1.0, 1.0)
    assert report.speaker_accuracy == 1.0
    assert report.speaker_judged == report.speaker_questions
