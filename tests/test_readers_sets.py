"""The reader's-words question sets (eval/readers-dev.jsonl, eval/readers-test.jsonl): every
answer key is true of its article, every name or topic said to be absent is in no article, and
the sets share no article with each other or with the sets written in the articles' words.

No model and no index: the lines are checked against the article files, read with the loader
the build uses (skipped when ../shared/data is not beside the checkout).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from eval.questions import NONE, Question, load_questions
from index.articles import Article, load
from tests.test_devset import CORPUS, DEV, SHARED, TEST, inside_quotation

ROOT = Path(__file__).resolve().parents[1]
READERS = sorted((ROOT / "eval").glob("readers-*.jsonl"))


@pytest.fixture(scope="module")
def corpus() -> dict[str, Article]:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (it sits beside the repository)")
    return {a.id: a for a in load(CORPUS) if isinstance(a, Article)}


@pytest.fixture(scope="module", params=READERS, ids=[p.stem for p in READERS])
def questions(request: pytest.FixtureRequest) -> list[Question]:
    return load_questions(request.param)


def test_the_dev_set_is_there_with_enough_of_each_sort():
    assert ROOT / "eval" / "readers-dev.jsonl" in READERS
    qs = load_questions(ROOT / "eval" / "readers-dev.jsonl")
    assert sum(q.answerable for q in qs) >= 80 and sum(not q.answerable for q in qs) >= 20


def test_ids_and_questions_are_unique_and_every_dataset_is_there(questions: list[Question]):
    assert not [i for i, n in Counter(q.id for q in questions).items() if n > 1]
    assert not [t for t, n in Counter(q.question.casefold() for q in questions).items() if n > 1]
    prefixes = {q.gold_article_id.split("-")[0] for q in questions if q.gold_article_id}
    assert {"fakes", "pn", "guardian", "nyt"} <= prefixes
    assert {q.why for q in questions if not q.answerable} == {"person", "topic"}


def test_gold_words_are_verbatim_and_a_speakers_are_inside_quotation_marks(
        questions: list[Question], corpus: dict[str, Article]):
    for q in questions:
        if not q.answerable:
            continue
        article = corpus[q.gold_article_id]
        assert q.gold_substring in article.text, q.id
        assert 6 <= len(q.gold_substring.split()) <= 15, q.id
        assert (q.gold_article_title, q.date) == (article.title, article.date.date().isoformat()), q.id
        assert all(a in corpus for a in q.also_gold_article_ids), q.id
        if q.speaker:
            assert q.speaker.split()[-1] in article.text, q.id
            at = [m.start() for m in re.finditer(re.escape(q.gold_substring), article.text)]
            assert any(inside_quotation(article.text, i) for i in at), q.id  # a quote repeated
            # unquoted earlier in the article (a headline, a lede) is still a quote


def test_what_is_said_to_be_absent_is_in_no_article(questions: list[Question],
                                                   corpus: dict[str, Article]):
    texts = [a.text for a in corpus.values()] + [a.title for a in corpus.values()]
    for q in questions:
        if q.kind != NONE:
            continue
        names = [n.strip() for n in (q.absent or "").split(";") if n.strip()]
        if q.why == "person":
            names += [names[0].split()[-1]]  # the surname alone too
        for name in names:
            pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.I)
            assert not any(pattern.search(t) for t in texts), (q.id, name)


HELD_OUT = {"test.jsonl", "readers-test.jsonl"}


def test_held_out_and_dev_sets_share_no_article(questions: list[Question]):
    """Nothing tuned on the dev sets may answer a held-out question (the seed, the project's
    own article, belongs to every set)."""
    path = next(p for p in READERS if load_questions(p) == questions)
    seed = {"000_90aed92b11813b25"}
    mine_gold = {q.gold_article_id for q in questions if q.gold_article_id} - seed
    mine_all = {i for q in questions for i in q.gold_ids} - seed
    other_side = [p for p in [DEV, TEST, *READERS] if (p.name in HELD_OUT) != (path.name in HELD_OUT)]
    for other in other_side:
        theirs = load_questions(other)
        theirs_gold = {q.gold_article_id for q in theirs if q.gold_article_id}
        theirs_all = {i for q in theirs for i in q.gold_ids}
        # no gold article of one side answers the other side (two articles both listing a
        # third as "also answers" is no leak)
        shared = sorted(mine_gold & theirs_all | mine_all & theirs_gold)
        assert not shared, (other.name, shared)
