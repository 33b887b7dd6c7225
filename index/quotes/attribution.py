"""Attribute each quotation span: find its cue (after it, before it, the sentence's subject),
or inherit one (its multi-paragraph group, its paragraph, the previous sentence or paragraph).
The cue patterns live in `cues`, the resolution of a cue's subject in `resolve`."""

from __future__ import annotations

import re

from index.quotes.cues import (
    _ACCORDING,
    _ADVS,
    _AFTER_NP_FIRST,
    _AFTER_VERB_FIRST,
    _AFTER_VERB_LATE,
    _AFTER_VERB_NAME,
    _COLON_CUE,
    _DASH_SIGNATURE,
    _LEAD_JUNK,
    _POSSESSIVE_CUE,
    _POSSESSIVE_PRONOUNS,
    _QUOTED_AS,
    _STATEMENT_RE,
    _SUBJECT_VERB,
)
from index.quotes.marks import _sentence_end, _sentence_start, _Span
from index.quotes.names import (
    _MEDIA,
    _STATE,
    _is_person_name,
    _Registry,
    _split_title,
    _strip_possessive,
    _tokens,
)
from index.quotes.resolve import _DOCS, _pronoun_writer, _resolve, _resolve_document
from index.quotes.vocab import _NAME_TOKEN, _ORG_WORDS, _VERB_RE


def _attribute_after(masked: str, sp: _Span, hi: int, reg: _Registry) -> bool:
    """'“...,” X said' / '“...,” said X' / '“...,” according to X' / '“...” — X'."""
    if _dash_signature(masked, sp, reg):
        return True
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


def _dash_signature(masked: str, sp: _Span, reg: _Registry) -> bool:
    """A quote opening its paragraph, signed after a dash at the paragraph's end (or alone on
    the next line): "“...” ― Jane Doe", "“...” — Jane Doe, a nurse", "“...”\n\n- Sanders." Only
    a person: "- Reuters." is a credit, not a speaker."""
    if not re.search(r"(?:^|\n)\s*$", masked[max(0, sp.mark_start - 100) : sp.mark_start]):
        return False
    m = _DASH_SIGNATURE.match(masked, sp.mark_end)
    if not m:
        return False
    name, _, rest = m.group("np").partition(",")
    title, toks = _split_title(_tokens(name))
    if not toks:
        return False
    ent = reg.person(" ".join(toks), m.start("np"))
    if ent is None and not (len(toks) >= 2 and _is_person_name(toks)):
        return False
    rest = rest.strip()
    role = rest if rest and not re.match(r"[a-z]+ing\b", rest) else " ".join(title) or None
    _set(sp, ent.name if ent else " ".join(toks), role or (ent.role if ent else None),
         m.group(0).strip())
    return True


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


_TRAILING_ADV = re.compile(rf"\s+(?:{_ADVS})\s*$")


def _speaker_verb_before(before: str, s0: int, sp: _Span, reg: _Registry) -> bool:
    """'X said “...”', 'X told reporters that “...”', 'Said Lavrov: “...”': the last speaking
    verb before the quote whose clause resolves."""
    for vm in reversed(list(_VERB_RE.finditer(before))):
        if re.search(r"\bso-?$", before[: vm.start()].rstrip()):
            continue  # "so-called", "so said"; not "also said"
        head = _TRAILING_ADV.sub("", before[: vm.start()])
        if re.search(r"\b(?:is|are|was|were|be|been|being)\s*$", head):
            if _passive_agent_cue(before, vm, s0, sp, reg):
                return True
            continue
        cut = max(head.rfind("”"), head.rfind('"'), head.rfind("_"))
        whole = head[cut + 1 :] if cut >= 0 else head
        clause = re.sub(r"^.*\b(?:and|but|while|as|after|before|because|when)\s+(?=[A-Za-z])",
                        "", whole) if len(whole.split()) > 14 else whole
        at = s0 + (cut + 1 if cut >= 0 else 0) + len(whole) - len(clause)  # "..., who ... when
        spk, role, ok = _resolve(clause, at, reg)  # she called": "she" after the one named there
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


def _finite(aux: str | None, verb: str) -> bool:
    """The verb form an auxiliary asks for: "gloated", "is pledging", "will pledge"."""
    aux = aux.split()[0] if aux else ""
    if aux in {"is", "was"}:
        return verb.endswith("ing")
    if aux in {"will", "would"}:
        return len(verb) > 2 and not verb.endswith(("ing", "ed"))
    return bool(re.fullmatch(r"[a-z]+(?:ed|s)", verb)) or bool(aux and _VERB_RE.fullmatch(verb))


_DOC_SUBJECT = re.compile(  # a document opening the sentence, then any verb
    rf"(?P<np>(?i:the|a|an|this|that|his|her|its|their)\s+(?:[\w’'-]+\s+){{0,3}}?"
    rf"(?:{_DOCS}|ad|ads)(?:\s+(?:from|by)\s+[^,;:“”\"_]{{1,60}}?)?)\s+(?:also\s+)?"
    r"(?!(?:is|was|has|had|does|needs|seems|appears)\b)(?P<verb>[a-z]+(?:ed|s)|saying|found|said|"
    r"says)\b")


def _attribute_subject(before: str, s0: int, sp: _Span, reg: _Registry) -> bool:
    """Embedded quote: the sentence's subject speaks ("Lavrov slammed X for “...”")."""
    clause = _LEAD_JUNK.sub("", before.lstrip())
    clause = re.sub(r"^(?:(?i:on|in|at|during|after|before|last|earlier|later)\b[^,]{0,60},\s*)+",
                    "", clause)
    clause = re.sub(r"^(?i:the|a|an)\s[^,;:“”\"_]{0,80},\s+(?=[A-Z])", "", clause)  # "The deputy
    # chair of Russia’s security council, Dmitry Medvedev, gloated": the name is the subject
    doc = _DOC_SUBJECT.match(clause)
    if doc:  # "The report found that “...”": the document's author if named, else the document
        found = _resolve_document(doc.group("np"), s0 + before.find(doc.group("np")), reg)
        if found:
            _set(sp, *found, f"{doc.group('np')} {doc.group('verb')}")
            return True
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
            if src is not None and _opens_with_document(src.cue) and \
                    _in_later_narrative(masked, paras[para_of[k]][0], src, sp):
                continue  # "The video shows ... “...”. He held a sign saying “...”": the sign's
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
        if src is not None and src.cue and src.cue[0] in "—―–-":
            continue  # a dash signature signs its own quote only (letters to the editor)
        if src is not None and (src.speaker or src.role):  # "..., a Clinton aide said. “...”"
            sp.speaker, sp.role, sp.cue = src.speaker, src.role, src.cue


_DOC_CUE = re.compile(rf"(?:(?i:the|a|an|its|his|her|their|this|that)\s+)?(?:[\w’'-]+\s+){{0,2}}"
                      rf"(?:{_DOCS})\b")  # the document in lower case: not "Bill Clinton said"
_BACK_TO_DOC = re.compile(rf"(?:(?:And|But|Yet)\s+(?:it|its)|It|Its|(?:(?:And|But|Yet)\s+)?"
                          rf"(?i:the|this|that)\s+(?:[\w-]+\s+)?"
                          rf"(?:{_DOCS}|piece|editorial|op-ed|column|story))\b")


def _opens_with_document(cue: str | None) -> bool:
    """A cue whose subject is a document: "The video shows", "the report said"."""
    return bool(cue and _DOC_CUE.match(cue))


def _in_later_narrative(masked: str, lo: int, src: _Span, sp: _Span) -> bool:
    """`sp` sits inside a later sentence than `src`, after words of its own that are not about
    the document ("It", "The piece goes on to ..."); a quote opening its sentence continues the
    words before."""
    s0 = _sentence_start(masked, lo, sp.mark_start)
    return s0 >= src.mark_end and bool(re.search(r"[A-Za-z]{2}", masked[s0 : sp.mark_start])) \
        and not _BACK_TO_DOC.match(masked, s0)


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


# An organisation opening the sentence before a quote, saying something: "The United Nations
# condemned the air strikes. “...” said Kevin Kennedy, Regional Humanitarian Coordinator".
_ORG_STATEMENT = re.compile(
    rf"(?:The\s+)?(?P<org>(?:{_NAME_TOKEN}[ \t]+){{0,6}}{_NAME_TOKEN})\s+"
    r"(?:(?:has|have|had|also|on\s+\w+|again)\s+){0,2}"
    r"(?:said|says|condemned|condemns|warned|warns|called|calls|urged|urges|announced|"
    r"announces|stated|states|denounced|denounces|criticised|criticized|demanded|appealed|"
    r"expressed|welcomed|voiced|issued|insisted|stressed|noted)\b")
# Not an organisation a person speaks for when the article quotes them after it.
_COUNTRIES = {"U.S.", "US", "USA", "U.S.A.", "United States", "UK", "U.K.", "United Kingdom"}


def _affiliate(text: str, masked: str, spans: list[_Span], para_of: list[int],
               paras: list[tuple[int, int]], reg: _Registry) -> None:
    """A person quoted right after a sentence, in the same paragraph, whose subject is an
    organisation the article names saying something ("The United Nations condemned ...") and
    whose role names no organisation, speaks for it: the role gets its name after a comma
    ("Regional Humanitarian Coordinator for the Syria Crisis, United Nations"), and so do the
    role-less quotes of the same person in the article ("“It must stop,” he added")."""
    found: dict[str, set[tuple[str, str]]] = {}
    for sp, p in zip(spans, para_of, strict=True):
        if not (sp.direct and sp.role and sp.speaker in reg.people) or _names_org(sp.role, reg):
            continue
        lo, _ = paras[p]
        s0 = _sentence_start(masked, lo, sp.mark_start)
        if s0 <= lo:
            continue
        p0 = _sentence_start(masked, lo, s0 - 1)
        prev = text[p0:s0]
        if re.search(r"[“”\"]", prev):
            continue
        m = _ORG_STATEMENT.match(masked, p0, s0)
        if not m:
            continue
        org = _known_org(m.group("org"), reg)
        if org is None or org in _COUNTRIES or {w.lower() for w in org.split()} & _MEDIA:
            continue
        found.setdefault(sp.speaker, set()).add((sp.role, org))
    for sp in spans:
        pairs = found.get(sp.speaker or "", set())
        if len({org for _, org in pairs}) != 1:
            continue  # one organisation only
        org = next(iter(pairs))[1]
        if sp.role is None or sp.role in {r for r, _ in pairs}:  # "..., he added": the same person
            sp.role = f"{sp.role}, {org}" if sp.role else org


def _names_org(role: str | None, reg: _Registry) -> bool:
    """Does a role name an organisation ("UN spokesman", "the ICRC's director", "head of
    the Syrian Observatory")?"""
    if not role:
        return False
    words = {_strip_possessive(w).lower().strip(".,") for w in role.split()}
    if words & (_ORG_WORDS | _STATE | _MEDIA) or re.search(r"\w(?:’s|'s|s’|s')(?!\w)", role):
        return True
    return any(re.search(rf"(?<![\w-]){re.escape(o)}s?(?![\w-])", role) or
               re.search(rf"(?<![\w-]){re.escape(o.split()[-1])}s(?![\w-])", role)
               for o in reg.orgs)  # "the Observatorys head": an apostrophe lost


def _known_org(name: str, reg: _Registry) -> str | None:
    """The registry's organisation a sentence's subject names: itself, or the one full name
    it shortens ("the British-based Observatory" for the Syrian Observatory for Human Rights)."""
    name = re.sub(r"^[\w.-]+-based\s+", "", name)
    if name in reg.orgs:
        return name
    words = name.split()
    if not {w.lower() for w in words} & _ORG_WORDS or \
            any(w in p.split() for p in reg.people for w in words):
        return None  # "Clinton" is no short form of the Clinton Foundation
    longer = {o for o in reg.orgs if len(o.split()) > len(words) and
              re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", o)}
    if len(longer) == 1:
        return longer.pop()
    full = [o for o in longer if not any(o != x and o in x for x in longer)]
    return full[0] if len(full) == 1 else None
