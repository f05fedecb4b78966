"""Classify page > Sort folder…: sort a folder of photos into class folders (core.sorting).

The dialog asks for the photos' folder, the destination, how (copy, hard link or move; a move
is confirmed first), and the "Not sure" threshold (the model's own, or one the user sets). The
sort runs in a `SortWorker` job off the UI thread with progress, time left and Cancel; the
summary says what went where. Running it again into the same destination resumes.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.sorting import SortOptions, SortSummary, sort_folder

from ..i18n import render
from ..jobs import Job, JobSlot, JobThreads

MODES = (  # shown through SortFolderDialog.tr
    ("copy", QT_TRANSLATE_NOOP("SortFolderDialog", "Copy (the originals stay where they are)")),
    ("link", QT_TRANSLATE_NOOP("SortFolderDialog",
                               "Hard link where possible (no extra space; else copy)")),
    ("move", QT_TRANSLATE_NOOP("SortFolderDialog", "Move (the originals leave the folder)")),
)


class SortWorker(Job):
    sorted = Signal(object)  # SortSummary
    description = QT_TRANSLATE_NOOP("Job", "Sorting the folder")

    def __init__(self, classifier, source: Path, dest: Path, options: SortOptions):
        super().__init__()
        self.classifier, self.source, self.dest, self.options = classifier, source, dest, options

    def work(self) -> SortSummary:
        return sort_folder(self.classifier, self.source, self.dest, self.options,
                           progress=self.report_progress, cancel=self.cancel_token)  # fmt: skip

    def report(self, result: SortSummary) -> None:
        self.sorted.emit(result)


def time_left(started: float, done: int, total: int, now: float | None = None) -> str:
    """"about 2 min left" from the pace so far ("" until there is one)."""
    elapsed = (time.monotonic() if now is None else now) - started
    if done <= 0 or total <= done or elapsed < 1.0:
        return ""
    seconds = elapsed / done * (total - done)
    if seconds < 60:
        text = QCoreApplication.translate("SortFolderDialog", "about {seconds} s left")
        return text.format(seconds=max(1, round(seconds)))
    text = QCoreApplication.translate("SortFolderDialog", "about {minutes} min left")
    return text.format(minutes=round(seconds / 60))


def training_folder(classifier) -> str | None:
    """The folder of class subfolders the model was trained on, if it is still there."""
    metrics = getattr(getattr(classifier, "metadata", None), "metrics", None) or {}
    root = metrics.get("data_folder")
    if not root or not Path(root).is_dir():
        return None
    return str(root)  # "Add to training set" copies into its train/ part when it has one


class SortFolderDialog(QDialog):
    """Non-modal; `summary` holds the last finished sort's SortSummary."""

    finishedSorting = Signal(object)  # SortSummary
    retrainRequested = Signal(str)  # the training folder the review added images to

    def __init__(self, classifier, source: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sort folder"))
        self.classifier = classifier
        self.summary: SortSummary | None = None
        self.threads = JobThreads()
        self.slot = JobSlot(self.threads, self)
        self._started = 0.0
        self._build(source)

    def _folder_row(self, text: str, slot) -> tuple[QLineEdit, QHBoxLayout]:
        edit = QLineEdit(text, self)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(slot)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(browse)
        return edit, row

    def _build(self, source: str) -> None:
        self.source_edit, source_row = self._folder_row(source, self._browse_source)
        self.dest_edit, dest_row = self._folder_row("", self._browse_dest)
        self.mode_combo = QComboBox(self)
        for mode, text in MODES:
            self.mode_combo.addItem(self.tr(text), mode)
        own = self.classifier.review.threshold
        self.auto_check = QCheckBox(
            self.tr("Use the model's own threshold ({threshold})").format(
                threshold=f"{own:.0%}" if own is not None else self.tr("none")),
            self,
        )  # fmt: skip
        self.auto_check.setChecked(True)
        self.threshold_box = QDoubleSpinBox(self)
        self.threshold_box.setRange(0.0, 1.0)
        self.threshold_box.setSingleStep(0.05)
        self.threshold_box.setValue(own if own is not None else 0.9)
        self.threshold_box.setEnabled(False)
        self.auto_check.toggled.connect(lambda on: self.threshold_box.setEnabled(not on))
        form = QFormLayout()
        form.addRow(self.tr("Photos in"), source_row)
        form.addRow(self.tr("Sort into"), dest_row)
        form.addRow(self.tr("How"), self.mode_combo)
        form.addRow(self.tr("Not sure below"), self.auto_check)
        form.addRow("", self.threshold_box)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setVisible(False)
        self.status_label = QLabel("", self)
        self.status_label.setWordWrap(True)
        self.start_button = QPushButton(self.tr("Sort"), self)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        self.review_button = QPushButton(self.tr("Review not sure…"), self)
        self.review_button.setToolTip(self.tr("Label the images set aside as 'Not sure', keyboard "
                                              "first, and add them to the training set"))
        self.review_button.clicked.connect(self.review_not_sure)
        self.review_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.review_button)
        buttons.addStretch(1)
        for button in (self.start_button, self.cancel_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.resize(620, 0)

    def _browse_source(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of photos to sort"),
                                                  self.source_edit.text())  # fmt: skip
        if folder:
            self.source_edit.setText(folder)

    def _browse_dest(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Sort into"), self.dest_edit.text())
        if folder:
            self.dest_edit.setText(folder)

    def options(self) -> SortOptions:
        threshold = "auto" if self.auto_check.isChecked() else float(self.threshold_box.value())
        return SortOptions(mode=self.mode_combo.currentData(), threshold=threshold)

    def is_running(self) -> bool:
        return self.slot.busy()

    def start(self) -> bool:
        """Start the sort (a move is confirmed first); False when nothing was started."""
        source, dest = self.source_edit.text().strip(), self.dest_edit.text().strip()
        if not source or not dest:
            self.status_label.setText(
                self.tr("Choose the folder of photos and the folder to sort into."))
            return False
        options = self.options()
        if options.mode == "move" and not self._confirm_move(source, dest):
            return False
        worker = SortWorker(self.classifier, Path(source), Path(dest), options)
        self._started = time.monotonic()
        self.slot.start(worker, progressed=self._on_progress, sorted=self._on_sorted,
                        failed=self._on_failed, finished=self._on_finished)  # fmt: skip
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(True)
        self.status_label.setText(self.tr("Looking at the photos…"))
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        return True

    def _confirm_move(self, source: str, dest: str) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Move the photos?"),
            self.tr("The photos will be moved out of {source} into {dest}. The manifest there "
                    "records where each one came from. Move them?").format(
                source=source, dest=dest),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def cancel(self) -> None:
        self.slot.cancel()
        self.status_label.setText(self.tr("Cancelling…"))

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        left = time_left(self._started, done, total)
        text = self.tr("{done} of {total} photos").format(done=done, total=total)
        self.status_label.setText(text + (f" · {left}" if left else ""))

    def _on_sorted(self, summary: SortSummary) -> None:
        self.summary = summary
        text = render(summary.describe())  # a core message: in the user's language
        if summary.cancelled:
            text += " " + self.tr("Sort again into the same folder to finish.")
        self.status_label.setText(text)
        self.review_button.setEnabled(bool(summary.review))
        self.finishedSorting.emit(summary)

    def review_not_sure(self):
        """The review grid over this sort's "Not sure" images (gui.review.ReviewDialog)."""
        from ..review import ReviewEntry
        from .sort_review import SortReviewDialog

        if self.summary is None or not self.summary.review:
            return None
        entries = [ReviewEntry(path, guess, confidence, margin)
                   for path, guess, confidence, margin in self.summary.review]  # fmt: skip
        dialog = SortReviewDialog(entries, list(self.classifier.class_names), self.summary.dest,
                                  training_root=training_folder(self.classifier), parent=self)
        dialog.retrainRequested.connect(self.retrainRequested)
        dialog.show()
        return dialog

    def _on_failed(self, message: str) -> None:
        self.status_label.setText(message)

    def _on_finished(self) -> None:
        self.progress_bar.setVisible(False)
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.is_running():
            self.slot.cancel()
            self.threads.wait(10000)
        super().closeEvent(event)

