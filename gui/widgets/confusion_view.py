"""Confusion-matrix heat map: counts in every cell, colours normalised per row (per true class).

Row normalisation makes a rare class's mistakes as visible as a common one's: a cell's colour
is the share of that true class predicted as the column's class. Class names are elided to fit
and shown in full in tooltips; the predicted-class names along the top are drawn rotated so
long names stay readable with many classes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ..text import format_percent

LOW = QColor(247, 251, 255)
HIGH = QColor(8, 69, 148)


def row_normalised(confusion: np.ndarray) -> np.ndarray:
    """Each row divided by its sum (rows without samples stay zero)."""
    confusion = np.asarray(confusion, dtype=float)
    sums = confusion.sum(axis=1, keepdims=True)
    return np.divide(confusion, sums, out=np.zeros_like(confusion), where=sums > 0)


def _blend(fraction: float) -> QColor:
    f = min(1.0, max(0.0, fraction)) ** 0.8  # lift small shares a little so they show
    return QColor(
        round(LOW.red() + (HIGH.red() - LOW.red()) * f),
        round(LOW.green() + (HIGH.green() - LOW.green()) * f),
        round(LOW.blue() + (HIGH.blue() - LOW.blue()) * f),
    )


class ConfusionViewWidget(QWidget):
    """Paints a confusion matrix (rows = true class, columns = predicted class). A click on a
    cell emits `cellClicked(true class, predicted class)` (the error gallery opens on it)."""

    cellClicked = Signal(str, str)

    MARGIN = 8
    MIN_CELL = 18
    MAX_CELL = 72
    MAX_LABEL_CHARS_PX = 160

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._confusion = np.zeros((0, 0), dtype=np.int64)
        self._normalised = np.zeros((0, 0))
        self._names: list[str] = []
        self.setMouseTracking(True)
        self.setMinimumSize(240, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Confusion matrix"))

    # -- data ----------------------------------------------------------------------------------

    def set_matrix(self, confusion: Sequence[Sequence[int]] | np.ndarray, class_names: Sequence[str]) -> None:
        matrix = np.asarray(confusion, dtype=np.int64)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] != len(class_names):
            raise ValueError(
                f"confusion matrix of shape {matrix.shape} does not match {len(class_names)} class names"
            )
        self._confusion = matrix
        self._normalised = row_normalised(matrix)
        self._names = [str(n) for n in class_names]
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self.set_matrix(np.zeros((0, 0), dtype=np.int64), [])

    @property
    def class_names(self) -> list[str]:
        return list(self._names)

    @property
    def matrix(self) -> np.ndarray:
        return self._confusion.copy()

    # -- geometry ------------------------------------------------------------------------------

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        if len(self._names) > 12:
            font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        return font

    def _label_extent(self) -> int:
        metrics = QFontMetrics(self._label_font())
        widest = max((metrics.horizontalAdvance(n) for n in self._names), default=0)
        return min(widest + 4, self.MAX_LABEL_CHARS_PX) + 6  # +4: elision rounds up

    def _layout(self) -> tuple[QRect, int, int, int]:
        """(grid rect, cell size, left label width, top label height)."""
        n = max(1, len(self._names))
        title_h = QFontMetrics(self.font()).height() + 4
        left = self._label_extent() + title_h
        top = self._label_extent() + title_h
        avail_w = self.width() - left - 2 * self.MARGIN
        avail_h = self.height() - top - 2 * self.MARGIN
        cell = max(self.MIN_CELL, min(self.MAX_CELL, min(avail_w, avail_h) // n))
        # centre the matrix (with its labels) in the space left over
        dx = max(0, (avail_w - cell * n) // 2)
        dy = max(0, (avail_h - cell * n) // 2)
        grid = QRect(self.MARGIN + left + dx, self.MARGIN + top + dy, cell * n, cell * n)
        return grid, cell, left, top

    def sizeHint(self) -> QSize:
        n = max(2, len(self._names))
        extent = self._label_extent() + QFontMetrics(self.font()).height() + 4
        side = extent + n * 44 + 2 * self.MARGIN
        return QSize(side, side)

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        grid, cell, _, _ = self._layout()
        if not self._names or not grid.contains(pos):
            return None
        return (pos.y() - grid.top()) // cell, (pos.x() - grid.left()) // cell

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(self.rect(), self.palette().base())
        if not self._names:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             self.tr("No confusion matrix yet"))
            return
        grid, cell, left, top = self._layout()
        n = len(self._names)
        label_font = self._label_font()
        label_metrics = QFontMetrics(label_font)
        extent = self._label_extent()

        # cells
        count_font = QFont(self.font())
        count_font.setPointSizeF(max(6.5, min(11.0, cell / 3.6)))
        count_metrics = QFontMetrics(count_font)
        painter.setFont(count_font)
        for i in range(n):
            for j in range(n):
                rect = QRect(grid.left() + j * cell, grid.top() + i * cell, cell, cell)
                fraction = float(self._normalised[i, j])
                colour = _blend(fraction)
                painter.fillRect(rect, colour)
                text = str(int(self._confusion[i, j]))
                if count_metrics.horizontalAdvance(text) <= cell - 2:
                    painter.setPen(QColor("white") if colour.lightness() < 140 else QColor(30, 30, 30))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        # diagonal outline and grid lines
        painter.setPen(QColor(200, 200, 200))
        for k in range(n + 1):
            painter.drawLine(grid.left(), grid.top() + k * cell, grid.right() + 1, grid.top() + k * cell)
            painter.drawLine(grid.left() + k * cell, grid.top(), grid.left() + k * cell, grid.bottom() + 1)

        # class names: rows (true) on the left, columns (predicted) rotated on top
        painter.setFont(label_font)
        painter.setPen(self.palette().text().color())
        for i, name in enumerate(self._names):
            shown = label_metrics.elidedText(name, Qt.TextElideMode.ElideRight, extent - 6)
            row_rect = QRect(grid.left() - extent, grid.top() + i * cell, extent - 6, cell)
            painter.drawText(row_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
            painter.save()
            painter.translate(grid.left() + i * cell + cell / 2, grid.top() - 6)
            painter.rotate(-90)
            half = label_metrics.height() / 2
            painter.drawText(
                QRectF(0, -half, extent - 6, 2 * half),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )
            painter.restore()

        # axis titles
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        title_h = QFontMetrics(title_font).height()
        painter.drawText(
            QRect(grid.left(), self.MARGIN, grid.width(), title_h),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            self.tr("predicted"),
        )
        painter.save()
        painter.translate(self.MARGIN, grid.top() + grid.height() / 2)
        painter.rotate(-90)
        painter.drawText(
            QRectF(-grid.height() / 2, 0, grid.height(), title_h),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            self.tr("true class"),
        )
        painter.restore()
        painter.end()

    def _names_at(self, pos: QPoint) -> tuple[str, str] | None:
        hit = self.cell_at(pos)
        if hit is None or not all(0 <= k < len(self._names) for k in hit):
            return None
        return self._names[hit[0]], self._names[hit[1]]

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        pointing = self._names_at(event.position().toPoint()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if pointing else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        names = self._names_at(event.position().toPoint())
        if names is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cellClicked.emit(*names)
        super().mouseReleaseEvent(event)

    def event(self, event) -> bool:  # noqa: D401 - Qt override for tooltips
        if event.type() == event.Type.ToolTip:
            hit = self.cell_at(event.pos())
            if hit is not None:
                i, j = hit
                if 0 <= i < len(self._names) and 0 <= j < len(self._names):
                    row_total = int(self._confusion[i].sum())
                    QToolTip.showText(
                        event.globalPos(),
                        self.tr("true: {true}\npredicted: {predicted}\n{count} of {total} "
                                "({share})\nClick to see these images").format(
                            true=self._names[i], predicted=self._names[j],
                            count=int(self._confusion[i, j]), total=row_total,
                            share=format_percent(float(self._normalised[i, j]))),
                        self,
                    )
                    return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().event(event)
