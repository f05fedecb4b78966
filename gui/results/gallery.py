"""The error gallery: the validation images of one confusion-matrix cell, or every mistake, in
the shared review grid, with the actions that fix the data.

- **Exclude** (X): the image is left out of the next training (`core.review.Exclusions`, kept in
  the app's own state; the folder is untouched); "Include again" takes it back.
- **Move / Copy to another class** (1-9, Enter for the predicted class, or the buttons): the
  only write into the user's folder, confirmed first, atomic, logged and undoable.
- **Undo** (Ctrl+Z) and the history list: each action can be taken back.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.errors import BackboneStudioError
from core.review import Exclusions
from core.review.actions import Action, ReviewHistory, class_folder_for
from core.review.gallery import cell_records, mistakes

from ..text import error_text
from ..widgets.image_detail import ImageDetailDialog
from ..widgets.review_grid import GridItem, ReviewGridWidget


class ErrorGalleryDialog(QDialog):
    """Non-modal. `show_cell(true, predicted)` or `show_mistakes()` chooses what it shows;
    `records` are `core.review.ImageRecord`s, `data_root` the folder they came from (None: no
    exclusions can be kept). `dataChanged` says the data changed (files or exclusions)."""

    dataChanged = Signal()

    def __init__(self, records, class_names, data_root=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Images"))
        self.resize(1000, 720)
        self.records = list(records)
        self.class_names = [str(n) for n in class_names]
        self.history = ReviewHistory()
        self.exclusions = Exclusions.for_folder(data_root) if data_root else None
        self.detail: ImageDetailDialog | None = None
        self.grid = ReviewGridWidget(self.class_names)
        self.grid.assignRequested.connect(self._on_assign)
        self.grid.acceptRequested.connect(self._on_accept)
        self.grid.excludeRequested.connect(self.toggle_exclusion)
        self.grid.undoRequested.connect(self.undo)
        self.grid.openRequested.connect(self.open_detail)
        self._build_ui()
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)

    def _build_ui(self) -> None:
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        keys = ", ".join(f"{n + 1} {name}" for n, name in enumerate(self.class_names[:9]))
        hint = QLabel(self.tr("Keys: {keys} (move to that class) · Enter: move to the predicted "
                              "class · X: exclude from training · Ctrl+Z: undo · Space: larger "
                              "view").format(keys=keys))  # fmt: skip
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.exclude_button = QPushButton(self.tr("Exclude / include (X)"))
        self.exclude_button.clicked.connect(lambda: self.toggle_exclusion(self.grid.selected_rows()))
        self.move_button = QPushButton(self.tr("Move to class…"))
        self.move_button.clicked.connect(lambda: self._ask_class(copy=False))
        self.copy_button = QPushButton(self.tr("Copy to class…"))
        self.copy_button.clicked.connect(lambda: self._ask_class(copy=True))
        self.undo_button = QPushButton(self.tr("Undo (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo)
        buttons = QHBoxLayout()
        for button in (self.exclude_button, self.move_button, self.copy_button, self.undo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.history_list = QListWidget()
        self.history_list.setAccessibleName(self.tr("History"))
        self.undo_selected_button = QPushButton(self.tr("Undo selected"))
        self.undo_selected_button.clicked.connect(self._undo_selected)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel(self.tr("History")))
        side_layout.addWidget(self.history_list, 1)
        side_layout.addWidget(self.undo_selected_button)
        split = QSplitter()
        split.addWidget(self.grid)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        self._refresh_history()

    # -- what is shown -------------------------------------------------------------------------
    def show_cell(self, true: str, predicted: str) -> None:
        """The images of true class `true` predicted as `predicted` (highest loss first; a
        diagonal cell: least confident first)."""
        chosen = cell_records(self.records, true, predicted)
        n = len(chosen)
        if true == predicted:
            title = self.tr("True {true}, predicted {predicted}: %n image(s) "
                            "(least confident first)", "", n)
        else:
            title = self.tr("True {true}, predicted {predicted}: %n image(s) "
                            "(highest loss first)", "", n)
        self._show(chosen, title.format(true=true, predicted=predicted))

    def show_mistakes(self) -> None:
        """Every misclassified image, highest loss first."""
        chosen = mistakes(self.records)
        n = len(chosen)
        self._show(chosen, self.tr("All mistakes: %Ln image(s) (highest loss first)", "", n))

    def _show(self, records, title: str) -> None:
        excluded = self.exclusions.paths() if self.exclusions is not None else frozenset()
        items = [GridItem.from_record(r) for r in records]
        items = [replace(item, excluded=_abs(item.path) in excluded) for item in items]
        self.title_label.setText(title)
        self.setWindowTitle(title.split(":")[0])
        self.grid.set_items(items)
        self.grid.setFocus()

    def shown_paths(self) -> list[str]:
        return [item.path for item in self.grid.items()]

    # -- acting ----------------------------------------------------------------------------------
    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _on_assign(self, rows: list[int], name: str) -> None:
        self.move_rows(rows, name)

    def _on_accept(self, rows: list[int]) -> None:
        for row in rows:  # each to its own predicted class
            item = self.grid.grid_model.item(row)
            if item.predicted and item.predicted != item.true_label:
                self.move_rows([row], item.predicted)

    def _ask_class(self, copy: bool) -> None:
        rows = self.grid.selected_rows()
        if not rows:
            return
        title = self.tr("Copy to class") if copy else self.tr("Move to class")
        name, ok = QInputDialog.getItem(self, title, self.tr("Class:"), self.class_names, 0,
                                        False)  # fmt: skip
        if ok and name:
            self.move_rows(rows, name, copy=copy)

    def move_rows(self, rows: list[int], name: str, copy: bool = False) -> Action | None:
        """Move (or copy) the images of `rows` into the folder of class `name`, next to their
        own class folder; asks first. Returns the action, None when nothing was done."""
        model = self.grid.grid_model
        items = [(row, model.item(row)) for row in rows]
        items = [(row, it) for row, it in items if it.true_label != name and not it.note]
        if not items:
            return None
        title = self.tr("Copy images") if copy else self.tr("Move images")
        n = len(items)
        try:
            folders = {class_folder_for(it.path, it.true_label, name) for _, it in items}
            question = (self.tr("Copy %n image(s) into {folders}?\nYou can undo this (Ctrl+Z).",
                                "", n) if copy else
                        self.tr("Move %n image(s) into {folders}?\nYou can undo this (Ctrl+Z).",
                                "", n))  # fmt: skip
            folders_text = ", ".join(str(f) for f in sorted(folders))
            if not self.confirm(title, question.format(folders=folders_text)):
                return None
            action = self._files(items, name, copy)
        except BackboneStudioError as exc:
            QMessageBox.warning(self, title, error_text(exc))
            return None
        for (row, _), op in zip(items, action.ops, strict=True):
            model.update_item(row, path=str(op.dest) if not copy else model.item(row).path,
                              note=(self.tr("copied to {name}") if copy else
                                    self.tr("moved to {name}")).format(name=name))  # fmt: skip
        self._changed()
        return action

    def _files(self, items, name: str, copy: bool) -> Action:
        by_folder: dict = {}
        for _, it in items:
            by_folder.setdefault(class_folder_for(it.path, it.true_label, name), []).append(it.path)
        if len(by_folder) != 1:  # train/ and val/ images at once: one action per folder is
            raise BackboneStudioError(self.tr(  # not undoable as one; ask for one part at a time
                "The selected images are in different parts of the dataset (train and "
                "validation); select the images of one part at a time."
            ))
        (folder, paths), = by_folder.items()
        return self.history.copy(paths, folder) if copy else self.history.move(paths, folder)

    def toggle_exclusion(self, rows: list[int]) -> Action | None:
        """Exclude the images of `rows` from training, or include them again when all of them
        are excluded already."""
        if self.exclusions is None or not rows:
            return None
        model = self.grid.grid_model
        paths = [model.item(row).path for row in rows]
        include = all(model.item(row).excluded for row in rows)
        try:
            if include:
                action = self.history.include(self.exclusions, paths)
            else:
                action = self.history.exclude(self.exclusions, paths, "excluded in the gallery")
        except BackboneStudioError as exc:  # a disk that refuses the list
            QMessageBox.warning(self, self.tr("Exclude from training"), error_text(exc))
            return None
        for row in rows:
            model.update_item(row, excluded=not include)
        self._changed()
        return action

    def undo(self, action: Action | None = None) -> Action | None:
        """Take back `action` (default: the newest); the tiles follow."""
        try:
            done = self.history.undo(action)
        except BackboneStudioError as exc:
            QMessageBox.warning(self, self.tr("Undo"), error_text(exc))
            return None
        if done is None:
            return None
        model = self.grid.grid_model
        for op in done.ops:
            row = model.row_of(str(op.dest)) if op.kind == "move" else None
            row = row if row is not None else model.row_of(str(op.source))
            if row is not None:
                model.update_item(row, path=str(op.source), note="")
        for path in done.excluded:
            row = model.row_of(str(path))
            if row is not None:
                model.update_item(row, excluded=done.included)
        self._changed()
        return done

    def _undo_selected(self) -> None:
        row = self.history_list.currentRow()
        entries = list(reversed(self.history.entries))
        if 0 <= row < len(entries):
            self.undo(entries[row])

    def _changed(self) -> None:
        self._refresh_history()
        self.dataChanged.emit()

    def _refresh_history(self) -> None:
        self.history_list.clear()
        for action in reversed(self.history.entries):
            self.history_list.addItem(action.title)
        self.undo_button.setEnabled(bool(self.history.entries))
        self.undo_selected_button.setEnabled(bool(self.history.entries))

    def open_detail(self, row: int) -> None:
        if self.detail is None:
            self.detail = ImageDetailDialog(self)
        self.detail.show_item(self.grid.grid_model.item(row))
        self.detail.show()

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        self.grid.shutdown()
        super().done(result)


def _abs(path: str):
    from core.review.state import absolute

    return absolute(path)
