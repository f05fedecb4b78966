"""A word in the middle of an empty list or table ("None"), so an empty tab is not just blank."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class EmptyHint(QObject):
    """Shows `text` centred over `view`'s viewport while its model has no rows; follows the
    model's inserts, removals and resets, and the viewport's size."""

    def __init__(self, view: QAbstractItemView, text: str | None = None):
        super().__init__(view)
        self.view = view
        if text is None:
            text = self.tr("None")
        self.label = QLabel(text, view.viewport())
        self.label.setObjectName("muted")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        model = view.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            signal.connect(self.refresh)
        view.viewport().installEventFilter(self)
        self.refresh()

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def is_shown(self) -> bool:
        """True while the hint is up (the view is empty); independent of the view being shown."""
        return not self.label.isHidden()

    def refresh(self, *_args) -> None:
        if not (shiboken6.isValid(self.view) and shiboken6.isValid(self.label)):
            return  # the view is being deleted: its model still says goodbye
        empty = self.view.model().rowCount() == 0
        self.label.setVisible(empty)
        if empty:
            self.label.setGeometry(self.view.viewport().rect().adjusted(8, 8, -8, -8))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.refresh()
        return False
