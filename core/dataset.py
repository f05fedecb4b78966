"""Class-per-folder datasets: scanning, splitting, the decoded-image cache and transforms.

``scan_folder(root)`` reads a folder with one subfolder per class (or ``train/`` + ``val/``
subfolders that each hold one subfolder per class), decodes every candidate file exactly once
in a thread pool and returns a :class:`ScanResult`: the :class:`DatasetIndex` of usable images,
the problems (file + human reason), warnings about the data, and what it ignored. It never
writes anything into the scanned folder.

Layout rules
------------
* A class is a top-level subfolder; images in nested subfolders belong to their top-level class.
* Hidden files and folders (``.*``, which covers AppleDouble ``._*`` files, ``.DS_Store`` and
  ``.ipynb_checkpoints``; on Windows also the hidden attribute), ``__MACOSX``, ``Thumbs.db``,
  ``desktop.ini`` and a few other system leftovers are never classes or samples; they are listed
  in ``ScanResult.ignored`` (an ignored folder is listed once and not looked into).
* Files directly in the root (not in any class folder) are listed in ``ignored`` with a warning.
* Symbolic links are followed, but a folder whose real path was already visited is not entered
  again, so symlink loops terminate (the link is listed in ``ignored``).
* A root with a ``train/`` subfolder and a ``val/`` (or ``valid/``, ``validation/``, ``test/``)
  subfolder is its own split: classes come from ``train/``; validation classes that are not in
  ``train/`` are ignored with a warning.
* Files are recognised by content: every other file is decoded, and a file that is not a readable
  image becomes a :class:`Problem` with the reason.
* Accounting: ``len(samples) + len(val_samples or ()) + len(problems) + len(ignored)`` equals the
  number of entries found (files, plus ignored folders counted once each).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat as stat_module
import sys
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from core.errors import BackboneStudioError, DatasetError, ImageLoadError
from core.events import CancelToken, ProgressCallback, Throttle
from core.fileio import atomic_replace, default_cache_dir
from core.images import LOADER_VERSION, load_image

log = logging.getLogger(__name__)

JUNK_NAMES = frozenset(
    {"__macosx", "thumbs.db", "desktop.ini", "ehthumbs.db", "$recycle.bin",
     "system volume information", "@eadir", "__pycache__"}
)  # fmt: skip
"""Lower-cased names that are never classes or samples (besides anything starting with '.')."""

VAL_FOLDER_NAMES = ("val", "valid", "validation", "test")
"""Validation folder names next to ``train/``, in order of preference."""

MIN_IMAGES_PER_CLASS = 5
IMBALANCE_RATIO = 10.0


class ScanCancelled(BackboneStudioError):
    """Raised by :func:`scan_folder` when its cancel token is set."""


@dataclass(frozen=True)
class Sample:
    path: Path
    label: int


@dataclass(frozen=True)
class Problem:
    path: Path
    reason: str


@dataclass
class DatasetIndex:
    root: Path
    class_names: list[str]
    samples: list[Sample]  # all usable samples (the train part if a split is predefined)
    val_samples: list[Sample] | None = None  # set when the folder had train/ + val/

    def counts(self) -> dict[str, int]:
        """Images per class in ``samples`` (the train part of a predefined split), class order."""
        counter = Counter(s.label for s in self.samples)
        return {name: counter.get(i, 0) for i, name in enumerate(self.class_names)}

    def fingerprint(self) -> str:
        """Hash of class names and every sample's relative path, label, size and mtime.

        Computed from the files as they are now, so it changes when a file is edited, added to
        the index, removed or relabelled (a resumed training refuses a changed dataset).
        """
        digest = hashlib.sha256()
        digest.update("\x1f".join(self.class_names).encode("utf-8", "surrogateescape"))
        for part, samples in (("train", self.samples), ("val", self.val_samples or ())):
            for sample in sorted(samples, key=lambda s: str(s.path)):
                try:
                    rel = sample.path.relative_to(self.root).as_posix()
                except ValueError:
                    rel = sample.path.as_posix()
                try:
                    st = os.stat(sample.path)
                    meta = f"{st.st_size}:{st.st_mtime_ns}"
                except OSError:
                    meta = "missing"
                line = f"\x1e{part}\x1f{rel}\x1f{sample.label}\x1f{meta}"
                digest.update(line.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()


@dataclass
class ScanResult:
    index: DatasetIndex
    problems: list[Problem] = field(default_factory=list)  # unreadable files with reasons
    warnings: list[str] = field(default_factory=list)  # empty/tiny classes, imbalance, ...
    ignored: list[Path] = field(default_factory=list)  # hidden files, __MACOSX, Thumbs.db, ...

    def ignored_file_count(self) -> int:
        """Files the ignored entries stand for: an ignored folder such as __MACOSX/ is listed
        once in `ignored` but counts every file inside it (links count as one)."""
        total = 0
        for path in self.ignored:
            if path.is_symlink() or not path.is_dir():
                total += 1
            else:
                total += sum(len(files) for _root, _dirs, files in os.walk(path))
        return total


# --------------------------------------------------------------------------------------------
# walking the tree
# --------------------------------------------------------------------------------------------


def _is_ignored(entry: os.DirEntry) -> bool:
    name = entry.name
    if name.startswith(".") or name.lower() in JUNK_NAMES:
        return True
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            attrs = entry.stat(follow_symlinks=False).st_file_attributes
        except (OSError, AttributeError):
            return False
        return bool(attrs & (stat_module.FILE_ATTRIBUTE_HIDDEN | stat_module.FILE_ATTRIBUTE_SYSTEM))
    return False


def _sorted_entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


@dataclass
class _Walk:
    """What walking the tree found, before decoding."""

    candidates: list[tuple[Path, str]] = field(default_factory=list)  # (path, class key)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)


def _split_entries(folder: Path, walk: _Walk) -> tuple[list[Path], list[os.DirEntry]]:
    """(subfolders, other entries) of ``folder``, in name order. Ignored entries, and a second
    link to a folder already visited (a symlink loop), go to ``walk.ignored`` instead."""
    folders: list[Path] = []
    others: list[os.DirEntry] = []
    for entry in _sorted_entries(folder):
        path = Path(entry.path)
        if _is_ignored(entry):
            walk.ignored.append(path)
            continue
        try:
            is_dir = entry.is_dir()  # follows symlinks
        except OSError:
            is_dir = False
        if not is_dir:
            others.append(entry)
            continue
        real = os.path.realpath(path)
        if real in walk.visited:
            walk.ignored.append(path)
            walk.warnings.append(
                f"{path}: skipped, it links to a folder already scanned "
                "(a symlink loop or a second link to the same folder)"
            )
            continue
        walk.visited.add(real)
        folders.append(path)
    return folders, others


def _walk_class(folder: Path, key: str, walk: _Walk, cancel: CancelToken | None) -> None:
    """Collect every file under ``folder`` (recursively) as a candidate of class ``key``."""
    stack = [folder]
    while stack:
        if cancel is not None and cancel.cancelled:
            raise ScanCancelled("scan cancelled")
        current = stack.pop()
        try:
            subfolders, others = _split_entries(current, walk)
        except OSError as exc:
            walk.problems.append(Problem(current, f"cannot open the folder: {exc.strerror or exc}"))
            continue
        for entry in others:
            path = Path(entry.path)
            try:
                is_file = entry.is_file()
            except OSError:
                is_file = False
            if is_file:
                walk.candidates.append((path, key))
            elif entry.is_symlink():
                walk.problems.append(Problem(path, "broken symbolic link (its target is missing)"))
            else:
                walk.problems.append(Problem(path, "not a regular file (device, pipe or socket)"))
        stack.extend(reversed(subfolders))  # depth-first, in name order


def _top_level(root: Path, walk: _Walk) -> tuple[list[Path], list[Path]]:
    """(class folders, files) directly in ``root``; ignored entries go into ``walk.ignored``."""
    folders, others = _split_entries(root, walk)
    return folders, [Path(entry.path) for entry in others]


def _find_split(folders: list[Path]) -> tuple[Path, Path] | None:
    by_name = {p.name.lower(): p for p in folders}
    if "train" not in by_name:
        return None
    for name in VAL_FOLDER_NAMES:
        if name in by_name:
            return by_name["train"], by_name[name]
    return None


# --------------------------------------------------------------------------------------------
# scanning
# --------------------------------------------------------------------------------------------


SCAN_DRAFT_SIZE = 288
"""Short side JPEGs are draft-decoded to when scanning without a cache (the check is the same)."""


def _default_workers() -> int:
    return max(1, min(16, (os.cpu_count() or 1) + 2))


def _check(path: Path, cache: DecodedImageCache | None, cancel: CancelToken | None) -> str | None:
    """Decode ``path`` once; None when it is a usable image, else the reason it is not."""
    if cancel is not None and cancel.cancelled:
        return None  # result is discarded: the scan raises ScanCancelled
    try:
        if cache is not None:
            cache.get(path)
        else:
            load_image(path, target_size=SCAN_DRAFT_SIZE)
    except ImageLoadError as exc:
        return exc.reason
    except Exception as exc:  # noqa: BLE001 - one odd file must not end the whole scan
        log.exception("unexpected error reading %s", path)
        return f"could not be read ({type(exc).__name__}: {exc})"
    return None


def scan_folder(
    root: str | os.PathLike,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    cache: DecodedImageCache | None = None,
    workers: int | None = None,
) -> ScanResult:
    """Scan a class-per-folder tree (see the module docstring for the rules).

    Every candidate file is fully decoded once in a thread pool (large JPEGs at reduced size);
    when ``cache`` is given the decoded images go into it, so training does not decode again.
    ``progress(done, total)`` is called from the calling thread, at most ~20 times a second plus
    the final call with ``done == total``.

    Cancel: when ``cancel`` is set the scan stops promptly (files being decoded finish, queued
    ones are dropped) and raises :class:`ScanCancelled`; nothing partial is returned.

    Raises :class:`~core.errors.DatasetError` for a missing folder, a file given instead of a
    folder, or fewer than two classes with images. Reads only: nothing is written into ``root``.
    """
    root = Path(root).expanduser()
    if not root.exists():
        raise DatasetError(f"{root}: folder not found — choose an existing folder")
    if not root.is_dir():
        raise DatasetError(
            f"{root}: is a file, not a folder — choose a folder with one subfolder per class"
        )
    root = root.absolute()
    walk = _Walk(visited={os.path.realpath(root)})
    try:
        folders, loose_files = _top_level(root, walk)
    except OSError as exc:
        raise DatasetError(f"{root}: cannot read the folder: {exc.strerror or exc}") from None

    split = _find_split(folders)
    parts: list[tuple[str, Path, list[Path]]] = []  # (part, part root, class folders)
    if split is None:
        parts.append(("train", root, folders))
    else:
        train_dir, val_dir = split
        for extra in folders:
            if extra not in split:
                walk.ignored.append(extra)
                walk.warnings.append(
                    f"{extra.name}/ is not used: {train_dir.name}/ and {val_dir.name}/ "
                    "are the training and validation split"
                )
        for part, part_dir in (("train", train_dir), ("val", val_dir)):
            try:
                class_dirs, part_files = _top_level(part_dir, walk)
            except OSError as exc:
                raise DatasetError(f"{part_dir}: cannot read the folder: {exc}") from None
            loose_files.extend(part_files)
            parts.append((part, part_dir, class_dirs))

    if loose_files:
        walk.ignored.extend(loose_files)
        walk.warnings.append(
            f"{len(loose_files)} file(s) are not inside a class folder and were ignored "
            f"(e.g. {loose_files[0].name}); put images in one subfolder per class"
        )

    class_folders: dict[str, list[str]] = {}  # part -> class names in that part
    for part, _, class_dirs in parts:
        class_folders[part] = [d.name for d in class_dirs]
        for class_dir in class_dirs:
            _walk_class(class_dir, f"{part}\x1f{class_dir.name}", walk, cancel)

    reasons = _decode_all(walk.candidates, cache, cancel, progress, workers)

    usable: dict[str, list[Path]] = {}
    problems = list(walk.problems)
    for (path, key), reason in zip(walk.candidates, reasons, strict=True):
        if reason is None:
            usable.setdefault(key, []).append(path)
        else:
            problems.append(Problem(path, reason))

    warnings = list(walk.warnings)
    ignored = list(walk.ignored)
    train_names = class_folders["train"]
    class_names = [n for n in train_names if usable.get(f"train\x1f{n}")]
    for name in train_names:
        if name not in class_names:
            warnings.append(f"class '{name}' has no usable images and was left out")
    if len(class_names) < 2:
        raise DatasetError(_layout_message(root, class_names, split is not None, loose_files))

    labels = {name: i for i, name in enumerate(class_names)}
    samples = [Sample(p, labels[n]) for n in class_names for p in usable.get(f"train\x1f{n}", [])]
    val_samples: list[Sample] | None = None
    if split is not None:
        val_samples = []
        for name in class_folders["val"]:
            paths = usable.get(f"val\x1f{name}", [])
            if name in labels:
                val_samples.extend(Sample(p, labels[name]) for p in paths)
            elif paths:
                ignored.extend(paths)
                warnings.append(
                    f"validation class '{name}' has no training images; its {len(paths)} "
                    "image(s) were ignored"
                )
        missing = [n for n in class_names if not usable.get(f"val\x1f{n}")]
        if missing:
            warnings.append("no validation images for class(es): " + ", ".join(missing))

    index = DatasetIndex(
        root=root, class_names=class_names, samples=samples, val_samples=val_samples
    )
    totals = Counter(index.class_names[s.label] for s in samples + (val_samples or []))
    warnings.extend(_balance_warnings({n: totals.get(n, 0) for n in class_names}))
    return ScanResult(index=index, problems=problems, warnings=warnings, ignored=ignored)


def _decode_all(
    candidates: Sequence[tuple[Path, str]],
    cache: DecodedImageCache | None,
    cancel: CancelToken | None,
    progress: ProgressCallback | None,
    workers: int | None,
) -> list[str | None]:
    total = len(candidates)
    reasons: list[str | None] = [None] * total
    throttle = Throttle(20.0)
    if progress is not None:
        progress(0, total)
    if not total:
        return reasons
    n_workers = workers or _default_workers()
    in_flight = 4 * n_workers  # bounded, so waiting stays cheap for 100,000 files
    todo = iter(enumerate(candidates))
    pending: dict[Future, int] = {}
    executor = ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="scan")

    def submit_more() -> None:
        while len(pending) < in_flight:
            item = next(todo, None)
            if item is None:
                return
            i, (path, _) = item
            pending[executor.submit(_check, path, cache, cancel)] = i

    try:
        submit_more()
        done_count = 0
        while pending:
            if cancel is not None and cancel.cancelled:
                raise ScanCancelled("scan cancelled")
            finished, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in finished:
                reasons[pending.pop(future)] = future.result()
            done_count += len(finished)
            submit_more()
            if progress is not None and finished and (not pending or throttle.ready()):
                progress(done_count, total)
        if cancel is not None and cancel.cancelled:
            raise ScanCancelled("scan cancelled")
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    return reasons


def _layout_message(root: Path, classes: list[str], split: bool, loose: list[Path]) -> str:
    found = (
        f"found {len(classes)} class folder with images ('{classes[0]}')"
        if classes
        else "found no class folder with images"
    )
    where = f"{root}/train" if split else str(root)
    hint = ""
    if loose:
        hint = f" There are {len(loose)} file(s) directly in the folder: move them into class subfolders."
    return (
        f"{where}: {found}; at least two classes are needed. Expected layout: one subfolder per "
        f"class with its images inside, e.g. {root.name or root}/cats/001.jpg and "
        f"{root.name or root}/dogs/001.jpg (or train/<class>/... and val/<class>/...).{hint}"
    )


def _balance_warnings(counts: dict[str, int]) -> list[str]:
    out = []
    for name, n in counts.items():
        if 0 < n < MIN_IMAGES_PER_CLASS:
            out.append(
                f"class '{name}' has only {n} image(s); at least {MIN_IMAGES_PER_CLASS} are "
                "recommended (and one goes to validation)"
            )
    nonzero = {k: v for k, v in counts.items() if v}
    if nonzero:
        big = max(nonzero, key=nonzero.get)
        small = min(nonzero, key=nonzero.get)
        ratio = nonzero[big] / nonzero[small]
        if ratio > IMBALANCE_RATIO:
            out.append(
                f"classes are very imbalanced: '{big}' has {nonzero[big]} images, '{small}' only "
                f"{nonzero[small]} ({ratio:.0f}:1); add images to the small classes if you can"
            )
    return out


# --------------------------------------------------------------------------------------------
# splitting
# --------------------------------------------------------------------------------------------


def split_index(
    index: DatasetIndex, val_fraction: float = 0.2, seed: int = 0
) -> tuple[list[Sample], list[Sample]]:
    """(train, val) samples.

    A predefined split (``train/`` + ``val/``) is returned as it is. Otherwise each class is
    split on its own (stratified): ``round(n * val_fraction)`` images, at least 1, go to
    validation, and at least one stays in training. A class with a single image cannot give one
    to both sides: it stays in training with no validation image (``scan_folder`` already warns
    about classes with fewer than 5 images).

    Which images go to validation is decided by a hash of (seed, path relative to the root), so
    the split is the same in every run and process, and adding images to a class moves few of
    the others. Both lists keep the index's order.
    """
    if index.val_samples is not None:
        return list(index.samples), list(index.val_samples)
    if not 0.0 < val_fraction < 1.0:
        raise DatasetError(f"validation fraction must be between 0 and 1, got {val_fraction}")

    def rank(sample: Sample) -> str:
        try:
            rel = sample.path.relative_to(index.root).as_posix()
        except ValueError:
            rel = sample.path.as_posix()
        return hashlib.sha256(f"{seed}\x1f{rel}".encode("utf-8", "surrogateescape")).hexdigest()

    by_class: dict[int, list[Sample]] = {}
    for sample in index.samples:
        by_class.setdefault(sample.label, []).append(sample)
    val_set: set[Sample] = set()
    for members in by_class.values():
        n = len(members)
        if n < 2:
            continue
        n_val = min(n - 1, max(1, round(n * val_fraction)))
        val_set.update(sorted(members, key=rank)[:n_val])
    train = [s for s in index.samples if s not in val_set]
    val = [s for s in index.samples if s in val_set]
    return train, val


# --------------------------------------------------------------------------------------------
# decoded-image cache
# --------------------------------------------------------------------------------------------


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
                raise ImageLoadError(path, "file vanished (moved or deleted?)")
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
            arr = np.load(spill, allow_pickle=False)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError) as exc:
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
            target.parent.mkdir(parents=True, exist_ok=True)
            # a cache: no fsync, a file lost in a crash only costs a re-decode
            with atomic_replace(target, suffix=".npy", durable=False) as tmp, open(tmp, "wb") as f:
                np.save(f, arr, allow_pickle=False)
        except OSError as exc:  # a full or read-only cache disk only costs a re-decode
            log.warning("cannot spill a decoded image to %s: %s", target, exc)

    def _make_room(self, nbytes: int) -> bool:
        """Whether ``nbytes`` more may be spilled, pruning other runs' files to make room.
        Called with the lock held."""
        try:
            free = shutil.disk_usage(self.spill_dir if self.spill_dir.exists() else
                                     _existing_parent(self.spill_dir)).free
        except OSError:
            free = None
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
            log.warning("decoded images are no longer kept in %s: %s; images that do not fit "
                        "in memory are decoded again when needed", self.spill_dir, why)
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


def _existing_parent(path: Path) -> Path:
    for parent in (path, *path.parents):
        if parent.exists():
            return parent
    return Path(os.sep)


# --------------------------------------------------------------------------------------------
# transforms and the torch dataset
# --------------------------------------------------------------------------------------------


def eval_transform(size: int, mean: Sequence[float], std: Sequence[float]):
    """Resize the short side to ``int(size * 8 / 7)``, center-crop ``size``, normalise."""
    from torchvision.transforms import v2

    return v2.Compose(
        [
            v2.Resize(int(size * 8 / 7), antialias=True),
            v2.CenterCrop(size),
            v2.ToImage(),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean=list(mean), std=list(std)),
        ]
    )


def train_transform(size: int, mean: Sequence[float], std: Sequence[float], augment: bool = True):
    """Random resized crop (scale 0.35-1), horizontal flip, light colour jitter, normalise.

    With ``augment=False`` this is :func:`eval_transform` (deterministic).
    """
    if not augment:
        return eval_transform(size, mean, std)
    from torchvision.transforms import v2

    return v2.Compose(
        [
            v2.RandomResizedCrop(size, scale=(0.35, 1.0), antialias=True),
            v2.RandomHorizontalFlip(),
            v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2),
            v2.ToImage(),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean=list(mean), std=list(std)),
        ]
    )


class ImageDataset(torch.utils.data.Dataset):
    """Samples -> ``(tensor, label, index)`` through the cache (or :func:`load_image`).

    A file that became unreadable since the scan (deleted, replaced by a bad file) and is not in
    the cache gives ``(Problem, label, index)``; the :class:`Problem` is also appended to
    ``.problems`` of the process that loaded it. :func:`collate_skip_missing` leaves such items
    out and hands their problems on with the batch, which is how the problems found in
    DataLoader worker processes reach the main one. Never raises for a bad file.

    ``target_size`` (without a cache): JPEG draft-decoding size, e.g. the transform's resize size.
    """

    def __init__(
        self,
        samples: Sequence[Sample],
        transform: Callable | None,
        cache: DecodedImageCache | None = None,
        target_size: int | None = None,
    ):
        self.samples = list(samples)
        self.transform = transform
        self.cache = cache
        self.target_size = target_size
        self.problems: list[Problem] = []

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int):
        sample = self.samples[index]
        try:
            if self.cache is not None:
                image = self.cache.get(sample.path)
            else:
                image = load_image(sample.path, target_size=self.target_size)
        except ImageLoadError as exc:
            problem = Problem(sample.path, exc.reason)
            self.problems.append(problem)
            return problem, sample.label, index
        tensor = self.transform(image) if self.transform is not None else image
        return tensor, sample.label, index


def collate_skip_missing(batch):
    """Collate ``(tensor, label, index)`` items, leaving out those whose file could not be read.

    Returns ``(images [N,C,H,W], labels [N] int64, indices [N] int64, problems)``: ``problems``
    holds the :class:`Problem` of each item left out, so that what a DataLoader worker process
    found reaches the main process with the batch. When every item was missing, ``images``,
    ``labels`` and ``indices`` are None (skip such a batch, but report its problems).
    """
    problems = tuple(item[0] for item in batch if isinstance(item[0], Problem))
    present = [item for item in batch if item[0] is not None and not isinstance(item[0], Problem)]
    if not present:
        return None, None, None, problems
    images = torch.stack([item[0] for item in present])
    labels = torch.tensor([item[1] for item in present], dtype=torch.int64)
    indices = torch.tensor([item[2] for item in present], dtype=torch.int64)
    return images, labels, indices, problems
