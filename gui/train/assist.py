"""Help the Train page gives before and around a run: the learning-rate finder dialog, and the
offer of pretrained weights before a run from scratch (core.backbones.offer decides what to say).

Offline, the page says once (in its log) that the run trains from scratch and asks nothing again
this session; online, it offers the download once per backbone per session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from core.backbones.offer import can_reach, offer_for
from core.training import automatic

from ..text import render
from .lr_finder_dialog import LrFinderDialog


class TrainAssistant(QObject):
    """`find_learning_rate(config, index)` opens the finder; `learningRateChosen(rate)` when the
    user applies its suggestion. `before_start(config)` is False when the user chose to fetch
    pretrained weights first (`downloadRequested` is emitted) or cancelled."""

    learningRateChosen = Signal(float)
    downloadRequested = Signal()
    said = Signal(str)  # a line for the page's log

    def __init__(self, parent: QWidget, reachable: Callable[[str], bool] = can_reach):
        super().__init__(parent)
        self._parent = parent
        self._reachable = reachable
        self._offline = False  # found once per session; not asked again
        self._declined: set[str] = set()  # backbones the user chose to train from scratch
        self._notes: list[str] = []  # for the log of the run about to start
        self.dialog: LrFinderDialog | None = None

    def find_learning_rate(self, config: Any, index: Any) -> LrFinderDialog:
        """Open the finder, window-modal (one sweep at a time, no training alongside it)."""
        self.close_dialog()
        self.dialog = LrFinderDialog(config, index, self._parent)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.applied.connect(self.learningRateChosen)
        self.dialog.destroyed.connect(self._on_dialog_destroyed)
        self.dialog.open()
        self.dialog.start()
        return self.dialog

    def before_start(self, config: Any) -> bool:
        """Offer pretrained weights before a run from scratch; True: go ahead and train."""
        # Automatic uses ResNet-18's weights when they are here: those are the ones to offer
        name = automatic.weights_backbone(config.backbone)
        if self._offline or name in self._declined:
            return True
        offer = offer_for(name, config.pretrained, self._reachable)
        if offer is None:
            return True
        if offer.kind == "offline":
            self._offline = True
            self._notes.append(render(offer.message))
            return True
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Pretrained weights"), render(offer.message),
                          QMessageBox.StandardButton.Cancel, self._parent)  # fmt: skip
        download = box.addButton(self.tr("Download"), QMessageBox.ButtonRole.AcceptRole)
        scratch = box.addButton(self.tr("Train from scratch"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(download)
        box.exec()
        clicked = box.clickedButton()
        if clicked is scratch:
            self._declined.add(name)
            return True
        if clicked is download:
            self.said.emit(self.tr("Downloading the weights; press Start training when they are here."))
            self.downloadRequested.emit()
        return False

    def take_notes(self) -> list[str]:
        """What to write into the log of the run that starts now (said once)."""
        notes, self._notes = self._notes, []
        return notes

    @Slot()
    def close_dialog(self) -> None:
        """Stop the finder's sweep (if any) and close it: before a training, and at quit."""
        if self.dialog is not None:
            self.dialog.reject()

    @Slot()
    def _on_dialog_destroyed(self) -> None:
        self.dialog = None
