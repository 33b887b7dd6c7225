"""Resolve a cue's subject phrase to (speaker, role): a name, a pronoun, a surname or "Mr. X",
a description ("the top Russian diplomat"), or a document and its author ("an email from
Lister", "the statement said" after "X issued a statement")."""

from __future__ import annotations

import re

from index.quotes.cues import _ADVS, _AFTER_NP_FIRST, _LEAD_JUNK, _POSSESSIVE_PRONOUNS
from index.quotes.marks import _sentence_end, _sentence_start
from index.quotes.names import (
    _ROLE_NOUNS,
    _SURNAME_TITLES,
    _content_words,
    _field_and_name,
    _is_org,
    _is_person_name,
    _last_before,
    _object_role,
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

_PRONOUNS = {"he": "person", "she": "person", "they": "group", "it": "group", "him": "person",
             "her": "person", "we": None, "i": None, "you": None}
_PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}


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
    np = re.sub(r"\s*\([^()]{0,40}(?:\)|$)", "", np)  # "(R-S.C.)", "(D-NY)", "(R-Fla" cut at
    # its period by the cue
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
        if head_first and parts and not _is_np(p) and not _SKIP_PART.match(p):
            p = re.split(r"\s+(?:who|which|whose)\b", p, maxsplit=1)[0]  # "said X, a scholar at
            # Y who has studied sanctions": the appositive before its relative clause is the role
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
        return (*_resolve_pronoun(parts[0].lower(), pos, reg), True)
    named: list[tuple[str, str | None, str]] = []
    cut_named: list[tuple[str, str | None, str]] = []
    descs: list[str] = []
    pronouns = [p for p in parts if p.lower() in _PRONOUNS]
    if pronouns and not head_first and parts[-1] in pronouns:
        parts = parts[-1:]  # "..., who he said": the pronoun next to the verb speaks
    hits = [None if part in pronouns else _named(part, pos, reg) for part in parts]
    if not head_first and len(parts) >= 3 and hits[-1] and hits[-3] and not hits[-2] and \
            hits[-3][2] == "person" and _object_role(parts[-2]):  # "Ihor Zhovka, adviser to the
        return hits[-3][0], parts[-2], True  # president, Volodymyr Zelenskiy, said": the adviser
    for part, hit in zip(parts, hits, strict=True):
        if hit:
            (cut_named if part in trailing else named).append(hit)
        elif part not in pronouns and part not in trailing:
            descs.append(part)
    named = named or cut_named
    document = None if named else _resolve_document(parts[0], pos, reg)
    if document:
        return (*document, True)
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
    if head in {"source", "sources"} and not re.search(r"\b(?:close|familiar)\b", desc):
        return None, desc, True  # "the (military) source said": unnamed, not the one named last
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


def _resolve_pronoun(pronoun: str, pos: int, reg: _Registry) -> tuple[str | None, str | None]:
    """(speaker, role) of "he"/"she" (the latest subject or person of that gender), of "it"/"they"
    (an organisation named just before); nobody for "we", "I", "you"."""
    kind = _PRONOUNS[pronoun]
    if kind is None:
        return None, None
    gender = _PRONOUN_GENDER.get(pronoun)
    ent = reg.subject(pos, gender) if kind == "person" else None
    ent = ent or reg.recent("person" if kind == "person" else "org", pos, gender)
    if ent and kind != "person" and _last_before(ent.mentions, pos) < pos - 250:
        ent = None  # "it said" only for an organisation named just before
    return (ent.name, ent.role) if ent else (None, None)


def _resolve_document(part: str, pos: int, reg: _Registry) -> tuple[str | None, str | None] | None:
    """(speaker, role) when a document speaks: its author if the cue or the text names one,
    else (None, the document) for the reader to see which ("the joint statement said"); None
    if `part` is no document."""
    author = _document_author(part, pos, reg)
    if author:
        return author
    doc = _DOC_PHRASE.match(part)
    if not doc:
        return None
    issuer = _document_issuer(doc.group(), pos, reg) if re.match(
        r"(?i:the|this|that)\s", doc.group()) else None
    return issuer or (None, doc.group())


_DOCS = "|".join(sorted(_NON_SPEAKERS | {"tweets", "posts", "emails", "letters"}))
# Documents whose words are their author's (not "the president's plan", "a law by X", nor
# "documents released by WikiLeaks": a bundle its publisher did not write).
_AUTHORED = "|".join(sorted(_words(
    "statement report study survey poll letter memo release email e-mail tweet post message note "
    "text book article paper website site video lawsuit suit complaint filing analysis")))
_DOC_PHRASE = re.compile(rf"(?:(?:the|a|an|its|his|her|their|this)\s+)?(?:[\w-]+\s+){{0,2}}"
                         rf"(?:{_DOCS})\b", re.I)
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


_ISSUER_BEFORE = re.compile(
    rf"^(?P<np>.+?)\s+(?:(?:{_ADVS})\s+)?(?:{_ISSUES}|(?:{_VERBS})\s+in)\s+$")
_WRITINGS = set(_words("email e-mail message letter memo note tweet post"))


def _pronoun_writer(np: str, verb: str, pos: int, reg: _Registry) -> tuple[str, str | None] | None:
    """The author of the writing just introduced, for "she wrote" after "An email sent ... by
    Jennifer Palmieri to Podesta indicates ...": the writer, not the sentence's subject."""
    pron = np.strip().lower()
    if pron not in {"he", "she"} or verb not in {"wrote", "writes", "tweeted", "emailed", "posted"}:
        return None
    writer = _document_issuer(_WRITINGS, pos, reg)
    ent = writer and reg.people.get(writer[0])
    if not ent or reg.gender(ent) not in (_PRONOUN_GENDER[pron], None):
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
    elif m := _ISSUER_BEFORE.search(before):  # "X issued a statement", "X said in a statement"
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


# After a preposition, what comes before a name run that is its object: "the", and capitalised
# words or numbers of the same name ("chief executive of the Cleveland 2016 Host Committee").
_NAMED_OBJECT = r"(?:the\s+)?(?:[A-Z0-9][\w’'.-]*\s+)*$"


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
        if re.search(r"\b(?:at|in|from|with|to|by|of|for|on|about|against)\s+" + _NAMED_OBJECT,
                     part[: org_m.start()]):
            return None  # "a doctoral candidate at the Georgia Institute of Technology",
            # "chief executive of the Cleveland 2016 Host Committee": a role, not the speaker
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
    elif re.search(r"\b(?:for|of|in|at|from|to|on|with|and|by|about|against|over)\s+" +
                   _NAMED_OBJECT, part[: m.start()]):
        return None  # the name is an object ("director for the Near East"), not the head
    # A possessive run followed by a lowercase noun ("the ICRC’s director ...") is not the subject.
    if re.match(r"[’']s\b", part[m.end() - 2 : m.end()] if m.group().endswith(("’s", "'s"))
                else "") and part[m.end() :].strip():
        return None
    if part[m.end() :].strip() and not re.fullmatch(r"\s*(?:\(\w+\)|Jr\.?|Sr\.?)?\s*",
                                                    part[m.end() :]):
        return None
    toks = _tokens(run)
    while toks and toks[0].lower().strip(".,") in _NOT_NAMES_BUT_HONORIFICS:
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
        if ent:  # "Sen." in the cue, "Sen., Democrat of New York" where the name came first
            fuller = ent.role if ent.role and role and ent.role.startswith(role) else None
            return ent.name, fuller or role or ent.role, "person"
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


_NOT_NAMES_BUT_HONORIFICS = _NOT_NAMES - _HONORIFICS  # "Mr. Trump" keeps its "Mr."


def _name_before_title(toks: list[str]) -> tuple[list[str], list[str]]:
    """("Kevin Kennedy", "Regional Humanitarian Coordinator") out of one capitalised run: two
    name words, then two or more capitalised words ending in a title; else ([], toks)."""
    first_title = next((k for k, t in enumerate(toks) if t.lower().strip(".,") in _TITLES), -1)
    name = toks[:2]
    if first_title >= 4 and _is_person_name(name) and \
            not re.search(r"(?:ian|ese|ish|ic|an)$", name[0]):  # "Syrian Arab Red Crescent ..."
        return name, toks[2:]
    return [], toks
