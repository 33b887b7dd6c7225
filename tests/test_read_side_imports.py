"""Reading an index and answering never load the quote extractor (issue 12: `Quote` used to be
defined inside it, so every reader imported its 2,500 lines of patterns)."""

from __future__ import annotations

import subprocess
import sys


def test_the_answer_side_imports_no_extractor_module():
    code = ("import sys, bot.answer, index.search, index.records; "
            "print(','.join(m for m in sys.modules if m.startswith('index.quotes.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip().split(",")
    for module in ("extract", "attribution", "cues", "resolve", "reported"):
        assert f"index.quotes.{module}" not in loaded


def test_the_extractor_is_still_reached_through_its_package():
    from index.quotes import Quote, extract_quotes
    from index.records import Quote as RecordQuote

    assert Quote is RecordQuote and callable(extract_quotes)
