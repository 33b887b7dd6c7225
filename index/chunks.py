"""Cut an article into sentence-aligned chunks, kept as character offsets into its text.

Chunks never cut a sentence, so a passage shown to a reader reads as written; they stay
within a paragraph when the paragraph is long enough, which keeps a passage on one topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.records import Article, Chunk

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before white space
# and an upper-case letter, digit or opening quote — but not after common abbreviations.
_BOUNDARY = re.compile(r"""[.!?]+["”’')\]]*(?=\s+["“‘(\[]?[A-Z0-9])""")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Gov|Sen|Rep|St|Jr|Sr|No|Vol|U\.S|U\.N|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|i\.e|e\.g)|\b[A-Z])\.$"
)
_PARAGRAPH = re.compile(r"\n\s*\n")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence in text[start:end], white space trimmed."""
    end = len(text) if end is None else end
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if _ABBREVIATIONS.search(text, max(cursor, match.start() - 6), match.end()):
            continue
        yield from _trimmed(text, cursor, match.end())
        cursor = match.end()
    yield from _trimmed(text, cursor, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph (blank-line separated), white space trimmed."""
    cursor = 0
    for match in _PARAGRAPH.finditer(text):
        yield from _trimmed(text, cursor, match.start())
        cursor = match.end()
    yield from _trimmed(text, cursor, len(text))


def chunk_article(article: Article, target_words: int = 80) -> list[Chunk]:
    """Greedy sentence packing up to `target_words`; a paragraph break ends a chunk once it is
    at least half full, and a single over-long sentence becomes a chunk of its own."""
    text = article.text
    chunks: list[Chunk] = []
    current: list[tuple[int, int]] = []
    words = 0

    def flush() -> None:
        nonlocal words
        if current:
            chunks.append(Chunk(article.id, current[0][0], current[-1][1]))
            current.clear()
            words = 0

    for para_start, para_end in paragraph_spans(text):
        if words >= target_words // 2:
            flush()
        for sentence in sentence_spans(text, para_start, para_end):
            for start, end in _word_windows(text, *sentence, max_words=target_words):
                n = len(text[start:end].split())
                if current and words + n > target_words:
                    flush()
                current.append((start, end))
                words += n
    flush()
    return chunks


_WORD = re.compile(r"\S+")


def _word_windows(text: str, start: int, end: int, max_words: int) -> Iterator[tuple[int, int]]:
    """A run-on "sentence" (FA-KES bodies lose most punctuation) split into word windows."""
    words = list(_WORD.finditer(text, start, end))
    if len(words) <= max_words * 3 // 2:
        yield start, end
        return
    for i in range(0, len(words), max_words):
        window = words[i : i + max_words]
        yield window[0].start(), window[-1].end()
