"""Rows kept from the live vectors file are copied byte for byte, in the kernel or not."""

import errno
import os

import numpy as np
import pytest

from index import space, vector_files


@pytest.mark.parametrize("kernel", [True, False])
def test_a_block_is_copied_exactly(tmp_path, monkeypatch, kernel):
    if not kernel:  # another filesystem: copy_file_range refuses, read and write do it
        def refuse(*args):
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

        monkeypatch.setattr(os, "copy_file_range", refuse)
    live = np.random.default_rng(0).random((1000, 7), dtype=np.float32)
    np.save(tmp_path / "live.npy", live)
    target = space.allocated_npy(tmp_path / "new.npy", (1200, 7))
    vector_files.copy_block(vector_files.Block(tmp_path / "live.npy", 900), target)
    target[900:] = 1.0
    target.flush()
    saved = np.load(tmp_path / "new.npy")
    assert saved[:900].tobytes() == live[:900].tobytes()
    assert (saved[900:] == 1.0).all()


def test_another_layout_goes_through_the_map(tmp_path):
    live = np.arange(40, dtype=np.float64).reshape(10, 4)
    np.save(tmp_path / "live.npy", live)
    target = space.allocated_npy(tmp_path / "new.npy", (12, 4))
    vector_files.copy_block(vector_files.Block(tmp_path / "live.npy", 10), target)
    assert np.array_equal(np.asarray(target[:10]), live.astype(np.float32))
