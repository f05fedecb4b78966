"""Combo boxes and spin boxes in a scrolling form that the mouse wheel does not change by accident.

Qt lets a wheel turned over a combo or spin box change its value even when the box has no
focus, so scrolling down a long form silently changes the settings the pointer passes over.
`guard_wheel(*boxes)` gives each box `Qt.StrongFocus` (a wheel no longer focuses it) and an event
filter that ignores wheel events while it has no focus: the event then goes on to the parent,
and the scroll area scrolls. Once the box has focus (clicked or tabbed into), the wheel works.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class WheelGuard(QObject):
    """An event filter: a wheel event over an unfocused widget is left to its parent."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            event.ignore()  # not accepted: Qt passes it on to the parent (the scroll area)
            return True  # and the box itself never sees it
        return super().eventFilter(watched, event)


def guard_wheel(owner: QObject, *widgets: QWidget) -> WheelGuard:
    """Install one WheelGuard (a child of `owner`) on every widget; returns it."""
    guard = WheelGuard(owner)
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(guard)
    return guard
