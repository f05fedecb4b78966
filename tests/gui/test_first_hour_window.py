"""The first-hour issue (#18) across the window and the Results page: Discard that discards,
class names that get the room, saved models' permissions, help, the last model reopened, and the
resume offer seen from every page."""

from __future__ import annotations

import os
import stat
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from core.backbones import build_model, get_spec
from core.events import EpochEnded
from core.metrics import accuracy, per_class_metrics
from core.modelfile import TrainingRecord, new_metadata
from core.training import FitResult
from gui.main_window import PAGE_CLASSIFY, PAGE_RESULTS, PAGE_TRAIN, MainWindow
from gui.results import ResultsPage
from tests.gui.test_train_page import _interrupted_training

pytestmark = pytest.mark.gui

LONG_CLASSES = ("caterpillar-larva", "chrysalis-pupa", "monarch-butterfly")


def fit_result(classes=LONG_CLASSES, epochs: int = 3, done: int = 3, outcome: str = "finished",
               message: str = "Finished.", checkpoint=None) -> FitResult:  # fmt: skip
    spec = get_spec("mobilenet_v3_small")
    matrix = np.array([[4, 1, 0], [0, 5, 0], [1, 0, 4]])
    history = [
        EpochEnded(epoch=n, epochs=epochs, stage="full", train_loss=1.0 / n, train_accuracy=0.8,
                   val_loss=1.0 / n, val_accuracy=accuracy(matrix),
                   per_class=per_class_metrics(matrix, classes),
                   confusion=tuple(tuple(int(v) for v in row) for row in matrix),
                   seconds=1.0, images_per_second=10.0, is_best=n == done)  # fmt: skip
        for n in range(1, done + 1)
    ]
    model = build_model(spec.name, num_classes=len(classes)).eval()
    metadata = new_metadata(spec.name, classes, 32, spec.mean, spec.std,
                            record=TrainingRecord(train_config={"backbone": spec.name}, metrics={}))  # fmt: skip
    return FitResult(outcome, message, model, metadata, history, best_epoch=done, checkpoint=checkpoint)


@pytest.fixture
def window(qtbot, settings):
    window = MainWindow(settings, reopen_last_model=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window
    window.shutdown(5000)


# -- item 4: Discard discards ----------------------------------------------------------------------
def test_discard_clears_the_results_page_before_the_new_training(window, monkeypatch):
    window.train_page.trainingFinished.emit(fit_result())
    assert window.results_page.has_unsaved_model() and window.results_page.save_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Discard)
    assert window.train_page.confirm_start()  # what Start training asks first
    page = window.results_page
    assert not page.has_unsaved_model()
    assert not page.save_button.isEnabled() and not page.use_button.isEnabled()
    assert page.stack.currentWidget() is page.empty_label
    assert not window.save_model_action.isEnabled()


def test_a_resumed_training_takes_the_cancelled_model_off_the_results_page(window):
    window.train_page.trainingFinished.emit(fit_result(outcome="cancelled", done=2))
    assert window.results_page.has_unsaved_model()
    window.train_page.trainingStarted.emit()  # Resume: no question, the run continues that model
    assert not window.results_page.has_unsaved_model()
    assert not window.results_page.save_button.isEnabled()


# -- item 9: class names get the room first ------------------------------------------------------
def test_class_names_are_not_elided_at_1024x700(qtbot, window):
    window.resize(1024, 700)
    window.train_page.trainingFinished.emit(fit_result())
    qtbot.wait(100)
    table = window.results_page.metrics_panel.metrics_table
    needed = max(table.fontMetrics().horizontalAdvance(name) for name in LONG_CLASSES)
    assert table.columnWidth(0) >= needed + 8
    assert table.columnWidth(0) > table.columnWidth(4)  # the name before the bar


# -- item 11: a saved model gets the usual permissions -------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_saved_model_gets_the_users_usual_permissions(qtbot, tmp_path):
    page = ResultsPage()
    qtbot.addWidget(page)
    page.show_result(fit_result())
    old = os.umask(0o022)
    try:
        saved = page.save_model(tmp_path / "caterpillars.safetensors")
    finally:
        os.umask(old)
    assert saved is not None and stat.S_IMODE(os.stat(saved).st_mode) == 0o644  # was 0o600


# -- items 7 and 15 on Results: the display name, plurals, no command-line hint -----------------
def test_results_name_the_backbone_count_right_and_offer_resume_not_a_file(qtbot, tmp_path):
    page = ResultsPage()
    qtbot.addWidget(page)
    checkpoint = tmp_path / "last-training.ckpt"
    message = (f"Cancelled at epoch 1, batch 3. The best weights so far (epoch 1, validation "
               f"accuracy 60.0%) are kept; resume from {checkpoint}.")  # fmt: skip
    page.show_result(fit_result(epochs=40, done=1, outcome="cancelled", message=message,
                                checkpoint=checkpoint))  # fmt: skip
    assert page.title_label.text() == f"{get_spec('mobilenet_v3_small').display_name} · 3 classes"
    subtitle = page.subtitle_label.text()
    assert "1 epoch ·" in subtitle and "(s)" not in subtitle
    assert ".ckpt" not in subtitle and "Train page can resume it" in subtitle
    assert page.metrics_panel.problems_hint.is_shown()  # an empty Problems tab says "None"
    assert page.metrics_panel.curves.loss_plot.viewRange()[0][1] < 2  # the axis ends at epoch 1


# -- item 16: help, the last model, the resume offer everywhere ----------------------------------
def test_f1_opens_help_with_each_page_and_every_shortcut(qtbot, window):
    assert window.help_action.shortcut() == QKeySequence("F1")
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    if window.help_dialog is None:  # no window manager: deliver the shortcut by hand
        window.help_action.trigger()
    dialog = window.help_dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.browser.toPlainText()
    for heading in ("Classify", "Train", "Results", "Keyboard shortcuts"):
        assert heading in text
    for action in (window.open_images_action, window.save_model_action, window.page_actions[1]):
        assert action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) in text
    dialog.close()


def test_the_last_model_is_opened_again_at_start(qtbot, settings, tiny_model_file, wait_for):
    settings.add_recent_model(tiny_model_file)
    loaded = []

    def make():
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.classify_page.classifierChanged.connect(loaded.append)
        window.show()
        loaded.append(window)

    make()
    qtbot.waitUntil(lambda: len(loaded) > 1, timeout=30000)
    window = loaded[0]
    assert window.classify_page.model_path == str(tiny_model_file.resolve())
    window.shutdown(5000)


def test_the_resume_offer_is_seen_from_every_page(qtbot, settings, dataset, one_torch_thread):
    _interrupted_training(dataset, epochs=3, stop_after=1)
    window = MainWindow(settings, reopen_last_model=False)
    qtbot.addWidget(window)
    window.show()
    notice = window.resume_notice
    for page, shown in ((PAGE_CLASSIFY, True), (PAGE_RESULTS, True), (PAGE_TRAIN, False)):
        window.show_page(page)
        assert notice.isVisible() is shown, page  # the Train page has its own banner
    assert window.train_page.resume_banner.isVisible()
    window.show_page(PAGE_RESULTS)
    with qtbot.waitSignal(window.train_page.trainingFinished, timeout=90000):
        qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
        assert window.current_page() == PAGE_TRAIN
    assert not notice.offer()  # resumed: nothing on offer any more
    window.show_page(PAGE_CLASSIFY)
    assert not notice.isVisible()
    window.shutdown(10000)
