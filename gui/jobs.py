"""Running core jobs off the UI thread: the `Job` base, the threads it runs on, and `JobSlot`.

A job is a QObject whose `work()` does the slow part; `run()` wraps it once for every job
(superqt's WorkerBase pattern): a user error (`BackboneStudioError`) becomes `failed(message)`,
anything else a short "failed unexpectedly" message with the traceback in the log, and
`finished()` is emitted exactly once, last, whatever happened. `start_worker()` runs `job.run()`
on a new `WorkerThread`; `JobThreads` is the set of threads one page started, with cancel-and-wait
for closing; a `JobSlot` holds the one job of a kind (a scan, a training) and cancels it when
another replaces it (Orange's ConcurrentMixin). Signals carry plain Python data only.

The job object stays in the UI thread: only its `run()` executes on the worker thread, and its
signals reach UI-thread slots queued, as with any cross-thread emit. It is deliberately not
`moveToThread`-ed. A moved worker is deleted on its own thread as that thread ends, and
`~QObject` then calls `disconnectNotify()` on every sender still connected to it (the QThread's
`started`, a progress dialog's `canceled`): a Python-override lookup on a wrapper that the UI
thread may be deleting at that very moment. That crashed the test suite about one run in ten
(a core dump showed both threads inside `~QObject`). Here every Qt object is created and
deleted on the UI thread; the worker thread only runs `run()`, which emits the job's signals.
"""

from __future__ import annotations

import gc
import logging
import threading
import traceback
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDeadlineTimer,
    QEventLoop,
    QObject,
    QThread,
    Signal,
    Slot,
)

from core.errors import BackboneStudioError
from core.events import Cancelled, CancelToken, Throttle
from core.messages import message_of

_log = logging.getLogger(__name__)

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


def unexpected_failure(what: str, exc: BaseException) -> str:
    """A failure message for a bug (not a user error): short, and the traceback goes to the log."""
    _log.error("%s failed:\n%s", what, "".join(traceback.format_exception(exc)))
    return QCoreApplication.translate(
        "Job", "{what} failed unexpectedly: {error}. Details are in the log."
    ).format(what=what, error=f"{type(exc).__name__}: {exc}")


def error_text(exc: BaseException) -> str:
    """An error's message, rendered in the user's language when it is a core message."""
    from .i18n import render

    return render(message_of(exc))  # str(exc) when it carries no Message


class Job(QObject):
    """One piece of slow work. Subclasses implement `work()` and, when it returns something
    worth reporting, `report(result)` (emitting their own typed signal: `scanned`, `fitted`…).

    Signals: `progressed(done, total)` (through the throttled `report_progress`), `failed(message)`
    when the job could not do its work, `finished()` exactly once, last. `cancel()` is
    thread-safe; `work()` passes `cancel_token` to core, which stops at its next check.
    """

    progressed = Signal(int, int)
    failed = Signal(str)
    finished = Signal()

    description = QT_TRANSLATE_NOOP("Job", "The job")  # names the job in a failure's message
    progress_per_second = 10.0

    def __init__(self) -> None:
        super().__init__()
        self.cancel_token = CancelToken()
        self._progress_throttle = Throttle(self.progress_per_second)

    # -- for subclasses ---------------------------------------------------------------------------
    def work(self) -> Any:
        """The slow part, on the worker thread; its return value goes to `report()`."""
        raise NotImplementedError

    def report(self, result: Any) -> None:
        """Announce `work()`'s result (on the worker thread); the default announces nothing."""

    def failure_message(self, exc: BackboneStudioError) -> str:
        """What `failed` says about a user error; the error's own message by default (in the
        user's language when it is one of core's messages)."""
        return error_text(exc)

    def report_progress(self, done: int, total: int) -> None:
        """A progress callback for core: emits `progressed` a few times a second, and always
        for the last step."""
        if self._progress_throttle.ready(force=total > 0 and done >= total):
            self.progressed.emit(int(done), int(total))

    # -- the common part -------------------------------------------------------------------------
    def cancel(self) -> None:
        """Thread-safe: the job stops at its next cancellation check."""
        self.cancel_token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.cancelled

    @Slot()
    def run(self) -> None:
        """On the worker thread: `work()`, then `report()` or `failed`, then `finished`."""
        try:
            result = self.work()
        except Cancelled:  # asked for: the job just ends (its owner knows it cancelled it)
            pass
        except BackboneStudioError as exc:
            self.failed.emit(self.failure_message(exc))
        except Exception as exc:  # noqa: BLE001 - reported, never raised into Qt
            what = QCoreApplication.translate("Job", self.description)
            self.failed.emit(unexpected_failure(what, exc))
        else:
            self.report(result)
        finally:
            self.finished.emit()


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


class JobSlot:
    """The one job of a kind (the scan, the training, the model load): starting a job here
    discards the one running in it, which is cancelled and whose signals from then on reach
    nobody (Orange's ConcurrentMixin). So a handler only ever hears from the current job, and
    `job` is None again by the time the current job's `finished` handler runs.

        self._scan = JobSlot(threads)
        self._scan.start(ScanWorker(folder), scanned=self._on_scan_scanned,
                         failed=self._on_scan_failed, finished=self._on_scan_finished)

    `cancel()` asks the current job to stop and still delivers its last signals (a cancelled
    training's result); `discard()` cancels it and drops whatever it says from then on.
    """

    def __init__(self, threads: JobThreads, owner: QObject | None = None):
        """`owner`: the QObject whose methods the handlers are (a controller); once Qt has
        deleted it, nothing is delivered any more (Qt disconnects a deleted receiver's slots by
        itself, but the handlers reach it through closures)."""
        self._threads = threads
        self._owner = owner
        self._job: Job | None = None

    @property
    def job(self) -> Job | None:
        """The running job, None when idle."""
        return self._job

    def busy(self) -> bool:
        return self._job is not None

    def start(self, job: Job, **handlers: Callable[..., Any]) -> Job:
        """Discard the running job (if any), connect `handlers` (signal name -> callable) to the
        new one and start it on its own thread. Its `finished` always marks the slot idle."""
        self.discard()
        self._job = job
        ref = weakref.ref(job)  # no job -> connection -> closure -> job cycle for the GC to find
        for name, handler in handlers.items():
            if name != "finished":
                getattr(job, name).connect(self._guarded(ref, handler))
        job.finished.connect(self._ended(ref, handlers.get("finished")))
        self._threads.start(job)
        return job

    def cancel(self) -> None:
        """Ask the running job to stop; its last signals are still delivered."""
        if self._job is not None:
            self._job.cancel()

    def discard(self) -> None:
        """Cancel the running job and forget it: none of its signals is delivered any more."""
        job, self._job = self._job, None
        if job is not None:
            job.cancel()

    def _current(self, ref: weakref.ref) -> bool:
        """True while `ref` is the running job and the owner is still there."""
        if self._owner is not None and not shiboken6.isValid(self._owner):
            return False
        return self._job is not None and self._job is ref()

    def _guarded(self, ref: weakref.ref, handler: Callable[..., Any]) -> Callable[..., None]:
        def deliver(*args: Any) -> None:
            if self._current(ref):
                handler(*args)

        return deliver

    def _ended(self, ref: weakref.ref, handler: Callable[[], Any] | None) -> Callable[[], None]:
        def deliver() -> None:
            if not self._current(ref):
                return  # discarded (or its owner is gone): its end is nobody's business
            self._job = None
            if handler is not None:
                handler()

        return deliver
