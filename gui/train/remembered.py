"""What the Train page remembers between runs of the app: the backbone, strategy and device last
trained with, and the dataset folder last scanned (scanned again when the page opens)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from core.training.automatic import AUTO


class RememberedChoices:
    """The Train page's keys in the app's QSettings (None: nothing is remembered, in tests)."""

    def __init__(self, settings: QSettings | None):
        self.settings = settings

    def value(self, key: str, default: Any = None) -> Any:
        if self.settings is None:
            return default
        value = self.settings.value(key, default)
        return default if value is None else value

    def set_value(self, key: str, value: Any) -> None:
        if self.settings is not None:
            self.settings.setValue(key, value)

    def restore(self, backbone_panel, settings_form, dataset_panel) -> Path | None:
        """Select the remembered backbone, strategy and device; returns the remembered dataset
        folder when it is still there (for the page to scan), else None."""
        backbone = self.value("training/backbone", AUTO)  # new users: chosen for their images
        index = backbone_panel.backbone_combo.findData(backbone)
        backbone_panel.backbone_combo.setCurrentIndex(max(0, index))
        settings_form.restore(self.value("training/strategy", "auto"),
                              self.value("training/device", "auto"))  # fmt: skip
        folder = self.value("folders/dataset", "")
        dataset_panel.start_folder = str(folder or Path.home())
        if isinstance(folder, str) and folder and Path(folder).is_dir():
            return Path(folder)
        return None

    def save_choices(self, backbone: str, strategy: str, device: str) -> None:
        self.set_value("training/backbone", backbone)
        self.set_value("training/strategy", strategy)
        self.set_value("training/device", device)

    def save_dataset(self, folder: str) -> None:
        self.set_value("folders/dataset", folder)
