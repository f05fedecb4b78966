"""Where the app keeps what it can recreate, and atomic writes: what the app writes appears
whole or not at all (DESIGN rule 8). No torch here: the GUI uses it before torch is loaded."""

from __future__ import annotations

import contextlib
import os
import sys
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
        # mkstemp makes the file private (0600); the file written is the user's, so it gets the
        # permissions of a file replaced in place, or else those the umask gives a new file.
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):  # after the rename there is nothing left to remove
            tmp.unlink()


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
