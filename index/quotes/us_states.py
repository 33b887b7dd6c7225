"""US party-and-state tags after a lawmaker's name ("Sen. Kristen Gillibrand (D-NY)", "Rep.
Trey Gowdy (R-S.C.)") read as the role American papers spell out elsewhere ("Democrat of New
York"), so a reader's "the New York senator" finds the speaker. The states are a closed list:
postal codes and the newsroom (AP) abbreviations, data rather than rules."""

from __future__ import annotations

import re

_PARTIES = {"D": "Democrat", "R": "Republican", "I": "independent"}

_STATES = {  # name: its postal code, then any AP abbreviations
    "Alabama": "AL Ala", "Alaska": "AK", "Arizona": "AZ Ariz", "Arkansas": "AR Ark",
    "California": "CA Calif Cal", "Colorado": "CO Colo", "Connecticut": "CT Conn",
    "Delaware": "DE Del", "Florida": "FL Fla", "Georgia": "GA Ga", "Hawaii": "HI",
    "Idaho": "ID", "Illinois": "IL Ill", "Indiana": "IN Ind", "Iowa": "IA",
    "Kansas": "KS Kan Kans", "Kentucky": "KY Ky", "Louisiana": "LA La", "Maine": "ME",
    "Maryland": "MD Md", "Massachusetts": "MA Mass", "Michigan": "MI Mich",
    "Minnesota": "MN Minn", "Mississippi": "MS Miss", "Missouri": "MO Mo", "Montana": "MT Mont",
    "Nebraska": "NE Neb Nebr", "Nevada": "NV Nev", "New Hampshire": "NH N.H",
    "New Jersey": "NJ N.J", "New Mexico": "NM N.M", "New York": "NY N.Y",
    "North Carolina": "NC N.C", "North Dakota": "ND N.D", "Ohio": "OH", "Oklahoma": "OK Okla",
    "Oregon": "OR Ore Oreg", "Pennsylvania": "PA Pa Penn", "Rhode Island": "RI R.I",
    "South Carolina": "SC S.C", "South Dakota": "SD S.D", "Tennessee": "TN Tenn",
    "Texas": "TX Tex", "Utah": "UT", "Vermont": "VT Vt", "Virginia": "VA Va",
    "Washington": "WA Wash", "West Virginia": "WV W.Va W. Va", "Wisconsin": "WI Wis Wisc",
    "Wyoming": "WY Wyo",
}
_BY_TAG = {tag.casefold(): name for name, tags in _STATES.items()
           for tag in (name, *tags.split(" "))}

PARTY_STATE = re.compile(r"\(\s*([DRI])\s*[-–]\s*([A-Z][A-Za-z. ]{0,14}?)\.?\s*\)")


def party_state(tag: str) -> str | None:
    """ "(D-NY)" -> "Democrat of New York", "(R-S.C.)" -> "Republican of South Carolina";
    None for any other parenthesis ("(R-Mars)", "(AFP)")."""
    m = PARTY_STATE.fullmatch(tag.strip())
    if not m:
        return None
    state = _BY_TAG.get(m.group(2).strip().rstrip(".").casefold())
    return f"{_PARTIES[m.group(1)]} of {state}" if state else None
