"""Sorting fixtures: a tiny model file (random weights, calibration fields as a trained model
would carry them)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch
from sort_helpers import CLASSES, SIZE


@pytest.fixture(scope="session")
def model_file(tmp_path_factory) -> Path:
    from core.backbones import build_model, get_spec
    from core.modelfile import new_metadata, save_model

    torch.manual_seed(0)
    spec = get_spec("resnet18")
    model = build_model("resnet18", len(CLASSES)).eval()
    metadata = new_metadata("resnet18", CLASSES, SIZE, spec.mean, spec.std)
    # as a calibrated model carries it: everything below 0.5 would be "not sure"
    metadata = dataclasses.replace(metadata, temperature=1.0, review_threshold=0.5)
    return save_model(tmp_path_factory.mktemp("model") / "fruit.safetensors", model, metadata)


@pytest.fixture
def classifier(model_file):
    from core.predict import Classifier

    torch.set_num_threads(1)
    return Classifier.load(model_file, device="cpu")
