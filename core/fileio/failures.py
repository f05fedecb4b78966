"""What a failed write says: the OSError behind a library's exception, the free space, and
the one DiskWriteError naming the file, the space still needed and what was kept."""

from __future__ import annotations

import contextlib
import errno as codes
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KEPT_NO_PARTIAL, KEPT_UNCHANGED, BackboneStudioError, DiskWriteError

if TYPE_CHECKING:
    from .writing import CheckedFile

_RESERVE = 1_000_000  # a full disk is asked for this much beyond the file itself
_OS_ERROR_IN_TEXT = re.compile(r"\(os error (\d+)\)|\[Errno (\d+)\]")


def os_error_in(exc: BaseException) -> OSError | None:
    """The OSError behind `exc`: itself, one in its cause/context chain (torch.save wraps it
    in a RuntimeError), or one a library named in its message (safetensors: "(os error 28)")."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, OSError) and current.errno is not None:
            return current
        match = _OS_ERROR_IN_TEXT.search(str(current))
        if match:
            number = int(match.group(1) or match.group(2))
            return OSError(number, os.strerror(number))
        current = current.__cause__ or current.__context__
        seen += 1
    return exc if isinstance(exc, OSError) else None


def free_bytes(folder: str | os.PathLike) -> int | None:
    """Free bytes on the disk holding `folder` (or its nearest existing parent); None if unknown."""
    try:
        return shutil.disk_usage(nearest_existing(Path(folder))).free
    except OSError:
        return None


def nearest_existing(path: str | os.PathLike) -> Path:
    """`path` itself, or the nearest of its parents that exists (where it would be made)."""
    path = Path(path)
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(os.sep)


def write_error(path: str | os.PathLike, error: OSError, *, size_hint: int | None = None,
                kept: str | None = None) -> DiskWriteError:  # fmt: skip
    """The DiskWriteError for `error` while writing `path` (`size_hint`: its expected size)."""
    path = Path(path)
    needed = None
    if size_hint and error.errno in (codes.ENOSPC, getattr(codes, "EDQUOT", codes.ENOSPC)):
        free = free_bytes(path.parent)
        needed = size_hint + _RESERVE - (free or 0)
        needed = needed if needed > 0 else size_hint
    if kept is None:
        kept = KEPT_UNCHANGED() if os.path.lexists(path) else KEPT_NO_PARTIAL()
    return DiskWriteError(path, error.errno, needed=needed, kept=kept,
                          detail=error.strerror or str(error))  # fmt: skip


@dataclass
class Attempt:
    """One write in progress: what a failure in it is blamed on."""

    path: Path
    size_hint: int | None
    kept: str | None
    body_errors: bool  # errors inside the caller's block are write errors (a path writer)
    raw: CheckedFile | None = None
    in_body: bool = False

    def blame(self, exc: BaseException) -> OSError | None:
        """The write error behind `exc`, or None when it is not about writing."""
        if self.raw is not None and self.raw.failure is not None:
            return self.raw.failure
        if self.in_body and not self.body_errors:
            return None
        return os_error_in(exc)


@contextlib.contextmanager
def translated(attempt: Attempt) -> Iterator[Attempt]:
    """Turn a failed write into DiskWriteError; anything else (a bug, Ctrl-C, a user error
    raised by the caller) passes unchanged."""
    try:
        yield attempt
    except BackboneStudioError:
        raise
    except Exception as exc:
        error = attempt.blame(exc)
        if error is None:
            raise
        kept = attempt.kept
        raise write_error(attempt.path, error, size_hint=attempt.size_hint, kept=kept) from exc

