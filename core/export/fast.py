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


class RuntimeModule(nn.Module):
    """An ONNX model in ONNX Runtime, called like the PyTorch model it was exported from."""

    def __init__(self, onnx: bytes, threads: int | None = None):
        super().__init__()
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = int(threads or torch.get_num_threads())
        self.session = ort.InferenceSession(onnx, options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch = np.ascontiguousarray(x.detach().float().cpu().numpy())
        return torch.from_numpy(self.session.run(None, {self.input_name: batch})[0])


def _same_kind(classifier, model: nn.Module):
    from ..predict import Classifier, ClassifierInfo

    info = ClassifierInfo(classifier.name, classifier.backbone, tuple(classifier.class_names),
                          classifier.input_size, classifier.mean, classifier.std,
                          classifier.metadata)  # fmt: skip
    return Classifier(model, info, device=torch.device("cpu"))


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
    review = getattr(classifier, "review", None)
    if review is not None and review.needs_features:
        return classifier, ("the model's 'None of these' check needs the network's features, "
                            "which the ONNX model does not give; using PyTorch.")  # fmt: skip
    missing = BY_NAME["onnx"].missing()
    if missing:
        return classifier, f"{missing}; using PyTorch."
    from .convert import onnx_bytes

    try:
        fast = _same_kind(classifier, RuntimeModule(onnx_bytes(classifier.model,
                                                               classifier.input_size, {})))
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
