"""`train ... --nproc-per-node N` (and `--gpus all`, `--nnodes` ...): the launcher side, which
hands the same command to torch's elastic launcher (core.distributed.launch), and the rank side,
which trains one rank of it (core.distributed.DistributedRuntime) when torchrun started this
process. Rank 0 alone writes the checkpoint and the model, prints and reports events."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from ..errors import BackboneStudioError, TrainingError

LAUNCH_OPTIONS = ("--nproc-per-node", "--nnodes", "--node-rank", "--rdzv-endpoint", "--rdzv-id",
                  "--max-restarts", "--gpus")  # fmt: skip
# Set by the app for the launcher it starts: the launcher (and so every rank) ends with the app.
DIE_WITH_PARENT_ENV = "BACKBONE_STUDIO_DIE_WITH_PARENT"
# Testing aid: "RANK:EPOCH:BATCH" makes that rank kill itself (SIGKILL) after that batch.
KILL_ENV = "BACKBONE_STUDIO_TEST_KILL_RANK"


def add_launch_arguments(p: argparse.ArgumentParser, training: bool = True) -> None:
    """torchrun's options, for commands that can run on several processes."""
    g = p.add_argument_group("distributed (torch.distributed; see docs/DISTRIBUTED.md)")
    g.add_argument("--nproc-per-node", type=int, metavar="N",
                   help="processes on this machine: one per GPU (NCCL), or N CPU processes "
                        "(gloo)")  # fmt: skip
    g.add_argument("--gpus", metavar="all", help="'all': one process per CUDA GPU")
    g.add_argument("--nnodes", help="machines taking part (N, or MIN:MAX for an elastic run)")
    g.add_argument("--node-rank", type=int, default=0, help="this machine's number (0 = first)")
    g.add_argument("--rdzv-endpoint", metavar="HOST:PORT",
                   help="where the machines meet (the same on every machine)")  # fmt: skip
    g.add_argument("--rdzv-id", default="backbone-studio", help="the job's name at the endpoint")
    g.add_argument("--max-restarts", type=int, default=0,
                   help="restart every rank this often after a failure (training resumes from "
                        "its checkpoint)")  # fmt: skip
    if not training:
        return
    g.add_argument("--settings-json", metavar="FILE",
                   help="every training setting as JSON (core.training.TrainConfig, as the app "
                        "writes it), in place of the options above; with --nproc-per-node")  # fmt: skip


def child_argv(argv: list[str]) -> list[str]:
    """The command line without the launcher's options (each rank runs the rest)."""
    result, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in LAUNCH_OPTIONS:
            skip = "=" not in arg
            continue
        result.append(arg)
    return result


def wants_launch(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "nproc_per_node", None) or getattr(args, "gpus", None)
                or getattr(args, "nnodes", None))  # fmt: skip


def launch_from_cli(args: argparse.Namespace, checkpoint: Path | None = None) -> int:
    """Hand the command to torch's elastic launcher; its exit status. A failure says where the
    checkpoint is kept."""
    from ..distributed.launch import LaunchOptions, gpu_count_for, launch
    from .output import _err

    nproc = gpu_count_for(args.gpus) or args.nproc_per_node or 1
    options = LaunchOptions(nproc, args.nnodes or "1", args.node_rank, args.rdzv_endpoint,
                            args.rdzv_id, args.max_restarts)  # fmt: skip
    argv = child_argv(list(getattr(args, "argv", None) or sys.argv[1:]))
    if os.environ.get(DIE_WITH_PARENT_ENV) == "1":  # started by the app: end with it
        from ..distributed.env import die_with_parent

        die_with_parent()
    try:
        status = launch(options, argv)
    except TrainingError as exc:
        raise TrainingError(f"{exc}{_kept(checkpoint)}") from None
    if status == 130:
        _err(f"training interrupted.{_kept(checkpoint)}")
    return status


def _kept(checkpoint: Path | None) -> str:
    if checkpoint is None or not checkpoint.is_file():
        return ""
    return (f" The last checkpoint {checkpoint} is kept: continue with --resume {checkpoint}, "
            "on any number of processes.")  # fmt: skip


# ------------------------------------------------------------------------------- the ranks


def run_rank(args: argparse.Namespace, info) -> int:
    """Train one rank of a run torchrun started (every rank runs the same command)."""
    from ..distributed import env

    env.die_with_parent()
    if not info.is_writer:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - rank 0 alone prints
    try:
        return _train_rank(args, info, env.rank_device(info, args.device))
    except BackboneStudioError as exc:
        if info.is_writer or isinstance(exc, TrainingError):
            raise
        # A user error every rank meets alike: rank 0 says it and fails the job. Ending quietly
        # here lets it (the launcher would stop rank 0 as soon as another rank failed).
        return 0


def _train_rank(args: argparse.Namespace, info, device: str) -> int:
    import torch

    from ..distributed import DistributedRuntime, DistributedStep
    from ..events import CancelToken
    from ..resume import check_resume_file, cli_checkpoint_path
    from ..training import CheckpointStore, Seams, Trainer, check_training_outputs
    from .commands import _scan
    from .train import (
        _check_out,
        _report_outcome,
        cancel_on_interrupt,
        time_budget,
        training_config,
    )

    out = Path(args.out)
    _check_out(out)
    checkpoint = cli_checkpoint_path(out, args.checkpoint)
    resume = args.resume
    if resume is None and info.restart > 0 and checkpoint.is_file():
        resume = str(checkpoint)  # torch restarted the job: go on from the last checkpoint
    if resume:
        check_resume_file(resume)
    args.device = device
    if getattr(args, "settings_json", None):  # the app's settings, all of them
        config = _settings_from_json(Path(args.settings_json), checkpoint, device)
    else:
        config = training_config(args, epochs=args.epochs, learning_rate=args.lr,
                                 checkpoint=str(checkpoint), time_budget=time_budget(args))  # fmt: skip
    if info.is_writer:
        check_training_outputs(config, out)
    scan = _scan(args.dir)
    if getattr(args, "exclude_list", None):
        from .review import apply_exclude_list

        scan = apply_exclude_list(scan, args.exclude_list)
    runtime = DistributedRuntime(info.rank, info.world_size, torch.device(device), config.seed)
    seams = Seams(
        step=DistributedStep, parallel=runtime,
        store=lambda c: CheckpointStore(c.checkpoint if info.is_writer else None,
                                        c.checkpoint_every),
    )  # fmt: skip
    callbacks = [*rank_callbacks(args, info), *_fault_hooks(info)]
    token = CancelToken()
    trainer = Trainer(config, scan.index, callbacks=callbacks, seams=seams)
    from ..distributed import env

    env.init_process_group(info, device)  # after what every rank checks alike (settings, data)
    try:
        with cancel_on_interrupt(token), _cancel_on_term(token):
            result = trainer.fit(token, resume=resume)
    finally:
        env.destroy_process_group()
    if info.is_writer:
        return _report_outcome(result, out, checkpoint)
    error = result.error
    shared = isinstance(error, BackboneStudioError) and not isinstance(error, TrainingError)
    if shared:
        return 0  # said by rank 0, which fails the job (see run_rank)
    if result.outcome == "failed":  # what only this rank met (out of memory...)
        from .output import _err

        _err(f"rank {info.rank}: training failed: {result.message}")
    return {"finished": 0, "cancelled": 130}.get(result.outcome, 1)


def _settings_from_json(path: Path, checkpoint: Path, device: str):
    from dataclasses import replace

    from ..errors import BackboneStudioError
    from ..training import TrainConfig

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BackboneStudioError(f"--settings-json {path} cannot be read: {exc.strerror}.") from None
    config = TrainConfig.from_json(text)
    return replace(config, checkpoint=str(checkpoint), device=device)


def rank_callbacks(args: argparse.Namespace, info) -> list:
    """What reports the run: rank 0's progress (or JSON lines); nothing on the others."""
    if not info.is_writer:
        return []
    return event_callbacks(args)


def event_callbacks(args: argparse.Namespace) -> list:
    """--events-json: one JSON line per event on stdout; else the terminal's progress."""
    if getattr(args, "events_json", False):
        from ..distributed.stream import JsonLines

        return [JsonLines(sys.stdout)]
    from .train import TrainReporter

    return [TrainReporter()]


class _cancel_on_term:
    """SIGTERM (the launcher passing on a stop) cancels like a first Ctrl-C."""

    def __init__(self, token):
        self.token, self.previous = token, None

    def __enter__(self):
        try:
            self.previous = signal.signal(signal.SIGTERM, lambda *_: self.token.cancel())
        except ValueError:  # not the main thread
            self.previous = None
        return self

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def _fault_hooks(info) -> list:
    spec = os.environ.get(KILL_ENV, "")
    try:
        rank, epoch, batch = (int(part) for part in spec.split(":"))
    except ValueError:
        return []
    if rank != info.rank:
        return []

    def kill(event) -> None:
        if getattr(event, "epoch", None) == epoch and getattr(event, "batch", None) == batch:
            os.kill(os.getpid(), signal.SIGKILL)

    return [kill]
