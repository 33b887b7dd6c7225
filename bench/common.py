"""Helpers shared by the benchmarks: real questions, percentiles, RSS, plain-text tables."""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/x.py` from the project root
    sys.path.insert(0, str(ROOT))
SHARED_DATA = ROOT.parent / "shared" / "data"
DATA_FILES = [SHARED_DATA / "fakes" / "articles.jsonl", SHARED_DATA / "polnear" / "articles.jsonl",
              SHARED_DATA / "russia-ukraine-2022" / "guardian.jsonl",
              SHARED_DATA / "russia-ukraine-2022" / "nyt.jsonl"]
DEV = ROOT / "eval" / "dev.jsonl"
FULL_INDEX = ROOT / "data" / "bench" / "full-index"  # the seed + all of ../shared/data


def full_index(index_dir: Path = FULL_INDEX) -> Path:
    """An index of the seed and all of ../shared/data, built (incrementally) when missing or
    stale: the first time takes 10-20 minutes on 2 cores, later runs a second."""
    from index.build import build
    from index.config import IndexSettings

    missing = [str(path) for path in DATA_FILES if not path.exists()]
    if missing:  # building without them would publish a seed-only generation over the index
        raise SystemExit(f"bench: {', '.join(missing)} not found (../shared/data must lie beside "
                         f"the checkout); pass --source/--index-dir to use a built index")
    print(f"index of all data: {index_dir} (building if needed)", file=sys.stderr, flush=True)
    build([ROOT / "corpus", *DATA_FILES], IndexSettings(index_dir=index_dir), progress=True)
    return index_dir


def dev_questions() -> list[str]:
    """The questions of the development set (field "question"; 166 today)."""
    return [json.loads(line)["question"] for line in DEV.read_text().splitlines() if line.strip()]


def real_questions(count: int) -> tuple[list[str], str]:
    """`count` questions: the dev set first, then questions made from real article titles
    of ../shared/data when the dev set has fewer. Returns the questions and how they were made."""
    questions = dev_questions()
    extra = count - len(questions)
    if extra <= 0:
        return questions[:count], f"{count} questions of eval/dev.jsonl"
    titles: list[str] = []
    for path in DATA_FILES:
        if path.exists():
            titles += [json.loads(line)["title"] for line in path.read_text().splitlines()[:200]]
    rng = np.random.default_rng(7)
    picked = [titles[i] for i in rng.choice(len(titles), size=extra, replace=False)]
    forms = ["who said what about {}?", "what was said about {}?"]
    questions += [forms[i % 2].format(re.sub(r"\s+", " ", t).strip().rstrip(".?!"))
                  for i, t in enumerate(picked)]
    return questions, (f"{len(dev_questions())} questions of eval/dev.jsonl + {extra} made from "
                       "real article titles of ../shared/data ('who said what about <title>?')")


def percentiles(samples_s: Sequence[float], which: Sequence[int] = (50, 95, 99)) -> list[float]:
    """Milliseconds at the given percentiles."""
    values = np.asarray(samples_s) * 1000
    return [float(np.percentile(values, p)) for p in which]


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def dir_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 2**10:,.0f} KB"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, so the output pastes into docs as it is."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *map(line, cells[1:])])


def machine() -> str:
    model = "unknown CPU"
    flags = ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        model = re.search(r"model name\s*:\s*(.*)", info).group(1)  # type: ignore[union-attr]
        flags = re.search(r"flags\s*:\s*(.*)", info).group(1)  # type: ignore[union-attr]
    except (OSError, AttributeError):
        pass
    simd = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags.split()]
    import torch

    return (f"{model}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}, "
            f"{' '.join(simd) or 'no AVX2'}, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
            f"{os.getloadavg()[0]:.1f} (a shared machine: other jobs add noise)")
