"""The articles the reader's-words question sets are written from, in the order to read them.

    python eval/sample_articles.py readers-dev  > pool.tsv
    python eval/sample_articles.py readers-test > pool.tsv

Articles that no other question set uses (as gold or `also_gold_article_ids`, nor an exact
duplicate body of one) are shuffled per source with `random.Random(f"readers-{source}")`; the
even positions of that order are the dev pool, the odd ones the held-out pool, so the two sets
never share an article whoever writes them. Prints `id<TAB>source<TAB>date<TAB>title`.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SOURCES = {"fakes": "fakes/articles.jsonl", "pn": "polnear/articles.jsonl",
           "guardian": "russia-ukraine-2022/guardian.jsonl", "nyt": "russia-ukraine-2022/nyt.jsonl"}
EARLIER = ("dev.jsonl", "test.jsonl")  # the sets written with the articles' wording in view


def used_ids() -> set[str]:
    """Articles the earlier sets use; the reader's-words sets are left out of this on purpose,
    so that both pools come from one list whichever set is written first."""
    used: set[str] = set()
    for name in EARLIER:
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                used.update(i for i in [record.get("gold_article_id"),
                                        *(record.get("also_gold_article_ids") or [])] if i)
    return used


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("readers-dev", "readers-test"):
        print(__doc__, file=sys.stderr)
        return 2
    parity = 0 if argv[0] == "readers-dev" else 1
    used = used_ids()
    for source, file in SOURCES.items():
        records = [json.loads(line) for line in (DATA / file).read_text(encoding="utf-8").splitlines()]
        used_texts = {r["text"] for r in records if r["id"] in used}
        pool = sorted(r["id"] for r in records if r["id"] not in used and r["text"] not in used_texts)
        random.Random(f"readers-{source}").shuffle(pool)
        by_id = {r["id"]: r for r in records}
        for position, article_id in enumerate(pool):
            if position % 2 == parity:
                r = by_id[article_id]
                print(f"{article_id}\t{source}\t{r['date'][:10]}\t{r['title']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
