"""The Train page's backbone choice: the table of backbones, whether pretrained weights are here,
and importing or downloading them (with a progress dialog)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core import backbones
from core.training import automatic

from ..widgets.wheel_guard import guard_wheel


def format_params(count: int) -> str:
    return f"{count / 1e6:.1f} M" if count >= 1e6 else f"{count / 1e3:.0f} k"


def _weights_text(spec, cached: bool) -> tuple[str, str]:
    """(rich text for the info line, the note under the pretrained box) for `spec`."""
    if spec.weights is None:
        return (
            QCoreApplication.translate("BackbonePanelWidget", "no pretrained weights exist"),
            QCoreApplication.translate(
                "BackbonePanelWidget", "{backbone} has no ImageNet weights; it trains from scratch."
            ).format(backbone=spec.display_name),
        )
    if cached:
        cached_here = QCoreApplication.translate("BackbonePanelWidget", "pretrained weights cached here")
        return (
            f"<span style='color:#13a38a'>{cached_here}</span>",
            QCoreApplication.translate(
                "BackbonePanelWidget", "Starts from ImageNet features: far better with few images."
            ),
        )
    missing = QCoreApplication.translate("BackbonePanelWidget", "pretrained weights not on this computer")
    return (
        f"<span style='color:#b35c00'>{missing}</span>",
        QCoreApplication.translate(
            "BackbonePanelWidget",
            "Unavailable: the ImageNet weights for {backbone} are not cached here. Download them "
            "(needs internet) or import a weights file; until then the model trains from scratch.",
        ).format(backbone=spec.display_name),
    )


class BackbonePanelWidget(QGroupBox):
    """The "Backbone" group, filled from `core.backbones.BACKBONES`.

    Signals: `changed()` (another backbone, or the pretrained box toggled, or weights arrived),
    `importRequested(path)`, `downloadRequested()`, `weightsCancelRequested()` (the progress
    dialog's Cancel)."""

    changed = Signal()
    importRequested = Signal(str)
    downloadRequested = Signal()
    weightsCancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(self.tr("Backbone"), parent)
        self._training = False
        self._weights_dialog: QProgressDialog | None = None
        layout = QVBoxLayout(self)
        self.backbone_combo = QComboBox()
        self.backbone_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.backbone_combo.setMinimumContentsLength(20)
        layout.addWidget(self.backbone_combo)
        self.backbone_info = QLabel()
        self.backbone_info.setWordWrap(True)
        self.backbone_info.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.backbone_info)

        self.pretrained_check = QCheckBox(self.tr("Use pretrained ImageNet weights"))
        layout.addWidget(self.pretrained_check)
        self.pretrained_note = QLabel()
        self.pretrained_note.setObjectName("muted")
        self.pretrained_note.setWordWrap(True)
        self.pretrained_note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.pretrained_note)

        row = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Import weights file…"))
        self.import_button.setToolTip(self.tr(
            "Copy a .pth / .pt / .safetensors file with this backbone's ImageNet weights into the "
            "weights cache (checked against the architecture first)"
        ))
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.setToolTip(self.tr("Download this backbone's ImageNet weights (needs internet)"))
        self.download_button.clicked.connect(self.downloadRequested)
        row.addWidget(self.import_button)
        row.addWidget(self.download_button)
        row.addStretch(1)
        layout.addLayout(row)
        guard_wheel(self, self.backbone_combo)
        self._fill()
        self.backbone_combo.currentIndexChanged.connect(self._on_backbone_combo_changed)
        self.pretrained_check.toggled.connect(self._on_pretrained_check_toggled)

    def _fill(self) -> None:
        self.backbone_combo.clear()
        self.backbone_combo.addItem(self.tr("Automatic: chosen for your images"), automatic.AUTO)
        self.backbone_combo.setItemData(0, self._automatic_text(), Qt.ItemDataRole.ToolTipRole)
        for spec in backbones.BACKBONES:
            self.backbone_combo.addItem(
                f"{spec.display_name}  ·  {format_params(spec.params)}  ·  {spec.gmacs:.2f} GMACs",  # i18n: ok
                spec.name,
            )
            self.backbone_combo.setItemData(
                self.backbone_combo.count() - 1,
                getattr(spec, "description", spec.display_name),
                Qt.ItemDataRole.ToolTipRole,
            )

    # -- reading and setting ---------------------------------------------------------------------
    def backbone_name(self) -> str:
        return self.backbone_combo.currentData() or automatic.AUTO

    def weights_backbone(self) -> str:
        """The backbone whose ImageNet weights the Import and Download buttons handle (for
        Automatic: the one it uses when they are here)."""
        return automatic.weights_backbone(self.backbone_name())

    def _automatic_text(self) -> str:
        return self.tr(
            "Chosen when training starts, from what is on this computer: {pretrained} from its "
            "ImageNet weights when they are here; otherwise {scratch} from scratch, with a "
            "small-image stem for images under {below} px (the network that learned most within "
            "a time budget, on small images and on larger ones)."
        ).format(pretrained=backbones.get_spec(automatic.PRETRAINED_CHOICE).display_name,
                 scratch=backbones.get_spec(automatic.SCRATCH_CHOICE).display_name,
                 below=automatic.SMALL_INPUT_BELOW)  # fmt: skip

    def set_backbone(self, name: str) -> None:
        """Select `name`; ValueError when the table has no such backbone."""
        index = self.backbone_combo.findData(name)
        if index < 0:
            raise ValueError(f"unknown backbone {name!r}")
        self.backbone_combo.setCurrentIndex(index)

    def pretrained(self) -> bool:
        """Whether training starts from the (cached) ImageNet weights."""
        return self.pretrained_check.isEnabled() and self.pretrained_check.isChecked()

    def set_training(self, training: bool) -> None:
        self._training = training
        self.backbone_combo.setEnabled(not training)
        if training:
            self.pretrained_check.setEnabled(False)
            self.import_button.setEnabled(False)
            self.download_button.setEnabled(False)
        else:
            self.refresh()

    def refresh(self) -> None:
        """Show the chosen backbone and whether its weights are here; emits `changed()`."""
        spec = backbones.get_spec(self.weights_backbone())
        cached = spec.weights is not None and backbones.weights_cached(spec.name)
        weights, note = _weights_text(spec, cached)
        if self.backbone_name() == automatic.AUTO:
            self.backbone_info.setText(self.tr("{automatic}<br>{backbone}: {weights}").format(
                automatic=html.escape(self._automatic_text()), backbone=spec.display_name, weights=weights))
        else:
            self.backbone_info.setText(self.tr(
                "{family} · {params} parameters · {gmacs} GMACs at {size} px<br>{weights}"
            ).format(family=spec.family, params=format_params(spec.params), gmacs=f"{spec.gmacs:.2f}",
                     size=spec.default_size, weights=weights))  # fmt: skip
        self.pretrained_check.blockSignals(True)
        self.pretrained_check.setEnabled(cached and not self._training)
        self.pretrained_check.setChecked(cached)
        self.pretrained_check.blockSignals(False)
        self.pretrained_note.setText(note)
        self.pretrained_check.setToolTip(note)
        self.download_button.setEnabled(spec.weights is not None and not cached and not self._training)
        self.import_button.setEnabled(spec.weights is not None and not self._training)
        self.changed.emit()

    # -- the weights dialog ------------------------------------------------------------------------
    def open_weights_dialog(self, text: str, cancellable: bool) -> None:
        """A modal progress dialog while weights are imported or downloaded."""
        dialog = QProgressDialog(text, self.tr("Cancel") if cancellable else "", 0, 0, self)
        dialog.setWindowTitle(self.tr("Pretrained weights"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.weightsCancelRequested)
        self._weights_dialog = dialog
        self.import_button.setEnabled(False)
        self.download_button.setEnabled(False)
        dialog.show()

    @Slot(int, int)
    def show_weights_progress(self, done: int, total: int) -> None:
        dialog = self._weights_dialog
        if dialog is None:
            return
        if total > 0:
            dialog.setRange(0, total)
            dialog.setValue(min(done, total))
            dialog.setLabelText(self.tr("Downloading… {done} of {total} MiB").format(
                done=f"{done / 2**20:.1f}", total=f"{total / 2**20:.1f}"))
        else:
            dialog.setLabelText(self.tr("Downloading… {done} MiB").format(done=f"{done / 2**20:.1f}"))

    def close_weights_dialog(self) -> None:
        dialog = self._weights_dialog
        if dialog is not None:
            self._weights_dialog = None
            dialog.reset()
            dialog.close()
            dialog.deleteLater()

    # -- slots ---------------------------------------------------------------------------------------
    @Slot()
    def _on_backbone_combo_changed(self) -> None:
        self.refresh()

    @Slot(bool)
    def _on_pretrained_check_toggled(self, _checked: bool) -> None:
        self.changed.emit()

    @Slot()
    def _on_import_button_clicked(self) -> None:
        spec = backbones.get_spec(self.weights_backbone())
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import ImageNet weights for {backbone}").format(backbone=spec.display_name),
            str(Path.home()),
            self.tr("Weights (*.pth *.pt *.safetensors);;All files (*)"),
        )
        if path:
            self.importRequested.emit(path)
