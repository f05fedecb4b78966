"""The "Automatic" backbone (core.training.automatic): chosen for the images and for what is on
this computer, with a plan note saying why; the run, its checkpoint and model file name the real
backbone."""

from __future__ import annotations

import pytest

from core import backbones
from core.cli import main
from core.dataset import scan_folder
from core.demo import make_demo_dataset
from core.events import FitStarted
from core.modelfile import load_model
from core.training import TrainConfig, Trainer, automatic, check_training_outputs
from core.training.checkpoint import read_checkpoint_summary


@pytest.fixture(autouse=True)
def _one_thread(_deterministic_torch):
    yield


@pytest.fixture
def cached(monkeypatch):
    """Which backbones' ImageNet weights count as cached (none unless a test adds them)."""
    names: set[str] = set()
    monkeypatch.setattr(backbones, "weights_cached", lambda spec: getattr(spec, "name", spec) in names)
    return names


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return scan_folder(make_demo_dataset(tmp_path_factory.mktemp("auto") / "s", 3, 12, size=32)).index


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return scan_folder(make_demo_dataset(tmp_path_factory.mktemp("auto") / "l", 3, 6, size=112)).index


def _ids(notes) -> list[str]:
    return [getattr(n, "id", None) for n in notes]


def test_small_images_from_scratch_get_the_small_stem_network(small, cached):
    plan = Trainer(TrainConfig(backbone="auto", epochs=1), small).plan()
    assert plan.backbone == automatic.SCRATCH_CHOICE and not plan.pretrained
    assert plan.small_input and plan.image_size == 32
    assert _ids(plan.notes)[0] == "plan.auto.small"
    assert "with the small-image stem (images under 96 px)" in plan.notes[0]
    assert "99 % against 81 % for MobileNetV3 Small" in plan.notes[0]
    assert "the median short side of 30 sampled images is 32 px" in " ".join(plan.notes)  # train part


def test_cached_weights_are_used_when_pretrained_is_allowed(small, cached):
    cached.add(automatic.PRETRAINED_CHOICE)
    plan = Trainer(TrainConfig(backbone="auto", epochs=1), small).plan()
    assert (plan.backbone, plan.pretrained, plan.notes[0].id) == ("resnet18", True, "plan.auto.pretrained")
    assert not plan.small_input and plan.strategy == "two_stage"
    # pretrained off: from scratch even though the weights are here
    plan = Trainer(TrainConfig(backbone="auto", pretrained=False, epochs=1), small).plan()
    assert not plan.pretrained and plan.notes[0].id == "plan.auto.small"


def test_larger_images_from_scratch_say_what_weights_would_bring(large, cached):
    plan = Trainer(TrainConfig(backbone="auto", epochs=1), large).plan()  # allowed, none cached
    assert plan.backbone == automatic.SCRATCH_CHOICE and not plan.pretrained
    assert not plan.small_input
    assert plan.notes[0].id == "plan.auto.large"
    assert "on 900 icons of 128 px in 100 s" in plan.notes[0]
    assert "weights download resnet18" in plan.notes[0]


def test_the_size_asked_for_decides_not_the_images(large, small, cached):
    plan = Trainer(TrainConfig(backbone="auto", image_size=48, epochs=1), large).plan()
    assert plan.small_input and plan.notes[0].id == "plan.auto.small"
    plan = Trainer(TrainConfig(backbone="auto", image_size=112, epochs=1), small).plan()
    assert not plan.small_input and plan.notes[0].id == "plan.auto.large"


def test_choose_follows_the_weights_cache_and_the_users_word(cached):
    assert automatic.choose(True) == automatic.Choice(automatic.SCRATCH_CHOICE, False)
    cached.add(automatic.PRETRAINED_CHOICE)
    assert automatic.choose(True) == automatic.Choice(automatic.PRETRAINED_CHOICE, True)
    assert automatic.choose(False) == automatic.Choice(automatic.SCRATCH_CHOICE, False)


def test_an_automatic_choice_is_checked_like_a_named_one(small, cached):
    with pytest.raises(Exception, match="too small for ResNet-18"):
        Trainer(TrainConfig(backbone="auto", image_size=16, epochs=1), small).plan()
    result = Trainer(TrainConfig(backbone="auto", image_size=16, epochs=1), small).fit()
    assert result.outcome == "failed" and "too small" in result.message


def test_a_named_backbone_is_left_alone(small, cached):
    config = TrainConfig(backbone="mobilenet_v3_small", pretrained=False)
    assert automatic.resolve(config) is config
    plan = Trainer(config, small).plan()
    assert "plan.auto.small" not in _ids(plan.notes)


def test_an_automatic_run_records_the_real_backbone(small, cached, tmp_path):
    events: list = []
    config = TrainConfig(backbone="auto", pretrained=True, image_size=32, batch_size=8, epochs=1,
                         checkpoint=str(tmp_path / "run.ckpt"))  # fmt: skip
    result = Trainer(config, small, [events.append]).fit()
    assert result.outcome == "finished", result.message
    started = next(e for e in events if isinstance(e, FitStarted))
    assert started.plan.backbone == "resnet18"
    assert any("Automatic backbone" in str(n) for n in started.plan.notes)
    path = result.save(tmp_path / "m.safetensors")
    _model, metadata = load_model(path)
    assert metadata.backbone == "resnet18"
    summary = read_checkpoint_summary(tmp_path / "run.ckpt")
    assert summary.config.backbone == "resnet18"  # a resumed run needs no choice


def test_the_files_of_an_automatic_run_are_sized_for_its_largest_candidate(tmp_path, monkeypatch):
    from core.training.preflight import model_bytes

    monkeypatch.setattr(automatic, "SCRATCH_CHOICE", "convnext_tiny")
    assert automatic.largest_candidate("auto") == "convnext_tiny"
    assert automatic.largest_candidate("alexnet") == "alexnet"
    config = TrainConfig(backbone="auto")
    assert check_training_outputs(config, tmp_path / "m.safetensors") == model_bytes("convnext_tiny")


def test_an_automatic_run_resumes_with_the_network_it_chose(small, cached, tmp_path):
    from core.events import CancelToken, EpochEnded

    config = TrainConfig(backbone="auto", image_size=32, batch_size=8, epochs=2,
                         checkpoint=str(tmp_path / "run.ckpt"))  # fmt: skip
    cancel = CancelToken()
    stop_after_one = [lambda e: cancel.cancel() if isinstance(e, EpochEnded) else None]
    assert Trainer(config, small, stop_after_one).fit(cancel).outcome == "cancelled"
    cached.add("resnet18")  # the weights arrived meanwhile: a fresh choice would differ
    result = Trainer(config, small).fit(resume=tmp_path / "run.ckpt")
    assert result.outcome == "finished", result.message
    assert result.metadata.backbone == "resnet18" and len(result.history) == 2
    assert result.metadata.train_config["pretrained"] is False


def test_the_cli_chooses_when_no_backbone_is_named(capsys, small, cached, tmp_path):
    out_path = tmp_path / "m.safetensors"
    code = main(["train", str(small.root), "--epochs", "1", "--image-size", "32",
                 "--batch-size", "8", "--device", "cpu", "--out", str(out_path)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "Automatic backbone: ResNet-18 from scratch with the small-image stem" in out
    assert load_model(out_path)[1].backbone == "resnet18"


def test_the_learning_rate_finder_sweeps_the_network_the_run_would_train(small, cached):
    from core.training import LrRange, find_learning_rate

    config = TrainConfig(backbone="auto", pretrained=True, image_size=32, batch_size=8)
    finding = find_learning_rate(config, small, sweep=LrRange(steps=6))
    assert finding.stage == "full"  # from scratch: no weights are here, so nothing is frozen
