"""Temperature scaling and the numbers that judge a calibration (no Qt, no model).

Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017): one
scalar T divides the logits, fitted by minimising the negative log-likelihood of the validation
labels (their targets smoothed by FIT_SMOOTHING). It never changes which class wins, only how sure the model says it is. T is optimised as
log T (always positive) with LBFGS, then checked against a coarse 1-D grid so that a bad LBFGS
step can never make the calibration worse than the grid's best.

Expected calibration error (ECE): the confidences are binned (equal width), and the bins'
|accuracy - mean confidence| gaps are averaged, weighted by how many predictions fall in each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

MIN_TEMPERATURE, MAX_TEMPERATURE = 0.05, 20.0
# The fit's targets are smoothed by 1 %: on a validation set the model gets entirely right, the
# plain NLL falls forever as T -> 0 (every confidence 100 %, a certainty no validation set of a
# few dozen images can show); smoothed, the fit stops near 99 % for the typical image.
FIT_SMOOTHING = 0.01
DEFAULT_BINS = 10


@dataclass(frozen=True)
class ReliabilityBin:
    """One bar of a reliability diagram."""

    lower: float
    upper: float
    count: int
    confidence: float  # mean confidence of the predictions in the bin (0 when empty)
    accuracy: float  # fraction of them that were right (0 when empty)

    def to_list(self) -> list:
        return [self.lower, self.upper, self.count, self.confidence, self.accuracy]

    @classmethod
    def from_list(cls, row) -> ReliabilityBin:
        lower, upper, count, confidence, accuracy = row
        return cls(float(lower), float(upper), int(count), float(confidence), float(accuracy))


def _nll(logits: torch.Tensor, labels: torch.Tensor, temperature: float) -> float:
    return float(torch.nn.functional.cross_entropy(logits / temperature, labels,
                                                   label_smoothing=FIT_SMOOTHING))


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor, max_iter: int = 100) -> float:
    """The temperature that minimises the validation NLL (1.0 for fewer than two samples)."""
    logits = torch.as_tensor(logits, dtype=torch.float64).detach()
    labels = torch.as_tensor(labels, dtype=torch.long).detach()
    if logits.ndim != 2 or logits.shape[0] < 2 or logits.shape[1] < 2:
        return 1.0
    # a coarse grid first: a safe answer whatever LBFGS does on a flat or odd surface
    grid = torch.logspace(math.log10(MIN_TEMPERATURE), math.log10(MAX_TEMPERATURE), 61)
    losses = [_nll(logits, labels, float(t)) for t in grid]
    best_t = float(grid[min(range(len(losses)), key=losses.__getitem__)])
    log_t = torch.tensor([math.log(best_t)], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.5, max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits / log_t.exp(), labels,
                                                 label_smoothing=FIT_SMOOTHING)
        loss.backward()
        return loss

    with torch.enable_grad():
        optimizer.step(closure)
    fitted = float(log_t.detach().exp())
    if not math.isfinite(fitted):
        return best_t
    fitted = min(max(fitted, MIN_TEMPERATURE), MAX_TEMPERATURE)
    return fitted if _nll(logits, labels, fitted) <= _nll(logits, labels, best_t) else best_t


def confidences_and_correct(probabilities: torch.Tensor, labels: torch.Tensor):
    """(top-1 confidence, whether the top-1 class is right) per row, as float64 / bool tensors."""
    probabilities = torch.as_tensor(probabilities, dtype=torch.float64)
    confidence, predicted = probabilities.max(dim=1)
    return confidence, predicted == torch.as_tensor(labels, dtype=torch.long)


def reliability_bins(confidence, correct, bins: int = DEFAULT_BINS) -> list[ReliabilityBin]:
    """Equal-width bins over [0, 1] (the last one closed)."""
    confidence = torch.as_tensor(confidence, dtype=torch.float64)
    correct = torch.as_tensor(correct, dtype=torch.float64)
    index = (confidence * bins).floor().clamp(0, bins - 1).long()
    out = []
    for b in range(bins):
        mask = index == b
        count = int(mask.sum())
        out.append(ReliabilityBin(
            b / bins, (b + 1) / bins, count,
            float(confidence[mask].mean()) if count else 0.0,
            float(correct[mask].mean()) if count else 0.0,
        ))  # fmt: skip
    return out


def expected_calibration_error(confidence, correct, bins: int = DEFAULT_BINS) -> float:
    """Weighted mean |accuracy - confidence| over the bins (0 for no predictions)."""
    table = reliability_bins(confidence, correct, bins)
    total = sum(b.count for b in table)
    if not total:
        return 0.0
    return sum(b.count * abs(b.accuracy - b.confidence) for b in table) / total


def ece_of_logits(logits, labels, temperature: float = 1.0, bins: int = DEFAULT_BINS) -> float:
    probabilities = (torch.as_tensor(logits, dtype=torch.float64) / temperature).softmax(dim=1)
    return expected_calibration_error(*confidences_and_correct(probabilities, labels), bins=bins)
