"""The learning rate as a function of progress through a stage."""

from __future__ import annotations

import math

import torch


class Schedule:
    """Learning rate as a function of progress through a stage (0..1).

    Each optimizer parameter group carries its own peak rate (`group["peak_lr"]`, saved with the
    optimizer state). The rate follows from progress rather than a step count, so halving the
    batch size after an out-of-memory error (more steps per epoch) keeps the same curve.
    onecycle: cosine warm-up from peak/25 over the first 25 %, then cosine annealing to
    peak/2.5e5 (torch's OneCycleLR defaults). cosine: linear warm-up over min(10 %, one epoch),
    then cosine annealing to zero.
    """

    def __init__(self, kind: str, epochs: int):
        self.kind = kind
        self.epochs = epochs

    def factor(self, progress: float) -> float:
        p = min(max(progress, 0.0), 1.0)
        if self.kind == "onecycle":
            warm = 0.25
            start, end = 1 / 25, 1 / 25 / 1e4
            if p < warm:
                return start + (1 - start) * (1 - math.cos(math.pi * p / warm)) / 2
            q = (p - warm) / (1 - warm)
            return end + (1 - end) * (1 + math.cos(math.pi * q)) / 2
        warm = min(0.1, 1.0 / max(self.epochs, 1))
        if p < warm:
            return 0.01 + 0.99 * p / warm
        q = (p - warm) / (1 - warm)
        return (1 + math.cos(math.pi * q)) / 2

    def apply(self, optimizer: torch.optim.Optimizer, progress: float) -> float:
        """Set every group's rate for this point of the stage; returns the head's rate."""
        f = self.factor(progress)
        for group in optimizer.param_groups:
            group["lr"] = group["peak_lr"] * f
        return optimizer.param_groups[-1]["lr"]

    def state_dict(self) -> dict:
        return {"kind": self.kind, "epochs": self.epochs}

    def load_state_dict(self, state: dict) -> None:
        self.kind, self.epochs = state["kind"], state["epochs"]
