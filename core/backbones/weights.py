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
from ..messages import define
from .table import BackboneSpec, get_spec

_NO_PRETRAINED_WEIGHTS_TRAIN = define(
    "error.weights.no_pretrained_weights_train",
    "{display_name} has no pretrained weights; train it from scratch instead.",
)
_IMAGENET_WEIGHTS_NOT_COMPUTER = define(
    "error.weights.imagenet_weights_not_computer",
    "The ImageNet weights for {display_name} are not on this computer (expected {path}). "
    "Download them, import a weights file, or train from scratch.",
)
_NO_SUCH_FILE = define("error.weights.no_such_file", "{source}: no such file.")
_CACHED_WEIGHTS_FILE_DAMAGED = define(
    "error.weights.cached_weights_file_damaged",
    "The cached weights file {path} is damaged ({exc}). Delete it and download or import the "
    "weights again.",
)
_DOWNLOADED_WEIGHTS_CORRUPT_CHECKSUM = define(
    "error.weights.downloaded_weights_corrupt_checksum",
    "The downloaded weights for {display_name} are corrupt (checksum mismatch). Try again "
    "later.",
)
_CHOOSE_PTH_SAFETENSORS_WEIGHTS = define(
    "error.weights.choose_pth_safetensors_weights",
    "{exc} Choose a .pth or .safetensors weights file.",
)
_CANNOT_READ = define("error.weights.cannot_read", "{source} cannot be read: {error}.")
_NOT_WEIGHTS_FILE_CAN = define(
    "error.weights.not_weights_file_can",
    "{source} is not a weights file that can be read safely ({error}). Use a PyTorch state "
    "dict (.pth) or a .safetensors file.",
)
_DOES_NOT_FIT_PICK = define(
    "error.weights.does_not_fit_pick",
    "{source} does not fit {display_name}: {exc}. Pick the weights file made for "
    "{display_name} (torchvision's is {value}).",
)
_DOWNLOAD_WEIGHTS_CANCELLED = define(
    "error.weights.download_weights_cancelled",
    "Download of {display_name} weights cancelled.",
)


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
            _NO_PRETRAINED_WEIGHTS_TRAIN(display_name=spec.display_name)
        )
    return spec.weights


_OFFLINE = define(
    "error.weights.offline",
    "Could not download the ImageNet weights for {display_name} ({reason}). You seem to be "
    "offline. Either connect and try again, or fetch\n  {url}\non another machine and import it "
    "with 'Import weights file...' (or: backbone-studio-cli weights import {name} FILE). You can "
    "also train from scratch without pretrained weights.",
)


def _offline_message(spec: BackboneSpec, reason: str) -> str:
    weights = _require_weights(spec)
    return _OFFLINE(display_name=spec.display_name, reason=reason, url=weights.url, name=spec.name)


def cached_state_dict(name: str | BackboneSpec) -> dict[str, torch.Tensor]:
    """The cached ImageNet state dict (1000-class head); WeightsUnavailable if not cached."""
    spec = get_spec(name)
    _require_weights(spec)
    path = weights_file(spec)
    if not weights_cached(spec):
        raise WeightsUnavailable(
            _IMAGENET_WEIGHTS_NOT_COMPUTER(display_name=spec.display_name, path=path)
        )
    try:
        return _read_state_dict(path)
    except Exception as exc:  # noqa: BLE001 - any damage to the cache file is the same story
        raise WeightsUnavailable(
            _CACHED_WEIGHTS_FILE_DAMAGED(path=path, exc=exc)
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
                raise WeightsUnavailable(
                    _DOWNLOAD_WEIGHTS_CANCELLED(display_name=spec.display_name)
                )
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
                _DOWNLOADED_WEIGHTS_CORRUPT_CHECKSUM(display_name=spec.display_name)
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
        raise WeightsUnavailable(_NO_SUCH_FILE(source=source))
    try:
        state = _read_state_dict(source)
    except NotAFileError as exc:
        raise WeightsUnavailable(_CHOOSE_PTH_SAFETENSORS_WEIGHTS(exc=exc)) from None
    except OSError as exc:
        raise WeightsUnavailable(_CANNOT_READ(source=source, error=exc.strerror or exc)) from None
    except Exception as exc:  # noqa: BLE001 - report any unreadable file the same way
        raise WeightsUnavailable(
            _NOT_WEIGHTS_FILE_CAN(source=source, error=first_line(exc))
        ) from exc
    try:
        check_state_dict(spec, state)
    except ValueError as exc:
        raise WeightsUnavailable(
            _DOES_NOT_FIT_PICK(
                source=source,
                display_name=spec.display_name,
                exc=exc,
                value=os.path.basename(spec.weights.url),
            )
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
