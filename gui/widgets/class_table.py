"""Tables of classes: image counts with a proportional bar (Train page) and per-class
precision / recall / F1 / support (Results page). Both sort by any column."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, QRect, Qt
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

from ..text import format_number, format_percent

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


class _NameFirstTable(QTableWidget):
    """A class table whose name column (0) gets the width first: as wide as the longest name
    needs, as far as the number columns (as narrow as their numbers and titles allow) leave
    room; the bar column (`BAR_COLUMN`, stretched) takes what is left and gives way first."""

    BAR_COLUMN = 2
    MIN_BAR = 24
    MIN_NAME = 60

    def _setup_columns(self) -> None:
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(8)
        for column in range(self.columnCount()):
            stretch = column == self.BAR_COLUMN
            mode = QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(column, mode)

    def _title(self, column: int) -> str:
        item = self.horizontalHeaderItem(column)
        return item.text() if item is not None else ""

    def fit_name_column(self) -> None:
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        numbers = 0
        for column in range(1, self.columnCount()):
            if column != self.BAR_COLUMN:
                width = max(self.sizeHintForColumn(column),
                            metrics.horizontalAdvance(self._title(column)) + 14)  # fmt: skip
                header.resizeSection(column, width)
                numbers += width
        names = [self.item(r, 0).text() for r in range(self.rowCount()) if self.item(r, 0)]
        needed = max(metrics.horizontalAdvance(t) for t in [*names, self._title(0)]) + 24
        room = self.viewport().width() - numbers
        name = needed if room - needed >= self.MIN_BAR else min(needed, room)
        header.resizeSection(0, max(self.MIN_NAME, name))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_name_column()


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


class ClassCountTableWidget(_NameFirstTable):
    """Class name, number of images and a bar relative to the largest class.

    Classes with fewer than `tiny` images are drawn in orange, with a tooltip saying why.
    """

    def __init__(self, parent: QWidget | None = None, tiny: int = 5):
        super().__init__(parent)
        self.tiny = tiny
        _read_only_table(self, [self.tr("Class"), self.tr("Images"), ""])
        self._setup_columns()
        self.setItemDelegateForColumn(2, BarDelegate(self))
        self.setAccessibleName(self.tr("Classes and image counts"))

    def set_counts(self, counts: Mapping[str, int]) -> None:
        self.setSortingEnabled(False)
        self.setRowCount(0)
        largest = max(counts.values(), default=0)
        self.setRowCount(len(counts))
        for row, (name, count) in enumerate(counts.items()):
            name_item = QTableWidgetItem(name)
            name_item.setToolTip(name)
            count_item = _NumberItem(count, format_number(count))
            bar_item = _NumberItem(count, "")
            bar_item.setData(BAR_ROLE, count / largest if largest else 0.0)
            if count < self.tiny:
                reason = (
                    self.tr("no images: this class cannot be learned")
                    if count == 0
                    else self.tr("only %n image(s): too few to learn or validate this class well",
                                 "", count)
                )
                for item in (name_item, count_item):
                    item.setForeground(WARN_COLOUR.darker(130))
                    item.setToolTip(f"{name}: {reason}")
                bar_item.setForeground(WARN_COLOUR)
            self.setItem(row, 0, name_item)
            self.setItem(row, 1, count_item)
            self.setItem(row, 2, bar_item)
        self.setSortingEnabled(True)
        self.fit_name_column()

    def counts(self) -> dict[str, int]:
        """What the table shows, in display order."""
        return {
            self.item(r, 0).text(): int(self.item(r, 1).data(Qt.ItemDataRole.UserRole))
            for r in range(self.rowCount())
        }


class ClassMetricsTableWidget(_NameFirstTable):
    """Per-class precision, recall, F1 (with a bar) and support."""

    HEADERS = [QT_TRANSLATE_NOOP("ClassMetricsTableWidget", "Class"),
               QT_TRANSLATE_NOOP("ClassMetricsTableWidget", "Precision"),
               QT_TRANSLATE_NOOP("ClassMetricsTableWidget", "Recall"), "F1", "",
               QT_TRANSLATE_NOOP("ClassMetricsTableWidget", "Support")]
    BAR_COLUMN = 4

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        _read_only_table(self, [self.tr(h) if h else h for h in self.HEADERS])
        self._setup_columns()
        self.setItemDelegateForColumn(4, BarDelegate(self))
        self.setAccessibleName(self.tr("Per-class precision, recall and F1"))

    def set_metrics(self, metrics: Iterable[ClassMetrics]) -> None:
        metrics = list(metrics)
        self.setSortingEnabled(False)
        self.setRowCount(len(metrics))
        for row, m in enumerate(metrics):
            name_item = QTableWidgetItem(m.name)
            name_item.setToolTip(m.name)
            self.setItem(row, 0, name_item)
            for column, value in ((1, m.precision), (2, m.recall), (3, m.f1)):
                self.setItem(row, column, _NumberItem(value, format_percent(value)))
            bar = _NumberItem(m.f1, "")
            bar.setData(BAR_ROLE, m.f1)
            if m.support and m.f1 < 0.5:
                bar.setForeground(WARN_COLOUR)
            self.setItem(row, 4, bar)
            self.setItem(row, 5, _NumberItem(m.support, format_number(m.support)))
        self.setSortingEnabled(True)
        self.fit_name_column()

    def row_values(self) -> list[tuple[str, float, float, float, int]]:
        """(name, precision, recall, f1, support) per displayed row."""
        out = []
        for r in range(self.rowCount()):
            def num(c: int, row: int = r) -> float:
                return float(self.item(row, c).data(Qt.ItemDataRole.UserRole))

            out.append((self.item(r, 0).text(), num(1), num(2), num(3), int(num(5))))
        return out
