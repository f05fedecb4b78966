"""`SingleProcess`: the Trainer's seam for data-parallel training, doing nothing.

A run in one process uses it as is. `core.distributed.DistributedRuntime` (torch.distributed,
one process per device) overrides each hook; the training package itself never imports
torch.distributed. The hooks, in the order a run meets them:

- `adjust_plan`: the batch becomes the global batch over every rank, the learning rate follows
  it, the plan's notes say so;
- `prepare_model`: after the model is built (SyncBatchNorm when the per-device batch is small);
- `agreed_cancel`: a cancel token every rank reads the same way at the same batch;
- `loader_options`: the sampler of a DataLoader (each rank reads its shard);
- `shard_batch`: the rank's share of one global batch of cached features;
- `wrap_trainable`: the module the optimizer steps through (DistributedDataParallel);
- `gather_outputs` / `gather_scores`: what each rank computed on its shard, for every rank;
- `epoch_totals`: an epoch's loss, accuracy and images over every rank.
"""

from __future__ import annotations

from torch import nn


class SingleProcess:
    """Everything in one process: every hook returns what it was given."""

    rank = 0
    world_size = 1

    @property
    def is_writer(self) -> bool:
        """Whether this process writes files and reports events (rank 0)."""
        return self.rank == 0

    def adjust_plan(self, plan, config, resumed: bool) -> None:
        return None

    def prepare_model(self, model: nn.Module) -> nn.Module:
        return model

    def agreed_cancel(self, cancel):
        return cancel

    def loader_options(self, dataset, batch_size: int, shuffle: bool, generator,
                       shard: str | None = None) -> dict:  # fmt: skip
        """The DataLoader's batch_size / shuffle / sampler / generator / drop_last."""
        return {
            "batch_size": batch_size,
            "shuffle": shuffle,
            "generator": generator if shuffle else None,
            "drop_last": shuffle and len(dataset) % batch_size == 1 and len(dataset) > batch_size,
        }

    def shard_batch(self, indices):
        return indices

    @property
    def min_batch(self) -> int:
        """The smallest global batch worth a step (a batch of one breaks BatchNorm)."""
        return 2

    def wrap_trainable(self, module: nn.Module) -> nn.Module:
        return module

    def gather_outputs(self, outputs: dict, labels: dict) -> tuple[dict, dict]:
        return outputs, labels

    def gather_scores(self, logits: list, labels: list) -> tuple[list, list]:
        return logits, labels

    def epoch_totals(self, loss: float, accuracy: float, seen: int) -> tuple[float, float, int]:
        return loss, accuracy, seen
