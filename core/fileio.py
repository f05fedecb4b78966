"""Atomic writes: what the app writes appears whole or not at all (DESIGN rule 8)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_replace(
    path: str | os.PathLike, *, suffix: str = ".tmp", durable: bool = True
) -> Iterator[Path]:
    """Yield a temporary path in `path`'s folder to write to; when the block succeeds it is
    flushed to disk (`durable`) and renamed over `path`. On any error the temporary file is
    removed and `path` is left as it was."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if durable:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):  # after the rename there is nothing left to remove
            tmp.unlink()
