""""None of these": flag an image unlike every class the model knows (out-of-distribution).

Each method gives a score, higher = less familiar; the threshold is the `quantile` of the
validation images' scores, so about 1 - quantile of familiar images are flagged. Methods:

- ``mahalanobis`` (the default): the penultimate features, centred on the training mean and
  L2-normalised, compared with each class mean under a shared per-dimension variance (a
  diagonal Mahalanobis distance, Lee et al. 2018); the score is the distance to the nearest.
- ``centroid``: the same features, cosine distance to the nearest class mean.
- ``energy``: the negative log-sum-exp of the logits (Liu et al. 2020), needs no statistics.
- ``msp``: one minus the top softmax probability, the classic baseline.
- ``mahalanobis+energy``: either of the two, each at half the false-alarm rate.

The feature statistics come from training images (`reference`) and the threshold from the
validation images, so the threshold is set on held-out scores; without training images, both
come from validation with leave-one-out class means. What `benchmarks/ood.py` measured on
generated data, and why ``mahalanobis`` is the default, is in docs/SORTING.md. Everything a
detector needs is a small JSON object in the model file (arrays as base64 float16).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, replace

import numpy as np
import torch

METHODS = ("centroid", "mahalanobis", "energy", "msp", "mahalanobis+energy")
DEFAULT_METHOD = "mahalanobis+energy"
DEFAULT_QUANTILE = 0.98
_EPS = 1e-6


def _encode(array: np.ndarray) -> dict:
    data = np.ascontiguousarray(array, dtype=np.float16)
    return {"shape": list(data.shape), "f16": base64.b64encode(data.tobytes()).decode("ascii")}


def _decode(blob: dict) -> np.ndarray:
    raw = base64.b64decode(blob["f16"].encode("ascii"), validate=True)
    shape = tuple(int(s) for s in blob["shape"])
    data = np.frombuffer(raw, dtype=np.float16)
    if data.size != int(np.prod(shape)):
        raise ValueError("an OOD array does not match its shape")
    return data.reshape(shape).astype(np.float32)


def _normalised(features: np.ndarray) -> np.ndarray:
    features = np.asarray(features, dtype=np.float32)
    return features / (np.linalg.norm(features, axis=1, keepdims=True) + _EPS)


def _class_means(features: np.ndarray, labels: np.ndarray, classes: int):
    sums = np.zeros((classes, features.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, features)
    counts = np.bincount(labels, minlength=classes).astype(np.float64)
    means = sums / np.maximum(counts, 1)[:, None]
    return means, sums, counts


def _leave_one_out_means(features, labels, sums, counts):
    """For each row, its own class's mean without the row (the plain mean for a class of one)."""
    own = counts[labels]
    rest = np.where(own[:, None] > 1, (sums[labels] - features) / np.maximum(own - 1, 1)[:, None],
                    sums[labels] / np.maximum(own, 1)[:, None])  # fmt: skip
    return rest


@dataclass(frozen=True)
class OodDetector:
    method: str
    threshold: float
    means: np.ndarray | None = None  # (classes, features) for the feature methods
    scale: np.ndarray | None = None  # (features,) per-dimension variance (mahalanobis)
    center: np.ndarray | None = None  # (features,) the validation mean, subtracted first
    energy_threshold: float | None = None  # "mahalanobis+energy": the energy score's own

    @property
    def needs_features(self) -> bool:
        return self.method != "energy" and self.method != "msp"

    @property
    def feature_method(self) -> str:
        return "mahalanobis" if self.method == "mahalanobis+energy" else self.method

    def scores(self, features, logits) -> np.ndarray:
        """One score per row (higher: less like any class); the feature score for the pair."""
        if self.method == "energy":
            return energy_scores(logits)
        if self.method == "msp":
            probs = torch.as_tensor(logits, dtype=torch.float64).softmax(dim=1)
            return 1.0 - probs.max(dim=1).values.numpy()
        x = self.prepare(features)
        return self._distances(x, self.means).min(axis=1)

    def prepare(self, features) -> np.ndarray:
        features = np.asarray(features, dtype=np.float32)
        if self.center is not None:
            features = features - self.center
        return _normalised(features)

    def _distances(self, x: np.ndarray, means: np.ndarray) -> np.ndarray:
        if self.feature_method == "centroid":
            return 1.0 - x @ _normalised(means).T
        diff = x[:, None, :] - means[None, :, :]
        return (diff * diff / self.scale).mean(axis=2)

    def _paired(self, x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Row i's distance to rows[i]."""
        if self.feature_method == "centroid":
            return 1.0 - (x * _normalised(rows)).sum(axis=1)
        return ((x - rows) ** 2 / self.scale).mean(axis=1)

    def _leave_one_out_scores(self, features: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Validation scores with each image's own class mean computed without it."""
        x = self.prepare(features)
        _means, sums, counts = _class_means(x.astype(np.float64), labels, self.means.shape[0])
        own = _leave_one_out_means(x.astype(np.float64), labels, sums, counts).astype(np.float32)
        distances = self._distances(x, self.means)
        distances[np.arange(len(labels)), labels] = self._paired(x, own)
        return distances.min(axis=1)

    def unfamiliar(self, features, logits) -> np.ndarray:
        flagged = self.scores(features, logits) > self.threshold
        if self.energy_threshold is not None:
            flagged |= energy_scores(logits) > self.energy_threshold
        return flagged

    def to_dict(self) -> dict:
        data: dict = {"method": self.method, "threshold": float(self.threshold)}
        if self.means is not None:
            data["means"] = _encode(self.means)
        if self.scale is not None:
            data["scale"] = _encode(self.scale)
        if self.center is not None:
            data["center"] = _encode(self.center)
        if self.energy_threshold is not None:
            data["energy_threshold"] = float(self.energy_threshold)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> OodDetector:
        """ValueError with a short reason for a damaged or unknown entry."""
        if not isinstance(data, dict) or data.get("method") not in METHODS:
            raise ValueError("the OOD statistics name no known method")
        threshold = data.get("threshold")
        if not isinstance(threshold, (int, float)) or isinstance(threshold, bool):
            raise ValueError("the OOD threshold must be a number")
        try:
            arrays = {k: _decode(data[k]) if k in data else None for k in ("means", "scale", "center")}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"the OOD statistics are damaged ({exc})") from None
        second = data.get("energy_threshold")
        if second is not None and (isinstance(second, bool) or not isinstance(second, (int, float))):
            raise ValueError("the OOD energy threshold must be a number")
        detector = cls(data["method"], float(threshold), arrays["means"], arrays["scale"],
                       arrays["center"], None if second is None else float(second))  # fmt: skip
        means = detector.means
        if detector.needs_features and (means is None or means.ndim != 2):
            raise ValueError("the OOD statistics lack the class means")
        if detector.feature_method == "mahalanobis" and (
            detector.scale is None or detector.scale.shape != means.shape[1:]
        ):
            raise ValueError("the OOD statistics lack the feature scale")
        return detector


def fit_detector(method: str, features, logits, labels, quantile: float = DEFAULT_QUANTILE,
                 reference=None) -> OodDetector:  # fmt: skip
    """A detector whose threshold flags about 1 - quantile of the validation images.

    `reference`: (features, labels) of training images; the feature statistics come from them
    and the threshold from the validation scores, which are then honest held-out scores.
    Without it both come from the validation images (leave-one-out class means)."""
    if method not in METHODS:
        raise ValueError(f"unknown OOD method {method!r}; one of {', '.join(METHODS)}")
    labels = np.asarray(labels, dtype=np.int64)
    classes = np.asarray(logits).shape[1]
    if method in ("energy", "msp"):
        detector = OodDetector(method, 0.0)
        return replace(detector, threshold=_quantile(detector.scores(None, logits), quantile))
    pair = method == "mahalanobis+energy"
    if pair:  # each of the two flags half as many familiar images
        quantile = 1.0 - (1.0 - quantile) / 2
    features = np.asarray(features, dtype=np.float32)
    if reference is not None and len(reference[1]):
        ref_features, ref_labels = reference
        detector = _fit_features(method, np.asarray(ref_features, dtype=np.float32),
                                 np.asarray(ref_labels, dtype=np.int64), classes)  # fmt: skip
        scores = detector.scores(features, logits)
    else:
        detector = _fit_features(method, features, labels, classes)
        scores = detector._leave_one_out_scores(features, labels)
    detector = replace(detector, threshold=_quantile(scores, quantile))
    if pair:
        energy = _quantile(energy_scores(logits), quantile)
        detector = replace(detector, energy_threshold=energy)
    return detector


def _quantile(scores: np.ndarray, quantile: float) -> float:
    return float(np.quantile(scores, quantile)) if len(scores) else float("inf")


def energy_scores(logits) -> np.ndarray:
    """-logsumexp(logits): lower (more negative) for images the model has strong evidence on."""
    return -torch.as_tensor(logits, dtype=torch.float64).logsumexp(dim=1).numpy()


def _f16(array: np.ndarray) -> np.ndarray:
    """Rounded as it will be stored, so the validation scores match the stored detector's."""
    return np.asarray(array).astype(np.float16).astype(np.float32)


def _fit_features(method: str, features: np.ndarray, labels: np.ndarray,
                  classes: int) -> OodDetector:  # fmt: skip
    center = _f16(features.mean(axis=0))
    detector = OodDetector(method, 0.0, center=center)
    x = detector.prepare(features).astype(np.float64)
    means, _sums, _counts = _class_means(x, labels, classes)
    scale = None
    if detector.feature_method == "mahalanobis":
        scale = _f16((x - means[labels]).var(axis=0) + 1e-4)
    return replace(detector, means=_f16(means), scale=scale)
