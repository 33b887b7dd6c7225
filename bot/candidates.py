"""What flows between the answer stages: the `Query` every stage reads, and `Candidate`s.

A candidate is a passage (a chunk) or a statement (a quote or reported statement) with the text
and fields the later stages need, so a ranker or a judge of answerability never reaches back
into the index. Retrievers make them, joiners merge them, rankers score them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from bot.question import Question
from index.search import Mode
from index.speakers import source_of

CandidateKind = Literal["passage", "statement"]


@dataclass(frozen=True)
class Query:
    """The question as the stages read it: understood, embedded and weighed."""

    question: Question
    text: str  # what retrieval searches for: the topic, else the whole question
    vector: np.ndarray  # `text` embedded
    speaker_vector: np.ndarray | None  # the speaker phrase embedded, when there is one
    weights: dict[str, float]  # `text`'s content words (stemmed) with their IDF
    unknown_weight: float  # the weight of `text`'s words no article has (they count as missed)
    mode: Mode = "hybrid"
    allowed: np.ndarray | None = None  # article rows the dates and source allow; None: all

    @property
    def total_weight(self) -> float:
        return sum(self.weights.values()) + self.unknown_weight


@dataclass(frozen=True)
class Candidate:
    """A passage or a statement, and what each stage has found out about it."""

    kind: CandidateKind
    id: int  # chunk id or statement id
    article_row: int
    start: int  # the record's span in its article: the chunk, or the quoted words
    end: int
    text: str  # the article's text of that span
    context: str  # what scoring reads around it: the title and the sentences holding it
    title: str = ""
    speaker: str | None = None
    role: str | None = None
    speaker_id: int = -1
    reported: bool = False
    lede: bool = False  # a chunk opening its article
    dense: float | None = None  # cosine of its own vector to the query
    lexical: float | None = None  # its BM25 score over the best of its list (0..1)
    chunk_dense: float | None = None  # a statement: the cosine of the chunk holding it
    chunk_lexical: float | None = None  # ... and that chunk's BM25 score over the best passage's
    cover: float = 0.0  # share of the question's word weight its text holds (set by rankers)
    cover_context: float = 0.0  # ... its context holds
    score: float = 0.0  # the ranker's
    found_by: frozenset[str] = field(default_factory=frozenset)  # the retrievers that found it

    def but(self, **changes: object) -> Candidate:
        """A copy with some fields changed: `dataclasses.replace` without its checks, which
        cost ~3 ms an ask over a few hundred candidates."""
        new = object.__new__(Candidate)
        new.__dict__.update(self.__dict__, **changes)
        return new

    @property
    def key(self) -> tuple[CandidateKind, int]:
        return self.kind, self.id

    @property
    def source(self) -> str | None:
        """Who the statement is by (`index.speakers.source_of`); None: unattributed."""
        return source_of(self.speaker, self.role)

    @property
    def attributed(self) -> bool:
        """A statement given to someone (a named speaker or a described source)."""
        return self.source is not None
