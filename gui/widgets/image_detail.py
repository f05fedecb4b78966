"""The larger view of one tile of a review grid: the image, true and predicted class, the
top-5 with their probabilities, the path and "Show in folder"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import BackboneStudioError

from ..text import error_text, format_percent
from .prediction_view import pil_to_qimage
from .review_grid import GridItem, tile_lines

LARGE = 560


def load_large(path: str, size: int = LARGE) -> tuple[QPixmap | None, str]:
    """(the image fitted in `size`, "") or (None, why it cannot be shown)."""
    from core.images import load_image

    try:
        image = load_image(path, target_size=size)
    except BackboneStudioError as exc:
        return None, error_text(exc)
    except OSError as exc:
        return None, f"{path}: {exc.strerror or exc}"
    image.thumbnail((size, size))
    return QPixmap.fromImage(pil_to_qimage(image)), ""


class ImageDetailDialog(QDialog):
    """Non-modal; `show_item(item)` replaces what it shows."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Image"))
        self._path: str | None = None
        self.image_label = QLabel()
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setMinimumSize(320, 320)
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.top_list = QListWidget()
        self.top_list.setMaximumWidth(260)
        self.path_label = QLabel()
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_button = QPushButton(self.tr("Show in folder"))
        self.folder_button.clicked.connect(self._show_in_folder)
        side = QVBoxLayout()
        side.addWidget(self.title_label)
        side.addWidget(QLabel(self.tr("Top 5:")))
        side.addWidget(self.top_list, 1)
        body = QHBoxLayout()
        body.addWidget(self.image_label, 1)
        body.addLayout(side)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.path_label)
        layout.addWidget(buttons)

    def show_item(self, item: GridItem) -> None:
        self._path = item.path
        self.setWindowTitle(Path(item.path).name)
        self.title_label.setText("\n".join(line for line in tile_lines(item) if line))
        self.top_list.clear()
        for name, probability in item.top_k[:5]:
            self.top_list.addItem(f"{name}: {format_percent(probability)}")
        self.path_label.setText(item.path)
        pixmap, why = load_large(item.path)
        if pixmap is None:
            self.image_label.setPixmap(QPixmap())
            self.image_label.setText(self.tr("This image cannot be shown:\n{why}").format(why=why))
        else:
            self.image_label.setText("")
            self.image_label.setPixmap(pixmap)

    @property
    def path(self) -> str | None:
        return self._path

    def _show_in_folder(self) -> None:
        from ..classify.row_actions import show_in_folder

        if self._path:
            show_in_folder(Path(self._path))
