"""`ReviewDialog`: label a list of images quickly, keyboard first, then add them to the
training set.

Built for the "Not sure" images of a sort, but it takes any list::

    dialog = ReviewDialog(
        [ReviewEntry("/sorted/_not_sure/a.jpg", suggested="cat", confidence=0.52, margin=0.04),
         ("/sorted/_not_sure/b.jpg", "dog", 0.61, 0.3)],    # or plain tuples
        class_names=["cat", "dog"],
        training_root="/data/pets",    # where "Add to training set" copies to (None: asks)
        parent=window,
    )
    dialog.show()
    dialog.labels()    # {path: class} given so far; labelsChanged() after each change

Keys (the grid's): 1-9 give the n-th class, Enter takes the suggestion, X sets an image aside
(it is not added), Ctrl+Z takes back the last labelling (or the last "Add to training set").
"Label these next" orders the images by the margin between their two most likely classes,
smallest first (the ones that teach the model most). "Add to training set" copies every
labelled image into `training_root/<class>/` (atomic, never overwriting, undoable).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import BackboneStudioError
from core.review.actions import Action, ReviewHistory
from core.review.gallery import label_next

from ..text import error_text
from ..widgets.image_detail import ImageDetailDialog
from ..widgets.review_grid import GridItem, ReviewGridWidget


@dataclass(frozen=True)
class ReviewEntry:
    """One image to review: the model's suggested class, its confidence, and the margin
    between its two most likely classes (None: unknown, sorted last by "Label these next")."""

    path: str
    suggested: str | None = None
    confidence: float | None = None
    margin: float | None = None


def _entry(value) -> ReviewEntry:
    if isinstance(value, ReviewEntry):
        return value
    return ReviewEntry(*value)


class ReviewDialog(QDialog):
    """Non-modal; see the module docstring. `grid` is the `ReviewGridWidget`."""

    labelsChanged = Signal()
    addedToTrainingSet = Signal(str)  # the training folder

    def __init__(self, items: Iterable, class_names: Sequence[str],
                 training_root: str | Path | None = None, parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(self.tr("Review images"))
        self.resize(1000, 720)
        self.entries = [_entry(v) for v in items]
        self.class_names = [str(n) for n in class_names]
        self.training_root = str(training_root) if training_root else None
        self.history = ReviewHistory()
        self._undo: list[tuple[str, object]] = []  # ("labels", {path: GridItem}) or ("files", Action)
        self.detail: ImageDetailDialog | None = None
        self.grid = ReviewGridWidget(self.class_names)
        self.grid.assignRequested.connect(self.assign)
        self.grid.acceptRequested.connect(self.accept_suggestions)
        self.grid.excludeRequested.connect(self.set_aside)
        self.grid.undoRequested.connect(self.undo)
        self.grid.openRequested.connect(self._open_detail)
        self._build_ui()
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)
        self._fill()

    def _build_ui(self) -> None:
        keys = ", ".join(f"{n + 1} {name}" for n, name in enumerate(self.class_names[:9]))
        hint = QLabel(self.tr("Keys: {keys} · Enter: take the suggestion · X: set aside · "
                              "Ctrl+Z: undo · Space: larger view").format(keys=keys))  # fmt: skip
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        self.order_check = QCheckBox(self.tr("Label these next (most uncertain first)"))
        self.order_check.setChecked(True)
        self.order_check.toggled.connect(self._fill)
        self.count_label = QLabel()
        self.add_button = QPushButton(self.tr("Add to training set"))
        self.add_button.setObjectName("primaryButton")
        self.add_button.setToolTip(
            self.tr("Copy the labelled images into the training folder's class folders"))
        self.add_button.clicked.connect(lambda: self.add_to_training_set())
        self.undo_button = QPushButton(self.tr("Undo (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo)
        top = QHBoxLayout()
        top.addWidget(self.order_check)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.undo_button)
        top.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(top)
        layout.addWidget(self.grid, 1)

    def _fill(self) -> None:
        by_path = {item.path: item for item in self.grid.items()}
        entries = self.entries
        if self.order_check.isChecked():
            entries = label_next(entries, lambda e: 2.0 if e.margin is None else e.margin)
        self.grid.set_items([
            by_path.get(e.path) or GridItem(path=e.path, predicted=e.suggested,
                                            confidence=e.confidence, margin=e.margin)
            for e in entries
        ])  # fmt: skip
        self.grid.setFocus()
        self._update()

    # -- labelling -------------------------------------------------------------------------
    def labels(self) -> dict[str, str]:
        """{path: class} of every labelled image (not those set aside)."""
        return {i.path: i.assigned for i in self.grid.items() if i.assigned and not i.excluded}

    def _change(self, rows: list[int], **changes) -> None:
        model = self.grid.grid_model
        self._undo.append(("labels", {model.item(r).path: model.item(r) for r in rows}))
        for row in rows:
            model.update_item(row, **changes)
        self._update()
        self.labelsChanged.emit()

    def assign(self, rows: list[int], name: str) -> None:
        self._change(rows, assigned=name, excluded=False, note="")

    def accept_suggestions(self, rows: list[int]) -> None:
        model = self.grid.grid_model
        rows = [r for r in rows if model.item(r).predicted]
        if not rows:
            return
        self._undo.append(("labels", {model.item(r).path: model.item(r) for r in rows}))
        for row in rows:
            model.update_item(row, assigned=model.item(row).predicted, excluded=False, note="")
        self._update()
        self.labelsChanged.emit()

    def set_aside(self, rows: list[int]) -> None:
        self._change(rows, excluded=True, assigned=None, note=self.tr("set aside"))

    # -- adding to the training set -------------------------------------------------------------
    def add_to_training_set(self, training_root: str | Path | None = None) -> Action | None:
        """Copy every labelled image into `training_root` (default: the dialog's, else asked)
        `/<class>/`; asks first; undoable. Returns the action, None when nothing was done."""
        labels = self.labels()
        title = self.tr("Add to training set")
        if not labels:
            QMessageBox.information(self, title,
                                    self.tr("Label some images first (keys 1-9 or Enter)."))
            return None
        root = training_root or self.training_root or QFileDialog.getExistingDirectory(
            self, self.tr("Add to which training folder? (one subfolder per class)"))  # fmt: skip
        if not root:
            return None
        n = len(labels)
        answer = QMessageBox.question(
            self, title,
            self.tr("Copy %n labelled image(s) into the class folders of {root}?\n"
                    "You can undo this (Ctrl+Z).", "", n).format(root=root),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return None
        try:
            action = self.history.add_to_training_set(labels.items(), root)
        except BackboneStudioError as exc:
            QMessageBox.warning(self, title, error_text(exc))
            return None
        self.training_root = str(root)
        self._undo.append(("files", action))
        model = self.grid.grid_model
        for path in labels:
            row = model.row_of(path)
            model.update_item(row, note=self.tr("added as {name}").format(
                name=model.item(row).assigned))
        self._update()
        self.addedToTrainingSet.emit(str(root))
        return action

    # -- undo ------------------------------------------------------------------------------
    def undo(self) -> bool:
        """Take back the newest labelling or "Add to training set"; False when there is none."""
        if not self._undo:
            return False
        kind, what = self._undo[-1]
        model = self.grid.grid_model
        if kind == "files":
            try:
                self.history.undo(what)
            except BackboneStudioError as exc:
                QMessageBox.warning(self, self.tr("Undo"), error_text(exc))
                return False
            for op in what.ops:
                row = model.row_of(str(op.source))
                if row is not None:
                    model.update_item(row, note="")
        else:
            for path, item in what.items():
                row = model.row_of(path)
                if row is not None:
                    model.update_item(row, assigned=item.assigned, excluded=item.excluded,
                                      note=item.note)  # fmt: skip
            self.labelsChanged.emit()
        self._undo.pop()
        self._update()
        return True

    def _update(self) -> None:
        items = self.grid.items()
        done = sum(1 for i in items if i.assigned or i.excluded)
        n = len(items)
        self.count_label.setText(self.tr("{done} of %Ln image(s) reviewed", "", n).format(done=done))
        self.undo_button.setEnabled(bool(self._undo))
        self.add_button.setEnabled(bool(self.labels()))

    def _open_detail(self, row: int) -> None:
        if self.detail is None:
            self.detail = ImageDetailDialog(self)
        self.detail.show_item(self.grid.grid_model.item(row))
        self.detail.show()

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        self.grid.shutdown()
        super().done(result)
