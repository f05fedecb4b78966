"""The Classify page: drop images or folders, see what they are.

Everything slow runs off the UI thread: model loading (`CallWorker` around `Classifier.load` /
`Classifier.imagenet`), listing folders and prediction (`PredictWorker`), thumbnails (the view's
own thread pool). Jobs run one at a time from a queue; when the model changes, everything shown
so far is classified again with the new model, so the table always matches the loaded model.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.images import IMAGE_SUFFIXES
from core.predict import Classifier

from .settings import Settings
from .widgets.drop_zone import DropZoneWidget, mime_contents
from .widgets.prediction_view import PredictionViewWidget, qimage_to_pil
from .workers import CallWorker, JobThreads, PredictWorker

IMAGE_FILTER = "Images (" + " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES)) + ");;All files (*)"
MODEL_FILTER = "Backbone Studio models (*.safetensors);;All files (*)"


def describe_classifier(classifier: Classifier | None) -> str:
    if classifier is None:
        return "No model loaded"
    return f"{classifier.name} · {classifier.backbone} · {len(classifier.class_names)} classes"


class _Job:
    """One batch of things to classify: paths (files or folders) and named in-memory images."""

    def __init__(self, paths=(), images=()):
        self.paths = [str(p) for p in paths]
        self.images = list(images)  # (name, PIL image)


class EmptyStateWidget(QFrame):
    """Shown while no model is loaded: the three ways to get one."""

    openModelRequested = Signal()
    trainRequested = Signal()
    imagenetRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        title = QLabel("No model loaded yet", self)
        title.setObjectName("emptyTitle")
        intro = QLabel(
            "To classify images you need a model. There are three ways to get one:", self
        )
        intro.setWordWrap(True)

        self.open_button = QPushButton("Open model file…", self)
        self.train_button = QPushButton("Train a model…", self)
        self.imagenet_button = QPushButton("Use ImageNet classifier", self)
        for button in (self.open_button, self.train_button, self.imagenet_button):
            button.setMinimumWidth(200)
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.open_button.clicked.connect(self.openModelRequested)
        self.train_button.clicked.connect(self.trainRequested)
        self.imagenet_button.clicked.connect(self.imagenetRequested)

        open_text = QLabel(
            "Load a <b>.safetensors</b> model trained with Backbone Studio "
            "(File ▸ Open model…, Ctrl+Shift+O).",
            self,
        )
        train_text = QLabel(
            "On the <b>Train</b> page, choose a folder with one subfolder per class and click "
            "Train; when it finishes, click <b>Use for classification</b>.",
            self,
        )
        self.imagenet_text = QLabel(self)
        self.waiting_label = QLabel(self)
        self.waiting_label.setObjectName("muted")
        for label in (open_text, train_text, self.imagenet_text, self.waiting_label):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setMinimumWidth(260)

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(14)
        grid.addWidget(self.open_button, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(open_text, 0, 1)
        grid.addWidget(self.train_button, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(train_text, 1, 1)
        grid.addWidget(self.imagenet_button, 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.imagenet_text, 2, 1)
        grid.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.waiting_label)
        layout.addStretch(1)
        self.set_imagenet_backbones([])
        self.set_waiting(0)

    def set_imagenet_backbones(self, names: list[str]) -> None:
        self.imagenet_button.setEnabled(bool(names))
        if names:
            self.imagenet_text.setText(
                "Recognise 1,000 everyday categories with pretrained ImageNet weights found on "
                f"this computer (<b>{names[0]}</b>"
                + (f" and {len(names) - 1} more" if len(names) > 1 else "")
                + ")."
            )
        else:
            self.imagenet_text.setText(
                "Needs pretrained ImageNet weights on this computer, and none are there yet. "
                "On the <b>Train</b> page use <b>Import weights file…</b> (a torchvision "
                "<i>.pth</i> file, e.g. resnet18-f37072fd.pth), or run "
                "<code>backbone-studio-cli weights download resnet18</code> while online."
            )

    def set_waiting(self, count: int) -> None:
        self.waiting_label.setVisible(count > 0)
        self.waiting_label.setText(
            f"{count} dropped item{'s' if count != 1 else ''} will be classified as soon as a "
            "model is loaded."
        )


class ClassifyPage(QWidget):
    """Drop zone + results table + the empty state; owns the loaded `Classifier`."""

    classifierChanged = Signal(object)  # Classifier | None
    modelLoadFailed = Signal(str)
    trainRequested = Signal()
    busyChanged = Signal(bool)
    statusMessage = Signal(str)
    predictionsFinished = Signal()

    def __init__(self, settings: Settings | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings or Settings()
        self.classifier: Classifier | None = None
        self.model_path: str | None = None
        self._queue: list[_Job] = []
        self._history: list[_Job] = []  # what is shown, to classify again on a model change
        self._worker: PredictWorker | None = None
        self._discard_results = False
        self._loader: CallWorker | None = None
        self._loading_what = ""
        self._jobs = JobThreads()
        self._pasted = 0

        self._build()
        self._refresh_imagenet()
        self._update_state()

    # ------------------------------------------------------------------------------ layout
    def _build(self) -> None:
        title = QLabel("Classify", self)
        title.setObjectName("pageTitle")
        self.model_label = QLabel(describe_classifier(None), self)
        self.model_label.setObjectName("muted")
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.open_images_button = QPushButton("Open images…", self)
        self.open_images_button.setToolTip("Choose image files to classify (Ctrl+O)")
        self.open_images_button.clicked.connect(self.open_images_dialog)
        self.open_folder_button = QPushButton("Open folder…", self)
        self.open_folder_button.setToolTip("Classify every image in a folder and its subfolders")
        self.open_folder_button.clicked.connect(self.open_folder_dialog)
        self.paste_button = QPushButton("Paste", self)
        self.paste_button.setToolTip("Classify an image or files from the clipboard (Ctrl+V)")
        self.paste_button.clicked.connect(self.paste)
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setToolTip("Save the results as a CSV file, one row per image")
        self.export_button.clicked.connect(self.export_csv_dialog)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.clicked.connect(self.clear)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(title)
        titles.addWidget(self.model_label)
        header.addLayout(titles, 1)
        for button in (
            self.open_images_button,
            self.open_folder_button,
            self.paste_button,
            self.export_button,
            self.clear_button,
        ):
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)

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
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("muted")
        footer = QHBoxLayout()
        footer.addWidget(self.summary_label, 1)
        footer.addWidget(self.progress_bar, 1)
        footer.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.drop_zone)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)

    # ------------------------------------------------------------------------------ state
    def is_busy(self) -> bool:
        return self._worker is not None or self._loader is not None

    def is_predicting(self) -> bool:
        return self._worker is not None

    def _update_state(self) -> None:
        has_model = self.classifier is not None
        has_results = self.results_model.rowCount() > 0
        predicting = self._worker is not None
        loading = self._loader is not None
        # A big drop target while there is nothing to show; a slim one above the results.
        show_stack = not has_model or has_results or predicting
        self.stack.setCurrentWidget(self.results_view if has_model else self._empty_host)
        self.stack.setVisible(show_stack)
        self.drop_zone.set_compact(show_stack)
        self.export_button.setEnabled(has_results and not predicting)
        self.clear_button.setEnabled(has_results or predicting or bool(self._queue))
        self.progress_bar.setVisible(predicting or loading)
        self.cancel_button.setVisible(predicting)
        self.empty_state.set_waiting(sum(len(j.paths) + len(j.images) for j in self._queue))
        self.empty_state.setEnabled(not loading)
        self._update_summary()

    def _update_summary(self) -> None:
        rows = self.results_model.rowCount()
        if self._loader is not None:
            self.summary_label.setText(f"Loading {self._loading_what}…")
            return
        if rows == 0:
            self.summary_label.setText(
                "" if self.classifier is None else "Drop images or folders above to classify them."
            )
            return
        errors = self.results_model.error_count()
        text = f"{rows:,} image{'s' if rows != 1 else ''} classified"
        if errors:
            text += f" · {errors:,} unreadable"
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

    # ------------------------------------------------------------------------------ models
    def load_model(self, path: str | os.PathLike) -> None:
        """Load a model file in the background; classifierChanged or modelLoadFailed follows."""
        path = str(path)
        self._start_loader(
            CallWorker(Classifier.load, path, description=f"Loading {path}"),
            what=Path(path).name,
            path=path,
        )

    def use_imagenet(self, backbone: str | None = None) -> None:
        """Load the ImageNet classifier from cached weights (the remembered backbone first)."""
        available = Classifier.imagenet_available()
        if not available:
            self._refresh_imagenet()
            return
        if backbone is None:
            remembered = self.settings.imagenet_backbone
            backbone = remembered if remembered in available else available[0]
        self._start_loader(
            CallWorker(Classifier.imagenet, backbone, description=f"Loading {backbone}"),
            what=f"ImageNet {backbone}",
            path=None,
            imagenet_backbone=backbone,
        )

    def _start_loader(self, worker: CallWorker, what: str, path, imagenet_backbone=None) -> None:
        if self._loader is not None:
            self.statusMessage.emit("A model is already being loaded; wait for it to finish.")
            return
        self._loader = worker
        self._loading_what = what
        self._loading_path = path
        self._loading_imagenet = imagenet_backbone
        worker.succeeded.connect(self._on_model_loaded)
        worker.failed.connect(self._on_model_failed)
        worker.finished.connect(self._on_loader_finished)
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setFormat("Loading model…")
        self._jobs.start(worker)
        self.busyChanged.emit(True)
        self.statusMessage.emit(f"Loading {what}…")
        self._update_state()

    @Slot(object)
    def _on_model_loaded(self, classifier: Classifier) -> None:
        path = self._loading_path
        if path is not None:
            self.settings.add_recent_model(path)
            self.settings.set_last_folder("models", path)
        if self._loading_imagenet:
            self.settings.imagenet_backbone = self._loading_imagenet
        self.set_classifier(classifier, path)

    @Slot(str)
    def _on_model_failed(self, message: str) -> None:
        what = self._loading_path or self._loading_what
        self.modelLoadFailed.emit(message)
        self.statusMessage.emit(f"Could not load {what}")
        QMessageBox.warning(
            self,
            "Could not load the model",
            f"Could not load the model {what}.\n\n{message}",
        )

    @Slot()
    def _on_loader_finished(self) -> None:
        self._loader = None
        self._update_state()
        if not self.is_busy():
            self.busyChanged.emit(False)

    def set_classifier(self, classifier: Classifier | None, path: str | None = None) -> None:
        """Use `classifier` from now on; what is shown is classified again with it."""
        self.classifier = classifier
        self.model_path = str(path) if path else None
        self.model_label.setText(describe_classifier(classifier))
        self.model_label.setToolTip(self.model_path or "")
        shown = list(self._history)
        if self._worker is not None:
            # Results of the old model still in flight are dropped; the job is queued again.
            self._discard_results = True
            self._worker.cancel()
        if classifier is not None and shown:
            self.results_model.clear()
            self._history.clear()
            self._queue[:0] = shown
        self.classifierChanged.emit(classifier)
        if classifier is not None:
            self.statusMessage.emit(f"Model loaded: {describe_classifier(classifier)}")
        self._update_state()
        self._start_next()

    # ------------------------------------------------------------------------------ input
    @Slot(list)
    def classify_paths(self, paths: list) -> None:
        """Classify files and folders (recursively); queued while another job runs.

        A `.safetensors` file among them is loaded as the model instead.
        """
        paths = [str(p) for p in paths if str(p)]
        # A dropped model file is loaded, not classified.
        models = [p for p in paths if p.lower().endswith(".safetensors") and os.path.isfile(p)]
        paths = [p for p in paths if p not in models]
        if models:
            if len(models) > 1:
                self.statusMessage.emit(
                    f"{len(models)} model files were dropped; loading {Path(models[0]).name}."
                )
            self.load_model(models[0])
        if not paths:
            return
        self.settings.set_last_folder("images", paths[0])
        self._enqueue(_Job(paths=paths))

    def classify_images(self, images: list) -> None:
        """Classify in-memory images: (name, PIL image) pairs."""
        if images:
            self._enqueue(_Job(images=images))

    @Slot(list)
    def _on_images_dropped(self, qimages: list) -> None:
        self.classify_images([self._named_image(image) for image in qimages])

    def _named_image(self, image: QImage):
        self._pasted += 1
        name = f"Pasted image {self._pasted} ({image.width()}×{image.height()})"
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
                "The clipboard holds no image or file: copy an image or image files first."
            )

    def open_images_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Open images", self.settings.last_folder("images"), IMAGE_FILTER
        )
        if files:
            self.classify_paths(files)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Classify every image in a folder", self.settings.last_folder("images")
        )
        if folder:
            self.classify_paths([folder])

    def open_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open model", self.settings.last_folder("models"), MODEL_FILTER
        )
        if path:
            self.load_model(path)

    # ------------------------------------------------------------------------------ jobs
    def _enqueue(self, job: _Job) -> None:
        self._queue.append(job)
        if self.classifier is None:
            self.statusMessage.emit(
                "No model loaded: the images will be classified once a model is loaded."
            )
        self._update_state()
        self._start_next()

    def _start_next(self) -> None:
        if self._worker is not None or self.classifier is None or not self._queue:
            return
        job = self._queue.pop(0)
        self._history.append(job)
        worker = PredictWorker(self.classifier, paths=job.paths, images=job.images, top_k=3)
        worker.progressed.connect(self._on_progressed)
        worker.predicted.connect(self._on_predicted)
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self._discard_results = False
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setFormat("Listing files…")
        self._jobs.start(worker)
        self.busyChanged.emit(True)
        self._update_state()

    @Slot(int, int)
    def _on_progressed(self, done: int, total: int) -> None:
        if total <= 0:
            self.progress_bar.setRange(0, 0)
            self.progress_bar.setFormat("Listing files…")
            return
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(f"{done:,} / {total:,}")

    @Slot(list)
    def _on_predicted(self, predictions: list) -> None:
        if self._discard_results:
            return
        self.results_model.add_predictions(predictions)
        self._update_state()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.statusMessage.emit(message)
        QMessageBox.warning(self, "Classification failed", message)

    @Slot()
    def _on_finished(self) -> None:
        cancelled = self._worker is not None and self._worker.cancelled
        self._worker = None
        if cancelled and not self._discard_results:
            self.statusMessage.emit("Classification cancelled.")
        self._discard_results = False
        self._update_state()
        if self._queue and self.classifier is not None:
            self._start_next()
            return
        if not self.is_busy():
            self.busyChanged.emit(False)
        self.predictionsFinished.emit()
        rows = self.results_model.rowCount()
        if rows and not cancelled:
            self.statusMessage.emit(self.summary_label.text())

    def cancel(self) -> None:
        """Stop the running job and drop the queued ones (results so far stay)."""
        self._queue.clear()
        if self._worker is not None:
            self._worker.cancel()
        self._update_state()

    def clear(self) -> None:
        """Forget all results (and stop whatever is running)."""
        self._queue.clear()
        self._history.clear()
        if self._worker is not None:
            self._discard_results = True
            self._worker.cancel()
        self.results_model.clear()
        self._update_state()

    def cancel_and_wait(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and wait for the threads and thumbnail loads; True if none is left."""
        self._queue.clear()
        if self._worker is not None:
            self._discard_results = True
        self._jobs.cancel_all()
        deadline = time.monotonic() + timeout_ms / 1000.0
        threads_done = self._jobs.wait(timeout_ms)
        thumbnails_done = self.results_model.thumbnails.shutdown(
            max(0, int((deadline - time.monotonic()) * 1000))
        )
        return threads_done and thumbnails_done

    # ------------------------------------------------------------------------------ export
    def export_csv(self, path: str | os.PathLike) -> Path:
        written = self.results_model.write_csv(path)
        self.settings.set_last_folder("export", written)
        self.statusMessage.emit(f"Saved {self.results_model.rowCount():,} results to {written}")
        return written

    def export_csv_dialog(self) -> None:
        if self.results_model.rowCount() == 0:
            return
        start = str(Path(self.settings.last_folder("export")) / "predictions.csv")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export results", start, "CSV files (*.csv);;All files (*)"
        )
        if not path:
            return
        if not Path(path).suffix:
            path += ".csv"
        try:
            self.export_csv(path)
        except OSError as exc:
            QMessageBox.warning(
                self,
                "Could not save the results",
                f"Could not write {path}:\n{exc.strerror or exc}",
            )


__all__ = ["ClassifyPage", "EmptyStateWidget", "describe_classifier"]
