"""Reported speech: sentences that say what someone said without quoting them.

"The ICRC said it had started registering the prisoners" answers "what did the ICRC say?" as
well as a quotation does, and news reports organisations this way more often than they quote
them. Such a sentence is kept whole, verbatim, with its speaker; it is shown as a report, never
inside quotation marks. Only sentences whose speaker is named (a person or an organisation,
not "he" or "officials") are kept, so a wrong guess costs little.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.quotes.cues import _ACCORDING
from index.quotes.marks import _sentence_end
from index.quotes.names import _ROLE_NOUNS, _Registry
from index.quotes.resolve import _resolve
from index.quotes.vocab import _ORG_WORDS, _TITLES

# Verbs that introduce what was said (a clause follows), in the forms news uses.
_SAY = (r"said|says|told\s+(?:[A-Z][\w.’'-]*\s*){1,4}|told\s+(?:reporters|journalists|the\s+\w+)|"
        r"warned|announced|stated|added|confirmed|claimed|noted|stressed|insisted|argued|"
        r"acknowledged|reported|estimated|denied|alleged|declared|explained")
_WHEN = r"(?:\s+(?:on|late on|early on|earlier on|in|last|this)\s+[\w ]{1,24}?)?"
_SUBJECT_FIRST = re.compile(
    rf"^(?P<np>[A-Z][^;:_]{{1,160}}?)\s+(?:(?:also|later|earlier|previously|separately|has|have|"
    rf"had)\s+)?(?P<verb>{_SAY}){_WHEN},?\s+(?:that\s+)?(?P<what>[^\s,].*)$", re.S)
_SUBJECT_LAST = re.compile(
    rf"^(?P<what>.+?),\s+(?:(?P<np>[^,;:_]{{2,90}}?)\s+(?P<verb>said|says|added|reported|"
    rf"noted|claimed|warned|stated)|(?P<verb2>said|says|added)\s+(?P<np2>[^,;:_]{{2,90}}?))"
    rf"{_WHEN}(?:,[^,;:_]{{0,90}})?\.$", re.S)
# FA-KES and wire copy often drop the comma: "... northeast of Manbij the Pentagon said on June 9."
# Without it only a capitalised speaker ("the Pentagon", "Syrian state media SANA") is taken.
_SUBJECT_LAST_BARE = re.compile(
    rf"^(?P<what>.+?)\s+(?P<np>(?:the\s+)?[A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|of|for|and)){{0,6}})"
    rf"\s+(?P<verb>said|says|reported|announced){_WHEN}\.$", re.S)
_PRONOUN = re.compile(r"^(?:(?:but|and|so|yet|still|now|then)\s+)?"
                      r"(?:he|she|they|it|we|i|you|this|that|these|those)\b", re.I)
_ANONYMOUS = re.compile(r"\b(?:sources?|officials?|people|residents|witnesses|activists|"
                        r"analysts|experts|observers|critics|reports?|some|many|one|others)\b", re.I)
_ADVERB = re.compile(r"[A-Z][a-z]+ly|Already|Still|However|Meanwhile|Yet|Now|Then|Also|Earlier|"
                     r"Later|Separately|Instead|Elsewhere|Overall|Today|Yesterday")
_MIN_WORDS, _MAX_WORDS = 8, 70  # a statement, not a run-on FA-KES paragraph


def reported_statements(text: str, masked: str, reg: _Registry,
                        paras: list[tuple[int, int]]) -> Iterator[tuple[int, int, str, str | None, str]]:
    """(start, end, speaker, role, cue) of each sentence reporting a named speaker's words.

    `masked` has quotation insides blanked, so a sentence that quotes anyone is left to the
    quote extractor."""
    for lo, hi in paras:
        pos = lo
        while pos < hi:
            end = _sentence_end(masked, pos, hi)
            found = _statement(text, masked, pos, end, reg)
            if found:
                yield found
            pos = end + 1
            while pos < hi and text[pos].isspace():
                pos += 1


def _statement(text: str, masked: str, start: int, end: int,
               reg: _Registry) -> tuple[int, int, str, str | None, str] | None:
    sentence = masked[start:end]
    if re.search(r"[_“”\"‘«»]", sentence) or not _MIN_WORDS <= len(sentence.split()) <= _MAX_WORDS:
        return None
    for pattern in (_SUBJECT_FIRST, _SUBJECT_LAST, _SUBJECT_LAST_BARE):
        m = pattern.match(sentence)
        if not m:
            continue
        np = m.group("np") or m.groupdict().get("np2")
        verb = m.group("verb") or m.groupdict().get("verb2")
        if (not np or not verb or _PRONOUN.match(np.split(",")[-1].strip())
                or _PRONOUN.match(np.split()[-1]) or len(m.group("what").split()) < 5
                or m.group("what").startswith(("from ", "to "))):
            continue  # "..., he said": pronouns are left out; "X reported from Kyiv": a byline
        np = re.split(r"\s+(?:who|which|whose)\s+", np)[0]  # "the Observatory which relies on"
        speaker, role, ok = _resolve(np, start + m.start("np" if m.group("np") else "np2"), reg,
                                     head_first=pattern is not _SUBJECT_FIRST)
        if ok and _named(speaker, role):
            cue = f"{np.strip()} {verb.split()[0]}"
            return start, end, speaker, role, cue
    m = _ACCORDING.search(sentence)
    if m and m.start() == 0:
        speaker, role, ok = _resolve(m.group("np"), start + m.start("np"), reg, head_first=True)
        if ok and _named(speaker, role):
            return start, end, speaker, role, m.group(0).strip(" ,")
    return None


def _named(speaker: str | None, role: str | None) -> bool:
    """A speaker a reader can hold to their words: a name, or an office or body with a proper
    noun ("Russia's defence ministry", "French police"), not "officials" or "his lawyer"."""
    if speaker:
        return not (_ANONYMOUS.fullmatch(speaker.strip()) or _ADVERB.fullmatch(speaker.strip()))
    if not role or _ANONYMOUS.search(role) or len(role.split()) > 6:
        return False
    head = role.split()[-1].lower()
    return bool(re.search(r"[A-Z]", role)) and (head in _ORG_WORDS or head in _TITLES
                                                 or head in _ROLE_NOUNS)
