"""`peak`: measured fp32 matrix-multiply GFLOP/s, the denominator of every limit fraction.

Square fp32 matmuls through torch (MKL / oneDNN on the CPU) at the thread count the other
scenarios use, the best of several timed repeats after a warm-up: the highest rate this machine
sustained for dense fp32 arithmetic in this run. Convolution training cannot beat it, so
`achieved / peak` says how close a scenario came to the hardware.
"""

from __future__ import annotations

import time

import torch

from .harness import RunContext, ScenarioResult


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
    result = ScenarioResult("peak", "fp32 matrix multiply, the hardware limit used below")
    measured = measure_matmul_gflops(quick=ctx.quick)
    ctx.set_peak(float(measured["best"]))
    result.params = {"n": measured["n"], "threads": ctx.threads, "dtype": "float32"}
    result.figure("gflops", f"fp32 matmul {measured['n']}^3, best of repeats", measured["best"],
                  "GFLOP/s")
    result.figure("gflops_median", "fp32 matmul, median of repeats", measured["median"], "GFLOP/s")
    result.notes.append(
        f"peak = best of {len(measured['rates'])} timed repeats with {ctx.threads} torch threads; "
        "the denominator of every '% of peak' figure"
    )
    return result
