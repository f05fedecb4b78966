"""One classified image shown large, with its label, top-k and path (a double-click on a row)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..text import render
from ..widgets.verdict_text import shown_verdict

PREVIEW_SIZE = 1024  # the short side decoded: plenty for a screen, quick for a large photo


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


class ImagePreviewDialog(QDialog):
    """Non-modal: the Classify page stays usable while it is open. `show_prediction` replaces
    what it shows (one dialog, reused)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Image"))
        self.resize(760, 680)
        self._pixmap = QPixmap()
        self.image_label = QLabel()
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image_label.setMinimumSize(QSize(200, 160))
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.top_label = QLabel()
        self.top_label.setTextFormat(Qt.TextFormat.PlainText)
        self.top_label.setWordWrap(True)
        self.path_label = QLabel()
        self.path_label.setObjectName("muted")
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.image_label, 1)
        for widget in (self.title_label, self.top_label, self.path_label, buttons):
            layout.addWidget(widget)

    def show_prediction(self, prediction, thumbnail: QPixmap | None = None) -> None:
        """The image of `prediction` (read from its file; a pasted image shows its thumbnail),
        its label and confidence, the top-k and the path."""
        self.setWindowTitle(Path(prediction.source).name or prediction.source)
        if prediction.error:
            self.title_label.setText(self.tr("Unreadable"))
            self.top_label.setText(render(prediction.error))  # a core Message, translated
        else:
            title = shown_verdict(prediction)  # "Not sure (cat?)" / "None of these (closest: cat)"
            self.title_label.setText(f"{title} · {_percent(prediction.confidence)}")
            scores = ", ".join(f"{name} {_percent(score)}" for name, score in prediction.top_k)
            self.top_label.setText(
                self.tr("Top {k}: {scores}").format(k=len(prediction.top_k), scores=scores)
            )
        self.path_label.setText(prediction.source)
        self._pixmap = self._load(prediction.source) or (thumbnail or QPixmap())
        if self._pixmap.isNull():
            self.image_label.setText(self.tr("The image cannot be shown."))
        self._fit()

    @staticmethod
    def _load(source: str) -> QPixmap | None:
        from core.images import load_image

        from ..widgets.prediction_view import pil_to_qimage

        if not Path(source).is_file():
            return None
        try:
            image = load_image(source, target_size=PREVIEW_SIZE)
        except Exception:  # noqa: BLE001 - an unreadable file says so in the text
            return None
        image.thumbnail((2 * PREVIEW_SIZE, 2 * PREVIEW_SIZE))
        return QPixmap.fromImage(pil_to_qimage(image))

    def _fit(self) -> None:
        if self._pixmap.isNull():
            self.image_label.setPixmap(QPixmap())
            return
        # As large as the window allows: a small image is enlarged (up to 8x), a big one shrunk.
        size = self.image_label.size().boundedTo(self._pixmap.size() * 8)
        scaled = self._pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation)  # fmt: skip
        self.image_label.setPixmap(scaled)

    def image_size(self) -> QSize:
        """The size of the image shown, before scaling to the window (tests)."""
        return self._pixmap.size()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()
