"""A drop target for image files, folders and image data (from a browser or the clipboard)."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QImage, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout

from ..style import app_icon


def mime_contents(mime: QMimeData | None) -> tuple[list[str], list[QImage]]:
    """(local file/folder paths, images) carried by drag-and-drop or clipboard data.

    File URLs win over image data: a file manager often offers both, and the file keeps its
    name, EXIF orientation and full resolution.
    """
    if mime is None:
        return [], []
    paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]
    if paths:
        return paths, []
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            return [], [image]
    return [], []


def mime_is_acceptable(mime: QMimeData | None) -> bool:
    if mime is None:
        return False
    return any(url.isLocalFile() for url in mime.urls()) or mime.hasImage()


class DropZoneWidget(QFrame):
    """Dashed box that accepts files, folders and images; a click asks for files instead.

    Emits `pathsDropped(list[str])` for files/folders (not yet expanded) and
    `imagesDropped(list[QImage])` for dragged image data.
    """

    pathsDropped = Signal(list)
    imagesDropped = Signal(list)
    clicked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setProperty("dragActive", False)
        self.setToolTip(self.tr("Drop image files or folders here, or click to choose images"))

        self._icon = QLabel(self)
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._icon.setPixmap(app_icon().pixmap(40, 40))
        self._title = QLabel(self.tr("Drop images or folders here"), self)
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self._title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self._title.setFont(font)
        self._hint = QLabel(
            self.tr("Folders are searched recursively · click to choose files · Ctrl+V pastes "
                    "an image"),
            self,
        )
        self._hint.setObjectName("muted")
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(4)
        layout.addStretch(1)
        layout.addWidget(self._icon)
        layout.addWidget(self._title)
        layout.addWidget(self._hint)
        layout.addStretch(1)
        self.setMinimumHeight(96)
        # Fills the page while there is nothing else to show (see set_compact).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def set_compact(self, compact: bool) -> None:
        """Smaller once there are results to show (the icon goes, the text stays)."""
        self._icon.setVisible(not compact)
        self.setMinimumHeight(72 if compact else 96)
        self.setMaximumHeight(88 if compact else 16777215)

    # -- drag and drop --------------------------------------------------------------------------
    def _set_drag_active(self, active: bool) -> None:
        self.setProperty("dragActive", active)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if mime_is_acceptable(event.mimeData()):
            event.acceptProposedAction()
            self._set_drag_active(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if mime_is_acceptable(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802 - Qt override
        self._set_drag_active(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self._set_drag_active(False)
        paths, images = mime_contents(event.mimeData())
        if not paths and not images:
            event.ignore()
            return
        event.acceptProposedAction()
        if paths:
            self.pathsDropped.emit(paths)
        if images:
            self.imagesDropped.emit(images)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)
