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


# ------------------------------------------------------------------------ failed writes, faults


def test_a_library_naming_the_os_error_in_its_message_is_a_disk_write_error(tmp_path):
    """safetensors reports a full disk as SafetensorError("... (os error 28)"), torch.save as a
    RuntimeError whose context is the OSError: both become the one DiskWriteError."""
    import errno

    from core.errors import DiskWriteError

    target = tmp_path / "model.safetensors"

    class SafetensorError(Exception):
        pass

    with pytest.raises(DiskWriteError, match="The disk is full: writing .*model.safetensors"):
        with atomic_replace(target, size_hint=10**6):
            raise SafetensorError("Error while serializing: I/O error: No space left on device "
                                  "(os error 28)")  # fmt: skip
    with pytest.raises(DiskWriteError) as info, atomic_replace(target):
        try:
            raise OSError(errno.EIO, "Input/output error")
        except OSError:
            raise RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos") from None
    assert info.value.errno == errno.EIO and "input/output error" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_the_callers_own_errors_pass_through_atomic_write_unchanged(tmp_path):
    from core.fileio import atomic_write

    with pytest.raises(ValueError, match="a bug"), atomic_write(tmp_path / "x.csv") as handle:
        handle.write(b"half")
        raise ValueError("a bug")
    with pytest.raises(FileNotFoundError), atomic_write(tmp_path / "copy.bin") as handle:
        handle.write((tmp_path / "no-such-source").read_bytes())  # reading, not writing, failed
    assert list(tmp_path.iterdir()) == []


def test_the_fault_seam_counts_matching_files_and_stops_after_times(tmp_path):
    import errno

    from core.errors import DiskWriteError
    from core.fileio import inject_write_fault, write_text_atomic

    with inject_write_fault(errno.ENOSPC, at_write=2, match="*.csv", times=2) as fault:
        write_text_atomic(tmp_path / "a.txt", "not counted")  # another name
        write_text_atomic(tmp_path / "1.csv", "first: fine")
        for name in ("2.csv", "3.csv"):
            with pytest.raises(DiskWriteError):
                write_text_atomic(tmp_path / name, "refused")
        write_text_atomic(tmp_path / "4.csv", "after `times` faults: fine again")
    assert fault.writes == 4 and fault.failed == [tmp_path / "2.csv", tmp_path / "3.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.csv", "4.csv", "a.txt"]


def test_reading_refuses_a_fifo_without_opening_it(tmp_path):
    from core.errors import NotAFileError
    from core.fileio import check_regular_file, open_for_reading

    fifo = tmp_path / "model.safetensors"
    os.mkfifo(fifo)
    with pytest.raises(NotAFileError, match="named pipe"):
        check_regular_file(fifo, "a model file")
    with pytest.raises(NotAFileError, match=r"is a folder, not an image"):
        open_for_reading(tmp_path, "an image")
    regular = tmp_path / "ok.bin"
    regular.write_bytes(b"data")
    with open_for_reading(regular) as handle:
        assert handle.read() == b"data"
