"""Per-image results of scoring a model on labelled images: what the error galleries show."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

TOP_K = 5
_TINY = 1e-12


@dataclass(frozen=True)
class ImageRecord:
    """One scored image: where it is, its folder's class, what the model said, how sure it was
    (`confidence`: the predicted class's probability), its cross-entropy `loss` (-ln of the true
    class's probability) and the `top_k` (class, probability) pairs, best first."""

    path: str
    true_label: str
    predicted: str
    confidence: float
    loss: float
    top_k: tuple[tuple[str, float], ...] = ()

    @property
    def correct(self) -> bool:
        return self.predicted == self.true_label

    @property
    def margin(self) -> float:
        """The probability gap between the two most likely classes (small: the model hesitates)."""
        if len(self.top_k) < 2:
            return self.confidence
        return self.top_k[0][1] - self.top_k[1][1]


def record_from_probabilities(
    path: str, true_label: str, probabilities: Sequence[float], class_names: Sequence[str]
) -> ImageRecord:
    """The record of one image from the model's probabilities over `class_names`."""
    probs = [float(p) for p in probabilities]
    order = sorted(range(len(probs)), key=lambda i: -probs[i])
    best = order[0]
    p_true = probs[list(class_names).index(true_label)]
    return ImageRecord(
        path=str(path),
        true_label=true_label,
        predicted=class_names[best],
        confidence=probs[best],
        loss=-math.log(max(p_true, _TINY)),
        top_k=tuple((class_names[i], probs[i]) for i in order[:TOP_K]),
    )


def record_from_top_k(path: str, true_label: str, top_k: Sequence[tuple[str, float]]) -> ImageRecord:
    """The record of one image from (class, probability) pairs covering every class."""
    pairs = sorted(((str(n), float(p)) for n, p in top_k), key=lambda kv: -kv[1])
    probs = dict(pairs)
    return ImageRecord(
        path=str(path),
        true_label=true_label,
        predicted=pairs[0][0],
        confidence=pairs[0][1],
        loss=-math.log(max(probs.get(true_label, 0.0), _TINY)),
        top_k=tuple(pairs[:TOP_K]),
    )


ERRORS_CSV_HEADER = ("path", "true", "predicted", "confidence", "loss")


def errors_csv_rows(records: Sequence[ImageRecord]) -> list[tuple[str, str, str, str, str]]:
    """The rows of `evaluate --errors`: every misclassified image, highest loss first."""
    from .gallery import mistakes

    return [
        (r.path, r.true_label, r.predicted, f"{r.confidence:.4f}", f"{r.loss:.4f}")
        for r in mistakes(records)
    ]
