"""A user's name for someone matches a stored speaker: names, surnames, acronyms, roles."""

from __future__ import annotations

from index.articles import Article
from index.quotes import Quote, extract_quotes, speaker_matches
from tests.index.quotes.helpers import make, seed_quote


def test_speaker_matches_seed(seed: tuple[Article, list[Quote]]) -> None:
    lavrov = seed_quote(seed, "This is capitulating before terrorists and even")
    carboni = seed_quote(seed, "This is the worst wave")
    icrc = seed_quote(seed, "deeply alarmed")
    for query in ("Lavrov", "lavrov", "Sergei Lavrov", "the Russian foreign minister"):
        assert speaker_matches(query, lavrov), query
    for query in ("ICRC", "the ICRC", "International Committee of the Red Cross", "Red Cross"):
        assert speaker_matches(query, icrc), query
    assert speaker_matches("Carboni", carboni)
    assert speaker_matches("the ICRC", carboni)  # through his role
    assert not speaker_matches("Carboni", lavrov)
    assert not speaker_matches("UN", lavrov)
    assert not speaker_matches("Lavrov", icrc)


def test_speaker_matches_names_and_roles() -> None:
    q = Quote("x", 0, 1, "James E. Clyburn", "Representative", "Mr. Clyburn said")
    for query in ("Clyburn", "Mr. Clyburn", "james e. clyburn", "James Clyburn"):
        assert speaker_matches(query, q), query
    assert not speaker_matches("Biden", q)
    unnamed = Quote("x", 0, 1, None, "a spokesman for the Russian Defence Ministry", "said")
    assert speaker_matches("Russian Defence Ministry", unnamed)
    assert not speaker_matches("Lavrov", unnamed)


def test_speaker_matches_un() -> None:
    q = Quote("x", 0, 1, "United Nations", None, "the United Nations said")
    assert speaker_matches("UN", q) and speaker_matches("U.N.", q)
    assert speaker_matches("the United Nations", q)
    assert not speaker_matches("NATO", q)


def test_speaker_matches_an_official_of_the_organisation_before_the_quote() -> None:
    text = ("The United Nations condemned the air strikes on the hospital in Kafr Takharim. “It "
            "is completely unacceptable that hospitals are bombed,” said Kevin Kennedy, Regional "
            "Humanitarian Coordinator for the Syria Crisis.")
    [q] = extract_quotes(make(text))
    assert q.speaker == "Kevin Kennedy"
    assert q.role == "Regional Humanitarian Coordinator for the Syria Crisis, United Nations"
    for query in ("the UN", "UN", "U.N.", "the United Nations", "Kevin Kennedy"):
        assert speaker_matches(query, q), query
    assert not speaker_matches("NATO", q)


def probe(speaker: str | None, role: str | None = None) -> Quote:
    return Quote("", 0, 0, speaker, role, None)


def test_a_title_before_a_full_name_still_matches():
    assert speaker_matches("Senator Chris Murphy", probe("Chris Murphy", "Sen."))
    assert speaker_matches("OCHA spokesman Jens Laerke", probe("Jens Laerke"))
    assert not speaker_matches("Senator Chris Murphy", probe("Anne Marie Murphy"))


def test_a_full_name_matches_the_articles_surname_only_speaker():
    assert speaker_matches("Bernie Sanders", probe("Sanders"))
    assert not speaker_matches("Bernie Sanders", probe("Larry Sanders"))


def test_an_acronym_matches_a_role_spelling_the_organisation_out():
    assert speaker_matches("the UN", probe("Farhan Haq", "United Nations Deputy Spokesman"))
    assert speaker_matches("the UN", probe("Farhan Haq", "the United Nations deputy spokesman"))
    assert not speaker_matches("the UN", probe("Farhan Haq", "Russian Foreign Ministry"))


def test_a_country_qualifier_may_be_missing_from_the_role_but_not_replaced():
    assert speaker_matches("Mexico's foreign secretary", probe("Claudia Ruiz Massieu",
                                                               "Foreign Secretary"))
    assert not speaker_matches("Mexico's foreign secretary", probe("Liz Truss",
                                                                   "UK foreign secretary"))
    assert not speaker_matches("Russia's foreign minister", probe("Dmytro Kuleba",
                                                                  "Ukraine’s foreign minister"))


def test_role_words_match_their_everyday_synonyms_only_for_the_same_organisation():
    assert speaker_matches("the head of Vkusno & tochka",
                           probe("Oleg Paroev", "chief executive of Vkusno & tochka"))
    assert not speaker_matches("the head of Vkusno & tochka",
                               probe("Chris Kempczinski", "chief executive of McDonald's"))
    assert speaker_matches("the Kremlin spokesman", probe("Dmitry Peskov", "Kremlin spokesperson"))


def test_an_acronym_must_be_written_in_capitals_to_match():
    # the initials of "Mark Rutte" are no "Mr." in a role, nor "who" the WHO
    assert not speaker_matches("Mark Rutte", probe("Mark Longabaugh", "a senior adviser to Mr. Sanders"))
    assert speaker_matches("United Nations", probe("Kevin Kennedy", "UN coordinator"))
    assert not speaker_matches("the WHO", probe("Republicans who", None))
    assert speaker_matches("the WHO", probe("WHO", None))


def test_a_description_ending_in_a_place_is_no_short_name():
    assert not speaker_matches("a medical official in rebel-held Aleppo", probe("Aleppo"))
    assert speaker_matches("Bernie Sanders", probe("Sanders"))


def test_an_apostrophe_inside_a_name_is_optional():
    assert speaker_matches("Stephen O'Brien", probe("Stephen OBrien"))


def test_every_match_holds_one_of_the_necessary_words():
    """What the speaker table filters on must never lose a true match."""
    from index.quotes import necessary_words
    from index.speakers import NameHints, SpeakerTable

    pairs = [("Chris Murphy", "Sen."), ("Jens Laerke", None), ("Sanders", None),
             ("Farhan Haq", "United Nations Deputy Spokesman"), ("Claudia Ruiz Massieu", "Foreign Secretary"),
             ("Oleg Paroev", "chief executive of Vkusno & tochka"), ("Dmitry Peskov", "Kremlin spokesperson"),
             ("Stephen OBrien", None), ("Sergei Lavrov", "the top Russian diplomat"),
             ("International Committee of the Red Cross", None), ("Kevin Kennedy", "UN coordinator"),
             ("Rami Abdel Rahman", "head of the Syrian Observatory for Human Rights")]
    queries = ["Senator Chris Murphy", "OCHA spokesman Jens Laerke", "Bernie Sanders", "the UN",
               "Mexico's foreign secretary", "the head of Vkusno & tochka", "the Kremlin spokesman",
               "Stephen O'Brien", "the top Russian diplomat", "Red Cross", "United Nations",
               "the director of the Syrian Observatory", "Lavrov", "NATO's chief"]
    table = SpeakerTable(pairs)
    for query in queries:
        acronyms = tuple(w.lower() for w in query.split() if w.isupper())
        passed = set(table.candidates(NameHints(necessary_words(query), acronyms)))
        for pair in pairs:
            if speaker_matches(query, probe(*pair)):
                assert pair in passed, (query, pair)
