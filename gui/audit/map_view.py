"""The audit's embedding map: a pyqtgraph scatter of the 2-D PCA projection, one colour per
class; hovering shows the image's path and thumbnail, a click opens the image, and *Select a
group* puts a resizable rectangle on the map whose points become the selection (a rectangle
rather than a free-hand lasso: pyqtgraph has the one built in)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

THUMB = 96


class EmbeddingMapWidget(QWidget):
    """`show_result(AuditResult)`; `hovered(str)` and `clicked(str)` carry the image's path."""

    hovered = Signal(str)
    clicked = Signal(str)
    selectionChanged = Signal(list)  # the selected images' paths

    def __init__(self, parent: QWidget | None = None, open_on_click: bool = True):
        super().__init__(parent)
        self.open_on_click = open_on_click
        self.plot = pg.PlotWidget()
        self.plot.setBackground("w")
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.legend = self.plot.addLegend()
        self.info_label = QLabel(self.tr("Hover over a point to see its image."))
        self.info_label.setWordWrap(True)
        self.thumb_label = QLabel()
        self.thumb_label.setFixedSize(THUMB, THUMB)
        self.select_button = QPushButton(self.tr("Select a group"))
        self.select_button.setCheckable(True)
        self.select_button.toggled.connect(self._on_select_toggled)
        self.roi: pg.RectROI | None = None
        self.selected: list[Path] = []
        side = QHBoxLayout()
        side.addWidget(self.thumb_label)
        side.addWidget(self.info_label, 1)
        side.addWidget(self.select_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addLayout(side)
        self.paths: list[Path] = []
        self.items: list[pg.ScatterPlotItem] = []

    def show_result(self, result) -> None:
        self.select_button.setChecked(False)
        self.plot.clear()
        self.legend.clear()
        self.items = []
        self.paths = list(result.paths)
        self.points = points = np.asarray(result.embedding, dtype=float)
        for c, name in enumerate(result.class_names):
            rows = np.flatnonzero(result.labels == c)
            if not len(rows):
                continue
            colour = pg.intColor(c, hues=max(len(result.class_names), 2))
            item = pg.ScatterPlotItem(
                x=points[rows, 0], y=points[rows, 1], data=rows.tolist(), size=8,
                brush=pg.mkBrush(colour), pen=pg.mkPen(None), hoverable=True, name=name,
            )  # fmt: skip
            item.sigHovered.connect(self._on_hovered)
            item.sigClicked.connect(self._on_clicked)
            self.plot.addItem(item)
            self.items.append(item)

    def _on_hovered(self, _item, points, _event) -> None:
        if len(points):
            self.show_point(int(points[0].data()))

    def show_point(self, row: int) -> None:
        path = self.paths[row]
        self.info_label.setText(str(path))
        pixmap = QPixmap(str(path))
        if not pixmap.isNull():
            self.thumb_label.setPixmap(pixmap.scaled(THUMB, THUMB))
        self.hovered.emit(str(path))

    def _on_clicked(self, _item, points, _event) -> None:
        if len(points):
            path = str(self.paths[int(points[0].data())])
            self.clicked.emit(path)
            if self.open_on_click:
                QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def _on_select_toggled(self, on: bool) -> None:
        if self.roi is not None:
            self.plot.removeItem(self.roi)
            self.roi = None
        if on and self.paths:
            (x0, x1), (y0, y1) = self.plot.viewRange()
            w, h = (x1 - x0) / 3, (y1 - y0) / 3
            self.roi = pg.RectROI([x0 + w, y0 + h], [w, h], pen=pg.mkPen("k", width=2))
            self.roi.sigRegionChangeFinished.connect(self._update_selection)
            self.plot.addItem(self.roi)
        self._update_selection()

    def select_rect(self, x: float, y: float, width: float, height: float) -> list[Path]:
        """Put the selection rectangle at (x, y, width, height) in map units; the selection."""
        if not self.select_button.isChecked():
            self.select_button.setChecked(True)
        self.roi.setPos((x, y), finish=False)
        self.roi.setSize((width, height), finish=False)
        self._update_selection()
        return self.selected

    def _update_selection(self, *_args) -> None:
        if self.roi is None:
            self.selected = []
        else:
            (x, y), (w, h) = self.roi.pos(), self.roi.size()
            inside = (
                (self.points[:, 0] >= x) & (self.points[:, 0] <= x + w)
                & (self.points[:, 1] >= y) & (self.points[:, 1] <= y + h)
            )  # fmt: skip
            self.selected = [self.paths[i] for i in np.flatnonzero(inside)]
            count = len(self.selected)
            self.info_label.setText(self.tr("%n selected in the rectangle.", "", count))
        self.selectionChanged.emit([str(p) for p in self.selected])
