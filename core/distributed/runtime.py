"""`DistributedRuntime`: the Trainer's data-parallel hooks (training.parallel.SingleProcess)
for one rank of a torch.distributed run.

- The plan's batch is the global batch: every rank steps on `batch / world` images, and
  DistributedDataParallel averages the gradients (NCCL on CUDA, gloo on the CPU). An automatic
  batch grows with the ranks and the learning rate with it (the linear scaling rule); an
  explicit batch keeps its learning rate, so a run on 1 and on N ranks with the same batch
  trains the same model. The plan's notes say which.
- Each rank reads its shard (DistributedSampler, seeded with the run's seed; the epoch it
  shuffles for is drawn from the run's shared generator, which a checkpoint restores, so a
  resumed run goes on shuffling as it would have).
- SyncBatchNorm below SYNC_BATCHNORM_BELOW images per device.
- The feature pass of the frozen stages: each rank computes its shard, every rank gets the
  whole cache. Validation: each rank scores its shard, the scores are gathered.
- Cancel: every rank reads the same answer at the same batch (an all-reduce of the flags).
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler, Sampler

from ..errors import BackboneStudioError, TrainingError
from ..training.loop import TrainStep, is_out_of_memory
from ..training.parallel import SingleProcess
from .syncbn import SYNC_BATCHNORM_BELOW, convert_sync_batchnorm


def lost_peer(exc: BaseException) -> bool:
    """Whether an error is a collective failing because another rank went away."""
    if isinstance(exc, dist.DistError):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and any(
        word in text for word in ("gloo", "nccl", "connection", "peer", "broken pipe")
    )


def peer_lost_error(rank: int) -> TrainingError:
    return TrainingError(
        f"Rank {rank} lost contact with the other processes of this distributed run: another "
        "rank stopped (killed, out of memory, or its machine failed). The launcher stops every "
        "rank; the last checkpoint is kept and resumes on any number of processes."
    )


class _Collective:
    """A context in which a collective failing because of another rank becomes TrainingError."""

    def __init__(self, rank: int):
        self.rank = rank

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is not None and lost_peer(exc):
            raise peer_lost_error(self.rank) from None
        return False


class RunSampler(DistributedSampler):
    """A DistributedSampler that reshuffles each epoch from the run's shared generator."""

    def __init__(self, dataset, world: int, rank: int, seed: int, generator: torch.Generator):
        super().__init__(dataset, num_replicas=world, rank=rank, shuffle=True, seed=seed)
        self.generator = generator

    def __iter__(self):
        # drawn on every rank alike: the ranks' generators start equal and stay equal
        self.set_epoch(int(torch.randint(0, 2**31 - 1, (1,), generator=self.generator)))
        return super().__iter__()


class ExactShard(Sampler):
    """Every `world`-th sample from `rank`: each sample read once over all ranks (no padding;
    shards may differ by one sample, so use it only where no collective runs per batch)."""

    def __init__(self, size: int, world: int, rank: int):
        self.indices = list(range(rank, size, world))

    def __iter__(self):
        return iter(self.indices)

    def __len__(self) -> int:
        return len(self.indices)


class AgreedCancel:
    """A cancel token that every rank reads the same way: cancelled as soon as any rank's
    token is. Each read is a collective, so ranks read it at the same points (each batch)."""

    def __init__(self, token, device: torch.device):
        self.token, self.device = token, device

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        flag = torch.tensor([1.0 if self.token.cancelled else 0.0], device=self.device)
        with _Collective(dist.get_rank()):
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item() > 0)


class DistributedStep(TrainStep):
    """A TrainStep whose reported loss is the global batch's (the same on every rank), and
    whose collectives (DDP's gradient all-reduce, SyncBatchNorm) failing because another rank
    went away end the run with a message, not a traceback."""

    def __call__(self, module, inputs, targets):
        try:
            with _Collective(dist.get_rank()):
                return super().__call__(module, inputs, targets)
        except RuntimeError as exc:  # halving the batch on one rank alone would hang the others
            if not is_out_of_memory(exc):
                raise
            raise TrainingError(
                f"Out of memory on {inputs.device} at {inputs.shape[0]} images per device. "
                "Choose a smaller batch size (it is the global batch, split over the processes) "
                "or image size."
            ) from None

    def agreed_loss(self, loss: torch.Tensor, count: int) -> float:
        both = torch.stack([loss.float() * count, torch.tensor(float(count), device=loss.device)])
        dist.all_reduce(both)
        return float(both[0] / both[1])


class DistributedRuntime(SingleProcess):
    """The hooks of one rank; the process group is already up (env.init_process_group)."""

    def __init__(self, rank: int, world_size: int, device: torch.device, seed: int = 0):
        self.rank, self.world_size, self.device, self.seed = rank, world_size, device, seed
        self.per_device_batch = 0
        self.sync_batchnorm = False

    # ---------------------------------------------------------------------------- the plan

    def adjust_plan(self, plan, config, resumed: bool) -> None:
        """The plan's batch as the global batch, split over the ranks; the learning rate
        following it; both said in the notes."""
        world = self.world_size
        if plan.time_budget is not None and world > 1:
            raise BackboneStudioError(
                "A time budget cannot be shared by several processes yet (each rank would stop "
                "at its own time). Give --epochs instead of --time-budget for a distributed run."
            )
        if not resumed and config.batch_size is None and world > 1:
            self._grow_batch(plan)
        elif not resumed:
            plan.notes.append(
                f"Global batch {plan.batch_size} over {_ranks(world)}, as chosen: the learning "
                "rate is the one for that batch, unscaled."
            )
        if plan.batch_size % world:
            raise BackboneStudioError(
                f"A global batch of {plan.batch_size} images cannot be split evenly over "
                f"{_ranks(world)}; choose a batch size that is a multiple of {world}"
                + (" (the checkpoint's batch)." if resumed else ".")
            )
        self.per_device_batch = plan.batch_size // world
        self.sync_batchnorm = self.per_device_batch < SYNC_BATCHNORM_BELOW
        sync = (
            f"; SyncBatchNorm: below {SYNC_BATCHNORM_BELOW} images per device, BatchNorm "
            "statistics are those of the global batch" if self.sync_batchnorm else ""
        )
        plan.notes.append(
            f"Data parallel over {_ranks(world)} ({'NCCL' if self.device.type == 'cuda' else 'gloo'}"
            f"): {self.per_device_batch} images per device and step{sync}."
        )

    def _grow_batch(self, plan) -> None:
        world, one = self.world_size, plan.batch_size
        cap = max(world, len(plan.train_samples) // 4)
        grown = max(world, min(one * world, cap) // world * world)
        factor = grown / one
        for stage in plan.stages:
            stage.peak_lrs = [lr * factor for lr in stage.peak_lrs]
        plan.batch_size = grown
        if grown == one:
            plan.notes.append(
                f"Global batch {grown}, split over {_ranks(world)}: a bigger one would leave too "
                "few steps per epoch with this many training images, so the learning rate stays."
            )
            return
        plan.notes.append(
            f"Global batch {grown} = {grown // world} per device x {_ranks(world)} (one device "
            f"would take {one}); learning rates scaled x{factor:g} with it (linear scaling "
            f"rule): {plan.stages[0].peak_lrs[-1]:g} for the first stage's head."
        )

    # --------------------------------------------------------------------------- the model

    def prepare_model(self, model: nn.Module) -> nn.Module:
        if not self.sync_batchnorm:
            return model
        model, _changed = convert_sync_batchnorm(model, cuda=self.device.type == "cuda")
        return model.to(self.device)

    def wrap_trainable(self, module: nn.Module) -> nn.Module:
        if not any(p.requires_grad for p in module.parameters()):
            return module
        ids = [self.device.index] if self.device.type == "cuda" else None
        return DistributedDataParallel(module, device_ids=ids)

    def step_factory(self):
        return DistributedStep

    # ---------------------------------------------------------------------------- the data

    def agreed_cancel(self, cancel):
        return AgreedCancel(cancel, self._collective_device())

    def loader_options(self, dataset, batch_size: int, shuffle: bool, generator,
                       shard: str | None = None) -> dict:  # fmt: skip
        world, rank = self.world_size, self.rank
        if shuffle:
            sampler = RunSampler(dataset, world, rank, self.seed, generator)
            local = max(1, batch_size // world)
            count = len(sampler)
            drop = count % local == 1 and count > local  # the same on every rank
            return {"batch_size": local, "sampler": sampler, "drop_last": drop}
        if shard == "even":  # as many batches on each rank (repeats a few samples)
            sampler = DistributedSampler(dataset, world, rank, shuffle=False)
            return {"batch_size": batch_size, "sampler": sampler}
        if shard == "exact":
            return {"batch_size": batch_size, "sampler": ExactShard(len(dataset), world, rank)}
        return super().loader_options(dataset, batch_size, False, generator)

    def shard_batch(self, indices):
        return indices[self.rank :: self.world_size]

    @property
    def min_batch(self) -> int:
        return max(2, self.world_size)

    # ------------------------------------------------------------------------- gathering

    def gather_outputs(self, outputs: dict, labels: dict) -> tuple[dict, dict]:
        """Every rank's {sample index: output}, merged, on every rank (outputs on the CPU
        while they travel, back on this rank's device after)."""
        mine = ({i: t.cpu() for i, t in outputs.items()}, labels)
        every: list = [None] * self.world_size
        with _Collective(self.rank):
            dist.all_gather_object(every, mine)
        merged, merged_labels = {}, {}
        for theirs, their_labels in every:
            merged.update(theirs)
            merged_labels.update(their_labels)
        device_outputs = {i: t.to(self.device) if t.dim() == 1 else t for i, t in merged.items()}
        return device_outputs, merged_labels

    def gather_scores(self, logits: list, labels: list) -> tuple[list, list]:
        mine = (
            torch.cat(logits).cpu() if logits else torch.empty(0),
            torch.cat(labels).cpu() if labels else torch.empty(0, dtype=torch.long),
        )
        every: list = [None] * self.world_size
        with _Collective(self.rank):
            dist.all_gather_object(every, mine)
        kept = [(x, y) for x, y in every if x.numel()]
        return [x for x, _ in kept], [y for _, y in kept]

    def epoch_totals(self, loss: float, accuracy: float, seen: int) -> tuple[float, float, int]:
        sums = torch.tensor([loss * seen, accuracy * seen, float(seen)], dtype=torch.float64,
                            device=self._collective_device())  # fmt: skip
        with _Collective(self.rank):
            dist.all_reduce(sums)
        total = float(sums[2])
        return float(sums[0]) / total, float(sums[1]) / total, int(round(total))

    def _collective_device(self) -> torch.device:
        return self.device if self.device.type == "cuda" else torch.device("cpu")


def _ranks(world: int) -> str:
    return f"{world} process{'es' if world != 1 else ''}"
