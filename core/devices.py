"""What hardware there is, and what it can do.

`list_devices()` lists every CUDA GPU, Apple MPS and the CPU; `resolve_device("auto")` picks the
best. Capabilities decide precision: CUDA autocasts to bf16 where the GPU supports it (else fp16
with a gradient scaler); the CPU uses bf16 only with native support (AVX512-BF16 or AMX), because
emulated bf16 on an AVX2-only CPU is several times slower than fp32.
"""

from __future__ import annotations

import functools
import os
import platform
from dataclasses import dataclass
from pathlib import Path

import torch

from .errors import BackboneStudioError
from .messages import define

_UNKNOWN_DEVICE_USE_AUTO = define(
    "error.device.unknown_device_use_auto",
    "Unknown device '{spec}'. Use auto, cpu, mps or cuda:N.",
)
_DEVICE_ASKED_BUT_NO = define(
    "error.device.device_asked_but_no",
    "Device '{spec}' was asked for, but no CUDA GPU is available here. Use --device auto or "
    "cpu.",
)
_DEVICE_DOES_NOT_EXIST = define(
    "error.device.device_does_not_exist",
    "Device '{spec}' does not exist; this machine has {value}.",
)
_GPU_ONE = define("words.gpu_one", "{n:,} GPU")
_GPU_MANY = define("words.gpu_many", "{n:,} GPUs")


def _gpus(n: int) -> str:
    """plural(n, "GPU") as a message."""
    return (_GPU_ONE if n == 1 else _GPU_MANY)(n=n)


_APPLE_MPS_ASKED_BUT = define(
    "error.device.apple_mps_asked_but",
    "Apple MPS was asked for, but it is not available here.",
)


@dataclass(frozen=True)
class DeviceInfo:
    id: str  # "cuda:0", "mps", "cpu": what torch.device() takes
    kind: str  # "cuda", "mps" or "cpu"
    name: str  # human-readable
    memory_bytes: int | None  # total memory where known
    threads: int | None  # CPU threads torch uses
    precision: str  # what training autocasts to: "bf16", "fp16" or "fp32"

    @property
    def label(self) -> str:
        """One line for a combo box or a table."""
        extra = []
        if self.memory_bytes:
            extra.append(f"{self.memory_bytes / 2**30:.1f} GiB")
        if self.threads:
            extra.append(f"{self.threads} threads")
        extra.append(self.precision)
        return f"{self.name} ({', '.join(extra)})"


@functools.lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (Linux /proc/cpuinfo); empty where unknown."""
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags") or line.startswith("Features"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


@functools.lru_cache(maxsize=1)
def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "CPU"


def cpu_has_native_bf16() -> bool:
    """True only where the CPU computes bf16 in hardware (AVX512-BF16 or AMX-BF16).

    Apple silicon and other ARM CPUs report `bf16` in their features on recent cores.
    `BACKBONE_STUDIO_CPU_BF16=0/1` overrides the detection.
    """
    override = os.environ.get("BACKBONE_STUDIO_CPU_BF16")
    if override in {"0", "1"}:
        return override == "1"
    flags = cpu_flags()
    return bool({"avx512_bf16", "amx_bf16", "bf16"} & flags)


def cuda_precision(index: int) -> str:
    if not torch.cuda.is_available():
        return "fp32"
    major, _minor = torch.cuda.get_device_capability(index)
    if major >= 8 and torch.cuda.is_bf16_supported():
        return "bf16"
    return "fp16" if major >= 7 else "fp32"


def mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def list_devices() -> list[DeviceInfo]:
    """Every device training can run on, best first (CUDA GPUs, then MPS, then the CPU)."""
    devices: list[DeviceInfo] = []
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            devices.append(
                DeviceInfo(f"cuda:{i}", "cuda", props.name, props.total_memory, None, cuda_precision(i))
            )
    if mps_available():
        devices.append(DeviceInfo("mps", "mps", "Apple GPU (MPS)", None, None, "fp16"))
    devices.append(
        DeviceInfo(
            "cpu",
            "cpu",
            cpu_name(),
            _total_memory(),
            torch.get_num_threads(),
            "bf16" if cpu_has_native_bf16() else "fp32",
        )
    )
    return devices


def _total_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def resolve_device(spec: str | torch.device | None = "auto") -> torch.device:
    """'auto' -> best available; 'cuda' -> cuda:0; refuses devices that are not there."""
    if isinstance(spec, torch.device):
        spec = str(spec)
    spec = (spec or "auto").strip().lower()
    if spec == "auto":
        return torch.device(list_devices()[0].id)
    if spec == "cuda":
        spec = "cuda:0"
    if spec.startswith("cuda"):
        if not torch.cuda.is_available():
            raise BackboneStudioError(
                _DEVICE_ASKED_BUT_NO(spec=spec)
            )
        index = int(spec.split(":", 1)[1]) if ":" in spec else 0
        if index >= torch.cuda.device_count():
            raise BackboneStudioError(
                _DEVICE_DOES_NOT_EXIST(spec=spec, value=_gpus(torch.cuda.device_count()))
            )
        return torch.device(f"cuda:{index}")
    if spec == "mps":
        if not mps_available():
            raise BackboneStudioError(_APPLE_MPS_ASKED_BUT())
        return torch.device("mps")
    if spec == "cpu":
        return torch.device("cpu")
    raise BackboneStudioError(_UNKNOWN_DEVICE_USE_AUTO(spec=spec))


def device_info(device: torch.device | str) -> DeviceInfo:
    device = resolve_device(device)
    for info in list_devices():
        if info.id == str(device) or (device.type == "cuda" and info.id == f"cuda:{device.index or 0}"):
            return info
    return list_devices()[-1]


def autocast_dtype(device: torch.device | str) -> torch.dtype | None:
    """The dtype training autocasts to on this device, or None for plain fp32."""
    precision = device_info(device).precision
    return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision)
