"""Every distinct (speaker, role) pair of an index, and a cheap test over all of them at once.

A speaker question ("what did the ICRC say?") must find the pairs that a user's name for
someone means. The full matcher (`index.quotes.speaker_matches`) is too slow to run over every
pair of a corpus, so a necessary condition picks the candidates first: the pair's text holds one
of the question's name words, or an acronym, or words starting with all of an acronym's letters.
Tested pair by pair in Python that test alone took 10-15 ms per new name at 100k chunks (3,500
pairs); here it is a substring search over one string and a bit mask per pair.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import numpy as np

Pair = tuple[str | None, str | None]


@dataclass(frozen=True)
class NameHints:
    """What a pair's lower-case "speaker role" text must show to possibly match: one of
    `words`, or an acronym (lower case, letters only) or all of its letters as word initials.
    With neither, every pair is a candidate."""

    words: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()


def _letters(text: str) -> int:
    """Bit mask of the letters a-z in `text`."""
    mask = 0
    for c in text:
        if "a" <= c <= "z":
            mask |= 1 << (ord(c) - 97)
    return mask


class SpeakerTable:
    def __init__(self, pairs: list[Pair]):
        self.pairs = pairs
        texts = [f"{s or ''} {r or ''}".lower() for s, r in pairs]
        self._blob = "\n".join(texts)  # needles never hold "\n": a hit lies inside one pair
        self._starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]).tolist()
        # Only a-z matter: acronyms are letters. A pair's initials are those of its \w+ runs.
        self._initials = np.array([_letters("".join(w[0] for w in re.findall(r"\w+", t)))
                                   for t in texts], dtype=np.int64)

    def candidates(self, hints: NameHints) -> list[Pair]:
        """The pairs that pass `hints`, in table order."""
        needles = (*hints.words, *hints.acronyms)
        if not needles or "" in needles:
            return list(self.pairs)
        found = np.zeros(len(self.pairs), dtype=bool)
        for needle in needles:
            at = self._blob.find(needle)
            while at >= 0:
                i = bisect.bisect_right(self._starts, at) - 1
                found[i] = True
                at = (self._blob.find(needle, self._starts[i + 1])
                      if i + 1 < len(self._starts) else -1)
        for acronym in hints.acronyms:
            need = _letters(acronym)
            found |= (self._initials & need) == need
        return [self.pairs[i] for i in np.flatnonzero(found)]
