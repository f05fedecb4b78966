"""A rank killed mid-epoch fails the whole job with a clear message, leaves no process behind,
and keeps a checkpoint that resumes on 2 processes and on 1."""

from __future__ import annotations

import pytest
import torch
from dist_helpers import TRAIN_ARGS, processes_mentioning, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def killed(tiny_data, tmp_path_factory):
    """A 2-epoch run on 2 processes whose rank 1 is SIGKILLed after batch 1 of epoch 2 (the
    checkpoint of epoch 1 is written by then)."""
    out = tmp_path_factory.mktemp("killed")
    run = run_cli(
        ["train", str(tiny_data), *TRAIN_ARGS, "--epochs", "2", "--events-json",
         "--out", str(out / "model.safetensors"), "--nproc-per-node", "2"],
        BACKBONE_STUDIO_TEST_KILL_RANK="1:2:1",
    )  # fmt: skip
    return run, out


def test_a_killed_rank_fails_the_job_clearly(killed, tiny_data):
    run, out = killed
    assert run.returncode == 1, run.stderr[-3000:]
    assert "Rank 1 of the distributed run" in run.stderr
    assert "was killed by SIGKILL, so the launcher stopped every rank" in run.stderr
    assert f"The last checkpoint {out / 'model.ckpt'} is kept" in run.stderr
    assert "Traceback" not in run.stderr
    # rank 0 says why it stopped, as a message (not "a bug")
    (ended,) = run.events("FitEnded")
    assert ended.outcome == "failed" and "lost contact" in ended.message
    assert ended.epochs_completed == 1
    assert processes_mentioning(str(tiny_data)) == []  # no rank left behind


@pytest.mark.parametrize("nproc", [2, 1])
def test_the_checkpoint_resumes(killed, tiny_data, tmp_path, nproc):
    _run, out = killed
    checkpoint = out / "model.ckpt"
    saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
    assert saved["epoch"] == 1
    target = tmp_path / "resumed.safetensors"
    run = run_cli(["train", str(tiny_data), *TRAIN_ARGS, "--epochs", "2", "--events-json",
                   "--out", str(target), "--checkpoint", str(tmp_path / "resumed.ckpt"),
                   "--resume", str(checkpoint), "--nproc-per-node", str(nproc)])  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    epochs = run.events("EpochEnded")
    assert [e.epoch for e in epochs] == [2]  # went on after epoch 1
    (started,) = run.events("FitStarted")
    assert started.plan.batch_size == 8  # the checkpoint's global batch, split over nproc
    assert f"{8 // nproc} images per device" in " ".join(started.plan.notes)
    assert target.is_file()


def test_a_user_error_is_said_once(tiny_data, tmp_path):
    run = run_cli(["train", str(tiny_data), *TRAIN_ARGS, "--image-size", "16", "--epochs", "1",
                   "--out", str(tmp_path / "model.safetensors"), "--nproc-per-node", "2"])
    assert run.returncode == 2
    assert run.stderr.count("Image size 16 px is too small for ResNet-18") == 1
    assert "Rank " not in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []
