"""The app's persisted preferences: a small typed wrapper over QSettings.

Where they live:
- env `BACKBONE_STUDIO_CONFIG` set (tests, portable installs): `<that folder>/backbone-studio.ini`
  in IniFormat, so tests never touch the user's real settings;
- otherwise the platform's usual place (registry / plist / ~/.config) for the organisation
  "Backbone Studio" and application "Backbone Studio".

Values come back with the right type (QSettings' ini backend returns strings), and a damaged
value falls back to the default instead of raising.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from core.fileio import default_cache_dir

ORGANIZATION = "Backbone Studio"
APPLICATION = "Backbone Studio"
CONFIG_ENV = "BACKBONE_STUDIO_CONFIG"
MAX_RECENT_MODELS = 8


def config_dir() -> Path:
    """The folder for settings and logs (created on demand)."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        path = Path(env)
    else:
        location = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppConfigLocation
        )
        path = Path(location) if location else Path.home() / ".config" / "backbone-studio"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """The folder for things the app can recreate (log, decoded images); created on demand.
    The same folder core uses (`core.fileio.default_cache_dir`), so there is only one."""
    path = default_cache_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    """Where uncaught exceptions and warnings are logged."""
    return cache_dir() / "backbone-studio.log"


class Settings:
    """Typed access to the app's QSettings. Cheap to create; all instances share one store."""

    def __init__(self, qsettings: QSettings | None = None):
        if qsettings is None:
            if os.environ.get(CONFIG_ENV):
                qsettings = QSettings(
                    str(config_dir() / "backbone-studio.ini"), QSettings.Format.IniFormat
                )
            else:
                qsettings = QSettings(ORGANIZATION, APPLICATION)
        self.qsettings = qsettings

    # -- generic access (also used by the Train page for its own keys) -------------------------
    def value(self, key: str, default: Any = None, type: type | None = None) -> Any:
        """The stored value converted to `type` (or to the default's type); default if absent."""
        raw = self.qsettings.value(key, None)
        if raw is None:
            return default
        wanted = type if type is not None else (None if default is None else default.__class__)
        if wanted is None:
            return raw
        try:
            if wanted is bool:
                if isinstance(raw, str):
                    return raw.strip().lower() in ("1", "true", "yes", "on")
                return bool(raw)
            if wanted is list:
                if isinstance(raw, str):  # ini stores a one-element list as a plain string
                    return [raw] if raw else []
                return list(raw)
            if wanted is QByteArray:
                return raw if isinstance(raw, QByteArray) else QByteArray(raw)
            return wanted(raw)
        except (TypeError, ValueError):
            return default

    def set_value(self, key: str, value: Any) -> None:
        self.qsettings.setValue(key, value)

    def remove(self, key: str) -> None:
        self.qsettings.remove(key)

    def sync(self) -> None:
        self.qsettings.sync()

    # -- folders ------------------------------------------------------------------------------
    def last_folder(self, kind: str) -> str:
        """The folder last used for `kind` ("images", "models", "dataset", "export"), or home."""
        folder = self.value(f"folders/{kind}", "", str)
        if folder and Path(folder).is_dir():
            return folder
        return str(Path.home())

    def set_last_folder(self, kind: str, path: str | os.PathLike) -> None:
        """Remember the folder of `path` (a file's parent, or the folder itself)."""
        p = Path(path)
        folder = p if p.is_dir() else p.parent
        self.set_value(f"folders/{kind}", str(folder))

    # -- model / training choices ---------------------------------------------------------------
    @property
    def backbone(self) -> str:
        from core.training.automatic import AUTO

        return self.value("training/backbone", AUTO, str)

    @backbone.setter
    def backbone(self, name: str) -> None:
        self.set_value("training/backbone", name)

    @property
    def imagenet_backbone(self) -> str:
        """The backbone last used for the ImageNet classifier ("" = the first one cached)."""
        return self.value("classify/imagenet_backbone", "", str)

    @imagenet_backbone.setter
    def imagenet_backbone(self, name: str) -> None:
        self.set_value("classify/imagenet_backbone", name)

    # -- recent models ----------------------------------------------------------------------------
    def recent_models(self) -> list[str]:
        """Most recent first; files that no longer exist are dropped."""
        paths = [p for p in self.value("models/recent", [], list) if isinstance(p, str) and p]
        return [p for p in paths if Path(p).is_file()][:MAX_RECENT_MODELS]

    def add_recent_model(self, path: str | os.PathLike) -> list[str]:
        resolved = str(Path(path).resolve())
        recent = [p for p in self.recent_models() if p != resolved]
        recent.insert(0, resolved)
        recent = recent[:MAX_RECENT_MODELS]
        self.set_value("models/recent", recent)
        return recent

    def clear_recent_models(self) -> None:
        self.remove("models/recent")

    # -- window -------------------------------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        value = self.value("window/geometry", None, QByteArray)
        return value if value is not None and not value.isEmpty() else None

    def window_state(self) -> QByteArray | None:
        value = self.value("window/state", None, QByteArray)
        return value if value is not None and not value.isEmpty() else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.set_value("window/geometry", geometry)
        self.set_value("window/state", state)

    @property
    def current_page(self) -> int:
        return self.value("window/page", 0, int)

    @current_page.setter
    def current_page(self, index: int) -> None:
        self.set_value("window/page", int(index))
