"""The "Why?" dialog: a Grad-CAM heat map (core.explain) over one image, for the predicted class
or any class the user picks, with an opacity slider. The map is computed in a worker; maps are
cached per image and model, so switching back to a class is instant.

Entry point for other pages (the Classify page, the review galleries):

    show_heatmap(parent, classifier_or_model_path, image_path) -> HeatMapDialog
"""

from __future__ import annotations

import weakref
from pathlib import Path

from PIL.ImageQt import ImageQt
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from core.explain import GradCam, HeatMap

from ..jobs import JobSlot, JobThreads
from ..workers import CallWorker

PREDICTED = -1  # the class combo's first entry: "the predicted class"
SHOWN_SIDE = 640  # the short side the image is decoded at for showing
_explainers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def explainer_for(classifier) -> GradCam:
    """One GradCam (and so one cache of maps) per loaded classifier."""
    explainer = _explainers.get(classifier)
    if explainer is None:
        explainer = _explainers[classifier] = GradCam(classifier)
    return explainer


class HeatMapDialog(QDialog):
    """Non-modal. `heat` is the map shown (None until the first is computed)."""

    def __init__(self, classifier, image_path: str | Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Why? — {name}").format(name=Path(image_path).name))
        self.resize(720, 700)
        self.classifier, self.image_path = classifier, Path(image_path)
        self.heat: HeatMap | None = None
        self._image = None
        self.threads = JobThreads()
        self._job = JobSlot(self.threads, self)
        self.image_label = QLabel(self.tr("Computing…"))
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.class_combo = QComboBox()
        self.class_combo.addItem(self.tr("Predicted class"), PREDICTED)
        for index, name in enumerate(classifier.class_names):
            self.class_combo.addItem(name, index)
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setValue(50)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Class:")))
        controls.addWidget(self.class_combo, 1)
        controls.addWidget(QLabel(self.tr("Opacity:")))
        controls.addWidget(self.opacity_slider, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.image_label, 1)
        layout.addLayout(controls)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.class_combo.currentIndexChanged.connect(self._on_class_changed)
        self.opacity_slider.valueChanged.connect(self._redraw)
        self.compute()

    def compute(self) -> None:
        """Compute (or fetch from the cache) the map of the chosen class, in a worker."""
        chosen = self.class_combo.currentData()
        class_index = None if chosen == PREDICTED else int(chosen)
        self.status_label.setText(self.tr("Computing the heat map…"))
        job = CallWorker(
            self._work, class_index, description=QT_TRANSLATE_NOOP("Job", "The heat map")
        )
        self._job.start(job, succeeded=self._on_computed, failed=self._on_failed)

    def _work(self, class_index):
        from core.images import load_image

        heat = explainer_for(self.classifier).explain(self.image_path, class_index)
        image = self._image if self._image is not None else load_image(self.image_path, SHOWN_SIDE)
        return heat, image

    def is_busy(self) -> bool:
        return self._job.busy()

    @Slot(int)
    def _on_class_changed(self, _index: int) -> None:
        self.compute()

    def _on_computed(self, result) -> None:
        self.heat, self._image = result
        heat = self.heat
        self.status_label.setText(
            self.tr(
                "Where the model looked for '{name}' (probability {probability}): "
                "bright is what raised that class's score most."
            ).format(name=heat.class_name, probability=f"{heat.probability:.1%}")
        )
        self._redraw()

    def _on_failed(self, message: str) -> None:
        self.status_label.setText(message)

    @Slot()
    def _redraw(self, *_args) -> None:
        if self.heat is None or self._image is None:
            return
        shown = self.heat.overlay(self._image, self.opacity_slider.value() / 100)
        pixmap = QPixmap.fromImage(ImageQt(shown))
        self.image_label.setPixmap(
            pixmap.scaled(
                self.image_label.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )  # fmt: skip
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._redraw()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._job.discard()
        self.threads.wait(5000)
        super().closeEvent(event)


def show_heatmap(parent: QWidget | None, classifier_or_model_path, image_path) -> HeatMapDialog:
    """Open the "Why?" dialog for `image_path` with a loaded `core.predict.Classifier` or the
    path of a model file (loaded here, on the CPU)."""
    classifier = classifier_or_model_path
    if isinstance(classifier, (str, Path)):
        from core.predict import Classifier

        classifier = Classifier.load(classifier, device="cpu")
    dialog = HeatMapDialog(classifier, image_path, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
