"""What the Classify page does, without a widget: the loaded `Classifier`, loading another one
off the UI thread, and classifying batches of dropped things one at a time from a queue. When the
model changes, everything shown so far is queued again, so the results always match the model.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from core.predict import Classifier

from ..jobs import JobSlot, JobThreads
from ..settings import Settings
from ..text import display_name, plain_model_error
from ..workers import CallWorker, PredictWorker
from .runtime import FastRuntime, load_with_runtime


class ModelWords(QObject):
    """The words naming a model outside a QObject (lupdate takes plurals only from self.tr)."""

    def describe(self, classifier: Classifier | None) -> str:
        if classifier is None:
            return self.tr("No model loaded")
        classes = len(classifier.class_names)
        return self.tr("{name} · {backbone} · %n class(es)", "", classes).format(
            name=classifier.name, backbone=display_name(classifier.backbone)
        )


def describe_classifier(classifier: Classifier | None) -> str:
    return ModelWords().describe(classifier)


class Batch:
    """One batch of things to classify: paths (files or folders) and named in-memory images."""

    def __init__(self, paths=(), images=()):
        self.paths = [str(p) for p in paths]
        self.images = list(images)  # (name, PIL image)

    def size(self) -> int:
        return len(self.paths) + len(self.images)


class ClassifyController(QObject):
    """The Classify page's model and jobs. Signals (on the UI thread):

    - `loadStarted(what)`, then `classifierChanged(Classifier | None)` or `loadFailed(what,
      message)`, then `loadEnded()`;
    - `predictionStarted()`, `progressed(done, total)` (total 0 while folders are listed),
      `predicted(list[Prediction])` (never from a model that has been replaced), `predictFailed
      (message)`, then `predictionEnded(cancelled)` once nothing is left to classify;
    - `resultsCleared()`: drop what is shown (it is queued again for a new model);
    - `stateChanged()`: the queue, the busy state or the model changed;
    - `busyChanged(busy)`, `statusMessage(text)`.
    """

    loadStarted = Signal(str)
    classifierChanged = Signal(object)
    loadFailed = Signal(str, str)
    loadEnded = Signal()
    predictionStarted = Signal()
    progressed = Signal(int, int)
    predicted = Signal(list)
    predictFailed = Signal(str)
    predictionEnded = Signal(bool)
    resultsCleared = Signal()
    stateChanged = Signal()
    busyChanged = Signal(bool)
    statusMessage = Signal(str)

    def __init__(self, settings: Settings, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.classifier: Classifier | None = None
        self.model_path: str | None = None
        self.waiting: list[Batch] = []  # queued, to classify once the running job has ended
        self._shown: list[Batch] = []  # what is shown, to classify again on a model change
        self._shown_files: set[str] = set()  # absolute paths of the files shown: not again
        self.skipped_note = ""  # the last job's files that were shown already, in words
        self.jobs = JobThreads()
        self._loader = JobSlot(self.jobs, self)
        self._predictor = JobSlot(self.jobs, self)
        self._discard_results = False  # the running job's results belong to a replaced model
        self._stop_requested = False
        self._loading: tuple[str, str | None, str | None] = ("", None, None)  # what, path, imagenet
        self.runtime = FastRuntime(settings, self.jobs, self)  # ONNX Runtime once proven faster

    # -- state --------------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._predictor.busy() or self._loader.busy()

    def is_predicting(self) -> bool:
        return self._predictor.busy()

    def is_loading(self) -> bool:
        return self._loader.busy()

    def loading_what(self) -> str:
        return self._loading[0]

    def waiting_count(self) -> int:
        return sum(batch.size() for batch in self.waiting)

    # -- models ---------------------------------------------------------------------------------
    def load_model(self, path: str | os.PathLike) -> None:
        """Load a model file in the background; classifierChanged or loadFailed follows."""
        path = str(path)
        description = self.tr("Loading {path}").format(path=path)
        job = CallWorker(load_with_runtime, path, description=description)
        self._start_loader(job, Path(path).name, path, None)

    def use_imagenet(self, backbone: str | None = None) -> bool:
        """Load the ImageNet classifier from cached weights (the remembered backbone first);
        False when no ImageNet weights are cached."""
        available = Classifier.imagenet_available()
        if not available:
            return False
        if backbone is None:
            remembered = self.settings.imagenet_backbone
            backbone = remembered if remembered in available else available[0]
        name = display_name(backbone)
        description = self.tr("Loading {name}").format(name=name)
        job = CallWorker(Classifier.imagenet, backbone, description=description)
        self._start_loader(job, f"ImageNet {name}", None, backbone)
        return True

    def _start_loader(self, job: CallWorker, what: str, path: str | None,
                      imagenet_backbone: str | None) -> None:  # fmt: skip
        if self._loader.busy():
            self.statusMessage.emit(
                self.tr("A model is already being loaded; wait for it to finish."))
            return
        self._loading = (what, path, imagenet_backbone)
        self._loader.start(job, succeeded=self._on_model_loaded, failed=self._on_model_failed,
                           finished=self._on_loader_finished)  # fmt: skip
        self.loadStarted.emit(what)
        self.busyChanged.emit(True)
        self.statusMessage.emit(self.tr("Loading {what}…").format(what=what))
        self.stateChanged.emit()

    def _on_model_loaded(self, loaded) -> None:
        _what, path, imagenet_backbone = self._loading
        # A model file comes with its proven ONNX Runtime twin (gui.classify.runtime), if any.
        classifier, fast, sentence, key = (loaded if isinstance(loaded, tuple)
                                           else (loaded, None, "", None))  # fmt: skip
        if path is not None:
            self.settings.add_recent_model(path)
            self.settings.set_last_folder("models", path)
        if imagenet_backbone:
            self.settings.imagenet_backbone = imagenet_backbone
        self.set_classifier(classifier, path, fast, sentence, key)

    def _on_model_failed(self, message: str) -> None:
        what, path, _imagenet = self._loading
        self.statusMessage.emit(self.tr("Could not load {what}").format(what=path or what))
        self.loadFailed.emit(path or what, plain_model_error(message, what))

    def _on_loader_finished(self) -> None:
        self.loadEnded.emit()
        self.stateChanged.emit()
        if not self.is_busy():
            self.busyChanged.emit(False)

    def set_classifier(self, classifier: Classifier | None, path: str | None = None,
                       fast: Classifier | None = None, sentence: str = "",
                       key: str | None = None) -> None:  # fmt: skip
        """Use `classifier` from now on (through `fast`, its proven ONNX Runtime twin, when
        given); what is shown is classified again with it."""
        self.classifier = classifier
        self.model_path = str(path) if path else None
        if key is None and self.model_path and classifier is not None:  # not from the loader
            from core.export.fast import cache_key

            key = cache_key(self.model_path)
        self.runtime.reset(classifier, self.model_path, fast, sentence, key)
        shown = list(self._shown)
        # Results of the old model still in flight are dropped; the batch is queued again.
        self._stop(discard=True)
        if classifier is not None and shown:
            self._clear_shown()
            self.waiting[:0] = shown
        self.classifierChanged.emit(classifier)  # the page and the status bar name the model
        self.stateChanged.emit()
        self._start_next()

    # -- classifying -----------------------------------------------------------------------------
    def classify_paths(self, paths: list) -> None:
        """Classify files and folders (recursively); queued while another job runs.

        A `.safetensors` file among them is loaded as the model instead.
        """
        paths = [str(p) for p in paths if str(p)]
        models = [p for p in paths if p.lower().endswith(".safetensors") and os.path.isfile(p)]
        paths = [p for p in paths if p not in models]
        if models:
            if len(models) > 1:
                self.statusMessage.emit(
                    self.tr("{count} model files were dropped; loading {name}.").format(
                        count=len(models), name=Path(models[0]).name)
                )
            self.load_model(models[0])
        if not paths:
            return
        self.settings.set_last_folder("images", paths[0])
        self.enqueue(Batch(paths=paths))

    def classify_images(self, images: list) -> None:
        """Classify in-memory images: (name, PIL image) pairs."""
        if images:
            self.enqueue(Batch(images=images))

    def enqueue(self, batch: Batch) -> None:
        self.waiting.append(batch)
        if self.classifier is None:
            self.statusMessage.emit(
                self.tr("No model loaded: the images will be classified once a model is "
                        "loaded.")
            )
        self.stateChanged.emit()
        self._start_next()

    def _start_next(self) -> None:
        if self._predictor.busy() or self.classifier is None or not self.waiting:
            return
        batch = self.waiting.pop(0)
        self._shown.append(batch)
        self.skipped_note = ""
        job = PredictWorker(self.runtime.runner(), paths=batch.paths, images=batch.images, top_k=3,
                            skip=frozenset(self._shown_files))  # fmt: skip
        self._discard_results = False
        self._stop_requested = False
        self._predictor.start(job, progressed=self.progressed.emit, predicted=self._on_predicted,
                              skipped=self._on_skipped, failed=self.predictFailed.emit,
                              finished=self._on_predict_finished)  # fmt: skip
        self.predictionStarted.emit()
        self.busyChanged.emit(True)
        self.stateChanged.emit()

    def _on_predicted(self, predictions: list) -> None:
        if not self._discard_results:
            self._shown_files.update(os.path.abspath(p.source) for p in predictions)
            self.runtime.saw(predictions)
            self.predicted.emit(predictions)

    def _on_skipped(self, count: int) -> None:
        self.skipped_note = self.tr(
            "%Ln image(s) are already in the list (Clear classifies them again)", "", count
        )

    def _clear_shown(self) -> None:
        self.resultsCleared.emit()
        self._shown.clear()
        self._shown_files.clear()

    def _on_predict_finished(self) -> None:
        cancelled = self._stop_requested
        if cancelled and not self._discard_results:
            self.statusMessage.emit(self.tr("Classification cancelled."))
        self._discard_results = False
        self.stateChanged.emit()
        if self.waiting and self.classifier is not None:
            self._start_next()
            return
        if not self.is_busy():
            self.busyChanged.emit(False)
        self.predictionEnded.emit(cancelled)
        self.runtime.maybe_check()  # enough images of a model file: prove ONNX Runtime (once)

    def _stop(self, discard: bool) -> None:
        if self._predictor.busy():
            self._stop_requested = True
            self._discard_results = self._discard_results or discard
            self._predictor.cancel()

    def cancel(self) -> None:
        """Stop the running job and drop the queued ones (results so far stay)."""
        self.waiting.clear()
        self._stop(discard=False)
        self.stateChanged.emit()

    def clear(self) -> None:
        """Forget what is shown and queued (and stop whatever is running)."""
        self.waiting.clear()
        self._stop(discard=True)
        self._clear_shown()
        self.stateChanged.emit()

    def cancel_and_wait(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and wait for the threads; True if none is left running."""
        self.waiting.clear()
        self._stop(discard=True)
        self.jobs.cancel_all()
        return self.jobs.wait(timeout_ms)
