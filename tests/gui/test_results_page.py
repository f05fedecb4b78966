"""The Results page: a training result's metrics, confusion matrix and curves; saving; handing a
model to the Classify page; evaluating a saved model on a folder in a worker."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QFileDialog

from core.backbones import build_model, get_spec
from core.demo import make_demo_dataset
from core.events import EpochEnded
from core.metrics import accuracy, per_class_metrics
from core.modelfile import TrainingRecord, new_metadata, read_metadata
from core.training import FitResult
from gui.results import ResultsPage, best_epoch
from gui.widgets.confusion_view import ConfusionViewWidget, row_normalised

pytestmark = pytest.mark.gui

CLASSES = ("circle", "square", "triangle")


def epoch(n: int, confusion, is_best: bool, epochs: int = 3) -> EpochEnded:
    matrix = np.asarray(confusion)
    return EpochEnded(
        epoch=n, epochs=epochs, stage="full", train_loss=1.0 / n, train_accuracy=0.5 + 0.1 * n,
        val_loss=1.2 / n, val_accuracy=accuracy(matrix),
        per_class=per_class_metrics(matrix, CLASSES),
        confusion=tuple(tuple(int(v) for v in row) for row in matrix),
        seconds=1.0, images_per_second=50.0, is_best=is_best,
    )  # fmt: skip


@pytest.fixture
def fit_result():
    """A FitResult as the Trainer makes it: a real (untrained) model, metadata and history."""
    spec = get_spec("mobilenet_v3_small")
    model = build_model(spec.name, num_classes=len(CLASSES)).eval()
    history = [
        epoch(1, [[3, 1, 0], [2, 2, 0], [1, 1, 2]], True),
        epoch(2, [[4, 0, 0], [1, 3, 0], [0, 1, 3]], True),
        epoch(3, [[4, 0, 0], [2, 2, 0], [0, 2, 2]], False),
    ]
    metadata = new_metadata(
        spec.name, CLASSES, 32, spec.mean, spec.std,
        record=TrainingRecord(train_config={"backbone": spec.name},
                              metrics={"val_accuracy": history[1].val_accuracy}),
    )  # fmt: skip
    return FitResult("finished", "Finished 3 epochs.", model, metadata, history, best_epoch=2)


@pytest.fixture
def page(qtbot):
    widget = ResultsPage()
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    yield widget
    assert widget.cancel_and_wait(10000)


def test_empty_page_explains_itself(page):
    assert page.stack.currentWidget() is page.empty_label
    assert not page.save_button.isEnabled() and not page.use_button.isEnabled()
    assert page.evaluate_button.isEnabled()


def test_show_result_uses_the_best_epoch(page, fit_result):
    page.show_result(fit_result)
    best = best_epoch(fit_result.history)
    assert best.epoch == 2
    assert page.accuracy_label.text() == f"{100 * best.val_accuracy:.1f}%"
    assert page.metrics_panel.confusion_view.class_names == list(CLASSES)
    assert page.metrics_panel.confusion_view.matrix.tolist() == [list(r) for r in best.confusion]
    rows = page.metrics_panel.metrics_table.row_values()
    assert [r[0] for r in rows] == list(CLASSES)
    for (_name, precision, recall, f1, support), expected in zip(rows, best.per_class, strict=True):
        assert (precision, recall, f1, support) == pytest.approx(
            (expected.precision, expected.recall, expected.f1, expected.support)
        )
    assert page.metrics_panel.curves.epoch_count == 3
    assert page.save_button.isEnabled() and page.use_button.isEnabled()


def test_save_then_use_for_classification(qtbot, page, fit_result, tmp_path):
    page.show_result(fit_result)
    with qtbot.waitSignal(page.modelSaved) as saved:
        path = page.save_model(tmp_path / "shapes")  # the suffix is added
    assert saved.args == [str(tmp_path / "shapes.safetensors")] == [path]
    assert read_metadata(path).class_names == CLASSES
    with qtbot.waitSignal(page.useForClassificationRequested) as used:
        page.use_button.click()
    assert used.args == [path]


def test_use_for_classification_asks_where_to_save_first(
    qtbot, page, fit_result, tmp_path, monkeypatch
):
    target = tmp_path / "chosen.safetensors"
    asked = []

    def fake_dialog(*args, **kwargs):
        asked.append(args)
        return str(target), "Backbone Studio model (*.safetensors)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    page.show_result(fit_result)
    with qtbot.waitSignals([page.modelSaved, page.useForClassificationRequested]):
        page.use_button.click()
    assert len(asked) == 1 and target.is_file()
    assert page.saved_path == str(target)


def test_evaluate_a_saved_model_on_a_folder(qtbot, page, fit_result, tmp_path):
    model = fit_result.save(tmp_path / "model.safetensors")
    folder = make_demo_dataset(tmp_path / "eval", classes=4, per_class=3, size=32)
    (folder / "circle" / "broken.jpg").write_bytes(b"no image here")
    page.evaluate(model, folder, device="cpu")
    qtbot.waitUntil(
        lambda: page.stack.currentIndex() == 1 and not page.evaluator.is_running(), timeout=30000
    )
    matrix = page.metrics_panel.confusion_view.matrix
    assert page.metrics_panel.confusion_view.class_names == list(CLASSES)
    assert matrix.sum() == 9  # 3 known classes x 3 images; the 4th class is not the model's
    assert "Skipped" in page.subtitle_label.text()
    assert page.metrics_panel.problems_list.count() == 1 and "broken.jpg" in page.metrics_panel.problems_list.item(0).text()
    assert not page.save_button.isEnabled() and page.use_button.isEnabled()
    with qtbot.waitSignal(page.useForClassificationRequested) as used:
        page.use_button.click()
    assert used.args == [str(model)]


def test_confusion_view_normalises_rows_and_checks_shapes(qtbot):
    view = ConfusionViewWidget()
    qtbot.addWidget(view)
    view.set_matrix([[2, 2], [0, 0]], ["a", "a very long class name that will be elided"])
    assert row_normalised(view.matrix).tolist() == [[0.5, 0.5], [0.0, 0.0]]
    view.resize(400, 300)
    assert not view.grab().isNull()
    grid, cell, _, _ = view._layout()
    assert view.cell_at(grid.topLeft() + QPoint(cell // 2, cell + cell // 2)) == (1, 0)
    assert view.cell_at(QPoint(1, 1)) is None
    with pytest.raises(ValueError):
        view.set_matrix([[1, 2], [3, 4]], ["only one"])
