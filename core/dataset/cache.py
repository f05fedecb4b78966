"""The decoded-image cache: images decoded once, kept in memory and spilled to disk."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from PIL import Image

from core import image_reasons as reasons
from core.errors import ImageLoadError, NotAFileError
from core.fileio import atomic_write, default_cache_dir, free_bytes, open_for_reading
from core.images import LOADER_VERSION, load_image

log = logging.getLogger(__name__)

SPILL_BUDGET = 10 * 2**30
"""Most bytes of decoded images kept on disk between runs (all datasets together)."""
SPILL_MIN_FREE_DISK = 2 * 2**30
"""Decoded images are not spilled once the cache disk would keep less free space than this."""


class DecodedImageCache:
    """Decoded images, resized once so the short side <= ``short_side``, kept as uint8 arrays.

    ``get`` decodes with ``load_image(path, target_size=short_side)`` (JPEG draft decoding),
    downscales (never upscales) and keeps the array in memory, least recently used first out
    once ``memory_budget`` bytes are exceeded. Evicted images spill to ``spill_dir`` (default
    ``default_cache_dir()/"decoded"``) as ``.npy`` files named by a hash of (real path, size,
    mtime_ns, short_side, loader version) and written atomically (temp file + ``os.replace``),
    so an edited file is never served stale, nor one decoded by an older loader, and a later
    run (or process) can reuse them.

    The spill folder is shared by every dataset and run, so it is kept to ``spill_budget``
    bytes: when a spill would pass it, the files least recently used (by mtime, which a hit
    refreshes) go first, but never one written or read by this instance; when everything left
    is this instance's, further images are simply not spilled (they are decoded again when
    needed). Nothing is spilled either once the disk would keep less than ``min_free_disk``.

    Thread-safe. A file deleted after it was cached is still served from the cache; one that is
    not in the cache raises :class:`~core.errors.ImageLoadError`.
    """

    def __init__(
        self,
        short_side: int = 288,
        memory_budget: int = 2 * 2**30,
        spill_dir: Path | None = None,
        spill_budget: int = SPILL_BUDGET,
        min_free_disk: int = SPILL_MIN_FREE_DISK,
    ):
        if short_side < 1:
            raise ValueError("short_side must be positive")
        self.short_side = int(short_side)
        self.memory_budget = int(memory_budget)
        self.spill_dir = (
            Path(spill_dir) if spill_dir is not None else default_cache_dir() / "decoded"
        )
        self.spill_budget = int(spill_budget)
        self.min_free_disk = int(min_free_disk)
        self._spill_bytes: int | None = None  # measured on the first spill
        self._spill_mine: set[str] = set()  # keys this instance wrote or read: never pruned
        self._spill_full_logged = False
        self._spill_failed = False
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._memory_bytes = 0
        self._known: dict[str, str] = {}  # real path -> key of its last decoded version
        self._lock = threading.RLock()
        self.hits = 0
        self.misses = 0

    # -- keys ----------------------------------------------------------------------------
    def _key(self, path: Path) -> tuple[str, str | None]:
        """(real path, key of the file as it is now, or None if it cannot be stat'ed)."""
        real = os.path.realpath(path)
        try:
            st = os.stat(real)
        except OSError:
            return real, None
        ident = (f"{real}\x1f{st.st_size}\x1f{st.st_mtime_ns}\x1f{self.short_side}"
                 f"\x1f{LOADER_VERSION}")  # fmt: skip
        return real, hashlib.sha256(ident.encode("utf-8", "surrogateescape")).hexdigest()[:40]

    def _spill_path(self, key: str) -> Path:
        return self.spill_dir / key[:2] / f"{key}.npy"

    # -- public API ----------------------------------------------------------------------
    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str | os.PathLike):
            return False
        real, key = self._key(Path(path))
        with self._lock:
            key = key or self._known.get(real)
            if key is None:
                return False
            if key in self._memory:
                return True
        return self._spill_path(key).is_file()

    def __len__(self) -> int:
        with self._lock:
            return len(self._memory)

    @property
    def memory_bytes(self) -> int:
        with self._lock:
            return self._memory_bytes

    def get(self, path: str | os.PathLike) -> Image.Image:
        """The decoded, downscaled RGB image of ``path``; ImageLoadError if it cannot be read."""
        path = Path(path)
        real, key = self._key(path)
        if key is None:
            # gone (or unreadable) now: serve the version decoded earlier, if there is one
            with self._lock:
                key = self._known.get(real)
            if key is None:
                return Image.fromarray(self._decode(path))  # raises the precise ImageLoadError
            arr = self._lookup(key)
            if arr is None:
                raise ImageLoadError(path, reasons.VANISHED())
            with self._lock:
                self.hits += 1
            return Image.fromarray(arr)
        arr = self._lookup(key)
        if arr is None:
            arr = self._decode(path)
            self._store(key, arr)
            with self._lock:
                self.misses += 1
        else:
            with self._lock:
                self.hits += 1
        with self._lock:
            self._known[real] = key
        return Image.fromarray(arr)

    def clear(self) -> None:
        """Forget everything held in memory (spilled files stay for later runs)."""
        with self._lock:
            self._memory.clear()
            self._memory_bytes = 0

    def flush(self) -> None:
        """Write every image held in memory to the spill folder too (e.g. before starting
        DataLoader worker processes with the spawn start method, which get no memory tier)."""
        with self._lock:
            items = list(self._memory.items())
        for key, arr in items:
            self._spill(key, arr)

    def __getstate__(self) -> dict:
        # a copy sent to another process shares the spill folder, not the memory tier or lock
        state = self.__dict__.copy()
        del state["_lock"]
        state["_memory"] = OrderedDict()
        state["_memory_bytes"] = 0
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # -- internals -----------------------------------------------------------------------
    def _decode(self, path: Path) -> np.ndarray:
        image = load_image(path, target_size=self.short_side)
        w, h = image.size
        short = min(w, h)
        if short > self.short_side:
            scale = self.short_side / short
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            if w <= h:
                size = (self.short_side, size[1])
            else:
                size = (size[0], self.short_side)
            image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=3.0)
        arr = np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
        arr.flags.writeable = False
        return arr

    def _lookup(self, key: str) -> np.ndarray | None:
        with self._lock:
            arr = self._memory.get(key)
            if arr is not None:
                self._memory.move_to_end(key)
                return arr
        spill = self._spill_path(key)
        try:
            with open_for_reading(spill, "a decoded image") as handle:
                arr = np.load(handle, allow_pickle=False)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError, NotAFileError) as exc:
            log.warning("damaged cache file %s (%s); decoding again", spill, exc)
            try:
                spill.unlink()
            except OSError:
                pass
            return None
        if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3:
            return None
        arr.flags.writeable = False
        with self._lock:
            self._spill_mine.add(key)
        try:
            os.utime(spill)  # recently used: the last to be pruned
        except OSError:
            pass
        self._store(key, arr, spilled=True)
        return arr

    def _store(self, key: str, arr: np.ndarray, spilled: bool = False) -> None:
        evicted: list[tuple[str, np.ndarray]] = []
        with self._lock:
            if arr.nbytes > self.memory_budget:
                evicted.append((key, arr))
            elif key not in self._memory:
                self._memory[key] = arr
                self._memory_bytes += arr.nbytes
                while self._memory_bytes > self.memory_budget:
                    old_key, old = self._memory.popitem(last=False)
                    self._memory_bytes -= old.nbytes
                    evicted.append((old_key, old))
        for old_key, old in evicted:
            if not (spilled and old_key == key):
                self._spill(old_key, old)

    def _spill(self, key: str, arr: np.ndarray) -> None:
        target = self._spill_path(key)
        if target.exists():
            return
        with self._lock:
            if not self._make_room(arr.nbytes):
                return
            self._spill_mine.add(key)
            self._spill_bytes = (self._spill_bytes or 0) + arr.nbytes
        try:
            # a cache: no fsync, a file lost in a crash only costs a re-decode
            with atomic_write(target, durable=False, size_hint=arr.nbytes + 128,
                              make_folder=True) as f:  # fmt: skip
                np.save(f, arr, allow_pickle=False)
        except OSError as exc:  # DiskWriteError: a full or read-only cache disk costs re-decodes
            with self._lock:
                self._spill_bytes = (self._spill_bytes or 0) - arr.nbytes
                self._spill_mine.discard(key)
                self._spill_failed = True
                self._spill_refused(str(exc))

    def _make_room(self, nbytes: int) -> bool:
        """Whether ``nbytes`` more may be spilled, pruning other runs' files to make room.
        Called with the lock held."""
        if self._spill_failed:  # the cache disk refused a write: not tried again in this run
            return False
        free = free_bytes(self.spill_dir)
        if free is not None and free - nbytes < self.min_free_disk:
            return self._spill_refused(
                f"the disk keeps less than {self.min_free_disk / 2**30:.1f} GiB free"
            )
        if self._spill_bytes is None:
            self._spill_bytes = sum(size for _path, size, _mtime in self._spill_files())
        if self._spill_bytes + nbytes <= self.spill_budget:
            return True
        # oldest first, down to 90 % of the budget so that pruning is not repeated per image
        goal = int(self.spill_budget * 0.9) - nbytes
        for path, size, _mtime in sorted(self._spill_files(), key=lambda f: f[2]):
            if self._spill_bytes <= goal:
                break
            if path.stem in self._spill_mine:
                continue
            try:
                path.unlink()
            except OSError:
                continue
            self._spill_bytes -= size
        if self._spill_bytes + nbytes <= self.spill_budget:
            return True
        return self._spill_refused(f"it holds its limit of {self.spill_budget / 2**30:.1f} GiB")

    def _spill_refused(self, why: str) -> bool:
        if not self._spill_full_logged:
            self._spill_full_logged = True
            log.warning(
                "decoded images are no longer kept in %s: %s; images that do not fit "
                "in memory are decoded again when needed",
                self.spill_dir,
                why,
            )
        return False

    def _spill_files(self) -> list[tuple[Path, int, float]]:
        """(path, size, mtime) of every spilled image."""
        found = []
        if not self.spill_dir.is_dir():
            return found
        for sub in os.scandir(self.spill_dir):
            if not sub.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(sub.path):
                if entry.name.endswith(".npy") and entry.is_file(follow_symlinks=False):
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    found.append((Path(entry.path), st.st_size, st.st_mtime))
        return found
