"""The extractor's entry point: `Quote` and `extract_quotes`, which runs the pipeline
(spans, mask, registry, attribution, inheritance) and drops scare quotes and titles."""

from __future__ import annotations

from index.quotes.attribution import _affiliate, _attribute_after, _attribute_before, _inherit
from index.quotes.marks import _find_spans, _mask, _paragraphs, _Span
from index.quotes.names import _Registry
from index.quotes.reported import reported_statements
from index.quotes.vocab import _VERB_RE
from index.records import Article, Quote


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
    return _extract(article, reported=False)


def extract_statements(article: Article) -> list[Quote]:
    """What the index stores: the quotes and the sentences that report a named speaker's
    words without quoting them (`Quote.reported`), in text order."""
    return _extract(article, reported=True)


def _extract(article: Article, reported: bool) -> list[Quote]:
    text = article.text
    spans = _find_spans(text)
    masked = _mask(text, spans)
    reg = _Registry(text, masked)
    paras = _paragraphs(text)
    if not spans:
        return _reported(article, masked, reg, paras) if reported else []
    para_of = _para_index(paras, spans)
    for _, end, speaker, _, _ in reported_statements(text, masked, reg, paras):
        reg.note_speaker(speaker, end - 1)  # "X, who said it was ... “...,” he said": X
    for sp, p in zip(spans, para_of, strict=True):
        lo, hi = paras[p]
        _attribute_after(masked, sp, hi, reg) or _attribute_before(masked, sp, lo, reg)
        reg.note_speaker(sp.speaker, sp.mark_end)
    _inherit(text, masked, spans, para_of, paras, reg)
    _affiliate(text, masked, spans, para_of, paras, reg)
    out = []
    for sp in spans:
        spoken = bool(sp.direct and sp.cue and _VERB_RE.search(sp.cue))
        n_words = len(text[sp.start : sp.end].split())
        if _is_fragment(text, sp) and (not spoken or n_words > 2):  # a title even when cued
            continue
        if n_words <= 2 and not (sp.speaker and spoken):
            continue
        if n_words == 3 and not sp.speaker and text[sp.end - 1] not in ".!?,":
            continue  # a three-word scare quote ("special military operation") with no cue
        out.append(Quote(article.id, sp.start, sp.end, sp.speaker, sp.role, sp.cue))
    if not reported:
        return out
    # After the quotes: resolving names notes them in the registry, which must not change
    # how the quotes themselves were attributed.
    return sorted(out + _reported(article, masked, reg, paras), key=lambda q: q.start)


def _reported(article: Article, masked: str, reg: _Registry,
              paras: list[tuple[int, int]]) -> list[Quote]:
    return [Quote(article.id, start, end, speaker, role, cue, reported=True)
            for start, end, speaker, role, cue in reported_statements(article.text, masked, reg,
                                                                       paras)]


def _para_index(paras: list[tuple[int, int]], spans: list[_Span]) -> list[int]:
    out, p = [], 0
    for sp in spans:
        while p + 1 < len(paras) and paras[p + 1][0] <= sp.mark_start:
            p += 1
        out.append(p)
    return out

