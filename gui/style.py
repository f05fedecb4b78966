"""The app's look: Fusion style, a light palette, and a short style sheet keyed on object names.

Widgets opt in by object name (`setObjectName("sidebar")`, ...) so nothing here changes a
widget that did not ask for it. Colours are shared with painted widgets through `COLORS`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICONS = RESOURCES / "icons"

COLORS = {
    "accent": "#2b5fd9",
    "accent_soft": "#dbe4f8",
    "teal": "#13a38a",
    "text": "#1f2430",
    "muted": "#5b6472",
    "border": "#c9d0dc",
    "window": "#f4f6fa",
    "base": "#ffffff",
    "error": "#c62828",
    "error_soft": "#fdecea",
    "bar_bg": "#e6eaf2",
}

STYLE_SHEET = f"""
QListWidget#sidebar {{
    background: #e9edf5;
    border: none;
    border-right: 1px solid {COLORS["border"]};
    padding-top: 8px;
    outline: 0;
}}
QListWidget#sidebar::item {{
    padding: 10px 8px;
    margin: 2px 6px;
    border-radius: 6px;
    color: {COLORS["text"]};
}}
QListWidget#sidebar::item:selected {{
    background: {COLORS["base"]};
    color: {COLORS["accent"]};
    border-left: 4px solid {COLORS["accent"]};
    font-weight: 600;
}}
QListWidget#sidebar::item:hover:!selected {{
    background: {COLORS["accent_soft"]};
}}
QFrame#dropZone {{
    border: 2px dashed {COLORS["border"]};
    border-radius: 10px;
    background: {COLORS["base"]};
}}
QFrame#dropZone[dragActive="true"] {{
    border-color: {COLORS["accent"]};
    background: {COLORS["accent_soft"]};
}}
QFrame#emptyState {{
    border: 1px solid {COLORS["border"]};
    border-radius: 10px;
    background: {COLORS["base"]};
}}
QLabel#pageTitle {{
    font-size: 18pt;
    font-weight: 600;
    color: {COLORS["text"]};
}}
QLabel#muted {{
    color: {COLORS["muted"]};
}}
QLabel#emptyTitle {{
    font-size: 14pt;
    font-weight: 600;
    color: {COLORS["text"]};
}}
"""


def app_icon() -> QIcon:
    """The application icon at every size we ship (falls back to the SVG)."""
    icon = QIcon()
    for png in sorted(ICONS.glob("backbone-studio-*.png")):
        icon.addFile(str(png))
    if icon.isNull():
        icon = QIcon(str(ICONS / "backbone-studio.svg"))
    return icon


def page_icon(name: str) -> QIcon:
    """A sidebar icon: resources/icons/<name>.svg (empty icon if missing)."""
    path = ICONS / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def apply_style(app: QApplication) -> None:
    """Fusion + a light palette + the style sheet, so the app looks the same everywhere."""
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(COLORS["window"]))
    palette.setColor(QPalette.ColorRole.Base, QColor(COLORS["base"]))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f9fc"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(COLORS["text"]))
    palette.setColor(QPalette.ColorRole.Text, QColor(COLORS["text"]))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(COLORS["text"]))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(COLORS["accent"]))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(COLORS["muted"]))
    # setColor(role, ...) above set every colour group: grey out disabled text again.
    disabled = QColor("#9aa3b0")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)
