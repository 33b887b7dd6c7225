"""index/search.py without a model: speaker lookup over stored (speaker, role) pairs."""

from __future__ import annotations

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


def test_a_speakers_quotes_are_read_once_per_generation(seed_index, monkeypatch):
    index = SearchIndex.open(seed_index)
    pairs = [p for p in index.speakers.pairs if p[0] == "Sergei Lavrov"]
    first = index.quotes_by_speakers(pairs)
    assert first and all(r.quote.speaker == "Sergei Lavrov" for r in first)
    monkeypatch.setattr(index, "_read_quotes_by_speakers", lambda wanted: ())  # SQLite unused
    assert index.quotes_by_speakers(list(reversed(pairs))) == first  # same set of pairs


def test_a_speakers_quotes_in_given_articles_only(seed_index):
    index = SearchIndex.open(seed_index)
    pairs = [p for p in index.speakers.pairs if p[0] == "Sergei Lavrov"]
    everywhere = index.quotes_by_speakers(pairs)
    assert index.quotes_by_speakers(pairs, [0]) == everywhere  # the seed is article 0
    assert index.quotes_by_speakers(pairs, []) == []


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
