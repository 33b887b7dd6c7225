"""Joiner: one list of candidates from several retrievers, each record once.

A record two retrievers found keeps the best of each score and the names of both, so a ranker
sees that a statement was found by its own words and also sits in the best passage.
"""

from __future__ import annotations

from bot.candidates import Candidate


def _best(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def join(*lists: list[Candidate]) -> list[Candidate]:
    """Merge by record, in order of first appearance."""
    merged: dict[tuple[str, int], Candidate] = {}
    for candidates in lists:
        for c in candidates:
            seen = merged.get(c.key)
            merged[c.key] = c if seen is None else seen.but(
                dense=_best(seen.dense, c.dense), lexical=_best(seen.lexical, c.lexical),
                chunk_dense=_best(seen.chunk_dense, c.chunk_dense),
                chunk_lexical=_best(seen.chunk_lexical, c.chunk_lexical),
                found_by=seen.found_by | c.found_by)
    return list(merged.values())
