"""What prediction does with a model's calibration: `ReviewPolicy`.

Built from a model file's metadata (`ReviewPolicy.from_metadata`); an older file without the
fields gets temperature 1, no review threshold and no OOD check, and behaves as before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from .ood import OodDetector
from .review import CurvePoint, threshold_for_accuracy


@dataclass(frozen=True)
class ReviewPolicy:
    temperature: float = 1.0
    threshold: float | None = None  # below it a prediction is "not sure"; None: never
    detector: OodDetector | None = None  # "none of these"; None: never
    curve: tuple[CurvePoint, ...] = ()  # validation coverage-accuracy curve, if stored

    @classmethod
    def from_metadata(cls, metadata) -> ReviewPolicy:
        if metadata is None:
            return cls()
        ood = getattr(metadata, "ood", None)
        calibration = (getattr(metadata, "metrics", None) or {}).get("calibration") or {}
        curve = tuple(CurvePoint.from_list(row) for row in calibration.get("curve", ()))
        return cls(
            temperature=float(getattr(metadata, "temperature", 1.0) or 1.0),
            threshold=getattr(metadata, "review_threshold", None),
            detector=OodDetector.from_dict(ood) if ood else None,
            curve=curve,
        )

    @property
    def needs_features(self) -> bool:
        return self.detector is not None and self.detector.needs_features

    def with_threshold(self, threshold: float | None) -> ReviewPolicy:
        return replace(self, threshold=threshold)

    def with_target_accuracy(self, target: float) -> ReviewPolicy:
        """The threshold read from the stored validation curve (unchanged without one)."""
        if not self.curve:
            return self
        return replace(self, threshold=threshold_for_accuracy(list(self.curve), target))

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        return (logits.float() / self.temperature).softmax(dim=1)

    def judge(self, probabilities: torch.Tensor, logits: torch.Tensor, features=None):
        """(not_sure, unfamiliar): two boolean lists, one entry per row."""
        top = probabilities.max(dim=1).values
        if self.threshold is None:
            not_sure = [False] * len(top)
        else:
            not_sure = [bool(v < self.threshold) for v in top.tolist()]
        if self.detector is None:
            return not_sure, [False] * len(top)
        feats = None if features is None else features.float().flatten(1).cpu().numpy()
        if self.detector.needs_features and feats is None:
            return not_sure, [False] * len(top)
        flags = self.detector.unfamiliar(feats, logits.double().cpu().numpy())
        return not_sure, [bool(f) for f in np.asarray(flags)]


# ------------------------------------------------------------------ words for a prediction

NOT_SURE = "Not sure"
NONE_OF_THESE = "None of these"
REVIEW_COLUMNS = ("not_sure", "none_of_these")  # the CSV columns prediction exports add


def review_cells(prediction) -> list[str]:
    """The REVIEW_COLUMNS cells of one prediction: "yes" or ""."""
    ok = prediction.error is None
    return [
        "yes" if ok and prediction.not_sure else "",
        "yes" if ok and prediction.unfamiliar else "",
    ]


def verdict(prediction) -> str:
    """What a person reads for a prediction: the class, or honestly that the model cannot say
    ("None of these (closest: cat)", "Not sure (cat?)"); "Unreadable" for an error."""
    if prediction.error is not None:
        return "Unreadable"
    if prediction.unfamiliar:
        return f"{NONE_OF_THESE} (closest: {prediction.label})"
    if prediction.not_sure:
        return f"{NOT_SURE} ({prediction.label}?)"
    return str(prediction.label)
