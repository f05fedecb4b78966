"""Before / after a retrain: the two runs side by side and what changed in the data."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.review.compare import RunSummary, compare_runs


class CompareRunsDialog(QDialog):
    """Non-modal; `rows` holds what the table shows (what, before, after, change)."""

    def __init__(self, before: RunSummary, after: RunSummary, changes, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Before and after the retrain"))
        self.resize(560, 480)
        self.rows = compare_runs(before, after)
        self.changes = list(changes)
        table = QTableWidget(len(self.rows), 4)
        table.setHorizontalHeaderLabels(["", self.tr("before"), self.tr("after"), self.tr("change")])
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(self._shown(c, text)))
        table.resizeColumnsToContents()
        table.verticalHeader().hide()
        self.table = table
        changed = ("\n".join(f"• {line}" for line in self.changes)
                   or self.tr("• nothing (the same data)"))
        self.changes_label = QLabel(self.tr("What changed in the data:\n{changed}").format(
            changed=changed))
        self.changes_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table, 1)
        layout.addWidget(self.changes_label)
        layout.addWidget(buttons)

    def _shown(self, column: int, text: str) -> str:
        """A cell of core's rows (English words) in the user's language."""
        if column == 0:
            names = {"accuracy": self.tr("accuracy"), "training images": self.tr("training images"),
                     "validation images": self.tr("validation images")}  # fmt: skip
            return names.get(text, text)
        if column == 3 and text.endswith(" points"):
            return self.tr("{change} points").format(change=text[: -len(" points")])
        return text
