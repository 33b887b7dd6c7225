"""Rows an update keeps of the live generation's vectors files, copied file to file.

An update keeps most vectors (100k chunk and 75k statement rows, ~280 MB at 107k chunks).
Assigning them through two memory maps faults every page in and copies it twice in user
space; `os.copy_file_range` moves the bytes inside the kernel (a reflink where the
filesystem has them). Where it cannot (another filesystem, an old kernel) an ordinary read
and write does the same.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_CANNOT = frozenset({errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF})
_STEP = 1 << 26  # bytes per call: 64 MB


@dataclass(frozen=True)
class Block:
    """The first `rows` rows of the float32 `.npy` file at `path`."""

    path: Path
    rows: int

    def __len__(self) -> int:
        return self.rows


def header(path: Path) -> tuple[int, tuple[int, ...], np.dtype, bool]:
    """(data offset, shape, dtype, fortran order) of a `.npy` file, from its header alone."""
    with path.open("rb") as handle:
        version = np.lib.format.read_magic(handle)
        read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = read(handle)
        return handle.tell(), shape, dtype, fortran


def copy_block(block: Block, target: np.memmap) -> None:
    """Write `block`'s rows into the first rows of `target`, a `.npy` memory map of the same
    dtype and width; through the map when the source file is laid out otherwise."""
    offset, shape, dtype, fortran = header(block.path)
    if not block.rows:
        return
    if fortran or dtype != target.dtype or shape[1:] != target.shape[1:] or shape[0] < block.rows:
        target[: block.rows] = np.load(block.path, mmap_mode="r")[: block.rows]
        return
    count = block.rows * int(np.prod(shape[1:], dtype=np.int64)) * dtype.itemsize
    copy_range(block.path, offset, Path(target.filename), target.offset, count)


def copy_range(source: Path, source_offset: int, target: Path, target_offset: int,
               count: int) -> None:
    """`count` bytes of `source` from `source_offset` onto `target` at `target_offset`."""
    with source.open("rb") as src, target.open("r+b") as dst:
        done = 0
        try:
            while done < count:
                moved = os.copy_file_range(src.fileno(), dst.fileno(), min(_STEP, count - done),
                                           source_offset + done, target_offset + done)
                if moved == 0:
                    raise OSError(errno.EIO, f"{source} ended early")
                done += moved
        except OSError as exc:
            if exc.errno not in _CANNOT:
                raise OSError(exc.errno, exc.strerror, str(target)) from exc
        while done < count:  # the fallback: what the kernel copy did not do
            data = os.pread(src.fileno(), min(_STEP, count - done), source_offset + done)
            if not data:
                raise OSError(errno.EIO, f"{source} ended early")
            done += os.pwrite(dst.fileno(), data, target_offset + done)
