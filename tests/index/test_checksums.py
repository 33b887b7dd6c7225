"""Checksums computed in the background are the file's, or computed again if it changed."""

import hashlib
import os

from index import store


def test_background_checksums_match_and_a_changed_file_is_hashed_again(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"a" * 5_000_000)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.bin").write_bytes(b"b" * 1000)
    checksums = store.Checksums(tmp_path)
    try:
        checksums.add_finished()
        checksums.get(tmp_path / "a.bin")  # hashed by now
        (tmp_path / "sub" / "b.bin").write_bytes(b"c" * 1000)  # same size, rewritten after
        os.utime(tmp_path / "sub" / "b.bin", ns=(1, 1))
        (tmp_path / "late.bin").write_bytes(b"late")  # never handed to the thread
        for name, data in (("a.bin", b"a" * 5_000_000), ("sub/b.bin", b"c" * 1000),
                           ("late.bin", b"late")):
            assert checksums.get(tmp_path / name) == hashlib.sha256(data).hexdigest(), name
    finally:
        checksums.close()
