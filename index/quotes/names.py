"""The article's people and organisations, with the roles they were introduced with, and
the name helpers (titles, places, acronyms) that attribution and matching share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def _strip_possessive(word: str) -> str:
    if word.endswith(("’s", "'s")):
        return word[:-2]
    return word[:-1] if word.endswith(("’", "'")) else word


def _tokens(run: str) -> list[str]:
    return [t for t in re.split(r"\s+", run.strip()) if t]


_SURNAME_TITLES = {"king", "major", "bishop", "judge", "justice", "speaker", "chair", "father",
                   "lord", "head", "cardinal", "prince", "rice", "sergeant", "marshal", "general"}


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
    if any(_strip_possessive(t).lower().strip(".") in _ORG_WORDS for t in tokens):
        return True
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


_PLACE_HEADS = frozenset(_words(
    "county city street avenue road river sea valley mountain mountains gulf bay lake park "
    "square hall hill beach coast island province region district oblast airport base"
))


def _is_person_name(tokens: list[str]) -> bool:
    if not tokens or len(tokens) > 4 or _is_org(tokens):
        return False
    if any(t.lower().strip(".,") in _PLACE_HEADS for t in tokens):
        return False
    if len(tokens) > 1 and sum(_strip_possessive(t).lower().strip(".,") in _PLACE_WORDS
                               for t in tokens) >= 1 \
            and tokens[0].lower() in _PLACE_WORDS:
        return False
    if any(t.lower().strip(".,") in _NOT_NAMES for t in tokens):
        return False
    return all(re.match(r"[A-Z]", t) for t in tokens if t.lower() not in
               {"al", "bin", "ibn", "de", "del", "da", "van", "von", "der", "la", "le", "el",
                "abu"})


def _acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w’'-]*", name)
                   if w.lower() not in {"of", "the", "for", "and", "on", "in"}).upper()


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
_SPEAKING_VERB_RE = re.compile(r"\b(?:said|says|told|tells|added|adds|insisted|warned|stressed)\b")
_SPEAKING_NAME_RE = re.compile(  # searched right before a _SPEAKING_VERB_RE hit
    rf"(?<![\w’'.-])(?<!\bfor )(?<!\bof )(?<!\band )"
    rf"((?:{_NAME_TOKEN}[ \t]+){{0,3}}{_NAME_TOKEN})[ \t]+(?:(?:also|then|later|"
    rf"again|has|had)[ \t]+)?$"
)


class _Registry:
    """The article's people and organisations, found once, outside quotes."""

    def __init__(self, text: str, masked: str) -> None:
        self.text = text
        self.masked = masked
        self.people: dict[str, _Entity] = {}
        self.orgs: dict[str, _Entity] = {}
        self.subjects: list[tuple[int, _Entity]] = []
        self._words: dict[str, list[int]] = {}
        for m in re.finditer(r"\b[A-Z][\w-]*", masked):
            self._words.setdefault(m.group(), []).append(m.start())
        self._after_prep = set(re.findall(
            r"\b(?:in|to|from|across|into|near|outside|inside|of|at|around|over|towards?)\s+"
            r"([A-Z][\w-]*)", masked))
        self._scan()
        self._scan_subjects()

    def _scan(self) -> None:
        masked = self.masked
        for m in _ORG_OF_RE.finditer(masked):
            toks = _tokens(m.group())
            if toks and toks[0].lower() in _ORG_WORDS | {"international", "national", "united",
                                                         "world", "human", "syrian", "russian"}:
                self._add_org(" ".join(toks), m.start())
            elif _is_org(toks[:-1]) or any(t.lower() in _ORG_WORDS for t in toks):
                head = toks[0]
                if head.lower() in _NOT_NAMES:
                    toks = toks[1:]
                if toks and toks[-1].lower() not in _NOT_NAMES:
                    self._add_org(" ".join(toks), m.start())
        for m in _RUN_RE.finditer(masked):
            run = m.group()
            if " " not in run and "\t" not in run:  # one word: only an acronym can count
                word = _strip_possessive(run)
                if re.fullmatch(r"[A-Z]{2,8}", word) or word in _DOTTED_ORGS:
                    self._add_org(word, m.start())
                continue
            toks = _tokens(run)
            while toks and toks[0].lower().strip(".,") in _NOT_NAMES:
                toks = toks[1:]
            if not toks:
                continue
            cut = [k for k, t in enumerate(toks[:-1]) if t.endswith(("’", "'", "’s", "'s"))]
            if cut:  # "Sanders’ California supporters": the owner is not part of the name
                toks = toks[cut[-1] + 1 :]
            toks = toks[:-1] + [_strip_possessive(toks[-1])]
            title, name = _split_title(toks)
            start = m.start()
            if _is_org(toks) and not (title and _is_person_name(name)):
                if len(toks) > 1 or re.fullmatch(r"[A-Z]{2,8}", toks[0]) or toks[0] in _DOTTED_ORGS:
                    self._add_org(" ".join(toks), start)
                continue
            if len(name) >= 2 and _is_person_name(name):
                full = " ".join(name)
                role = " ".join(title) if title and not all(
                    t.lower() in _HONORIFICS for t in title) else None
                role = role or self._role_around(m.start(), m.end(), title)
                self._add_person(full, start, role)
        self._surname_mentions()

    def _role_around(self, start: int, end: int, title: list[str]) -> str | None:
        """Lowercase title before a name ("Syria's foreign minister X") or an appositive after."""
        before = self.masked[max(0, start - 120) : start]
        if not title and not before.rstrip().endswith(","):
            return _title_before(before)
        m = re.search(r"(?:^|[.,;:(”“\"]\s*|\band\s+|\bby\s+|\bwith\s+)"
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
                return cand
        after = self.masked[end : end + 140]
        m = re.match(r",\s+((?:the|a|an|[A-Z][\w’']*[’']s)\s+[^.,;:()_]{2,110}?)\s*(?:[,.;)]|$)",
                     after)
        if m:
            cand = m.group(1)
            words = cand.lower().split()
            if len(words) <= 14 and not _VERB_RE.search(cand) and \
                    any(w.strip(",") in _TITLES or w in _SYNONYMS or w.endswith("er")
                        or w.endswith("ist") or w.endswith("ian") for w in words):
                return cand
        return None

    def _add_person(self, full: str, pos: int, role: str | None) -> None:
        first, _, rest = full.partition(" ")
        if rest.count(" ") >= 1 and re.search(r"(?:ians|ans|ers|ives|ors|ists|ats|ens)$", first):
            full = rest  # "Russians Volodymyr Zelenskiy", "Representatives James E. Clyburn"
        for known in list(self.people):  # "Carboni" registered before "Fabrizio Carboni"
            if known != full and full.endswith(" " + known) is False and known.endswith(full):
                full = known
        ent = self.people.setdefault(full, _Entity(full, "person"))
        ent.mentions.append(pos)
        if role and not ent.role:
            ent.role = role

    def _add_org(self, name: str, pos: int) -> None:
        name = re.sub(r"^(?:(?:The|the)\s+)?(?:[\w.]+-based\s+)?", "", name).strip()
        name = _strip_possessive(name)
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
        if not cands:
            return None
        return max(cands, key=lambda e: (_last_before(e.mentions, pos), -min(e.mentions)))

    def org(self, name: str) -> _Entity | None:
        key = re.sub(r"^(?:(?:The|the)\s+)?(?:[\w.]+-based\s+)?", "", name.strip())
        key = _strip_possessive(key)
        plain = key.replace(".", "")
        if re.fullmatch(r"[A-Z]{2,8}", plain):  # prefer the spelled-out name the article uses
            for ent in self.orgs.values():
                if " " in ent.name and _acronym(ent.name) == plain:
                    return ent
        return self.orgs.get(key)

    def note_speaker(self, name: str | None, pos: int) -> None:
        """A resolved cue subject is the freshest antecedent for a following "he said"."""
        if name and name in self.people:
            self.subjects.append((pos, self.people[name]))
            self.subjects.sort(key=lambda x: x[0])

    def subject(self, pos: int, gender: str | None = None) -> _Entity | None:
        best = None
        for p, ent in self.subjects:
            if p >= pos:
                break
            if gender and self.gender(ent) not in (gender, None):
                continue
            best = ent
        return best

    def gender(self, ent: _Entity) -> str | None:
        """'m'/'f' from the pronouns that follow the person's mentions (cheap, usually right)."""
        if ent.gender == "?":
            male = female = 0
            last = -1000
            for p in ent.mentions:
                if p - last < 160:  # "David Wasserman ... Wasserman" share one window
                    continue
                last = p
                window = self.masked[max(0, p - 5) : p + 160].lower()
                male += len(re.findall(r"\b(?:he|his|him|himself|mr)\b", window))
                female += len(re.findall(r"\b(?:she|her|hers|herself|ms|mrs)\b", window))
            ent.gender = ("m" if male >= 2 and male > 2 * female else
                          "f" if female >= 2 and female > 2 * male else None)
        return ent.gender

    def _scan_subjects(self) -> None:
        """People who open a sentence ("Orban has condemned ...") are what he/she refer to."""
        for m in _SUBJECT_RE.finditer(self.masked):
            toks = [t for t in _tokens(m.group(1)) if t.lower() not in _HONORIFICS]
            title, name = _split_title(toks)
            if name and _is_person_name(name):
                ent = self.person(" ".join(name), m.start(1) + 1)
                if ent is None and len(name) == 1 and not self._is_place(name[0]) and \
                        self._mid_sentence(name[0]) and \
                        not re.search(r"(?:ing|ly|ed)$", name[0]) and \
                        re.match(rf"\s+(?:{_VERBS}|[a-z]+ed|has|had|is|was|will|would)\b",
                                 self.masked[m.end(1) : m.end(1) + 30]):
                    ent = self.people.setdefault(name[0], _Entity(name[0], "person"))
                    ent.mentions.append(m.start(1))
                if ent:
                    self.subjects.append((m.start(1), ent))
        for v in _SPEAKING_VERB_RE.finditer(self.masked):  # "..., Lavrov also said Russia ..."
            lo = max(0, v.start() - 80)
            m = _SPEAKING_NAME_RE.search(self.masked, lo, v.start())
            if m is None:
                continue
            toks = [t for t in _tokens(m.group(1)) if t.lower() not in _HONORIFICS]
            name = _split_title(toks)[1]
            ent = self.person(" ".join(name), m.start(1) + 1) if _is_person_name(name) else None
            if ent:
                self.subjects.append((m.start(1), ent))
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

    def recent(self, kind: str, pos: int) -> _Entity | None:
        pool = self.people.values() if kind == "person" else self.orgs.values()
        best, best_pos = None, -1
        for ent in pool:
            p = _last_before(ent.mentions, pos)
            if p > best_pos:
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


_ROLE_NOUNS = _TITLES | {
    "official", "diplomat", "analyst", "economist", "lawyer", "researcher", "editor", "founder",
    "executive", "manager", "strategist", "pollster", "correspondent", "activist", "resident",
    "member", "lawmaker", "secretary", "nominee", "hopeful", "rival", "opponent", "surrogate",
    "congressman", "congresswoman", "consultant", "operative", "historian", "expert", "writer",
    "host", "anchor", "columnist", "reporter", "journalist", "author", "ceo", "mother", "father",
    "wife", "husband", "son", "daughter", "brother", "sister", "friend", "campaigner",
}
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


def _last_before(positions: list[int], pos: int) -> int:
    best = -1
    for p in positions:
        if p < pos:
            best = p
    return best


def _content_words(text: str) -> list[str]:
    words = [_strip_possessive(w).lower().strip(".,") for w in re.findall(r"[\w’'.-]+", text)]
    return [w for w in words if w and w not in _STOP]

