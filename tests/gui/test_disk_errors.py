"""The window on a disk that refuses to write (ENOSPC, EROFS, EACCES, EIO, injected with
core.fileio.inject_write_fault): Save model, Export CSV, Start training and a running training
whose checkpoint cannot be written each say what happened in a dialog or on the page, lose
nothing, and leave the window usable. The same writes without a window are walked in
tests/test_reliability_writes.py.
"""

from __future__ import annotations

import errno
import os

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.fileio import PROBE_NAME, inject_write_fault
from tests.test_reliability_writes import SAYS, says

pytestmark = pytest.mark.gui

ERRORS = pytest.mark.parametrize("error", list(SAYS), ids=lambda e: errno.errorcode[e])
TINY = "mobilenet_v3_small"


@pytest.fixture
def warnings_shown(monkeypatch) -> list[str]:
    """The texts of the warning dialogs the window shows (answered at once)."""
    shown: list[str] = []

    def warning(parent, title, text, *args, **kwargs):
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


def _fit_result(seed: int = 0):
    import torch

    from core.backbones import build_model, get_spec
    from core.modelfile import new_metadata
    from core.training import FitResult

    spec = get_spec(TINY)
    torch.manual_seed(seed)
    model = build_model(TINY, 3).eval()
    metadata = new_metadata(TINY, ["circle", "square", "triangle"], 32, spec.mean, spec.std)
    return FitResult("finished", "Finished 1 epoch.", model, metadata, [], best_epoch=None)


@ERRORS
def test_gui_save_model(error, qtbot, tmp_path, warnings_shown):
    """Results ▸ Save model… onto a refusing disk: a dialog with the message; the file already
    there unchanged; the model still on the page, and saving again works."""
    from core.modelfile import read_metadata, save_model
    from gui.results import ResultsPage

    page = ResultsPage()
    qtbot.addWidget(page)
    page.show()
    page.show_result(_fit_result())
    path = tmp_path / "classifier.safetensors"
    previous = _fit_result(seed=1)
    save_model(path, previous.model, previous.metadata)
    before = path.read_bytes()
    with inject_write_fault(error, match=path.name) as fault:
        assert page.save_model(path) is None
    assert fault.failed == [path] and len(warnings_shown) == 1
    assert "is unchanged" in says(warnings_shown[0], error, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == [path.name]
    assert page.has_unsaved_model() and page.save_button.isEnabled()
    with qtbot.waitSignal(page.modelSaved, timeout=5000):
        assert page.save_model(path) == str(path)
    assert read_metadata(path).class_names == ("circle", "square", "triangle")
    assert not page.has_unsaved_model()
    assert page.cancel_and_wait(5000)


@ERRORS
def test_gui_csv_export(error, qtbot, settings, tiny_classifier, image_files, tmp_path,
                        wait_for, warnings_shown, monkeypatch):  # fmt: skip
    """Export CSV… onto a refusing disk: a dialog with the message, the older CSV unchanged,
    the results still listed, and exporting again works."""
    from gui.classify import ClassifyPage

    page = ClassifyPage(settings)
    qtbot.addWidget(page)
    page.show()
    page.set_classifier(tiny_classifier, path=None)
    wait_for(page.predictionsFinished,
             lambda: page.classify_paths([str(p) for p in image_files]), timeout=20000)  # fmt: skip
    out = tmp_path / "exports" / "results.csv"
    out.parent.mkdir()
    out.write_text("older results\n")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with inject_write_fault(error, match="*.csv") as fault:
        page.export_csv_dialog()
    assert fault.failed == [out] and len(warnings_shown) == 1
    says(warnings_shown[0], error, out)
    assert out.read_text() == "older results\n" and os.listdir(out.parent) == [out.name]
    assert page.results_model.rowCount() == len(image_files)
    page.export_csv_dialog()
    assert out.read_text().startswith("file,label") and len(warnings_shown) == 1
    assert page.cancel_and_wait(5000)


def _window(qtbot, settings):
    from gui.main_window import MainWindow

    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    return window


def _scan_and_set(qtbot, page, dataset, epochs: int) -> None:
    page.scan(dataset)
    qtbot.waitUntil(lambda: not page.is_scanning(), timeout=30000)
    assert page.scan_result is not None
    page.set_backbone(TINY)
    form = page.settings_form
    form.strategy_combo.setCurrentIndex(form.strategy_combo.findData("full"))
    form.epochs_spin.setValue(epochs)
    form.size_spin.setValue(32)
    form.batch_spin.setValue(8)
    cpu = form.device_combo.findData("cpu")
    if cpu >= 0:
        form.device_combo.setCurrentIndex(cpu)


@ERRORS
def test_gui_training_checkpoint(error, qtbot, settings, dataset, tmp_path, one_torch_thread):
    """A running training whose checkpoint cannot be written ends 'failed' with the message;
    the model saved before stays as it was, the first checkpoint is kept and offered to resume,
    the best weights reach the Results page to be saved, and the window trains again."""
    import torch

    from core.modelfile import save_model
    from core.resume import app_checkpoint_path

    window = _window(qtbot, settings)
    page = window.train_page
    previous = tmp_path / "previous.safetensors"
    earlier = _fit_result(seed=2)
    save_model(previous, earlier.model, earlier.metadata)
    kept_bytes = previous.read_bytes()
    _scan_and_set(qtbot, page, dataset, epochs=3)
    ckpt = app_checkpoint_path()
    # checkpoints are written after epoch 1 and at the end (or every 30 s): the second fails
    with inject_write_fault(error, at_write=2, match=ckpt.name) as fault:
        assert page.start_training()
        qtbot.waitUntil(lambda: not page.is_training(), timeout=120000)
    assert fault.failed == [ckpt]
    assert page.outcome == "failed"
    message = says(page.run_monitor.error_label.text(), error, ckpt)
    assert "The best weights so far" in message
    assert previous.read_bytes() == kept_bytes  # the model saved before is untouched
    assert torch.load(ckpt, map_location="cpu", weights_only=True)["epoch"] in (1, 2)
    assert page.resume_offer(), "the kept checkpoint is offered to resume"
    results = window.results_page
    assert results.has_unsaved_model()  # the best weights are not lost: they can be saved
    saved = tmp_path / "rescued.safetensors"
    assert results.save_model(saved) == str(saved)
    # the window is usable: the same training runs to the end once the disk is fine
    assert page.start_training()
    qtbot.waitUntil(lambda: not page.is_training(), timeout=120000)
    assert page.outcome == "finished", page.run_monitor.error_label.text()
    window.shutdown(10000)


@ERRORS
def test_gui_start_checks_first(error, qtbot, settings, dataset):
    """Start training with an app folder that cannot be written: said on the page before the
    run starts (nothing starts); once the disk is fine it starts."""
    window = _window(qtbot, settings)
    page = window.train_page
    _scan_and_set(qtbot, page, dataset, epochs=1)
    with inject_write_fault(error, match=PROBE_NAME) as fault:
        assert not page.start_training()
    assert fault.failed and not page.is_training()
    assert "Nothing was started." in page.run_monitor.error_label.text()
    assert SAYS[error] in page.run_monitor.error_label.text()
    assert page.start_button.isEnabled()
    assert page.start_training()
    qtbot.waitUntil(lambda: not page.is_training(), timeout=120000)
    assert page.outcome == "finished"
    window.shutdown(10000)
