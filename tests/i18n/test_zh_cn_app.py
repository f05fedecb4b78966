"""The app in Simplified Chinese: the Train page's titles and buttons, a plan note rendered from
core's message id, the run's words with Chinese plurals; class names in any script unchanged.
And the language's plumbing: LANG=zh_CN.UTF-8 starts the app in Chinese, View ▸ Language is
saved and applied at the next start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_image

from core.events import FitEnded, Logged
from core.training import plan_notes

CLASSES = ("猫", "собака", "Ελληνικά", "chien_é", "كلب")  # Chinese, Cyrillic, Greek, Latin, Arabic
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def zh_page(qtbot, settings, language):
    assert language("zh_CN") == "zh_CN"
    from gui.train import TrainPage

    page = TrainPage(settings.qsettings)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    yield page
    assert page.cancel_and_wait(15000)


def test_the_train_page_speaks_chinese_and_keeps_class_names(qtbot, zh_page, tmp_path):
    page = zh_page
    assert page.start_button.text() == "开始训练" and page.cancel_button.text() == "取消"
    assert page.backbone_panel.title() == "骨干网络"
    assert page.backbone_panel.pretrained_check.text() == "使用 ImageNet 预训练权重"
    assert page.run_monitor.status_label.text() == "选择一个数据集文件夹以开始。"
    for label, name in enumerate(CLASSES):
        for i in range(4):
            make_image(tmp_path / "data" / name / f"{i}.png", index=label + 4 * i, size=24)
    page.scan(tmp_path / "data")
    qtbot.waitUntil(lambda: page.scan_result is not None and not page.is_scanning(), timeout=60000)
    shown = {page.dataset_panel.class_table.item(row, 0).text()
             for row in range(page.dataset_panel.class_table.rowCount())}  # fmt: skip
    assert set(CLASSES) <= shown  # class names are data: never translated or mangled
    plan = page.refresh_plan()
    assert plan is not None
    text = page.settings_form.plan_label.text()
    assert "• 批大小" in text and "• 精度 fp32" in text  # core's notes, from their ids
    assert "Batch size" not in text


def test_the_run_monitor_uses_chinese_words_and_plurals(zh_page):
    monitor = zh_page.run_monitor
    monitor.start_run(3)
    monitor.show_event(FitEnded(outcome="finished", best_epoch=2, best_val_accuracy=0.875,
                                message="", epochs_completed=3, seconds=75.0))  # fmt: skip
    status = monitor.status_label.text()
    assert status == "已完成 · 最佳验证准确率 87.5%（第 2 轮） · 1:15 内完成 3 轮", status
    assert monitor.progress_bar.format() == "完成"
    monitor.show_event(Logged(plan_notes.WORKERS_FROZEN(), "info"))  # a plan note in the log
    monitor.flush_log()
    assert monitor.log_view.toPlainText().endswith("数据加载进程：0（打包的应用）。")


def test_english_keeps_real_plurals(qtbot, settings, language):
    assert language("en") == "en"
    from gui.train.run_monitor import RunMonitorWidget

    monitor = RunMonitorWidget()
    qtbot.addWidget(monitor)
    monitor.start_run(1)
    monitor.show_event(FitEnded(outcome="finished", best_epoch=1, best_val_accuracy=0.5,
                                message="", epochs_completed=1, seconds=3.0))  # fmt: skip
    assert monitor.status_label.text() == "Finished · best validation accuracy 50.0% (epoch 1) · 1 epoch in 0:03"


def test_the_language_menu_saves_the_choice_for_the_next_start(qtbot, settings, language):
    from PySide6.QtWidgets import QMainWindow

    from gui.i18n import SETTING, LanguageMenu, chosen_language

    window = QMainWindow()
    qtbot.addWidget(window)
    menu = LanguageMenu(settings, window)
    menu.confirm = False
    assert chosen_language(settings) == "" and menu.language_actions[""].isChecked()
    menu.language_actions["zh_CN"].trigger()
    assert settings.value(SETTING, "", str) == "zh_CN" and chosen_language(settings) == "zh_CN"
    assert menu.language_actions["zh_CN"].isChecked()
    assert language(None) == "zh_CN"  # the next start: the saved choice wins over the system
    assert {a.text() for a in menu.actions()} >= {"English", "简体中文"}


SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication
from gui.app import create_application
from gui.i18n import current_language
from PySide6.QtCore import QCoreApplication, QLocale
app = create_application(["test"])
print(current_language(), QLocale().name(), QCoreApplication.translate("TrainPage", "Start training"))
"""


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh_CN.UTF-8", "zh_CN zh_CN 开始训练"),
    ("C.UTF-8", "en en_US Start training"),
])  # fmt: skip
def test_the_system_locale_chooses_the_language(tmp_path, lang, expected):
    env = dict(os.environ, LANG=lang, LC_ALL=lang, LANGUAGE="", QT_QPA_PLATFORM="offscreen",
               BACKBONE_STUDIO_CONFIG=str(tmp_path))  # fmt: skip
    env.pop("LC_MESSAGES", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == expected


def test_a_gone_resume_folder_is_said_in_chinese(zh_page, tmp_path):
    from core.resume import FOLDER_GONE

    zh_page.run_monitor.show_error(FOLDER_GONE(folder=tmp_path / "不见了"))
    text = zh_page.run_monitor.error_label.text()
    assert text.startswith("这次训练使用的文件夹") and str(tmp_path / "不见了") in text


def test_a_subclass_finds_the_texts_its_base_class_wrote(qtbot, language, tmp_path):
    """PySide's self.tr() looks a text up under the object's own class; lupdate files it under
    the class whose code holds it. gui.i18n.InheritingTranslator tries the base classes."""
    from PySide6.QtCore import QCoreApplication

    from gui.classify.sort_review import SortReviewDialog

    assert language("zh_CN") == "zh_CN"
    translate = QCoreApplication.translate
    assert translate("SortReviewDialog", "Add to training set") == "加入训练集"  # ReviewDialog's
    assert translate("SortReviewDialog", "{done} of %Ln image(s) reviewed", "", 3) == "已复核 {done}/3 张图像"
    assert translate("NoSuchContext", "Add to training set") == "Add to training set"
    dialog = SortReviewDialog([(str(tmp_path / "a.png"), "猫", 0.5, 0.1)], ["猫", "dog"], tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.add_button.text() == "加入训练集" and dialog.file_button.text() == "归入类别文件夹"
    assert "已复核" in dialog.count_label.text()
