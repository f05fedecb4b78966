"""`make_plan`: a fit with every automatic choice resolved, and a note saying why for each.

Planning trains nothing and changes nothing: it reads the config, the dataset index (and a few
image headers to choose the image size) and what the device can do. A strategy is a row in
`RECIPES`, a function giving its stages, so nothing else branches on strategy names.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from PIL import Image

from .. import backbones
from ..devices import autocast_dtype, device_info, resolve_device
from ..errors import BackboneStudioError, NotAFileError, WeightsUnavailable
from ..events import FitPlan
from ..fileio import check_regular_file
from ..messages import define
from . import automatic
from . import plan_notes as N
from .automatic import SMALL_INPUT_BELOW
from .config import TrainConfig

_TRAINING_NEEDS_LEAST_TWO = define(
    "error.training.training_needs_least_two",
    "Training needs at least two classes; {root} has {count}.",
)
_IMAGENET_WEIGHTS_NOT_COMPUTER = define(
    "error.training.imagenet_weights_not_computer",
    "The ImageNet weights for {display_name} are not on this computer. Download them "
    "(Weights > Download, or `backbone-studio-cli weights download {name}`), import a "
    "weights file, or train from scratch (pretrained off).",
)
_TOO_FEW_IMAGES_TRAIN = define(
    "error.training.too_few_images_train",
    "{root} has too few images to train and validate ({count} for training, {count2} for "
    "validation); add more images.",
)


# The small-image stem's first stride. Stride 1 (the CIFAR recipe) keeps full resolution but
# costs four times as much per image; measured within a 5-minute budget on 10,000 glyphs of
# 28 px it managed one epoch (69 % test accuracy) where stride 2 managed four (97.5 %), and on
# 900 icons of 48 px in 100 s 69.9 % against 89.1 % (docs/TRAINING.md).
SMALL_STEM_STRIDE = 2
SIZE_SAMPLE = 48  # images looked at to choose the image size
IMBALANCE_RATIO = 3.0  # above this max/min count ratio the plan notes the imbalance
HEAD_LR = 2e-3
PARTIAL_LR = 1e-3
FULL_LR_PRETRAINED = 1e-3
FULL_LR_SCRATCH = 1e-3  # measured from scratch: 99.2 % (two seeds) vs 98.8 % at 2e-3, and steadier (docs/TRAINING.md)
LR_SPREAD = 100.0  # pretrained full fine-tuning: the first layers get lr / LR_SPREAD


@dataclass
class StageSpec:
    """One stage of a strategy: which kind ("head", "partial", "full"), how long, how fast."""

    name: str
    epochs: int  # with `budgeted`: an estimate, re-planned from the measured speed
    peak_lrs: list[float]  # top (head) learning rate last; one per optimizer group
    lr_note: str = ""
    budgeted: bool = False  # trains for the time the budget leaves, not for `epochs`

    def to_list(self) -> list:
        return [self.name, self.epochs, list(self.peak_lrs), self.lr_note, self.budgeted]

    @classmethod
    def from_list(cls, row) -> StageSpec:
        name, epochs, lrs, note, *rest = row  # older checkpoints: four fields
        budgeted = bool(rest[0]) if rest else False
        return cls(str(name), int(epochs), [float(x) for x in lrs], str(note), budgeted)


@dataclass
class Plan:
    """Every automatic choice, resolved."""

    config: TrainConfig  # the settings planned for, with a real backbone in place of "auto"
    spec: Any  # backbones.BackboneSpec
    strategy: str
    device: torch.device
    device_name: str
    precision: str
    image_size: int
    small_input: bool
    batch_size: int
    stages: list[StageSpec]
    stem_stride: int  # of the small-image stem (1 or 2)
    train_samples: list
    val_samples: list
    class_weights: list[float] | None
    num_workers: int
    notes: list[str] = field(default_factory=list)
    time_budget: float | None = None  # seconds, resolved ("auto" chosen from the data)

    @property
    def amp_dtype(self) -> torch.dtype | None:
        return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(self.precision)

    @property
    def learning_rate(self) -> float:
        return self.stages[0].peak_lrs[-1]

    @property
    def total_epochs(self) -> int:
        return sum(s.epochs for s in self.stages)

    def resolved(self) -> dict:
        """The JSON-able part, stored in checkpoints and in the model file."""
        return {
            "strategy": self.strategy,
            "image_size": self.image_size,
            "small_input": self.small_input,
            "stem_stride": self.stem_stride,
            "batch_size": self.batch_size,
            "learning_rate": self.learning_rate,
            "stages": [s.to_list() for s in self.stages],
            "class_weights": self.class_weights,
            "precision": self.precision,
            "device": str(self.device),
            "time_budget": self.time_budget,
        }

    def apply_resolved(self, resolved: dict) -> None:
        """Continue with the choices a checkpointed run made, not fresh automatic ones."""
        self.image_size = int(resolved["image_size"])
        self.small_input = bool(resolved["small_input"])
        self.stem_stride = int(resolved.get("stem_stride", 1))  # older checkpoints: stride 1
        self.batch_size = int(resolved["batch_size"])
        self.class_weights = resolved["class_weights"]
        self.stages = [StageSpec.from_list(row) for row in resolved["stages"]]
        # the budget the run was started with (older checkpoints: none)
        self.time_budget = resolved.get("time_budget")
        if not self.stages:
            raise ValueError("no stages")
        self.notes.append(N.RESUMING())

    def describe(self, config: TrainConfig, class_names) -> FitPlan:
        """The plan as the FitPlan event the CLI and the GUI show."""
        return FitPlan(
            backbone=self.spec.name,
            strategy=self.strategy,
            pretrained=config.pretrained,
            small_input=self.small_input,
            device=str(self.device),
            device_name=self.device_name,
            precision=self.precision,
            image_size=self.image_size,
            batch_size=self.batch_size,
            epochs=self.total_epochs,
            learning_rate=self.learning_rate,
            num_train=len(self.train_samples),
            num_val=len(self.val_samples),
            class_names=tuple(class_names),
            stages=tuple(s.name for s in self.stages),
            notes=tuple(self.notes),
            time_budget=self.time_budget,
        )


def make_plan(config: TrainConfig, index, check_weights: bool = True) -> Plan:
    """The fit with every automatic default resolved; trains nothing.

    Raises user errors (unknown device, missing pretrained weights, a dataset too small).
    """
    from ..dataset import split_index

    config.validate()
    asked = config
    config = automatic.resolve(config)  # "auto": the network chosen, validated
    spec = backbones.get_spec(config.backbone)
    notes: list[str] = []
    if len(index.class_names) < 2:
        raise BackboneStudioError(
            _TRAINING_NEEDS_LEAST_TWO(root=index.root, count=len(index.class_names))
        )
    if check_weights and config.pretrained and not backbones.weights_cached(spec.name):
        raise WeightsUnavailable(
            _IMAGENET_WEIGHTS_NOT_COMPUTER(display_name=spec.display_name, name=spec.name)
        )
    device = resolve_device(config.device)
    info = device_info(device)
    precision = _precision(device, info.name, notes)
    train, val = split_index(index, config.val_fraction, config.seed)
    if not train or not val:
        raise BackboneStudioError(
            _TOO_FEW_IMAGES_TRAIN(root=index.root, count=len(train), count2=len(val))
        )
    strategy = _strategy(config, notes)
    image_size = _image_size(config, train, spec, notes)
    small_input = bool(
        spec.supports_small_input and not config.pretrained and image_size < SMALL_INPUT_BELOW
    )
    if asked.backbone == automatic.AUTO:
        notes.insert(0, automatic.note(config, small_input))
    stem_stride = SMALL_STEM_STRIDE
    if small_input:
        notes.append(N.SMALL_STEM(
            stride=stem_stride, backbone=spec.display_name, size=image_size,
            below=SMALL_INPUT_BELOW, feature_size=image_size // stem_stride,
        ))  # fmt: skip
    batch_size = config.batch_size
    if batch_size is None:
        batch_size = auto_batch_size(spec, device, info, image_size, len(train), notes)
    stages = RECIPES[strategy](config, len(train), notes)
    time_budget = _fit_budget(config, len(train), stages, notes)
    class_weights = _class_weights(config, train, len(index.class_names), notes)
    if config.label_smoothing:
        notes.append(N.LABEL_SMOOTHING(smoothing=config.label_smoothing))
    return Plan(
        config=config,
        spec=spec,
        strategy=strategy,
        device=device,
        device_name=info.name,
        precision=precision,
        image_size=image_size,
        small_input=small_input,
        batch_size=batch_size,
        stages=stages,
        stem_stride=stem_stride,
        train_samples=list(train),
        val_samples=list(val),
        class_weights=class_weights,
        num_workers=_num_workers(config, device, notes),
        notes=notes,
        time_budget=time_budget,
    )


def _precision(device: torch.device, name: str, notes: list[str]) -> str:
    amp_dtype = autocast_dtype(device)
    precision = {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(amp_dtype, "fp32")
    if device.type != "cpu":
        notes.append(N.PRECISION_GPU(precision=precision, name=name))
    elif precision == "bf16":
        notes.append(N.PRECISION_CPU_BF16(precision=precision))
    else:
        notes.append(N.PRECISION_CPU_FP32(precision=precision))
    return precision


def _strategy(config: TrainConfig, notes: list[str]) -> str:
    strategy = config.resolved_strategy
    if config.strategy == "auto":
        notes.append(N.STRATEGY_TWO_STAGE() if config.pretrained else N.STRATEGY_FULL())
    if strategy in FROZEN_STRATEGIES and not config.pretrained:
        notes.append(N.FROZEN_RANDOM(strategy=strategy))
    return strategy


def _image_size(config: TrainConfig, samples, spec, notes: list[str]) -> int:
    if config.image_size is not None:
        return config.image_size
    rng = random.Random(config.seed)
    chosen = samples if len(samples) <= SIZE_SAMPLE else rng.sample(list(samples), SIZE_SAMPLE)
    sides = []
    for sample in chosen:
        try:
            check_regular_file(sample.path, "an image")  # a pipe swapped in since the scan
            with Image.open(sample.path) as image:  # reads the header only
                sides.append(min(image.size))
        except (OSError, ValueError, Image.DecompressionBombError, NotAFileError):
            continue
    if not sides:
        notes.append(N.IMAGE_SIZE_DEFAULT(size=spec.default_size))
        return spec.default_size
    median = int(statistics.median(sides))
    size = int(min(max(median, spec.min_size), spec.default_size))
    notes.append(N.IMAGE_SIZE_MEDIAN(
        size=size, sampled=len(sides), median=median, low=spec.min_size,
        high=spec.default_size, backbone=spec.display_name,
    ))  # fmt: skip
    return size


def _pow2_floor(x: float) -> int:
    return 2 ** int(math.floor(math.log2(max(x, 1))))


def auto_batch_size(spec, device, info, image_size: int, n_train: int, notes: list[str]) -> int:
    """A batch size that suits the hardware and leaves enough steps per epoch."""
    if device.type == "cuda":
        gib = (info.memory_bytes or 8 * 2**30) / 2**30
        base = 128 if gib >= 16 else 64 if gib >= 8 else 32
        scale = (224 / image_size) ** 2 * min(1.0, 4.0 / max(spec.gmacs, 0.5))
        batch = int(min(512, max(16, _pow2_floor(base * scale))))
        why = N.WHY_CUDA(gib=gib, size=image_size, gmacs=spec.gmacs)
    elif device.type == "mps":
        batch, why = 32, N.WHY_MPS()
    else:
        batch = 32 if image_size >= 128 else 64
        why = N.WHY_CPU(size=image_size)
    cap = max(8, _pow2_floor(n_train / 4))
    if batch > cap:
        notes.append(N.BATCH_CAPPED(cap=cap, batch=batch, why=why, n_train=n_train))
        return cap
    notes.append(N.BATCH(batch=batch, why=why))
    return batch


def _class_weights(config: TrainConfig, train, num_classes: int, notes) -> list[float] | None:
    """Loss weights per class: "on" weights each class by its inverse frequency (every class
    counts the same, at a cost in overall accuracy); "auto" and "off" weight nothing.

    Measured from scratch on 900 images at 12:1 imbalance, 100 s budget (docs/TRAINING.md):
    no weights 95.8 / 97.2 % test accuracy (two seeds), square-root weights 84.3 / 87.3 %,
    inverse-frequency weights 66.2 %. So "auto" says what it sees and leaves the choice."""
    counts = np.bincount([s.label for s in train], minlength=num_classes).astype(np.float64)
    ratio = counts.max() / max(counts.min(), 1.0)
    if config.class_weighting == "on":
        notes.append(N.CLASS_WEIGHTED())
        inverse = counts.sum() / (num_classes * np.maximum(counts, 1.0))
        return [float(w) for w in inverse]
    if config.class_weighting == "auto" and ratio > IMBALANCE_RATIO:
        notes.append(N.IMBALANCED(ratio=float(ratio)))
    return None


def _num_workers(config: TrainConfig, device: torch.device, notes: list[str]) -> int:
    if config.num_workers is not None:
        return config.num_workers
    if getattr(sys, "frozen", False):
        notes.append(N.WORKERS_FROZEN())
        return 0
    if device.type == "cpu":
        notes.append(N.WORKERS_CPU())
        return 0
    workers = max(1, min(8, (os.cpu_count() or 2) - 1))
    notes.append(N.WORKERS(workers=workers))
    return workers


AUTO_BUDGET_PER_1000 = 60.0  # "auto": a minute per thousand training images...
AUTO_BUDGET_RANGE = (60.0, 900.0)  # ...but at least a minute and at most a quarter of an hour


def auto_time_budget(n_train: int) -> float:
    """The time an automatic budget gives a fit of `n_train` training images."""
    low, high = AUTO_BUDGET_RANGE
    return float(min(high, max(low, 60.0 * round(AUTO_BUDGET_PER_1000 * n_train / 1000 / 60))))


def _fit_budget(config: TrainConfig, n_train: int, stages, notes: list[str]) -> float | None:
    """The budget in seconds (None: none). The stage that trains every layer fills the time
    (the recipes mark it `budgeted`); frozen stages keep their (cheap) epochs, all of it within
    the deadline."""
    from .budget import format_duration

    seconds = config.time_budget
    if seconds is None:
        return None
    if seconds == "auto" and (config.pretrained or config.epochs is not None):
        notes.append(
            N.NO_BUDGET_EPOCHS() if config.epochs is not None else N.NO_BUDGET_PRETRAINED()
        )
        return None
    if seconds == "auto":
        seconds = auto_time_budget(n_train)
        notes.append(N.BUDGET_AUTO(budget=format_duration(seconds)))
    budget = format_duration(seconds)
    if not any(s.budgeted for s in stages):
        notes.append(N.BUDGET_FROZEN(budget=budget))
        return float(seconds)
    notes.append(N.BUDGET_FULL(budget=budget))
    return float(seconds)


# --------------------------------------------------------------------------- strategy recipes


def spread(top: float, groups: int) -> list[float]:
    """Geometric learning rates from top / LR_SPREAD (first group) to top (head)."""
    if groups == 1:
        return [top]
    return [top / LR_SPREAD ** ((groups - 1 - i) / (groups - 1)) for i in range(groups)]


def _budgeted(config: TrainConfig) -> bool:
    return config.time_budget is not None


def _by_size(n_train: int, small: int, medium: int, large: int) -> int:
    return small if n_train <= 2000 else medium if n_train <= 20000 else large


def _head_recipe(config: TrainConfig, n_train: int, notes: list[str]) -> list[StageSpec]:
    epochs = config.epochs or _by_size(n_train, 30, 20, 10)
    lr = config.learning_rate or HEAD_LR
    notes.append(N.RECIPE_HEAD(epochs=epochs, lr=lr))
    return [StageSpec("head", epochs, [lr])]


def _partial_recipe(config: TrainConfig, n_train: int, notes: list[str]) -> list[StageSpec]:
    epochs = config.epochs or _by_size(n_train, 15, 10, 6)
    lr = config.learning_rate or PARTIAL_LR
    notes.append(N.RECIPE_PARTIAL(epochs=epochs, lr=lr))
    return [StageSpec("partial", epochs, [lr])]


def _full_recipe(config: TrainConfig, n_train: int, notes: list[str]) -> list[StageSpec]:
    if config.pretrained:
        epochs = config.epochs or _by_size(n_train, 10, 8, 5)
        top = config.learning_rate or FULL_LR_PRETRAINED
        notes.append(N.RECIPE_FULL_PRETRAINED(epochs=epochs, top=top, low=top / LR_SPREAD))
        return [StageSpec("full", epochs, spread(top, 3), "discriminative", _budgeted(config))]
    epochs = config.epochs or _by_size(n_train, 40, 30, 20)
    top = config.learning_rate or FULL_LR_SCRATCH
    notes.append(N.RECIPE_FULL_SCRATCH(epochs=epochs, top=top))
    return [StageSpec("full", epochs, [top] * 3, "", _budgeted(config))]


def _two_stage_recipe(config: TrainConfig, n_train: int, notes: list[str]) -> list[StageSpec]:
    head_epochs = _by_size(n_train, 30, 20, 10)
    head_lr = config.learning_rate or HEAD_LR
    full_epochs = config.epochs or _by_size(n_train, 8, 6, 4)
    top = head_lr / 2
    notes.append(N.RECIPE_TWO_STAGE(
        head_epochs=head_epochs, head_lr=head_lr, full_epochs=full_epochs, top=top,
        low=top / LR_SPREAD,
    ))  # fmt: skip
    return [
        StageSpec("head", head_epochs, [head_lr]),
        StageSpec("full", full_epochs, spread(top, 3), "discriminative", _budgeted(config)),
    ]


RECIPES: dict[str, Callable[[TrainConfig, int, list[str]], list[StageSpec]]] = {
    "head": _head_recipe,
    "partial": _partial_recipe,
    "full": _full_recipe,
    "two_stage": _two_stage_recipe,
}
"""Each strategy as the stages it runs (fastai's freeze -> fit -> unfreeze -> fit)."""

FROZEN_STRATEGIES = frozenset({"head", "partial"})  # strategies that never train the backbone
