"""`runtimes`: the exported model in each runtime against PyTorch fp32, in the same run.

ResNet-18 and MobileNetV3-Large, built from scratch (10 classes, 224 px; --quick: ResNet-18 at
64 px), exported the way `backbone-studio-cli export` does (core.export.convert): ONNX (dynamo
exporter) run by ONNX Runtime, static INT8 ONNX (calibrated on 32 random inputs: the speed does
not depend on what the calibration saw) and OpenVINO IR converted from the ONNX file. PyTorch fp32
is run the way core.predict runs it on the CPU (eval, inference_mode, channels_last). Every
runtime uses the same thread count. Measured, alternating the order each repeat:

* batch-1 latency: the median of single-image forwards, in ms;
* batch-32 throughput: images per second over whole batches.

Reported as speed-ups over PyTorch (PyTorch's time / the runtime's, per repeat, median): above 1
the runtime is faster. A runtime that is not installed is skipped with a note. The max |Δ logit|
against PyTorch on one random batch is noted, so a fast but wrong runtime shows.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import torch

from .harness import RunContext, ScenarioResult, alternate

BACKBONES = ("resnet18", "mobilenet_v3_large")
CLASSES = 10


def _model(name: str) -> torch.nn.Module:
    from core.backbones import build_model

    torch.manual_seed(0)
    return build_model(name, CLASSES, pretrained=False).eval()


def _runtimes(model, size: int, folder, threads: int, log) -> dict:
    """name -> callable(batch ndarray) -> logits, for every runtime that can run here."""
    from core.export import convert, standalone
    from core.export.formats import BY_NAME

    channels_last = model.to(memory_format=torch.channels_last)

    def pytorch(x):
        with torch.inference_mode():
            tensor = torch.from_numpy(x).contiguous(memory_format=torch.channels_last)
            return channels_last(tensor).numpy()

    runs = {"pytorch": pytorch}
    if BY_NAME["onnx"].missing():
        log(f"    skipping ONNX Runtime: {BY_NAME['onnx'].missing()}")
        return runs
    onnx_path = convert.write_file(folder / "model.onnx", convert.onnx_bytes(model, size, {}))
    runs["ort_fp32"] = standalone.Runtime(onnx_path, threads).logits
    calibration = np.random.default_rng(0).standard_normal((32, 3, size, size)).astype(np.float32)
    int8 = convert.write_int8(onnx_path, calibration, folder / "model.int8.onnx")
    runs["ort_int8"] = standalone.Runtime(int8, threads).logits
    if BY_NAME["openvino"].missing():
        log(f"    skipping OpenVINO: {BY_NAME['openvino'].missing()}")
    else:
        xml = convert.write_openvino(onnx_path, folder / "openvino")
        runs["openvino"] = standalone.Runtime(xml, threads).logits
    return runs


def _timed(run, batch: np.ndarray, calls: int):
    def once() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            run(batch)
        return (time.perf_counter() - start) / calls

    return once


LABELS = {"ort_fp32": "ONNX Runtime fp32", "ort_int8": "ONNX Runtime INT8",
          "openvino": "OpenVINO"}  # fmt: skip


def _measure(ctx: RunContext, result: ScenarioResult, name: str, size: int) -> None:
    with ctx.scratch_dir(f"runtimes-{name}-") as folder:
        model = _model(name)
        with torch.inference_mode():
            reference_batch = np.random.default_rng(1).standard_normal((8, 3, size, size))
            reference_batch = reference_batch.astype(np.float32)
            expected = model(torch.from_numpy(reference_batch)).numpy()
        runs = _runtimes(model, size, folder, ctx.threads, ctx.log)
        for key, run in runs.items():
            if key != "pytorch":
                delta = float(np.abs(run(reference_batch) - expected).max())
                result.notes.append(f"{name} {LABELS[key]}: max |Δ logit| vs PyTorch {delta:.3g}")
        repeats = ctx.repeats_or(5)
        one = np.random.default_rng(2).standard_normal((1, 3, size, size)).astype(np.float32)
        many = np.random.default_rng(3).standard_normal((32, 3, size, size)).astype(np.float32)
        for run in runs.values():  # warm-up: first calls allocate and pick kernels
            run(one), run(many)
        ctx.log(f"  {name}: batch-1 latency")
        latency = alternate({k: _timed(r, one, 3 if ctx.quick else 20) for k, r in runs.items()},
                            repeats, ctx.log)  # fmt: skip
        ctx.log(f"  {name}: batch-32 throughput")
        batch = alternate({k: _timed(r, many, 1 if ctx.quick else 3) for k, r in runs.items()},
                          repeats, ctx.log)  # fmt: skip
    result.figure(f"{name}_pytorch_ms", f"{name} PyTorch fp32: batch-1 latency",
                  statistics.median(latency["pytorch"]) * 1e3, "ms")  # fmt: skip
    result.figure(f"{name}_pytorch_ips", f"{name} PyTorch fp32: batch-32 throughput",
                  32 / statistics.median(batch["pytorch"]), "img/s")  # fmt: skip
    for key in (k for k in runs if k != "pytorch"):
        label = f"{name} {LABELS[key]}"
        result.figure(f"{name}_{key}_ms", f"{label}: batch-1 latency",
                      statistics.median(latency[key]) * 1e3, "ms")  # fmt: skip
        result.figure(f"{name}_{key}_ips", f"{label}: batch-32 throughput",
                      32 / statistics.median(batch[key]), "img/s")  # fmt: skip
        result.ratio(f"{name}_{key}_latency_x", f"{label}: batch-1 speed-up vs PyTorch",
                     latency[key], latency["pytorch"])  # fmt: skip
        result.ratio(f"{name}_{key}_throughput_x", f"{label}: batch-32 speed-up vs PyTorch",
                     batch[key], batch["pytorch"])  # fmt: skip


def run(ctx: RunContext) -> ScenarioResult:
    size = 64 if ctx.quick else 224
    names = BACKBONES[:1] if ctx.quick else BACKBONES
    result = ScenarioResult("runtimes", "exported model per runtime vs PyTorch fp32 (speed-up)")
    result.params = {"backbones": list(names), "image_size": size, "classes": CLASSES,
                     "threads": ctx.threads, "batch": [1, 32]}  # fmt: skip
    for name in names:
        _measure(ctx, result, name, size)
    return result
