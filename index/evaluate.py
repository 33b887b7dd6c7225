"""Score the answer pipeline on a question set: `python -m index.evaluate eval/dev.jsonl`.

The metrics judge what a reader sees, in the order shown (quotes first, then passages): is the
gold article there and how high, are the gold words in the first item(s), is the quote given to
the right speaker, is every shown text a verbatim slice of its article, and how long it took.
The metric functions are pure (an `Answer` in, numbers out) so they are unit-tested without a
model; only `main` touches the index and the pipeline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from bot.schema import Answer
from index.articles import Article, Problem, jsonl_records, load
from index.embed import ModelError
from index.store import IndexProblem

ROOT = Path(__file__).resolve().parents[1]
Mode = Literal["shipped", "dense", "bm25"]
MODES: tuple[Mode, ...] = ("shipped", "dense", "bm25")
KINDS = ("who_said_what", "speaker", "org", "event", "captured")
TOP = 5  # "first five items": what fits on a phone screen


# --- questions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One line of a question set (see eval/README.md for what each field means)."""

    id: str
    question: str
    gold_article_id: str
    gold_article_title: str
    gold_substring: str
    speaker: str | None
    date: str
    kind: str
    also_gold_article_ids: tuple[str, ...] = ()

    @property
    def gold_ids(self) -> frozenset[str]:
        """Every article that answers the question (duplicate bodies count as the same)."""
        return frozenset((self.gold_article_id, *self.also_gold_article_ids))


class QuestionError(ValueError):
    """A question line is malformed; the message names the line."""


_REQUIRED = ("id", "question", "gold_article_id", "gold_article_title", "gold_substring",
             "date", "kind")


def parse_question(record: Mapping[str, object], where: str = "") -> Question:
    """Check one record's fields (strings present, known kind, ISO date) and build a Question."""
    prefix = f"{where}: " if where else ""
    for name in _REQUIRED:
        value = record.get(name)
        if not isinstance(value, str) or not value.strip():
            raise QuestionError(f"{prefix}field {name!r} must be a non-empty string")
    speaker = record.get("speaker")
    if speaker is not None and (not isinstance(speaker, str) or not speaker.strip()):
        raise QuestionError(f"{prefix}field 'speaker' must be a non-empty string or null")
    if record["kind"] not in KINDS:
        raise QuestionError(f"{prefix}kind {record['kind']!r} is not one of {KINDS}")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(record["date"])):
        raise QuestionError(f"{prefix}date {record['date']!r} is not YYYY-MM-DD")
    also = record.get("also_gold_article_ids") or []
    if not isinstance(also, list) or not all(isinstance(a, str) and a for a in also):
        raise QuestionError(f"{prefix}'also_gold_article_ids' must be a list of ids")
    return Question(
        id=str(record["id"]),
        question=str(record["question"]),
        gold_article_id=str(record["gold_article_id"]),
        gold_article_title=str(record["gold_article_title"]),
        gold_substring=str(record["gold_substring"]),
        speaker=speaker,  # type: ignore[arg-type]
        date=str(record["date"]),
        kind=str(record["kind"]),
        also_gold_article_ids=tuple(also),
    )


def load_questions(path: Path) -> list[Question]:
    """Read a JSON Lines question set; blank lines are skipped, anything else must parse."""
    questions: list[Question] = []
    for number, record in jsonl_records(path):
        if isinstance(record, str):
            raise QuestionError(f"{path}:{number}: {record}")
        questions.append(parse_question(record, where=f"{path}:{number}"))
    return questions


# --- what the reader sees ----------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One quote or passage of an answer, reduced to what the metrics need."""

    kind: Literal["quote", "passage"]
    text: str
    article_id: str
    also_in: tuple[str, ...] = ()
    speaker: str | None = None

    @property
    def article_ids(self) -> frozenset[str]:
        return frozenset((self.article_id, *self.also_in))


def shown_items(answer: Answer) -> list[Shown]:
    """The answer's items in reading order: quotes first, then passages."""
    quotes = [
        Shown("quote", q.text, q.article.id, tuple(a.id for a in q.also_in), q.speaker)
        for q in answer.quotes
    ]
    passages = [Shown("passage", p.text, p.article.id) for p in answer.passages]
    return quotes + passages


def gold_rank(items: Sequence[Shown], gold_ids: Iterable[str]) -> int | None:
    """1-based rank of the gold article among the distinct articles shown, or None if absent.

    Ranks count distinct article ids in order of first appearance, so three quotes from one
    article ahead of the gold one push it down by one place, not three. An item whose
    `also_in` lists a gold id counts as showing the gold article.
    """
    gold = frozenset(gold_ids)
    seen: list[str] = []
    for item in items:
        if item.article_id not in seen:
            seen.append(item.article_id)
        if item.article_ids & gold:
            return seen.index(item.article_id) + 1
    return None


def reciprocal_rank(rank: int | None, cutoff: int = 10) -> float:
    return 1.0 / rank if rank is not None and rank <= cutoff else 0.0


_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"',
                              "»": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
                              "`": "'"})


def normalise(text: str) -> str:
    """Fold typographic quote marks to ASCII and runs of whitespace to one space.

    Chunking and quote cutting may re-flow whitespace or meet either quote style; the words are
    what matter for "are the gold words shown".
    """
    return " ".join(text.translate(_QUOTE_MARKS).split())


def contains_gold(text: str, gold_substring: str) -> bool:
    return normalise(gold_substring) in normalise(text)


def gold_words_within(items: Sequence[Shown], gold_substring: str, n: int) -> bool:
    """Do the gold words appear inside one of the first `n` items' text?"""
    return any(contains_gold(item.text, gold_substring) for item in items[:n])


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def surname(name: str) -> str:
    """The last word of a name ("Sergei Lavrov" -> "Lavrov"), skipping "Jr."-style suffixes.

    An organisation's name ("ICRC") is its own surname; questions name the canonical speaker
    as the article introduces them, and a returned "Lavrov" or "Russian FM Sergei Lavrov"
    should both count.
    """
    words = [w.strip(".,") for w in name.split()]
    words = [w for w in words if w] or [name.strip()]
    while len(words) > 1 and words[-1].lower() in _SUFFIXES:
        words.pop()
    return words[-1]


def names_speaker(returned: str | None, gold_speaker: str) -> bool:
    """Case-insensitive: does the returned speaker contain the gold speaker's surname?"""
    if not returned:
        return False
    pattern = r"\b" + re.escape(surname(gold_speaker).casefold()) + r"\b"
    return re.search(pattern, returned.casefold()) is not None


def speaker_score(items: Sequence[Shown], gold_substring: str, gold_speaker: str) -> float | None:
    """Among the top-5 quotes holding the gold words, the share attributed to the gold speaker.

    None when no top-5 quote holds the gold words: attribution cannot be judged there (the
    retrieval metrics already count that miss).
    """
    quotes = [item for item in items if item.kind == "quote"][:TOP]
    holding = [q for q in quotes if contains_gold(q.text, gold_substring)]
    if not holding:
        return None
    return sum(names_speaker(q.speaker, gold_speaker) for q in holding) / len(holding)


def verbatim_failures(items: Sequence[Shown], articles: Mapping[str, str]) -> list[Shown]:
    """Items whose text is not an exact slice of their article (or whose article is unknown).

    This is the bot's promise to users, so it is checked byte for byte, without normalising.
    """
    return [item for item in items
            if item.article_id not in articles or item.text not in articles[item.article_id]]


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- per question and per mode -----------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    """How one answer scored; `error` is set (and the rest empty) when the pipeline raised."""

    id: str
    kind: str
    rank: int | None
    gold_words_first: bool
    gold_words_top5: bool
    speaker_score: float | None
    items: int
    verbatim_failures: int
    latency_ms: float
    error: str | None = None


def score_answer(question: Question, answer: Answer, articles: Mapping[str, str],
                 latency_ms: float) -> QuestionResult:
    """All per-question metrics of one answer."""
    items = shown_items(answer)
    return QuestionResult(
        id=question.id,
        kind=question.kind,
        rank=gold_rank(items, question.gold_ids),
        gold_words_first=gold_words_within(items, question.gold_substring, 1),
        gold_words_top5=gold_words_within(items, question.gold_substring, TOP),
        speaker_score=(speaker_score(items, question.gold_substring, question.speaker)
                       if question.speaker else None),
        items=len(items),
        verbatim_failures=len(verbatim_failures(items, articles)),
        latency_ms=latency_ms,
    )


@dataclass(frozen=True)
class Report:
    """One mode's summary. Rates are over all questions (errors count as misses)."""

    mode: str
    questions: int
    errors: int
    recall_at_1: float
    recall_at_5: float
    mrr_at_10: float
    gold_words_first: float
    gold_words_top5: float
    speaker_accuracy: float | None  # over questions with a speaker and a judgeable quote
    speaker_judged: int
    speaker_questions: int
    verbatim_rate: float | None  # share of shown items that are exact slices; None if none
    items_shown: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    recall_at_5_by_kind: dict[str, float] = field(default_factory=dict)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def summarise(mode: str, results: Sequence[QuestionResult], speaker_questions: int = 0) -> Report:
    """Aggregate per-question results into one row of the comparison table."""
    answered = [r for r in results if r.error is None]
    judged = [r.speaker_score for r in answered if r.speaker_score is not None]
    items = sum(r.items for r in answered)
    latencies = [r.latency_ms for r in answered]
    by_kind: dict[str, float] = {}
    for kind in sorted({r.kind for r in results}):
        same = [r for r in results if r.kind == kind]
        by_kind[kind] = _mean([r.rank is not None and r.rank <= TOP for r in same])
    return Report(
        mode=mode,
        questions=len(results),
        errors=len(results) - len(answered),
        recall_at_1=_mean([r.rank == 1 for r in results]),
        recall_at_5=_mean([r.rank is not None and r.rank <= TOP for r in results]),
        mrr_at_10=_mean([reciprocal_rank(r.rank, 10) for r in results]),
        gold_words_first=_mean([r.gold_words_first for r in results]),
        gold_words_top5=_mean([r.gold_words_top5 for r in results]),
        speaker_accuracy=_mean(judged) if judged else None,
        speaker_judged=len(judged),
        speaker_questions=speaker_questions,
        verbatim_rate=1 - sum(r.verbatim_failures for r in answered) / items if items else None,
        items_shown=items,
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        recall_at_5_by_kind=by_kind,
    )


def format_table(reports: Sequence[Report]) -> str:
    """Metrics as rows, modes as columns: the side-by-side view for comparing retrieval."""

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f}%"

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f} ms"

    rows: list[tuple[str, Callable[[Report], str]]] = [
        ("questions", lambda r: str(r.questions)),
        ("errors", lambda r: str(r.errors)),
        ("Recall@1 (gold article)", lambda r: pct(r.recall_at_1)),
        ("Recall@5 (gold article)", lambda r: pct(r.recall_at_5)),
        ("MRR@10", lambda r: f"{r.mrr_at_10:.3f}"),
        ("gold words in first item", lambda r: pct(r.gold_words_first)),
        ("gold words in first 5 items", lambda r: pct(r.gold_words_top5)),
        ("speaker accuracy", lambda r: f"{pct(r.speaker_accuracy)} "
                                       f"({r.speaker_judged}/{r.speaker_questions} judged)"),
        ("verbatim items", lambda r: f"{pct(r.verbatim_rate)} of {r.items_shown}"),
        ("latency p50", lambda r: ms(r.latency_p50_ms)),
        ("latency p95", lambda r: ms(r.latency_p95_ms)),
    ]
    kinds = sorted({k for r in reports for k in r.recall_at_5_by_kind})
    for kind in kinds:
        rows.append((f"Recall@5 {kind}",
                     lambda r, kind=kind: pct(r.recall_at_5_by_kind.get(kind))))
    table = [["metric", *(r.mode for r in reports)]]
    table += [[label, *(cell(r) for r in reports)] for label, cell in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths, strict=True)))
             for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- running the pipeline ----------------------------------------------------------------


def default_corpus() -> list[Path]:
    """The corpus the dev set was written against: the seed plus every shared dataset."""
    return [ROOT / "corpus", *sorted((ROOT.parent / "shared" / "data").glob("*/*.jsonl"))]


def load_article_texts(paths: Iterable[Path]) -> dict[str, str]:
    """Article id -> text, read with the same loader the index build uses.

    Unreadable paths are reported on stderr, not fatal: the verbatim check then fails only
    for items from the missing articles, which the table makes visible.
    """
    texts: dict[str, str] = {}
    for item in load(paths):
        if isinstance(item, Article):
            texts[item.id] = item.text
        elif isinstance(item, Problem) and item.line is None:
            print(f"warning: {item}", file=sys.stderr)
    return texts


class Pipeline(Protocol):
    """What the harness needs of `bot.answer.Answerer`: `mode` is passed only for dense/bm25."""

    def ask(self, question: str, k: int = 10, **kwargs: Any) -> Answer: ...


def open_answerer(index_dir: Path | None) -> Pipeline:
    """Open the shipped pipeline (imported here: it loads the model)."""
    from bot.answer import Answerer
    from index.config import IndexSettings

    settings = IndexSettings(index_dir=index_dir) if index_dir else IndexSettings()
    return Answerer.open(settings)  # type: ignore[no-any-return]


def run_mode(answerer: Pipeline, mode: Mode, questions: Sequence[Question],
             articles: Mapping[str, str], k: int) -> list[QuestionResult]:
    """Ask every question in one retrieval mode ("shipped" passes no mode: the real path)."""
    ask = answerer.ask
    extra: dict[str, Any] = {} if mode == "shipped" else {"mode": mode}
    if questions:  # warm-up, untimed: model loading is not query latency
        with contextlib.suppress(Exception):  # the timed call below records any error
            ask(questions[0].question, k=k, **extra)
    results = []
    for question in questions:
        started = time.perf_counter()
        try:
            answer = ask(question.question, k=k, **extra)
        except Exception as exc:  # noqa: BLE001 - one failing question must not stop the run
            results.append(QuestionResult(question.id, question.kind, None, False, False, None,
                                          0, 0, 0.0, error=f"{type(exc).__name__}: {exc}"))
            continue
        latency_ms = 1000 * (time.perf_counter() - started)
        results.append(score_answer(question, answer, articles, latency_ms))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.evaluate", description=__doc__)
    parser.add_argument("questions", type=Path, help="question set, e.g. eval/dev.jsonl")
    parser.add_argument("--index-dir", type=Path, default=None,
                        help="index directory (default: IndexSettings, i.e. env/.env)")
    parser.add_argument("-k", type=int, default=10, help="items to ask for (default 10)")
    parser.add_argument("--mode", choices=[*MODES, "all"], default="shipped",
                        help="retrieval to score; 'all' compares them side by side")
    parser.add_argument("--corpus", type=Path, nargs="+", default=None,
                        help="article files for the verbatim check (default: corpus/ and "
                             "../shared/data/*/*.jsonl)")
    parser.add_argument("--json", action="store_true", help="print JSON, with per-question rows")
    parser.add_argument("--misses", action="store_true",
                        help="also list questions whose gold article is not in the top 5")
    args = parser.parse_args(argv)

    try:
        questions = load_questions(args.questions)
    except (OSError, QuestionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        answerer = open_answerer(args.index_dir)
    except (IndexProblem, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    articles = load_article_texts(args.corpus or default_corpus())
    unknown = sorted({q.gold_article_id for q in questions} - articles.keys())
    if unknown:
        print(f"warning: gold articles not in the corpus given: {', '.join(unknown[:5])}",
              file=sys.stderr)

    modes = MODES if args.mode == "all" else (args.mode,)
    speaker_questions = sum(q.speaker is not None for q in questions)
    reports, per_mode = [], {}
    for mode in modes:
        results = run_mode(answerer, mode, questions, articles, args.k)
        per_mode[mode] = results
        reports.append(summarise(mode, results, speaker_questions))

    if args.json:
        print(json.dumps({"questions": str(args.questions), "k": args.k,
                          "reports": [asdict(r) for r in reports],
                          "results": {m: [asdict(r) for r in rs] for m, rs in per_mode.items()}},
                         indent=2))
    else:
        print(format_table(reports))
        if args.misses:
            by_id = {q.id: q for q in questions}
            for mode, results in per_mode.items():
                for r in results:
                    if r.rank is None or r.rank > TOP:
                        why = r.error or f"rank {r.rank}"
                        print(f"[{mode}] miss {r.id}: {by_id[r.id].question!r} ({why})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
