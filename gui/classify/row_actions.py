"""What a click on a prediction row leads to: a double-click shows the image large with its top-k;
a right-click offers View, Open, Show in folder and Copy path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMenu

from ..widgets.prediction_view import PredictionRole, PredictionViewWidget
from .preview_dialog import ImagePreviewDialog


def show_in_folder(path: Path) -> None:
    """Open the file manager at `path`'s folder (with the file selected where the platform can)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        subprocess.Popen(["explorer", "/select,", str(path)])  # noqa: S603, S607
    elif sys.platform == "darwin":  # pragma: no cover - macOS only
        subprocess.Popen(["open", "-R", str(path)])  # noqa: S603, S607
    else:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class PredictionRowActions(QObject):
    """Double-click and context-menu actions for the rows of a `PredictionViewWidget`.

    `preview` is the dialog last opened (None before); `menu_for(index)` builds the context menu
    (tests trigger its actions)."""

    def __init__(self, view: PredictionViewWidget):
        super().__init__(view)
        self.view = view
        self.preview: ImagePreviewDialog | None = None
        self.classifier = lambda: None  # the page sets it: the model a "Why?" heat map explains
        self.heatmap = None  # the "Why?" dialog last opened
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_context_menu_requested)
        view.doubleClicked.connect(self._on_double_clicked)

    def _prediction(self, index: QModelIndex):
        return index.data(PredictionRole) if index.isValid() else None

    def _file(self, prediction) -> Path | None:
        """The prediction's file, None for a pasted image (it has no file)."""
        path = Path(prediction.source)
        return path if path.is_file() else None

    def open_preview(self, index: QModelIndex) -> ImagePreviewDialog | None:
        prediction = self._prediction(index)
        if prediction is None:
            return None
        if self.preview is None:
            self.preview = ImagePreviewDialog(self.view.window())
        thumbnail = self.view.source_model.thumbnails.get(prediction.source)
        self.preview.show_prediction(prediction, thumbnail)
        self.preview.show()
        self.preview.raise_()
        self.preview.activateWindow()
        return self.preview

    def menu_for(self, index: QModelIndex) -> QMenu | None:
        """The context menu of the row at `index` (None outside the rows)."""
        prediction = self._prediction(index)
        if prediction is None:
            return None
        path = self._file(prediction)
        menu = QMenu(self.view)
        view_action = menu.addAction(self.tr("View larger"))
        view_action.triggered.connect(lambda: self.open_preview(index))
        menu.addSeparator()
        actions: list[tuple[str, object]] = [
            (self.tr("Open"), lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))),
            (self.tr("Show in folder"), lambda: show_in_folder(path)),
            (self.tr("Copy path"), lambda: QGuiApplication.clipboard().setText(str(path))),
        ]
        for text, slot in actions:
            action: QAction = menu.addAction(text)
            action.setEnabled(path is not None)
            action.triggered.connect(slot)
        why = menu.addAction(self.tr("Why? (heat map)"))
        why.setEnabled(path is not None and self.classifier() is not None)
        why.triggered.connect(lambda: self.explain(path))
        if path is None:
            menu.addSeparator()
            menu.addAction(self.tr("A pasted image has no file")).setEnabled(False)
        return menu

    def explain(self, path: Path):
        """The "Why?" heat map of `path` for the page's model (gui/widgets/heatmap_dialog.py)."""
        from ..widgets.heatmap_dialog import show_heatmap

        self.heatmap = show_heatmap(self.view.window(), self.classifier(), path)
        return self.heatmap

    @Slot(QPoint)
    def _on_context_menu_requested(self, position: QPoint) -> None:
        menu = self.menu_for(self.view.indexAt(position))
        if menu is not None:
            menu.exec(self.view.viewport().mapToGlobal(position))
            menu.deleteLater()

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        self.open_preview(index)
