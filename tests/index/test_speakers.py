"""SpeakerTable.candidates must pass exactly the pairs the plain per-pair test passes."""

import re

from index.speakers import NameHints, SpeakerTable, cue_description, source_of, speaker_entries

PAIRS = [
    ("Sergei Lavrov", "Russian foreign minister"),
    ("Jens Laerke", "OCHA spokesman"),
    (None, "International Committee of the Red Cross"),
    ("ICRC", None),
    ("Stéphane Dujarric", "United Nations spokesman"),
    (None, "a UN official"),
    ("Lavrova", None),
    (None, None),
    ("Ned Price", "State Department spokesman"),
]


def plain(hints: NameHints) -> list:
    """The test as it was written pair by pair."""
    def could(text: str) -> bool:
        if any(w in text for w in hints.words):
            return True
        initials = {w[0] for w in re.findall(r"\w+", text)}
        return any(a in text or set(a) <= initials for a in hints.acronyms)
    return [(s, r) for s, r in PAIRS if not (hints.words or hints.acronyms)
            or could(f"{s or ''} {r or ''}".lower())]


def test_candidates_match_the_plain_test():
    table = SpeakerTable(PAIRS)
    for hints in [NameHints(), NameHints(("lavrov",)), NameHints(("ned",)), NameHints(("spokes",)),
                  NameHints((), ("icrc",)), NameHints((), ("un",)), NameHints((), ("sd",)),
                  NameHints(("price",), ("osd",)), NameHints(("nobody",)), NameHints((), ("zz",))]:
        assert table.candidates(hints) == plain(hints), hints


def test_empty_table():
    assert SpeakerTable([]).candidates(NameHints(("lavrov",), ("un",))) == []


# --- the speaker directory --------------------------------------------------------------------


def test_the_directory_keeps_every_role_and_description_a_speaker_is_given():
    rows = [("Sergei Lavrov", "Russian Foreign Minister", "Lavrov told"),
            ("Sergei Lavrov", None, "the top Russian diplomat said"),
            ("Sergei Lavrov", "Russian Foreign Minister", "he said"),
            (None, "a source inside the camp", "the source said"),
            (None, None, "it added")]
    entries = {e.key: e for e in speaker_entries(rows)}
    assert set(entries) == {"Sergei Lavrov", "a source inside the camp"}  # unattributed: none
    lavrov = entries["Sergei Lavrov"]
    assert (lavrov.roles, lavrov.descriptions, lavrov.statements) == (
        ("Russian Foreign Minister",), ("the top Russian diplomat",), 3)
    text = lavrov.text({})
    assert "Russian Foreign Minister" in text and "the top Russian diplomat" in text


def test_an_entrys_text_spells_out_its_acronyms_both_ways():
    (carboni,) = speaker_entries([("Fabrizio Carboni", "the ICRC’s director for the Near East",
                                   None)])
    assert "International Committee of the Red Cross" in carboni.text(
        {"ICRC": "International Committee of the Red Cross"})
    (icrc,) = speaker_entries([("International Committee of the Red Cross", None, None)])
    assert icrc.text({"ICRC": "International Committee of the Red Cross"}).endswith("ICRC")


def test_a_cue_naming_another_country_is_no_description_of_the_speaker():
    assert cue_description("the top Russian diplomat said", "Sergei Lavrov",
                           ["Russian Foreign Minister"]) == "the top Russian diplomat"
    assert cue_description("the French president added", "Volodymyr Zelenskiy",
                           ["Ukraine’s president"]) is None
    assert cue_description("Lavrov said", "Sergei Lavrov") is None  # a name, not a description
    assert cue_description("he said", "Sergei Lavrov") is None


def test_a_statement_is_given_to_its_speaker_else_its_described_source():
    assert source_of("Ann Lee", "a source") == "Ann Lee"
    assert source_of(None, "a source") == "a source"
    assert source_of(None, None) is None
