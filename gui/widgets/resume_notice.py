"""A status-bar notice that a training did not finish, with a Resume button: the offer is seen
from every page, not only on the Train page's banner."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget


class ResumeNoticeWidget(QWidget):
    """`set_offer(text)` (core.resume.describe's sentence, "" for none); `resumeRequested()`
    when Resume is clicked. Shown only while there is an offer and `wanted` is set (the main
    window clears it while the Train page, with its own banner, is shown)."""

    resumeRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._offer = ""
        self._wanted = True
        self.button = QPushButton(self.tr("Resume unfinished training…"))
        self.button.clicked.connect(self.resumeRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.button)
        self.setVisible(False)

    def set_offer(self, text: str) -> None:
        self._offer = text
        tip = self.tr("{offer}\n\nGo to the Train page and continue it.").format(offer=text)
        self.button.setToolTip(tip if text else "")
        self._update()

    def set_wanted(self, wanted: bool) -> None:
        self._wanted = wanted
        self._update()

    def offer(self) -> str:
        return self._offer

    def _update(self) -> None:
        self.setVisible(bool(self._offer) and self._wanted)
