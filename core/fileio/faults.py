"""The fault-injection seam of core.fileio: an injectable file-system error (ENOSPC, EROFS,
EACCES, EIO, ...) at the n-th write, which tests use instead of patching internals."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path


@dataclass
class WriteFault:
    """An injected file-system error: the `at_write`-th write to a file whose name matches
    `match` (fnmatch, e.g. "*.ckpt") and `times` writes in all from there (None: every one, a
    disk that stays full) raise OSError(`error`). `writes` counts the matching writes seen,
    `failed` lists the files that got the error (a test asserts the fault really fired)."""

    error: int
    at_write: int = 1
    match: str = "*"
    times: int | None = 1
    writes: int = 0
    failed: list[Path] = field(default_factory=list)

    def hits(self, target: Path) -> bool:
        if not fnmatchcase(target.name, self.match):
            return False
        self.writes += 1
        if self.writes < self.at_write:
            return False
        if self.times is not None and len(self.failed) >= self.times:
            return False
        self.failed.append(target)
        return True


_faults: list[WriteFault] = []
_faults_lock = threading.Lock()


@contextlib.contextmanager
def inject_write_fault(error: int, *, at_write: int = 1, match: str = "*",
                       times: int | None = 1) -> Iterator[WriteFault]:  # fmt: skip
    """Inside the block, the `at_write`-th write to a file named like `match` fails with
    OSError(`error`) the way a disk does: after half of the bytes reached it.

    A write is: one file written through core.fileio (it fails at its first bytes, so a
    temporary file is half-written when the error comes), one record appended to the log, one
    write-test of `check_output_folder` (named PROBE_NAME). Thread-safe: a training running on
    a worker thread meets the fault too. Yields the WriteFault (`failed`: the files hit)."""
    fault = WriteFault(error, at_write, match, times)
    with _faults_lock:
        _faults.append(fault)
    try:
        yield fault
    finally:
        with _faults_lock:
            _faults.remove(fault)


def injected(target: Path) -> int | None:
    """The errno an injected fault gives this write of `target`, or None."""
    if not _faults:
        return None
    with _faults_lock:
        for fault in _faults:
            if fault.hits(target):
                return fault.error
    return None


def fault_error(error: int, target: Path) -> OSError:
    return OSError(error, os.strerror(error), str(target))

