"""`sort_folder`: classify every image under SRC and put it into DEST/<class>/.

DEST/<class>/... for confident predictions, DEST/_not_sure/... for those below the review
threshold or unlike every class ("None of these"), DEST/_unreadable/... for files that could not
be decoded, and DEST/sort-manifest.csv. Prediction (the Classifier's own batches and decoding
threads) and placing (hashing and copying, on two threads of their own) overlap, so the copy is
not the bottleneck. A re-run resumes: a source whose manifest row has the same hash and whose
destination is there is skipped; one copied before a kill but not yet in the manifest is
adopted by its hash, so nothing is missing and nothing doubled.
"""

from __future__ import annotations

import copy
import os
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BackboneStudioError, DiskWriteError
from ..events import CancelToken
from ..fileio import check_output_folder
from ..files import expand_paths
from ..messages import define
from .manifest import MANIFEST_NAME, Manifest, ManifestRow
from .place import Placer, folder_name, remove_stale_temporaries, sha256_of

_NOT_FOLDER_GIVE_FOLDER = define(
    "error.sort.not_folder_give_folder",
    "{source} is not a folder. Give the folder of photos to sort.",
)
_CANNOT_SORT_INTO_DESTINATION = define(
    "error.sort.cannot_sort_into_destination",
    "Cannot sort {source} into {dest}: the destination must not be the source folder or a "
    "folder above it. Choose a new or empty folder elsewhere.",
)
_THRESHOLD_MUST_GOT = define(
    "error.sort.threshold_must_got",
    "The threshold must be from 0 to 1 (got {threshold}).",
)
_UNKNOWN_SORT_MODE_USE = define(
    "error.sort.unknown_sort_mode_use",
    "Unknown sort mode {mode!r}: use copy, link or move.",
)
_MODEL_NO_VALIDATION_CURVE = define(
    "error.sort.model_no_validation_curve",
    "The model {name} has no validation curve to read a threshold for {threshold} accuracy "
    "from (it was trained before calibration, or on too few validation images). Give a "
    "confidence threshold instead, e.g. 0.9.",
)


NOT_SURE_FOLDER = "_not_sure"
UNREADABLE_FOLDER = "_unreadable"
MODES = ("copy", "link", "move")
_IN_FLIGHT = 64  # placements queued at most (bounded memory, and the copy keeps up)


@dataclass(frozen=True)
class SortOptions:
    mode: str = "copy"  # "copy" | "link" (hard link, copy where impossible) | "move"
    threshold: float | str | None = "auto"  # "auto": the model's; a number; None: never
    batch_size: int | None = None


@dataclass
class SortSummary:
    source: Path
    dest: Path
    total: int = 0  # images found under the source
    per_class: Counter = field(default_factory=Counter)  # newly sorted into each class folder
    not_sure: int = 0
    unreadable: int = 0
    already: int = 0  # skipped: sorted by an earlier run
    adopted: int = 0  # found in place by their hash (an interrupted run's copies)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file, why) not sorted
    seconds: float = 0.0
    cancelled: bool = False
    # this run's images set aside for review: (file in DEST, best guess, confidence, margin)
    review: list[tuple[str, str, float, float | None]] = field(default_factory=list)

    @property
    def sorted(self) -> int:
        return sum(self.per_class.values()) + self.not_sure + self.unreadable

    @property
    def manifest(self) -> Path:
        return self.dest / MANIFEST_NAME

    def describe(self) -> str:
        """What the sort did, in one sentence (a core message: core.sorting.summary_text)."""
        from .summary_text import describe

        return describe(self)


def _checked_folders(source: Path, dest: Path) -> None:
    if not source.is_dir():
        raise BackboneStudioError(_NOT_FOLDER_GIVE_FOLDER(source=source))
    src, dst = source.resolve(), dest.resolve()
    if src == dst or src.is_relative_to(dst):
        raise BackboneStudioError(
            _CANNOT_SORT_INTO_DESTINATION(source=source, dest=dest)
        )


def _files_to_sort(source: Path, dest: Path) -> list[Path]:
    """Images under `source`, leaving out a destination inside it."""
    dst = dest.resolve()
    return [p for p in expand_paths([source]) if not p.resolve().is_relative_to(dst)]


class _Run:
    """One sort: the manifest, the placer and the summary it fills."""

    def __init__(self, classifier, source: Path, dest: Path, options: SortOptions):
        self.classifier, self.options = classifier, options
        self.dest = dest
        self.manifest = Manifest(dest)
        self.placer = Placer(dest, options.mode, set(self.manifest.destinations))
        self.summary = SortSummary(source, dest)
        self.pending_removal: list[Path] = []  # moved sources, removed once the manifest holds them

    def already_sorted(self, path: Path) -> bool:
        row = self.manifest.by_source.get(str(path))
        if row is None or not (self.dest / row.destination).is_file():
            return False
        try:
            same = sha256_of(path) == row.sha256
        except OSError:
            return False
        if same and self.options.mode == "move":
            self.pending_removal.append(path)  # a move killed between its manifest and removal
        return same

    def folder_for(self, prediction) -> tuple[Path, str]:
        if not prediction.ok:
            return self.dest / UNREADABLE_FOLDER, UNREADABLE_FOLDER
        if prediction.needs_review:
            return self.dest / NOT_SURE_FOLDER, NOT_SURE_FOLDER
        name = folder_name(prediction.label)
        if name in (NOT_SURE_FOLDER, UNREADABLE_FOLDER):
            name = f"{name}_class"
        return self.dest / name, name

    def place(self, prediction) -> ManifestRow | tuple[str, str]:
        """On a placing thread: hash, place; a row, or (file, why) when it could not be."""
        source = Path(prediction.source)
        try:
            folder, label = self.folder_for(prediction)
            target, adopted, sha = self.placer.place(source, folder)
        except DiskWriteError:
            raise  # a full or refusing disk stops the sort: every other file would fail too
        except (OSError, BackboneStudioError) as exc:
            return (str(source), str(exc))
        flags = list(prediction.flags) + (["moved"] if self.options.mode == "move" else [])
        if adopted:
            flags.append("adopted")
        confidence = f"{prediction.confidence:.6f}" if prediction.ok else ""
        if label == NOT_SURE_FOLDER:  # list.append: safe from the placing threads
            self.summary.review.append((str(target), prediction.label, prediction.confidence,
                                        _margin(prediction)))  # fmt: skip
        return ManifestRow(str(source), self.placer.relative(target), label, confidence,
                           tuple(flags), sha)  # fmt: skip

    def record(self, result) -> None:
        if isinstance(result, tuple):
            self.summary.problems.append(result)
            return
        self.manifest.add(result)
        summary = self.summary
        summary.adopted += "adopted" in result.flags
        if result.label == UNREADABLE_FOLDER:
            summary.unreadable += 1
        elif result.label == NOT_SURE_FOLDER:
            summary.not_sure += 1
        else:
            summary.per_class[result.label] += 1
        if self.options.mode == "move":
            self.pending_removal.append(Path(result.source))

    def flush(self) -> None:
        """Write the manifest, then remove the sources it now records as moved."""
        self.manifest.flush()
        for path in self.pending_removal:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                self.summary.problems.append((str(path), f"moved, but the original stays ({exc})"))
        self.pending_removal.clear()


def _classifier_for(classifier, threshold):
    """The classifier with the sort's threshold ("auto": the model's own; None: never not
    sure); a shallow copy, so the caller's classifier keeps its own."""
    if threshold == "auto":
        return classifier
    if isinstance(threshold, str) and threshold.endswith("%"):  # a target accuracy
        if not classifier.review.curve:
            raise BackboneStudioError(
                _MODEL_NO_VALIDATION_CURVE(name=classifier.name, threshold=threshold))
        changed = copy.copy(classifier)
        changed.review = classifier.review.with_target_accuracy(float(threshold[:-1]) / 100.0)
        return changed
    if threshold is not None and not 0.0 <= float(threshold) <= 1.0:
        raise BackboneStudioError(_THRESHOLD_MUST_GOT(threshold=threshold))
    changed = copy.copy(classifier)
    changed.review = classifier.review.with_threshold(None if threshold is None else float(threshold))
    return changed


def sort_folder(classifier, source: str | os.PathLike, dest: str | os.PathLike,
                options: SortOptions | None = None, *,
                progress: Callable[[int, int], None] | None = None,
                cancel: CancelToken | None = None) -> SortSummary:  # fmt: skip
    """Sort the images under `source` into `dest` (see the module docstring).

    `progress(done, total)` after each file; when cancelled, what was placed is in the manifest
    and a re-run goes on from there. User errors (folders, a refusing disk) raise
    BackboneStudioError; a file that cannot be placed is listed in `summary.problems`."""
    options = options or SortOptions()
    if options.mode not in MODES:
        raise BackboneStudioError(_UNKNOWN_SORT_MODE_USE(mode=options.mode))
    source, dest = Path(source), Path(dest)
    classifier = _classifier_for(classifier, options.threshold)  # a bad threshold: nothing made
    _checked_folders(source, dest)
    check_output_folder(dest, what="the sorted photos")
    started = time.monotonic()
    dest.mkdir(parents=True, exist_ok=True)
    run = _Run(classifier, source, dest, options)
    for entry in dest.iterdir():
        if entry.is_dir():
            remove_stale_temporaries(entry)
    files = _files_to_sort(source, dest)
    run.summary.total = len(files)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="bbs-sort") as pool:
        todo = [p for p, done in zip(files, pool.map(run.already_sorted, files), strict=True)
                if not done]  # fmt: skip
    run.summary.already = len(files) - len(todo)
    _sort_files(run, todo, progress, cancel)
    run.summary.cancelled = bool(cancel is not None and cancel.cancelled)
    run.summary.seconds = time.monotonic() - started
    return run.summary


def _sort_files(run: _Run, todo: list[Path], progress, cancel) -> None:
    classifier = run.classifier
    total, done = run.summary.total, run.summary.already
    if progress is not None:
        progress(done, total)
    in_flight: deque[Future] = deque()
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bbs-place")
    try:
        predictions = classifier.predict_iter(todo, top_k=2, batch_size=run.options.batch_size,
                                              cancel=cancel)  # fmt: skip
        for prediction in predictions:
            in_flight.append(pool.submit(run.place, prediction))
            while in_flight and (len(in_flight) >= _IN_FLIGHT or in_flight[0].done()):
                run.record(in_flight.popleft().result())
                done += 1
                if progress is not None:
                    progress(done, total)
                if run.manifest.due():
                    run.flush()
        while in_flight:
            run.record(in_flight.popleft().result())
            done += 1
            if progress is not None:
                progress(done, total)
    finally:
        pool.shutdown(wait=True, cancel_futures=False)
        for future in in_flight:  # an error above: keep what was placed
            if future.done() and future.exception() is None:
                run.record(future.result())
        run.flush()


def _margin(prediction) -> float | None:
    """The gap between the two most likely classes ("Label these next" orders by it)."""
    scores = [p for _, p in prediction.top_k]
    return scores[0] - scores[1] if len(scores) >= 2 else None
