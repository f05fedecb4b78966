"""The learning-rate finder (fastai's `lr_find`; Smith, "Cyclical Learning Rates", 2017).

It trains a throw-away copy of the model the plan would train, on the first stage's batches, for
one epoch's worth of steps (at least 20, at most 100: a tiny dataset goes round again), raising the learning rate exponentially from `start` to
`end`, and records the smoothed loss. The loss falls, flattens and then shoots up; the
suggestion is a tenth of the rate where it was lowest (where it still falls steeply, one order
of magnitude before it blows up). Nothing of it reaches the model the user trains afterwards:
that model is built fresh, with the seed's initialisation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import BackboneStudioError
from ..events import Cancelled, CancelToken
from ..messages import define
from .config import TrainConfig
from .context import default_cache, make_step, start_run
from .loop import NonFinite, TrainStep, is_out_of_memory
from .plan import make_plan
from .stages import STAGES

NO_BATCH = define(
    "lr_find.no_batch",
    "No training batch could be formed: the training images could not be read.",
)
OUT_OF_MEMORY = define(
    "lr_find.out_of_memory",
    "Out of memory on {device} during the learning-rate sweep. Choose a smaller batch size or "
    "image size.",
)
TOO_FEW = define(
    "lr_find.too_few",
    "The learning-rate finder needs more training images (fewer than 5 steps ran).",
)
SUGGESTED = define(
    "lr_find.suggested",
    "Suggested learning rate {suggestion:.2g}: a tenth of {lowest:.2g}, where the loss was lowest.",
)
NO_SUGGESTION = define(
    "lr_find.no_suggestion",
    "The loss did not fall clearly at any rate tried: keep the automatic learning rate.",
)

MAX_STEPS = 100
MIN_STEPS = 20  # a curve needs points: a tiny dataset's epoch may have only a few batches
DIVERGED = 4.0  # stop once the smoothed loss is this many times its minimum


@dataclass(frozen=True)
class LrFinding:
    """The loss at each learning rate tried, and the rate suggested (None: no clear one)."""

    learning_rates: tuple[float, ...]
    losses: tuple[float, ...]  # smoothed (exponential moving average, bias-corrected)
    suggestion: float | None
    stage: str  # the stage whose learning rate this is ("head", "partial" or "full")
    message: str


@dataclass(frozen=True)
class LrRange:
    start: float = 1e-7
    end: float = 10.0
    steps: int | None = None  # None: one epoch's worth (MIN_STEPS to MAX_STEPS)


def find_learning_rate(config: TrainConfig, index, cancel: CancelToken | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       sweep: LrRange = LrRange()) -> LrFinding:  # fmt: skip
    """Sweep the learning rate over the first stage of `config`'s plan; see the module doc.
    Raises Cancelled when `cancel` is set, BackboneStudioError for what a user can fix."""
    cancel = cancel or CancelToken()
    plan = make_plan(config, index)
    config = plan.config  # an "auto" backbone: the network the run would train
    ctx = start_run(config, plan, index, default_cache(plan), [], pretrained=config.pretrained)
    spec = plan.stages[0]
    prepared = STAGES[spec.name].prepare(ctx, False, (cancel, 1))
    batches = prepared.batches(plan.batch_size)
    steps = sweep.steps or max(MIN_STEPS, min(MAX_STEPS, len(batches)))
    step = make_step(ctx, prepared.groups, [sweep.start] * len(prepared.groups))
    ratio = (sweep.end / sweep.start) ** (1 / max(steps - 1, 1))
    curve = _Curve()
    prepared.set_modes()
    while len(curve.rates) < steps and not curve.diverged:
        formed = False
        for x, y in batches:
            formed = True
            if cancel.cancelled:
                raise Cancelled(1, len(curve.rates) + 1)
            lr = sweep.start * ratio ** len(curve.rates)
            for group in step.optimizer.param_groups:
                group["lr"] = lr
            curve.add(lr, _loss(step, prepared.trainable, (x, y), ctx.device))
            if progress is not None:
                progress(len(curve.rates), steps)
            if len(curve.rates) >= steps or curve.diverged:
                break
        if not formed:
            raise BackboneStudioError(NO_BATCH())
    return _finding(curve.rates, curve.losses, spec.name)


def _loss(step: TrainStep, module, batch, device) -> float:
    """One step's loss; inf when it blew up (what the sweep looks for, not an error)."""
    try:
        loss, _correct = step(module, *batch)
    except NonFinite:
        return math.inf
    except Exception as exc:
        if is_out_of_memory(exc):
            raise BackboneStudioError(OUT_OF_MEMORY(device=str(device))) from None
        raise
    return loss


class _Curve:
    """The smoothed loss (exponential moving average, bias-corrected) at each rate tried."""

    def __init__(self) -> None:
        self.rates: list[float] = []
        self.losses: list[float] = []
        self._average, self._best = 0.0, math.inf

    def add(self, lr: float, loss: float) -> None:
        self._average = 0.98 * self._average + 0.02 * loss
        smoothed = self._average / (1 - 0.98 ** (len(self.rates) + 1))
        self.rates.append(lr)
        self.losses.append(smoothed)
        self._best = min(self._best, smoothed)

    @property
    def diverged(self) -> bool:
        last = self.losses[-1] if self.losses else 0.0
        return not math.isfinite(last) or last > DIVERGED * self._best


def _finding(rates: list[float], losses: list[float], stage: str) -> LrFinding:
    finite = [(r, v) for r, v in zip(rates, losses, strict=True) if math.isfinite(v)]
    if len(finite) < 5:
        raise BackboneStudioError(TOO_FEW())
    rates_f, losses_f = zip(*finite, strict=True)
    lowest = min(range(len(losses_f)), key=losses_f.__getitem__)
    fell = losses_f[lowest] < losses_f[0]
    suggestion = rates_f[lowest] / 10 if fell and lowest > 0 else None
    message = (
        SUGGESTED(suggestion=suggestion, lowest=rates_f[lowest]) if suggestion else NO_SUGGESTION()
    )
    return LrFinding(tuple(rates), tuple(losses), suggestion, stage, message)
