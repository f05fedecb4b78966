"""The Results page's "Data audit…" button: audit the training folder with the shown model, and
put the leakage warning next to the validation accuracy when the audit finds copies across the
split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from PySide6.QtCore import QCoreApplication

from . import open_audit_dialog

LEAK_MARK = "⚠ "


def model_of(result: Any, saved_path: str | None):
    """A Classifier for the shown training's model (in memory), else the saved model file."""
    metadata = getattr(result, "metadata", None)
    if getattr(result, "model", None) is not None and metadata is not None:
        from core.predict import Classifier

        return Classifier.from_metadata(result.model, metadata, device=torch.device("cpu"),
                                        name=Path(saved_path).stem if saved_path else "model")  # fmt: skip
    return saved_path


def train_page_cache(page):
    """The Train page's decoded-image cache (its images of the scanned folder, the ones training
    used), found through the main window; None when there is none (the audit makes its own).
    The cache is keyed by path, size and mtime and locked, so sharing it is safe."""
    window = page.window()
    controller = getattr(getattr(window, "train_page", None), "controller", None)
    return getattr(controller, "cache", None)


def open_audit_for_result(page, result: Any, saved_path: str | None, folder: str | None):
    dialog = open_audit_dialog(page, folder or None, model_of(result, saved_path),
                               cache=train_page_cache(page))  # fmt: skip
    dialog.audited.connect(lambda audit: show_leakage(page, audit))
    return dialog


def show_leakage(page, audit) -> None:
    """The warning under the accuracy (the page's `accuracy_caption`), said once."""
    caption = page.accuracy_caption
    text = caption.text().split("\n" + LEAK_MARK)[0]
    warning = audit.leakage_warning()
    if warning:
        leaked = audit.leaked_validation_images
        copied = QCoreApplication.translate(
            "AuditLaunch", "{n} validation image copied in training"
        )
        if leaked != 1:
            copied = QCoreApplication.translate(
                "AuditLaunch", "{n} validation images copied in training"
            )
        text += f"\n{LEAK_MARK}" + copied.format(n=leaked)
    caption.setText(text)
    caption.setToolTip(warning)
