"""core.metrics: confusion matrix, accuracy and per-class precision/recall/F1."""

from __future__ import annotations

import numpy as np
import pytest

from core.events import ClassMetrics
from core.metrics import accuracy, confusion_matrix, macro_f1, per_class_metrics


def test_confusion_matrix_rows_are_true_columns_predicted():
    cm = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert cm.dtype == np.int64
    assert accuracy(cm) == pytest.approx(4 / 6)


def test_confusion_matrix_accepts_tensors_like_arrays_and_empty_input():
    cm = confusion_matrix(np.array([], dtype=int), np.array([], dtype=int), 2)
    assert cm.tolist() == [[0, 0], [0, 0]]
    assert accuracy(cm) == 0.0


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [([0, 1], [0], "labels"), ([0, 3], [0, 1], "outside"), ([0, 1], [-1, 1], "outside")],
)
def test_confusion_matrix_rejects_bad_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        confusion_matrix(y_true, y_pred, 3)


def test_per_class_metrics_match_hand_computed_values():
    cm = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    metrics = per_class_metrics(cm, ["a", "b", "c"])
    assert all(isinstance(m, ClassMetrics) for m in metrics)
    a, b, c = metrics
    assert (a.name, a.support) == ("a", 2)
    assert a.precision == pytest.approx(1 / 2) and a.recall == pytest.approx(1 / 2)
    assert b.precision == pytest.approx(1 / 2) and b.recall == pytest.approx(1.0)
    assert b.f1 == pytest.approx(2 * 0.5 * 1.0 / 1.5)
    assert c.precision == pytest.approx(1.0) and c.recall == pytest.approx(2 / 3)
    assert macro_f1(metrics) == pytest.approx(np.mean([a.f1, b.f1, c.f1]))


def test_per_class_metrics_are_zero_division_safe():
    # class 1 never predicted and class 2 has no samples: no NaN, no warnings
    cm = np.array([[3, 0, 1], [2, 0, 0], [0, 0, 0]])
    with np.errstate(all="raise"):
        metrics = per_class_metrics(cm, ["x", "y", "z"])
    values = [v for m in metrics for v in (m.precision, m.recall, m.f1)]
    assert all(np.isfinite(values))
    assert metrics[1].precision == 0.0 and metrics[1].recall == 0.0 and metrics[1].f1 == 0.0
    assert metrics[2].support == 0 and metrics[2].recall == 0.0
    assert macro_f1(metrics) == pytest.approx(np.mean([metrics[0].f1, 0.0]))
    assert accuracy(np.zeros((3, 3))) == 0.0


def test_per_class_metrics_checks_the_names():
    with pytest.raises(ValueError, match="class names"):
        per_class_metrics(np.eye(2, dtype=int), ["only-one"])
