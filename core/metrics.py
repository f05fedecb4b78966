"""Classification metrics on numpy arrays: confusion matrix, accuracy, per-class P/R/F1.

Zero-division safe: a class that is never predicted has precision 0, a class with no samples has
recall 0, and an empty confusion matrix has accuracy 0 (never NaN, never a warning).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .events import ClassMetrics


def confusion_matrix(y_true, y_pred, num_classes: int) -> np.ndarray:
    """[num_classes, num_classes] int64 counts; rows are true classes, columns predicted ones."""
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    true = np.asarray(y_true, dtype=np.int64).ravel()
    pred = np.asarray(y_pred, dtype=np.int64).ravel()
    if true.shape != pred.shape:
        raise ValueError(f"y_true has {true.size} labels but y_pred has {pred.size}")
    for name, values in (("y_true", true), ("y_pred", pred)):
        if values.size and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(f"{name} holds labels outside 0..{num_classes - 1}")
    flat = np.bincount(true * num_classes + pred, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes).astype(np.int64)


def accuracy(confusion) -> float:
    """Fraction of correct predictions (the trace over the total); 0.0 for an empty matrix."""
    matrix = np.asarray(confusion)
    total = matrix.sum()
    return float(np.trace(matrix) / total) if total else 0.0


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    numerator = numerator.astype(np.float64)
    out = np.zeros_like(numerator)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def per_class_metrics(confusion, class_names: Sequence[str]) -> tuple[ClassMetrics, ...]:
    """Precision, recall, F1 and support for each class, in class order."""
    matrix = np.asarray(confusion, dtype=np.int64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"confusion must be a square matrix, got shape {matrix.shape}")
    if len(class_names) != matrix.shape[0]:
        raise ValueError(
            f"{len(class_names)} class names given for a {matrix.shape[0]}-class confusion matrix"
        )
    true_positive = np.diag(matrix)
    support = matrix.sum(axis=1)
    predicted = matrix.sum(axis=0)
    precision = _safe_divide(true_positive, predicted)
    recall = _safe_divide(true_positive, support)
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    return tuple(
        ClassMetrics(
            name=str(name),
            precision=float(precision[i]),
            recall=float(recall[i]),
            f1=float(f1[i]),
            support=int(support[i]),
        )
        for i, name in enumerate(class_names)
    )


def macro_f1(metrics: Sequence[ClassMetrics]) -> float:
    """Unweighted mean F1 over classes that have samples; 0.0 when none have."""
    scored = [m.f1 for m in metrics if m.support > 0]
    return float(np.mean(scored)) if scored else 0.0
