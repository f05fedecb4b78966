"""Classify > Sort folder… drives a real sort; Results > Confidence shows the calibration;
the Classify table says "Not sure" honestly."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.backbones import build_model, get_spec
from core.calibration import calibrate
from core.modelfile import TrainingRecord, new_metadata
from core.predict import Prediction
from core.sorting import MANIFEST_NAME, read_manifest
from core.training import FitResult

pytestmark = pytest.mark.gui


def _photos(image_factory, folder, count):
    return [image_factory(folder / f"p{i}.png", index=i, size=40) for i in range(count)]


def test_sort_dialog_runs_a_real_sort_with_progress_and_summary(
    qtbot, classify_page, image_factory, tmp_path, wait_for, one_torch_thread
):
    files = _photos(image_factory, tmp_path / "inbox", 6)
    before = {p: p.read_bytes() for p in files}
    assert classify_page.sort_button.isEnabled()
    dialog = classify_page.open_sort_dialog(str(tmp_path / "inbox"))
    qtbot.addWidget(dialog)
    dialog.dest_edit.setText(str(tmp_path / "sorted"))
    progress = []
    dialog.progress_bar.valueChanged.connect(progress.append)
    (summary,) = wait_for(
        dialog.finishedSorting, lambda: qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    )
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10000)
    rows = read_manifest(tmp_path / "sorted" / MANIFEST_NAME)
    assert sorted(r.source for r in rows) == sorted(str(p) for p in files)
    assert summary.sorted == 6 and "Sorted: 6 images" in dialog.status_label.text()
    assert all((tmp_path / "sorted" / r.destination).read_bytes() == before[Path(r.source)]
               for r in rows)  # fmt: skip
    assert all(p.read_bytes() == before[p] for p in files)  # copied: originals stay
    assert progress and progress[-1] == 6


def test_move_is_confirmed_first(qtbot, classify_page, image_factory, tmp_path, monkeypatch,
                                 wait_for, one_torch_thread):  # fmt: skip
    files = _photos(image_factory, tmp_path / "inbox", 3)
    dialog = classify_page.open_sort_dialog(str(tmp_path / "inbox"))
    qtbot.addWidget(dialog)
    dialog.dest_edit.setText(str(tmp_path / "sorted"))
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findData("move"))
    dialog.auto_check.setChecked(False)
    dialog.threshold_box.setValue(1.0)  # everything to _not_sure
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not dialog.start()
    assert asked and "moved" in asked[0] and all(p.exists() for p in files)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    (summary,) = wait_for(dialog.finishedSorting, dialog.start)
    assert summary.not_sure == 3 and not any(p.exists() for p in files)
    assert len(list((tmp_path / "sorted" / "_not_sure").iterdir())) == 3
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10000)


def test_review_not_sure_opens_the_grid_on_this_sorts_set_aside_images(
    qtbot, classify_page, image_factory, tmp_path, wait_for, one_torch_thread, monkeypatch
):
    _photos(image_factory, tmp_path / "inbox", 3)
    dialog = classify_page.open_sort_dialog(str(tmp_path / "inbox"))
    qtbot.addWidget(dialog)
    dialog.dest_edit.setText(str(tmp_path / "sorted"))
    dialog.auto_check.setChecked(False)
    dialog.threshold_box.setValue(1.0)  # everything to _not_sure
    assert not dialog.review_button.isEnabled()
    (summary,) = wait_for(dialog.finishedSorting, dialog.start)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10000)
    assert dialog.review_button.isEnabled()
    review = dialog.review_not_sure()
    qtbot.addWidget(review)
    set_aside = sorted(str(p) for p in (tmp_path / "sorted" / "_not_sure").iterdir())
    items = review.grid.items()
    assert sorted(i.path for i in items) == set_aside
    names = list(classify_page.classifier.class_names)
    assert all(i.predicted in names and i.margin is not None for i in items)  # best guesses
    review.assign([0], names[1])
    target = tmp_path / "train"
    for name in names:
        (target / name).mkdir(parents=True)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    action = review.add_to_training_set(target)
    assert action is not None
    copied = list((target / names[1]).iterdir())
    assert len(copied) == 1 and copied[0].read_bytes() == Path(items[0].path).read_bytes()
    assert review.retrain_button.isVisibleTo(review)  # then Retrain, one click
    asked = []
    classify_page.retrainRequested.connect(asked.append)
    qtbot.mouseClick(review.retrain_button, Qt.MouseButton.LeftButton)
    assert asked == [str(target)]


def _tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_reviewed_not_sure_images_are_filed_by_key_into_the_sorted_folder_and_undone(
    qtbot, classify_page, image_factory, tmp_path, wait_for, one_torch_thread
):
    _photos(image_factory, tmp_path / "inbox", 3)
    dest = tmp_path / "sorted"
    dialog = classify_page.open_sort_dialog(str(tmp_path / "inbox"))
    qtbot.addWidget(dialog)
    dialog.dest_edit.setText(str(dest))
    dialog.auto_check.setChecked(False)
    dialog.threshold_box.setValue(1.0)  # everything to _not_sure
    wait_for(dialog.finishedSorting, dialog.start)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10000)
    before = _tree(dest)
    review = dialog.review_not_sure()
    qtbot.addWidget(review)
    names = list(classify_page.classifier.class_names)
    grid = review.grid
    first, second = grid.items()[0].path, grid.items()[1].path
    grid.setCurrentIndex(grid.grid_model.index(0))
    qtbot.keyClick(grid, Qt.Key.Key_2)  # the first tile: the second class; the next is current
    qtbot.keyClick(grid, Qt.Key.Key_1)  # the second tile: the first class
    assert review.labels() == {first: names[1], second: names[0]}
    assert review.file_button.isEnabled()
    qtbot.mouseClick(review.file_button, Qt.MouseButton.LeftButton)
    rows = {r.source: r for r in read_manifest(dest / MANIFEST_NAME)}
    filed = [r for r in rows.values() if "reviewed" in r.flags]
    assert sorted((r.label, r.destination.split("/")[0]) for r in filed) == sorted(
        [(names[1], names[1]), (names[0], names[0])])
    assert all((dest / r.destination).is_file() for r in rows.values())
    assert len(list((dest / "_not_sure").iterdir())) == 1
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _tree(dest) == before  # files and manifest back, byte for byte


def test_table_says_not_sure_and_none_of_these(classify_page):
    model = classify_page.results_model
    model.add_predictions([
        Prediction("/a.png", "circle", 0.9, (("circle", 0.9),)),
        Prediction("/b.png", "square", 0.4, (("square", 0.4),), not_sure=True),
        Prediction("/c.png", "circle", 0.8, (("circle", 0.8),), unfamiliar=True),
    ])  # fmt: skip
    from gui.widgets.prediction_view import COL_LABEL

    labels = [model.index(r, COL_LABEL).data() for r in range(3)]
    assert labels == ["circle", "Not sure (square?)", "None of these (closest: circle)"]
    classify_page._update_summary()
    assert "2 not sure" in classify_page.summary_label.text()


def test_results_page_shows_reliability_and_coverage(qtbot):
    from gui.results import ResultsPage

    torch.manual_seed(0)
    spec = get_spec("mobilenet_v3_small")
    model = build_model(spec.name, num_classes=3).eval()
    metadata = new_metadata(spec.name, ("a", "b", "c"), 32, spec.mean, spec.std,
                            record=TrainingRecord(metrics={"val_accuracy": 0.5}))  # fmt: skip
    generator = torch.Generator().manual_seed(1)
    labels = torch.randint(0, 3, (200,), generator=generator)
    logits = torch.randn(200, 3, generator=generator) * 6  # over-confident, half right
    logits[torch.arange(100), labels[:100]] += 8
    calibration = calibrate(logits, labels)
    metadata = dataclasses.replace(
        metadata, temperature=calibration.temperature,
        review_threshold=calibration.review_threshold, ood=calibration.ood,
        metrics={**metadata.metrics, "calibration": calibration.report},
    )  # fmt: skip
    page = ResultsPage()
    qtbot.addWidget(page)
    page.show()
    page.show_result(FitResult("finished", "Finished.", model, metadata, []))
    panel = page.calibration_panel
    assert panel.ece == pytest.approx(
        (calibration.report["ece_before"], calibration.report["ece_after"])
    )
    assert panel.ece[1] < panel.ece[0]
    assert panel.chosen is not None and panel.chosen.accuracy >= 0.95
    assert "Not sure" in panel.caption.text() and "calibration error" in panel.caption.text()
    # a model without calibration says so
    plain = new_metadata(spec.name, ("a", "b", "c"), 32, spec.mean, spec.std)
    page.show_result(FitResult("finished", "Finished.", model, plain, []))
    assert panel.ece is None and "no calibration" in panel.caption.text()
    assert page.cancel_and_wait(5000)


def test_the_window_retrains_when_the_sort_review_asks(qtbot, settings, monkeypatch, tmp_path):
    from gui.main_window import MainWindow

    window = MainWindow(settings, reopen_last_model=False)
    qtbot.addWidget(window)
    scanned = []
    monkeypatch.setattr(window.train_page, "scan", scanned.append)
    window.classify_page.retrainRequested.emit(str(tmp_path))
    assert scanned == [str(tmp_path)] and window._retrainer.pending
    window.shutdown(5000)


def test_the_verdict_column_fits_its_longest_verdict(qtbot):
    """"None of these (closest: triangle)" is not elided at 1280 px: the column widens to its
    longest visible verdict (up to 30 % of the table)."""
    from core.predict import Prediction
    from gui.widgets.prediction_view import COL_LABEL, PredictionViewWidget

    view = PredictionViewWidget()
    qtbot.addWidget(view)
    view.resize(1070, 600)
    view.show()
    narrow = view.horizontalHeader().sectionSize(COL_LABEL)
    ranked = (("triangle", 0.4), ("circle", 0.3), ("square", 0.3))
    view.source_model.add_predictions([Prediction("a.jpg", "triangle", 0.4, ranked, unfamiliar=True)])
    qtbot.waitUntil(lambda: view.horizontalHeader().sectionSize(COL_LABEL) > narrow, timeout=2000)
    text = view.model().index(0, COL_LABEL).data()
    font = view.model().index(0, COL_LABEL).data(Qt.ItemDataRole.FontRole) or view.font()
    from PySide6.QtGui import QFontMetrics

    assert "closest: triangle" in text
    assert view.horizontalHeader().sectionSize(COL_LABEL) >= QFontMetrics(font).horizontalAdvance(text)
