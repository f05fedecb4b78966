"""The "Data audit…" dialog: runs core.audit in a worker (progress, cancel), lists the findings
per kind with score, reason and thumbnail, shows the embedding map, and excludes chosen images
from training through core.review.Exclusions (the folder itself is never touched)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, Signal, Slot
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.audit import KIND_TITLES, KINDS

from ..i18n import render
from ..jobs import JobSlot, JobThreads
from ..workers import CallWorker
from .map_view import EmbeddingMapWidget
from .worker import audit_folder

ICON = 48
TABLE_ROWS = 500  # findings listed per kind (highest score first); measured ~0.4 ms a row
# core.audit.KIND_TITLES, marked here for translation (shown through self.tr)
KIND_TITLE_TEXTS = (
    QT_TRANSLATE_NOOP("DataAuditDialog", "Likely mislabelled"),
    QT_TRANSLATE_NOOP("DataAuditDialog", "Label conflicts"),
    QT_TRANSLATE_NOOP("DataAuditDialog", "Train/validation leakage"),
    QT_TRANSLATE_NOOP("DataAuditDialog", "Exact duplicates"),
    QT_TRANSLATE_NOOP("DataAuditDialog", "Near duplicates"),
    QT_TRANSLATE_NOOP("DataAuditDialog", "Outliers"),
)
PathRole = Qt.ItemDataRole.UserRole + 1


class DataAuditDialog(QDialog):
    """Non-modal. `result` is the last AuditResult (None before); `start()` runs the audit;
    `audited(AuditResult)` when one has finished."""

    audited = Signal(object)

    def __init__(self, folder=None, model=None, parent: QWidget | None = None, state_dir=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Data audit"))
        self.resize(980, 720)
        self.folder = Path(folder) if folder else None
        self.model, self.state_dir, self.result = model, state_dir, None
        self.cache = None  # a DecodedImageCache to reuse (the Train page's); None: a fresh one
        self.threads = JobThreads()
        self._job = JobSlot(self.threads, self)
        self.folder_label = QLabel()
        self.choose_button = QPushButton(self.tr("Choose folder…"))
        self.run_button = QPushButton(self.tr("Run audit"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.progress = QProgressBar()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.leak_label = QLabel()
        self.leak_label.setWordWrap(True)
        self.leak_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.kind_combo = QComboBox()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Image"), self.tr("Score"), self.tr("Class"), self.tr("Reason")]
        )
        self.table.setIconSize(QSize(ICON, ICON))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.exclude_button = QPushButton(self.tr("Exclude from training"))
        self.map = EmbeddingMapWidget()
        self.map_exclude_button = QPushButton(self.tr("Exclude the group from training"))
        self.map_exclude_button.clicked.connect(self.exclude_selected)
        self.map.layout().itemAt(1).layout().addWidget(self.map_exclude_button)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._findings_tab(), self.tr("Findings"))
        self.tabs.addTab(self.map, self.tr("Map"))
        self._layout()
        self.choose_button.clicked.connect(self._on_choose)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.kind_combo.currentIndexChanged.connect(self._fill_table)
        self.exclude_button.clicked.connect(self.exclude_selected)
        self._update()

    def _findings_tab(self) -> QWidget:
        tab = QWidget()
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Show:")))
        row.addWidget(self.kind_combo, 1)
        row.addWidget(self.exclude_button)
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.more_label = QLabel()
        layout.addWidget(self.more_label)
        return tab

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.folder_label, 1)
        for button in (self.choose_button, self.run_button, self.cancel_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.leak_label)
        layout.addWidget(self.tabs, 1)

    # -------------------------------------------------------------------------- running
    def start(self) -> None:
        if self.folder is None:
            self.status_label.setText(self.tr("Choose the dataset folder to audit first."))
            return
        exclude = self._exclusions().paths() if self._exclusions() is not None else ()
        job = CallWorker(audit_folder, self.folder, self.model, exclude, cache=self.cache,
                         description=QT_TRANSLATE_NOOP("Job", "The data audit"), with_progress=True)  # fmt: skip
        self.status_label.setText(self.tr("Auditing… (one pass of the backbone over the images)"))
        self.progress.setRange(0, 0)
        self._job.start(job, succeeded=self._on_done, failed=self._on_failed,
                        progressed=self._on_progress, finished=self._update)  # fmt: skip
        self._update()

    def cancel(self) -> None:
        self._job.cancel()
        self.status_label.setText(self.tr("Cancelled."))

    def is_running(self) -> bool:
        return self._job.busy()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_failed(self, message: str) -> None:
        self.status_label.setText(message)

    def _on_done(self, result) -> None:
        self.result = result
        self.status_label.setText(render(result.summary()).split("\n")[0])  # core messages
        self.leak_label.setText(render(result.leakage_warning()))
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        for kind, count in result.counts().items():
            title = self.tr(KIND_TITLES[kind])  # i18n: ok - marked in KIND_TITLE_TEXTS
            self.kind_combo.addItem(
                self.tr("{title} ({count})").format(title=title, count=count), kind
            )
        self.kind_combo.blockSignals(False)
        first = next((i for i, k in enumerate(KINDS) if result.by_kind(k)), 0)
        self.kind_combo.setCurrentIndex(first)
        self._fill_table()
        self.map.show_result(result)
        self.audited.emit(result)

    @Slot()
    def _update(self, *_args) -> None:
        busy = self._job.busy()
        self.folder_label.setText(
            self.tr("Folder: {folder}").format(folder=self.folder)
            if self.folder
            else self.tr("No folder chosen")
        )
        self.run_button.setEnabled(not busy and self.folder is not None)
        self.choose_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.exclude_button.setEnabled(self.result is not None and not busy)
        self.map_exclude_button.setEnabled(self.result is not None and not busy)
        if not busy:
            self.progress.setRange(0, 1)
            self.progress.setValue(1 if self.result is not None else 0)

    def _on_choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Folder to audit"), str(self.folder or "")
        )
        if chosen:
            self.folder = Path(chosen)
            self._update()

    # ------------------------------------------------------------------------- findings
    def shown_findings(self) -> list:
        if self.result is None:
            return []
        return self.result.by_kind(self.kind_combo.currentData() or KINDS[0])

    @Slot()
    def _fill_table(self, *_args) -> None:
        everything = self.shown_findings()
        findings = everything[:TABLE_ROWS]  # a thumbnail each: the GUI thread reads the files
        self.more_label.setText(
            self.tr("Showing the {shown} highest-scoring of {total}.").format(
                shown=len(findings), total=len(everything)
            )
            if len(everything) > len(findings)
            else ""
        )
        self.table.setRowCount(len(findings))
        for row, finding in enumerate(findings):
            image = QTableWidgetItem(finding.path.name)
            image.setData(PathRole, str(finding.path))
            image.setToolTip(str(finding.path))
            pixmap = QPixmap(str(finding.path))
            if not pixmap.isNull():
                image.setIcon(QIcon(pixmap.scaled(ICON, ICON)))
            self.table.setItem(row, 0, image)
            self.table.setItem(row, 1, QTableWidgetItem(f"{finding.score:.2f}"))
            self.table.setItem(row, 2, QTableWidgetItem(finding.label))
            self.table.setItem(row, 3, QTableWidgetItem(render(finding.reason)))
            self.table.setRowHeight(row, ICON + 4)

    def _exclusions(self):
        if self.folder is None:
            return None
        from core.review import Exclusions

        return Exclusions.for_folder(self.folder, state_dir=self.state_dir)

    def exclude_selected(self) -> list[Path]:
        """Exclude the selected images from training: the rows chosen in the findings, or on the
        Map tab the group chosen with the lasso (kept in the app's state for this folder; listed and
        reversible there); returns the paths excluded."""
        if self.tabs.currentWidget() is self.map:
            chosen = [(path, "audit: chosen on the embedding map") for path in self.map.selected]
        else:
            findings = self.shown_findings()
            rows = sorted({index.row() for index in self.table.selectedIndexes()})
            chosen = [(findings[r].path, f"audit: {findings[r].reason}") for r in rows
                      if r < len(findings)]  # fmt: skip
        exclusions = self._exclusions()
        if not chosen or exclusions is None:
            return []
        added = []
        for path, reason in chosen:
            added += exclusions.add([path], reason=reason)
        count = len(added)
        self.status_label.setText(
            self.tr(
                "Excluded %n image(s) from training; the folder is unchanged. "
                "Undo by removing them from the excluded list.",
                "",
                count,
            )
        )
        return added

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._job.discard()
        self.threads.wait(10000)
        super().closeEvent(event)
