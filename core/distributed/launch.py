"""Start a command on several processes through torch's elastic launcher (`torch.distributed.run`,
what `torchrun` runs): rendezvous, failure detection, restarts and signal forwarding are torch's.

`launch(options, argv)` runs `python -m core ARGV` once per rank and returns the exit status,
turning the launcher's failures into one message a person can act on.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

import torch

from ..errors import BackboneStudioError, TrainingError
from ..words import plural

EXIT_INTERRUPTED = 130
EXIT_USAGE = 2  # the CLI's status for a user error
SHUTDOWN_SECONDS = 30  # after a Ctrl-C or a failure, ranks get this long before SIGKILL


@dataclass(frozen=True)
class LaunchOptions:
    """torchrun's options, as the CLI takes them."""

    nproc_per_node: int = 1
    nnodes: str = "1"
    node_rank: int = 0
    rdzv_endpoint: str | None = None  # HOST:PORT of the rendezvous; None: this machine only
    rdzv_id: str = "backbone-studio"
    max_restarts: int = 0

    @property
    def multi_node(self) -> bool:
        return self.nnodes.strip() not in ("1", "1:1")

    def check(self) -> None:
        if self.nproc_per_node < 1:
            raise BackboneStudioError(
                f"--nproc-per-node must be at least 1 (got {self.nproc_per_node})."
            )
        if self.multi_node and not self.rdzv_endpoint:
            raise BackboneStudioError(
                f"--nnodes {self.nnodes} needs --rdzv-endpoint HOST:PORT: a machine every node "
                "can reach (usually the first node), and the same value on every node."
            )
        if self.max_restarts < 0:
            raise BackboneStudioError("--max-restarts must be 0 or more.")


def gpu_count_for(gpus: str | None) -> int | None:
    """`--gpus all`: one process per CUDA GPU; None when not given."""
    if gpus is None:
        return None
    if gpus.strip().lower() != "all":
        raise BackboneStudioError(f"--gpus takes 'all' (got {gpus!r}); or give --nproc-per-node N.")
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if count < 1:
        raise BackboneStudioError(
            "--gpus all: no CUDA GPU is available here. Use --nproc-per-node N to run N "
            "processes on the CPU, or leave both out."
        )
    return count


def torchrun_arguments(options: LaunchOptions, argv: list[str]) -> list[str]:
    """The command line torch.distributed.run gets for `python -m core ARGV` on each rank."""
    args = [f"--nproc-per-node={options.nproc_per_node}",
            f"--max-restarts={options.max_restarts}",
            f"--shutdown-timeout={SHUTDOWN_SECONDS}"]  # fmt: skip
    if options.rdzv_endpoint:
        args += [f"--nnodes={options.nnodes}", f"--node-rank={options.node_rank}",
                 "--rdzv-backend=c10d", f"--rdzv-endpoint={options.rdzv_endpoint}",
                 f"--rdzv-id={options.rdzv_id}"]  # fmt: skip
    else:
        args.append("--standalone")  # a rendezvous on this machine, on a free port
    return [*args, "--module", "core", *argv]


def launch(options: LaunchOptions, argv: list[str]) -> int:
    """Run `python -m core ARGV` on every rank; 0 when every rank succeeded, 130 after Ctrl-C.
    Raises TrainingError saying which rank failed and how."""
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import get_args_parser, run

    options.check()
    parsed = get_args_parser().parse_args(torchrun_arguments(options, argv))
    try:
        run(parsed)
    except SignalException as exc:
        if exc.sigval in (signal.SIGINT, signal.SIGTERM):
            return EXIT_INTERRUPTED
        raise TrainingError(f"The launcher was stopped by {exc.sigval.name}.") from None
    except ChildFailedError as exc:
        codes = {failure.exitcode for failure in exc.failures.values()}
        if codes == {EXIT_INTERRUPTED}:
            return EXIT_INTERRUPTED
        if EXIT_USAGE in codes and codes <= {EXIT_USAGE, -signal.SIGTERM}:
            return EXIT_USAGE  # a user error, which rank 0 has said
        raise TrainingError(failure_message(exc.failures)) from None
    return 0


def failure_message(failures: dict) -> str:
    """Which rank failed first and how, in words."""
    # the cause: a rank killed by a signal, else one that failed by itself; the launcher stops
    # the others with SIGTERM
    def order(rank: int) -> tuple:
        code = failures[rank].exitcode
        kind = 2 if code == -signal.SIGTERM else 0 if code < 0 else 1
        return kind, failures[rank].timestamp, rank

    rank = min(failures, key=order)
    first = failures[rank]
    others = len(failures) - 1
    more = f" ({plural(others, 'other rank')} failed with it.)" if others else ""
    return (
        f"Rank {rank} of the distributed run (local rank {first.local_rank}, process "
        f"{first.pid}) {_how(first.exitcode)}, so the launcher stopped every rank.{more}"
    )


def _how(exitcode: int) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"was killed by {name}"
    return f"exited with status {exitcode}"
