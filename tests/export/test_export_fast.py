"""`predict --runtime onnxruntime`: ONNX Runtime is used once it agrees with PyTorch on the
job's first images, and PyTorch stays when it does not."""

from __future__ import annotations

import torch

from core.export import fast
from core.predict import Classifier, ClassifierInfo


def _classifier(tiny_model) -> Classifier:
    model, metadata = tiny_model
    return Classifier(model, ClassifierInfo.from_metadata(metadata, "tiny"),
                      device=torch.device("cpu"))  # fmt: skip


def test_onnx_runtime_is_used_once_it_agrees(tiny_model, export_data):
    classifier = _classifier(tiny_model)
    paths = sorted(export_data.rglob("*.jpg"))
    chosen, said = fast.with_runtime(classifier, "onnxruntime", paths)
    assert isinstance(chosen.model, fast.RuntimeModule) and "using ONNX Runtime" in said
    ours, theirs = classifier.predict(paths), chosen.predict(paths)
    assert [p.label for p in ours] == [p.label for p in theirs]
    assert all(abs(a.confidence - b.confidence) < 1e-4 for a, b in zip(ours, theirs, strict=True))
    assert len({p.label for p in ours}) >= 2
    assert fast.with_runtime(classifier, "torch", paths) == (classifier, "")


def test_pytorch_stays_when_the_runtime_disagrees(tiny_model, export_data, monkeypatch):
    real = fast.RuntimeModule.forward
    monkeypatch.setattr(fast.RuntimeModule, "forward",
                        lambda self, x: real(self, x).roll(1, dims=1))  # fmt: skip
    classifier = _classifier(tiny_model)
    chosen, said = fast.with_runtime(classifier, "onnxruntime", sorted(export_data.rglob("*.jpg")))
    assert chosen is classifier and "using PyTorch" in said and "agreed" in said


def test_the_none_of_these_check_runs_on_the_runtimes_features(export_data):
    """A calibrated model's "None of these" check reads the network's features: the ONNX model
    then gives them as a second output, and the flags equal PyTorch's on every image."""
    import dataclasses

    import numpy as np
    from export_helpers import _images, make_model

    from core.calibration import fit_detector

    classifier = _classifier(make_model(export_data, "resnet18"))
    body, head = classifier._split()
    with torch.inference_mode():
        features = body(_images(export_data).flip(3))  # mirrored: no score sits on the threshold
        logits = head(features)
    labels = logits.argmax(1).numpy()  # the threshold flags about half of the images
    detector = fit_detector("centroid", features.numpy(), logits.numpy(), labels, 0.5)
    assert detector.needs_features
    classifier.review = dataclasses.replace(classifier.review, detector=detector)
    paths = sorted(export_data.rglob("*.jpg"))
    chosen, said = fast.with_runtime(classifier, "onnxruntime", paths)
    assert isinstance(chosen.model, fast.RuntimeModule) and "using ONNX Runtime" in said
    ours, theirs = classifier.predict(paths), chosen.predict(paths)
    assert [p.unfamiliar for p in ours] == [p.unfamiliar for p in theirs]
    assert 0 < sum(p.unfamiliar for p in ours) < len(ours)  # the check says something
    assert np.allclose([p.confidence for p in ours], [p.confidence for p in theirs], atol=1e-4)
