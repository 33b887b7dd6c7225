"""What a reader sees, scored: the metrics of `python -m eval`, pure functions of an `Answer`.

Items are read in the order a user sees them (the answer's kind first: quotes, then passages, or
passages, then quotes). Per answerable question: is the gold article there and how high, are the
gold words in the first item(s), is the answering quote shown as the named speaker's; per
unanswerable one: did the bot say it has no answer. Every shown text must be a verbatim slice of
its article. No model and no index here, so all of it is unit-tested on hand-made answers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.schema import Answer
from eval.questions import Question

TOP = 5  # "first five items": what fits on a phone screen


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
    """The answer's items in reading order: its kind's items first (see `Answer.kind`)."""
    quotes = [
        Shown("quote", q.text, q.article.id, tuple(a.id for a in q.also_in), q.speaker)
        for q in answer.quotes
    ]
    passages = [Shown("passage", p.text, p.article.id) for p in answer.passages]
    return passages + quotes if answer.kind == "passages" else quotes + passages


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


def speaker_quote_within(items: Sequence[Shown], gold_substring: str, gold_speaker: str,
                         n: int = TOP) -> bool:
    """Is the answer shown as the named person's quote: one of the first `n` items a quote
    holding the gold words and given to that speaker (the words inside a passage do not count:
    the reader is not told who said them)?"""
    return any(item.kind == "quote" and contains_gold(item.text, gold_substring)
               and names_speaker(item.speaker, gold_speaker) for item in items[:n])


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
    """How one answer scored; `error` is set (and the rest empty) when the pipeline raised.
    For an unanswerable question only `refused`, `items` and the verbatim count mean anything."""

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
    answerable: bool = True
    refused: bool = False  # the answer's kind is "none"
    speaker_quote_top5: bool | None = None  # None: the answer is no named person's quote
    named_by: str | None = None


def score_answer(question: Question, answer: Answer, articles: Mapping[str, str],
                 latency_ms: float) -> QuestionResult:
    """All per-question metrics of one answer."""
    items = shown_items(answer)
    common = dict(id=question.id, kind=question.kind, items=len(items),
                  verbatim_failures=len(verbatim_failures(items, articles)),
                  latency_ms=latency_ms, answerable=question.answerable,
                  refused=answer.kind == "none", named_by=question.named_by)
    if not question.answerable:
        return QuestionResult(rank=None, gold_words_first=False, gold_words_top5=False,
                              speaker_score=None, **common)  # type: ignore[arg-type]
    gold = question.gold_substring or ""
    return QuestionResult(
        rank=gold_rank(items, question.gold_ids),
        gold_words_first=gold_words_within(items, gold, 1),
        gold_words_top5=gold_words_within(items, gold, TOP),
        speaker_score=(speaker_score(items, gold, question.speaker) if question.speaker else None),
        speaker_quote_top5=(speaker_quote_within(items, gold, question.speaker)
                            if question.speaker else None),
        **common,  # type: ignore[arg-type]
    )


def error_result(question: Question, error: str) -> QuestionResult:
    """A question the pipeline raised on: a miss everywhere (and no refusal)."""
    return QuestionResult(question.id, question.kind, None, False, False, None, 0, 0, 0.0,
                          error=error, answerable=question.answerable,
                          speaker_quote_top5=False if question.speaker else None,
                          named_by=question.named_by)


@dataclass(frozen=True)
class Report:
    """One mode's summary. Answer metrics are over the answerable questions (errors count as
    misses); `none_recall` and `none_precision` judge the "no answer" replies."""

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
    answerable: int = 0
    unanswerable: int = 0
    speaker_quote_top5: float | None = None  # named person's quote shown as theirs, top five
    none_recall: float | None = None  # unanswerable questions answered "none"
    none_precision: float | None = None  # "none" answers that were right
    wrongly_refused: float | None = None  # answerable questions answered "none"
    gold_words_first_by_named: dict[str, float] = field(default_factory=dict)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _rate(values: Sequence[bool]) -> float | None:
    return _mean(values) if values else None


def summarise(mode: str, results: Sequence[QuestionResult], speaker_questions: int = 0) -> Report:
    """Aggregate per-question results into one row of the comparison table."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    answered = [r for r in results if r.error is None]
    judged = [r.speaker_score for r in answered if r.speaker_score is not None]
    items = sum(r.items for r in answered)
    latencies = [r.latency_ms for r in answered]
    by_kind = {kind: _mean([r.rank is not None and r.rank <= TOP
                            for r in answerable if r.kind == kind])
               for kind in sorted({r.kind for r in answerable})}
    by_named = {named: _mean([r.gold_words_first for r in answerable if r.named_by == named])
                for named in sorted({r.named_by for r in answerable if r.named_by})}
    refusals = [r for r in results if r.refused]
    return Report(
        mode=mode,
        questions=len(results),
        errors=len(results) - len(answered),
        recall_at_1=_mean([r.rank == 1 for r in answerable]),
        recall_at_5=_mean([r.rank is not None and r.rank <= TOP for r in answerable]),
        mrr_at_10=_mean([reciprocal_rank(r.rank, 10) for r in answerable]),
        gold_words_first=_mean([r.gold_words_first for r in answerable]),
        gold_words_top5=_mean([r.gold_words_top5 for r in answerable]),
        speaker_accuracy=_mean(judged) if judged else None,
        speaker_judged=len(judged),
        speaker_questions=speaker_questions,
        verbatim_rate=1 - sum(r.verbatim_failures for r in answered) / items if items else None,
        items_shown=items,
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        recall_at_5_by_kind=by_kind,
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        speaker_quote_top5=_rate([bool(r.speaker_quote_top5) for r in answerable
                                  if r.speaker_quote_top5 is not None]),
        none_recall=_rate([r.refused for r in unanswerable]),
        none_precision=_rate([not r.answerable for r in refusals]),
        wrongly_refused=_rate([r.refused for r in answerable]),
        gold_words_first_by_named=by_named,
    )


def format_table(reports: Sequence[Report]) -> str:
    """Metrics as rows, modes as columns: the side-by-side view for comparing retrieval."""

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f}%"

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f} ms"

    rows: list[tuple[str, Callable[[Report], str]]] = [
        ("questions (answerable / not)", lambda r: f"{r.questions} ({r.answerable} / {r.unanswerable})"),
        ("errors", lambda r: str(r.errors)),
        ("Recall@1 (gold article)", lambda r: pct(r.recall_at_1)),
        ("Recall@5 (gold article)", lambda r: pct(r.recall_at_5)),
        ("MRR@10", lambda r: f"{r.mrr_at_10:.3f}"),
        ("gold words in first item", lambda r: pct(r.gold_words_first)),
        ("gold words in first 5 items", lambda r: pct(r.gold_words_top5)),
        ("named speaker's quote in first 5", lambda r: pct(r.speaker_quote_top5)),
        ("speaker accuracy", lambda r: f"{pct(r.speaker_accuracy)} "
                                       f"({r.speaker_judged}/{r.speaker_questions} judged)"),
        ("unanswerable said so (recall)", lambda r: pct(r.none_recall)),
        ("'none' answers right (precision)", lambda r: pct(r.none_precision)),
        ("answerable refused", lambda r: pct(r.wrongly_refused)),
        ("verbatim items", lambda r: f"{pct(r.verbatim_rate)} of {r.items_shown}"),
        ("latency p50", lambda r: ms(r.latency_p50_ms)),
        ("latency p95", lambda r: ms(r.latency_p95_ms)),
    ]
    for kind in sorted({k for r in reports for k in r.recall_at_5_by_kind}):
        rows.append((f"Recall@5 {kind}",
                     lambda r, kind=kind: pct(r.recall_at_5_by_kind.get(kind))))
    for named in sorted({k for r in reports for k in r.gold_words_first_by_named}):
        rows.append((f"first item, speaker named by {named}",
                     lambda r, named=named: pct(r.gold_words_first_by_named.get(named))))
    table = [["metric", *(r.mode for r in reports)]]
    table += [[label, *(cell(r) for r in reports)] for label, cell in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths, strict=True)))
             for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
