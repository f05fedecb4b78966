"""The first-hour issue (#18) on the Classify page: what a newcomer tripped over, each pinned by a
test that failed before the fix. Real widgets, the tiny generated model, no network."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QGuiApplication

from core.backbones import get_spec
from gui.classify import ClassifyPage
from gui.main_window import PAGE_CLASSIFY, PAGE_TRAIN, MainWindow
from gui.style import COLORS
from gui.widgets.prediction_view import COL_TOP
from tests.gui.test_classify_page import TINY_CLASSES, drop_urls, wait_done

pytestmark = pytest.mark.gui


@pytest.fixture
def page(classify_page):
    return classify_page


def classify(qtbot, page, paths, wait_for) -> None:
    wait_for(page.predictionsFinished, lambda: page.classify_paths([str(p) for p in paths]))
    wait_done(qtbot, page)


# -- item 5: the counter ------------------------------------------------------------------------
def test_the_counter_counts_only_readable_images_as_classified(qtbot, page, tmp_path, image_factory,
                                                               wait_for):  # fmt: skip
    good = image_factory(tmp_path / "good.png", 0)
    broken = []
    for name in ("a.jpg", "b.jpg", "c.png"):
        (tmp_path / name).write_text("not an image")
        broken.append(tmp_path / name)
    classify(qtbot, page, [good, *broken], wait_for)
    assert page.summary_label.text() == "1 image classified · 3 unreadable files"


# -- item 6: drops anywhere, and no duplicate rows ----------------------------------------------
def test_the_whole_page_takes_drops_and_the_same_files_are_not_listed_twice(
    qtbot, page, image_files, wait_for
):
    classify(qtbot, page, image_files[:3], wait_for)
    assert page.results_model.rowCount() == 3
    messages = []
    page.statusMessage.connect(messages.append)
    # Dropped on the results list (which fills the page), not on the slim drop zone above it.
    target = page.results_view.viewport()
    wait_for(page.predictionsFinished, lambda: drop_urls(target, image_files))
    wait_done(qtbot, page)
    sources = [Path(p.source).name for p in page.results_model.predictions()]
    assert sources == [p.name for p in image_files]  # the two new ones were added, no repeats
    assert any("3 images are already in the list" in m for m in messages), messages

    messages.clear()  # dropping exactly the same again adds nothing and says so
    wait_for(page.predictionsFinished, lambda: drop_urls(page.empty_state, image_files[:1]))
    wait_done(qtbot, page)
    assert page.results_model.rowCount() == len(image_files)
    assert any("1 image is already in the list" in m for m in messages), messages


# -- item 8: double-click and context menu ------------------------------------------------------
def test_a_double_click_shows_the_image_large_with_its_top_k(qtbot, page, tmp_path, image_factory,
                                                            wait_for):  # fmt: skip
    big = image_factory(tmp_path / "big.png", 1, size=400)
    classify(qtbot, page, [big], wait_for)
    view = page.results_view
    index = view.model().index(0, 1)
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # a double click's
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # first press
    dialog = page.row_actions.preview
    assert dialog is not None and dialog.isVisible()
    assert dialog.image_size().width() == 400  # the image itself, not the 64 px thumbnail
    prediction = page.results_model.prediction(0)
    assert dialog.title_label.text().startswith(prediction.label)
    assert all(name in dialog.top_label.text() for name, _ in prediction.top_k)
    assert dialog.path_label.text() == str(big)
    dialog.close()


def test_the_context_menu_opens_shows_in_folder_and_copies_the_path(qtbot, page, image_files,
                                                                    wait_for, monkeypatch):  # fmt: skip
    classify(qtbot, page, image_files[:1], wait_for)
    opened = []
    monkeypatch.setattr("gui.classify.row_actions.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)  # fmt: skip
    menu = page.row_actions.menu_for(page.results_view.model().index(0, 0))
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert {"View larger", "Open", "Show in folder", "Copy path"} <= set(actions)
    actions["Copy path"].trigger()
    assert QGuiApplication.clipboard().text() == str(image_files[0])
    actions["Open"].trigger()
    assert opened == [str(image_files[0])]
    if sys.platform.startswith("linux"):
        actions["Show in folder"].trigger()
        assert opened[-1] == str(image_files[0].parent)
    assert page.row_actions.menu_for(page.results_view.model().index(5, 0)) is None


# -- item 11: exported files get the usual permissions -------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_an_exported_csv_gets_the_users_usual_permissions(qtbot, page, image_files, tmp_path,
                                                          wait_for):  # fmt: skip
    classify(qtbot, page, image_files[:2], wait_for)
    old = os.umask(0o022)
    try:
        written = page.export_csv(tmp_path / "out.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(written.stat().st_mode) == 0o644  # was 0o600


# -- item 14: a selected row keeps its top-1 bar visible ----------------------------------------
def test_a_selected_row_still_shows_its_top_1_bar(qtbot, page, image_files, wait_for):
    classify(qtbot, page, image_files[:1], wait_for)
    view = page.results_view
    view.selectionModel().select(view.model().index(0, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
    qtbot.wait(50)
    cell = view.visualRect(view.model().index(0, COL_TOP))
    image = view.viewport().grab().toImage()
    # The first bar: as the delegate lays it out (name column, then the bar, filled from its left).
    inner = cell.adjusted(6, 5, -8, -5)
    name_w = min(max(80, int(inner.width() * 0.45)), 220)
    y = int(inner.top() + inner.height() / 6)
    x = inner.left() + name_w + 4 + 3
    highlight = QColor(COLORS["accent"])
    pixel = image.pixelColor(x, y)
    assert (pixel.red(), pixel.green(), pixel.blue()) != (highlight.red(), highlight.green(), highlight.blue())


# -- item 15: words ------------------------------------------------------------------------------
def test_the_model_is_named_once_with_its_backbones_display_name(qtbot, settings, tiny_model_file,
                                                                 wait_for):  # fmt: skip
    window = MainWindow(settings, reopen_last_model=False)
    qtbot.addWidget(window)
    window.show()
    messages = []
    window.classify_page.statusMessage.connect(messages.append)
    wait_for(window.classify_page.classifierChanged, lambda: window.load_model(str(tiny_model_file)))
    display = get_spec("mobilenet_v3_small").display_name
    assert display in window.classify_page.model_label.text()
    assert "mobilenet_v3_small" not in window.classify_page.model_label.text()
    assert "3 classes" in window.classify_page.model_label.text()
    # On the Classify page the page header names the model; the status bar does not repeat it.
    assert window.current_page() == PAGE_CLASSIFY and not window.model_status.isVisible()
    assert not any(display in m for m in messages), messages  # no "Model loaded: …" message
    assert display not in window.statusBar().currentMessage()
    window.show_page(PAGE_TRAIN)
    assert window.model_status.isVisible() and display in window.model_status.text()
    window.shutdown(5000)


def test_a_file_that_is_not_a_model_is_called_that_without_header_sizes(
    qtbot, page, tmp_path, monkeypatch, wait_for
):
    shown = []
    monkeypatch.setattr("gui.classify.page.QMessageBox.warning", lambda *args: shown.append(args) or 0)
    bogus = tmp_path / "holiday.safetensors"
    bogus.write_bytes(b"hello world!")  # 12 bytes whose first 8 "announce" an absurd header
    wait_for(page.modelLoadFailed, lambda: page.load_model(bogus))
    text = shown[0][2]
    assert "holiday.safetensors is not a model file" in text
    assert "byte header" not in text and "," not in text.split("\n\n", 1)[1].split(".")[0]


def test_the_empty_state_names_the_real_button_and_does_not_call_opened_files_dropped(
    qtbot, settings, image_files, monkeypatch
):
    page = ClassifyPage(settings)
    qtbot.addWidget(page)
    page.show()
    texts = " ".join(label.text() for label in page.empty_state.findChildren(type(page.summary_label)))
    assert "<b>Start training</b>" in texts and "click Train;" not in texts
    monkeypatch.setattr("gui.classify.page.QFileDialog.getOpenFileNames",
                        lambda *args, **kwargs: ([str(image_files[0])], ""))  # fmt: skip
    page.open_images_dialog()
    waiting = page.empty_state.waiting_label.text()
    assert waiting.startswith("1 image or folder waits") and "dropped" not in waiting
    assert page.cancel_and_wait(5000)
    assert TINY_CLASSES  # the tiny model's classes, shared with the page tests
