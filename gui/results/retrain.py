"""Retrain in one click: the Results page's "Retrain" rescans the data folder on the Train page
(the galleries may have moved files or excluded images) and starts a training with the Train
page's settings, those of the run just shown unless the person changed them since."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject


class Retrainer(QObject):
    """Wires `results_page.review.retrainRequested` to `train_page`; `show_train` brings the
    Train page forward."""

    def __init__(self, results_page, train_page, show_train: Callable[[], None]):
        super().__init__(results_page)
        self.train_page = train_page
        self.show_train = show_train
        self.pending = False
        results_page.review.retrainRequested.connect(self.retrain)
        train_page.scanFinished.connect(self._on_scanned)
        train_page.controller.scanFailed.connect(self._on_scan_failed)

    def listen(self, signal) -> None:
        """Another "retrain on this folder" source (Classify > Sort > Review's Retrain)."""
        signal.connect(self.retrain)

    def retrain(self, folder: str) -> None:
        self.show_train()
        self.pending = True
        self.train_page.scan(folder)

    def _on_scanned(self, _result=None) -> None:
        if self.pending:
            self.pending = False
            self.train_page.start_training()

    def _on_scan_failed(self, _message: str = "") -> None:
        self.pending = False  # the Train page shows why
