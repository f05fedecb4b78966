"""The Train page: pick (or drop, or generate) a dataset folder, pick a backbone and settings,
train with live plots, and hand the result to the Results page.

This module only lays the page out and wires it: the panels (dataset, backbone, settings form,
run monitor, resume banner) show things and say what the person asked for; the
`TrainController` runs the jobs (scan, training, weights, demo data) off the UI thread and
keeps the state that outlives a click (the scanned dataset, the training to resume).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core import backbones, resume
from core.training import CheckpointSummary, TrainConfig

from ..text import plain_download_error, run_backbone_name, translated_plan
from .assist import TrainAssistant
from .backbone_panel import BackbonePanelWidget
from .controller import TrainController, kept_to_resume, usable_result
from .dataset_panel import DatasetPanelWidget, FolderDropTarget
from .form_sync import show_training
from .remembered import RememberedChoices
from .resume_banner import ResumeBannerWidget
from .run_monitor import RunMonitorWidget
from .settings_form import SettingsFormWidget


class TrainPage(QWidget):
    """Dataset, backbone and settings on the left; progress, live plots and a log on the right.

    Panels: `resume_banner`, `dataset_panel`, `backbone_panel`, `settings_form` (left, in a
    scroll area, with `start_button` and `cancel_button` underneath) and `run_monitor` (right).
    """

    trainingFinished = Signal(object)  # FitResult with a model (finished, or cancelled after an epoch)
    trainingStarted = Signal()
    scanFinished = Signal(object)  # ScanResult
    resumeOfferChanged = Signal(str)  # what the unfinished training was ("": none on offer)

    def __init__(self, settings: Any = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trainPage")
        # A QSettings, or the app's Settings wrapper (which has one), or None.
        self._remembered = RememberedChoices(getattr(settings, "qsettings", settings))
        # Asked before a training starts; False keeps it from starting (the main window asks
        # whether to save a trained model that the new one would replace).
        self.confirm_start: Callable[[], bool] | None = None
        self.controller = TrainController(self)
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(250)
        self._plan_timer.timeout.connect(self._on_plan_timer_timeout)

        self._build_ui()
        self.drop_target = FolderDropTarget(self)  # a dataset folder may be dropped anywhere
        self._connect_panels()
        self._connect_controller()
        folder = self._remembered.restore(self.backbone_panel, self.settings_form, self.dataset_panel)
        self._set_training_ui(False)  # shows the backbone, its weights and the strategy note
        self.offer_interrupted_training()
        self._remembered_folder = folder  # scanned again as soon as the window is up
        QTimer.singleShot(0, self, self._on_startup_timer_timeout)

    # -- layout ----------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(splitter)
        splitter.addWidget(self._build_left())
        self.run_monitor = RunMonitorWidget()
        splitter.addWidget(self.run_monitor)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([470, 800])

    def _build_left(self) -> QWidget:
        """The settings in a scroll area; Start and Cancel always visible underneath."""
        self.resume_banner = ResumeBannerWidget()
        self.dataset_panel = DatasetPanelWidget()
        self.backbone_panel = BackbonePanelWidget()
        self.settings_form = SettingsFormWidget()
        form_host = QWidget()
        form_layout = QVBoxLayout(form_host)
        form_layout.setContentsMargins(0, 0, 6, 0)
        for panel in (self.resume_banner, self.dataset_panel, self.backbone_panel, self.settings_form):
            form_layout.addWidget(panel)
        form_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(form_host)

        self.start_button = QPushButton(self.tr("Start training"))
        self.start_button.setObjectName("primaryButton")
        self.start_button.setDefault(True)
        self.start_button.setMinimumHeight(34)
        self.start_button.setToolTip(self.tr("Train the chosen backbone on the scanned dataset (Ctrl+Return)"))
        self.start_button.setShortcut("Ctrl+Return")
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setMinimumHeight(34)
        self.cancel_button.setToolTip(self.tr("Stop after the current batch and keep the best model so far"))
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button, 2)
        buttons.addWidget(self.cancel_button, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(scroll, 1)
        left_layout.addLayout(buttons)
        left.setMinimumWidth(430)
        return left

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(1200, 760)

    def _connect_panels(self) -> None:
        self.drop_target.folderDropped.connect(self.scan)
        self.resume_banner.offerChanged.connect(self.resumeOfferChanged)
        self.resume_banner.resumeRequested.connect(self._on_resume_requested)
        self.resume_banner.discardRequested.connect(self._on_discard_requested)
        self.dataset_panel.scanRequested.connect(self._on_scan_requested)
        self.dataset_panel.demoRequested.connect(self._on_demo_requested)
        self.dataset_panel.scanCancelRequested.connect(self.controller.cancel_scan)
        self.backbone_panel.changed.connect(self._on_backbone_changed)
        self.backbone_panel.importRequested.connect(self.import_weights_file)
        self.backbone_panel.downloadRequested.connect(self._on_download_requested)
        self.backbone_panel.weightsCancelRequested.connect(self.controller.cancel_weights)
        self.settings_form.changed.connect(self._schedule_plan)
        self.settings_form.lrFindRequested.connect(self._on_lr_find_requested)
        self.assistant = TrainAssistant(self)
        self.assistant.learningRateChosen.connect(self.settings_form.lr_spin.setValue)
        self.assistant.downloadRequested.connect(self._on_download_requested)
        self.assistant.said.connect(self.run_monitor.log)

    def _connect_controller(self) -> None:
        c = self.controller
        c.scanStarted.connect(self.dataset_panel.show_scanning)
        c.scanStarted.connect(self._on_scan_started)
        c.fitPlanned.connect(lambda plan: self.settings_form.show_plan(translated_plan(plan)))  # resumed too
        c.scanProgressed.connect(self.dataset_panel.show_scan_progress)
        c.scanned.connect(self._on_scanned)
        c.scanFailed.connect(self._on_scan_failed)
        c.scanEnded.connect(self._on_scan_ended)
        c.resumeReady.connect(self._on_resume_ready)
        c.resumeDropped.connect(self.offer_interrupted_training)
        c.eventEmitted.connect(self.run_monitor.show_event)
        c.fitted.connect(self._on_fitted)
        c.trainFailed.connect(self._on_train_failed)
        c.trainEnded.connect(self._on_train_ended)
        c.weightsProgressed.connect(self.backbone_panel.show_weights_progress)
        c.weightsReady.connect(self._on_weights_ready)
        c.weightsFailed.connect(self._on_weights_failed)
        c.demoWritten.connect(self._on_demo_written)
        c.demoFailed.connect(self._on_demo_failed)
        c.logged.connect(self.run_monitor.log)

    # -- the public interface (main window, tests) ----------------------------------------------------
    def backbone_name(self) -> str:
        return self.backbone_panel.backbone_name()

    def set_backbone(self, name: str) -> None:
        self.backbone_panel.set_backbone(name)

    def is_training(self) -> bool:
        """True from Start until the training job has delivered its result."""
        return self.controller.is_training()

    def is_scanning(self) -> bool:
        return self.controller.is_scanning()

    @property
    def scan_result(self):
        return self.controller.scan_result

    @property
    def last_result(self):
        return self.controller.last_result

    @property
    def outcome(self) -> str | None:
        """The last fit's outcome ("finished", "cancelled", "failed"), None before one ended."""
        return self.controller.outcome

    def scan(self, folder: str | Path) -> None:
        """Scan `folder` in the background (a running scan is cancelled first)."""
        if self.controller.scan(folder):
            self._update_start_enabled()

    def create_demo_dataset(self, folder: str | Path) -> None:
        """Generate the demo data in `folder` (or in a new subfolder when it is not empty), then
        scan it."""
        self.dataset_panel.show_writing_demo(self.controller.create_demo_dataset(folder))

    @Slot(str)
    def import_weights_file(self, path: str | Path) -> None:
        self.controller.import_weights(self.backbone_panel.weights_backbone(), path)
        self.backbone_panel.open_weights_dialog(
            self.tr("Checking and importing {name}…").format(name=Path(path).name), cancellable=False
        )

    def training_config(self) -> TrainConfig:
        """The TrainConfig the current inputs describe."""
        values = dict(
            backbone=self.backbone_name(),
            pretrained=self.backbone_panel.pretrained(),
            **self.settings_form.values(),
        )
        known = {f.name for f in fields(TrainConfig)}
        return TrainConfig(**{k: v for k, v in values.items() if k in known})

    def refresh_plan(self):
        """Ask the Trainer what it would do (no training) and show its automatic values."""
        if self.controller.scan_result is None:
            return None
        try:
            plan = self.controller.make_plan(self.training_config())
        except Exception as exc:  # noqa: BLE001 - shown, never raised from a timer
            self.controller.plan = None
            self.settings_form.show_plan_problem(exc)
            return None
        self.settings_form.show_plan(translated_plan(plan))  # core's notes in the user's language
        return plan

    def start_training(self, resume_from: CheckpointSummary | None = None) -> bool:
        """Start training with the current inputs (or continue the checkpointed training
        `resume_from`, with its own settings); False (and a reason shown) if it cannot."""
        if self.is_training():
            return False
        if self.controller.scan_result is None:
            self.run_monitor.show_error(
                self.tr("Scan a dataset folder first (choose one, drop one, or create the demo data).")
            )
            return False
        # A resumed training continues the model shown on Results: nothing to ask about.
        if resume_from is None and self.confirm_start is not None and not self.confirm_start():
            return False
        if resume_from is None and not self.assistant.before_start(self.training_config()):
            return False
        try:
            config = resume_from.config if resume_from is not None else self.training_config()
            config = self.controller.app_config(config)
        except Exception as exc:  # noqa: BLE001 - a bad combination of inputs
            self.run_monitor.show_error(self.tr("These settings cannot be used: {error}").format(error=exc))
            return False
        problem = self.controller.output_problem(config)  # a read-only or full disk: said now
        if problem is not None:
            self.run_monitor.show_error(problem)
            return False
        self.resume_banner.withdraw()
        if resume_from is None:
            self._remembered.save_choices(self.backbone_name(), self.settings_form.strategy(),
                                          self.settings_form.device())  # fmt: skip
            plan = self.controller.plan
            self.run_monitor.start_run(plan.epochs if plan is not None else None)
        else:  # its own settings, and the epochs it did before on the curves
            show_training(self.backbone_panel, self.settings_form, resume_from.config)
            self.run_monitor.start_run(resume_from.total_epochs, resume.history(resume_from))
        verb = self.tr("Resuming {backbone} on {folder}") if resume_from is not None else self.tr("Training {backbone} on {folder}")
        self.run_monitor.log(verb.format(backbone=run_backbone_name(config.backbone, self.controller.plan), folder=self.controller.scan_result.index.root))
        for note in self.assistant.take_notes():
            self.run_monitor.log(note)
        self.controller.start_training(config, resume_from)
        self._set_training_ui(True)
        self.run_monitor.show_preparing()
        self.trainingStarted.emit()
        return True

    def cancel_training(self) -> None:
        if self.controller.cancel_training():
            self.cancel_button.setEnabled(False)
            self.run_monitor.show_cancelling()

    def cancel_and_wait(self, timeout_ms: int = 10000) -> bool:
        """Cancel every job of this page and wait for their threads; True when all have ended.
        The jobs' last signals (the final result) are delivered meanwhile."""
        self.assistant.close_dialog()  # a learning-rate sweep stops too
        self.cancel_training()  # also says so on the page
        return self.controller.cancel_and_wait(timeout_ms)

    def flush_log(self) -> None:
        self.run_monitor.flush_log()

    # -- an interrupted training ----------------------------------------------------------------------
    @Slot()
    def offer_interrupted_training(self) -> None:
        """Show the banner offering to resume the kept training, if there is one."""
        summary = None if self.is_training() else self.controller.interrupted_training()
        if summary is None:
            self.resume_banner.withdraw()
        else:
            self.resume_banner.offer(resume.describe(summary))

    def resume_offer(self) -> str:
        """What the unfinished training on offer was, in a sentence ("" when none is)."""
        return self.resume_banner.offered()

    def resume_interrupted_training(self) -> bool:
        """Scan the interrupted training's folder again, then continue it; False if it cannot."""
        if self.controller.resume_pending():
            return True  # asked twice (the banner, the status bar): once is enough
        summary = None if self.is_training() else self.controller.interrupted_training()
        if summary is None:
            self.resume_banner.withdraw()
            return False
        problem = self.controller.resume_training(summary)
        if problem is not None:
            self.run_monitor.show_error(problem)
            return False
        self.resume_banner.set_busy(True)
        self._update_start_enabled()
        return True

    def forget_checkpoint(self) -> None:
        """Delete the kept checkpoint (its model was saved or discarded, or it is replaced).
        Not while a training runs or is about to resume: the checkpoint is that training's."""
        if self.controller.forget_checkpoint():
            self.resume_banner.withdraw()

    # -- the UI's state --------------------------------------------------------------------------------
    def _set_training_ui(self, training: bool) -> None:
        self.dataset_panel.set_training(training)
        self.settings_form.set_training(training)
        self.backbone_panel.set_training(training)
        self.cancel_button.setEnabled(training)
        self._update_start_enabled()

    def _update_start_enabled(self) -> None:
        """What may be done follows the controller's one state (`phase()`)."""
        phase = self.controller.phase()
        self.start_button.setEnabled(phase == "ready")
        self.drop_target.enabled = phase != "training"

    @Slot()
    def _schedule_plan(self) -> None:
        if self.controller.scan_result is not None and not self.is_training():
            self._plan_timer.start()

    @Slot()
    def _on_plan_timer_timeout(self) -> None:
        if not self.is_training():  # a run shows its own plan, not the form's
            self.refresh_plan()

    @Slot()
    def _on_startup_timer_timeout(self) -> None:
        folder, self._remembered_folder = self._remembered_folder, None
        if folder is not None and self.controller.phase() == "no_dataset" and not self.controller.resume_pending():
            self.scan(folder)

    # -- what the panels ask for -----------------------------------------------------------------------------
    @Slot()
    def _on_start_button_clicked(self) -> None:
        self.start_training()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.cancel_training()

    @Slot()
    def _on_resume_requested(self) -> None:
        self.resume_interrupted_training()

    @Slot()
    def _on_discard_requested(self) -> None:
        self.forget_checkpoint()

    @Slot(str)
    def _on_scan_requested(self, folder: str) -> None:
        self.scan(folder)

    @Slot(str)
    def _on_demo_requested(self, folder: str) -> None:
        self.create_demo_dataset(folder)

    @Slot()
    def _on_lr_find_requested(self) -> None:
        if self.controller.scan_result is None:
            self.run_monitor.show_error(self.tr("Scan a dataset folder first: the finder trains on it."))
            return
        self.assistant.find_learning_rate(self.training_config(), self.controller.scan_result.index)

    @Slot()
    def _on_download_requested(self) -> None:
        spec = backbones.get_spec(self.backbone_panel.weights_backbone())
        self.controller.download_weights(spec.name)
        self.backbone_panel.open_weights_dialog(
            self.tr("Downloading ImageNet weights for {backbone}…").format(backbone=spec.display_name), cancellable=True
        )

    @Slot()
    def _on_backbone_changed(self) -> None:
        self.settings_form.set_pretrained(self.backbone_panel.pretrained())

    # -- what the controller says ------------------------------------------------------------------------------
    @Slot(object)
    def _on_scan_started(self, folder: object) -> None:
        """Another dataset: what was shown about the last run no longer applies to it."""
        self.run_monitor.reset(self.tr("Scanning {folder}…").format(folder=folder))
        self._update_start_enabled()

    @Slot(object)
    def _on_scanned(self, result: object) -> None:
        self.dataset_panel.show_result(result)
        root = str(result.index.root)
        self._remembered.save_dataset(root)
        self.dataset_panel.start_folder = root
        self.run_monitor.set_status(self.tr("Ready to train."))
        self.run_monitor.hide_error()
        self.scanFinished.emit(result)
        self._schedule_plan()

    @Slot(str)
    def _on_scan_failed(self, message: str) -> None:
        self.dataset_panel.show_scan_failed()
        if message == "Scan cancelled.":
            self.run_monitor.set_status(self.tr("Scan stopped. Choose a dataset folder to begin."))
        else:  # said once, here
            self.run_monitor.set_status(self.tr("This folder cannot be used for training."))
            self.run_monitor.show_error(message)

    @Slot()
    def _on_scan_ended(self) -> None:
        self.dataset_panel.show_scan_ended()
        self._update_start_enabled()

    @Slot(object)
    def _on_resume_ready(self, summary: object) -> None:
        self.start_training(summary)

    @Slot(object)
    def _on_fitted(self, result: object) -> None:
        if result.outcome == "failed":
            self.run_monitor.show_error(result.message or self.tr("Training failed."))

    @Slot(str)
    def _on_train_failed(self, message: str) -> None:
        self.run_monitor.set_status(self.tr("Training could not run."))
        self.run_monitor.log(self.tr("error: {message}").format(message=message))
        self.run_monitor.show_error(message)

    @Slot(object)
    def _on_train_ended(self, result: object) -> None:
        """The training job's last signal: back to idle, then hand a usable result on."""
        self.run_monitor.end_run()
        self._set_training_ui(False)
        if kept_to_resume(result):  # cancelled, or stopped by a full disk
            self.offer_interrupted_training()  # Resume, right here
        if usable_result(result):
            self.trainingFinished.emit(result)

    @Slot(object)
    def _on_weights_ready(self, path: object) -> None:
        self.backbone_panel.close_weights_dialog()
        self.run_monitor.log(self.tr("Pretrained weights ready: {path}").format(path=path))
        self.backbone_panel.refresh()

    @Slot(str)
    def _on_weights_failed(self, message: str) -> None:
        self.backbone_panel.close_weights_dialog()
        self.backbone_panel.refresh()
        QMessageBox.warning(self, self.tr("Pretrained weights"), plain_download_error(message))

    @Slot(object)
    def _on_demo_written(self, root: object) -> None:
        self.dataset_panel.demo_button.setEnabled(not self.is_training())
        self.run_monitor.log(self.tr("Demo dataset written to {root}").format(root=root))
        self.scan(Path(str(root)))
        self.dataset_panel.show_note(self.tr("The demo images were written to {root}.").format(root=root))

    @Slot(str)
    def _on_demo_failed(self, message: str) -> None:
        self.dataset_panel.demo_button.setEnabled(not self.is_training())
        self.dataset_panel.dataset_summary.setText(self.tr("No dataset yet."))
        QMessageBox.warning(self, self.tr("Demo dataset"), message)

    # -- closing -----------------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.cancel_and_wait()
        super().closeEvent(event)
