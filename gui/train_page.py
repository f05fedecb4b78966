"""The Train page: pick (or drop, or generate) a dataset folder, pick a backbone and settings,
train with live plots, and hand the result to the Results page.

All work runs off the UI thread: scanning in a `ScanWorker`, training in a `TrainWorker`,
demo data / weight downloads / weight imports in `CallWorker`s, each on its own thread
(`gui.workers.JobThreads`). The page only reacts to their signals. Scanning fills a
`DecodedImageCache` that the Trainer then reuses, so no image is decoded twice.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core import backbones
from core.dataset import DecodedImageCache
from core.demo import make_demo_dataset
from core.devices import list_devices
from core.errors import ResumeError
from core.events import (
    BatchEnded,
    EpochEnded,
    FeaturePassProgressed,
    FitEnded,
    FitPlan,
    FitStarted,
    Logged,
    StageStarted,
)
from core.fileio import default_cache_dir
from core.training import CheckpointSummary, TrainConfig, Trainer, read_checkpoint_summary

from .widgets.class_table import ClassCountTableWidget
from .widgets.live_plot import LivePlotWidget
from .workers import CallWorker, JobThreads, ScanWorker, TrainWorker

STRATEGIES: tuple[tuple[str, str, str], ...] = (
    ("auto", "Automatic", "Two-stage with pretrained weights, full training from scratch otherwise."),
    ("head", "Head only", "Train only the new classifier on frozen features: fastest, good for small datasets."),
    ("partial", "Partial", "Also fine-tune the backbone's last stage: a middle ground for medium datasets."),
    ("full", "Full", "Fine-tune every layer: best with lots of data, or when training from scratch."),
    ("two_stage", "Two-stage", "Train the head on frozen features first, then fine-tune everything gently."),
)  # fmt: skip
FROZEN_STRATEGIES = {"head", "partial", "two_stage"}
SCHEDULES = (("onecycle", "One-cycle"), ("cosine", "Cosine"))
CLASS_WEIGHTING = (("auto", "Auto (when imbalanced)"), ("on", "On"), ("off", "Off"))
DEMO_SUBFOLDER = "backbone-studio-demo"


def _qsettings(settings: Any) -> QSettings | None:
    """Accepts a QSettings, the app's Settings wrapper (has `.qsettings`) or None."""
    if settings is None:
        return None
    return getattr(settings, "qsettings", settings)


def _format_duration(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


CHECKPOINT_EVERY = 30.0
"""Seconds between the checkpoints the app keeps of a running training (and at each stage end),
so that a crash or a power cut costs at most this much work."""


def checkpoint_path() -> Path:
    """Where the app keeps the checkpoint of the latest training until its model is saved or
    discarded; the Train page offers to resume it after the app was closed unexpectedly."""
    return default_cache_dir() / "checkpoints" / "last-training.ckpt"


def _same_folder(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return str(a) == str(b)


def _format_params(count: int) -> str:
    return f"{count / 1e6:.1f} M" if count >= 1e6 else f"{count / 1e3:.0f} k"


class LearningRateSpinBox(QDoubleSpinBox):
    """A learning-rate box that steps along 1-2-5 per decade; 0 means automatic."""

    LADDER = (1.0, 2.0, 5.0)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDecimals(8)
        self.setRange(0.0, 1.0)
        self.setSpecialValueText("Auto")
        self.setValue(0.0)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        try:
            return float(text)
        except ValueError:
            return 0.0

    def validate(self, text: str, pos: int):
        from PySide6.QtGui import QValidator

        stripped = text.strip()
        if stripped in ("", "-", ".", "e", "E") or stripped == self.specialValueText():
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            if stripped.lower().endswith(("e", "e-")):
                return QValidator.State.Intermediate, text, pos
            return QValidator.State.Invalid, text, pos
        if 0.0 <= value <= 1.0:
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Invalid, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        value = self.value()
        ladder = [m * 10.0**e for e in range(-7, 1) for m in self.LADDER if m * 10.0**e <= 1.0]
        if value <= 0.0:
            value = 1e-4 if steps > 0 else 0.0
            steps -= 1 if steps > 0 else 0
        for _ in range(abs(steps)):
            if steps > 0:
                value = next((v for v in ladder if v > value * 1.0001), ladder[-1])
            else:
                smaller = [v for v in ladder if v < value * 0.9999]
                value = smaller[-1] if smaller else 0.0
        self.setValue(value)


class TrainPage(QWidget):
    """Dataset, backbone and settings on the left; progress, live plots and a log on the right."""

    trainingFinished = Signal(object)  # FitResult with a model (finished, or cancelled after an epoch)
    trainingStarted = Signal()
    scanFinished = Signal(object)  # ScanResult

    def __init__(self, settings: Any = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trainPage")
        self.setAcceptDrops(True)
        self._settings = _qsettings(settings)
        self._scan_result = None
        self._cache = None
        self._jobs = JobThreads()
        # Asked before a training starts; False keeps it from starting (the main window asks
        # whether to save a trained model that the new one would replace).
        self.confirm_start: Callable[[], bool] | None = None
        self._weights_dialog: QProgressDialog | None = None
        self._resume_after_scan: CheckpointSummary | None = None
        self._weights_worker: CallWorker | None = None
        self._scan_worker: ScanWorker | None = None
        self._pending_scan: Path | None = None
        self._closing = False
        self._train_worker: TrainWorker | None = None
        self._plan: FitPlan | None = None
        self._fit_started_at = 0.0
        self._total_epochs = 0
        self._last_images_per_second = 0.0
        self._fit_ended: FitEnded | None = None
        self.last_result = None
        self._event_handlers = {
            FitStarted: self._handle_fit_started,
            StageStarted: self._handle_stage_started,
            FeaturePassProgressed: self._handle_feature_pass,
            BatchEnded: self._handle_batch_ended,
            EpochEnded: self._handle_epoch_ended,
            Logged: self._handle_logged,
            FitEnded: self._handle_fit_ended,
        }

        self._last_batch: BatchEnded | None = None
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(250)
        self._status_timer.timeout.connect(self._on_status_timer_timeout)

        self._log_buffer: list[str] = []
        self._log_timer = QTimer(self)
        self._log_timer.setSingleShot(True)
        self._log_timer.setInterval(250)
        self._log_timer.timeout.connect(self._on_log_timer_timeout)

        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(250)
        self._plan_timer.timeout.connect(self._on_plan_timer_timeout)

        self._build_ui()
        self._fill_backbones()
        self._fill_devices()
        self._restore_settings()
        self._on_backbone_changed()
        self._on_strategy_changed()
        self._set_training_ui(False)
        self.offer_interrupted_training()

    # =========================================================================================
    # UI construction
    # =========================================================================================

    def _build_ui(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(splitter)

        # ---- left: settings in a scroll area, Start/Cancel always visible underneath --------
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        form_host = QWidget()
        form_layout = QVBoxLayout(form_host)
        form_layout.setContentsMargins(0, 0, 6, 0)
        form_layout.addWidget(self._build_resume_banner())
        form_layout.addWidget(self._build_dataset_group())
        form_layout.addWidget(self._build_model_group())
        form_layout.addWidget(self._build_training_group())
        form_layout.addStretch(1)
        scroll.setWidget(form_host)
        left_layout.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start training")
        self.start_button.setObjectName("primaryButton")
        self.start_button.setDefault(True)
        self.start_button.setMinimumHeight(34)
        self.start_button.setToolTip("Train the chosen backbone on the scanned dataset (Ctrl+Return)")
        self.start_button.setShortcut("Ctrl+Return")
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setMinimumHeight(34)
        self.cancel_button.setToolTip("Stop after the current batch and keep the best model so far")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        buttons.addWidget(self.start_button, 2)
        buttons.addWidget(self.cancel_button, 1)
        left_layout.addLayout(buttons)
        left.setMinimumWidth(430)
        splitter.addWidget(left)

        # ---- right: progress, plots, log --------------------------------------------------------
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        # One-line labels with an ignored width: a changing text never re-lays out the page
        # (a relayout would repaint the plots too, on every progress update).
        self.status_label = QLabel("Choose a dataset folder to begin.")
        status_font = QFont(self.status_label.font())
        status_font.setBold(True)
        self.status_label.setFont(status_font)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("")
        self.detail_label = QLabel(" ")
        self.detail_label.setObjectName("muted")
        self.detail_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet(
            "QLabel { color: #c62828; background: #fdecea; border-radius: 4px; padding: 6px; }"
        )
        self.error_label.hide()
        right_layout.addWidget(self.status_label)
        right_layout.addWidget(self.progress_bar)
        right_layout.addWidget(self.detail_label)
        right_layout.addWidget(self.error_label)

        plots_and_log = QSplitter(Qt.Orientation.Vertical)
        plots_and_log.setChildrenCollapsible(False)
        self.live_plot = LivePlotWidget()
        plots_and_log.addWidget(self.live_plot)
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log_view.setPlaceholderText("The training log appears here.")
        self.log_view.setMinimumHeight(90)
        plots_and_log.addWidget(self.log_view)
        plots_and_log.setStretchFactor(0, 3)
        plots_and_log.setStretchFactor(1, 1)
        right_layout.addWidget(plots_and_log, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([470, 800])

    def _build_resume_banner(self) -> QFrame:
        self.resume_banner = QFrame()
        self.resume_banner.setObjectName("resumeBanner")
        self.resume_banner.setStyleSheet(
            "#resumeBanner { background: #e8f0fe; border: 1px solid #aecbfa; border-radius: 4px; }"
        )
        layout = QVBoxLayout(self.resume_banner)
        layout.setContentsMargins(10, 8, 10, 8)
        self.resume_label = QLabel("")
        self.resume_label.setWordWrap(True)
        self.resume_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.resume_label)
        buttons = QHBoxLayout()
        self.resume_button = QPushButton("Resume training")
        self.resume_button.setToolTip("Scan the same folder again and continue where it stopped")
        self.resume_button.clicked.connect(self._on_resume_button_clicked)
        self.discard_checkpoint_button = QPushButton("Discard")
        self.discard_checkpoint_button.setToolTip("Delete the unfinished training")
        self.discard_checkpoint_button.clicked.connect(self._on_discard_checkpoint_button_clicked)
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.discard_checkpoint_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.resume_banner.hide()
        return self.resume_banner

    def _build_dataset_group(self) -> QGroupBox:
        group = QGroupBox("Dataset")
        layout = QVBoxLayout(group)
        hint = QLabel("A folder with one subfolder of images per class. Drop it anywhere on this page.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("Dataset folder…")
        self.folder_edit.setClearButtonEnabled(True)
        self.folder_edit.returnPressed.connect(self._on_folder_edit_return_pressed)
        self.choose_button = QPushButton("Choose folder…")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)

        row = QHBoxLayout()
        self.demo_button = QPushButton("Create demo dataset…")
        self.demo_button.setToolTip(
            "Write a small generated dataset (4 classes of shapes) into a new folder and scan it"
        )
        self.demo_button.clicked.connect(self._on_demo_button_clicked)
        self.scan_progress = QProgressBar()
        self.scan_progress.setFormat("Scanning… %v / %m")
        self.scan_progress.hide()
        self.scan_cancel_button = QToolButton()
        self.scan_cancel_button.setText("Stop")
        self.scan_cancel_button.setToolTip("Stop scanning")
        self.scan_cancel_button.clicked.connect(self._on_scan_cancel_button_clicked)
        self.scan_cancel_button.hide()
        row.addWidget(self.demo_button)
        row.addWidget(self.scan_progress, 1)
        row.addWidget(self.scan_cancel_button)
        row.addStretch(0)
        layout.addLayout(row)

        self.dataset_summary = QLabel("No dataset yet.")
        self.dataset_summary.setWordWrap(True)
        layout.addWidget(self.dataset_summary)

        self.dataset_tabs = QTabWidget()
        self.class_table = ClassCountTableWidget()
        self.problems_table = QTableWidget(0, 2)
        self.problems_table.setHorizontalHeaderLabels(["File", "Reason"])
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.verticalHeader().setVisible(False)
        self.problems_table.setWordWrap(False)
        self.problems_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.problems_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 170)
        header.setStretchLastSection(True)
        self.warnings_list = QListWidget()
        self.warnings_list.setWordWrap(True)
        self.dataset_tabs.addTab(self.class_table, "Classes")
        self.dataset_tabs.addTab(self.problems_table, "Problems")
        self.dataset_tabs.addTab(self.warnings_list, "Warnings")
        self.dataset_tabs.setMinimumHeight(170)
        self.dataset_tabs.setMaximumHeight(220)
        layout.addWidget(self.dataset_tabs)
        return group

    def _build_model_group(self) -> QGroupBox:
        group = QGroupBox("Backbone")
        layout = QVBoxLayout(group)
        self.backbone_combo = QComboBox()
        self.backbone_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.backbone_combo.setMinimumContentsLength(20)
        self.backbone_combo.currentIndexChanged.connect(self._on_backbone_changed)
        layout.addWidget(self.backbone_combo)
        self.backbone_info = QLabel()
        self.backbone_info.setWordWrap(True)
        self.backbone_info.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.backbone_info)

        self.pretrained_check = QCheckBox("Use pretrained ImageNet weights")
        self.pretrained_check.toggled.connect(self._on_pretrained_check_toggled)
        layout.addWidget(self.pretrained_check)
        self.pretrained_note = QLabel()
        self.pretrained_note.setObjectName("muted")
        self.pretrained_note.setWordWrap(True)
        self.pretrained_note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.pretrained_note)

        row = QHBoxLayout()
        self.import_button = QPushButton("Import weights file…")
        self.import_button.setToolTip(
            "Copy a .pth / .pt / .safetensors file with this backbone's ImageNet weights into the "
            "weights cache (checked against the architecture first)"
        )
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.download_button = QPushButton("Download")
        self.download_button.setToolTip("Download this backbone's ImageNet weights (needs internet)")
        self.download_button.clicked.connect(self._on_download_button_clicked)
        row.addWidget(self.import_button)
        row.addWidget(self.download_button)
        row.addStretch(1)
        layout.addLayout(row)
        return group

    def _auto_spin(self, maximum: int, step: int = 1, tooltip: str = "") -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, maximum)
        spin.setSingleStep(step)
        spin.setSpecialValueText("Auto")
        spin.setToolTip(tooltip + " (0 = automatic)")
        spin.setAccelerated(True)
        spin.valueChanged.connect(self._on_setting_changed)
        return spin

    def _build_training_group(self) -> QGroupBox:
        group = QGroupBox("Training")
        layout = QVBoxLayout(group)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.strategy_combo = QComboBox()
        for key, label, explanation in STRATEGIES:
            self.strategy_combo.addItem(label, key)
            self.strategy_combo.setItemData(
                self.strategy_combo.count() - 1, explanation, Qt.ItemDataRole.ToolTipRole
            )
        self.strategy_combo.currentIndexChanged.connect(self._on_strategy_changed)
        self.strategy_note = QLabel()
        self.strategy_note.setObjectName("muted")
        self.strategy_note.setWordWrap(True)
        form.addRow("Strategy", self.strategy_combo)
        form.addRow("", self.strategy_note)

        self.epochs_spin = self._auto_spin(1000, tooltip="Passes over the training images")
        self.batch_spin = self._auto_spin(4096, tooltip="Images per optimisation step")
        self.lr_spin = LearningRateSpinBox()
        self.lr_spin.setToolTip("Peak learning rate (0 = automatic for the strategy and batch size)")
        self.lr_spin.valueChanged.connect(self._on_setting_changed)
        self.size_spin = self._auto_spin(1024, step=16, tooltip="Input size in pixels")
        self.val_spin = QDoubleSpinBox()
        self.val_spin.setRange(5.0, 50.0)
        self.val_spin.setDecimals(0)
        self.val_spin.setSingleStep(5.0)
        self.val_spin.setSuffix(" %")
        self.val_spin.setValue(20.0)
        self.val_spin.setToolTip(
            "Share of each class held out for validation (ignored when the folder has train/ and val/)"
        )
        self.val_spin.valueChanged.connect(self._on_setting_changed)
        self.augment_check = QCheckBox("Augment (random crops, flips, light colour jitter)")
        self.augment_check.setChecked(True)
        self.device_combo = QComboBox()
        self.device_combo.currentIndexChanged.connect(self._on_setting_changed)

        pair = QHBoxLayout()
        pair.addWidget(self.epochs_spin)
        pair.addWidget(QLabel("Batch"))
        pair.addWidget(self.batch_spin)
        form.addRow("Epochs", pair)
        pair = QHBoxLayout()
        pair.addWidget(self.lr_spin)
        pair.addWidget(QLabel("Size"))
        pair.addWidget(self.size_spin)
        form.addRow("Learning rate", pair)
        form.addRow("Validation", self.val_spin)
        form.addRow("", self.augment_check)
        form.addRow("Device", self.device_combo)
        layout.addLayout(form)

        self.advanced_button = QToolButton()
        self.advanced_button.setText("Advanced")
        self.advanced_button.setCheckable(True)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_button.setAutoRaise(True)
        self.advanced_button.toggled.connect(self._on_advanced_button_toggled)
        layout.addWidget(self.advanced_button)

        self.advanced_box = QWidget()
        adv = QFormLayout(self.advanced_box)
        adv.setContentsMargins(12, 0, 0, 0)
        self.smoothing_spin = QDoubleSpinBox()
        self.smoothing_spin.setRange(0.0, 0.5)
        self.smoothing_spin.setSingleStep(0.05)
        self.smoothing_spin.setValue(0.1)
        self.smoothing_spin.setToolTip("Softens the targets; helps calibration and small datasets")
        self.weighting_combo = QComboBox()
        for key, label in CLASS_WEIGHTING:
            self.weighting_combo.addItem(label, key)
        self.weighting_combo.setToolTip("Weight the loss by inverse class frequency")
        self.early_spin = QSpinBox()
        self.early_spin.setRange(0, 100)
        self.early_spin.setSpecialValueText("Off")
        self.early_spin.setSuffix(" epochs")
        self.early_spin.setToolTip("Stop when validation accuracy has not improved for this many epochs")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Same seed, same data, same settings: the same split and run")
        self.seed_spin.valueChanged.connect(self._on_setting_changed)
        self.schedule_combo = QComboBox()
        for key, label in SCHEDULES:
            self.schedule_combo.addItem(label, key)
        self.schedule_combo.setToolTip("Learning-rate schedule over the run")
        self.views_spin = QSpinBox()
        self.views_spin.setRange(1, 16)
        self.views_spin.setToolTip(
            "Head-only / partial training: augmented views cached per image (more = more variety)"
        )
        adv.addRow("Label smoothing", self.smoothing_spin)
        adv.addRow("Class weighting", self.weighting_combo)
        adv.addRow("Early stopping", self.early_spin)
        adv.addRow("Seed", self.seed_spin)
        adv.addRow("Schedule", self.schedule_combo)
        adv.addRow("Feature views", self.views_spin)
        self.advanced_box.hide()
        layout.addWidget(self.advanced_box)

        self.plan_label = QLabel()
        self.plan_label.setTextFormat(Qt.TextFormat.PlainText)  # notes may hold "<" and "&"
        self.plan_label.setObjectName("muted")
        self.plan_label.setWordWrap(True)
        layout.addWidget(self.plan_label)
        return group

    def sizeHint(self) -> QSize:
        return QSize(1200, 760)

    # =========================================================================================
    # Filling and settings
    # =========================================================================================

    def _fill_backbones(self) -> None:
        self.backbone_combo.blockSignals(True)
        self.backbone_combo.clear()
        for spec in backbones.BACKBONES:
            self.backbone_combo.addItem(
                f"{spec.display_name}  ·  {_format_params(spec.params)}  ·  {spec.gmacs:.2f} GMACs",
                spec.name,
            )
            self.backbone_combo.setItemData(
                self.backbone_combo.count() - 1,
                getattr(spec, "description", spec.display_name),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.backbone_combo.blockSignals(False)

    def _fill_devices(self) -> None:
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        self.device_combo.addItem("Auto (best available)", "auto")
        for info in list_devices():
            self.device_combo.addItem(info.label, info.id)
        self.device_combo.blockSignals(False)

    def _setting(self, key: str, default: Any = None) -> Any:
        if self._settings is None:
            return default
        value = self._settings.value(key, default)
        return default if value is None else value

    def _set_setting(self, key: str, value: Any) -> None:
        if self._settings is not None:
            self._settings.setValue(key, value)

    def _restore_settings(self) -> None:
        index = self.backbone_combo.findData(
            self._setting("training/backbone", backbones.recommended_backbone())
        )
        self.backbone_combo.setCurrentIndex(max(0, index))
        index = self.strategy_combo.findData(self._setting("training/strategy", "auto"))
        self.strategy_combo.setCurrentIndex(max(0, index))
        index = self.device_combo.findData(self._setting("training/device", "auto"))
        self.device_combo.setCurrentIndex(max(0, index))
        folder = self._setting("folders/dataset", "")
        if isinstance(folder, str) and folder and Path(folder).is_dir():
            self.folder_edit.setText(folder)

    def _save_settings(self) -> None:
        self._set_setting("training/backbone", self.backbone_name())
        self._set_setting("training/strategy", self.strategy_combo.currentData())
        self._set_setting("training/device", self.device_combo.currentData())

    # =========================================================================================
    # Public interface (main window, tests)
    # =========================================================================================

    def backbone_name(self) -> str:
        return self.backbone_combo.currentData() or backbones.recommended_backbone()

    def set_backbone(self, name: str) -> None:
        index = self.backbone_combo.findData(name)
        if index < 0:
            raise ValueError(f"unknown backbone {name!r}")
        self.backbone_combo.setCurrentIndex(index)

    def is_training(self) -> bool:
        """True from Start until the training worker has delivered its result."""
        return self._train_worker is not None

    def is_scanning(self) -> bool:
        return self._scan_worker is not None

    @property
    def scan_result(self):
        return self._scan_result

    def scan(self, folder: str | Path) -> None:
        """Scan `folder` in the background (a running scan is cancelled first)."""
        folder = Path(folder).expanduser()
        if self.is_training():
            return
        self.folder_edit.setText(str(folder))
        if self._scan_worker is not None:
            # One scan at a time: stop the running one; this folder is scanned when it has ended.
            self._pending_scan = folder
            self._scan_worker.cancel()
            return
        self._pending_scan = None

        self._scan_result = None
        self._cache = DecodedImageCache()
        self.class_table.set_counts({})
        self.problems_table.setRowCount(0)
        self.warnings_list.clear()
        self._update_tab_titles()
        self.dataset_summary.setText(f"Scanning {folder}…")
        self.scan_progress.setRange(0, 0)
        self.scan_progress.show()
        self.scan_cancel_button.show()
        worker = ScanWorker(folder, cache=self._cache)
        worker.progressed.connect(self._on_scan_progressed)
        worker.scanned.connect(self._on_scan_scanned)
        worker.failed.connect(self._on_scan_failed)
        worker.finished.connect(self._on_scan_finished)
        self._scan_worker = worker
        self._jobs.start(worker)
        self._update_start_enabled()

    def training_config(self):
        """The TrainConfig the current inputs describe."""
        def auto(value: float) -> Any:
            return value if value > 0 else None

        values = dict(
            backbone=self.backbone_name(),
            strategy=self.strategy_combo.currentData(),
            pretrained=self.pretrained_check.isEnabled() and self.pretrained_check.isChecked(),
            epochs=auto(self.epochs_spin.value()),
            batch_size=auto(self.batch_spin.value()),
            learning_rate=auto(self.lr_spin.value()),
            image_size=auto(self.size_spin.value()),
            val_fraction=self.val_spin.value() / 100.0,
            seed=self.seed_spin.value(),
            device=self.device_combo.currentData() or "auto",
            augment=self.augment_check.isChecked(),
            feature_views=self.views_spin.value(),
            label_smoothing=self.smoothing_spin.value(),
            class_weighting=self.weighting_combo.currentData(),
            schedule=self.schedule_combo.currentData(),
            early_stopping=auto(self.early_spin.value()),
        )
        known = {f.name for f in fields(TrainConfig)}
        return TrainConfig(**{k: v for k, v in values.items() if k in known})

    def start_training(self, resume: CheckpointSummary | None = None) -> bool:
        """Start training with the current inputs (or continue the checkpointed training
        `resume`, with its own settings); False (and a reason shown) if it cannot."""
        if self.is_training():
            return False
        if self._scan_result is None:
            self._show_error("Scan a dataset folder first (choose one, drop one, or create the demo data).")
            return False
        if self.confirm_start is not None and not self.confirm_start():
            return False
        try:
            config = resume.config if resume is not None else self.training_config()
            config = replace(
                config, checkpoint=str(checkpoint_path()), checkpoint_every=CHECKPOINT_EVERY
            )
        except Exception as exc:  # noqa: BLE001 - a bad combination of inputs
            self._show_error(f"These settings cannot be used: {exc}")
            return False
        self._resume_after_scan = None
        if resume is None:
            self.forget_checkpoint()  # a new training replaces the unfinished one
            self._save_settings()
        self.resume_banner.hide()
        self._clear_run_display()
        verb = "Resuming" if resume is not None else "Training"
        self._log(f"{verb} {config.backbone} on {self._scan_result.index.root}")
        worker = TrainWorker(config, self._scan_result.index, cache=self._cache,
                             resume=resume.path if resume is not None else None)  # fmt: skip
        worker.eventEmitted.connect(self._on_train_event_emitted)
        worker.fitted.connect(self._on_train_fitted)
        worker.failed.connect(self._on_train_failed)
        worker.finished.connect(self._on_train_finished)
        self._train_worker = worker
        # Everything alive now outlives the fit: keep it out of the cyclic GC's full passes, which
        # would otherwise run on the training thread holding the GIL (measured 200-350 ms with
        # a few pages and models around), freezing the UI thread. Undone when the fit ends.
        gc.freeze()
        self._jobs.start(worker)
        self._set_training_ui(True)
        self.status_label.setText("Preparing…")
        self.progress_bar.setRange(0, 0)
        self.trainingStarted.emit()
        return True

    def cancel_training(self) -> None:
        if self._train_worker is not None:
            self._train_worker.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling… (the best model so far is kept)")

    def cancel_and_wait(self, timeout_ms: int = 10000) -> bool:
        """Cancel every job of this page and wait for their threads; True when all have ended.
        The workers' last signals (the final result) are delivered meanwhile."""
        self.cancel_training()  # also says so on the page
        self._jobs.cancel_all()
        return self._jobs.wait(timeout_ms)

    # =========================================================================================
    # Dataset
    # =========================================================================================

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if not self.is_training() and self._dropped_folder(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        folder = self._dropped_folder(event.mimeData())
        if folder is None or self.is_training():
            event.ignore()
            return
        event.acceptProposedAction()
        self.scan(folder)

    @staticmethod
    def _dropped_folder(mime) -> Path | None:
        """The first local folder among the dropped URLs (a dropped file means its folder's parent
        is not what the user meant, so files are not accepted)."""
        if mime is None:
            return None
        for url in mime.urls():
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if path.is_dir():
                    return path
        return None

    @Slot()
    def _on_folder_edit_return_pressed(self) -> None:
        text = self.folder_edit.text().strip()
        if text:
            self.scan(text)

    @Slot()
    def _on_choose_button_clicked(self) -> None:
        start = self.folder_edit.text().strip() or str(self._setting("folders/dataset", str(Path.home())))
        folder = QFileDialog.getExistingDirectory(self, "Choose a dataset folder (one subfolder per class)", start)
        if folder:
            self.scan(folder)

    @Slot()
    def _on_demo_button_clicked(self) -> None:
        start = str(self._setting("folders/dataset", str(Path.home())))
        folder = QFileDialog.getExistingDirectory(
            self, "Choose an empty folder for the demo dataset", start
        )
        if folder:
            self.create_demo_dataset(folder)

    def create_demo_dataset(self, folder: str | Path) -> None:
        """Generate the demo data in `folder` (or in a new subfolder when it is not empty), then scan it."""
        target = Path(folder)
        if target.is_dir() and any(target.iterdir()):
            target = target / DEMO_SUBFOLDER
            suffix = 2
            while target.exists():
                target = target.parent / f"{DEMO_SUBFOLDER}-{suffix}"
                suffix += 1
        self.dataset_summary.setText(f"Writing demo images into {target}…")
        self.demo_button.setEnabled(False)
        worker = CallWorker(make_demo_dataset, target, description="Creating the demo dataset")
        worker.succeeded.connect(self._on_demo_succeeded)
        worker.failed.connect(self._on_demo_failed)
        self._jobs.start(worker)

    @Slot(object)
    def _on_demo_succeeded(self, root: object) -> None:
        self.demo_button.setEnabled(not self.is_training())
        self._log(f"Demo dataset written to {root}")
        self.scan(Path(str(root)))

    @Slot(str)
    def _on_demo_failed(self, message: str) -> None:
        self.demo_button.setEnabled(not self.is_training())
        self.dataset_summary.setText("No dataset yet.")
        QMessageBox.warning(self, "Demo dataset", message)

    @Slot()
    def _on_scan_cancel_button_clicked(self) -> None:
        if self._scan_worker is not None:
            self._scan_worker.cancel()

    @Slot(int, int)
    def _on_scan_progressed(self, done: int, total: int) -> None:
        self.scan_progress.setRange(0, max(total, 1))
        self.scan_progress.setValue(done)

    @Slot(object)
    def _on_scan_scanned(self, result: object) -> None:
        if self._pending_scan is None:  # else it was cancelled in favour of another folder
            self.show_scan_result(result)

    def show_scan_result(self, result) -> None:
        self._scan_result = result
        index = result.index
        counts = index.counts()
        self.class_table.set_counts(counts)
        root = Path(index.root)
        self.problems_table.setRowCount(len(result.problems))
        for row, problem in enumerate(result.problems):
            path = Path(problem.path)
            try:
                shown = str(path.relative_to(root))
            except ValueError:
                shown = str(path)
            file_item = QTableWidgetItem(shown)
            file_item.setToolTip(str(path))
            reason_item = QTableWidgetItem(problem.reason)
            reason_item.setToolTip(problem.reason)
            self.problems_table.setItem(row, 0, file_item)
            self.problems_table.setItem(row, 1, reason_item)
        self.warnings_list.clear()
        self.warnings_list.addItems(list(result.warnings))
        self._update_tab_titles()
        total = sum(counts.values())
        parts = [f"<b>{len(index.class_names)} classes</b>", f"{total:,} images"]
        if index.val_samples:
            parts.append(f"predefined validation split ({len(index.val_samples):,} images)")
        if result.problems:
            parts.append(f"<span style='color:#c62828'>{len(result.problems)} unreadable</span>")
        if result.warnings:
            parts.append(f"<span style='color:#b35c00'>{len(result.warnings)} warning(s)</span>")
        if result.ignored:
            parts.append(f"{result.ignored_file_count()} ignored")
        self.dataset_summary.setText(" · ".join(parts))
        self.dataset_summary.setToolTip(str(root))
        if result.warnings:
            self.dataset_tabs.setCurrentWidget(self.warnings_list)
        elif result.problems:
            self.dataset_tabs.setCurrentWidget(self.problems_table)
        else:
            self.dataset_tabs.setCurrentWidget(self.class_table)
        self._set_setting("folders/dataset", str(root))
        self.status_label.setText("Ready to train.")
        self.error_label.hide()
        self.scanFinished.emit(result)
        self._schedule_plan()
        resume, self._resume_after_scan = self._resume_after_scan, None
        if resume is not None:
            if _same_folder(resume.data_root, index.root):
                self.start_training(resume)
            else:  # another folder was scanned meanwhile: offer it again
                self.offer_interrupted_training()

    def _update_tab_titles(self) -> None:
        problems = self.problems_table.rowCount()
        warnings = self.warnings_list.count()
        self.dataset_tabs.setTabText(1, f"Problems ({problems})" if problems else "Problems")
        self.dataset_tabs.setTabText(2, f"Warnings ({warnings})" if warnings else "Warnings")

    @Slot(str)
    def _on_scan_failed(self, message: str) -> None:
        if self._pending_scan is not None:
            return
        if self._resume_after_scan is not None:
            self._resume_after_scan = None
            self.offer_interrupted_training()
        self.dataset_summary.setText(message)
        if message != "Scan cancelled.":
            self._show_error(message)

    @Slot()
    def _on_scan_finished(self) -> None:
        self._scan_worker = None
        self.scan_progress.hide()
        self.scan_cancel_button.hide()
        self._update_start_enabled()
        if self._pending_scan is not None and not self._closing:
            self.scan(self._pending_scan)

    # =========================================================================================
    # Backbone and weights
    # =========================================================================================

    @Slot()
    def _on_backbone_changed(self) -> None:
        spec = backbones.get_spec(self.backbone_name())
        cached = spec.weights is not None and backbones.weights_cached(spec.name)
        if spec.weights is None:
            weights = "no pretrained weights exist"
        elif cached:
            weights = "<span style='color:#13a38a'>pretrained weights cached here</span>"
        else:
            weights = "<span style='color:#b35c00'>pretrained weights not on this computer</span>"
        self.backbone_info.setText(
            f"{spec.family} · {_format_params(spec.params)} parameters · "
            f"{spec.gmacs:.2f} GMACs at {spec.default_size} px<br>{weights}"
        )
        self.pretrained_check.blockSignals(True)
        self.pretrained_check.setEnabled(cached and not self.is_training())
        self.pretrained_check.setChecked(cached)
        self.pretrained_check.blockSignals(False)
        if spec.weights is None:
            note = f"{spec.display_name} has no ImageNet weights; it trains from scratch."
        elif cached:
            note = "Starts from ImageNet features: far better with few images."
        else:
            note = (
                f"Unavailable: the ImageNet weights for {spec.display_name} are not cached here. "
                "Download them (needs internet) or import a weights file; until then the model "
                "trains from scratch."
            )
        self.pretrained_note.setText(note)
        self.pretrained_check.setToolTip(note)
        self.download_button.setEnabled(spec.weights is not None and not cached and not self.is_training())
        self.import_button.setEnabled(spec.weights is not None and not self.is_training())
        self._on_strategy_changed()

    @Slot(bool)
    def _on_pretrained_check_toggled(self, _checked: bool) -> None:
        self._on_strategy_changed()

    @Slot()
    def _on_import_button_clicked(self) -> None:
        spec = backbones.get_spec(self.backbone_name())
        path, _ = QFileDialog.getOpenFileName(
            self,
            f"Import ImageNet weights for {spec.display_name}",
            str(Path.home()),
            "Weights (*.pth *.pt *.safetensors);;All files (*)",
        )
        if path:
            self.import_weights_file(path)

    def import_weights_file(self, path: str | Path) -> None:
        spec = backbones.get_spec(self.backbone_name())
        worker = CallWorker(
            backbones.import_weights, spec.name, Path(path), description="Importing weights"
        )
        self._run_weights_job(worker, f"Checking and importing {Path(path).name}…", cancellable=False)

    @Slot()
    def _on_download_button_clicked(self) -> None:
        spec = backbones.get_spec(self.backbone_name())
        worker = CallWorker(
            backbones.download_weights, spec.name, description="Downloading weights", with_progress=True
        )
        self._run_weights_job(worker, f"Downloading ImageNet weights for {spec.display_name}…", cancellable=True)

    def _run_weights_job(self, worker: CallWorker, text: str, cancellable: bool) -> None:
        dialog = QProgressDialog(text, "Cancel" if cancellable else "", 0, 0, self)
        dialog.setWindowTitle("Pretrained weights")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self._on_weights_dialog_canceled)
        worker.progressed.connect(self._on_weights_progressed)
        worker.succeeded.connect(self._on_weights_succeeded)
        worker.failed.connect(self._on_weights_failed)
        self._weights_dialog = dialog
        self._weights_worker = worker
        self.import_button.setEnabled(False)
        self.download_button.setEnabled(False)
        self._jobs.start(worker)
        dialog.show()

    @Slot(int, int)
    def _on_weights_progressed(self, done: int, total: int) -> None:
        dialog = self._weights_dialog
        if dialog is None:
            return
        if total > 0:
            dialog.setRange(0, total)
            dialog.setValue(min(done, total))
            dialog.setLabelText(f"Downloading… {done / 2**20:.1f} of {total / 2**20:.1f} MiB")
        else:
            dialog.setLabelText(f"Downloading… {done / 2**20:.1f} MiB")

    @Slot()
    def _on_weights_dialog_canceled(self) -> None:
        if self._weights_worker is not None:
            self._weights_worker.cancel()

    def _close_weights_dialog(self) -> None:
        self._weights_worker = None
        dialog = self._weights_dialog
        if dialog is not None:
            self._weights_dialog = None
            dialog.reset()
            dialog.close()
            dialog.deleteLater()

    @Slot(object)
    def _on_weights_succeeded(self, path: object) -> None:
        self._close_weights_dialog()
        self._log(f"Pretrained weights ready: {path}")
        self._on_backbone_changed()

    @Slot(str)
    def _on_weights_failed(self, message: str) -> None:
        self._close_weights_dialog()
        self._on_backbone_changed()
        QMessageBox.warning(self, "Pretrained weights", message)

    # =========================================================================================
    # Strategy and automatic defaults
    # =========================================================================================

    @Slot()
    def _on_strategy_changed(self) -> None:
        key = self.strategy_combo.currentData()
        explanation = next((text for k, _label, text in STRATEGIES if k == key), "")
        pretrained = self.pretrained_check.isEnabled() and self.pretrained_check.isChecked()
        if key in FROZEN_STRATEGIES and not pretrained:
            explanation += (
                " Without pretrained weights the frozen features are random: choose Full or Automatic."
            )
        self.strategy_note.setText(explanation)
        self._on_setting_changed()

    @Slot()
    def _on_setting_changed(self) -> None:
        self._schedule_plan()

    def _schedule_plan(self) -> None:
        if self._scan_result is not None and not self.is_training():
            self._plan_timer.start()

    @Slot()
    def _on_plan_timer_timeout(self) -> None:
        self.refresh_plan()

    def refresh_plan(self) -> FitPlan | None:
        """Ask the Trainer what it would do (no training) and show its automatic values."""
        if self._scan_result is None:
            return None
        try:
            plan = Trainer(self.training_config(), self._scan_result.index, cache=self._cache).plan()
        except Exception as exc:  # noqa: BLE001 - shown, never raised from a timer
            self._plan = None
            self.plan_label.setText(f"Cannot plan with these settings: {exc}")
            for spin in (self.epochs_spin, self.batch_spin, self.lr_spin, self.size_spin):
                spin.setSpecialValueText("Auto")
            return None
        self._plan = plan
        self.epochs_spin.setSpecialValueText(f"Auto ({plan.epochs})")
        self.batch_spin.setSpecialValueText(f"Auto ({plan.batch_size})")
        self.lr_spin.setSpecialValueText(f"Auto ({plan.learning_rate:.2g})")
        self.size_spin.setSpecialValueText(f"Auto ({plan.image_size} px)")
        stages = " → ".join(plan.stages) if plan.stages else plan.strategy
        text = (
            f"Plan: {stages} on {plan.device_name} ({plan.precision}), "
            f"{plan.num_train:,} training / {plan.num_val:,} validation images"
        )
        if plan.small_input:
            text += ", small-image stem"
        self.plan_label.setText("\n".join([text, *(f"• {note}" for note in plan.notes)]))
        return plan

    # =========================================================================================
    # Training
    # =========================================================================================

    @Slot()
    def _on_start_button_clicked(self) -> None:
        self.start_training()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.cancel_training()

    @Slot(bool)
    def _on_advanced_button_toggled(self, shown: bool) -> None:
        self.advanced_box.setVisible(shown)
        self.advanced_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _inputs(self) -> list[QWidget]:
        return [
            self.folder_edit, self.choose_button, self.demo_button, self.backbone_combo,
            self.strategy_combo, self.epochs_spin, self.batch_spin, self.lr_spin, self.size_spin,
            self.val_spin, self.augment_check, self.device_combo, self.advanced_box,
        ]  # fmt: skip

    def _set_training_ui(self, training: bool) -> None:
        for widget in self._inputs():
            widget.setEnabled(not training)
        self.setAcceptDrops(not training)
        self.cancel_button.setEnabled(training)
        if training:
            self.pretrained_check.setEnabled(False)
            self.import_button.setEnabled(False)
            self.download_button.setEnabled(False)
        else:
            self._on_backbone_changed()
        self._update_start_enabled()

    def _update_start_enabled(self) -> None:
        self.start_button.setEnabled(
            self._scan_result is not None and not self.is_training() and self._scan_worker is None
        )

    def _clear_run_display(self) -> None:
        self.live_plot.clear()
        if self._plan is not None:
            self.live_plot.set_planned_epochs(self._plan.epochs)
        self.log_view.clear()
        self._log_buffer.clear()
        self.error_label.hide()
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("")
        self.detail_label.setText(" ")
        self._last_batch = None
        self._fit_ended = None
        self.last_result = None
        self._total_epochs = 0
        self._fit_started_at = time.monotonic()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _log(self, message: str) -> None:
        """Lines are buffered and appended a few times a second (one repaint per flush)."""
        self._log_buffer.append(f"{time.strftime('%H:%M:%S')}  {message}")
        if not self._log_timer.isActive():
            self._log_timer.start()

    @Slot()
    def _on_log_timer_timeout(self) -> None:
        self.flush_log()

    def flush_log(self) -> None:
        if self._log_buffer:
            self.log_view.appendPlainText("\n".join(self._log_buffer))
            self._log_buffer.clear()

    @Slot(object)
    def _on_train_event_emitted(self, event: object) -> None:
        handler = self._event_handlers.get(type(event))
        if handler is not None:
            handler(event)

    def _handle_fit_started(self, event: FitStarted) -> None:
        plan = event.plan
        self._plan = plan
        self._total_epochs = plan.epochs
        self._fit_started_at = time.monotonic()
        self.live_plot.set_planned_epochs(plan.epochs)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        stages = " → ".join(plan.stages) if plan.stages else plan.strategy
        self._log(
            f"{plan.backbone} ({'pretrained' if plan.pretrained else 'from scratch'}), {stages}, "
            f"{plan.epochs} epochs, batch {plan.batch_size}, lr {plan.learning_rate:.2g}, "
            f"{plan.image_size} px on {plan.device_name} ({plan.precision}); "
            f"{plan.num_train} train / {plan.num_val} val images"
        )
        self.status_label.setText(f"Training {plan.backbone} on {plan.device_name}…")

    def _handle_stage_started(self, event: StageStarted) -> None:
        self.live_plot.add_stage(event)
        self._log(event.message or f"Stage '{event.stage}' ({event.epochs} epochs)")
        if event.stage == "features":
            self.status_label.setText("Computing backbone features once…")

    def _handle_feature_pass(self, event: FeaturePassProgressed) -> None:
        if event.total:
            self.progress_bar.setFormat(f"Features {event.done:,} / {event.total:,}")
            self.progress_bar.setValue(round(1000 * event.done / event.total))

    def _handle_batch_ended(self, event: BatchEnded) -> None:
        # Cheap bookkeeping only; the widgets are refreshed by _status_timer a few times a second.
        self.live_plot.add_batch(event)
        self._last_batch = event
        if not self._status_timer.isActive():
            self._status_timer.start()

    @Slot()
    def _on_status_timer_timeout(self) -> None:
        event = self._last_batch
        if event is None or not self.is_training():
            return
        epochs = max(self._total_epochs, event.epoch, 1)
        fraction = min(1.0, ((event.epoch - 1) + event.batch / max(1, event.batches)) / epochs)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(round(1000 * fraction))
        elapsed = time.monotonic() - self._fit_started_at
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else math.nan
        self.progress_bar.setFormat(f"Epoch {event.epoch}/{epochs} · batch {event.batch}/{event.batches}")
        self.status_label.setText(
            f"Epoch {event.epoch} of {epochs} · ETA {_format_duration(eta)} · "
            f"{event.images_per_second:,.0f} images/s"
        )
        self.detail_label.setText(f"loss {event.loss:.4f} · learning rate {event.learning_rate:.3g}")

    def _handle_epoch_ended(self, event: EpochEnded) -> None:
        self.live_plot.add_epoch(event)
        self._total_epochs = max(self._total_epochs, event.epochs)
        best = "  ★ best" if event.is_best else ""
        self._log(
            f"epoch {event.epoch}/{event.epochs} [{event.stage}] train loss {event.train_loss:.4f} "
            f"acc {100 * event.train_accuracy:.1f}% · val loss {event.val_loss:.4f} "
            f"acc {100 * event.val_accuracy:.1f}% · {event.seconds:.1f}s, "
            f"{event.images_per_second:,.0f} img/s{best}"
        )

    def _handle_logged(self, event: Logged) -> None:
        prefix = {"warning": "warning: ", "error": "error: "}.get(event.level, "")
        self._log(prefix + event.message)

    def _handle_fit_ended(self, event: FitEnded) -> None:
        self._fit_ended = event
        self._status_timer.stop()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setFormat(
            {"finished": "Done", "cancelled": "Cancelled", "failed": "Failed"}.get(event.outcome, "")
        )
        summary = {
            "finished": "Finished",
            "cancelled": "Cancelled",
            "failed": "Failed",
        }.get(event.outcome, event.outcome)
        if event.best_val_accuracy is not None:
            summary += (
                f" · best validation accuracy {100 * event.best_val_accuracy:.1f}% "
                f"(epoch {event.best_epoch})"
            )
        summary += f" · {event.epochs_completed} epoch(s) in {_format_duration(event.seconds)}"
        self.status_label.setText(summary)
        self._log(summary + (f": {event.message}" if event.message else ""))
        if event.outcome == "finished":
            self.progress_bar.setValue(1000)
        if event.outcome == "failed" and event.message:
            self._show_error(event.message)

    @property
    def outcome(self) -> str | None:
        """The last fit's outcome ("finished", "cancelled", "failed"), None before one ended."""
        if self.last_result is not None:
            return self.last_result.outcome
        return self._fit_ended.outcome if self._fit_ended is not None else None

    @Slot(object)
    def _on_train_fitted(self, result: object) -> None:
        self.last_result = result
        if self._fit_ended is None:  # a trainer that did not report its end: say it here
            self._handle_fit_ended(FitEnded(outcome=result.outcome, message=result.message))
        if result.outcome == "failed":
            self._show_error(result.message or "Training failed.")

    @Slot(str)
    def _on_train_failed(self, message: str) -> None:
        self.status_label.setText("Training could not run.")
        self._log("error: " + message)
        self._show_error(message)

    @Slot()
    def _on_train_finished(self) -> None:
        """The worker's last signal: back to idle, then hand a usable result on."""
        self._train_worker = None
        gc.unfreeze()
        self.progress_bar.setRange(0, 1000)
        self._set_training_ui(False)
        self.flush_log()
        result = self.last_result
        if result is None or result.outcome == "failed":
            self.forget_checkpoint()  # resuming would meet the same failure
        if (
            result is not None
            and getattr(result, "model", None) is not None
            and result.outcome in ("finished", "cancelled")
        ):
            self.trainingFinished.emit(result)

    # =========================================================================================
    # An interrupted training
    # =========================================================================================

    def interrupted_training(self) -> CheckpointSummary | None:
        """The training whose checkpoint the app still keeps (its model was never saved)."""
        path = checkpoint_path()
        if not path.is_file():
            return None
        try:
            return read_checkpoint_summary(path)
        except ResumeError as exc:
            self._log(f"warning: {exc}")
            return None

    def offer_interrupted_training(self) -> None:
        """Show the banner offering to resume the kept training, if there is one."""
        summary = None if self.is_training() else self.interrupted_training()
        if summary is None:
            self.resume_banner.hide()
            return
        spec = backbones.get_spec(summary.config.backbone)
        when = "earlier"
        if summary.saved_at is not None:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.saved_at))
        best = (f", best validation accuracy {100 * summary.best_accuracy:.1f}%"
                if summary.best_accuracy is not None else "")  # fmt: skip
        self.resume_label.setText(
            f"A training did not finish: {spec.display_name} on {summary.data_root}, "
            f"{summary.epoch} of {summary.total_epochs} epochs done{best} ({when}). Resume it "
            "from there, or discard it; a new training replaces it."
        )
        self.resume_button.setEnabled(True)
        self.discard_checkpoint_button.setEnabled(True)
        self.resume_banner.show()

    def resume_interrupted_training(self) -> bool:
        """Scan the interrupted training's folder again, then continue it; False if it cannot."""
        summary = self.interrupted_training()
        if summary is None or self.is_training():
            self.resume_banner.hide()
            return False
        root = Path(summary.data_root)
        if not root.is_dir():
            self._show_error(
                f"The folder this training used, {root}, is not there any more. Put it back to "
                "resume, or discard the unfinished training."
            )
            return False
        self._resume_after_scan = summary
        self.resume_button.setEnabled(False)
        self.discard_checkpoint_button.setEnabled(False)
        self.scan(root)
        return True

    def forget_checkpoint(self) -> None:
        """Delete the kept checkpoint (its model was saved or discarded, or it is replaced).
        Not while a training runs or is about to resume: the checkpoint is that training's."""
        if self.is_training() or self._resume_after_scan is not None:
            return
        try:
            checkpoint_path().unlink(missing_ok=True)
        except OSError as exc:
            self._log(f"warning: could not delete {checkpoint_path()}: {exc.strerror or exc}")
        self.resume_banner.hide()

    @Slot()
    def _on_resume_button_clicked(self) -> None:
        self.resume_interrupted_training()

    @Slot()
    def _on_discard_checkpoint_button_clicked(self) -> None:
        self.forget_checkpoint()

    # =========================================================================================
    # Closing
    # =========================================================================================

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._closing = True
        self.cancel_and_wait()
        self._closing = False
        super().closeEvent(event)
