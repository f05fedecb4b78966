"""`peak`: measured matrix-multiply GFLOP/s, the denominator of every limit fraction.

Square matmuls through torch (MKL / oneDNN on the CPU) at the thread count the other scenarios
use, the best of several timed repeats after a warm-up: the highest rate this machine sustained
for dense arithmetic in this run, in fp32 and in bf16. Convolution training cannot beat the peak
of the precision it computes in, so `achieved / peak` says how close a scenario came to the
hardware. Training on the CPU autocasts to bf16 where `core.devices` finds native bf16
(AVX512-BF16 or AMX; `BACKBONE_STUDIO_CPU_BF16=0/1` overrides), so its fraction is taken of the
bf16 peak there and of the fp32 peak elsewhere (`cpu_training_precision`).
"""

from __future__ import annotations

import time

import torch

from .harness import RunContext, ScenarioResult

PRECISION_DTYPES: dict[str, torch.dtype] = {
    "fp32": torch.float32,
    "bf16": torch.bfloat16,
    "fp16": torch.float16,
}


def cpu_training_precision() -> str:
    """What the Trainer computes in on the CPU: "bf16" (autocast) where the CPU has native bf16
    according to `core.devices` (`BACKBONE_STUDIO_CPU_BF16=0/1` overrides), else "fp32"."""
    from core.devices import cpu_has_native_bf16

    return "bf16" if cpu_has_native_bf16() else "fp32"


def measure_matmul_gflops(
    quick: bool = False, device: str = "cpu", dtype: torch.dtype = torch.float32
) -> dict[str, float | list[float]]:
    """Best and median GFLOP/s of n x n @ n x n matmuls (2 n^3 FLOPs each)."""
    n = 1024 if quick else 2048
    repeats = 3 if quick else 7
    calls = 1 if quick else 4
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    out = torch.empty(n, n, device=device, dtype=dtype)
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    for _ in range(2):
        torch.mm(a, b, out=out)
    sync()
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            torch.mm(a, b, out=out)
        sync()
        rates.append(2 * n**3 * calls / (time.perf_counter() - start) / 1e9)
    rates.sort()
    return {"best": rates[-1], "median": rates[len(rates) // 2], "n": n, "rates": rates}


def run(ctx: RunContext) -> ScenarioResult:
    training = cpu_training_precision()
    result = ScenarioResult("peak", "fp32 and bf16 matrix multiply, the hardware limits used below")
    fp32 = measure_matmul_gflops(quick=ctx.quick, dtype=torch.float32)
    bf16 = measure_matmul_gflops(quick=ctx.quick, dtype=torch.bfloat16)
    ctx.set_peak(float(fp32["best"]), "fp32")
    ctx.set_peak(float(bf16["best"]), "bf16")
    result.params = {"n": fp32["n"], "threads": ctx.threads, "dtypes": ["float32", "bfloat16"],
                     "cpu_training_precision": training}  # fmt: skip
    n = fp32["n"]
    result.figure("gflops", f"fp32 matmul {n}^3, best of repeats", fp32["best"], "GFLOP/s")
    result.figure("gflops_median", "fp32 matmul, median of repeats", fp32["median"], "GFLOP/s")
    result.figure("bf16_gflops", f"bf16 matmul {n}^3, best of repeats", bf16["best"], "GFLOP/s")
    result.figure("bf16_gflops_median", "bf16 matmul, median of repeats", bf16["median"], "GFLOP/s")
    result.notes.append(
        f"peak = best of {len(fp32['rates'])} timed repeats with {ctx.threads} torch threads; "
        f"CPU training computes in {training} here, so its '% of peak' is of the {training} peak "
        "(prediction and the naive loops run in fp32: theirs is of the fp32 peak)"
    )
    return result
