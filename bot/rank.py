"""Rankers: candidates in, the same candidates scored and ordered out.

`FeatureRanker` scores passages and statements on one scale from features every candidate
carries: its own cosine to the question, its chunk's (a quote's story), BM25, how much of the
question's word weight (IDF) its words and its context hold, and for statements the speaker
match, whether it is attributed, its length and whether it is only reported speech. Weights
are set on the dev sets (eval/README.md). Any object with `rank(query, speakers, candidates)`
can take its place, a learned ranker or a cross-encoder, without touching the other stages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from bot.candidates import Candidate, Query
from bot.excerpts import FULL_QUOTE_WORDS
from bot.speakers import Speakers
from index.lexical import held_terms

HEAD = 40  # statements scored in full (the words of each are read), after a first pass


@dataclass(frozen=True)
class Weights:
    """Set by coordinate search on the dev sets (eval/dev.jsonl, eval/readers-dev.jsonl and
    eval/readers-dev2.jsonl, eval/README.md); a weight at 0 measured no help there but keeps
    its feature for rankers to come."""

    own: float = 0.0  # a statement's own cosine: it finds statements, but ranks no better
    chunk: float = 0.9  # a statement's chunk's cosine (its story)
    lexical: float = 0.10  # BM25 over the best of its list
    cover: float = 0.20  # share of the question's word weight in the statement itself
    context: float = 0.0  # ... in the title and sentences around it
    passage_dense: float = 0.5  # a passage: share of its cosine (over the best) beside BM25
    passage_cover: float = 0.20
    lede: float = 0.10  # a chunk opening its article (news leads with who, what, where, when)
    length: float = 0.05  # whole statements before fragments
    unattributed: float = 0.15  # a quote the article gives to no one
    reported: float = 0.25  # reported speech after the speaker's own words
    speaker: float = 0.60  # a statement by the speaker asked about, times the match confidence
    other_speaker: float = 0.60  # a statement by anyone else, when a speaker is asked about
    mentions: float = 0.10  # a passage naming the speaker asked about
    in_story: float = 0.0  # a statement inside one of the passages retrieved for the question
    chunk_lexical: float = 0.10  # a statement: its chunk's BM25 (over the best passage's)


class Ranker(Protocol):
    def rank(self, query: Query, speakers: Speakers,
             candidates: list[Candidate]) -> list[Candidate]: ...


def coverage(query: Query, texts: list[str]) -> list[float]:
    """For each text, the share of the question's word weight it holds (words no article
    holds count against every text)."""
    total = query.total_weight
    if total <= 0:
        return [0.0] * len(texts)
    held = held_terms(texts, set(query.weights))
    return [sum(query.weights[t] for t in terms) / total for terms in held]


class FeatureRanker:
    def __init__(self, weights: Weights | None = None):
        self.weights = weights or Weights()

    def _first_pass(self, c: Candidate, speakers: Speakers) -> float:
        """A cheap score to pick the `HEAD` candidates worth reading word by word."""
        w = self.weights
        dense = c.dense or 0.0
        score = (dense if c.kind == "passage" else w.own * dense + w.chunk * (c.chunk_dense or 0.0))
        score += (w.lexical * (c.lexical or 0.0) + w.in_story * ("in-passages" in c.found_by)
                  + w.chunk_lexical * (c.chunk_lexical or 0.0))
        if speakers.phrase and c.kind == "statement":
            match = speakers.confidence(c.speaker_id)
            score += w.speaker * match if match else -w.other_speaker
        return score

    def rank(self, query: Query, speakers: Speakers, candidates: list[Candidate]) -> list[Candidate]:
        w = self.weights
        use_words = query.mode != "dense"
        # every passage is scored (a passage shown is widened by its retrieved neighbours);
        # of the statements, the `HEAD` best by a cheap first pass
        statements = sorted((c for c in candidates if c.kind == "statement"),
                            key=lambda c: -self._first_pass(c, speakers))[:HEAD]
        candidates = [c for c in candidates if c.kind == "passage"] + statements
        # the words each holds are measured in every mode (the judge of answerability reads
        # them), and count in the score unless the mode is dense only
        held = coverage(query, [c.text for c in candidates])
        around = coverage(query, [c.context for c in candidates])
        cover = held if use_words else [0.0] * len(candidates)
        context = around if use_words else [0.0] * len(candidates)
        names = _name_words(speakers)
        topic = bool(query.question.topic)
        top_dense = max((c.dense or 0.0 for c in candidates if c.kind == "passage"), default=1.0) or 1.0
        scored = []
        for c, own, ctx, own_held, ctx_held in zip(candidates, cover, context, held, around):
            dense = 0.0 if query.mode == "bm25" else (c.dense or 0.0)
            lexical = (c.lexical or 0.0) if use_words else 0.0
            if c.kind == "passage":  # fused as the search fuses: cosine over the best one's
                score = (w.passage_dense * dense / top_dense + (1 - w.passage_dense) * lexical
                         + w.passage_cover * own + w.lede * c.lede)
                if names and any(n in c.text.lower() for n in names):
                    score += w.mentions
            else:
                words = len(c.text.split())
                chunk = 0.0 if query.mode == "bm25" else (c.chunk_dense or 0.0)
                score = (w.own * dense + w.chunk * chunk + w.lexical * lexical + w.cover * own
                         + w.context * ctx + w.length * min(1.0, words / FULL_QUOTE_WORDS)
                         - w.unattributed * (not c.attributed) - w.reported * c.reported
                         + w.in_story * ("in-passages" in c.found_by)
                         + w.chunk_lexical * (c.chunk_lexical or 0.0) * use_words)
                if not topic:  # "what did Lavrov say?": whole statements, then fragments
                    score = w.length * min(1.0, words / FULL_QUOTE_WORDS) - w.reported * c.reported
                if speakers.phrase:
                    match = speakers.confidence(c.speaker_id)
                    score += w.speaker * match if match else -w.other_speaker
            scored.append(c.but(score=score, cover=own_held, cover_context=ctx_held))
        return sorted(scored, key=lambda c: -c.score)


def _name_words(speakers: Speakers) -> list[str]:
    """Lower-case words of the matched speakers' names (4+ letters), for "names them"."""
    words: set[str] = set()
    for m in speakers.matches[:5]:
        words.update(w.lower() for w in re.findall(r"[\w’'-]{4,}", m.key))
    return sorted(words)
