"""The Train page's dataset: choosing (or generating) a folder, the scan's progress, and what the
scan found: images per class, unreadable files and warnings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..text import render
from ..widgets.class_table import ClassCountTableWidget
from ..widgets.empty_hint import EmptyHint
from .demo_dialog import DemoFolderDialog


def dropped_folder(mime) -> Path | None:
    """The first local folder among dropped URLs (a dropped file means its folder's parent is
    not what the person meant, so files are not accepted)."""
    if mime is None:
        return None
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.is_dir():
                return path
    return None


class FolderDropTarget(QObject):
    """Lets a whole page take a dropped dataset folder: an event filter on `page` that accepts
    drags carrying a local folder while `enabled`, and emits `folderDropped(path)`."""

    folderDropped = Signal(object)

    def __init__(self, page: QWidget):
        super().__init__(page)
        self.enabled = True
        page.setAcceptDrops(True)
        page.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind not in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return False
        folder = dropped_folder(event.mimeData()) if self.enabled else None
        if folder is None:
            event.ignore()
            return True
        event.acceptProposedAction()
        if kind == QEvent.Type.Drop:
            self.folderDropped.emit(folder)
        return True


class DatasetSummary(QObject):
    """The words of `summary_html` (a QObject for `self.tr`'s plurals)."""

    def html(self, result) -> str:
        index = result.index
        classes, images = len(index.class_names), sum(index.counts().values())
        parts = [
            "<b>" + self.tr("%n class(es)", "", classes) + "</b>",
            self.tr("%Ln image(s)", "", images),
        ]
        if index.val_samples:
            val = len(index.val_samples)
            parts.append(self.tr("predefined validation split (%Ln image(s))", "", val))
        if problems := len(result.problems):
            unreadable = self.tr("%Ln unreadable file(s)", "", problems)
            parts.append(f"<span style='color:#c62828'>{unreadable}</span>")
        if warnings := len(result.warnings):
            warned = self.tr("%n warning(s)", "", warnings)
            parts.append(f"<span style='color:#b35c00'>{warned}</span>")
        if result.ignored:
            ignored = result.ignored_file_count()
            parts.append(self.tr("%Ln file(s) ignored", "", ignored))
        if excluded := excluded_count(index):
            parts.append(self.tr("%Ln image(s) excluded from training", "", excluded))
        return " · ".join(parts)


def summary_html(result) -> str:
    """One line about a ScanResult: classes, images, split, unreadable files, warnings."""
    return DatasetSummary().html(result)


def excluded_count(index) -> int:
    """How many of the index's images are excluded in the app (core.review.Exclusions); the
    Train page trains without them."""
    from core.dataset import exclude_samples
    from core.errors import BackboneStudioError
    from core.review import Exclusions

    try:
        return len(exclude_samples(index, Exclusions.for_folder(index.root).paths())[1])
    except BackboneStudioError:
        return 0


class DatasetPanelWidget(QGroupBox):
    """The "Dataset" group. Signals: `scanRequested(folder)` (typed, or chosen in a dialog),
    `demoRequested(folder)` (an empty folder chosen for the demo data), `scanCancelRequested()`.
    `start_folder` is where the folder dialogs open when the line is empty."""

    scanRequested = Signal(str)
    demoRequested = Signal(str)
    scanCancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Dataset"))
        self.start_folder = str(Path.home())
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr(
                "A folder with one subfolder of images per class. Drop it anywhere on this page."
            )
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(self._build_folder_row())
        layout.addLayout(self._build_scan_row())
        self.dataset_summary = QLabel(self.tr("No dataset yet."))
        self.dataset_summary.setWordWrap(True)
        layout.addWidget(self.dataset_summary)
        self.note_label = QLabel()  # e.g. where the demo data went
        self.note_label.setObjectName("muted")
        self.note_label.setWordWrap(True)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_label.hide()
        layout.addWidget(self.note_label)
        layout.addWidget(self._build_tabs())

    def _build_folder_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(self.tr("Dataset folder…"))
        self.folder_edit.setClearButtonEnabled(True)
        self.folder_edit.returnPressed.connect(self._on_folder_edit_return_pressed)
        self.choose_button = QPushButton(self.tr("Choose folder…"))
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.choose_button)
        return row

    def _build_scan_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.demo_button = QPushButton(self.tr("Create demo dataset…"))
        self.demo_button.setToolTip(
            self.tr(
                "Write a small generated dataset (4 classes of shapes) into a new folder and scan it"
            )
        )
        self.demo_button.clicked.connect(self._on_demo_button_clicked)
        self.scan_progress = QProgressBar()
        self.scan_progress.setFormat(self.tr("Scanning… %v / %m"))
        self.scan_progress.hide()
        self.scan_cancel_button = QToolButton()
        self.scan_cancel_button.setText(self.tr("Stop"))
        self.scan_cancel_button.setToolTip(self.tr("Stop scanning"))
        self.scan_cancel_button.clicked.connect(self.scanCancelRequested)
        self.scan_cancel_button.hide()
        row.addWidget(self.demo_button)
        row.addWidget(self.scan_progress, 1)
        row.addWidget(self.scan_cancel_button)
        row.addStretch(0)
        return row

    def _build_tabs(self) -> QTabWidget:
        self.dataset_tabs = QTabWidget()
        self.class_table = ClassCountTableWidget()
        self.problems_table = QTableWidget(0, 2)
        self.problems_table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Reason")])
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.verticalHeader().setVisible(False)
        # The reason is a sentence: it wraps (rows grow to fit) rather than being cut mid-way.
        self.problems_table.setWordWrap(True)
        self.problems_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long file paths
        self.problems_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        header = self.problems_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 170)
        header.setStretchLastSection(True)
        self.warnings_list = QListWidget()
        self.warnings_list.setWordWrap(True)
        self.problems_hint = EmptyHint(
            self.problems_table, self.tr("None: every file could be read.")
        )
        self.warnings_hint = EmptyHint(self.warnings_list, self.tr("None."))
        self.dataset_tabs.addTab(self.class_table, self.tr("Classes"))
        self.dataset_tabs.addTab(self.problems_table, self.tr("Problems"))
        self.dataset_tabs.addTab(self.warnings_list, self.tr("Warnings"))
        self.dataset_tabs.setMinimumHeight(170)
        self.dataset_tabs.setMaximumHeight(220)
        return self.dataset_tabs

    # -- showing ---------------------------------------------------------------------------------
    def set_training(self, training: bool) -> None:
        for widget in (self.folder_edit, self.choose_button, self.demo_button):
            widget.setEnabled(not training)

    @Slot(object)
    def show_scanning(self, folder: Path) -> None:
        self.folder_edit.setText(str(folder))
        self.class_table.set_counts({})
        self.problems_table.setRowCount(0)
        self.warnings_list.clear()
        self._update_tab_titles()
        self.dataset_summary.setText(self.tr("Scanning {folder}…").format(folder=folder))
        self.scan_progress.setRange(0, 0)
        self.scan_progress.show()
        self.scan_cancel_button.show()

    @Slot(int, int)
    def show_scan_progress(self, done: int, total: int) -> None:
        self.scan_progress.setRange(0, max(total, 1))
        self.scan_progress.setValue(done)

    def show_scan_ended(self) -> None:
        self.scan_progress.hide()
        self.scan_cancel_button.hide()

    def show_writing_demo(self, target: Path) -> None:
        self.dataset_summary.setText(
            self.tr("Writing demo images into {target}…").format(target=target)
        )
        self.demo_button.setEnabled(False)

    def show_note(self, text: str) -> None:
        """A line under the summary (empty: none), e.g. where the demo images were written."""
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))

    def show_scan_failed(self) -> None:
        """The folder could not be used (the page shows why once, beside the run)."""
        self.dataset_summary.setText(self.tr("No dataset yet."))
        self.dataset_summary.setToolTip("")

    def show_result(self, result) -> None:
        """What a ScanResult found; the tab worth a look first is brought forward."""
        root = Path(result.index.root)
        self.class_table.set_counts(result.index.counts())
        self.problems_table.setRowCount(len(result.problems))
        for row, problem in enumerate(result.problems):
            path = Path(problem.path)
            try:
                shown = str(path.relative_to(root))
            except ValueError:
                shown = str(path)
            file_item = QTableWidgetItem(shown)
            file_item.setToolTip(str(path))
            reason = render(problem.reason)
            reason_item = QTableWidgetItem(reason)
            reason_item.setToolTip(reason)
            self.problems_table.setItem(row, 0, file_item)
            self.problems_table.setItem(row, 1, reason_item)
        self.warnings_list.clear()
        self.warnings_list.addItems([render(warning) for warning in result.warnings])
        self._update_tab_titles()
        self.dataset_summary.setText(summary_html(result))
        self.dataset_summary.setToolTip(str(root))
        if result.warnings:
            self.dataset_tabs.setCurrentWidget(self.warnings_list)
        elif result.problems:
            self.dataset_tabs.setCurrentWidget(self.problems_table)
        else:
            self.dataset_tabs.setCurrentWidget(self.class_table)

    def _update_tab_titles(self) -> None:
        problems = self.problems_table.rowCount()
        warnings = self.warnings_list.count()
        self.dataset_tabs.setTabText(
            1, self.tr("Problems ({n})").format(n=problems) if problems else self.tr("Problems")
        )
        self.dataset_tabs.setTabText(
            2, self.tr("Warnings ({n})").format(n=warnings) if warnings else self.tr("Warnings")
        )

    # -- slots ---------------------------------------------------------------------------------------
    @Slot()
    def _on_folder_edit_return_pressed(self) -> None:
        text = self.folder_edit.text().strip()
        if text:
            self.scanRequested.emit(text)

    @Slot()
    def _on_choose_button_clicked(self) -> None:
        start = self.folder_edit.text().strip() or self.start_folder
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a dataset folder (one subfolder per class)"), start
        )
        if folder:
            self.scanRequested.emit(folder)

    @Slot()
    def _on_demo_button_clicked(self) -> None:
        dialog = DemoFolderDialog(self.start_folder, self)
        if dialog.exec() == DemoFolderDialog.DialogCode.Accepted and dialog.target() is not None:
            self.demoRequested.emit(str(dialog.target()))
        dialog.deleteLater()
