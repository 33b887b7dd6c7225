"""`.env.example` documents every setting, and nothing that is not one."""

from __future__ import annotations

import re

from bot.settings import BotSettings
from tests.conftest import ROOT


def test_env_example_lists_every_setting():
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#\s*([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    settings = {name.upper() for name in BotSettings.model_fields}
    assert documented == settings
