"""File ▸ Open recent model: the recent model files, filled each time the menu opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMenu, QWidget


class RecentModelsMenu(QMenu):
    """The settings' recent models (most recent first), each opened with `open_model(path)`;
    "Clear list" forgets them."""

    def __init__(self, settings, open_model: Callable[[str], None], parent: QWidget | None = None):
        super().__init__(self.tr("Open &recent model"), parent)
        self.settings = settings
        self.open_model = open_model
        self.aboutToShow.connect(self.fill)
        self.fill()

    def fill(self) -> None:
        self.clear()
        recent = self.settings.recent_models()
        for path in recent:
            action = self.addAction(Path(path).name)  # i18n: ok (a file name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_model(p))
        if recent:
            self.addSeparator()
            self.addAction(self.tr("Clear list"), self._clear)
        else:
            self.addAction(self.tr("No recent models")).setEnabled(False)

    def _clear(self) -> None:
        self.settings.clear_recent_models()
        self.fill()
