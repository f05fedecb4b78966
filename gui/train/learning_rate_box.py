"""The learning-rate box of the Train page's settings form."""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget


class LearningRateSpinBox(QDoubleSpinBox):
    """A learning-rate box that steps along 1-2-5 per decade; 0 means automatic."""

    LADDER = (1.0, 2.0, 5.0)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDecimals(8)
        self.setRange(0.0, 1.0)
        self.setSpecialValueText(self.tr("Auto"))
        self.setValue(0.0)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        try:
            return float(text)
        except ValueError:
            return 0.0

    def validate(self, text: str, pos: int):
        stripped = text.strip()
        if stripped in ("", "-", ".", "e", "E") or stripped == self.specialValueText():
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            if stripped.lower().endswith(("e", "e-")):
                return QValidator.State.Intermediate, text, pos
            return QValidator.State.Invalid, text, pos
        if 0.0 <= value <= 1.0:
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Invalid, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        value = self.value()
        ladder = [m * 10.0**e for e in range(-7, 1) for m in self.LADDER if m * 10.0**e <= 1.0]
        if value <= 0.0:
            value = 1e-4 if steps > 0 else 0.0
            steps -= 1 if steps > 0 else 0
        for _ in range(abs(steps)):
            if steps > 0:
                value = next((v for v in ladder if v > value * 1.0001), ladder[-1])
            else:
                smaller = [v for v in ladder if v < value * 0.9999]
                value = smaller[-1] if smaller else 0.0
        self.setValue(value)
