"""Images excluded from training, kept in the app's own state for one data folder.

The user's folder is never touched: the list lives in ``<state dir>/exclusions/<key>.json``
(`core.review.state.default_state_dir`). Each change is saved atomically at once, so the list
survives a crash; removing an entry makes the image count again (reversible).

>>> ex = Exclusions.for_folder("~/photos")
>>> ex.add([Path("~/photos/cat/blurry.jpg")], reason="blurry")
>>> ex.paths()          # frozenset of absolute paths
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import BackboneStudioError
from ..fileio import atomic_write, open_for_reading
from ..messages import define
from .state import absolute, default_state_dir, folder_key

_EXCLUDE_LIST_DOES_NOT = define(
    "error.review.exclude_list_does_not",
    "The exclude list {path} does not exist. Give a text file with one image path per line.",
)
_EXCLUDE_LIST_CANNOT_READ = define(
    "error.review.exclude_list_cannot_read",
    "The exclude list {path} cannot be read: {error}.",
)
_LIST_IMAGES_EXCLUDED_TRAINING = define(
    "error.review.list_images_excluded_training",
    "The list of images excluded from training for {root} ({file}) cannot be read ({exc}). "
    "Delete that file to start a new list.",
)


FORMAT_VERSION = 1


@dataclass(frozen=True)
class Excluded:
    """One excluded image: its absolute path, why, and when (seconds since the epoch)."""

    path: Path
    reason: str
    added: float


class Exclusions:
    """The excluded images of one data folder. Build it with :meth:`for_folder`."""

    def __init__(self, root: str | os.PathLike, file: str | os.PathLike) -> None:
        self.root = absolute(Path(root).expanduser())
        self.file = Path(file)
        self._entries: dict[Path, Excluded] = {}

    @classmethod
    def for_folder(
        cls, root: str | os.PathLike, state_dir: str | os.PathLike | None = None
    ) -> Exclusions:
        """The exclusions of the data folder `root`, read from the app's state folder (empty
        when there are none yet). `state_dir` overrides the state folder (tests)."""
        base = Path(state_dir) if state_dir is not None else default_state_dir()
        self = cls(root, base / "exclusions" / f"{folder_key(root)}.json")
        self._load()
        return self

    # -- reading -------------------------------------------------------------------------
    def paths(self) -> frozenset[Path]:
        """Every excluded image, as an absolute path."""
        return frozenset(self._entries)

    def entries(self) -> list[Excluded]:
        """Every excluded image with its reason, oldest first."""
        return sorted(self._entries.values(), key=lambda e: (e.added, str(e.path)))

    def reason(self, path: str | os.PathLike) -> str | None:
        entry = self._entries.get(self._normal(path))
        return entry.reason if entry else None

    def __contains__(self, path: object) -> bool:
        return isinstance(path, (str, os.PathLike)) and self._normal(path) in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    # -- changing (each change is saved atomically) -----------------------------------------
    def add(self, paths: Iterable[str | os.PathLike], reason: str = "") -> list[Path]:
        """Exclude `paths` (relative paths are under the data folder); returns those that were
        not excluded before. An image already excluded keeps its first reason."""
        now = time.time()
        before = dict(self._entries)
        added = []
        for path in paths:
            key = self._normal(path)
            if key not in self._entries:
                self._entries[key] = Excluded(key, str(reason), now)
                added.append(key)
        if added:
            self._save(before)
        return added

    def remove(self, paths: Iterable[str | os.PathLike]) -> list[Path]:
        """Count `paths` again; returns those that were excluded."""
        before = dict(self._entries)
        removed = [k for k in (self._normal(p) for p in paths) if self._entries.pop(k, None)]
        if removed:
            self._save(before)
        return removed

    def clear(self) -> list[Path]:
        """Count every image again; returns what was excluded."""
        return self.remove(list(self._entries))

    # -- storage ---------------------------------------------------------------------------
    def _normal(self, path: str | os.PathLike) -> Path:
        path = Path(path).expanduser()
        return absolute(path if path.is_absolute() else self.root / path)

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def _load(self) -> None:
        if not self.file.exists():
            return
        try:
            with open_for_reading(self.file, "the exclusion list") as handle:
                data = json.loads(handle.read().decode("utf-8"))
            rows = data["excluded"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BackboneStudioError(
                _LIST_IMAGES_EXCLUDED_TRAINING(root=self.root, file=self.file, exc=exc)
            ) from exc
        for row in rows:
            key = self._normal(row["path"])
            self._entries[key] = Excluded(key, str(row.get("reason", "")), float(row.get("added", 0)))

    def _save(self, before: dict[Path, Excluded]) -> None:
        """Write the list; when the disk refuses, the list stays as it was (`before`)."""
        try:
            self._write()
        except BaseException:
            self._entries = before
            raise

    def _write(self) -> None:
        data = {
            "version": FORMAT_VERSION,
            "root": str(self.root),
            "excluded": [
                {"path": self._relative(e.path), "reason": e.reason, "added": e.added}
                for e in self.entries()
            ],
        }
        text = json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8", "surrogateescape")
        with atomic_write(self.file, make_folder=True, size_hint=len(text)) as handle:
            handle.write(text)


def read_exclude_list(path: str | os.PathLike) -> set[Path]:
    """The paths of an exclude-list file (`train --exclude-list FILE`): one path per line, UTF-8;
    blank lines and lines starting with ``#`` are skipped. Paths are returned as written: an
    absolute path as it is, a relative one is relative to the data folder (see
    `core.dataset.exclude_samples`)."""
    path = Path(path)
    try:
        with open_for_reading(path, "the exclude list") as handle:
            text = handle.read().decode("utf-8-sig", "surrogateescape")
    except FileNotFoundError as exc:
        raise BackboneStudioError(
            _EXCLUDE_LIST_DOES_NOT(path=path)
        ) from exc
    except OSError as exc:
        raise BackboneStudioError(
            _EXCLUDE_LIST_CANNOT_READ(path=path, error=exc.strerror or exc)
        ) from exc
    result = set()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            result.add(Path(line).expanduser())
    return result
