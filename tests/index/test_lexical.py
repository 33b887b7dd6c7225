"""The ask path's tokenizer must read words exactly as bm25s does when it builds the index."""

import bm25s

from index.lexical import _stemmer, tokenize

TEXTS = [
    "",
    "a I x",
    "What did the U.N. say about the air strikes on al-Quria in Deir ez-Zor?",
    "Peskov's remarks: “We won’t comment,” he said on 24/02/2022 at 10:30.",
    "Zelenskyy’s office — Kyiv, Kharkiv & Mariupol; naïve café résumé ÉTATS-UNIS",
    "running runs ran RUNNER the and of it's don't 2022-07-15 COVID-19 x86_64 __init__",
    "Ma'arrat al-Numan\nIdlib\tprovince\u00a0Syria 北京 Москва заявил",
]


def test_words_match_bm25s():
    expected = bm25s.tokenize(TEXTS, stopwords="en", stemmer=_stemmer(), show_progress=False,
                              return_ids=False)
    assert tokenize(TEXTS, return_ids=False) == expected
    for text in TEXTS:
        assert tokenize([text], return_ids=False) == [expected[TEXTS.index(text)]]
