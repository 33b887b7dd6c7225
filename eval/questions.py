"""The question sets' format (eval/README.md says what each field means), checked line by line.

Two sorts of line: an answerable question with its gold article and gold words, and a question
the corpus cannot answer (`kind` "none"), with the name or topic no article mentions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from index.articles import jsonl_records

KINDS = ("who_said_what", "speaker", "org", "event", "captured")
NONE = "none"  # the kind of a question the corpus cannot answer
NAMED_BY = ("name", "surname", "title", "description", "organisation", "acronym", "capital")
WHY_NONE = ("person", "topic")


@dataclass(frozen=True)
class Question:
    """One line of a question set. Gold fields are None for an unanswerable question."""

    id: str
    question: str
    kind: str
    gold_article_id: str | None = None
    gold_article_title: str | None = None
    gold_substring: str | None = None
    speaker: str | None = None
    date: str | None = None
    also_gold_article_ids: tuple[str, ...] = ()
    named_by: str | None = None  # how the question names the speaker (reader's-words sets)
    absent: str | None = None  # unanswerable: the name or topic words no article holds
    why: str | None = None  # unanswerable: "person" or "topic"

    @property
    def answerable(self) -> bool:
        return self.kind != NONE

    @property
    def gold_ids(self) -> frozenset[str]:
        """Every article that answers the question (duplicate bodies count as the same)."""
        if self.gold_article_id is None:
            return frozenset()
        return frozenset((self.gold_article_id, *self.also_gold_article_ids))


class QuestionError(ValueError):
    """A question line is malformed; the message names the line."""


_GOLD = ("gold_article_id", "gold_article_title", "gold_substring", "date")


def _text(record: Mapping[str, object], name: str, prefix: str, optional: bool = False) -> str | None:
    value = record.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise QuestionError(f"{prefix}field {name!r} must be a non-empty string"
                            + (" or null" if optional else ""))
    return value


def parse_question(record: Mapping[str, object], where: str = "") -> Question:
    """Check one record's fields and build a Question."""
    prefix = f"{where}: " if where else ""
    id_, text, kind = (_text(record, n, prefix) for n in ("id", "question", "kind"))
    assert id_ is not None and text is not None and kind is not None
    if kind == NONE:
        given = [n for n in (*_GOLD, "speaker") if record.get(n) is not None]
        if given:
            raise QuestionError(f"{prefix}an unanswerable question has no {given[0]!r}")
        why = _text(record, "why", prefix)
        if why not in WHY_NONE:
            raise QuestionError(f"{prefix}why {why!r} is not one of {WHY_NONE}")
        return Question(id=id_, question=text, kind=kind, absent=_text(record, "absent", prefix),
                        why=why)
    if kind not in KINDS:
        raise QuestionError(f"{prefix}kind {kind!r} is not one of {(*KINDS, NONE)}")
    gold = {n: _text(record, n, prefix) for n in _GOLD}
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(gold["date"])):
        raise QuestionError(f"{prefix}date {gold['date']!r} is not YYYY-MM-DD")
    also = record.get("also_gold_article_ids") or []
    if not isinstance(also, list) or not all(isinstance(a, str) and a for a in also):
        raise QuestionError(f"{prefix}'also_gold_article_ids' must be a list of ids")
    named_by = _text(record, "named_by", prefix, optional=True)
    if named_by is not None and named_by not in NAMED_BY:
        raise QuestionError(f"{prefix}named_by {named_by!r} is not one of {NAMED_BY}")
    return Question(id=id_, question=text, kind=kind, speaker=_text(record, "speaker", prefix, True),
                    also_gold_article_ids=tuple(also), named_by=named_by, **gold)


def load_questions(path: Path) -> list[Question]:
    """Read a JSON Lines question set; blank lines are skipped, anything else must parse."""
    questions: list[Question] = []
    for number, record in jsonl_records(path):
        if isinstance(record, str):
            raise QuestionError(f"{path}:{number}: {record}")
        questions.append(parse_question(record, where=f"{path}:{number}"))
    return questions
