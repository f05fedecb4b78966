"""Stage objects. A strategy is a list of stages (plan.RECIPES), like fastai's
freeze -> fit -> unfreeze -> fit; each stage kind says what trains, on which batches, and how it
is validated. Nothing else branches on a stage's name: `STAGES` maps a name to its object.

- `FrozenFeatureStage` ("head", "partial"): the frozen part runs once over the images
  (features.FeaturePass) and only the trainable part learns, on the cached outputs.
- `FullStage` ("full"): every layer trains on images; after a frozen stage, BatchNorm keeps the
  statistics the head was trained on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
from torch import nn

from .. import backbones
from .context import RunContext
from .features import FeatureBatches, FeaturePass
from .loop import evaluate, within_memory
from .run_messages import STAGE_FULL, STAGE_HEAD, STAGE_PARTIAL


def state_names(model: nn.Module, part: nn.Module) -> set[str]:
    """The model's state-dict names of `part`'s parameters and buffers."""
    ids = {id(t) for t in (*part.parameters(), *part.buffers())}
    return {name for name, t in (*model.named_parameters(), *model.named_buffers()) if id(t) in ids}


@dataclass
class PreparedStage:
    """A stage ready to run its epochs."""

    trainable: nn.Module
    groups: list[list[nn.Parameter]]  # optimizer parameter groups, earliest layers first
    batches: Callable[[int], Iterable]  # batch size -> training batches (rebuilt after an OOM)
    validate: Callable[[], tuple]  # () -> (loss, accuracy, confusion)
    set_modes: Callable[[], None]  # train/eval modes before each epoch
    changing: set[str] | None  # state-dict names that change in this stage; None: all
    # clock -> the seconds one validation pass should take, measured on its first batches
    time_validation: Callable[[Callable[[], float]], float] | None = None


@dataclass(frozen=True)
class FrozenFeatureStage:
    """Train the part after `split` on cached outputs of the frozen part before it."""

    name: str
    split: Callable  # (model, spec) -> (frozen, trainable)
    title: str
    cached: str  # what is cached, in words: "features" or "trunk outputs"
    store_half: bool  # big outputs (feature maps) stay on the host in fp16
    one_cpu_thread: bool  # tiny ops (a Linear head): thread hand-offs cost more than the maths

    def cpu_threads(self, ctx: RunContext) -> int | None:
        return 1 if self.one_cpu_thread and ctx.device.type == "cpu" else None

    def prepare(self, ctx: RunContext, after_frozen: bool, stop) -> PreparedStage:
        model = ctx.model
        frozen, trainable = self.split(model, ctx.plan.spec)
        for p in model.parameters():
            p.requires_grad_(False)
        for p in trainable.parameters():
            p.requires_grad_(True)
        model.eval()  # frozen BatchNorm keeps its running statistics
        cancel, epoch = stop
        cached = FeaturePass(ctx, frozen, self.cached, self.store_half).run(cancel, epoch)
        chunk = max(ctx.plan.batch_size, 256)

        def val_batches():
            for start in range(0, cached.val_y.shape[0], chunk):
                x = cached.val_x[0, start : start + chunk].to(ctx.device, dtype=torch.float32)
                yield x, cached.val_y[start : start + chunk].to(ctx.device)

        def set_modes():
            model.eval()
            trainable.train()

        return PreparedStage(
            trainable=trainable,
            groups=[list(trainable.parameters())],
            batches=lambda size: FeatureBatches(cached.train_x, cached.train_y, size, ctx),
            validate=lambda: evaluate(trainable, val_batches(), ctx.num_classes, ctx.amp()),
            set_modes=set_modes,
            changing=state_names(model, trainable),
        )


class FullStage:
    """Train every layer on images."""

    name = "full"
    title = STAGE_FULL()

    def cpu_threads(self, ctx: RunContext) -> int | None:
        return None

    def prepare(self, ctx: RunContext, after_frozen: bool, stop) -> PreparedStage:
        from ..dataset import eval_transform, train_transform

        model, plan = ctx.model, ctx.plan
        spec = plan.spec
        for p in model.parameters():
            p.requires_grad_(True)
        groups = [g for g in backbones.parameter_groups(model, spec) if g]
        train_tf = train_transform(
            plan.image_size, spec.mean, spec.std, augment=ctx.config.augment, flip=ctx.config.flip
        )
        eval_tf = eval_transform(plan.image_size, spec.mean, spec.std)
        val_loader = ctx.loader(plan.val_samples, eval_tf, max(plan.batch_size, 32), shard="exact")

        def batches(size: int):
            return ctx.device_batches(ctx.loader(plan.train_samples, train_tf, size, shuffle=True))

        def set_modes():
            model.train()
            if after_frozen:
                # Keras' fine-tuning rule: BatchNorm stays in inference mode (its scale and
                # shift still train), so unfreezing does not swap the statistics the head
                # was trained on for noisy per-batch ones.
                for module in model.modules():
                    if isinstance(module, nn.modules.batchnorm._BatchNorm):
                        module.eval()

        return PreparedStage(
            trainable=model,
            groups=groups,
            batches=batches,
            validate=lambda: evaluate(
                model, ctx.device_batches(val_loader), ctx.num_classes, ctx.amp(),
                gather=ctx.parallel.gather_scores,
            ),  # fmt: skip
            set_modes=set_modes,
            changing=None,
            time_validation=lambda clock: within_memory(
                lambda: time_validation(model, ctx.device_batches(val_loader), ctx.amp(), clock,
                                        plan.num_workers),  # fmt: skip
                ctx.device, stop[1],
            ),  # out of memory, the validation would run out too: said before an epoch is spent
        )


def time_validation(model: nn.Module, batches, amp, clock: Callable[[], float],
                    workers: int = 0) -> float:  # fmt: skip
    """The seconds a validation pass over `batches` should take, from its first batches: the
    first pays for starting up, and the next `workers + 1` show what a batch costs once the
    loader's workers (which decode their first batches side by side) are in step. A budgeted
    run plans its first epoch with it (before, it could only guess, and a guess too high was
    left over when the schedule ended inside that epoch). Without workers (the CPU) it costs
    two batches of the budget, and the images they decode stay in the shared cache for the
    real validation; with workers, their prefetched batches are decoded too and lost."""
    total = len(batches)
    if total == 0:
        return 0.0
    model.eval()  # as validation does; each epoch sets its own modes
    times = [clock()]
    # starting a DataLoader draws a seed from torch's generator: the training to come keeps its own
    with torch.random.fork_rng(devices=[]), torch.inference_mode(), amp:
        for x, _y in batches:
            model(x).float().sum().item()  # waits for an accelerator to finish the batch
            times.append(clock())
            if len(times) == workers + 3:
                break
    timed = len(times) - 1
    if timed == 0:  # no batch could be read: the validation will say so
        return 0.0
    first = times[1] - times[0]
    rest = (times[-1] - times[1]) / (timed - 1) if timed > 1 else first
    return first + (total - 1) * rest


STAGES = {
    "head": FrozenFeatureStage(
        "head", backbones.split_features, STAGE_HEAD(),
        cached="features", store_half=False, one_cpu_thread=True,
    ),
    "partial": FrozenFeatureStage(
        "partial", backbones.split_partial,
        STAGE_PARTIAL(),
        cached="trunk outputs", store_half=True, one_cpu_thread=False,
    ),
    "full": FullStage(),
}  # fmt: skip
