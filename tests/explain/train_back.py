"""Train the back of a backbone quickly on the CPU, for the Grad-CAM localisation test.

The front (up to `start`) keeps its initial weights: its BatchNorm statistics are taken from the
training images, then it runs once over them and its output is kept. Only the back (from `start`,
which holds the table's `cam_layer`) and the new head are trained on those cached features,
for a few epochs; the classifier's hidden Linear layers (AlexNet's and VGG's 4096-wide ones,
MobileNetV3's 1024) stay at their initial values, since they cost most of the time and none of
the localisation. This is the app's `partial` strategy, with a random front.
"""

from __future__ import annotations

import torch
from torch import nn


def calibrate_norms(module: nn.Module, x: torch.Tensor, batch: int = 32) -> None:
    """BatchNorm running statistics = the plain average over `x` (train mode, no gradients)."""
    norms = [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    module.eval()
    if not norms:
        return
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a cumulative average over every batch
    module.train()
    with torch.no_grad():
        for i in range(0, len(x), batch):
            module(x[i : i + batch])
    module.eval()


def train_back(model: nn.Module, spec, start: str | None, x, y, epochs: int, lr: float) -> None:
    """Train `model` (in place) from the part `start` (None: the family's `tail_start`)."""
    parts = spec.family_info.parts(model)
    if start is None:
        first = spec.family_info.tail_start(model, parts)
    else:
        first = next(i for i, part in enumerate(parts) if part is model.get_submodule(start))
    front, back = nn.Sequential(*parts[:first]), nn.Sequential(*parts[first:])
    calibrate_norms(front, x)
    with torch.no_grad():
        features = torch.cat([front(x[i : i + 32]) for i in range(0, len(x), 32)])
    head = model.get_submodule(spec.head_path)
    for module in back.modules():
        if isinstance(module, nn.Linear) and module is not head:
            module.requires_grad_(False)
    optimiser = torch.optim.AdamW([p for p in back.parameters() if p.requires_grad], lr=lr)
    order = torch.Generator().manual_seed(0)
    back.train()
    for _epoch in range(epochs):
        for idx in torch.randperm(len(features), generator=order).split(32):
            loss = nn.functional.cross_entropy(back(features[idx]), y[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    calibrate_norms(back, features)
    model.eval()
