"""The Results page's "Export…": pick formats, the verification images and a new folder; each
format is converted, run in its own runtime and compared with PyTorch in a worker (progress per
format), then the verification table and "Open folder". A format that cannot be made here says
what is missing and how to get it (core.export)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.export import COREML_NOTE, FORMATS

from ..jobs import Job, JobSlot, JobThreads
from ..text import format_percent, render

STATES = {"exporting": QT_TRANSLATE_NOOP("ExportDialog", "exporting…"),
          "verifying": QT_TRANSLATE_NOOP("ExportDialog", "verifying in its runtime…"),
          "done": QT_TRANSLATE_NOOP("ExportDialog", "✓ verified"),
          "refused": QT_TRANSLATE_NOOP("ExportDialog", "refused: loses accuracy"),
          "failed": QT_TRANSLATE_NOOP("ExportDialog", "✗ disagrees with PyTorch")}  # fmt: skip
COLUMNS = (QT_TRANSLATE_NOOP("ExportDialog", "Format"), QT_TRANSLATE_NOOP("ExportDialog", "Images"),
           QT_TRANSLATE_NOOP("ExportDialog", "Max |Δ logit|"),
           QT_TRANSLATE_NOOP("ExportDialog", "Top-1 agreement"),
           QT_TRANSLATE_NOOP("ExportDialog", "Accuracy"),
           QT_TRANSLATE_NOOP("ExportDialog", "Result"))  # fmt: skip
RESULTS = {"refused": QT_TRANSLATE_NOOP("ExportDialog", "refused"),
           "passed": QT_TRANSLATE_NOOP("ExportDialog", "passed"),
           "forced": QT_TRANSLATE_NOOP("ExportDialog", "forced")}  # fmt: skip


@dataclass
class ExportSource:
    """The model to export: in memory (a fresh training) or a saved file (loaded in the worker)."""

    name: str
    model: Any = None
    metadata: Any = None
    path: str | None = None


class ExportJob(Job):
    """Runs core.export.export_model; `stepped(format, state)` as each format moves on."""

    stepped = Signal(str, str)
    exported = Signal(object)  # core.export.ExportReport
    description = QT_TRANSLATE_NOOP("Job", "The export")

    def __init__(self, source: ExportSource, options: dict):
        super().__init__()
        self.source, self.options = source, options

    def work(self):
        from core.export import ExportRequest, export_model
        from core.modelfile import load_model

        model, metadata = self.source.model, self.source.metadata
        if model is None:
            model, metadata = load_model(self.source.path, device="cpu")
        request = ExportRequest(model, metadata, name=self.source.name, cancel=self.cancel_token,
                                source=Path(self.source.path) if self.source.path else None,
                                **self.options)  # fmt: skip
        return export_model(request, progress=self.stepped.emit)

    def report(self, result) -> None:
        self.exported.emit(result)


def _default_out(name: str) -> str:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return str(Path(base or Path.home()) / f"{name}-export")


class ExportDialog(QDialog):
    """Non-modal. `report` holds the last finished export's ExportReport."""

    def __init__(self, source: ExportSource, verify_dir: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export {name}").format(name=source.name))
        self.source = source
        self.report = None
        self.threads = JobThreads()
        self.slot = JobSlot(self.threads, self)
        self.checks: dict[str, QCheckBox] = {}
        self.states: dict[str, QLabel] = {}
        self._build(verify_dir)

    # -- layout ----------------------------------------------------------------------------------

    def _folder_row(self, text: str, title: str) -> tuple[QLineEdit, QHBoxLayout]:
        edit = QLineEdit(text, self)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(lambda: self._browse(edit, title))
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(browse)
        return edit, row

    def _format_rows(self, form: QFormLayout) -> None:
        for fmt in FORMATS:
            box = QCheckBox(fmt.label, self)
            state = QLabel("", self)
            state.setWordWrap(True)
            missing = fmt.missing()
            box.setChecked(fmt.name == "onnx" and missing is None)
            if missing:
                box.setEnabled(False)
                state.setText(self.tr("Not available: {missing}").format(missing=missing))
            row = QHBoxLayout()
            row.addWidget(box)
            row.addWidget(state, 1)
            form.addRow(row)
            self.checks[fmt.name], self.states[fmt.name] = box, state
        note = QLabel(COREML_NOTE, self)
        note.setWordWrap(True)
        note.setObjectName("muted")
        form.addRow(note)

    def _build(self, verify_dir: str) -> None:
        form = QFormLayout()
        self._format_rows(form)
        self.verify_edit, verify_row = self._folder_row(verify_dir, self.tr("Images to verify on"))
        self.out_edit, out_row = self._folder_row(_default_out(self.source.name),
                                                  self.tr("Export folder"))
        form.addRow(self.tr("Verify on"), verify_row)
        form.addRow(self.tr("Export to"), out_row)
        self.force_check = QCheckBox(self.tr("Write INT8 even if it loses more than 1 point"),
                                     self)
        self.replace_check = QCheckBox(self.tr("Replace the export folder if it exists"), self)
        form.addRow(self.force_check)
        form.addRow(self.replace_check)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.status_label = QLabel("", self)
        self.status_label.setWordWrap(True)
        self.export_button = QPushButton(self.tr("Export"), self)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.slot.cancel)
        self.open_button = QPushButton(self.tr("Open folder"), self)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_folder)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.export_button, self.cancel_button, self.open_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.resize(720, 520)

    def _browse(self, edit: QLineEdit, title: str) -> None:
        folder = QFileDialog.getExistingDirectory(self, title, edit.text())
        if folder:
            edit.setText(folder)

    # -- running ---------------------------------------------------------------------------------

    def chosen(self) -> list[str]:
        return [name for name, box in self.checks.items() if box.isChecked() and box.isEnabled()]

    def start(self) -> bool:
        """Start the export; False (with the reason shown) when something is missing."""
        from core.export import parse_formats

        names = self.chosen()
        if not names:
            return self._say(self.tr("Choose at least one format."))
        if not self.verify_edit.text().strip():
            return self._say(self.tr("Choose a folder of images to verify the export on (the "
                                     "training folder is best: its validation part is "
                                     "used)."))  # fmt: skip
        if not self.out_edit.text().strip():
            return self._say(self.tr("Choose the export folder."))
        options = {"out": Path(self.out_edit.text().strip()), "formats": parse_formats(names),
                   "verify_dir": Path(self.verify_edit.text().strip()),
                   "force": self.force_check.isChecked(),
                   "replace": self.replace_check.isChecked()}  # fmt: skip
        for name, label in self.states.items():
            if self.checks[name].isEnabled():
                label.setText(self.tr("waiting…") if name in names else "")
        self.table.setRowCount(0)
        self.open_button.setEnabled(False)
        self._busy(True)
        self._say(self.tr("Exporting…"))
        self.slot.start(ExportJob(self.source, options), stepped=self._on_step,
                        exported=self._on_exported, failed=self._on_failed,
                        finished=lambda: self._busy(False))  # fmt: skip
        return True

    def _busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def _say(self, text: str) -> bool:
        self.status_label.setText(text)
        return False

    def _on_step(self, name: str, state: str) -> None:
        self.states[name].setText(self.tr(STATES[state]) if state in STATES else state)

    def _on_failed(self, message: str) -> None:
        self._say(message)

    def _on_exported(self, report) -> None:
        self.report = report
        self.table.setRowCount(len(report.checks))
        for row, check in enumerate(report.checks):
            result = self.tr(RESULTS["refused" if check.format in report.refused
                                     else "passed" if check.passed else "forced"])  # fmt: skip
            na = self.tr("n/a")
            measured = check.images > 0  # Core ML off macOS: structure only
            cells = (check.label, str(check.images),
                     f"{check.max_abs_diff:.3g}" if measured else na,
                     format_percent(check.agreement) if measured else na,
                     format_percent(check.accuracy) if check.accuracy is not None else na,
                     result + (f": {render(check.note)}" if check.note else ""))  # fmt: skip
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.open_button.setEnabled(True)
        refused = self.tr(" INT8 was not written ({formats} refused).").format(
            formats=", ".join(report.refused)) if report.refused else ""
        self._say(self.tr("Exported to {folder} on {images}.").format(
            folder=report.out, images=render(report.images)) + refused)

    def open_folder(self) -> None:
        if self.report is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report.out)))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.slot.discard()
        self.threads.wait(5000)
        super().closeEvent(event)


class ExportHook(QObject):
    """The page's "Export…" button: `source()` returns the ExportSource of what is shown (or
    None), `verify_dir()` the folder to suggest."""

    def __init__(self, page: QWidget, button: QPushButton, source, verify_dir):
        super().__init__(page)
        self.page, self.button = page, button
        self._source, self._verify_dir = source, verify_dir
        self.dialog: ExportDialog | None = None
        button.setToolTip(self.tr("Export the model to ONNX, INT8, OpenVINO or torch.export, "
                                  "each verified against PyTorch, with a stand-alone "
                                  "predict.py"))  # fmt: skip
        button.clicked.connect(self.open)

    def update(self) -> None:
        self.button.setEnabled(self._source() is not None)

    def open(self) -> ExportDialog | None:
        source = self._source()
        if source is None:
            return None
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = ExportDialog(source, self._verify_dir() or "", self.page)
        self.dialog.show()
        return self.dialog


def source_of(result: Any, saved_path: str | None) -> ExportSource | None:
    """What the Results page can export: the shown training's model (in memory), else the saved
    or evaluated model file; None when there is nothing."""
    metadata = getattr(result, "metadata", None)
    if getattr(result, "model", None) is not None and metadata is not None:
        name = Path(saved_path).stem if saved_path else f"{metadata.backbone}-model"
        return ExportSource(name, result.model, metadata, saved_path)
    if saved_path:
        return ExportSource(Path(saved_path).stem, path=saved_path)
    return None


def suggested_folder(result: Any, evaluation: Any) -> str:
    """The images to verify on: the evaluated folder, else the training folder recorded."""
    if evaluation is not None and getattr(evaluation, "data_root", None):
        return str(evaluation.data_root)
    metrics = getattr(getattr(result, "metadata", None), "metrics", None) or {}
    return str(metrics.get("data_folder") or "")
