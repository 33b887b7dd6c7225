"""Aliases: acronyms the corpus defines, and the curated list with a reason for every entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.aliases import curated_aliases, defined_acronyms, learn_acronyms


def test_an_acronym_defined_in_brackets_is_learned_with_its_long_form():
    text = ("Officials of the International Committee of the Red Cross (ICRC) met the World Food "
            "Programme (WFP) and the Organisation for the Prohibition of Chemical Weapons (OPCW).")
    assert dict(defined_acronyms(text)) == {
        "ICRC": "International Committee of the Red Cross", "WFP": "World Food Programme",
        "OPCW": "Organisation for the Prohibition of Chemical Weapons"}


def test_brackets_whose_initials_do_not_agree_teach_nothing():
    assert list(defined_acronyms("He met the minister (AP) and Syrian forces (SDF) today.")) == []


def test_the_most_frequent_long_form_wins():
    texts = ["the United Nations (UN) said"] * 2 + ["the Unified Nomads (UN) said"]
    assert learn_acronyms(texts) == {"UN": "United Nations"}


def test_every_curated_alias_says_why_it_is_there():
    aliases = curated_aliases()
    assert len(aliases) >= 20
    assert all(a.why and a.means for a in aliases)
    assert "Ukrainian government" in next(a for a in aliases if a.phrase == "Kyiv").means


def test_a_curated_entry_without_a_reason_is_refused(tmp_path: Path):
    bad = tmp_path / "aliases.toml"
    bad.write_text('[[alias]]\nphrase = "Kyiv"\nmeans = ["Ukraine"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="why"):
        curated_aliases.__wrapped__(bad)
