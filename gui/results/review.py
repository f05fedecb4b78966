"""The Results page's way into the error galleries: a click on a confusion-matrix cell opens
that cell's images, "All mistakes…" every misclassified one (`ErrorGalleryDialog`), for a
training result's validation images and for a model evaluated on a folder alike. "Retrain"
asks for a new training on the same folder with the same settings (`retrainRequested(folder)`,
wired by gui/results/retrain.py); when its result arrives, a before / after comparison opens
(`CompareRunsDialog`) with what the gallery changed in the data."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from core.review.compare import data_changes, summarize

from .compare_dialog import CompareRunsDialog
from .gallery import ErrorGalleryDialog

NO_RECORDS = QT_TRANSLATE_NOOP(
    "ResultsReview",
    "There are no per-image results for this model (the training failed, or no validation "
    "image could be read). Evaluate the model on a folder to see its images."
)


class ResultsReview(QObject):
    """Owns the gallery of the shown result. `set_source(records, class_names, data_root)`
    when the page shows something new; `dataChanged` when the gallery changed the data."""

    dataChanged = Signal()
    retrainRequested = Signal(str)  # the data folder

    def __init__(self, page: QWidget, confusion_view, mistakes_button: QPushButton,
                 retrain_button: QPushButton | None = None):  # fmt: skip
        super().__init__(page)
        self.page = page
        self.retrain_button = retrain_button or QPushButton(self.tr("Retrain"))
        self.retrain_button.setToolTip(self.tr("Train again on the same folder with the same "
                                               "settings, then compare the two runs"))  # fmt: skip
        self.retrain_button.clicked.connect(self.retrain)
        self.summary = None  # core.review.compare.RunSummary of the shown training result
        self.changes: list[str] = []  # what the galleries changed in the data since it was shown
        self._before = None  # (summary, changes) while a retrain runs
        self.comparison: CompareRunsDialog | None = None
        self.mistakes_button = mistakes_button
        self.mistakes_button.setToolTip(self.tr("Every misclassified image, highest loss first"))
        self.records: list = []
        self.class_names: list[str] = []
        self.data_root: str | None = None
        self.gallery: ErrorGalleryDialog | None = None
        confusion_view.cellClicked.connect(self.open_cell)
        mistakes_button.clicked.connect(self.open_mistakes)
        self.set_source((), [], None)

    def set_source(self, records, class_names, data_root) -> None:
        self.close_gallery()
        self.records = list(records or ())
        self.class_names = [str(n) for n in class_names]
        self.data_root = str(data_root) if data_root else None
        self.mistakes_button.setEnabled(bool(self.records))
        self.summary = None
        self.changes = []
        self.retrain_button.setEnabled(False)

    def show_result(self, result, class_names) -> None:
        """A training result: its validation images; after a retrain, the comparison."""
        self.set_source(getattr(result, "records", ()), class_names,
                        getattr(result, "data_root", None))  # fmt: skip
        self.summary = summarize(result)
        self.retrain_button.setEnabled(self.data_root is not None)
        before, self._before = self._before, None
        if before is not None and self.summary is not None:
            self.comparison = CompareRunsDialog(before[0], self.summary, before[1], self.page)
            self.comparison.show()

    def show_evaluation(self, evaluation) -> None:
        self.set_source(evaluation.records, evaluation.class_names, evaluation.data_root)

    def retrain(self) -> None:
        """Ask for the same training again on the same folder (the galleries' changes in)."""
        if self.data_root is None:
            return
        self.close_gallery()  # its changes are kept in self.changes
        self._before = (self.summary, list(self.changes)) if self.summary is not None else None
        self.retrainRequested.emit(self.data_root)

    def close_gallery(self) -> None:
        if self.gallery is not None:
            self.changes += data_changes(self.gallery.history.entries)
            self.gallery.close()
            self.gallery.deleteLater()
            self.gallery = None

    def _open(self) -> ErrorGalleryDialog | None:
        if not self.records:
            QMessageBox.information(self.page, self.tr("Images"), self.tr(NO_RECORDS))
            return None
        if self.gallery is None:
            self.gallery = ErrorGalleryDialog(self.records, self.class_names, self.data_root,
                                              self.page)  # fmt: skip
            self.gallery.dataChanged.connect(self.dataChanged)
        self.gallery.show()
        self.gallery.raise_()
        return self.gallery

    def open_cell(self, true: str, predicted: str) -> ErrorGalleryDialog | None:
        gallery = self._open()
        if gallery is not None:
            gallery.show_cell(true, predicted)
        return gallery

    def open_mistakes(self) -> ErrorGalleryDialog | None:
        gallery = self._open()
        if gallery is not None:
            gallery.show_mistakes()
        return gallery
