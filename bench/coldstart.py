"""Bot cold start: process start to first answer of `python -m bot.ask`, and where it goes.

    python bench/coldstart.py [--index-dir DIR] [--runs 3] [--compare OTHER_CHECKOUT]

Runs the real command in fresh processes (wall time, page cache warm after the first run),
then once more in-process with timestamps for each stage. `--compare DIR` times another
checkout of the project (e.g. main, before the lazy model path) on the same index.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, full_index, machine, table  # noqa: E402

QUESTION = "who said what about Idlib?"

STAGES = r"""
import sys, time, json
t0 = time.perf_counter(); marks = {}
from index.config import IndexSettings
from pathlib import Path
marks["import settings"] = time.perf_counter()
from bot.answer import Answerer
marks["import bot.answer (faiss, bm25s, numpy)"] = time.perf_counter()
from index import store
settings = IndexSettings(index_dir=Path(sys.argv[1]))
store.open_generation(settings.index_dir, model=settings.embedding_model)
marks["verify checksums"] = time.perf_counter()
answerer = Answerer.open(settings)
marks["open index (again, with checksums)"] = time.perf_counter()
answerer.embedder.encode(["warm"])
marks["import torch + load model + first encode"] = time.perf_counter()
answerer.ask(sys.argv[2])
marks["first answer"] = time.perf_counter()
last, out = t0, {}
for name, t in marks.items():
    out[name] = t - last; last = t
print(json.dumps(out))
"""


def wall(code: Path, index_dir: Path, runs: int) -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(code))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.ask", "--index-dir", str(index_dir), QUESTION],
                       cwd=code, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    import json

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another checkout to time the same way")
    args = parser.parse_args(argv)
    if args.index_dir is None:
        args.index_dir = full_index()
    print(f"machine: {machine()}")
    rows = []
    for name, code in [("this checkout", ROOT)] + ([("compare: " + str(args.compare),
                                                      args.compare)] if args.compare else []):
        times = sorted(wall(code, args.index_dir, args.runs + 1)[1:])  # first run warms the cache
        rows.append([name, len(times), f"{times[0]:.2f}", f"{times[len(times) // 2]:.2f}",
                     f"{times[-1]:.2f}"])
        print(rows[-1], file=sys.stderr, flush=True)
    print(f"\n`python -m bot.ask --index-dir {args.index_dir} \"{QUESTION}\"`, process start "
          "to answer printed (s):")
    print(table(["code", "runs", "min", "median", "max"], rows))
    out = subprocess.run([sys.executable, "-c", STAGES, str(args.index_dir), QUESTION], cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True,
                         capture_output=True, text=True)
    stages = json.loads(out.stdout.strip().splitlines()[-1])
    print("\nWhere it goes (this checkout, one in-process run; the index is opened twice to "
          "show the checksum cost):")
    print(table(["stage", "seconds"], [[k, f"{v:.2f}"] for k, v in stages.items()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
