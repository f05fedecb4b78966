"""Classifying with ONNX Runtime instead of PyTorch, once it has proven itself on the images.

`benchmarks runtimes` measures ONNX Runtime faster than PyTorch fp32 on the CPU. `predict
--runtime onnxruntime` uses it: the model is exported in memory (seconds, once per run), run on
up to PROBE images of the job by both, and ONNX Runtime is used only when it agrees with PyTorch
on at least 99.5 % of their top-1 labels; otherwise the job stays on PyTorch and says why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from .formats import BY_NAME
from .verify import FP32_AGREEMENT

PROBE = 32
RUNTIMES = ("torch", "onnxruntime")


class LogitsAndFeatures(nn.Module):
    """(logits, penultimate features) in one call: what the "None of these" check reads, so
    that an ONNX model exported from it can serve a calibrated classifier whole."""

    def __init__(self, model: nn.Module, backbone: str):
        super().__init__()
        from ..backbones import split_features

        self.body, self.head = split_features(model, backbone)

    def forward(self, x):
        features = self.body(x)
        return self.head(features), features.flatten(1)


class RuntimeModule(nn.Module):
    """An ONNX model in ONNX Runtime, called like the PyTorch model it was exported from. One
    exported from `LogitsAndFeatures` also answers `logits_and_features(x)`
    (core.predict.Classifier asks for it when its review policy needs the features)."""

    def __init__(self, onnx: bytes, threads: int | None = None):
        super().__init__()
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = int(threads or torch.get_num_threads())
        self.session = ort.InferenceSession(onnx, options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def _run(self, x: torch.Tensor) -> list:
        batch = np.ascontiguousarray(x.detach().float().cpu().numpy())
        return self.session.run(None, {self.input_name: batch})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(self._run(x)[0])

    def logits_and_features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits, features = self._run(x)[:2]
        return torch.from_numpy(logits), torch.from_numpy(features)


def _same_kind(classifier, model: nn.Module):
    from ..predict import Classifier, ClassifierInfo

    info = ClassifierInfo(classifier.name, classifier.backbone, tuple(classifier.class_names),
                          classifier.input_size, classifier.mean, classifier.std,
                          classifier.metadata)  # fmt: skip
    fast = Classifier(model, info, device=torch.device("cpu"))
    fast.review = classifier.review  # the same calibration, threshold and "None of these"
    return fast


def _agreement(ours, theirs) -> tuple[float, int]:
    pairs = [(a, b) for a, b in zip(ours, theirs, strict=True) if a.ok and b.ok]
    if not pairs:
        return 0.0, 0
    return sum(a.label == b.label for a, b in pairs) / len(pairs), len(pairs)


def with_runtime(classifier, runtime: str, probe: Sequence) -> tuple[object, str]:
    """(the classifier to use, a sentence saying which runtime and why).

    ``runtime`` "torch" keeps ``classifier``; "onnxruntime" gives an ONNX Runtime classifier
    when it agrees with PyTorch on ``probe`` (up to PROBE images of the job), else
    ``classifier`` with the reason."""
    if runtime == "torch":
        return classifier, ""
    if classifier.device.type != "cpu":
        return classifier, f"ONNX Runtime runs on the CPU here; using PyTorch on {classifier.device}."
    missing = BY_NAME["onnx"].missing()
    if missing:
        return classifier, f"{missing}; using PyTorch."
    try:
        fast = _same_kind(classifier, RuntimeModule(_onnx_for(classifier)))
    except Exception as exc:  # noqa: BLE001 - any export failure: stay on PyTorch, say why
        return classifier, f"ONNX export failed ({exc}); using PyTorch."
    sample = list(probe)[:PROBE]
    agreement, checked = _agreement(classifier.predict(sample, top_k=1),
                                    fast.predict(sample, top_k=1))  # fmt: skip
    if checked and agreement >= FP32_AGREEMENT:
        return fast, (f"using ONNX Runtime: it agrees with PyTorch on {agreement:.1%} of "
                      f"{checked} images checked")  # fmt: skip
    return classifier, (f"ONNX Runtime agreed with PyTorch on only {agreement:.1%} of {checked} "
                        "images checked; using PyTorch")  # fmt: skip


def _onnx_for(classifier) -> bytes:
    """The classifier's model as ONNX; with a second output, the features, when its review
    policy ("None of these") reads them."""
    from .convert import OUTPUT_NAME, onnx_bytes

    review = getattr(classifier, "review", None)
    if review is not None and review.needs_features:
        both = LogitsAndFeatures(classifier.model, classifier.backbone)
        return onnx_bytes(both, classifier.input_size, {}, outputs=(OUTPUT_NAME, "features"))
    return onnx_bytes(classifier.model, classifier.input_size, {})
