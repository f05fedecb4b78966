"""The Train page driven through its real widgets: scanning, training with live plots, cancel,
closing mid-training, and the UI thread staying responsive while a model trains.

Training uses MobileNetV3-Small from scratch at 32 px on a few generated images, so a fit takes
seconds on a CPU. Torch runs single-threaded here: on a shared 2-core machine two intra-op
threads spin-wait on each other (measured 17x slower than one thread under load).
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from core.demo import make_demo_dataset
from core.events import BatchEnded, EpochEnded
from gui.jobs import thread_running
from gui.train import LearningRateSpinBox, TrainPage
from gui.widgets.live_plot import LivePlotWidget, _nice_ceiling, ema
from tests.gui.ui_stall import UiStallMeter

pytestmark = pytest.mark.gui

TINY = "mobilenet_v3_small"


@pytest.fixture
def page(train_page):
    return train_page


def scan(qtbot, page, root):
    page.scan(root)
    qtbot.waitUntil(lambda: not page.is_scanning(), timeout=20000)
    assert page.scan_result is not None, page.dataset_panel.dataset_summary.text()


def tiny_settings(page, epochs: int):
    page.set_backbone(TINY)
    page.settings_form.strategy_combo.setCurrentIndex(page.settings_form.strategy_combo.findData("full"))
    page.settings_form.epochs_spin.setValue(epochs)
    page.settings_form.size_spin.setValue(32)
    assert not page.backbone_panel.pretrained_check.isEnabled()  # no weights are cached in the tests


def test_scan_fills_class_table_problems_and_warnings(qtbot, page, dataset):
    scan(qtbot, page, dataset)
    assert page.dataset_panel.class_table.counts() == {"circle": 10, "rare": 2, "square": 10, "triangle": 10}
    assert page.dataset_panel.problems_table.rowCount() == 1
    assert page.dataset_panel.problems_table.item(0, 0).text().endswith("broken.jpg")
    assert page.dataset_panel.problems_table.item(0, 1).text()  # a reason a person can read
    warnings = [page.dataset_panel.warnings_list.item(i).text() for i in range(page.dataset_panel.warnings_list.count())]
    assert any("rare" in w for w in warnings), warnings
    assert page.dataset_panel.dataset_tabs.tabText(1) == "Problems (1)"
    assert page.start_button.isEnabled()
    # the plan's automatic values are shown in the "Auto" spin boxes
    qtbot.waitUntil(lambda: page.settings_form.epochs_spin.specialValueText() != "Auto", timeout=5000)
    assert page.settings_form.epochs_spin.specialValueText().startswith("Auto (")


def test_dropping_a_folder_scans_it(qtbot, page, dataset):
    """Dropped anywhere on the page, here on the live plot, far from the dataset panel."""
    from tests.gui.test_classify_page import drop_urls

    drop_urls(page.run_monitor.live_plot, [dataset])
    qtbot.waitUntil(lambda: page.scan_result is not None, timeout=20000)
    assert page.dataset_panel.folder_edit.text() == str(dataset)
    assert len(page.scan_result.index.class_names) == 4


def test_a_missing_folder_is_explained(qtbot, page, tmp_path):
    page.scan(tmp_path / "nowhere")
    qtbot.waitUntil(lambda: not page.is_scanning(), timeout=10000)
    assert page.scan_result is None
    assert "nowhere" in page.run_monitor.error_label.text()
    assert not page.start_button.isEnabled()


def test_training_from_the_page_plots_and_finishes_without_stalling_the_ui(
    qtbot, page, dataset, one_torch_thread
):
    scan(qtbot, page, dataset)
    tiny_settings(page, epochs=3)

    with UiStallMeter() as meter, qtbot.waitSignal(page.trainingFinished, timeout=90000) as finished:
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
        assert page.is_training()
        assert not page.backbone_panel.backbone_combo.isEnabled() and page.cancel_button.isEnabled()
    gaps = meter.gaps

    result = finished.args[0]
    assert result.outcome == "finished"
    assert page.outcome == "finished" and not page.is_training()
    assert page.run_monitor.live_plot.step_count > 0
    assert page.run_monitor.live_plot.epoch_count == 3
    assert "epoch 3/3" in page.run_monitor.log_view.toPlainText()
    assert page.backbone_panel.backbone_combo.isEnabled() and not page.cancel_button.isEnabled()
    assert len(gaps) > 20
    longest = max(gaps[1:])  # the first tick can include the click itself
    assert longest < 0.100, f"the UI thread stalled for {longest * 1000:.0f} ms while training"


def test_cancel_ends_with_cancelled_within_seconds(qtbot, page, dataset, one_torch_thread):
    scan(qtbot, page, dataset)
    tiny_settings(page, epochs=200)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.run_monitor.live_plot.epoch_count >= 1, timeout=60000)
    with qtbot.waitSignal(page.trainingFinished, timeout=10000) as finished:
        started = time.monotonic()
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    took = time.monotonic() - started
    assert finished.args[0].outcome == "cancelled"
    assert finished.args[0].model is not None  # the best epoch so far is kept
    assert page.outcome == "cancelled"
    assert "Cancelled" in page.run_monitor.status_label.text()
    assert took < 5.0


def test_closing_mid_training_leaves_no_thread_running(qtbot, page, dataset, one_torch_thread):
    scan(qtbot, page, dataset)
    tiny_settings(page, epochs=200)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.run_monitor.live_plot.step_count >= 1, timeout=60000)
    threads = page.controller.jobs.running()
    assert threads
    page.close()
    assert not [t for t in threads if thread_running(t)]
    assert not page.is_training()


def test_start_without_a_dataset_says_what_to_do(qtbot, page):
    assert not page.start_button.isEnabled()
    assert page.start_training() is False
    assert "dataset" in page.run_monitor.error_label.text().lower()


def test_backbone_picker_reads_the_table_and_explains_missing_weights(page):
    from core.backbones import BACKBONES

    names = [page.backbone_panel.backbone_combo.itemData(i) for i in range(page.backbone_panel.backbone_combo.count())]
    assert names == ["auto", *(spec.name for spec in BACKBONES)]  # Automatic first
    page.set_backbone("resnet18")
    assert not page.backbone_panel.pretrained_check.isEnabled()
    assert "not cached" in page.backbone_panel.pretrained_note.text()
    assert "GMACs" in page.backbone_panel.backbone_info.text()
    assert page.backbone_panel.download_button.isEnabled() and page.backbone_panel.import_button.isEnabled()


def test_live_plot_smoothing_and_ranges(qtbot):
    plot = LivePlotWidget()
    qtbot.addWidget(plot)
    losses = [2.0, 1.0, 1.5, 0.5, float("nan"), 0.25]
    for i, loss in enumerate(losses):
        plot.add_batch(BatchEnded(epoch=1, batch=i + 1, batches=6, step=i + 1, loss=loss,
                                  learning_rate=1e-3, images_per_second=10.0))  # fmt: skip
    expected = ema(losses, plot.smoothing)
    assert plot.step_count == 6
    assert plot.smoothed_losses() == pytest.approx(expected, nan_ok=True)
    assert expected[0] == pytest.approx(2.0)  # bias-corrected: the first value is not pulled to 0
    assert expected[4] == expected[3]  # a NaN loss keeps the previous level
    plot.add_epoch(EpochEnded(epoch=1, epochs=3, stage="full", train_loss=1.0, train_accuracy=0.5,
                              val_loss=0.9, val_accuracy=0.6, per_class=(), confusion=(),
                              seconds=1.0, images_per_second=10.0, is_best=True))  # fmt: skip
    assert plot.epoch_count == 1
    plot.clear()
    assert plot.step_count == 0 and plot.epoch_count == 0
    assert [_nice_ceiling(v) for v in (0.9, 1.2, 2.6, 31)] == [1.0, 1.5, 3.0, 50.0]


def turn_wheel(widget, notches: int) -> bool:
    """Turn the mouse wheel over `widget` (positive: up); True when the widget took the event."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def test_the_wheel_changes_combo_and_spin_boxes_only_once_they_have_focus(qtbot, page):
    """Scrolling down the settings must not change the boxes the pointer passes over."""
    strategy = page.settings_form.strategy_combo
    epochs = page.settings_form.epochs_spin
    strategy.setCurrentIndex(0)
    epochs.setValue(10)
    page.activateWindow()
    page.dataset_panel.folder_edit.setFocus()
    qtbot.waitUntil(page.dataset_panel.folder_edit.hasFocus, timeout=5000)
    for box in (strategy, epochs, page.backbone_panel.backbone_combo):
        assert box.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a wheel does not focus it
        assert not box.hasFocus()
        assert not turn_wheel(box, -1)  # not taken: Qt hands it on to the scroll area
    assert strategy.currentIndex() == 0 and epochs.value() == 10

    strategy.setFocus()
    qtbot.waitUntil(strategy.hasFocus, timeout=5000)
    assert turn_wheel(strategy, -1)
    assert strategy.currentIndex() == 1  # down: the next strategy
    epochs.setFocus()
    qtbot.waitUntil(epochs.hasFocus, timeout=5000)
    assert turn_wheel(epochs, 1)
    assert epochs.value() == 11


def test_learning_rate_box_steps_along_1_2_5(qtbot):
    box = LearningRateSpinBox()
    qtbot.addWidget(box)
    assert box.text() == "Auto"
    box.stepBy(1)
    assert box.value() == pytest.approx(1e-4)
    box.stepBy(2)
    assert box.value() == pytest.approx(5e-4)
    box.stepBy(-2)
    assert box.value() == pytest.approx(1e-4)
    box.stepBy(-100)  # stepping below the smallest rate returns to automatic
    assert box.value() == 0.0 and box.text() == "Auto"
    box.lineEdit().setText("3e-4")
    assert box.valueFromText(box.text()) == pytest.approx(3e-4)


def test_import_weights_enables_pretrained_and_bad_files_are_explained(
    qtbot, page, tmp_path, monkeypatch
):
    import torch

    from tests.weights_helpers import fake_state_dict

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))  # a private weights cache
    shown: list[str] = []
    monkeypatch.setattr(
        "gui.train.page.QMessageBox.warning", lambda parent, title, text: shown.append(text)
    )
    page.set_backbone(TINY)
    assert not page.backbone_panel.pretrained_check.isEnabled()

    bad = tmp_path / "not-weights.pth"
    bad.write_bytes(b"definitely not a checkpoint")
    page.import_weights_file(bad)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert "not-weights.pth" in shown[0]
    assert not page.backbone_panel.pretrained_check.isEnabled()

    good = tmp_path / "mobilenet.pth"
    torch.save(fake_state_dict(TINY), good)
    page.import_weights_file(good)
    qtbot.waitUntil(page.backbone_panel.pretrained_check.isEnabled, timeout=20000)
    assert page.backbone_panel.pretrained_check.isChecked()
    assert "cached here" in page.backbone_panel.backbone_info.text()
    assert len(shown) == 1


def _interrupted_training(root, epochs: int, stop_after: int):
    """What a crash leaves behind: a checkpoint, where the app keeps it, of a training of the
    tiny model on `root` that stopped after `stop_after` of `epochs` epochs."""
    from core.dataset import scan_folder
    from core.events import CancelToken
    from core.resume import app_checkpoint_path
    from core.training import TrainConfig, Trainer

    path = app_checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    cancel = CancelToken()

    def stop(event):
        if isinstance(event, EpochEnded) and event.epoch >= stop_after:
            cancel.cancel()  # the checkpoint of this epoch is still written

    config = TrainConfig(backbone=TINY, strategy="full", pretrained=False, epochs=epochs,
                         image_size=32, device="cpu", checkpoint=str(path))  # fmt: skip
    result = Trainer(config, scan_folder(root).index, callbacks=[stop]).fit(cancel=cancel)
    assert result.outcome == "cancelled" and path.is_file()
    return path


def _opened_page(qtbot, settings) -> TrainPage:
    """A Train page as the app opens it (the banner is decided when the page is made)."""
    page = TrainPage(settings.qsettings)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    return page


def test_an_interrupted_training_is_offered_and_resumes_where_it_stopped(
    qtbot, settings, dataset, one_torch_thread
):
    from core.backbones import get_spec

    path = _interrupted_training(dataset, epochs=3, stop_after=1)
    page = _opened_page(qtbot, settings)
    assert page.resume_banner.isVisible()
    text = page.resume_banner.resume_label.text()
    assert get_spec(TINY).display_name in text and str(dataset) in text
    assert "1 of 3 epochs done" in text
    with qtbot.waitSignal(page.trainingFinished, timeout=90000) as finished:
        qtbot.mouseClick(page.resume_banner.resume_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.outcome == "finished"
    assert [e.epoch for e in result.history] == [1, 2, 3]  # epoch 1 from before, then 2 and 3
    assert "Resuming after epoch 1 of 3" in page.run_monitor.log_view.toPlainText()
    assert page.scan_result is not None and str(page.scan_result.index.root) == str(dataset)
    assert not page.resume_banner.isVisible()
    assert path.is_file()  # kept until the model is saved or discarded
    assert page.cancel_and_wait(15000)


def test_an_interrupted_training_can_be_discarded_and_bad_ones_are_not_offered(
    qtbot, settings, dataset, tmp_path, one_torch_thread
):
    import shutil

    path = _interrupted_training(dataset, epochs=2, stop_after=1)
    page = _opened_page(qtbot, settings)
    assert page.resume_banner.isVisible()
    qtbot.mouseClick(page.resume_banner.discard_checkpoint_button, Qt.MouseButton.LeftButton)
    assert not path.exists() and not page.resume_banner.isVisible()

    moved = tmp_path / "moved-away"
    shutil.copytree(dataset, moved)
    _interrupted_training(moved, epochs=2, stop_after=1)
    shutil.rmtree(moved)  # the folder it trained on is gone
    page = _opened_page(qtbot, settings)
    assert page.resume_banner.isVisible()
    qtbot.mouseClick(page.resume_banner.resume_button, Qt.MouseButton.LeftButton)
    assert "is not there any more" in page.run_monitor.error_label.text() and str(moved) in page.run_monitor.error_label.text()
    assert not page.is_scanning() and not page.is_training()

    path.write_bytes(b"not a checkpoint: damaged, or from something else")
    page = _opened_page(qtbot, settings)
    assert not page.resume_banner.isVisible()
    page.flush_log()
    assert "cannot be used" in page.run_monitor.log_view.toPlainText()  # said in the log, not in a dialog


def test_resume_is_dropped_when_another_folder_is_scanned_meanwhile(qtbot, settings, dataset,
                                                                     tmp_path, one_torch_thread):  # fmt: skip
    path = _interrupted_training(dataset, epochs=2, stop_after=1)
    other = make_demo_dataset(tmp_path / "other", classes=2, per_class=4, size=32)
    page = _opened_page(qtbot, settings)
    assert page.resume_interrupted_training()
    page.scan(other)  # the person drops another folder before the rescan is done
    qtbot.waitUntil(lambda: not page.is_scanning() and page.scan_result is not None, timeout=20000)
    qtbot.wait(100)
    assert str(page.scan_result.index.root) == str(other)
    assert not page.is_training()  # never resumed on the wrong folder
    assert page.resume_banner.isVisible() and path.is_file()  # still on offer


def test_the_running_trainings_checkpoint_is_not_deleted_under_it(qtbot, page, dataset,
                                                                  one_torch_thread):  # fmt: skip
    from core.resume import app_checkpoint_path as checkpoint_path

    scan(qtbot, page, dataset)
    tiny_settings(page, epochs=200)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(checkpoint_path().is_file, timeout=60000)  # written after the first epoch
    page.forget_checkpoint()  # e.g. an older model was saved from the Results page meanwhile
    assert checkpoint_path().is_file()
    with qtbot.waitSignal(page.trainingFinished, timeout=10000) as finished:
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].outcome == "cancelled"
    assert checkpoint_path().is_file()  # kept: the cancelled model is not saved yet
