"""Batch statistics over every rank's share of the global batch (SyncBatchNorm).

On CUDA, torch's own `nn.SyncBatchNorm` (NCCL). torch's refuses CPU tensors, so CPU ranks (gloo)
use `GlooSyncBatchNorm`: the same maths (mean, then variance, each summed over the ranks with a
differentiable all-reduce, so the backward pass sums the gradients of the statistics too). With
a global batch split over ranks it normalises exactly as one process with the whole batch.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn

# Below this many images per device, per-device BatchNorm statistics get noisy: synchronise.
SYNC_BATCHNORM_BELOW = 32


class _AllReduceSum(torch.autograd.Function):
    """Sum over the ranks; the gradient of each rank's part is the sum of every rank's."""

    @staticmethod
    def forward(ctx, tensor: torch.Tensor) -> torch.Tensor:
        tensor = tensor.clone()
        dist.all_reduce(tensor)
        return tensor

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        grad = grad.clone()
        dist.all_reduce(grad)
        return grad


def all_reduce(tensor: torch.Tensor) -> torch.Tensor:
    return _AllReduceSum.apply(tensor)


class GlooSyncBatchNorm(nn.modules.batchnorm._BatchNorm):
    """BatchNorm whose training statistics are those of the global batch (any device)."""

    def _check_input_dim(self, input: torch.Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        self._check_input_dim(input)
        if not (self.training and self.track_running_stats is not False) or not _grouped():
            return super().forward(input)
        if self.training and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
        momentum = 0.1 if self.momentum is None else self.momentum
        dims = [0, *range(2, input.dim())]
        shape = [1, -1, *([1] * (input.dim() - 2))]
        x = input.float()
        count = torch.tensor([x.numel() / x.shape[1]], dtype=x.dtype, device=x.device)
        sums = all_reduce(torch.cat([x.sum(dims), count]))
        total = sums[-1]
        mean = sums[:-1] / total
        centred = x - mean.reshape(shape)
        var = all_reduce((centred * centred).sum(dims)) / total
        if self.running_mean is not None:
            with torch.no_grad():
                unbiased = var * (total / (total - 1).clamp(min=1))
                self.running_mean.lerp_(mean.detach(), momentum)
                self.running_var.lerp_(unbiased.detach(), momentum)
        out = centred * torch.rsqrt(var + self.eps).reshape(shape)
        if self.affine:
            out = out * self.weight.reshape(shape) + self.bias.reshape(shape)
        return out.to(input.dtype)


def _grouped() -> bool:
    return dist.is_available() and dist.is_initialized()


def convert_sync_batchnorm(module: nn.Module, cuda: bool) -> tuple[nn.Module, int]:
    """Every BatchNorm layer synchronised (torch's on CUDA, ours elsewhere); the parameters
    and statistics are the same tensors. Returns the module and how many layers changed."""
    if cuda:
        changed = sum(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in module.modules())
        return nn.SyncBatchNorm.convert_sync_batchnorm(module), changed
    changed = 0

    def convert(parent: nn.Module) -> None:
        nonlocal changed
        for name, child in parent.named_children():
            if isinstance(child, nn.modules.batchnorm._BatchNorm) and not isinstance(
                child, GlooSyncBatchNorm
            ):
                setattr(parent, name, _same_state(GlooSyncBatchNorm, child))
                changed += 1
            else:
                convert(child)

    convert(module)
    return module, changed


def _same_state(cls, bn: nn.modules.batchnorm._BatchNorm) -> nn.Module:
    """A `cls` batch norm sharing `bn`'s parameters, running statistics and mode."""
    new = cls(bn.num_features, bn.eps, bn.momentum, bn.affine, bn.track_running_stats)
    if bn.affine:
        new.weight, new.bias = bn.weight, bn.bias
    new.running_mean, new.running_var = bn.running_mean, bn.running_var
    new.num_batches_tracked = bn.num_batches_tracked
    new.train(bn.training)
    return new


def revert_sync_batchnorm(module: nn.Module) -> nn.Module:
    """Plain BatchNorm2d layers again (for the model that leaves the run)."""
    for name, child in module.named_children():
        if isinstance(child, (GlooSyncBatchNorm, nn.SyncBatchNorm)):
            setattr(module, name, _same_state(nn.BatchNorm2d, child))
        else:
            revert_sync_batchnorm(child)
    return module
