"""The export formats: names, file names, what each needs installed, and how to get it."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from ..errors import BackboneStudioError
from ..messages import define

_UNKNOWN_EXPORT_FORMAT_CHOOSE = define(
    "error.export.unknown_export_format_choose",
    "Unknown export format '{name}'. Choose from {items} (torchscript is accepted for pt2: "
    "PyTorch now recommends torch.export).",
)


class ExportError(BackboneStudioError):
    """An export that cannot be made or did not prove itself (the message says why)."""


@dataclass(frozen=True)
class ExportFormat:
    name: str  # as typed on the command line
    label: str  # shown to a person
    file: str  # the model file inside the export folder
    modules: tuple[str, ...]  # importable modules it needs to export and to run
    install: str  # how to get them
    fp32: bool = True  # held to the 99.5 % top-1 agreement rule

    def missing(self) -> str | None:
        """None when this format can be made here, else a sentence naming what to install."""
        absent = [m for m in self.modules if importlib.util.find_spec(m) is None]
        if not absent:
            return None
        return f"{self.label} needs {', '.join(absent)}: {self.install}"


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("onnx", "ONNX", "model.onnx", ("onnx", "onnxruntime", "onnxscript"),
                 "pip install onnx onnxruntime onnxscript"),
    ExportFormat("int8", "INT8 ONNX", "model.int8.onnx", ("onnx", "onnxruntime", "onnxscript"),
                 "pip install onnx onnxruntime onnxscript", fp32=False),
    ExportFormat("openvino", "OpenVINO IR", "openvino/model.xml",
                 ("onnx", "onnxscript", "openvino"), "pip install 'backbone-studio[openvino]' "
                 "(or pip install openvino)"),
    ExportFormat("pt2", "PyTorch torch.export (.pt2)", "model.pt2", ("torch",),
                 "it ships with PyTorch"),
    ExportFormat("coreml", "Core ML (.mlpackage)", "model.mlpackage", ("coremltools",),
                 "pip install 'backbone-studio[coreml]' (or pip install coremltools)"),
)  # fmt: skip
BY_NAME = {f.name: f for f in FORMATS}
ALIASES = {"torchscript": "pt2", "torch": "pt2", "torch.export": "pt2", "onnx-int8": "int8",
           "ov": "openvino"}  # fmt: skip
DEFAULT_FORMATS = ("onnx",)
COREML_NOTE = (
    "Core ML: converted and checked for structure on every system, but Core ML runs only on "
    "macOS, so its predictions are compared with PyTorch only when exporting on a Mac."
)


def get_format(name: str) -> ExportFormat:
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in BY_NAME:
        raise ExportError(
            _UNKNOWN_EXPORT_FORMAT_CHOOSE(name=name, items=', '.join(BY_NAME))
        )
    return BY_NAME[key]


def parse_formats(text: str | list[str] | tuple[str, ...]) -> tuple[ExportFormat, ...]:
    """'onnx,int8' (or a list of names) -> formats in FORMATS order, duplicates dropped."""
    names = text.split(",") if isinstance(text, str) else list(text)
    chosen = {get_format(n).name for n in names if n.strip()}
    if not chosen:
        raise ExportError("No export format given. Choose from " + ", ".join(BY_NAME) + ".")
    return tuple(f for f in FORMATS if f.name in chosen)


def missing_requirements(formats) -> list[str]:
    """One sentence per chosen format that cannot be made here."""
    return [m for f in formats if (m := f.missing())]
