"""Where the demo dataset goes: a parent folder and the name of a new folder in it, with the
resulting path shown before anything is written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .controller import DEMO_SUBFOLDER, demo_target


class DemoFolderDialog(QDialog):
    """"Create demo dataset": the folder to create it in (`parent_edit`, with Choose…) and the new
    folder's name (`name_edit`). `target()` is where the images will go, said in `where_label`
    as it changes; an existing non-empty folder is never written into (a new subfolder is made)."""

    def __init__(self, start_folder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Create demo dataset"))
        self.setMinimumWidth(520)
        intro = QLabel(
            self.tr("A small generated dataset: 4 classes of shapes, 40 images each. It is written "
                    "into a new folder, then scanned, ready to train.")
        )
        intro.setWordWrap(True)
        self.parent_edit = QLineEdit(start_folder)
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self._on_choose_clicked)
        row = QHBoxLayout()
        row.addWidget(self.parent_edit, 1)
        row.addWidget(choose)
        self.name_edit = QLineEdit(DEMO_SUBFOLDER)
        form = QFormLayout()
        form.addRow(self.tr("Create in"), row)
        form.addRow(self.tr("New folder"), self.name_edit)
        self.where_label = QLabel()
        self.where_label.setObjectName("muted")
        self.where_label.setWordWrap(True)
        self.where_label.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.where_label)
        layout.addWidget(self.buttons)
        self.parent_edit.textChanged.connect(self._update)
        self.name_edit.textChanged.connect(self._update)
        self._update()

    def target(self) -> Path | None:
        """The folder the demo images will be written to; None while the inputs are unusable."""
        parent = self.parent_edit.text().strip()
        name = self.name_edit.text().strip()
        if not parent or not name or "/" in name or "\\" in name or name in (".", ".."):
            return None
        return demo_target(Path(parent).expanduser() / name)

    @Slot()
    def _update(self) -> None:
        target = self.target()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(target is not None)
        if target is None:
            self.where_label.setText(self.tr("Give the folder to create it in and a name for the new folder."))
            return
        chosen = Path(self.parent_edit.text().strip()).expanduser() / self.name_edit.text().strip()
        text = self.tr("The demo images will be written to {target}").format(target=target)
        if target != chosen:
            text += self.tr(" ({chosen} is not empty, so a new folder is made inside it)").format(chosen=chosen)
        missing = [p for p in (target.parent, *target.parents) if not p.exists()]
        if missing:
            text += self.tr("; the folders that do not exist yet are created")
        self.where_label.setText(text + self.tr("."))

    @Slot()
    def _on_choose_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Create the demo dataset in"), self.parent_edit.text().strip()
        )
        if folder:
            self.parent_edit.setText(folder)
