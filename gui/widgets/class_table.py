"""Tables of classes: image counts with a proportional bar (Train page) and per-class
precision / recall / F1 / support (Results page). Both sort by any column."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from core.events import ClassMetrics

BAR_ROLE = Qt.ItemDataRole.UserRole + 1  # float in [0, 1]: how full the bar is
BAR_COLOUR = QColor(66, 133, 244)
WARN_COLOUR = QColor(230, 145, 56)


class BarDelegate(QStyledItemDelegate):
    """Paints a horizontal bar filling BAR_ROLE of the cell (and the cell's text over it)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        fraction = index.data(BAR_ROLE)
        if fraction is None:
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        rect = option.rect.adjusted(4, 5, -4, -5)
        width = round(rect.width() * max(0.0, min(1.0, float(fraction))))
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        colour = colour.color() if hasattr(colour, "color") else BAR_COLOUR
        painter.fillRect(QRect(rect.left(), rect.top(), width, rect.height()), colour)
        painter.restore()


class _NumberItem(QTableWidgetItem):
    """Sorts by its number, not by its text."""

    def __init__(self, value: float, text: str):
        super().__init__(text)
        self.setData(Qt.ItemDataRole.UserRole, float(value))
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if mine is None or theirs is None:
            return super().__lt__(other)
        return mine < theirs


def _read_only_table(table: QTableWidget, headers: list[str]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)


class ClassCountTableWidget(QTableWidget):
    """Class name, number of images and a bar relative to the largest class.

    Classes with fewer than `tiny` images are drawn in orange, with a tooltip saying why.
    """

    def __init__(self, parent: QWidget | None = None, tiny: int = 5):
        super().__init__(parent)
        self.tiny = tiny
        _read_only_table(self, ["Class", "Images", ""])
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 120)
        self.setItemDelegateForColumn(2, BarDelegate(self))
        self.setAccessibleName("Classes and image counts")

    def set_counts(self, counts: Mapping[str, int]) -> None:
        self.setSortingEnabled(False)
        self.setRowCount(0)
        largest = max(counts.values(), default=0)
        self.setRowCount(len(counts))
        for row, (name, count) in enumerate(counts.items()):
            name_item = QTableWidgetItem(name)
            name_item.setToolTip(name)
            count_item = _NumberItem(count, f"{count:,}")
            bar_item = _NumberItem(count, "")
            bar_item.setData(BAR_ROLE, count / largest if largest else 0.0)
            if count < self.tiny:
                reason = (
                    "no images: this class cannot be learned"
                    if count == 0
                    else f"only {count} image(s): too few to learn or validate this class well"
                )
                for item in (name_item, count_item):
                    item.setForeground(WARN_COLOUR.darker(130))
                    item.setToolTip(f"{name}: {reason}")
                bar_item.setForeground(WARN_COLOUR)
            self.setItem(row, 0, name_item)
            self.setItem(row, 1, count_item)
            self.setItem(row, 2, bar_item)
        self.setSortingEnabled(True)

    def counts(self) -> dict[str, int]:
        """What the table shows, in display order."""
        return {
            self.item(r, 0).text(): int(self.item(r, 1).data(Qt.ItemDataRole.UserRole))
            for r in range(self.rowCount())
        }


class ClassMetricsTableWidget(QTableWidget):
    """Per-class precision, recall, F1 (with a bar) and support."""

    HEADERS = ["Class", "Precision", "Recall", "F1", "", "Support"]

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        _read_only_table(self, self.HEADERS)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 90)
        self.setItemDelegateForColumn(4, BarDelegate(self))
        self.setAccessibleName("Per-class precision, recall and F1")

    def set_metrics(self, metrics: Iterable[ClassMetrics]) -> None:
        metrics = list(metrics)
        self.setSortingEnabled(False)
        self.setRowCount(len(metrics))
        for row, m in enumerate(metrics):
            name_item = QTableWidgetItem(m.name)
            name_item.setToolTip(m.name)
            self.setItem(row, 0, name_item)
            for column, value in ((1, m.precision), (2, m.recall), (3, m.f1)):
                self.setItem(row, column, _NumberItem(value, f"{100 * value:.1f}%"))
            bar = _NumberItem(m.f1, "")
            bar.setData(BAR_ROLE, m.f1)
            if m.support and m.f1 < 0.5:
                bar.setForeground(WARN_COLOUR)
            self.setItem(row, 4, bar)
            self.setItem(row, 5, _NumberItem(m.support, f"{m.support:,}"))
        self.setSortingEnabled(True)

    def row_values(self) -> list[tuple[str, float, float, float, int]]:
        """(name, precision, recall, f1, support) per displayed row."""
        out = []
        for r in range(self.rowCount()):
            def num(c: int, row: int = r) -> float:
                return float(self.item(row, c).data(Qt.ItemDataRole.UserRole))

            out.append((self.item(r, 0).text(), num(1), num(2), num(3), int(num(5))))
        return out
