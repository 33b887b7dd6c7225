"""Other names for speakers: acronyms the corpus spells out, and a small curated list.

Readers say "the Red Cross" where an article says "the ICRC", "Kyiv" for Ukraine's government,
"the Pentagon" for the US defence department. What the articles define themselves ("the
International Committee of the Red Cross (ICRC)") is learned at build time and kept in the
index; what no article spells out is data in `aliases.toml`, each entry with its reason, read
at question time (editing it needs no rebuild).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CURATED = Path(__file__).with_name("aliases.toml")
_CONNECTORS = {"of", "for", "the", "and", "on", "in", "de", "du", "des", "al", "to", "&"}
# "(ICRC)", "(U.N.)": an acronym in brackets right after the words it abbreviates
_DEFINED = re.compile(r"\((?P<short>(?:[A-Z]\.?){2,8}s?)\)")
_WORD = re.compile(r"[\w’'&-]+")


def _initials_match(words: list[str], short: str) -> bool:
    """Do the capitalised words give the acronym's letters, connectors optional?"""
    letters = short.replace(".", "").rstrip("s") if short.endswith("s") and len(short) > 2 \
        else short.replace(".", "")

    def fits(i: int, j: int) -> bool:  # words[i:] spell letters[j:]
        if j == len(letters):
            return i == len(words)
        if i == len(words):
            return False
        word = words[i]
        if word.lower() in _CONNECTORS:
            if word[0].upper() == letters[j] and fits(i + 1, j + 1):
                return True
            return fits(i + 1, j)
        return word[0].isupper() and word[0] == letters[j] and fits(i + 1, j + 1)

    return fits(0, 0)


def defined_acronyms(text: str) -> Iterable[tuple[str, str]]:
    """(acronym, long form) for each "Long Form (ACR)" in a text whose initials agree."""
    for match in _DEFINED.finditer(text):
        short = match.group("short")
        before = _WORD.findall(text[max(0, match.start() - 120) : match.start()])[-10:]
        for start in range(len(before) - 1, -1, -1):  # the shortest run that spells it
            words = before[start:]
            if words[0][0].isupper() and words[0].lower() not in _CONNECTORS \
                    and _initials_match(words, short):
                yield short.replace(".", ""), " ".join(words)
                break


def learn_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Each acronym the corpus defines, with its most frequent long form."""
    seen: Counter[tuple[str, str]] = Counter()
    for text in texts:
        seen.update(defined_acronyms(text))
    best: dict[str, tuple[int, str]] = {}
    for (short, long), count in seen.items():
        if count > best.get(short, (0, ""))[0]:
            best[short] = (count, long)
    return {short: long for short, (_, long) in sorted(best.items())}


@dataclass(frozen=True)
class Alias:
    """A phrase a reader may use and what it stands for (phrases resolved like the reader's)."""

    phrase: str
    means: tuple[str, ...]
    why: str


@lru_cache(maxsize=1)
def curated_aliases(path: Path = CURATED) -> tuple[Alias, ...]:
    """The curated list; every entry must say why it is there."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    aliases = []
    for entry in data.get("alias", []):
        phrase, means, why = entry.get("phrase"), entry.get("means"), entry.get("why")
        if not (isinstance(phrase, str) and isinstance(means, list) and means
                and all(isinstance(m, str) and m for m in means) and isinstance(why, str) and why):
            raise ValueError(f"{path}: each [[alias]] needs a phrase, a list 'means' and a 'why': "
                             f"{entry!r}")
        aliases.append(Alias(phrase, tuple(means), why))
    return tuple(aliases)
