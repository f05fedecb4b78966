"""The Train page's "Train for": a run within a time budget, driven through the real widgets, ends
on time; the form's choices reach the training settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.demo import make_demo_dataset

pytestmark = pytest.mark.gui


@pytest.fixture
def page(train_page):
    return train_page


def test_the_form_offers_budgets_and_mirroring(page):
    form = page.settings_form
    labels = [form.budget_combo.itemText(i) for i in range(form.budget_combo.count())]
    assert labels == ["Automatic", "1 min", "5 min", "15 min", "1 hour", "Until done"]
    assert form.values()["time_budget"] == "auto" and form.values()["flip"] is True
    form.budget_combo.setCurrentIndex(form.budget_combo.findText("5 min"))
    assert form.values()["time_budget"] == 300.0
    assert not form.epochs_spin.isEnabled() and form.values()["epochs"] is None
    form.budget_combo.setCurrentIndex(form.budget_combo.findText("Until done"))
    assert form.values()["time_budget"] is None and form.epochs_spin.isEnabled()
    form.flip_check.setChecked(False)
    assert form.values()["flip"] is False
    form.augment_check.setChecked(False)
    assert not form.flip_check.isEnabled()  # no augmentation: nothing to mirror


def test_a_twenty_second_budget_ends_on_time(qtbot, page, tmp_path, one_torch_thread):
    root = make_demo_dataset(tmp_path / "demo", classes=3, per_class=16, size=48)
    page.scan(root)
    qtbot.waitUntil(lambda: not page.is_scanning(), timeout=20000)
    page.set_backbone("resnet18")
    form = page.settings_form
    form.budget_combo.addItem("20 s", 20.0)  # the real combo, with a shorter choice for a test
    form.budget_combo.setCurrentIndex(form.budget_combo.count() - 1)
    assert page.training_config().time_budget == 20.0
    seen_left = []
    page.run_monitor.live_plot  # noqa: B018 - the page is fully built
    with qtbot.waitSignal(page.trainingFinished, timeout=60000) as finished:
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "left" in page.run_monitor.status_label.text(), timeout=30000)
        seen_left.append(page.run_monitor.status_label.text())
    result = finished.args[0]
    assert result.outcome == "finished", result.message
    assert len(result.history) >= 2
    ended = page.run_monitor.status_label.text()
    assert "Finished" in ended, ended
    seconds = page.controller.fit_ended.seconds
    assert 14.0 <= seconds <= 20.0, seconds  # the budget used, and kept
    assert "of 0:20" in seen_left[0], seen_left


def _scan(qtbot, page, root):
    page.scan(root)
    qtbot.waitUntil(lambda: not page.is_scanning(), timeout=20000)
    assert page.scan_result is not None


def _click_in_next_dialog(text: str):
    """Click the button labelled `text` in the modal dialog about to open (run in the loop)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QPushButton

    def click():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, click)
            return
        next(b for b in box.findChildren(QPushButton) if b.text() == text).click()

    QTimer.singleShot(0, click)


def test_a_run_from_scratch_offers_the_pretrained_weights_first(qtbot, page, dataset, monkeypatch):
    _scan(qtbot, page, dataset)
    page.set_backbone("resnet18")  # it has ImageNet weights; none are cached in the tests
    page.assistant._reachable = lambda url: True  # online
    fetched = []
    monkeypatch.setattr(page.controller, "download_weights", fetched.append)
    _click_in_next_dialog("Download")
    assert not page.start_training() and not page.is_training()
    assert fetched == ["resnet18"]  # the download with its progress dialog, not a training
    _click_in_next_dialog("Train from scratch")
    assert page.start_training() and page.is_training()
    page.cancel_training()
    qtbot.waitUntil(lambda: not page.is_training(), timeout=30000)
    assert page.start_training()  # declined once: not asked again this session
    page.cancel_training()
    qtbot.waitUntil(lambda: not page.is_training(), timeout=30000)


def test_offline_it_says_so_once_and_trains_from_scratch(qtbot, page, dataset):
    _scan(qtbot, page, dataset)
    page.set_backbone("resnet18")
    asked = []
    page.assistant._reachable = lambda url: asked.append(url) or False
    assert page.start_training()
    page.run_monitor.flush_log()
    assert page.run_monitor.log_view.toPlainText().count("seems to be offline") == 1
    page.cancel_training()
    qtbot.waitUntil(lambda: not page.is_training(), timeout=30000)
    assert page.start_training()  # said once: the next run neither checks nor says it again
    page.run_monitor.flush_log()
    assert "seems to be offline" not in page.run_monitor.log_view.toPlainText()
    assert len(asked) == 1
    page.cancel_training()
    qtbot.waitUntil(lambda: not page.is_training(), timeout=30000)


def test_find_applies_the_suggested_learning_rate(qtbot, page, tmp_path, monkeypatch, one_torch_thread):
    from tests.weights_helpers import fake_pretrained

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    fake_pretrained("resnet18")
    _scan(qtbot, page, make_demo_dataset(tmp_path / "demo", classes=3, per_class=20, size=32))
    page.set_backbone("resnet18")
    form = page.settings_form
    form.strategy_combo.setCurrentIndex(form.strategy_combo.findData("head"))
    form.size_spin.setValue(32)
    qtbot.mouseClick(form.lr_find_button, Qt.MouseButton.LeftButton)
    dialog = page.assistant.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.finding is not None, timeout=60000)
    assert dialog.finding.suggestion, dialog.finding.message
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert form.lr_spin.value() == pytest.approx(dialog.finding.suggestion, rel=0.01)
    assert page.training_config().learning_rate == pytest.approx(dialog.finding.suggestion, rel=0.01)


def test_the_demos_first_run_takes_about_a_minute(qtbot, page, tmp_path):
    """A first-time demo on a computer without pretrained weights: the form's defaults (Train
    for: Automatic) plan about a minute, not 40 epochs."""
    page.create_demo_dataset(tmp_path / "demo")
    qtbot.waitUntil(lambda: page.scan_result is not None and not page.is_scanning(), timeout=60000)
    assert not page.backbone_panel.pretrained_check.isChecked()  # no weights in the tests
    plan = page.refresh_plan()
    assert plan is not None and plan.time_budget == 60.0, plan
    assert "within 1:00" in page.settings_form.plan_label.text()
