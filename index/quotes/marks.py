"""Quotation spans: pairing marks per paragraph, masking quote insides, sentence bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A dot ending one of these does not end a sentence.
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Maj|Sgt|Capt|Adm|St|Jr|Sr|Prof|Rev|No|vs|"
    r"Jan|Feb|Aug|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd|U\.S|U\.N|U\.K|E\.U|a\.m|p\.m|[A-Z])\.)$"
)

_OPENERS = "“„«"
_CLOSERS = "”»"
_MARKS = "“”„«»\"‘’"
_MAX_QUOTE = 1500


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
    """Double quotation mark runs in text[lo:hi] as (start, end, kind); `""` counts once, and
    two apostrophes `''` are one mark (some US wire copy types its double quotes that way)."""
    marks = []
    for m in re.finditer(r"(?<!')''(?!')|[“”„«»\"]+", text[lo:hi]):
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
            if (nxt is not None and (text[nxt] in "“\"„«" or text.startswith("''", nxt))
                    and hi - me <= _MAX_QUOTE):
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

