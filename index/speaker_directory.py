"""The speaker directory of a new generation: made from every statement, or updated from the
live one's when only a few speakers changed.

An update adds a few hundred statements to ~77k; of the directory's ~4k entries
(`speakers.speaker_entries`) only those of the speakers the added and removed statements
name can change. Those are made again from their own statements (an entry depends on no
other speaker's); the others keep their live text and count. Keys are sorted again, so ids
move: the kept statements' speaker ids are remapped as one array. The directory is made
from all statements when the acronyms changed (an entry's text names them, so any entry may
change) or when more than `MAX_CHANGED` speakers did (then the partial update saves nothing).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from index import schema, statements, store
from index.speakers import source_of, speaker_entries

MAX_CHANGED = 500
Triple = tuple[str | None, str | None, str | None]  # speaker, role, cue


@dataclass
class Directory:
    """Entries by id: key (sorted), text embedded, statements, key of the text."""

    rows: list[tuple[str, str, int, str]]

    @classmethod
    def made(cls, counted: Mapping[Triple, int] | Iterable[Triple],
             acronyms: Mapping[str, str]) -> Directory:
        """From (speaker, role, cue) triples, or their counts in the order first met."""
        rows = []
        for entry in speaker_entries(counted):
            text = entry.text(acronyms)
            rows.append((entry.key, text, entry.statements, statements.text_key(text)))
        return cls(rows)

    @classmethod
    def read(cls, db: sqlite3.Connection) -> Directory:
        return cls([(key, text, n, search_key) for _, key, text, n, search_key in schema.speakers(db)])

    @property
    def keys(self) -> list[str]:
        return [r[0] for r in self.rows]

    @property
    def texts(self) -> list[str]:
        return [r[1] for r in self.rows]

    def ids(self) -> dict[str, int]:
        return {r[0]: i for i, r in enumerate(self.rows)}

    def remap(self, old: Directory) -> np.ndarray:
        """New id by old id (index `store.NO_SPEAKER` = -1, the last, stays unattributed)."""
        ids = self.ids()
        return np.array([ids.get(key, store.NO_SPEAKER) for key in old.keys] + [store.NO_SPEAKER],
                        dtype=np.int64)


def updated(live_db: sqlite3.Connection, kept_quotes: int, added: list[Triple],
            acronyms: Mapping[str, str]) -> tuple[Directory, Directory] | None:
    """(the new directory, the live one), the new made from the live one for the speakers
    the statements `added` after the first `kept_quotes` and the live ones removed from
    there name; None when it must be made whole (see the module's docstring)."""
    if dict(acronyms) != schema.acronyms(live_db):
        return None
    removed = schema.pairs_from(live_db, kept_quotes)
    changed = {source_of(s, r) for s, r in removed} | {source_of(s, r) for s, r, _ in added}
    changed.discard(None)
    if len(changed) > MAX_CHANGED:
        return None
    live = Directory.read(live_db)
    live_ids = live.ids()
    counted: Counter[Triple] = Counter()
    ids = [live_ids[k] for k in changed if k in live_ids]
    for speaker, role, cue, n in (schema.triple_counts(live_db, kept_quotes, ids) if ids else []):
        counted[speaker, role, cue] += n
    counted.update(added)
    remade = {row[0]: row for row in Directory.made(counted, acronyms).rows}
    rows = {row[0]: row for row in live.rows if row[0] not in changed} | remade
    return Directory([rows[key] for key in sorted(rows)]), live


def counted_before(live_db: sqlite3.Connection, kept_quotes: int, added: list[Triple]
                   ) -> Counter[Triple]:
    """Every statement's triple counted, the live generation's first `kept_quotes` from its
    SQLite file (grouped there, in the order first met), then `added`."""
    counted: Counter[Triple] = Counter()
    for speaker, role, cue, n in schema.triple_counts(live_db, kept_quotes):
        counted[speaker, role, cue] += n
    counted.update(added)
    return counted
