"""The training engine: a plain loop that turns a DatasetIndex into a classifier and reports
typed events (core.events) to callbacks. It knows nothing about threads or Qt.

Strategies
- ``head``: the backbone is frozen and in eval mode; its features are computed once per image
  (optionally for several augmented views) under ``torch.inference_mode()`` and cached as
  tensors, and only the Linear head trains on them: after the feature pass an epoch is a few
  matrix multiplications.
- ``partial``: the trunk (everything before the last stage) is frozen; its outputs are cached in
  fp16 and the last stage plus the head train on them.
- ``full``: every layer trains on images, with lower learning rates for earlier layers when
  starting from pretrained weights.
- ``two_stage``: ``head`` first, then everything unfrozen at a lower rate (fastai's fine_tune).
- ``auto``: ``two_stage`` with pretrained weights, else ``full``.

`fit()` always ends with exactly one FitEnded event and a FitResult whose outcome is
``finished``, ``cancelled`` or ``failed``; user errors and bugs alike become ``failed`` with a
message a person can act on (a bug's traceback goes to the log).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import logging
import math
import os
import random
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from . import backbones
from .devices import autocast_dtype, device_info, resolve_device
from .errors import BackboneStudioError, ResumeError, TrainingError, WeightsUnavailable
from .events import (
    BatchEnded,
    CancelToken,
    ClassMetrics,
    EpochEnded,
    FeaturePassProgressed,
    FitEnded,
    FitPlan,
    FitStarted,
    Logged,
    StageStarted,
    Throttle,
    emit,
)
from .fileio import atomic_replace
from .metrics import accuracy, confusion_matrix, per_class_metrics

log = logging.getLogger(__name__)

_CHECKPOINT_KEYS = frozenset(
    {"model", "optimizer", "scheduler", "epoch", "stage", "stage_epoch", "best", "rng", "config",
     "resolved", "class_names", "fingerprint", "history"}
)  # fmt: skip
STRATEGIES = ("auto", "head", "partial", "full", "two_stage")
SCHEDULES = ("onecycle", "cosine")
CHECKPOINT_VERSION = 1
SMALL_INPUT_BELOW = 96  # ResNets trained from scratch on smaller images use the small stem
SIZE_SAMPLE = 48  # images looked at to choose the image size
IMBALANCE_RATIO = 3.0  # class_weighting="auto" weights the loss above this max/min count ratio
HEAD_LR = 2e-3
PARTIAL_LR = 1e-3
FULL_LR_PRETRAINED = 1e-3
FULL_LR_SCRATCH = 2e-3
LR_SPREAD = 100.0  # pretrained full fine-tuning: the first layers get lr / LR_SPREAD
PARTIAL_CACHE_LIMIT = 4 * 2**30  # bytes of fp16 trunk outputs we are willing to keep in memory


# ------------------------------------------------------------------------------------- config


@dataclass
class TrainConfig:
    """Everything a user can choose about a fit; None means "choose automatically"."""

    backbone: str = "resnet18"
    strategy: str = "auto"
    pretrained: bool = True
    epochs: int | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    image_size: int | None = None
    val_fraction: float = 0.2
    seed: int = 0
    device: str = "auto"
    augment: bool = True
    feature_views: int = 1
    label_smoothing: float = 0.1
    class_weighting: str = "auto"
    grad_clip: float | None = 1.0
    schedule: str = "onecycle"
    weight_decay: float = 0.05
    early_stopping: int | None = None
    num_workers: int | None = None
    checkpoint: str | None = None
    # Seconds between checkpoints (0: after every epoch). The last epoch of each stage and an
    # early stop are always written. The app uses it so that millisecond head epochs do not
    # each write the whole network.
    checkpoint_every: float = 0.0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise BackboneStudioError naming the first bad value and what is allowed."""

        def bad(name: str, allowed: str) -> BackboneStudioError:
            return BackboneStudioError(
                f"Training setting '{name}' is {getattr(self, name)!r}; it must be {allowed}."
            )

        def check_int(name: str, low: int, optional: bool = True) -> None:
            value = getattr(self, name)
            if value is None and optional:
                return
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise bad(
                    name, f"a whole number >= {low}" + (" or empty (automatic)" if optional else "")
                )

        def check_float(name: str, low: float, high: float, optional: bool, low_open: bool) -> None:
            value = getattr(self, name)
            if value is None and optional:
                return
            ok = (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and math.isfinite(value)
            )
            ok = ok and (value > low if low_open else value >= low) and value <= high
            if not ok:
                bound = f"> {low}" if low_open else f">= {low}"
                raise bad(
                    name, f"a number {bound} and <= {high:g}" + (" or empty" if optional else "")
                )

        if not isinstance(self.backbone, str) or not self.backbone:
            raise bad("backbone", "a backbone name")
        backbones.get_spec(self.backbone)  # unknown names list the valid ones
        if self.strategy not in STRATEGIES:
            raise bad("strategy", " / ".join(STRATEGIES))
        if self.schedule not in SCHEDULES:
            raise bad("schedule", " / ".join(SCHEDULES))
        if self.class_weighting not in ("auto", "on", "off"):
            raise bad("class_weighting", "auto / on / off")
        if not isinstance(self.pretrained, bool):
            raise bad("pretrained", "true or false")
        if not isinstance(self.augment, bool):
            raise bad("augment", "true or false")
        check_int("epochs", 1)
        check_int("batch_size", 1)
        check_int("image_size", 16)
        check_int("feature_views", 1, optional=False)
        check_int("early_stopping", 1)
        check_int("num_workers", 0)
        check_int("seed", 0, optional=False)
        check_float("learning_rate", 0.0, 1e9, optional=True, low_open=True)
        check_float("val_fraction", 0.0, 0.9, optional=False, low_open=True)
        check_float("label_smoothing", 0.0, 0.5, optional=False, low_open=False)
        check_float("grad_clip", 0.0, 1e9, optional=True, low_open=True)
        check_float("weight_decay", 0.0, 10.0, optional=False, low_open=False)
        check_float("checkpoint_every", 0.0, 1e9, optional=False, low_open=False)
        if not isinstance(self.device, str):
            raise bad("device", "auto, cpu, mps or cuda:N")
        if self.checkpoint is not None and not isinstance(self.checkpoint, str):
            raise bad("checkpoint", "a file path or empty")
        spec = backbones.get_spec(self.backbone)
        if self.pretrained and not spec.has_pretrained:
            raise BackboneStudioError(
                f"{spec.display_name} has no pretrained weights; set pretrained to false "
                "(train from scratch) or choose another backbone."
            )
        if self.image_size is not None and self.image_size < spec.min_size:
            raise BackboneStudioError(
                f"Image size {self.image_size} px is too small for {spec.display_name}; "
                f"use at least {spec.min_size} px."
            )

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True, indent=2)

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError, TypeError) as exc:
            reason = str(exc) if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            raise BackboneStudioError(
                f"The training settings are not valid JSON: {reason}"
            ) from None
        if not isinstance(data, dict):
            raise BackboneStudioError("The training settings must be a JSON object.")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise BackboneStudioError(
                f"Unknown training setting(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}."
            )
        return cls(**data)


# ------------------------------------------------------------------------------------- result


@dataclass
class FitResult:
    outcome: str  # "finished" | "cancelled" | "failed"
    message: str
    model: nn.Module | None  # best weights, eval mode, on CPU
    metadata: Any | None  # core.modelfile.ModelMetadata, ready for save_model
    history: list[EpochEnded] = field(default_factory=list)
    best_epoch: int | None = None
    checkpoint: Path | None = None  # the last checkpoint written, if any
    error: BaseException | None = None  # the user error behind a "failed" outcome, if any

    def save(self, path: str | Path) -> Path:
        """Write the model as one .safetensors file (core.modelfile.save_model)."""
        if self.model is None or self.metadata is None:
            raise TrainingError(
                f"There is no trained model to save ({self.outcome}: {self.message}). "
                "Train at least one epoch first."
            )
        from .modelfile import save_model

        return save_model(path, self.model, self.metadata)


# ------------------------------------------------------------------------------ internal bits


class _Cancelled(Exception):
    def __init__(self, epoch: int, batch: int):
        super().__init__(f"cancelled at epoch {epoch}, batch {batch}")
        self.epoch, self.batch = epoch, batch


class _NonFinite(Exception):
    """The loss (or the gradient norm) of a batch was NaN or inf."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class _OutOfMemory(Exception):
    pass


def is_out_of_memory(exc: BaseException) -> bool:
    """CUDA (or MPS) out-of-memory, whichever way torch reports it."""
    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def _free_memory(device: torch.device) -> None:
    gc.collect()
    if device.type == "cuda" and torch.cuda.is_available():
        torch.cuda.empty_cache()
    elif device.type == "mps" and hasattr(torch, "mps"):
        torch.mps.empty_cache()


class _Schedule:
    """Learning rate as a function of progress through a stage (0..1).

    Each optimizer parameter group carries its own peak rate (`group["peak_lr"]`, saved with the
    optimizer state). The rate follows from progress rather than a step count, so halving the
    batch size after an out-of-memory error (more steps per epoch) keeps the same curve.
    onecycle: cosine warm-up from peak/25 over the first 25 %, then cosine annealing to
    peak/2.5e5 (torch's OneCycleLR defaults). cosine: linear warm-up over min(10 %, one epoch),
    then cosine annealing to zero.
    """

    def __init__(self, kind: str, epochs: int):
        self.kind = kind
        self.epochs = epochs

    def factor(self, progress: float) -> float:
        p = min(max(progress, 0.0), 1.0)
        if self.kind == "onecycle":
            warm = 0.25
            start, end = 1 / 25, 1 / 25 / 1e4
            if p < warm:
                return start + (1 - start) * (1 - math.cos(math.pi * p / warm)) / 2
            q = (p - warm) / (1 - warm)
            return end + (1 - end) * (1 + math.cos(math.pi * q)) / 2
        warm = min(0.1, 1.0 / max(self.epochs, 1))
        if p < warm:
            return 0.01 + 0.99 * p / warm
        q = (p - warm) / (1 - warm)
        return (1 + math.cos(math.pi * q)) / 2

    def apply(self, optimizer: torch.optim.Optimizer, progress: float) -> float:
        """Set every group's rate for this point of the stage; returns the head's rate."""
        f = self.factor(progress)
        for group in optimizer.param_groups:
            group["lr"] = group["peak_lr"] * f
        return optimizer.param_groups[-1]["lr"]

    def state_dict(self) -> dict:
        return {"kind": self.kind, "epochs": self.epochs}

    def load_state_dict(self, state: dict) -> None:
        self.kind, self.epochs = state["kind"], state["epochs"]


@dataclass
class _Stage:
    name: str  # "head" | "partial" | "full"
    epochs: int
    peak_lrs: list[float]  # top (head) learning rate last; one per optimizer group
    lr_note: str = ""


@dataclass
class _Setup:
    """Every automatic choice, resolved."""

    spec: Any
    strategy: str
    device: torch.device
    device_name: str
    precision: str
    amp_dtype: torch.dtype | None
    image_size: int
    small_input: bool
    batch_size: int
    learning_rate: float
    stages: list[_Stage]
    train_samples: list
    val_samples: list
    class_weights: list[float] | None
    num_workers: int
    notes: list[str]

    @property
    def total_epochs(self) -> int:
        return sum(s.epochs for s in self.stages)

    def resolved(self) -> dict:
        """The JSON-able part, stored in checkpoints and in the model file."""
        return {
            "strategy": self.strategy,
            "image_size": self.image_size,
            "small_input": self.small_input,
            "batch_size": self.batch_size,
            "learning_rate": self.learning_rate,
            "stages": [[s.name, s.epochs, list(s.peak_lrs), s.lr_note] for s in self.stages],
            "class_weights": self.class_weights,
            "precision": self.precision,
            "device": str(self.device),
        }


class _FeatureBatches:
    """Shuffled mini-batches over cached features [views, N, ...] with one random view per image."""

    def __init__(self, features, labels, batch_size, generator, device, non_blocking):
        self.features, self.labels = features, labels
        self.batch_size, self.generator = batch_size, generator
        self.device, self.non_blocking = device, non_blocking

    def _bounds(self) -> list[tuple[int, int]]:
        n, bs = self.labels.shape[0], self.batch_size
        bounds = [(i, min(i + bs, n)) for i in range(0, n, bs)]
        if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] == 1:
            bounds.pop()  # a batch of one breaks BatchNorm in a trainable tail
        return bounds

    def __len__(self) -> int:
        return len(self._bounds())

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        views, n = self.features.shape[0], self.labels.shape[0]
        order = torch.randperm(n, generator=self.generator)
        view = torch.randint(views, (n,), generator=self.generator)
        for start, stop in self._bounds():
            idx = order[start:stop]
            chosen = view[idx]
            x = self.features[chosen.to(self.features.device), idx.to(self.features.device)]
            y = self.labels[idx.to(self.labels.device)]
            yield (
                x.to(self.device, dtype=torch.float32, non_blocking=self.non_blocking),
                y.to(self.device, non_blocking=self.non_blocking),
            )


def _unpack(
    batch, problems: list | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None:
    """(images, labels, indices) from collate_skip_missing; None when a whole batch was missing.
    The batch's problems (files that could not be read) are appended to `problems`."""
    if batch is None:
        return None
    if problems is not None and len(batch) > 3:
        problems.extend(batch[3])
    images, labels, indices = batch[0], batch[1], batch[2]
    if images is None or (isinstance(images, torch.Tensor) and images.shape[0] == 0):
        return None
    return images, torch.as_tensor(labels), torch.as_tensor(indices)


def _copy_state(
    module: nn.Module,
    base: dict[str, torch.Tensor] | None = None,
    changing: set[str] | None = None,
) -> dict[str, torch.Tensor]:
    """A CPU copy of the state dict. With `base` and `changing`, only the `changing` entries are
    copied and the rest are shared with `base` (frozen layers do not change while the head
    trains, so an epoch's snapshot costs kilobytes rather than the whole network)."""
    state = module.state_dict()
    if base is None or changing is None:
        return {k: v.detach().to("cpu", copy=True) for k, v in state.items()}
    return {
        k: (v.detach().to("cpu", copy=True) if k in changing else base[k]) for k, v in state.items()
    }


def _state_names(model: nn.Module, part: nn.Module) -> set[str]:
    """The model's state-dict names of `part`'s parameters and buffers."""
    ids = {id(t) for t in (*part.parameters(), *part.buffers())}
    return {name for name, t in (*model.named_parameters(), *model.named_buffers()) if id(t) in ids}


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


def read_checkpoint_summary(path: str | Path) -> CheckpointSummary:
    """The summary of a checkpoint written by `Trainer` (memory-mapped: the weights are not
    read). Raises ResumeError, naming the file, for anything that is not a usable checkpoint."""
    path = Path(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
            raise ValueError("not a Backbone Studio checkpoint of this version")
        config = TrainConfig.from_json(state["config"])
        best = state.get("best")
        total = sum(int(stage[1]) for stage in state["resolved"]["stages"])
        return CheckpointSummary(
            path=path,
            config=config,
            epoch=int(state["epoch"]),
            total_epochs=total,
            data_root=str(state.get("data_root") or ""),
            class_names=tuple(str(name) for name in state["class_names"]),
            saved_at=float(state["saved_at"]) if state.get("saved_at") is not None else None,
            best_accuracy=float(best["accuracy"]) if isinstance(best, dict) else None,
        )
    except Exception as exc:  # noqa: BLE001 - any damage means: cannot be offered
        raise ResumeError(
            f"The checkpoint {path} cannot be used ({type(exc).__name__}: {str(exc)[:160]})."
        ) from None


def _atomic_torch_save(obj: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_replace(path) as tmp:
        torch.save(obj, tmp)


def _rng_state(generator: torch.Generator) -> dict:
    np_state = np.random.get_state()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "numpy": [np_state[0], [int(x) for x in np_state[1]], *[x for x in np_state[2:]]],
        "python": random.getstate(),
        "shuffle": generator.get_state(),
    }


def _set_rng_state(state: dict, generator: torch.Generator) -> None:
    torch.set_rng_state(state["torch"])
    if state.get("cuda") and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    generator.set_state(state["shuffle"])


@contextlib.contextmanager
def _cpu_threads(limit: int | None):
    """Temporarily run torch's CPU ops on at most `limit` threads (None: unchanged).

    Training only a Linear head on cached features is a stream of tiny ops; on the CPU their
    thread hand-offs cost more than the arithmetic (and stall badly on a busy machine).
    """
    before = torch.get_num_threads()
    if limit is None or limit >= before:
        yield
        return
    torch.set_num_threads(limit)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _pow2_floor(x: float) -> int:
    return 2 ** int(math.floor(math.log2(max(x, 1))))


# ------------------------------------------------------------------------------------ trainer


class Trainer:
    """Train one classifier: `plan()` says what it will do, `fit()` does it."""

    def __init__(self, config: TrainConfig, index, callbacks: Iterable[Callable] = (), cache=None):
        self.config = config
        self.index = index
        self.callbacks = list(callbacks)
        self.cache = cache
        self._setup: _Setup | None = None
        # set during fit
        self._optimizer: torch.optim.Optimizer | None = None
        self._scaler = None
        self._params: list[nn.Parameter] = []
        self._class_weights: torch.Tensor | None = None
        self._learning_rate = 0.0

    # ------------------------------------------------------------------------------ planning

    def plan(self) -> FitPlan:
        """The fit with every automatic default resolved; trains nothing.

        Raises user errors (unknown device, missing pretrained weights, a dataset too small).
        """
        setup = self._resolve()
        return self._fit_plan(setup)

    def _fit_plan(self, setup: _Setup) -> FitPlan:
        return FitPlan(
            backbone=setup.spec.name,
            strategy=setup.strategy,
            pretrained=self.config.pretrained,
            small_input=setup.small_input,
            device=str(setup.device),
            device_name=setup.device_name,
            precision=setup.precision,
            image_size=setup.image_size,
            batch_size=setup.batch_size,
            epochs=setup.total_epochs,
            learning_rate=setup.learning_rate,
            num_train=len(setup.train_samples),
            num_val=len(setup.val_samples),
            class_names=tuple(self.index.class_names),
            stages=tuple(s.name for s in setup.stages),
            notes=tuple(setup.notes),
        )

    def _resolve(self, check_weights: bool = True) -> _Setup:
        from .dataset import split_index

        cfg = self.config
        cfg.validate()
        spec = backbones.get_spec(cfg.backbone)
        notes: list[str] = []
        classes = list(self.index.class_names)
        if len(classes) < 2:
            raise BackboneStudioError(
                f"Training needs at least two classes; {self.index.root} has {len(classes)}."
            )
        if check_weights and cfg.pretrained and not backbones.weights_cached(spec.name):
            raise WeightsUnavailable(
                f"The ImageNet weights for {spec.display_name} are not on this computer. Download "
                "them (Weights > Download, or `backbone-studio-cli weights download "
                f"{spec.name}`), import a weights file, or train from scratch (pretrained off)."
            )

        device = resolve_device(cfg.device)
        info = device_info(device)
        amp_dtype = autocast_dtype(device)
        precision = {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(amp_dtype, "fp32")
        if device.type == "cpu":
            notes.append(
                f"Precision {precision}: "
                + (
                    "this CPU computes bf16 natively."
                    if precision == "bf16"
                    else "this CPU has no native bf16, and emulated bf16 is several times slower."
                )
            )
        else:
            notes.append(f"Precision {precision} (automatic mixed precision on {info.name}).")

        train, val = split_index(self.index, cfg.val_fraction, cfg.seed)
        if not train or not val:
            raise BackboneStudioError(
                f"{self.index.root} has too few images to train and validate "
                f"({len(train)} for training, {len(val)} for validation); add more images."
            )
        n_train = len(train)

        # strategy
        strategy = cfg.strategy
        if strategy == "auto":
            strategy = "two_stage" if cfg.pretrained else "full"
            notes.append(
                "Strategy two_stage: with pretrained weights, first train the head on cached "
                "features, then fine-tune every layer."
                if cfg.pretrained
                else "Strategy full: from random initialisation every layer has to learn."
            )
        if strategy in ("head", "partial") and not cfg.pretrained:
            notes.append(
                f"Note: '{strategy}' freezes randomly initialised layers; it learns from random "
                "features only. Pretrained weights usually do much better."
            )

        # image size
        if cfg.image_size is not None:
            image_size = cfg.image_size
        else:
            image_size, note = self._image_size_from_data(train, spec)
            notes.append(note)
        small_input = bool(
            spec.supports_small_input and not cfg.pretrained and image_size < SMALL_INPUT_BELOW
        )
        if small_input:
            notes.append(
                f"Small-image stem (3x3 stride-1 first convolution, no max-pool): training "
                f"{spec.display_name} from scratch on {image_size} px images (< {SMALL_INPUT_BELOW} px)."
            )

        # batch size
        if cfg.batch_size is not None:
            batch_size = cfg.batch_size
        else:
            batch_size, note = self._auto_batch_size(spec, device, info, image_size, n_train)
            notes.append(note)

        # stages, learning rates, epochs
        stages = self._stages(strategy, cfg, spec, n_train, notes)
        learning_rate = stages[0].peak_lrs[-1]

        # loss weighting
        counts = np.bincount([s.label for s in train], minlength=len(classes)).astype(np.float64)
        ratio = counts.max() / max(counts.min(), 1.0)
        class_weights = None
        if cfg.class_weighting == "on" or (
            cfg.class_weighting == "auto" and ratio > IMBALANCE_RATIO
        ):
            weights = counts.sum() / (len(classes) * np.maximum(counts, 1.0))
            class_weights = [float(w) for w in weights]
            notes.append(
                f"Class-weighted loss: the largest class has {ratio:.1f}x the training images of "
                "the smallest."
                if cfg.class_weighting == "auto"
                else "Class-weighted loss (on)."
            )
        if cfg.label_smoothing:
            notes.append(f"Label smoothing {cfg.label_smoothing:g}.")

        # loader workers
        if cfg.num_workers is not None:
            num_workers = cfg.num_workers
        elif getattr(sys, "frozen", False):
            num_workers = 0
            notes.append("Loader workers: 0 (packaged app).")
        elif device.type == "cpu":
            num_workers = 0
            notes.append(
                "Loader workers: 0 (on the CPU the network's compute dominates; decoded images "
                "are cached in memory after the first epoch)."
            )
        else:
            num_workers = max(1, min(8, (os.cpu_count() or 2) - 1))
            notes.append(f"Loader workers: {num_workers} (persistent, pinned memory).")

        return _Setup(
            spec=spec,
            strategy=strategy,
            device=device,
            device_name=info.name,
            precision=precision,
            amp_dtype=amp_dtype,
            image_size=image_size,
            small_input=small_input,
            batch_size=batch_size,
            learning_rate=learning_rate,
            stages=stages,
            train_samples=list(train),
            val_samples=list(val),
            class_weights=class_weights,
            num_workers=num_workers,
            notes=notes,
        )

    def _image_size_from_data(self, samples, spec) -> tuple[int, str]:
        rng = random.Random(self.config.seed)
        chosen = samples if len(samples) <= SIZE_SAMPLE else rng.sample(list(samples), SIZE_SAMPLE)
        sides = []
        for sample in chosen:
            try:
                with Image.open(sample.path) as image:  # reads the header only
                    sides.append(min(image.size))
            except (OSError, ValueError, Image.DecompressionBombError):
                continue
        if not sides:
            return spec.default_size, f"Image size {spec.default_size} px (the backbone's default)."
        median = int(statistics.median(sides))
        size = int(min(max(median, spec.min_size), spec.default_size))
        return size, (
            f"Image size {size} px: the median short side of {len(sides)} sampled images is "
            f"{median} px (kept within {spec.min_size}-{spec.default_size} px for "
            f"{spec.display_name}; small images are not blown up)."
        )

    @staticmethod
    def _auto_batch_size(spec, device, info, image_size, n_train) -> tuple[int, str]:
        if device.type == "cuda":
            gib = (info.memory_bytes or 8 * 2**30) / 2**30
            base = 128 if gib >= 16 else 64 if gib >= 8 else 32
            scale = (224 / image_size) ** 2 * min(1.0, 4.0 / max(spec.gmacs, 0.5))
            batch = int(min(512, max(16, _pow2_floor(base * scale))))
            why = f"{gib:.0f} GiB GPU, {image_size} px, {spec.gmacs:.1f} GMACs at 224 px"
        elif device.type == "mps":
            batch, why = 32, "Apple GPU"
        else:
            batch = 32 if image_size >= 128 else 64
            why = f"CPU, {image_size} px"
        cap = max(8, _pow2_floor(n_train / 4))
        if batch > cap:
            return cap, (
                f"Batch size {cap}: {batch} would suit the hardware ({why}), but with "
                f"{n_train} training images that leaves too few steps per epoch."
            )
        return batch, f"Batch size {batch} ({why})."

    def _stages(self, strategy, cfg, spec, n_train, notes) -> list[_Stage]:
        small = n_train <= 2000
        medium = n_train <= 20000

        def pick(small_v, medium_v, large_v):
            return small_v if small else medium_v if medium else large_v

        head_epochs = pick(30, 20, 10)
        lr = cfg.learning_rate
        if strategy == "head":
            epochs = cfg.epochs or head_epochs
            stages = [_Stage("head", epochs, [lr or HEAD_LR])]
            notes.append(
                f"{epochs} epochs of the head on cached features (after one feature pass, each "
                f"epoch takes a tiny fraction of a full-network epoch); learning rate {lr or HEAD_LR:g}."
            )
        elif strategy == "partial":
            epochs = cfg.epochs or pick(15, 10, 6)
            stages = [_Stage("partial", epochs, [lr or PARTIAL_LR])]
            notes.append(
                f"{epochs} epochs of the last stage and the head on cached fp16 outputs of the "
                f"frozen earlier layers; learning rate {lr or PARTIAL_LR:g}."
            )
        elif strategy == "full":
            if cfg.pretrained:
                epochs = cfg.epochs or pick(10, 8, 5)
                top = lr or FULL_LR_PRETRAINED
                stages = [_Stage("full", epochs, self._spread(top, 3), "discriminative")]
                notes.append(
                    f"{epochs} epochs of every layer; learning rate {top:g} for the head down to "
                    f"{top / LR_SPREAD:g} for the first layers (pretrained layers change slowly)."
                )
            else:
                epochs = cfg.epochs or pick(40, 30, 20)
                top = lr or FULL_LR_SCRATCH
                stages = [_Stage("full", epochs, [top] * 3)]
                notes.append(
                    f"{epochs} epochs of every layer from random initialisation, learning rate "
                    f"{top:g} for all layers (nothing pretrained to preserve)."
                )
        else:  # two_stage
            head_lr = lr or HEAD_LR
            full_epochs = cfg.epochs or pick(8, 6, 4)
            top = head_lr / 2
            stages = [
                _Stage("head", head_epochs, [head_lr]),
                _Stage("full", full_epochs, self._spread(top, 3), "discriminative"),
            ]
            notes.append(
                f"Stage 1: {head_epochs} head epochs on cached features (learning rate "
                f"{head_lr:g}, milliseconds each). Stage 2: {full_epochs} epochs of every layer, "
                f"learning rate {top:g} for the head down to {top / LR_SPREAD:g} for the first "
                "layers (fastai's fine_tune), with BatchNorm statistics kept from stage 1."
            )
        return stages

    @staticmethod
    def _spread(top: float, groups: int) -> list[float]:
        """Geometric learning rates from top / LR_SPREAD (first group) to top (head)."""
        if groups == 1:
            return [top]
        return [top / LR_SPREAD ** ((groups - 1 - i) / (groups - 1)) for i in range(groups)]

    # ---------------------------------------------------------------------------------- fit

    def fit(self, cancel: CancelToken | None = None, resume: str | Path | None = None) -> FitResult:
        """Train; always returns (never raises for user errors) and emits FitEnded exactly once."""
        started = time.monotonic()
        self._history: list[EpochEnded] = []
        self._best: dict | None = None  # {"epoch", "accuracy", "loss", "state", "event"}
        self._epochs_done = 0
        self._step = 0
        self._datasets: list = []  # ImageDatasets whose unreadable files get reported
        self._batch_problems: list = []  # the same, as batches bring them from worker processes
        self._reported: set = set()
        self._last_checkpoint: Path | None = None
        self._checkpoint_written_at = -math.inf
        self._model: nn.Module | None = None
        self._setup = None
        cancel = cancel if cancel is not None else CancelToken()
        try:
            checkpoint = self._load_checkpoint(resume) if resume is not None else None
            setup = self._resolve(check_weights=checkpoint is None)
            if checkpoint is not None:
                self._apply_checkpoint_setup(setup, checkpoint)
            self._setup = setup
        except BackboneStudioError as exc:
            return self._finish("failed", str(exc), started, error=exc)
        except Exception as exc:  # a bug: log it, fail cleanly
            return self._finish("failed", self._bug_message(exc), started, error=None)

        emit(self.callbacks, FitStarted(self._fit_plan(setup)))
        for note in setup.notes:
            emit(self.callbacks, Logged(note))
        try:
            self._run(setup, cancel, checkpoint)
        except _Cancelled as stop:
            kept = self._kept_description()
            return self._finish(
                "cancelled",
                (
                    f"Cancelled at epoch {stop.epoch}, batch {stop.batch}. {kept}"
                    if stop.batch
                    else f"Cancelled during the feature pass. {kept}"
                ),
                started,
            )
        except BackboneStudioError as exc:
            return self._finish("failed", str(exc), started, error=exc)
        except Exception as exc:
            return self._finish("failed", self._bug_message(exc), started, error=None)
        except KeyboardInterrupt:
            self._finish("cancelled", "Interrupted.", started)
            raise
        best = self._best
        message = (
            f"Finished {self._epochs_done} epochs; best validation accuracy "
            f"{best['accuracy']:.1%} at epoch {best['epoch']}."
            if best
            else "Finished."
        )
        return self._finish("finished", message, started)

    def _bug_message(self, exc: BaseException) -> str:
        details = traceback.format_exc()
        log.error("training failed unexpectedly:\n%s", details)
        emit(self.callbacks, Logged(details, level="error"))
        return (
            f"Training failed unexpectedly ({type(exc).__name__}: {exc}). This is a bug in "
            "Backbone Studio; the details are in the log — please report them."
        )

    def _kept_description(self) -> str:
        if self._best:
            text = (
                f"The best weights so far (epoch {self._best['epoch']}, validation accuracy "
                f"{self._best['accuracy']:.1%}) are kept"
            )
        else:
            text = "No epoch was completed, so no trained weights are kept"
        if self._last_checkpoint:
            text += f"; resume from {self._last_checkpoint}"
        return text + "."

    def _finish(self, outcome, message, started, error=None) -> FitResult:
        model, metadata = None, None
        try:
            if self._best is not None and self._model is not None and self._setup is not None:
                model = self._model
                model.load_state_dict(self._best["state"])
                model.to("cpu").eval()
                model = model.to(memory_format=torch.contiguous_format)
                metadata = self._metadata(self._setup, self._best)
        except Exception:  # never let result building mask the outcome
            log.exception("could not assemble the trained model")
            model, metadata = None, None
        if outcome == "failed":
            emit(self.callbacks, Logged(message, level="error"))
        emit(
            self.callbacks,
            FitEnded(
                outcome=outcome,
                message=message,
                best_epoch=self._best["epoch"] if self._best else None,
                best_val_accuracy=self._best["accuracy"] if self._best else None,
                epochs_completed=self._epochs_done,
                seconds=time.monotonic() - started,
            ),
        )
        return FitResult(
            outcome=outcome,
            message=message,
            model=model,
            metadata=metadata,
            history=list(self._history),
            best_epoch=self._best["epoch"] if self._best else None,
            checkpoint=self._last_checkpoint,
            error=error,
        )

    def _metadata(self, setup: _Setup, best: dict):
        from .modelfile import new_metadata

        event: EpochEnded = best["event"]
        names = displayable_names(self.index.class_names)
        config = json.loads(self.config.to_json())
        config["resolved"] = setup.resolved()
        metrics = {
            "best_epoch": event.epoch,
            "epochs_completed": self._epochs_done,
            "val_accuracy": event.val_accuracy,
            "val_loss": event.val_loss,
            "train_loss": event.train_loss,
            "train_accuracy": event.train_accuracy,
            "per_class": [
                {**dataclasses.asdict(m), "name": name}
                for m, name in zip(event.per_class, names, strict=True)
            ],
            "confusion": [list(row) for row in event.confusion],
            "num_train": len(setup.train_samples),
            "num_val": len(setup.val_samples),
            "history": [
                {
                    "epoch": e.epoch,
                    "stage": e.stage,
                    "train_loss": e.train_loss,
                    "val_loss": e.val_loss,
                    "val_accuracy": e.val_accuracy,
                }
                for e in self._history
            ],
        }
        return new_metadata(
            setup.spec.name,
            names,
            setup.image_size,
            setup.spec.mean,
            setup.spec.std,
            small_input=setup.small_input,
            train_config=config,
            metrics=metrics,
        )

    # ------------------------------------------------------------------------------ the run

    def _run(self, setup: _Setup, cancel: CancelToken, checkpoint: dict | None) -> None:
        cfg = self.config
        random.seed(cfg.seed)
        np.random.seed(cfg.seed)
        torch.manual_seed(cfg.seed)
        self._generator = torch.Generator().manual_seed(cfg.seed)
        device = setup.device
        if device.type == "cuda":
            torch.backends.cudnn.benchmark = True

        if self.cache is None:
            from .dataset import DecodedImageCache

            self.cache = DecodedImageCache(short_side=math.ceil(setup.image_size * 8 / 7) + 1)

        model = backbones.build_model(
            setup.spec.name,
            len(self.index.class_names),
            pretrained=cfg.pretrained and checkpoint is None,
            small_input=setup.small_input,
        )
        self._model = model
        if not cfg.pretrained:
            self._quicken_batchnorm(model)
        self._class_weights = (
            torch.tensor(setup.class_weights, dtype=torch.float32, device=device)
            if setup.class_weights
            else None
        )
        model.to(device)
        model.to(memory_format=torch.channels_last)

        first_stage, first_epoch_in_stage = 0, 0
        bad_epochs = 0
        if checkpoint is not None:
            try:
                model.load_state_dict(checkpoint["model"])
                self._history = [_epoch_from_dict(d) for d in checkpoint["history"]]
            except (KeyError, TypeError, ValueError, RuntimeError) as exc:
                raise ResumeError(
                    f"The checkpoint {self._resume_path} does not fit this model or is damaged "
                    f"({type(exc).__name__}: {str(exc)[:160]}). Start a new training."
                ) from None
            self._epochs_done = checkpoint["epoch"]
            if checkpoint["best"] is not None:
                best = dict(checkpoint["best"])
                best["event"] = _epoch_from_dict(best["event"])
                self._best = best
            first_stage, first_epoch_in_stage = checkpoint["stage"], checkpoint["stage_epoch"]
            bad_epochs = checkpoint.get("bad_epochs", 0)
            self._step = checkpoint.get("step", 0)
            if first_epoch_in_stage >= setup.stages[first_stage].epochs:
                first_stage, first_epoch_in_stage, bad_epochs = first_stage + 1, 0, 0
            emit(
                self.callbacks,
                Logged(f"Resuming after epoch {self._epochs_done} of {setup.total_epochs}."),
            )

        self._last_good = _copy_state(model)
        epoch_offset = sum(s.epochs for s in setup.stages[:first_stage])
        for stage_index in range(first_stage, len(setup.stages)):
            stage = setup.stages[stage_index]
            resuming = checkpoint if stage_index == first_stage else None
            start_epoch = first_epoch_in_stage if resuming else 0
            self._run_stage(
                setup, stage_index, stage, epoch_offset, start_epoch, resuming,
                bad_epochs if resuming else 0, cancel,
            )  # fmt: skip
            epoch_offset += stage.epochs

    def _quicken_batchnorm(self, model: nn.Module) -> None:
        """From scratch, BatchNorm running statistics must follow the training quickly.

        Some architectures (MobileNetV3: momentum 0.01) average them over ~100 steps, tuned for
        long ImageNet schedules; a short run on a small dataset would then validate with
        statistics that are mostly the initial ones (chance-level accuracy in eval mode).
        """
        changed = 0
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                if module.momentum is not None and module.momentum < 0.1:
                    module.momentum = 0.1
                    changed += 1
        if changed:
            emit(
                self.callbacks,
                Logged(
                    f"BatchNorm momentum raised to 0.1 in {changed} layers so their statistics "
                    "keep up with a from-scratch run."
                ),
            )

    def _run_stage(
        self, setup, stage_index, stage, epoch_offset, start_epoch, checkpoint, bad_epochs, cancel
    ) -> None:
        model, spec, device = self._model, setup.spec, setup.device
        cfg = self.config
        pin = device.type == "cuda"

        # trainable module, its optimizer groups, and the data it sees
        if stage.name in ("head", "partial"):
            if stage.name == "head":
                frozen, trainable = backbones.split_features(model, spec)
            else:
                frozen, trainable = backbones.split_partial(model, spec)
            for p in model.parameters():
                p.requires_grad_(False)
            for p in trainable.parameters():
                p.requires_grad_(True)
            model.eval()  # frozen BatchNorm keeps its running statistics
            train_x, train_y, val_x, val_y = self._feature_pass(
                setup, frozen, stage.name, cancel, epoch_offset + start_epoch + 1
            )
            groups = [list(trainable.parameters())]
            train_batches = _FeatureBatches(
                train_x, train_y, setup.batch_size, self._generator, device, pin
            )
            validate = self._validator_features(trainable, val_x, val_y, setup)

            def set_modes():
                model.eval()
                trainable.train()

            def rebuild(batch_size):
                return _FeatureBatches(train_x, train_y, batch_size, self._generator, device, pin)
        else:
            for p in model.parameters():
                p.requires_grad_(True)
            trainable = model
            groups = backbones.parameter_groups(model, spec)
            groups = [g for g in groups if g]
            rebuild = self._image_loader_factory(setup)
            train_batches = rebuild(setup.batch_size)
            validate = self._validator_images(model, setup)

            keep_bn_stats = stage_index > 0  # after the head stage: fine-tuning

            def set_modes():
                model.train()
                if keep_bn_stats:
                    # Keras' fine-tuning rule: BatchNorm stays in inference mode (its scale and
                    # shift still train), so unfreezing does not swap the statistics the head
                    # was trained on for noisy per-batch ones.
                    for module in model.modules():
                        if isinstance(module, nn.modules.batchnorm._BatchNorm):
                            module.eval()

        # frozen layers do not change during this stage: snapshots share them
        changing = _state_names(model, trainable) if trainable is not model else None
        stage_base = self._last_good if changing is not None else None
        peak = stage.peak_lrs
        if len(peak) != len(groups):
            peak = (
                [peak[-1]] * len(groups) if len(peak) == 1 else self._spread(peak[-1], len(groups))
            )
        self._learning_rate = peak[-1]
        self._optimizer = self._make_optimizer(groups, peak)
        self._params = [p for g in groups for p in g]
        schedule = _Schedule(cfg.schedule, stage.epochs)
        use_scaler = setup.amp_dtype == torch.float16 and device.type == "cuda"
        self._scaler = torch.amp.GradScaler("cuda") if use_scaler else None
        if checkpoint is not None:
            if start_epoch > 0:  # mid-stage: the optimizer goes on where it stopped
                self._optimizer.load_state_dict(checkpoint["optimizer"])
                schedule.load_state_dict(checkpoint["scheduler"])
                if self._scaler is not None and checkpoint.get("scaler"):
                    self._scaler.load_state_dict(checkpoint["scaler"])
            _set_rng_state(checkpoint["rng"], self._generator)

        emit(
            self.callbacks,
            StageStarted(
                stage.name,
                stage.epochs,
                {
                    "head": "Training the head on cached features",
                    "partial": "Training the last stage and the head on cached trunk outputs",
                    "full": "Training every layer",
                }[stage.name],
            ),
        )
        batch_size = setup.batch_size
        threads = 1 if stage.name == "head" and device.type == "cpu" else None
        with _cpu_threads(threads):
            self._stage_epochs(
                setup, stage_index, stage, epoch_offset, start_epoch, bad_epochs, cancel, model,
                trainable, train_batches, rebuild, set_modes, validate, schedule, batch_size,
                stage_base, changing,
            )  # fmt: skip
        for p in model.parameters():
            p.requires_grad_(True)

    def _stage_epochs(
        self, setup, stage_index, stage, epoch_offset, start_epoch, bad_epochs, cancel, model,
        trainable, train_batches, rebuild, set_modes, validate, schedule, batch_size, stage_base,
        changing,
    ) -> None:  # fmt: skip
        cfg, device = self.config, setup.device
        for stage_epoch in range(start_epoch, stage.epochs):
            epoch = epoch_offset + stage_epoch + 1
            while True:
                try:
                    set_modes()
                    t0 = time.monotonic()
                    train_loss, train_acc, seen = self._train_epoch(
                        trainable, train_batches, schedule, stage_epoch, stage.epochs, epoch,
                        setup, cancel,
                    )  # fmt: skip
                    break
                except _OutOfMemory:
                    batch_size = self._halve_batch(batch_size, device)
                    train_batches = rebuild(batch_size)
            seconds = time.monotonic() - t0
            model.eval()
            try:
                val_loss, val_acc, confusion = validate()
            except Exception as exc:
                if not is_out_of_memory(exc):
                    raise
                _free_memory(device)
                raise TrainingError(
                    f"Out of memory on {device} while validating epoch {epoch}. Set a smaller "
                    "batch size or image size, or close other programs using the GPU."
                ) from None
            metrics = per_class_metrics(confusion, self.index.class_names)
            is_best = self._best is None or (val_acc, -val_loss) > (
                self._best["accuracy"],
                -self._best["loss"],
            )
            event = EpochEnded(
                epoch=epoch,
                epochs=setup.total_epochs,
                stage=stage.name,
                train_loss=train_loss,
                train_accuracy=train_acc,
                val_loss=val_loss,
                val_accuracy=val_acc,
                per_class=metrics,
                confusion=tuple(tuple(int(v) for v in row) for row in confusion),
                seconds=seconds,
                images_per_second=seen / seconds if seconds > 0 else 0.0,
                is_best=is_best,
            )
            self._history.append(event)
            self._epochs_done = epoch
            self._last_good = _copy_state(model, stage_base, changing)
            if is_best:
                bad_epochs = 0
                self._best = {
                    "epoch": epoch,
                    "accuracy": val_acc,
                    "loss": val_loss,
                    "state": self._last_good,
                    "event": event,
                }
            else:
                bad_epochs += 1
            emit(self.callbacks, event)
            self._report_problems()
            stop_early = cfg.early_stopping is not None and bad_epochs >= cfg.early_stopping
            self._save_checkpoint(
                setup, stage_index, stage.epochs if stop_early else stage_epoch + 1, schedule,
                bad_epochs, force=stop_early or stage_epoch + 1 >= stage.epochs,
            )  # fmt: skip
            if stop_early:
                emit(
                    self.callbacks,
                    Logged(
                        f"Early stopping in stage '{stage.name}' after epoch {epoch}: no better "
                        f"validation accuracy for {bad_epochs} epochs."
                    ),
                )
                break

    def _report_problems(self) -> None:
        """A warning for each file that became unreadable since the scan (once per file)."""
        found = [p for dataset in self._datasets for p in dataset.problems]
        for problem in (*found, *self._batch_problems):
            if problem.path not in self._reported:
                self._reported.add(problem.path)
                emit(
                    self.callbacks,
                    Logged(f"Skipped {problem.path}: {problem.reason}", level="warning"),
                )
        self._batch_problems.clear()  # in place: the batch iterators hold this list

    def _halve_batch(self, batch_size: int, device: torch.device) -> int:
        if self._optimizer is not None:
            self._optimizer.zero_grad(set_to_none=True)
        _free_memory(device)
        if batch_size <= 1:
            raise TrainingError(
                f"Out of memory on {device} even at batch size 1. Choose a smaller image size or "
                "backbone, close other programs using the GPU, or train on the CPU."
            )
        new = max(1, batch_size // 2)
        emit(
            self.callbacks,
            Logged(
                f"Out of memory on {device} at batch size {batch_size}; retrying the epoch with "
                f"batch size {new}.",
                level="warning",
            ),
        )
        return new

    def _make_optimizer(self, groups, peak_lrs) -> torch.optim.Optimizer:
        """AdamW; weight decay on weights only (not on biases and norm layers)."""
        wd = self.config.weight_decay
        param_groups = []
        for params, lr in zip(groups, peak_lrs, strict=True):
            decay = [p for p in params if p.ndim > 1]
            no_decay = [p for p in params if p.ndim <= 1]
            for chosen, group_wd in ((decay, wd), (no_decay, 0.0)):
                if chosen:
                    param_groups.append(
                        {"params": chosen, "lr": lr, "peak_lr": lr, "weight_decay": group_wd}
                    )
        # the multi-tensor implementation is also the faster one on the CPU (measured 1.7x)
        foreach = True if self._setup.device.type in ("cpu", "cuda") else None
        return torch.optim.AdamW(param_groups, lr=peak_lrs[-1], foreach=foreach)

    # ------------------------------------------------------------------------ one epoch

    def _loss(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(
            logits.float(),
            targets,
            weight=self._class_weights,
            label_smoothing=self.config.label_smoothing,
        )

    def _autocast(self):
        setup = self._setup
        if setup.amp_dtype is None:
            return torch.autocast(setup.device.type, enabled=False)
        return torch.autocast(setup.device.type, dtype=setup.amp_dtype)

    def _train_step(
        self, module: nn.Module, inputs: torch.Tensor, targets: torch.Tensor
    ) -> tuple[float, int]:
        """One optimizer step on one batch; returns (loss, number of correct predictions).

        Raises _NonFinite (before touching the weights) when the loss or gradients are NaN/inf.
        Out-of-memory errors propagate to the caller, which halves the batch and retries.
        """
        optimizer = self._optimizer
        with self._autocast():
            logits = module(inputs)
            loss = self._loss(logits, targets)
        loss_value = float(loss.detach())
        if not math.isfinite(loss_value):
            raise _NonFinite("loss")
        optimizer.zero_grad(set_to_none=True)
        if self._scaler is not None:
            self._scaler.scale(loss).backward()
            self._scaler.unscale_(optimizer)
        else:
            loss.backward()
        if self.config.grad_clip is not None:
            norm = torch.nn.utils.clip_grad_norm_(self._params, self.config.grad_clip)
            if self._scaler is None and not torch.isfinite(norm):
                optimizer.zero_grad(set_to_none=True)
                raise _NonFinite("gradients")
        if self._scaler is not None:
            self._scaler.step(optimizer)  # skips steps with inf gradients, lowers the scale
            self._scaler.update()
        else:
            optimizer.step()
        correct = int((logits.detach().argmax(1) == targets).sum())
        return loss_value, correct

    def _train_epoch(
        self, module, batches, schedule, stage_epoch, stage_epochs, epoch, setup, cancel
    ) -> tuple[float, float, int]:
        throttle = Throttle(5.0)
        total = len(batches)
        if total == 0:
            raise BackboneStudioError(
                "No training batch could be formed: the training images could not be read."
            )
        loss_sum, correct, seen = 0.0, 0, 0
        t0 = time.monotonic()
        batch_no = 0
        for batch_no, (x, y) in enumerate(batches, start=1):
            if cancel.cancelled:
                raise _Cancelled(epoch, batch_no)
            lr = schedule.apply(
                self._optimizer, (stage_epoch + (batch_no - 1) / total) / stage_epochs
            )
            try:
                loss, ok = self._train_step(module, x, y)
            except _NonFinite as bad:
                self._model.load_state_dict(self._last_good)
                word = "loss" if bad.what == "loss" else "gradients"
                raise TrainingError(
                    f"The {word} became NaN/inf at epoch {epoch}, batch {batch_no} — lower the "
                    f"learning rate (currently {self._learning_rate:g}). "
                    + self._kept_description()
                ) from None
            except Exception as exc:
                if is_out_of_memory(exc):
                    raise _OutOfMemory() from exc
                raise
            n = int(y.shape[0])
            loss_sum += loss * n
            correct += ok
            seen += n
            self._step += 1
            last = batch_no == total
            if throttle.ready(force=batch_no == 1 or last):
                elapsed = time.monotonic() - t0
                emit(
                    self.callbacks,
                    BatchEnded(
                        epoch=epoch,
                        batch=batch_no,
                        batches=total,
                        step=self._step,
                        loss=loss,
                        learning_rate=lr,
                        images_per_second=seen / elapsed if elapsed > 0 else 0.0,
                    ),
                )
        if cancel.cancelled:  # cancelled during the last batch: stop before validating
            raise _Cancelled(epoch, batch_no)
        if seen == 0:
            raise BackboneStudioError("Every training image of this epoch failed to load.")
        return loss_sum / seen, correct / seen, seen

    # --------------------------------------------------------------------- image batches

    def _image_loader_factory(self, setup: _Setup) -> Callable[[int], Iterable]:
        from .dataset import ImageDataset, collate_skip_missing, train_transform

        spec = setup.spec
        transform = train_transform(
            setup.image_size, spec.mean, spec.std, augment=self.config.augment
        )
        dataset = ImageDataset(setup.train_samples, transform, cache=self.cache)
        self._datasets.append(dataset)
        device = setup.device
        pin = device.type == "cuda"

        def build(batch_size: int):
            loader = torch.utils.data.DataLoader(
                dataset,
                batch_size=batch_size,
                shuffle=True,
                generator=self._generator,
                collate_fn=collate_skip_missing,
                num_workers=setup.num_workers,
                pin_memory=pin,
                persistent_workers=setup.num_workers > 0,
                drop_last=len(dataset) % batch_size == 1 and len(dataset) > batch_size,
            )
            return _DeviceBatches(loader, device, pin, self._batch_problems)

        return build

    def _val_loader(self, setup: _Setup, transform, samples, batch_size):
        from .dataset import ImageDataset, collate_skip_missing

        dataset = ImageDataset(samples, transform, cache=self.cache)
        self._datasets.append(dataset)
        loader = torch.utils.data.DataLoader(
            dataset,
            batch_size=batch_size,
            shuffle=False,
            collate_fn=collate_skip_missing,
            num_workers=setup.num_workers,
            pin_memory=setup.device.type == "cuda",
        )
        return dataset, loader

    def _validator_images(self, model: nn.Module, setup: _Setup) -> Callable:
        from .dataset import eval_transform

        transform = eval_transform(setup.image_size, setup.spec.mean, setup.spec.std)
        _dataset, loader = self._val_loader(
            setup, transform, setup.val_samples, max(setup.batch_size, 32)
        )
        device = setup.device
        pin = device.type == "cuda"

        def validate():
            logits, labels = [], []
            with torch.inference_mode(), self._autocast():
                for x, y in _DeviceBatches(loader, device, pin, self._batch_problems):
                    logits.append(model(x).float())
                    labels.append(y)
            return self._score(logits, labels)

        return validate

    def _validator_features(self, module, val_x, val_y, setup: _Setup) -> Callable:
        device = setup.device
        chunk = max(setup.batch_size, 256)

        def validate():
            logits = []
            with torch.inference_mode(), self._autocast():
                for start in range(0, val_y.shape[0], chunk):
                    x = val_x[0, start : start + chunk].to(device, dtype=torch.float32)
                    logits.append(module(x).float())
            return self._score(logits, [val_y.to(device)])

        return validate

    def _score(self, logits: list[torch.Tensor], labels: list[torch.Tensor]):
        num_classes = len(self.index.class_names)
        if not logits:
            raise BackboneStudioError(
                "No validation image could be read; check the dataset folder."
            )
        all_logits = torch.cat(logits)
        all_labels = torch.cat(labels)
        loss = float(F.cross_entropy(all_logits, all_labels))
        preds = all_logits.argmax(1).cpu().numpy()
        confusion = confusion_matrix(all_labels.cpu().numpy(), preds, num_classes)
        return loss, accuracy(confusion), confusion

    # ---------------------------------------------------------------------- feature pass

    def _feature_pass(self, setup, frozen: nn.Module, stage: str, cancel, epoch: int):
        """Run the frozen part once over train (K views) and val; returns cached tensors."""
        from .dataset import eval_transform, train_transform

        spec, cfg = setup.spec, self.config
        views = cfg.feature_views
        plain = eval_transform(setup.image_size, spec.mean, spec.std)
        augmented = train_transform(setup.image_size, spec.mean, spec.std, augment=True)
        train_transforms = [plain] + [augmented] * (views - 1 if cfg.augment else 0)
        if len(train_transforms) < views:
            emit(
                self.callbacks,
                Logged("Augmentation is off, so one feature view per image is cached.", "warning"),
            )
        total = len(setup.train_samples) * len(train_transforms) + len(setup.val_samples)
        emit(
            self.callbacks,
            StageStarted(
                "features",
                0,
                f"Computing {'backbone features' if stage == 'head' else 'frozen-layer outputs'} "
                f"once for {len(setup.train_samples)} training images x {len(train_transforms)} "
                f"view(s) and {len(setup.val_samples)} validation images",
            ),
        )
        store_half = stage == "partial"
        progress = {"done": 0}
        throttle = Throttle(5.0)
        emit(self.callbacks, FeaturePassProgressed(0, total))

        def on_batch(n: int) -> None:
            progress["done"] += n
            if throttle.ready(force=progress["done"] >= total):
                emit(self.callbacks, FeaturePassProgressed(progress["done"], total))

        batch_size = setup.batch_size * (2 if setup.device.type == "cuda" else 1)
        while True:
            try:
                progress["done"] = 0
                train = [
                    self._extract(
                        setup, frozen, setup.train_samples, t, batch_size, cancel, epoch, on_batch
                    )
                    for t in train_transforms
                ]
                val = [
                    self._extract(
                        setup, frozen, setup.val_samples, plain, batch_size, cancel, epoch, on_batch
                    )
                ]
                break
            except _OutOfMemory:
                batch_size = self._halve_batch(batch_size, setup.device)
        if progress["done"] < total:  # unreadable files were skipped
            emit(self.callbacks, FeaturePassProgressed(total, total))
        self._report_problems()
        train_x, train_y = self._align_views(train, store_half, setup)
        val_x, val_y = self._align_views(val, store_half, setup)
        emit(
            self.callbacks,
            Logged(
                f"Cached {tuple(train_x.shape)} training and {tuple(val_x.shape)} validation "
                f"{'features' if stage == 'head' else 'trunk outputs'} "
                f"({(train_x.numel() + val_x.numel()) * train_x.element_size() / 2**20:.1f} MiB)."
            ),
        )
        return train_x, train_y, val_x, val_y

    def _extract(self, setup, frozen, samples, transform, batch_size, cancel, epoch, on_batch):
        """{sample index: output} for every readable sample, via the frozen module."""
        _dataset, loader = self._val_loader(setup, transform, samples, batch_size)
        device = setup.device
        outputs: dict[int, torch.Tensor] = {}
        labels: dict[int, int] = {}
        limit_checked = False
        try:
            with torch.inference_mode(), self._autocast():
                for batch in loader:
                    if cancel.cancelled:
                        raise _Cancelled(epoch, 0)
                    unpacked = _unpack(batch, self._batch_problems)
                    if unpacked is None:
                        continue
                    x, y, idx = unpacked
                    x = x.to(device, non_blocking=True, memory_format=torch.channels_last)
                    out = frozen(x)
                    out = out.to(torch.float16 if out.dim() > 2 else torch.float32)
                    if not limit_checked and out.dim() > 2:
                        per_item = out[0].numel() * 2
                        needed = per_item * len(samples) * max(1, self.config.feature_views)
                        if needed > PARTIAL_CACHE_LIMIT:
                            raise TrainingError(
                                f"Caching the frozen layers' outputs would need "
                                f"{needed / 2**30:.1f} GiB of memory for {len(samples)} images at "
                                f"{setup.image_size} px. Use the 'full' or 'head' strategy, a "
                                "smaller image size, or fewer feature views."
                            )
                        limit_checked = True
                    out = out.cpu() if out.dim() > 2 else out
                    for i, label, row in zip(idx.tolist(), y.tolist(), out, strict=True):
                        outputs[i] = row
                        labels[i] = label
                    on_batch(int(x.shape[0]))
        except Exception as exc:
            if is_out_of_memory(exc):
                raise _OutOfMemory() from exc
            raise
        return outputs, labels

    @staticmethod
    def _align_views(per_view, store_half: bool, setup: _Setup):
        """Stack {index: tensor} dicts into [views, N, ...], keeping indices every view has."""
        common = sorted(set.intersection(*(set(out) for out, _ in per_view)))
        if not common:
            raise BackboneStudioError("None of the images could be read for the feature pass.")
        stacked = torch.stack([torch.stack([out[i] for i in common]) for out, _ in per_view])
        labels = torch.tensor([per_view[0][1][i] for i in common], dtype=torch.long)
        if store_half:
            stacked = stacked.to(torch.float16).cpu()  # big: stays in (pinned) host memory
            if setup.device.type == "cuda":
                stacked = stacked.pin_memory()
        else:
            stacked = stacked.to(setup.device, dtype=torch.float32)  # small: on the device
            labels = labels.to(setup.device)
        # a normal tensor (not an inference tensor), usable for autograd inputs
        return stacked.clone(), labels

    # ------------------------------------------------------------------------ checkpoints

    def _save_checkpoint(self, setup, stage_index, stage_epoch, schedule, bad_epochs,
                         force: bool = False) -> None:  # fmt: skip
        if not self.config.checkpoint:
            return
        every = self.config.checkpoint_every
        if not force and every > 0 and time.monotonic() - self._checkpoint_written_at < every:
            return
        path = Path(self.config.checkpoint)
        best = None
        if self._best is not None:
            best = {
                "epoch": self._best["epoch"],
                "accuracy": self._best["accuracy"],
                "loss": self._best["loss"],
                "state": self._best["state"],
                "event": dataclasses.asdict(self._best["event"]),
            }
        state = {
            "version": CHECKPOINT_VERSION,
            "model": self._last_good,
            "optimizer": self._optimizer.state_dict(),
            "scheduler": schedule.state_dict(),
            "scaler": self._scaler.state_dict() if self._scaler is not None else None,
            "epoch": self._epochs_done,
            "step": self._step,
            "stage": stage_index,
            "stage_epoch": stage_epoch,
            "bad_epochs": bad_epochs,
            "best": best,
            "rng": _rng_state(self._generator),
            "config": self.config.to_json(),
            "resolved": setup.resolved(),
            "class_names": list(self.index.class_names),
            "fingerprint": self.index.fingerprint(),
            "data_root": str(self.index.root),
            "saved_at": time.time(),
            "history": [dataclasses.asdict(e) for e in self._history],
        }
        try:
            _atomic_torch_save(state, path)
        except OSError as exc:
            raise TrainingError(
                f"Could not write the checkpoint {path}: {exc.strerror or exc}. Choose a folder "
                "you can write to, or free some disk space."
            ) from None
        self._last_checkpoint = path
        self._checkpoint_written_at = time.monotonic()

    def _load_checkpoint(self, path: str | Path) -> dict:
        path = Path(path)
        if not path.is_file():
            raise ResumeError(
                f"The checkpoint {path} does not exist; choose the .ckpt file to resume."
            )
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:
            raise ResumeError(
                f"The checkpoint {path} cannot be read ({type(exc).__name__}: {str(exc)[:200]}). "
                "It may be damaged or not a Backbone Studio checkpoint; start a new training."
            ) from None
        if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
            raise ResumeError(
                f"{path} is not a Backbone Studio training checkpoint (or comes from another version)."
            )
        missing = sorted(_CHECKPOINT_KEYS - set(state))
        if missing:
            raise ResumeError(
                f"The checkpoint {path} is incomplete (no {', '.join(missing)}); it is damaged or "
                "was not written by Backbone Studio. Start a new training."
            )
        try:
            saved = TrainConfig.from_json(state["config"])
            saved_strategy = state["resolved"]["strategy"]
            saved_classes = [str(name) for name in state["class_names"]]
        except (BackboneStudioError, RecursionError, TypeError, KeyError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, BackboneStudioError) else type(exc).__name__
            raise ResumeError(
                f"The checkpoint {path} holds damaged training settings ({reason[:200]}). "
                "Start a new training."
            ) from None
        now = self.config
        resolved_now = now.strategy
        if resolved_now == "auto":
            resolved_now = "two_stage" if now.pretrained else "full"
        differences = [
            f"{name}: checkpoint {old!r}, now {new!r}"
            for name, old, new in (
                ("backbone", saved.backbone, now.backbone),
                ("strategy", saved_strategy, resolved_now),
                ("pretrained", saved.pretrained, now.pretrained),
            )
            if old != new
        ]
        if differences:
            raise ResumeError(
                f"The checkpoint {path} was made with different settings ({'; '.join(differences)}). "
                "Resume with the same settings, or start a new training."
            )
        if (
            saved_classes != list(self.index.class_names)
            or state["fingerprint"] != self.index.fingerprint()
        ):
            raise ResumeError(
                f"The dataset changed since the checkpoint {path} was written (files were added, "
                "removed or modified). Resuming would mix two datasets; start a new training."
            )
        self._resume_path = path
        return state

    def _apply_checkpoint_setup(self, setup: _Setup, state: dict) -> None:
        """Continue with the choices the checkpointed run made, not fresh automatic ones."""
        try:
            resolved = state["resolved"]
            setup.image_size = int(resolved["image_size"])
            setup.small_input = bool(resolved["small_input"])
            setup.batch_size = int(resolved["batch_size"])
            setup.learning_rate = float(resolved["learning_rate"])
            setup.class_weights = resolved["class_weights"]
            setup.stages = [
                _Stage(str(n), int(e), [float(x) for x in lrs], str(note))
                for n, e, lrs, note in resolved["stages"]
            ]
            if not setup.stages or not 0 <= int(state["stage"]) < len(setup.stages):
                raise ValueError("stage out of range")
        except (KeyError, TypeError, ValueError) as exc:
            raise ResumeError(
                f"The checkpoint {self._resume_path} holds damaged settings "
                f"({type(exc).__name__}: {str(exc)[:120]}). Start a new training."
            ) from None
        setup.notes.append(
            "Resuming: image size, batch size, epochs and learning rates as in the checkpoint."
        )


class _DeviceBatches:
    """A DataLoader's (images, labels, indices) batches moved to the device, missing ones skipped."""

    def __init__(self, loader, device: torch.device, non_blocking: bool, problems: list):
        self.loader, self.device, self.non_blocking = loader, device, non_blocking
        self.problems = problems  # where the batches' unreadable files are noted

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self):
        for batch in self.loader:
            unpacked = _unpack(batch, self.problems)
            if unpacked is None:
                continue
            x, y, _idx = unpacked
            yield (
                x.to(
                    self.device, non_blocking=self.non_blocking, memory_format=torch.channels_last
                ),
                y.to(self.device, non_blocking=self.non_blocking),
            )


def displayable_names(names) -> list[str]:
    """Class names as valid UTF-8 text for the model file and the screen.

    A folder name that is not UTF-8 on disk (e.g. Latin-1 'caf\xe9' from an old zip) reaches
    Python with lone surrogates, which JSON/safetensors cannot encode. Such names are re-read as
    Latin-1 ('café'); should two names then collide, the later one gets a numbered suffix.
    """
    result: list[str] = []
    for name in names:
        name = str(name)
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            name = name.encode("utf-8", "surrogateescape").decode("latin-1")
        candidate, n = name, 2
        while candidate in result:
            candidate, n = f"{name} ({n})", n + 1
        result.append(candidate)
    return result


def _epoch_from_dict(data: dict) -> EpochEnded:
    data = dict(data)
    data["per_class"] = tuple(ClassMetrics(**m) for m in data["per_class"])
    data["confusion"] = tuple(tuple(row) for row in data["confusion"])
    return EpochEnded(**data)
