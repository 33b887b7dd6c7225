"""The one list of speech verbs: every base form a question may use is a cue when inflected."""

from __future__ import annotations

from index.quotes.vocab import _VERB_RE, SPEECH_LEMMAS

IRREGULAR = {"say": "said", "tell": "told", "write": "wrote"}


def past(lemma: str) -> str:
    if lemma in IRREGULAR:
        return IRREGULAR[lemma]
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    if lemma in {"admit", "plead"}:
        return {"admit": "admitted", "plead": "pleaded"}[lemma]
    return lemma + "ed"


def test_every_speech_lemma_is_a_cue_verb_in_the_past_tense() -> None:
    missing = sorted(lemma for lemma in SPEECH_LEMMAS
                     if not _VERB_RE.fullmatch(past(lemma)))
    assert not missing
