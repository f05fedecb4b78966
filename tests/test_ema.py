"""The moving average of the weights (TrainConfig.ema, core.training.ema)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from core.dataset import scan_folder
from core.demo import make_demo_dataset
from core.events import EpochEnded
from core.training import TrainConfig, Trainer
from core.training.ema import WeightAverage


@pytest.fixture(autouse=True)
def _one_thread(_deterministic_torch):
    yield


def _module() -> nn.Module:
    return nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))


def test_the_horizon_is_about_one_epoch_within_bounds():
    assert WeightAverage(_module(), 12).decay == pytest.approx(1 - 1 / 12)
    assert WeightAverage(_module(), 900).decay == pytest.approx(1 - 1 / 900)
    assert WeightAverage(_module(), 2).decay == 0.9  # never shorter than ten steps
    assert WeightAverage(_module(), 10**6).decay == 0.9999


def test_the_average_follows_the_weights_with_a_warm_up():
    module = _module()
    average = WeightAverage(module, 1000)  # decay 0.999: the warm-up dominates the first steps
    weight = module[0].weight
    start = weight.detach().clone()
    with torch.no_grad():
        weight.add_(1.0)
    average.update()  # step 1: decay min(0.999, 2 / 11)
    with average.applied():
        expected = start + (1 - 2 / 11) * 1.0
        assert torch.allclose(module[0].weight, expected)
    assert torch.allclose(module[0].weight, start + 1.0)  # the live weights are back
    # whole numbers (batch-norm's step counter) are not averaged, floats (its statistics) are
    assert module[1].num_batches_tracked.dtype == torch.long
    assert len(average._live) == len([t for t in module.state_dict().values() if t.is_floating_point()])


def test_keep_leaves_the_average_in_the_model():
    module = _module()
    average = WeightAverage(module, 12)
    before = module[0].weight.detach().clone()
    with torch.no_grad():
        module[0].weight.mul_(3.0)
    average.update()
    average.keep()
    assert not torch.allclose(module[0].weight, before * 3.0)
    assert torch.allclose(module[0].weight, average._average[0])


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    root = tmp_path_factory.mktemp("ema") / "shapes"
    return scan_folder(make_demo_dataset(root, classes=3, per_class=20, size=32)).index


def test_a_fit_with_the_average_validates_and_keeps_the_averaged_weights(shapes, monkeypatch):
    averages: list[dict] = []  # the weights each validation ran with
    lives: list[dict] = []  # the live weights at that moment

    class Spy(WeightAverage):
        def applied(self):
            for copies, tensors in ((averages, self._average), (lives, self._live)):
                copies.append({k: t.detach().clone() for k, t in zip(self.names, tensors, strict=True)})
            return super().applied()

    monkeypatch.setattr("core.training.trainer.WeightAverage", Spy)
    events: list = []
    config = TrainConfig(backbone="resnet18", pretrained=False, batch_size=8, image_size=32,
                         epochs=3, ema=True, seed=0)  # fmt: skip
    result = Trainer(config, shapes, [events.append]).fit()
    assert result.outcome == "finished", result.message
    epochs = [e for e in events if isinstance(e, EpochEnded)]
    assert len(averages) == len(epochs) == 3
    saved = result.model.state_dict()
    best = result.best_epoch - 1
    for name in ("conv1.weight", "layer4.1.bn2.running_var", "fc.weight"):
        key = next(k for k in saved if k.endswith(name))
        assert torch.allclose(saved[key].float(), averages[best][name]), name
        assert not torch.allclose(saved[key].float(), lives[best][name]), name


def test_without_the_setting_no_average_is_made(shapes, monkeypatch):
    def refuse(*_args):
        raise AssertionError("no average was asked for")

    monkeypatch.setattr("core.training.trainer.WeightAverage", refuse)
    config = TrainConfig(backbone="resnet18", pretrained=False, batch_size=8, image_size=32,
                         epochs=1, seed=0)  # fmt: skip
    assert Trainer(config, shapes).fit().outcome == "finished"


def test_only_the_stage_that_trains_every_layer_is_averaged(shapes, monkeypatch, tmp_path):
    from tests.weights_helpers import fake_pretrained

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    fake_pretrained("resnet18")
    made: list[int] = []

    class Spy(WeightAverage):
        def __init__(self, module, steps):
            super().__init__(module, steps)
            made.append(steps)

    monkeypatch.setattr("core.training.trainer.WeightAverage", Spy)
    events: list = []
    config = TrainConfig(backbone="resnet18", pretrained=True, strategy="two_stage", batch_size=8,
                         image_size=32, epochs=2, ema=True, seed=0)  # fmt: skip
    result = Trainer(config, shapes, [events.append]).fit()
    assert result.outcome == "finished", result.message
    stages = [e.stage for e in events if isinstance(e, EpochEnded)]
    assert "head" in stages and "full" in stages
    assert made == [6]  # one average, for the full stage: 48 training images in batches of 8


def test_after_running_out_of_memory_the_horizon_follows_the_smaller_batches(shapes, monkeypatch):
    from core.training import Seams, TrainStep

    horizons: list[int] = []

    class Spy(WeightAverage):
        def set_horizon(self, steps):
            horizons.append(steps)
            super().set_horizon(steps)

    class OutOfMemoryOnce(TrainStep):
        failed = False

        def __call__(self, module, inputs, targets):
            if not OutOfMemoryOnce.failed:
                OutOfMemoryOnce.failed = True
                raise RuntimeError("CUDA out of memory (a test)")
            return super().__call__(module, inputs, targets)

    monkeypatch.setattr("core.training.trainer.WeightAverage", Spy)
    config = TrainConfig(backbone="resnet18", pretrained=False, batch_size=8, image_size=32,
                         epochs=1, ema=True, seed=0)  # fmt: skip
    result = Trainer(config, shapes, seams=Seams(step=OutOfMemoryOnce)).fit()
    assert result.outcome == "finished", result.message
    assert horizons == [6, 12]  # 48 images: 6 batches of 8, then 12 of 4


def test_the_cli_flag_reaches_the_settings(capsys, shapes, tmp_path):
    import json

    from core.cli import main
    from core.modelfile import load_model

    out = tmp_path / "m.safetensors"
    code = main(["train", str(shapes.root), "--backbone", "resnet18", "--no-pretrained", "--ema",
                 "--epochs", "1", "--image-size", "32", "--batch-size", "8", "--device", "cpu",
                 "--out", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert load_model(out)[1].train_config["ema"] is True
    assert json.loads(TrainConfig().to_json())["ema"] is False  # off unless asked for


def test_the_setting_is_validated():
    with pytest.raises(Exception, match="ema"):
        TrainConfig(ema="yes")
