"""The distributed pieces that need no second process: the event stream, the launcher's
command line and messages, the plan's global batch and learning rate, the shards, and the CPU
SyncBatchNorm (in a process group of one)."""

from __future__ import annotations

import signal
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from core import events as ev
from core.cli.distributed import child_argv
from core.distributed import DistributedRuntime, decode, encode
from core.distributed.launch import (
    LaunchOptions,
    failure_message,
    gpu_count_for,
    torchrun_arguments,
)
from core.distributed.runtime import RunSampler
from core.distributed.syncbn import GlooSyncBatchNorm, convert_sync_batchnorm, revert_sync_batchnorm
from core.errors import BackboneStudioError
from core.training.plan import StageSpec


def test_every_event_survives_a_json_line():
    plan = ev.FitPlan("resnet18", "full", False, True, "cpu", "CPU", "fp32", 32, 8, 2, 1e-3, 32, 8,
                      ("a", "b"), ("full",), ("a note",))  # fmt: skip
    metrics = (ev.ClassMetrics("a", 1.0, 0.5, 0.66, 4), ev.ClassMetrics("b", 0.5, 1.0, 0.66, 4))
    events = [
        ev.FitStarted(plan),
        ev.StageStarted("full", 2, "Training every layer"),
        ev.FeaturePassProgressed(3, 10),
        ev.BatchEnded(1, 2, 4, 2, 0.5, 1e-3, 100.0, None),
        ev.EpochEnded(1, 2, "full", 0.7, 0.5, 0.6, 0.625, metrics, ((2, 2), (1, 3)), 1.5, 20.0, True),
        ev.Logged("note", "warning"),
        ev.FitEnded("finished", "Finished.", 1, 0.625, 2, 3.0),
    ]
    for event in events:
        line = encode(event)
        assert "\n" not in line
        assert decode(line + "\n") == event
    assert decode("note: something else") is None
    assert decode('{"event": "Unknown", "data": {}}') is None
    assert decode('{"event": "Logged", "data": {"bad": 1}}') is None


def test_the_launcher_options_stay_with_the_launcher():
    argv = ["train", "data", "--backbone", "resnet18", "--nproc-per-node", "2", "--nnodes=1",
            "--rdzv-endpoint", "h:1", "--gpus=all", "--epochs", "3", "--max-restarts", "1"]
    assert child_argv(argv) == ["train", "data", "--backbone", "resnet18", "--epochs", "3"]


def test_torchrun_gets_a_free_local_rendezvous_or_the_endpoint():
    local = torchrun_arguments(LaunchOptions(2), ["train", "x"])
    assert "--standalone" in local and "--nproc-per-node=2" in local
    assert local[-4:] == ["--module", "core", "train", "x"]
    multi = torchrun_arguments(LaunchOptions(4, "2", 1, "node0:29400"), ["train"])
    assert "--rdzv-backend=c10d" in multi and "--rdzv-endpoint=node0:29400" in multi
    assert "--nnodes=2" in multi and "--standalone" not in multi
    with pytest.raises(BackboneStudioError, match="needs --rdzv-endpoint"):
        LaunchOptions(2, "2").check()
    with pytest.raises(BackboneStudioError, match="at least 1"):
        LaunchOptions(0).check()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message without CUDA")
def test_gpus_all_without_a_gpu_says_what_to_do():
    assert gpu_count_for(None) is None
    with pytest.raises(BackboneStudioError, match="no CUDA GPU"):
        gpu_count_for("all")
    with pytest.raises(BackboneStudioError, match="takes 'all'"):
        gpu_count_for("2")


def test_the_failure_message_names_the_killed_rank():
    def failure(code, pid, local):
        return SimpleNamespace(exitcode=code, pid=pid, local_rank=local, timestamp=100)

    text = failure_message({0: failure(1, 11, 0), 1: failure(-signal.SIGKILL, 12, 1)})
    assert text.startswith("Rank 1 of the distributed run (local rank 1, process 12) was killed by SIGKILL")
    assert "1 other rank failed with it" in text
    assert "exited with status 3" in failure_message({2: failure(3, 13, 0)})
    # SIGTERM is how the launcher stops the others: the rank that failed by itself is the cause
    stopped = failure_message({0: failure(-signal.SIGTERM, 11, 0), 1: failure(1, 12, 1)})
    assert stopped.startswith("Rank 1 of the distributed run (local rank 1, process 12) exited")


def _plan(batch: int, n_train: int = 400, budget=None):
    return SimpleNamespace(batch_size=batch, train_samples=[0] * n_train, time_budget=budget,
                           stages=[StageSpec("head", 3, [2e-3]), StageSpec("full", 2, [1e-5, 1e-3])],
                           notes=[])  # fmt: skip


def test_an_automatic_batch_grows_with_the_ranks_and_the_learning_rate_with_it():
    runtime = DistributedRuntime(0, 4, torch.device("cpu"))
    plan = _plan(16)
    runtime.adjust_plan(plan, SimpleNamespace(batch_size=None), resumed=False)
    assert plan.batch_size == 64 and runtime.per_device_batch == 16
    assert plan.stages[0].peak_lrs == [pytest.approx(8e-3)]
    assert plan.stages[1].peak_lrs == [pytest.approx(4e-5), pytest.approx(4e-3)]
    notes = " ".join(plan.notes)
    assert "Global batch 64 = 16 per device x 4 processes" in notes and "x4" in notes
    assert runtime.sync_batchnorm and "SyncBatchNorm" in notes


def test_a_chosen_batch_keeps_its_learning_rate_and_must_split_evenly():
    runtime = DistributedRuntime(1, 2, torch.device("cpu"))
    plan = _plan(64)
    runtime.adjust_plan(plan, SimpleNamespace(batch_size=64), resumed=False)
    assert plan.batch_size == 64 and plan.stages[0].peak_lrs == [2e-3]
    assert runtime.per_device_batch == 32 and not runtime.sync_batchnorm
    with pytest.raises(BackboneStudioError, match="multiple of 3"):
        DistributedRuntime(0, 3, torch.device("cpu")).adjust_plan(
            _plan(8), SimpleNamespace(batch_size=8), resumed=False
        )
    with pytest.raises(BackboneStudioError, match="time budget"):
        runtime.adjust_plan(_plan(8, budget=60.0), SimpleNamespace(batch_size=8), resumed=False)


def test_the_ranks_shards_of_a_step_are_the_one_process_batch():
    data = list(range(40))
    generators = [torch.Generator().manual_seed(5) for _ in range(3)]
    one = list(RunSampler(data, 1, 0, seed=7, generator=generators[0]))
    shards = [list(RunSampler(data, 2, rank, seed=7, generator=generators[1 + rank]))
              for rank in range(2)]  # fmt: skip
    for step in range(5):  # a global batch of 8: 4 per rank
        together = shards[0][step * 4 : step * 4 + 4] + shards[1][step * 4 : step * 4 + 4]
        assert sorted(together) == sorted(one[step * 8 : step * 8 + 8])


@pytest.fixture
def group_of_one(tmp_path):
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0,
                            world_size=1)  # fmt: skip
    yield
    dist.destroy_process_group()


def test_the_cpu_syncbatchnorm_is_batchnorm_in_a_group_of_one(group_of_one):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                          nn.LazyLinear(2))  # fmt: skip
    x = torch.randn(6, 3, 8, 8)
    model(x)
    plain = {k: v.clone() for k, v in model.state_dict().items()}
    expected = model(x)
    expected.square().sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    statistics = (model[1].running_mean.clone(), model[1].running_var.clone())
    model.load_state_dict(plain)
    model.zero_grad()
    synced, changed = convert_sync_batchnorm(model, cuda=False)
    assert changed == 1 and isinstance(synced[1], GlooSyncBatchNorm)
    got = synced(x)
    got.square().sum().backward()
    assert torch.allclose(got, expected, atol=1e-5)
    for mine, theirs in zip((p.grad for p in synced.parameters()), grads, strict=True):
        assert torch.allclose(mine, theirs, atol=1e-4)
    assert torch.allclose(synced[1].running_mean, statistics[0], atol=1e-6)
    assert torch.allclose(synced[1].running_var, statistics[1], atol=1e-5)
    assert list(synced.state_dict()) == list(plain)  # the same names: checkpoints fit either
    assert isinstance(revert_sync_batchnorm(synced)[1], nn.BatchNorm2d)
