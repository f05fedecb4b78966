"""Free-hand (lasso) and rectangle selection on a pyqtgraph view, and a vectorised
point-in-polygon test that picks 50,000 points in milliseconds."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal


def points_in_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Boolean mask of the `points` ([N, 2]) inside `polygon` ([M, 2], closed implicitly),
    by the even-odd rule: one pass per edge, each vectorised over the points (only those inside
    the polygon's bounding box are tested)."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    polygon = np.asarray(polygon, dtype=float).reshape(-1, 2)
    inside = np.zeros(len(points), dtype=bool)
    if len(polygon) < 3 or not len(points):
        return inside
    lo, hi = polygon.min(axis=0), polygon.max(axis=0)
    candidates = np.flatnonzero(np.all((points >= lo) & (points <= hi), axis=1))
    x, y = points[candidates, 0], points[candidates, 1]
    odd = np.zeros(len(candidates), dtype=bool)
    x0, y0 = polygon[-1]
    for x1, y1 in polygon:
        crosses = (y0 > y) != (y1 > y)  # the edge spans the point's height (never horizontal)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        odd ^= crosses & (x < at)
        x0, y0 = x1, y1
    inside[candidates] = odd
    return inside


def rectangle(corner_a, corner_b) -> np.ndarray:
    """The four corners of the axis-aligned rectangle spanned by two points."""
    (ax, ay), (bx, by) = corner_a, corner_b
    return np.array([(ax, ay), (bx, ay), (bx, by), (ax, by)], dtype=float)


class LassoViewBox(pg.ViewBox):
    """A ViewBox that, while `selecting`, turns a left-button drag into a free-hand outline (with
    Shift held: a rectangle) instead of panning. `regionDrawn` carries the outline as an
    [M, 2] array in view (data) coordinates when the button is released."""

    regionDrawn = Signal(object)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.selecting = False
        self._trace: list[tuple[float, float]] = []
        self._outline = pg.PlotCurveItem(pen=pg.mkPen("k", width=1.5, style=Qt.PenStyle.DashLine))
        self._outline.setZValue(1000)
        self.addItem(self._outline, ignoreBounds=True)

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 (pyqtgraph's name)
        if not self.selecting or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        here = self.mapSceneToView(ev.scenePos())
        if ev.isStart():
            start = self.mapSceneToView(ev.buttonDownScenePos())
            self._trace = [(start.x(), start.y())]
        self._trace.append((here.x(), here.y()))
        outline = self.outline(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        closed = np.vstack([outline, outline[:1]])
        self._outline.setData(closed[:, 0], closed[:, 1])
        if ev.isFinish():
            self._outline.setData([], [])
            self._trace = []
            self.regionDrawn.emit(outline)

    def outline(self, as_rectangle) -> np.ndarray:
        """The outline drawn so far: the traced points, or the rectangle they span."""
        if as_rectangle:
            return rectangle(self._trace[0], self._trace[-1])
        return np.asarray(self._trace, dtype=float)
