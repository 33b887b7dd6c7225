"""A statement as a search document: who said it, and the sentences holding it."""

from __future__ import annotations

from datetime import UTC, datetime

from index.articles import Article
from index.lexical import held_terms, tokenize
from index.quotes import Quote
from index.statements import MAX_WORDS, embedding_text, lexical_text, sentences_span

TEXT = ("Fighting went on. “This is the worst wave of displacement,” the ICRC’s director, "
        "Fabrizio Carboni, said. He left.\n\nAnother paragraph.")
ARTICLE = Article("a", "Idlib fighting", datetime(2020, 2, 25, tzinfo=UTC), None, None, TEXT)


def quote_of(fragment: str, speaker: str | None = "Fabrizio Carboni",
             role: str | None = "the ICRC’s director") -> Quote:
    start = TEXT.index(fragment)
    return Quote("a", start, start + len(fragment), speaker, role, None)


def test_the_embedded_text_is_the_label_and_the_quotes_own_sentence_with_its_cue():
    q = quote_of("This is the worst wave of displacement,")
    start, end = sentences_span(TEXT, q)
    assert TEXT[start:end] == ("“This is the worst wave of displacement,” the ICRC’s director, "
                               "Fabrizio Carboni, said.")
    assert embedding_text(ARTICLE, q).startswith("Fabrizio Carboni, the ICRC’s director: “This is")
    unattributed = quote_of("This is the worst wave of displacement,", None, None)
    assert embedding_text(ARTICLE, unattributed).startswith("“This is")


def test_a_long_statement_is_embedded_capped_but_searched_whole():
    words = " ".join(f"w{i}" for i in range(200))
    text = f"“{words}.” she said."
    article = Article("b", "T", ARTICLE.date, None, None, text)
    q = Quote("b", 1, 1 + len(words) + 1, "Ann Lee", None, None)
    assert len(embedding_text(article, q).split()) <= MAX_WORDS + 3
    lexical = lexical_text(article, q, ["ICRC"])
    assert "w199" in lexical and lexical.startswith("T\nAnn Lee ICRC")


def test_held_terms_agrees_with_the_bm25_tokenizer():
    texts = [TEXT, "Civilians were fleeing the displaced camps", "does doing done", ""]
    for question in ("people fleeing displacement", "worst waves", "does the camp"):
        terms = set(tokenize([question], return_ids=False)[0])
        expected = [set(t) & terms for t in tokenize(texts, return_ids=False)]
        assert held_terms(texts, terms) == expected, question


def test_sentence_spans_found_once_per_article_match_splitting_each_time():
    """`sentences_span` remembers each article's sentences; asked about many articles in
    any order (more than it remembers), it gives what splitting the text afresh gives."""
    import random

    from index.articles import load
    from index.chunks import paragraph_spans, sentence_spans
    from index.quotes import extract_statements
    from tests.conftest import data_file

    def afresh(text: str, quote: Quote) -> tuple[int, int]:
        for start, end in paragraph_spans(text):
            if start <= quote.start < end:
                spans = [s for s in sentence_spans(text, start, end)
                         if s[1] > quote.start and s[0] < quote.end]
                if spans:
                    return min(spans[0][0], quote.start), max(spans[-1][1], quote.end)
                break
        return quote.start, quote.end

    articles = [a for a in load([data_file("fakes", "articles.jsonl")]) if isinstance(a, Article)]
    pairs = [(a, q) for a in articles[:60] for q in extract_statements(a)]
    random.Random(3).shuffle(pairs)
    assert len({a.id for a, _ in pairs}) > 40 and len(pairs) > 100
    assert [sentences_span(a.text, q) for a, q in pairs] == [afresh(a.text, q) for a, q in pairs]
