"""`EMBEDDING_PRECISION=auto`: measure float32 against bfloat16 on this machine, once, and remember.

What bfloat16 buys depends on the CPU in ways its flags do not tell: all-MiniLM-L6-v2 on two
cores ran ~3x float32 with AMX, ~2x with AVX512_BF16 and no AMX, and 0.2-0.4x with AVX2 only.
So `auto` embeds a fixed sample of real passages both ways and takes bfloat16 only when it is
clearly faster *and* its vectors stay close to float32's on every passage. The measurement
(seconds) runs once per CPU, torch version, model and core count; the decision is kept in a
small JSON file outside the package, so every later build, and the vectors it keeps, see the
same precision: a build never re-embeds a corpus because a timing wobbled.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Literal

import numpy as np

log = logging.getLogger(__name__)

Precision = Literal["float32", "bfloat16"]

SAMPLE = Path(__file__).with_name("precision_sample.txt")
PASSAGES, PASSAGE_WORDS = 16, 80  # the build embeds ~80-word chunks, 32 to a batch
ROUNDS = 2  # float32, bfloat16, float32, bfloat16: the best of each, so load from others evens out
# ... unless bfloat16's first pass is slower than float32's by this much more than MIN_SPEEDUP
# asks (AVX2 only: 0.3-0.5x), where its passes cost most. Only float32, the safe side, is taken
# on one round: a burst of load on one float32 pass was seen to slow it 3x, so bfloat16 is
# only ever accepted on the best of all rounds.
CLEAR_MARGIN = 1.5
# bfloat16 must beat float32 by more than the spread of repeated timings on a shared 2-core
# machine (5-10% seen here), or a wobble would decide; its vectors are slightly less exact.
MIN_SPEEDUP = 1.10
# Every passage, not the mean: one passage far off would rank differently. The cosines seen are
# >= 0.9999 where bfloat16 works; a broken kernel gives far less.
MIN_COSINE = 0.999
# The CPU features that decide bfloat16 speed; other flags change nothing here.
RELEVANT_FLAGS = ("avx2", "avx512f", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16")
METHOD = 1  # bump when the sample or the rule changes: every machine then measures again
MAX_ENTRIES = 32  # the cache keeps the newest decisions only


@dataclass(frozen=True)
class MachineKey:
    """What a measurement holds for: the same key, the same decision."""

    cpu: str
    flags: tuple[str, ...]
    cores: int
    torch: str
    model: str
    method: int = METHOD

    def text(self) -> str:
        return (f"{self.cpu} | {' '.join(self.flags) or 'no listed flags'} | {self.cores} cores | "
                f"torch {self.torch} | {self.model} | method {self.method}")


def machine_key(model: str, cpuinfo: str | None = None) -> MachineKey:
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        fields.setdefault(name.strip(), value.strip())
    present = set(fields.get("flags", "").split())
    return MachineKey(
        cpu=fields.get("model name") or platform.processor() or platform.machine(),
        flags=tuple(f for f in RELEVANT_FLAGS if f in present),
        cores=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
        torch=torch_version(),
        model=model,
    )


def torch_version() -> str:
    """From the package metadata: importing torch only to read its version costs a second."""
    try:
        return metadata.version("torch")
    except metadata.PackageNotFoundError:
        return "none"


def sample_passages(count: int = PASSAGES, words: int = PASSAGE_WORDS) -> list[str]:
    """`count` windows of `words` words spread evenly over the shipped article: real news text
    of the length the build embeds, the same on every machine."""
    text = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")]
    tokens = " ".join(text).split()
    step = max(1, (len(tokens) - words) // max(1, count - 1))
    return [" ".join(tokens[i * step : i * step + words]) for i in range(count)]


@dataclass(frozen=True)
class Timing:
    """One precision's pass over the sample: wall seconds and the vectors it gave."""

    seconds: float
    vectors: np.ndarray


# (precision, passages) -> Timing; the real one embeds, tests pass their own.
Encode = Callable[[Precision, list[str]], Timing]


@dataclass(frozen=True)
class Decision:
    precision: Precision
    reason: str
    passages: int = 0
    float32_per_s: float | None = None
    bfloat16_per_s: float | None = None
    min_cosine: float | None = None
    mean_cosine: float | None = None
    measured_at: str = ""

    @property
    def speedup(self) -> float | None:
        if not self.float32_per_s or self.bfloat16_per_s is None:
            return None
        return self.bfloat16_per_s / self.float32_per_s

    def summary(self) -> str:
        """One line for logs and benchmarks: what was chosen and the numbers behind it."""
        if self.float32_per_s is None or self.bfloat16_per_s is None:
            return f"{self.precision}: {self.reason}"
        return (f"{self.precision}: float32 {self.float32_per_s:.1f} passages/s, bfloat16 "
                f"{self.bfloat16_per_s:.1f}/s ({self.speedup:.2f}x), cosine to float32 min "
                f"{self.min_cosine:.5f} mean {self.mean_cosine:.5f} on {self.passages} "
                f"passages: {self.reason}")


def decide(passages: int, float32: Timing, bfloat16: Timing) -> Decision:
    """The rule: bfloat16 only if at least MIN_SPEEDUP times as fast and every passage's
    cosine to float32 is at least MIN_COSINE."""
    f32_speed, bf16_speed = passages / float32.seconds, passages / bfloat16.seconds
    cosines = np.sum(np.asarray(float32.vectors, dtype=np.float64)
                     * np.asarray(bfloat16.vectors, dtype=np.float64), axis=1)
    low, mean = float(cosines.min()), float(cosines.mean())
    speedup = bf16_speed / f32_speed
    if speedup < MIN_SPEEDUP:
        precision: Precision = "float32"
        reason = (f"bfloat16 is not faster by {MIN_SPEEDUP:.2f}x or more" if speedup >= 1
                  else "bfloat16 is slower")
    elif not low >= MIN_COSINE:  # `not >=` so that a NaN cosine counts as too far
        precision, reason = "float32", f"bfloat16 is faster but its cosine falls below {MIN_COSINE}"
    else:
        precision, reason = "bfloat16", f"faster and every cosine >= {MIN_COSINE}"
    return Decision(precision, reason, passages, f32_speed, bf16_speed, low, mean,
                    datetime.now(UTC).isoformat(timespec="seconds"))


def measure(encode: Encode, passages: list[str], rounds: int = ROUNDS) -> Decision:
    """Alternate the two precisions up to `rounds` times and keep each one's fastest pass;
    a bfloat16 clearly slower in the first round ends it. A bfloat16 that fails to run at all
    is a float32 decision, not an error."""
    best: dict[str, Timing] = {}
    for _ in range(rounds):
        if best and best["float32"].seconds / best["bfloat16"].seconds < MIN_SPEEDUP / CLEAR_MARGIN:
            break
        for precision in ("float32", "bfloat16"):
            try:
                timing = encode(precision, passages)
            except Exception as exc:
                if precision == "float32":
                    raise  # the model itself does not load: the caller's error to report
                return Decision("float32", f"bfloat16 failed to run: {exc}", len(passages),
                                measured_at=datetime.now(UTC).isoformat(timespec="seconds"))
            if precision not in best or timing.seconds < best[precision].seconds:
                best[precision] = timing
    return decide(len(passages), best["float32"], best["bfloat16"])


def embedder_timer(model: str) -> Encode:
    """The real measurement: the shipped Embedder at each precision, loaded and warmed up
    outside the timing, on all the cores the build uses."""
    from index.embed import SINGLE_THREAD_UP_TO, Embedder

    def encode(precision: Precision, passages: list[str]) -> Timing:
        embedder = loaded.get(precision)
        if embedder is None:  # warm on more texts than SINGLE_THREAD_UP_TO: the threaded path
            embedder = loaded[precision] = Embedder(model, precision)
            embedder.encode(passages[: SINGLE_THREAD_UP_TO + 1])
        started = time.perf_counter()
        vectors = embedder.encode(passages)
        return Timing(time.perf_counter() - started, vectors)

    loaded: dict[str, Embedder] = {}
    return encode


class CacheUnwritable(OSError):
    """The decision file or its folder cannot be created or written."""


class DecisionCache:
    """Decisions by `MachineKey.text()` in one JSON file; writers take a lock, so two
    processes starting at once measure once and agree."""

    def __init__(self, path: Path):
        self.path = path

    def read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("%s is unreadable (%s): measuring precision again", self.path, exc)
            return {}
        entries = data.get("decisions") if isinstance(data, dict) else None
        return entries if isinstance(entries, dict) else {}

    def get(self, key: MachineKey) -> Decision | None:
        entry = self.read().get(key.text())
        if not isinstance(entry, dict):
            return None
        try:
            decision = Decision(**entry["decision"])
        except (KeyError, TypeError):
            return None
        return decision if decision.precision in ("float32", "bfloat16") else None

    def put(self, key: MachineKey, decision: Decision) -> None:
        entries = self.read()
        entries.pop(key.text(), None)
        entries[key.text()] = {"key": asdict(key), "decision": _finite(asdict(decision))}
        self.put_all(entries)

    def put_all(self, entries: dict[str, dict]) -> None:
        kept = dict(list(entries.items())[-MAX_ENTRIES:])
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"format": 1, "decisions": kept}, indent=2),
                           encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CacheUnwritable(str(exc)) from exc

    @contextmanager
    def locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path.with_name(self.path.name + ".lock"), "a")  # noqa: SIM115
        except OSError as exc:
            raise CacheUnwritable(str(exc)) from exc
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _finite(values: dict) -> dict:
    """JSON has no NaN: a value that is not finite is stored as null."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in values.items()}


# One decision per machine key in a process, whichever file it came from: the build compares
# its settings' decision with the manifest, and the embedder it makes must run the same one.
_decided: dict[str, Decision] = {}


def auto_precision(model: str, cache_path: Path, encode: Encode | None = None,
                   cpuinfo: str | None = None) -> Decision:
    """The remembered decision for this machine, measuring first if there is none. Where the
    decision cannot be remembered, float32 without measuring: a choice that could differ from
    run to run would make every build embed its whole corpus again."""
    key = machine_key(model, cpuinfo)
    decision = _decided.get(key.text())
    if decision is None:
        decision = _decided[key.text()] = _remembered_or_measured(key, cache_path, encode)
    return decision


def _remembered_or_measured(key: MachineKey, cache_path: Path, encode: Encode | None) -> Decision:
    cache = DecisionCache(cache_path)
    found = cache.get(key)
    if found is not None:
        return found
    try:
        with cache.locked():
            found = cache.get(key)  # another process may have measured while we waited
            if found is not None:
                return found
            log.info("EMBEDDING_PRECISION=auto: measuring float32 against bfloat16 on this "
                     "machine (once; remembered in %s)", cache_path)
            decision = measure(encode or embedder_timer(key.model), sample_passages())
            cache.put(key, decision)
    except CacheUnwritable as exc:
        log.warning("EMBEDDING_PRECISION=auto cannot remember its measurement in %s (%s): "
                    "using float32. Set PRECISION_CACHE to a writable file, or "
                    "EMBEDDING_PRECISION to float32 or bfloat16.", cache_path, exc)
        return Decision("float32", f"the decision cannot be stored in {cache_path}: {exc}")
    log.info("EMBEDDING_PRECISION=auto chose %s", decision.summary())
    return decision


def main(argv: list[str] | None = None) -> int:
    """`python -m index.precision [--again]`: what `auto` chose here and why."""
    import argparse

    from index.config import IndexSettings

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--again", action="store_true", help="forget this machine's decision "
                        "and measure again (the next build re-embeds if the choice changes)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = IndexSettings()
    key = machine_key(settings.embedding_model)
    if args.again:
        cache = DecisionCache(settings.precision_cache)
        with cache.locked():
            entries = cache.read()
            if entries.pop(key.text(), None) is not None:
                cache.put_all(entries)
    started = time.perf_counter()
    decision = auto_precision(settings.embedding_model, settings.precision_cache)
    print(f"machine: {key.text()}\ncache: {settings.precision_cache}\n"
          f"EMBEDDING_PRECISION=auto -> {decision.summary()} ({time.perf_counter() - started:.1f} s)")
    if settings.embedding_precision != "auto":
        print(f"(EMBEDDING_PRECISION={settings.embedding_precision} is set, so builds use that)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
