"""The Classify page: drop images or folders, see what they are.

Everything slow runs off the UI thread, through the `ClassifyController`: model loading, listing
folders and prediction; thumbnails come from the view's own thread pool. This module lays the
page out, turns drops, pastes and dialogs into requests, and shows what the controller reports.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import BackboneStudioError
from core.images import IMAGE_SUFFIXES
from core.predict import Classifier

from ..settings import Settings
from ..text import error_text, format_number
from ..widgets.drop_zone import DropZoneWidget, mime_contents
from ..widgets.prediction_view import PredictionViewWidget, qimage_to_pil
from .controller import ClassifyController, describe_classifier
from .empty_state import EmptyStateWidget
from .row_actions import PredictionRowActions

_PATTERNS = " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES))
# In English; image_filter() and model_filter() give them in the user's language.
IMAGE_FILTER = f"Images ({_PATTERNS});;All files (*)"
MODEL_FILTER = "Backbone Studio models (*.safetensors);;All files (*)"


def image_filter() -> str:
    """The Open images dialog's filter, in the user's language."""
    text = QCoreApplication.translate("ClassifyPage", "Images ({patterns});;All files (*)")
    return text.format(patterns=_PATTERNS)


def model_filter() -> str:
    """The Open model dialogs' filter, in the user's language."""
    return QCoreApplication.translate(
        "ClassifyPage", "Backbone Studio models (*.safetensors);;All files (*)"
    )


class ClassifyPage(QWidget):
    """Drop zone + results table + the empty state; `controller` owns the loaded `Classifier`."""

    classifierChanged = Signal(object)  # Classifier | None
    modelLoadFailed = Signal(str)
    trainRequested = Signal()
    retrainRequested = Signal(str)  # a data folder images were added to (Sort > Review)
    busyChanged = Signal(bool)
    statusMessage = Signal(str)
    predictionsFinished = Signal()

    def __init__(self, settings: Settings | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings or Settings()
        self.controller = ClassifyController(self.settings, self)
        self._pasted = 0
        self.setAcceptDrops(True)  # the whole page, results list included, takes drops
        self._build()
        self._connect_controller()
        self._refresh_imagenet()
        self._update_state()

    # -- layout -----------------------------------------------------------------------------------
    def _button(self, text: str, slot, tooltip: str = "") -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tooltip)
        button.clicked.connect(slot)
        return button

    def _build_header(self) -> QHBoxLayout:
        title = QLabel(self.tr("Classify"), self)
        title.setObjectName("pageTitle")
        self.model_label = QLabel(describe_classifier(None), self)
        self.model_label.setObjectName("muted")
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_images_button = self._button(
            self.tr("Open images…"), self.open_images_dialog,
            self.tr("Choose image files to classify (Ctrl+O)"),
        )
        self.open_folder_button = self._button(
            self.tr("Open folder…"), self.open_folder_dialog,
            self.tr("Classify every image in a folder and its subfolders"),
        )  # fmt: skip
        self.paste_button = self._button(
            self.tr("Paste"), self.paste,
            self.tr("Classify an image or files from the clipboard (Ctrl+V)"),
        )
        self.export_button = self._button(
            self.tr("Export CSV…"), self.export_csv_dialog,
            self.tr("Save the results as a CSV file, one row per image"),
        )  # fmt: skip
        self.clear_button = self._button(self.tr("Clear"), self.clear)
        self.sort_button = self._button(
            self.tr("Sort folder…"), self.open_sort_dialog,
            self.tr("Sort a folder of photos into class folders; the doubtful ones go to "
                    "_not_sure"),
        )  # fmt: skip
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(title)
        titles.addWidget(self.model_label)
        header.addLayout(titles, 1)
        for button in (self.open_images_button, self.open_folder_button, self.sort_button,
                       self.paste_button, self.export_button, self.clear_button):  # fmt: skip
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
        return header

    def _build(self) -> None:
        self.drop_zone = DropZoneWidget(self)
        self.drop_zone.pathsDropped.connect(self.classify_paths)
        self.drop_zone.imagesDropped.connect(self._on_images_dropped)
        self.drop_zone.clicked.connect(self.open_images_dialog)

        self.empty_state = EmptyStateWidget(self)
        self.empty_state.openModelRequested.connect(self.open_model_dialog)
        self.empty_state.trainRequested.connect(self.trainRequested)
        self.empty_state.imagenetRequested.connect(self.use_imagenet)

        self.results_view = PredictionViewWidget(parent=self)
        self.results_model = self.results_view.source_model
        self.row_actions = PredictionRowActions(self.results_view)
        self.row_actions.classifier = lambda: self.classifier  # "Why?" heat maps

        # The empty state is a card of readable width, centred at the top of the page.
        self.empty_state.setMaximumWidth(980)
        empty_host = QWidget(self)
        empty_layout = QHBoxLayout(empty_host)
        empty_layout.setContentsMargins(0, 8, 0, 0)
        empty_layout.addWidget(self.empty_state, 1, Qt.AlignmentFlag.AlignTop)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(empty_host)
        self.stack.addWidget(self.results_view)
        self._empty_host = empty_host

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setMinimumWidth(200)
        self.cancel_button = self._button(self.tr("Cancel"), self.cancel)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("muted")
        footer = QHBoxLayout()
        footer.addWidget(self.summary_label, 1)
        footer.addWidget(self.progress_bar, 1)
        footer.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        layout.addWidget(self.drop_zone)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)

    def _connect_controller(self) -> None:
        c = self.controller
        c.loadStarted.connect(self._on_load_started)
        c.classifierChanged.connect(self._on_classifier_changed)
        c.loadFailed.connect(self._on_load_failed)
        c.predictionStarted.connect(self._on_prediction_started)
        c.progressed.connect(self._on_progressed)
        c.predicted.connect(self._on_predicted)
        c.predictFailed.connect(self._on_predict_failed)
        c.predictionEnded.connect(self._on_prediction_ended)
        c.resultsCleared.connect(self.results_model.clear)
        c.stateChanged.connect(self._update_state)
        c.busyChanged.connect(self.busyChanged)
        c.statusMessage.connect(self.statusMessage)
        c.runtime.changed.connect(self._on_runtime_changed)
        self.runtime_action = c.runtime.make_action(self)  # View menu (gui/main_window.py)

    # -- state ------------------------------------------------------------------------------------
    @property
    def classifier(self) -> Classifier | None:
        return self.controller.classifier

    @property
    def model_path(self) -> str | None:
        return self.controller.model_path

    def is_busy(self) -> bool:
        return self.controller.is_busy()

    def is_predicting(self) -> bool:
        return self.controller.is_predicting()

    def result_count(self) -> int:
        """How many rows the results table holds."""
        return self.results_model.rowCount()

    @Slot()
    def _update_state(self) -> None:
        c = self.controller
        has_model = c.classifier is not None
        has_results = self.results_model.rowCount() > 0
        predicting = c.is_predicting()
        loading = c.is_loading()
        # A big drop target while there is nothing to show; a slim one above the results.
        show_stack = not has_model or has_results or predicting
        self.stack.setCurrentWidget(self.results_view if has_model else self._empty_host)
        self.stack.setVisible(show_stack)
        self.drop_zone.set_compact(show_stack)
        self.export_button.setEnabled(has_results and not predicting)
        self.sort_button.setEnabled(has_model and not loading)
        self.clear_button.setEnabled(has_results or predicting or bool(c.waiting))
        self.progress_bar.setVisible(predicting or loading)
        self.cancel_button.setVisible(predicting)
        self.empty_state.set_waiting(c.waiting_count())
        self.empty_state.setEnabled(not loading)
        self._update_summary()

    def _update_summary(self) -> None:
        rows = self.results_model.rowCount()
        if self.controller.is_loading():
            what = self.controller.loading_what()
            self.summary_label.setText(self.tr("Loading {what}…").format(what=what))
            return
        if rows == 0:
            self.summary_label.setText(
                "" if self.classifier is None
                else self.tr("Drop images or folders above to classify them.")
            )
            return
        errors = self.results_model.error_count()
        classified = rows - errors
        text = self.tr("%Ln image(s) classified", "", classified)
        if errors:
            text += " · " + self.tr("%n unreadable file(s)", "", errors)
        review = sum(p.needs_review for p in self.results_model.predictions())
        if review:  # "Not sure" / "None of these" (core.calibration)
            text += " · " + self.tr("{count} not sure").format(count=review)
        self.summary_label.setText(text)

    def _refresh_imagenet(self) -> None:
        try:
            names = Classifier.imagenet_available()
        except Exception:  # noqa: BLE001 - an odd cache never breaks the page
            names = []
        self.empty_state.set_imagenet_backbones(names)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Weights may have been imported on the Train page meanwhile.
        self._refresh_imagenet()
        super().showEvent(event)

    # -- drag and drop: anywhere on the page, the drop zone lights up ------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        self.drop_zone.dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.drop_zone.dragMoveEvent(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802 - Qt override
        self.drop_zone.dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self.drop_zone.dropEvent(event)

    # -- models -----------------------------------------------------------------------------------
    def load_model(self, path: str | os.PathLike) -> None:
        """Load a model file in the background; classifierChanged or modelLoadFailed follows."""
        self.controller.load_model(path)

    def use_imagenet(self, backbone: str | None = None) -> None:
        """Load the ImageNet classifier from cached weights (the remembered backbone first)."""
        if not self.controller.use_imagenet(backbone):
            self._refresh_imagenet()

    def set_classifier(self, classifier: Classifier | None, path: str | None = None) -> None:
        """Use `classifier` from now on; what is shown is classified again with it."""
        self.controller.set_classifier(classifier, path)

    def open_sort_dialog(self, source: str = ""):
        """Classify > Sort folder… (gui/classify/sort_dialog.py); returns the dialog."""
        from .sort_dialog import SortFolderDialog

        dialog = SortFolderDialog(self.controller.runtime.runner(), source, self)
        dialog.retrainRequested.connect(self.retrainRequested)
        dialog.show()
        self._sort_dialog = dialog
        return dialog

    # -- input ------------------------------------------------------------------------------------
    @Slot(list)
    def classify_paths(self, paths: list) -> None:
        """Classify files and folders (recursively); queued while another job runs.

        A `.safetensors` file among them is loaded as the model instead.
        """
        self.controller.classify_paths(paths)

    def classify_images(self, images: list) -> None:
        """Classify in-memory images: (name, PIL image) pairs."""
        self.controller.classify_images(images)

    @Slot(list)
    def _on_images_dropped(self, qimages: list) -> None:
        self.classify_images([self._named_image(image) for image in qimages])

    def _named_image(self, image: QImage):
        self._pasted += 1
        name = self.tr("Pasted image {number} ({width}×{height})").format(
            number=self._pasted, width=image.width(), height=image.height())
        self.results_model.set_thumbnail(name, image)
        return name, qimage_to_pil(image)

    def paste(self) -> None:
        """Classify what the clipboard holds: file URLs, image data, or pasted file paths."""
        mime = QGuiApplication.clipboard().mimeData()
        paths, images = mime_contents(mime)
        if not paths and not images and mime is not None and mime.hasText():
            candidates = [line.strip().strip('"') for line in mime.text().splitlines()]
            paths = [c for c in candidates if c and os.path.exists(c)]
        if paths:
            self.classify_paths(paths)
        elif images:
            self.classify_images([self._named_image(image) for image in images])
        else:
            self.statusMessage.emit(
                self.tr("The clipboard holds no image or file: copy an image or image files "
                        "first.")
            )

    def open_images_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Open images"), self.settings.last_folder("images"), image_filter()
        )
        if files:
            self.classify_paths(files)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Classify every image in a folder"), self.settings.last_folder("images")
        )
        if folder:
            self.classify_paths([folder])

    def open_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open model"), self.settings.last_folder("models"), model_filter()
        )
        if path:
            self.load_model(path)

    # -- jobs ---------------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop the running job and drop the queued ones (results so far stay)."""
        self.controller.cancel()

    def clear(self) -> None:
        """Forget all results (and stop whatever is running)."""
        self.controller.clear()

    def cancel_and_wait(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and wait for the threads and thumbnail loads; True if none is left."""
        deadline = time.monotonic() + timeout_ms / 1000.0
        threads_done = self.controller.cancel_and_wait(timeout_ms)
        thumbnails_done = self.results_model.thumbnails.shutdown(
            max(0, int((deadline - time.monotonic()) * 1000))
        )
        return threads_done and thumbnails_done

    # -- what the controller says -------------------------------------------------------------------
    @Slot(str)
    def _on_load_started(self, _what: str) -> None:
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setFormat(self.tr("Loading model…"))

    @Slot(object)
    def _on_classifier_changed(self, classifier: object) -> None:
        self._show_model(self.controller.runtime.sentence)
        self.classifierChanged.emit(classifier)

    @Slot(str)
    def _on_runtime_changed(self, sentence: str) -> None:
        """The runtime in use (gui.classify.runtime): named on the model line, why in its tip."""
        self._show_model(sentence)
        if sentence:
            self.statusMessage.emit(sentence)

    def _show_model(self, sentence: str) -> None:
        words = describe_classifier(self.classifier)
        runtime = self.controller.runtime.describe()
        self.model_label.setText(f"{words} · {runtime}" if runtime else words)
        self.model_label.setToolTip("\n".join(t for t in (self.model_path or "", sentence) if t))

    @Slot(str, str)
    def _on_load_failed(self, what: str, message: str) -> None:
        self.modelLoadFailed.emit(message)
        QMessageBox.warning(
            self, self.tr("Could not load the model"),
            self.tr("Could not load the model {what}.\n\n{message}").format(
                what=what, message=message),
        )

    @Slot()
    def _on_prediction_started(self) -> None:
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setFormat(self.tr("Listing files…"))

    @Slot(int, int)
    def _on_progressed(self, done: int, total: int) -> None:
        if total <= 0:
            self.progress_bar.setRange(0, 0)
            self.progress_bar.setFormat(self.tr("Listing files…"))
            return
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(f"{format_number(done)} / {format_number(total)}")

    @Slot(list)
    def _on_predicted(self, predictions: list) -> None:
        self.results_model.add_predictions(predictions)
        self._update_state()

    @Slot(str)
    def _on_predict_failed(self, message: str) -> None:
        self.statusMessage.emit(message)
        QMessageBox.warning(self, self.tr("Classification failed"), message)

    @Slot(bool)
    def _on_prediction_ended(self, cancelled: bool) -> None:
        self.predictionsFinished.emit()
        if self.results_model.rowCount() and not cancelled:
            note = self.controller.skipped_note
            self.statusMessage.emit(" · ".join(t for t in (self.summary_label.text(), note) if t))

    # -- export ---------------------------------------------------------------------------------------
    def export_csv(self, path: str | os.PathLike) -> Path:
        written = self.results_model.write_csv(path)
        self.settings.set_last_folder("export", written)
        count = self.results_model.rowCount()
        self.statusMessage.emit(
            self.tr("Saved {count} results to {path}").format(count=format_number(count),
                                                              path=written))
        return written

    def export_csv_dialog(self) -> None:
        if self.results_model.rowCount() == 0:
            return
        start = str(Path(self.settings.last_folder("export")) / "predictions.csv")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export results"), start, self.tr("CSV files (*.csv);;All files (*)")
        )
        if not path:
            return
        if not Path(path).suffix:
            path += ".csv"
        try:
            self.export_csv(path)
        except (OSError, BackboneStudioError) as exc:  # DiskWriteError says what and where
            text = error_text(exc) if isinstance(exc, BackboneStudioError) else (
                self.tr("Could not write {path}:\n{error}").format(
                    path=path, error=exc.strerror or exc))  # fmt: skip
            QMessageBox.warning(self, self.tr("Could not save the results"), text)
