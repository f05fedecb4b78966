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
        self.setWindowTitle("Before and after the retrain")
        self.resize(560, 480)
        self.rows = compare_runs(before, after)
        self.changes = list(changes)
        table = QTableWidget(len(self.rows), 4)
        table.setHorizontalHeaderLabels(["", "before", "after", "change"])
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.verticalHeader().hide()
        self.table = table
        changed = "\n".join(f"• {line}" for line in self.changes) or "• nothing (the same data)"
        self.changes_label = QLabel(f"What changed in the data:\n{changed}")
        self.changes_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table, 1)
        layout.addWidget(self.changes_label)
        layout.addWidget(buttons)
