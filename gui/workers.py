"""Workers that run core jobs off the UI thread (worker-object pattern).

Each worker is a QObject with a `run()` slot and a `finished` signal it emits exactly once, last.
`start_worker()` moves it to a new QThread and wires the lifetime: thread.started -> worker.run,
worker.finished -> thread.quit, deleteLater on both. Signals carry plain Python data only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread


def start_worker(worker: QObject, parent: QObject | None = None) -> QThread:
    """Run `worker.run` on a new thread; returns the thread (already started)."""
    thread = QThread(parent)
    thread.setObjectName(f"{type(worker).__name__}Thread")
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    worker.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread
