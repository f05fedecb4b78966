"""Saving a model file: weights plus metadata, written atomically and fsynced."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import torch
from torch import nn

from ..errors import BackboneStudioError, ModelFileError
from ..fileio import atomic_replace, atomic_write, open_for_reading
from ..messages import define
from .metadata import METADATA_KEY, SUFFIX, ModelMetadata

_FOLDER_CHOOSE_FILE_NAME = define(
    "error.model_file.folder_choose_file_name",
    "{path} is a folder; choose a file name ending in {suffix}.",
)
_CANNOT_SAVE_FOLDER_DOES = define(
    "error.model_file.cannot_save_folder_does",
    "Cannot save {path}: the folder {folder} does not exist.",
)


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
    untouched and the temporary file is removed. A disk that refuses (full, read-only, no
    permission, I/O error) raises DiskWriteError naming the file and the space needed.
    """
    from safetensors.torch import save_file

    path = Path(path)
    if path.suffix.lower() != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    if path.is_dir():
        raise ModelFileError(_FOLDER_CHOOSE_FILE_NAME(path=path, suffix=SUFFIX))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ModelFileError(_CANNOT_SAVE_FOLDER_DOES(path=path, folder=folder))
    _check_head(model, metadata)
    tensors, aliases = _tensors_for_save(model)
    header = {METADATA_KEY: metadata.to_json()}
    if aliases:
        header["aliases"] = json.dumps(aliases, sort_keys=True)

    size = sum(t.numel() * t.element_size() for t in tensors.values()) + len(str(header))
    # safetensors writes to a file name and reports a full disk as SafetensorError("... (os
    # error 28)"): atomic_replace turns that, like any OSError, into DiskWriteError naming path
    with atomic_replace(path, size_hint=size) as tmp:
        save_file(tensors, str(tmp), metadata=header)
    return path


def copy_model(source: str | Path, dest: str | Path) -> Path:
    """Copy a model file to `dest` (Save as… of an opened model), atomically. The source is
    read through core.fileio (a pipe or device is refused); DiskWriteError when the disk
    refuses, the source untouched. Copying a file onto itself does nothing."""
    source, dest = Path(source), Path(dest)
    if source.resolve() == dest.resolve():
        return dest
    with open_for_reading(source, "a model file") as reader:
        size = os.fstat(reader.fileno()).st_size
        kept = f"{source} is unchanged."
        with atomic_write(dest, size_hint=size, kept=kept) as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)
    return dest


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
