"""Results > Confidence: how far the model's confidence can be trusted (core.calibration).

Left, the reliability diagram: per confidence bin, how often the model was right, before
(grey) and after (blue) temperature scaling, against the diagonal of perfect calibration, with
the expected calibration error (ECE) before and after in the title. Right, the coverage-accuracy
curve on the validation set: accepting only predictions above a threshold trades how many
images are sorted automatically for how many of them are right; the chosen review threshold
("Not sure" below it) is marked.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.calibration import CurvePoint, ReliabilityBin, point_at

from ..style import COLORS
from ..text import format_number, format_percent

NO_CALIBRATION = QT_TRANSLATE_NOOP(
    "CalibrationPanelWidget",
    "This model has no calibration: it was trained before Backbone Studio measured it, or its "
    "validation set was too small. Its confidences are the network's own, and nothing is "
    "marked 'Not sure'. Train it again to calibrate it."
)


def _plot(title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background=COLORS["base"])
    plot.setTitle(title, color=COLORS["text"])
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    plot.setXRange(0, 1, padding=0.02)
    plot.setYRange(0, 1, padding=0.02)
    plot.setMouseEnabled(x=False, y=False)
    plot.showGrid(x=True, y=True, alpha=0.2)
    return plot


class CalibrationPanelWidget(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.reliability_plot = _plot(self.tr("Reliability"), self.tr("confidence"),
                                      self.tr("accuracy"))  # fmt: skip
        self.coverage_plot = _plot(self.tr("Coverage and accuracy"),
                                   self.tr("coverage (sorted automatically)"),
                                   self.tr("accuracy of those"))  # fmt: skip
        self.caption = QLabel(self.tr(NO_CALIBRATION), self)
        self.caption.setWordWrap(True)
        self.caption.setObjectName("muted")
        plots = QHBoxLayout()
        plots.addWidget(self.reliability_plot)
        plots.addWidget(self.coverage_plot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addLayout(plots, 1)
        self.ece: tuple[float, float] | None = None  # (before, after) shown
        self.chosen: CurvePoint | None = None  # the review threshold's point shown

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Modest: as a tab beside the per-class table it must not claim the confusion
        matrix's width (the splitter shares by size hints); it grows with the room given."""
        return QSize(360, 280)

    def clear(self) -> None:
        self.reliability_plot.clear()
        self.coverage_plot.clear()
        self.ece, self.chosen = None, None
        self.caption.setText(self.tr(NO_CALIBRATION))
        self.reliability_plot.setTitle(self.tr("Reliability"), color=COLORS["text"])

    def show_metadata(self, metadata) -> bool:
        """Show a model's stored calibration; False (and the explanation) when it has none."""
        self.clear()
        report = (getattr(metadata, "metrics", None) or {}).get("calibration") or {}
        if "bins_after" not in report:
            return False
        before = [ReliabilityBin.from_list(b) for b in report["bins_before"]]
        after = [ReliabilityBin.from_list(b) for b in report["bins_after"]]
        self.ece = (float(report["ece_before"]), float(report["ece_after"]))
        self._reliability(before, after)
        curve = [CurvePoint.from_list(p) for p in report.get("curve", [])]
        threshold = getattr(metadata, "review_threshold", None)
        self.chosen = point_at(curve, threshold)
        self._coverage(curve)
        temperature = float(getattr(metadata, "temperature", 1.0))
        text = self.tr(
            "Temperature {temperature} on {samples} validation images: "
            "calibration error {before} before, {after} after."
        ).format(temperature=format_number(temperature, 2), samples=report.get("samples", 0),
                 before=format_percent(self.ece[0]), after=format_percent(self.ece[1]))
        if self.chosen is not None:
            text += self.tr(
                " Below {threshold} confidence a prediction is 'Not sure': on validation "
                "{coverage} of images are sorted automatically, {accuracy} of them correctly."
            ).format(threshold=format_percent(threshold, 0),
                     coverage=format_percent(self.chosen.coverage, 0),
                     accuracy=format_percent(self.chosen.accuracy, 0))
        self.caption.setText(text)
        return True

    def _reliability(self, before: list[ReliabilityBin], after: list[ReliabilityBin]) -> None:
        plot = self.reliability_plot
        plot.setTitle(self.tr("Reliability · ECE {before} → {after}").format(
            before=format_percent(self.ece[0]), after=format_percent(self.ece[1])),
            color=COLORS["text"])  # fmt: skip
        plot.addLegend(offset=(10, 10))
        plot.plot([0, 1], [0, 1], pen=pg.mkPen(COLORS["muted"], style=pg.QtCore.Qt.PenStyle.DashLine))
        width = (before[0].upper - before[0].lower) if before else 0.1
        for bins, colour, shift, name in ((before, COLORS["border"], -0.22, self.tr("before")),
                                          (after, COLORS["accent"], 0.22,
                                           self.tr("after"))):  # fmt: skip
            shown = [b for b in bins if b.count]
            if not shown:
                continue
            x = np.array([(b.lower + b.upper) / 2 + shift * width for b in shown])
            bars = pg.BarGraphItem(x=x, height=[b.accuracy for b in shown], width=width * 0.42,
                                   brush=colour, pen=pg.mkPen(colour), name=name)  # fmt: skip
            plot.addItem(bars)

    def _coverage(self, curve: list[CurvePoint]) -> None:
        plot = self.coverage_plot
        if not curve:
            return
        plot.plot([p.coverage for p in curve], [p.accuracy for p in curve],
                  pen=pg.mkPen(COLORS["accent"], width=2))  # fmt: skip
        if self.chosen is not None:
            plot.plot([self.chosen.coverage], [self.chosen.accuracy], pen=None, symbol="o",
                      symbolSize=10, symbolBrush=COLORS["teal"])  # fmt: skip
