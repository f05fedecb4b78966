"""An exponential moving average of the weights (Polyak averaging), for the stage that trains
every layer.

After every optimizer step the average moves towards the live weights:
`average += (1 - decay) * (live - average)`. Validation, the best epoch's snapshot and so the
saved model use the average; training goes on with the live weights. The horizon is about one
epoch (`decay = 1 - 1 / steps per epoch`, within 0.9-0.9999), so it suits a 900-image set with 12
steps an epoch as well as 60,000 images with 900, and the first steps are averaged with a
warm-up (`(1 + t) / (10 + t)`, as timm's ModelEma does) so that the random initialisation does
not linger in the average. Batch-norm running statistics are averaged like the weights; whole
numbers (batch-norm's step counter) are the live model's.

Checkpoints hold the live weights (with their optimizer state), so a resumed run trains on
exactly what it would have; its average starts again from those weights. The best epoch's
weights, and so the model file, are the average's.
"""

from __future__ import annotations

import contextlib

import torch
from torch import nn


class WeightAverage:
    def __init__(self, module: nn.Module, steps_per_epoch: int):
        self.set_horizon(steps_per_epoch)
        floats = [(k, t) for k, t in module.state_dict().items() if t.is_floating_point()]
        self.names = [k for k, _ in floats]
        self._live = [t for _, t in floats]
        self._average = [t.detach().clone() for t in self._live]
        self.updates = 0

    def set_horizon(self, steps_per_epoch: int) -> None:
        """Average over about `steps_per_epoch` steps (again after the batch size changed)."""
        self.decay = min(0.9999, max(0.9, 1.0 - 1.0 / max(steps_per_epoch, 1)))

    def update(self) -> None:
        """Move the average towards the live weights (call after each optimizer step)."""
        self.updates += 1
        decay = min(self.decay, (1.0 + self.updates) / (10.0 + self.updates))
        with torch.no_grad():
            torch._foreach_lerp_(self._average, self._live, 1.0 - decay)

    @contextlib.contextmanager
    def applied(self):
        """The average in the model's weights for the duration; the live weights after."""
        with torch.no_grad():
            live = [t.clone() for t in self._live]
            torch._foreach_copy_(self._live, self._average)
        try:
            yield
        finally:
            with torch.no_grad():
                torch._foreach_copy_(self._live, live)

    def keep(self) -> None:
        """Leave the average in the model for good (the stage has ended)."""
        with torch.no_grad():
            torch._foreach_copy_(self._live, self._average)
