"""The Classify page driven like a person would: drops, folders, paste, export, model changes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from gui.classify import ClassifyPage
from gui.widgets.prediction_view import COL_IMAGE, COL_LABEL
from tests.gui.ui_stall import UiStallMeter

TINY_CLASSES = ("circle", "square", "triangle")  # the tiny_model_file fixture's classes

pytestmark = pytest.mark.gui


def drop_urls(widget, paths) -> None:
    """Drag `paths` over `widget` and drop them there, as a file manager would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = widget.rect().center()  # QDragEnterEvent takes a QPoint, QDropEvent a QPointF
    enter = QDragEnterEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the drop zone refused the drag"
    drop = QDropEvent(
        QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted(), "the drop zone refused the drop"


@pytest.fixture
def page(classify_page):
    return classify_page


def wait_done(qtbot, page, timeout=20000) -> None:
    qtbot.waitUntil(lambda: not page.is_predicting() and not page.controller.waiting, timeout=timeout)


def test_dropped_files_show_predictions_and_an_error_row(qtbot, page, image_files, wait_for):
    wait_for(
        page.predictionsFinished, lambda: drop_urls(page.drop_zone, image_files), timeout=20000
    )
    predictions = page.results_model.predictions()
    assert [Path(p.source).name for p in predictions] == [f.name for f in image_files]
    good, bad = predictions[:4], predictions[4]
    for p in good:
        assert p.error is None
        assert p.label in TINY_CLASSES
        assert len(p.top_k) == 3
        assert p.top_k[0] == (p.label, p.confidence)
        assert sum(score for _, score in p.top_k) == pytest.approx(1.0, abs=1e-4)
    assert bad.label is None and bad.error
    # What the view shows for the unreadable file: "Unreadable" and the reason in the tooltip.
    model = page.results_model
    assert model.index(4, COL_LABEL).data() == "Unreadable"
    assert bad.error in model.index(4, COL_LABEL).data(Qt.ItemDataRole.ToolTipRole)
    assert "1 unreadable" in page.summary_label.text()
    assert page.stack.currentWidget() is page.results_view
    # Thumbnails arrive from the background pool for the rows the view asked about.
    model.index(0, COL_IMAGE).data(Qt.ItemDataRole.DecorationRole)
    qtbot.waitUntil(
        lambda: model.index(0, COL_IMAGE).data(Qt.ItemDataRole.DecorationRole) is not None,
        timeout=5000,
    )
    pixmap = model.index(0, COL_IMAGE).data(Qt.ItemDataRole.DecorationRole)
    assert 0 < max(pixmap.width(), pixmap.height()) <= 64


def test_folder_drop_recurses_and_skips_hidden_and_non_images(qtbot, page, nested_folder, wait_for):
    wait_for(
        page.predictionsFinished, lambda: drop_urls(page.drop_zone, [nested_folder]), timeout=20000
    )
    sources = {
        Path(p.source).relative_to(nested_folder).as_posix()
        for p in page.results_model.predictions()
    }
    assert sources == {"top.jpg", "sub/one.png", "sub/deeper/two.jpg", "sub/deeper/three.jpg"}
    assert all(p.error is None for p in page.results_model.predictions())


def test_csv_export_writes_one_row_per_file(qtbot, page, image_files, tmp_path, wait_for):
    wait_for(
        page.predictionsFinished,
        lambda: page.classify_paths([str(p) for p in image_files]),
        timeout=20000,
    )
    out = page.export_csv(tmp_path / "results.csv")
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["file"] for r in rows] == [str(p) for p in image_files]
    assert rows[0]["label"] in TINY_CLASSES and float(rows[0]["confidence"]) > 0
    assert rows[0]["top1_label"] == rows[0]["label"] and rows[0]["top3_label"]
    assert rows[-1]["label"] == "" and rows[-1]["error"]
    assert not list(tmp_path.glob(".results.csv.*"))  # the temporary file is gone


def test_paste_classifies_clipboard_image(qtbot, page, wait_for):
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    QGuiApplication.clipboard().setImage(image)
    wait_for(page.predictionsFinished, lambda: page.paste(), timeout=20000)
    (prediction,) = page.results_model.predictions()
    assert prediction.source == "Pasted image 1 (40×30)"
    assert prediction.label in TINY_CLASSES


def test_without_a_model_the_page_explains_how_to_get_one_and_keeps_drops(
    qtbot, settings, image_files, tiny_classifier, wait_for
):
    page = ClassifyPage(settings)
    qtbot.addWidget(page)
    page.show()
    assert page.classifier is None
    assert page.stack.currentWidget().isAncestorOf(page.empty_state)
    state = page.empty_state
    assert state.open_button.isEnabled() and state.train_button.isEnabled()
    # No ImageNet weights in the test's private hub cache: the button is off and says why.
    assert not state.imagenet_button.isEnabled()
    assert "Import weights file" in state.imagenet_text.text()
    wait_for(page.trainRequested, lambda: state.train_button.click(), timeout=1000)

    drop_urls(page.drop_zone, image_files[:2])
    assert page.results_model.rowCount() == 0
    assert state.waiting_label.isVisibleTo(page) and "2 images or folders wait" in state.waiting_label.text()
    wait_for(page.predictionsFinished, lambda: page.set_classifier(tiny_classifier), timeout=20000)
    assert page.results_model.rowCount() == 2
    assert page.cancel_and_wait(5000)


def test_imagenet_button_enabled_when_weights_are_cached(qtbot, settings, wait_for):
    from core.backbones import get_spec
    from tests.weights_helpers import fake_pretrained

    path = fake_pretrained("mobilenet_v3_small")
    try:
        page = ClassifyPage(settings)
        qtbot.addWidget(page)
        assert page.empty_state.imagenet_button.isEnabled()
        # the backbone table's display name, as everywhere the user reads one
        assert get_spec("mobilenet_v3_small").display_name in page.empty_state.imagenet_text.text()
        assert "mobilenet_v3_small" not in page.empty_state.imagenet_text.text()
        args = wait_for(
            page.classifierChanged, lambda: page.empty_state.imagenet_button.click(), timeout=30000
        )
        assert len(args[0].class_names) == 1000
        assert settings.imagenet_backbone == "mobilenet_v3_small"
        assert page.cancel_and_wait(5000)
    finally:
        path.unlink()


def test_a_new_model_classifies_the_shown_images_again(
    qtbot, page, image_files, tiny_model_file, wait_for
):
    wait_for(
        page.predictionsFinished,
        lambda: page.classify_paths([str(p) for p in image_files[:3]]),
        timeout=20000,
    )
    wait_for(page.predictionsFinished, lambda: page.load_model(tiny_model_file), timeout=30000)
    assert page.model_path == str(tiny_model_file)
    assert [Path(p.source).name for p in page.results_model.predictions()] == [
        p.name for p in image_files[:3]
    ]


def test_dropping_a_model_file_loads_it(qtbot, settings, tiny_model_file, wait_for):
    page = ClassifyPage(settings)
    qtbot.addWidget(page)
    page.show()
    args = wait_for(
        page.classifierChanged, lambda: drop_urls(page.drop_zone, [tiny_model_file]), timeout=30000
    )
    assert args[0].class_names == list(TINY_CLASSES)
    assert page.results_model.rowCount() == 0 and not page.controller.waiting
    assert page.cancel_and_wait(5000)


def test_corrupt_model_file_is_reported_with_its_name(
    qtbot, page, corrupt_model_file, monkeypatch, wait_for
):
    shown = []
    monkeypatch.setattr(
        "gui.classify.page.QMessageBox.warning", lambda *args: shown.append(args) or 0
    )
    args = wait_for(
        page.modelLoadFailed, lambda: page.load_model(corrupt_model_file), timeout=20000
    )
    assert len(shown) == 1
    assert str(corrupt_model_file) in shown[0][2]
    assert args[0] in shown[0][2]
    assert page.classifier is not None  # the previous model stays loaded


def test_a_thousand_files_keep_the_window_responsive(qtbot, page, tmp_path, image_factory):
    folder = tmp_path / "many"
    for i in range(1000):
        image_factory(folder / f"{i // 100:02d}" / f"img{i:04d}.png", i, size=24)
    with UiStallMeter() as meter:
        drop_urls(page.drop_zone, [folder])
        # Scrolling while results arrive asks for thumbnails of the visible rows only.
        scroll = QTimer()
        scroll.setInterval(50)
        scroll.timeout.connect(lambda: page.results_view.scrollToBottom())
        scroll.start()
        wait_done(qtbot, page, timeout=40000)
        scroll.stop()
    stalls = meter.gaps
    assert page.results_model.rowCount() == 1000
    assert page.results_model.error_count() == 0
    # Thumbnails are made lazily: far fewer than 1,000 were requested.
    assert (
        len(page.results_model.thumbnails._pixmaps) + len(page.results_model.thumbnails._pending)
        < 300
    )
    # Generous bound (a shared, noisy CPU): the UI thread never blocks for long.
    assert max(stalls) < 0.5, f"UI thread stalled {max(stalls) * 1000:.0f} ms"
