"""The first-hour issue (#18) on the Train page: stale state, cancel and resume, demo data,
plots, words. Real widgets; tiny trainings on generated images (MobileNetV3-Small, 32 px)."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QDialog, QPlainTextEdit

from core.backbones import get_spec
from core.events import EpochEnded, FitEnded, FitPlan, FitStarted
from gui.widgets.live_plot import LivePlotWidget
from tests.gui.test_train_page import TINY, _interrupted_training, _opened_page, scan, tiny_settings

pytestmark = pytest.mark.gui


@pytest.fixture
def page(train_page):
    return train_page


def epoch_event(n: int, epochs: int, accuracy: float = 0.5) -> EpochEnded:
    return EpochEnded(epoch=n, epochs=epochs, stage="full", train_loss=1.0 / n, train_accuracy=accuracy,
                      val_loss=1.1 / n, val_accuracy=accuracy, per_class=(), confusion=(), seconds=1.0,
                      images_per_second=10.0, is_best=True)  # fmt: skip


def plan(backbone: str = "resnet18", epochs: int = 40) -> FitPlan:
    return FitPlan(backbone=backbone, strategy="full", pretrained=False, small_input=True, device="cpu",
                   device_name="CPU", precision="fp32", image_size=32, batch_size=16, epochs=epochs,
                   learning_rate=1e-3, num_train=40, num_val=10, class_names=("a", "b"))  # fmt: skip


# -- item 3: one state, never stale ----------------------------------------------------------------
def test_an_unusable_folder_clears_the_last_runs_status_bar_and_curves(qtbot, page, tmp_path):
    controller = page.controller
    for n in (1, 2, 3):  # what a finished run left on the page
        controller.eventEmitted.emit(epoch_event(n, 3, accuracy=1.0))
    controller.eventEmitted.emit(FitEnded(outcome="finished", message="Finished 3 epochs.", best_epoch=3,
                                          best_val_accuracy=1.0, epochs_completed=3, seconds=12.0))
    monitor = page.run_monitor
    assert monitor.status_label.text().startswith("Finished") and monitor.progress_bar.format() == "Done"

    page.scan(tmp_path / "nowhere")
    qtbot.waitUntil(lambda: not page.is_scanning(), timeout=10000)
    assert "Finished" not in monitor.status_label.text()
    assert monitor.progress_bar.value() == 0 and monitor.progress_bar.format() != "Done"
    assert monitor.live_plot.epoch_count == 0
    assert "nowhere" in monitor.error_label.text()  # said once, here ...
    assert "nowhere" not in page.dataset_panel.dataset_summary.text()  # ... not twice
    assert page.dataset_panel.dataset_summary.text() == "No dataset yet."
    assert not page.start_button.isEnabled()


def test_the_remembered_folder_is_scanned_again_when_the_page_opens(qtbot, settings, dataset):
    settings.qsettings.setValue("folders/dataset", str(dataset))
    page = _opened_page(qtbot, settings)
    qtbot.waitUntil(lambda: page.scan_result is not None and not page.is_scanning(), timeout=20000)
    assert page.dataset_panel.folder_edit.text() == str(dataset)
    assert page.dataset_panel.dataset_summary.text() != "No dataset yet."
    assert page.start_button.isEnabled()
    assert page.cancel_and_wait(10000)


# -- items 7 and 12: cancel offers Resume there; a resumed run shows its own settings and history ---
def test_cancel_offers_resume_right_there_and_the_resumed_run_shows_its_whole_history(
    qtbot, page, dataset, one_torch_thread
):
    scan(qtbot, page, dataset)
    tiny_settings(page, epochs=6)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.run_monitor.live_plot.epoch_count >= 1, timeout=60000)
    with qtbot.waitSignal(page.trainingFinished, timeout=20000) as finished:
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].outcome == "cancelled"
    page.flush_log()
    log = page.run_monitor.log_view.toPlainText()
    assert ".ckpt" not in log and "resume from" not in log  # no command-line hint ...
    assert page.resume_banner.isVisible() and page.resume_banner.resume_button.isEnabled()  # ... a button

    form = page.settings_form  # the person changes the form meanwhile
    form.epochs_spin.setValue(40)
    form.strategy_combo.setCurrentIndex(form.strategy_combo.findData("auto"))
    with qtbot.waitSignal(page.trainingFinished, timeout=90000) as resumed:
        qtbot.mouseClick(page.resume_banner.resume_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(page.is_training, timeout=20000)
        assert form.epochs_spin.value() == 6 and form.strategy() == "full"  # the run's own settings
    assert resumed.args[0].outcome == "finished"
    assert page.run_monitor.live_plot.epoch_count == 6  # the epochs before the cancel too
    assert [e.epoch for e in resumed.args[0].history] == [1, 2, 3, 4, 5, 6]


def test_a_resumed_training_shows_its_settings_not_the_forms_automatic_ones(
    qtbot, settings, dataset, one_torch_thread
):
    _interrupted_training(dataset, epochs=3, stop_after=1)
    page = _opened_page(qtbot, settings)
    form = page.settings_form
    assert form.epochs_spin.value() == 0  # the form says "Auto" before
    plans = []
    page.controller.fitPlanned.connect(plans.append)
    with qtbot.waitSignal(page.trainingFinished, timeout=90000):
        assert page.resume_interrupted_training()
        qtbot.waitUntil(lambda: bool(plans), timeout=30000)
        assert form.epochs_spin.value() == 3 and form.size_spin.value() == 32
        assert form.strategy() == "full" and page.backbone_name() == TINY
    assert page.run_monitor.live_plot.epoch_count == 3  # epoch 1 (before) is on the curves too
    qtbot.wait(400)  # a plan the form might still ask for would have arrived by now
    assert form.epochs_spin.value() == 3
    assert page.cancel_and_wait(15000)


# -- item 10: the demo data goes into a folder the person names -----------------------------------
def test_the_demo_dialog_makes_a_new_folder_and_says_where(qtbot, tmp_path):
    from gui.train.demo_dialog import DemoFolderDialog

    dialog = DemoFolderDialog(str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("my-first-dataset")
    assert dialog.target() == tmp_path / "my-first-dataset"
    assert str(tmp_path / "my-first-dataset") in dialog.where_label.text()
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"x")
    dialog.name_edit.setText("photos")  # not empty: never written into, a subfolder is made
    assert dialog.target().parent == tmp_path / "photos"
    assert "not empty" in dialog.where_label.text() and str(dialog.target()) in dialog.where_label.text()
    dialog.name_edit.setText("")
    assert dialog.target() is None and not dialog.buttons.buttons()[0].isEnabled()


def test_create_demo_dataset_writes_a_new_named_folder_scans_it_and_says_where(
    qtbot, page, tmp_path, monkeypatch
):
    from gui.train.demo_dialog import DemoFolderDialog

    def fill_and_accept(dialog):
        dialog.parent_edit.setText(str(tmp_path / "not-yet"))
        dialog.name_edit.setText("shapes-demo")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DemoFolderDialog, "exec", fill_and_accept)
    monkeypatch.setattr("gui.train.dataset_panel.QFileDialog.getExistingDirectory", lambda *a, **k: "")
    qtbot.mouseClick(page.dataset_panel.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.scan_result is not None and not page.is_scanning(), timeout=30000)
    target = tmp_path / "not-yet" / "shapes-demo"
    assert str(page.scan_result.index.root) == str(target)
    assert page.dataset_panel.note_label.isVisible()
    assert str(target) in page.dataset_panel.note_label.text()


# -- item 14: plots --------------------------------------------------------------------------------
@pytest.fixture
def plot(qtbot):
    widget = LivePlotWidget()
    qtbot.addWidget(widget)
    widget.resize(700, 420)
    widget.show()
    return widget


def test_plot_legends_sit_outside_the_points_and_the_axes_do_not_touch(plot, qtbot):
    for n in (1, 2):
        plot.add_epoch(epoch_event(n, 2, accuracy=0.99))
    plot._redraw()
    qtbot.wait(50)
    loss_box = plot.loss_plot.vb.sceneBoundingRect()
    acc_box = plot.acc_plot.vb.sceneBoundingRect()
    for legend, box in ((plot._loss_legend, loss_box), (plot._acc_legend, acc_box)):
        assert not legend.sceneBoundingRect().intersects(box)
    # the loss axis' "0" and the accuracy axis' "100" are a line of text apart at least
    assert acc_box.top() - loss_box.bottom() >= plot.fontMetrics().height()


def test_epoch_ticks_are_whole_epochs(plot):
    axis = plot.acc_plot.getAxis("bottom")
    for low, high in ((0, 2.04), (0, 1.02), (0, 8.16), (0, 40.8)):
        values = [v for _spacing, level in axis.tickValues(low, high, 600) for v in level]
        assert values and all(float(v).is_integer() for v in values), (high, values)


def test_the_epoch_axis_ends_where_a_cancelled_run_stopped(plot, qtbot):
    plot.set_planned_epochs(40)
    for n in range(1, 9):
        plot.add_epoch(epoch_event(n, 40))
    plot._redraw()
    assert plot.loss_plot.viewRange()[0][1] > 39
    plot.end_run(8)
    plot._redraw()
    assert plot.loss_plot.viewRange()[0][1] < 9
    plot.set_history([epoch_event(n, 40) for n in range(1, 9)])  # a cancelled result's curves
    assert plot.loss_plot.viewRange()[0][1] < 9


# -- item 15: words --------------------------------------------------------------------------------
def test_the_run_speaks_of_display_names_real_plurals_and_says_things_once(page):
    monitor = page.run_monitor
    monitor.start_run(1)
    monitor.show_event(FitStarted(plan("resnet18", epochs=1)))
    assert "ResNet-18" in monitor.status_label.text() and "resnet18" not in monitor.status_label.text()
    monitor.show_event(epoch_event(1, 1))
    monitor.show_event(FitEnded(outcome="finished", best_epoch=1, best_val_accuracy=0.5,
                                message="Finished 1 epochs; best validation accuracy 50.0% at epoch 1.",
                                epochs_completed=1, seconds=3.0))  # fmt: skip
    monitor.flush_log()
    log = monitor.log_view.toPlainText()
    assert "resnet18" not in log and get_spec("resnet18").display_name in log
    assert "(s)" not in log and "(s)" not in monitor.status_label.text()
    assert "1 epoch in" in monitor.status_label.text()
    last = log.splitlines()[-1]
    assert last.count("best validation accuracy") == 1  # the summary, not summary + message
    assert monitor.log_view.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth


def test_empty_problem_and_warning_tabs_say_none_and_reasons_wrap(qtbot, page, dataset, tmp_path):
    from core.demo import make_demo_dataset

    clean = make_demo_dataset(tmp_path / "clean", classes=2, per_class=6, size=32)
    scan(qtbot, page, clean)
    panel = page.dataset_panel
    assert panel.problems_hint.is_shown() and panel.problems_hint.label.text().startswith("None")
    assert panel.warnings_hint.is_shown() and panel.warnings_hint.label.text().startswith("None")

    scan(qtbot, page, dataset)  # one unreadable file, one warning
    assert not panel.problems_hint.is_shown() and not panel.warnings_hint.is_shown()
    assert "(s)" not in panel.dataset_summary.text() and "1 warning" in panel.dataset_summary.text()
    table = panel.problems_table
    panel.dataset_tabs.setCurrentWidget(table)
    table.horizontalHeader().resizeSection(0, max(60, table.viewport().width() - 140))
    qtbot.wait(50)
    table.resizeRowsToContents()
    reason = table.item(0, 1).text()
    width = table.columnWidth(1) - 8
    needed = table.fontMetrics().boundingRect(QRect(0, 0, width, 10000),
                                              int(Qt.TextFlag.TextWordWrap), reason).height()  # fmt: skip
    assert needed > table.fontMetrics().height()  # the reason takes several lines here ...
    assert table.rowHeight(0) >= needed  # ... and the row is tall enough to show them all


def test_a_failed_download_says_no_internet_and_logs_the_detail(page, monkeypatch, caplog):
    shown = []
    monkeypatch.setattr("gui.train.page.QMessageBox.warning", lambda parent, title, text: shown.append(text))
    detail = ("Could not download the ImageNet weights for ResNet-18 ([Errno -2] Name or service not "
              "known). You seem to be offline. Either connect and try again, or fetch\n  "
              "https://download.pytorch.org/models/resnet18-f37072fd.pth\non another machine.")  # fmt: skip
    with caplog.at_level(logging.INFO, logger="gui.text"):
        page.controller.weightsFailed.emit(detail)
    assert shown and shown[0].startswith("No internet connection")
    assert "Errno" not in shown[0] and "Name or service" not in shown[0]
    assert "resnet18-f37072fd.pth" in shown[0]  # still says what to fetch elsewhere
    assert "Errno -2" in caplog.text


def test_class_counts_say_real_plurals(page, dataset, qtbot):
    scan(qtbot, page, dataset)
    table = page.dataset_panel.class_table
    rare = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "rare")
    assert "only 2 images" in table.item(rare, 0).toolTip()

