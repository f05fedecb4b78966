"""Help ▸ Backbone Studio Help (F1): how each page is used, and every keyboard shortcut."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

HOW_TO = (
    (QT_TRANSLATE_NOOP("HelpDialog", "Classify"), (
        QT_TRANSLATE_NOOP("HelpDialog", "Load a model: <b>File ▸ Open model…</b>, a recent one, one you just trained, or the "
        "ImageNet classifier when its weights are on this computer."),
        QT_TRANSLATE_NOOP("HelpDialog", "Drop images or folders anywhere on the page, or use <b>Open images…</b>, <b>Open "
        "folder…</b> or <b>Paste</b>. Folders are searched recursively; files already in the "
        "list are not added twice."),
        QT_TRANSLATE_NOOP("HelpDialog", "Double-click a row to see the image large with its top 3; right-click it to open the "
        "file, show it in its folder or copy its path."),
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Export CSV…</b> saves the list, one row per image."),
    )),
    (QT_TRANSLATE_NOOP("HelpDialog", "Train"), (
        QT_TRANSLATE_NOOP("HelpDialog", "Choose or drop a folder with one subfolder of images per class, or click <b>Create demo "
        "dataset…</b> to try it out. The folder is scanned: images per class, files that cannot "
        "be used and why, and warnings."),
        QT_TRANSLATE_NOOP("HelpDialog", "Pick a backbone (with pretrained ImageNet weights if they are here) and press "
        "<b>Start training</b>. Every setting has an automatic value, shown as “Auto (n)”."),
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Cancel</b> keeps the best model so far and offers <b>Resume training</b>; an "
        "unfinished training is also offered after the app was closed."),
    )),
    (QT_TRANSLATE_NOOP("HelpDialog", "Results"), (
        QT_TRANSLATE_NOOP("HelpDialog", "Accuracy, per-class precision, recall and F1, the confusion matrix and the curves of "
        "the latest training."),
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Save model…</b> writes one .safetensors file; <b>Use for classification</b> loads "
        "it on the Classify page. <b>Evaluate a model on a folder…</b> scores a saved model."),
    )),
)

# "&Open" and Chinese "打开(&O)": the accelerator marks, not words
_ACCELERATOR = re.compile(r"\(&\w\)|&")


BUTTON_SHORTCUTS = ((QT_TRANSLATE_NOOP("HelpDialog", "Start training (Train page)"), "Ctrl+Return"),)


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(what, keys) for every action with a shortcut, menu mnemonics and dots removed, and the
    buttons' own shortcuts."""
    rows = []
    for action in actions:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys:
            what = _ACCELERATOR.sub("", action.text()).rstrip("…").rstrip(".")
            rows.append((what, keys))
    for what, keys in BUTTON_SHORTCUTS:
        rows.append((_tr(what), QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)))
    return rows


def _tr(text: str) -> str:
    """The help's texts are marked with QT_TRANSLATE_NOOP above and translated when shown."""
    return QCoreApplication.translate("HelpDialog", text)


def help_html(shortcuts: list[tuple[str, str]]) -> str:
    parts = ["<h2>Backbone Studio</h2>"]
    for page, steps in HOW_TO:
        parts.append(f"<h3>{_tr(page)}</h3><ul>")
        parts += [f"<li>{_tr(step)}</li>" for step in steps]
        parts.append("</ul>")
    shortcuts_title = QCoreApplication.translate("HelpDialog", "Keyboard shortcuts")
    parts.append(f"<h3><a name='shortcuts'></a>{shortcuts_title}</h3><table cellpadding='3'>")
    for what, keys in shortcuts:
        parts.append(f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(what)}</td></tr>")
    parts.append("</table>")
    return "\n".join(parts)


class HelpDialog(QDialog):
    """Non-modal help: the how-to for each page, then the shortcuts (`show_shortcuts()` scrolls
    there)."""

    def __init__(self, shortcuts: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Backbone Studio Help"))
        self.resize(640, 620)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(help_html(shortcuts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def show_shortcuts(self) -> None:
        self.browser.scrollToAnchor("shortcuts")
