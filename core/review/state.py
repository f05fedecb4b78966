"""Where the app keeps its own state about a user's folders (never inside the folder itself)."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

STATE_ENV = "BACKBONE_STUDIO_STATE"


def default_state_dir() -> Path:
    """The app's state folder: ``$BACKBONE_STUDIO_STATE`` if set, else the platform's user data
    folder (``~/.local/share/backbone-studio`` on Linux, ``~/Library/Application Support/
    backbone-studio`` on macOS, ``%APPDATA%\\backbone-studio`` on Windows)."""
    env = os.environ.get(STATE_ENV)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":  # pragma: no cover - Windows only
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "backbone-studio"
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        return Path.home() / "Library" / "Application Support" / "backbone-studio"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "backbone-studio"


def folder_key(root: str | os.PathLike) -> str:
    """A stable file-name-safe key for a data folder (its resolved path, hashed)."""
    resolved = str(Path(root).expanduser().resolve())
    return hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def absolute(path: str | os.PathLike) -> Path:
    """`path` made absolute and normalised without following links (cheap, no disk access)."""
    return Path(os.path.abspath(os.fspath(path)))
