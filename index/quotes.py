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


def extract_quotes(article: Article) -> list[Quote]:
    raise NotImplementedError
