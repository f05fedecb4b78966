"""Putting one file into its folder: never overwriting, never doubling, originals untouched.

`Placer.place(source, folder, sha)` picks the file's name in `folder` (a clash gets " (2)",
" (3)", ...), adopts a file already there with the same content (a sort killed after the copy
but before its manifest row), and makes the file: a hard link where asked and allowed (falling
back to a copy across file systems or where links are refused), else an atomic copy through
core.fileio with the original's modification time. Names are reserved under a lock, so the
worker threads never pick the same one.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import threading
from pathlib import Path

from ..fileio import atomic_write, open_for_reading, write_error

_CHUNK = 1 << 20
_LINK_REFUSED = {errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK, errno.ENOTSUP,
                 getattr(errno, "EOPNOTSUPP", errno.ENOTSUP), errno.ENOSYS}  # fmt: skip
# atomic_write's temporary files (".NAME.xxxxxxxx.tmp"): a killed copy leaves one behind
_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open_for_reading(path, "an image") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def folder_name(label: str) -> str:
    """A class name as a folder name on every platform (no separators, not '.' or '..')."""
    name = _UNSAFE.sub("_", str(label)).strip().rstrip(".")
    return name if name and name not in (".", "..") else "_unnamed"


def remove_stale_temporaries(folder: Path) -> int:
    """Delete the temporary files a killed copy left in `folder` (our own, by their pattern)."""
    removed = 0
    if not folder.is_dir():
        return 0
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) and _TEMP.match(entry.name):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


class Placer:
    """Places files under `dest`; `mode` is "copy", "link" or "move" (link, else copy)."""

    def __init__(self, dest: Path, mode: str, claimed: set[str]):
        self.dest = Path(dest)
        self.mode = mode
        self.claimed = claimed  # destinations (relative, "/") the manifest already holds
        self._reserved: set[str] = set()
        self._lock = threading.Lock()
        self.links_refused = mode == "copy"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.dest).as_posix()

    def place(self, source: Path, folder: Path) -> tuple[Path, bool, str]:
        """(where the file now is, whether an identical file there was adopted, its sha256).
        A copy hashes what it copies (one read of the original); a link or a clash reads it
        once more."""
        known = _Hash(source)
        target, adopted = self._reserve(source, folder, known)
        if adopted:
            return target, True, known.value()
        try:
            digest = self._make(source, target)
        finally:
            with self._lock:
                self._reserved.discard(self.relative(target))
                self.claimed.add(self.relative(target))
        return target, False, digest or known.value()

    def _reserve(self, source: Path, folder: Path, sha: _Hash) -> tuple[Path, bool]:
        size = os.stat(source).st_size
        stem, suffix = source.stem, source.suffix
        folder.mkdir(parents=True, exist_ok=True)
        number = 1
        with self._lock:
            while True:
                name = source.name if number == 1 else f"{stem} ({number}){suffix}"
                candidate = folder / name
                rel = self.relative(candidate)
                number += 1
                if rel in self.claimed or rel in self._reserved:
                    continue
                if os.path.lexists(candidate):
                    if self._same(candidate, size, sha):
                        self.claimed.add(rel)
                        return candidate, True
                    continue
                self._reserved.add(rel)
                return candidate, False

    @staticmethod
    def _same(candidate: Path, size: int, sha: _Hash) -> bool:
        try:
            return candidate.is_file() and candidate.stat().st_size == size and (
                sha256_of(candidate) == sha.value()
            )
        except OSError:
            return False

    def _make(self, source: Path, target: Path) -> str | None:
        """Link or copy; the sha256 when it was computed on the way (a copy)."""
        if not self.links_refused:
            try:
                os.link(source, target)
                return None
            except OSError as exc:
                if exc.errno not in _LINK_REFUSED:
                    raise write_error(target, exc) from None
                self.links_refused = True  # another file system, or no links there: copy
        return self._copy(source, target)

    @staticmethod
    def _copy(source: Path, target: Path) -> str:
        st = os.stat(source)
        digest = hashlib.sha256()
        with open_for_reading(source, "an image") as reader, atomic_write(
            target, size_hint=st.st_size, kept="The original is unchanged."
        ) as writer:
            for chunk in iter(lambda: reader.read(_CHUNK), b""):
                digest.update(chunk)
                writer.write(chunk)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
        return digest.hexdigest()


class _Hash:
    """A file's sha256, computed the first time it is needed."""

    def __init__(self, path: Path):
        self.path = path
        self._value: str | None = None

    def value(self) -> str:
        if self._value is None:
            self._value = sha256_of(self.path)
        return self._value
