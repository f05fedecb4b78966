"""The banner at the top of the Train page offering to resume a training that did not finish."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..text import render


class ResumeBannerWidget(QFrame):
    """Says what the unfinished training was (`offer(text)`); `resumeRequested()` or
    `discardRequested()` when its buttons are clicked. Hidden until offered."""

    resumeRequested = Signal()
    discardRequested = Signal()
    offerChanged = Signal(str)  # the text on offer, "" once it is withdrawn

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resumeBanner")
        self.setStyleSheet(
            "#resumeBanner { background: #e8f0fe; border: 1px solid #aecbfa; border-radius: 4px; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.resume_label = QLabel("")
        self.resume_label.setWordWrap(True)
        self.resume_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.resume_label)
        buttons = QHBoxLayout()
        self.resume_button = QPushButton(self.tr("Resume training"))
        self.resume_button.setToolTip(self.tr("Scan the same folder again and continue where it stopped"))
        self.resume_button.clicked.connect(self.resumeRequested)
        self.discard_checkpoint_button = QPushButton(self.tr("Discard"))
        self.discard_checkpoint_button.setToolTip(self.tr("Delete the unfinished training"))
        self.discard_checkpoint_button.clicked.connect(self.discardRequested)
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.discard_checkpoint_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.hide()

    def offer(self, text: str) -> None:
        """Show the banner with `text` (core.resume.describe) and both buttons enabled."""
        text = render(text)  # core.resume.describe's message, in the user's language
        self.resume_label.setText(text)
        self.set_busy(False)
        self.show()
        self.offerChanged.emit(text)

    def withdraw(self) -> None:
        """Nothing to resume any more (resumed, discarded, or replaced by a new training)."""
        was_offered = bool(self.resume_label.text())
        self.resume_label.setText("")
        self.hide()
        if was_offered:
            self.offerChanged.emit("")

    def offered(self) -> str:
        """The text on offer ("" when none), whether or not the banner is on screen."""
        return self.resume_label.text()

    def set_busy(self, busy: bool) -> None:
        """While the folder is scanned again, neither button can be clicked."""
        self.resume_button.setEnabled(not busy)
        self.discard_checkpoint_button.setEnabled(not busy)
