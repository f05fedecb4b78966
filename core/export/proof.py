"""Proving that ONNX Runtime gives a classifier's answers, and measuring whether it is faster.

`prove(classifier, probe)` exports the classifier's model to ONNX (core.export.convert), runs the
same preprocessed tensors of up to PROBE images through PyTorch and ONNX Runtime, and returns the
runtime module with a `Proof`: how many images were checked, on how many both gave the same
top-1 label and the same review flags ("Not sure", "None of these"), the largest difference in
confidence, and the time per image of each classifying up to TIME_IMAGES of those images the way
a job does (decoding in threads, batches, the forward passes; best of TIME_RUNS alternating
runs after a warm-up), so "faster" is measured on this machine, with this model and these
images, not assumed. (The forward pass alone is not enough: with 12 MP photos decoding shares
the cores, and a runtime whose network ran 1.1x as fast made such a folder 0.56x as fast.)

A `Proof` is `proven` when at least MIN_PROOF images were checked and they agreed on at least
99.5 % (the export's own fp32 bar, core.export.verify); `worth_it` when, in addition, ONNX
Runtime was at least FASTER times as fast. core.export.runtime_cache stores both with the ONNX
file, so the next job of the same model file starts on the proven runtime at once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import torch

from ..messages import define
from .verify import FP32_AGREEMENT

PROBE = 32  # images of the job both runtimes classify for the proof
MIN_PROOF = 16  # images a proof must have checked before it is stored and trusted later
FASTER = 1.1  # the speed-up ONNX Runtime must show before it is used without being asked for
TIME_IMAGES = 16  # images each timed run classifies
TIME_RUNS = 2  # alternating timed runs per side; the best of each counts

PROOF_USED = define(
    "runtime.used",
    "Classifying with ONNX Runtime: {speedup:.1f}x as fast as PyTorch on these images here, "
    "with the same answer on {agreed} of {checked} images checked.")  # fmt: skip
PROOF_FORCED = define(
    "runtime.forced",
    "Classifying with ONNX Runtime: the same answer as PyTorch on {agreed} of {checked} images "
    "checked ({speedup:.1f}x as fast here).")  # fmt: skip
PROOF_SLOWER = define(
    "runtime.slower",
    "Classifying with PyTorch: ONNX Runtime gives the same answers but classifies these images "
    "no faster here ({speedup:.1f}x).")  # fmt: skip
PROOF_DISAGREES = define(
    "runtime.disagrees",
    "Classifying with PyTorch: ONNX Runtime agreed with it on only {agreed} of {checked} images "
    "checked ({needed} needed).")  # fmt: skip


@dataclass(frozen=True)
class Proof:
    """What one comparison of PyTorch and ONNX Runtime on the same images showed."""

    checked: int  # images both runtimes classified
    agreed: int  # of them, same top-1 label and the same review flags
    max_confidence_delta: float
    torch_ms: float  # per image, classifying `batch` images as a job does, best of TIME_RUNS
    runtime_ms: float
    batch: int
    versions: dict[str, str] = field(default_factory=dict)  # torch, onnxruntime, features

    @property
    def agreement(self) -> float:
        return self.agreed / self.checked if self.checked else 0.0

    @property
    def speedup(self) -> float:
        return self.torch_ms / self.runtime_ms if self.runtime_ms > 0 else 0.0

    @property
    def agrees(self) -> bool:
        return self.checked > 0 and self.agreement >= FP32_AGREEMENT

    @property
    def proven(self) -> bool:
        return self.checked >= MIN_PROOF and self.agrees

    @property
    def worth_it(self) -> bool:
        return self.proven and self.speedup >= FASTER

    def sentence(self, forced: bool = False):
        """Which runtime the job uses and why, as a core Message."""
        counts = {"agreed": self.agreed, "checked": self.checked, "speedup": self.speedup}
        if not self.agrees:
            return PROOF_DISAGREES(**counts, needed=f"{FP32_AGREEMENT:.1%}")
        if forced:
            return PROOF_FORCED(**counts)
        return PROOF_USED(**counts) if self.worth_it else PROOF_SLOWER(speedup=self.speedup)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Proof:
        return cls(int(data["checked"]), int(data["agreed"]), float(data["max_confidence_delta"]),
                   float(data["torch_ms"]), float(data["runtime_ms"]), int(data["batch"]),
                   {str(k): str(v) for k, v in dict(data.get("versions", {})).items()})  # fmt: skip


def versions(classifier) -> dict[str, str]:
    """What a stored proof depends on besides the model file's bytes."""
    import onnxruntime

    review = getattr(classifier, "review", None)
    features = bool(review is not None and review.needs_features)
    return {"torch": torch.__version__, "onnxruntime": onnxruntime.__version__,
            "features": str(features)}  # fmt: skip


def probe_tensors(classifier, probe: Sequence) -> tuple[torch.Tensor, list] | None:
    """Up to PROBE of the job's images, decoded and preprocessed exactly as the job will be
    (unreadable ones left out), and those images; None when none can be read."""
    tensors, items = [], []
    for index, item in enumerate(list(probe)[: PROBE * 2]):
        prepared = classifier._prepare(item, index)
        if prepared.tensor is not None:
            tensors.append(prepared.tensor)
            items.append(item)
        if len(tensors) >= PROBE:
            break
    return (torch.stack(tensors), items) if tensors else None


def compare(classifier, fast, x: torch.Tensor, items: Sequence) -> Proof:
    """Both classifiers on the same tensors ``x`` (agreement), and on up to TIME_IMAGES of
    ``items`` (their images) as a job classifies them (the time per image of each)."""
    ours, our_flags = classifier._probabilities(x)
    theirs, their_flags = fast._probabilities(x)
    same = (ours.argmax(1) == theirs.argmax(1)) & (our_flags == their_flags).all(1)
    delta = float((ours - theirs).abs().max()) if len(x) else 0.0
    timed = list(items)[:TIME_IMAGES]
    best = {"torch": float("inf"), "runtime": float("inf")}
    sides = {"torch": classifier, "runtime": fast}
    for side in sides.values():
        side.predict(timed[:2], top_k=1)  # warm-up: oneDNN primitives, ONNX Runtime's arena
    for run in range(TIME_RUNS):
        for name in (("torch", "runtime") if run % 2 == 0 else ("runtime", "torch")):
            start = time.perf_counter()
            sides[name].predict(timed, top_k=1)
            best[name] = min(best[name], time.perf_counter() - start)
    per_image = 1e3 / len(timed)
    return Proof(len(x), int(same.sum()), delta, best["torch"] * per_image,
                 best["runtime"] * per_image, len(timed), versions(classifier))  # fmt: skip
