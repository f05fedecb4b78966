"""Writing files: atomically (temporary file beside the target, fsync, rename), through one
checked raw file that meets the fault seam, with every failure a DiskWriteError."""

from __future__ import annotations

import contextlib
import errno as codes
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import KEPT_NOTHING_STARTED, NotEnoughSpace
from .failures import Attempt, free_bytes, nearest_existing, translated, write_error
from .faults import fault_error, injected

_BUFFER = 1 << 20
PROBE_NAME = ".backbone-studio-write-test"


class CheckedFile(io.RawIOBase):
    """The raw file under everything the app writes. It meets the fault seam (a file is one
    write, at its first `write()`; an appended log, each `write()`), remembers the OSError that
    stopped it (libraries wrap it), and hides its descriptor so that libraries (numpy) write
    through `write()` rather than around it."""

    def __init__(self, fd: int, target: Path, each_write: bool = False):
        super().__init__()
        self._fd = fd
        self.target = target
        self.failure: OSError | None = None
        self._each_write = each_write
        self._met_seam = False

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return os.lseek(self._fd, offset, whence)

    def tell(self) -> int:
        return os.lseek(self._fd, 0, os.SEEK_CUR)

    def fileno(self) -> int:
        raise io.UnsupportedOperation("written through write() only")

    def write(self, data) -> int:
        if self.closed:
            raise ValueError("write to a closed file")
        view = memoryview(data).cast("B")
        try:
            error = None
            if self._each_write or not self._met_seam:
                self._met_seam = True
                error = injected(self.target)
            if error is not None:
                if not self._each_write:  # half of a file reached the disk (a log: nothing)
                    os.write(self._fd, view[: len(view) // 2])
                raise fault_error(error, self.target)
            return os.write(self._fd, view)
        except OSError as exc:
            self.failure = exc
            raise

    def sync(self) -> None:
        try:
            os.fsync(self._fd)
        except OSError as exc:
            self.failure = exc
            raise

    def close(self) -> None:
        if not self.closed:
            try:
                os.close(self._fd)
            finally:
                super().close()


def _wrap(raw: CheckedFile, text: bool) -> IO:
    buffered = io.BufferedWriter(raw, _BUFFER)
    return io.TextIOWrapper(buffered, encoding="utf-8", newline="") if text else buffered


def _temp_beside(path: Path, suffix: str, make_folder: bool) -> tuple[int, Path]:
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    return fd, Path(name)


def _commit(tmp: Path, path: Path, durable: bool) -> None:
    # mkstemp makes the file private (0600); the file written is the user's, so it gets the
    # permissions of a file replaced in place, or else those the umask gives a new file.
    os.chmod(tmp, _mode_for(path))
    os.replace(tmp, path)
    if durable:
        _fsync_folder(path.parent)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, *, text: bool = False, durable: bool = True,
                 size_hint: int | None = None, kept: str | None = None,
                 make_folder: bool = False) -> Iterator[IO]:  # fmt: skip
    """Yield a file object (binary, or UTF-8 text with `text`) writing a temporary file beside
    `path`; when the block succeeds it is flushed, fsynced (`durable`) and renamed over `path`.

    A failed write raises DiskWriteError naming `path` (`size_hint`: the bytes it needs, for
    "needs about N MB more"; `kept`: what survived, default: the file that was there is
    unchanged); `path` is left as it was and the temporary file removed. Errors of the
    caller's own (reading a source file, a bug, Ctrl-C) pass through unchanged."""
    path = Path(path)
    attempt = Attempt(path, size_hint, kept, body_errors=False)
    with translated(attempt):
        fd, tmp = _temp_beside(path, ".tmp", make_folder)
        attempt.raw = CheckedFile(fd, path)
        handle = _wrap(attempt.raw, text)
        try:
            attempt.in_body = True
            yield handle
            attempt.in_body = False
            handle.flush()
            if durable:
                attempt.raw.sync()
            handle.close()
            _commit(tmp, path, durable)
        finally:
            attempt.raw.close()  # first: the buffer of a failed block is dropped, not flushed
            with contextlib.suppress(Exception):
                handle.close()
            with contextlib.suppress(OSError):  # after the rename there is nothing to remove
                tmp.unlink()


@contextlib.contextmanager
def atomic_replace(path: str | os.PathLike, *, suffix: str = ".tmp", durable: bool = True,
                   size_hint: int | None = None, kept: str | None = None,
                   make_folder: bool = False) -> Iterator[Path]:  # fmt: skip
    """Yield a temporary path in `path`'s folder, for a library that writes to a file name
    (safetensors); when the block succeeds the file is fsynced (`durable`) and renamed over
    `path`. Failures as in `atomic_write`: any OSError of the block (or one a library names in
    its message) is a DiskWriteError naming `path`. For the fault seam the file is one write."""
    path = Path(path)
    attempt = Attempt(path, size_hint, kept, body_errors=True)
    with translated(attempt):
        fd, tmp = _temp_beside(path, suffix, make_folder)
        os.close(fd)
        try:
            attempt.in_body = True
            yield tmp
            attempt.in_body = False
            error = injected(path)
            if error is not None:
                os.truncate(tmp, tmp.stat().st_size // 2)  # half of it reached the disk
                raise fault_error(error, path)
            if durable:
                with open(tmp, "rb+") as handle:
                    os.fsync(handle.fileno())
            _commit(tmp, path, durable)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def write_text_atomic(path: str | os.PathLike, text: str, *, kept: str | None = None) -> Path:
    """Write a UTF-8 text file (a CSV, a report) atomically; DiskWriteError on failure, also
    when its folder does not exist."""
    path = Path(path)
    data = text.encode("utf-8")
    with atomic_write(path, size_hint=len(data), kept=kept) as handle:
        handle.write(data)
    return path


def open_for_append(path: str | os.PathLike, encoding: str = "utf-8") -> IO[str]:
    """A text stream appending to `path` (created with the user's usual permissions), each of
    its writes through the fault seam: the app's log. Its writes raise OSError when the disk
    refuses; the log handler decides what to do."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    raw = CheckedFile(fd, path, each_write=True)
    return io.TextIOWrapper(io.BufferedWriter(raw, 8192), encoding=encoding,
                            errors="backslashreplace")  # fmt: skip


def check_output_folder(folder: str | os.PathLike, needed: int = 0,
                        what: str = "the files") -> int:  # fmt: skip
    """Before a long job: that `folder` (or, while it does not exist yet, the parent it will be
    made in) can be written, and has about `needed` bytes free. Returns the free bytes.
    DiskWriteError (read-only, permission, device) or NotEnoughSpace otherwise."""
    where = nearest_existing(Path(folder))
    probe = where / PROBE_NAME
    try:
        error = injected(probe)
        if error is not None:
            raise fault_error(error, probe)
        fd, name = tempfile.mkstemp(prefix=f"{PROBE_NAME}.", dir=where)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise write_error(Path(folder), exc, size_hint=needed or None,
                          kept=KEPT_NOTHING_STARTED()) from None  # fmt: skip
    free = free_bytes(where)
    if free is not None and free < needed:
        raise NotEnoughSpace(Path(folder), codes.ENOSPC, needed=needed - free,
                             kept=KEPT_NOTHING_STARTED(), detail=what)  # fmt: skip
    return free if free is not None else -1


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable where the platform allows it (POSIX)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def current_umask() -> int:
    """The process's umask (read without changing it where /proc allows; 0o022 if unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    if sys.platform == "win32":  # pragma: no cover - Windows has no umask worth reading
        return 0o022
    mask = os.umask(0o022)  # the only portable way to read it: set, then put it back
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """Permission bits for a file written to `path`: an existing file keeps its own, a new one
    gets what `open()` would give it (0o666 less the umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~current_umask()

