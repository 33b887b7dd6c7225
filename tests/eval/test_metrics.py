"""The evaluation metrics, on hand-made Answers: no model, no index."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.schema import Answer, ArticleRef, PassageItem, QuoteItem
from eval import __main__ as harness
from eval import metrics as ev
from eval import questions as qs

LAVROV = "This is capitulating before terrorists and even a reward for their activities"
SEED_TEXT = (
    "Meanwhile, Russian Foreign Minister Sergei Lavrov has dismissed some calls.\n\n"
    f"“{LAVROV} in violation of international treaties,” Lavrov told the UN."
)


def ref(article_id: str) -> ArticleRef:
    return ArticleRef(id=article_id, title=f"Title {article_id}",
                      date=datetime(2020, 2, 25, tzinfo=UTC), source=None, url=None)


def quote(text: str, article_id: str, speaker: str | None = None,
          also_in: tuple[str, ...] = ()) -> QuoteItem:
    return QuoteItem(speaker=speaker, speaker_role=None, text=text, score=1.0,
                     article=ref(article_id), also_in=[ref(a) for a in also_in])


def passage(text: str, article_id: str) -> PassageItem:
    return PassageItem(text=text, score=1.0, article=ref(article_id))


def question(**overrides: object) -> qs.Question:
    record = {
        "id": "seed-1", "question": "Who said what about Idlib?",
        "gold_article_id": "seed", "gold_article_title": "Title seed",
        "gold_substring": "This is capitulating before terrorists", "speaker": "Sergei Lavrov",
        "date": "2020-02-25", "kind": "who_said_what",
    } | overrides
    return qs.parse_question(record)


def items(*quotes_and_passages: QuoteItem | PassageItem) -> list[ev.Shown]:
    answer = Answer(
        question="q", kind="quotes",
        quotes=[x for x in quotes_and_passages if isinstance(x, QuoteItem)],
        passages=[x for x in quotes_and_passages if isinstance(x, PassageItem)],
    )
    return ev.shown_items(answer)


# --- reading order and rank ---------------------------------------------------------------


def test_quotes_come_before_passages_whatever_the_argument_order() -> None:
    shown = items(passage("p", "a"), quote("q", "b"))
    assert [(s.kind, s.article_id) for s in shown] == [("quote", "b"), ("passage", "a")]


def test_rank_counts_distinct_articles_not_items() -> None:
    shown = items(quote("x", "a"), quote("y", "a"), quote("z", "b"), passage("p", "gold"))
    assert ev.gold_rank(shown, {"gold"}) == 3


def test_rank_uses_also_in_and_also_gold_ids() -> None:
    shown = items(quote("x", "a"), quote("y", "b", also_in=("gold",)))
    assert ev.gold_rank(shown, {"gold"}) == 2
    q = question(gold_article_id="gold", also_gold_article_ids=["dup"])
    assert ev.gold_rank(items(passage("p", "dup")), q.gold_ids) == 1


def test_rank_is_none_when_gold_absent_and_mrr_cuts_off() -> None:
    assert ev.gold_rank(items(quote("x", "a")), {"gold"}) is None
    assert ev.reciprocal_rank(None) == 0.0
    assert ev.reciprocal_rank(4) == 0.25
    assert ev.reciprocal_rank(11, cutoff=10) == 0.0


# --- gold words ---------------------------------------------------------------------------


def test_gold_words_match_across_quote_styles_and_whitespace() -> None:
    gold = "It's completely unacceptable"
    assert ev.contains_gold("“It’s  completely\nunacceptable,” he said", gold)
    assert not ev.contains_gold("It is completely unacceptable", gold)


def test_gold_words_in_first_item_versus_first_five() -> None:
    shown = items(quote("other words", "a"), quote("no", "b"), passage(LAVROV, "seed"))
    assert not ev.gold_words_within(shown, "capitulating before terrorists", 1)
    assert ev.gold_words_within(shown, "capitulating before terrorists", 5)
    assert not ev.gold_words_within(shown, "capitulating before terrorists", 2)


# --- speakers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("Sergei Lavrov", "Lavrov"), ("Martin Luther King Jr.", "King"), ("ICRC", "ICRC"),
    ("Donald J. Trump", "Trump"),
])
def test_surname(name: str, expected: str) -> None:
    assert ev.surname(name) == expected


def test_names_speaker_is_case_insensitive_and_whole_word() -> None:
    assert ev.names_speaker("Russian FM sergei LAVROV", "Sergei Lavrov")
    assert ev.names_speaker("Lavrov", "Sergei Lavrov")
    assert not ev.names_speaker("Lavrova", "Sergei Lavrov")
    assert not ev.names_speaker(None, "Sergei Lavrov")


def test_speaker_score_over_top_quotes_holding_the_gold_words() -> None:
    shown = items(quote(LAVROV, "seed", "Lavrov"), quote(LAVROV, "dup", "Carboni"),
                  quote("unrelated", "c", "Someone"))
    assert ev.speaker_score(shown, "capitulating before terrorists", "Sergei Lavrov") == 0.5


def test_speaker_score_is_none_when_no_quote_holds_the_gold_words() -> None:
    shown = items(quote("unrelated", "a", "Lavrov"), passage(LAVROV, "seed"))
    assert ev.speaker_score(shown, "capitulating before terrorists", "Sergei Lavrov") is None


def test_speaker_score_looks_only_at_the_first_five_quotes() -> None:
    shown = items(*[quote("filler", str(i), "X") for i in range(5)], quote(LAVROV, "s", "Lavrov"))
    assert ev.speaker_score(shown, "capitulating before terrorists", "Sergei Lavrov") is None


# --- verbatim -----------------------------------------------------------------------------


def test_verbatim_is_exact_and_needs_a_known_article() -> None:
    articles = {"seed": SEED_TEXT}
    good = quote(LAVROV, "seed")
    reflowed = quote(LAVROV.replace(" ", "  "), "seed")
    straight = passage('"' + LAVROV, "seed")  # the article has a curly opening mark
    unknown = quote(LAVROV, "nowhere")
    failures = ev.verbatim_failures(items(good, reflowed, straight, unknown), articles)
    assert [(f.text[:3], f.article_id) for f in failures] == [
        ("Thi", "seed"), ("Thi", "nowhere"), ('"Th', "seed")]


# --- aggregation --------------------------------------------------------------------------


def test_percentile_interpolates() -> None:
    assert ev.percentile([], 50) is None
    assert ev.percentile([10.0], 95) == 10.0
    assert ev.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert ev.percentile(list(map(float, range(101))), 95) == pytest.approx(95.0)


def test_score_answer_and_summarise() -> None:
    articles = {"seed": SEED_TEXT, "other": "nothing to see"}
    good = Answer(question="q", kind="quotes",
                  quotes=[quote(LAVROV, "seed", "Sergei Lavrov")],
                  passages=[passage("nothing to see", "other")])
    wrong = Answer(question="q", kind="passages",
                   passages=[passage("nothing", "other"), passage("made up", "seed")])
    q1 = question()
    q2 = question(id="seed-2", kind="speaker")
    r1 = ev.score_answer(q1, good, articles, latency_ms=10.0)
    r2 = ev.score_answer(q2, wrong, articles, latency_ms=30.0)
    def row(r: ev.QuestionResult) -> tuple[object, ...]:
        return (r.rank, r.gold_words_first, r.gold_words_top5, r.speaker_score)

    assert row(r1) == (1, True, True, 1.0)
    assert row(r2) == (2, False, False, None)
    assert (r2.items, r2.verbatim_failures) == (2, 1)
    failed = ev.QuestionResult("seed-3", "event", None, False, False, None, 0, 0, 0.0,
                               error="RuntimeError: boom")

    report = ev.summarise("shipped", [r1, r2, failed], speaker_questions=2)
    assert report.questions == 3 and report.errors == 1
    assert report.recall_at_1 == pytest.approx(1 / 3)
    assert report.recall_at_5 == pytest.approx(2 / 3)
    assert report.mrr_at_10 == pytest.approx((1 + 0.5) / 3)
    assert report.gold_words_first == pytest.approx(1 / 3)
    assert (report.speaker_accuracy, report.speaker_judged) == (1.0, 1)
    assert report.verbatim_rate == pytest.approx(3 / 4)
    assert report.latency_p50_ms == pytest.approx(20.0)  # the failed question is not timed
    assert report.recall_at_5_by_kind == {"event": 0.0, "speaker": 1.0, "who_said_what": 1.0}

    table = ev.format_table([report, ev.summarise("bm25", [r2])])
    assert "Recall@5 (gold article)" in table and "shipped" in table and "bm25" in table


# --- question files and the CLI -----------------------------------------------------------


def test_parse_question_rejects_bad_records() -> None:
    with pytest.raises(qs.QuestionError, match="kind"):
        question(kind="trivia")
    with pytest.raises(qs.QuestionError, match="date"):
        question(date="25/02/2020")
    with pytest.raises(qs.QuestionError, match="gold_substring"):
        question(gold_substring="")
    assert question(speaker=None).speaker is None


def test_load_questions_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    good = json.dumps({
        "id": "a", "question": "q?", "gold_article_id": "x", "gold_article_title": "t",
        "gold_substring": "words", "speaker": None, "date": "2020-01-01", "kind": "event"})
    path.write_text(good + "\n\n" + "{not json\n", encoding="utf-8")
    with pytest.raises(qs.QuestionError, match=r"q\.jsonl:3"):
        qs.load_questions(path)
    path.write_text(good + "\n", encoding="utf-8")
    assert [q.id for q in qs.load_questions(path)] == ["a"]


def test_cli_explains_a_missing_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({
        "id": "a", "question": "q?", "gold_article_id": "x", "gold_article_title": "t",
        "gold_substring": "words", "speaker": None, "date": "2020-01-01", "kind": "event"}) + "\n")
    assert harness.main([str(path), "--index-dir", str(tmp_path / "none")]) == 2
    assert "python -m index.build" in capsys.readouterr().err


def test_cli_runs_every_mode_with_a_fake_answerer(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    class Fake:
        def __init__(self) -> None:
            self.modes: list[str | None] = []

        def ask(self, text: str, k: int = 10, mode: str | None = None) -> Answer:
            self.modes.append(mode)
            if mode == "bm25":
                raise RuntimeError("no bm25 here")
            return Answer(question=text, kind="quotes",
                          quotes=[quote(LAVROV, "seed", "Sergei Lavrov")])

    fake = Fake()
    monkeypatch.setattr(harness, "open_answerer", lambda index_dir: fake)
    corpus = tmp_path / "seed.jsonl"
    corpus.write_text(json.dumps({"id": "seed", "title": "Title seed", "date": "2020-02-25",
                                  "text": SEED_TEXT}) + "\n", encoding="utf-8")
    path = tmp_path / "q.jsonl"
    record = {"id": "seed-1", "question": "Who said what about Idlib?", "gold_article_id": "seed",
              "gold_article_title": "Title seed",
              "gold_substring": "capitulating before terrorists",
              "speaker": "Sergei Lavrov", "date": "2020-02-25", "kind": "who_said_what"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")

    assert harness.main([str(path), "--mode", "all", "--json", "--corpus", str(corpus)]) == 0
    out = json.loads(capsys.readouterr().out)
    by_mode = {r["mode"]: r for r in out["reports"]}
    assert by_mode["shipped"]["recall_at_1"] == 1.0
    assert by_mode["shipped"]["verbatim_rate"] == 1.0
    assert by_mode["dense"]["speaker_accuracy"] == 1.0
    assert by_mode["bm25"]["errors"] == 1 and by_mode["bm25"]["recall_at_5"] == 0.0
    assert None in fake.modes and "dense" in fake.modes  # shipped passes no mode


# --- reader's-words sets: the named speaker's quote, and questions with no answer ------------


def test_a_passages_answer_is_read_passages_first() -> None:
    answer = Answer(question="q", kind="passages", quotes=[quote("q", "b")],
                    passages=[passage("p", "a")])
    assert [s.kind for s in ev.shown_items(answer)] == ["passage", "quote"]


def test_the_named_speakers_quote_must_be_a_quote_given_to_them() -> None:
    gold = "capitulating before terrorists"
    assert ev.speaker_quote_within(items(quote(LAVROV, "seed", "Sergei Lavrov")), gold,
                                   "Sergei Lavrov")
    # the words inside a passage, or in a quote given to someone else, do not tell the reader
    assert not ev.speaker_quote_within(items(passage(LAVROV, "seed")), gold, "Sergei Lavrov")
    assert not ev.speaker_quote_within(items(quote(LAVROV, "seed", "Carboni")), gold,
                                       "Sergei Lavrov")
    late = items(*[quote("filler", str(i), "Lavrov") for i in range(5)],
                 quote(LAVROV, "s", "Lavrov"))
    assert not ev.speaker_quote_within(late, gold, "Sergei Lavrov")


def unanswerable(**overrides: object) -> qs.Question:
    record = {"id": "none-1", "question": "What did Lula da Silva say about Idlib?",
              "kind": "none", "absent": "Lula da Silva", "why": "person"} | overrides
    return qs.parse_question(record)


def test_unanswerable_lines_are_checked() -> None:
    q = unanswerable()
    assert (q.answerable, q.absent, q.gold_ids) == (False, "Lula da Silva", frozenset())
    with pytest.raises(qs.QuestionError, match="why"):
        unanswerable(why="because")
    with pytest.raises(qs.QuestionError, match="gold_substring"):
        unanswerable(gold_substring="words")
    with pytest.raises(qs.QuestionError, match="named_by"):
        question(named_by="nickname")


def test_refusals_are_scored_as_precision_recall_and_wrong_refusals() -> None:
    articles = {"seed": SEED_TEXT}
    none = Answer(question="q", kind="none", message="No article in the corpus mentions X.")
    found = Answer(question="q", kind="quotes", quotes=[quote(LAVROV, "seed", "Sergei Lavrov")])
    results = [
        ev.score_answer(unanswerable(), none, articles, 1.0),  # right refusal
        ev.score_answer(unanswerable(id="none-2"), found, articles, 1.0),  # answered: wrong
        ev.score_answer(question(), none, articles, 1.0),  # answerable, refused: wrong
        ev.score_answer(question(id="seed-2", named_by="title"), found, articles, 1.0),
    ]
    report = ev.summarise("shipped", results, speaker_questions=2)
    assert (report.answerable, report.unanswerable) == (2, 2)
    assert report.none_recall == 0.5 and report.none_precision == 0.5
    assert report.wrongly_refused == 0.5
    assert report.gold_words_first == 0.5  # over the answerable questions only
    assert report.speaker_quote_top5 == 0.5
    assert report.gold_words_first_by_named == {"title": 1.0}
    assert "unanswerable said so" in ev.format_table([report])
