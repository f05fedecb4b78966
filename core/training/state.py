"""What a run has done so far: `RunState` and `Best`, each able to go into a checkpoint and
come back out of one; and the random-number state that makes a resumed run continue the same."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field

import numpy as np
import torch

from ..events import ClassMetrics, EpochEnded
from . import run_messages


def epoch_from_dict(data: dict) -> EpochEnded:
    data = dict(data)
    data["per_class"] = tuple(ClassMetrics(**m) for m in data["per_class"])
    data["confusion"] = tuple(tuple(row) for row in data["confusion"])
    return EpochEnded(**data)


@dataclass
class Best:
    """The best epoch so far and its weights (a CPU state dict)."""

    epoch: int
    accuracy: float
    loss: float
    state: dict[str, torch.Tensor]
    event: EpochEnded

    def beaten_by(self, accuracy: float, loss: float) -> bool:
        """Higher accuracy wins; at equal accuracy, lower loss."""
        return (accuracy, -loss) > (self.accuracy, -self.loss)

    def state_dict(self) -> dict:
        return {
            "epoch": self.epoch,
            "accuracy": self.accuracy,
            "loss": self.loss,
            "state": self.state,
            "event": dataclasses.asdict(self.event),
        }

    @classmethod
    def from_state_dict(cls, data: dict) -> Best:
        return cls(
            epoch=int(data["epoch"]),
            accuracy=float(data["accuracy"]),
            loss=float(data["loss"]),
            state=data["state"],
            event=epoch_from_dict(data["event"]),
        )


@dataclass
class RunState:
    """Progress of one fit: epochs done, the global step, history, the best epoch, and where in
    the plan's stages the run stands (for checkpoints and resuming)."""

    history: list[EpochEnded] = field(default_factory=list)
    best: Best | None = None
    epochs_done: int = 0
    step: int = 0
    stage: int = 0  # index into the plan's stages
    stage_epoch: int = 0  # epochs of that stage completed
    bad_epochs: int = 0  # epochs since the best one (early stopping)

    def would_be_best(self, accuracy: float, loss: float) -> bool:
        return self.best is None or self.best.beaten_by(accuracy, loss)

    def record(self, event: EpochEnded, weights: dict[str, torch.Tensor]) -> None:
        """Add an epoch's result (`event.is_best` says whether it is the new best)."""
        self.history.append(event)
        self.epochs_done = event.epoch
        if event.is_best:
            self.bad_epochs = 0
            self.best = Best(event.epoch, event.val_accuracy, event.val_loss, weights, event)
        else:
            self.bad_epochs += 1

    def kept_description(self, checkpoint=None) -> str:
        """What is kept after a stop, in words (a core message)."""
        return run_messages.kept(self.best, checkpoint)

    def state_dict(self) -> dict:
        return {
            "epoch": self.epochs_done,
            "step": self.step,
            "stage": self.stage,
            "stage_epoch": self.stage_epoch,
            "bad_epochs": self.bad_epochs,
            "best": self.best.state_dict() if self.best is not None else None,
            "history": [dataclasses.asdict(e) for e in self.history],
        }

    def load_state_dict(self, data: dict) -> None:
        self.history = [epoch_from_dict(d) for d in data["history"]]
        self.epochs_done = int(data["epoch"])
        self.step = int(data.get("step", 0))
        self.stage = int(data["stage"])
        self.stage_epoch = int(data["stage_epoch"])
        self.bad_epochs = int(data.get("bad_epochs", 0))
        best = data.get("best")
        self.best = Best.from_state_dict(best) if best is not None else None


def rng_state(generator: torch.Generator) -> dict:
    np_state = np.random.get_state()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "numpy": [np_state[0], [int(x) for x in np_state[1]], *[x for x in np_state[2:]]],
        "python": random.getstate(),
        "shuffle": generator.get_state(),
    }


def set_rng_state(state: dict, generator: torch.Generator) -> None:
    torch.set_rng_state(state["torch"])
    if state.get("cuda") and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    generator.set_state(state["shuffle"])


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch; returns the generator that shuffles the batches."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)
