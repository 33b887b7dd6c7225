"""The article's people and organisations, with the roles they were introduced with, and
the name helpers (titles, places, acronyms) that attribution and matching share."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from index.quotes.marks import _paragraphs
from index.quotes.us_states import party_state
from index.quotes.vocab import (
    _HONORIFICS,
    _NAME_TOKEN,
    _NON_SPEAKERS,
    _NOT_NAMES,
    _ORG_OF_RE,
    _ORG_WORDS,
    _RUN_RE,
    _STOP,
    _TITLES,
    _VERB_RE,
    _VERBS,
    _words,
)

_SYNONYMS = {
    "diplomat": {"foreign", "minister", "ambassador", "envoy", "secretary", "diplomat"},
    "envoy": {"ambassador", "envoy", "diplomat"},
    "lawmaker": {"senator", "sen", "rep", "representative", "congressman", "congresswoman"},
    "congressman": {"rep", "representative"},
    "congresswoman": {"rep", "representative"},
    "senator": {"sen", "senator"},
    "governor": {"gov", "governor"},
    "candidate": {"candidate", "nominee"},
    "nominee": {"candidate", "nominee"},
    "spokesman": {"spokesman", "spokeswoman", "spokesperson"},
    "spokeswoman": {"spokesman", "spokeswoman", "spokesperson"},
    "official": {"minister", "secretary", "official", "director", "chief", "spokesman"},
    "leader": {"president", "leader", "premier", "chancellor", "minister"},
}


@dataclass
class _Entity:
    name: str
    kind: str  # "person" or "org"
    role: str | None = None
    mentions: list[int] = field(default_factory=list)
    gender: str | None = "?"  # "?" until first asked
    roles: list[str] = field(default_factory=list)  # every title/role seen with the name


def _strip_possessive(word: str) -> str:
    if word.endswith(("’s", "'s")):
        return word[:-2]
    return word[:-1] if word.endswith(("’", "'")) else word


def _tokens(run: str) -> list[str]:
    return [t for t in re.split(r"\s+", run.strip()) if t]


def _split_owner(toks: list[str]) -> tuple[list[str], list[str]]:
    """(owner, rest) of a capitalised run: "Fox News’ Jenna Lee" -> (["Fox", "News’"], ["Jenna",
    "Lee"]); the owner (an outlet, a party) is not part of the name that follows it."""
    cut = [k for k, t in enumerate(toks[:-1]) if t.endswith(("’", "'", "’s", "'s"))]
    return (toks[: cut[-1] + 1], toks[cut[-1] + 1 :]) if cut else ([], toks)


_SURNAME_TITLES = {"king", "major", "bishop", "judge", "justice", "speaker", "chair", "father",
                   "lord", "head", "cardinal", "prince", "rice", "sergeant", "marshal", "general"}


_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _split_title(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split a capitalised run into (title words, name words) at the last title word
    ("Charlie King" keeps its King: a title word ending a run after a non-title is a surname)."""
    last = -1
    for k, tok in enumerate(tokens):
        low = tok.lower().rstrip(",")
        if low in _TITLES and not (k == len(tokens) - 1 and k > 0 and low in _SURNAME_TITLES
                                   and tokens[k - 1].lower() not in _TITLES):
            last = k
    return tokens[: last + 1], tokens[last + 1 :]


def _is_org(tokens: list[str]) -> bool:
    if not tokens:
        return False
    words = [_strip_possessive(t).lower().strip(".") for t in tokens]
    if any(w in _ORG_WORDS or len(w) > 4 and w[-1] == "s" and w[:-1] in _ORG_WORDS
           for w in words):
        return True  # ... and their plurals: "Local Coordination Committees"
    return len(tokens) == 1 and (bool(re.fullmatch(r"[A-Z]{2,6}", tokens[0])) or
                                 tokens[0] in _DOTTED_ORGS)


_DOTTED_ORGS = {"U.N.", "U.S.", "U.K.", "E.U.", "F.B.I.", "C.I.A.", "N.A.T.O.", "I.C.R.C.",
                "W.H.O.", "I.A.E.A.", "O.S.C.E.", "N.S.A.", "D.O.J."}


_PLACE_WORDS = frozenset(_words(
    "united states kingdom new york hampshire jersey mexico north south east west carolina dakota "
    "virginia island city county street avenue road river sea valley mountain mountains gulf bay "
    "lake park square hall hill beach coast republic democratic arab emirates saudi arabia "
    "sri lanka hong kong los angeles san francisco las vegas washington d.c. dc citizens "
    "former middle near far great america american europe european asia africa latin "
    "capitol white house oval office rose garden super tuesday election day"
))


# Words that make a run of place names a region: "Central America", "Rural Damascus".
_PLACE_MARKERS = frozenset(_words(
    "syria province governorate countryside eastern western northern southern northwestern "
    "northeastern southwestern southeastern rural central"
))


_PLACE_OR_MARKER = _PLACE_WORDS | _PLACE_MARKERS


_PLACE_HEADS = frozenset(_words(
    "county city street avenue road river sea valley mountain mountains gulf bay lake park "
    "square hall hill beach coast island province region district oblast airport base"
))


# Words that make a capitalised run a people, a nationality or a thing, never one person:
# "Muslim Americans", "the Iraqi Navy", "Soviet Ukraine", "the Affordable Care Act".
_GROUP_WORDS = frozenset(_words(
    "american americans syrian syrians russian russians ukrainian ukrainians iraqi iraqis iranian "
    "iranians israeli israelis palestinian palestinians turkish kurdish kurds soviet muslim "
    "muslims jewish jews arab arabs islamic islamist sunni sunnis shiite shiites shia lebanese "
    "saudi saudis chinese japanese korean koreans italian spanish mexican mexicans canadian "
    "canadians european europeans african africans asian asians afghan pakistani egyptian "
    "jordanian libyan yemeni qatari belarusian chechen hispanic hispanics latino latinos "
    "democrats republicans citizens civilians terrorists rebels voters americas"
))
_THING_WORDS = frozenset(_words(
    "rights act convention edition war tower prize amendment partnership reserve caucus summit "
    "talks units institution programme navy images photograph photo text subscribe"
))


_OPENING_WORDS = frozenset(_words(
    "neither nor either yet once maybe among already several often nonetheless conversely "
    "overall two three four five six seven eight nine ten impeach follow source tags read"
))


_NOT_ONE_PERSON = _GROUP_WORDS | _THING_WORDS
_PARTICLES = frozenset(_words("al bin ibn de del da van von der la le el abu"))


def _same_name(a: str, b: str) -> bool:
    """The same name, perhaps spelt another way: "Zelensky" and "Zelenskiy", "Ban" and "Ban"."""
    if a == b:
        return True
    common = len(os.path.commonprefix([a, b]))
    return common >= 5 and max(len(a), len(b)) - common <= 2


def _is_person_name(tokens: list[str]) -> bool:
    if not tokens or len(tokens) > 4 or _is_org(tokens):
        return False
    if any(_strip_possessive(t).lower().strip(".,") in _NOT_ONE_PERSON
           or len(re.findall(r"[a-z][A-Z]", t)) >= 2 for t in tokens):
        return False  # ... or page furniture run together: "FoleyFlagShareLikeReplyAni"
    if any(t.lower().strip(".,") in _PLACE_HEADS for t in tokens):
        return False
    if len(tokens) > 1 and tokens[0].lower() in _PLACE_WORDS and \
            any(_strip_possessive(t).lower().strip(".,") in _PLACE_WORDS for t in tokens):
        return False
    if any(t.lower().strip(".,") in _NOT_NAMES for t in tokens
           if not re.fullmatch(r"[A-Z]\.", t)):  # "Michael A. McFaul": an initial, not "a"
        return False
    return all(re.match(r"[A-Z]", t) for t in tokens if t.lower() not in _PARTICLES)


def _acronym_words(text: str) -> list[str]:
    """The words an acronym takes its letters from ("United Nations", not "of the")."""
    return [w for w in re.findall(r"[A-Za-z][\w’'-]*", text)
            if w.lower() not in {"of", "the", "for", "and", "on", "in"}]


def _acronym(name: str) -> str:
    return "".join(w[0] for w in _acronym_words(name)).upper()


def _is_acronym(word: str) -> bool:
    """"ICRC", "U.N.": an organisation's name in one word."""
    return bool(re.fullmatch(r"[A-Z]{2,8}", word)) or word in _DOTTED_ORGS


def _org_key(name: str) -> str:
    """An organisation's name without "the", "X-based" or a possessive ("the Britain-based
    Observatory's" -> "Observatory")."""
    return _strip_possessive(re.sub(r"^(?:(?:The|the)\s+)?(?:[\w.]+-based\s+)?", "",
                                    name.strip()).strip())


# Sentence subjects and the names before a speaking verb: the antecedents of a later he/she.
_SUBJECT_RE = re.compile(
    rf"(?:^|[.!?](?<!\bSen\.)(?<!\bRep\.)(?<!\bGov\.)(?<!\bGen\.)(?<!\bMr\.)"
    rf"(?<!\bMs\.)(?<!\bDr\.)(?<!\bMrs\.)(?<!\bSt\.)(?<!\b[A-Z]\.)\s+|\n\s*)"
    rf"(?:(?:During|After|Before|Speaking|Asked|In|On|At|Later|Earlier)\b[^,.;_]{{0,60}},\s+)?"
    rf"(?:(?:[A-Z][a-z]+ly|On \w+|In \w+|Last \w+|And|But|"
    rf"Meanwhile|However|Still|Later|Earlier|Separately|Then|So)[, ]+)?"
    rf"((?:{_NAME_TOKEN}[ \t]+){{0,5}}{_NAME_TOKEN})(?:\s*\([^()]{{0,30}}\))?"
    rf"(?:(?:,\s+(?:the|a|an|who|whose|from|of|[a-z0-9]|[A-Z][a-z]{{0,4}}\.)"
    rf"(?:[^,.;_]|\.(?=,)){{0,100}})"
    rf"{{1,3}},)?\s+(?!(?:and|or|of|in|on|at|to|for|from|with|by|the|a|an)\b)[a-z]"
)
_WORD_THEN_VERB = re.compile(rf"[\w’']*\s+(?:{_VERBS})\b")  # "Leith told"
_THEN_VERB = re.compile(rf"\s+(?:{_VERBS}|[a-z]+ed|has|had|is|was|will|would)\b")
_SPEAKING_VERB_RE = re.compile(r"\b(?:said|says|told|tells|added|adds|insisted|warned|stressed)\b")
_SPEAKING_NAME_RE = re.compile(  # searched right before a _SPEAKING_VERB_RE hit
    rf"(?<![\w’'.-])(?<!\bfor )(?<!\bof )(?<!\band )"
    rf"((?:{_NAME_TOKEN}[ \t]+){{0,3}}{_NAME_TOKEN})[ \t]+(?:(?:also|then|later|"
    rf"again|has|had)[ \t]+)?$"
)


# First words of an "X of Y" run that make it an organisation ("International Committee of ...").
_ORG_LEADS = _ORG_WORDS | frozenset(_words("international national united world human syrian "
                                           "russian"))


class _Registry:
    """The article's people and organisations, found once, outside quotes."""

    def __init__(self, text: str, masked: str) -> None:
        self.masked = masked
        self.people: dict[str, _Entity] = {}
        self.orgs: dict[str, _Entity] = {}
        self.subjects: list[tuple[int, _Entity]] = []
        self._owners: set[int] = set()  # subjects' positions that are a possessive's owner
        self._words: dict[str, list[int]] = {}
        for m in re.finditer(r"\b[A-Z][\w-]*", masked):
            self._words.setdefault(m.group(), []).append(m.start())
        paras = _paragraphs(text)
        self._para_starts = [lo for lo, _ in paras] or [0]
        # a short first paragraph is a headline: what it names is no antecedent
        self._body = paras[1][0] if len(paras) > 1 and paras[0][1] - paras[0][0] < 250 else 0
        self._after_prep = set(re.findall(
            r"\b(?:in|to|from|across|into|near|outside|inside|of|at|around|over|towards?)\s+"
            r"([A-Z][\w-]*)", masked))
        # Capitalised runs right after "in"/"near"/...: "in Deir Ezzor province", "in Aleppo"
        self._place_runs = [(m.start(1), m.end(1), m.group(1)) for m in re.finditer(
            r"\b(?:in|near|across|into|outside|inside|throughout)\s+"
            r"((?>[A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*)*))(?![\w’'-])", masked)]
        self._scan()
        self._scan_subjects()

    def _scan(self) -> None:
        masked = self.masked
        for m in _ORG_OF_RE.finditer(masked):
            toks = _tokens(m.group())
            if toks and toks[0].lower() in _ORG_LEADS:
                self._add_org(" ".join(toks), m.start())
            elif _is_org(toks[:-1]) or any(t.lower() in _ORG_WORDS for t in toks):
                head = toks[0]
                if head.lower() in _NOT_NAMES:
                    toks = toks[1:]
                if toks and toks[-1].lower() not in _NOT_NAMES:
                    self._add_org(" ".join(toks), m.start())
        honoured: dict[str, int] = {}
        speaking: dict[str, int] = {}  # one word before "said": a person, unless shown otherwise
        lower = set(re.findall(r"\b[a-z][a-z’'-]*\b", masked))
        for m in _RUN_RE.finditer(masked):
            run = m.group()
            if re.match(r"\s+more\b", masked[m.end() : m.end() + 8]) and run.endswith("Read"):
                run = run[:-4].rstrip()  # the Guardian's "Read more" link after a headline
            if not run:
                continue
            if masked[max(0, m.start() - 1) : m.start()] == "/" or \
                    self._glued_opening(run.split(), m.start(), lower):
                run = run.partition(" ")[2]  # "REX/Shutterstock Trudeau", "Neither Warren"
            if " " not in run and "\t" not in run:  # one word: an acronym, or a surname
                word = _strip_possessive(run)  # that speaks ("Guterres said")
                if _is_acronym(word):
                    self._add_org(word, m.start())
                elif word == run and masked[m.end() : m.end() + 1] == " " and \
                        _SPEAKING_VERB_RE.match(masked, m.end() + 1):
                    speaking.setdefault(word, m.start())
                continue
            toks = _tokens(run)
            while toks and toks[0].lower().strip(".,") in _NOT_NAMES:
                toks = toks[1:]
            if not toks:
                continue
            toks = _split_owner(toks)[1]  # "Sanders’ California supporters"
            toks = toks[:-1] + [_strip_possessive(toks[-1])]
            title, name = _split_title(toks)
            while not title and len(name) > 2 and name[0].lower() in _GROUP_WORDS:
                name = name[1:]  # "Democrats Hillary Clinton, Bernie Sanders ..."
            start = m.start()
            at = masked.find(name[0], start) if name else start
            field = None if title else _field_and_name(name, masked[max(0, at - 30) : at])
            if field:
                name = field[1]
            elif not title and self._place_before_name(name, at):
                name = name[1:]  # "in Aleppo Ibrahim Abu Leith told": the place is no name
            if _is_org(toks) and not (title and _is_person_name(name)):
                if len(toks) > 1 or _is_acronym(toks[0]):
                    self._add_org(" ".join(toks), start)
                continue
            at = masked.find(name[0], start) if name else -1
            if len(name) == 1 and _is_person_name(name) and \
                    re.search(r"\b(?:Mrs?|Ms|Miss|Dr)\.?\s+$", masked[max(0, at - 6) : at]):
                honoured.setdefault(name[0], at)  # "Ms. Truss": a person, named so throughout
            if len(name) >= 2 and _is_person_name(name):
                full = " ".join(name)
                role = " ".join(title) if title and not all(
                    t.lower() in _HONORIFICS for t in title) else None
                role = role or self._role_around(m.start(), m.end(), title)
                tag = re.match(r"\s*(\([^()]{2,20}\))", masked[m.end() : m.end() + 24])
                where = party_state(tag.group(1)) if tag else None  # "Sen. X (D-NY)"
                if where:
                    role = f"{role}, {where}" if role else where
                self._add_person(full, start, role)
        surnames = {full.split()[-1] for full in self.people}
        for name, start in honoured.items():
            if name not in surnames:
                self._add_person(name, start, None)
        # "Guterres said ... He said": the article names him by surname alone, so a later
        # pronoun can take him; not a word the article writes in lower case, a place ("in
        # Kafraya") or a part of a full name it gives ("Ban" of "Ban Ki-moon", "Zelensky" of
        # "Volodymyr Zelenskiy")
        named = {t for full in self.people for t in full.split()}
        places = set(re.findall(r"\b(?:in|from|across|into|near|outside|inside|throughout|"
                                r"towards?)\s+([A-Z][\w-]*)", masked))
        for name, start in speaking.items():
            if not any(_same_name(name, t) for t in named) \
                    and name not in places and name.lower() not in lower \
                    and _is_person_name([name]) and not _is_org([name]):
                self._add_person(name, start, None)
        self._surname_mentions()

    def _glued_opening(self, words: list[str], start: int, lower: set[str]) -> bool:
        """A sentence's first word run together with the name after it ("Neither Warren nor
        ...", "Six Gannett newspapers"): the article writes it in lower case, and capitalises
        it nowhere mid-sentence."""
        if not re.search(r"(?:^|[.!?:;]\s+|\n\s*)$", self.masked[max(0, start - 3) : start]):
            return False
        word, low = words[0], words[0].lower()
        if any(w.lower().strip(".,") in _TITLES for w in words) or \
                low in {"former", "then", "acting", "retired", "late", "outgoing"}:
            return False  # "Former President Bill Clinton", "Vice President Joe Biden"
        return (low in lower or low in _OPENING_WORDS) and not self._mid_sentence(word)

    def _place_before_name(self, toks: list[str], start: int) -> bool:
        """A place run together with the full name after it ("while in Kyiv Volodymyr Zelenskiy
        said", FA-KES texts that lost their commas): after "in"/"from"/"at", a first word the
        article uses elsewhere, never before the name's next word nor before its surname."""
        before = self.masked[max(0, start - 30) : start]
        if len(toks) < 3 or re.fullmatch(r"(?:[A-Z]\.)+", toks[1]) or not \
                re.search(r"\b(?i:in|from|at)\s+$", before):
            return False
        first, second = toks[0], toks[1]
        last = next(t for t in reversed(toks) if t.lower().strip(".,") not in _NAME_SUFFIXES)
        if re.search(rf"\b{re.escape(first)}\s+{re.escape(last)}\b", self.masked):
            return False  # "Hillary Clinton ... from Hillary Rodham Clinton": a first name
        elsewhere = [p for p in self._words.get(first, ()) if p != start]
        return bool(elsewhere) and not any(
            self.masked.startswith(second, p + len(first) + 1) for p in elsewhere)

    def _role_around(self, start: int, end: int, title: list[str]) -> str | None:
        """Lowercase title before a name ("Syria's foreign minister X") or an appositive after."""
        before = self.masked[max(0, start - 120) : start]
        lead = not title and not before.rstrip().endswith(",")
        if lead and _title_before(before):
            return _title_before(before)
        m = None if lead else re.search(r"(?:^|[.,;:(”“\"]\s*|\band\s+|\bby\s+|\bwith\s+)"
                      r"((?:the\s+|a\s+|an\s+)?[^.,;:()_]{2,100}?)\s*,?\s*$", before)
        if m and not title:
            cand = re.sub(r"^(?:where|who|which|when|as|while|and|but)\s+", "", m.group(1).strip())
            if re.search(r"\b(?:he|she|they|it|we|I)\b|\b[a-z]+ed\b", cand):
                cand = ""  # a clause ("He also thanked ..."), not a title
            words = [w.strip(",").lower() for w in cand.split()]
            if words and before.rstrip().endswith(",") and any(w in _TITLES for w in words[:5]):
                words = words + [words[[w in _TITLES for w in words].index(True)]]
            if words and words[-1] in _ROLE_NOUNS and len(words) <= 12 and \
                    not _VERB_RE.search(cand):
                obj = _object_role(cand)
                if obj and re.search(r"[A-Z][\w’'-]+,\s*$", before[: m.start(1)]):
                    return obj  # "Ihor Zhovka, adviser to the Ukrainian president, Volodymyr
                return cand  # Zelenskiy": the adviser is Zhovka, the president him
        after = self.masked[end : end + 230]
        m = re.match(r",\s+((?:the|a|an|[A-Z][\w’']*[’']s)\s+[^.,;:()_]{2,200}?)\s*(?:[,.;)]|$)",
                     after) or _BARE_ROLE_AFTER.match(after)
        if m:
            cand = re.split(r"\s+(?:who|which|whose)\s+", m.group(1))[0]  # "a scholar at X who
            if len(cand) > 110:  # has studied ..."; "a Clinton campaign aide in 2008 and now
                cand = re.split(r"\s+(?:and|but)\s+", cand)[0]  # director of ...": the first
            while len(cand.split()) > 14 and re.search(r"\s+(?:in|at)\s+\S+.*$", cand):  # role
                cand = re.sub(r"\s+(?:in|at)\s+(?:(?!\s+(?:in|at)\s).)*$", "", cand)  # "... in
            words = cand.lower().split()  # the Donetsk region": its place dropped till it fits
            if len(words) <= 14 and not re.search(r"\b[A-Z]$", cand) and \
                    not _VERB_RE.search(cand) and \
                    any(w.strip(",") in _ROLE_NOUNS or w in _SYNONYMS or w.endswith("er")
                        or w.endswith("ist") or w.endswith("ian") for w in words):
                return cand
        return None

    def _is_place_name(self, full: str) -> bool:
        """A run of places, no person ("Syrias Aleppo", "Central America", "Idlib Homs", "Deir
        Ezzor", a headline's "in Aleppo Rises to 70"): each word a place (a known place word or
        one the article puts alone after "in"); or every mention of its last word inside a run
        after "in"; or the very run the article puts after "in", its last word never alone; or
        a place and a word the article uses nowhere else ("Orlando Sentinel"); never a name
        before a speaking verb."""
        toks = [_strip_possessive(t).strip(".,") for t in full.split()]
        single = {r for _, _, r in self._place_runs if " " not in r and "\t" not in r}

        def known(word: str) -> bool:
            if word.endswith("s") and (word[:-1] in single or word[:-1] == "Syria"):
                word = word[:-1]  # FA-KES lost its apostrophes: "Syrias Aleppo"
            return word.lower() in _PLACE_OR_MARKER or word in single

        if not toks or all(known(t) for t in toks):
            return bool(toks)
        last = self._words.get(toks[-1], [])
        if any(_WORD_THEN_VERB.match(self.masked, p, p + 40) for p in last):
            return False  # "in Aleppo Ibrahim Abu Leith told reporters": a speaker
        if last and all(any(lo <= p < hi for lo, hi, _ in self._place_runs) for p in last):
            return True
        named = len(re.findall(rf"(?<![\w-]){re.escape(full)}(?![\w-])", self.masked))
        if full in {r for _, _, r in self._place_runs} and len(last) == named:
            return True
        return len(toks) == 2 and toks[0] in single and len(last) == named

    def _add_person(self, full: str, pos: int, role: str | None) -> None:
        if self._is_place_name(full):
            return
        first, _, rest = full.partition(" ")
        if rest.count(" ") >= 1 and re.search(r"(?:ians|ans|ers|ives|ors|ists|ats|ens)$", first):
            full = rest  # "Russians Volodymyr Zelenskiy", "Representatives James E. Clyburn"
        for known in list(self.people):  # "Carboni" registered before "Fabrizio Carboni"
            if known != full and not full.endswith(" " + known) and known.endswith(full):
                full = known
        ent = self.people.setdefault(full, _Entity(full, "person"))
        ent.mentions.append(pos)
        if role and not ent.role:
            ent.role = role
        if role and role not in ent.roles:
            ent.roles.append(role)

    def _add_org(self, name: str, pos: int) -> None:
        name = _org_key(name)
        if not name or name.lower() in _NOT_NAMES:
            return
        ent = self.orgs.setdefault(name, _Entity(name, "org"))
        ent.mentions.append(pos)

    def _surname_mentions(self) -> None:
        by_last: dict[str, list[str]] = {}
        for full in self.people:
            by_last.setdefault(full.split()[-1], []).append(full)
        for last, fulls in by_last.items():
            if len(fulls) != 1:
                continue
            self.people[fulls[0]].mentions.extend(self._words.get(last, ()))
        for ent in self.people.values():
            ent.mentions = sorted(set(ent.mentions))

    # -- lookups ------------------------------------------------------------------------

    def person(self, name: str, pos: int) -> _Entity | None:
        """Full person for a (partial) name: "Lavrov", "Mr. Clyburn", "Sergei Lavrov"."""
        toks = [t for t in _tokens(name) if t.lower() not in _HONORIFICS]
        if not toks:
            return None
        key = " ".join(toks)
        if key in self.people:
            return self.people[key]
        cands = [e for e in self.people.values() if e.name.endswith(" " + key)
                 or e.name.split()[-1] == toks[-1]]
        if len(cands) <= 1:
            return cands[0] if cands else None
        # Namesakes ("Hillary Clinton", "Bill Clinton"): a passing full mention ("the chairs in
        # Ivanka Trump's den") is no antecedent; the one lately a subject or speaker is, else the
        # article's main one, named most and first ("Donald J. Trump ... Mr. Trump said").
        acting = [e for p, e in self.subjects if self._body <= p < pos and e in cands]
        if acting:
            return acting[-1]
        return min(cands, key=lambda e: (_last_before(e.mentions, pos) < 0,
                                         -sum(p >= self._body for p in e.mentions),
                                         min(e.mentions)))

    def org(self, name: str) -> _Entity | None:
        key = _org_key(name)
        plain = key.replace(".", "")
        if re.fullmatch(r"[A-Z]{2,8}", plain):  # prefer the spelled-out name the article uses
            for ent in self.orgs.values():
                if " " in ent.name and _acronym(ent.name) == plain:
                    return ent
        return self.orgs.get(key)

    def note_speaker(self, name: str | None, pos: int) -> None:
        """A resolved cue subject is the freshest antecedent for a following "he said"."""
        if name and name not in self.people and name not in self.orgs and \
                len(_tokens(name)) >= 2 and _is_person_name(_tokens(name)) and \
                not re.search(r"[’']s\b", name):
            self._add_person(name, pos, None)  # a name the scan missed ("Kevin Kennedy Regional ...")
        if name and name in self.people:
            self.subjects.append((pos, self.people[name]))
            self.subjects.sort(key=lambda x: x[0])

    def subject(self, pos: int, gender: str | None = None) -> _Entity | None:
        """The latest subject a pronoun can refer to; an owner opening a sentence ("Ms. Truss’
        campaign has ...", named with an honorific) only for a pronoun of its known gender."""
        best = None
        for p, ent in self.subjects:
            if p >= pos:
                break
            known = self.gender(ent)
            if gender and known not in (gender, None) or \
                    p in self._owners and not (gender and known == gender):
                continue
            best = ent
        return best

    def gender(self, ent: _Entity) -> str | None:
        """'m'/'f' from the pronouns that follow the person's mentions (cheap, usually right),
        else from the honorific the article gives the surname."""
        if ent.gender == "?":
            seen: dict[int, str] = {}  # pronoun position -> "m"/"f"
            last = -1000
            for p in ent.mentions:
                if p - last < 160:  # "David Wasserman ... Wasserman" share one window
                    continue
                last = p
                lo = max(0, p - 5)
                for m in _PRONOUN_GENDER.finditer(self.masked[lo : p + 160].lower()):
                    seen[lo + m.start()] = "m" if m.group(1) else "f"
            for q, g in self._opening_pronouns:  # "Her remarks led ...": the one named last
                if q not in seen and self._last_person(q) is ent:
                    seen[q] = g
            male = sum(g == "m" for g in seen.values())
            female = len(seen) - male
            ent.gender = ("m" if male >= 2 and male > 2 * female else
                          "f" if female >= 2 and female > 2 * male else
                          self._honorific_gender(ent.name.split()[-1]))
        return ent.gender

    @cached_property
    def _opening_pronouns(self) -> list[tuple[int, str]]:
        """(position, "m"/"f") of each he/she/his/her opening a sentence (once per article)."""
        return [(m.start(1), "m" if m.group(1) in {"He", "His"} else "f")
                for m in re.finditer(r"(?:^|[.!?]\s+|\n\s*)(He|She|His|Her)\b", self.masked)]

    def _last_person(self, pos: int) -> _Entity | None:
        """The person mentioned last before `pos`, within a few sentences."""
        best, best_pos = None, pos - 800
        for ent in self.people.values():
            p = _last_before(ent.mentions, pos)
            if p > best_pos:
                best, best_pos = ent, p
        if best and any(best_pos < q < pos for e in self.people.values() if e is not best
                        for q in self._words.get(e.name.split()[-1], ())):
            return None  # a surname two people share ("Clinton") is someone's mention too
        return best

    def _honorific_gender(self, surname: str) -> str | None:
        """'m' for "Mr. Sunak", 'f' for "Ms. Truss" or "Mrs. May"; None if unsaid or both
        (a couple: "Mr. and Mrs. Clinton")."""
        said = {"m" if h == "Mr" else "f" for h in re.findall(
            rf"\b(Mrs?|Ms|Miss)\.?\s+(?:[A-Z][\w.-]*\s+)?{re.escape(surname)}\b", self.masked)}
        return said.pop() if len(said) == 1 else None

    def _scan_subjects(self) -> None:
        """People who open a sentence ("Orban has condemned ...") are what he/she refer to.
        Resolved in text order, so that a namesake's surname finds who acted just before."""
        found: list[tuple[int, list[str], int | None]] = []  # (start, name, end if a subject)
        for m in _SUBJECT_RE.finditer(self.masked):
            words = _tokens(m.group(1))
            toks = [t for t in words if t.lower() not in _HONORIFICS]
            if toks and _strip_possessive(toks[-1]) != toks[-1]:
                if len(toks) == len(words):
                    continue  # an owner counts only with the gender said: "Ms. Truss’ campaign"
                toks[-1] = _strip_possessive(toks[-1])
                self._owners.add(m.start(1))
            found.append((m.start(1), _split_title(toks)[1], m.end(1)))
        for v in _SPEAKING_VERB_RE.finditer(self.masked):  # "..., Lavrov also said Russia ..."
            lo = max(0, v.start() - 80)
            m = _SPEAKING_NAME_RE.search(self.masked, lo, v.start())
            if m is not None:
                toks = [t for t in _tokens(m.group(1)) if t.lower() not in _HONORIFICS]
                found.append((m.start(1), _split_title(toks)[1], None))
        for start, name, end in sorted(found, key=lambda f: f[0]):
            if not name or not _is_person_name(name):
                continue
            ent = self.person(" ".join(name), start + 1)
            if ent is None and end is not None and len(name) == 1 and \
                    not self._is_place(name[0]) and self._mid_sentence(name[0]) and \
                    not re.search(r"(?:ing|ly|ed)$", name[0]) and \
                    _THEN_VERB.match(self.masked, end, end + 30):
                ent = self.people.setdefault(name[0], _Entity(name[0], "person"))
                ent.mentions.append(start)
            if ent:
                self.subjects.append((start, ent))
        for m in re.finditer(r"(?:^|[.!?]\s+|\n\s*)(The [A-Za-z][\w’' -]{2,40}?)\s+(?:[a-z]+ed|"
                             r"said|says|told|has|had|is|was|will|would)\b", self.masked):
            head = _strip_possessive(m.group(1).split()[-1].lower())
            if head in _ORG_WORDS or head in _NON_SPEAKERS:
                continue
            ent = self.by_description(m.group(1), m.start(1))  # "The Vermont senator declined"
            if ent:
                self.subjects.append((m.start(1), ent))
        self.subjects.sort(key=lambda x: x[0])

    def _mid_sentence(self, word: str) -> bool:
        """Capitalised where no sentence starts: a name ("Cruz"), not a plural ("Hospitals")."""
        return any(re.search(r"(?:[a-z,]|\b(?:Mr|Ms|Mrs|Dr)\.)\s+$", self.masked[max(0, p - 6) : p])
                   for p in self._words.get(word, ()))

    def _is_place(self, word: str) -> bool:
        return word.lower() in _PLACE_WORDS or word in self._after_prep

    def org_by_head(self, head: str, pos: int) -> _Entity | None:
        """"the ministry said" -> the latest organisation named with that word."""
        cands = [e for e in self.orgs.values() if head in e.name.lower().split()]
        return max(cands, key=lambda e: _last_before(e.mentions, pos), default=None)

    def recent(self, kind: str, pos: int, gender: str | None = None) -> _Entity | None:
        """The latest one mentioned, of the pronoun's gender if it has one."""
        pool = self.people.values() if kind == "person" else self.orgs.values()
        best, best_pos = None, -1
        for ent in pool:
            p = _last_before(ent.mentions, pos)
            if p > best_pos and not (gender and self.gender(ent) not in (gender, None)):
                best, best_pos = ent, p
        return best

    def by_description(self, desc: str, pos: int) -> _Entity | None:
        """Person earlier introduced with a role sharing words with `desc`; latest wins ties."""
        words = _content_words(desc)
        if not words:
            return None
        wanted = set(words)
        for w in words:
            wanted |= _SYNONYMS.get(w, set())
        best, best_key = None, (0, -1)
        for ent in self.people.values():
            if not ent.role:
                continue
            last = _last_before(ent.mentions, pos)
            if last < 0:
                continue
            role_words = set(_content_words(ent.role))
            overlap = len(set(words) & role_words) + 0.5 * len((wanted - set(words)) & role_words)
            head_ok = words[-1] in role_words or bool(_SYNONYMS.get(words[-1], set()) & role_words)
            if not set(words) & role_words:  # at least one word in common, not just synonyms
                continue
            key = (overlap + (1 if head_ok else 0), last)
            if key > best_key:
                best, best_key = ent, key
        return best

    # -- definite descriptions: "the Florida senator", "the ministry", "the Britain-based group"

    def by_reference(self, desc: str, pos: int) -> _Entity | None:
        """The person or organisation a definite description re-mentions, read as a careful
        reader does: the latest one named nearby (this paragraph or the two before) that fits
        the head noun, never one whose known role conflicts, and nobody when the description
        picks up an unnamed one ("a western official ... the official said")."""
        words = [_strip_possessive(w).lower().strip(".,") for w in
                 re.split(r"\s+(?:of|from|for|at|in|on|with)\s+", desc, maxsplit=1)[0].split()]
        if len(words) < 2 or words[0] not in {"the", "this", "that"}:
            return None
        head = words[-1]
        if head in _PERSON_HEADS:
            kind = "person"
        elif head in _ORG_FITS:
            kind = "org"
        else:
            return None  # "the source", "the lawsuit", "the groups"
        if any(self.person(" ".join(_tokens(r.group())[-k:]), pos) and k <= len(_tokens(r.group()))
               for r in _RUN_RE.finditer(desc) for k in (2, 3)):
            return None  # "the director of the Observatory Rami Abdel Rahman": a name, not this
        if _ANONYMOUS.match(self.masked, pos + len(desc)):
            return None  # "said the official, who spoke on condition of anonymity"
        lo = self._window_start(pos)
        pool = self.people.values() if kind == "person" else self.orgs.values()
        scored = []
        for ent in pool:
            last = max((p for p in ent.mentions if lo <= p < pos and p >= self._body),
                       default=-1)
            if last < 0:
                continue
            fit = (self._person_fit(ent, desc, head) if kind == "person"
                   else _org_fit(ent.name, head, desc))
            if fit is not None:
                scored.append((fit, last, ent))
        if not scored:
            return None
        # Whoever agrees with the description or was lately a sentence's subject beats a bare
        # later mention ("... at the Democratic National Convention. The Vermont senator told").
        subjects = {id(e) for p, e in self.subjects if lo <= p < pos}
        fit, last, ent = max(scored, key=lambda x: (x[0] == 1 or id(x[2]) in subjects, x[1]))
        if self._unnamed_between(head, last, pos):
            return None
        return ent

    def _window_start(self, pos: int) -> int:
        k = max(0, sum(1 for s in self._para_starts if s <= pos) - 1)
        return max(self._para_starts[max(0, k - 2)], pos - 1200)

    def _person_fit(self, ent: _Entity, desc: str, head: str) -> int | None:
        """1 if the person's known roles share the description's function, 0 if nothing is
        known either way, None if they conflict (another function, party or gender)."""
        if {w.lower() for w in ent.name.split()} & _NOT_PERSON_WORDS:
            return None  # "Islamic State", "Human Rights": the registry's false people
        want = _GENDERED.get(head)
        if want and self.gender(ent) not in (want, None):
            return None
        desc_words = set(_content_words(desc))
        same = [other for other in self.people.values() if _same_person(other.name, ent.name)]
        known = {w for other in same for role in other.roles for w in _content_words(role)}
        if (desc_words & _REPUBLICAN and known & _DEMOCRAT and not known & _REPUBLICAN) or \
                (desc_words & _DEMOCRAT and known & _REPUBLICAN and not known & _DEMOCRAT):
            return None
        places = {w.lower() for w in desc.split()[1:] if w[:1].isupper()} - _PARTY_WORDS
        held_places = {w.lower().strip(",.") for other in same for role in other.roles
                       for w in role.split() if w[:1].isupper()} - _TITLES - _PARTY_WORDS
        if places and held_places and not places & held_places:
            return None  # "the Vermont senator" is not the "New York senator"
        functions = {w for w in desc_words if w in _ROLE_NOUNS} - _PARTY_WORDS
        wanted = set(functions)
        for w in functions:
            wanted |= _SYNONYMS.get(w, set())
        held = {w for w in known if w in _ROLE_NOUNS or w in _SYNONYMS} - _PARTY_WORDS
        if known & wanted:
            return 1
        if head in _INTRODUCED_HEADS:
            return None  # "the aide", "the official": only one introduced as such
        return None if held else 0

    def _unnamed_between(self, head: str, lo: int, hi: int) -> bool:
        """An unnamed one of the kind came up after the candidate: "A Republican committee aide
        blasted ...", "Mexican officials ..." (an appositive to a name does not count)."""
        for m in _unnamed_rx(head).finditer(self.masked, lo, hi):
            if self.masked[max(0, m.start() - 2) : m.start()] == ", ":
                continue  # "Marco Rubio, a Florida senator,"
            if re.match(r",?\s+(?:[A-Z][\w’'.-]*\s+){1,3}", self.masked[m.end() : m.end() + 40]):
                continue  # "an aide, John Smith," / "a monitoring group, the Syrian Observatory"
            return True
        return False


@cache
def _unnamed_rx(head: str) -> re.Pattern[str]:
    """An unnamed one of the kind `head` names: "a ... aide", "officials", "Clinton's aide"."""
    plural = {"man": "men", "woman": "women", "spokesman": "spokesmen",
              "spokeswoman": "spokeswomen"}.get(head, head + "s")
    return re.compile(rf"(?i:\b(?:a|an|one|another|other|two|three|several|some|many)\s+"
                      rf"(?:[\w’'-]+\s+){{0,4}}?{re.escape(head)}\b)|\b{re.escape(plural)}\b|"
                      rf"[’']s\s+(?:[\w’'-]+\s+){{0,3}}?{re.escape(head)}\b")


_ROLE_NOUNS = _TITLES | {
    "official", "diplomat", "analyst", "economist", "lawyer", "researcher", "editor", "founder",
    "executive", "manager", "strategist", "pollster", "correspondent", "activist", "resident",
    "member", "lawmaker", "secretary", "nominee", "hopeful", "rival", "opponent", "surrogate",
    "congressman", "congresswoman", "consultant", "operative", "historian", "expert", "writer",
    "host", "anchor", "columnist", "reporter", "journalist", "author", "ceo", "mother", "father",
    "wife", "husband", "son", "daughter", "brother", "sister", "friend", "campaigner",
    "scholar", "fellow",
}
# ", president and chief executive of ...", ", diplomatic adviser to the president": a role
# after a name without its article, up to two words before its role noun (no clause words).
_ROLE_NOUN_ALT = "|".join(sorted(map(re.escape, _ROLE_NOUNS), key=len, reverse=True))
_BARE_ROLE_AFTER = re.compile(
    r",\s+((?:(?!(?:who|which|whose|that|when|where|while|as|and|but|or|was|is|were|are|has|"
    r"had|have|will|would|said|says|told)\b)[a-z][\w-]*\s+){0,2}"
    rf"(?:{_ROLE_NOUN_ALT})\s+(?:and\s+[a-z][\w\s-]*?\s+)?(?:of|to|for|at)\s+"
    r"[^.,;:()_]{2,200}?)\s*(?:[,.;)]|$)")
_OBJECT_ROLE = re.compile(r"\b(?:to|of|for)\s+((?:the\s+)?(?:[\w’'-]+\s+){0,3}([\w-]+))$")


def _object_role(desc: str) -> str | None:
    """The role a description's object holds ("adviser to [the Ukrainian president]"), or None:
    in "A, adviser to the president, B" that role is B's, and the description A's."""
    m = _OBJECT_ROLE.search(desc)
    return m.group(1) if m and m.group(2).lower() in _ROLE_NOUNS else None


_ROLE_STOP = re.compile(
    r"(?:and|or|but|with|by|alongside|to|of|in|on|at|from|as|that|who|which|is|was|were|are|"
    r"has|had|have|be|been|than|against|about|after|before|said|says|told|when|while|if|"
    r"[a-z]+ed|[a-z]+ing)$"
)


def _title_before(before: str) -> str | None:
    """"Syria's foreign minister" / "then-GOP nominee" right before a name, or None."""
    words = before.split()
    if not words or words[-1].lower() not in _ROLE_NOUNS:
        return None
    kept: list[str] = []
    for w in reversed(words[-10:]):
        if re.search(r"[.,;:()”“\"_]", w) and kept:
            break
        if _ROLE_STOP.match(w) and kept:
            break
        kept.append(w)
        if w.lower() in {"the", "a", "an"}:
            break
    role = " ".join(reversed(kept)).strip(" ,")
    return role if role and role.lower() not in {"the", "a", "an"} else None


def _field_and_name(toks: list[str], before: str) -> tuple[list[str], list[str]] | None:
    """(field, name) of a run after a title's "of" ("Secretary of State John F. Kerry",
    "Secretary of Homeland Security Jeh Johnson"): a field said once is no first name, so the
    name is the last two words (three with a middle initial); None unless that is a person's."""
    m = re.search(r"(\w+)\s+of\s+$", before)
    if not m or m.group(1).lower() not in _TITLES or len(toks) < 3:
        return None
    n = 3 if len(toks) >= 4 and re.fullmatch(r"[A-Z]\.", toks[-2]) else 2
    field, name = toks[:-n], toks[-n:]
    return (field, name) if _is_person_name(name) else None


_PRONOUN_GENDER = re.compile(r"\b(?:(he|his|him|himself|mr)|she|her|hers|herself|ms|mrs)\b")


def _last_before(positions: list[int], pos: int) -> int:
    best = -1
    for p in positions:
        if p < pos:
            best = p
    return best


def _content_words(text: str) -> list[str]:
    words = [_strip_possessive(w).lower().strip(".,") for w in re.findall(r"[\w’'.-]+", text)]
    return [w for w in words if w and w not in _STOP]



_PARTY_WORDS = {"republican", "democrat", "democratic", "independent", "gop", "former", "high"}
_REPUBLICAN = {"republican", "gop"}
_DEMOCRAT = {"democrat", "democratic"}
_GENDERED = {"man": "m", "woman": "f", "spokesman": "m", "spokeswoman": "f", "congressman": "m",
             "congresswoman": "f", "businessman": "m", "businesswoman": "f", "father": "m",
             "mother": "f", "husband": "m", "wife": "f", "son": "m", "daughter": "f",
             "brother": "m", "sister": "f", "king": "m", "queen": "f", "actress": "f"}
# "the man", "the woman" are left out: in the news they re-mention an unnamed passer-by.
_PERSON_HEADS = _ROLE_NOUNS - _PARTY_WORDS - _HONORIFICS - {
    "head", "high", "vice", "deputy", "general", "major", "chief", "officer", "member", "resident",
    "host", "rival", "opponent", "friend", "father", "mother", "son", "daughter", "brother",
    "sister", "husband", "wife", "author", "writer", "under-secretary"}
_ANONYMOUS = re.compile(
    r"[^.;“”\"]{0,80}\b(?:anonymity|not to be (?:named|identified)|(?:not|n't) (?:want|wish|"
    r"authori[sz]ed) to be (?:named|identified|quoted)|declined to be (?:named|identified))")
_NOT_PERSON_WORDS = set(_words(
    "state states rights affairs security convention human humanitarian islamic social national "
    "united international federal public general central street wall"))
_DATE_WORDS = set(_words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april june "
    "july august september october november december"))
# A named person is "the aide" or "the official" only once introduced as one; otherwise the
# description re-mentions an unnamed one ("Evgeny Lebedev’s chief of staff wrote ... the aide").
_INTRODUCED_HEADS = set(_words(
    "aide adviser advisor assistant official officer spokesman spokeswoman spokesperson "
    "diplomat staffer source"))


def _same_person(a: str, b: str) -> bool:
    """"De Blasio" and "Bill de Blasio" (the registry keeps case apart)."""
    a, b = a.lower(), b.lower()
    return a == b or a.endswith(" " + b) or b.endswith(" " + a)


_MEDIA = set(_words(
    "news times post press network journal magazine tribune herald gazette guardian telegraph "
    "independent observer standard mail express daily newspaper politico izvestia kommersant "
    "pravda channel tv radio broadcaster cnn bbc nbc cbs abc fox msnbc reuters ap afp tass sana "
    "ria interfax al-jazeera jazeera"))
_STATE = set(_words(
    "ministry army forces force military government department nations un u.n. eu e.u. nato "
    "kremlin pentagon house senate congress parliament assembly court police guard guards command "
    "administration cabinet embassy mission delegation u.s. us uk u.k. party campaign"))
# Organisation head nouns and the name words that fit them (None: any non-state, non-media
# organisation, as "the group" or "the organisation" are).
_ORG_FITS: dict[str, set[str] | None] = {
    "ministry": {"ministry"}, "army": {"army", "forces", "military"},
    "military": {"army", "forces", "military"}, "government": {"government", "administration"},
    "agency": {"agency", "reuters", "ap", "afp", "tass", "sana", "ria", "interfax", "unicef",
               "unhcr", "iaea"},
    "newspaper": _MEDIA - {"network", "channel", "tv", "radio", "broadcaster", "cnn", "bbc",
                            "nbc", "cbs", "abc", "fox", "msnbc", "reuters", "ap", "afp", "tass",
                            "sana", "ria", "interfax", "al-jazeera", "jazeera"},
    "daily": {"daily", "times", "post", "journal", "izvestia", "kommersant", "pravda"},
    "outlet": _MEDIA, "broadcaster": {"tv", "radio", "channel", "network", "broadcaster", "bbc",
                                      "cnn", "nbc", "cbs", "abc", "fox", "msnbc"},
    "company": {"company", "corporation", "inc", "corp", "ltd", "llc"},
    "monitor": {"observatory", "monitor", "watch"},
    "watchdog": {"watch", "watchdog", "organization", "organisation", "agency", "commission",
                 "observatory"},
    "group": None, "organisation": None, "organization": None, "body": None, "ngo": None,
    "charity": None,
}


def _org_fit(name: str, head: str, desc: str) -> int | None:
    """1 if the organisation `name` can be "the <head>" of `desc`, else None."""
    words = {_strip_possessive(w).lower().strip(",") for w in name.split()}
    if words & _DATE_WORDS:
        return None  # "AFP Tuesday": a dateline, not a name
    for w in desc.split()[1:]:  # "the Syrian foreign ministry" fits the Syrian one only
        if w[:1].isupper() and not w.endswith("-based") and \
                not any(n[:5] == w.lower()[:5] for n in words):
            return None
    if head in words:
        return 1
    fits = _ORG_FITS[head]
    if fits is not None:
        return 1 if words & fits else None
    if words & (_STATE | _MEDIA) or len(words) == 1 and re.fullmatch(r"(?:[A-Z]\.){2,}", name):
        return None
    return 1
