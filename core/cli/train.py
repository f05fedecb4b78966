"""`backbone-studio-cli train`: settings from the command line, a progress bar per epoch and a
line per epoch, Ctrl-C to cancel cleanly, and the model and checkpoint written at the end."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .. import backbones
from .. import events as ev
from ..errors import BackboneStudioError, DiskWriteError, TrainingError, WeightsUnavailable
from ..events import CancelToken
from ..resume import check_resume_file, cli_checkpoint_path
from ..training.automatic import PRETRAINED_CHOICE
from ..training.budget import format_duration, parse_duration
from ..words import plural
from .commands import _scan
from .output import EXIT_INTERRUPTED, EXIT_OK, Failed, _err, _out, _percent, _tqdm
from .review import apply_exclude_list


class TrainReporter:
    """Turns Trainer events into a tqdm bar per epoch and one line per epoch."""

    def __init__(self) -> None:
        self._bar = None
        self._bar_key: tuple | None = None
        self._about = ""
        self._handlers = {
            ev.FitStarted: self._fit_started,
            ev.StageStarted: self._stage_started,
            ev.FeaturePassProgressed: self._feature_pass,
            ev.BatchEnded: self._batch_ended,
            ev.EpochEnded: self._epoch_ended,
            ev.Logged: self._logged,
            ev.FitEnded: lambda _event: self.close(),
        }

    def __call__(self, event) -> None:
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(event)

    def _fit_started(self, event: ev.FitStarted) -> None:
        plan = event.plan
        self._about = "~" if plan.time_budget is not None else ""  # epochs: an estimate
        stages = f" {' -> '.join(plan.stages)}" if len(plan.stages) > 1 else ""
        _out(
            f"training {plan.backbone} ({plan.strategy}{stages}, "
            f"{'pretrained' if plan.pretrained else 'from scratch'}"
            f"{', small-image stem' if plan.small_input else ''}) on {plan.device_name} "
            f"[{plan.precision}]"
        )
        epochs = f"{plan.epochs} epoch{'s' if plan.epochs != 1 else ''}"
        if plan.time_budget is not None:
            epochs = f"time budget {format_duration(plan.time_budget)}"
        _out(
            f"  {plan.num_train} train / {plan.num_val} val images, {len(plan.class_names)} "
            f"classes, {plan.image_size} px, batch {plan.batch_size}, {epochs}, "
            f"lr {plan.learning_rate:g}"
        )

    def _stage_started(self, event: ev.StageStarted) -> None:
        self.close()
        _out(f"stage {event.stage}: {event.message or f'{event.epochs} epochs'}")

    def _feature_pass(self, event: ev.FeaturePassProgressed) -> None:
        key = ("features",)
        if self._bar_key != key:
            self._open(key, desc="features", total=event.total, unit="img")
        self._bar.update(event.done - self._bar.n)
        if event.done >= event.total:
            self.close()

    def _batch_ended(self, event: ev.BatchEnded) -> None:
        key = ("epoch", event.epoch)
        if self._bar_key != key:
            self._open(key, desc=f"epoch {event.epoch}", total=event.batches, unit="batch")
        self._bar.update(event.batch - self._bar.n)
        extra = {}
        if event.seconds_left is not None:
            extra["left"] = format_duration(event.seconds_left)
        self._bar.set_postfix(
            loss=f"{event.loss:.4f}", img_s=f"{event.images_per_second:.0f}", **extra,
            refresh=False,
        )  # fmt: skip

    def _epoch_ended(self, event: ev.EpochEnded) -> None:
        self.close()
        _out(
            f"epoch {event.epoch:>3}/{self._about}{event.epochs} [{event.stage}] "
            f"train loss {event.train_loss:.4f} acc {_percent(event.train_accuracy)} | "
            f"val loss {event.val_loss:.4f} acc {_percent(event.val_accuracy)} | "
            f"{event.seconds:.1f} s, {event.images_per_second:.0f} img/s"
            f"{'  * best' if event.is_best else ''}"
        )

    def _logged(self, event: ev.Logged) -> None:
        # Errors end the fit: cmd_train reports the outcome once (the details of an
        # unexpected failure go to the log, not to the terminal as a traceback).
        if event.level == "error":
            logging.getLogger("backbone_studio.train").error(event.message)
            return
        self.close()
        if event.level == "warning":
            _err(f"warning: {event.message}")
        else:
            _out(f"note: {event.message}")

    def _open(self, key, **kwargs) -> None:
        self.close()
        self._bar = _tqdm(**kwargs)
        self._bar_key = key

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar, self._bar_key = None, None


@contextmanager
def cancel_on_interrupt(token):
    """First Ctrl-C cancels the fit cleanly (at the next batch); a second one aborts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        _err("\ncancelling after this batch (press Ctrl-C again to abort at once)...")

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _check_out(out: Path) -> None:
    if out.suffix.lower() != ".safetensors":
        raise BackboneStudioError(f"--out must be a .safetensors file name (got {out}).")
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise BackboneStudioError(f"The folder for --out ({out.parent}) does not exist.")


def _pretrained(spec, wanted: bool | None) -> bool:
    """--pretrained / --no-pretrained, or by default: when the weights are cached."""
    if wanted is None:
        cached = spec.weights is not None and backbones.weights_cached(spec)
        if not cached:
            why = ("it has no pretrained weights" if spec.weights is None
                   else f"its ImageNet weights are not cached (get them with "
                        f"`backbone-studio-cli weights download {spec.name}`)")  # fmt: skip
            _out(f"note: training {spec.name} from scratch: {why}.")
        return cached
    if wanted and not backbones.weights_cached(spec):
        if spec.weights is None:
            raise WeightsUnavailable(f"{spec.name} has no pretrained weights; use --no-pretrained.")
        raise WeightsUnavailable(
            f"The ImageNet weights for {spec.name} are not cached. Run "
            f"`backbone-studio-cli weights download {spec.name}` (or `weights import`), "
            "or train from scratch with --no-pretrained."
        )
    return wanted


def add_training_arguments(p: argparse.ArgumentParser) -> None:
    """The options `train` and `lr-find` share."""
    p.add_argument("dir", help="folder with one subfolder per class")
    p.add_argument("--backbone", default="auto",
                   help="see `backbones` (e.g. resnet18); auto (the default) chooses for the "
                        "images: ResNet-18 from ImageNet weights when they are here, otherwise "
                        "a network measured best from scratch for images of their size")  # fmt: skip
    p.add_argument("--strategy", default="auto",
                   choices=("auto", "head", "partial", "full", "two_stage"),
                   help="what trains: auto = two_stage with pretrained weights, else full")  # fmt: skip
    p.add_argument("--batch-size", type=int, help="default: automatic")
    p.add_argument("--image-size", type=int, help="default: from the data")
    p.add_argument("--device", default="auto", help="auto, cpu, mps or cuda:N (default: auto)")
    p.add_argument("--pretrained", action=argparse.BooleanOptionalAction, default=None,
                   help="start from ImageNet weights (default: if cached, else from scratch)")  # fmt: skip
    p.add_argument("--no-flip", dest="flip", action="store_false",
                   help="never mirror images in augmentation (text, digits, arrows)")  # fmt: skip
    p.add_argument("--no-augment", dest="augment", action="store_false",
                   help="no random crops or flips (the same images every epoch)")  # fmt: skip
    p.add_argument("--ema", action=argparse.BooleanOptionalAction, default=None,
                   help="evaluate and keep a moving average of the weights when every layer "
                        "trains (default: off)")  # fmt: skip
    p.add_argument("--seed", type=int, default=0)


def training_config(args: argparse.Namespace, **more):
    """A TrainConfig from the shared options (and `more` fields)."""
    from ..training import TrainConfig

    if args.backbone == "auto":  # chosen for the data when the plan is made
        if args.pretrained:  # asked for by name: the weights Automatic uses must be here
            _pretrained(backbones.get_spec(PRETRAINED_CHOICE), True)
        name, pretrained = "auto", args.pretrained is not False
    else:
        spec = backbones.get_spec(args.backbone)
        name, pretrained = spec.name, _pretrained(spec, args.pretrained)
    if getattr(args, "ema", None) is not None:
        more.setdefault("ema", args.ema)
    return TrainConfig(
        backbone=name,
        strategy=args.strategy,
        pretrained=pretrained,
        batch_size=args.batch_size,
        image_size=args.image_size,
        seed=args.seed,
        flip=args.flip,
        augment=getattr(args, "augment", True),
        device=args.device,
        **more,
    )


def time_budget(args: argparse.Namespace) -> float | str | None:
    """--time-budget in seconds, "auto" or None."""
    budget = args.time_budget
    if budget is not None and budget.strip().lower() != "auto":
        return parse_duration(budget)
    return "auto" if budget is not None else None


def cmd_train(args: argparse.Namespace) -> int:
    from ..distributed.env import rank_info
    from ..training import Trainer, check_training_outputs
    from .distributed import event_callbacks, launch_from_cli, run_rank, wants_launch

    rank = rank_info()
    if rank is not None:  # torchrun started this process: train one rank of the run
        return run_rank(args, rank)
    started = time.monotonic()
    out = Path(args.out)
    _check_out(out)
    if args.resume:
        check_resume_file(args.resume)
    checkpoint = cli_checkpoint_path(out, args.checkpoint)
    if wants_launch(args):  # --nproc-per-node N, --gpus all, --nnodes: through torchrun
        return launch_from_cli(args, checkpoint)
    config = training_config(args, epochs=args.epochs, learning_rate=args.lr,
                             checkpoint=str(checkpoint), time_budget=time_budget(args))  # fmt: skip
    check_training_outputs(config, out)  # a read-only or full disk is said now, not at the end
    scan = apply_exclude_list(_scan(args.dir), getattr(args, "exclude_list", None))
    if scan.problems:
        _err(f"note: {plural(len(scan.problems), 'file')} in {args.dir} cannot be read and are skipped "
             "(see `backbone-studio-cli scan`).")  # fmt: skip
    for warning in scan.warnings:
        _err(f"warning: {warning}")

    token = CancelToken()
    callbacks = event_callbacks(args)  # progress on the terminal, or --events-json lines
    trainer = Trainer(config, scan.index, callbacks=callbacks)
    with cancel_on_interrupt(token):
        try:
            result = trainer.fit(token, resume=args.resume, spent=time.monotonic() - started)
        finally:
            for callback in callbacks:
                getattr(callback, "close", lambda: None)()
    return _report_outcome(result, out, checkpoint)


def _report_outcome(result, out: Path, checkpoint: Path) -> int:
    """Save what the fit kept and say how it ended; the exit status."""
    from ..export.card import save_with_card  # the model file with its MODEL_CARD.md

    if (
        result.outcome == "failed"
        and not result.history
        and isinstance(result.error, BackboneStudioError)
        and not isinstance(result.error, TrainingError)
    ):
        raise result.error  # refused before training began (bad resume file, settings): exit 2
    saved = None
    written = result.checkpoint or (checkpoint if checkpoint.is_file() else None)
    if result.model is not None and result.metadata is not None:
        try:
            saved = save_with_card(out, result.model, result.metadata)
        except DiskWriteError as exc:
            _say_unsaved(exc, result, written)
    if result.outcome == "finished" and saved is None:
        _err(f"training finished without a model to save: {result.message}")
        raise Failed
    if result.outcome == "finished":
        summary = (f" (best validation accuracy {_percent(result.metadata.metrics.get('val_accuracy'))}"
                   f" at epoch {result.best_epoch})") if saved and result.best_epoch else ""  # fmt: skip
        _out(f"saved the model to {saved}{summary}")
        return EXIT_OK
    if result.outcome == "cancelled":
        _err(f"training cancelled: {result.message}")
        _err(f"the best model so far was saved to {saved}" if saved
             else "no epoch finished, so no model was saved")  # fmt: skip
        if written:
            _err(f"checkpoint: {written} (continue with --resume {written})")
        return EXIT_INTERRUPTED
    _err(f"training failed: {result.message}")
    if saved:
        _err(f"the best model before the failure was saved to {saved}")
    if written:
        resumable = isinstance(result.error, DiskWriteError)
        _err(f"checkpoint: {written}" + (f" (continue with --resume {written} once there is room)"
                                         if resumable else ""))  # fmt: skip
    raise Failed


def _say_unsaved(exc: DiskWriteError, result, written: Path | None) -> None:
    """The model file could not be written: say why and where the training is kept; exit 1."""
    if result.outcome != "finished":
        _err(f"training {result.outcome}: {result.message}")
    if written:
        kept = (f"Your training is kept in {written}; resume with `backbone-studio-cli train "
                f"... --resume {written}` (the same options as this run) to write the model.")
    else:
        kept = "No checkpoint could be written either, so the trained weights are lost."
    _err(f"error: {exc.with_kept(kept)}")
    raise Failed
