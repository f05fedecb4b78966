"""Scanning a class-per-folder tree into a :class:`DatasetIndex`, its problems and warnings.

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

Walking the tree (which entries are skipped, symlink loops) is :class:`core.files.FolderWalk`.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from core import image_reasons as reasons
from core.errors import BackboneStudioError, DatasetError, ImageLoadError
from core.events import CancelToken, ProgressCallback, Throttle
from core.files import FolderWalk
from core.images import load_image

from ..messages import define
from . import scan_messages as said
from .cache import DecodedImageCache
from .index import DatasetIndex, Problem, Sample, ScanResult

_FOLDER_NOT_FOUND_CHOOSE = define(
    "error.dataset.folder_not_found_choose",
    "{root}: folder not found — choose an existing folder",
)
_FILE_NOT_FOLDER_CHOOSE = define(
    "error.dataset.file_not_folder_choose",
    "{root}: is a file, not a folder — choose a folder with one subfolder per class",
)
_CANNOT_READ_FOLDER = define(
    "error.dataset.cannot_read_folder",
    "{root}: cannot read the folder: {error}",
)
_CANNOT_READ_FOLDER_2 = define(
    "error.dataset.cannot_read_folder_2",
    "{part_dir}: cannot read the folder: {exc}",
)


log = logging.getLogger(__name__)

VAL_FOLDER_NAMES = ("val", "valid", "validation", "test")
"""Validation folder names next to ``train/``, in order of preference."""

MIN_IMAGES_PER_CLASS = 5
IMBALANCE_RATIO = 10.0

SCAN_DRAFT_SIZE = 288
"""Short side JPEGs are draft-decoded to when scanning without a cache (the check is the same)."""


class ScanCancelled(BackboneStudioError):
    """Raised by :func:`scan_folder` when its cancel token is set."""


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
    root = _checked_root(root)
    walk = FolderWalk(visited={os.path.realpath(root)})
    layout = _read_layout(root, walk)
    candidates = _candidates(layout, walk, cancel)
    reasons = _decode_all(candidates, cache, cancel, progress, workers)
    return _assemble(layout, walk, candidates, reasons)


# --------------------------------------------------------------------------------------------
# the layout: classes, a predefined split, loose files
# --------------------------------------------------------------------------------------------


@dataclass
class _Layout:
    """The folders a scan reads, before any file is decoded."""

    root: Path
    split: tuple[Path, Path] | None  # (train/, val/) when the root is its own split
    class_dirs: dict[str, list[Path]] = field(default_factory=dict)  # part -> class folders
    loose_files: list[Path] = field(default_factory=list)  # files not in any class folder


def _checked_root(root: str | os.PathLike) -> Path:
    root = Path(root).expanduser()
    if not root.exists():
        raise DatasetError(_FOLDER_NOT_FOUND_CHOOSE(root=root))
    if not root.is_dir():
        raise DatasetError(
            _FILE_NOT_FOLDER_CHOOSE(root=root)
        )
    return root.absolute()


def _top_level(folder: Path, walk: FolderWalk) -> tuple[list[Path], list[Path]]:
    """(class folders, files) directly in ``folder``; ignored entries go into ``walk.ignored``."""
    folders, others = walk.list_folder(folder)
    return folders, [Path(entry.path) for entry in others]


def _find_split(folders: list[Path]) -> tuple[Path, Path] | None:
    by_name = {p.name.lower(): p for p in folders}
    if "train" not in by_name:
        return None
    for name in VAL_FOLDER_NAMES:
        if name in by_name:
            return by_name["train"], by_name[name]
    return None


def _read_layout(root: Path, walk: FolderWalk) -> _Layout:
    try:
        folders, loose_files = _top_level(root, walk)
    except OSError as exc:
        raise DatasetError(_CANNOT_READ_FOLDER(root=root, error=exc.strerror or exc)) from None
    layout = _Layout(root=root, split=_find_split(folders), loose_files=loose_files)
    if layout.split is None:
        layout.class_dirs["train"] = folders
    else:
        _read_split(layout, folders, walk)
    if layout.loose_files:
        walk.ignored.extend(layout.loose_files)
        walk.warnings.append(said.loose_ignored(layout.loose_files))
    return layout


def _read_split(layout: _Layout, folders: list[Path], walk: FolderWalk) -> None:
    """Class folders of ``train/`` and ``val/``; other top-level folders are not used."""
    train_dir, val_dir = layout.split
    for extra in folders:
        if extra not in layout.split:
            walk.ignored.append(extra)
            walk.warnings.append(
                said.NOT_USED(extra=extra.name, train=train_dir.name, val=val_dir.name)
            )
    for part, part_dir in (("train", train_dir), ("val", val_dir)):
        try:
            class_dirs, part_files = _top_level(part_dir, walk)
        except OSError as exc:
            raise DatasetError(_CANNOT_READ_FOLDER_2(part_dir=part_dir, exc=exc)) from None
        layout.loose_files.extend(part_files)
        layout.class_dirs[part] = class_dirs


def _key(part: str, class_name: str) -> str:
    return f"{part}\x1f{class_name}"


def _candidates(
    layout: _Layout, walk: FolderWalk, cancel: CancelToken | None
) -> list[tuple[Path, str]]:
    """Every file in a class folder, as (path, key of its part and class)."""

    def stop_if_cancelled() -> None:
        if cancel.cancelled:
            raise ScanCancelled("scan cancelled")

    check = stop_if_cancelled if cancel is not None else None
    candidates: list[tuple[Path, str]] = []
    for part, class_dirs in layout.class_dirs.items():
        for class_dir in class_dirs:
            key = _key(part, class_dir.name)
            candidates.extend((path, key) for path in walk.files_under(class_dir, check))
    return candidates


# --------------------------------------------------------------------------------------------
# decoding every candidate once
# --------------------------------------------------------------------------------------------


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
        return reasons.UNEXPECTED(kind=type(exc).__name__, error=str(exc))
    return None


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


# --------------------------------------------------------------------------------------------
# from decoded files to the result
# --------------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    """What the scan found, gathered into the result."""

    usable: dict[str, list[Path]]  # key (part + class) -> readable images
    problems: list[Problem]
    warnings: list[str]
    ignored: list[Path]


def _assemble(
    layout: _Layout,
    walk: FolderWalk,
    candidates: Sequence[tuple[Path, str]],
    reasons: Sequence[str | None],
) -> ScanResult:
    outcome = _Outcome(
        usable={},
        problems=[Problem(path, reason) for path, reason in walk.unusable],
        warnings=list(walk.warnings),
        ignored=list(walk.ignored),
    )
    for (path, key), reason in zip(candidates, reasons, strict=True):
        if reason is None:
            outcome.usable.setdefault(key, []).append(path)
        else:
            outcome.problems.append(Problem(path, reason))

    class_names = _class_names(layout, outcome)
    labels = {name: i for i, name in enumerate(class_names)}
    samples = [
        Sample(p, labels[n]) for n in class_names for p in outcome.usable.get(_key("train", n), [])
    ]
    val_samples = None if layout.split is None else _val_samples(layout, labels, outcome)
    index = DatasetIndex(
        root=layout.root, class_names=class_names, samples=samples, val_samples=val_samples
    )
    totals = Counter(index.class_names[s.label] for s in samples + (val_samples or []))
    outcome.warnings.extend(_balance_warnings({n: totals.get(n, 0) for n in class_names}))
    return ScanResult(
        index=index, problems=outcome.problems, warnings=outcome.warnings, ignored=outcome.ignored
    )


def _class_names(layout: _Layout, outcome: _Outcome) -> list[str]:
    """Training class folders with usable images; DatasetError when fewer than two."""
    train_names = [d.name for d in layout.class_dirs["train"]]
    class_names = [n for n in train_names if outcome.usable.get(_key("train", n))]
    for name in train_names:
        if name not in class_names:
            outcome.warnings.append(said.NO_USABLE(name=name))
    if len(class_names) < 2:
        raise DatasetError(
            said.layout(layout.root, class_names, layout.split is not None, layout.loose_files)
        )
    return class_names


def _val_samples(layout: _Layout, labels: dict[str, int], outcome: _Outcome) -> list[Sample]:
    """The samples of ``val/``; classes that are not in ``train/`` are ignored with a warning."""
    val_samples: list[Sample] = []
    for class_dir in layout.class_dirs["val"]:
        name = class_dir.name
        paths = outcome.usable.get(_key("val", name), [])
        if name in labels:
            val_samples.extend(Sample(p, labels[name]) for p in paths)
        elif paths:
            outcome.ignored.extend(paths)
            outcome.warnings.append(said.VAL_ONLY(name=name, images=said.images(len(paths))))
    missing = [n for n in labels if not outcome.usable.get(_key("val", n))]
    if missing:
        outcome.warnings.append(said.no_validation(missing))
    return val_samples


def _balance_warnings(counts: dict[str, int]) -> list[str]:
    out = []
    for name, n in counts.items():
        if 0 < n < MIN_IMAGES_PER_CLASS:
            out.append(said.FEW_IMAGES(name=name, images=said.images(n), minimum=MIN_IMAGES_PER_CLASS))
    nonzero = {k: v for k, v in counts.items() if v}
    if nonzero:
        big = max(nonzero, key=nonzero.get)
        small = min(nonzero, key=nonzero.get)
        ratio = nonzero[big] / nonzero[small]
        if ratio > IMBALANCE_RATIO:
            out.append(said.IMBALANCED(
                big=big, big_count=nonzero[big], small=small, small_count=nonzero[small], ratio=ratio
            ))  # fmt: skip
    return out
