""""None of these", end to end: a model trained (with the real Trainer) on one generated family
sends most images of another family to review, and few of its own."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from core.dataset import scan_folder
from core.demo import make_demo_dataset, make_demo_image
from core.events import Logged
from core.modelfile import load_model
from core.predict import Classifier
from core.training import TrainConfig, Trainer

SIZE = 32


def _noise(seed: int) -> Image.Image:
    """The other family: uniform colour noise, nothing like a shape on a background."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (SIZE, SIZE, 3)).astype(np.uint8))


pytestmark = pytest.mark.slow  # a real training from scratch: 20-60 s on two busy cores


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    torch.set_num_threads(1)
    root = make_demo_dataset(tmp_path_factory.mktemp("ood") / "shapes", classes=4, per_class=60,
                             size=SIZE)  # fmt: skip
    logged = []
    # from scratch: features that know the family (random "pretrained" ones would not)
    config = TrainConfig(backbone="resnet18", strategy="full", pretrained=False, epochs=15, seed=0,
                         device="cpu", num_workers=0)  # fmt: skip
    result = Trainer(config, scan_folder(root).index, callbacks=[logged.append]).fit()
    assert result.outcome == "finished", result.message
    path = result.save(tmp_path_factory.mktemp("model") / "shapes.safetensors")
    return path, [e.message for e in logged if isinstance(e, Logged)]


def test_training_stores_the_calibration(trained):
    path, messages = trained
    _, metadata = load_model(path)
    assert metadata.ood is not None and metadata.ood["method"] == "mahalanobis+energy"
    assert metadata.review_threshold is not None and metadata.temperature != 1.0
    report = metadata.metrics["calibration"]
    assert report["ece_after"] <= report["ece_before"] + 1e-9
    assert any(m.startswith("Calibrated on ") for m in messages)


def test_another_family_goes_to_review_and_the_own_family_mostly_not(trained):
    path, _ = trained
    classifier = Classifier.load(path, device="cpu")
    own = [make_demo_image(i % 4, SIZE, np.random.default_rng([123, i])) for i in range(60)]
    other = [_noise(1000 + i) for i in range(60)]
    own_review = np.mean([p.needs_review for p in classifier.predict(own)])
    other_predictions = classifier.predict(other)
    other_review = np.mean([p.needs_review for p in other_predictions])
    print(f"review: own family {own_review:.0%}, noise {other_review:.0%}")
    assert other_review >= 0.8, other_review
    assert own_review <= 0.1, own_review
    assert np.mean([p.unfamiliar for p in other_predictions]) >= 0.5  # "None of these" at work
