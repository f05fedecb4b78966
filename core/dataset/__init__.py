"""Class-per-folder datasets: scanning, splitting, the decoded-image cache and transforms.

* :mod:`.index`: what a scan produces (:class:`Sample`, :class:`Problem`, :class:`DatasetIndex`,
  :class:`ScanResult`);
* :mod:`.scan`: :func:`scan_folder` and the layout rules (file discovery is :mod:`core.files`);
* :mod:`.splits`: :func:`split_index`, the stratified, stable train/validation split;
* :mod:`.exclude`: :func:`exclude_samples`, excluded images left out of an index;
* :mod:`.cache`: :class:`DecodedImageCache`, images decoded once and kept in memory and on disk;
* :mod:`.torchdata`: the transforms, :class:`ImageDataset` and :func:`collate_skip_missing`.

Everything is importable from ``core.dataset`` itself.
"""

from __future__ import annotations

from core.fileio import default_cache_dir
from core.files import JUNK_NAMES

from .cache import SPILL_BUDGET, SPILL_MIN_FREE_DISK, DecodedImageCache
from .exclude import exclude_samples
from .index import DatasetIndex, Problem, Sample, ScanResult
from .scan import (
    IMBALANCE_RATIO,
    MIN_IMAGES_PER_CLASS,
    SCAN_DRAFT_SIZE,
    VAL_FOLDER_NAMES,
    ScanCancelled,
    scan_folder,
)
from .splits import split_index
from .torchdata import ImageDataset, collate_skip_missing, eval_transform, train_transform

__all__ = [
    "IMBALANCE_RATIO",
    "JUNK_NAMES",
    "MIN_IMAGES_PER_CLASS",
    "SCAN_DRAFT_SIZE",
    "SPILL_BUDGET",
    "SPILL_MIN_FREE_DISK",
    "VAL_FOLDER_NAMES",
    "DatasetIndex",
    "DecodedImageCache",
    "ImageDataset",
    "Problem",
    "Sample",
    "ScanCancelled",
    "ScanResult",
    "collate_skip_missing",
    "default_cache_dir",
    "eval_transform",
    "exclude_samples",
    "scan_folder",
    "split_index",
    "train_transform",
]
