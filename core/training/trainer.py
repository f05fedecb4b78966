"""`Trainer`: orchestration only. It plans (plan.make_plan), runs the plan's stages
(stages.STAGES) epoch by epoch (loop.train_epoch), keeps the best weights (state.RunState),
checkpoints (checkpoint.CheckpointStore) and reports typed events to callbacks. It knows nothing
about threads or Qt.

`fit()` always ends with exactly one FitEnded event and a FitResult whose outcome is
``finished``, ``cancelled`` or ``failed``; user errors and bugs alike become ``failed`` with a
message a person can act on (a bug's traceback goes to the log). Its collaborators (the training
step, the checkpoint store, the clock) come in through `Seams`, so tests inject faults there.
"""

from __future__ import annotations

import logging
import math
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch
from torch import nn

from ..calibration.fit import end_of_fit, with_calibration
from ..errors import BackboneStudioError, DiskWriteError, ResumeError, TrainingError
from ..events import (
    CancelToken,
    EpochEnded,
    FitEnded,
    FitPlan,
    FitStarted,
    Logged,
    StageStarted,
    emit,
)
from ..messages import message_of
from ..metrics import per_class_metrics
from . import automatic
from . import run_messages as said
from .budget import MIN_EPOCHS, BudgetPace, Deadline, DeadlinePace, EpochPace, format_duration
from .checkpoint import Checkpoint, CheckpointStore
from .config import TrainConfig
from .context import RunContext, copy_state, default_cache, make_step, start_run
from .ema import WeightAverage
from .loop import (
    BatchReporter,
    Cancelled,
    EpochTask,
    NonFinite,
    OutOfMemory,
    TrainStep,
    cpu_threads,
    halve_batch,
    train_epoch,
    within_memory,
)
from .parallel import SingleProcess
from .plan import Plan, make_plan, spread
from .records import final_pass
from .result import FitResult, model_metadata
from .schedule import Schedule
from .stages import STAGES, PreparedStage
from .state import RunState, rng_state, set_rng_state

log = logging.getLogger(__name__)


def _default_store(config: TrainConfig) -> CheckpointStore:
    return CheckpointStore(config.checkpoint, config.checkpoint_every)


@dataclass
class Seams:
    """The Trainer's collaborators. Tests replace them to inject faults."""

    step: Callable[..., TrainStep] = TrainStep  # (optimizer, params, StepSettings) -> step
    store: Callable[[TrainConfig], CheckpointStore] = _default_store
    clock: Callable[[], float] = time.monotonic
    # one process, or one rank of several (core.distributed.DistributedRuntime)
    parallel: SingleProcess = field(default_factory=SingleProcess)


@dataclass
class _StageRun:
    """One stage while its epochs run."""

    index: int
    epochs: int
    name: str
    offset: int  # epochs of the stages before it
    prepared: PreparedStage
    step: TrainStep
    schedule: Schedule
    pace: EpochPace | BudgetPace
    batch_size: int
    batches: Iterable = field(default=())
    base: dict | None = None  # the snapshot that frozen layers share
    average: WeightAverage | None = None  # the weights' moving average (TrainConfig.ema)


class Trainer:
    """Train one classifier: `plan()` says what it will do, `fit()` does it."""

    def __init__(self, config: TrainConfig, index, callbacks: Iterable[Callable] = (),
                 cache=None, seams: Seams | None = None):  # fmt: skip
        self.requested = config  # as asked: an "auto" backbone is chosen by the plan
        self.config = config  # the settings of the run: the plan's, once planned
        self.index = index
        self.callbacks = list(callbacks)
        self.cache = cache
        self.seams = seams or Seams()
        self.run = RunState()
        self._plan: Plan | None = None
        self._ctx: RunContext | None = None
        self._store = self.seams.store(config)
        self._last_good: dict | None = None
        self._learning_rate = 0.0
        self._deadline: Deadline | None = None

    def plan(self) -> FitPlan:
        """The fit with every automatic default resolved; trains nothing.

        Raises user errors (unknown device, missing pretrained weights, a dataset too small).
        """
        plan = make_plan(self.requested, self.index)
        return plan.describe(plan.config, self.index.class_names)

    # ---------------------------------------------------------------------------------- fit

    def fit(self, cancel: CancelToken | None = None, resume: str | Path | None = None,
            spent: float = 0.0) -> FitResult:  # fmt: skip
        """Train; always returns (never raises for user errors) and emits FitEnded exactly once.

        `spent`: seconds the run already took before fit (the folder scan), counted against
        the config's time budget.
        """
        started = self.seams.clock()
        self._deadline = None
        self.run, self._plan, self._ctx = RunState(), None, None
        self._store = self.seams.store(self.config)
        cancel = cancel if cancel is not None else CancelToken()
        try:
            checkpoint = self._load_checkpoint(Path(resume)) if resume is not None else None
            asked = self.requested if checkpoint is None else self.config
            self._plan = make_plan(asked, self.index, check_weights=checkpoint is None)
            self.config = self._plan.config
            if checkpoint is not None:
                self._continue_plan(checkpoint, Path(resume))
            self.seams.parallel.adjust_plan(self._plan, self.config, checkpoint is not None)
            cancel = self.seams.parallel.agreed_cancel(cancel)
            budget = self._plan.time_budget
            if budget is not None:  # a resumed run goes on with what its budget has left
                before = float(checkpoint.scheduler.get("budget_spent", 0.0)) if checkpoint else 0.0
                already = before + spent + self.seams.clock() - started
                self._deadline = Deadline.start(self.seams.clock, budget, already)
        except BackboneStudioError as exc:
            return self._finish("failed", message_of(exc), started, error=exc)
        except Exception as exc:  # a bug: log it, fail cleanly
            return self._finish("failed", self._bug_message(exc), started)
        plan = self._plan
        emit(self.callbacks, FitStarted(plan.describe(self.config, self.index.class_names)))
        for note in plan.notes:
            self._log(note)
        try:
            self._execute(cancel, checkpoint, resume)
        except Cancelled as stop:
            kept = self.run.kept_description(self._store.last_written)
            return self._finish("cancelled", said.cancelled(stop, kept), started)
        except BackboneStudioError as exc:
            return self._finish("failed", message_of(exc), started, error=exc)
        except Exception as exc:
            return self._finish("failed", self._bug_message(exc), started)
        except KeyboardInterrupt:
            self._finish("cancelled", "Interrupted.", started)
            raise
        return self._finish("finished", said.finished(self.run), started)

    def _log(self, message: str, level: str = "info") -> None:
        emit(self.callbacks, Logged(message, level))

    def _bug_message(self, exc: BaseException) -> str:
        details = traceback.format_exc()
        log.error("training failed unexpectedly:\n%s", details)
        self._log(details, level="error")
        return said.BUG(kind=type(exc).__name__, error=str(exc))

    def _finish(self, outcome: str, message: str, started: float, error=None) -> FitResult:
        model, metadata, best, records = None, None, self.run.best, ()
        try:
            if best is not None and self._ctx is not None:
                model = self._ctx.model
                model.load_state_dict(best.state)
                # one pass over the validation images: the galleries' records and calibration
                validation = final_pass(self._ctx, model, self.index.class_names, outcome)
                records = () if validation is None else validation.records
                calibration = end_of_fit(self._ctx, model, outcome, validation)  # core.calibration
                model.to("cpu").eval()
                model = model.to(memory_format=torch.contiguous_format)
                metadata = model_metadata(self.config, self._plan, self.run, self.index.class_names)
                metadata = with_calibration(metadata, calibration)
        except Exception:  # never let result building mask the outcome
            log.exception("could not assemble the trained model")
            model, metadata = None, None
        if outcome == "failed":
            self._log(message, level="error")
        emit(
            self.callbacks,
            FitEnded(
                outcome=outcome,
                message=message,
                best_epoch=best.epoch if best else None,
                best_val_accuracy=best.accuracy if best else None,
                epochs_completed=self.run.epochs_done,
                seconds=self.seams.clock() - started,
            ),
        )
        return FitResult(
            outcome=outcome,
            message=message,
            model=model,
            metadata=metadata,
            history=list(self.run.history),
            best_epoch=best.epoch if best else None,
            checkpoint=self._store.last_written,
            error=error,
            records=records,
            data_root=str(self.index.root),
        )

    # ------------------------------------------------------------------------------ resuming

    def _load_checkpoint(self, path: Path) -> Checkpoint:
        record = CheckpointStore.load(path)
        if self.requested.backbone == automatic.AUTO:  # go on with the network it chose then
            saved = record.saved_config(path)
            self.config = replace(self.requested, backbone=saved.backbone, pretrained=saved.pretrained)
        record.check_matches(self.config, self.index, path)
        return record

    def _continue_plan(self, record: Checkpoint, path: Path) -> None:
        """Continue with the choices the checkpointed run made, not fresh automatic ones."""
        try:
            self._plan.apply_resolved(record.resolved)
            if not 0 <= int(record.run["stage"]) < len(self._plan.stages):
                raise ValueError("stage out of range")
        except (KeyError, TypeError, ValueError) as exc:
            raise ResumeError(
                said.DAMAGED_SETTINGS(path=path, kind=type(exc).__name__, error=str(exc)[:120])
            ) from None

    def _restore(self, model: nn.Module, record: Checkpoint, path) -> None:
        try:
            model.load_state_dict(record.model)
            self.run.load_state_dict(record.run)
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ResumeError(
                said.NOT_FIT(path=path, kind=type(exc).__name__, error=str(exc)[:160])
            ) from None
        run, stages = self.run, self._plan.stages
        if run.stage_epoch >= stages[run.stage].epochs:
            run.stage, run.stage_epoch, run.bad_epochs = run.stage + 1, 0, 0
        self._log(said.RESUMING(epoch=run.epochs_done, epochs=self._plan.total_epochs))

    # ------------------------------------------------------------------------------ the run

    def _execute(self, cancel: CancelToken, checkpoint: Checkpoint | None, resume) -> None:
        if self.cache is None:
            self.cache = default_cache(self._plan)
        self._ctx = start_run(
            self.config, self._plan, self.index, self.cache, self.callbacks,
            pretrained=self.config.pretrained and checkpoint is None,
        )  # fmt: skip
        self._ctx.parallel = self.seams.parallel
        self._ctx.model = self.seams.parallel.prepare_model(self._ctx.model)
        model, plan = self._ctx.model, self._plan
        if checkpoint is not None:
            self._restore(model, checkpoint, resume)
        self._last_good = copy_state(model)
        first = self.run.stage
        for index in range(first, len(plan.stages)):
            if index != first:
                self.run.stage, self.run.stage_epoch, self.run.bad_epochs = index, 0, 0
            self._run_stage(index, checkpoint if index == first else None, cancel)

    def _run_stage(self, index: int, resuming: Checkpoint | None, cancel: CancelToken) -> None:
        ctx, plan, run = self._ctx, self._plan, self.run
        spec = plan.stages[index]
        stage = STAGES[spec.name]
        offset = sum(s.epochs for s in plan.stages[:index])
        prepared = stage.prepare(ctx, index > 0, (cancel, offset + run.stage_epoch + 1))
        prepared.trainable = ctx.parallel.wrap_trainable(prepared.trainable)
        groups = prepared.groups
        peak = spec.peak_lrs
        if len(peak) != len(groups):
            peak = [peak[-1]] * len(groups) if len(peak) == 1 else spread(peak[-1], len(groups))
        self._learning_rate = peak[-1]
        step = make_step(ctx, groups, peak, self.seams.step)
        optimizer = step.optimizer
        schedule = Schedule(self.config.schedule, spec.epochs)
        if resuming is not None:
            if run.stage_epoch > 0:  # mid-stage: the optimizer goes on where it stopped
                optimizer.load_state_dict(resuming.optimizer)
                schedule.load_state_dict(resuming.scheduler)
                step.load_state_dict({"scaler": resuming.scaler})
            set_rng_state(resuming.rng, ctx.generator)
        emit(self.callbacks, StageStarted(spec.name, spec.epochs, stage.title))
        current = _StageRun(
            index, spec.epochs, spec.name, offset, prepared, step, schedule,
            self._pace(spec, prepared, resuming), plan.batch_size,
            base=self._last_good if prepared.changing is not None else None,
        )  # fmt: skip
        current.batches = prepared.batches(plan.batch_size)
        if self.config.ema and prepared.changing is None:  # every layer trains
            current.average = WeightAverage(ctx.model, len(current.batches))
        with cpu_threads(stage.cpu_threads(ctx)):
            self._stage_epochs(current, cancel)
        if current.average is not None:
            current.average.keep()
        for p in ctx.model.parameters():
            p.requires_grad_(True)

    def _pace(self, spec, prepared, resuming: Checkpoint | None) -> EpochPace:
        """How the stage moves through its schedule: by epochs (within the deadline, if there
        is one), or by the time budget."""
        if self._deadline is None:
            return EpochPace(spec.epochs)
        reserve = 1.0 + 3 * sum(
            t.numel() * t.element_size() for t in self._ctx.model.state_dict().values()
        ) / 100e6  # the final checkpoint and model file at a slow disk's 100 MB/s
        if not spec.budgeted:
            return DeadlinePace(spec.epochs, self._deadline, reserve)
        start = 0.0
        if resuming is not None and self.run.stage_epoch > 0:
            start = float(resuming.scheduler.get("progress", 0.0))
        # one validation pass timed on its first batches (a budget is refused for a run over
        # several processes, so no other rank needs the same figure); after the last epoch come
        # the galleries' records (a validation pass) and calibration's pass over as many
        # training images (core.training.records)
        timer = prepared.time_validation
        time_left = self._deadline.left() > reserve  # not when the stages before used it up
        val_seconds = timer(self.seams.clock) if timer is not None and time_left else 0.0
        return BudgetPace(self._deadline, reserve, start, val_seconds, final_passes=2.0)

    def _stage_epochs(self, current: _StageRun, cancel: CancelToken) -> None:
        run, model, pace, clock = self.run, self._ctx.model, current.pace, self.seams.clock
        reporter = BatchReporter(self.callbacks, run.step)
        stage_epoch = run.stage_epoch
        if not pace.more(stage_epoch):  # the budget went to the stages before
            self._log(said.NO_TIME_LEFT(stage=current.name), level="warning")
            current.epochs = run.stage_epoch = self._plan.stages[current.index].epochs = stage_epoch
            return
        last = False
        while not last:
            epoch = current.offset + stage_epoch + 1
            t0 = clock()
            train_loss, train_acc, seen = self._train_epoch(current, stage_epoch, cancel, reporter)
            seconds = clock() - t0
            run.step = reporter.step
            model.eval()
            val_loss, val_acc, confusion, kept = self._validate_kept(current, epoch)
            pace.epoch_ended(seconds, clock() - t0 - seconds)
            current.epochs = pace.expected_epochs(stage_epoch + 1)
            event = EpochEnded(
                epoch=epoch,
                epochs=current.offset + current.epochs + self._epochs_after(current.index),
                stage=current.name,
                train_loss=train_loss,
                train_accuracy=train_acc,
                val_loss=val_loss,
                val_accuracy=val_acc,
                per_class=per_class_metrics(confusion, self.index.class_names),
                confusion=tuple(tuple(int(v) for v in row) for row in confusion),
                seconds=seconds,
                images_per_second=seen / seconds if seconds > 0 else 0.0,
                is_best=run.would_be_best(val_acc, val_loss),
            )
            run.record(event, kept)
            emit(self.callbacks, event)
            self._ctx.problems.report()
            early = self.config.early_stopping
            stop_early = early is not None and run.bad_epochs >= early
            stage_epoch += 1
            last = stop_early or not pace.more(stage_epoch)  # decided once per epoch
            if last and pace.budgeted:
                current.epochs = stage_epoch  # what the budget allowed
            run.stage_epoch = current.epochs if last else stage_epoch
            self._plan.stages[current.index].epochs = current.epochs
            if self._store.due(force=last):
                self._save_checkpoint(current)
            if stage_epoch == 1:
                self._say_if_budget_too_short(current, clock() - t0)
            if stop_early:
                self._log(said.EARLY_STOP(
                    stage=current.name, epoch=epoch, epochs=said.epochs(run.bad_epochs)
                ))  # fmt: skip

    def _save_checkpoint(self, current: _StageRun) -> None:
        try:
            self._store.save(self._checkpoint(current))
        except DiskWriteError as exc:  # say what survives: the last checkpoint, the best weights
            raise exc.with_kept(said.also_kept(exc.kept, self.run.kept_description())) from None

    def _epochs_after(self, index: int) -> int:
        return sum(s.epochs for s in self._plan.stages[index + 1 :])

    def _say_if_budget_too_short(self, current: _StageRun, epoch_seconds: float) -> None:
        """After the first budgeted epoch: a budget that allows only a few epochs says so, with
        the least time that makes sense."""
        pace = current.pace
        if not pace.budgeted:
            return
        expected = pace.expected_epochs(1)
        budget = self._deadline.budget
        self._log(said.MEASURED(
            seconds=epoch_seconds, epochs=said.epochs(expected), budget=format_duration(budget)
        ))  # fmt: skip
        if expected < MIN_EPOCHS:
            least = budget - self._deadline.left() + (MIN_EPOCHS + 1) * epoch_seconds
            least = format_duration(math.ceil(least / 10) * 10)
            self._log(said.budget_too_short(format_duration(budget), expected, least), "warning")

    def _train_epoch(self, current: _StageRun, stage_epoch: int, cancel, reporter):
        """One epoch; after an out-of-memory error, again at half the batch size."""
        epoch = current.offset + stage_epoch + 1
        while True:
            current.prepared.set_modes()
            task = EpochTask(
                current.prepared.trainable, current.batches, current.schedule, current.pace,
                stage_epoch, epoch, current.average,
            )  # fmt: skip
            try:
                return self._ctx.parallel.epoch_totals(
                    *train_epoch(current.step, task, cancel, reporter)
                )
            except OutOfMemory:
                current.step.optimizer.zero_grad(set_to_none=True)
                current.batch_size = halve_batch(current.batch_size, self._plan.device, self.callbacks)
                current.batches = current.prepared.batches(current.batch_size)
                if current.average is not None:  # the same horizon: about one epoch
                    current.average.set_horizon(len(current.batches))
            except NonFinite as bad:
                self._ctx.model.load_state_dict(self._last_good)
                kept = self.run.kept_description(self._store.last_written)
                raise TrainingError(said.NON_FINITE(
                    what=said.what(bad.what), epoch=bad.epoch, batch=bad.batch,
                    learning_rate=self._learning_rate, kept=kept,
                )) from None  # fmt: skip

    def _validate_kept(self, current: _StageRun, epoch: int):
        """Validate; (loss, accuracy, confusion, the weights the epoch keeps as its result).
        With a moving average those are the average's, while the live weights stay the last
        good state to recover and checkpoint (a resumed run trains on exactly those, with their
        optimizer state; its average starts again from them)."""
        model = self._ctx.model
        if current.average is None:
            scored = self._validate(current, epoch)
            self._last_good = copy_state(model, current.base, current.prepared.changing)
            return (*scored, self._last_good)
        with current.average.applied():
            scored = self._validate(current, epoch)
            averaged = copy_state(model)
        self._last_good = copy_state(model)
        return (*scored, averaged)

    def _validate(self, current: _StageRun, epoch: int):
        return within_memory(current.prepared.validate, self._plan.device, epoch)

    def _checkpoint(self, current: _StageRun) -> Checkpoint:
        return Checkpoint(
            model=self._last_good,
            optimizer=current.step.optimizer.state_dict(),
            scheduler={
                **current.schedule.state_dict(),
                "progress": current.pace.progress(self.run.stage_epoch, 0, 1),
                "budget_spent": current.pace.spent(),
            },
            run=self.run.state_dict(),
            rng=rng_state(self._ctx.generator),
            config=self.config.to_json(),
            resolved=self._plan.resolved(),
            class_names=list(self.index.class_names),
            fingerprint=self.index.fingerprint(),
            data_root=str(self.index.root),
            scaler=current.step.state_dict()["scaler"],
        )
