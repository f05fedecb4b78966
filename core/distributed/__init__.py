"""Training on several devices and machines with torch.distributed (docs/DISTRIBUTED.md).

- env: which rank this process is (torchrun's RANK / LOCAL_RANK / WORLD_SIZE), its device,
  the process group's start and end (NCCL between GPUs, gloo between CPU processes);
- runtime: `DistributedRuntime`, the Trainer's data-parallel hooks (training.parallel):
  DistributedDataParallel, DistributedSampler shards, SyncBatchNorm, the global batch and its
  learning rate, the sharded feature pass and validation, a cancel every rank agrees on;
- syncbn: SyncBatchNorm on CUDA (torch's) and on the CPU (`GlooSyncBatchNorm`);
- launch: torch's elastic launcher (torch.distributed.run) for `--nproc-per-node N`;
- stream: training events as JSON lines, for a training in a child process (the app).
"""

from .env import RankInfo, rank_info
from .launch import LaunchOptions, launch
from .runtime import DistributedRuntime, DistributedStep
from .stream import JsonLines, decode, encode
from .syncbn import SYNC_BATCHNORM_BELOW, GlooSyncBatchNorm, convert_sync_batchnorm

__all__ = [
    "SYNC_BATCHNORM_BELOW",
    "DistributedRuntime",
    "DistributedStep",
    "GlooSyncBatchNorm",
    "JsonLines",
    "LaunchOptions",
    "RankInfo",
    "convert_sync_batchnorm",
    "decode",
    "encode",
    "launch",
    "rank_info",
]
