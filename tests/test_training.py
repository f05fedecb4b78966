"""core.training: real learning on the demo data with every strategy, and the fit's contract
(events, cancel, resume, NaN, out-of-memory, reproducibility, frozen BatchNorm, user errors).

Runs single-threaded: on the shared 2-core test machine, two torch threads per process spend
more time waiting for each other than computing (measured 3-10x slower under load).
"""

from __future__ import annotations

import math
import os
import time

import pytest
import torch
from weights_helpers import fake_pretrained

from core.backbones import build_model
from core.dataset import DatasetIndex, scan_folder
from core.demo import make_demo_dataset
from core.errors import BackboneStudioError, ResumeError, WeightsUnavailable
from core.events import (
    BatchEnded,
    CancelToken,
    EpochEnded,
    FeaturePassProgressed,
    FitEnded,
    FitStarted,
    Logged,
    StageStarted,
)
from core.modelfile import load_model
from core.training import Seams, TrainConfig, Trainer, TrainStep, displayable_names


@pytest.fixture(autouse=True)
def _one_thread(_deterministic_torch):
    torch.set_num_threads(1)


class Recorder(list):
    """A callback that keeps (time, event) pairs."""

    def __call__(self, event):
        self.append((time.monotonic(), event))

    @property
    def events(self):
        return [e for _, e in self]

    def of(self, kind):
        return [e for _, e in self if isinstance(e, kind)]


@pytest.fixture(scope="module")
def shapes32(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo32") / "shapes"
    return scan_folder(make_demo_dataset(root, classes=4, per_class=40, size=32)).index


@pytest.fixture(scope="module")
def resnet18_weights():
    # random weights under the name torchvision expects: "pretrained" means random features here,
    # so reaching high accuracy below shows the training itself works
    return fake_pretrained("resnet18")


def head_config(**changes) -> TrainConfig:
    values = dict(backbone="resnet18", strategy="head", pretrained=True, seed=0, epochs=12)
    values.update(changes)
    return TrainConfig(**values)


@pytest.fixture(scope="module")
def head_run(shapes32, resnet18_weights):
    torch.set_num_threads(1)
    recorder = Recorder()
    trainer = Trainer(head_config(epochs=None), shapes32, [recorder])
    result = trainer.fit()
    return trainer, result, recorder


# ------------------------------------------------------------------------------------- config


def test_config_json_round_trip_and_validation():
    config = TrainConfig(
        backbone="mobilenet_v3_small", strategy="partial", epochs=3, grad_clip=None
    )
    assert TrainConfig.from_json(config.to_json()) == config
    for bad, word in [
        (dict(strategy="everything"), "strategy"),
        (dict(epochs=0), "epochs"),
        (dict(learning_rate=-1.0), "learning_rate"),
        (dict(val_fraction=1.5), "val_fraction"),
        (dict(schedule="linear"), "schedule"),
        (dict(backbone="resnet9000"), "resnet9000"),
        (dict(backbone="resnet50_gn", pretrained=True), "no pretrained weights"),
        (dict(image_size=20), "too small"),
    ]:
        with pytest.raises(BackboneStudioError, match=word):
            TrainConfig(**bad)
    with pytest.raises(BackboneStudioError, match="Unknown training setting"):
        TrainConfig.from_json('{"epochs": 2, "turbo": true}')


@pytest.mark.parametrize("native_bf16", ["0", "1"])
def test_plan_resolves_defaults_from_the_data(tmp_path, shapes32, resnet18_weights, monkeypatch,
                                              native_bf16):  # fmt: skip
    # the CPU's precision is pinned: CI runs on CPUs with and without native bf16
    monkeypatch.setenv("BACKBONE_STUDIO_CPU_BF16", native_bf16)
    tiny = scan_folder(make_demo_dataset(tmp_path / "tiny", classes=2, per_class=10, size=28)).index
    plan = Trainer(TrainConfig(pretrained=False, device="cpu"), tiny).plan()
    assert plan.strategy == "full" and plan.stages == ("full",)
    assert plan.image_size == 32  # a 28 px dataset stays small (resnet18's minimum is 32)
    assert plan.small_input  # ResNet from scratch on < 96 px: the small-image stem
    expected = "bf16" if native_bf16 == "1" else "fp32"
    assert plan.precision == expected
    assert any(note.startswith(f"Precision {expected}") for note in plan.notes)
    assert any("28 px" in note for note in plan.notes)

    plan = Trainer(TrainConfig(), shapes32).plan()
    assert plan.strategy == "two_stage" and plan.stages == ("head", "full")
    assert plan.image_size == 32 and not plan.small_input  # pretrained: the standard stem
    assert plan.num_train + plan.num_val == 160 and plan.batch_size == 32

    big = scan_folder(make_demo_dataset(tmp_path / "big", classes=2, per_class=8, size=300)).index
    plan = Trainer(TrainConfig(pretrained=False), big).plan()
    assert plan.image_size == 224 and not plan.small_input  # capped at the default size
    assert plan.batch_size == 8  # a quarter of the data at most, so epochs have several steps
    assert plan.epochs > 0 and plan.learning_rate > 0


def test_imbalance_is_noted_and_the_loss_weighted_only_when_asked(tmp_path):
    root = make_demo_dataset(tmp_path / "imb", classes=2, per_class=40, size=32)
    for extra in sorted((root / "square").iterdir())[8:]:
        extra.unlink()
    index = scan_folder(root).index
    trainer = Trainer(TrainConfig(pretrained=False), index)
    plan = trainer.plan()
    # automatic: said, not weighted (weights cost accuracy from scratch; docs/TRAINING.md)
    assert any("Imbalanced classes" in note and "Class weighting to On" in note
               for note in plan.notes)  # fmt: skip
    assert not any("Class-weighted" in note for note in plan.notes)
    from core.training import make_plan

    assert make_plan(TrainConfig(pretrained=False), index).class_weights is None
    weighted = make_plan(TrainConfig(pretrained=False, class_weighting="on"), index)
    assert weighted.class_weights[0] < weighted.class_weights[1]  # circle 32, square 6 training
    assert any("Class-weighted loss (on)" in note for note in weighted.notes)
    balanced = Trainer(TrainConfig(pretrained=False, class_weighting="off"), index).plan()
    assert not any("Class-weighted" in note or "Imbalanced" in note for note in balanced.notes)


# ----------------------------------------------------------------------- learning, per strategy


def test_head_learns_and_reports_events_in_order(head_run):
    _trainer, result, recorder = head_run
    assert result.outcome == "finished", result.message
    assert max(e.val_accuracy for e in result.history) >= 0.9
    events = recorder.events
    assert isinstance(events[0], FitStarted)
    assert isinstance(events[-1], FitEnded) and len(recorder.of(FitEnded)) == 1
    stages = [e.stage for e in recorder.of(StageStarted)]
    assert stages == ["features", "head"]
    passes = recorder.of(FeaturePassProgressed)
    assert passes[-1].done == passes[-1].total == 160
    epochs = recorder.of(EpochEnded)
    assert [e.epoch for e in epochs] == list(range(1, events[0].plan.epochs + 1))
    assert sum(e.is_best for e in epochs) >= 1 and result.best_epoch is not None
    best = epochs[result.best_epoch - 1]
    assert best.val_accuracy == max(e.val_accuracy for e in epochs)
    assert len(best.per_class) == 4 and sum(map(sum, best.confusion)) == 32
    # the head epochs after the feature pass are cheap
    assert statistics_median([e.seconds for e in epochs]) < 0.5


def statistics_median(values):
    values = sorted(values)
    return values[len(values) // 2]


def test_batch_events_are_throttled_but_keep_each_epochs_first_and_last(head_run):
    _trainer, _result, recorder = head_run
    batches = [(t, e) for t, e in recorder if isinstance(e, BatchEnded)]
    per_epoch = {}
    for _t, e in batches:
        per_epoch.setdefault(e.epoch, []).append(e.batch)
    for epoch_batches in per_epoch.values():
        assert epoch_batches[0] == 1 and epoch_batches[-1] == 4  # 128 images / 32
    assert len(batches) < 4 * len(per_epoch)  # some were held back (head epochs take ms)
    steps = [e.step for _t, e in batches]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    previous = None
    for t, e in batches:
        if e.batch not in (1, e.batches):  # not forced: 1/5 s after the previous one (+ slack
            assert t - previous >= 0.1  # for a busy machine; unthrottled gaps are ~1 ms here)
        previous = t


def test_head_keeps_frozen_batchnorm_and_saves_a_loadable_model(head_run, tmp_path):
    _trainer, result, _recorder = head_run
    fresh = build_model("resnet18", 4, pretrained=True).state_dict()
    trained = result.model.state_dict()
    for key, value in fresh.items():
        if not key.startswith("fc."):
            assert torch.equal(trained[key], value), key  # incl. running_mean/var
    assert not torch.equal(trained["fc.weight"], fresh["fc.weight"])

    path = result.save(tmp_path / "shapes.safetensors")
    model, metadata = load_model(path)
    assert metadata.class_names == tuple(result.metadata.class_names)
    assert metadata.input_size == 32 and metadata.metrics["best_epoch"] == result.best_epoch
    x = torch.randn(2, 3, 32, 32)
    with torch.inference_mode():
        assert torch.allclose(model(x), result.model(x), atol=1e-5)


def test_partial_learns_with_a_frozen_trunk(shapes32, resnet18_weights):
    recorder = Recorder()
    config = head_config(strategy="partial", epochs=6)
    result = Trainer(config, shapes32, [recorder]).fit()
    assert result.outcome == "finished", result.message
    assert max(e.val_accuracy for e in result.history) >= 0.9
    assert [e.stage for e in recorder.of(StageStarted)] == ["features", "partial"]
    fresh = build_model("resnet18", 4, pretrained=True).state_dict()
    trained = result.model.state_dict()
    for key in ("layer3.1.bn2.running_mean", "layer1.0.conv1.weight", "bn1.running_var"):
        assert torch.equal(trained[key], fresh[key])
    assert not torch.equal(trained["layer4.1.bn2.running_mean"], fresh["layer4.1.bn2.running_mean"])


@pytest.mark.parametrize("native_bf16", ["0", "1"])
def test_two_stage_learns_head_then_everything(shapes32, resnet18_weights, monkeypatch,
                                               native_bf16):  # fmt: skip
    monkeypatch.setenv("BACKBONE_STUDIO_CPU_BF16", native_bf16)  # both precisions, on any CPU
    recorder = Recorder()
    result = Trainer(head_config(strategy="two_stage", epochs=2), shapes32, [recorder]).fit()
    assert result.outcome == "finished", result.message
    assert recorder.of(FitStarted)[0].plan.precision == ("bf16" if native_bf16 == "1" else "fp32")
    assert [e.stage for e in recorder.of(StageStarted)] == ["features", "head", "full"]
    stages = [e.stage for e in result.history]
    assert stages[-2:] == ["full", "full"] and set(stages[:-2]) == {"head"}
    assert max(e.val_accuracy for e in result.history) >= 0.9
    # unfreezing keeps (or improves) what the head stage reached
    assert result.history[-1].val_accuracy >= 0.9


@pytest.mark.parametrize("native_bf16", ["0", "1"])
def test_full_learns_from_scratch(shapes32, monkeypatch, native_bf16):
    monkeypatch.setenv("BACKBONE_STUDIO_CPU_BF16", native_bf16)  # both precisions, on any CPU
    config = TrainConfig(
        backbone="mobilenet_v3_small", strategy="full", pretrained=False, epochs=10, batch_size=16
    )
    result = Trainer(config, shapes32).fit()
    assert result.outcome == "finished", result.message
    assert max(e.val_accuracy for e in result.history) >= 0.9


# ----------------------------------------------------------------------- cancel and resume


def test_cancel_stops_within_a_batch_and_resume_continues(shapes32, resnet18_weights, tmp_path):
    checkpoint = tmp_path / "run.ckpt"
    config = head_config(checkpoint=str(checkpoint))
    token = CancelToken()
    recorder = Recorder()

    def cancel_in_epoch_3(event):
        if isinstance(event, BatchEnded) and event.epoch == 3:
            token.cancel()

    result = Trainer(config, shapes32, [recorder, cancel_in_epoch_3]).fit(cancel=token)
    assert result.outcome == "cancelled"
    assert "epoch 3, batch 2" in result.message  # asked during batch 1, stopped before batch 2
    assert [e.epoch for e in result.history] == [1, 2]
    last_batch = recorder.of(BatchEnded)[-1]
    assert (last_batch.epoch, last_batch.batch) == (3, 1)
    assert recorder.events[-1] == FitEnded(
        "cancelled",
        result.message,
        result.best_epoch,
        recorder.events[-1].best_val_accuracy,
        2,
        recorder.events[-1].seconds,
    )
    assert result.model is not None and result.metadata is not None  # loadable
    saved = torch.load(checkpoint, weights_only=True)
    assert saved["epoch"] == 2 and len(saved["history"]) == 2

    resumed_events = Recorder()
    resumed = Trainer(config, shapes32, [resumed_events]).fit(resume=checkpoint)
    assert resumed.outcome == "finished", resumed.message
    assert [e.epoch for e in resumed_events.of(EpochEnded)] == list(range(3, 13))
    assert [e.epoch for e in resumed.history] == list(range(1, 13))

    # the resumed run equals an uninterrupted one (same weights, optimizer, RNG, order)
    straight = Trainer(head_config(), shapes32).fit()
    assert [e.train_loss for e in resumed.history] == pytest.approx(
        [e.train_loss for e in straight.history], rel=1e-5
    )

    # a changed dataset or other settings are refused, as a failed outcome
    changed = DatasetIndex(shapes32.root, shapes32.class_names, shapes32.samples[:-1], None)
    refused = Trainer(config, changed).fit(resume=checkpoint)
    assert refused.outcome == "failed" and isinstance(refused.error, ResumeError)
    assert "dataset changed" in refused.message
    touched = shapes32.samples[0].path
    stat = touched.stat()
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert Trainer(config, shapes32).fit(resume=checkpoint).outcome == "failed"
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    other = Trainer(head_config(strategy="partial"), shapes32).fit(resume=checkpoint)
    assert other.outcome == "failed" and "strategy" in other.message


# ----------------------------------------------------------------- NaN, out of memory, bugs


def test_non_finite_loss_stops_with_the_message_and_keeps_good_weights(shapes32, resnet18_weights):
    calls = {"n": 0}

    class LossGoesNanInEpoch2(TrainStep):
        def loss(self, logits, targets):
            calls["n"] += 1
            loss = super().loss(logits, targets)
            return loss * float("nan") if calls["n"] == 5 else loss  # 4 batches per epoch

    recorder = Recorder()
    result = Trainer(head_config(), shapes32, [recorder], seams=Seams(step=LossGoesNanInEpoch2)).fit()
    assert result.outcome == "failed"
    assert "loss became NaN/inf at epoch 2, batch 1" in result.message
    assert "lower the learning rate (currently 0.002)" in result.message
    assert result.best_epoch == 1 and len(result.history) == 1
    assert all(torch.isfinite(p).all() for p in result.model.parameters())
    assert isinstance(recorder.events[-1], FitEnded) and recorder.events[-1].outcome == "failed"


def test_out_of_memory_halves_the_batch_and_finishes(shapes32, resnet18_weights):
    class SmallGpu(TrainStep):
        def __call__(self, module, inputs, targets):
            if inputs.shape[0] > 8:
                raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 MiB")
            return super().__call__(module, inputs, targets)

    recorder = Recorder()
    result = Trainer(head_config(epochs=3), shapes32, [recorder], seams=Seams(step=SmallGpu)).fit()
    assert result.outcome == "finished", result.message
    warnings = [e.message for e in recorder.of(Logged) if e.level == "warning"]
    assert any("batch size 32" in w and "batch size 16" in w for w in warnings)
    assert any("batch size 16" in w and "batch size 8" in w for w in warnings)
    assert {e.batches for e in recorder.of(BatchEnded)} == {16}  # 128 images / 8
    assert [e.epoch for e in result.history] == [1, 2, 3]


def test_out_of_memory_at_batch_size_one_fails_clearly(shapes32, resnet18_weights):
    class NoMemory(TrainStep):
        def __call__(self, module, inputs, targets):
            raise RuntimeError("CUDA error: out of memory")

    result = Trainer(head_config(epochs=1, batch_size=4), shapes32, seams=Seams(step=NoMemory)).fit()
    assert result.outcome == "failed"
    assert "even at batch size 1" in result.message


def test_a_bug_becomes_failed_with_the_traceback_in_the_log(shapes32, resnet18_weights):
    class Broken(TrainStep):
        def __call__(self, module, inputs, targets):
            return 1 / 0

    recorder = Recorder()
    result = Trainer(head_config(epochs=1), shapes32, [recorder], seams=Seams(step=Broken)).fit()
    assert result.outcome == "failed" and "unexpectedly" in result.message
    errors = [e.message for e in recorder.of(Logged) if e.level == "error"]
    assert any("Traceback" in m and "ZeroDivisionError" in m for m in errors)
    assert len(recorder.of(FitEnded)) == 1


def test_user_errors_become_failed_outcomes(shapes32):
    recorder = Recorder()
    result = Trainer(TrainConfig(backbone="resnet34"), shapes32, [recorder]).fit()
    assert result.outcome == "failed" and isinstance(result.error, WeightsUnavailable)
    assert "resnet34" in result.message and "from scratch" in result.message
    assert [type(e) for e in recorder.events] == [Logged, FitEnded]
    with pytest.raises(WeightsUnavailable):
        Trainer(TrainConfig(backbone="resnet34"), shapes32).plan()
    if not torch.cuda.is_available():
        failed = Trainer(TrainConfig(pretrained=False, device="cuda:0"), shapes32).fit()
        assert failed.outcome == "failed" and "no CUDA GPU" in failed.message
    with pytest.raises(BackboneStudioError, match="no trained model"):
        result.save("never.safetensors")


# -------------------------------------------------------------------------- reproducibility


def test_same_seed_same_history(shapes32, resnet18_weights):
    def losses(seed):
        config = head_config(epochs=4, feature_views=2, seed=seed)
        history = Trainer(config, shapes32).fit().history
        return [(e.train_loss, e.val_loss) for e in history]

    first = losses(0)
    assert all(math.isfinite(v) for pair in first for v in pair)
    assert losses(0) == first
    assert losses(1) != first


def test_a_file_that_breaks_after_the_scan_is_skipped_with_a_warning(tmp_path, resnet18_weights):
    index = scan_folder(make_demo_dataset(tmp_path / "d", classes=2, per_class=12, size=32)).index
    broken = index.samples[3].path
    broken.write_bytes(b"\xff\xd8 this is no longer a JPEG")
    recorder = Recorder()
    result = Trainer(head_config(epochs=2), index, [recorder]).fit()
    assert result.outcome == "finished", result.message
    warnings = [e.message for e in recorder.of(Logged) if e.level == "warning"]
    assert len([w for w in warnings if str(broken) in w]) == 1


def test_class_names_that_are_not_utf8_become_displayable():
    latin1 = b"caf\xe9".decode("utf-8", "surrogateescape")  # how Python sees such a folder
    names = displayable_names(["dogs", latin1, "café"])
    assert names == ["dogs", "café", "café (2)"]
    for name in names:
        name.encode("utf-8")


def test_checkpoint_every_spaces_the_writes_but_keeps_each_stage_end(shapes32, resnet18_weights,
                                                                   tmp_path):  # fmt: skip
    from core.training import CheckpointStore, read_checkpoint_summary
    from core.training.checkpoint import save_atomically

    written: list[int] = []

    def counted(state, path):
        written.append(state["epoch"])
        save_atomically(state, path)

    def store(config):
        return CheckpointStore(config.checkpoint, config.checkpoint_every, write=counted)

    checkpoint = tmp_path / "run.ckpt"
    every_epoch = Trainer(head_config(checkpoint=str(checkpoint)), shapes32,
                          seams=Seams(store=store)).fit()  # fmt: skip
    assert every_epoch.outcome == "finished" and written == list(range(1, 13))

    written.clear()
    spaced = head_config(checkpoint=str(checkpoint), checkpoint_every=3600.0)
    assert Trainer(spaced, shapes32, seams=Seams(store=store)).fit().outcome == "finished"
    assert written == [1, 12]  # the first epoch, then only the stage's (here the fit's) end

    summary = read_checkpoint_summary(checkpoint)
    assert (summary.epoch, summary.total_epochs) == (12, 12)
    assert summary.data_root == str(shapes32.root)
    assert summary.class_names == tuple(shapes32.class_names)
    assert summary.config.checkpoint_every == 3600.0 and summary.saved_at is not None
    with pytest.raises(BackboneStudioError, match="checkpoint_every"):
        head_config(checkpoint_every=-1.0)
    (tmp_path / "junk.ckpt").write_bytes(b"junk")
    with pytest.raises(ResumeError, match="junk.ckpt"):
        read_checkpoint_summary(tmp_path / "junk.ckpt")


def test_damaged_checkpoint_settings_are_refused_naming_the_file(shapes32, tmp_path):
    from core.training import CHECKPOINT_VERSION

    path = tmp_path / "odd.ckpt"
    torch.save({"version": CHECKPOINT_VERSION, "config": "[" * 50_000}, path)
    result = Trainer(head_config(), shapes32).fit(resume=path)
    assert result.outcome == "failed" and isinstance(result.error, ResumeError)
    assert str(path) in result.message and "incomplete" in result.message


def test_early_stopping_ends_a_run_that_stopped_improving(shapes32, resnet18_weights):
    # a learning rate too small to change float32 weights: validation never improves after epoch 1
    config = head_config(epochs=30, learning_rate=1e-12, early_stopping=3)
    recorder = Recorder()
    result = Trainer(config, shapes32, [recorder]).fit()
    assert result.outcome == "finished", result.message
    assert [e.epoch for e in result.history] == [1, 2, 3, 4] and result.best_epoch == 1
    assert any("Early stopping" in e.message for e in recorder.of(Logged))


@pytest.mark.parametrize("kind", ["onecycle", "cosine"])
def test_schedules_warm_up_then_anneal(kind):
    from core.training import Schedule

    schedule = Schedule(kind, epochs=10)
    factors = [schedule.factor(i / 100) for i in range(101)]
    peak = factors.index(max(factors))
    assert factors[0] < 0.05 and max(factors) == pytest.approx(1.0, abs=0.01)
    assert 0 < peak <= 25  # warm-up first
    assert all(a >= b - 1e-12 for a, b in zip(factors[peak:-1], factors[peak + 1 :], strict=True))
    assert factors[-1] < 1e-4
    optimizer = torch.optim.AdamW(
        [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 1.0, "peak_lr": 0.5}]
    )
    assert schedule.apply(optimizer, 0.5) == pytest.approx(0.5 * schedule.factor(0.5))


def test_the_learning_rate_finder_suggests_a_rate_and_changes_nothing_after(shapes32,
                                                                            resnet18_weights):  # fmt: skip
    from core.training import LrRange, find_learning_rate

    config = head_config(epochs=3)
    before = Trainer(config, shapes32).fit()
    progress = []
    finding = find_learning_rate(config, shapes32, progress=lambda d, t: progress.append((d, t)),
                                 sweep=LrRange(start=1e-6, end=10.0, steps=40))  # fmt: skip
    assert finding.stage == "head" and progress[-1][0] == len(finding.learning_rates)
    rates = finding.learning_rates
    assert rates[0] == pytest.approx(1e-6) and all(b > a for a, b in zip(rates, rates[1:], strict=False))
    assert finding.suggestion is not None and 1e-5 < finding.suggestion < 1.0, finding.message
    assert "Suggested learning rate" in finding.message
    after = Trainer(config, shapes32).fit()  # the sweep leaves nothing behind
    assert [e.val_loss for e in after.history] == [e.val_loss for e in before.history]


def test_class_weights_never_push_every_prediction_towards_the_rare_classes():
    from core.training.loop import weighted_cross_entropy

    logits = torch.tensor([[4.0, 0.0, 0.0], [0.0, 4.0, 0.0]])  # confident and right
    targets = torch.tensor([0, 1])
    weights = torch.tensor([0.5, 1.0, 8.0])  # class 2 is rare
    plain = torch.nn.functional.cross_entropy(logits, targets, label_smoothing=0.1,
                                              reduction="none")  # fmt: skip
    expected = (plain * weights[targets]).sum() / weights[targets].sum()
    assert torch.allclose(weighted_cross_entropy(logits, targets, weights, 0.1), expected)
    # torch's own weight + label_smoothing charges these images for not predicting the rare
    # class 2, which none of them is: a strong pull towards it for every image (a negative
    # gradient raises the logit); ours only has the uniform smoothing's small one
    logits.requires_grad_(True)
    weighted_cross_entropy(logits, targets, weights, 0.1).backward()
    ours = logits.grad.clone()
    logits.grad = None
    torch.nn.functional.cross_entropy(logits, targets, weight=weights, label_smoothing=0.1).backward()
    assert (logits.grad[:, 2] < 10 * ours[:, 2]).all() and (ours[:, 2].abs() < 0.02).all()


def test_the_recipe_for_small_imbalanced_transparent_images(tmp_path):
    """The shape of data the one-click default once lost on, to the majority class: small RGBA
    icons at 12:1. The plan must choose what measured best there (docs/TRAINING.md): the cheap
    stride-2 small-image stem and no class weights; the loss is checked in the test above. The
    accuracy itself is guarded by `make bench` (budget: icons, >= 10 points above the plain
    loop and above the majority rate), too slow for this suite."""
    from benchmarks.smalldata import SmallSet, ensure_small_set
    from core.training import make_plan

    small = SmallSet("icons-guard", (120, 30, 10), (8, 2, 1), flip=True)  # 12:1
    root = ensure_small_set(small, tmp_path, log=lambda _: None)
    index = scan_folder(root / "train").index
    plan = make_plan(TrainConfig(backbone="resnet18", pretrained=False, device="cpu"), index)
    assert plan.image_size == 48 and plan.small_input and plan.stem_stride == 2
    assert plan.class_weights is None and plan.strategy == "full"
    assert any("Imbalanced classes" in note for note in plan.notes)
    model = build_model("resnet18", 3, small_input=True, stem_stride=plan.stem_stride)
    assert model.conv1.stride == (2, 2)


def test_the_learning_rate_finder_stops_at_a_blow_up_instead_of_failing(shapes32, resnet18_weights):
    from core.training import LrRange, find_learning_rate

    finding = find_learning_rate(head_config(), shapes32,
                                 sweep=LrRange(start=1e-3, end=1e9, steps=60))  # fmt: skip
    assert len(finding.learning_rates) < 60  # it stopped where the loss blew up
    last = finding.losses[-1]
    assert not math.isfinite(last) or last > 4 * min(finding.losses)


def test_running_out_of_memory_while_validating_says_what_to_do(shapes32, monkeypatch):
    """The validation after an epoch runs out of memory: the run fails with the epoch and what
    to do (a smaller batch or image size), not torch's message."""
    import core.training.stages as stages

    def out_of_memory(*args, **kwargs):
        raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(stages, "evaluate", out_of_memory)
    config = TrainConfig(backbone="resnet18", pretrained=False, strategy="full", epochs=1,
                         batch_size=16, image_size=32, seed=0)  # fmt: skip
    result = Trainer(config, shapes32).fit()
    assert result.outcome == "failed"
    assert "Out of memory" in result.message and "validating epoch 1" in result.message
    assert "smaller batch size" in result.message
