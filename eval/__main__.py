"""Score the answer pipeline on a question set: `python -m eval eval/readers-dev.jsonl`.

    python -m eval SET [--index-dir DIR] [-k 10] [--mode shipped|dense|bm25|all] [--json] [--misses]

Asks `bot.answer.Answerer` every question of the set and prints the metrics of `eval.metrics`,
one column per retrieval mode. It answers questions, so it sits above `bot/`; only this module
touches the index and the model.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal, Protocol

from bot.schema import Answer
from eval.metrics import TOP, QuestionResult, error_result, format_table, score_answer, summarise
from eval.questions import Question, QuestionError, load_questions
from index.articles import Article, Problem, load
from index.embed import ModelError
from index.store import IndexProblem

ROOT = Path(__file__).resolve().parents[1]
Mode = Literal["shipped", "dense", "bm25"]
MODES: tuple[Mode, ...] = ("shipped", "dense", "bm25")


def default_corpus() -> list[Path]:
    """The corpus the sets were written against: the seed plus every shared dataset."""
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
            results.append(error_result(question, f"{type(exc).__name__}: {exc}"))
            continue
        latency_ms = 1000 * (time.perf_counter() - started)
        results.append(score_answer(question, answer, articles, latency_ms))
    return results


def _misses(questions: Sequence[Question], per_mode: Mapping[str, list[QuestionResult]]) -> list[str]:
    by_id = {q.id: q for q in questions}
    lines = []
    for mode, results in per_mode.items():
        for r in results:
            q = by_id[r.id]
            if r.error:
                why = r.error
            elif not r.answerable:
                why = None if r.refused else "answered, but the corpus has no answer"
            elif r.refused:
                why = "refused, but answerable"
            elif not r.gold_words_top5:
                why = f"gold words not in the first {TOP} (article rank {r.rank})"
            else:
                why = None
            if why:
                lines.append(f"[{mode}] {r.id}: {q.question!r} ({why})")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n")[0])
    parser.add_argument("questions", type=Path, help="question set, e.g. eval/readers-dev.jsonl")
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
                        help="also list the questions missed: gold words not in the first five, "
                             "a wrong refusal, an answer where there is none")
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
    unknown = sorted({q.gold_article_id for q in questions if q.gold_article_id} - articles.keys())
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
            print("\n".join(_misses(questions, per_mode)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
