"""What the Classify page shows while no model is loaded: the three ways to get one."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout

from ..text import display_name


class EmptyStateWidget(QFrame):
    """Shown while no model is loaded: the three ways to get one."""

    openModelRequested = Signal()
    trainRequested = Signal()
    imagenetRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        title = QLabel(self.tr("No model loaded yet"), self)
        title.setObjectName("emptyTitle")
        intro = QLabel(
            self.tr("To classify images you need a model. There are three ways to get one:"), self
        )
        intro.setWordWrap(True)

        self.open_button = QPushButton(self.tr("Open model file…"), self)
        self.train_button = QPushButton(self.tr("Train a model…"), self)
        self.imagenet_button = QPushButton(self.tr("Use ImageNet classifier"), self)
        for button in (self.open_button, self.train_button, self.imagenet_button):
            button.setMinimumWidth(200)
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.open_button.clicked.connect(self.openModelRequested)
        self.train_button.clicked.connect(self.trainRequested)
        self.imagenet_button.clicked.connect(self.imagenetRequested)

        open_text = QLabel(
            self.tr("Load a <b>.safetensors</b> model trained with Backbone Studio "
                    "(File ▸ Open model…, Ctrl+Shift+O)."),
            self,
        )
        train_text = QLabel(
            self.tr("On the <b>Train</b> page, choose a folder with one subfolder per class and "
                    "click <b>Start training</b>; when it finishes, click <b>Use for "
                    "classification</b>."),
            self,
        )
        self.imagenet_text = QLabel(self)
        self.waiting_label = QLabel(self)
        self.waiting_label.setObjectName("muted")
        for label in (open_text, train_text, self.imagenet_text, self.waiting_label):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setMinimumWidth(260)

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(14)
        grid.addWidget(self.open_button, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(open_text, 0, 1)
        grid.addWidget(self.train_button, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(train_text, 1, 1)
        grid.addWidget(self.imagenet_button, 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.imagenet_text, 2, 1)
        grid.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.waiting_label)
        layout.addStretch(1)
        self.set_imagenet_backbones([])
        self.set_waiting(0)

    def set_imagenet_backbones(self, names: list[str]) -> None:
        self.imagenet_button.setEnabled(bool(names))
        if names:
            name = html.escape(display_name(names[0]))
            if len(names) > 1:
                text = self.tr("Recognise 1,000 everyday categories with pretrained ImageNet "
                               "weights found on this computer (<b>{name}</b> and {more} more).")
            else:
                text = self.tr("Recognise 1,000 everyday categories with pretrained ImageNet "
                               "weights found on this computer (<b>{name}</b>).")
            self.imagenet_text.setText(text.format(name=name, more=len(names) - 1))
        else:
            self.imagenet_text.setText(self.tr(
                "Needs pretrained ImageNet weights on this computer, and none are there yet. "
                "On the <b>Train</b> page use <b>Import weights file…</b> (a torchvision "
                "<i>.pth</i> file, e.g. resnet18-f37072fd.pth), or run "
                "<code>backbone-studio-cli weights download resnet18</code> while online."
            ))

    def set_waiting(self, count: int) -> None:
        """`count` files or folders (dropped, opened or pasted) wait for a model."""
        self.waiting_label.setVisible(count > 0)
        self.waiting_label.setText(self.tr(
            "%n image(s) or folder(s) wait for a model: they are classified as soon as one is "
            "loaded.", "", count
        ))
