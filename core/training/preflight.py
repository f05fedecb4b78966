"""Before a long training starts: can its files be written, and is there roughly room for them?

What can be checked cheaply is checked up front, so that a read-only folder or a nearly full
disk is said before the run and not after 30 minutes of training. The CLI (`train --out`) and
the GUI (Start training, checkpointing into the app's cache) both call `check_training_outputs`.

The sizes are estimates from the backbone table: a model file holds the weights (4 bytes per
parameter); a checkpoint holds them and AdamW's two moments, about three times as much.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import backbones
from ..fileio import check_output_folder, nearest_existing
from .automatic import largest_candidate
from .config import TrainConfig

BYTES_PER_PARAMETER = 4
CHECKPOINT_FACTOR = 3  # the weights and AdamW's two moments per parameter


def model_bytes(backbone: str) -> int:
    """About how large the model file of `backbone` is (its 1000-class size: an upper bound)."""
    return backbones.get_spec(backbone).params * BYTES_PER_PARAMETER


def checkpoint_bytes(backbone: str) -> int:
    """About how large a training checkpoint of `backbone` is."""
    return model_bytes(backbone) * CHECKPOINT_FACTOR


def _disk_of(folder: Path) -> int | None:
    try:
        return os.stat(nearest_existing(folder)).st_dev
    except OSError:
        return None


def check_training_outputs(config: TrainConfig, model_path: str | Path | None = None) -> int:
    """Raise DiskWriteError (read-only, permission, device) or NotEnoughSpace when the folder of
    the checkpoint (`config.checkpoint`) or of the model file (`model_path`) cannot take them;
    files on one disk count together. Returns the bytes the outputs need."""
    wanted: list[tuple[Path, int, str]] = []
    backbone = largest_candidate(config.backbone)
    if config.checkpoint:
        wanted.append((Path(config.checkpoint).parent, checkpoint_bytes(backbone),
                       "the training checkpoint"))  # fmt: skip
    if model_path is not None:
        wanted.append((Path(model_path).parent, model_bytes(backbone), "the model file"))
    disks: dict[int | None, list[tuple[Path, int, str]]] = {}
    for item in wanted:
        disks.setdefault(_disk_of(item[0]), []).append(item)
    total = 0
    for items in disks.values():
        needed = sum(size for _folder, size, _what in items)
        what = " and ".join(what for _folder, _size, what in items)
        check_output_folder(items[0][0], needed, f"{what} (about {-(-needed // 10**6):,} MB)")
        for folder, _size, what in items[1:]:
            check_output_folder(folder, 0, what)
        total += needed
    return total
