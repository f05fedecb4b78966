"""Which unfinished training may be resumed, and how: one policy for the CLI and the GUI.

The app keeps the checkpoint of its latest training in one place (`app_checkpoint_path()`) until
the trained model is saved or discarded; the CLI writes one next to `--out`. Both ask this module
whether a checkpoint can be offered, what to say about it, and whether a scanned folder is the one
it was made on. It never imports Qt, and it never deletes anything on its own: forgetting a
checkpoint is an explicit call.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from . import backbones
from .errors import ResumeError
from .events import EpochEnded
from .fileio import default_cache_dir
from .messages import define
from .training.checkpoint import (
    CheckpointSummary,
    check_checkpoint_file,
    load_state,
    read_checkpoint_summary,
)
from .training.state import epoch_from_dict

OFFER = define(
    "resume.offer",
    "A training did not finish: {backbone} on {folder}, {epoch} of {epochs} done{best} ({when}). "
    "Resume it from there, or discard it; a new training replaces it.",
)
OFFER_BEST = define("resume.offer.best", ", best validation accuracy {accuracy:.1f}%")
OFFER_EARLIER = define("resume.offer.earlier", "earlier")
EPOCH_ONE = define("words.epoch_one", "{n:,} epoch")  # core.words.plural, as messages
EPOCH_MANY = define("words.epoch_many", "{n:,} epochs")
FOLDER_GONE = define(
    "resume.folder_gone",
    "The folder this training used, {folder}, is not there any more. Put it back to resume, or "
    "discard the unfinished training.",
)

APP_CHECKPOINT_EVERY = 30.0
"""Seconds between the checkpoints the app keeps of a running training (and at each stage end),
so that a crash or a power cut costs at most this much work."""


def app_checkpoint_path() -> Path:
    """Where the app keeps the checkpoint of the latest training until its model is saved or
    discarded; the Train page offers to resume it after the app was closed unexpectedly."""
    return default_cache_dir() / "checkpoints" / "last-training.ckpt"


def cli_checkpoint_path(out: str | Path, checkpoint: str | Path | None = None) -> Path:
    """The CLI's checkpoint: the one asked for, else the model file's name with `.ckpt`."""
    return Path(checkpoint) if checkpoint else Path(out).with_suffix(".ckpt")


@dataclass(frozen=True)
class ResumeOffer:
    """An unfinished training that can be offered to resume, or why none can."""

    summary: CheckpointSummary | None
    warning: str | None = None  # a damaged checkpoint: said once, not offered

    @property
    def available(self) -> bool:
        return self.summary is not None


def find_interrupted(path: str | Path | None = None) -> ResumeOffer:
    """The unfinished training kept at `path` (default: the app's checkpoint), if usable."""
    path = Path(path) if path is not None else app_checkpoint_path()
    if not os.path.lexists(path):
        return ResumeOffer(None)
    try:
        return ResumeOffer(read_checkpoint_summary(path))
    except ResumeError as exc:
        return ResumeOffer(None, warning=str(exc))


def describe(summary: CheckpointSummary) -> str:
    """One sentence offering the unfinished training to the user."""
    spec = backbones.get_spec(summary.config.backbone)
    when = OFFER_EARLIER()
    if summary.saved_at is not None:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.saved_at))
    best = (
        OFFER_BEST(accuracy=100 * summary.best_accuracy)
        if summary.best_accuracy is not None
        else ""
    )
    total = summary.total_epochs
    epochs = (EPOCH_ONE if total == 1 else EPOCH_MANY)(n=total)
    return OFFER(backbone=spec.display_name, folder=summary.data_root, epoch=summary.epoch,
                 epochs=epochs, best=best, when=when)  # fmt: skip


def history(summary: CheckpointSummary) -> list[EpochEnded]:
    """The epochs the checkpointed training completed before it stopped, for showing its whole
    history (curves) when it resumes; empty when the checkpoint cannot be read for it."""
    try:
        state = load_state(summary.path, mmap=True)
        return [epoch_from_dict(entry) for entry in state["history"]]
    except Exception:  # noqa: BLE001 - the curves are a nicety: resuming reports real problems
        return []


def folder_problem(summary: CheckpointSummary) -> str | None:
    """Why the training's folder cannot be scanned again to resume it; None when it can."""
    root = Path(summary.data_root)
    if not summary.data_root or not root.is_dir():
        return FOLDER_GONE(folder=root)
    return None


def same_folder(a: str | Path, b: str | Path) -> bool:
    """True when both name the same folder (resume only continues on the folder it was made on)."""
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return str(a) == str(b)


def check_resume_file(path: str | Path) -> Path:
    """The checkpoint a user named to resume from; ResumeError when it is missing or not a
    regular file (a pipe or device is refused before it is opened)."""
    path = Path(path)
    check_checkpoint_file(path)
    return path


def forget(path: str | Path | None = None) -> str | None:
    """Delete a kept checkpoint (its model was saved or discarded). Returns a warning on failure."""
    path = Path(path) if path is not None else app_checkpoint_path()
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        return f"could not delete {path}: {exc.strerror or exc}"
    return None
