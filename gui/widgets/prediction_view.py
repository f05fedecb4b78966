"""Prediction results as a model/view table: thumbnail, file, label, confidence, top-3 bars.

- `PredictionTableModel` holds plain `core.predict.Prediction`s; rows are appended in chunks
  (one beginInsertRows per chunk), so thousands of results cost little.
- Thumbnails are made lazily, only for rows the view actually paints, on a small private
  QThreadPool through the app's one image loader (`core.images.load_image`); results come back
  as QImages (safe off the UI thread) and become QPixmaps in the UI thread, kept in an LRU.
- `PredictionDelegate` paints the top-3 column as labelled bars and error reasons in red.
"""

from __future__ import annotations

import csv
import io
import os
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QRect,
    QRunnable,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from core.calibration import REVIEW_COLUMNS, review_cells
from core.fileio import write_text_atomic

from ..style import COLORS
from ..text import render  # an image's reason (a core Message) in the user's language
from .verdict_text import shown_verdict

THUMBNAIL_SIZE = 64
ROW_HEIGHT = THUMBNAIL_SIZE + 10
PredictionRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2

COL_IMAGE, COL_FILE, COL_LABEL, COL_CONFIDENCE, COL_TOP = range(5)
HEADERS = (  # in English; shown through the "PredictionTableModel" context
    "",
    QT_TRANSLATE_NOOP("PredictionTableModel", "File"),
    QT_TRANSLATE_NOOP("PredictionTableModel", "Prediction"),
    QT_TRANSLATE_NOOP("PredictionTableModel", "Confidence"),
    QT_TRANSLATE_NOOP("PredictionTableModel", "Top 3"),
)


def pil_to_qimage(image) -> QImage:
    """A deep-copied RGB/RGBA QImage of a PIL image (safe to use from any thread)."""
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    fmt = QImage.Format.Format_RGBA8888 if image.mode == "RGBA" else QImage.Format.Format_RGB888
    data = image.tobytes()
    bytes_per_line = image.width * (4 if image.mode == "RGBA" else 3)
    return QImage(data, image.width, image.height, bytes_per_line, fmt).copy()


def qimage_to_pil(image: QImage):
    """An RGB PIL image of a QImage (clipboard paste, dragged image data)."""
    from PIL import Image

    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())[: rgba.sizeInBytes()]
    pil = Image.frombuffer(
        "RGBA", (rgba.width(), rgba.height()), data, "raw", "RGBA", rgba.bytesPerLine(), 1
    )
    return pil.copy()


class _ThumbnailSignals(QObject):
    loaded = Signal(str, QImage)  # source, image (null when the file cannot be read)


class _ThumbnailTask(QRunnable):
    def __init__(self, source: str, size: int, signals: _ThumbnailSignals):
        super().__init__()
        self.source = source
        self.size = size
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        image = QImage()
        try:
            from core.images import load_image

            pil = load_image(self.source, target_size=self.size)
            pil.thumbnail((self.size, self.size))
            image = pil_to_qimage(pil)
        except Exception:  # noqa: BLE001 - unreadable files get the warning icon instead
            image = QImage()
        self.signals.loaded.emit(self.source, image)


class ThumbnailCache(QObject):
    """Small thumbnails made on demand off the UI thread, kept in an LRU of QPixmaps."""

    thumbnailReady = Signal(str)

    def __init__(self, size: int = THUMBNAIL_SIZE, capacity: int = 2000, parent=None):
        super().__init__(parent)
        self.size = size
        self.capacity = capacity
        self._pixmaps: OrderedDict[str, QPixmap | None] = OrderedDict()
        self._pending: set[str] = set()
        self._pool = QThreadPool(self)
        # One thread: thumbnails must never compete with prediction for the CPU.
        self._pool.setMaxThreadCount(1)
        self._signals = _ThumbnailSignals()
        self._signals.loaded.connect(self._on_loaded, Qt.ConnectionType.QueuedConnection)

    def get(self, source: str) -> QPixmap | None:
        """The cached thumbnail; None while it is being made (thumbnailReady follows)."""
        if source in self._pixmaps:
            self._pixmaps.move_to_end(source)
            return self._pixmaps[source]
        if source not in self._pending:
            self._pending.add(source)
            self._pool.start(_ThumbnailTask(source, self.size, self._signals))
        return None

    def has_failed(self, source: str) -> bool:
        return source in self._pixmaps and self._pixmaps[source] is None

    def put(self, source: str, image: QImage) -> None:
        """Store a thumbnail made elsewhere (a pasted image has no file to load)."""
        self._store(
            source,
            image.scaled(
                self.size,
                self.size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            ),
        )

    def clear(self) -> None:
        self._pool.clear()  # drops queued tasks; a running one finishes and is ignored
        self._pending.clear()
        self._pixmaps.clear()

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        self._pool.clear()
        return self._pool.waitForDone(timeout_ms)

    def _store(self, source: str, image: QImage) -> None:
        self._pixmaps[source] = None if image.isNull() else QPixmap.fromImage(image)
        self._pixmaps.move_to_end(source)
        while len(self._pixmaps) > self.capacity:
            self._pixmaps.popitem(last=False)

    @Slot(str, QImage)
    def _on_loaded(self, source: str, image: QImage) -> None:
        if source not in self._pending:
            return  # cleared meanwhile
        self._pending.discard(source)
        self._store(source, image)
        self.thumbnailReady.emit(source)


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


class PredictionTableModel(QAbstractTableModel):
    """Rows of `core.predict.Prediction`, in arrival order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._row_of: dict[str, list[int]] = {}
        self.thumbnails = ThumbnailCache(parent=self)
        self.thumbnails.thumbnailReady.connect(self._on_thumbnail_ready)
        self._warning_icon = None

    # -- contents -------------------------------------------------------------------------------
    def add_predictions(self, predictions: list) -> None:
        if not predictions:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(predictions) - 1)
        for offset, prediction in enumerate(predictions):
            self._rows.append(prediction)
            self._row_of.setdefault(prediction.source, []).append(first + offset)
        self.endInsertRows()

    def set_thumbnail(self, source: str, image: QImage) -> None:
        """A thumbnail for a source that is not a file (e.g. a pasted image)."""
        self.thumbnails.put(source, image)
        self._on_thumbnail_ready(source)

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._row_of.clear()
        self.thumbnails.clear()
        self.endResetModel()

    def predictions(self) -> list:
        return list(self._rows)

    def prediction(self, row: int):
        return self._rows[row]

    def error_count(self) -> int:
        return sum(1 for p in self._rows if p.error)

    # -- export ---------------------------------------------------------------------------------
    def write_csv(self, path: str | os.PathLike, top_k: int = 3) -> Path:
        """One row per prediction: file, label, confidence, top-k labels/scores, error.

        Written atomically (core.fileio.write_text_atomic), with the user's usual permissions;
        DiskWriteError naming the file and the space it needs when the disk refuses (a file
        already there unchanged).
        """
        path = Path(path)
        header = ["file", "label", "confidence"]
        for k in range(1, top_k + 1):
            header += [f"top{k}_label", f"top{k}_confidence"]
        header += ["error", *REVIEW_COLUMNS]
        buffer = io.StringIO()  # whole first: its size is the space the disk must have
        writer = csv.writer(buffer)
        writer.writerow(header)
        for p in self._rows:
            row = [p.source, p.label or "", "" if p.error else f"{p.confidence:.6f}"]
            top = list(p.top_k)[:top_k]
            for k in range(top_k):
                row += [top[k][0], f"{top[k][1]:.6f}"] if k < len(top) else ["", ""]
            row += [p.error or "", *review_cells(p)]
            writer.writerow(row)
        kept = QCoreApplication.translate(
            "PredictionTableModel",
            "The results are still listed here; export them again to another place.",
        )
        return write_text_atomic(path, buffer.getvalue(), kept=kept)

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            text = HEADERS[section]
            return QCoreApplication.translate("PredictionTableModel", text) if text else ""
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role == PredictionRole:
            return self._rows[index.row()]
        answer = self._ROLES.get(int(role))
        if answer is None:
            return None
        return answer(self, self._rows[index.row()], index.column(), index.row())

    # One small method per role: (prediction, column, row) -> the value for that cell.

    def _display(self, p, col: int, _row: int):
        if col == COL_FILE:
            return Path(p.source).name or p.source
        if col == COL_LABEL:  # "Not sure (cat?)", "None of these (closest: cat)": core.calibration
            return shown_verdict(p)
        if col == COL_CONFIDENCE:
            return "" if p.error else _percent(p.confidence)
        if col == COL_TOP:
            if p.error:
                return render(p.error)
            return ", ".join(f"{n} {_percent(s)}" for n, s in p.top_k)
        return None

    def _decoration(self, p, col: int, _row: int):
        if col != COL_IMAGE:
            return None
        pixmap = self.thumbnails.get(p.source)
        if pixmap is None and self.thumbnails.has_failed(p.source):
            return self._warning()
        return pixmap

    def _tooltip(self, p, _col: int, _row: int) -> str:
        if p.error:
            return f"{p.source}\n{render(p.error)}"
        return "\n".join([p.source] + [f"{n}: {_percent(s)}" for n, s in p.top_k])

    def _foreground(self, p, col: int, _row: int):
        if p.error and col in (COL_LABEL, COL_TOP):
            return QBrush(QColor(COLORS["error"]))
        if col == COL_CONFIDENCE and not p.error and p.confidence < 0.5:
            return QBrush(QColor(COLORS["muted"]))
        if col == COL_LABEL and getattr(p, "needs_review", False):
            return QBrush(QColor(COLORS["muted"]))
        return None

    def _font(self, p, col: int, _row: int):
        if col != COL_LABEL or p.error:
            return None
        font = QFont()
        font.setBold(True)
        return font

    def _alignment(self, _p, col: int, _row: int) -> int:
        if col == COL_CONFIDENCE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def _sort_key(self, p, col: int, row: int):
        if col in (COL_CONFIDENCE, COL_TOP):
            return -1.0 if p.error else float(p.confidence)
        if col == COL_LABEL:
            return "\uffff" if p.error else (p.label or "").lower()
        return row if col == COL_IMAGE else (Path(p.source).name or p.source).lower()

    _ROLES = {
        int(Qt.ItemDataRole.DisplayRole): _display,
        int(Qt.ItemDataRole.DecorationRole): _decoration,
        int(Qt.ItemDataRole.ToolTipRole): _tooltip,
        int(Qt.ItemDataRole.ForegroundRole): _foreground,
        int(Qt.ItemDataRole.FontRole): _font,
        int(Qt.ItemDataRole.TextAlignmentRole): _alignment,
        int(SortRole): _sort_key,
    }

    def _warning(self):
        if self._warning_icon is None:
            style = QApplication.style()
            self._warning_icon = style.standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxWarning
            ).pixmap(32, 32)
        return self._warning_icon

    @Slot(str)
    def _on_thumbnail_ready(self, source: str) -> None:
        for row in self._row_of.get(source, ()):
            index = self.index(row, COL_IMAGE)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class PredictionDelegate(QStyledItemDelegate):
    """Paints the top-3 column as bars; everything else the default way."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        prediction = index.data(PredictionRole)
        if index.column() != COL_TOP or prediction is None or prediction.error:
            if index.column() == COL_TOP and prediction is not None and prediction.error:
                self._paint_error(painter, option, render(prediction.error))
                return
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)

        rect = option.rect.adjusted(6, 5, -8, -5)
        entries = list(prediction.top_k)[:3]
        if not entries:
            return
        line_h = rect.height() / 3
        metrics = option.fontMetrics
        name_w = min(max(80, int(rect.width() * 0.45)), 220)
        pct_w = metrics.horizontalAdvance("100.0%") + 6
        bar_w = max(20, min(360, rect.width() - name_w - pct_w - 8))  # long bars read badly
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = (
            option.palette.highlightedText().color() if selected else QColor(COLORS["text"])
        )
        # On a selected row the top-1 bar would vanish into the highlight (the same colour).
        bar_bg = QColor(255, 255, 255, 60) if selected else QColor(COLORS["bar_bg"])
        top_colour = text_color if selected else QColor(COLORS["accent"])
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i, (name, score) in enumerate(entries):
            top = int(rect.top() + i * line_h)
            h = int(line_h)
            name_rect = QRect(rect.left(), top, name_w, h)
            painter.setPen(text_color)
            painter.drawText(
                name_rect,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                metrics.elidedText(str(name), Qt.TextElideMode.ElideRight, name_w - 4),
            )
            bar_h = max(6, min(12, h - 8))
            bar_rect = QRect(rect.left() + name_w + 4, top + (h - bar_h) // 2, bar_w, bar_h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bar_bg)
            painter.drawRoundedRect(bar_rect, 3, 3)
            filled = QRect(bar_rect)
            filled.setWidth(max(1, int(bar_rect.width() * max(0.0, min(1.0, float(score))))))
            painter.setBrush(top_colour if i == 0 else QColor(COLORS["teal"]))
            painter.drawRoundedRect(filled, 3, 3)
            painter.setPen(text_color)
            pct_rect = QRect(bar_rect.right() + 6, top, pct_w, h)
            painter.drawText(
                pct_rect,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                _percent(float(score)),
            )
        painter.restore()

    def _paint_error(self, painter: QPainter, option: QStyleOptionViewItem, message: str) -> None:
        style = option.widget.style() if option.widget else QApplication.style()
        opt = QStyleOptionViewItem(option)
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        painter.save()
        painter.setPen(QColor(COLORS["error"]))
        painter.drawText(
            option.rect.adjusted(6, 4, -6, -4),
            int(
                Qt.AlignmentFlag.AlignLeft
                | Qt.AlignmentFlag.AlignVCenter
                | Qt.TextFlag.TextWordWrap
            ),
            message,
        )
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), ROW_HEIGHT)


class PredictionViewWidget(QTableView):
    """Sortable table of predictions over a `PredictionTableModel`."""

    def __init__(self, model: PredictionTableModel | None = None, parent=None):
        super().__init__(parent)
        self.source_model = model or PredictionTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source_model)
        self.proxy.setSortRole(SortRole)
        self.setModel(self.proxy)
        self.setItemDelegate(PredictionDelegate(self))
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # arrival order until a header click
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: fast
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_IMAGE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(COL_IMAGE, THUMBNAIL_SIZE + 12)
        header.setSectionResizeMode(COL_FILE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_FILE, 240)
        header.setSectionResizeMode(COL_LABEL, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_LABEL, 160)
        header.setSectionResizeMode(COL_CONFIDENCE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(COL_CONFIDENCE, 96)
        header.setSectionResizeMode(COL_TOP, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        self.proxy.rowsInserted.connect(lambda *_: QTimer.singleShot(0, self._share_width))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._share_width()

    def _share_width(self) -> None:
        """Spare width between the file name and the bars, within limits; the verdict as wide
        as its longest visible text needs ("None of these (closest: triangle)"), up to 30 %."""
        width = self.viewport().width()
        header = self.horizontalHeader()
        header.resizeSection(COL_FILE, max(160, min(420, int(width * 0.26))))
        fits = self.sizeHintForColumn(COL_LABEL) + 6 if self.proxy.rowCount() else 0
        header.resizeSection(COL_LABEL, max(120, min(240, int(width * 0.16)), min(fits, int(width * 0.3))))

    def selected_predictions(self) -> list:
        rows = {self.proxy.mapToSource(i).row() for i in self.selectionModel().selectedRows()}
        return [self.source_model.prediction(r) for r in sorted(rows)]
