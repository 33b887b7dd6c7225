"""A lawmaker's party-and-state tag becomes the role a reader names them by."""

from __future__ import annotations

import pytest

from index.quotes import extract_statements
from index.quotes.us_states import party_state
from tests.index.quotes.helpers import make


@pytest.mark.parametrize(("tag", "role"), [
    ("(D-NY)", "Democrat of New York"), ("(D-N.Y.)", "Democrat of New York"),
    ("(R-S.C.)", "Republican of South Carolina"), ("(I-Vt.)", "independent of Vermont"),
    ("(R-Texas)", "Republican of Texas"), ("(R-TX)", "Republican of Texas"),
    ("(R-W.Va.)", "Republican of West Virginia"),
    ("(R-Mars)", None), ("(AFP)", None), ("(D)", None),
])
def test_party_state(tag: str, role: str | None) -> None:
    assert party_state(tag) == role


def test_tag_reaches_every_quote_of_the_lawmaker() -> None:
    text = ("On Friday, Sen. Jo Ardley (D-NY), a supporter of the governor, told a host she "
            "believed it.\n\n“I think she will,” Ardley replied. “It is a disgrace,” said Rep. "
            "Tom Brask (R-Fla.) on Tuesday.")
    article = make(text)
    assert {(q.speaker, q.role) for q in extract_statements(article)} == {
        ("Jo Ardley", "Sen., Democrat of New York"), ("Tom Brask", "Rep., Republican of Florida")}
