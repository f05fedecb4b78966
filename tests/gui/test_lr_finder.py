"""The learning-rate finder dialog: it sweeps in the background, plots loss against learning rate
on a log axis, marks the suggestion and hands it on in one click; closing it stops the sweep."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt

from core.dataset import scan_folder
from core.demo import make_demo_dataset
from core.training import TrainConfig
from gui.train.lr_finder_dialog import LrFinderDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def index(tmp_path, monkeypatch):
    from tests.weights_helpers import fake_pretrained

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    fake_pretrained("resnet18")
    return scan_folder(make_demo_dataset(tmp_path / "shapes", classes=3, per_class=20, size=32)).index


def test_the_sweep_is_plotted_and_its_suggestion_applied(qtbot, index):
    config = TrainConfig(backbone="resnet18", strategy="head", pretrained=True, image_size=32)
    dialog = LrFinderDialog(config, index)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.finding is not None, timeout=60000)
    finding = dialog.finding
    xs, ys = dialog.curve.getData()
    assert len(xs) >= 5 and all(math.isfinite(y) for y in ys)
    assert dialog.plot.getPlotItem().ctrl.logXCheck.isChecked()  # a log axis for the rates
    assert finding.suggestion is not None, finding.message
    assert dialog.marker.isVisible()
    assert dialog.marker.value() == pytest.approx(math.log10(finding.suggestion))
    assert dialog.status_label.text() == finding.message
    with qtbot.waitSignal(dialog.applied) as applied:
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert applied.args[0] == pytest.approx(finding.suggestion)


def test_closing_during_the_sweep_stops_it(qtbot, index):
    config = TrainConfig(backbone="resnet18", pretrained=False, image_size=32, batch_size=2)
    dialog = LrFinderDialog(config, index)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress_bar.value() >= 1, timeout=60000)
    dialog.reject()
    assert not dialog.is_running() and dialog.finding is None
