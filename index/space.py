"""Disk space for a build: an estimate checked before the embedding work, vectors files
allocated up front, and "disk full" recognised however a library reports it.

A memory-mapped file on a full filesystem does not fail with an error: the page fault that
writes it kills the process with SIGBUS. Allocating the whole file first (`posix_fallocate`)
turns that into an `OSError` at a known place, before any vector is written through the map.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
_FAISS_PATH = re.compile(r"write error in (\S+?): ")  # faiss' message names the file

# Bytes of BM25 index per character of text it indexes (bm25s: a float32 score and an int32
# row per distinct word of each text, and the vocabulary): 0.98-1.20 measured on samples of
# the four data sets in ../shared/data (README, "Disk space"); the largest is used. The term
# counts kept for updates (`index.term_counts`: a uint16 count per entry in bm25s's own order,
# a length and a key per text) add 31% (35.4 -> 46.2 MB on bench/incremental.py's 107k
# chunks): 1.2 x 1.31. (The layout before kept each entry's term again: 2.2.)
BM25_BYTES_PER_CHAR = 1.6
# MARGIN: on what is still to be written; with it the estimate came 7.5-8.4% over the real size
# (2026-12-04, BM25 at 1.6 bytes per character)
MARGIN = 1.05


def is_disk_full(exc: BaseException) -> bool:
    """True for ENOSPC / EDQUOT as an OSError, SQLite's SQLITE_FULL, or FAISS' RuntimeError,
    also when another exception wraps one of them."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL:
            return True
        if isinstance(current, sqlite3.OperationalError) and (
                getattr(current, "sqlite_errorname", "") == "SQLITE_FULL"
                or "database or disk is full" in str(current)):
            return True
        if isinstance(current, RuntimeError) and ("No space left on device" in str(current)
                                                  or "Disk quota exceeded" in str(current)):
            return True
        current = current.__cause__ or current.__context__
    return False


def failed_file(exc: BaseException) -> str | None:
    """The file a disk-full error was writing, when the error says."""
    if isinstance(exc, OSError) and exc.filename:
        return str(exc.filename)
    found = _FAISS_PATH.search(str(exc))
    return found.group(1) if found else None


def free_bytes(directory: Path) -> int:
    """Bytes an unprivileged writer may still use on the filesystem holding `directory`."""
    return shutil.disk_usage(directory).free


def megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def preallocate(path: Path) -> None:
    """Reserve every byte of `path` on disk: ENOSPC is raised here, not as SIGBUS later."""
    with path.open("r+b") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size:
            try:
                os.posix_fallocate(handle.fileno(), 0, size)
            except OSError as exc:  # say which file: the error alone does not
                raise OSError(exc.errno, exc.strerror, str(path)) from exc


def allocated_npy(path: Path, shape: tuple[int, ...], dtype=np.float32) -> np.memmap:
    """A new `.npy` file mapped for writing, with its space already allocated."""
    try:
        array = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=shape)
    except OSError as exc:  # writing the header: name the file, as `preallocate` does
        if exc.filename:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        preallocate(path)
    except BaseException:
        del array
        raise
    return array


@dataclass
class Estimate:
    """The bytes a build writes, by part, so a message can say where they go. `written`: what
    is already on disk (the SQLite records), `parts`: what is still to come."""

    parts: dict[str, int] = field(default_factory=dict)
    written: int = 0

    @property
    def remaining(self) -> int:
        return int(sum(self.parts.values()) * MARGIN)

    @property
    def total(self) -> int:
        return self.written + self.remaining

    def describe(self, with_written: bool = False) -> str:
        parts = ({"records": self.written} if with_written else {}) | self.parts
        return ", ".join(f"{what} {megabytes(n)}" for what, n in parts.items() if n)
