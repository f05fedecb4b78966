"""Before / after: two runs side by side (accuracy, per-class F1, the data each saw) and what
changed in the data between them. Pure functions over a `RunSummary`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RunSummary:
    """What a training result or an evaluation scored: accuracy, F1 per class, image counts."""

    accuracy: float
    f1: dict[str, float] = field(default_factory=dict)
    num_train: int | None = None
    num_val: int | None = None


def summarize(result) -> RunSummary | None:
    """The summary of a `FitResult` (its metadata's metrics) or a `FolderEvaluation`; None when
    there is nothing scored."""
    per_class = getattr(result, "per_class", None)
    if per_class is not None and hasattr(result, "accuracy"):  # a FolderEvaluation
        return RunSummary(result.accuracy, {m.name: m.f1 for m in per_class},
                          None, result.num_images)  # fmt: skip
    metadata = getattr(result, "metadata", None)
    metrics = dict(getattr(metadata, "metrics", None) or {})
    if "val_accuracy" not in metrics:
        return None
    f1 = {row["name"]: float(row["f1"]) for row in metrics.get("per_class", []) if "name" in row}
    return RunSummary(float(metrics["val_accuracy"]), f1, metrics.get("num_train"),
                      metrics.get("num_val"))  # fmt: skip


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _points(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return ""
    return f"{100 * (after - before):+.1f} points"


def _count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def compare_runs(before: RunSummary, after: RunSummary) -> list[tuple[str, str, str, str]]:
    """Rows (what, before, after, change): accuracy, each class's F1 (classes of either run),
    the training and validation image counts."""
    rows = [("accuracy", _pct(before.accuracy), _pct(after.accuracy),
             _points(before.accuracy, after.accuracy))]  # fmt: skip
    names = list(before.f1) + [n for n in after.f1 if n not in before.f1]
    for name in names:
        b, a = before.f1.get(name), after.f1.get(name)
        rows.append((f"F1 {name}", _pct(b), _pct(a), _points(b, a)))
    for what, b, a in (("training images", before.num_train, after.num_train),
                       ("validation images", before.num_val, after.num_val)):  # fmt: skip
        change = "" if b is None or a is None else f"{a - b:+,}"
        rows.append((what, _count(b), _count(a), change))
    return rows


def data_changes(actions: Iterable) -> list[str]:
    """What was done to the data between the runs: the titles of the history's actions."""
    return [action.title for action in actions]
