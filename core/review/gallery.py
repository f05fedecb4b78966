"""Which images a gallery shows, in which order (pure functions over `ImageRecord`s)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .records import ImageRecord


def _name(label: int | str, class_names: Sequence[str]) -> str:
    return class_names[label] if isinstance(label, int) else label


def cell_records(
    records: Iterable[ImageRecord],
    true: int | str,
    predicted: int | str,
    class_names: Sequence[str] = (),
) -> list[ImageRecord]:
    """The images of one confusion-matrix cell (row `true`, column `predicted`; indices into
    `class_names`, or names). An off-diagonal cell: highest loss first. A diagonal cell: the
    least confident correct images first. Ties keep path order."""
    t, p = _name(true, class_names), _name(predicted, class_names)
    chosen = sorted(
        (r for r in records if r.true_label == t and r.predicted == p), key=lambda r: r.path
    )
    if t == p:
        return sorted(chosen, key=lambda r: r.confidence)
    return sorted(chosen, key=lambda r: -r.loss)


def mistakes(records: Iterable[ImageRecord]) -> list[ImageRecord]:
    """Every misclassified image, highest loss first."""
    wrong = sorted((r for r in records if not r.correct), key=lambda r: r.path)
    return sorted(wrong, key=lambda r: -r.loss)


def cell_counts(records: Iterable[ImageRecord], class_names: Sequence[str]) -> list[list[int]]:
    """The confusion matrix the records make (rows true, columns predicted)."""
    index = {n: i for i, n in enumerate(class_names)}
    counts = [[0] * len(class_names) for _ in class_names]
    for r in records:
        if r.true_label in index and r.predicted in index:
            counts[index[r.true_label]][index[r.predicted]] += 1
    return counts


def label_next(items: Iterable, margin=lambda item: item.margin) -> list:
    """"Label these next": the items whose two most likely classes are closest first (the
    smallest margin teaches the model most). `margin` reads an item's margin; ties keep order."""
    return sorted(items, key=margin)
