"""Which rank this process is, from the environment torch's elastic launcher (torchrun) sets,
and the process group's start and end."""

from __future__ import annotations

import ctypes
import datetime
import os
import signal
import sys
from dataclasses import dataclass

import torch
import torch.distributed as dist

from ..errors import BackboneStudioError

# A rank that waits longer than this for the others (a dead peer on a silent network) fails.
COLLECTIVE_TIMEOUT = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class RankInfo:
    """This process's place in a distributed run (torchrun's RANK, LOCAL_RANK, WORLD_SIZE...)."""

    rank: int
    local_rank: int
    world_size: int
    local_world_size: int
    restart: int = 0  # TORCHELASTIC_RESTART_COUNT: how often the launcher restarted the job

    @property
    def is_writer(self) -> bool:
        return self.rank == 0


def rank_info(environ=None) -> RankInfo | None:
    """This process's rank, when torchrun (or another launcher setting the same variables)
    started it; None for an ordinary process."""
    environ = os.environ if environ is None else environ
    if "RANK" not in environ or "WORLD_SIZE" not in environ:
        return None
    try:
        rank, world = int(environ["RANK"]), int(environ["WORLD_SIZE"])
        local = int(environ.get("LOCAL_RANK", rank))
        local_world = int(environ.get("LOCAL_WORLD_SIZE", world))
        restart = int(environ.get("TORCHELASTIC_RESTART_COUNT", 0))
    except ValueError:
        raise BackboneStudioError(
            "RANK / WORLD_SIZE / LOCAL_RANK in the environment are not whole numbers; start "
            "distributed runs with `backbone-studio-cli train ... --nproc-per-node N`."
        ) from None
    if not 0 <= rank < world:
        raise BackboneStudioError(f"RANK {rank} is outside WORLD_SIZE {world}.")
    return RankInfo(rank, local, world, local_world, restart)


def rank_device(info: RankInfo, wanted: str) -> str:
    """The device this rank trains on: its own GPU (LOCAL_RANK) on CUDA, else the CPU."""
    wanted = (wanted or "auto").strip().lower()
    if wanted in ("auto", "cuda") or wanted.startswith("cuda"):
        if torch.cuda.is_available() and torch.cuda.device_count() > info.local_rank:
            return f"cuda:{info.local_rank}"
        if wanted != "auto":
            raise BackboneStudioError(
                f"Rank {info.rank} needs GPU {info.local_rank}, but this machine has "
                f"{torch.cuda.device_count()} CUDA GPUs; start at most one process per GPU."
            )
    return "cpu"


def backend_for(device: str) -> str:
    """NCCL between GPUs, gloo between CPU processes."""
    return "nccl" if device.startswith("cuda") else "gloo"


def init_process_group(info: RankInfo, device: str) -> None:
    """Join the launcher's rendezvous (MASTER_ADDR / MASTER_PORT from torchrun)."""
    if dist.is_initialized():
        return
    if device.startswith("cuda"):
        torch.cuda.set_device(torch.device(device))
    dist.init_process_group(
        backend_for(device), rank=info.rank, world_size=info.world_size,
        timeout=COLLECTIVE_TIMEOUT,
    )  # fmt: skip


def destroy_process_group() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def die_with_parent() -> None:
    """On Linux: the kernel ends this process when its launcher dies, even by SIGKILL, so a
    killed launcher leaves no rank behind. Elsewhere (and if that fails) nothing happens."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the launcher died before the call
        os._exit(1)
