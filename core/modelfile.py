"""A trained model is ONE `.safetensors` file: the weights plus JSON metadata in its header.

Layout of a safetensors file: 8 bytes little-endian header length N, N bytes of JSON header
(tensor names -> dtype/shape/offsets, plus a string->string `__metadata__`), then the raw
tensor bytes. Backbone Studio stores its `ModelMetadata` as JSON under the one metadata key
`backbone_studio`.

Loading never unpickles anything: the header is checked by hand (length, JSON, offsets) before
any tensor is read, a PyTorch pickle / zip checkpoint is recognised by its first bytes and refused
without being opened, and every tensor name and shape is checked against the architecture the
metadata names. Saving is atomic: a temporary file in the same folder, fsync, `os.replace`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import struct
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import torch
from torch import nn

from . import __version__ as APP_VERSION
from .errors import BackboneStudioError, ModelFileError
from .fileio import atomic_replace

FORMAT_VERSION = 1
METADATA_KEY = "backbone_studio"
MAX_HEADER_BYTES = 100 * 2**20  # a real header is a few kB; anything above 100 MB is not ours
SUFFIX = ".safetensors"

_IMPORT_HINT = "import it as backbone weights instead (Weights > Import, or `backbone-studio-cli weights import`)"


@dataclass(frozen=True)
class ModelMetadata:
    """Everything needed to rebuild and use a trained model, stored in the file's header."""

    backbone: str
    small_input: bool
    class_names: tuple[str, ...]
    input_size: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    train_config: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    created: str = ""
    torch_version: str = ""
    torchvision_version: str = ""
    app_version: str = ""
    format_version: int = FORMAT_VERSION

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def to_json(self) -> str:
        data = asdict(self)
        data["class_names"] = list(self.class_names)
        data["mean"] = list(self.mean)
        data["std"] = list(self.std)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelMetadata:
        """Parse and validate; ValueError with a short reason when something is off."""
        try:
            data = json.loads(text)
        except RecursionError:  # a JSON nesting bomb: json.JSONDecodeError is a ValueError too
            raise ValueError("the metadata is nested absurdly deep") from None
        if not isinstance(data, dict):
            raise ValueError("the metadata is not a JSON object")
        known = {f.name for f in fields(cls)}
        missing = [
            name
            for name in ("backbone", "small_input", "class_names", "input_size", "mean", "std")
            if name not in data
        ]
        if missing:
            raise ValueError(f"the metadata lacks {', '.join(missing)}")
        values = {k: v for k, v in data.items() if k in known}  # newer optional keys are ignored
        names = values["class_names"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise ValueError("class_names must be a non-empty list of strings")
        if len(set(names)) != len(names):
            raise ValueError("class_names has duplicates")
        for key in ("mean", "std"):
            seq = values[key]
            if not isinstance(seq, list) or len(seq) != 3 or not all(
                isinstance(x, (int, float)) for x in seq
            ):
                raise ValueError(f"{key} must be three numbers")
            values[key] = tuple(float(x) for x in seq)
        if not isinstance(values["input_size"], int) or values["input_size"] <= 0:
            raise ValueError("input_size must be a positive integer")
        if not isinstance(values["backbone"], str):
            raise ValueError("backbone must be a name")
        values["class_names"] = tuple(names)
        values["small_input"] = bool(values["small_input"])
        for key in ("train_config", "metrics"):
            if not isinstance(values.get(key, {}), dict):
                raise ValueError(f"{key} must be a JSON object")
        version = values.get("format_version", FORMAT_VERSION)
        if not isinstance(version, int):
            raise ValueError("format_version must be an integer")
        return cls(**values)


def new_metadata(
    backbone: str,
    class_names,
    input_size: int,
    mean,
    std,
    *,
    small_input: bool = False,
    train_config: dict | None = None,
    metrics: dict | None = None,
) -> ModelMetadata:
    """A ModelMetadata with the creation time and library versions filled in."""
    import torchvision

    return ModelMetadata(
        backbone=backbone,
        small_input=bool(small_input),
        class_names=tuple(str(n) for n in class_names),
        input_size=int(input_size),
        mean=tuple(float(x) for x in mean),
        std=tuple(float(x) for x in std),
        train_config=dict(train_config or {}),
        metrics=dict(metrics or {}),
        created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        torch_version=torch.__version__,
        torchvision_version=torchvision.__version__,
        app_version=APP_VERSION,
        format_version=FORMAT_VERSION,
    )


# ----------------------------------------------------------------------------------------- save


def _tensors_for_save(model: nn.Module) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """CPU, contiguous tensors without shared storage, plus {alias: kept name} for exact aliases.

    safetensors refuses tensors that share memory (tied weights). Exact aliases (same storage,
    offset, shape and stride) are stored once and recorded; a partial overlap is stored as a copy.
    """
    tensors: dict[str, torch.Tensor] = {}
    aliases: dict[str, str] = {}
    seen_views: dict[tuple, str] = {}
    seen_storages: set[tuple] = set()
    for name, value in model.state_dict().items():
        value = value.detach()
        if value.device.type != "meta" and value.numel() > 0:
            storage = value.untyped_storage()
            view_key = (
                value.device.type,
                storage.data_ptr(),
                value.storage_offset(),
                tuple(value.shape),
                value.stride(),
                value.dtype,
            )
            if view_key in seen_views:
                aliases[name] = seen_views[view_key]
                continue
            seen_views[view_key] = name
            storage_key = (value.device.type, storage.data_ptr())
            shared = storage_key in seen_storages
            seen_storages.add(storage_key)
        else:
            shared = False
        value = value.to("cpu").contiguous()
        if shared or value.untyped_storage().nbytes() != value.numel() * value.element_size():
            value = value.clone()  # own, exactly-sized storage: nothing shared on disk
        tensors[name] = value
    return tensors, aliases


def save_model(path: str | Path, model: nn.Module, metadata: ModelMetadata) -> Path:
    """Write model weights + metadata as one `.safetensors` file, atomically.

    The file appears complete or not at all: on any failure a previous file at `path` is left
    untouched and the temporary file is removed.
    """
    from safetensors.torch import save_file

    path = Path(path)
    if path.suffix.lower() != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    if path.is_dir():
        raise ModelFileError(f"{path} is a folder; choose a file name ending in {SUFFIX}.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ModelFileError(f"Cannot save {path}: the folder {folder} does not exist.")
    _check_head(model, metadata)
    tensors, aliases = _tensors_for_save(model)
    header = {METADATA_KEY: metadata.to_json()}
    if aliases:
        header["aliases"] = json.dumps(aliases, sort_keys=True)

    try:
        with atomic_replace(path) as tmp:
            save_file(tensors, str(tmp), metadata=header)
    except BaseException as exc:
        if isinstance(exc, OSError):
            raise ModelFileError(
                f"Cannot save the model to {path}: {exc.strerror or exc}. "
                "Check that the folder is writable and the disk is not full."
            ) from exc
        raise
    _fsync_dir(folder)
    return path


def _check_head(model: nn.Module, metadata: ModelMetadata) -> None:
    """Refuse to write a file whose head and class names disagree (it could never load)."""
    from . import backbones

    try:
        spec = backbones.get_spec(metadata.backbone)
        head = model.get_submodule(spec.head_path)
    except (BackboneStudioError, AttributeError):
        return  # not a table backbone: load_model reports it
    outputs = getattr(head, "out_features", None)
    if outputs is not None and outputs != metadata.num_classes:
        raise ValueError(
            f"the model's head has {outputs} outputs but the metadata lists "
            f"{metadata.num_classes} class names"
        )


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable where the platform allows it (POSIX)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# ----------------------------------------------------------------------------------------- load

_PICKLE_PROTOCOL_BYTES = {bytes([0x80, p]) for p in range(2, 6)}


def _looks_like_pickle(head: bytes) -> bool:
    """torch.save's zip format (PK..) or a raw pickle stream (protocol 2..5)."""
    return head[:4] in (b"PK\x03\x04", b"PK\x05\x06") or head[:2] in _PICKLE_PROTOCOL_BYTES


def _read_header(path: Path) -> tuple[dict[str, Any], int, int]:
    """Parse and check the safetensors header without reading tensor data.

    Returns (header, header_length, file_size). ModelFileError on anything that is not a
    complete safetensors file.
    """
    if not path.exists():
        raise ModelFileError(f"Model file {path} does not exist. Check the path.")
    if path.is_dir():
        raise ModelFileError(f"{path} is a folder, not a model file. Choose a {SUFFIX} file.")
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(8)
            if _looks_like_pickle(head):
                raise ModelFileError(
                    f"{path} looks like a PyTorch pickle checkpoint, not a Backbone Studio model; "
                    f"{_IMPORT_HINT}. It was not opened: pickle files can run code."
                )
            if len(head) < 8:
                raise ModelFileError(
                    f"{path} is empty or truncated ({size} bytes), not a Backbone Studio model. "
                    "Save or copy the model again."
                )
            (length,) = struct.unpack("<Q", head)
            if length > MAX_HEADER_BYTES or length > size - 8:
                raise ModelFileError(
                    f"{path} is not a Backbone Studio model (its first bytes announce a "
                    f"{length:,}-byte header in a {size:,}-byte file): it is truncated or another "
                    f"kind of file. Choose a {SUFFIX} model saved by Backbone Studio."
                )
            raw = handle.read(length)
    except OSError as exc:
        raise ModelFileError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # nesting bomb too
        raise ModelFileError(
            f"{path} is not a Backbone Studio model: its header is not valid JSON "
            f"(a damaged or foreign file). Choose a {SUFFIX} model saved by Backbone Studio."
        ) from None
    if not isinstance(header, dict):
        raise ModelFileError(f"{path} is not a Backbone Studio model: its header is not a JSON object.")

    data_bytes = size - 8 - length
    needed = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        offsets = entry.get("data_offsets") if isinstance(entry, dict) else None
        if (
            not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1]
            or not isinstance(entry.get("shape"), list)
        ):
            raise ModelFileError(f"{path} is damaged: the entry for tensor '{name}' is malformed.")
        needed = max(needed, offsets[1])
    if needed > data_bytes:
        raise ModelFileError(
            f"{path} is truncated: it holds {data_bytes:,} bytes of weights but its header "
            f"needs {needed:,}. The file was cut short (interrupted copy or download); "
            "save or copy it again."
        )
    return header, length, size


def _metadata_from_header(path: Path, header: dict[str, Any]) -> ModelMetadata:
    extra = header.get("__metadata__")
    text = extra.get(METADATA_KEY) if isinstance(extra, dict) else None
    if not isinstance(text, str):
        raise ModelFileError(
            f"{path} is a safetensors file but not a Backbone Studio model (it has no "
            f"'{METADATA_KEY}' metadata). If it holds pretrained backbone weights, {_IMPORT_HINT}."
        )
    try:
        metadata = ModelMetadata.from_json(text)
    except (ValueError, TypeError) as exc:
        raise ModelFileError(f"{path} has damaged Backbone Studio metadata: {exc}.") from None
    if metadata.format_version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} was saved in model format {metadata.format_version} by a newer Backbone "
            f"Studio (app {metadata.app_version or 'unknown'}); this version reads format "
            f"{FORMAT_VERSION}. Update Backbone Studio to open it."
        )
    if metadata.format_version < 1:
        raise ModelFileError(f"{path} has an unknown model format version {metadata.format_version}.")
    return metadata


def read_metadata(path: str | Path) -> ModelMetadata:
    """The metadata of a model file, reading only its header (fast, no weights loaded)."""
    path = Path(path)
    header, _length, _size = _read_header(path)
    return _metadata_from_header(path, header)


def load_model(path: str | Path, device: str | torch.device = "cpu") -> tuple[nn.Module, ModelMetadata]:
    """Rebuild the model a file describes, check every tensor, load the weights, eval mode."""
    from safetensors import SafetensorError
    from safetensors.torch import safe_open

    from . import backbones

    path = Path(path)
    header, _length, _size = _read_header(path)
    metadata = _metadata_from_header(path, header)
    try:
        spec = backbones.get_spec(metadata.backbone)
    except BackboneStudioError:
        raise ModelFileError(
            f"{path} uses the backbone '{metadata.backbone}', which this version of Backbone "
            "Studio does not know. Update Backbone Studio to open it."
        ) from None
    try:
        # On the meta device: no time spent on a random initialisation the file overwrites.
        with torch.device("meta"):
            model = backbones.build_model(
                spec.name, metadata.num_classes, pretrained=False, small_input=metadata.small_input
            )
    except BackboneStudioError as exc:
        raise ModelFileError(f"Cannot rebuild the model in {path}: {exc}") from exc

    aliases_text = header.get("__metadata__", {}).get("aliases")
    try:
        aliases = json.loads(aliases_text) if isinstance(aliases_text, str) else {}
    except (json.JSONDecodeError, RecursionError):
        aliases = {}
    if not isinstance(aliases, dict):
        aliases = {}
    aliases = {k: v for k, v in aliases.items() if isinstance(k, str) and isinstance(v, str)}
    in_file = {name: entry for name, entry in header.items() if name != "__metadata__"}
    expected = model.state_dict()

    head_key = f"{spec.head_path}.weight"
    if head_key in in_file and head_key in expected:
        file_outputs = in_file[head_key]["shape"][0] if in_file[head_key]["shape"] else None
        if file_outputs != metadata.num_classes:
            raise ModelFileError(
                f"{path} is inconsistent: its classifier head has {file_outputs} outputs but its "
                f"metadata lists {metadata.num_classes} class names. The file was edited or "
                "damaged; train or export the model again."
            )
    missing = [k for k in expected if k not in in_file and aliases.get(k) not in in_file]
    unexpected = [k for k in in_file if k not in expected]
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {', '.join(missing[:3])})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {', '.join(unexpected[:3])})")
        raise ModelFileError(
            f"{path} does not match the {spec.name} architecture its metadata names: tensors "
            f"{'; '.join(parts)}. The file is damaged or was not saved by Backbone Studio."
        )
    for name, tensor in expected.items():
        entry = in_file.get(name) or in_file[aliases[name]]
        if list(entry["shape"]) != list(tensor.shape):
            raise ModelFileError(
                f"{path} does not match its metadata: tensor '{name}' has shape "
                f"{tuple(entry['shape'])} in the file but {spec.name} with "
                f"{metadata.num_classes} classes needs {tuple(tensor.shape)}. The file is damaged "
                "or was edited; train or export the model again."
            )

    state: dict[str, torch.Tensor] = {}
    try:
        with safe_open(str(path), framework="pt", device="cpu") as reader:
            for name in in_file:
                # A copy in freshly allocated (64-byte aligned) memory: oneDNN picks its kernels
                # by alignment, and the reloaded model must compute bit-identical outputs.
                state[name] = reader.get_tensor(name).clone()
    except (SafetensorError, OSError, RuntimeError, ValueError) as exc:
        raise ModelFileError(
            f"{path} is damaged and cannot be read ({exc}). Save or copy the model again."
        ) from None
    for alias, kept in aliases.items():
        if alias in expected and alias not in state and kept in state:
            state[alias] = state[kept]
    bad = [n for n, t in state.items() if t.is_floating_point() and not torch.isfinite(t).all()]
    if bad:
        raise ModelFileError(
            f"{path} holds non-finite weights (NaN/inf in {', '.join(bad[:3])}); it cannot "
            "make predictions. Train the model again."
        )
    try:
        model.load_state_dict(state, strict=True, assign=True)
    except RuntimeError as exc:
        raise ModelFileError(f"{path} does not fit the {spec.name} architecture: {exc}") from None
    left_on_meta = [
        name
        for name, tensor in [*model.named_parameters(), *model.named_buffers()]
        if tensor.is_meta
    ]
    if left_on_meta:  # a non-persistent buffer the file cannot hold: rebuild the slow way
        model = backbones.build_model(
            spec.name, metadata.num_classes, pretrained=False, small_input=metadata.small_input
        )
        model.load_state_dict(state, strict=True)
    model.eval()
    try:
        model.to(device if isinstance(device, torch.device) else _device(device))
    except (RuntimeError, BackboneStudioError) as exc:
        raise ModelFileError(f"Cannot move the model in {path} to {device}: {exc}") from exc
    return model, metadata


def _device(spec: str) -> torch.device:
    from .devices import resolve_device

    return resolve_device(spec)
