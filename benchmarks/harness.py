"""The shared harness: machine facts, alternating repeats, results as JSON and as a table.

Every scenario returns a `ScenarioResult`: absolute figures (`Figure`), target checks (`Check`)
and notes. Speed-ups are ratios taken per repeat from *alternating* runs of our path and the
naive baseline (A B, B A, A B, ...), so a change in machine load during the run hits both sides
alike; the reported ratio is the median of the per-repeat ratios.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch

SCHEMA_VERSION = 1
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CACHE_DIR = PACKAGE_DIR / ".cache"
DEFAULT_RESULTS_DIR = PACKAGE_DIR / "results"


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One absolute measurement, e.g. ('naive frozen, 10 epochs', 201.3, 's')."""

    key: str
    label: str
    value: float
    unit: str


@dataclass
class Check:
    """A target: `value` compared with `target` by `op` ('>=' or '<=')."""

    key: str
    label: str
    value: float
    op: str
    target: float
    unit: str
    values: list[float] = field(default_factory=list)  # per-repeat values behind a median

    @property
    def met(self) -> bool:
        return self.value >= self.target if self.op == ">=" else self.value <= self.target

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met}


@dataclass(frozen=True)
class Target:
    """What a figure must reach: `op` ('>=' or '<=') `value`, in `unit`."""

    op: str
    value: float
    unit: str


@dataclass
class ScenarioResult:
    name: str
    title: str
    status: str = "ok"  # "ok", "skipped" or "failed"
    params: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def figure(self, key: str, label: str, value: float, unit: str) -> float:
        self.figures.append(Figure(key, label, float(value), unit))
        return float(value)

    def check(
        self,
        key: str,
        label: str,
        value: float,
        target: Target,
        values: list[float] | None = None,
    ) -> Check:
        if target.op not in (">=", "<="):
            raise ValueError(f"op must be '>=' or '<=', not {target.op!r}")
        check = Check(key, label, float(value), target.op, float(target.value), target.unit,
                      [float(v) for v in values or []])  # fmt: skip
        self.checks.append(check)
        return check

    def ratio(
        self,
        key: str,
        label: str,
        ours: list[float],
        baseline: list[float],
        target: float | None = None,
    ) -> float:
        """Speed-up from paired per-repeat times (seconds, lower is better): median(baseline/ours)."""
        ratios = paired_ratios(baseline, ours)
        value = statistics.median(ratios)
        if target is None:
            self.figures.append(Figure(key, label, value, "x"))
        else:
            self.check(key, label, value, Target(">=", target, "x"), ratios)
        return value

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "params": self.params,
            "figures": [asdict(f) for f in self.figures],
            "checks": [c.to_dict() for c in self.checks],
            "notes": list(self.notes),
            "seconds": self.seconds,
        }


def paired_ratios(numerators: list[float], denominators: list[float]) -> list[float]:
    if len(numerators) != len(denominators) or not numerators:
        raise ValueError("paired ratios need two equally long, non-empty lists")
    return [n / d for n, d in zip(numerators, denominators, strict=True)]


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


@dataclass
class RunContext:
    """What every scenario gets: sizes, folders, repeats and the shared peak measurement."""

    quick: bool
    cache_dir: Path
    repeats: int | None = None  # None: each scenario's own default
    threads: int = field(default_factory=torch.get_num_threads)
    log: Callable[[str], None] = print
    _peaks: dict[str, float] = field(default_factory=dict)  # precision -> matmul GFLOP/s

    def repeats_or(self, default: int) -> int:
        if self.repeats is not None:
            return max(1, self.repeats)
        return 1 if self.quick else default

    def peak_gflops(self, precision: str = "fp32") -> float:
        """Matmul GFLOP/s in `precision` ("fp32", "bf16" or "fp16") at this thread count on the
        CPU; measured once per run and precision, and shared."""
        if precision not in self._peaks:
            from .peak import PRECISION_DTYPES, measure_matmul_gflops

            dtype = PRECISION_DTYPES[precision]
            self._peaks[precision] = measure_matmul_gflops(quick=self.quick, dtype=dtype)["best"]
        return self._peaks[precision]

    def set_peak(self, gflops: float, precision: str = "fp32") -> None:
        self._peaks[precision] = gflops

    @contextlib.contextmanager
    def scratch_dir(self, prefix: str) -> Iterator[Path]:
        """A fresh folder under the cache, removed afterwards (app caches, model files)."""
        base = self.cache_dir / "scratch"
        base.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)


def alternate(
    runs: dict[str, Callable[[], float]], repeats: int, log: Callable[[str], None] = print
) -> dict[str, list[float]]:
    """Run each callable `repeats` times, alternating the order (ABC, CBA, ABC, ...).

    Each callable returns the seconds (or other measure) of one run. The alternation puts every
    side first as often as last, so warm caches and drifting machine load favour none of them.
    """
    names = list(runs)
    out: dict[str, list[float]] = {name: [] for name in names}
    for repeat in range(repeats):
        order = names if repeat % 2 == 0 else list(reversed(names))
        for name in order:
            value = float(runs[name]())
            if not math.isfinite(value) or value <= 0:
                raise RuntimeError(f"{name}: measured a non-positive or non-finite value {value!r}")
            out[name].append(value)
            log(f"    repeat {repeat + 1}/{repeats} {name}: {value:.3f}")
    return out


class Stopwatch:
    """`with Stopwatch() as sw: ...; sw.seconds`: wall time with perf_counter."""

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


@contextlib.contextmanager
def environ(**values: str) -> Iterator[None]:
    """Set environment variables for the block and restore the previous ones after it."""
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# ---------------------------------------------------------------------------------------------
# Machine
# ---------------------------------------------------------------------------------------------


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def machine_info() -> dict[str, Any]:
    import PIL
    import torchvision

    from core.devices import cpu_has_native_bf16, cpu_name

    info: dict[str, Any] = {
        "cpu": cpu_name(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "torch_threads": torch.get_num_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "cpu_native_bf16": cpu_has_native_bf16(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "pillow": PIL.__version__,
        "device": "cpu",
        "device_name": cpu_name(),
        "cuda": None,
    }
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        info["cuda"] = {"name": props.name, "memory_gib": round(props.total_memory / 2**30, 1),
                        "capability": f"{props.major}.{props.minor}", "cuda": torch.version.cuda}
    return info


def _memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def build_report(
    results: list[ScenarioResult], machine: dict[str, Any], *, quick: bool, started: float,
    argv: list[str],
) -> dict[str, Any]:
    """The JSON report; `machine` is `machine_info()` plus the load averages before and after."""
    return {
        "schema": SCHEMA_VERSION,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m benchmarks " + " ".join(argv),
        "quick": quick,
        "seconds": round(time.perf_counter() - started, 2),
        "machine": machine,
        "scenarios": {r.name: r.to_dict() for r in results},
    }


def write_report(report: dict[str, Any], out_dir: Path) -> Path:
    """Write the report as `<out>/bench-<UTC time>.json` and `<out>/latest.json` (atomically)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    suffix = "-quick" if report["quick"] else ""
    path = out_dir / f"bench-{stamp}{suffix}.json"
    text = json.dumps(report, indent=2, allow_nan=False)
    for target in (path, out_dir / f"latest{suffix}.json"):
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, target)
    return path


def _format_value(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "%":
        return f"{value:.0f} %"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".rstrip()


def format_table(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"Backbone Studio benchmarks{' (quick)' if report['quick'] else ''}: {m['cpu']}, "
        f"{m['torch_threads']} torch threads of {m['usable_cores']} usable cores, "
        f"torch {m['torch']}, {m['device']}",
        f"load average (1/5/15 min) before {m['load_before']}, after {m['load_after']}; "
        f"{report['seconds']:.0f} s in all",
        "",
    ]
    rows: list[tuple[str, str, str, str]] = [("scenario", "measurement", "value", "target")]
    for scenario in report["scenarios"].values():
        name = scenario["name"]
        if scenario["status"] != "ok":
            rows.append((name, scenario["status"], "", "; ".join(scenario["notes"])[:60]))
            continue
        for f in scenario["figures"]:
            rows.append((name, f["label"], _format_value(f["value"], f["unit"]), ""))
            name = ""
        for c in scenario["checks"]:
            verdict = "met" if c["met"] else "MISSED"
            rows.append((name, c["label"], _format_value(c["value"], c["unit"]),
                         f"{c['op']} {_format_value(c['target'], c['unit'])}  {verdict}"))
            name = ""
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for i, row in enumerate(rows):
        lines.append(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}".rstrip()
        )
        if i == 0:
            lines.append("-" * (sum(widths) + 6))
    notes = [(s["name"], n) for s in report["scenarios"].values() for n in s["notes"]
             if s["status"] == "ok"]
    if notes:
        lines.append("")
        lines.extend(f"* {name}: {note}" for name, note in notes)
    return "\n".join(lines)


def format_markdown(report: dict[str, Any]) -> str:
    """The short README table: every target with its measured value, and the machine."""
    m = report["machine"]
    lines = [
        f"Measured {report['created'][:10]} on {m['cpu']} ({m['torch_threads']} torch threads, "
        f"{m['usable_cores']} cores), torch {m['torch']}, {m['device']}; load average "
        f"{_load_text(m['load_before'])} before, {_load_text(m['load_after'])} after.",
        "",
        "| scenario | measurement | value | target | |",
        "| --- | --- | --- | --- | --- |",
    ]
    for s in report["scenarios"].values():
        if s["status"] != "ok":
            lines.append(f"| `{s['name']}` | {s['status']}: {'; '.join(s['notes'])} | | | |")
            continue
        for f in s["figures"][:1]:  # the headline absolute figure, then the targets
            lines.append(f"| `{s['name']}` | {f['label']} | {_format_value(f['value'], f['unit'])} | | |")
        for c in s["checks"]:
            lines.append(
                f"| `{s['name']}` | {c['label']} | {_format_value(c['value'], c['unit'])} | "
                f"{c['op'].replace('>=', '≥').replace('<=', '≤')} {_format_value(c['target'], c['unit'])} | "
                f"{'met' if c['met'] else '**missed**'} |"
            )
    return "\n".join(lines)


def _load_text(load: list[float] | None) -> str:
    return "/".join(f"{x:.1f}" for x in load) if load else "unknown"
