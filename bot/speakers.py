"""Who the reader means: the speaker phrase of a question matched to the index's speakers by
name, by alias and by meaning, each match with a confidence.

"Lavrov" and "the ICRC" match by name (`index.quotes.speaker_matches`, over names and roles);
"the Red Cross" and "Kyiv" also through aliases (acronyms the corpus defines, the curated
`index/aliases.toml`); "Russia's top diplomat" or "NATO's chief" by the similarity of the
phrase's embedding to each speaker's embedded description (names, roles, descriptions). A
phrase that reads as a person's name and matches no speaker is looked up in the articles, so
the bot can say plainly that no article mentions that person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from bot.candidates import Candidate
from index.aliases import curated_aliases
from index.quotes import Quote, necessary_words, speaker_matches
from index.quotes.vocab import _ORG_WORDS, _TITLES
from index.search import SearchIndex
from index.speakers import NameHints, source_of

NAME, ALIAS = 1.0, 0.9  # confidence of a match by the reader's words, by an alias
ROLE = 0.5  # ... times this, at least, for a match by role words alone (see `resolve`)
MEANING_FLOOR = 0.55  # cosine of phrase to description below which no match is taken
STATEMENT_FLOOR = 0.40  # ... for the speaker of a statement retrieved for the question (readers-dev:
# first item 56.0% at 0.55, 58.3% at 0.40-0.45; the dev set the same)
MEANING_FULL = 0.80  # cosine at which a match by meaning is as sure as an alias
MEANING_TOP = 12  # speakers taken by meaning at most
PAIRS_TESTED = 120  # (speaker, role) pairs a phrase's words are matched against at most
MIN_CONFIDENCE = 0.30  # below this a speaker is not taken for the one the reader means
_PARTICLES = {"da", "de", "del", "der", "di", "du", "van", "von", "al", "el", "bin", "ibn", "la",
              "le", "dos", "do", "jr", "sr", "abu"}


@dataclass(frozen=True)
class SpeakerMatch:
    speaker_id: int
    key: str
    confidence: float  # 0..1
    how: str  # "name", "alias" or "meaning"


@dataclass(frozen=True)
class Speakers:
    """The resolution of a question's speaker phrase (empty when it names nobody)."""

    phrase: str | None = None
    matches: tuple[SpeakerMatch, ...] = ()
    is_name: bool = False  # the phrase reads as a person's name ("Lula da Silva")
    mentioned: bool = True  # some article holds that name (looked up only when nothing matched)

    similarity: np.ndarray | None = None  # cosine of the phrase to every speaker's description

    def confidence(self, speaker_id: int) -> float:
        """How surely a speaker is the one the phrase means: a match's confidence, or, for a
        speaker no match took (only the nearest few are taken up front), their description's
        nearness in meaning, as a retrieved statement of theirs may show them to be meant."""
        found = next((m.confidence for m in self.matches if m.speaker_id == speaker_id), 0.0)
        if found or self.similarity is None or speaker_id < 0 or self.is_name:
            return found
        cosine = float(self.similarity[speaker_id])
        return meaning_confidence(cosine) if cosine >= STATEMENT_FLOOR else 0.0

    @property
    def ids(self) -> np.ndarray:
        return np.array([m.speaker_id for m in self.matches], dtype=np.int64)


def resolve(index: SearchIndex, phrase: str | None, vector: np.ndarray | None) -> Speakers:
    """Match a speaker phrase by name, alias and meaning (`vector`: the phrase embedded).

    A match by the speaker's name, an acronym or an organisation's own name is sure; a match
    only by role words ("Poland's prime minister" matches every bare "prime minister") is as
    sure as the description's meaning is near the phrase's, so the right prime minister ranks
    above the others."""
    if not phrase:
        return Speakers()
    cosines = (index.speaker_vectors @ vector if vector is not None and len(index.speaker_vectors)
               else np.zeros(len(index.speaker_keys), dtype=np.float32))
    found: dict[int, SpeakerMatch] = {}

    def take(speaker_id: int, confidence: float, how: str) -> None:
        if confidence > found.get(speaker_id, SpeakerMatch(0, "", 0.0, "")).confidence:
            found[speaker_id] = SpeakerMatch(speaker_id, index.speaker_keys[speaker_id],
                                             confidence, how)

    is_name = reads_as_name(phrase)
    for variant, sure, how in [(phrase, NAME, "name"),
                               *((v, ALIAS, "alias") for v in aliases(phrase, index.acronyms))]:
        by_words = (is_name and variant is phrase) or _is_acronym(variant) or (
            variant is not phrase and len(variant.split()) == 1)
        for speaker_id in _by_name(index, head(variant), cosines):
            if by_words or _bare(index.speaker_keys[speaker_id]) == _bare(variant):
                take(speaker_id, sure, how)
            else:  # role words only: as sure as the meaning is near
                take(speaker_id, sure * role_share(float(cosines[speaker_id])), how)
    if vector is not None and not (is_name and found):
        for i in np.argsort(-cosines)[:MEANING_TOP]:
            if cosines[i] >= MEANING_FLOOR:
                take(int(i), meaning_confidence(float(cosines[i])), "meaning")
    if is_name and not any(m.how != "meaning" for m in found.values()):
        if not index.mentions(name_words(phrase)):  # nobody by that name anywhere
            return Speakers(phrase, (), True, False)
        cosines = np.zeros_like(cosines)  # nor anyone else's by meaning
        found = {}  # a person the articles mention but never quote: no one else's words
    owner = _possessor(phrase)
    matches = tuple(sorted((m for m in found.values() if m.confidence >= MIN_CONFIDENCE
                            and not (owner and _surname(m.key) == owner)),
                           key=lambda m: -m.confidence))
    return Speakers(phrase, matches, is_name, True, None if vector is None else cosines)


def in_story(index: SearchIndex, speakers: Speakers, statements: Iterable[Candidate],
             topic: str | None = None) -> Speakers:
    """A title names whoever held it in the story asked about: "the president" of a July 2016
    question is the president quoted in the stories retrieved for it, though by meaning alone
    "the Bush administration" is nearer. The speakers of the retrieved statements that no
    match took are tested on the phrase's words, under every role the corpus gives them, and
    taken as a match by role words. Whoever the topic names is not the one asked about: "how did
    the president react to Trump's speech?" asks for someone else than Trump."""
    if not speakers.phrase or speakers.is_name:
        return speakers
    named = _named_in(topic)
    if named:
        speakers = replace(speakers, matches=tuple(
            m for m in speakers.matches if _surname(m.key) not in named))
    taken = {m.speaker_id for m in speakers.matches}
    own: dict[int, set[tuple[str | None, str | None]]] = {}  # the pairs the story gives them
    for c in statements:
        if c.kind == "statement" and c.speaker_id >= 0 and c.speaker_id not in taken:
            own.setdefault(c.speaker_id, set()).add((c.speaker, c.role))
    if not own:
        return speakers
    phrase = head(speakers.phrase)
    _, matches = _matcher(phrase)
    title = necessary_words(phrase)  # "president" (and its synonyms) of "the US president"
    asked = {w.lower().removesuffix("'s").removesuffix("’s")
             for w in re.findall(r"[\w’'-]+", phrase)}
    body = _owning_body(phrase)  # "seiu" of "the SEIU's president": a bare "President" is not it
    found = []
    for speaker_id, pairs in sorted(own.items()):
        key = index.speaker_keys[speaker_id]
        if _surname(key) in named:
            continue
        # the full matcher (~40 us a pair) on the story's own pairs; every role the corpus
        # gives them by the cheap title test
        if any(matches(s, r) for s, r in pairs) or any(
                _holds_title(r, title, asked) and (body is None or body in r.lower())
                for _, r in index.speakers.by_name.get(key) or [(None, key)]):
            cosine = float(speakers.similarity[speaker_id]) if speakers.similarity is not None else 0.0
            found.append(SpeakerMatch(speaker_id, key, ALIAS * role_share(cosine), "story"))
    if not found:
        return speakers
    return replace(speakers, matches=tuple(sorted((*speakers.matches, *found),
                                                  key=lambda m: -m.confidence)))


def _possessor(phrase: str) -> str | None:
    """Whose relation a description names, lower-cased: "zelensky" in "Zelensky's wife",
    "putin" in "Putin's spokesman". That one is not the speaker asked about, however near in
    meaning "Zelensky's wife" is to Zelensky."""
    found = re.match(r"\s*(?:the\s+)?([\w’'.-]+(?:\s+[\w’'.-]+)?)(?:'s|’s)\s+\w", phrase)
    return _surname(found.group(1)) if found else None


def _owning_body(phrase: str) -> str | None:
    """The organisation a title belongs to, lower-cased, when the phrase names one as owner:
    "seiu" in "the SEIU's president", "union" in "the union's leader"; None for a country's
    ("Russia's president" is any "President" of the story, as "the Russian president" is)."""
    found = re.search(r"([\w’'.-]+)(?:'s|’s)\s+\w", phrase)
    if not found:
        return None
    owner = found.group(1).replace(".", "")
    return owner.lower() if (owner.isupper() and len(owner) > 1) or owner.lower() in _ORG_WORDS else None


def _named_in(topic: str | None) -> set[str]:
    """The capitalised words of a topic, lower-cased ("trump")."""
    words = re.findall(r"[\w’'-]+", topic or "")
    return {w.lower().removesuffix("’s").removesuffix("'s") for w in words if w[:1].isupper()}


def _surname(key: str) -> str:
    words = re.findall(r"[\w’'-]+", key)
    return words[-1].lower() if words else ""


def _holds_title(role: str | None, title: tuple[str, ...], asked: set[str]) -> bool:
    """Does a role hold the phrase's title ("President" for "the US president") without a
    qualifier the phrase does not give ("Russian President" is not "the US president"; a
    country's word may be its adjective: "Syria's president" is the "Syrian President")?"""
    if not role or not title:
        return False
    low = role.lower()
    if not any(t in low for t in title):
        return False
    words = {w.lower() for w in re.findall(r"[\w’'-]+", role)}
    named = {w.lower() for w in re.findall(r"\b[A-Z][\w’'-]*", role)}
    given = asked | set(title)
    return bool(words & set(title)) and all(
        n in given or any(len(a) >= 5 and n[:5] == a[:5] for a in given) for n in named)


def role_share(cosine: float) -> float:
    """A match by role words alone, as sure as the description's meaning is near: `ROLE` at
    least, up to a name's."""
    return ROLE + (1 - ROLE) * meaning_confidence(cosine) / ALIAS


def head(phrase: str) -> str:
    """The phrase without a relative clause: "the radio host who backed Ted Cruz" is a radio
    host, not Ted Cruz (the whole phrase still counts for the meaning)."""
    return re.split(r"\s+(?:who|whom|whose|which|that)\s+", phrase, maxsplit=1)[0]


def _is_acronym(phrase: str) -> bool:
    word = _bare(phrase).replace(".", "")
    return " " not in word and phrase.replace(".", "").strip(" ?").split()[-1].isupper()


def meaning_confidence(cosine: float) -> float:
    """A cosine between the floor and `MEANING_FULL` as a confidence up to an alias's."""
    share = (cosine - MEANING_FLOOR) / (MEANING_FULL - MEANING_FLOOR)
    return float(min(ALIAS, max(0.05, ALIAS * share)))


def aliases(phrase: str, acronyms: dict[str, str]) -> list[str]:
    """Other names for a phrase: the curated list's, and an acronym's long form or a long
    form's acronym the corpus defines ("ICRC" <-> "International Committee of the Red Cross",
    also for a part of a long form: "the Red Cross")."""
    bare = _bare(phrase)
    found: list[str] = []
    for alias in curated_aliases():
        if _bare(alias.phrase) == bare:
            found += alias.means
    upper = bare.replace(".", "").upper()
    if upper in acronyms and bare.replace(".", "").isalpha() and phrase.replace(".", "").strip(
            " ?").split()[-1].isupper():
        found.append(acronyms[upper])
    words = bare.split()
    if len(words) >= 2:
        for short, long in acronyms.items():
            if re.search(rf"\b{re.escape(bare)}\b", long.lower()):
                found += [short, long]
    return [f for f in dict.fromkeys(found) if _bare(f) != bare]


def reads_as_name(phrase: str) -> bool:
    """Is the phrase a person's name ("Lula da Silva", "Merkel") rather than a title, a
    description, an organisation or an acronym ("the Russian foreign minister", "Kyiv" is a
    place but a name in form, and aliases catch it)?"""
    words = re.findall(r"[\w’'.-]+", phrase.strip())
    if not words or words[0].lower() in {"the", "a", "an"}:
        return False
    if any(_bare(a.phrase) == _bare(phrase) for a in curated_aliases()):
        return False
    for word in words:
        plain = word.strip(".").removesuffix("’s").removesuffix("'s")
        low = plain.lower()
        if low in _PARTICLES:
            continue
        if not plain[:1].isupper() or low in _TITLES or low in _ORG_WORDS:
            return False
        if plain.isupper() and len(plain) > 1:  # an acronym
            return False
    return True


def name_words(phrase: str) -> list[str]:
    return [w for w in re.findall(r"[\w’'-]+", phrase) if w.lower() not in _PARTICLES]


def _bare(phrase: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", " ".join(phrase.lower().split())).strip(" ?.!")


_ACRONYM = re.compile(r"\b(?:[A-Z]{2,8}|(?:[A-Za-z]\.){2,})(?:'s|’s)?(?!\w)")


def _by_name(index: SearchIndex, phrase: str, nearest: np.ndarray) -> set[int]:
    """Speaker ids whose name or role the phrase matches (`speaker_matches`), among the
    `PAIRS_TESTED` nearest in meaning when the phrase's words pass more."""
    hints, matches = _matcher(phrase)
    pairs = index.matching_speakers(phrase, hints, matches, nearest, PAIRS_TESTED)
    ids = index.speaker_ids
    return {ids[key] for key in (source_of(s, r) for s, r in pairs) if key in ids}


def _matcher(query: str) -> tuple[NameHints, Callable[[str | None, str | None], bool]]:
    """`speaker_matches`, and hints that no true match fails for the index to test on every
    speaker at once (`necessary_words`, and for an acronym, ICRC or U.N., the acronym itself or
    words with all its initials). Without them the first question about a description ran the
    full matcher over thousands of speakers (~60 ms at 100k chunks)."""
    acronyms = [re.sub(r"[.’']|s$", "", m.group(0).removesuffix("'s").removesuffix("’s")).lower()
                for m in _ACRONYM.finditer(query)]
    return (NameHints(necessary_words(query), tuple(acronyms)),
            lambda speaker, role: speaker_matches(query, Quote("", 0, 0, speaker, role, None)))
