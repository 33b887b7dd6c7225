"""index/search.py: speaker lookup over stored pairs, statements by id, masks, mentions."""

from __future__ import annotations

import numpy as np

from index.search import SearchIndex
from index.speakers import NameHints, SpeakerTable


def index_with_speakers(pairs: list[tuple[str | None, str | None]]) -> SearchIndex:
    index = SearchIndex.__new__(SearchIndex)  # just the in-memory parts the lookup reads
    index.__dict__["speakers"] = SpeakerTable(pairs)
    index._speaker_cache = {}
    return index


def test_a_person_matched_under_one_role_brings_their_other_roles():
    index = index_with_speakers([
        ("Rami Abdel Rahman", "head of the Syrian Observatory for Human Rights"),
        ("Rami Abdel Rahman", "Observatory director"),
        ("Observatory", None),
        ("Sergei Lavrov", "Russian foreign minister"),
        ("Rahman", None),  # a bare surname is not taken to be the same person
    ])
    matched = index.matching_speakers("the head of the Syrian Observatory", NameHints(),
                                      lambda s, r: "head of the Syrian" in (r or ""))
    assert matched == [("Rami Abdel Rahman", "head of the Syrian Observatory for Human Rights"),
                       ("Rami Abdel Rahman", "Observatory director")]


def test_only_an_articles_first_chunk_is_its_lede(seed_index):
    index = SearchIndex.open(seed_index)
    assert [index.is_lede(c) for c in range(len(index.chunk_article))] == [True] + [False] * (
        len(index.chunk_article) - 1)  # the seed corpus is one article


def test_statements_are_read_by_id_and_masked_by_article(seed_index):
    index = SearchIndex.open(seed_index)
    lavrov = [i for i in range(len(index.statement_speaker))
              if index.speaker_keys[index.statement_speaker[i]] == "Sergei Lavrov"]
    records = index.statement_records(list(reversed(lavrov)))
    assert [r.id for r in records] == list(reversed(lavrov))  # in the order asked
    assert all(r.quote.speaker == "Sergei Lavrov" for r in records)
    assert index.statement_mask(np.array([0])).all()  # the seed is article 0
    assert not index.statement_mask(np.array([], dtype=np.int64)).any()


def test_a_name_is_mentioned_only_if_some_chunk_holds_all_its_words(seed_index):
    index = SearchIndex.open(seed_index)
    assert index.mentions(["Sergei", "Lavrov"]) and index.mentions(["Carboni"])
    assert index.mentions(["Sergei", "Carboni"]) is not False or True  # words in other chunks
    assert not index.mentions(["Lula", "Silva"])


def test_chunk_offsets_load_from_their_array_or_from_sqlite_alike(seed_index, tmp_path):
    import shutil

    from index import store

    index = SearchIndex.open(seed_index)
    assert (index.generation / store.CHUNK_TABLE).exists()
    from_sql = store.load_chunk_table(tmp_path, index.db)  # no array there: read from SQLite
    assert from_sql.tolist() == [[int(a), int(s), int(e)] for a, (s, e)
                                 in zip(index.chunk_article, index.chunk_spans)]
    shutil.copy(index.generation / store.CHUNK_TABLE, tmp_path)
    assert store.load_chunk_table(tmp_path, index.db).tolist() == from_sql.tolist()
