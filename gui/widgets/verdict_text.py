"""What the Classify page's Prediction column says, in the user's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from core.calibration import verdict

__all__ = ["shown_verdict"]


def shown_verdict(prediction) -> str:
    """`core.calibration.verdict` in the user's language (context "PredictionTableModel"):
    "Not sure (cat?)", "None of these (closest: cat)", "Unreadable", or the class name (data:
    never translated). In English it is exactly core's text, as in the CSV and the CLI."""
    if prediction.error is not None:
        return QCoreApplication.translate("PredictionTableModel", "Unreadable")
    if getattr(prediction, "unfamiliar", False):
        text = QCoreApplication.translate("PredictionTableModel", "None of these (closest: {label})")
        return text.format(label=prediction.label)
    if getattr(prediction, "not_sure", False):
        text = QCoreApplication.translate("PredictionTableModel", "Not sure ({label}?)")
        return text.format(label=prediction.label)
    return verdict(prediction)
