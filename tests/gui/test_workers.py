"""gui.workers: where a worker runs, who owns it, and how its threads end."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from gui.workers import CallWorker, JobThreads, thread_running


def test_run_happens_off_the_ui_thread_and_the_worker_stays_in_it(qtbot):
    ran_on: list[int] = []
    worker = CallWorker(lambda: ran_on.append(threading.get_ident()) or "done")
    jobs = JobThreads()
    results: list[object] = []
    worker.succeeded.connect(results.append)
    with qtbot.waitSignal(worker.finished, timeout=10000):
        thread = jobs.start(worker)
    assert ran_on and ran_on[0] != threading.get_ident()
    # Never moved: the worker is created, used and deleted on the UI thread (see gui.workers).
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
