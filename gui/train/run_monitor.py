"""The right half of the Train page: what the training is doing (status, progress, an error),
the live plots and the training log, all driven by core's typed events."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Slot
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.events import (
    BatchEnded,
    EpochEnded,
    FeaturePassProgressed,
    FitEnded,
    FitStarted,
    Logged,
    StageStarted,
)

from ..text import (
    display_name,
    format_duration,
    format_number,
    format_percent,
    render,
    without_resume_hint,
)
from ..widgets.live_plot import LivePlotWidget


def outcome_word(outcome: str) -> str:
    """The status line's first word for a fit's outcome."""
    words = {
        "finished": QCoreApplication.translate("RunMonitorWidget", "Finished"),
        "cancelled": QCoreApplication.translate("RunMonitorWidget", "Cancelled"),
        "failed": QCoreApplication.translate("RunMonitorWidget", "Failed"),
    }
    return words.get(outcome, outcome)


def outcome_bar(outcome: str) -> str:
    """The progress bar's text once a fit has ended."""
    words = {
        "finished": QCoreApplication.translate("RunMonitorWidget", "Done"),
        "cancelled": QCoreApplication.translate("RunMonitorWidget", "Cancelled"),
        "failed": QCoreApplication.translate("RunMonitorWidget", "Failed"),
    }
    return words.get(outcome, "")


class RunMonitorWidget(QWidget):
    """Status line, progress bar, detail line, error box, live plots and log.

    `show_event(event)` takes every core event; the widgets that change on every batch are
    refreshed by a timer a few times a second, and log lines are appended in batches, so a fast
    training never keeps the UI thread busy."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._running = False
        self._fit_started_at = 0.0
        self._total_epochs = 0
        self._last_batch: BatchEnded | None = None
        self._log_buffer: list[str] = []
        self._status_timer = self._timer(self._on_status_timer_timeout)
        self._log_timer = self._timer(self._on_log_timer_timeout)
        self._handlers = {
            FitStarted: self._show_fit_started,
            StageStarted: self._show_stage_started,
            FeaturePassProgressed: self._show_feature_pass,
            BatchEnded: self._show_batch_ended,
            EpochEnded: self._show_epoch_ended,
            Logged: self._show_logged,
            FitEnded: self._show_fit_ended,
        }
        self._build()

    def _timer(self, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(250)
        timer.timeout.connect(slot)
        return timer

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        # One-line labels with an ignored width: a changing text never re-lays out the page
        # (a relayout would repaint the plots too, on every progress update).
        self.status_label = QLabel(self.tr("Choose a dataset folder to begin."))
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
        for widget in (self.status_label, self.progress_bar, self.detail_label, self.error_label):
            layout.addWidget(widget)

        plots_and_log = QSplitter(Qt.Orientation.Vertical)
        plots_and_log.setChildrenCollapsible(False)
        self.live_plot = LivePlotWidget()
        plots_and_log.addWidget(self.live_plot)
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.log_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log_view.setPlaceholderText(self.tr("The training log appears here."))
        self.log_view.setMinimumHeight(90)
        plots_and_log.addWidget(self.log_view)
        plots_and_log.setStretchFactor(0, 3)
        plots_and_log.setStretchFactor(1, 1)
        layout.addWidget(plots_and_log, 1)

    # -- a run ---------------------------------------------------------------------------------
    def reset(self, status: str) -> None:
        """Nothing about a run any more (another dataset is coming): no plots, progress, detail
        or error; `status` says what is going on. The log stays."""
        self._status_timer.stop()
        self.live_plot.clear()
        self.error_label.hide()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("")
        self.detail_label.setText(" ")
        self._last_batch = None
        self._total_epochs = 0
        self.status_label.setText(status)

    def start_run(self, planned_epochs: int | None, history=()) -> None:
        """Clear the last run's plots, log, progress and error for a new one. `history`: the
        epochs a resumed run completed before (EpochEnded events), drawn from the start."""
        self.reset("")
        self.log_view.clear()
        self._log_buffer.clear()
        if planned_epochs is not None:
            self.live_plot.set_planned_epochs(planned_epochs)
        previous_stage = None
        for event in history:
            if previous_stage is not None and event.stage != previous_stage:
                self.live_plot.add_stage(StageStarted(stage=event.stage, epochs=event.epochs))
            previous_stage = event.stage
            self.live_plot.add_epoch(event)
        self._fit_started_at = time.monotonic()
        self._running = True

    def show_preparing(self) -> None:
        self.status_label.setText(self.tr("Preparing…"))
        self.progress_bar.setRange(0, 0)

    def show_cancelling(self) -> None:
        self.status_label.setText(self.tr("Cancelling… (the best model so far is kept)"))

    def end_run(self) -> None:
        self._running = False
        self.progress_bar.setRange(0, 1000)
        self.flush_log()

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def show_error(self, message: str) -> None:
        self.error_label.setText(render(message))  # a core message: in the user's language
        self.error_label.show()

    def hide_error(self) -> None:
        self.error_label.hide()

    # -- the log ---------------------------------------------------------------------------------
    @Slot(str)
    def log(self, message: str) -> None:
        """Lines are buffered and appended a few times a second (one repaint per flush)."""
        self._log_buffer.append(f"{time.strftime('%H:%M:%S')}  {message}")
        if not self._log_timer.isActive():
            self._log_timer.start()

    def flush_log(self) -> None:
        if self._log_buffer:
            self.log_view.appendPlainText("\n".join(self._log_buffer))
            self._log_buffer.clear()

    @Slot()
    def _on_log_timer_timeout(self) -> None:
        self.flush_log()

    # -- core events -------------------------------------------------------------------------------
    @Slot(object)
    def show_event(self, event: object) -> None:
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(event)

    def _show_fit_started(self, event: FitStarted) -> None:
        plan = event.plan
        self._total_epochs = plan.epochs
        self._fit_started_at = time.monotonic()
        self.live_plot.set_planned_epochs(plan.epochs)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        stages = " → ".join(plan.stages) if plan.stages else plan.strategy
        name = display_name(plan.backbone)
        origin = self.tr("pretrained") if plan.pretrained else self.tr("from scratch")
        epochs = self.tr("%n epoch(s)", "", plan.epochs)
        validation = self.tr("%Ln validation image(s)", "", plan.num_val)
        self.log(self.tr(
            "{backbone} ({origin}), {stages}, {epochs}, batch {batch}, lr {lr}, {size} px on "
            "{device} ({precision}); {train} training / {validation}"
        ).format(
            backbone=name, origin=origin, stages=stages, epochs=epochs, batch=plan.batch_size,
            lr=f"{plan.learning_rate:.2g}", size=plan.image_size, device=plan.device_name,
            precision=plan.precision, train=format_number(plan.num_train), validation=validation,
        ))  # fmt: skip
        self.status_label.setText(
            self.tr("Training {backbone} on {device}…").format(backbone=name, device=plan.device_name)
        )

    def _show_stage_started(self, event: StageStarted) -> None:
        self.live_plot.add_stage(event)
        self.log(render(event.message) or self.tr("Stage '{stage}' (%n epoch(s))", "", event.epochs).format(stage=event.stage))
        if event.stage == "features":
            self.status_label.setText(self.tr("Computing backbone features once…"))

    def _show_feature_pass(self, event: FeaturePassProgressed) -> None:
        if event.total:
            self.progress_bar.setFormat(self.tr("Features {done} / {total}").format(
                done=format_number(event.done), total=format_number(event.total)))
            self.progress_bar.setValue(round(1000 * event.done / event.total))

    def _show_batch_ended(self, event: BatchEnded) -> None:
        # Cheap bookkeeping only; the widgets are refreshed by _status_timer a few times a second.
        self.live_plot.add_batch(event)
        self._last_batch = event
        if not self._status_timer.isActive():
            self._status_timer.start()

    @Slot()
    def _on_status_timer_timeout(self) -> None:
        event = self._last_batch
        if event is None or not self._running:
            return
        epochs = max(self._total_epochs, event.epoch, 1)
        elapsed = time.monotonic() - self._fit_started_at
        self.progress_bar.setRange(0, 1000)
        batch = self.tr("batch {batch}/{batches}").format(batch=event.batch, batches=event.batches)
        speed = self.tr("{speed} images/s").format(speed=format_number(event.images_per_second))
        self.progress_bar.setFormat(self.tr("Epoch {epoch}/{epochs} · {batch}").format(epoch=event.epoch, epochs=epochs, batch=batch))
        if event.seconds_left is not None:  # a time budget: progress is time, epochs an estimate
            budget = elapsed + event.seconds_left
            self.progress_bar.setValue(round(1000 * min(1.0, elapsed / max(budget, 1e-9))))
            epoch = self.tr("Epoch {epoch} of ~{epochs}").format(epoch=event.epoch, epochs=epochs)
            self.progress_bar.setFormat(f"{epoch} · {batch}")
            timing = self.tr("{left} left of {budget}").format(
                left=format_duration(event.seconds_left), budget=format_duration(budget))
            self.status_label.setText(f"{epoch} · {timing} · {speed}")
        else:
            fraction = min(1.0, ((event.epoch - 1) + event.batch / max(1, event.batches)) / epochs)
            self.progress_bar.setValue(round(1000 * fraction))
            eta = elapsed * (1 - fraction) / fraction if fraction > 0 else math.nan
            self.status_label.setText(self.tr("Epoch {epoch} of {epochs} · ETA {eta} · {speed}").format(
                epoch=event.epoch, epochs=epochs, eta=format_duration(eta), speed=speed))
        self.detail_label.setText(self.tr("loss {loss} · learning rate {lr}").format(
            loss=f"{event.loss:.4f}", lr=f"{event.learning_rate:.3g}"))

    def _show_epoch_ended(self, event: EpochEnded) -> None:
        self.live_plot.add_epoch(event)
        # under a time budget the epoch count is an estimate that may go down as well as up
        budgeted = self._last_batch is not None and self._last_batch.seconds_left is not None
        self._total_epochs = event.epochs if budgeted else max(self._total_epochs, event.epochs)
        best = self.tr("  ★ best") if event.is_best else ""
        self.log(self.tr(
            "epoch {epoch}/{epochs} [{stage}] train loss {train_loss} acc {train_acc} · val loss "
            "{val_loss} acc {val_acc} · {seconds}s, {speed} img/s{best}"
        ).format(
            epoch=event.epoch, epochs=event.epochs, stage=event.stage,
            train_loss=f"{event.train_loss:.4f}", train_acc=format_percent(event.train_accuracy),
            val_loss=f"{event.val_loss:.4f}", val_acc=format_percent(event.val_accuracy),
            seconds=f"{event.seconds:.1f}", speed=format_number(event.images_per_second), best=best,
        ))  # fmt: skip

    def _show_logged(self, event: Logged) -> None:
        prefix = {"warning": self.tr("warning: "), "error": self.tr("error: ")}.get(event.level, "")
        self.log(prefix + render(event.message))  # core's plan notes: in the user's language

    def _fit_summary(self, event: FitEnded) -> str:
        summary = outcome_word(event.outcome)
        if event.best_val_accuracy is not None:
            summary += self.tr(" · best validation accuracy {accuracy} (epoch {epoch})").format(
                accuracy=format_percent(event.best_val_accuracy), epoch=event.best_epoch
            )
        took = self.tr(" · %n epoch(s) in {duration}", "", event.epochs_completed)
        return summary + took.format(duration=format_duration(event.seconds))

    def _show_fit_ended(self, event: FitEnded) -> None:
        self._status_timer.stop()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setFormat(outcome_bar(event.outcome))
        summary = self._fit_summary(event)
        self.status_label.setText(summary)
        # One line, no repeats: a finished fit's message says what the summary says, and a
        # failed fit's message is in the log already; a cancelled one says where it stopped.
        message = without_resume_hint(event.message)
        self.log(message if event.outcome == "cancelled" and message else summary)
        self.live_plot.end_run(event.epochs_completed)
        if event.outcome == "finished":
            self.progress_bar.setValue(1000)
        if event.outcome == "failed" and event.message:
            self.show_error(event.message)
