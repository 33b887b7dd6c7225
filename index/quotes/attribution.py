"""Attribute each quotation span: find its cue (after it, before it, the sentence's subject)
and resolve the cue's subject to a speaker, including pronoun, surname and title back-references."""

from __future__ import annotations

import re

from index.quotes.marks import _sentence_end, _sentence_start, _Span
from index.quotes.names import (
    _ROLE_NOUNS,
    _SURNAME_TITLES,
    _content_words,
    _field_and_name,
    _is_org,
    _is_person_name,
    _last_before,
    _Registry,
    _split_owner,
    _split_title,
    _strip_possessive,
    _tokens,
)
from index.quotes.vocab import (
    _HONORIFICS,
    _NAME_TOKEN,
    _NON_SPEAKERS,
    _NOT_NAMES,
    _ORG_OF_RE,
    _ORG_WORDS,
    _RUN_RE,
    _TITLES,
    _VERB_RE,
    _VERBS,
    _words,
)

_ADVS = (
    "also|then|later|further|once|recently|previously|again|simply|quickly|flatly|repeatedly|"
    "earlier|had|has|have|would|will|has also|had also|publicly|privately|bluntly|reportedly|"
    "told reporters|added that|previously|once|famously|angrily|still|even|often|"
)
_PRONOUNS = {"he": "person", "she": "person", "they": "group", "it": "group", "him": "person",
             "her": "person", "we": None, "i": None, "you": None}


_LEAD_JUNK = re.compile(
    r"^(?:(?:and|but|so|then|meanwhile|separately|however|later|earlier|also|yet|still|"
    r"instead|now|indeed|moreover|likewise|similarly|in response|in a statement|"
    r"in an interview)\b[\s,]*)+",
    re.I,
)


_SKIP_PART = re.compile(
    r"(?:who|which|whose|where|when|speaking|writing|in|on|at|during|after|before|from|with|as|"
    r"while|citing|quoting|according|last|this|earlier|later|by|of|for|to|about|than|that|what|"
    r"if|because|and|or|but|not|no|(?-i:[a-z]+ing|[a-z]+ly))\b|"
    r"(?:[a-z]+ing|[a-z]+ly)\b(?=\s+[a-z0-9])",  # "Reflecting on ...", but not "Schilling", "Kelly"
    re.I,
)
_INNER_PREP = {"in", "on", "at", "to", "from", "with", "by", "after", "before", "during", "of",
               "for", "about", "over", "against", "that", "who", "which", "said", "says"}


_OBJECT_PREPS = {"in", "on", "at", "from", "to", "with", "by", "for", "of", "during", "across",
                 "near", "into", "inside", "outside", "over", "under"}


def _trailing_np(part: str, relative: bool = False) -> str | None:
    """The longest clean noun phrase ending `part`: "Following reports the Observatory" ->
    "the Observatory" (FA-KES texts lost the commas that would separate them); not a
    preposition's object unless a relative clause makes it the subject ("from Mike Lee, who")."""
    toks = part.split()
    for i in range(1, len(toks)):
        first = toks[i]
        if not (first.lower() in {"the", "a", "an"} or first[:1].isupper()) or \
                toks[i - 1].lower() in _OBJECT_PREPS and not relative and \
                not first.endswith(("’s", "'s")):  # "From Bush's Facebook post:" speaks
            continue  # "In Moscow, the management of RT said": Moscow is the object of "In"
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
    np = _IN_A_DOCUMENT.sub("", np)  # "said Sean Spicer in a Friday tweet"
    np = re.sub(r"^.*?\b\d{1,2} [A-Z][a-z]+ \d{4} \d{1,2}\.\d{2}\s*", "", np)  # live-blog stamps
    np = _LEAD_JUNK.sub("", np.strip(" ,;:—–-\n")).strip(" ,")
    if not np or "_" in np or len(np.split()) > 25:
        return None, None, False
    parts = []
    trailing: set[str] = set()  # parts cut out of a clause: good for names, not for roles
    relative = bool(re.search(r",\s*(?:who|which)$", np))
    for p in (p.strip() for p in re.split(r",\s*", np)):
        if not p:
            continue
        if head_first and not parts and not _is_np(p):  # "X head of Y adding that ..."
            p = re.split(r"\s+(?:adding|saying|noting|who|which|that|had|has|have|was|were|is|"
                         r"are|after|when|as|while)\b", p, maxsplit=1)[0]
        if (_SKIP_PART.match(p) and not re.match(r"[A-Z]{2,}\b", p)) or not _is_np(p):
            p = "" if head_first and parts else (_trailing_np(p, relative) or "")
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
        ent = ent or reg.recent("person" if kind == "person" else "org", pos, gender)
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
    author = None if named else _document_author(parts[0], pos, reg)
    if author:
        return author[0], author[1], True
    doc = None if named else re.match(rf"(?:(?:the|a|an|its|his|her|their|this)\s+)?"
                                      rf"(?:[\w-]+\s+){{0,2}}(?:{_DOCS})\b", parts[0], re.I)
    if doc:  # "the joint statement said": a document, not a person; the reader sees which
        issuer = _document_issuer(doc.group(), pos, reg) if re.match(
            r"(?i:the|this|that)\s", doc.group()) else None
        return (*issuer, True) if issuer else (None, doc.group(), True)
    descs = [_short_desc(d) if named or re.match(r"(?i:a|an|one|another|some)\s", d) else d
             for d in descs]  # a definite one may hold a name: "the Mirror which uses ..."
    descs = [d for d in descs if _is_np(d) and len(d.split()) <= 14 and (re.match(
        r"(?:(?:the|a|an|his|her|its|their|our|this|that|these|those|one|some|another|former|"
        r"top|senior)\b|[A-Z0-9])", d) or d.split()[0].lower() in _ROLE_NOUNS)
        and not re.search(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)\b|"
                          r"^(?!(?i:a|an)\s)\S+\s+[a-z]+ed\b|"
                          r"^\d+$|^[A-Z][a-z]{0,4}\.$", d)]  # not an age, not "Pa."
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
        return None, desc, True
    if re.match(r"(?:the|this|that)\s", desc, re.I):
        ent = (reg.org_by_head(head, pos) if head in _ORG_WORDS
               else reg.by_description(desc, pos))
        if ent is None and head not in _ROLE_NOUNS and head not in _ORG_WORDS and \
                desc.lower().startswith("the ") and len(words) <= 3:
            known = [e for e in reg.people.values() if _last_before(e.mentions, pos) >= 0]
            if len(known) == 1:  # "the D.J. said" with one person in sight: a re-mention
                ent = known[0]
        ent = ent or reg.by_reference(desc, pos)  # "the Florida senator", "the Britain-based group"
        if ent:
            return ent.name, ent.role or (desc if ent.kind == "person" else None), True
    return None, desc, True


_DOCS = "|".join(sorted(_NON_SPEAKERS | {"tweets", "posts", "emails", "letters"}))
# Documents whose words are their author's (not "the president's plan", "a law by X", nor
# "documents released by WikiLeaks": a bundle its publisher did not write).
_AUTHORED = "|".join(sorted(_words(
    "statement report study survey poll letter memo release email e-mail tweet post message note "
    "text book article paper website site video lawsuit suit complaint filing analysis")))
_IN_A_DOCUMENT = re.compile(  # the medium after a named speaker is no part of the name
    rf"\s+(?:in|on|via)\s+(?:a|an|his|her|its|their)\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?:{_DOCS}|interview|speech|op-ed)\b(?:\s+(?:on|in|at|last|this)\b[^,]*)?$")
_DOC_AUTHOR = re.compile(  # "An email from Lister on 16 September", "a statement by the army"
    rf"(?:(?:the|a|an|this|that|one|another)\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_AUTHORED})\s+"
    rf"(?:(?:filed|issued|released|sent|signed|written|published|posted)\s+)?(?:from|by)\s+"
    rf"(?P<author>[^,]+)", re.I)
_DOC_NAMED = re.compile(rf"(?i:the|a|an)\s+(?P<author>(?:{_NAME_TOKEN}\s+){{1,4}})"
                        rf"(?:{_AUTHORED})")
_DOC_OWNER = re.compile(  # "Lister’s email", "the Kremlin's statement", "her letter"
    rf"(?:(?P<pron>(?i:his|her|its|their))|(?P<owner>.+?)[’'](?:s\b)?)\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?i:{_AUTHORED})$")


def _document_author(part: str, pos: int, reg: _Registry) -> tuple[str, str | None] | None:
    """(speaker, role) when a document speaks whose author the cue names ("an email from
    Lister", "a statement by the army", "Clinton’s statement"): the author's words, not a
    report about them. None for an anonymous document ("the report said")."""
    m = _DOC_NAMED.fullmatch(part)
    ent = m and (reg.org(m.group("author").strip()) or reg.person(m.group("author"), pos))
    if ent:  # "the IMF report": only a name the article gives, not "the Benghazi report"
        return ent.name, ent.role
    m = _DOC_AUTHOR.fullmatch(part)
    if m:
        author, at = _cut_author(m.group("author")), pos + m.start("author")
    else:
        m = _DOC_OWNER.fullmatch(part)
        if not m:
            return None
        author = _POSSESSIVE_PRONOUNS[m.group("pron").lower()] if m.group("pron") else \
            m.group("owner")
        at = pos + m.start("pron" if m.group("pron") else "owner")
    spk, role, ok = _resolve(author, at, reg)
    return (spk, role) if ok and spk else None


def _cut_author(text: str) -> str:
    """The author's phrase after "by"/"from", ending before what the sentence goes on with
    ("Lister on 16 September", "Jennifer Palmieri to Podesta indicates ...")."""
    return re.split(r"\s+(?:on|in|at|last|this|to|earlier|about|over|with|which|that|who|"
                    r"dated|after|before|[a-z]{3,}ed)\b", text)[0]


# Kinds of document a definite description picks up: "the release" re-mentions "a statement".
_DOC_KINDS = [set(_words(k)) for k in ("statement release announcement", "email e-mail message",
                                       "report study", "lawsuit suit complaint filing",
                                       "letter memo note", "tweet post")]
_ISSUES = (r"(?:issued|released|put\s+out|sent(?:\s+out)?|provided|published|posted|filed|"
           r"wrote|e-?mailed|tweeted|shared|gave)")


_WRITINGS = set(_words("email e-mail message letter memo note tweet post"))


def _pronoun_writer(np: str, verb: str, pos: int, reg: _Registry) -> tuple[str, str | None] | None:
    """The author of the writing just introduced, for "she wrote" after "An email sent ... by
    Jennifer Palmieri to Podesta indicates ...": the writer, not the sentence's subject."""
    pron = np.strip().lower()
    if pron not in {"he", "she"} or verb not in {"wrote", "writes", "tweeted", "emailed", "posted"}:
        return None
    writer = _document_issuer(_WRITINGS, pos, reg)
    ent = writer and reg.people.get(writer[0])
    if not ent or reg.gender(ent) not in ({"he": "m", "she": "f"}[pron], None):
        return None
    return writer


def _document_issuer(kinds: str | set[str], pos: int,
                     reg: _Registry) -> tuple[str, str | None] | None:
    """(speaker, role) of whoever issued the document a definite description picks up ("The
    Kremlin issued a statement on Friday. ... “...,” the statement said"): the latest document of
    its kind the text introduced nearby ("a statement", "an email"), if its author is named
    there ("X issued a statement", "X said in a statement", "an email was sent from X")."""
    if isinstance(kinds, str):
        head = _strip_possessive(kinds.split()[-1].lower())
        kinds = next((k for k in _DOC_KINDS if head in k), {head})
    masked, lo = reg.masked, reg._window_start(pos)
    intros = list(re.finditer(rf"\b(?i:a|an)\s+(?:[\w-]+\s+){{0,3}}?(?:{'|'.join(kinds)})\b",
                              masked[lo:pos]))
    if not intros:
        return None
    start, end = lo + intros[-1].start(), lo + intros[-1].end()
    s0 = _sentence_start(masked, lo, start)
    e0 = _sentence_end(masked, end, pos)
    before, after = masked[s0:start], masked[end:e0]
    by = re.match(r"\s+(?:(?:was|were)\s+)?[^,.;:_]{0,60}?\b(?:from|by)\s+", after)
    if by:  # "an email was sent from the club’s executive director, Jeremy Boreing, to ..."
        np, at, head_first = _cut_author(after[by.end() :]), end + by.end(), True
    elif (m := re.search(rf"^(?P<np>.+?)\s+(?:(?:{_ADVS})\s+)?(?:{_ISSUES}|(?:{_VERBS})\s+in)"
                         r"\s+$", before)):  # "X issued a statement", "X said in a statement"
        np, at, head_first = m.group("np"), s0, False
    elif re.search(r"\b(?i:in)\s+$", before) and (m := _AFTER_NP_FIRST.match(after)):
        np, at, head_first = m.group("np"), end + m.start("np"), False  # "In a statement, X said"
    else:
        return None
    spk, role, ok = _resolve(np, at, reg, head_first=head_first)
    return (spk, role) if ok and spk else None


def _short_desc(desc: str) -> str:
    """A long description cut before its participle or relative clause: "One member of crew on
    a superyacht [linked to a Russian oligarch sanctioned by the UK]" describes the source, the
    rest describes the yacht."""
    if len(desc.split()) <= 12:
        return desc
    return re.split(r"\s+(?:who|which|whose|[a-z]{3,}ed\s+(?:to|by|with|in|from|for|on|at))\b",
                    desc, maxsplit=1)[0]


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
        if not name:  # the title swallowed a name run together with it (FA-KES lost commas)
            name, title = _name_before_title(title)
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
    run, prefix = m.group(), part[: m.start()].strip()
    field = _field_and_name(_tokens(run), part[: m.start()])
    if field:  # "Secretary of State John Kerry": the title's field, then the name
        prefix, run = " ".join([prefix, *field[0]]), " ".join(field[1])
    elif re.search(r"\b(?:for|of|in|at|from|to|on|with|and|by|about|against|over)\s+(?:the\s+)?$",
                   part[: m.start()]):
        return None  # the name is an object ("director for the Near East"), not the head
    # A possessive run followed by a lowercase noun ("the ICRC’s director ...") is not the subject.
    if re.match(r"[’']s\b", part[m.end() - 2 : m.end()] if m.group().endswith(("’s", "'s"))
                else "") and part[m.end() :].strip():
        return None
    if part[m.end() :].strip() and not re.fullmatch(r"\s*(?:\(\w+\)|Jr\.?|Sr\.?)?\s*",
                                                    part[m.end() :]):
        return None
    toks = _tokens(run)
    while toks and toks[0].lower().strip(".,") in _NOT_NAMES - _HONORIFICS:
        toks = toks[1:]
    owner, rest = _split_owner(toks)
    rest_name = _split_title(rest)[1]
    if owner and len(rest_name) >= 2 and _is_person_name(rest_name):  # "Fox News’ Jenna Lee"
        toks, prefix = rest, f"{prefix} {_strip_possessive(' '.join(owner))}".strip()
    if not toks:
        return None
    toks = toks[:-1] + [_strip_possessive(toks[-1])]
    title, name = _split_title(toks)
    if not name and len(toks) == 1 and toks[0].lower() in _SURNAME_TITLES:
        ent = reg.person(toks[0], pos)  # "King said": Peter King, not a title
        if ent:
            return ent.name, ent.role, "person"
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


def _name_before_title(toks: list[str]) -> tuple[list[str], list[str]]:
    """("Kevin Kennedy", "Regional Humanitarian Coordinator") out of one capitalised run: two
    name words, then two or more capitalised words ending in a title; else ([], toks)."""
    first_title = next((k for k, t in enumerate(toks) if t.lower().strip(".,") in _TITLES), -1)
    name = toks[:2]
    if first_title >= 4 and _is_person_name(name) and \
            not re.search(r"(?:ian|ese|ish|ic|an)$", name[0]):  # "Syrian Arab Red Crescent ..."
        return name, toks[2:]
    return [], toks


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
    if qa and len(after[: qa.start()].split()) <= 8 and \
            _cue_from(sp, qa, sp.mark_end, reg, qa.group(0)):  # '“...” the RBK website quoted X as saying'
        return True
    if _speaker_verb_after(after, sp, reg):
        return True
    m = _AFTER_VERB_NAME.match(after)
    if m and _cue_from(sp, m, sp.mark_end, reg, after[m.start("verb") : m.end("np")].strip(" ,"),
                       named=True):  # '“...,” said Marc E. Elias, a lawyer who <too long>'
        return True
    late = _AFTER_VERB_LATE.search(after)
    if late and _cue_from(sp, late, sp.mark_end, reg, late.group(0).strip(" ,"),
                          named=True):  # '“...” if she didn't win by more, said David Wasserman'
        return True
    m = re.match(r"[\s,—–-]*according to\b", after, re.I) and _ACCORDING.search(after)
    return bool(m) and _cue_from(sp, m, sp.mark_end, reg, m.group(0).strip(" ,"))


def _speaker_verb_after(after: str, sp: _Span, reg: _Registry) -> bool:
    """'“...,” said X' or '“...,” X said' right after the quote."""
    for rx in (_AFTER_VERB_FIRST, _AFTER_NP_FIRST):
        m = rx.match(after)
        if m and rx is _AFTER_NP_FIRST and re.match(r"[\s,]*[a-z]+ing\b", m.group("np")):
            continue  # '“...,” suggesting he might ..., CNN reported': CNN reports, not speaks
        if m:
            at = sp.mark_end + m.start("np")
            spk, role, ok = _resolve(m.group("np"), at, reg, head_first=rx is _AFTER_VERB_FIRST)
            spk, role = _pronoun_writer(m.group("np"), m.group("verb"), at, reg) or (spk, role)
            if ok:
                cue = after[m.start("np") if rx is _AFTER_NP_FIRST else m.start("verb") :
                            m.end("verb") if rx is _AFTER_NP_FIRST else m.end("np")]
                _set(sp, spk, role, cue.strip(" ,"))
                return True
    return False


def _cue_from(sp: _Span, m: re.Match[str], base: int, reg: _Registry, cue: str,
              named: bool = False) -> bool:
    """Attribute `sp` to the speaker phrase in `m`'s "np" group (`base` is where `m`'s string
    starts in the text), the name next to the cue first; if `named`, only to someone named."""
    spk, role, ok = _resolve(m.group("np"), base + m.start("np"), reg, head_first=True)
    if not ok or named and not spk:
        return False
    _set(sp, spk, role, cue)
    return True

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


def _attribute_before(masked: str, sp: _Span, lo: int, reg: _Registry) -> bool:
    """'X said: “...”', 'X told reporters that “...”', 'according to X, “...”', 'X: “...”'."""
    s0 = _sentence_start(masked, lo, sp.mark_start)
    before = masked[s0 : sp.mark_start]
    qa = _QUOTED_AS.search(before)
    if qa and _cue_from(sp, qa, s0, reg, qa.group(0)):  # "SANA quoted a source as saying “...”"
        return True
    if not before.strip():  # the quote opens its sentence: a colon ending the one before cues it
        prev_start = _sentence_start(masked, lo, max(lo, s0 - 1))
        if not masked[prev_start:s0].rstrip().endswith(":"):
            return s0 == lo and _colon_paragraph_cue(masked, sp, lo, reg)
        s0, before = prev_start, masked[prev_start:s0]
    m = _ACCORDING.search(before)
    if m and _cue_from(sp, m, s0, reg, m.group(0).strip(" ,")):
        return True
    return (_possessive_cue(before, s0, sp, reg) or _speaker_verb_before(before, s0, sp, reg) or
            _colon_cue(before, s0, sp, reg) or _attribute_subject(before, s0, sp, reg))


def _colon_paragraph_cue(masked: str, sp: _Span, lo: int, reg: _Registry) -> bool:
    """A quote opening its paragraph after one ending in a colon ("Cruz continued:\n\n“...”"):
    a known name and a speaking verb there, not "Transcript as follows:", "Wait, ...:"."""
    if not masked[:lo].rstrip().endswith(":"):
        return False
    end = len(masked[:lo].rstrip())
    probe = _cue_ending_at(masked, end, masked.rfind("\n", 0, end) + 1, reg)
    if probe and _VERB_RE.search(probe.cue or "") and _is_known(reg, probe.speaker):
        _set(sp, probe.speaker, probe.role, probe.cue)
        return True
    return False


def _possessive_cue(before: str, s0: int, sp: _Span, reg: _Registry) -> bool:
    """'Clinton’s response was: “...”': the words' owner speaks, not the previous sentence's cue."""
    m = _POSSESSIVE_CUE.search(before)
    if not m:
        return False
    owner = m.group("np") or _POSSESSIVE_PRONOUNS[m.group("pron").lower()]
    spk, role, ok = _resolve(owner, s0 + m.start("np" if m.group("np") else "pron"), reg)
    if ok and (spk or role):
        _set(sp, spk, role, m.group(0).strip(" .;"))
        return True
    return False


def _speaker_verb_before(before: str, s0: int, sp: _Span, reg: _Registry) -> bool:
    """'X said “...”', 'X told reporters that “...”', 'Said Lavrov: “...”': the last speaking
    verb before the quote whose clause resolves."""
    for vm in reversed(list(_VERB_RE.finditer(before))):
        if re.search(r"\bso-?$", before[: vm.start()].rstrip()):
            continue  # "so-called", "so said"; not "also said"
        head = re.sub(rf"\s+(?:{_ADVS})\s*$", "", before[: vm.start()])
        if re.search(r"\b(?:is|are|was|were|be|been|being)\s*$", head):
            if _passive_agent_cue(before, vm, s0, sp, reg):
                return True
            continue
        cut = max(head.rfind("”"), head.rfind('"'), head.rfind("_"))
        clause = head[cut + 1 :] if cut >= 0 else head
        clause = re.sub(r"^.*\b(?:and|but|while|as|after|before|because|when)\s+(?=[A-Za-z])",
                        "", clause) if len(clause.split()) > 14 else clause
        spk, role, ok = _resolve(clause, s0 + (cut + 1 if cut >= 0 else 0), reg)
        spk, role = _pronoun_writer(clause, vm.group(), s0 + vm.start(), reg) or (spk, role)
        if not ok and cut >= 0:
            continue
        if not ok:
            m = re.match(r"\s+([A-Z][^,:;]{1,60}?)\s*[,:]?\s*$", before[vm.end() :])
            if m:  # "Said Lavrov: “...”"
                spk, role, ok = _resolve(m.group(1), s0 + vm.end(), reg, head_first=True)
        if ok:
            _set(sp, spk, role, (_LEAD_JUNK.sub("", clause.strip()) + " " + vm.group()).strip())
            return True
        break
    return False


def _passive_agent_cue(before: str, vm: re.Match[str], s0: int, sp: _Span,
                       reg: _Registry) -> bool:
    """Passive: who is described or told does not speak, the agent does ("the island is
    described by Henley as a “wealth magnet”")."""
    by = re.search(r"\bby\s+(?P<np>[^,;:“”\"_]{2,60}?)\s+(?:as|that)\b", before[vm.end() :])
    return bool(by) and _cue_from(sp, by, s0 + vm.end(), reg,
                                  before[vm.start() : vm.end() + by.end("np")].strip(), named=True)


def _colon_cue(before: str, s0: int, sp: _Span, reg: _Registry) -> bool:
    """'X: “...”', 'The ministry’s answer: “...”'."""
    m = _COLON_CUE.search(before)
    if not m:
        return False
    spk, role, ok = _resolve(m.group(1), s0 + m.start(1), reg)
    if ok and (spk or role):
        _set(sp, spk, role, m.group(1).strip() + ":")
        return True
    return False

# A sentence's subject, an appositive ("Dmitry Medvedev, the deputy chair of ..., gloated"), an
# auxiliary ("will today pledge", "is pledging") and its verb.
_SUBJECT_VERB = re.compile(
    rf"((?:the\s+|The\s+)?(?:{_NAME_TOKEN}\s+){{0,5}}{_NAME_TOKEN}|[Hh]e|[Ss]he)"
    r"(?:,\s+(?:the|a|an|[a-z]|[A-Z][\w’'-]*[’']s?\s)[^,;:“”\"_]{0,100},|,)?"
    r"\s+(?:(?:also|then|later|again|still|even|once|quickly|repeatedly|openly|publicly|"
    r"sharply)\s+)?(?P<aux>(?:has|had|have|is|was|will|would)\s+(?:(?:also|today|[a-z]+ly)\s+)?)?"
    r"(?P<verb>[a-z]+)\b")


def _finite(aux: str | None, verb: str) -> bool:
    """The verb form an auxiliary asks for: "gloated", "is pledging", "will pledge"."""
    aux = aux.split()[0] if aux else ""
    if aux in {"is", "was"}:
        return verb.endswith("ing")
    if aux in {"will", "would"}:
        return len(verb) > 2 and not verb.endswith(("ing", "ed"))
    return bool(re.fullmatch(r"[a-z]+(?:ed|s)", verb)) or bool(aux and _VERB_RE.fullmatch(verb))


def _attribute_subject(before: str, s0: int, sp: _Span, reg: _Registry) -> bool:
    """Embedded quote: the sentence's subject speaks ("Lavrov slammed X for “...”")."""
    clause = _LEAD_JUNK.sub("", before.lstrip())
    clause = re.sub(r"^(?:(?i:on|in|at|during|after|before|last|earlier|later)\b[^,]{0,60},\s*)+",
                    "", clause)
    clause = re.sub(r"^(?i:the|a|an)\s[^,;:“”\"_]{0,80},\s+(?=[A-Z])", "", clause)  # "The deputy
    # chair of Russia’s security council, Dmitry Medvedev, gloated": the name is the subject
    m = _SUBJECT_VERB.match(clause)
    if not m or m.group("verb") in {"is", "was", "has", "as", "this", "us"} or \
            re.search(r"[’']s$", m.group(1)) or not _finite(m.group("aux"), m.group("verb")):
        return False
    known = m.group(1).lower() in {"he", "she"} or reg.person(m.group(1), s0 + len(before)) or \
        reg.org(m.group(1))
    if not known:
        return False
    spk, role, ok = _resolve(m.group(1), s0 + before.find(m.group(1)), reg)
    if ok and spk:
        _set(sp, spk, role, f"{m.group(1)} {m.group('aux') or ''}{m.group('verb')}")
        return True
    return False


def _set(sp: _Span, speaker: str | None, role: str | None, cue: str | None) -> None:
    """Attribute `sp` by a cue in its own sentence (`direct`), with the cue and role tidied."""
    if cue and len(cue.split()) > 14:  # keep the end of a long clause: the part next to the verb
        cue = " ".join(cue.split()[-10:])
    if role:  # a role read off the text next to a quote can start with its closing mark
        role = role.strip(" ,;:\"“”‘’'") or None
    if role and (not re.search(r"[A-Za-z]{3}", role) or _VERB_RE.fullmatch(role.strip())):
        role = None
    sp.speaker, sp.role, sp.cue, sp.direct = speaker, role, cue, True


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
                probe = _cue_ending_at(masked, s0 - 1, _sentence_start(masked, lo, s0 - 1), reg)
                if probe and probe.speaker:
                    src = probe
            elif para_of[k] > 0 and sp.mark_start == lo:
                prev = [o for o, p in zip(spans, para_of, strict=True)
                        if p == para_of[k] - 1 and o.speaker]
                if prev and prev[-1].mark_end >= paras[para_of[k] - 1][1] - 60:
                    src = prev[-1]
                elif not masked[sp.mark_end : paras[para_of[k]][1]].strip():
                    src = _statement_cue(masked, paras[para_of[k] - 1], reg)
        if src is not None and (src.speaker or src.role):  # "..., a Clinton aide said. “...”"
            sp.speaker, sp.role, sp.cue = src.speaker, src.role, src.cue


_STATEMENT_RE = re.compile(
    r"\b(?:(?:issued|released|put out|sent|published|posted|shared)\s+(?:a|an|the|his|her|its|"
    r"their)\s+(?:[\w-]+\s+){0,2}?(?:statement|message|letter|note|tweet|post|memo|email|"
    r"e-mail)|said in (?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:statement|post|letter|email|e-mail|"
    r"message|tweet)|wrote|tweeted|posted|said|says|told|added|explained|recalled)\b")


def _statement_cue(masked: str, para: tuple[int, int], reg: _Registry) -> _Span | None:
    """The cue of a quote that is a whole paragraph, in the previous paragraph's last sentence
    when no colon ends it ("... the DNC issued a statement apologizing to Sanders.", "Vladislav
    said he was taken to ..."): only a known person or organisation issuing, posting, writing or
    saying words, not any sentence's subject."""
    lo, hi = para
    end = len(masked[:hi].rstrip())
    if end <= lo or masked[end - 1] not in ".!?" or \
            not _STATEMENT_RE.search(masked, _sentence_start(masked, lo, end - 1), end):
        return None
    probe = _cue_ending_at(masked, end, lo, reg)
    return probe if probe and _is_known(reg, probe.speaker) else None


def _cue_ending_at(masked: str, end: int, lo: int, reg: _Registry) -> _Span | None:
    """The cue of the sentence ending at `end` (searched back to `lo`), as an empty span
    attributed as a quote there would be; None if that sentence holds no cue."""
    probe = _Span(end, end, end, end, -1)
    return probe if _attribute_before(masked, probe, lo, reg) else None


def _is_known(reg: _Registry, speaker: str | None) -> bool:
    """A person or organisation the article names, not a description."""
    return speaker in reg.people or speaker in reg.orgs

