"""Workers that run core jobs off the UI thread.

Each worker is a QObject with a `run()` method and a `finished` signal it emits exactly once,
last. `start_worker()` runs `worker.run()` on a new `WorkerThread`; `JobThreads` is the set of
threads one page started, with cancel-and-wait for closing. Signals carry plain Python data only.

The worker object stays in the UI thread: only its `run()` executes on the worker thread, and
its signals reach UI-thread slots queued, as with any cross-thread emit. It is deliberately not
`moveToThread`-ed. A moved worker is deleted on its own thread as that thread ends, and
`~QObject` then calls `disconnectNotify()` on every sender still connected to it (the QThread's
`started`, a progress dialog's `canceled`): a Python-override lookup on a wrapper that the UI
thread may be deleting at that very moment. That crashed the test suite about one run in ten
(a core dump showed both threads inside `~QObject`). Here every Qt object is created and
deleted on the UI thread; the worker thread only runs `run()`, which emits the worker's signals.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QEventLoop,
    QObject,
    QThread,
    Signal,
    Slot,
)

from core.errors import BackboneStudioError
from core.events import BatchEnded, CancelToken, Throttle

_running_workers = 0
_running_lock = threading.Lock()


def _pause_cyclic_gc() -> None:
    """Cyclic garbage collection runs on whichever thread happens to allocate. When it runs on a
    worker thread and frees a Qt wrapper, shiboken (6.10+) hands the deletion to the main thread
    under a lock while the main thread waits for that lock holding the GIL: a deadlock, seen
    here with a scan worker frozen in ThreadPoolExecutor.__init__. So while any worker runs,
    collection is off; it resumes when the last one has finished."""
    global _running_workers
    with _running_lock:
        if _running_workers == 0:
            gc.disable()
        _running_workers += 1


def _resume_cyclic_gc() -> None:
    global _running_workers
    with _running_lock:
        _running_workers = max(0, _running_workers - 1)
        if _running_workers == 0:
            gc.enable()


class WorkerThread(QThread):
    """A QThread that runs one worker's `run()` and then ends (no event loop of its own).

    It belongs to the application object, not to a page, so a page that goes away while a job
    runs does not take a running QThread with it (Qt aborts on that); it deletes itself once it
    has finished. `worker` stays reachable from here for as long as the thread object lives.
    """

    def __init__(self, worker: QObject, parent: QObject | None = None):
        super().__init__(parent if parent is not None else QCoreApplication.instance())
        self.worker = worker
        self.setObjectName(f"{type(worker).__name__}Thread")

    def run(self) -> None:  # on the new thread
        self.worker.run()


def start_worker(worker: QObject) -> WorkerThread:
    """Run `worker.run()` on a new thread; returns the thread (already started)."""
    _pause_cyclic_gc()
    thread = WorkerThread(worker)
    thread.finished.connect(_resume_cyclic_gc)
    thread.finished.connect(thread.deleteLater)  # ~QThread waits out the last instructions
    thread.start()
    return thread


def thread_running(thread: QThread | None) -> bool:
    """True while `thread` exists and runs (False once it has ended or Qt has deleted it)."""
    return thread is not None and shiboken6.isValid(thread) and thread.isRunning()


class JobThreads:
    """The worker threads one page has started: start them, list the running ones and their
    workers, and wait for them (closing the window) while queued signals are still delivered."""

    def __init__(self) -> None:
        self._threads: list[WorkerThread] = []

    def start(self, worker: QObject) -> WorkerThread:
        thread = start_worker(worker)
        self._threads.append(thread)
        return thread

    def running(self) -> list[WorkerThread]:
        self._threads = [t for t in self._threads if thread_running(t)]
        return list(self._threads)

    def workers(self) -> list[QObject]:
        return [t.worker for t in self.running()]

    def cancel_all(self) -> None:
        """Ask every running worker to stop (each has a thread-safe `cancel()`)."""
        for worker in self.workers():
            worker.cancel()

    def wait(self, timeout_ms: int) -> bool:
        """Wait up to `timeout_ms` for every thread to end; True when none is left running.

        Keeps delivering events (not user input) meanwhile, so each worker's last signals reach
        the page before this returns."""
        deadline = QDeadlineTimer(timeout_ms)
        flags = QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents
        while self.running() and not deadline.hasExpired():
            QCoreApplication.processEvents(flags)
            for thread in self.running():
                thread.wait(20)
        QCoreApplication.processEvents(flags)
        return not self.running()


# --------------------------------------------------------------------------------------------
# Dataset scanning and training (Train page)
# --------------------------------------------------------------------------------------------


_log = logging.getLogger(__name__)


def _unexpected(what: str, exc: BaseException) -> str:
    """A failure message for a bug (not a user error): short, and the traceback goes to the log."""
    _log.error("%s failed:\n%s", what, "".join(traceback.format_exception(exc)))
    return f"{what} failed unexpectedly: {type(exc).__name__}: {exc}. Details are in the log."


class ScanWorker(QObject):
    """Scans a class-per-folder dataset with `core.dataset.scan_folder`.

    Signals: `progressed(done, total)` (throttled), then either `scanned(ScanResult)` or
    `failed(message)`, then `finished()`. A cancelled scan emits `failed("Scan cancelled.")`.
    The decoded images land in `cache` (a DecodedImageCache) so training never decodes twice.
    """

    progressed = Signal(int, int)
    scanned = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, root: str | Path, cache: Any = None, workers: int | None = None,
                 progress_per_second: float = 10.0):  # fmt: skip
        super().__init__()
        self.root = Path(root)
        self.cache = cache
        self.workers = workers
        self.cancel_token = CancelToken()
        self._throttle = Throttle(progress_per_second)

    def cancel(self) -> None:
        """Thread-safe: the scan stops at its next file."""
        self.cancel_token.cancel()

    def _progress(self, done: int, total: int) -> None:
        if self._throttle.ready(force=done >= total):
            self.progressed.emit(int(done), int(total))

    @Slot()
    def run(self) -> None:
        try:
            from core.dataset import scan_folder

            result = scan_folder(
                self.root,
                progress=self._progress,
                cancel=self.cancel_token,
                cache=self.cache,
                workers=self.workers,
            )
            if self.cancel_token.cancelled:
                self.failed.emit("Scan cancelled.")
            else:
                self.scanned.emit(result)
        except BackboneStudioError as exc:
            self.failed.emit("Scan cancelled." if self.cancel_token.cancelled else str(exc))
        except Exception as exc:  # noqa: BLE001 - reported, never raised into Qt
            self.failed.emit(_unexpected(f"Scanning {self.root}", exc))
        finally:
            self.finished.emit()


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


class TrainWorker(QObject):
    """Runs `core.training.Trainer.fit` and re-emits every core event as `eventEmitted(event)`.

    The events are the frozen dataclasses from core.events, unchanged. `BatchEnded` is throttled
    once more (core already throttles) so a fast GPU cannot flood the UI thread; the last batch
    of every epoch always passes. Ends with `fitted(FitResult)` (outcome finished, cancelled or
    failed) or `failed(message)` when no result could be made at all, then `finished()`.
    """

    eventEmitted = Signal(object)
    fitted = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, config: Any, index: Any, cache: Any = None,
                 batch_events_per_second: float = 20.0,
                 trainer_factory: Callable[..., Any] | None = None,
                 resume: str | Path | None = None):  # fmt: skip
        super().__init__()
        self.config = config
        self.index = index
        self.cache = cache
        self.resume = resume  # a checkpoint to continue from
        self.cancel_token = CancelToken()
        self._batch_throttle = Throttle(batch_events_per_second)
        self._trainer_factory = trainer_factory

    def cancel(self) -> None:
        """Thread-safe: training stops at the next batch boundary and keeps the best model."""
        self.cancel_token.cancel()

    def _on_event(self, event: Any) -> None:
        # Called on the worker thread by the Trainer.
        if isinstance(event, BatchEnded) and not self._batch_throttle.ready(
            force=event.batch >= event.batches
        ):
            return
        self.eventEmitted.emit(event)

    @Slot()
    def run(self) -> None:
        _lower_this_thread_priority()
        try:
            factory = self._trainer_factory
            if factory is None:
                from core.training import Trainer as factory
            trainer = factory(self.config, self.index, callbacks=(self._on_event,), cache=self.cache)
            if self.resume is None:
                result = trainer.fit(cancel=self.cancel_token)
            else:
                result = trainer.fit(cancel=self.cancel_token, resume=self.resume)
        except BackboneStudioError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - reported, never raised into Qt
            self.failed.emit(_unexpected("Training", exc))
        else:
            self.fitted.emit(result)
        finally:
            self.finished.emit()


class CallWorker(QObject):
    """Runs one callable off the UI thread: `succeeded(result)` or `failed(message)`, then
    `finished()`. If the callable takes `progress`/`cancel` keywords (pass `with_progress=True`),
    it gets a throttled progress callback emitting `progressed(done, total)` and `cancel_token`.
    Used for short jobs: demo data, weight downloads and imports, evaluation.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, function: Callable[..., Any], *args: Any, description: str = "The job",
                 with_progress: bool = False, **kwargs: Any):  # fmt: skip
        super().__init__()
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.description = description
        self.with_progress = with_progress
        self.cancel_token = CancelToken()
        self._throttle = Throttle(10.0)

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def _progress(self, done: int, total: int) -> None:
        if self._throttle.ready(force=total > 0 and done >= total):
            self.progressed.emit(int(done), int(total))

    @Slot()
    def run(self) -> None:
        try:
            kwargs = dict(self.kwargs)
            if self.with_progress:
                kwargs.update(progress=self._progress, cancel=self.cancel_token)
            result = self.function(*self.args, **kwargs)
        except BackboneStudioError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - reported, never raised into Qt
            self.failed.emit(_unexpected(self.description, exc))
        else:
            self.succeeded.emit(result)
        finally:
            self.finished.emit()


# --------------------------------------------------------------------------------------------
# Prediction (Classify page)
# --------------------------------------------------------------------------------------------


class PredictWorker(QObject):
    """Classify files, folders (expanded recursively) and in-memory images off the UI thread.

    Signals: `progressed(done, total)` (total 0 while folders are being listed),
    `predicted(list[Prediction])` in chunks (a few per second at most, so 1,000 files never flood
    the UI thread), `failed(message)` when the job cannot go on, `finished()` exactly once, last.
    Unreadable files are not failures: they come back as Predictions with `error` set.
    `cancel()` may be called from any thread; the job stops at the next batch.
    """

    progressed = Signal(int, int)
    predicted = Signal(list)
    failed = Signal(str)
    finished = Signal()

    CHUNK_SECONDS = 0.25
    CHUNK_MAX = 256

    def __init__(self, classifier, paths=(), images=(), top_k: int = 3, batch_size=None):
        """`paths`: files or folders; `images`: (name, PIL image) pairs, e.g. pasted ones."""
        super().__init__()
        self.classifier = classifier
        self.paths = [str(p) for p in paths]
        self.images = list(images)
        self.top_k = top_k
        self.batch_size = batch_size
        self.cancel_token = CancelToken()

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.cancelled

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except BackboneStudioError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the person, traceback to the log
            self.failed.emit(_unexpected("Prediction", exc))
        finally:
            self.finished.emit()

    def _run(self) -> None:
        from core.predict import expand_paths

        items: list = []
        if self.paths:
            self.progressed.emit(0, 0)  # listing folders: indeterminate
            items.extend(expand_paths(self.paths))
        items.extend((str(name), image) for name, image in self.images)
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
