"""The feature pass of the frozen stages: run the frozen part of the network once over the
training images (one or more views) and the validation images, and keep its outputs, so that an
epoch of the trainable part is a few matrix multiplications instead of a pass over the images."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import nn

from ..errors import BackboneStudioError, TrainingError
from ..events import Cancelled, FeaturePassProgressed, StageStarted, Throttle, emit
from ..messages import define
from . import run_messages as said
from .context import RunContext, unpack
from .loop import OutOfMemory, halve_batch, is_out_of_memory

_CACHING_FROZEN_LAYERS_OUTPUTS = define(
    "error.training.caching_frozen_layers_outputs",
    "Caching the frozen layers' outputs would need {amount:.1f} GiB of memory for {count} "
    "images at {image_size} px. Use the 'full' or 'head' strategy, a smaller image size, or "
    "fewer feature views.",
)
_NONE_IMAGES_COULD_READ = define(
    "error.training.none_images_could_read",
    "None of the images could be read for the feature pass.",
)


PARTIAL_CACHE_LIMIT = 4 * 2**30  # bytes of fp16 trunk outputs we are willing to keep in memory


class FeatureBatches:
    """Shuffled mini-batches over cached features [views, N, ...] with one random view per image."""

    def __init__(self, features, labels, batch_size: int, ctx: RunContext):
        self.features, self.labels = features, labels
        self.batch_size, self.generator = batch_size, ctx.generator
        self.device = ctx.device
        self.parallel = ctx.parallel  # each rank trains on its share of every global batch
        self.non_blocking = ctx.device.type == "cuda"

    def _bounds(self) -> list[tuple[int, int]]:
        n, bs = self.labels.shape[0], self.batch_size
        bounds = [(i, min(i + bs, n)) for i in range(0, n, bs)]
        if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < self.parallel.min_batch:
            bounds.pop()  # a batch of one breaks BatchNorm in a trainable tail
        return bounds

    def __len__(self) -> int:
        return len(self._bounds())

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        views, n = self.features.shape[0], self.labels.shape[0]
        order = torch.randperm(n, generator=self.generator)
        view = torch.randint(views, (n,), generator=self.generator)
        for start, stop in self._bounds():
            idx = self.parallel.shard_batch(order[start:stop])
            chosen = view[idx]
            x = self.features[chosen.to(self.features.device), idx.to(self.features.device)]
            y = self.labels[idx.to(self.labels.device)]
            yield (
                x.to(self.device, dtype=torch.float32, non_blocking=self.non_blocking),
                y.to(self.device, non_blocking=self.non_blocking),
            )


@dataclass
class CachedFeatures:
    train_x: torch.Tensor  # [views, N, ...]
    train_y: torch.Tensor
    val_x: torch.Tensor  # [1, M, ...]
    val_y: torch.Tensor


class _Progress:
    def __init__(self, callbacks, total: int):
        self.callbacks, self.total, self.done = callbacks, total, 0
        self._throttle = Throttle(5.0)
        emit(callbacks, FeaturePassProgressed(0, total))

    def __call__(self, n: int) -> None:
        self.done += n
        if self._throttle.ready(force=self.done >= self.total):
            emit(self.callbacks, FeaturePassProgressed(self.done, self.total))


class FeaturePass:
    """Computes and caches the frozen module's outputs for one stage."""

    def __init__(self, ctx: RunContext, frozen: nn.Module, what: str, store_half: bool):
        self.ctx, self.frozen = ctx, frozen
        self.what = what  # "features" or "trunk outputs", for the messages
        self.store_half = store_half  # big outputs (trunk feature maps) stay on the host in fp16

    def run(self, cancel, epoch: int) -> CachedFeatures:
        from ..dataset import eval_transform, train_transform

        ctx, plan = self.ctx, self.ctx.plan
        spec, views = plan.spec, ctx.config.feature_views
        plain = eval_transform(plan.image_size, spec.mean, spec.std)
        augmented = train_transform(
            plan.image_size, spec.mean, spec.std, augment=True, flip=ctx.config.flip
        )
        transforms = [plain] + [augmented] * (views - 1 if ctx.config.augment else 0)
        if len(transforms) < views:
            ctx.log("Augmentation is off, so one feature view per image is cached.", "warning")
        total = len(plan.train_samples) * len(transforms) + len(plan.val_samples)
        emit(ctx.callbacks, StageStarted("features", 0, self._title(len(transforms))))
        batch_size = plan.batch_size * (2 if ctx.device.type == "cuda" else 1)
        while True:
            progress = _Progress(ctx.callbacks, total)
            try:
                train = [
                    self._extract(plan.train_samples, t, batch_size, (cancel, epoch), progress)
                    for t in transforms
                ]
                val = [self._extract(plan.val_samples, plain, batch_size, (cancel, epoch), progress)]
                break
            except OutOfMemory:
                batch_size = halve_batch(batch_size, ctx.device, ctx.callbacks)
        if progress.done < total:  # unreadable files were skipped
            emit(ctx.callbacks, FeaturePassProgressed(total, total))
        ctx.problems.report()
        train_x, train_y = self._align(train)
        val_x, val_y = self._align(val)
        size = (train_x.numel() + val_x.numel()) * train_x.element_size() / 2**20
        ctx.log(said.cached(tuple(train_x.shape), tuple(val_x.shape), self.what, size))
        return CachedFeatures(train_x, train_y, val_x, val_y)

    def _title(self, views: int) -> str:
        plan = self.ctx.plan
        return said.feature_pass(self.what, len(plan.train_samples), views, len(plan.val_samples))

    def _extract(self, samples, transform, batch_size: int, stop, progress):
        """{sample index: output} and {sample index: label} for every readable sample."""
        cancel, epoch = stop
        ctx = self.ctx
        loader = ctx.loader(samples, transform, batch_size, shard="even")
        outputs: dict[int, torch.Tensor] = {}
        labels: dict[int, int] = {}
        checked = False
        try:
            with torch.inference_mode(), ctx.amp():
                for batch in loader:
                    if cancel.cancelled:
                        raise Cancelled(epoch, 0)
                    unpacked = unpack(batch, ctx.problems.from_batches)
                    if unpacked is None:
                        continue
                    x, y, idx = unpacked
                    x = x.to(ctx.device, non_blocking=True, memory_format=torch.channels_last)
                    out = self.frozen(x)
                    out = out.to(torch.float16 if out.dim() > 2 else torch.float32)
                    if not checked and out.dim() > 2:
                        self._check_memory(out[0].numel() * 2, len(samples))
                        checked = True
                    out = out.cpu() if out.dim() > 2 else out
                    for i, label, row in zip(idx.tolist(), y.tolist(), out, strict=True):
                        outputs[i] = row
                        labels[i] = label
                    progress(int(x.shape[0]))
        except Exception as exc:
            if is_out_of_memory(exc):
                raise OutOfMemory() from exc
            raise
        return ctx.parallel.gather_outputs(outputs, labels)  # every rank's shard, on every rank

    def _check_memory(self, per_item: int, count: int) -> None:
        needed = per_item * count * max(1, self.ctx.config.feature_views)
        if needed > PARTIAL_CACHE_LIMIT:
            raise TrainingError(
                _CACHING_FROZEN_LAYERS_OUTPUTS(
                    amount=needed / 2**30,
                    count=count,
                    image_size=self.ctx.plan.image_size,
                )
            )

    def _align(self, per_view):
        """Stack {index: tensor} dicts into [views, N, ...], keeping indices every view has."""
        common = sorted(set.intersection(*(set(out) for out, _ in per_view)))
        if not common:
            raise BackboneStudioError(_NONE_IMAGES_COULD_READ())
        stacked = torch.stack([torch.stack([out[i] for i in common]) for out, _ in per_view])
        labels = torch.tensor([per_view[0][1][i] for i in common], dtype=torch.long)
        device = self.ctx.device
        if self.store_half:
            stacked = stacked.to(torch.float16).cpu()  # big: stays in (pinned) host memory
            if device.type == "cuda":
                stacked = stacked.pin_memory()
        else:
            stacked = stacked.to(device, dtype=torch.float32)  # small: on the device
            labels = labels.to(device)
        # a normal tensor (not an inference tensor), usable for autograd inputs
        return stacked.clone(), labels
