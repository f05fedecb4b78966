"""Sorting a folder of photos with a model (Qt-free; the CLI's `sort` and the Classify page).

- `sorter.py`: `sort_folder(classifier, source, dest, options, progress=, cancel=) ->
  SortSummary`, `SortOptions(mode, threshold, batch_size)`, the folder names.
- `place.py`: `Placer` (never overwrite, adopt by hash, hard link or atomic copy),
  `sha256_of`, `folder_name`.
- `manifest.py`: `Manifest`, `ManifestRow`, `read_manifest`, `MANIFEST_NAME`, `COLUMNS`.
"""

from __future__ import annotations

from .manifest import COLUMNS, MANIFEST_NAME, Manifest, ManifestRow, read_manifest
from .place import Placer, folder_name, sha256_of
from .review import SortedReview
from .sorter import (
    MODES,
    NOT_SURE_FOLDER,
    UNREADABLE_FOLDER,
    SortOptions,
    SortSummary,
    sort_folder,
)

__all__ = [
    "COLUMNS",
    "MANIFEST_NAME",
    "MODES",
    "NOT_SURE_FOLDER",
    "UNREADABLE_FOLDER",
    "Manifest",
    "ManifestRow",
    "Placer",
    "SortOptions",
    "SortSummary",
    "SortedReview",
    "folder_name",
    "read_manifest",
    "sha256_of",
    "sort_folder",
]
