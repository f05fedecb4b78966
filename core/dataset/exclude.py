"""Leave excluded images out of a scanned dataset: the one hook training (the CLI and the Train
page) uses to honour `core.review.Exclusions` and `train --exclude-list FILE`."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path

from .index import DatasetIndex, Sample


def _key(path: Path) -> str:
    """A path compared by its resolved folder and its own name (a linked file stays itself)."""
    path = Path(os.path.abspath(path))
    return os.path.join(os.path.realpath(path.parent), path.name)


def exclude_samples(
    index: DatasetIndex, paths: Iterable[str | os.PathLike]
) -> tuple[DatasetIndex, list[Path]]:
    """A copy of `index` without the samples at `paths` (absolute, or relative to the data
    folder), and the sample paths that were left out. Paths that are not in the index are
    ignored; `index` itself is unchanged."""
    root = Path(index.root)
    wanted = set()
    for path in paths:
        path = Path(path).expanduser()
        wanted.add(_key(path if path.is_absolute() else root / path))
    if not wanted:
        return index, []
    left_out: list[Path] = []

    def keep(samples: list[Sample]) -> list[Sample]:
        kept = []
        for sample in samples:
            if _key(sample.path) in wanted:
                left_out.append(sample.path)
            else:
                kept.append(sample)
        return kept

    samples = keep(index.samples)
    val = keep(index.val_samples) if index.val_samples is not None else None
    if not left_out:
        return index, []
    return dataclasses.replace(index, samples=samples, val_samples=val), left_out
