"""Backbone Studio performance suite: every speed claim as a ratio against a naive baseline.

`python -m benchmarks SCENARIO|all [--quick] [--out DIR]` (or `make bench`). Each scenario runs
our path (the real `core` code) and the plain PyTorch code a person would otherwise write, in
the same run, alternating repeats, and reports the median ratio, absolute figures and, where it
makes sense, the fraction of the measured hardware peak. See docs/PERFORMANCE.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .harness import RunContext, ScenarioResult


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    run: Callable[[RunContext], ScenarioResult]


def _lazy(module: str, function: str = "run") -> Callable[[RunContext], ScenarioResult]:
    """Import a scenario's module only when it runs (torchvision/core imports are slow)."""

    def run(ctx: RunContext) -> ScenarioResult:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{module}"), function)(ctx)

    return run


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("peak", "fp32 and bf16 matmul GFLOP/s: the hardware limits", _lazy("peak")),
    Scenario("decode", "12 MP JPEG to tensor vs plain PIL (target >= 3x)", _lazy("decode")),
    Scenario("predict-latency", "one dropped 12 MP photo to a result (target <= 150 ms)",
             _lazy("predict", "run_latency")),
    Scenario("predict-folder", "200 12 MP JPEGs vs one-at-a-time (target >= 3x)",
             _lazy("predict", "run_folder")),
    Scenario("sort", "sort 200 12 MP JPEGs into class folders vs predict-folder (target >= 0.9x)",
             _lazy("sort")),
    Scenario("train-head", "10 head epochs on 256 1080p JPEGs vs naive frozen / full "
             "(targets >= 8x / >= 20x)", _lazy("train", "run_head")),
    Scenario("train-full", "full fine-tuning epoch throughput vs naive (>= 1.3x, >= 60 % of peak)",
             _lazy("train", "run_full")),
    Scenario("gpu", "resnet50 AMP + channels_last vs fp32 training (CUDA only)", _lazy("gpu")),
    Scenario("budget", "from scratch within a time budget vs the plain loop for the same seconds "
             "(targets: +4 pt on 10k clutter digits in 5 min, +10 pt on 900 icons, on time)",
             _lazy("budget")),
    Scenario("runtimes", "ONNX Runtime fp32 / INT8 and OpenVINO vs PyTorch fp32: batch-1 latency "
             "and batch-32 throughput (ResNet-18, MobileNetV3-Large)", _lazy("runtimes")),
    Scenario("audit", "data audit of 2,000 images vs one feature pass (<= 1.3x); Grad-CAM vs a "
             "forward pass (<= 2.5x)", _lazy("audit")),
)

SCENARIO_NAMES = tuple(s.name for s in SCENARIOS)


def get_scenario(name: str) -> Scenario:
    for scenario in SCENARIOS:
        if scenario.name == name:
            return scenario
    raise KeyError(f"unknown scenario {name!r}; choose from: all, {', '.join(SCENARIO_NAMES)}")
