"""Find every quotation in an article and attribute it to its speaker.

Pure `re` heuristics, no parser or model: the corpus is a few thousand news articles and the
bot must rebuild its index in seconds. The pipeline is

1. pair quotation marks into spans (straight or curly, mixed, multi-paragraph, `""`-doubled);
2. mask the quotes' insides so that names and verbs *inside* a quote never count as cues;
3. collect the article's people and organisations, with the role they were introduced with;
4. per quote, look for a cue right after it, then earlier in its sentence, then around it,
   and resolve the cue's subject (pronoun, surname, "Mr. X", "the top Russian diplomat", ...);
5. for the index, also keep sentences that report what a named speaker said ("the ICRC said
   it had registered ...") as `Quote`s marked `reported`, never shown as quotations.

Steps 1-2 live in `marks`, 3 in `names`, 4 in `attribution` (with the cue patterns in `cues`
and the resolution of their subjects in `resolve`), 5 in `reported`; `extract` runs
them, `vocab` holds the shared word lists, and `matching` maps a user's name for someone to
stored speakers.
"""


from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from index.records import Quote

if TYPE_CHECKING:
    from index.quotes.extract import extract_quotes, extract_statements
    from index.quotes.matching import necessary_words, speaker_matches

__all__ = ["Quote", "extract_quotes", "extract_statements", "speaker_matches", "necessary_words"]
_HOME = {"extract_quotes": "extract", "extract_statements": "extract",
         "speaker_matches": "matching", "necessary_words": "matching"}


def __getattr__(name: str) -> object:
    """The extractor loads on first use (PEP 562): matching a speaker needs none of it."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"index.quotes.{_HOME[name]}"), name)
