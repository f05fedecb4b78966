"""The one grid of image tiles used by the error galleries (Results) and by review ("Not sure"
images after a sort): `ReviewGridWidget` over a `ReviewGridModel` of `GridItem`s, painted by
`TileDelegate`.

Thumbnails are made lazily off the UI thread (the Classify page's `ThumbnailCache`); an image
that cannot be read any more (moved, deleted or damaged since training) is an error tile. Each
tile shows the true (folder) class, the predicted or suggested class with its confidence, and
the loss where there is one; a class given in review and an exclusion are shown on the tile.

Keyboard first. The grid does not change anything itself: it says what was asked, the dialog
that owns it acts (and may ask to confirm) and updates the items.
- 1-9: `assignRequested(rows, class_name)` (the n-th class of `class_names`)
- X: `excludeRequested(rows)`; Enter: `acceptRequested(rows)` (take the suggestion)
- Ctrl+Z: `undoRequested()`; Space or a double-click: `openRequested(row)` (the larger view)
- arrows move; Shift-click, Ctrl-click and a rubber band select several tiles.
After a key that labels the current tile alone, the next tile becomes current.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QWidget

from ..style import COLORS
from ..text import format_number, format_percent
from .prediction_view import ThumbnailCache

THUMB = 168  # pixels: large enough to judge a photo
TEXT_LINES = 3
PAD = 6

ItemRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class GridItem:
    """One tile. `true_label`: the image's folder class (None: unlabelled); `predicted`: what the
    model said or suggests; `assigned`: a class given in review; `note`: what was done to it."""

    path: str
    true_label: str | None = None
    predicted: str | None = None
    confidence: float | None = None
    loss: float | None = None
    margin: float | None = None
    top_k: tuple[tuple[str, float], ...] = ()
    assigned: str | None = None
    excluded: bool = False
    note: str = ""

    @classmethod
    def from_record(cls, record) -> GridItem:
        """A tile for a `core.review.ImageRecord` (an evaluated image)."""
        return cls(path=record.path, true_label=record.true_label, predicted=record.predicted,
                   confidence=record.confidence, loss=record.loss, margin=record.margin,
                   top_k=tuple(record.top_k))  # fmt: skip

    @property
    def name(self) -> str:
        return os.path.basename(self.path) or self.path


class ReviewGridModel(QAbstractListModel):
    """The tiles, in the order shown; `ItemRole` gives the `GridItem` of a row."""

    def __init__(self, thumbnails: ThumbnailCache, parent=None):
        super().__init__(parent)
        self._items: list[GridItem] = []
        self._rows: dict[str, int] = {}
        self.thumbnails = thumbnails
        thumbnails.thumbnailReady.connect(self._on_thumbnail)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return item.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.path
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return tile_lines(item)[0]
        return None

    def set_items(self, items) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._rows = {item.path: row for row, item in enumerate(self._items)}
        self.endResetModel()

    def items(self) -> list[GridItem]:
        return list(self._items)

    def item(self, row: int) -> GridItem:
        return self._items[row]

    def row_of(self, path: str) -> int | None:
        return self._rows.get(str(path))

    def update_item(self, row: int, **changes) -> GridItem:
        """Change fields of one tile (a new `path` after a move is followed)."""
        old = self._items[row]
        new = replace(old, **changes)
        self._items[row] = new
        if new.path != old.path:
            self._rows.pop(old.path, None)
            self._rows[new.path] = row
        index = self.index(row)
        self.dataChanged.emit(index, index)
        return new

    def _on_thumbnail(self, source: str) -> None:
        row = self._rows.get(source)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index)


def _percent(value: float | None) -> str:
    return "" if value is None else format_percent(value, 0)



def tile_lines(item: GridItem) -> list[str]:
    """The words under a tile: true -> predicted, confidence and loss, what was done."""
    if item.true_label is not None and item.predicted is not None:
        first = f"{item.true_label} → {item.predicted}"
    else:
        first = (QCoreApplication.translate("ReviewGrid", "suggested: {name}").format(
            name=item.predicted) if item.predicted else item.name)
    loss = "" if item.loss is None else QCoreApplication.translate(
        "ReviewGrid", "loss {loss}").format(loss=format_number(item.loss, 2))
    numbers = [x for x in (_percent(item.confidence), loss) if x]
    third = item.note or (QCoreApplication.translate("ReviewGrid", "labelled {name}").format(
        name=item.assigned) if item.assigned else "")
    if item.excluded and not item.note:
        third = QCoreApplication.translate("ReviewGrid", "excluded from training")
    return [first, " · ".join(numbers), third]


class TileDelegate(QStyledItemDelegate):
    """Paints a tile: the thumbnail (or an error tile), a badge for a labelled or excluded
    image, and the lines of `tile_lines`."""

    def __init__(self, thumbnails: ThumbnailCache, parent=None):
        super().__init__(parent)
        self.thumbnails = thumbnails

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt override
        line = QFontMetrics(option.font).height()
        return QSize(THUMB + 2 * PAD, THUMB + 2 * PAD + TEXT_LINES * line)

    def paint(self, painter: QPainter, option, index) -> None:
        item: GridItem = index.data(ItemRole)
        if item is None:
            return
        painter.save()
        rect = option.rect.adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(rect, QColor(COLORS["accent_soft"] if selected else COLORS["base"]))
        pen = QPen(QColor(COLORS["accent"] if selected else COLORS["border"]), 2 if selected else 1)
        painter.setPen(pen)
        painter.drawRect(rect)
        thumb_rect = QRect(rect.left() + PAD - 2, rect.top() + PAD - 2, THUMB, THUMB)
        self._paint_thumbnail(painter, thumb_rect, item)
        self._paint_badge(painter, thumb_rect, item)
        metrics = QFontMetrics(option.font)
        top = thumb_rect.bottom() + 4
        for n, line in enumerate(tile_lines(item)):
            painter.setPen(QColor(COLORS["text"] if n == 0 else COLORS["muted"]))
            if n == 0:
                font = QFont(option.font)
                font.setBold(item.true_label is not None and item.true_label != item.predicted)
                painter.setFont(font)
            else:
                painter.setFont(option.font)
            text = metrics.elidedText(line, Qt.TextElideMode.ElideMiddle, THUMB)
            painter.drawText(QRect(thumb_rect.left(), top + n * metrics.height(), THUMB,
                                   metrics.height()), Qt.AlignmentFlag.AlignLeft, text)  # fmt: skip
        painter.restore()

    def _paint_thumbnail(self, painter: QPainter, rect: QRect, item: GridItem) -> None:
        pixmap = self.thumbnails.get(item.path)
        if pixmap is not None:
            scaled = pixmap.scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)  # fmt: skip
            x = rect.left() + (rect.width() - scaled.width()) // 2
            y = rect.top() + (rect.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
            if item.excluded:
                painter.fillRect(rect, QColor(255, 255, 255, 150))
        elif self.thumbnails.has_failed(item.path):
            painter.fillRect(rect, QColor(COLORS["error_soft"]))
            painter.setPen(QColor(COLORS["error"]))
            text = (self.tr("⚠ missing\n(changed since it was scored)")
                    if not os.path.exists(item.path)
                    else self.tr("⚠ cannot be read\n(changed since it was scored)"))
            painter.drawText(rect.adjusted(6, 6, -6, -6),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             text)  # fmt: skip
        else:
            painter.fillRect(rect, QColor(COLORS["bar_bg"]))

    @staticmethod
    def _paint_badge(painter: QPainter, rect: QRect, item: GridItem) -> None:
        text = (QCoreApplication.translate("TileDelegate", "excluded") if item.excluded
                else (item.assigned or ""))
        if not text:
            return
        metrics = QFontMetrics(painter.font())
        badge = QRect(rect.left() + 4, rect.top() + 4, min(rect.width() - 8,
                      metrics.horizontalAdvance(text) + 12), metrics.height() + 4)  # fmt: skip
        painter.fillRect(badge, QColor(COLORS["muted"] if item.excluded else COLORS["teal"]))
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter,
                         metrics.elidedText(text, Qt.TextElideMode.ElideRight, badge.width() - 8))  # fmt: skip


class ReviewGridWidget(QListView):
    """Image tiles in icon mode; the keys of the module docstring. `class_names` numbers the
    classes for the 1-9 keys."""

    assignRequested = Signal(list, str)  # rows, class name
    excludeRequested = Signal(list)  # rows
    acceptRequested = Signal(list)  # rows
    undoRequested = Signal()
    openRequested = Signal(int)  # row

    def __init__(self, class_names=(), parent: QWidget | None = None):
        super().__init__(parent)
        self.class_names = [str(n) for n in class_names]
        self.thumbnails = ThumbnailCache(size=THUMB, capacity=3000, parent=self)
        self.grid_model = ReviewGridModel(self.thumbnails, self)
        self.setModel(self.grid_model)
        self.setItemDelegate(TileDelegate(self.thumbnails, self))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSpacing(4)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionRectVisible(True)  # rubber band
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setAccessibleName(self.tr("Image tiles"))
        self.doubleClicked.connect(lambda index: self.openRequested.emit(index.row()))

    # -- content ---------------------------------------------------------------------------
    def set_items(self, items) -> None:
        self.grid_model.set_items(items)
        if self.grid_model.rowCount():
            self.setCurrentIndex(self.grid_model.index(0))

    def items(self) -> list[GridItem]:
        return self.grid_model.items()

    def selected_rows(self) -> list[int]:
        """The selected rows in order; the current row when nothing is selected."""
        rows = sorted({i.row() for i in self.selectionModel().selectedIndexes()})
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return rows

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop making thumbnails (call before the grid goes away)."""
        return self.thumbnails.shutdown(timeout_ms)

    # -- keys ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undoRequested.emit()
            return
        rows = self.selected_rows()
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and rows:
            n = key - Qt.Key.Key_1
            if n < len(self.class_names):
                self.assignRequested.emit(rows, self.class_names[n])
                self._advance(rows)
            return
        if plain and key == Qt.Key.Key_X and rows:
            self.excludeRequested.emit(rows)
            self._advance(rows)
            return
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and rows:
            self.acceptRequested.emit(rows)
            self._advance(rows)
            return
        if plain and key == Qt.Key.Key_Space and rows:
            self.openRequested.emit(rows[0])
            return
        super().keyPressEvent(event)

    def _advance(self, rows: list[int]) -> None:
        """After labelling the current tile alone, the next one becomes current."""
        if len(rows) == 1 and rows[0] + 1 < self.grid_model.rowCount():
            self.setCurrentIndex(self.grid_model.index(rows[0] + 1))
