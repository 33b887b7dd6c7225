"""Who speaks in the corpus: the directory of speakers the build keeps, and the table of
(speaker, role) pairs with a cheap test over all of them at once.

The directory has one entry per source (`source_of`: a name, or the article's description of
an unnamed source) with every role and description the articles give it ("Russian Foreign
Minister", "the top Russian diplomat"), written out as one text the build embeds, so a reader's
"Russia's top diplomat" finds Lavrov by meaning as well as by name.

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
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from index.quotes.vocab import _VERB_RE

Pair = tuple[str | None, str | None]
MAX_ROLES, MAX_DESCRIPTIONS = 4, 3  # of an entry's most frequent, in its embedded text


def source_of(speaker: str | None, role: str | None) -> str | None:
    """Who a statement is given to: the speaker's name, else the article's description of the
    source ("a Syrian source inside the camp"), else None (unattributed). The one place that
    says it: grouping, the directory and the ranking all ask here."""
    return speaker or role


@dataclass(frozen=True)
class SpeakerEntry:
    """One source of the directory: its key (`source_of`), roles and the descriptions cues
    give it, most frequent first, and how many statements it has."""

    key: str
    roles: tuple[str, ...]
    descriptions: tuple[str, ...]
    statements: int

    def text(self, acronyms: Mapping[str, str]) -> str:
        """What the build embeds: the key, its roles and descriptions, and the long form of any
        acronym in them ("ICRC" -> International Committee of the Red Cross) or the acronym of
        a long form, so the reader's other name for it is in the text too."""
        parts = [self.key, *self.roles[:MAX_ROLES], *self.descriptions[:MAX_DESCRIPTIONS]]
        joined = " ".join(parts)
        longs = {long: short for short, long in acronyms.items()}
        extra = [acronyms[w] for w in dict.fromkeys(re.findall(r"\b[A-Z]{2,8}\b", joined))
                 if w in acronyms]
        extra += [short for long, short in longs.items() if long in joined]
        return "; ".join(dict.fromkeys(parts + extra))


_DESCRIPTION = re.compile(r"^(?:the|a|an)\s+\S.{2,80}$", re.I)
_UNNAMED = {"the source", "the statement", "the report", "a statement", "the group"}


def cue_description(cue: str | None, key: str, roles: Iterable[str] = ()) -> str | None:
    """The description a cue gives its speaker ("the top Russian diplomat said" -> "the top
    Russian diplomat"), or None when the cue only names them or says "he", or when it names
    a country or body the speaker's key and roles never do (a cue that went to the wrong
    person: "the French president added" under Zelenskiy)."""
    if not cue:
        return None
    verb = _VERB_RE.search(cue)
    subject = (cue[: verb.start()] if verb else cue).strip(" ,")
    if not _DESCRIPTION.match(subject) or subject.lower().endswith(key.lower()) \
            or subject.lower() in _UNNAMED:
        return None
    known = {w.lower().removesuffix("’s").removesuffix("'s")
             for w in re.findall(r"[\w’'-]+", " ".join([key, *roles]))}
    if any(w.lower().removesuffix("’s").removesuffix("'s") not in known
           for w in re.findall(r"\b[A-Z][\w’'-]+", subject.split(None, 1)[1])):
        return None
    return subject


def speaker_entries(rows: Iterable[tuple[str | None, str | None, str | None]]) -> list[SpeakerEntry]:
    """The directory from every statement's (speaker, role, cue), sorted by key. Each
    distinct triple is read once, with how often it occurs (a speaker's name, role and cue
    repeat), in the order first met, so ties rank as they would row by row."""
    roles: dict[str, Counter[str]] = {}
    cues: dict[str, Counter[str]] = {}
    counts: Counter[str] = Counter()
    for (speaker, role, cue), n in Counter(rows).items():
        key = source_of(speaker, role)
        if key is None:
            continue
        counts[key] += n
        if speaker and role:
            roles.setdefault(key, Counter())[role] += n
        if cue:
            cues.setdefault(key, Counter())[cue] += n
    descriptions: dict[str, Counter[str]] = {}
    for key, seen in cues.items():
        for cue, n in seen.items():
            description = cue_description(cue, key, roles.get(key, ()))
            if description:
                descriptions.setdefault(key, Counter())[description] += n
    return [SpeakerEntry(key, tuple(r for r, _ in roles.get(key, Counter()).most_common()),
                         tuple(d for d, _ in descriptions.get(key, Counter()).most_common()),
                         counts[key])
            for key in sorted(counts)]


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
        # as the matcher reads names: no dots, no apostrophe inside a word ("O'Brien" = "OBrien")
        texts = [re.sub(r"(?<=\w)['’](?=\w)(?!s\b)", "", f"{s or ''} {r or ''}".replace(".", "")).lower()
                 for s, r in pairs]
        self._blob = "\n".join(texts)  # needles never hold "\n": a hit lies inside one pair
        self._starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]).tolist()
        # Only a-z matter: acronyms are letters. A pair's initials are those of its \w+ runs.
        self._initials = np.array([_letters("".join(w[0] for w in re.findall(r"\w+", t)))
                                   for t in texts], dtype=np.int64)

    @cached_property
    def by_name(self) -> dict[str, list[Pair]]:
        """Every pair of each named speaker."""
        found: dict[str, list[Pair]] = {}
        for pair in self.pairs:
            if pair[0]:
                found.setdefault(pair[0], []).append(pair)
        return found

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
