"""Converting a model: ONNX (torch.onnx, the dynamo exporter), INT8 ONNX (ONNX Runtime static
quantization), OpenVINO IR (from the ONNX file), torch.export (.pt2).

Every file is written through core.fileio (the fault seam, a full disk a DiskWriteError); the
caller writes into a temporary folder that becomes the export folder only at the end.
"""

from __future__ import annotations

import contextlib
import copy
import io
import logging
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..fileio import atomic_replace, atomic_write
from ..messages import define
from .formats import ExportError

_INT_NEEDS_CALIBRATION_IMAGES = define(
    "error.export.int_needs_calibration_images",
    "INT8 needs calibration images; none could be read.",
)
_CORE_ML_PACKAGE_DOES = define(
    "error.export.core_ml_package_does",
    "The Core ML package {name} does not take one 3 x {input_size} x {input_size} image and "
    "give one output (inputs {value}, shape {shape}).",
)


OPSET = 18  # the dynamo exporter's floor; >= 17 as the issue asks
INPUT_NAME = "input"
OUTPUT_NAME = "logits"
_OPERATOR = re.compile(r"\b(aten[:.]{1,2}\w+|prims[:.]{1,2}\w+|torchvision[:.]{1,2}\w+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

log = logging.getLogger(__name__)
_NO_OPERATOR = define(
    "error.export.no_operator",
    "{what} cannot express the operator {operator} that this model uses. Choose another format "
    "(pt2 keeps every PyTorch operator), or a backbone without that operator.",
)
_STRUCTURE_CHECKED = define(
    "export.note.structure_checked",
    "structure checked: input {input} N x 3 x {input_size} x {input_size}, output {output} "
    "({classes} logits); its predictions are compared with PyTorch only on macOS",
)
_EXPORT_FAILED = define("error.export.failed", "{what} export failed: {kind}: {error}")


def _example(input_size: int) -> torch.Tensor:
    return torch.zeros(2, 3, input_size, input_size)


def _batch_dim():
    return {"x": {0: torch.export.Dim("batch", min=1, max=4096)}}


def _operator_error(what: str, exc: BaseException) -> ExportError:
    text = _ANSI.sub("", str(exc))
    found = _OPERATOR.search(text)
    if found:
        return ExportError(_NO_OPERATOR(what=what, operator=found.group(1).rstrip(".")))
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return ExportError(_EXPORT_FAILED(what=what, kind=type(exc).__name__, error=first[:300]))


class _Wrapped(nn.Module):
    """The model with one input named x (torch.export names dynamic dims by argument)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)


def _plain(model: nn.Module) -> nn.Module:
    """A CPU, eval, contiguous copy: the caller's model (shown, classifying) is left as it is."""
    model = copy.deepcopy(model).eval().to("cpu")
    return _Wrapped(model.to(memory_format=torch.contiguous_format))


def onnx_bytes(model: nn.Module, input_size: int, metadata: dict[str, str],
               outputs: tuple[str, ...] = (OUTPUT_NAME,)) -> bytes:  # fmt: skip
    """The model as an ONNX file (dynamic batch, input `input`, output `logits`, or the
    names in `outputs` for a model that returns several), with ``metadata`` in its
    metadata_props. ExportError naming an operator ONNX cannot express."""
    import onnx

    wrapped = _plain(model)
    try:
        with warnings.catch_warnings(), _quiet():
            warnings.simplefilter("ignore")
            program = torch.onnx.export(
                wrapped, (_example(input_size),), None, dynamo=True, opset_version=OPSET,
                dynamic_shapes=_batch_dim(), input_names=[INPUT_NAME],
                output_names=list(outputs), verbose=False,
            )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - the exporter raises many types
        raise _operator_error("ONNX", exc) from None
    proto = program.model_proto
    onnx.helper.set_model_props(proto, dict(metadata))
    proto.producer_name = "Backbone Studio"
    try:
        onnx.checker.check_model(proto)
    except onnx.checker.ValidationError as exc:
        raise _operator_error("ONNX", exc) from None
    return proto.SerializeToString()


@contextlib.contextmanager
def _quiet():
    """The dynamo exporter prints its progress; keep it out of the CLI's output."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def write_file(path: Path, data: bytes) -> Path:
    with atomic_write(path, size_hint=len(data), make_folder=True) as handle:
        handle.write(data)
    return path


def write_pt2(model: nn.Module, input_size: int, path: Path) -> Path:
    """A torch.export program (dynamic batch) saved with torch.export.save."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            program = torch.export.export(
                _plain(model), (_example(input_size),), dynamic_shapes=_batch_dim()
            )
    except Exception as exc:  # noqa: BLE001
        raise _operator_error("torch.export", exc) from None
    buffer = io.BytesIO()
    torch.export.save(program, buffer)
    return write_file(path, buffer.getvalue())


def write_openvino(onnx_path: Path, folder: Path) -> Path:
    """OpenVINO IR (model.xml + model.bin, fp32 weights) converted from the ONNX file."""
    import openvino as ov

    try:
        converted = ov.convert_model(str(onnx_path))
    except Exception as exc:  # noqa: BLE001 - OpenVINO's frontend errors name the operator
        raise _operator_error("OpenVINO", exc) from None
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ov-", dir=folder) as scratch:
        xml = Path(scratch) / "model.xml"
        ov.save_model(converted, str(xml), compress_to_fp16=False)
        for name in ("model.xml", "model.bin"):  # through core.fileio: the fault seam sees them
            write_file(folder / name, (Path(scratch) / name).read_bytes())
    return folder / "model.xml"


class _Calibration:
    """ONNX Runtime's CalibrationDataReader over preprocessed batches."""

    def __init__(self, batches: list[np.ndarray]):
        self._batches = iter(batches)

    def get_next(self):
        batch = next(self._batches, None)
        return None if batch is None else {INPUT_NAME: batch}

    def rewind(self):  # pragma: no cover - not used by the MinMax calibrator
        pass


def write_int8(onnx_path: Path, calibration: np.ndarray, path: Path, batch: int = 16) -> Path:
    """Static INT8 quantization (QDQ, per-channel int8 weights, uint8 activations, MinMax
    calibration on ``calibration``: N x 3 x S x S float32 preprocessed training images)."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    if len(calibration) == 0:
        raise ExportError(_INT_NEEDS_CALIBRATION_IMAGES())
    reader_type = type("Reader", (_Calibration, CalibrationDataReader), {})
    batches = [calibration[i:i + batch] for i in range(0, len(calibration), batch)]
    with tempfile.TemporaryDirectory(prefix=".int8-", dir=path.parent) as scratch:
        prepared = Path(scratch) / "prepared.onnx"
        try:
            with warnings.catch_warnings(), _quiet():
                warnings.simplefilter("ignore")
                quant_pre_process(str(onnx_path), str(prepared), skip_symbolic_shape=True)
                with atomic_replace(path, suffix=".onnx") as tmp:
                    quantize_static(
                        str(prepared), str(tmp), reader_type(batches),
                        quant_format=QuantFormat.QDQ, per_channel=True,
                        weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8,
                    )  # fmt: skip
        except (ExportError, OSError):
            raise
        except Exception as exc:  # noqa: BLE001 - the quantizer raises many types
            raise _operator_error("INT8 quantization", exc) from None
    return path


def remove_tree(path: Path) -> None:
    """Remove a folder this module made (a failed export's temporary folder)."""
    shutil.rmtree(path, ignore_errors=True)


def _coremltools():
    """coremltools, imported without its warnings about the torch version and the native
    libraries it has only on macOS (the export says what matters itself)."""
    with warnings.catch_warnings(), _quiet(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        import coremltools as ct
    logging.getLogger("coremltools").setLevel(logging.ERROR)
    return ct


def write_coreml(model: nn.Module, input_size: int, folder: Path) -> Path:
    """A Core ML ML program (fp32, dynamic batch, macOS 13+) from a torch.export program,
    written as ``folder/model.mlpackage`` (a folder) through core.fileio."""
    ct = _coremltools()
    try:
        with warnings.catch_warnings(), _quiet(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            program = torch.export.export(_plain(model), (_example(input_size),),
                                          dynamic_shapes=_batch_dim()).run_decompositions({})  # fmt: skip
            converted = ct.convert(program, convert_to="mlprogram",
                                   compute_precision=ct.precision.FLOAT32,
                                   minimum_deployment_target=ct.target.macOS13)  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - the converter names the operator it lacks
        raise _operator_error("Core ML", exc) from None
    target = folder / "model.mlpackage"
    with tempfile.TemporaryDirectory(prefix=".coreml-", dir=folder) as scratch:
        converted.save(str(Path(scratch) / "model.mlpackage"))
        source = Path(scratch) / "model.mlpackage"
        for file in sorted(p for p in source.rglob("*") if p.is_file()):
            write_file(target / file.relative_to(source), file.read_bytes())
    return target


def coreml_structure(path: Path, input_size: int, classes: int) -> str:
    """What the Core ML package takes and gives, checked against the model (no prediction:
    Core ML runs only on macOS); ExportError when it does not fit."""
    ct = _coremltools()
    with contextlib.redirect_stderr(io.StringIO()):
        spec = ct.models.MLModel(str(path), skip_model_load=True).get_spec()
    inputs, outputs = list(spec.description.input), list(spec.description.output)
    shape = list(inputs[0].type.multiArrayType.shape) if len(inputs) == 1 else []
    if len(inputs) != 1 or len(outputs) != 1 or shape[1:] != [3, input_size, input_size]:
        raise ExportError(
            _CORE_ML_PACKAGE_DOES(
                name=path.name,
                input_size=input_size,
                value=[i.name for i in inputs],
                shape=shape,
            )
        )
    return _STRUCTURE_CHECKED(input=inputs[0].name, input_size=input_size,
                              output=outputs[0].name, classes=classes)  # fmt: skip
