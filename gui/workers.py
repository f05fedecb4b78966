"""The app's jobs: scanning a dataset, training, classifying, and any one call off the UI thread.

Each is a `gui.jobs.Job`: it writes only its `work()` (and the signal that announces its
result); running it on a `WorkerThread`, turning errors into `failed(message)` and ending with
`finished()` is the base class's. Start them with a `JobSlot` or `JobThreads` (gui.jobs).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal

from core.errors import BackboneStudioError
from core.events import BatchEnded, Throttle

from .jobs import Job, error_text

# --------------------------------------------------------------------------------------------
# Dataset scanning and training (Train page)
# --------------------------------------------------------------------------------------------


class ScanWorker(Job):
    """Scans a class-per-folder dataset with `core.dataset.scan_folder`.

    Signals: `progressed(done, total)` (throttled), then either `scanned(ScanResult)` or
    `failed(message)`, then `finished()`. A cancelled scan emits `failed("Scan cancelled.")`.
    The decoded images land in `cache` (a DecodedImageCache) so training never decodes twice.
    """

    scanned = Signal(object)

    def __init__(self, root: str | Path, cache: Any = None, workers: int | None = None):
        super().__init__()
        self.root = Path(root)
        self.cache = cache
        self.workers = workers
        self.description = QCoreApplication.translate("Job", "Scanning {folder}").format(
            folder=self.root
        )

    def work(self) -> Any:
        from core.dataset import scan_folder

        return scan_folder(
            self.root,
            progress=self.report_progress,
            cancel=self.cancel_token,
            cache=self.cache,
            workers=self.workers,
        )

    def report(self, result: Any) -> None:
        if self.cancelled:
            self.failed.emit("Scan cancelled.")
        else:
            self.scanned.emit(result)

    def failure_message(self, exc: BackboneStudioError) -> str:
        return "Scan cancelled." if self.cancelled else error_text(exc)


def _lower_this_thread_priority(steps: int = 5) -> None:
    """Linux: raise this thread's nice value (threads it starts, e.g. torch's intra-op pool,
    inherit it), so the UI thread wins the CPU while training competes for it. Costs nothing on
    an idle machine; elsewhere (no per-thread nice) it does nothing."""
    import os
    import sys
    import threading

    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + steps))
    except (OSError, AttributeError):  # not permitted or not supported: train at normal priority
        pass


class TrainWorker(Job):
    """Runs `core.training.Trainer.fit` and re-emits every core event as `eventEmitted(event)`.

    The events are the frozen dataclasses from core.events, unchanged. `BatchEnded` is throttled
    once more (core already throttles) so a fast GPU cannot flood the UI thread; the last batch
    of every epoch always passes. Ends with `fitted(FitResult)` (outcome finished, cancelled or
    failed) or `failed(message)` when no result could be made at all, then `finished()`.
    """

    eventEmitted = Signal(object)
    fitted = Signal(object)

    description = QT_TRANSLATE_NOOP("Job", "Training")
    batch_events_per_second = 20.0

    def __init__(self, config: Any, index: Any, cache: Any = None,
                 trainer_factory: Callable[..., Any] | None = None,
                 resume: str | Path | None = None):  # fmt: skip
        super().__init__()
        self.config = config
        self.index = index
        self.cache = cache
        self.resume = resume  # a checkpoint to continue from
        self._batch_throttle = Throttle(self.batch_events_per_second)
        self._trainer_factory = trainer_factory

    def _on_event(self, event: Any) -> None:
        # Called on the worker thread by the Trainer.
        if isinstance(event, BatchEnded) and not self._batch_throttle.ready(
            force=event.batch >= event.batches
        ):
            return
        self.eventEmitted.emit(event)

    def work(self) -> Any:
        _lower_this_thread_priority()
        factory = self._trainer_factory
        if factory is None:
            from core.training import Trainer as factory
        trainer = factory(self.config, self.index, callbacks=(self._on_event,), cache=self.cache)
        if self.resume is None:
            return trainer.fit(cancel=self.cancel_token)
        return trainer.fit(cancel=self.cancel_token, resume=self.resume)

    def report(self, result: Any) -> None:
        self.fitted.emit(result)


class CallWorker(Job):
    """Runs one callable off the UI thread: `succeeded(result)` or `failed(message)`, then
    `finished()`. If the callable takes `progress`/`cancel` keywords (pass `with_progress=True`),
    it gets a throttled progress callback emitting `progressed(done, total)` and `cancel_token`.
    Used for short jobs: demo data, weight downloads and imports, evaluation, model loading.
    """

    succeeded = Signal(object)

    def __init__(self, function: Callable[..., Any], *args: Any, description: str = "The job",
                 with_progress: bool = False, **kwargs: Any):  # fmt: skip
        super().__init__()
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.description = description
        self.with_progress = with_progress

    def work(self) -> Any:
        kwargs = dict(self.kwargs)
        if self.with_progress:
            kwargs.update(progress=self.report_progress, cancel=self.cancel_token)
        return self.function(*self.args, **kwargs)

    def report(self, result: Any) -> None:
        self.succeeded.emit(result)


# --------------------------------------------------------------------------------------------
# Prediction (Classify page)
# --------------------------------------------------------------------------------------------


class PredictWorker(Job):
    """Classify files, folders (expanded recursively) and in-memory images off the UI thread.

    Signals: `progressed(done, total)` (total 0 while folders are being listed),
    `predicted(list[Prediction])` in chunks (a few per second at most, so 1,000 files never flood
    the UI thread), `failed(message)` when the job cannot go on, `finished()` exactly once, last.
    Unreadable files are not failures: they come back as Predictions with `error` set.
    `cancel()` may be called from any thread; the job stops at the next batch.
    """

    predicted = Signal(list)
    skipped = Signal(int)  # files left out because they are shown already

    description = QT_TRANSLATE_NOOP("Job", "Prediction")
    CHUNK_SECONDS = 0.25
    CHUNK_MAX = 256

    def __init__(self, classifier, paths=(), images=(), top_k: int = 3, batch_size=None,
                 skip: frozenset[str] = frozenset()):  # fmt: skip
        """`paths`: files or folders; `images`: (name, PIL image) pairs, e.g. pasted ones;
        `skip`: absolute paths of files not to classify again (`skipped(count)` says how many)."""
        super().__init__()
        self.classifier = classifier
        self.paths = [str(p) for p in paths]
        self.images = list(images)
        self.top_k = top_k
        self.batch_size = batch_size
        self.skip = skip

    def _items(self) -> list:
        import os

        from core.predict import expand_paths

        items: list = []
        if self.paths:
            self.progressed.emit(0, 0)  # listing folders: indeterminate
            files = expand_paths(self.paths)
            items.extend(p for p in files if os.path.abspath(p) not in self.skip)
            if len(items) < len(files):
                self.skipped.emit(len(files) - len(items))
        items.extend((str(name), image) for name, image in self.images)
        return items

    def work(self) -> None:
        items = self._items()
        total = len(items)
        self.progressed.emit(0, total)
        if total == 0 or self.cancelled:
            return
        chunk: list = []
        done = 0
        last_emit = time.monotonic()
        results = self.classifier.predict_iter(
            items, top_k=self.top_k, batch_size=self.batch_size, cancel=self.cancel_token
        )
        try:
            for prediction in results:
                chunk.append(prediction)
                done += 1
                now = time.monotonic()
                if len(chunk) >= self.CHUNK_MAX or now - last_emit >= self.CHUNK_SECONDS:
                    self.predicted.emit(chunk)
                    self.progressed.emit(done, total)
                    chunk = []
                    last_emit = now
                if self.cancelled:
                    break
        finally:
            results.close()  # stops its decode pool now, not at garbage collection
        if chunk:
            self.predicted.emit(chunk)
        self.progressed.emit(done, total)


__all__ = ["CallWorker", "PredictWorker", "ScanWorker", "TrainWorker"]
