"""A 2-process run and a 1-process run with the same global batch, seed and SyncBatchNorm train
the same model; only rank 0 writes. Both runs go through the CLI and torch's elastic launcher
(gloo on the CPU), as a user runs them."""

from __future__ import annotations

import pytest
import torch
from dist_helpers import TRAIN_ARGS, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tiny_data, tmp_path_factory):
    """{processes: (Run, output folder)} for 1 and 2 processes, one epoch each."""
    result = {}
    for nproc in (2, 1):
        out = tmp_path_factory.mktemp(f"out{nproc}")
        run = run_cli(["train", str(tiny_data), *TRAIN_ARGS, "--epochs", "1", "--events-json",
                       "--out", str(out / "model.safetensors"), "--nproc-per-node", str(nproc)])
        assert run.returncode == 0, run.stderr[-3000:]
        result[nproc] = (run, out)
    return result


def _losses(run) -> dict[int, float]:
    return {e.step: e.loss for e in run.events("BatchEnded")}


def test_same_losses_on_the_first_steps(runs):
    two, one = _losses(runs[2][0]), _losses(runs[1][0])
    common = sorted(set(two) & set(one))
    assert common[:1] == [1] and len(common) >= 2  # the first and last batch are always reported
    for step in common:
        assert two[step] == pytest.approx(one[step], abs=1e-4), step
    (epoch2,), (epoch1,) = runs[2][0].events("EpochEnded"), runs[1][0].events("EpochEnded")
    assert epoch2.train_loss == pytest.approx(epoch1.train_loss, abs=1e-4)
    assert epoch2.val_loss == pytest.approx(epoch1.val_loss, abs=1e-4)
    assert epoch2.confusion == epoch1.confusion  # validation sharded and gathered: all 8 images
    assert sum(map(sum, epoch2.confusion)) == 8


def test_same_model_after_one_epoch(runs):
    states = {
        n: torch.load(out / "model.ckpt", map_location="cpu", weights_only=True)["model"]
        for n, (_run, out) in runs.items()
    }
    assert states[1].keys() == states[2].keys()
    assert not any(k.startswith("module.") for k in states[2])  # saved unwrapped (no DDP prefix)
    worst = max(
        float((states[1][k].double() - states[2][k].double()).abs().max())
        for k in states[1] if states[1][k].is_floating_point()
    )  # fmt: skip
    assert worst < 1e-4, worst
    # and it trained: the weights moved away from their initial values in both runs
    assert states[1]["fc.weight"].abs().sum() > 0


def test_the_plan_says_how_the_batch_is_split(runs):
    (started,) = runs[2][0].events("FitStarted")
    notes = " ".join(started.plan.notes)
    assert "Data parallel over 2 processes (gloo): 4 images per device" in notes
    assert "SyncBatchNorm" in notes
    assert "unscaled" in notes  # the chosen global batch keeps its learning rate
    assert started.plan.batch_size == 8


def test_only_rank_0_writes(runs):
    for _nproc, (run, out) in runs.items():
        names = sorted(p.name for p in out.iterdir())
        assert [n for n in names if n.endswith(".safetensors")] == ["model.safetensors"], names
        assert [n for n in names if n.endswith(".ckpt")] == ["model.ckpt"], names
        assert not [n for n in names if "rank" in n or n.startswith(".") or "tmp" in n], names
        assert len(run.events("FitStarted")) == 1  # one rank reports
        assert len(run.events("FitEnded")) == 1
        assert run.stdout.count("saved the model to") == 1


def test_the_head_strategy_shards_its_feature_pass_and_trains_the_same(tiny_data, tmp_path):
    """The frozen backbone's feature pass is split over the ranks and gathered: both runs
    cache all 32 + 8 images and train the head to the same losses."""
    epochs = {}
    for nproc in (2, 1):
        out = tmp_path / f"head{nproc}"
        out.mkdir()
        args = [a if a != "full" else "head" for a in TRAIN_ARGS]
        run = run_cli(["train", str(tiny_data), *args, "--epochs", "2", "--events-json",
                       "--out", str(out / "model.safetensors"), "--nproc-per-node", str(nproc)])
        assert run.returncode == 0, run.stderr[-3000:]
        (progress,) = [e for e in run.events("FeaturePassProgressed") if e.done == e.total]
        assert progress.total == 40
        assert any("Cached (1, 32, 512) training and (1, 8, 512)" in e.message
                   for e in run.events("Logged"))  # fmt: skip
        epochs[nproc] = run.events("EpochEnded")
    assert len(epochs[1]) == len(epochs[2]) == 2
    for one, two in zip(epochs[1], epochs[2], strict=True):
        assert two.train_loss == pytest.approx(one.train_loss, abs=1e-4)
        assert two.val_loss == pytest.approx(one.val_loss, abs=1e-4)
