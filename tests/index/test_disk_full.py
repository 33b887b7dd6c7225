"""A full disk during a build: a clear error before or during the work, never a signal, and
the previous index still serving."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index import build as build_module
from index import space, store
from index.build import BuildError, build, main
from index.config import IndexSettings
from index.embedding_cache import FILE as CACHE_FILE
from index.search import SearchIndex
from tests.conftest import ROOT, SEED, data_file, write_jsonl_sample


class Counting:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, embedder):
        self.inner = embedder
        self.texts: list[str] = []
        self.precision, self.dimension = embedder.precision, embedder.dimension

    def encode(self, texts):
        self.texts += texts
        return self.inner.encode(texts)


def seed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "seed"
    folder.mkdir()
    shutil.copy(SEED, folder)
    return folder


def still_serving(index_dir: Path, generation: Path, embedder) -> None:
    """The previous generation is live, verifies, and answers a search."""
    assert store.current_generation(index_dir) == generation
    assert not list(index_dir.glob("*.partial"))  # the failed build's files are gone
    index = SearchIndex.open(IndexSettings(index_dir=index_dir))
    query = "displaced people in Idlib"
    hits = index.search(query, embedder.encode([query])[0], 3)
    assert hits and "Idlib" in index.chunk_text(hits[0].chunk_id)
    index.close()


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 6 MB filesystem: room for the seed's index, not for 300 more articles (~10 MB)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8); the injected-failure "
                    "tests below cover the same paths")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6M", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mount -t tmpfs not permitted here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def run_cli(args: list[str], fill_at: str | None = None) -> subprocess.CompletedProcess:
    """`python -m index.build ARGS` in a child process, so a SIGBUS would show as a negative
    return code. `fill_at`: fill the disk when the build reaches that stage (after the
    space check), as another process writing to the same disk would."""
    code = textwrap.dedent(f"""
        import os, sys
        from index import build
        stage_to_fill = {fill_at!r}
        def fill(stage):
            if stage == stage_to_fill:
                index_dir = sys.argv[sys.argv.index("--index-dir") + 1]
                with open(os.path.join(index_dir, "filler"), "wb") as handle:
                    free = os.statvfs(index_dir).f_bavail * os.statvfs(index_dir).f_frsize
                    # 64 KiB left: room for a file's first and last pages, not its body
                    os.posix_fallocate(handle.fileno(), 0, free - 65536)
        real = build.build
        build.build = lambda *a, **k: real(*a, on_stage=fill, **k)
        sys.exit(build.main(sys.argv[1:]))
    """)
    return subprocess.run([sys.executable, "-c", code, "-q", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_a_build_too_big_for_the_disk_is_refused_before_embedding(tmp_path, small_disk,
                                                                  embedder):
    index_dir = small_disk / "index"
    first = build([seed_folder(tmp_path)], IndexSettings(index_dir=index_dir), embedder=embedder)
    big = write_jsonl_sample(data_file("fakes", "articles.jsonl"), tmp_path / "big.jsonl", 300)

    result = run_cli(["--index-dir", str(index_dir), str(tmp_path / "seed"), str(big)])
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith(f"error: not enough disk space in {index_dir}: the new generation "
                              "needs about ")
    assert "vectors " in message and "MB is free" in message and "Nothing was embedded" in message
    needed = float(message.split("needs about ")[1].split(" MB")[0])
    free = float(message.split(" MB is free")[0].rsplit(" ", 1)[1])
    assert needed > free
    assert 8 < needed < 25  # 300 fakes articles: ~11 MB of index, ~5 MB of embedding cache
    still_serving(index_dir, first.generation, embedder)


@pytest.mark.parametrize("stage, failing", [("embed", "vectors.npy"),
                                            ("index", "dense.faiss")])
def test_a_disk_that_fills_during_the_build_gives_a_clear_error_not_a_signal(
        tmp_path, small_disk, embedder, stage, failing):
    """Filled after the space check: the vectors files are allocated up front, so writing
    through their memory map cannot die of SIGBUS; FAISS' write error is reported too."""
    index_dir = small_disk / "index"
    first = build([seed_folder(tmp_path)], IndexSettings(index_dir=index_dir), embedder=embedder)
    more = write_jsonl_sample(data_file("fakes", "articles.jsonl"), tmp_path / "more.jsonl", 12)

    result = run_cli(["--index-dir", str(index_dir), str(tmp_path / "seed"), str(more)],
                     fill_at=stage)
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])  # -7: SIGBUS
    assert "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("error: the disk is full: ")
    assert failing in message and str(index_dir) in message
    assert "needs about" in message and "is free" in message and "still serves" in message
    (index_dir / "filler").unlink()
    still_serving(index_dir, first.generation, embedder)


def test_low_free_space_is_refused_before_any_embedding(tmp_path, embedder, monkeypatch):
    settings = IndexSettings(index_dir=tmp_path / "index")
    first = build([seed_folder(tmp_path)], settings, embedder=embedder)
    more = write_jsonl_sample(data_file("fakes", "articles.jsonl"), tmp_path / "more.jsonl", 5)
    counting = Counting(embedder)
    monkeypatch.setattr(space, "free_bytes", lambda directory: 20_000)

    with pytest.raises(BuildError, match=r"not enough disk space .* needs about [\d.]+ MB more "
                                         r"\(vectors [\d.]+ MB, .*\), and 0.0 MB is free"):
        build([tmp_path / "seed", more], settings, embedder=counting)
    assert counting.texts == []  # refused before the expensive step
    still_serving(settings.index_dir, first.generation, embedder)



class _FullOnWrite:
    """A SQLite connection whose bulk writes fail as on a full disk; the rest passes through."""

    def __init__(self, db):
        self.db = db

    def executemany(self, *args):
        import sqlite3

        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name):
        return getattr(self.db, name)

@pytest.mark.parametrize("where", ["allocate", "faiss", "sqlite"])
def test_an_injected_write_failure_is_a_build_error_naming_the_step(tmp_path, embedder,
                                                                    monkeypatch, where):

    import faiss

    settings = IndexSettings(index_dir=tmp_path / "index")
    first = build([seed_folder(tmp_path)], settings, embedder=embedder)
    more = write_jsonl_sample(data_file("fakes", "articles.jsonl"), tmp_path / "more.jsonl", 3)
    if where == "allocate":
        def full(fd, offset, length):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(os, "posix_fallocate", full)
        expected = r"writing the vectors failed \(.*vectors.npy\)"
    elif where == "faiss":
        def full(index, path):
            raise RuntimeError("Error in void faiss::write_index(const Index*, IOWriter*, int) at "
                               "index_write.cpp:499: Error: 'ret == (size * 4)' failed: write "
                               f"error in {path}: 1048531 != 3072000 (No space left on device)")
        monkeypatch.setattr(faiss, "write_index", full)
        expected = r"writing the vector and BM25 indexes failed \(.*dense.faiss\)"
    else:
        real = store.connect
        monkeypatch.setattr(store, "connect", lambda path, readonly=False: (
            real(path, readonly) if readonly else _FullOnWrite(real(path, readonly))))
        expected = r"writing articles, chunks and quotes failed in .*: no space left"

    with pytest.raises(BuildError, match=expected) as caught:
        build([tmp_path / "seed", more], settings, embedder=embedder)
    assert "still serves" in str(caught.value)
    monkeypatch.undo()
    still_serving(settings.index_dir, first.generation, embedder)


def test_the_cli_prints_a_full_disk_without_a_traceback(tmp_path, embedder, monkeypatch,
                                                        capsys):
    monkeypatch.setattr(space, "free_bytes", lambda directory: 0)
    monkeypatch.setattr(build_module, "build",
                        lambda *args, **kw: build(*args, **kw | {"embedder": embedder}))
    code = main(["-q", "--index-dir", str(tmp_path / "index"), str(SEED)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("error: not enough disk space") and "Traceback" not in err
    assert store.current_generation(tmp_path / "index") is None


def test_a_cache_that_cannot_be_written_does_not_fail_the_build(tmp_path, embedder,
                                                                monkeypatch, caplog):
    import sqlite3

    from index.embedding_cache import EmbeddingCache

    real = EmbeddingCache._connect
    monkeypatch.setattr(EmbeddingCache, "_connect", lambda self: _FullOnWrite(real(self)))
    settings = IndexSettings(index_dir=tmp_path / "index")
    with caplog.at_level("WARNING", logger="index.embedding_cache"):
        report = build([SEED], settings, embedder=embedder)
    assert report.embedded_chunks == report.chunks > 0 and report.generation is not None
    assert "could not be written" in caplog.text and "going on without it" in caplog.text
    rows = sqlite3.connect(settings.index_dir / CACHE_FILE).execute(
        "SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert rows == 0
