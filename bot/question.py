"""What a question asks, without an LLM: its kind, speaker, topic, dates and source.

"who said what about Idlib?"          -> who_said_what, topic "Idlib"
"what did Lavrov say?"                -> speaker "Lavrov", no topic
"what did the ICRC say about displacement in March 2017?"
                                      -> speaker "the ICRC", topic "displacement", dates March 2017
"and what did the UN say?" (after a question about Idlib) -> speaker "the UN", topic "Idlib"
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from index.quotes.vocab import REACTION_LEMMAS, SPEECH_LEMMAS

QuestionKind = Literal["who_said_what", "speaker", "other"]
# the words that make a question a question: never evidence for or against an answer
_QUESTION_WORDS = ("what which who whom whose when where why how did does do was were is are has "
                   "have had will would can could should may might")
QUESTION_WORDS = frozenset(_QUESTION_WORDS.split())

# a speaker phrase: an article alone is none ("what did the state department say", not "the")
_WHO = r"(?P<speaker>(?:(?:the|a|an)\s+)?(?!(?:the|a|an)\b)\S+(?:\s+\S+)*?)"
# Verbs of saying that in a question mostly mean something else ("did Ukraine add a holiday",
# "what did the army report", "why is he locked up in the United States")
_NOT_ASKING = {"add", "state", "note", "post", "charge", "maintain", "observe", "conclude",
               "indicate", "estimate", "echo", "recall", "counter", "call", "answer", "report"}
_VERB = "|".join(sorted((SPEECH_LEMMAS | REACTION_LEMMAS) - _NOT_ASKING, key=len, reverse=True))
# a verb of saying in any form: base, -s, -ed/-d, -ing, and the irregular ones; in lower case,
# so a capitalised word is part of a name ("Islamic State", "the United States")
_SAYING = (rf"(?-i:(?:{_VERB})(?:s|es|d|ed|ing)?|said|told|wrote|written|thought|meant|spoke|"
           rf"criticised|criticized|denied|replied|testified|implied|called\s+for|asked\s+for|"
           rf"have\s+to\s+say|has\s+to\s+say|had\s+to\s+say)")
_GENERIC_SAY = {"say", "said", "says", "saying", "comment", "commented", "speak", "spoke",
                "talk", "talked", "mention", "mentioned", "state", "stated"}
# verbs that only relate the words to an event ("respond to the attack"): not topic words
_RELATING = {"respond", "responded", "react", "reacted", "reply", "replied", "answer", "answered",
             "have to say", "has to say", "had to say", "think", "thought", "feel", "mean",
             "tell", "told", "tells"}
_WHO_SAID = re.compile(
    rf"^(?:and\s+|so\s+)?(?:who|which\s+(?:\w+\s+){{0,2}}?(?:official|officials|leader|leaders|"
    rf"group|groups|country|countries|minister|politician|politicians|person|people|side|agency|"
    rf"organisation|organization|expert|experts|candidate|general|commander|diplomat)s?)\s+"
    rf"(?:has\s+|have\s+|had\s+|was\s+|were\s+|is\s+|did\s+)?(?P<verb>{_SAYING}|quoted)\b"
    rf"(?:\s+(?:what|anything))?(?P<rest>.*)$", re.I)
_WHAT_WAS_SAID = re.compile(
    r"^(?:what\s+(?:was|has\s+been|is\s+being)\s+said|(?:give\s+me\s+|show\s+me\s+)?"
    r"(?:the\s+)?quotes?|what\s+(?:was|were)\s+the\s+(?:reactions?|responses?)"
    r"(?!\s+(?:of|from|by)\b))\b(?P<rest>.*)$",
    re.I)
# "what did X say …", "how did X respond to …", "why did X warn …", "what does X think of …"
_DID_X_SAY = re.compile(
    rf"^(?:and\s+|so\s+|also\s+)?(?:what|how|why|when|where|in\s+what\s+terms)\s+"
    rf"(?:did|does|do|has|have|had|was|is|were|will|would)\s+{_WHO}\s+"
    rf"(?P<verb>{_SAYING})\b(?P<rest>.*)$", re.I)
# "did X say …?", "has X denied …?"
_YES_NO = re.compile(
    rf"^(?:and\s+)?(?:did|does|do|has|have|had|will|would)\s+{_WHO}\s+"
    rf"(?P<verb>{_SAYING})\b(?P<rest>.*)$", re.I)
_NOUNS = (r"reactions?|responses?|repl(?:y|ies)|answers?|views?|positions?|stance|take|verdict|"
          r"message|explanation|arguments?|claims?|warnings?|assessment|opinions?|comments?|"
          r"statements?|account|excuse|justification|defen[cs]e|criticism|demands?|plea|"
          r"promises?|predictions?|words|remarks|thoughts|response")
# "what was X's reaction to …", "what is X's view of …"
_POSSESSIVE = re.compile(
    rf"^(?:and\s+)?(?:what|how)\s+(?:was|is|were|are|has\s+been)\s+{_WHO}(?:'s|’s|s'|s’)"
    rf"\s+(?:\w+\s+)?(?P<verb>{_NOUNS})\b(?P<rest>.*)$", re.I)
# "what was the reaction of X to …", "what was the response from X"
_NOUN_OF = re.compile(
    rf"^(?:and\s+)?what\s+(?:was|is|were)\s+the\s+(?:\w+\s+)?(?P<verb>{_NOUNS})\s+(?:of|from|by)\s+"
    rf"{_WHO}(?P<rest>\s+(?:to|on|about|over|regarding|after|when)\b.*)?$", re.I)
# "what Lavrov said about Idlib"
_X_SAID = re.compile(
    rf"^(?:and\s+)?what\s+{_WHO}\s+(?P<verb>(?-i:said|says|told\s+\w+|thinks|thought))\b(?P<rest>.*)$",
    re.I)
_SPEAKER_FORMS = (_POSSESSIVE, _NOUN_OF, _DID_X_SAY, _YES_NO, _X_SAID)
_NOT_SPEAKERS = re.compile(
    r"(?:it|this|that|they|he|she|we|you|i|people|anyone|anybody|someone|somebody|everyone|"
    r"others|the\s+public|the\s+world)", re.I)
_GENERIC_SPEAKERS = re.compile(  # words for "whoever said it": the question is who-said-what
    r"(?:(?:local\s+)?(?:officials|experts|analysts|critics|residents|locals|witnesses|observers|"
    r"sources|commentators|activists|survivors|voters))", re.I)
_LEAD = re.compile(r"^(?:about|on|of|regarding|concerning|over|that|to|with|for|by|at|as)\s+", re.I)
_BARE_TOPIC = re.compile(r"(?!(?:what|who|which|when|where|how|why|did|does|is|are)\b)\S+(?:\s+\S+){0,3}",
                         re.I)
_FOLLOW_UP = re.compile(r"^(?:and|what about|how about)\b", re.I)

_MONTHS = "|".join(calendar.month_name[1:] + [m for m in calendar.month_abbr[1:]])
_DAY_MONTH_YEAR = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}" \
                  rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_MONTH_YEAR = rf"(?:{_MONTHS})\.?\s+\d{{4}}"
_BETWEEN = re.compile(
    rf"\b(?:between|from)\s+(?P<a>{_DAY_MONTH_YEAR}|{_MONTH_YEAR})\s+(?:and|to|until)\s+"
    rf"(?P<b>{_DAY_MONTH_YEAR}|{_MONTH_YEAR})", re.I)
_ON_DAY = re.compile(rf"\b(?:on|of|dated)\s+(?:the\s+)?(?P<d>{_DAY_MONTH_YEAR})", re.I)
_PART = r"early|mid|middle of|late|end of|beginning of|start of"
_IN_MONTH = re.compile(  # "in March 2017", "in late July 2022", "by the end of May 2022"
    rf"\b(?:(?P<by>by|before|until)|in|during|at|around)?\s*(?:the\s+)?"
    rf"(?:(?P<part>{_PART})[\s-]+)?(?P<m>{_MONTH_YEAR})\b", re.I)
_PARTS = {"early": (1, 10), "beginning of": (1, 10), "start of": (1, 10), "mid": (11, 20),
          "middle of": (11, 20), "late": (21, 31), "end of": (21, 31)}
_IN_YEAR = re.compile(r"\b(?:in|during)\s+(?P<y>(?:19|20)\d{2})\b", re.I)
_ACCORDING_TO = re.compile(r"\s*,?\s*\baccording\s+to\s+(?P<source>[\w .&'-]+?)\s*[?.!]*$", re.I)


@dataclass(frozen=True)
class Question:
    text: str
    kind: QuestionKind
    topic: str  # what to search for; may be empty ("what did Lavrov say?")
    speaker: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    source: str | None = None

    @property
    def search_text(self) -> str:
        return self.topic or self.text


def parse(text: str, previous: Question | None = None, sources: list[str] | None = None) -> Question:
    """Read a question; `previous` supplies the topic of a follow-up, `sources` the known outlets."""
    clean = " ".join(text.split()).strip()
    body = clean.rstrip("?!. ")
    body, date_from, date_to = _dates(body)
    body, source = _source(body, sources or [])
    question = _classify(body, clean)
    question = replace(question, date_from=date_from, date_to=date_to, source=source)
    if previous is not None and _FOLLOW_UP.match(clean):
        if question.kind == "other" and _BARE_TOPIC.fullmatch(question.topic):
            # "and Aleppo?": the same question about something else
            question = replace(question, kind=previous.kind, speaker=previous.speaker)
        elif not question.topic:  # "and what did the UN say?": the same topic, another speaker
            question = replace(question, topic=previous.topic)
        question = replace(question, date_from=question.date_from or previous.date_from,
                           date_to=question.date_to or previous.date_to,
                           source=question.source or previous.source)
    return question


def as_text(question: Question) -> str:
    """The question as understood, in words `parse` reads back the same way: what a chat
    remembers for its next follow-up."""
    if question.kind == "who_said_what":
        text = f"who said what about {question.topic}"
    elif question.kind == "speaker":
        text = f"what did {question.speaker} say" + (f" about {question.topic}" if question.topic else "")
    else:
        text = question.topic or question.text
    if question.date_from and question.date_to:
        text += f" between {question.date_from:%d %B %Y} and {question.date_to:%d %B %Y}"
    if question.source:
        text += f" according to {question.source}"
    return text


def _classify(body: str, clean: str) -> Question:
    """The first form that reads the question: who-said, someone's words, else a passage."""
    match = _WHO_SAID.match(body) or _WHAT_WAS_SAID.match(body)
    if match:
        return Question(clean, "who_said_what", _topic(match))
    for pattern in _SPEAKER_FORMS:
        match = pattern.match(body)
        if match is None:
            continue
        speaker = _strip(match.group("speaker"))
        if _NOT_SPEAKERS.fullmatch(speaker):
            return Question(clean, "who_said_what", _topic(match))
        if _GENERIC_SPEAKERS.fullmatch(speaker):
            return Question(clean, "who_said_what", f"{speaker} {_topic(match)}".strip())
        return Question(clean, "speaker", _topic(match), speaker=speaker)
    topic = re.sub(r"^(?:and\s+|what\s+about\s+|how\s+about\s+)", "", body, flags=re.I)
    return Question(clean, "other", _strip(topic))


def _topic(match: re.Match) -> str:
    """What the words are about: the rest after the verb, its leading preposition dropped; a
    verb that carries meaning ("warned", "accused", "denied") stays, one that only says or
    relates ("said", "responded to") goes."""
    rest = _strip(match.group("rest") or "")
    verb = " ".join((match.groupdict().get("verb") or "").lower().split())
    if verb in {"tell", "told", "tells"} or verb.startswith("told "):  # "told reporters about …"
        rest = re.sub(r"^(?:the\s+)?[\w-]+\s+(?=(?:about|on|regarding|that)\b)", "", rest, flags=re.I)
    rest = _strip(_LEAD.sub("", rest))
    keep = verb and verb not in _GENERIC_SAY and verb not in _RELATING and not verb.startswith("told") \
        and verb != "quoted" and not re.fullmatch(_NOUNS, verb, re.I)
    return f"{verb} {rest}".strip() if keep else rest


def _strip(text: str) -> str:
    return text.strip(" ,;:?!.\"'“”")


def _dates(body: str) -> tuple[str, date | None, date | None]:
    match = _BETWEEN.search(body)
    if match:
        first, last = _span(match.group("a")), _span(match.group("b"))
        if first and last:
            return _cut(body, match), first[0], last[1]
    match = _ON_DAY.search(body)
    if match and (day := _span(match.group("d"))):
        return _cut(body, match), day[0], day[1]
    match = _IN_MONTH.search(body)
    if match and (month := _span(match.group("m"))):
        first, last = month
        if match.group("part"):  # a third of the month
            low, high = _PARTS[" ".join(match.group("part").lower().split())]
            first, last = first.replace(day=low), last.replace(day=min(high, last.day))
        return _cut(body, match), None if match.group("by") else first, last
    match = _IN_YEAR.search(body)
    if match:
        year = int(match.group("y"))
        return _cut(body, match), date(year, 1, 1), date(year, 12, 31)
    return body, None, None


def _cut(body: str, match: re.Match) -> str:
    return " ".join((body[: match.start()] + " " + body[match.end() :]).split())


def _span(text: str) -> tuple[date, date] | None:
    """The first and last day a date expression covers ("March 2017" is a whole month)."""
    words = text.replace(",", " ").replace(".", " ").split()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = date.fromisoformat(text)
        return day, day
    months = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
    months |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
    month = next((months[w.lower()] for w in words if w.lower() in months), None)
    year = next((int(w) for w in words if re.fullmatch(r"\d{4}", w)), None)
    day_word = next((w for w in words if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", w)), None)
    if month is None or year is None:
        return None
    if day_word is None:
        last = calendar.monthrange(year, month)[1]
        return date(year, month, 1), date(year, month, last)
    try:
        day = date(year, month, int(re.sub(r"\D", "", day_word)))
    except ValueError:
        return None
    return day, day


def _source(body: str, sources: list[str]) -> tuple[str, str | None]:
    match = _ACCORDING_TO.search(body)
    if match:
        wanted = match.group("source").strip().lower()
        for source in sources:
            if source.lower() == wanted:
                return body[: match.start()].strip(), source
    return body, None


WEEKDAYS = [calendar.day_name[i] for i in range(7)]


def weekday_date(weekday: str, published: date) -> date:
    """The day a weekday in an article stands for: the latest such day on or before publication
    (news says "on Tuesday" for the day it appears, "on Monday" for the day before)."""
    target = WEEKDAYS.index(weekday.capitalize())
    return published - timedelta(days=(published.weekday() - target) % 7)
