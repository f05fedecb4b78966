"""gui.jobs and gui.workers: where a job runs, who owns it, how it ends, how its threads end,
and how a JobSlot replaces a running job."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from core.errors import BackboneStudioError
from gui.jobs import Job, JobSlot, JobThreads, thread_running
from gui.workers import CallWorker


def test_run_happens_off_the_ui_thread_and_the_worker_stays_in_it(qtbot):
    ran_on: list[int] = []
    worker = CallWorker(lambda: ran_on.append(threading.get_ident()) or "done")
    jobs = JobThreads()
    results: list[object] = []
    worker.succeeded.connect(results.append)
    with qtbot.waitSignal(worker.finished, timeout=10000):
        thread = jobs.start(worker)
    assert ran_on and ran_on[0] != threading.get_ident()
    # Never moved: the worker is created, used and deleted on the UI thread (see gui.jobs).
    assert worker.thread() is QCoreApplication.instance().thread()
    assert thread.parent() is QCoreApplication.instance()
    assert jobs.wait(5000)
    assert results == ["done"]
    qtbot.waitUntil(lambda: not thread_running(thread), timeout=5000)


def test_wait_times_out_on_a_stuck_job_and_cancel_all_reaches_every_worker(qtbot):
    release = threading.Event()

    def blocked(progress, cancel):
        while not cancel.cancelled:
            release.wait(0.01)
        return "stopped"

    jobs = JobThreads()
    workers = [CallWorker(blocked, with_progress=True) for _ in range(3)]
    for worker in workers:
        jobs.start(worker)
    assert not jobs.wait(100)  # nothing cancelled yet: still running when the time is up
    assert set(jobs.workers()) == set(workers)
    jobs.cancel_all()
    assert jobs.wait(10000)
    assert jobs.running() == [] and jobs.workers() == []


class _Page(QWidget):
    """Stands in for a page: owns a dialog whose Cancel reaches the job through a page slot."""

    def __init__(self):
        super().__init__()
        self.jobs = JobThreads()
        self.finished = 0
        self.worker: CallWorker | None = None

    @Slot()
    def on_canceled(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    @Slot()
    def on_finished(self) -> None:
        self.finished += 1


def test_many_short_jobs_with_dialogs_closing_under_them_end_cleanly(qtbot):
    """The shape of the weights import: a progress dialog deleted as its job ends. With workers
    moved to their threads this crashed about one run in ten (both threads in ~QObject)."""
    page = _Page()
    qtbot.addWidget(page)
    for _ in range(40):
        dialog = QProgressDialog("Working…", "Cancel", 0, 0, page)
        worker = CallWorker(lambda: None)
        page.worker = worker
        dialog.canceled.connect(page.on_canceled)
        worker.finished.connect(page.on_finished)
        worker.finished.connect(dialog.deleteLater)
        page.jobs.start(worker)
    assert page.jobs.wait(20000)
    qtbot.waitUntil(lambda: page.finished == 40, timeout=10000)
    QCoreApplication.processEvents()
    assert not page.findChildren(QProgressDialog)
    assert not [o for o in page.findChildren(QObject) if o.thread() is not page.thread()]


class _Echo(Job):
    """A job whose work() is given: returns a value, raises a user error, or raises a bug."""

    answered = Signal(object)
    description = "Echoing"

    def __init__(self, work):
        super().__init__()
        self._work = work

    def work(self):
        return self._work(self)

    def report(self, result):
        self.answered.emit(result)


def _run_job(qtbot, job: Job) -> list[tuple]:
    """Run `job` on a worker thread; every signal it emitted, in order, as (name, args)."""
    heard: list[tuple] = []
    job.answered.connect(lambda value: heard.append(("answered", value)))
    job.failed.connect(lambda message: heard.append(("failed", message)))
    job.finished.connect(lambda: heard.append(("finished",)))
    jobs = JobThreads()
    jobs.start(job)
    assert jobs.wait(10000)
    qtbot.waitUntil(lambda: heard and heard[-1] == ("finished",), timeout=5000)
    return heard


def test_a_job_reports_its_result_or_a_message_and_always_finishes_last(qtbot, caplog):
    assert _run_job(qtbot, _Echo(lambda job: 42)) == [("answered", 42), ("finished",)]

    def user_error(job):
        raise BackboneStudioError("The folder has no class subfolders.")

    assert _run_job(qtbot, _Echo(user_error)) == [
        ("failed", "The folder has no class subfolders."), ("finished",)
    ]

    def bug(job):
        raise KeyError("oops")

    (failed, finished) = _run_job(qtbot, _Echo(bug))
    assert failed[0] == "failed" and finished == ("finished",)
    assert failed[1].startswith("Echoing failed unexpectedly: KeyError") and "log" in failed[1]
    assert "Traceback" in caplog.text  # the details go to the log, not into the message


def test_handlers_run_on_the_ui_thread(qtbot):
    ran_on: list[int] = []
    slot = JobSlot(JobThreads())
    done: list[bool] = []
    slot.start(_Echo(lambda job: 1), answered=lambda _v: ran_on.append(threading.get_ident()),
               finished=lambda: done.append(True))  # fmt: skip
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert ran_on == [threading.get_ident()]


def _blocking(job: Job) -> str:
    while not job.cancelled:
        threading.Event().wait(0.005)
    return "stopped"


def test_a_job_slot_replaces_the_running_job_and_only_the_current_one_is_heard(qtbot):
    threads = JobThreads()
    slot = JobSlot(threads)
    heard: list[tuple] = []
    first = slot.start(_Echo(_blocking), answered=lambda v: heard.append(("first", v)),
                       finished=lambda: heard.append(("first finished",)))  # fmt: skip
    assert slot.busy() and slot.job is first
    second = slot.start(_Echo(lambda job: "second"), answered=lambda v: heard.append(("second", v)),
                        finished=lambda: heard.append(("second finished", slot.busy())))  # fmt: skip
    assert first.cancelled and not second.cancelled
    assert threads.wait(10000)
    qtbot.waitUntil(lambda: ("second finished", False) in heard, timeout=5000)
    # The discarded job ran to its end ("stopped"), but nobody heard it; the slot is idle in
    # the current job's `finished` handler.
    assert heard == [("second", "second"), ("second finished", False)]
    assert not slot.busy() and slot.job is None


def test_cancel_in_a_job_slot_still_delivers_the_last_signals(qtbot):
    slot = JobSlot(JobThreads())
    heard: list[tuple] = []
    slot.start(_Echo(_blocking), answered=lambda v: heard.append(("answered", v)),
               finished=lambda: heard.append(("finished",)))  # fmt: skip
    slot.cancel()
    assert slot.busy()  # until it has finished
    qtbot.waitUntil(lambda: ("finished",) in heard, timeout=10000)
    assert heard == [("answered", "stopped"), ("finished",)]
    assert not slot.busy()


def test_a_job_slot_delivers_nothing_once_its_owner_is_deleted(qtbot):
    import shiboken6

    owner = QObject()
    threads = JobThreads()
    slot = JobSlot(threads, owner)
    heard: list[tuple] = []
    job = slot.start(_Echo(_blocking), answered=lambda v: heard.append(("answered", v)),
                     finished=lambda: heard.append(("finished",)))  # fmt: skip
    shiboken6.delete(owner)  # e.g. the page went away while its job ran
    job.cancel()
    assert threads.wait(10000)
    QCoreApplication.processEvents()
    assert heard == []
