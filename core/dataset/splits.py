"""Splitting a dataset index into training and validation samples."""

from __future__ import annotations

import hashlib

from core.errors import DatasetError

from ..messages import define
from .index import DatasetIndex, Sample

_VALIDATION_FRACTION_MUST_BETWEEN = define(
    "error.dataset.validation_fraction_must_between",
    "validation fraction must be between 0 and 1, got {val_fraction}",
)


def split_index(
    index: DatasetIndex, val_fraction: float = 0.2, seed: int = 0
) -> tuple[list[Sample], list[Sample]]:
    """(train, val) samples.

    A predefined split (``train/`` + ``val/``) is returned as it is. Otherwise each class is
    split on its own (stratified): ``round(n * val_fraction)`` images, at least 1, go to
    validation, and at least one stays in training. A class with a single image cannot give one
    to both sides: it stays in training with no validation image (``scan_folder`` already warns
    about classes with fewer than 5 images).

    Which images go to validation is decided by a hash of (seed, path relative to the root), so
    the split is the same in every run and process, and adding images to a class moves few of
    the others. Both lists keep the index's order.
    """
    if index.val_samples is not None:
        return list(index.samples), list(index.val_samples)
    if not 0.0 < val_fraction < 1.0:
        raise DatasetError(_VALIDATION_FRACTION_MUST_BETWEEN(val_fraction=val_fraction))

    def rank(sample: Sample) -> str:
        try:
            rel = sample.path.relative_to(index.root).as_posix()
        except ValueError:
            rel = sample.path.as_posix()
        return hashlib.sha256(f"{seed}\x1f{rel}".encode("utf-8", "surrogateescape")).hexdigest()

    by_class: dict[int, list[Sample]] = {}
    for sample in index.samples:
        by_class.setdefault(sample.label, []).append(sample)
    val_set: set[Sample] = set()
    for members in by_class.values():
        n = len(members)
        if n < 2:
            continue
        n_val = min(n - 1, max(1, round(n * val_fraction)))
        val_set.update(sorted(members, key=rank)[:n_val])
    train = [s for s in index.samples if s not in val_set]
    val = [s for s in index.samples if s in val_set]
    return train, val
