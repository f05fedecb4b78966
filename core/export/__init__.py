"""Exporting a trained model to ONNX, INT8 ONNX, OpenVINO IR and torch.export (.pt2), each
proven against PyTorch before the folder is written, with a stand-alone predict.py, a README
and a model card. See docs/EXPORT.md.

* :mod:`.formats`: the formats, what each needs installed (`ExportFormat.missing`), ExportError;
* :mod:`.convert`: the conversions (torch.onnx dynamo exporter, ONNX Runtime quantization,
  OpenVINO from the ONNX file, torch.export);
* :mod:`.verify`: the images to verify on, PyTorch's answers, the comparison;
* :mod:`.package`: `export_model(ExportRequest)` -> ExportReport (temporary folder, rename);
* :mod:`.card`: the model card (`render_card`, `with_card`, `save_with_card`);
* :mod:`.standalone`: the file copied as predict.py (numpy + Pillow + the runtime).
"""

from __future__ import annotations

from .card import card_path, render_card, save_with_card, with_card
from .formats import (
    BY_NAME,
    COREML_NOTE,
    FORMATS,
    ExportError,
    ExportFormat,
    get_format,
    missing_requirements,
    parse_formats,
)

__all__ = [
    "BY_NAME",
    "COREML_NOTE",
    "FORMATS",
    "ExportError",
    "ExportFormat",
    "ExportReport",
    "ExportRequest",
    "card_path",
    "export_model",
    "get_format",
    "missing_requirements",
    "parse_formats",
    "render_card",
    "save_with_card",
    "with_card",
]


def __getattr__(name: str):
    """The export machinery (torch, numpy) is imported on first use only."""
    if name in ("ExportReport", "ExportRequest", "export_model"):
        from . import package

        return getattr(package, name)
    raise AttributeError(name)
