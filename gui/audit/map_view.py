"""The audit's embedding map: a pyqtgraph scatter of the 2-D PCA projection, one colour per
class; hovering shows the image's path and thumbnail, a click opens the image, and with *Select
a group* on, dragging draws a free-hand lasso (Shift: a rectangle) whose points become the
selection, ringed in black. Point-in-polygon is vectorised (gui/audit/lasso.py): 50,000 points
select in milliseconds, and no per-point Python object is kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .lasso import LassoViewBox, points_in_polygon, rectangle

THUMB = 96


class EmbeddingMapWidget(QWidget):
    """`show_result(AuditResult)`; `hovered(str)` and `clicked(str)` carry the image's path."""

    hovered = Signal(str)
    clicked = Signal(str)
    selectionChanged = Signal(list)  # the selected images' paths

    def __init__(self, parent: QWidget | None = None, open_on_click: bool = True):
        super().__init__(parent)
        self.open_on_click = open_on_click
        self.view = LassoViewBox()
        self.view.regionDrawn.connect(self.select_polygon)
        self.plot = pg.PlotWidget(viewBox=self.view)
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
        self.select_button.setToolTip(
            self.tr("Then drag around points to select them; hold Shift to drag a rectangle.")
        )
        self.select_button.toggled.connect(self._on_select_toggled)
        self.selected: list[Path] = []
        self.mask = np.zeros(0, dtype=bool)
        side = QHBoxLayout()
        side.addWidget(self.thumb_label)
        side.addWidget(self.info_label, 1)
        side.addWidget(self.select_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addLayout(side)  # item 1: the dialog adds its buttons here
        self.paths: list[Path] = []
        self.points = np.zeros((0, 2))
        self.items: list[pg.ScatterPlotItem] = []
        self._rows: dict[pg.ScatterPlotItem, np.ndarray] = {}
        self.highlight = self._new_highlight()

    def _new_highlight(self) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(size=11, brush=None, pen=pg.mkPen("k", width=1.5))
        item.setZValue(10)
        self.plot.addItem(item)
        return item

    def show_result(self, result) -> None:
        self.select_button.setChecked(False)
        self.plot.clear()
        self.legend.clear()
        self.items, self._rows = [], {}
        self.paths = list(result.paths)
        self.points = points = np.asarray(result.embedding, dtype=float)
        labels = np.asarray(result.labels)
        for c, name in enumerate(result.class_names):
            rows = np.flatnonzero(labels == c)
            if not len(rows):
                continue
            colour = pg.intColor(c, hues=max(len(result.class_names), 2))
            item = pg.ScatterPlotItem(
                x=points[rows, 0], y=points[rows, 1], size=8, brush=pg.mkBrush(colour),
                pen=pg.mkPen(None), hoverable=True, name=name,
            )  # fmt: skip
            item.sigHovered.connect(self._on_hovered)
            item.sigClicked.connect(self._on_clicked)
            self.plot.addItem(item)
            self.items.append(item)
            self._rows[item] = rows
        self.highlight = self._new_highlight()
        self._set_selection(np.zeros(len(self.paths), dtype=bool))

    def _row(self, item, points) -> int | None:
        return int(self._rows[item][points[0].index()]) if len(points) else None

    def _on_hovered(self, item, points, _event) -> None:
        row = self._row(item, points)
        if row is not None:
            self.show_point(row)

    def show_point(self, row: int) -> None:
        path = self.paths[row]
        self.info_label.setText(str(path))
        pixmap = QPixmap(str(path))
        if not pixmap.isNull():
            self.thumb_label.setPixmap(pixmap.scaled(THUMB, THUMB))
        self.hovered.emit(str(path))

    def _on_clicked(self, item, points, _event) -> None:
        row = self._row(item, points)
        if row is not None and not self.view.selecting:
            path = str(self.paths[row])
            self.clicked.emit(path)
            if self.open_on_click:
                QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def _on_select_toggled(self, on: bool) -> None:
        self.view.selecting = on
        self.info_label.setText(
            self.tr("Drag around points to select them; hold Shift to drag a rectangle.")
            if on
            else self.tr("Hover over a point to see its image.")
        )
        if not on:
            self._set_selection(np.zeros(len(self.paths), dtype=bool))

    def select_polygon(self, polygon) -> list[Path]:
        """Select the points inside `polygon` ([M, 2], map units); the selection."""
        self._set_selection(points_in_polygon(self.points, polygon))
        count = len(self.selected)
        self.info_label.setText(self.tr("%n selected.", "", count))
        return self.selected

    def select_rect(self, x: float, y: float, width: float, height: float) -> list[Path]:
        """Select the points in the rectangle at (x, y, width, height) in map units."""
        return self.select_polygon(rectangle((x, y), (x + width, y + height)))

    def _set_selection(self, mask: np.ndarray) -> None:
        self.mask = mask
        rows = np.flatnonzero(mask)
        self.selected = [self.paths[i] for i in rows]
        self.highlight.setData(x=self.points[rows, 0], y=self.points[rows, 1])
        self.selectionChanged.emit([str(p) for p in self.selected])
