"""One epoch and one evaluation as plain functions (torchvision's reference style), and
`TrainStep`, which holds everything about one optimizer step: the loss, autocast, the gradient
scaler, clipping and the NaN check. The Trainer gets its step from a factory it was given, so a
test swaps in a step that fails on purpose instead of patching private methods."""

from __future__ import annotations

import contextlib
import gc
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import BackboneStudioError, TrainingError
from ..events import BatchEnded, Cancelled, CancelToken, Logged, Throttle, emit
from ..messages import define
from ..metrics import accuracy, confusion_matrix
from .run_messages import OOM_RETRY, VALIDATION_OOM
from .schedule import Schedule

_OUT_MEMORY_EVEN_BATCH = define(
    "error.training.out_memory_even_batch",
    "Out of memory on {device} even at batch size 1. Choose a smaller image size or "
    "backbone, close other programs using the GPU, or train on the CPU.",
)
_NO_TRAINING_BATCH_COULD = define(
    "error.training.no_training_batch_could",
    "No training batch could be formed: the training images could not be read.",
)
_EVERY_TRAINING_IMAGE_EPOCH = define(
    "error.training.every_training_image_epoch",
    "Every training image of this epoch failed to load.",
)
_NO_VALIDATION_IMAGE_COULD = define(
    "error.training.no_validation_image_could",
    "No validation image could be read; check the dataset folder.",
)


class NonFinite(Exception):
    """The loss (or the gradient norm) of a batch was NaN or inf."""

    def __init__(self, what: str, epoch: int = 0, batch: int = 0):
        super().__init__(what)
        self.what, self.epoch, self.batch = what, epoch, batch


class OutOfMemory(Exception):
    pass


def is_out_of_memory(exc: BaseException) -> bool:
    """CUDA (or MPS) out-of-memory, whichever way torch reports it."""
    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def free_memory(device: torch.device) -> None:
    gc.collect()
    if device.type == "cuda" and torch.cuda.is_available():
        torch.cuda.empty_cache()
    elif device.type == "mps" and hasattr(torch, "mps"):
        torch.mps.empty_cache()


def halve_batch(batch_size: int, device: torch.device, callbacks) -> int:
    """The batch size to retry with after running out of memory; TrainingError at size 1."""
    free_memory(device)
    if batch_size <= 1:
        raise TrainingError(
            _OUT_MEMORY_EVEN_BATCH(device=device)
        )
    new = max(1, batch_size // 2)
    emit(
        callbacks,
        Logged(OOM_RETRY(device=device, batch_size=batch_size, new=new), level="warning"),
    )
    return new


@contextlib.contextmanager
def cpu_threads(limit: int | None):
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


def autocast(device: torch.device, dtype: torch.dtype | None):
    """Autocast to `dtype` on `device`, or explicitly not at all (plain fp32)."""
    if dtype is None:
        return torch.autocast(device.type, enabled=False)
    return torch.autocast(device.type, dtype=dtype)


def make_optimizer(groups, peak_lrs, weight_decay: float, device: torch.device):
    """AdamW; weight decay on weights only (not on biases and norm layers)."""
    param_groups = []
    for params, lr in zip(groups, peak_lrs, strict=True):
        decay = [p for p in params if p.ndim > 1]
        no_decay = [p for p in params if p.ndim <= 1]
        for chosen, group_wd in ((decay, weight_decay), (no_decay, 0.0)):
            if chosen:
                param_groups.append(
                    {"params": chosen, "lr": lr, "peak_lr": lr, "weight_decay": group_wd}
                )
    # the multi-tensor implementation is also the faster one on the CPU (measured 1.7x)
    foreach = True if device.type in ("cpu", "cuda") else None
    return torch.optim.AdamW(param_groups, lr=peak_lrs[-1], foreach=foreach)


def weighted_cross_entropy(
    logits: torch.Tensor,
    targets: torch.Tensor,
    class_weights: torch.Tensor | None,
    label_smoothing: float,
) -> torch.Tensor:
    """Cross-entropy with label smoothing, each image weighted by its true class's weight.

    Not `F.cross_entropy(weight=..., label_smoothing=...)`: that weights the smoothing term of
    every image by every class's weight, which pushes all predictions towards the rare classes.
    From scratch on 900 images at 12:1 imbalance it kept the model below the majority-class
    rate (56 % test accuracy, 96 % without weights; docs/TRAINING.md).
    """
    losses = F.cross_entropy(logits.float(), targets, label_smoothing=label_smoothing,
                             reduction="none")  # fmt: skip
    if class_weights is None:
        return losses.mean()
    weights = class_weights[targets]
    return (losses * weights).sum() / weights.sum()


@dataclass
class StepSettings:
    """What a TrainStep needs besides the optimizer and its parameters."""

    device: torch.device
    amp_dtype: torch.dtype | None
    class_weights: torch.Tensor | None
    label_smoothing: float
    grad_clip: float | None


class TrainStep:
    """One optimizer step on one batch: forward under autocast, loss, backward (scaled for fp16
    on CUDA), clipping, step. Raises NonFinite before touching the weights when the loss or the
    gradients are NaN/inf; out-of-memory errors propagate (the caller halves the batch)."""

    def __init__(self, optimizer: torch.optim.Optimizer, params, settings: StepSettings):
        self.optimizer = optimizer
        self.params = list(params)
        self.settings = settings
        use_scaler = settings.amp_dtype == torch.float16 and settings.device.type == "cuda"
        self.scaler = torch.amp.GradScaler("cuda") if use_scaler else None

    def loss(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return weighted_cross_entropy(
            logits, targets, self.settings.class_weights, self.settings.label_smoothing
        )

    def __call__(
        self, module: nn.Module, inputs: torch.Tensor, targets: torch.Tensor
    ) -> tuple[float, int]:
        """Returns (loss, number of correct predictions)."""
        optimizer, scaler = self.optimizer, self.scaler
        with autocast(self.settings.device, self.settings.amp_dtype):
            logits = module(inputs)
            loss = self.loss(logits, targets)
        loss_value = self.agreed_loss(loss.detach(), int(targets.shape[0]))
        if not math.isfinite(loss_value):
            raise NonFinite("loss")
        optimizer.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
        else:
            loss.backward()
        if self.settings.grad_clip is not None:
            norm = torch.nn.utils.clip_grad_norm_(self.params, self.settings.grad_clip)
            if scaler is None and not torch.isfinite(norm):
                optimizer.zero_grad(set_to_none=True)
                raise NonFinite("gradients")
        if scaler is not None:
            scaler.step(optimizer)  # skips steps with inf gradients, lowers the scale
            scaler.update()
        else:
            optimizer.step()
        return loss_value, int((logits.detach().argmax(1) == targets).sum())

    def agreed_loss(self, loss: torch.Tensor, count: int) -> float:
        """The batch's loss as a number (with several ranks: over the global batch, the same on
        every rank, so that all of them stop at a NaN together)."""
        return float(loss)

    def state_dict(self) -> dict:
        return {"scaler": self.scaler.state_dict() if self.scaler is not None else None}

    def load_state_dict(self, state: dict) -> None:
        if self.scaler is not None and state.get("scaler"):
            self.scaler.load_state_dict(state["scaler"])


@dataclass
class EpochTask:
    """One epoch of one stage: what trains, on which batches, where in the stage's schedule."""

    module: nn.Module
    batches: Iterable
    schedule: Schedule
    pace: object  # budget.EpochPace or budget.BudgetPace: where in the schedule we are
    stage_epoch: int  # 0-based within the stage
    epoch: int  # 1-based over the whole fit
    average: object = None  # ema.WeightAverage to update after each step, or None


class BatchReporter:
    """Counts global steps and emits BatchEnded events, a few per second (always the first and
    the last batch of an epoch)."""

    def __init__(self, callbacks, step: int = 0):
        self.callbacks = callbacks
        self.step = step
        self._throttle = Throttle(5.0)
        self._started = time.monotonic()

    def epoch_started(self) -> None:
        self._throttle = Throttle(5.0)
        self._started = time.monotonic()

    def __call__(self, task: EpochTask, batch: tuple[int, int], loss: float, lr: float,
                 seen: int) -> None:  # fmt: skip
        batch_no, total = batch
        self.step += 1
        if not self._throttle.ready(force=batch_no == 1 or batch_no == total):
            return
        elapsed = time.monotonic() - self._started
        emit(
            self.callbacks,
            BatchEnded(
                epoch=task.epoch, batch=batch_no, batches=total, step=self.step, loss=loss,
                learning_rate=lr, images_per_second=seen / elapsed if elapsed > 0 else 0.0,
                seconds_left=task.pace.seconds_left(),
            ),
        )  # fmt: skip


def train_epoch(
    step: TrainStep, task: EpochTask, cancel: CancelToken, report: BatchReporter | None = None
) -> tuple[float, float, int]:
    """Train one epoch; returns (mean loss, accuracy, images seen). Under a time budget the
    epoch ends early (after at least one batch) when the budget's training time is used up.

    Raises Cancelled at a batch boundary, NonFinite with the epoch and batch, OutOfMemory.
    """
    total = len(task.batches)
    if total == 0:
        raise BackboneStudioError(
            _NO_TRAINING_BATCH_COULD()
        )
    if report is not None:
        report.epoch_started()
    loss_sum, correct, seen = 0.0, 0, 0
    batch_no = 0
    for batch_no, (x, y) in enumerate(task.batches, start=1):
        if cancel.cancelled:
            raise Cancelled(task.epoch, batch_no)
        progress = task.pace.progress(task.stage_epoch, batch_no - 1, total)
        if progress >= 1.0 and seen:
            break  # the time is up: validate what we have
        lr = task.schedule.apply(step.optimizer, progress)
        loss, ok = _step(step, task, (x, y), batch_no)
        n = int(y.shape[0])
        loss_sum += loss * n
        correct += ok
        seen += n
        if report is not None:
            report(task, (batch_no, total), loss, lr, seen)
    if cancel.cancelled:  # cancelled during the last batch: stop before validating
        raise Cancelled(task.epoch, batch_no)
    if seen == 0:
        raise BackboneStudioError(_EVERY_TRAINING_IMAGE_EPOCH())
    return loss_sum / seen, correct / seen, seen


def _step(step: TrainStep, task: EpochTask, batch: tuple, batch_no: int) -> tuple[float, int]:
    """One optimizer step (and the weights' average after it); NonFinite with where it happened,
    OutOfMemory for torch's out-of-memory errors."""
    try:
        result = step(task.module, *batch)
    except NonFinite as bad:
        raise NonFinite(bad.what, task.epoch, batch_no) from None
    except Exception as exc:
        if is_out_of_memory(exc):
            raise OutOfMemory() from exc
        raise
    if task.average is not None:
        task.average.update()
    return result


def score(logits: list[torch.Tensor], labels: list[torch.Tensor], num_classes: int):
    """(mean loss, accuracy, confusion matrix) of a validation pass."""
    if not logits:
        raise BackboneStudioError(_NO_VALIDATION_IMAGE_COULD())
    all_logits = torch.cat(logits)
    all_labels = torch.cat(labels)
    loss = float(F.cross_entropy(all_logits, all_labels))
    preds = all_logits.argmax(1).cpu().numpy()
    confusion = confusion_matrix(all_labels.cpu().numpy(), preds, num_classes)
    return loss, accuracy(confusion), confusion


def evaluate(module: nn.Module, batches: Iterable, num_classes: int, amp, gather=None) -> tuple:
    """Score `module` on (inputs, labels) batches under inference mode and `amp` (a context).
    `gather`: (logits, labels) -> every rank's (logits, labels), when each scored a shard."""
    logits, labels = [], []
    with torch.inference_mode(), amp:
        for x, y in batches:
            logits.append(module(x).float())
            labels.append(y)
    if gather is not None:
        logits, labels = gather(logits, labels)
    return score(logits, labels, num_classes)


def within_memory(validate: Callable[[], object], device: torch.device, epoch: int):
    """`validate()` (a validation pass, or the timing of one); out of memory, a TrainingError
    saying what to do, with the memory freed first."""
    try:
        return validate()
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
    free_memory(device)  # out of the handler: its traceback held the batch
    raise TrainingError(VALIDATION_OOM(device=device, epoch=epoch))
