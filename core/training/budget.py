"""Training that respects a time budget ("the best model you can in 5 minutes").

A budgeted stage runs as many epochs as fit and lays its learning-rate schedule over the time,
not over a number of epochs: progress through the schedule is the fraction of the stage's
training time used, so the rate anneals to its end exactly when the time is up (cutting a long
schedule short is much worse; Li et al., "Budgeted Training", ICLR 2020). After every epoch the
pace re-plans from what is left and what the epochs really cost, so a machine that slows down
(another program starts) still ends on time with an annealed model.

What the budget covers: the feature pass, training, the validation after each epoch (the last
one is the final evaluation), and a reserve for writing the checkpoint and the model file; the
CLI counts its folder scan too (`fit(spent=...)`). In the app the folder was scanned before
Start, so the budget starts at Start. Frozen stages (head, partial) keep their cheap epochs but
stop at the deadline too (`DeadlinePace`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import BackboneStudioError

_UNITS = {"": 1.0, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "hr": 3600.0}
MIN_EPOCHS = 3  # fewer epochs than this in a budget: say the budget is too short to be useful
MIN_STEP_SECONDS = 1.0  # less time than this (or 2 % of the budget) left: no further epoch


def parse_duration(text: str) -> float:
    """'90s', '5m', '1h', '1h30m', '2:30' (m:s), '1:02:03' or a number of seconds -> seconds."""
    value = str(text).strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(:\d{1,2}){1,2}", value):
        seconds = 0.0
        for part in value.split(":"):
            seconds = seconds * 60 + int(part)
        return _positive(seconds, text)
    parts = re.findall(r"(\d+(?:\.\d+)?)([a-z]*)", value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise _bad(text)
    seconds = 0.0
    for number, unit in parts:
        if unit not in _UNITS:
            raise _bad(text)
        seconds += float(number) * _UNITS[unit]
    return _positive(seconds, text)


def _positive(seconds: float, text: str) -> float:
    if not math.isfinite(seconds) or seconds <= 0:
        raise _bad(text)
    return seconds


def _bad(text: str) -> BackboneStudioError:
    return BackboneStudioError(
        f"'{text}' is not a duration; use for example 90s, 5m, 1h or 1h30m."
    )


def format_duration(seconds: float) -> str:
    """5:00, 1:02:03; '–' for what is not a time."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class Deadline:
    """When the run must be done, on the run's clock."""

    clock: Callable[[], float]
    ends_at: float
    budget: float

    @classmethod
    def start(cls, clock: Callable[[], float], budget: float, spent: float = 0.0) -> Deadline:
        return cls(clock, clock() + budget - spent, budget)

    def left(self) -> float:
        return self.ends_at - self.clock()


class EpochPace:
    """No budget: progress through the schedule by epochs and batches."""

    budgeted = False

    def __init__(self, epochs: int):
        self.epochs = epochs

    def progress(self, stage_epoch: int, batch: int, batches: int) -> float:
        return (stage_epoch + batch / max(batches, 1)) / self.epochs

    def spent(self) -> float:
        return 0.0

    def epoch_ended(self, train_seconds: float, val_seconds: float) -> None:
        pass

    def more(self, stage_epoch: int) -> bool:
        return stage_epoch < self.epochs

    def seconds_left(self) -> float | None:
        return None

    def expected_epochs(self, done: int) -> int:
        return self.epochs


class BudgetPace:
    """A stage that trains until `deadline` less `reserve` seconds, with its schedule laid over
    that time. `progress()` is the fraction of the stage's training time used; it is re-planned
    after each epoch from the real cost of training and validating one."""

    budgeted = True

    def __init__(self, deadline: Deadline, reserve: float, start: float = 0.0,
                 val_seconds: float = 0.0, final_passes: float = 0.0):  # fmt: skip
        """`val_seconds`: what a validation should cost, until one is measured (the first plan
        takes one, and the end of the fit, out of the training time).
        `final_passes`: what the end of the fit costs after the last epoch (the galleries'
        records, calibration), in validations."""
        self.deadline = deadline
        self.reserve = reserve  # seconds kept for the saves
        self.final_passes = final_passes
        self._clock = deadline.clock
        self._base = start  # progress reached at the last re-plan (a resumed run: where it was)
        self._since = self._clock()  # when that was
        self._val_seconds = val_seconds
        self._measured = False  # whether _val_seconds is a real validation's
        # training seconds from there to 1.0; a budget too short for the validations it needs
        # still trains for half of what it has (its first epoch says it is too short, and what
        # the least is that makes sense), rather than not at all
        left = deadline.left()
        self._span = max(left - self._kept() - val_seconds, 0.5 * (left - reserve), 1e-6)
        self._epoch_seconds = 0.0

    def progress(self, stage_epoch: int, batch: int, batches: int) -> float:
        return min(1.0, self._base + (1.0 - self._base) * (self._clock() - self._since) / self._span)

    def epoch_ended(self, train_seconds: float, val_seconds: float) -> None:
        """Re-plan the rest: time left less the validations still to come and the reserve."""
        measured = max(self._val_seconds, val_seconds) if self._measured else val_seconds
        self._val_seconds, self._measured = measured, True
        self._epoch_seconds = train_seconds
        self._base = self.progress(0, 0, 1)
        self._since = self._clock()
        left = self.deadline.left() - self._kept()
        if self._base >= 1.0 or left <= 0:
            self._base, self._span = 1.0, 1e-6
            return
        epochs_left = max(1.0, left / max(train_seconds + self._val_seconds, 1e-6))
        self._span = max(left - math.ceil(epochs_left) * self._val_seconds, 1e-6)

    def more(self, stage_epoch: int) -> bool:
        """Another (possibly partial) epoch while the schedule has not reached its end and
        there is time for a few steps and a validation: stopping with the learning rate still
        high would waste the budget on an unannealed model."""
        if self._base >= 1.0:
            return False
        if not self._measured:  # the first epoch: trains if the saves leave time for steps
            left = self.deadline.left() - self.reserve
        else:
            left = self.deadline.left() - self._kept() - self._val_seconds
        return left >= max(MIN_STEP_SECONDS, 0.02 * self.deadline.budget)

    def spent(self) -> float:
        """Seconds of the budget used so far (kept in checkpoints: a resumed run goes on with
        what is left, not with a fresh budget)."""
        return self.deadline.budget - self.deadline.left()

    def seconds_left(self) -> float | None:
        return max(0.0, self.deadline.left())

    def expected_epochs(self, done: int) -> int:
        """Epochs the stage will have run: at least one more while `more(done)`."""
        per_epoch = self._epoch_seconds + self._val_seconds
        at_least = done + (1 if self.more(done) else 0)
        if self._epoch_seconds <= 0:  # nothing measured yet
            return max(at_least, 1)
        left = max(0.0, self.deadline.left() - self._kept())
        return max(at_least, done + round(left / per_epoch))

    def _kept(self) -> float:
        """Seconds kept after the last epoch: the saves and the end-of-fit passes."""
        return self.reserve + self.final_passes * self._val_seconds


class DeadlinePace(EpochPace):
    """A frozen stage's epochs under a budget: the planned epochs, but none past the deadline
    (its schedule is cut short then: these stages are cheap and rarely get there)."""

    def __init__(self, epochs: int, deadline: Deadline, reserve: float):
        super().__init__(epochs)
        self.deadline, self.reserve = deadline, reserve

    def _out_of_time(self) -> bool:
        return self.deadline.left() <= self.reserve

    def progress(self, stage_epoch: int, batch: int, batches: int) -> float:
        return 1.0 if self._out_of_time() else super().progress(stage_epoch, batch, batches)

    def more(self, stage_epoch: int) -> bool:
        return super().more(stage_epoch) and not self._out_of_time()

    def seconds_left(self) -> float | None:
        return max(0.0, self.deadline.left())

    def spent(self) -> float:
        return self.deadline.budget - self.deadline.left()
