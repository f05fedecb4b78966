"""The body of the Results page: per-class metrics, unreadable files, the confusion matrix and
the training curves."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QSplitter, QTabWidget, QWidget

from ..widgets.class_table import ClassMetricsTableWidget
from ..widgets.confusion_view import ConfusionViewWidget
from ..widgets.empty_hint import EmptyHint
from ..widgets.live_plot import LivePlotWidget

MAX_CONFUSION_CLASSES = 30  # beyond this, classes that never occur are left out of the matrix


class MetricsPanelWidget(QSplitter):
    """Metrics table and problems (tabs) beside the confusion matrix; curves underneath."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setChildrenCollapsible(False)
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.setChildrenCollapsible(False)
        self.side_tabs = QTabWidget()
        self.metrics_table = ClassMetricsTableWidget()
        self.metrics_table.setMinimumWidth(360)
        self.problems_list = QListWidget()
        self.problems_list.setWordWrap(True)
        self.problems_hint = EmptyHint(self.problems_list,
                                       self.tr("None: every image could be read."))
        self.side_tabs.addTab(self.metrics_table, self.tr("Per class"))
        self.side_tabs.addTab(self.problems_list, self.tr("Problems"))
        upper.addWidget(self.side_tabs)
        self.confusion_view = ConfusionViewWidget()
        upper.addWidget(self.confusion_view)
        upper.setStretchFactor(0, 1)
        upper.setStretchFactor(1, 1)
        self.addWidget(upper)
        self.curves = LivePlotWidget()
        self.curves.setMinimumHeight(200)
        self.addWidget(self.curves)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

    def show_metrics(self, per_class, confusion, class_names) -> None:
        """Per-class rows and, when its shape fits the class names, the confusion matrix."""
        self.metrics_table.set_metrics(per_class)
        if confusion is None or len(class_names) != len(confusion):
            self.confusion_view.clear()
            return
        matrix = np.asarray(confusion, dtype=np.int64)
        # Hide classes that never occur in large label sets (e.g. 1000 ImageNet classes).
        if len(class_names) > MAX_CONFUSION_CLASSES:
            keep = [i for i in range(len(class_names)) if matrix[i].sum() or matrix[:, i].sum()]
            matrix = matrix[np.ix_(keep, keep)]
            class_names = [class_names[i] for i in keep]
        self.confusion_view.set_matrix(matrix, class_names)

    def show_history(self, history) -> None:
        """The training curves; hidden when there is no history (an evaluation)."""
        self.curves.setVisible(bool(history))
        self.curves.set_history(list(history))

    def show_problems(self, problems) -> None:
        """(path, reason) pairs of files that could not be read."""
        self.problems_list.clear()
        for path, reason in problems:
            self.problems_list.addItem(f"{path}: {reason}")
        count = len(problems)
        self.side_tabs.setTabText(1, self.tr("Problems ({count})").format(count=count) if count
                                  else self.tr("Problems"))  # fmt: skip
