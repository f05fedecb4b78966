"""What every stage of a run shares (the model, the plan, the decoded-image cache, the shuffling
generator, the callbacks, the files that turned out unreadable; and image batches on the device."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from .. import backbones
from ..events import Logged, emit
from .config import TrainConfig
from .loop import StepSettings, TrainStep, autocast, make_optimizer
from .parallel import SingleProcess
from .plan import Plan
from .run_messages import BATCHNORM_MOMENTUM, SKIPPED
from .state import seed_everything


def unpack(batch, problems: list | None = None):
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


class ProblemLog:
    """Files that became unreadable since the scan: each reported once, as a warning."""

    def __init__(self, callbacks):
        self.callbacks = callbacks
        self.datasets: list = []  # ImageDatasets whose unreadable files get reported
        self.from_batches: list = []  # the same, as batches bring them from worker processes
        self._reported: set = set()

    def report(self) -> None:
        found = [p for dataset in self.datasets for p in dataset.problems]
        for problem in (*found, *self.from_batches):
            if problem.path not in self._reported:
                self._reported.add(problem.path)
                emit(
                    self.callbacks,
                    Logged(SKIPPED(path=problem.path, reason=problem.reason), level="warning"),
                )
        self.from_batches.clear()  # in place: the batch iterators hold this list


class DeviceBatches:
    """A DataLoader's (images, labels, indices) batches moved to the device, missing ones skipped."""

    def __init__(self, loader, device: torch.device, problems: list):
        self.loader, self.device = loader, device
        self.non_blocking = device.type == "cuda"
        self.problems = problems  # where the batches' unreadable files are noted

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self):
        for batch in self.loader:
            unpacked = unpack(batch, self.problems)
            if unpacked is None:
                continue
            x, y, _idx = unpacked
            yield (
                x.to(
                    self.device, non_blocking=self.non_blocking, memory_format=torch.channels_last
                ),
                y.to(self.device, non_blocking=self.non_blocking),
            )


@dataclass
class RunContext:
    """The parts of a run that its stages share."""

    config: TrainConfig
    plan: Plan
    model: nn.Module
    cache: object  # core.dataset.DecodedImageCache
    generator: torch.Generator
    callbacks: list
    problems: ProblemLog
    num_classes: int
    class_weights: torch.Tensor | None = field(default=None)
    parallel: SingleProcess = field(default_factory=SingleProcess)  # ranks (training.parallel)

    @property
    def device(self) -> torch.device:
        return self.plan.device

    def amp(self):
        return autocast(self.plan.device, self.plan.amp_dtype)

    def log(self, message: str, level: str = "info") -> None:
        emit(self.callbacks, Logged(message, level))

    def loader(self, samples, transform, batch_size: int, shuffle: bool = False,
               shard: str | None = None):  # fmt: skip
        """A DataLoader over `samples` through the shared decoded-image cache.

        With several ranks, a shuffled loader reads this rank's shard of each global batch of
        `batch_size`; `shard` "even" (as many batches on every rank) or "exact" (each sample
        once) shards an unshuffled one; otherwise every rank reads every sample."""
        from ..dataset import ImageDataset, collate_skip_missing

        dataset = ImageDataset(samples, transform, cache=self.cache)
        self.problems.datasets.append(dataset)
        workers = self.plan.num_workers
        return torch.utils.data.DataLoader(
            dataset,
            collate_fn=collate_skip_missing,
            num_workers=workers,
            pin_memory=self.device.type == "cuda",
            persistent_workers=shuffle and workers > 0,
            **self.parallel.loader_options(dataset, batch_size, shuffle, self.generator, shard),
        )

    def device_batches(self, loader) -> DeviceBatches:
        return DeviceBatches(loader, self.device, self.problems.from_batches)


def copy_state(module: nn.Module, base: dict | None = None, changing: set | None = None) -> dict:
    """A CPU copy of the state dict. With `base` and `changing`, only the `changing` entries are
    copied and the rest are shared with `base` (frozen layers do not change while the head
    trains, so an epoch's snapshot costs kilobytes rather than the whole network)."""
    state = module.state_dict()
    if base is None or changing is None:
        return {k: v.detach().to("cpu", copy=True) for k, v in state.items()}
    return {
        k: (v.detach().to("cpu", copy=True) if k in changing else base[k]) for k, v in state.items()
    }


def quicken_batchnorm(model: nn.Module) -> int:
    """From scratch, BatchNorm running statistics must follow the training quickly.

    Some architectures (MobileNetV3: momentum 0.01) average them over ~100 steps, tuned for
    long ImageNet schedules; a short run on a small dataset would then validate with
    statistics that are mostly the initial ones (chance-level accuracy in eval mode).
    Returns how many layers changed.
    """
    changed = 0
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            if module.momentum is not None and module.momentum < 0.1:
                module.momentum = 0.1
                changed += 1
    return changed


def default_cache(plan: Plan):
    """A decoded-image cache sized for the plan's images."""
    from ..dataset import DecodedImageCache

    return DecodedImageCache(short_side=math.ceil(plan.image_size * 8 / 7) + 1)


def start_run(config: TrainConfig, plan: Plan, index, cache, callbacks,
              pretrained: bool) -> RunContext:  # fmt: skip
    """Seed everything, build the plan's model on its device and what its stages share."""
    generator = seed_everything(config.seed)
    if plan.device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    model = backbones.build_model(
        plan.spec.name,
        len(index.class_names),
        pretrained=pretrained,
        small_input=plan.small_input,
        stem_stride=plan.stem_stride,
    )
    if not config.pretrained:
        changed = quicken_batchnorm(model)
        if changed:
            emit(callbacks, Logged(BATCHNORM_MOMENTUM(layers=changed)))
    weights = plan.class_weights
    model.to(plan.device)
    model.to(memory_format=torch.channels_last)
    return RunContext(
        config=config, plan=plan, model=model, cache=cache, generator=generator,
        callbacks=callbacks, problems=ProblemLog(callbacks), num_classes=len(index.class_names),
        class_weights=(
            torch.tensor(weights, dtype=torch.float32, device=plan.device) if weights else None
        ),
    )  # fmt: skip


def make_step(ctx: RunContext, groups, peak_lrs, factory=TrainStep) -> TrainStep:
    """An AdamW optimizer over `groups` at `peak_lrs`, and the training step that drives it."""
    optimizer = make_optimizer(groups, peak_lrs, ctx.config.weight_decay, ctx.device)
    settings = StepSettings(ctx.device, ctx.plan.amp_dtype, ctx.class_weights,
                            ctx.config.label_smoothing, ctx.config.grad_clip)  # fmt: skip
    return factory(optimizer, [p for g in groups for p in g], settings)
