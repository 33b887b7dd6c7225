"""Find every quotation in an article and attribute it to its speaker (filled in below)."""

from __future__ import annotations

from dataclasses import dataclass

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




# TEMPORARY crude placeholder until the real extractor lands (branch `quotes`).
import re as _re

_Q = _re.compile(r"[“\"]([^“”\"]{12,}?)[”\"]")


def extract_quotes(article: Article) -> list[Quote]:  # noqa: F811
    out = []
    for m in _Q.finditer(article.text):
        after = article.text[m.end(): m.end() + 80]
        before = article.text[max(0, m.start() - 80): m.start()]
        name = _re.search(r"([A-Z][a-z]+(?: [A-Z][a-z]+)*) (?:said|told)", after) or _re.search(
            r"([A-Z][a-z]+(?: [A-Z][a-z]+)*) (?:said|told|slammed)", before)
        out.append(Quote(article.id, m.start(1), m.end(1), name.group(1) if name else None, None, None))
    return out


def speaker_matches(query: str, quote: Quote) -> bool:
    words = [w for w in _re.findall(r"\w+", query.lower()) if w not in ("the", "of")]
    hay = f"{quote.speaker or ''} {quote.role or ''}".lower()
    return bool(words) and all(w in hay for w in words)
