"""Reading files: a named pipe, socket, device or folder is refused before it is opened (a pipe
would block forever), with an error naming it."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ..errors import NotAFileError

_KINDS = (
    (stat.S_ISDIR, "is a folder, not {what}"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not {what}; it was not opened (reading a pipe can "
                    "wait forever)"),
    (stat.S_ISSOCK, "is a socket, not {what}"),
    (stat.S_ISCHR, "is a device (like /dev/zero), not {what}"),
    (stat.S_ISBLK, "is a disk device, not {what}"),
)  # fmt: skip

ErrorFactory = Callable[[Path, str], Exception]


def not_a_file_reason(mode: int, what: str = "a file") -> str | None:
    """Why a file of this `st_mode` must not be read as `what` ("an image"); None for a
    regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, reason in _KINDS:
        if test(mode):
            return reason.format(what=what)
    return f"is not a regular file, so not {what}"


def check_regular_file(path: str | os.PathLike, what: str = "a file",
                       error: ErrorFactory = NotAFileError) -> os.stat_result:  # fmt: skip
    """`os.stat(path)` (links followed, nothing opened) of a regular file; `error(path,
    reason)` (default NotAFileError) for a FIFO, socket, device or folder. OSError (missing,
    no permission) passes through for the caller to word."""
    path = Path(path)
    st = os.stat(path)
    reason = not_a_file_reason(st.st_mode, what)
    if reason is not None:
        raise error(path, reason)
    return st


def open_for_reading(path: str | os.PathLike, what: str = "a file",
                     error: ErrorFactory = NotAFileError) -> IO[bytes]:  # fmt: skip
    """Open a regular file for reading in binary mode, never blocking on a special file: it is
    checked before it is opened, and again once open (something swapped in meanwhile)."""
    path = Path(path)
    check_regular_file(path, what, error)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        reason = not_a_file_reason(os.fstat(fd).st_mode, what)
        if reason is not None:
            raise error(path, reason)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise

