"""The review threshold ("Not sure") and the coverage-accuracy curve it is read from.

Sort the validation predictions by confidence, most confident first: accepting the first k gives
coverage k/n and the accuracy of those k. The default threshold is the one with the largest
coverage whose accepted predictions are at least `target` correct (95 %). The guarantee holds on
the validation set; a small validation set makes it a rough one (docs/SORTING.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

DEFAULT_TARGET_ACCURACY = 0.95
CURVE_POINTS = 101


@dataclass(frozen=True)
class CurvePoint:
    threshold: float  # accept predictions with confidence >= threshold
    coverage: float  # the fraction of validation images accepted
    accuracy: float  # how many of the accepted ones are right

    def to_list(self) -> list[float]:
        return [self.threshold, self.coverage, self.accuracy]

    @classmethod
    def from_list(cls, row) -> CurvePoint:
        return cls(float(row[0]), float(row[1]), float(row[2]))


def coverage_curve(confidence, correct, points: int = CURVE_POINTS) -> list[CurvePoint]:
    """The curve from the most confident prediction alone (smallest coverage) to all of them,
    thinned to at most `points` points (the ends are always kept)."""
    confidence = torch.as_tensor(confidence, dtype=torch.float64)
    correct = torch.as_tensor(correct, dtype=torch.float64)
    n = int(confidence.numel())
    if n == 0:
        return []
    order = confidence.argsort(descending=True)
    sorted_conf = confidence[order]
    cumulative = correct[order].cumsum(0)
    picks = sorted({round(i * (n - 1) / max(points - 1, 1)) for i in range(points)})
    return [
        CurvePoint(float(sorted_conf[k]), (k + 1) / n, float(cumulative[k]) / (k + 1)) for k in picks
    ]


def choose_threshold(confidence, correct, target: float = DEFAULT_TARGET_ACCURACY) -> float | None:
    """The lowest confidence whose accepted set (>= it) is at least `target` correct.

    None when there is nothing to judge by (no validation predictions); 1.0 (everything to
    review) when not even the most confident prediction is right."""
    confidence = torch.as_tensor(confidence, dtype=torch.float64)
    correct = torch.as_tensor(correct, dtype=torch.float64)
    n = int(confidence.numel())
    if n == 0:
        return None
    order = confidence.argsort(descending=True)
    sorted_conf = confidence[order]
    accuracy = correct[order].cumsum(0) / torch.arange(1, n + 1, dtype=torch.float64)
    best = None
    for k in range(n):
        # ties: a threshold accepts every prediction at its confidence, so judge at the last one
        if k + 1 < n and sorted_conf[k + 1] == sorted_conf[k]:
            continue
        if accuracy[k] >= target:
            best = k
    return 1.0 if best is None else float(sorted_conf[best])


def threshold_for_accuracy(curve: list[CurvePoint], target: float) -> float | None:
    """The same choice read from a stored curve (for a target the user sets later)."""
    good = [p for p in curve if p.accuracy >= target]
    if not curve:
        return None
    return min(good, key=lambda p: p.threshold).threshold if good else 1.0


def point_at(curve: list[CurvePoint], threshold: float | None) -> CurvePoint | None:
    """The curve's point a threshold lands on (the last one it still accepts)."""
    if threshold is None or not curve:
        return None
    accepted = [p for p in curve if p.threshold >= threshold]
    return accepted[-1] if accepted else CurvePoint(threshold, 0.0, 1.0)
