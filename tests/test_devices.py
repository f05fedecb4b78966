"""Device discovery and the precision rules (never bf16 on a CPU without native support)."""

from __future__ import annotations

import pytest
import torch

from core import devices
from core.errors import BackboneStudioError


def test_cpu_is_always_listed_last():
    listed = devices.list_devices()
    assert listed[-1].id == "cpu" and listed[-1].kind == "cpu"
    assert listed[-1].threads == torch.get_num_threads()
    assert "threads" in listed[-1].label


def test_auto_picks_the_first_listed_device():
    assert str(devices.resolve_device("auto")) == devices.list_devices()[0].id
    assert devices.resolve_device("CPU") == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU message")
def test_missing_cuda_is_a_clear_error():
    with pytest.raises(BackboneStudioError, match="no CUDA GPU"):
        devices.resolve_device("cuda:0")


def test_unknown_device_is_a_clear_error():
    with pytest.raises(BackboneStudioError, match="Unknown device"):
        devices.resolve_device("tpu")


@pytest.mark.parametrize(
    ("flags", "native"),
    [
        ({"avx2", "fma", "sse4_2"}, False),  # an AVX2-only EPYC/Core: emulated bf16 is slow
        ({"avx2", "avx512f", "avx512_bf16"}, True),  # Cooper Lake, Zen 4
        ({"avx2", "amx_bf16", "amx_tile"}, True),  # Sapphire Rapids
        (set(), False),
    ],
)
def test_cpu_bf16_only_with_native_support(monkeypatch, flags, native):
    monkeypatch.delenv("BACKBONE_STUDIO_CPU_BF16", raising=False)
    monkeypatch.setattr(devices, "cpu_flags", lambda: frozenset(flags))
    assert devices.cpu_has_native_bf16() is native
    cpu = next(d for d in devices.list_devices() if d.kind == "cpu")
    assert cpu.precision == ("bf16" if native else "fp32")
    assert devices.autocast_dtype("cpu") == (torch.bfloat16 if native else None)


def test_bf16_override(monkeypatch):
    monkeypatch.setattr(devices, "cpu_flags", lambda: frozenset({"avx512_bf16"}))
    monkeypatch.setenv("BACKBONE_STUDIO_CPU_BF16", "0")
    assert not devices.cpu_has_native_bf16()


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_devices_have_names_memory_and_amp():
    gpus = [d for d in devices.list_devices() if d.kind == "cuda"]
    assert gpus and all(d.memory_bytes and d.precision in {"bf16", "fp16"} for d in gpus)


def test_events_are_plain_frozen_data():
    import dataclasses

    from core import events

    event = events.BatchEnded(1, 1, 10, 1, 0.5, 1e-3, 100.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.loss = 1.0  # type: ignore[misc]
    token = events.CancelToken()
    assert not token.cancelled
    token.cancel()
    assert token.cancelled
    throttle = events.Throttle(per_second=1000)
    assert throttle.ready() and throttle.ready(force=True)

    seen = []

    def broken(event):
        raise RuntimeError("observer bug")

    events.emit([broken, seen.append], event)
    assert seen == [event]
