"""SpeakerTable.candidates must pass exactly the pairs the plain per-pair test passes."""

import re

from index.speakers import NameHints, SpeakerTable

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
