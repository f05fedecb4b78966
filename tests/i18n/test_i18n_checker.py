"""The AST check for untranslated user-visible strings (tests/i18n/i18n_checker.py): its own
unit tests on small code samples, then the check over every module of gui/."""

from __future__ import annotations

from pathlib import Path

import pytest
from i18n_checker import untranslated, untranslated_in_file

ROOT = Path(__file__).resolve().parents[2]

# Every module of gui/ wraps its user-visible strings, except developer tools a user never
# runs (with the reason).
NOT_USER_FACING = {"gui/screenshots.py": "makes the docs' screenshots (make screenshots)"}
CONVERTED = tuple(
    path.relative_to(ROOT).as_posix()
    for path in sorted((ROOT / "gui").rglob("*.py"))
    if path.relative_to(ROOT).as_posix() not in NOT_USER_FACING
)


@pytest.mark.parametrize("code", [
    'label.setText("Ready to train.")',
    'QPushButton("Start training")',
    'QLabel("Choose a folder", self)',
    'self.setWindowTitle("Help")',
    'button.setToolTip("Stop after the current batch")',
    'menu.addAction("Clear list", self.clear)',
    'QMessageBox.warning(self, "Demo dataset", message)',
    'QMessageBox.warning(self, self.tr("Demo"), "Something broke")',
    'label.setText(f"Training {name} on {device}…")',
    'label.setText("Epoch " + str(n))',
    'label.setText("a" if ok else "Failed")',
    'label.setText("Hello {name}".format(name=name))',
    'box.setSpecialValueText("Auto")',
    'QAction(icon, "&Open", self)',
])  # fmt: skip
def test_a_literal_shown_to_the_user_is_found(code):
    found = untranslated(code)
    assert len(found) == 1 and found[0][0] == 1, found


@pytest.mark.parametrize("code", [
    'label.setText(self.tr("Ready to train."))',
    'label.setText(QCoreApplication.translate("Text", "Ready"))',
    'label.setText(self.tr("Training {name}").format(name=name))',
    'label.setText(self.tr("%n epoch(s)", "", n))',
    'label.setText(message)',
    'label.setText(f"{epoch} · {timing}")',  # no words of its own
    'label.setText("•")',
    'label.setText("")',
    'combo.addItem(self.tr("Auto"), "auto")',  # the item data is not shown
    'obj.setObjectName("primaryButton")',  # not shown
    'button.setShortcut("Ctrl+Return")',
    'label.setText("Backbone Studio")  # i18n: ok',
    'QMessageBox.warning(self, self.tr("Demo"), message)',
    'log.info("Started %s", name)',
])  # fmt: skip
def test_wrapped_or_unshown_text_is_not_reported(code):
    assert untranslated(code) == []


def test_the_check_reports_lines_in_a_multi_line_sample():
    code = (
        "class W(QWidget):\n"
        "    def __init__(self):\n"
        "        self.a = QLabel(self.tr('fine'))\n"
        "        self.b = QLabel(\n"
        "            'not wrapped'\n"
        "        )\n"
    )
    assert untranslated(code) == [(5, "not wrapped")]


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_gui_modules_wrap_every_user_visible_string(module):
    assert untranslated_in_file(ROOT / module) == []


def test_the_check_covers_the_whole_gui():
    assert len(CONVERTED) > 60 and "gui/main_window.py" in CONVERTED
    assert all((ROOT / module).is_file() for module in NOT_USER_FACING)
