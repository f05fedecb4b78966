"""Typed events a Trainer emits, the callback protocol, and the cancel token.

Events are frozen dataclasses holding plain Python data (no tensors), so they can cross
threads and be put into Qt signals unchanged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

Outcome = Literal["finished", "cancelled", "failed"]


class CancelToken:
    """Thread-safe cancel flag; the trainer checks it at every batch boundary."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class Cancelled(Exception):
    """A job stopped because its CancelToken was set (at `epoch`, `batch` for a training)."""

    def __init__(self, epoch: int = 0, batch: int = 0):
        super().__init__(f"cancelled at epoch {epoch}, batch {batch}")
        self.epoch, self.batch = epoch, batch


@dataclass(frozen=True)
class ClassMetrics:
    name: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class FitPlan:
    """What the trainer is about to do, after automatic defaults are resolved."""

    backbone: str
    strategy: str
    pretrained: bool
    small_input: bool
    device: str
    device_name: str
    precision: str  # "fp32", "bf16" or "fp16"
    image_size: int
    batch_size: int
    epochs: int
    learning_rate: float
    num_train: int
    num_val: int
    class_names: tuple[str, ...]
    stages: tuple[str, ...] = ()  # e.g. ("head", "full") for two_stage
    notes: tuple[str, ...] = ()  # human-readable reasons for the automatic choices
    time_budget: float | None = None  # seconds the whole run may take; epochs is then an estimate


@dataclass(frozen=True)
class FitStarted:
    plan: FitPlan


@dataclass(frozen=True)
class StageStarted:
    """A phase of the fit: 'features' (caching frozen-backbone outputs), 'head', 'partial', 'full'."""

    stage: str
    epochs: int
    message: str = ""


@dataclass(frozen=True)
class FeaturePassProgressed:
    done: int
    total: int


@dataclass(frozen=True)
class BatchEnded:
    epoch: int  # 1-based, counted over the whole fit
    batch: int  # 1-based within the epoch
    batches: int
    step: int  # global optimizer step, 1-based
    loss: float
    learning_rate: float
    images_per_second: float
    seconds_left: float | None = None  # of the time budget, when the run has one


@dataclass(frozen=True)
class EpochEnded:
    epoch: int  # 1-based
    epochs: int
    stage: str
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    per_class: tuple[ClassMetrics, ...]
    confusion: tuple[tuple[int, ...], ...]  # rows = true class, columns = predicted
    seconds: float
    images_per_second: float
    is_best: bool


@dataclass(frozen=True)
class Logged:
    message: str
    level: Literal["info", "warning", "error"] = "info"


@dataclass(frozen=True)
class FitEnded:
    outcome: Outcome
    message: str = ""
    best_epoch: int | None = None
    best_val_accuracy: float | None = None
    epochs_completed: int = 0
    seconds: float = 0.0


Event = FitStarted | StageStarted | FeaturePassProgressed | BatchEnded | EpochEnded | Logged | FitEnded


class Callback(Protocol):
    """Anything callable with one event. The GUI adapts these to Qt signals."""

    def __call__(self, event: Event) -> None: ...


@dataclass
class Throttle:
    """Lets an event through at most `per_second` times a second (the first and forced ones always)."""

    per_second: float = 5.0
    _last: float = field(default=float("-inf"), repr=False)

    def ready(self, force: bool = False) -> bool:
        now = time.monotonic()
        if force or now - self._last >= 1.0 / self.per_second:
            self._last = now
            return True
        return False


def emit(callbacks: Iterable[Callback], event: Event) -> None:
    """Deliver an event to every callback; a failing callback never kills training."""
    for callback in callbacks:
        try:
            callback(event)
        except Exception as exc:  # noqa: BLE001 - a broken observer must not stop the fit
            import logging

            logging.getLogger(__name__).exception("callback %r failed on %r: %s", callback, event, exc)


ProgressCallback = Callable[[int, int], None]
"""progress(done, total), used by scans, downloads, feature passes and prediction."""
