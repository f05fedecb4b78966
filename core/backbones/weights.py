"""Pretrained ImageNet weights: torchvision's cache, explicit download, and safe import.

Weights are never downloaded implicitly: `build_model(pretrained=True)` reads the local cache and
raises `WeightsUnavailable` when the file is not there; the GUI and CLI call `download_weights()`
(with progress) or `import_weights()` explicitly. Nothing is ever unpickled: `.pth` files are
read with `torch.load(weights_only=True)`.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import torch
from torchvision.models import WeightsEnum

from ..errors import NotAFileError, WeightsUnavailable
from ..events import CancelToken, ProgressCallback
from ..fileio import atomic_write, open_for_reading
from .table import BackboneSpec, get_spec


def weights_cache_dir() -> Path:
    """torchvision's own hub cache, so weights another tool downloaded are found too."""
    return Path(torch.hub.get_dir()) / "checkpoints"


def weights_file(name: str | BackboneSpec) -> Path | None:
    """Where this backbone's ImageNet weights are (or would be) cached; None if it has none."""
    spec = get_spec(name)
    if spec.weights is None:
        return None
    return weights_cache_dir() / os.path.basename(spec.weights.url)


def weights_cached(name: str | BackboneSpec) -> bool:
    path = weights_file(name)
    return path is not None and path.is_file() and path.stat().st_size > 0


def _require_weights(spec: BackboneSpec) -> WeightsEnum:
    if spec.weights is None:
        raise WeightsUnavailable(
            f"{spec.display_name} has no pretrained weights; train it from scratch instead."
        )
    return spec.weights


def _offline_message(spec: BackboneSpec, reason: str) -> str:
    weights = _require_weights(spec)
    return (
        f"Could not download the ImageNet weights for {spec.display_name} ({reason}). "
        f"You seem to be offline. Either connect and try again, or fetch\n  {weights.url}\n"
        f"on another machine and import it with 'Import weights file...' "
        f"(or: backbone-studio-cli weights import {spec.name} FILE). "
        f"You can also train from scratch without pretrained weights."
    )


def cached_state_dict(name: str | BackboneSpec) -> dict[str, torch.Tensor]:
    """The cached ImageNet state dict (1000-class head); WeightsUnavailable if not cached."""
    spec = get_spec(name)
    _require_weights(spec)
    path = weights_file(spec)
    if not weights_cached(spec):
        raise WeightsUnavailable(
            f"The ImageNet weights for {spec.display_name} are not on this computer "
            f"(expected {path}). Download them, import a weights file, "
            f"or train from scratch."
        )
    try:
        return _read_state_dict(path)
    except Exception as exc:  # noqa: BLE001 - any damage to the cache file is the same story
        raise WeightsUnavailable(
            f"The cached weights file {path} is damaged ({exc}). Delete it and download or "
            f"import the weights again."
        ) from exc


def _hash_prefix(url: str) -> str | None:
    """torchvision file names end in -<first hex digits of the sha256>.pth."""
    match = re.search(r"-([a-f0-9]{6,})\.pth$", os.path.basename(url))
    return match.group(1) if match else None


def download_weights(
    name: str | BackboneSpec,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download a backbone's ImageNet weights into the cache, reporting progress(done, total).

    Raises WeightsUnavailable (offline, server error, hash mismatch, cancelled) and leaves no
    partial file behind.
    """
    spec = get_spec(name)
    weights = _require_weights(spec)
    target = weights_file(spec)
    if weights_cached(spec):
        return target
    try:
        response = urllib.request.urlopen(weights.url, timeout=timeout)  # noqa: S310
    except (urllib.error.URLError, OSError) as exc:
        raise WeightsUnavailable(_offline_message(spec, str(getattr(exc, "reason", exc)))) from exc
    sha = hashlib.sha256()
    total = int(response.headers.get("Content-Length") or 0)
    kept = "Nothing was added to the weights cache; the download can be tried again."
    with response, atomic_write(target, size_hint=total or None, kept=kept,
                                make_folder=True) as out:  # fmt: skip
        done = 0
        while True:
            if cancel is not None and cancel.cancelled:
                raise WeightsUnavailable(f"Download of {spec.display_name} weights cancelled.")
            try:
                chunk = response.read(1 << 20)
            except OSError as exc:
                raise WeightsUnavailable(_offline_message(spec, f"connection lost: {exc}")) from exc
            if not chunk:
                break
            out.write(chunk)
            sha.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        if total and done != total:
            raise WeightsUnavailable(_offline_message(spec, f"got {done} of {total} bytes"))
        expected = _hash_prefix(weights.url)
        if expected and not sha.hexdigest().startswith(expected):
            raise WeightsUnavailable(
                f"The downloaded weights for {spec.display_name} are corrupt (checksum mismatch). "
                f"Try again later."
            )
    return target


def _read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """Read a state dict without unpickling code: .safetensors, or torch.load(weights_only).
    A pipe, device or folder is refused before it is opened (NotAFileError)."""
    with open_for_reading(path, "a weights file") as fh:
        head = fh.read(16)
    if len(head) < 8:
        raise ValueError("the file is empty or truncated")
    if path.suffix.lower() == ".safetensors" or _looks_like_safetensors(head):
        from safetensors.torch import load_file

        state = load_file(str(path))
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    for key in ("state_dict", "model", "model_state_dict"):
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError("it does not hold a state dict of tensors")
    if state and all(k.startswith("module.") for k in state):  # saved from DataParallel
        state = {k[len("module.") :]: v for k, v in state.items()}
    return state


def _looks_like_safetensors(head: bytes) -> bool:
    length = int.from_bytes(head[:8], "little")
    return 0 < length < 100_000_000 and head[8:9] == b"{"


def _describe(keys: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(list(keys)[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def check_state_dict(spec: BackboneSpec, state: dict[str, torch.Tensor]) -> None:
    """Raise ValueError unless `state` fits the backbone's 1000-class architecture exactly."""
    with torch.device("meta"):
        reference = spec.builder(weights=None).state_dict()
    missing = [k for k in reference if k not in state]
    unexpected = [k for k in state if k not in reference]
    mismatched = [
        f"{k} {tuple(state[k].shape)} (expected {tuple(reference[k].shape)})"
        for k in reference
        if k in state and tuple(state[k].shape) != tuple(reference[k].shape)
    ]
    problems = []
    if missing:
        problems.append(f"missing {len(missing)} tensors ({_describe(missing)})")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected tensors ({_describe(unexpected)})")
    if mismatched:
        problems.append(f"{len(mismatched)} with the wrong shape ({_describe(mismatched)})")
    if problems:
        raise ValueError("; ".join(problems))


def import_weights(name: str | BackboneSpec, source: str | Path) -> Path:
    """Check a local weights file against the architecture and put it into the cache.

    Accepts a .pth/.pt state dict (read with weights_only=True, never unpickling code) or a
    .safetensors file, holding the 1000-class ImageNet model. Returns the cached path.
    """
    spec = get_spec(name)
    _require_weights(spec)
    source = Path(source)
    if not os.path.lexists(source):
        raise WeightsUnavailable(f"{source}: no such file.")
    try:
        state = _read_state_dict(source)
    except NotAFileError as exc:
        raise WeightsUnavailable(f"{exc} Choose a .pth or .safetensors weights file.") from None
    except OSError as exc:
        raise WeightsUnavailable(f"{source} cannot be read: {exc.strerror or exc}.") from None
    except Exception as exc:  # noqa: BLE001 - report any unreadable file the same way
        raise WeightsUnavailable(
            f"{source} is not a weights file that can be read safely ({first_line(exc)}). "
            f"Use a PyTorch state dict (.pth) or a .safetensors file."
        ) from exc
    try:
        check_state_dict(spec, state)
    except ValueError as exc:
        raise WeightsUnavailable(
            f"{source} does not fit {spec.display_name}: {exc}. Pick the weights file made for "
            f"{spec.display_name} (torchvision's is {os.path.basename(spec.weights.url)})."
        ) from exc
    target = weights_file(spec)
    size = sum(v.numel() * v.element_size() for v in state.values())
    kept = f"{source} is unchanged; nothing was added to the weights cache."
    with atomic_write(target, size_hint=size + 2**20, kept=kept, make_folder=True) as handle:
        torch.save({k: v.contiguous() for k, v in state.items()}, handle)
    return target


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def imagenet_categories(name: str | BackboneSpec) -> list[str]:
    spec = get_spec(name)
    return list(_require_weights(spec).meta["categories"])
