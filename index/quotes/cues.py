"""The patterns of attribution cues: "said X" / "X said" after a quote, "according to X",
"X quoted Y as saying", "X's response was:", "X:", a sentence's subject and its verb, and the
sentence that introduces a statement a following paragraph quotes. Only regexes: finding a
quote's cue with them is `attribution`'s job, naming the cue's subject `resolve`'."""

from __future__ import annotations

import re

from index.quotes.vocab import _NAME_TOKEN, _VERBS

_ADVS = (
    "also|then|later|further|once|recently|previously|again|simply|quickly|flatly|repeatedly|"
    "earlier|had|has|have|would|will|has also|had also|publicly|privately|bluntly|reportedly|"
    "told reporters|added that|famously|angrily|still|even|often|"
)


_LEAD_JUNK = re.compile(
    r"^(?:(?:and|but|so|then|meanwhile|separately|however|later|earlier|also|yet|still|"
    r"instead|now|indeed|moreover|likewise|similarly|in response|in a statement|"
    r"in an interview)\b[\s,]*)+",
    re.I,
)


# A period inside a noun phrase: an abbreviation's, or one a comma follows ("Allentown, Pa.,").
_NP_CHAR = (r"(?:[^.;:!?_“”\"]|(?<=\b(?:Mr|Ms|Dr|St|Jr|Sr))\.|(?<=\b(?:Mrs|Sen|Rep|Gov|Gen))\.|"
            r"(?<=\b[A-Z])\.|\.(?=,))")
_AFTER_VERB_FIRST = re.compile(
    rf"^[\s,—–-]*(?P<verb>{_VERBS})(?:\s+(?:on|in)\s+\w+)?\s+(?P<np>{_NP_CHAR}{{1,160}}?)"
    r"\s*(?=[;:!?—]|$|\.(?!(?<=\b[A-Z]\.)|(?<=\b(?:Mr|Ms|Dr|St)\.)|(?<=\b(?:Mrs|Sen|Rep|Gov)\.))|"
    r",\s*(?:who|adding|as|in|on|at|after|when|during|noting|speaking)\b)"
)
_AFTER_VERB_LATE = re.compile(
    rf",\s+(?P<verb>said|says|added|wrote|writes|explained|noted)\s+(?P<np>{_NP_CHAR}{{1,120}}?)"
    r"\s*(?=[;:!?—]|$|\.(?!(?<=\b[A-Z]\.)|(?<=\b(?:Mr|Ms|Dr|St)\.))|,)"
)
_AFTER_VERB_NAME = re.compile(  # only the name next to the verb; kept only if it names someone
    rf"^[\s,—–-]*(?P<verb>{_VERBS})\s+(?P<np>{_NP_CHAR}{{1,60}}?)(?=\s*,|\s+(?:as|while|when|"
    r"after|before|in|on|at|during|referring|using|explaining|adding|via|who|which)\b)"
)
_AFTER_NP_FIRST = re.compile(
    rf"^[\s,—–-]*(?P<np>{_NP_CHAR}{{1,160}}?)\s+(?:(?:{_ADVS})\s+)?(?P<verb>{_VERBS})\b"
)
_ACCORDING = re.compile(rf"according to\s+(?P<np>{_NP_CHAR}{{1,140}}?)\s*(?=[;:!?,—]|$|"
                         r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\bSen)(?<!\bRep)(?<!\b[A-Z])\.)",
                         re.I)


_COLON_CUE = re.compile(rf"(?:^|[.;]\s+|\s[-–—]\s)((?:(?!\s[-–—]\s){_NP_CHAR}){{2,80}}):\s*$")
_POSSESSIVE_CUE = re.compile(  # "Clinton’s response was:", "his statement read:"
    r"(?:^|[.;]\s+)(?:(?P<np>[^.;:!?_“”\"]{0,60}?[^\s.;:!?_“”\"])[’'](?:s\b)?|(?P<pron>\b(?i:his|her|"
    r"their|its)))\s+(?:[a-z]+\s+)?(?:response|reply|answer|statement|message|comment|retort|"
    r"reaction|tweet|post|words|verdict|explanation|caption|note|letter|email|remarks|advice|"
    r"warning|conclusion)(?:\s+(?:was|were|read|reads|is|said|says|went))?\s*:\s*$"
)
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "their": "they", "its": "it"}
_QUOTED_AS = re.compile(
    rf"\b(?:quoted|reported|cited)\s+(?P<np>{_NP_CHAR}{{2,100}}?)\s+as\s+say(?:ing)?\b"
)


# A sentence's subject, an appositive ("Dmitry Medvedev, the deputy chair of ..., gloated"), an
# auxiliary ("will today pledge", "is pledging") and its verb.
_SUBJECT_VERB = re.compile(
    rf"((?:the\s+|The\s+)?(?:{_NAME_TOKEN}\s+){{0,5}}{_NAME_TOKEN}|[Hh]e|[Ss]he)"
    r"(?:,\s+(?:the|a|an|[a-z]|[A-Z][\w’'-]*[’']s?\s)[^,;:“”\"_]{0,100},|,)?"
    r"\s+(?:(?:also|then|later|again|still|even|once|quickly|repeatedly|openly|publicly|"
    r"sharply)\s+)?(?P<aux>(?:has|had|have|is|was|will|would)\s+(?:(?:also|today|[a-z]+ly)\s+)?)?"
    r"(?P<verb>[a-z]+)\b")


_STATEMENT_RE = re.compile(
    r"\b(?:(?:issued|released|put out|sent|published|posted|shared)\s+(?:a|an|the|his|her|its|"
    r"their)\s+(?:[\w-]+\s+){0,2}?(?:statement|message|letter|note|tweet|post|memo|email|"
    r"e-mail)|said in (?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:statement|post|letter|email|e-mail|"
    r"message|tweet)|wrote|tweeted|posted|said|says|told|added|explained|recalled)\b")

# A signature after a quote that ends its paragraph: "“...” — Jane Doe, a nurse" / "“...”\n\n- Sanders."
_DASH_SIGNATURE = re.compile(r"(?:[ \t\xa0]*|[ \t\xa0]*\n\s*)(?:—|―|–|--?)[ \t\xa0]*"
                             r"(?P<np>[A-Z][^\n“”\"]{1,80}?)\.?[ \t\xa0]*(?=\n|$)")
