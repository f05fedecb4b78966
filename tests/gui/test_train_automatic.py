"""The Train page's "Automatic" backbone, through the real widgets: the first choice for a new
user, the plan says what it chose and why, a run records the real backbone, and the weights it
would use are the ones offered, downloaded and imported."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.demo import make_demo_dataset

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _no_weights_here(monkeypatch, tmp_path):
    """An empty weights cache, whatever other tests put into the shared one."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))


def _scan(qtbot, page, root):
    page.scan(root)
    qtbot.waitUntil(lambda: not page.is_scanning(), timeout=20000)
    assert page.scan_result is not None


def test_a_new_user_starts_on_automatic(train_page):
    panel = train_page.backbone_panel
    assert panel.backbone_combo.currentData() == "auto"
    assert panel.backbone_combo.itemText(0) == "Automatic: chosen for your images"
    tooltip = panel.backbone_combo.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert "small-image stem for images under 96 px" in tooltip and "ResNet-18 from scratch" in tooltip
    assert "Chosen when training starts" in panel.backbone_info.text()
    assert "ResNet-18: " in panel.backbone_info.text()  # whether its weights are here
    assert not panel.pretrained_check.isEnabled()  # no weights in the tests
    assert panel.weights_backbone() == "resnet18"
    assert train_page.training_config().backbone == "auto"


def test_the_plan_names_the_choice_and_a_run_keeps_the_real_backbone(qtbot, train_page, tmp_path,
                                                                     one_torch_thread):  # fmt: skip
    page = train_page
    _scan(qtbot, page, make_demo_dataset(tmp_path / "demo", classes=3, per_class=10, size=32))
    form = page.settings_form
    form.budget_combo.setCurrentIndex(form.budget_combo.findText("Until done"))
    form.epochs_spin.setValue(1)
    form.size_spin.setValue(32)
    plan = page.refresh_plan()
    assert plan is not None and plan.backbone == "resnet18" and plan.small_input
    shown = form.plan_label.text()
    assert "• Automatic backbone: ResNet-18 from scratch with the small-image stem" in shown
    page.assistant._offline = True  # no download offer in the way
    with qtbot.waitSignal(page.trainingFinished, timeout=90000) as finished:
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.outcome == "finished", result.message
    assert result.metadata.backbone == "resnet18"
    page.run_monitor.flush_log()
    log = page.run_monitor.log_view.toPlainText()
    assert "Training ResNet-18 (Automatic) on" in log and "Automatic backbone: ResNet-18" in log


def test_the_weights_offered_and_downloaded_are_the_ones_it_would_use(qtbot, train_page, tmp_path,
                                                                      monkeypatch):  # fmt: skip
    page = train_page
    _scan(qtbot, page, make_demo_dataset(tmp_path / "demo", classes=3, per_class=6, size=32))
    fetched = []
    monkeypatch.setattr(page.controller, "download_weights", fetched.append)
    assert page.backbone_panel.download_button.isEnabled()
    qtbot.mouseClick(page.backbone_panel.download_button, Qt.MouseButton.LeftButton)
    assert fetched == ["resnet18"]
    page.backbone_panel.close_weights_dialog()
    offered = []
    page.assistant._reachable = lambda url: offered.append(url) or False  # offline
    assert page.assistant.before_start(page.training_config())
    assert offered and "resnet18" in offered[0]
