"""Evaluating a saved model on a folder, off the UI thread, for the Results page; and which
epoch of a training a result keeps."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal, Slot

from core.dataset import scan_folder
from core.evaluate import FolderEvaluation, evaluate
from core.events import EpochEnded
from core.predict import Classifier

from ..jobs import JobSlot, JobThreads
from ..workers import CallWorker


def evaluate_folder(model_path: str | Path, folder: str | Path, device: str = "auto",
                    progress=None, cancel=None) -> FolderEvaluation:  # fmt: skip
    """Load a saved model, scan a class-per-folder dataset and score it (core.evaluate); runs
    in a worker with `progress(done, total)` and `cancel` as everywhere else."""
    classifier = Classifier.load(model_path, device=device)
    scan = scan_folder(folder, cancel=cancel)
    return evaluate(classifier, scan, progress=progress, cancel=cancel, model_path=str(model_path))


def best_epoch(history: Sequence[EpochEnded]) -> EpochEnded | None:
    """The epoch whose weights a result keeps: the last one flagged best, else the last one."""
    flagged = [e for e in history if e.is_best]
    if flagged:
        return flagged[-1]
    return history[-1] if history else None


def final_metrics(result: Any, class_names: Sequence[str]):
    """(accuracy, per-class metrics, confusion) of the weights a fit kept, from its end-of-fit
    pass over the validation images (core.training.records) when it has one: the pass the
    galleries show, so a cell's count is always its gallery's (a head or partial fit scored its
    epochs on cached, partly half-precision features, which can differ by an image); else
    None (the best epoch's figures are shown)."""
    from core.metrics import accuracy, per_class_metrics
    from core.review.gallery import cell_counts

    records = tuple(getattr(result, "records", ()) or ())
    if not records or not class_names:
        return None
    confusion = np.asarray(cell_counts(records, class_names), dtype=np.int64)
    if not confusion.sum():
        return None
    return accuracy(confusion), per_class_metrics(confusion, class_names), confusion


class EvaluationController(QObject):
    """One evaluation at a time: `started()`, `progressed(done, total)`, then `evaluated
    (FolderEvaluation)` or `failed(message)`, then `ended()`."""

    started = Signal()
    progressed = Signal(int, int)
    evaluated = Signal(object)
    failed = Signal(str)
    ended = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.jobs = JobThreads()
        self._slot = JobSlot(self.jobs, self)

    def is_running(self) -> bool:
        return self._slot.busy()

    def evaluate(self, model_path: str | Path, folder: str | Path, device: str = "auto") -> bool:
        """Start evaluating; False while another evaluation runs."""
        if self._slot.busy():
            return False
        job = CallWorker(
            evaluate_folder, str(model_path), str(folder), device=device,
            description=QT_TRANSLATE_NOOP("Job", "Evaluating"), with_progress=True,
        )  # fmt: skip
        self._slot.start(job, progressed=self.progressed.emit, succeeded=self.evaluated.emit,
                         failed=self.failed.emit, finished=self.ended.emit)  # fmt: skip
        self.started.emit()
        return True

    @Slot()
    def cancel(self) -> None:
        self._slot.cancel()

    def cancel_and_wait(self, timeout_ms: int = 10000) -> bool:
        """Stop a running evaluation and wait for its thread; True when it has ended."""
        self.jobs.cancel_all()
        return self.jobs.wait(timeout_ms)
