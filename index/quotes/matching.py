"""Match a user's name for someone ("Lavrov", "the ICRC", "the Russian foreign minister") to
a stored quote's speaker and role, at question time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.quotes.names import _acronym, _acronym_words, _strip_possessive
from index.quotes.vocab import _STOP
from index.records import Quote

_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)(?!s\b)")


@lru_cache(maxsize=1 << 16)
def _norm_words(text: str) -> tuple[str, ...]:
    """Remembered: a speaker question tests every candidate pair against the same query, and
    the same pairs recur across questions (half of speaker matching's time at 100k chunks)."""
    text = _INNER_APOSTROPHE.sub("", text.replace(".", ""))  # "O'Brien" is FA-KES's "OBrien"
    return tuple(_strip_possessive(w).lower() for w in re.findall(r"[\w’'-]+", text))


@dataclass(frozen=True)
class _Asked:
    """A user's phrase read once: what `speaker_matches` compares with every speaker."""

    q: str  # without a leading article
    words: tuple[str, ...]  # normalised, filler and honorifics out
    plain: str  # without dots
    acronym: str  # the phrase's initials in capitals ("UN" for "United Nations")
    capitalised: bool  # every word capitalised: a name asked for
    qualified: bool  # "Mexico's foreign secretary": a possessive first word


@lru_cache(maxsize=4096)
def _asked(query: str) -> _Asked:
    q = re.sub(r"^(?:the|a|an)\s+", "", query.strip(), flags=re.I).strip(" ?.!")
    words = tuple(w for w in _norm_words(q) if w not in _FILLER | {"mr", "mrs", "ms", "dr"})
    return _Asked(q, words, q.replace(".", ""), _acronym(q), all(w[:1].isupper() for w in q.split()),
                  re.match(r"\s*([\w-]+)(?:’s|'s|’|')\s", q) is not None)


def speaker_matches(query: str, quote: Quote) -> bool:
    """Does a user's "Lavrov" / "the ICRC" / "UN" / "the Russian foreign minister" mean this
    quote's speaker? Case-insensitive; full names, surnames, acronyms and role words count."""
    if not (quote.speaker or quote.role):
        return False
    asked = _asked(query)
    q_words, plain = list(asked.words), asked.plain
    if not q_words:
        return False
    spk_words = [w for w in _norm_words(quote.speaker or "") if w not in _FILLER]
    all_words = set(spk_words) | set(_norm_words(quote.role or ""))
    if q_words == spk_words:
        return True
    if len(q_words) == 1 and re.fullmatch(r"[A-Za-z]{2,8}", plain):  # "ICRC", "U.N.", "who"
        if quote.speaker and " " in quote.speaker and _acronym(quote.speaker) == plain.upper():
            return True
        if plain.isupper() and _has_acronym(quote, plain):  # "the ICRC's director ..."
            return True
        if plain.isupper() and _role_acronym(quote.role or "", plain.upper()):
            return True  # "UN" for a "United Nations deputy spokesman"
    if len(q_words) > 1 and _has_acronym(quote, asked.acronym):  # spelled out vs. acronym
        return True  # ("Mark Rutte" is no "MR": an acronym is written in capitals)
    if len(q_words) > 1 and spk_words:
        if len(spk_words) > 1 and q_words[-len(spk_words):] == spk_words:
            return True  # "Senator Chris Murphy", "OCHA spokesman Jens Laerke"
        if len(spk_words) == 1 and q_words[-1] == spk_words[0] and quote.speaker[:1].isupper() \
                and asked.capitalised:
            return True  # the article's short form: "Sanders" for "Bernie Sanders" (a name
            # asked for, not a description ending in a place: "an official in Aleppo")
    if len(q_words) == 1:
        if plain.isupper() and len(plain) > 1:  # an acronym is not a word: "WHO" is not "who"
            return plain in re.findall(r"[\w’'-]+", quote.speaker or "")
        return q_words[0] in spk_words  # surname or any part of the name
    if all(w in all_words or w in _STOP or _ROLE_SYNONYMS.get(w, set()) & all_words
           for w in q_words):
        return True  # role words, "head" for "chief executive", "spokesman" for "spokeswoman"
    # "Mexico's foreign secretary" for a bare "Foreign Secretary": the country qualifier may be
    # left out of the role, but not swapped for another ("Ukraine's foreign minister").
    rest = q_words[1:]
    if asked.qualified and len(rest) >= 2 and all(w in all_words or w in _STOP for w in rest):
        role_names = {w.lower() for w in re.findall(r"\b[A-Z][\w-]*", quote.role or "")}
        return role_names <= set(rest)
    return False


def necessary_words(query: str) -> tuple[str, ...]:
    """Words one of which the name or role of every speaker `speaker_matches` takes for the
    query holds (lower case): its last word that is no stop word, with that word's everyday
    synonyms, and the initials of a phrase spelled out ("un" for "United Nations"). Empty
    when no such word can be told (then every speaker must be tested). A speaker table tests
    them on all its pairs at once; the full matcher then runs on the few that pass."""
    asked = _asked(query)
    key = next((w for w in reversed(asked.words) if w not in _STOP), None)
    if key is None:
        return ()
    found = [key, *sorted(_ROLE_SYNONYMS.get(key, ()))]
    if len(asked.words) > 1:
        found.append(asked.acronym.lower())
    return tuple(w for w in dict.fromkeys(found) if w)


_FILLER = {"the", "of", "a", "an"}
_LEAD = {"head", "chief", "director", "leader", "chair", "chairman", "chairwoman", "boss"}
_SPOKES = {"spokesman", "spokeswoman", "spokesperson"}
_ABBREVIATED = {"senator": "sen", "representative": "rep", "governor": "gov"}  # "Sen., Democrat
# of New York" is "the New York senator"
_ROLE_SYNONYMS = ({w: _LEAD - {w} for w in _LEAD} | {w: _SPOKES - {w} for w in _SPOKES}
                  | {w: {a} for w, a in _ABBREVIATED.items()}
                  | {a: {w} for w, a in _ABBREVIATED.items()})


def _has_acronym(quote: Quote, acronym: str) -> bool:
    """Does the speaker or role hold this acronym written in capitals ("ICRC", "UN")?"""
    text = f"{quote.speaker or ''} {quote.role or ''}"
    return len(acronym) > 1 and acronym in text.replace(".", "") and acronym in _upper_words(text)


@lru_cache(maxsize=1 << 16)
def _upper_words(text: str) -> frozenset[str]:
    """The words of a text written in capitals, dots and possessives off."""
    return frozenset(w for w in (_strip_possessive(t) for t in re.findall(r"[\w’'-]+", text.replace(".", "")))
                     if len(w) > 1 and w.isupper())


def _role_acronym(role: str, acronym: str) -> bool:
    """Is `acronym` the initials of a run of capitalised words in a role ("United Nations"
    in "United Nations Deputy Spokesman")?"""
    words = _acronym_words(role)
    for i, first in enumerate(words):
        if not first[0].isupper():
            continue
        run = ""
        for w in words[i:]:
            if not w[0].isupper():
                break
            run += w[0]
            if run == acronym:
                return True
    return False

