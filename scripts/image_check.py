"""Check the answer the container gave (`make image-test`): it must cite each named speaker
with a verbatim quote from the seed article, carrying the seed's title and date.

    python3 scripts/image_check.py ANSWER.json SEED.txt SPEAKER...

Standard library only, and the seed read on its own (line 1 the date, line 2 the title after a
bullet), so the check does not trust the image's own loader to tell it what is right.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path


def seed_facts(path: Path) -> tuple[datetime, str, str]:
    """The seed article's date, title and text, as its file gives them."""
    text = path.read_text(encoding="utf-8")
    date_line, title_line = text.splitlines()[:2]
    date = datetime.strptime(date_line.strip(), "%b %d, %Y %H:%M UTC").replace(tzinfo=UTC)
    return date, title_line.strip().lstrip("•").strip(), text


def problems(answer: dict, seed: Path, speakers: list[str]) -> list[str]:
    date, title, text = seed_facts(seed)
    found: list[str] = []
    if answer.get("kind") != "quotes":
        found.append(f"kind is {answer.get('kind')!r}, not 'quotes' ({answer.get('message')})")
    for name in speakers:
        theirs = [q for q in answer.get("quotes", []) if name in (q.get("speaker") or "")]
        cited = [q for q in theirs
                 if datetime.fromisoformat(q["article"]["date"]) == date
                 and q["article"]["title"] == title and q["text"] in text]
        if not theirs:
            found.append(f"no quote by {name}")
        elif not cited:
            found.append(f"{name}'s quotes do not cite the seed ({title!r}, {date.isoformat()}) verbatim")
    return found


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    answer = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    found = problems(answer, Path(argv[1]), argv[2:])
    date, title, _ = seed_facts(Path(argv[1]))
    if found:
        print("image-test FAILED:\n  " + "\n  ".join(found), file=sys.stderr)
        return 1
    print(f"image-test passed: {', '.join(argv[2:])} quoted verbatim from {title!r}, "
          f"{date:%d %b %Y %H:%M} UTC")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
