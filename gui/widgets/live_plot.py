"""Live training curves: loss per step (raw, faint, plus an EMA-smoothed line) and per-epoch
validation loss and accuracy.

Both plots share one x axis measured in epochs, so a step inside epoch 3 of 10 batches sits at
2.3 and the validation point of epoch 3 at 3.0; the step curve and the epoch points line up
without a second axis. Data arrives one event at a time (`add_batch`, `add_epoch`) from the
training worker; redraws are coalesced by a timer so a burst of events costs one repaint.

Painting is kept cheap because it runs on the UI thread while training competes for the CPU:
axis text is the expensive part of a pyqtgraph repaint, so the axes are only repainted when
their range really changes (x spans the planned epochs from the start, y ranges are sticky and
only grow or shrink in steps, axis widths are fixed) and there is no grid (pyqtgraph draws the
grid as part of the axis, which would make every curve update repaint the axis text too).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from core.events import BatchEnded, EpochEnded, StageStarted

TRAIN_COLOUR = (31, 119, 180)
VAL_COLOUR = (214, 39, 40)
ACC_COLOUR = (44, 160, 44)
TRAIN_ACC_COLOUR = (148, 103, 189)


def ema(values: Iterable[float], smoothing: float = 0.9) -> np.ndarray:
    """Exponential moving average with bias correction (as TensorBoard draws it).

    The first points are not dragged towards zero: each value is divided by the weight the
    average has gathered so far. Non-finite values are skipped (they keep the previous level).
    """
    values = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
    out = np.empty_like(values)
    level, weight = 0.0, 0.0
    last = math.nan
    for i, value in enumerate(values):
        if math.isfinite(value):
            level = smoothing * level + (1.0 - smoothing) * value
            weight = smoothing * weight + (1.0 - smoothing)
            last = level / weight
        out[i] = last
    return out


def _nice_ceiling(value: float) -> float:
    """The next of 1, 1.5, 2, 3, 5, 7.5 x 10^k at or above `value`."""
    exponent = math.floor(math.log10(value))
    for mantissa in (1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0):
        if mantissa * 10**exponent >= value:
            return mantissa * 10**exponent
    return 10.0 ** (exponent + 1)


class EpochAxisItem(pg.AxisItem):
    """An x axis in epochs: labelled ticks only at whole epochs (never 0.5, 1.5), one level."""

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph override
        levels = [
            (spacing, [v for v in values if float(v).is_integer()])
            for spacing, values in super().tickValues(minVal, maxVal, size)
            if spacing >= 1
        ]
        levels = [(spacing, values) for spacing, values in levels if values][:1]  # no crowding
        if not levels:
            first, last = math.ceil(minVal), math.floor(maxVal)
            levels = [(1.0, [float(v) for v in range(first, last + 1)])]
        return levels


class _GrowingSeries:
    """An append-only (x, y) series backed by numpy arrays that double when full."""

    def __init__(self) -> None:
        self._x = np.empty(256)
        self._y = np.empty(256)
        self.size = 0

    def append(self, x: float, y: float) -> None:
        if self.size == len(self._x):
            self._x = np.resize(self._x, 2 * self.size)
            self._y = np.resize(self._y, 2 * self.size)
        self._x[self.size] = x
        self._y[self.size] = y
        self.size += 1

    def clear(self) -> None:
        self.size = 0

    @property
    def x(self) -> np.ndarray:
        return self._x[: self.size]

    @property
    def y(self) -> np.ndarray:
        return self._y[: self.size]


class LivePlotWidget(QWidget):
    """Two stacked plots: losses (train per step, validation per epoch) and accuracies."""

    REDRAW_MS = 250
    AXIS_WIDTH = 52

    def __init__(self, parent: QWidget | None = None, smoothing: float = 0.9):
        super().__init__(parent)
        self.smoothing = smoothing
        self._steps = _GrowingSeries()  # x = fractional epoch, y = batch loss
        self._smoothed = np.empty(0)
        self._ema_level = 0.0
        self._ema_weight = 0.0
        self._val_loss = _GrowingSeries()
        self._train_loss_epoch = _GrowingSeries()
        self._val_acc = _GrowingSeries()
        self._train_acc = _GrowingSeries()
        self._stage_lines: list[pg.InfiniteLine] = []
        self._last_epoch_seen = 0
        self._planned_epochs = 0
        self._loss_top = 0.0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.graphics.setMinimumHeight(220)
        layout.addWidget(self.graphics)

        # Each legend sits in a row of its own above its plot, never over the points; the
        # accuracy legend's row also keeps the loss axis' "0" apart from the accuracy's "100".
        loss_legend = self._legend(columns=4)
        acc_legend = self._legend(columns=2)
        self.graphics.addItem(loss_legend, row=0, col=0)
        self.loss_plot = self.graphics.addPlot(row=1, col=0, axisItems={"bottom": EpochAxisItem("bottom")})
        self.graphics.addItem(acc_legend, row=2, col=0)
        self.acc_plot = self.graphics.addPlot(row=3, col=0, axisItems={"bottom": EpochAxisItem("bottom")})
        for legend in (loss_legend, acc_legend):  # compact, at the left above the plot
            legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.graphics.ci.layout.setAlignment(legend, Qt.AlignmentFlag.AlignLeft)
        self._style_plot(self.loss_plot, self.tr("Loss"))
        self._style_plot(self.acc_plot, self.tr("Accuracy (%)"))
        self.acc_plot.setXLink(self.loss_plot)
        self.acc_plot.setYRange(0, 100, padding=0.02)
        self.acc_plot.disableAutoRange(axis="y")
        self.loss_plot.hideAxis("bottom")  # shared with the accuracy plot below
        self.acc_plot.getAxis("bottom").setLabel(self.tr("epoch"))
        for plot in (self.loss_plot, self.acc_plot):
            plot.disableAutoRange(axis="x")
        self._set_x_extent(1)

        self._loss_legend = loss_legend
        self._acc_legend = acc_legend
        faint = pg.mkPen(color=(*TRAIN_COLOUR, 70), width=1)
        per_step, smoothed = self.tr("train (per step)"), self.tr("train (smoothed)")
        validation, train = self.tr("validation"), self.tr("train")
        self.raw_curve = self.loss_plot.plot(pen=faint, name=per_step)
        self.smooth_curve = self.loss_plot.plot(
            pen=pg.mkPen(color=TRAIN_COLOUR, width=2), name=smoothed, antialias=True
        )
        self.val_loss_curve = self.loss_plot.plot(
            pen=pg.mkPen(color=VAL_COLOUR, width=2),
            symbol="o",
            symbolSize=7,
            symbolBrush=VAL_COLOUR,
            symbolPen=None,
            name=validation,
        )
        self.train_epoch_curve = self.loss_plot.plot(
            pen=pg.mkPen(color=TRAIN_COLOUR, width=1, style=Qt.PenStyle.DashLine),
            symbol="t",
            symbolSize=6,
            symbolBrush=TRAIN_COLOUR,
            symbolPen=None,
        )
        self.val_acc_curve = self.acc_plot.plot(
            pen=pg.mkPen(color=ACC_COLOUR, width=2),
            symbol="o",
            symbolSize=7,
            symbolBrush=ACC_COLOUR,
            symbolPen=None,
            name=validation,
        )
        self.train_acc_curve = self.acc_plot.plot(
            pen=pg.mkPen(color=TRAIN_ACC_COLOUR, width=1, style=Qt.PenStyle.DashLine),
            symbol="t",
            symbolSize=6,
            symbolBrush=TRAIN_ACC_COLOUR,
            symbolPen=None,
            name=train,
        )
        acc_legend.addItem(self.val_acc_curve, validation)
        acc_legend.addItem(self.train_acc_curve, train)
        # Legend entries for the train-loss curves follow what is drawn: per-step curves while
        # training, the per-epoch mean for a finished result (which keeps no per-step data).
        self._optional_entries = {
            self.raw_curve: per_step,
            self.smooth_curve: smoothed,
            self.train_epoch_curve: self.tr("train (epoch mean)"),
        }
        self._legend_shown = {curve: False for curve in self._optional_entries}
        self._sync_legend()
        loss_legend.addItem(self.val_loss_curve, validation)

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(self.REDRAW_MS)
        self._redraw_timer.timeout.connect(self._on_redraw_timer_timeout)

    @staticmethod
    def _legend(columns: int) -> pg.LegendItem:
        legend = pg.LegendItem(colCount=columns, labelTextSize="9pt",
                               labelTextColor=(40, 40, 40), horSpacing=18)  # fmt: skip
        legend.setBrush(pg.mkBrush(255, 255, 255, 0))
        legend.setPen(pg.mkPen(None))
        return legend

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # The loss legend's entries go in two rows when one row would not fit.
        columns = 4 if self.width() >= 560 else 2
        if self._loss_legend.columnCount != columns:
            self._loss_legend.setColumnCount(columns)

    def _style_plot(self, plot: pg.PlotItem, title: str) -> None:
        plot.setLabel("left", title)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.getViewBox().setMouseEnabled(x=False, y=False)
        plot.getAxis("left").setWidth(self.AXIS_WIDTH)
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setTextPen("k")
            plot.getAxis(axis).setPen(pg.mkPen(120, 120, 120))

    def _set_x_extent(self, epochs: float) -> None:
        self.loss_plot.setXRange(0, max(1.0, float(epochs)), padding=0.02)

    def set_planned_epochs(self, epochs: int) -> None:
        """The x axis spans the whole planned run from the start (no rescaling while it grows)."""
        self._planned_epochs = int(epochs)
        self._schedule_redraw()

    def end_run(self, epochs_completed: int) -> None:
        """The run ended (finished, cancelled, stopped early): the x axis ends where it did."""
        self.set_planned_epochs(max(1, epochs_completed))

    # -- data in -------------------------------------------------------------------------------

    def clear(self) -> None:
        for series in (self._steps, self._val_loss, self._train_loss_epoch, self._val_acc, self._train_acc):
            series.clear()
        self._smoothed = np.empty(0)
        self._ema_level = self._ema_weight = 0.0
        self._last_epoch_seen = 0
        self._planned_epochs = 0
        self._loss_top = 0.0
        for line in self._stage_lines:
            self.loss_plot.removeItem(line)
        self._stage_lines.clear()
        self._schedule_redraw()

    def add_batch(self, event: BatchEnded) -> None:
        x = (event.epoch - 1) + event.batch / max(1, event.batches)
        self._steps.append(x, event.loss)
        if math.isfinite(event.loss):
            self._ema_level = self.smoothing * self._ema_level + (1 - self.smoothing) * event.loss
            self._ema_weight = self.smoothing * self._ema_weight + (1 - self.smoothing)
        if self._smoothed.size < self._steps.size:
            self._smoothed = np.resize(self._smoothed, max(256, 2 * self._steps.size))
        self._smoothed[self._steps.size - 1] = (
            self._ema_level / self._ema_weight if self._ema_weight else math.nan
        )
        self._schedule_redraw()

    def add_epoch(self, event: EpochEnded) -> None:
        x = float(event.epoch)
        self._last_epoch_seen = max(self._last_epoch_seen, event.epoch)
        self._val_loss.append(x, event.val_loss)
        self._val_acc.append(x, 100.0 * event.val_accuracy)
        self._train_acc.append(x, 100.0 * event.train_accuracy)
        if self._steps.size == 0:  # no per-step data (a finished result): draw the epoch mean
            self._train_loss_epoch.append(x, event.train_loss)
        self._schedule_redraw()

    def add_stage(self, event: StageStarted) -> None:
        """Mark where a new training stage starts (e.g. head -> full in two-stage fine-tuning)."""
        if event.stage == "features" or self._last_epoch_seen == 0:
            return  # the first stage needs no marker
        x = float(self._last_epoch_seen)
        line = pg.InfiniteLine(
            pos=x,
            angle=90,
            pen=pg.mkPen(color=(120, 120, 120), style=Qt.PenStyle.DotLine),
            label=event.stage,
            labelOpts={"position": 0.92, "color": (90, 90, 90), "anchors": [(0, 0), (0, 0)]},
        )
        self.loss_plot.addItem(line)
        self._stage_lines.append(line)

    def set_history(self, history: Iterable[EpochEnded]) -> None:
        """Show a finished fit's per-epoch curves (no per-step data is kept in a result)."""
        self.clear()
        history = list(history)
        self.set_planned_epochs(max((e.epoch for e in history), default=1))  # where it ended
        previous_stage = None
        for event in history:
            if previous_stage is not None and event.stage != previous_stage:
                self.add_stage(StageStarted(stage=event.stage, epochs=event.epochs))
            previous_stage = event.stage
            self.add_epoch(event)
        self._redraw()

    # -- introspection (tests, status) ---------------------------------------------------------

    @property
    def step_count(self) -> int:
        return self._steps.size

    @property
    def epoch_count(self) -> int:
        return self._val_loss.size

    def smoothed_losses(self) -> np.ndarray:
        return self._smoothed[: self._steps.size].copy()

    # -- drawing -------------------------------------------------------------------------------

    def _schedule_redraw(self) -> None:
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    @Slot()
    def _on_redraw_timer_timeout(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        steps = self._steps
        self.raw_curve.setData(steps.x, steps.y)
        self.smooth_curve.setData(steps.x, self._smoothed[: steps.size])
        self.val_loss_curve.setData(self._val_loss.x, self._val_loss.y)
        self.train_epoch_curve.setData(self._train_loss_epoch.x, self._train_loss_epoch.y)
        self.val_acc_curve.setData(self._val_acc.x, self._val_acc.y)
        self.train_acc_curve.setData(self._train_acc.x, self._train_acc.y)
        self._sync_legend()
        last_step = math.ceil(steps.x[-1]) if steps.size else 0
        x_extent = max(1, self._planned_epochs, self._last_epoch_seen, last_step)
        if abs(self.loss_plot.viewRange()[0][1] - x_extent * 1.02) > 0.05 * x_extent:
            self._set_x_extent(x_extent)
        self._update_loss_range()

    def _sync_legend(self) -> None:
        has_data = {
            self.raw_curve: self._steps.size > 0,
            self.smooth_curve: self._steps.size > 0,
            self.train_epoch_curve: self._train_loss_epoch.size > 0,
        }
        live = self._steps.size > 0 or self._train_loss_epoch.size == 0
        for curve, name in self._optional_entries.items():
            wanted = has_data[curve] or (live and curve is not self.train_epoch_curve)
            if wanted and not self._legend_shown[curve]:
                self._loss_legend.addItem(curve, name)
            elif not wanted and self._legend_shown[curve]:
                self._loss_legend.removeItem(curve)
            self._legend_shown[curve] = wanted

    def _update_loss_range(self) -> None:
        """A sticky y range for the losses: changes only when the data leaves it or fills
        less than half of it (each change repaints the axis text, the costly part)."""
        values = [self._steps.y, self._val_loss.y, self._train_loss_epoch.y]
        finite = np.concatenate([v[np.isfinite(v)] for v in values])
        if not finite.size:
            return
        # Clip a few huge early step losses so the interesting part stays readable.
        step_values = self._steps.y[np.isfinite(self._steps.y)]
        top = float(np.percentile(step_values, 98)) if step_values.size else 0.0
        for series in values[1:]:
            if series.size:
                top = max(top, float(np.nanmax(series)))
        if not math.isfinite(top) or top <= 0:
            return
        if top > self._loss_top or top < 0.5 * self._loss_top:
            self._loss_top = _nice_ceiling(top * 1.1)
            self.loss_plot.setYRange(0, self._loss_top, padding=0.02)
