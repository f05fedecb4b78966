"""A trained model is ONE `.safetensors` file: the weights plus JSON metadata in its header.

Layout of a safetensors file: 8 bytes little-endian header length N, N bytes of JSON header
(tensor names -> dtype/shape/offsets, plus a string->string `__metadata__`), then the raw
tensor bytes. Backbone Studio stores its `ModelMetadata` as JSON under the one metadata key
`backbone_studio`.

Loading never unpickles anything: the header is checked by hand (length, JSON, offsets) before
any tensor is read, a PyTorch pickle / zip checkpoint is recognised by its first bytes and refused
without being opened, and every tensor name and shape is checked against the architecture the
metadata names. Saving is atomic: a temporary file in the same folder, fsync, `os.replace`.

`metadata.py` holds `ModelMetadata`, `writer.py` saves a file, `reader.py` checks and loads one.
"""

from __future__ import annotations

from .metadata import (
    FORMAT_VERSION,
    METADATA_KEY,
    SUFFIX,
    ModelMetadata,
    TrainingRecord,
    new_metadata,
)
from .reader import MAX_HEADER_BYTES, load_model, read_metadata
from .writer import copy_model, save_model

__all__ = [
    "FORMAT_VERSION",
    "MAX_HEADER_BYTES",
    "METADATA_KEY",
    "SUFFIX",
    "ModelMetadata",
    "TrainingRecord",
    "copy_model",
    "load_model",
    "new_metadata",
    "read_metadata",
    "save_model",
]
