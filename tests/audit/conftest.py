"""A feature model for the audit tests: ResNet-18 (small stem) trained for a few epochs on clean
generated shapes (a different seed from the folders audited), like a backbone that learned to
see from other data."""

from __future__ import annotations

import pytest
import torch

from core.dataset import scan_folder
from core.demo import make_demo_dataset
from core.training import TrainConfig, Trainer


@pytest.fixture(scope="session")
def feature_model(tmp_path_factory):
    torch.set_num_threads(1)  # one thread: on a busy 2-core machine two spin-wait
    root = make_demo_dataset(tmp_path_factory.mktemp("clean") / "shapes", classes=4,
                             per_class=60, size=32, seed=0)  # fmt: skip
    config = TrainConfig(backbone="resnet18", strategy="full", pretrained=False, epochs=6,
                         batch_size=32, seed=0)  # fmt: skip
    result = Trainer(config, scan_folder(root).index).fit()
    assert result.outcome == "finished", result.message
    assert max(e.val_accuracy for e in result.history) >= 0.85
    return result.save(tmp_path_factory.mktemp("models") / "shapes.safetensors")


@pytest.fixture(autouse=True)
def _one_thread(_deterministic_torch):
    """One torch thread in these tests (the shared machine's two cores are busy)."""
    torch.set_num_threads(1)
