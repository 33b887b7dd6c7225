"""`EMBEDDING_PRECISION=auto`: the rule, the remembered decision, forced settings, and the query
side following the index. Timings are injected, so nothing here depends on the CPU's speed;
one test runs the real measurement once and checks only that it gives a valid, stored answer."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from index import precision
from index.embed import choose_precision, query_precision
from index.precision import (
    MIN_COSINE,
    MIN_SPEEDUP,
    DecisionCache,
    Timing,
    auto_precision,
    decide,
    machine_key,
    measure,
    sample_passages,
)

CPU_AVX2 = "model name\t: Test CPU 1\nflags\t\t: fpu sse avx avx2 fma\n"
CPU_AMX = "model name\t: Test CPU 2\nflags\t\t: fpu avx2 avx512f avx512_bf16 amx_tile amx_bf16\n"


def unit_vectors(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, 8))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def tilted(vectors: np.ndarray, cosine: float, row: int | None = None) -> np.ndarray:
    """The same vectors with one row (or all) turned to the given cosine with the original."""
    out = vectors.copy()
    rows = range(len(vectors)) if row is None else [row]
    for r in rows:
        v = vectors[r]
        other = np.roll(v, 1) - (np.roll(v, 1) @ v) * v
        other /= np.linalg.norm(other)
        out[r] = cosine * v + np.sqrt(1 - cosine**2) * other
    return out


class FakeEncode:
    """Embeds by table lookup in a set time per precision; counts its calls."""

    def __init__(self, seconds: dict[str, float], cosine: float = 0.99995):
        self.seconds, self.calls = seconds, []
        self.reference = unit_vectors(precision.PASSAGES)
        self.bf16 = tilted(self.reference, cosine)

    def __call__(self, which, passages):
        self.calls.append(which)
        vectors = self.reference if which == "float32" else self.bf16
        return Timing(self.seconds[which], vectors[: len(passages)])


def never(which, passages):
    raise AssertionError("measured although the decision was remembered")


@pytest.fixture(autouse=True)
def new_process():
    """Each test starts as a fresh process would: no decision held in memory."""
    precision._decided.clear()
    yield
    precision._decided.clear()


# --- the rule ------------------------------------------------------------------------------

def test_faster_and_close_takes_bfloat16():
    v = unit_vectors(16)
    d = decide(16, Timing(1.0, v), Timing(0.5, tilted(v, 0.9999)))
    assert d.precision == "bfloat16"
    assert d.float32_per_s == pytest.approx(16.0) and d.bfloat16_per_s == pytest.approx(32.0)
    assert d.speedup == pytest.approx(2.0) and d.min_cosine == pytest.approx(0.9999, abs=1e-6)


def test_faster_but_one_passage_too_far_keeps_float32():
    v = unit_vectors(16)
    far = tilted(v, MIN_COSINE - 0.002, row=3)  # the mean stays above the bar, one row does not
    d = decide(16, Timing(1.0, v), Timing(0.4, far))
    assert d.mean_cosine > MIN_COSINE and d.min_cosine < MIN_COSINE
    assert d.precision == "float32" and "cosine" in d.reason


def test_slower_keeps_float32():
    v = unit_vectors(16)
    d = decide(16, Timing(1.0, v), Timing(3.0, v))
    assert d.precision == "float32" and "slower" in d.reason
    assert d.speedup == pytest.approx(1 / 3)


def test_a_gain_within_timing_noise_keeps_float32():
    v = unit_vectors(16)
    assert decide(16, Timing(1.0, v), Timing(1.0 / (MIN_SPEEDUP - 0.05), v)).precision == "float32"
    assert decide(16, Timing(1.0, v), Timing(1.0 / (MIN_SPEEDUP + 0.05), v)).precision == "bfloat16"


def test_nan_vectors_keep_float32():
    v = unit_vectors(16)
    broken = v.copy()
    broken[0] = np.nan
    assert decide(16, Timing(1.0, v), Timing(0.3, broken)).precision == "float32"


def test_measure_alternates_and_keeps_each_precisions_best_pass():
    times = iter([2.0, 1.7, 1.0, 3.0])  # float32 2.0 then 1.0; bfloat16 1.7 then 3.0
    v = unit_vectors(4)
    calls = []

    def encode(which, passages):
        calls.append(which)
        return Timing(next(times), v)

    d = measure(encode, ["a", "b", "c", "d"], rounds=2)
    assert calls == ["float32", "bfloat16", "float32", "bfloat16"]
    assert d.float32_per_s == pytest.approx(4.0) and d.bfloat16_per_s == pytest.approx(4 / 1.7)
    assert d.precision == "float32"  # best bfloat16 (1.7 s) is slower than best float32 (1.0 s)


def test_only_a_clearly_slower_bfloat16_is_decided_on_one_round():
    slow = FakeEncode({"float32": 1.0, "bfloat16": 3.0})  # 0.33x, as on an AVX2-only CPU
    assert measure(slow, sample_passages(), rounds=3).precision == "float32"
    assert slow.calls == ["float32", "bfloat16"]
    for bf16_seconds in (0.3, 1.0 / MIN_SPEEDUP, 1.0):  # accepting bfloat16 takes every round
        encode = FakeEncode({"float32": 1.0, "bfloat16": bf16_seconds})
        measure(encode, sample_passages(), rounds=3)
        assert len(encode.calls) == 6


def test_bfloat16_that_fails_to_run_is_a_float32_decision_but_a_broken_model_is_an_error():
    v = unit_vectors(2)

    def no_bf16(which, passages):
        if which == "bfloat16":
            raise RuntimeError("no bfloat16 kernel")
        return Timing(1.0, v)

    d = measure(no_bf16, ["a", "b"])
    assert d.precision == "float32" and "no bfloat16 kernel" in d.reason

    def no_model(which, passages):
        raise RuntimeError("cannot load")

    with pytest.raises(RuntimeError, match="cannot load"):
        measure(no_model, ["a", "b"])


def test_sample_is_fixed_real_passages_of_build_length():
    passages = sample_passages()
    assert passages == sample_passages()
    assert len(passages) == precision.PASSAGES and len(set(passages)) == len(passages)
    assert all(len(p.split()) == precision.PASSAGE_WORDS for p in passages)
    assert "Idlib" in " ".join(passages)  # the seed article's text, not comment lines
    assert not any(p.startswith("#") for p in passages)


# --- the remembered decision ----------------------------------------------------------------

def test_first_call_measures_and_stores_second_call_reads(tmp_path):
    cache = tmp_path / "sub" / "precision.json"
    fast = FakeEncode({"float32": 1.0, "bfloat16": 0.7})
    first = auto_precision("m", cache, encode=fast, cpuinfo=CPU_AMX)
    assert first.precision == "bfloat16" and len(fast.calls) == 2 * precision.ROUNDS
    stored = json.loads(cache.read_text())["decisions"]
    (entry,) = stored.values()
    assert entry["key"]["flags"] == ["avx2", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16"]
    assert entry["decision"]["precision"] == "bfloat16"
    precision._decided.clear()  # the next run: read from the file
    again = auto_precision("m", cache, encode=never, cpuinfo=CPU_AMX)
    assert again == first


def test_one_process_keeps_one_decision_whichever_file_is_asked(tmp_path):
    """The build decides with its settings' cache file and may make an embedder that asks the
    default file: both must run the same precision."""
    first = auto_precision("m", tmp_path / "a.json",
                           FakeEncode({"float32": 1.0, "bfloat16": 0.5}), CPU_AMX)
    assert auto_precision("m", tmp_path / "b.json", never, CPU_AMX) == first


def test_another_cpu_model_or_torch_measures_again(tmp_path, monkeypatch):
    cache = tmp_path / "precision.json"
    assert auto_precision("m", cache, FakeEncode({"float32": 1.0, "bfloat16": 0.5}),
                          CPU_AMX).precision == "bfloat16"
    slow = FakeEncode({"float32": 1.0, "bfloat16": 4.0})
    assert auto_precision("m", cache, slow, CPU_AVX2).precision == "float32"
    assert slow.calls  # a different CPU was measured
    other_model = FakeEncode({"float32": 1.0, "bfloat16": 4.0})
    assert auto_precision("other-model", cache, other_model, CPU_AMX).precision == "float32"
    assert other_model.calls
    monkeypatch.setattr(precision, "torch_version", lambda: "9.9.9")
    newer_torch = FakeEncode({"float32": 1.0, "bfloat16": 4.0})
    assert auto_precision("m", cache, newer_torch, CPU_AMX).precision == "float32"
    assert newer_torch.calls
    assert len(json.loads(cache.read_text())["decisions"]) == 4
    monkeypatch.undo()
    precision._decided.clear()
    # each key keeps its own decision in the file
    assert auto_precision("m", cache, never, CPU_AMX).precision == "bfloat16"
    assert auto_precision("m", cache, never, CPU_AVX2).precision == "float32"


def test_flags_that_do_not_matter_share_a_decision():
    more = CPU_AVX2.replace("fma", "fma sse4_2 aes")
    assert machine_key("m", CPU_AVX2) == machine_key("m", more)
    assert machine_key("m", CPU_AVX2) != machine_key("m", CPU_AMX)


def test_an_unreadable_cache_is_measured_again_and_rewritten(tmp_path):
    cache = tmp_path / "precision.json"
    cache.write_text("{not json")
    encode = FakeEncode({"float32": 1.0, "bfloat16": 0.5})
    assert auto_precision("m", cache, encode, CPU_AMX).precision == "bfloat16" and encode.calls
    precision._decided.clear()
    assert auto_precision("m", cache, never, CPU_AMX).precision == "bfloat16"


def test_a_cache_that_cannot_be_written_gives_float32_without_measuring(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    d = auto_precision("m", blocker / "precision.json", never, CPU_AMX)
    assert d.precision == "float32" and "cannot be stored" in d.reason
    assert "PRECISION_CACHE" in caplog.text


def test_the_cache_keeps_a_bounded_number_of_machines(tmp_path, monkeypatch):
    monkeypatch.setattr(precision, "MAX_ENTRIES", 3)
    cache = DecisionCache(tmp_path / "precision.json")
    for i in range(5):
        cache.put(machine_key(f"model-{i}", CPU_AVX2), precision.Decision("float32", "test"))
    kept = json.loads(cache.path.read_text())["decisions"]
    assert [v["key"]["model"] for v in kept.values()] == ["model-2", "model-3", "model-4"]


# --- settings -------------------------------------------------------------------------------

def test_forced_settings_never_measure_or_write(tmp_path, monkeypatch):
    monkeypatch.setattr(precision, "embedder_timer", lambda model: never)
    cache = tmp_path / "precision.json"
    assert choose_precision("float32", "m", cache) == "float32"
    assert choose_precision("bfloat16", "m", cache) == "bfloat16"
    assert not cache.exists()
    with pytest.raises(ValueError, match="EMBEDDING_PRECISION"):
        choose_precision("int4", "m", cache)


def test_the_cache_lives_in_the_users_cache_folder_unless_set(tmp_path, monkeypatch):
    from index.config import IndexSettings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("PRECISION_CACHE", raising=False)
    default = tmp_path / "newsroom-bot" / "precision.json"
    assert IndexSettings().precision_cache == default
    monkeypatch.setenv("PRECISION_CACHE", "")  # left empty in .env: the default, not "."
    assert IndexSettings().precision_cache == default
    monkeypatch.setenv("PRECISION_CACHE", str(tmp_path / "elsewhere.json"))
    assert IndexSettings().precision_cache == tmp_path / "elsewhere.json"


def test_auto_setting_uses_the_remembered_decision(tmp_path, monkeypatch):
    cache = tmp_path / "precision.json"
    DecisionCache(cache).put(machine_key("m"), precision.Decision("bfloat16", "test"))
    monkeypatch.setattr(precision, "embedder_timer", lambda model: never)
    assert choose_precision("auto", "m", cache) == "bfloat16"


def test_questions_are_embedded_at_the_index_precision_under_auto():
    from bot.answer import _embeds_like, query_embedder
    from index.config import IndexSettings

    manifest = SimpleNamespace(model="all-MiniLM-L6-v2", precision="bfloat16")
    auto = IndexSettings(embedding_precision="auto")
    embedder = query_embedder(auto, manifest)
    assert (embedder.model_name, embedder.precision) == ("all-MiniLM-L6-v2", "bfloat16")
    forced = query_embedder(IndexSettings(embedding_precision="float32"), manifest)
    assert forced.precision == "float32"  # the operator's explicit choice stands
    assert query_precision("auto", "float32") == "float32"
    # a reload onto an index built at another precision makes a new embedder
    assert _embeds_like(embedder, auto, manifest)
    assert not _embeds_like(embedder, auto, SimpleNamespace(model=manifest.model,
                                                            precision="float32"))


# --- with the build and the real model ------------------------------------------------------

def test_build_under_auto_is_stable_across_runs(tmp_path, monkeypatch):
    """The remembered decision is what the build runs, records and compares with the
    manifest, so a second run over the same corpus has nothing to do and never measures."""
    from index import store
    from index.build import build
    from index.config import IndexSettings
    from tests.conftest import CORPUS

    cache = tmp_path / "precision.json"
    DecisionCache(cache).put(machine_key("all-MiniLM-L6-v2"),
                             precision.Decision("float32", "remembered"))
    monkeypatch.setattr(precision, "embedder_timer", lambda model: never)
    settings = IndexSettings(index_dir=tmp_path / "index", embedding_precision="auto",
                             precision_cache=cache)
    first = build([CORPUS], settings)  # the build makes its own embedder, with `auto`
    assert first.embedded_chunks == first.chunks > 0
    assert store.Manifest.read(first.generation).precision == "float32"
    precision._decided.clear()  # the next run, a new process
    second = build([CORPUS], settings)
    assert second.up_to_date and second.embedded_chunks == 0


def test_real_measurement_gives_a_valid_stored_decision(tmp_path):
    cache = tmp_path / "precision.json"
    d = auto_precision("all-MiniLM-L6-v2", cache)
    assert d.precision in ("float32", "bfloat16")
    assert d.float32_per_s > 0 and d.bfloat16_per_s > 0 and d.passages == precision.PASSAGES
    assert 0.99 < d.min_cosine <= d.mean_cosine <= 1.0001  # the same model, two precisions
    assert (d.precision == "bfloat16") == (d.speedup >= MIN_SPEEDUP and d.min_cosine >= MIN_COSINE)
    assert auto_precision("all-MiniLM-L6-v2", cache, encode=never) == d
    print(d.summary())
