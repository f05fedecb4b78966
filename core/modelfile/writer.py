"""Saving a model file: weights plus metadata, written atomically and fsynced."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import torch
from torch import nn

from ..errors import BackboneStudioError, ModelFileError
from ..fileio import atomic_replace
from .metadata import METADATA_KEY, SUFFIX, ModelMetadata


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
    from .. import backbones

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
