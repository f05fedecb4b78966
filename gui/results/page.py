"""The Results page: how good is the model? Overall accuracy, per-class precision / recall / F1,
the confusion matrix and the training curves, for a fresh training result or for a saved model
evaluated on a folder. "Save model..." writes the one-file model; "Use for classification"
hands a saved model's path to the Classify page (saving it first if needed).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import BackboneStudioError
from core.evaluate import FolderEvaluation

from ..audit.launch import open_audit_for_result
from ..text import display_name, error_text, format_percent, without_resume_hint
from .calibration_panel import CalibrationPanelWidget
from .evaluation import EvaluationController, best_epoch, final_metrics
from .export_dialog import ExportHook, source_of, suggested_folder
from .metrics_panel import MetricsPanelWidget
from .review import ResultsReview

MODEL_FILTER = QT_TRANSLATE_NOOP("ResultsPage", "Backbone Studio model (*.safetensors)")


def _safe_file_stem(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "model"


def _label(text: str = "", scale: float = 1.0, muted: bool = False) -> QLabel:
    label = QLabel(text)
    if scale != 1.0:
        font = QFont(label.font())
        font.setPointSizeF(font.pointSizeF() * scale)
        font.setBold(True)
        label.setFont(font)
    if muted:
        label.setObjectName("muted")
    return label


class ResultsPage(QWidget):
    """Shows a FitResult (`show_result`) or a FolderEvaluation (`show_evaluation`); the
    metrics, confusion matrix and curves are the `metrics_panel`'s."""

    useForClassificationRequested = Signal(str)  # path of a saved model
    modelSaved = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resultsPage")
        self._result = None
        self._evaluation: FolderEvaluation | None = None
        self._saved_path: str | None = None
        self.evaluator = EvaluationController(self)
        self.evaluator.started.connect(self._on_eval_started)
        self.evaluator.progressed.connect(self._on_eval_progressed)
        self.evaluator.evaluated.connect(self.show_evaluation)
        self.evaluator.failed.connect(self._on_eval_failed)
        self.evaluator.ended.connect(self._on_eval_ended)
        self._build_ui()
        self.exporter = ExportHook(self, self.export_button,
                                   lambda: source_of(self._result, self._saved_path),
                                   lambda: suggested_folder(self._result, self._evaluation))  # fmt: skip
        self._update_buttons()

    # -- UI --------------------------------------------------------------------------------------

    def _outcome_text(self, outcome: str) -> str:
        known = {"finished": self.tr("training finished"), "cancelled": self.tr("training cancelled"),
                 "failed": self.tr("training failed")}  # fmt: skip
        return known.get(outcome) or self.tr("training {outcome}").format(outcome=outcome)

    def _result_subtitle(self, result: Any, history: list, best) -> str:
        """The line under the title, e.g. 'training finished · 3 epochs · best epoch 2 · 32 px',
        and the result's message under it (without the command line's resume hint)."""
        metadata = getattr(result, "metadata", None)
        outcome = getattr(result, "outcome", "finished")
        epochs = len(history)
        parts = [self._outcome_text(outcome), self.tr("%n epoch(s)", "", epochs)]
        if best is not None:
            parts.append(self.tr("best epoch {epoch}").format(epoch=best.epoch))
        if metadata is not None:
            parts.append(f"{metadata.input_size} px")
        message = without_resume_hint(getattr(result, "message", "") or "")
        if outcome == "cancelled" and getattr(result, "checkpoint", None):
            message += self.tr(" The Train page can resume it.")
        return " · ".join(parts) + (f"\n{message}" if message else "")

    def _build_header(self) -> QHBoxLayout:
        top = QHBoxLayout()
        titles = QVBoxLayout()
        self.title_label = _label(self.tr("Results"), scale=1.4)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle_label = _label(muted=True)
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        top.addLayout(titles, 1)
        self.accuracy_label = _label(scale=2.2)
        self.accuracy_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.accuracy_caption = _label(muted=True)
        self.accuracy_caption.setAlignment(Qt.AlignmentFlag.AlignRight)
        card = QVBoxLayout()
        card.addWidget(self.accuracy_label)
        card.addWidget(self.accuracy_caption)
        top.addLayout(card)
        return top

    def _build_buttons(self) -> QVBoxLayout:
        self.save_button = QPushButton(self.tr("Save model…"))
        self.save_button.setToolTip(self.tr("Write the trained model to one .safetensors file "
                                            "(Ctrl+S)"))  # fmt: skip
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.use_button = QPushButton(self.tr("Use for classification"))
        self.use_button.setObjectName("primaryButton")
        self.use_button.setToolTip(self.tr("Load this model into the Classify page (asks where "
                                           "to save it first)"))  # fmt: skip
        self.use_button.clicked.connect(self._on_use_button_clicked)
        self.evaluate_button = QPushButton(self.tr("Evaluate a model on a folder…"))
        self.evaluate_button.setToolTip(self.tr(
            "Score a saved model on a folder with one subfolder per class (the model's classes)"
        ))
        self.evaluate_button.clicked.connect(self._on_evaluate_button_clicked)
        self.eval_progress = QProgressBar()
        self.eval_progress.setMaximumWidth(220)
        self.eval_progress.setFormat(self.tr("Evaluating… %v / %m"))
        self.eval_progress.hide()
        self.eval_cancel_button = QToolButton()
        self.eval_cancel_button.setText(self.tr("Stop"))
        self.eval_cancel_button.clicked.connect(self.evaluator.cancel)
        self.eval_cancel_button.hide()
        self.saved_label = _label(muted=True)
        self.saved_label.setTextFormat(Qt.TextFormat.PlainText)
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.mistakes_button = QPushButton(self.tr("All mistakes…"))  # gui/results/review.py
        self.mistakes_button.setToolTip(self.tr("Every misclassified validation image, highest "
                                                "loss first"))  # fmt: skip
        self.retrain_button = QPushButton(self.tr("Retrain"))
        self.retrain_button.setToolTip(self.tr("Train again on the folder as it is now, with the "
                                               "same settings, then compare the two runs"))  # fmt: skip
        self.export_button = QPushButton(self.tr("Export…"))  # gui/results/export_dialog.py
        self.export_button.setToolTip(self.tr("ONNX, INT8, OpenVINO, torch.export: each checked "
                                              "against this model before it is written"))  # fmt: skip
        self.audit_button = QPushButton(self.tr("Data audit…"))  # gui/audit/
        self.audit_button.setToolTip(self.tr("Find likely mislabelled images, duplicates, leakage "
                                             "and outliers in the training folder"))  # fmt: skip
        self.audit_button.clicked.connect(lambda: open_audit_for_result(
            self, self._result, self._saved_path, suggested_folder(self._result, self._evaluation)))
        # two rows: what to do with the model, and how to understand and improve it
        model_row = QHBoxLayout()
        for button in (self.save_button, self.use_button, self.export_button):
            model_row.addWidget(button)
        model_row.addSpacing(12)
        model_row.addWidget(self.saved_label, 1)
        model_row.addWidget(self.eval_progress)
        model_row.addWidget(self.eval_cancel_button)
        improve_row = QHBoxLayout()
        for button in (self.mistakes_button, self.audit_button, self.retrain_button):
            improve_row.addWidget(button)
        improve_row.addStretch(1)
        improve_row.addWidget(self.evaluate_button)
        buttons = QVBoxLayout()
        buttons.addLayout(model_row)
        buttons.addLayout(improve_row)
        return buttons

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_buttons())
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)

        self.stack = QStackedWidget()
        self.empty_label = QLabel(self.tr(
            "No results yet.\n\nTrain a model on the Train page, or evaluate a saved model on a "
            "folder with “Evaluate a model on a folder…”."
        ))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setObjectName("muted")
        self.stack.addWidget(self.empty_label)
        self.metrics_panel = MetricsPanelWidget()
        self.stack.addWidget(self.metrics_panel)
        self.calibration_panel = CalibrationPanelWidget()  # gui/results/calibration_panel.py
        self.metrics_panel.side_tabs.addTab(self.calibration_panel, self.tr("Confidence"))
        layout.addWidget(self.stack, 1)
        self.review = ResultsReview(self, self.metrics_panel.confusion_view, self.mistakes_button,
                                    self.retrain_button)  # fmt: skip

    # -- showing ---------------------------------------------------------------------------------

    def show_result(self, result: Any) -> None:
        """Show a core.training.FitResult: best epoch's metrics, confusion matrix and curves."""
        self._result = result
        self._evaluation = None
        self._saved_path = None
        metadata = getattr(result, "metadata", None)
        history = list(getattr(result, "history", []) or [])
        best = best_epoch(history)
        class_names = list(metadata.class_names) if metadata is not None else (
            [m.name for m in best.per_class] if best is not None else []
        )
        backbone = display_name(metadata.backbone) if metadata is not None else self.tr("Model")
        classes = len(class_names)
        self.title_label.setText(self.tr("{backbone} · %n class(es)", "", classes).format(
            backbone=backbone))
        self.subtitle_label.setText(self._result_subtitle(result, history, best))
        caption = self.tr("validation accuracy")
        final = final_metrics(result, class_names)  # the galleries' own pass, when there is one
        if final is not None:
            self._show_accuracy(final[0], caption)
            self.metrics_panel.show_metrics(final[1], final[2], class_names)
        elif best is not None:
            self._show_accuracy(best.val_accuracy, caption)
            self.metrics_panel.show_metrics(best.per_class, best.confusion, class_names)
        else:
            metrics = dict(getattr(metadata, "metrics", {}) or {})
            self._show_accuracy(float(metrics.get("val_accuracy", 0.0)), caption)
            self.metrics_panel.show_metrics((), None, class_names)
        self.metrics_panel.show_history(history)
        self.metrics_panel.show_problems([])
        self.calibration_panel.show_metadata(metadata)
        self.review.show_result(result, class_names)
        self.saved_label.setText(self.tr("Not saved yet."))
        self.stack.setCurrentIndex(1)
        self._update_buttons()

    @Slot(object)
    def show_evaluation(self, evaluation: FolderEvaluation) -> None:
        """Show how a saved model scored on a folder."""
        self._result = None
        self._evaluation = evaluation
        self._saved_path = evaluation.model_path
        self.title_label.setText(self.tr("{model} on {folder}").format(
            model=evaluation.model_name, folder=Path(evaluation.data_root).name))
        images = evaluation.num_images
        subtitle = self.tr("%Ln image(s) from {folder}", "", images).format(
            folder=evaluation.data_root)
        if evaluation.skipped_classes:
            subtitle += self.tr("\nSkipped (not classes of the model): {classes}").format(
                classes=", ".join(evaluation.skipped_classes))
        self.subtitle_label.setText(subtitle)
        self._show_accuracy(evaluation.accuracy, self.tr("accuracy on the folder"))
        self.metrics_panel.show_metrics(evaluation.per_class, evaluation.confusion,
                                        evaluation.class_names)  # fmt: skip
        self.metrics_panel.show_history([])
        self.metrics_panel.show_problems(evaluation.problems)
        self.calibration_panel.clear()
        self.review.show_evaluation(evaluation)
        self.saved_label.setText(evaluation.model_path)
        self.stack.setCurrentIndex(1)
        self._update_buttons()

    def discard_result(self) -> None:
        """Forget the shown training result (the person chose Discard): nothing is left to
        save, and the page says so until the next result."""
        self._result = None
        self._evaluation = None
        self._saved_path = None
        self.title_label.setText(self.tr("Results"))
        self.subtitle_label.setText(self.tr("The last trained model was discarded."))
        self.accuracy_label.setText("")
        self.accuracy_caption.setText("")
        self.saved_label.setText("")
        self.review.set_source((), [], None)
        self.stack.setCurrentWidget(self.empty_label)
        self._update_buttons()

    def _show_accuracy(self, overall: float, caption: str) -> None:
        self.accuracy_label.setText(format_percent(overall))
        self.accuracy_caption.setText(caption)

    @property
    def saved_path(self) -> str | None:
        return self._saved_path

    def has_unsaved_model(self) -> bool:
        """True while the shown training result holds a model that no file has yet."""
        return self._has_model() and self._saved_path is None

    def _has_model(self) -> bool:
        return self._result is not None and getattr(self._result, "model", None) is not None

    def _update_buttons(self) -> None:
        has_result = self._has_model()
        self.save_button.setEnabled(has_result)
        self.use_button.setEnabled(has_result or self._saved_path is not None)
        self.evaluate_button.setEnabled(not self.evaluator.is_running())
        self.exporter.update()

    # -- saving and using ------------------------------------------------------------------------

    def _default_save_path(self) -> str:
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        folder = Path(documents) if documents else Path.home()
        metadata = getattr(self._result, "metadata", None)
        stem = "model"
        if metadata is not None:
            stem = _safe_file_stem(f"{metadata.backbone}-{len(metadata.class_names)}-classes")
        return str(folder / f"{stem}.safetensors")

    def save_model(self, path: str | Path | None = None) -> str | None:
        """Save the shown training result; asks for a file name when `path` is None.

        Returns the saved path, or None if the user cancelled or saving failed (shown in a box).
        """
        if not self._has_model():
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save model"), self._saved_path or self._default_save_path(),
                self.tr(MODEL_FILTER),
            )
            if not chosen:
                return None
            path = chosen
        path = Path(path)
        if path.suffix.lower() != ".safetensors":
            path = path.with_name(path.name + ".safetensors")
        try:
            saved = self._result.save(path)
        except Exception as exc:  # noqa: BLE001 - disk full, permissions, ...: shown to the user
            text = error_text(exc) if isinstance(exc, BackboneStudioError) else self.tr(
                "Could not save the model to {path}:\n{error}").format(path=path, error=exc)
            QMessageBox.warning(self, self.tr("Save model"), text)  # the model stays to save again
            return None
        self._saved_path = str(saved or path)
        self.saved_label.setText(self.tr("Saved to {path}").format(path=self._saved_path))
        self._update_buttons()
        self.modelSaved.emit(self._saved_path)
        return self._saved_path

    @Slot()
    def _on_save_button_clicked(self) -> None:
        self.save_model()

    @Slot()
    def _on_use_button_clicked(self) -> None:
        self.use_for_classification()

    def use_for_classification(self) -> str | None:
        path = self._saved_path
        if path is None or not Path(path).is_file():
            path = self.save_model()
        if path is not None:
            self.useForClassificationRequested.emit(path)
        return path

    # -- evaluating --------------------------------------------------------------------------------

    @Slot()
    def _on_evaluate_button_clicked(self) -> None:
        model, _ = QFileDialog.getOpenFileName(
            self, self.tr("Evaluate which model?"), self._saved_path or str(Path.home()),
            self.tr(MODEL_FILTER),
        )
        if not model:
            return
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Evaluate on which folder? (one subfolder per class)"),
            str(Path(model).parent),
        )
        if folder:
            self.evaluate(model, folder)

    def evaluate(self, model_path: str | Path, folder: str | Path, device: str = "auto") -> None:
        """Evaluate a saved model on a folder in a worker; shows the result when done."""
        self.evaluator.evaluate(model_path, folder, device=device)

    @Slot()
    def _on_eval_started(self) -> None:
        self.eval_progress.setRange(0, 0)
        self.eval_progress.show()
        self.eval_cancel_button.show()
        self._update_buttons()

    @Slot(int, int)
    def _on_eval_progressed(self, done: int, total: int) -> None:
        self.eval_progress.setRange(0, max(1, total))
        self.eval_progress.setValue(done)

    @Slot(str)
    def _on_eval_failed(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Evaluate"), message)

    @Slot()
    def _on_eval_ended(self) -> None:
        self.eval_progress.hide()
        self.eval_cancel_button.hide()
        self._update_buttons()

    def cancel_and_wait(self, timeout_ms: int = 10000) -> bool:
        """Stop a running evaluation and wait for its thread (used when the window closes)."""
        return self.evaluator.cancel_and_wait(timeout_ms)
