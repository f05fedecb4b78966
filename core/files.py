"""Finding image files in folders: the one place that decides which entries are skipped.

Shared by the dataset scan (:func:`core.dataset.scan_folder`, through :class:`FolderWalk`) and by
prediction (:func:`expand_paths`), so both skip the same hidden files and OS leftovers:

* hidden entries (``.*``, which covers AppleDouble ``._*`` files, ``.DS_Store`` and
  ``.ipynb_checkpoints``) and the names in :data:`JUNK_NAMES` (``__MACOSX``, ``Thumbs.db``,
  ``desktop.ini``, ...) are never images; the scan also skips entries with the Windows hidden
  or system attribute;
* entries are visited in name order, depth first.

Nothing here opens an image for decoding; :func:`expand_paths` only reads a file's header
(:func:`core.images.sniff_format`) when its suffix does not say it is an image.
"""

from __future__ import annotations

import errno
import os
import stat as stat_module
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import image_reasons as reasons
from . import images
from .fileio import not_a_file_reason

JUNK_NAMES = frozenset(
    {"__macosx", "thumbs.db", "desktop.ini", "ehthumbs.db", "$recycle.bin",
     "system volume information", "@eadir", "__pycache__"}
)  # fmt: skip
"""Lower-cased names that are never classes or samples (besides anything starting with '.')."""


def is_junk(name: str) -> bool:
    """Hidden entries and OS droppings (__MACOSX, Thumbs.db, ...), judged by name alone."""
    return name.startswith(".") or name.lower() in JUNK_NAMES


def is_ignored(entry: os.DirEntry) -> bool:
    """:func:`is_junk`, or (on Windows) an entry with the hidden or system attribute."""
    if is_junk(entry.name):
        return True
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            attrs = entry.stat(follow_symlinks=False).st_file_attributes
        except (OSError, AttributeError):
            return False
        return bool(attrs & (stat_module.FILE_ATTRIBUTE_HIDDEN | stat_module.FILE_ATTRIBUTE_SYSTEM))
    return False


def sorted_entries(folder: Path) -> list[os.DirEntry]:
    """The entries of ``folder`` in name order (OSError if it cannot be listed)."""
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


# --------------------------------------------------------------------------------------------
# walking a tree for the scan
# --------------------------------------------------------------------------------------------


@dataclass
class FolderWalk:
    """Walks folders the way the dataset scan does, and keeps what it met on the way.

    Symbolic links are followed, but a folder whose real path was already visited is not entered
    again (the link goes to ``ignored``, with a warning), so symlink loops terminate. Ignored
    entries (:func:`is_ignored`) go to ``ignored`` and are not looked into. Entries that are not
    regular files (broken links, devices, pipes) and folders that cannot be listed go to
    ``unusable`` as ``(path, reason)``.
    """

    visited: set[str] = field(default_factory=set)  # real paths of folders entered
    ignored: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unusable: list[tuple[Path, str]] = field(default_factory=list)

    def list_folder(self, folder: Path) -> tuple[list[Path], list[os.DirEntry]]:
        """(subfolders, other entries) of ``folder``, in name order. Ignored entries, and a
        second link to a folder already visited (a symlink loop), go to ``ignored`` instead.
        OSError when ``folder`` cannot be listed."""
        folders: list[Path] = []
        others: list[os.DirEntry] = []
        for entry in sorted_entries(folder):
            path = Path(entry.path)
            if is_ignored(entry):
                self.ignored.append(path)
            elif not _is_dir(entry):
                others.append(entry)
            elif self._enter(path):
                folders.append(path)
        return folders, others

    def files_under(
        self, folder: Path, before_each: Callable[[], None] | None = None
    ) -> list[Path]:
        """Every regular file under ``folder`` (recursively, depth first, in name order).

        ``before_each()`` is called before each folder is listed (it may raise to stop the walk,
        e.g. on cancel).
        """
        found: list[Path] = []
        stack = [folder]
        while stack:
            if before_each is not None:
                before_each()
            current = stack.pop()
            try:
                subfolders, others = self.list_folder(current)
            except OSError as exc:
                self.unusable.append(
                    (current, reasons.FOLDER_UNREADABLE(error=str(exc.strerror or exc)))
                )
                continue
            for entry in others:
                path = Path(entry.path)
                reason = _not_a_file_reason(entry)
                if reason is None:
                    found.append(path)
                else:
                    self.unusable.append((path, reason))
            stack.extend(reversed(subfolders))  # depth-first, in name order
        return found

    def _enter(self, path: Path) -> bool:
        """Mark ``path`` visited; False (and ignored, with a warning) if it already was."""
        real = os.path.realpath(path)
        if real in self.visited:
            self.ignored.append(path)
            self.warnings.append(reasons.LINKED_TWICE(path=path))
            return False
        self.visited.add(real)
        return True


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows symlinks
    except OSError:
        return False


def _not_a_file_reason(entry: os.DirEntry) -> str | None:
    """None for a regular file (links followed), else why the entry is not one: a broken or
    looping link, or a pipe, socket or device (core.fileio's words; never opened)."""
    try:
        if entry.is_file():
            return None
        st = os.stat(entry.path)  # links followed; nothing is opened
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return reasons.LINK_LOOP()
        if entry.is_symlink():
            return reasons.BROKEN_LINK()
        return reasons.UNREADABLE(error=str(exc.strerror or exc))
    return not_a_file_reason(st.st_mode, "an image") or reasons.NOT_REGULAR()


# --------------------------------------------------------------------------------------------
# files to classify
# --------------------------------------------------------------------------------------------


def looks_like_image(path: Path) -> bool:
    """By suffix (so a broken .jpg still gets its error row) or, failing that, by content."""
    suffixes = {s.lower() for s in images.IMAGE_SUFFIXES}
    if path.suffix.lower() in suffixes:
        return True
    try:
        return images.sniff_format(path) is not None  # by content: no or odd suffix
    except OSError:
        return False


def expand_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Files to classify: folders recurse (sorted, hidden and junk entries skipped).

    Files named explicitly are always kept, in the order given, so that a file that cannot be
    read still gets its error result. Inside folders, a file counts as an image by its suffix or,
    failing that, by its content. Duplicates are dropped.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    result: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = Path(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            result.append(path)

    for raw in paths:
        path = Path(raw).expanduser()
        if not path.is_dir():
            add(path)
            continue
        for candidate in _images_in(path):
            add(candidate)
    return result


def _images_in(folder: Path) -> Iterable[Path]:
    """Image files under ``folder`` (os.walk order: sorted, junk skipped, links not followed)."""
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not is_junk(d))
        for name in sorted(files):
            if is_junk(name):
                continue
            candidate = Path(current) / name
            if candidate.is_file() and looks_like_image(candidate):
                yield candidate
