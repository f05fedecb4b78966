"""The error galleries and the review dialog, driven through real widgets: a click on a
confusion-matrix cell shows exactly that cell's images; keys in the grid move, exclude and
undo; the review dialog labels with keys and adds to the training set with undo; the Train page
leaves excluded images out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from PySide6.QtCore import QPoint, Qt

from core import backbones
from core.dataset import scan_folder
from core.demo import make_demo_dataset
from core.modelfile import new_metadata, save_model
from core.review import Exclusions


@pytest.fixture(autouse=True)
def _private_state(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKBONE_STUDIO_STATE", str(tmp_path / "state"))
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def snapshot(root: Path) -> dict:
    found = {}
    for folder, dirs, files in os.walk(root):
        found.update({os.path.join(folder, d) + "/": None for d in dirs})
        for f in files:
            p = Path(folder) / f
            found[str(p)] = (p.read_bytes(), p.stat().st_mtime_ns)
    return found


@pytest.fixture
def evaluation(tmp_path):
    """A random tiny model scored on 3 generated classes x 6 images: mistakes in many cells."""
    from core.evaluate import evaluate
    from core.predict import Classifier

    root = make_demo_dataset(tmp_path / "data", classes=3, per_class=6, size=32)
    classes = sorted(p.name for p in root.iterdir())
    torch.manual_seed(1)
    model = backbones.build_model("mobilenet_v3_small", len(classes)).eval()
    spec = backbones.get_spec("mobilenet_v3_small")
    path = save_model(tmp_path / "m.safetensors", model,
                      new_metadata("mobilenet_v3_small", classes, 32, spec.mean, spec.std))  # fmt: skip
    ev = evaluate(Classifier.load(path, device="cpu"), scan_folder(root), model_path=str(path))
    assert any(not r.correct for r in ev.records)
    return ev


@pytest.fixture
def results_page(qtbot, evaluation):
    from gui.results import ResultsPage

    page = ResultsPage()
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.show_evaluation(evaluation)
    yield page
    page.review.close_gallery()


def cell_centre(view, i: int, j: int) -> QPoint:
    grid, cell, _, _ = view._layout()
    return QPoint(grid.left() + j * cell + cell // 2, grid.top() + i * cell + cell // 2)


def test_clicking_a_cell_shows_exactly_that_cells_images(qtbot, results_page, evaluation):
    view = results_page.metrics_panel.confusion_view
    names = evaluation.class_names
    for i, true in enumerate(names):
        for j, predicted in enumerate(names):
            qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=cell_centre(view, i, j))
            gallery = results_page.review.gallery
            assert gallery is not None and gallery.isVisible()
            shown = gallery.shown_paths()
            assert len(shown) == evaluation.confusion[i][j]
            expected = {r.path for r in evaluation.records
                        if r.true_label == true and r.predicted == predicted}  # fmt: skip
            assert set(shown) == expected
            assert all(Path(p).parent.name == true for p in shown)
            losses = [gallery.grid.grid_model.item(k).loss for k in range(len(shown))]
            confidences = [gallery.grid.grid_model.item(k).confidence for k in range(len(shown))]
            if i == j:
                assert confidences == sorted(confidences)
            else:
                assert losses == sorted(losses, reverse=True)
            assert f"True {true}, predicted {predicted}" in gallery.title_label.text()


def test_all_mistakes_then_keys_move_exclude_and_undo(qtbot, results_page, evaluation):
    root = Path(evaluation.data_root)
    before = snapshot(root)
    qtbot.mouseClick(results_page.mistakes_button, Qt.MouseButton.LeftButton)
    gallery = results_page.review.gallery
    grid = gallery.grid
    wrong = [r for r in evaluation.records if not r.correct]
    assert len(grid.items()) == len(wrong)
    first = grid.grid_model.item(0)
    target = next(n for n in evaluation.class_names if n != first.true_label)
    key = Qt.Key(Qt.Key.Key_1 + evaluation.class_names.index(target))
    grid.setCurrentIndex(grid.grid_model.index(0))
    grid.selectionModel().clearSelection()
    qtbot.keyClick(grid, key)  # the confirmation is answered Yes (tests/conftest.py)
    moved = root / target / Path(first.path).name
    assert moved.is_file() and not Path(first.path).exists()
    assert grid.grid_model.item(0).note == f"moved to {target}"
    assert gallery.history_list.count() == 1
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(root) == before  # byte-identical after the undo
    assert grid.grid_model.item(0).path == first.path and gallery.history_list.count() == 0

    grid.setCurrentIndex(grid.grid_model.index(0))
    qtbot.keyClick(grid, Qt.Key.Key_X)
    exclusions = Exclusions.for_folder(root)
    assert Path(first.path) in exclusions.paths() and grid.grid_model.item(0).excluded
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert Path(first.path) not in Exclusions.for_folder(root).paths()
    assert not grid.grid_model.item(0).excluded
    assert snapshot(root) == before


def test_an_unreadable_image_is_an_error_tile_and_the_detail_view(qtbot, results_page, evaluation):
    gallery = results_page.review.open_mistakes()
    item = gallery.grid.grid_model.item(0)
    Path(item.path).write_bytes(b"damaged since training")
    thumbs = gallery.grid.thumbnails
    thumbs.get(item.path)
    qtbot.waitUntil(lambda: thumbs.has_failed(item.path), timeout=10000)
    gallery.grid.viewport().repaint()  # the error tile paints without raising
    gallery.open_detail(0)
    assert gallery.detail.path == item.path
    assert "cannot be shown" in gallery.detail.image_label.text()
    assert gallery.detail.top_list.count() == len(item.top_k) == 3


def test_review_dialog_keys_label_add_to_training_set_and_undo(qtbot, tmp_path):
    from gui.review import ReviewDialog, ReviewEntry

    inbox = make_demo_dataset(tmp_path / "inbox", classes=2, per_class=2, size=32)
    train = make_demo_dataset(tmp_path / "train", classes=2, per_class=3, size=32)
    names = sorted(p.name for p in train.iterdir())
    files = sorted(str(p) for p in inbox.rglob("*.*"))
    margins = [0.5, 0.1, 0.9, 0.3]
    dialog = ReviewDialog([ReviewEntry(f, names[0], 0.6, m) for f, m in zip(files, margins, strict=True)],
                          names, training_root=train)  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    grid = dialog.grid
    order = [item.path for item in grid.items()]
    assert order == [files[1], files[3], files[0], files[2]]  # "Label these next": margin
    grid.setCurrentIndex(grid.grid_model.index(0))
    qtbot.keyClick(grid, Qt.Key.Key_2)  # second class; the next tile becomes current
    qtbot.keyClick(grid, Qt.Key.Key_Return)  # the suggestion
    qtbot.keyClick(grid, Qt.Key.Key_X)  # set aside
    assert dialog.labels() == {files[1]: names[1], files[3]: names[0]}
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert grid.grid_model.item(2).excluded is False
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dialog.labels() == {files[1]: names[1]}
    qtbot.keyClick(grid, Qt.Key.Key_1)
    before = snapshot(train)
    action = dialog.add_to_training_set()
    assert sorted(p.parent.name for p in action.paths) == sorted([names[1], names[0]])
    assert all(p.is_relative_to(train) for p in action.paths)
    assert (train / names[1] / Path(files[1]).name).read_bytes() == Path(files[1]).read_bytes()
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(train) == before
    dialog.close()


def test_the_train_page_leaves_excluded_images_out(train_page, dataset, qtbot):
    from core.training import TrainConfig

    train_page.scan(dataset)
    qtbot.waitUntil(lambda: not train_page.is_scanning(), timeout=20000)
    samples = train_page.scan_result.index.samples
    excluded = [s.path for s in samples if s.path.parent.name == "circle"][:3]
    Exclusions.for_folder(dataset).add(excluded, "test")
    controller = train_page.controller
    index = controller.training_index()
    train_page.scan(dataset)  # a rescan says how many are excluded
    qtbot.waitUntil(lambda: not train_page.is_scanning(), timeout=20000)
    assert "3 images excluded from training" in train_page.dataset_panel.dataset_summary.text()
    paths = {s.path for s in index.samples}
    assert not paths & set(excluded)
    assert len(paths) == len(train_page.scan_result.index.samples) - 3
    config = TrainConfig(backbone="mobilenet_v3_small", pretrained=False, epochs=1, image_size=32,
                         device="cpu")  # fmt: skip
    controller.make_plan(config)
    # the fit the page starts gets the same index (TrainWorker is handed training_index())
    seen = {}
    import gui.train.controller as module

    class Spy:
        def __init__(self, config, index, **kwargs):
            seen["index"] = index
            raise RuntimeError("stop")

    original = module.TrainWorker
    module.TrainWorker = Spy
    try:
        with pytest.raises(RuntimeError):
            controller.start_training(controller.app_config(config))
    finally:
        module.TrainWorker = original
    assert {s.path for s in seen["index"].samples} == paths


def _fit_like(records, root, accuracy, f1s, num_train):
    """What the Results page reads of a FitResult (history empty: the metadata's metrics)."""
    from types import SimpleNamespace

    names = list(f1s)
    metrics = {"val_accuracy": accuracy, "num_train": num_train, "num_val": len(records),
               "per_class": [{"name": n, "f1": f} for n, f in f1s.items()]}  # fmt: skip
    metadata = SimpleNamespace(class_names=names, backbone="resnet18", input_size=32,
                               metrics=metrics)  # fmt: skip
    return SimpleNamespace(outcome="finished", message="", model=None, metadata=metadata,
                           history=[], records=tuple(records), data_root=str(root),
                           checkpoint=None)  # fmt: skip


def test_retrain_asks_for_the_same_folder_and_compares_before_and_after(
    qtbot, results_page, evaluation
):
    root = Path(evaluation.data_root)
    names = list(evaluation.class_names)
    first = _fit_like(evaluation.records, root, 0.5, dict.fromkeys(names, 0.5), 40)
    results_page.show_result(first)
    assert results_page.retrain_button.isEnabled()
    gallery = results_page.review.open_mistakes()
    gallery.toggle_exclusion([0])
    asked = []
    results_page.review.retrainRequested.connect(asked.append)
    qtbot.mouseClick(results_page.retrain_button, Qt.MouseButton.LeftButton)
    assert asked == [str(root)] and results_page.review.gallery is None
    second = _fit_like(evaluation.records, root, 0.75, {names[0]: 0.9, **dict.fromkeys(names[1:], 0.6)}, 39)
    results_page.show_result(second)
    dialog = results_page.review.comparison
    assert dialog is not None and dialog.isVisible()
    assert dialog.rows[0] == ("accuracy", "50.0%", "75.0%", "+25.0 points")
    assert (f"F1 {names[0]}", "50.0%", "90.0%", "+40.0 points") in dialog.rows
    assert ("training images", "40", "39", "-1") in dialog.rows
    assert dialog.changes == ["Excluded 1 image from training"]
    dialog.close()


def test_retrainer_rescans_then_starts_the_training(qtbot, train_page, dataset):
    from gui.results import ResultsPage
    from gui.results.retrain import Retrainer

    page = ResultsPage()
    qtbot.addWidget(page)
    shown, started = [], []
    train_page.start_training = lambda: started.append(train_page.scan_result) or True
    Retrainer(page, train_page, lambda: shown.append(True))
    page.review.retrainRequested.emit(str(dataset))
    qtbot.waitUntil(lambda: bool(started), timeout=20000)
    assert shown == [True] and str(started[0].index.root) == str(dataset)


def test_a_model_whose_classes_do_not_match_the_folder_is_told(qtbot, results_page, evaluation,
                                                               tmp_path, monkeypatch):  # fmt: skip
    from PySide6.QtWidgets import QMessageBox

    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    other = make_demo_dataset(tmp_path / "other", classes=2, per_class=3, size=32)
    for folder in list(other.iterdir()):
        folder.rename(other / f"not_{folder.name}")
    results_page.evaluate(evaluation.model_path, other, device="cpu")
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    assert "None of the classes" in said[0] and str(other) in said[0]
    assert "Choose a folder with one subfolder per class of the model" in said[0]


def test_a_fits_matrix_is_its_galleries_pass(qtbot, evaluation):
    """A head or partial fit scored its epochs on cached features; its end-of-fit pass (the
    records the galleries show) can differ by an image. The page shows the records' matrix,
    per-class figures and accuracy, so every cell's count is its gallery's."""
    from core.events import EpochEnded
    from core.metrics import per_class_metrics
    from gui.results import ResultsPage

    names = evaluation.class_names
    epoch_matrix = [list(row) for row in evaluation.confusion]
    epoch_matrix[0][0] += 1  # the cached-feature pass called one more image right
    epoch_matrix[0][1 if epoch_matrix[0][1] else 2] -= 1
    best = EpochEnded(1, 1, "head", 0.5, 0.5, 0.5, 0.99, per_class_metrics(epoch_matrix, names),
                      tuple(map(tuple, epoch_matrix)), 1.0, 10.0, True)  # fmt: skip
    result = _fit_like(evaluation.records, Path("."), 0.99, dict.fromkeys(names, 0.5), 40)
    result.history = [best]
    page = ResultsPage()
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.show_result(result)
    view = page.metrics_panel.confusion_view
    assert view._confusion.tolist() == [list(r) for r in evaluation.confusion] != epoch_matrix
    correct = sum(r.correct for r in evaluation.records)
    assert page.accuracy_label.text().startswith(f"{100 * correct / len(evaluation.records):.1f}")
    for i in range(len(names)):
        for j in range(len(names)):
            qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=cell_centre(view, i, j))
            assert len(page.review.gallery.shown_paths()) == evaluation.confusion[i][j]
    page.review.close_gallery()
