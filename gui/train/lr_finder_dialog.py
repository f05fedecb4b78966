"""The learning-rate finder as a dialog: sweep in the background, plot the loss against the
learning rate (log axis), mark the suggestion, and apply it to the form in one click."""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.training import LrRange, find_learning_rate

from ..jobs import JobSlot, JobThreads
from ..text import render
from ..workers import CallWorker

LOSS_COLOUR = (33, 150, 243)
MARK_COLOUR = (229, 57, 53)


class LrFinderDialog(QDialog):
    """Runs `core.training.find_learning_rate(config, index)` when shown; `applied(rate)` when
    the user takes the suggestion. Closing or Cancel stops the sweep; the model the user trains
    afterwards never sees it."""

    applied = Signal(float)

    def __init__(self, config: Any, index: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Find a learning rate"))
        self.resize(640, 460)
        self.config, self.index = config, index
        self.finding = None
        self._threads = JobThreads()
        self._slot = JobSlot(self._threads, owner=self)
        layout = QVBoxLayout(self)
        sweep = LrRange()
        self.status_label = QLabel(self.tr(
            "Training a throw-away copy of the model for one epoch's worth of steps while the "
            "learning rate rises from {start} to {end}…"
        ).format(start=f"{sweep.start:g}", end=f"{sweep.end:g}"))
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.progress_bar = QProgressBar()
        layout.addWidget(self.progress_bar)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLogMode(x=True, y=False)
        self.plot.setLabel("bottom", self.tr("learning rate"))
        self.plot.setLabel("left", self.tr("loss (smoothed)"))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.curve = self.plot.plot(pen=pg.mkPen(color=LOSS_COLOUR, width=2), antialias=True)
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(color=MARK_COLOUR, width=1.5))
        self.marker.hide()
        self.plot.addItem(self.marker)
        layout.addWidget(self.plot, 1)
        buttons = QDialogButtonBox()
        self.apply_button = QPushButton(self.tr("Use this learning rate"))
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self._on_apply_button_clicked)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)

    def start(self) -> None:
        """Start the sweep (the dialog shows its progress and then the curve)."""
        job = CallWorker(find_learning_rate, self.config, self.index,
                         description=self.tr("The learning-rate finder"), with_progress=True)  # fmt: skip
        self._slot.start(job, progressed=self._on_job_progressed,
                         succeeded=self._on_job_succeeded, failed=self._on_job_failed)  # fmt: skip

    def is_running(self) -> bool:
        return self._slot.busy()

    @Slot(int, int)
    def _on_job_progressed(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    @Slot(object)
    def _on_job_succeeded(self, finding: object) -> None:
        self.finding = finding
        self.progress_bar.hide()
        points = [(r, v) for r, v in zip(finding.learning_rates, finding.losses, strict=True)
                  if math.isfinite(v)]  # fmt: skip
        self.curve.setData([r for r, _ in points], [v for _, v in points])
        self.status_label.setText(render(finding.message))
        if finding.suggestion:
            self.marker.setValue(math.log10(finding.suggestion))
            self.marker.show()
            self.apply_button.setText(self.tr("Use {rate}").format(rate=f"{finding.suggestion:.2g}"))
            self.apply_button.setEnabled(True)
            self.apply_button.setDefault(True)
        self.close_button.setText(self.tr("Close"))

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self.progress_bar.hide()
        self.status_label.setText(message)
        self.close_button.setText(self.tr("Close"))

    @Slot()
    def _on_apply_button_clicked(self) -> None:
        if self.finding is not None and self.finding.suggestion:
            self.applied.emit(float(self.finding.suggestion))
        self.accept()

    def done(self, result: int) -> None:  # noqa: D401 - QDialog override: stop the sweep first
        self._slot.discard()
        self._threads.cancel_all()
        self._threads.wait(10000)
        super().done(result)
