"""Load test of the Telegram front end: answers/s and update->sendMessage latency, 50 users.

Runs the real python-telegram-bot Application against the fake Bot API server on 127.0.0.1
(tests/bot/fake_bot_api.py). Each simulated user asks, waits for the answer, asks again (a closed
loop), so the numbers are what 50 people typing at once would see. Latency runs from the moment
the update is available to getUpdates until the fake server receives the sendMessage.

    python bench/bot_load.py                # fake answerer (bot overhead) + real one if present
    python bench/bot_load.py --fake-only --users 50 --per-user 20

The real `bot.answer.Answerer` is used on an index built from corpus/ into a temp dir with
`python -m index.build --index-dir TMP corpus`; if either is missing the table says so and only
the fake answerer runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.settings import BotSettings  # noqa: E402
from bot.telegram import APOLOGY, build_application, polling  # noqa: E402
from tests.bot.conftest import TOKEN, FakeAnswerer  # noqa: E402
from tests.bot.fake_bot_api import FakeBotApi  # noqa: E402

QUESTIONS = [
    "Who said what about Idlib?",
    "What did the Syrian army say about the villages?",
    "Who talked about Turkey?",
    "What was said about the ceasefire?",
    "Who spoke about terrorists in Idlib?",
    "What did SANA report?",
    "and about Aleppo?",
]
_KEEP: list[tempfile.TemporaryDirectory] = []


def real_answerer(corpus: Path) -> tuple[Any | None, str]:
    """Build the seed index in a temp dir and open the real Answerer, or say why not."""
    try:
        from bot.answer import Answerer
    except ImportError as exc:
        return None, f"real Answerer skipped: bot.answer not available ({exc})"
    from index.config import IndexSettings

    tmp = tempfile.TemporaryDirectory(prefix="bot_load_index_")
    _KEEP.append(tmp)  # removed when the benchmark exits
    index_dir = tmp.name
    cmd = [sys.executable, "-m", "index.build", "--index-dir", index_dir, str(corpus)]
    t = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"real Answerer skipped: index.build failed ({tail})"
    built = time.monotonic() - t
    t = time.monotonic()
    answerer = Answerer.open(IndexSettings(_env_file=None, index_dir=Path(index_dir)))
    return (
        answerer,
        f"real Answerer: index built in {built:.1f}s, opened in {time.monotonic() - t:.1f}s",
    )


async def load(answerer: Any, users: int, per_user: int, workers: int) -> dict[str, float]:
    async with FakeBotApi(TOKEN) as api:
        settings = BotSettings(
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_base_url=api.base_url,
            rate_limit=0,
            reload_interval=0,
            answer_workers=workers,
            allowed_ids=[],
            admin_ids=[],
        )
        latencies: list[float] = []

        async def user(uid: int) -> None:
            for i in range(per_user):
                before = len(api.sent_to(uid))
                t0 = time.monotonic()
                api.push_message(uid, QUESTIONS[(uid + i) % len(QUESTIONS)])
                await api.wait_for(
                    lambda n=before: len(api.sent_to(uid)) > n, 300, f"answer to {uid}"
                )
                latencies.append(api.sent_to(uid)[before].at - t0)

        async with polling(build_application(settings, answerer), poll_timeout=1):
            start = time.monotonic()
            await asyncio.gather(*(user(u) for u in range(1, users + 1)))
            elapsed = time.monotonic() - start
        q = statistics.quantiles(latencies, n=100)
        return {
            "answers": len(latencies),
            "seconds": elapsed,
            "per_s": len(latencies) / elapsed,
            "p50": q[49] * 1000,
            "p95": q[94] * 1000,
            "max": max(latencies) * 1000,
            "errors": sum(s.text == APOLOGY for s in api.sent) + len(api.rejected),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="ANSWER_WORKERS")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--fake-only", action="store_true")
    args = parser.parse_args()

    runs: list[tuple[str, Any]] = [("fake answerer (bot only)", FakeAnswerer())]
    notes = []
    if not args.fake_only:
        answerer, note = real_answerer(args.corpus)
        notes.append(note)
        if answerer is not None:
            runs.append(("real Answerer, seed corpus", answerer))
    rows = [
        (label, asyncio.run(load(a, args.users, args.per_user, args.workers))) for label, a in runs
    ]

    print(f"\n{args.users} concurrent users x {args.per_user} questions", end="")
    print(f", ANSWER_WORKERS={args.workers}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    cols = ["answers", "secs", "ans/s", "p50 ms", "p95 ms", "max ms", "errors"]
    header = f"{'answerer':<28} " + " ".join(f"{c:>7}" for c in cols)
    print(header)
    print("-" * len(header))
    for label, r in rows:
        print(
            f"{label:<28} {r['answers']:>7} {r['seconds']:>6.1f} {r['per_s']:>7.1f} "
            f"{r['p50']:>7.0f} {r['p95']:>7.0f} {r['max']:>7.0f} {r['errors']:>7}"
        )
    notes.append("the fake server and the simulated users share the bot's process and CPU")
    for note in notes:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
