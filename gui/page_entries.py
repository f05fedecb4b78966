"""The main window's pages as the sidebar and the View menu show them, in the order of the PAGE_
numbers of gui/main_window.py. The texts are marked for translation in the "MainWindow" context
and translated where they are shown (`MainWindow.tr`)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

PAGE_ENTRIES = (  # sidebar text, View menu text, icon, shortcut
    (QT_TRANSLATE_NOOP("MainWindow", "Classify"), QT_TRANSLATE_NOOP("MainWindow", "&Classify"),
     "classify", "Ctrl+1"),
    (QT_TRANSLATE_NOOP("MainWindow", "Train"), QT_TRANSLATE_NOOP("MainWindow", "&Train"),
     "train", "Ctrl+2"),
    (QT_TRANSLATE_NOOP("MainWindow", "Results"), QT_TRANSLATE_NOOP("MainWindow", "&Results"),
     "results", "Ctrl+3"),
)  # fmt: skip
