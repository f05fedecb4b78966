"""The app shell: main window wiring, status bar, shortcuts, settings, shutdown, exception hook."""

from __future__ import annotations

import sys
import threading
import time
import types

import PySide6
import pytest
from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QMessageBox

from gui import app as gui_app
from gui.jobs import thread_running
from gui.main_window import PAGE_CLASSIFY, PAGE_RESULTS, PAGE_TRAIN, MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, settings):
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.shutdown(5000)


class SlowClassifier:
    """The real tiny classifier, slowed to ~5 images/s so a job is surely running."""

    def __init__(self, inner, delay: float = 0.2):
        self._inner = inner
        self.delay = delay

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def predict_iter(self, items, top_k=3, batch_size=None, cancel=None):
        for prediction in self._inner.predict_iter(items, top_k, 1, cancel):
            time.sleep(self.delay)
            yield prediction


def test_loading_a_model_updates_the_status_bar_and_recent_models(
    qtbot, window, settings, tiny_model_file, wait_for
):
    assert "No model loaded" in window.model_status.text()
    assert window.device_status.text().startswith("Device: ")
    wait_for(
        window.classify_page.classifierChanged,
        lambda: window.load_model(str(tiny_model_file)),
        timeout=30000,
    )
    assert "shapes" in window.model_status.text()
    assert "3 classes" in window.model_status.text()
    assert "CPU" in window.device_status.text() or "cpu" in window.device_status.text().lower()
    assert window.current_page() == PAGE_CLASSIFY
    assert settings.recent_models() == [str(tiny_model_file.resolve())]
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert tiny_model_file.name in texts
    assert window.save_model_action.isEnabled()


def test_page_shortcuts_and_menus(qtbot, window):
    shortcuts = {a.shortcut().toString(): a for a in window.actions() if not a.shortcut().isEmpty()}
    for key in (
        "Ctrl+O",
        "Ctrl+Shift+O",
        "Ctrl+V",
        "Ctrl+S",
        "Ctrl+Q",
        "Ctrl+1",
        "Ctrl+2",
        "Ctrl+3",
    ):
        assert key in shortcuts, f"no action for {key}"
    shortcuts["Ctrl+2"].trigger()
    assert window.current_page() == PAGE_TRAIN
    shortcuts["Ctrl+3"].trigger()
    assert window.current_page() == PAGE_RESULTS
    shortcuts["Ctrl+1"].trigger()
    assert window.current_page() == PAGE_CLASSIFY
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus[0] == "File" and menus[-1] == "Help"
    # The empty state's "Train a model…" leads to the Train page.
    window.classify_page.empty_state.train_button.click()
    assert window.current_page() == PAGE_TRAIN


def test_pages_satisfy_the_protocols_the_window_talks_through(window):
    from gui.pages import ClassifyPageProtocol, Page, ResultsPageProtocol, TrainPageProtocol

    assert isinstance(window.classify_page, ClassifyPageProtocol)
    assert isinstance(window.train_page, TrainPageProtocol)
    assert isinstance(window.results_page, ResultsPageProtocol)
    assert all(isinstance(page, Page) for page in window.pages())
    assert [window.stack.indexOf(page) for page in window.pages()] == [
        PAGE_CLASSIFY, PAGE_TRAIN, PAGE_RESULTS
    ]


def test_about_lists_versions_and_devices(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about_action.trigger()
    (text,) = shown
    import torch
    import torchvision

    assert torch.__version__ in text and torchvision.__version__ in text
    assert "Qt " in text and "Devices:" in text and "CPU" in text.upper()


def test_closing_while_predicting_leaves_no_running_thread(
    qtbot, settings, tiny_classifier, image_files
):
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    page = window.classify_page
    page.set_classifier(SlowClassifier(tiny_classifier))
    page.classify_paths([str(p) for p in image_files])
    qtbot.waitUntil(lambda: page.results_model.rowCount() > 0, timeout=10000)  # mid-job
    assert page.is_predicting()
    threads = page.controller.jobs.running()
    assert threads
    started = time.monotonic()
    assert window.close()
    assert time.monotonic() - started < 5.0
    assert not [t for t in threads if thread_running(t)]
    # Worker threads belong to the application object: none of them is left running.
    assert not [t for t in QCoreApplication.instance().findChildren(QThread) if t.isRunning()]
    assert settings.window_geometry() is not None


def test_training_result_reaches_results_and_classify_pages(
    qtbot, window, tiny_model_file, tmp_path, settings, wait_for
):
    from core.modelfile import load_model
    from core.training import FitResult

    model, metadata = load_model(tiny_model_file)
    result = FitResult("finished", "done", model, metadata, history=[])
    window.train_page.trainingFinished.emit(result)
    assert window.current_page() == PAGE_RESULTS
    assert window.save_model_action.isEnabled()
    # File ▸ Save model as… saves the training result (through the Results page).
    saved = window.save_model(str(tmp_path / "trained"), "result")
    assert saved == tmp_path / "trained.safetensors" and saved.is_file()
    assert str(saved.resolve()) in settings.recent_models()
    # "Use for classification" loads that file into the Classify page.
    wait_for(
        window.classify_page.classifierChanged,
        lambda: window.results_page.useForClassificationRequested.emit(str(saved)),
        timeout=30000,
    )
    assert window.current_page() == PAGE_CLASSIFY
    assert window.classify_page.model_path == str(saved)


def test_excepthook_logs_and_shows_a_dialog_instead_of_exiting(qtbot, monkeypatch, settings):
    from gui.settings import log_file

    shown = []

    def fake_exec(box):
        shown.append((box.windowTitle(), box.text(), box.detailedText()))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    gui_app.configure_logging()
    gui_app.install_excepthook()
    assert sys.excepthook is gui_app.excepthook

    try:
        raise ValueError("boom in a slot")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    title, text, details = shown[-1]
    assert title == "Unexpected error"
    assert "ValueError: boom in a slot" in text and str(log_file()) in text
    assert "Traceback" in details and "test_app.py" in details

    # A user error is shown as-is.
    from core.errors import ModelFileError

    gui_app.excepthook(ModelFileError, ModelFileError("model.safetensors is cut short."), None)
    assert shown[-1][1] == "model.safetensors is cut short."

    # From a worker thread, the dialog still opens in the UI thread.
    def crash():
        raise RuntimeError("boom in a thread")

    thread = threading.Thread(target=crash)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: "boom in a thread" in shown[-1][1], timeout=3000)

    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    log = log_file().read_text(encoding="utf-8")
    assert "boom in a slot" in log and "boom in a thread" in log


def test_main_delegates_self_test(monkeypatch):
    calls = []
    fake = types.ModuleType("core.selftest")
    fake.main = lambda argv=None, extra_versions=None: calls.append((argv, extra_versions)) or 0
    monkeypatch.setitem(sys.modules, "core.selftest", fake)
    import core

    monkeypatch.setattr(core, "selftest", fake, raising=False)
    frozen = []
    monkeypatch.setattr(gui_app.multiprocessing, "freeze_support", lambda: frozen.append(True))
    assert gui_app.main(["--self-test", "--quick"]) == 0
    assert calls == [(["--quick"], {"PySide6": PySide6.__version__})]
    assert frozen == [True]


def test_settings_live_in_the_config_folder(settings, tmp_path):
    settings.backbone = "resnet34"
    settings.set_last_folder("images", tmp_path)
    model = tmp_path / "m.safetensors"
    model.write_bytes(b"x")
    settings.add_recent_model(model)
    settings.sync()
    ini = tmp_path / "config" / "backbone-studio.ini"
    assert ini.is_file()
    from gui.settings import Settings

    again = Settings()
    assert again.backbone == "resnet34"
    assert again.last_folder("images") == str(tmp_path)
    assert again.recent_models() == [str(model.resolve())]
    model.unlink()
    assert again.recent_models() == []  # files that are gone drop out


def _show_trained_model(window, model_file):
    """What the Train page hands over when a training finishes: a model not saved anywhere yet."""
    from core.modelfile import load_model
    from core.training import FitResult

    model, metadata = load_model(model_file)
    window.train_page.trainingFinished.emit(FitResult("finished", "done", model, metadata, history=[]))


def _answer_questions_with(monkeypatch, button, asked: list):
    import gui.main_window as main_window

    def question(parent, title, text, buttons, default):
        asked.append(text)
        return button

    monkeypatch.setattr(main_window.QMessageBox, "question", question)


def _save_dialog_returns(monkeypatch, path: str):
    import gui.results.page as results_page

    monkeypatch.setattr(results_page.QFileDialog, "getSaveFileName", lambda *a, **k: (path, ""))


def test_closing_with_an_unsaved_model_offers_to_save_it(window, tiny_model_file, tmp_path,
                                                         monkeypatch):  # fmt: skip
    _show_trained_model(window, tiny_model_file)
    assert window.results_page.has_unsaved_model()
    asked: list[str] = []
    _answer_questions_with(monkeypatch, QMessageBox.StandardButton.Cancel, asked)
    assert not window.close() and window.isVisible()
    assert "not been saved" in asked[-1] and "quitting" in asked[-1]

    _answer_questions_with(monkeypatch, QMessageBox.StandardButton.Save, asked)
    _save_dialog_returns(monkeypatch, "")  # the file dialog is cancelled: nothing is lost
    assert not window.close() and window.isVisible()

    target = tmp_path / "kept.safetensors"
    _save_dialog_returns(monkeypatch, str(target))
    assert window.close()
    assert target.is_file() and not window.results_page.has_unsaved_model()
    assert len(asked) == 3


def test_a_saved_or_discarded_model_lets_the_window_close(window, tiny_model_file, tmp_path,
                                                          monkeypatch):  # fmt: skip
    from core.resume import app_checkpoint_path

    checkpoint = app_checkpoint_path()  # kept for resuming until the model is saved or discarded
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    asked: list[str] = []
    _answer_questions_with(monkeypatch, QMessageBox.StandardButton.Discard, asked)
    _show_trained_model(window, tiny_model_file)
    checkpoint.write_bytes(b"stands in for the training's checkpoint")
    window.results_page.save_model(tmp_path / "saved.safetensors")
    assert not checkpoint.exists()
    assert window.close() and asked == []  # saved: nothing to ask
    window.show()
    _show_trained_model(window, tiny_model_file)
    checkpoint.write_bytes(b"stands in for the training's checkpoint")
    assert window.close() and len(asked) == 1  # asked once, discarded
    assert not checkpoint.exists()
    assert sorted(p.name for p in tmp_path.glob("*.safetensors")) == ["saved.safetensors"]


def test_a_new_training_over_an_unsaved_model_asks_first(qtbot, window, tiny_model_file, tmp_path,
                                                         monkeypatch):  # fmt: skip
    from core.demo import make_demo_dataset

    page = window.train_page
    demo = make_demo_dataset(tmp_path / "demo", classes=2, per_class=6, size=32, seed=0)
    with qtbot.waitSignal(page.scanFinished, timeout=60000):
        page.scan(demo)
    _show_trained_model(window, tiny_model_file)
    asked: list[str] = []
    _answer_questions_with(monkeypatch, QMessageBox.StandardButton.Cancel, asked)
    assert page.start_training() is False and not page.is_training()
    assert "training a new one" in asked[-1]
    assert window.results_page.has_unsaved_model()  # still there, still offered for saving
