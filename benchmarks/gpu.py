"""`gpu`: ResNet-50 training throughput, AMP + channels_last vs plain fp32 (CUDA only).

Both sides run the same training step (forward, cross-entropy, backward, SGD with momentum) on
the same synthetic batch already on the GPU, so the figure is the GPU's training speed, not the
input pipeline's. Ours autocasts to the dtype `core.devices.autocast_dtype` picks for the device
(bf16 on Ampere and newer, else fp16 with a gradient scaler), exactly as the Trainer does, and
keeps model and input in channels_last; the baseline is plain fp32, NCHW, torch defaults. Skipped
(status "skipped") where no CUDA device is present.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from dataclasses import dataclass

import torch
import torchvision
from torch import nn

from .harness import RunContext, ScenarioResult, alternate
from .peak import measure_matmul_gflops

ARCH = "resnet50"


@dataclass(frozen=True)
class Workload:
    """What one timing trains: `steps` steps (after `warmup`) of `arch` on a batch of `batch`
    synthetic `size` x `size` images."""

    batch: int
    size: int
    steps: int
    warmup: int = 3
    arch: str = ARCH


def train_throughput(
    device: torch.device,
    work: Workload,
    *,
    amp_dtype: torch.dtype | None,
    channels_last: bool,
) -> float:
    """Seconds for `work.steps` training steps of `work.arch` on one synthetic batch (after
    `work.warmup` untimed ones)."""
    torch.manual_seed(0)
    batch, size = work.batch, work.size
    model = getattr(torchvision.models, work.arch)(weights=None).to(device)
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=memory_format)
    x = torch.randn(batch, 3, size, size, device=device).contiguous(memory_format=memory_format)
    y = torch.randint(0, 1000, (batch,), device=device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    use_scaler = amp_dtype == torch.float16 and device.type == "cuda"
    scaler = torch.amp.GradScaler(device.type, enabled=use_scaler)

    def autocast():
        if amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device.type, dtype=amp_dtype)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        with autocast():
            loss = criterion(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    model.train()
    for _ in range(work.warmup):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(work.steps):
        step()
    sync()
    return time.perf_counter() - start


def run(ctx: RunContext) -> ScenarioResult:
    result = ScenarioResult("gpu", f"{ARCH} training, AMP + channels_last vs plain fp32")
    if not torch.cuda.is_available():
        result.status = "skipped"
        result.notes.append("no CUDA device on this machine")
        return result
    from core.devices import autocast_dtype, device_info

    device = torch.device("cuda:0")
    amp_dtype = autocast_dtype(device)
    batch, size, steps = (8, 64, 2) if ctx.quick else (64, 224, 20)
    images = batch * steps

    work = Workload(batch=batch, size=size, steps=steps)
    times = alternate(
        {
            "ours": lambda: train_throughput(device, work, amp_dtype=amp_dtype, channels_last=True),
            "plain fp32": lambda: train_throughput(device, work, amp_dtype=None,
                                                   channels_last=False),
        },
        ctx.repeats_or(3),
        ctx.log,
    )
    info = device_info(device)
    precision = {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(amp_dtype, "fp32")
    result.params = {"arch": ARCH, "device": info.name, "batch": batch, "size": size,
                     "steps": steps, "amp_dtype": precision, "repeats": len(times["ours"]),
                     "tf32_matmul": torch.backends.cuda.matmul.allow_tf32,
                     "tf32_cudnn": torch.backends.cudnn.allow_tf32}
    med = statistics.median
    ours_ips = images / med(times["ours"])
    plain_ips = images / med(times["plain fp32"])
    result.figure("ours_images_per_s", f"ours: AMP ({precision}) + channels_last", ours_ips, "images/s")
    result.figure("plain_images_per_s", "plain fp32", plain_ips, "images/s")
    result.ratio("speedup", "speed-up AMP + channels_last vs fp32", times["ours"], times["plain fp32"])

    from torch.utils.flop_counter import FlopCounterMode

    probe = getattr(torchvision.models, ARCH)(weights=None).eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        probe(torch.zeros(1, 3, size, size))
    train_flops = 3 * counter.get_total_flops()
    amp_peak = measure_matmul_gflops(ctx.quick, "cuda:0", amp_dtype or torch.float32)["best"]
    fp32_peak = measure_matmul_gflops(ctx.quick, "cuda:0", torch.float32)["best"]
    result.figure("amp_peak_tflops", f"{precision} matmul peak, measured", amp_peak / 1e3, "TFLOP/s")
    result.figure("fraction_of_peak", f"ours: % of {precision} matmul peak",
                  100 * ours_ips * train_flops / 1e9 / amp_peak, "%")
    result.figure("plain_fraction_of_peak", "plain: % of fp32 matmul peak",
                  100 * plain_ips * train_flops / 1e9 / fp32_peak, "%")
    result.notes.append("synthetic batch resident on the GPU: measures compute, not decoding")
    return result
