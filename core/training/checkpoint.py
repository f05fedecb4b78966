"""Training checkpoints: one versioned `Checkpoint` record, built from each stateful part's
`state_dict()` (the run state, the optimizer, the schedule, the scaler, the random generators),
and a `CheckpointStore` that writes it atomically, reads it back validated, and summarises it.

The record's fields are the one list of what a checkpoint holds: loading checks exactly those,
so what is written and what is read cannot drift apart. Files written by earlier versions of
this format (the same keys, some optional ones missing) resume; anything else is refused with a
message naming the file and why.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..errors import (
    KEPT_CHECKPOINT,
    KEPT_NO_CHECKPOINT,
    BackboneStudioError,
    DiskWriteError,
    ResumeError,
    TrainingError,
)
from ..fileio import atomic_write, check_regular_file
from ..messages import define
from .config import TrainConfig, resolve_strategy

_NOT_BACKBONE_STUDIO_TRAINING = define(
    "error.checkpoint.not_backbone_studio_training",
    "{path} is not a Backbone Studio training checkpoint (or comes from another version).",
)
_CHECKPOINT_INCOMPLETE_NO_DAMAGED = define(
    "error.checkpoint.checkpoint_incomplete_no_damaged",
    "The checkpoint {path} is incomplete (no {items}); it is damaged or was not written by "
    "Backbone Studio. Start a new training.",
)
_CHECKPOINT_MADE_DIFFERENT_SETTINGS = define(
    "error.checkpoint.checkpoint_made_different_settings",
    "The checkpoint {path} was made with different settings ({items}). Resume with the same "
    "settings, or start a new training.",
)
_DATASET_CHANGED_SINCE_CHECKPOINT = define(
    "error.checkpoint.dataset_changed_since_checkpoint",
    "The dataset changed since the checkpoint {path} was written (files were added, removed "
    "or modified). Resuming would mix two datasets; start a new training.",
)
_DOES_NOT_EXIST_CHOOSE = define(
    "error.checkpoint.does_not_exist_choose",
    "{what_capitalized} {path} does not exist; choose the .ckpt file to resume.",
)
_CANNOT_READ = define(
    "error.checkpoint.cannot_read",
    "{what_capitalized} {path} cannot be read: {error}.",
)
_CHECKPOINT_CANNOT_USED = define(
    "error.checkpoint.checkpoint_cannot_used",
    "The checkpoint {path} cannot be used ({kind}: {error}).",
)
_CHECKPOINT_HOLDS_DAMAGED_TRAINING = define(
    "error.checkpoint.checkpoint_holds_damaged_training",
    "The checkpoint {path} holds damaged training settings ({reason}). Start a new training.",
)
_CHECKPOINT_HOLDS_DAMAGED_TRAINING_2 = define(
    "error.checkpoint.checkpoint_holds_damaged_training_2",
    "The checkpoint {path} holds damaged training settings ({kind}). Start a new training.",
)
_COULD_NOT_WRITE_CHECKPOINT = define(
    "error.checkpoint.could_not_write_checkpoint",
    "Could not write the checkpoint {path}: {error}. Choose a folder you can write to, or "
    "free some disk space.",
)
_CHECKPOINT_CANNOT_READ_MAY = define(
    "error.checkpoint.checkpoint_cannot_read_may",
    "The checkpoint {path} cannot be read ({kind}: {error}). It may be damaged or not a "
    "Backbone Studio checkpoint; start a new training.",
)


CHECKPOINT_VERSION = 1


@dataclass
class Checkpoint:
    """Everything needed to continue a fit where it stopped."""

    model: dict  # the last completed epoch's weights
    optimizer: dict
    scheduler: dict
    run: dict  # RunState.state_dict(): epoch, step, stage, stage_epoch, bad_epochs, best, history
    rng: dict
    config: str  # TrainConfig.to_json()
    resolved: dict  # Plan.resolved()
    class_names: list[str]
    fingerprint: str
    data_root: str = ""
    saved_at: float | None = None
    scaler: dict | None = None

    # keys of the run state stored at the top level of the file (format version 1)
    _RUN_KEYS = ("epoch", "step", "stage", "stage_epoch", "bad_epochs", "best", "history")
    _RUN_REQUIRED = ("epoch", "stage", "stage_epoch", "best", "history")

    @classmethod
    def required_keys(cls) -> frozenset[str]:
        own = {
            f.name
            for f in dataclasses.fields(cls)
            if f.name != "run" and f.default is dataclasses.MISSING
        }
        return frozenset(own | set(cls._RUN_REQUIRED))

    def to_file_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "run"}
        return {"version": CHECKPOINT_VERSION, **data, **self.run}

    @classmethod
    def from_file_dict(cls, state: Any, path: Path) -> Checkpoint:
        if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
            raise ResumeError(
                _NOT_BACKBONE_STUDIO_TRAINING(path=path)
            )
        missing = sorted(cls.required_keys() - set(state))
        if missing:
            raise ResumeError(
                _CHECKPOINT_INCOMPLETE_NO_DAMAGED(path=path, items=', '.join(missing))
            )
        names = {f.name for f in dataclasses.fields(cls)} - {"run"}
        fields = {name: state[name] for name in names if name in state}
        run = {key: state[key] for key in cls._RUN_KEYS if key in state}
        return cls(run=run, **fields)

    def saved_config(self, path: Path) -> TrainConfig:
        try:
            return TrainConfig.from_json(self.config)
        except (BackboneStudioError, RecursionError, TypeError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, BackboneStudioError) else type(exc).__name__
            raise ResumeError(
                _CHECKPOINT_HOLDS_DAMAGED_TRAINING(path=path, reason=reason[:200])
            ) from None

    def check_matches(self, config: TrainConfig, index, path: Path) -> None:
        """Refuse (ResumeError) a checkpoint of other settings or of a changed dataset."""
        saved = self.saved_config(path)
        try:
            saved_strategy = self.resolved["strategy"]
            saved_classes = [str(name) for name in self.class_names]
        except (TypeError, KeyError) as exc:
            raise ResumeError(
                _CHECKPOINT_HOLDS_DAMAGED_TRAINING_2(path=path, kind=type(exc).__name__)
            ) from None
        differences = [
            f"{name}: checkpoint {old!r}, now {new!r}"
            for name, old, new in (
                ("backbone", saved.backbone, config.backbone),
                ("strategy", saved_strategy, resolve_strategy(config.strategy, config.pretrained)),
                ("pretrained", saved.pretrained, config.pretrained),
            )
            if old != new
        ]
        if differences:
            raise ResumeError(
                _CHECKPOINT_MADE_DIFFERENT_SETTINGS(path=path, items='; '.join(differences))
            )
        if saved_classes != list(index.class_names) or self.fingerprint != index.fingerprint():
            raise ResumeError(
                _DATASET_CHANGED_SINCE_CHECKPOINT(path=path)
            )


@dataclass(frozen=True)
class CheckpointSummary:
    """What a training checkpoint holds, in a few fields: enough to offer resuming it."""

    path: Path
    config: TrainConfig
    epoch: int  # epochs completed
    total_epochs: int
    data_root: str
    class_names: tuple[str, ...]
    saved_at: float | None  # time.time() of the write; None for older checkpoints
    best_accuracy: float | None


def tensor_bytes(obj: Any) -> int:
    """Bytes of the tensors in a nested dict/list (what torch.save will write, roughly)."""
    if isinstance(obj, torch.Tensor):
        return obj.numel() * obj.element_size()
    if isinstance(obj, dict):
        return sum(tensor_bytes(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(tensor_bytes(v) for v in obj)
    return 0


def save_atomically(obj: Any, path: Path) -> None:
    """torch.save through a temporary file beside `path` (its folder made if missing), fsynced,
    then renamed over it; DiskWriteError naming `path` when the disk refuses."""
    with atomic_write(path, size_hint=tensor_bytes(obj) + 2**20, make_folder=True) as handle:
        torch.save(obj, handle)


_THE_CHECKPOINT = define("words.the_checkpoint", "The checkpoint")


def _capitalized(what: str) -> str:
    return _THE_CHECKPOINT() if what == "the checkpoint" else what.capitalize()


def check_checkpoint_file(path: Path, what: str = "the checkpoint") -> os.stat_result:
    """The checkpoint is a regular file (never a pipe or device: opening one can block)."""

    def refuse(path: Path, reason: str) -> ResumeError:
        return ResumeError(f"{path} {reason}. Choose the .ckpt file to resume.")

    try:
        return check_regular_file(path, "a training checkpoint", refuse)
    except FileNotFoundError:
        raise ResumeError(
            _DOES_NOT_EXIST_CHOOSE(what_capitalized=_capitalized(what), path=path)
        ) from None  # fmt: skip
    except OSError as exc:
        raise ResumeError(
            _CANNOT_READ(what_capitalized=_capitalized(what), path=path, error=exc.strerror or exc)
        ) from None  # fmt: skip


def load_state(path: str | Path, mmap: bool = False) -> Any:
    """torch.load(weights_only=True) of a checkpoint file, refused before it is opened when it
    is not a regular file (ResumeError); other failures are torch's to raise."""
    path = Path(path)
    check_checkpoint_file(path)
    return torch.load(path, map_location="cpu", weights_only=True, mmap=mmap)


class CheckpointStore:
    """Writes a run's checkpoints to one file, at most every `every` seconds unless forced."""

    def __init__(
        self,
        path: str | Path | None,
        every: float = 0.0,
        write: Callable[[Any, Path], None] = save_atomically,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.path = Path(path) if path else None
        self.every = every
        self._write = write
        self._clock = clock
        self._written_at = -float("inf")
        self.last_written: Path | None = None

    def due(self, force: bool = False) -> bool:
        if self.path is None:
            return False
        return force or self.every <= 0 or self._clock() - self._written_at >= self.every

    def save(self, record: Checkpoint) -> Path:
        """Write the record; DiskWriteError (naming the file, saying whether the last
        checkpoint is kept) when the disk refuses."""
        assert self.path is not None
        record.saved_at = time.time()
        try:
            self._write(record.to_file_dict(), self.path)
        except DiskWriteError as exc:
            kept = KEPT_CHECKPOINT(path=self.path) if self.path.is_file() else KEPT_NO_CHECKPOINT()
            raise exc.with_kept(kept) from None
        except OSError as exc:
            raise TrainingError(
                _COULD_NOT_WRITE_CHECKPOINT(path=self.path, error=exc.strerror or exc)
            ) from None
        self.last_written = self.path
        self._written_at = self._clock()
        return self.path

    @staticmethod
    def load(path: str | Path) -> Checkpoint:
        """Read a checkpoint for resuming; ResumeError naming the file for anything unusable."""
        path = Path(path)
        check_checkpoint_file(path, "the checkpoint")
        try:
            state = load_state(path)
        except Exception as exc:
            raise ResumeError(
                _CHECKPOINT_CANNOT_READ_MAY(
                    path=path,
                    kind=type(exc).__name__,
                    error=str(exc)[:200],
                )
            ) from None
        return Checkpoint.from_file_dict(state, path)


def read_checkpoint_summary(path: str | Path) -> CheckpointSummary:
    """The summary of a checkpoint (memory-mapped: the weights are not read). Raises
    ResumeError, naming the file, for anything that is not a usable checkpoint."""
    path = Path(path)
    check_checkpoint_file(path)
    try:
        state = load_state(path, mmap=True)
        record = Checkpoint.from_file_dict(state, path)
        best = record.run.get("best")
        return CheckpointSummary(
            path=path,
            config=TrainConfig.from_json(record.config),
            epoch=int(record.run["epoch"]),
            total_epochs=sum(int(stage[1]) for stage in record.resolved["stages"]),
            data_root=str(record.data_root or ""),
            class_names=tuple(str(name) for name in record.class_names),
            saved_at=float(record.saved_at) if record.saved_at is not None else None,
            best_accuracy=float(best["accuracy"]) if isinstance(best, dict) else None,
        )
    except Exception as exc:  # noqa: BLE001 - any damage means: cannot be offered
        raise ResumeError(
            _CHECKPOINT_CANNOT_USED(path=path, kind=type(exc).__name__, error=str(exc)[:160])
        ) from None
