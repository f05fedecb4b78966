"""Loading a model file: the header checked by hand, never unpickled, every tensor checked."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..errors import BackboneStudioError, ModelFileError
from ..fileio import check_regular_file, open_for_reading
from ..messages import define
from .metadata import FORMAT_VERSION, IMPORT_HINT, METADATA_KEY, SUFFIX, ModelMetadata

_MODEL_FILE_DOES_NOT = define(
    "error.model_file.model_file_does_not",
    "Model file {path} does not exist. Check the path.",
)
_NOT_BACKBONE_STUDIO_MODEL = define(
    "error.model_file.not_backbone_studio_model",
    "{path} is not a Backbone Studio model: its header is not a JSON object.",
)
_TRUNCATED_HOLDS_BYTES_WEIGHTS = define(
    "error.model_file.truncated_holds_bytes_weights",
    "{path} is truncated: it holds {data_bytes:,} bytes of weights but its header needs "
    "{needed:,}. The file was cut short (interrupted copy or download); save or copy it "
    "again.",
)
_SAFETENSORS_FILE_BUT_NOT = define(
    "error.model_file.safetensors_file_but_not",
    "{path} is a safetensors file but not a Backbone Studio model (it has no "
    "'{metadata_key}' metadata). If it holds pretrained backbone weights, {import_hint}.",
)
_SAVED_MODEL_FORMAT_NEWER = define(
    "error.model_file.saved_model_format_newer",
    "{path} was saved in model format {format_version} by a newer Backbone Studio (app "
    "{error}); this version reads format {format_version2}. Update Backbone Studio to open "
    "it.",
)
_UNKNOWN_MODEL_FORMAT_VERSION = define(
    "error.model_file.unknown_model_format_version",
    "{path} has an unknown model format version {format_version}.",
)
_HOLDS_NON_FINITE_WEIGHTS = define(
    "error.model_file.holds_non_finite_weights",
    "{path} holds non-finite weights (NaN/inf in {items}); it cannot make predictions. Train "
    "the model again.",
)
_DOES_NOT_MATCH_ARCHITECTURE = define(
    "error.model_file.does_not_match_architecture",
    "{path} does not match the {name} architecture its metadata names: tensors {items}. The "
    "file is damaged or was not saved by Backbone Studio.",
)
_CANNOT_READ = define("error.model_file.cannot_read", "Cannot read {path}: {error}.")
_NOT_BACKBONE_STUDIO_MODEL_2 = define(
    "error.model_file.not_backbone_studio_model_2",
    "{path} is not a Backbone Studio model: its header is not valid JSON (a damaged or "
    "foreign file). Choose a {suffix} model saved by Backbone Studio.",
)
_LOOKS_LIKE_PYTORCH_PICKLE = define(
    "error.model_file.looks_like_pytorch_pickle",
    "{path} looks like a PyTorch pickle checkpoint, not a Backbone Studio model; "
    "{import_hint}. It was not opened: pickle files can run code.",
)
_EMPTY_TRUNCATED_BYTES_NOT = define(
    "error.model_file.empty_truncated_bytes_not",
    "{path} is empty or truncated ({size} bytes), not a Backbone Studio model. Save or copy "
    "the model again.",
)
_NOT_BACKBONE_STUDIO_MODEL_3 = define(
    "error.model_file.not_backbone_studio_model_3",
    "{path} is not a Backbone Studio model (its first bytes announce a {length:,}-byte "
    "header in a {size:,}-byte file): it is truncated or another kind of file. Choose a "
    "{suffix} model saved by Backbone Studio.",
)
_DAMAGED_ENTRY_TENSOR_MALFORMED = define(
    "error.model_file.damaged_entry_tensor_malformed",
    "{path} is damaged: the entry for tensor '{name}' is malformed.",
)
_DAMAGED_BACKBONE_STUDIO_METADATA = define(
    "error.model_file.damaged_backbone_studio_metadata",
    "{path} has damaged Backbone Studio metadata: {exc}.",
)
_DOES_NOT_FIT_ARCHITECTURE = define(
    "error.model_file.does_not_fit_architecture",
    "{path} does not fit the {name} architecture: {exc}",
)
_CANNOT_MOVE_MODEL = define(
    "error.model_file.cannot_move_model",
    "Cannot move the model in {path} to {device}: {exc}",
)
_USES_BACKBONE_WHICH_VERSION = define(
    "error.model_file.uses_backbone_which_version",
    "{path} uses the backbone '{backbone}', which this version of Backbone Studio does not "
    "know. Update Backbone Studio to open it.",
)
_CANNOT_REBUILD_MODEL = define(
    "error.model_file.cannot_rebuild_model",
    "Cannot rebuild the model in {path}: {exc}",
)
_INCONSISTENT_CLASSIFIER_HEAD_OUTPUTS = define(
    "error.model_file.inconsistent_classifier_head_outputs",
    "{path} is inconsistent: its classifier head has {file_outputs} outputs but its metadata "
    "lists {num_classes} class names. The file was edited or damaged; train or export the "
    "model again.",
)
_DOES_NOT_MATCH_METADATA = define(
    "error.model_file.does_not_match_metadata",
    "{path} does not match its metadata: tensor '{name}' has shape {shape} in the file but "
    "{name2} with {num_classes} classes needs {shape2}. The file is damaged or was edited; "
    "train or export the model again.",
)
_DAMAGED_CANNOT_READ_SAVE = define(
    "error.model_file.damaged_cannot_read_save",
    "{path} is damaged and cannot be read ({exc}). Save or copy the model again.",
)


MAX_HEADER_BYTES = 100 * 2**20  # a real header is a few kB; anything above 100 MB is not ours

_PICKLE_PROTOCOL_BYTES = {bytes([0x80, p]) for p in range(2, 6)}


def _looks_like_pickle(head: bytes) -> bool:
    """torch.save's zip format (PK..) or a raw pickle stream (protocol 2..5)."""
    return head[:4] in (b"PK\x03\x04", b"PK\x05\x06") or head[:2] in _PICKLE_PROTOCOL_BYTES


def _read_header(path: Path) -> tuple[dict[str, Any], int, int]:
    """Parse and check the safetensors header without reading tensor data.

    Returns (header, header_length, file_size). ModelFileError on anything that is not a
    complete safetensors file.
    """
    if not os.path.lexists(path):
        raise ModelFileError(_MODEL_FILE_DOES_NOT(path=path))
    try:
        raw, length, size = _read_raw_header(path)
    except OSError as exc:
        raise ModelFileError(_CANNOT_READ(path=path, error=exc.strerror or exc)) from exc
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # nesting bomb too
        raise ModelFileError(
            _NOT_BACKBONE_STUDIO_MODEL_2(path=path, suffix=SUFFIX)
        ) from None
    if not isinstance(header, dict):
        raise ModelFileError(_NOT_BACKBONE_STUDIO_MODEL(path=path))
    _check_offsets(path, header, data_bytes=size - 8 - length)
    return header, length, size


def _read_raw_header(path: Path) -> tuple[bytes, int, int]:
    """(header bytes, header length, file size); ModelFileError for a folder, pipe or device
    (refused before it is opened), a pickle or a file too short for the length its first bytes
    announce; OSError when it cannot be read."""
    size = check_regular_file(path, "a model file", _not_a_model).st_size
    with open_for_reading(path, "a model file", _not_a_model) as handle:
        head = handle.read(8)
        if _looks_like_pickle(head):
            raise ModelFileError(
                _LOOKS_LIKE_PYTORCH_PICKLE(path=path, import_hint=IMPORT_HINT)
            )
        if len(head) < 8:
            raise ModelFileError(
                _EMPTY_TRUNCATED_BYTES_NOT(path=path, size=size)
            )
        (length,) = struct.unpack("<Q", head)
        if length > MAX_HEADER_BYTES or length > size - 8:
            raise ModelFileError(
                _NOT_BACKBONE_STUDIO_MODEL_3(path=path, length=length, size=size, suffix=SUFFIX)
            )
        return handle.read(length), length, size


def _not_a_model(path: Path, reason: str) -> ModelFileError:
    return ModelFileError(f"{path} {reason}. Choose a {SUFFIX} model file.")


def _check_offsets(path: Path, header: dict[str, Any], data_bytes: int) -> None:
    """Every tensor entry is well formed and lies inside the ``data_bytes`` after the header."""
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
            raise ModelFileError(_DAMAGED_ENTRY_TENSOR_MALFORMED(path=path, name=name))
        needed = max(needed, offsets[1])
    if needed > data_bytes:
        raise ModelFileError(
            _TRUNCATED_HOLDS_BYTES_WEIGHTS(path=path, data_bytes=data_bytes, needed=needed)
        )


def _metadata_from_header(path: Path, header: dict[str, Any]) -> ModelMetadata:
    extra = header.get("__metadata__")
    text = extra.get(METADATA_KEY) if isinstance(extra, dict) else None
    if not isinstance(text, str):
        raise ModelFileError(
            _SAFETENSORS_FILE_BUT_NOT(path=path, metadata_key=METADATA_KEY, import_hint=IMPORT_HINT)
        )
    try:
        metadata = ModelMetadata.from_json(text)
    except (ValueError, TypeError) as exc:
        raise ModelFileError(_DAMAGED_BACKBONE_STUDIO_METADATA(path=path, exc=exc)) from None
    if metadata.format_version > FORMAT_VERSION:
        raise ModelFileError(
            _SAVED_MODEL_FORMAT_NEWER(
                path=path,
                format_version=metadata.format_version,
                error=metadata.app_version or 'unknown',
                format_version2=FORMAT_VERSION,
            )
        )
    if metadata.format_version < 1:
        raise ModelFileError(
            _UNKNOWN_MODEL_FORMAT_VERSION(path=path, format_version=metadata.format_version)
        )
    return metadata


def read_metadata(path: str | Path) -> ModelMetadata:
    """The metadata of a model file, reading only its header (fast, no weights loaded)."""
    path = Path(path)
    header, _length, _size = _read_header(path)
    return _metadata_from_header(path, header)


def load_model(path: str | Path, device: str | torch.device = "cpu") -> tuple[nn.Module, ModelMetadata]:
    """Rebuild the model a file describes, check every tensor, load the weights, eval mode."""
    path = Path(path)
    header, _length, _size = _read_header(path)
    metadata = _metadata_from_header(path, header)
    spec, model = _rebuild(path, metadata)
    aliases = _aliases(header)
    in_file = {name: entry for name, entry in header.items() if name != "__metadata__"}
    expected = model.state_dict()
    _check_tensors(path, spec, metadata, in_file, aliases, expected)
    state = _read_tensors(path, in_file)
    for alias, kept in aliases.items():
        if alias in expected and alias not in state and kept in state:
            state[alias] = state[kept]
    bad = [n for n, t in state.items() if t.is_floating_point() and not torch.isfinite(t).all()]
    if bad:
        raise ModelFileError(
            _HOLDS_NON_FINITE_WEIGHTS(path=path, items=', '.join(bad[:3]))
        )
    try:
        model.load_state_dict(state, strict=True, assign=True)
    except RuntimeError as exc:
        raise ModelFileError(
            _DOES_NOT_FIT_ARCHITECTURE(path=path, name=spec.name, exc=exc)
        ) from None
    left_on_meta = [
        name
        for name, tensor in [*model.named_parameters(), *model.named_buffers()]
        if tensor.is_meta
    ]
    if left_on_meta:  # a non-persistent buffer the file cannot hold: rebuild the slow way
        from .. import backbones

        model = backbones.build_model(
            spec.name, metadata.num_classes, pretrained=False, small_input=metadata.small_input,
            stem_stride=metadata.stem_stride,
        )
        model.load_state_dict(state, strict=True)
    model.eval()
    try:
        model.to(device if isinstance(device, torch.device) else _device(device))
    except (RuntimeError, BackboneStudioError) as exc:
        raise ModelFileError(_CANNOT_MOVE_MODEL(path=path, device=device, exc=exc)) from exc
    return model, metadata


def _rebuild(path: Path, metadata: ModelMetadata):
    """(backbone spec, model) for ``metadata``, built on the meta device (no weights yet)."""
    from .. import backbones

    try:
        spec = backbones.get_spec(metadata.backbone)
    except BackboneStudioError:
        raise ModelFileError(
            _USES_BACKBONE_WHICH_VERSION(path=path, backbone=metadata.backbone)
        ) from None
    try:
        # On the meta device: no time spent on a random initialisation the file overwrites.
        with torch.device("meta"):
            model = backbones.build_model(
                spec.name, metadata.num_classes, pretrained=False, small_input=metadata.small_input,
                stem_stride=metadata.stem_stride,
            )
    except BackboneStudioError as exc:
        raise ModelFileError(_CANNOT_REBUILD_MODEL(path=path, exc=exc)) from exc
    return spec, model


def _aliases(header: dict[str, Any]) -> dict[str, str]:
    """{alias: kept name} recorded at save time for tensors stored once; {} when unreadable."""
    aliases_text = header.get("__metadata__", {}).get("aliases")
    try:
        aliases = json.loads(aliases_text) if isinstance(aliases_text, str) else {}
    except (json.JSONDecodeError, RecursionError):
        aliases = {}
    if not isinstance(aliases, dict):
        aliases = {}
    return {k: v for k, v in aliases.items() if isinstance(k, str) and isinstance(v, str)}


def _check_tensors(
    path: Path,
    spec,
    metadata: ModelMetadata,
    in_file: dict[str, Any],
    aliases: dict[str, str],
    expected: dict[str, torch.Tensor],
) -> None:
    """The file's tensors are exactly the architecture's (``spec``), with the same shapes."""
    head_key = f"{spec.head_path}.weight"
    if head_key in in_file and head_key in expected:
        file_outputs = in_file[head_key]["shape"][0] if in_file[head_key]["shape"] else None
        if file_outputs != metadata.num_classes:
            raise ModelFileError(
                _INCONSISTENT_CLASSIFIER_HEAD_OUTPUTS(
                    path=path,
                    file_outputs=file_outputs,
                    num_classes=metadata.num_classes,
                )
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
            _DOES_NOT_MATCH_ARCHITECTURE(path=path, name=spec.name, items='; '.join(parts))
        )
    for name, tensor in expected.items():
        entry = in_file.get(name) or in_file[aliases[name]]
        if list(entry["shape"]) != list(tensor.shape):
            raise ModelFileError(
                _DOES_NOT_MATCH_METADATA(
                    path=path,
                    name=name,
                    shape=tuple(entry['shape']),
                    name2=spec.name,
                    num_classes=metadata.num_classes,
                    shape2=tuple(tensor.shape),
                )
            )


def _read_tensors(path: Path, in_file: dict[str, Any]) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import safe_open

    state: dict[str, torch.Tensor] = {}
    try:
        with safe_open(str(path), framework="pt", device="cpu") as reader:
            for name in in_file:
                # A copy in freshly allocated (64-byte aligned) memory: oneDNN picks its kernels
                # by alignment, and the reloaded model must compute bit-identical outputs.
                state[name] = reader.get_tensor(name).clone()
    except (SafetensorError, OSError, RuntimeError, ValueError) as exc:
        raise ModelFileError(
            _DAMAGED_CANNOT_READ_SAVE(path=path, exc=exc)
        ) from None
    return state


def _device(spec: str) -> torch.device:
    from ..devices import resolve_device

    return resolve_device(spec)
