"""The data audit in the GUI: `DataAuditDialog` (findings, embedding map, Exclude from training)
and `open_audit_dialog(parent, folder, model)`, the hook the Results page calls."""

from __future__ import annotations

from .dialog import DataAuditDialog
from .map_view import EmbeddingMapWidget


def open_audit_dialog(parent, folder=None, model=None, cache=None) -> DataAuditDialog:
    """Open (non-modal) an audit of `folder` with `model` (a Classifier, a model file, or None);
    the audit starts at once when the folder is known. `cache`: a DecodedImageCache to reuse."""
    dialog = DataAuditDialog(folder, model, parent)
    dialog.cache = cache
    dialog.show()
    if folder is not None:
        dialog.start()
    return dialog


__all__ = ["DataAuditDialog", "EmbeddingMapWidget", "open_audit_dialog"]
