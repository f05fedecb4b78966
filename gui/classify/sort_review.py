"""Classify > Sort folder… > Review not sure…: the review grid over a sort's set-aside images,
with one more action: "File into class folders" moves each labelled image from DEST/_not_sure
into DEST/<class>/ and updates the sort's manifest (core.sorting.SortedReview). Ctrl+Z takes
it back like any other step of the review."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from core.errors import BackboneStudioError
from core.sorting import SortedReview

from ..review import ReviewDialog
from ..text import error_text


class SortReviewDialog(ReviewDialog):
    retrainRequested = Signal(str)  # the training folder images were added to

    def __init__(self, items: Iterable, class_names: Sequence[str], dest: str | Path,
                 training_root: str | Path | None = None, parent: QWidget | None = None):  # fmt: skip
        super().__init__(items, class_names, training_root=training_root, parent=parent)
        self.sorted_review = SortedReview(dest, history=self.history)
        self.file_button = QPushButton(self.tr("File into class folders"), self)
        self.file_button.setToolTip(self.tr(
            "Move the labelled images from _not_sure into their class folders of the sorted "
            "folder, and record it in the manifest (Ctrl+Z takes it back)"))  # fmt: skip
        self.file_button.clicked.connect(self.file_labelled)
        row = self.layout().itemAt(1).layout()  # the dialog's button row
        row.insertWidget(row.indexOf(self.add_button), self.file_button)
        self.retrain_button = QPushButton(self.tr("Retrain"), self)
        self.retrain_button.setToolTip(self.tr(
            "Train again on the training folder with the images just added (Train page)"))
        self.retrain_button.setVisible(False)
        self.retrain_button.clicked.connect(
            lambda: self.retrainRequested.emit(self.training_root or ""))
        row.addWidget(self.retrain_button)
        self.addedToTrainingSet.connect(lambda _root: self.retrain_button.setVisible(True))
        self.labelsChanged.connect(self._update_file_button)
        self._update_file_button()

    def _update_file_button(self) -> None:
        self.file_button.setEnabled(bool(self.labels()))

    def file_labelled(self):
        """Move the labelled images into their class folders; the action, or None."""
        labels = self.labels()
        if not labels:
            return None
        try:
            action = self.sorted_review.file(labels)
        except BackboneStudioError as exc:
            QMessageBox.warning(self, self.tr("File into class folders"), error_text(exc))
            return None
        self._undo.append(("sorted", action))
        model = self.grid.grid_model
        for op in action.ops:
            row = model.row_of(str(op.source))
            if row is not None:
                model.update_item(row, note=self.tr("filed in {folder}").format(
                    folder=op.dest.parent.name))  # fmt: skip
        self._update()
        self._update_file_button()
        return action

    def undo(self) -> bool:
        if not self._undo or self._undo[-1][0] != "sorted":
            return super().undo()
        action = self._undo[-1][1]
        try:
            self.sorted_review.undo(action)
        except BackboneStudioError as exc:
            QMessageBox.warning(self, self.tr("Undo"), error_text(exc))
            return False
        model = self.grid.grid_model
        for op in action.ops:
            row = model.row_of(str(op.source))
            if row is not None:
                model.update_item(row, note="")
        self._undo.pop()
        self._update()
        self._update_file_button()
        return True
