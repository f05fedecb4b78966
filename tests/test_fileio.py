"""core.fileio.atomic_replace: what the app writes for the user gets the user's usual permissions,
not the private mode of the temporary file it was written to."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from core.fileio import atomic_replace

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@pytest.fixture
def umask():
    """Set the process umask for one test, and put the old one back."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda mask: os.umask(mask)
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_what_the_umask_gives(tmp_path, umask, mask, expected):
    from core.fileio import current_umask

    umask(mask)
    assert current_umask() == mask
    target = tmp_path / "model.safetensors"
    with atomic_replace(target) as tmp:
        tmp.write_bytes(b"data")
    assert target.read_bytes() == b"data"
    assert mode(target) == expected  # was 0o600 whatever the umask (mkstemp's private mode)


def test_a_replaced_file_keeps_its_permissions(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "results.csv"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_replace(target, durable=False) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new" and mode(target) == 0o640


def test_a_failed_write_leaves_nothing_behind(tmp_path, umask):
    target = tmp_path / "model.safetensors"
    with pytest.raises(RuntimeError), atomic_replace(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []
