"""The one place where the app writes files and opens files for reading (DESIGN rule 8), and
where it keeps what it can recreate. No torch here: the GUI uses it before torch is loaded.

Writing: `atomic_write` (a file object) and `atomic_replace` (a temporary path, for libraries
that write to a file name) write beside the target, fsync and rename over it; a failed write
leaves the previous file as it was and no temporary file. Every failure becomes one
`DiskWriteError` naming the file, the space still needed on a full disk where known, and what
was kept. `open_for_append` is the same for the app's log; `check_output_folder` tells before a
long job whether a folder can be written and roughly has room.

Reading: `check_regular_file` / `open_for_reading` refuse a named pipe, socket, device or folder
before it is opened (opening a FIFO blocks forever), with a `NotAFileError` naming it.

Faults: `inject_write_fault(errno, at_write=n)` makes the n-th write through this module fail
the way a full, read-only or failing disk does; tests use it instead of patching internals.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .failures import free_bytes, nearest_existing, os_error_in, write_error
from .faults import WriteFault, inject_write_fault
from .reading import ErrorFactory, check_regular_file, not_a_file_reason, open_for_reading
from .writing import (
    PROBE_NAME,
    atomic_replace,
    atomic_write,
    check_output_folder,
    current_umask,
    open_for_append,
    write_text_atomic,
)

__all__ = [
    "PROBE_NAME",
    "ErrorFactory",
    "WriteFault",
    "atomic_replace",
    "atomic_write",
    "check_output_folder",
    "check_regular_file",
    "current_umask",
    "default_cache_dir",
    "free_bytes",
    "inject_write_fault",
    "nearest_existing",
    "not_a_file_reason",
    "open_for_append",
    "open_for_reading",
    "os_error_in",
    "write_error",
    "write_text_atomic",
]


def default_cache_dir() -> Path:
    """The app's cache folder: ``$BACKBONE_STUDIO_CACHE`` if set, else the platform user cache
    (``~/.cache/backbone-studio`` on Linux, ``~/Library/Caches/backbone-studio`` on macOS,
    ``%LOCALAPPDATA%\\backbone-studio\\Cache`` on Windows). Never inside the user's data."""
    env = os.environ.get("BACKBONE_STUDIO_CACHE")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":  # pragma: no cover - Windows only
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "backbone-studio" / "Cache"
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        return Path.home() / "Library" / "Caches" / "backbone-studio"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "backbone-studio"
