"""Find every quotation in an article and attribute it to its speaker.

Pure `re` heuristics, no parser or model: the corpus is a few thousand news articles and the
bot must rebuild its index in seconds. The pipeline is

1. pair quotation marks into spans (straight or curly, mixed, multi-paragraph, `""`-doubled);
2. mask the quotes' insides so that names and verbs *inside* a quote never count as cues;
3. collect the article's people and organisations, with the role they were introduced with;
4. per quote, look for a cue right after it, then earlier in its sentence, then around it,
   and resolve the cue's subject (pronoun, surname, "Mr. X", "the top Russian diplomat", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.articles import Article


@dataclass(frozen=True)
class Quote:
    """A quotation as offsets into its article: its text is always `article.text[start:end]`."""

    article_id: str
    start: int  # first character inside the quotation marks
    end: int  # one past the last character inside the marks
    speaker: str | None  # canonical full name or organisation, e.g. "Sergei Lavrov"
    role: str | None  # e.g. "Russian Foreign Minister", "the ICRC's director for the Near East"
    cue: str | None  # the attribution cue as written: "the top Russian diplomat said"

    def text(self, article: Article) -> str:
        return article.text[self.start : self.end]


# --- vocabulary ----------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return text.split()


_VERBS = (
    "said|says|say|told|tells|added|adds|stressed|stresses|warned|warns|noted|notes|stated|"
    "states|declared|declares|explained|explains|insisted|insists|urged|urges|wrote|writes|"
    "tweeted|tweets|asked|asks|replied|replies|responded|responds|argued|argues|claimed|claims|"
    "announced|announces|acknowledged|admitted|admits|recalled|recalls|continued|continues|"
    "concluded|commented|observed|remarked|suggested|suggests|predicted|complained|cautioned|"
    "conceded|emphasised|emphasized|countered|joked|quipped|boasted|vowed|pledged|promised|"
    "demanded|lamented|posted|testified|confirmed|maintained|charged|alleged|contended|agreed|"
    "shouted|yelled|recounted|wondered|reported|reports|told|added|says|announced|"
    "insisted|described|describes|called|calls|blasted|accused|proclaimed|pointed out|"
    "went on|chimed in|put it|posted on \\w+|asserted|asserts|affirmed|reiterated|indicated|"
    "revealed|disclosed|mentioned|underlined|highlighted|estimated|explained|texted|emailed"
)
_ADVS = (
    "also|then|later|further|once|recently|previously|again|simply|quickly|flatly|repeatedly|"
    "earlier|had|has|have|would|will|has also|had also|publicly|privately|bluntly|reportedly|"
    "told reporters|added that|previously|once|famously|angrily|still|even|often|"
)
_VERB_RE = re.compile(rf"(?<![\w-])({_VERBS})\b")
_PRONOUNS = {"he": "person", "she": "person", "they": "group", "it": "group", "him": "person",
             "her": "person", "we": None, "i": None, "you": None}
# Capitalised words that name a function, not a person ("Russian Foreign Minister Sergei Lavrov").
_TITLES = frozenset(_words(
    "president vice minister secretary general gen gen. lt lt. col col. maj maj. sgt sgt. capt "
    "capt. adm adm. sen sen. senator rep rep. representative gov gov. governor mayor chief "
    "spokesman spokeswoman spokesperson ambassador envoy director deputy chairman chairwoman "
    "chair commander king queen prince princess sheikh judge justice attorney dr dr. mr mr. mrs "
    "mrs. ms ms. miss professor prof prof. pope speaker leader premier chancellor commissioner "
    "coordinator candidate nominee emir ayatollah colonel major general lieutenant captain "
    "sergeant admiral pastor rev rev. reverend father bishop cardinal rabbi imam sir lord "
    "lady dame officer head adviser advisor aide counsel undersecretary under-secretary "
    "high republican democrat democratic independent rival challenger front-runner frontrunner "
    "billionaire businessman hopeful actor actress singer rapper comedian host anchor journalist "
    "reporter columnist author writer novelist filmmaker producer strategist pollster analyst "
    "economist lawyer activist businesswoman philanthropist veteran ceo cfo coo founder"
))
_HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "sir", "prof", "prof."}
_ORG_WORDS = frozenset(_words(
    "committee ministry council organization organisation agency department office army forces "
    "force government union nations commission institute party front group observatory "
    "association court bank fund coalition news times post press network foundation "
    "university college center centre campaign corporation company inc corp administration "
    "house senate congress parliament assembly authority service services watch international "
    "federation league alliance movement brigade brigades command police guard guards "
    "agency reuters ap afp tass sana ria interfax kremlin pentagon cabinet bureau board "
    "secretariat mission delegation embassy unicef unhcr who nato icrc isis isil daesh "
    "hezbollah hamas taliban fbi cia nsa msf gop dnc rnc cnn bbc nbc cbs abc fox "
    "journal magazine tribune herald channel tv radio facebook twitter google"
))
_NOT_NAMES = frozenset(_words(
    "the a an this that these those his her its their our my your in on at for from by with to "
    "of and but or so if as when while after before since meanwhile separately however "
    "also then later earlier last next monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december "
    "jan jan. feb feb. aug aug. sept sept. oct oct. nov nov. dec dec. mr mr. "
    "according there here it he she they we i you what why how where asked "
    "yes no not now today yesterday tomorrow even still despite although though because does do "
    "did is was are were will would can could should has have had "
    "more most some many all both each every other another such just only team top"
))
_NON_SPEAKERS = frozenset(_words(
    "report reports statement statements study survey document documents letter article "
    "website site poll polls data analysis figures memo release page book paper video "
    "footage post tweet message note text law bill resolution agreement plan decision "
    "ruling order evidence investigation inquiry probe book film story headline"
))
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
_STOP = frozenset(_words("the a an of for and to in on at his her its their top senior former "
                         "then 's ’s new old chief"))
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Maj|Sgt|Capt|Adm|St|Jr|Sr|Prof|Rev|No|vs|"
    r"Jan|Feb|Aug|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd|U\.S|U\.N|U\.K|E\.U|a\.m|p\.m|[A-Z])\.)$"
)

_OPENERS = "“„«"
_CLOSERS = "”»"
_MARKS = "“”„«»\"‘’"
_MAX_QUOTE = 1500
_NAME_TOKEN = (r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Maj|Sgt|Capt|Adm|St|Jr|Sr|Prof|Rev)\.|"
               r"(?:[A-Z]\.){1,3}(?![\w.])|[A-Z][\w’'\-]*)")
_RUN_RE = re.compile(
    rf"(?<![\w’'.-]){_NAME_TOKEN}(?:(?:[ \t]+|[ \t]*-[ \t]*)"
    rf"(?:(?:al|bin|ibn|de|del|da|van|von|der|la|le|el|abu|bin)"
    rf"[\s-]+)?{_NAME_TOKEN})*"
)
_ORG_OF_RE = re.compile(
    rf"(?<![\w’'.-]){_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN})*(?:[ \t]+(?:of|for)[ \t]+"
    rf"(?:the[ \t]+)?{_NAME_TOKEN}"
    rf"(?:[ \t]+(?:and[ \t]+)?{_NAME_TOKEN})*)+"
)


# --- quotation spans -----------------------------------------------------------------------


@dataclass
class _Span:
    start: int
    end: int
    mark_start: int  # position of the opening mark
    mark_end: int  # one past the closing mark
    group: int  # segments of one multi-paragraph quote share a group
    speaker: str | None = None
    role: str | None = None
    cue: str | None = None
    direct: bool = False  # attributed by a cue in its own sentence


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph bounds; a quote never silently runs across one (except continued quotes)."""
    bounds, pos = [], 0
    for m in re.finditer(r"\n\s*", text):
        if m.start() > pos:
            bounds.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        bounds.append((pos, len(text)))
    return bounds


def _mark_kind(text: str, i: int, j: int) -> str:
    """'open', 'close' or 'both' for the mark run text[i:j] from its neighbours."""
    ch = text[i]
    if ch in _OPENERS:
        return "open"
    if ch in _CLOSERS:
        return "close"
    before = text[i - 1] if i > 0 else " "
    after = text[j] if j < len(text) else " "
    opens = before.isspace() or before in "([{—–-/:;,“‘" or i == 0
    closes = after.isspace() or after in ".,;:!?)]}—–-/”’" or j == len(text)
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "both"


def _double_marks(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """Double quotation mark runs in text[lo:hi] as (start, end, kind); `""` counts once."""
    marks = []
    for m in re.finditer(r"[“”„«»\"]+", text[lo:hi]):
        i, j = m.start() + lo, m.end() + lo
        run = m.group()
        if len(run) > 1 and len(set(run)) > 1:  # e.g. ”“ between adjacent quotes: split
            for k in range(len(run)):
                marks.append((i + k, i + k + 1, _mark_kind(text, i + k, i + k + 1)))
            continue
        marks.append((i, j, _mark_kind(text, i, j)))
    return marks


def _tag_ranges(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"<[^<>\n]{1,400}>", text)]


def _pair_paragraph(text: str, marks: list[tuple[int, int, str]]) -> tuple[list, int | None]:
    """Pair marks of one paragraph; return spans and the index of a quote left open at the end.

    An opener that never closes (or closes too far away) is treated as a stray mark and pairing
    restarts after it, so one bad mark cannot swallow the rest of the paragraph.
    """
    spans: list[tuple[int, int, int, int]] = []
    k, n = 0, len(marks)
    while k < n:
        i, j, kind = marks[k]
        if kind == "close":
            k += 1
            continue
        depth, close_at = 1, None
        for m in range(k + 1, n):
            mi, mj, mkind = marks[m]
            if text[mi] in _OPENERS and text[i] in _OPENERS:
                depth += 1
                continue
            if mkind in ("close", "both"):
                depth -= 1
                if depth == 0:
                    close_at = m
                    break
        if close_at is None:
            if k == n - 1 or all(marks[m][2] == "open" for m in range(k + 1, n)):
                return spans, k  # open at paragraph end: maybe continued below
            k += 1
            continue
        ci, cj, _ = marks[close_at]
        if ci - j > _MAX_QUOTE:
            k += 1
            continue
        spans.append((j, ci, i, cj))
        k = close_at + 1
    return spans, None


_SINGLE_RE = re.compile(
    r"(?:(?<=^)|(?<=[\s(\[—–]))‘(?=[A-Za-z])([^‘’\n]|’(?=\w))*?(?<=\S)’(?![\w’])"
)


def _single_quotes(text: str, lo: int, hi: int, taken: list[tuple[int, int]]) -> list:
    """Curly single quotes where they cannot be apostrophes (‘ after a space, ’ before one)."""
    out = []
    for m in _SINGLE_RE.finditer(text[lo:hi]):
        a, b = m.start() + lo, m.end() + lo
        if b - a > 400 or any(s <= a < e for s, e in taken):
            continue
        out.append((a + 1, b - 1, a, b))
    return out


def _find_spans(text: str) -> list[_Span]:
    """All quotation spans, in text order, with multi-paragraph quotes split per paragraph."""
    tags = _tag_ranges(text)
    paras = _paragraphs(text)
    spans: list[_Span] = []
    group = 0
    carry: int | None = None  # group of a quote continued from the previous paragraph
    for lo, hi in paras:
        marks = [mk for mk in _double_marks(text, lo, hi)
                 if not any(a <= mk[0] < b for a, b in tags)]
        if carry is not None and marks and marks[0][0] == lo:
            marks[0] = (marks[0][0], marks[0][1], "open")
        pairs, open_idx = _pair_paragraph(text, marks)
        continued = carry
        carry = None
        for s, e, ms, me in pairs:
            g = continued if continued is not None and ms == lo else None
            if g is None:
                group += 1
                g = group
            spans.append(_Span(s, e, ms, me, g))
        if open_idx is not None:
            ms, me, _ = marks[open_idx]
            nxt = _next_para_start(paras, hi)
            if nxt is not None and text[nxt] in "“\"„«" and hi - me <= _MAX_QUOTE:
                g = continued if continued is not None and ms == lo else None
                if g is None:
                    group += 1
                    g = group
                spans.append(_Span(me, hi, ms, hi, g))
                carry = g
        taken = [(sp.mark_start, sp.mark_end) for sp in spans]
        for s, e, ms, me in _single_quotes(text, lo, hi, taken):
            group += 1
            spans.append(_Span(s, e, ms, me, group))
    spans.sort(key=lambda sp: sp.start)
    return [sp for sp in (_trim(text, sp) for sp in spans) if sp is not None]


def _next_para_start(paras: list[tuple[int, int]], hi: int) -> int | None:
    for lo, _ in paras:
        if lo >= hi:
            return lo
    return None


def _trim(text: str, sp: _Span) -> _Span | None:
    """Strip spaces and stray marks at the ends; drop empty spans."""
    s, e = sp.start, sp.end
    while s < e and (text[s].isspace() or text[s] in _MARKS):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in _MARKS):
        e -= 1
    if e <= s or not re.search(r"\w", text[s:e]):
        return None
    sp.start, sp.end = s, e
    return sp


def _mask(text: str, spans: list[_Span]) -> str:
    """Text with quote insides blanked (offsets kept); a final .?! stays to end sentences."""
    chars = list(text)
    for sp in spans:
        for k in range(sp.start, sp.end):
            if chars[k] != "\n":
                chars[k] = "_"
        last = text[sp.end - 1]
        if last in ".?!,":
            chars[sp.end - 1] = last
    for a, b in _tag_ranges(text):
        for k in range(a, b):
            chars[k] = " "
    return "".join(chars)


def _sentence_start(masked: str, lo: int, pos: int) -> int:
    """Start of the sentence holding `pos`, not looking before paragraph start `lo`."""
    for m in reversed(list(re.finditer(r"[.!?][”\"’»]?\s+(?=[A-Z“\"‘_«])", masked[lo : pos + 1]))):
        end_abs = lo + m.start() + 1
        if _ABBREV.search(masked[max(lo, end_abs - 6) : end_abs]):
            continue
        return lo + m.end()
    return lo


def _sentence_end(masked: str, pos: int, hi: int) -> int:
    for m in re.finditer(r"[.!?](?=[”\"’»]?(?:\s+[A-Z“\"‘_«]|\s*$))", masked[pos:hi]):
        end_abs = pos + m.start() + 1
        if _ABBREV.search(masked[max(pos, end_abs - 6) : end_abs]):
            continue
        return end_abs
    return hi


# --- people and organisations --------------------------------------------------------------


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


# --- attribution ---------------------------------------------------------------------------


_LEAD_JUNK = re.compile(
    r"^(?:(?:and|but|so|then|meanwhile|separately|however|later|earlier|also|yet|still|"
    r"instead|now|indeed|moreover|likewise|similarly|in response|in a statement|"
    r"in an interview)\b[\s,]*)+",
    re.I,
)


_SKIP_PART = re.compile(
    r"(?:who|which|whose|where|when|speaking|writing|in|on|at|during|after|before|from|with|as|"
    r"while|citing|quoting|according|last|this|earlier|later|by|of|for|to|about|than|that|what|"
    r"if|because|and|or|but|not|no|[a-z]+ing|[a-z]+ly)\b",
    re.I,
)
_INNER_PREP = {"in", "on", "at", "to", "from", "with", "by", "after", "before", "during", "of",
               "for", "about", "over", "against", "that", "who", "which", "said", "says"}


def _trailing_np(part: str) -> str | None:
    """The longest clean noun phrase ending `part`: "Following reports the Observatory" ->
    "the Observatory" (FA-KES texts lost the commas that would separate them)."""
    toks = part.split()
    for i in range(1, len(toks)):
        first = toks[i]
        if not (first.lower() in {"the", "a", "an"} or first[:1].isupper()):
            continue
        rest = toks[i:]
        ok = not any(t.lower() == "and" or t.endswith("ing") for t in rest)
        for k, tok in enumerate(rest):
            if tok.lower() in _INNER_PREP:
                prev_cap = k > 0 and rest[k - 1][:1].isupper()
                next_cap = k + 1 < len(rest) and (rest[k + 1][:1].isupper() or
                                                  rest[k + 1].lower() == "the")
                if not (tok.lower() in {"of", "for"} and prev_cap and next_cap):
                    ok = False
                    break
        if ok:
            return " ".join(rest)
    m = re.search(r"\b(he|she|they|it)$", part, re.I)
    return m.group(1) if m else None


def _resolve(np: str, pos: int, reg: _Registry,
             head_first: bool = False) -> tuple[str | None, str | None, bool]:
    """(speaker, role, ok) for a cue's subject; ok=False means 'not a speaker phrase at all'.

    Of several comma-separated parts the one next to the verb is the subject: the last in
    "the ICRC's director, Fabrizio Carboni, said", the first (`head_first`) in
    "said Mattie Thomas, 66, ... south of Florence"."""
    np = re.sub(r"\s*\([^()]{0,40}\)", "", np)  # "(R-S.C.)", "(D-NY)"
    np = re.sub(r"^.*?\b\d{1,2} [A-Z][a-z]+ \d{4} \d{1,2}\.\d{2}\s*", "", np)  # live-blog stamps
    np = _LEAD_JUNK.sub("", np.strip(" ,;:—–-\n")).strip(" ,")
    if not np or "_" in np or len(np.split()) > 25:
        return None, None, False
    parts = []
    trailing: set[str] = set()  # parts cut out of a clause: good for names, not for roles
    for p in (p.strip() for p in re.split(r",\s*", np)):
        if not p:
            continue
        if head_first and not parts and not _is_np(p):  # "X head of Y adding that ..."
            p = re.split(r"\s+(?:adding|saying|noting|who|which|that|had|has|have|was|were|is|"
                         r"are|after|when|as|while)\b", p, maxsplit=1)[0]
        if (_SKIP_PART.match(p) and not re.match(r"[A-Z]{2,}\b", p)) or not _is_np(p):
            p = "" if head_first and parts else (_trailing_np(p) or "")
            trailing.add(p)
            if p.lower() in {"it", "they"} and parts:
                continue
        if p and _content_words(p):
            parts.append(p)
    if not parts:
        return None, None, False
    if len(parts) == 1 and parts[0].lower() in _PRONOUNS:
        kind = _PRONOUNS[parts[0].lower()]
        if kind is None:
            return None, None, True
        gender = {"he": "m", "him": "m", "she": "f", "her": "f"}.get(parts[0].lower())
        ent = reg.subject(pos, gender) if kind == "person" else None
        ent = ent or reg.recent("person" if kind == "person" else "org", pos)
        if ent and kind != "person" and _last_before(ent.mentions, pos) < pos - 250:
            ent = None  # "it said" only for an organisation named just before
        return (ent.name, ent.role, True) if ent else (None, None, True)
    named: list[tuple[str, str | None, str]] = []
    cut_named: list[tuple[str, str | None, str]] = []
    descs: list[str] = []
    pronouns = [p for p in parts if p.lower() in _PRONOUNS]
    if pronouns and not head_first and parts[-1] in pronouns:
        parts = parts[-1:]  # "..., who he said": the pronoun next to the verb speaks
    for part in parts:
        hit = None if part in pronouns else _named(part, pos, reg)
        if hit:
            (cut_named if part in trailing else named).append(hit)
        elif part not in pronouns and part not in trailing:
            descs.append(part)
    named = named or cut_named
    if not named and re.match(rf"(?:(?:the|a|an|its|his|her|their|this)\s+)?(?:[\w-]+\s+){{0,2}}"
                              rf"(?:{'|'.join(sorted(_NON_SPEAKERS))})\b", parts[0], re.I):
        return None, None, True  # "a statement by the army ... said": a document, not a person
    descs = [d for d in descs if _is_np(d) and len(d.split()) <= 14 and (re.match(
        r"(?:(?:the|a|an|his|her|its|their|our|this|that|these|those|one|some|another|former|"
        r"top|senior)\b|[A-Z0-9])", d) or d.split()[0].lower() in _ROLE_NOUNS)
        and not re.search(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)\b|^\S+\s+[a-z]+ed\b", d)]
    if not named and pronouns:
        return _resolve(pronouns[-1], pos, reg)[0], None, True
    if named:
        speaker, role, _ = named[0] if head_first else named[-1]
        if descs and (not role or role == _reg_role(reg, speaker)):
            role = descs[0]
        return speaker, role, True
    if not descs:
        return None, None, False
    desc = descs[0]
    words = desc.split()
    if len(words) > 12:
        return None, None, False
    head = _strip_possessive(words[-1].lower())
    if head in _NON_SPEAKERS:
        return None, None, True
    if re.match(r"(?:the|this|that)\s", desc, re.I):
        ent = (reg.org_by_head(head, pos) if head in _ORG_WORDS
               else reg.by_description(desc, pos))
        if ent is None and head not in _TITLES and head not in _ORG_WORDS and \
                desc.lower().startswith("the ") and len(words) <= 3:
            known = [e for e in reg.people.values() if _last_before(e.mentions, pos) >= 0]
            if len(known) == 1:  # "the D.J. said" with one person in sight: a re-mention
                ent = known[0]
        if ent:
            return ent.name, ent.role or (desc if ent.kind == "person" else None), True
    return None, desc, True


def _reg_role(reg: _Registry, name: str) -> str | None:
    ent = reg.people.get(name)
    return ent.role if ent else None


def _is_np(text: str) -> bool:
    """Cheap check that a phrase is nominal: it holds no finite verb we know of."""
    return not _VERB_RE.search(text) and not re.search(
        r"\b(?:is|was|were|are|be|been|had|has|have|that|if|because)\b", text)


def _named(part: str, pos: int, reg: _Registry) -> tuple[str, str | None, str] | None:
    """A proper name in `part` (person or organisation) as (speaker, role, kind)."""
    lead = _RUN_RE.match(part)
    if lead and re.match(r"\s+[a-z]", part[lead.end() :]) and not re.search(
            r"[’'](?:s\b|\s|$)", lead.group()):  # "Mounzer Khalil head of X"
        title, name = _split_title(_tokens(lead.group()))
        if len(name) >= 2 and _is_person_name(name):
            ent = reg.person(" ".join(name), pos)
            role = " ".join([*title, part[lead.end() :].strip()])
            return (ent.name if ent else " ".join(name)), role, "person"
    org_m = _ORG_OF_RE.search(part)
    if org_m:
        first = _RUN_RE.search(part)
        if first and first.end() < org_m.start():  # "Rami Abdel Rahman director of the X"
            title, name = _split_title(_tokens(first.group()))
            if _is_person_name(name) and len(name) >= 2:
                ent = reg.person(" ".join(name), pos)
                role = part[first.end() :].strip(" ,") or None
                return (ent.name if ent else " ".join(name)), role, "person"
        if re.search(r"\b(?:at|in|from|with|to|by|of|for|on|about|against)\s+(?:the\s+)?$",
                     part[: org_m.start()]):
            return None  # "a doctoral candidate at the Georgia Institute of Technology"
        ent = reg.org(org_m.group())
        if ent:
            return ent.name, None, "org"
    runs = list(_RUN_RE.finditer(part))
    if not runs:
        return None
    m = runs[-1]
    if re.search(r"\b(?:for|of|in|at|from|to|on|with|and|by|about|against|over)\s+(?:the\s+)?$",
                 part[: m.start()]):
        return None  # the name is an object ("director for the Near East"), not the head
    # A possessive run followed by a lowercase noun ("the ICRC’s director ...") is not the subject.
    if re.match(r"[’']s\b", part[m.end() - 2 : m.end()] if m.group().endswith(("’s", "'s"))
                else "") and part[m.end() :].strip():
        return None
    if part[m.end() :].strip() and not re.fullmatch(r"\s*(?:\(\w+\)|Jr\.?|Sr\.?)?\s*",
                                                    part[m.end() :]):
        return None
    toks = _tokens(m.group())
    while toks and toks[0].lower().strip(".,") in _NOT_NAMES - _HONORIFICS:
        toks = toks[1:]
    if not toks:
        return None
    toks = toks[:-1] + [_strip_possessive(toks[-1])]
    title, name = _split_title(toks)
    prefix = part[: m.start()].strip()
    role_bits = [b for b in (prefix, " ".join(t for t in title if t.lower() not in _HONORIFICS))
                 if b]
    role = " ".join(role_bits) or None
    if role and re.fullmatch(r"(?:the|a|an)", role, re.I):
        role = None
    if len(toks) == 1 and re.fullmatch(r"(?:[A-Z]\.)+", toks[0]) and not reg.org(toks[0]):
        return None  # "the D.J." is a description, not a name
    if name and _is_person_name(name):
        ent = reg.person(" ".join(name), pos)
        if ent:
            return ent.name, role or ent.role, "person"
        if len(name) == 1 and not title and reg.org(name[0]):
            return reg.org(name[0]).name, None, "org"
        return " ".join(name), role, "person"
    if _is_org(toks) or (prefix.lower() in {"the"} and toks):
        ent = reg.org(" ".join(toks))
        return (ent.name if ent else re.sub(r"^The\s+", "", " ".join(toks))), None, "org"
    if len(toks) == 1 and toks[0][0].isupper() and toks[0].lower() not in _NOT_NAMES and \
            not title:
        ent = reg.org(toks[0])
        return (ent.name if ent else toks[0]), None, "org"
    return None


_NP_CHAR = (r"(?:[^.;:!?_“”\"]|(?<=\b(?:Mr|Ms|Dr|St|Jr|Sr))\.|(?<=\b(?:Mrs|Sen|Rep|Gov|Gen))\.|"
            r"(?<=\b[A-Z])\.)")
_AFTER_VERB_FIRST = re.compile(
    rf"^[\s,—–-]*(?P<verb>{_VERBS})(?:\s+(?:on|in)\s+\w+)?\s+(?P<np>{_NP_CHAR}{{1,160}}?)"
    r"\s*(?=[;:!?—]|$|\.(?!(?<=\b[A-Z]\.)|(?<=\b(?:Mr|Ms|Dr|St)\.)|(?<=\b(?:Mrs|Sen|Rep|Gov)\.))|"
    r",\s*(?:who|adding|as|in|on|at|after|when|during|noting|speaking)\b)"
)
_AFTER_VERB_LATE = re.compile(
    rf",\s+(?P<verb>said|says|added|wrote|writes|explained|noted)\s+(?P<np>{_NP_CHAR}{{1,120}}?)"
    r"\s*(?=[;:!?—]|$|\.(?!(?<=\b[A-Z]\.)|(?<=\b(?:Mr|Ms|Dr|St)\.))|,)"
)
_AFTER_NP_FIRST = re.compile(
    rf"^[\s,—–-]*(?P<np>{_NP_CHAR}{{1,160}}?)\s+(?:(?:{_ADVS})\s+)?(?P<verb>{_VERBS})\b"
)
_ACCORDING = re.compile(rf"according to\s+(?P<np>{_NP_CHAR}{{1,140}}?)\s*(?=[;:!?,—]|$|"
                         r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\bSen)(?<!\bRep)(?<!\b[A-Z])\.)",
                         re.I)


def _attribute_after(masked: str, sp: _Span, hi: int, reg: _Registry) -> bool:
    """'“...,” X said' / '“...,” said X' / '“...,” according to X'."""
    inner_end = masked[sp.end - 1]
    end = _sentence_end(masked, sp.mark_end, hi)
    after = masked[sp.mark_end : end]
    nxt = re.search(r"[“\"‘«]", after)
    if nxt:
        after = after[: nxt.start()]
    if inner_end == "." and re.match(r"\s*[A-Z]", after):
        return False  # a new sentence starts after a closed quote
    qa = _QUOTED_AS.search(after)
    if qa and len(after[: qa.start()].split()) <= 8:  # '“...” the RBK website quoted X as saying'
        spk, role, ok = _resolve(qa.group("np"), sp.mark_end + qa.start("np"), reg, head_first=True)
        if ok:
            _set(sp, spk, role, qa.group(0), direct=True)
            return True
    for rx in (_AFTER_VERB_FIRST, _AFTER_NP_FIRST):
        m = rx.match(after)
        if m and rx is _AFTER_NP_FIRST and re.match(r"[\s,]*[a-z]+ing\b", m.group("np")):
            continue  # '“...,” suggesting he might ..., CNN reported': CNN reports, not speaks
        if m:
            spk, role, ok = _resolve(m.group("np"), sp.mark_end + m.start("np"), reg,
                                     head_first=rx is _AFTER_VERB_FIRST)
            if ok:
                cue = after[m.start("np") if rx is _AFTER_NP_FIRST else m.start("verb") :
                            m.end("verb") if rx is _AFTER_NP_FIRST else m.end("np")]
                _set(sp, spk, role, cue.strip(" ,"), direct=True)
                return True
    late = _AFTER_VERB_LATE.search(after)
    if late:  # '“...” if she didn't win by more, said David Wasserman, an analyst'
        spk, role, ok = _resolve(late.group("np"), sp.mark_end + late.start("np"), reg,
                                 head_first=True)
        if ok and spk:
            _set(sp, spk, role, late.group(0).strip(" ,"), direct=True)
            return True
    m = re.match(r"[\s,—–-]*according to\b", after, re.I) and _ACCORDING.search(after)
    if m:
        spk, role, ok = _resolve(m.group("np"), sp.mark_end + m.start("np"), reg, head_first=True)
        if ok:
            _set(sp, spk, role, m.group(0).strip(" ,"), direct=True)
            return True
    return False


_COLON_CUE = re.compile(rf"(?:^|[.;]\s+|\s[-–—]\s)((?:(?!\s[-–—]\s){_NP_CHAR}){{2,80}}):\s*$")
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
_QUOTED_AS = re.compile(
    rf"\b(?:quoted|reported|cited)\s+(?P<np>{_NP_CHAR}{{2,100}}?)\s+as\s+say(?:ing)?\b"
)


def _attribute_before(masked: str, sp: _Span, lo: int, reg: _Registry) -> bool:
    """'X said: “...”', 'X told reporters that “...”', 'according to X, “...”', 'X: “...”'."""
    s0 = _sentence_start(masked, lo, sp.mark_start)
    before = masked[s0 : sp.mark_start]
    qa = _QUOTED_AS.search(before)
    if qa:  # "SANA quoted a military source as saying “...”"
        spk, role, ok = _resolve(qa.group("np"), s0 + qa.start("np"), reg, head_first=True)
        if ok:
            _set(sp, spk, role, qa.group(0), direct=True)
            return True
    if not before.strip():
        prev_start = _sentence_start(masked, lo, max(lo, s0 - 1))
        prev = masked[prev_start:s0]
        if prev.rstrip().endswith(":"):
            s0, before = prev_start, prev
        else:
            return False
    m = _ACCORDING.search(before)
    if m:
        spk, role, ok = _resolve(m.group("np"), s0 + m.start("np"), reg, head_first=True)
        if ok:
            _set(sp, spk, role, m.group(0).strip(" ,"), direct=True)
            return True
    verbs = list(_VERB_RE.finditer(before))
    for vm in reversed(verbs):
        if before[: vm.start()].rstrip().endswith(("so-", "so")):
            continue
        head = before[: vm.start()]
        head = re.sub(rf"\s+(?:{_ADVS})\s*$", "", head)
        cut = max(head.rfind("”"), head.rfind('"'), head.rfind("_"))
        clause = head[cut + 1 :] if cut >= 0 else head
        clause = re.sub(r"^.*\b(?:and|but|while|as|after|before|because|when)\s+(?=[A-Za-z])",
                        "", clause) if len(clause.split()) > 14 else clause
        spk, role, ok = _resolve(clause, s0 + (cut + 1 if cut >= 0 else 0), reg)
        if not ok and cut >= 0:
            continue
        if not ok:
            after_verb = before[vm.end() :]
            m2 = re.match(r"\s+([A-Z][^,:;]{1,60}?)\s*[,:]?\s*$", after_verb)
            if m2:  # "Said Lavrov: “...”"
                spk, role, ok = _resolve(m2.group(1), s0 + vm.end(), reg, head_first=True)
        if ok:
            cue = (_LEAD_JUNK.sub("", clause.strip()) + " " + vm.group()).strip()
            _set(sp, spk, role, cue, direct=True)
            return True
        break
    m = _COLON_CUE.search(before)
    if m:
        spk, role, ok = _resolve(m.group(1), s0 + m.start(1), reg)
        if ok and (spk or role):
            _set(sp, spk, role, m.group(1).strip() + ":", direct=True)
            return True
    return _attribute_subject(before, s0, sp, reg)


def _attribute_subject(before: str, s0: int, sp: _Span, reg: _Registry) -> bool:
    """Embedded quote: the sentence's subject speaks ("Lavrov slammed X for “...”")."""
    clause = _LEAD_JUNK.sub("", before.lstrip())
    clause = re.sub(r"^(?:On|In|At|During|After|Before|Last|Earlier|Later)\b[^,]{0,40},\s*", "",
                    clause)
    m = re.match(rf"((?:the\s+|The\s+)?(?:{_NAME_TOKEN}\s+){{0,5}}{_NAME_TOKEN}|[Hh]e|[Ss]he)"
                 r"\s+(?:(?:also|then|later|has|had|have|again|still|even|once|quickly|"
                 r"repeatedly|openly|publicly|sharply)\s+)?([a-z]+(?:ed|s))\b", clause)
    if not m or m.group(2) in {"is", "was", "has", "as", "this", "us"} or \
            re.search(r"[’']s$", m.group(1)):
        return False
    known = m.group(1).lower() in {"he", "she"} or reg.person(m.group(1), s0 + len(before)) or \
        reg.org(m.group(1))
    if not known:
        return False
    spk, role, ok = _resolve(m.group(1), s0 + before.find(m.group(1)), reg)
    if ok and spk:
        _set(sp, spk, role, f"{m.group(1)} {m.group(2)}", direct=True)
        return True
    return False


def _set(sp: _Span, speaker: str | None, role: str | None, cue: str | None, direct: bool) -> None:
    if cue and len(cue.split()) > 14:  # keep the end of a long clause: the part next to the verb
        cue = " ".join(cue.split()[-10:])
    if role:  # a role read off the text next to a quote can start with its closing mark
        role = role.strip(" ,;:\"“”‘’'") or None
    if role and (not re.search(r"[A-Za-z]{3}", role) or _VERB_RE.fullmatch(role.strip())):
        role = None
    sp.speaker, sp.role, sp.cue, sp.direct = speaker, role, cue, direct


def _is_fragment(text: str, sp: _Span) -> bool:
    """Scare quotes and titles: few words, no sentence shape."""
    inner = text[sp.start : sp.end]
    words = inner.split()
    if len(words) <= 2:
        return True
    small = {"of", "the", "and", "a", "in", "on", "for", "to"}
    titled = all(w[:1].isupper() or not w[:1].isalpha() or w.lower() in small for w in words)
    return len(words) <= 6 and titled and not inner.endswith((".", "!", "?", ","))


def extract_quotes(article: Article) -> list[Quote]:
    """Quotes of one article, each with its best-guess speaker (None if unknown)."""
    text = article.text
    spans = _find_spans(text)
    if not spans:
        return []
    masked = _mask(text, spans)
    reg = _Registry(text, masked)
    paras = _paragraphs(text)
    para_of = _para_index(paras, spans)
    for sp, p in zip(spans, para_of, strict=True):
        lo, hi = paras[p]
        _attribute_after(masked, sp, hi, reg) or _attribute_before(masked, sp, lo, reg)
        reg.note_speaker(sp.speaker, sp.mark_end)
    _inherit(text, masked, spans, para_of, paras, reg)
    out = []
    for sp in spans:
        spoken = bool(sp.direct and sp.cue and _VERB_RE.search(sp.cue))
        titled = _is_fragment(text, sp) and len(text[sp.start : sp.end].split()) > 2
        if _is_fragment(text, sp) and (not spoken or titled):
            continue
        n_words = len(text[sp.start : sp.end].split())
        if n_words <= 2 and not (sp.speaker and spoken):
            continue
        if n_words == 3 and not sp.speaker and text[sp.end - 1] not in ".!?,":
            continue  # a three-word scare quote ("special military operation") with no cue
        out.append(Quote(article.id, sp.start, sp.end, sp.speaker, sp.role, sp.cue))
    return out


def _para_index(paras: list[tuple[int, int]], spans: list[_Span]) -> list[int]:
    out, p = [], 0
    for sp in spans:
        while p + 1 < len(paras) and paras[p + 1][0] <= sp.mark_start:
            p += 1
        out.append(p)
    return out


def _inherit(text: str, masked: str, spans: list[_Span], para_of: list[int],
             paras: list[tuple[int, int]], reg: _Registry) -> None:
    """Uncued quotes take the speaker of their multi-paragraph group, their paragraph, the
    previous sentence's cue, or the previous paragraph's last quote (a quote-only paragraph)."""
    by_group: dict[int, _Span] = {}
    for sp in spans:
        if sp.direct and sp.group not in by_group:
            by_group[sp.group] = sp
    for k, sp in enumerate(spans):
        if sp.direct:
            continue
        src = by_group.get(sp.group)
        if src is None:
            same = [o for o, p in zip(spans, para_of, strict=True)
                    if p == para_of[k] and o.direct and o is not sp]
            before = [o for o in same if o.start < sp.start]
            after = [o for o in same if o.start > sp.start]
            # a following quote lends its cue only when nothing but its own marks sits between
            nxt = after[0] if after and len(text[sp.mark_end : after[0].mark_start]) < 4 else None
            src = before[-1] if before else nxt
        if src is None:
            lo, _ = paras[para_of[k]]
            s0 = _sentence_start(masked, lo, sp.mark_start)
            if s0 > lo:
                prev_start = _sentence_start(masked, lo, s0 - 1)
                probe = _Span(s0 - 1, s0 - 1, s0 - 1, s0 - 1, -1)
                if _attribute_before(masked, probe, prev_start, reg) and probe.speaker:
                    src = probe
            elif para_of[k] > 0 and sp.mark_start == lo:
                prev = [o for o, p in zip(spans, para_of, strict=True)
                        if p == para_of[k] - 1 and o.speaker]
                if prev and prev[-1].mark_end >= paras[para_of[k] - 1][1] - 60:
                    src = prev[-1]
        if src is not None and src.speaker:
            sp.speaker, sp.role, sp.cue = src.speaker, src.role, src.cue


# --- matching user queries -----------------------------------------------------------------


def _norm_words(text: str) -> list[str]:
    text = text.replace(".", "")
    return [_strip_possessive(w).lower() for w in re.findall(r"[\w’'-]+", text)]


def speaker_matches(query: str, quote: Quote) -> bool:
    """Does a user's "Lavrov" / "the ICRC" / "UN" / "the Russian foreign minister" mean this
    quote's speaker? Case-insensitive; full names, surnames, acronyms and role words count."""
    if not (quote.speaker or quote.role):
        return False
    q = re.sub(r"^(?:the|a|an)\s+", "", query.strip(), flags=re.I).strip(" ?.!")
    q_words = [w for w in _norm_words(q) if w not in _FILLER | {"mr", "mrs", "ms", "dr"}]
    if not q_words:
        return False
    spk_words = [w for w in _norm_words(quote.speaker or "") if w not in _FILLER]
    all_words = set(spk_words) | set(_norm_words(quote.role or ""))
    if q_words == spk_words:
        return True
    plain = q.replace(".", "")
    if len(q_words) == 1 and re.fullmatch(r"[A-Za-z]{2,8}", plain):  # "ICRC", "U.N.", "who"
        if quote.speaker and " " in quote.speaker and _acronym(quote.speaker) == plain.upper():
            return True
        if plain.isupper() and plain.lower() in all_words:  # "the ICRC's director ..."
            return True
        if plain.isupper() and _role_acronym(quote.role or "", plain.upper()):
            return True  # "UN" for a "United Nations deputy spokesman"
    if len(q_words) > 1 and _acronym(q).lower() in all_words:  # spelled out vs. acronym
        return True
    if len(q_words) > 1 and spk_words:
        if len(spk_words) > 1 and q_words[-len(spk_words):] == spk_words:
            return True  # "Senator Chris Murphy", "OCHA spokesman Jens Laerke"
        if len(spk_words) == 1 and q_words[-1] == spk_words[0] and quote.speaker[:1].isupper():
            return True  # the article's short form: "Sanders" for "Bernie Sanders"
    if len(q_words) == 1:
        return q_words[0] in spk_words  # surname or any part of the name
    if all(w in all_words or w in _STOP or _ROLE_SYNONYMS.get(w, set()) & all_words
           for w in q_words):
        return True  # role words, "head" for "chief executive", "spokesman" for "spokeswoman"
    # "Mexico's foreign secretary" for a bare "Foreign Secretary": the country qualifier may be
    # left out of the role, but not swapped for another ("Ukraine's foreign minister").
    first = re.match(r"\s*([\w-]+)(?:’s|'s|’|')\s", q)
    rest = q_words[1:]
    if first and len(rest) >= 2 and all(w in all_words or w in _STOP for w in rest):
        role_names = {w.lower() for w in re.findall(r"\b[A-Z][\w-]*", quote.role or "")}
        return role_names <= set(rest)
    return False


_FILLER = {"the", "of", "a", "an"}
_LEAD = {"head", "chief", "director", "leader", "chair", "chairman", "chairwoman", "boss"}
_SPOKES = {"spokesman", "spokeswoman", "spokesperson"}
_ROLE_SYNONYMS = {w: _LEAD - {w} for w in _LEAD} | {w: _SPOKES - {w} for w in _SPOKES}


def _role_acronym(role: str, acronym: str) -> bool:
    """Is `acronym` the initials of a run of capitalised words in a role ("United Nations"
    in "United Nations Deputy Spokesman")?"""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", role)
             if w.lower() not in {"of", "the", "for", "and", "on", "in"}]
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
