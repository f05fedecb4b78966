"""One export: every chosen format converted, run in its own runtime and compared with PyTorch,
then the folder (model files, predict.py, README.md, MODEL_CARD.md, preprocess.json,
labels.txt, verification.json) put in place in one rename.

Everything is written into a temporary folder beside the target (``.NAME.partial-XXXX``); only
a complete, verified export is renamed to the target, so a full disk, a failed verification or
a cancel leaves nothing half-written. An existing export folder is never overwritten unless
``replace`` is asked for (the old one is then removed only after the new one is in place).
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata as dist
from pathlib import Path
from typing import Any

from ..errors import KEPT_EXPORT, DiskWriteError
from ..events import CancelToken
from ..fileio import check_output_folder, write_text_atomic
from ..messages import define
from . import convert, standalone, verify
from .card import render_card, sha256_of
from .formats import COREML_NOTE, ExportError, ExportFormat, missing_requirements
from .readme import readme_text

_FILE_CHOOSE_FOLDER_NAME = define(
    "error.export.file_choose_folder_name",
    "{out} is a file; choose a folder name for the export.",
)
_EXPORT_FOLDER_ALREADY_EXISTS = define(
    "error.export.export_folder_already_exists",
    "The export folder {out} already exists and is not empty; it was left unchanged. Choose "
    "another folder, or replace it (--replace on the command line).",
)
_EXPORT_DISAGREES_PYTORCH_NOTHING = define(
    "error.export.export_disagrees_pytorch_nothing",
    "The {label} export disagrees with PyTorch: {note}. Nothing was written. The images "
    "where they differ most:\n{value}",
)
_NO_EXPORTER = define("error.export.no_exporter", "No exporter for {label}.")
_EXPORT_CANCELLED_NOTHING_WRITTEN = define(
    "error.export.export_cancelled_nothing_written",
    "The export was cancelled; nothing was written.",
)
_INSTALLATION_LACKS_SOURCE_PREDICT = define(
    "error.export.installation_lacks_source_predict",
    "This installation lacks the source of predict.py (core/export/standalone.py); reinstall "
    "Backbone Studio.",
)


log = logging.getLogger(__name__)

# progress(format name, state): "exporting", "verifying", "done", "refused", "failed"
ExportProgress = Callable[[str, str], None]


@dataclass
class ExportRequest:
    model: Any  # nn.Module, eval mode
    metadata: Any  # core.modelfile.ModelMetadata
    out: Path
    formats: tuple[ExportFormat, ...]
    verify_dir: Path
    name: str = ""  # the model's name (its file's stem)
    force: bool = False  # write INT8 even when it loses more than 1 point
    replace: bool = False  # replace an existing export folder
    source: Path | None = None  # the model file exported, for the card's hashes
    cancel: CancelToken | None = None


@dataclass
class ExportReport:
    out: Path
    checks: list[verify.FormatCheck] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    refused: list[str] = field(default_factory=list)  # formats verified but not written
    images: str = ""  # where the verification images came from
    preprocessing_delta: float = 0.0
    skipped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.refused


def preprocess_config(metadata) -> dict:
    return {"input_size": int(metadata.input_size),
            "resize": int(metadata.input_size * 8 / 7), "crop": "center",
            "interpolation": "bilinear", "mean": list(metadata.mean), "std": list(metadata.std),
            "class_names": list(metadata.class_names), "backbone": metadata.backbone,
            "temperature": float(getattr(metadata, "temperature", 1.0) or 1.0),
            "review_threshold": getattr(metadata, "review_threshold", None),
            "input_name": convert.INPUT_NAME, "output_name": convert.OUTPUT_NAME,
            "layout": "NCHW float32 RGB"}  # fmt: skip


def _onnx_metadata(config: dict) -> dict[str, str]:
    return {key: json.dumps(value) if not isinstance(value, str) else value
            for key, value in config.items()}  # fmt: skip


def _check_target(request: ExportRequest) -> None:
    out = request.out
    if out.exists() and not out.is_dir():
        raise ExportError(_FILE_CHOOSE_FOLDER_NAME(out=out))
    if out.is_dir() and any(out.iterdir()) and not request.replace:
        raise ExportError(
            _EXPORT_FOLDER_ALREADY_EXISTS(out=out)
        )
    missing = missing_requirements(request.formats)
    if missing:
        raise ExportError("Cannot export: " + " ".join(missing))


def _versions() -> dict[str, str]:
    out = {}
    for name in ("onnx", "onnxruntime", "onnxscript", "openvino"):
        try:
            out[name] = dist.version(name)
        except dist.PackageNotFoundError:
            pass
    return out


class _Exporter:
    """The steps of one export, in the temporary folder ``work``."""

    def __init__(self, request: ExportRequest, work: Path, progress: ExportProgress | None):
        self.request, self.work = request, work
        self.progress = progress or (lambda _f, _s: None)
        self.config = preprocess_config(request.metadata)
        self.report = ExportReport(request.out)
        self._onnx: Path | None = None

    def _cancelled(self) -> None:
        if self.request.cancel is not None and self.request.cancel.cancelled:
            raise ExportError(_EXPORT_CANCELLED_NOTHING_WRITTEN())

    def run(self) -> ExportReport:
        request = self.request
        images = verify.collect_images(request.verify_dir, request.metadata)
        ref = verify.reference(request.model, request.metadata, images)
        self.report.images = images.source
        self.report.preprocessing_delta = ref.preprocessing_delta
        self.report.skipped = ref.skipped
        self._write_common()
        for fmt in request.formats:
            self._cancelled()
            self._one(fmt, ref, images)
        self._write_records()
        return self.report

    def _one(self, fmt: ExportFormat, ref: verify.Reference, images: verify.ImageSet) -> None:
        self.progress(fmt.name, "exporting")
        path = self._make(fmt, images)
        self.progress(fmt.name, "verifying")
        if fmt.name == "coreml" and sys.platform != "darwin":
            check = verify.structure_only(fmt, convert.coreml_structure(
                path, self.config["input_size"], len(self.config["class_names"])))
        else:
            logits = verify.run_runtime(path, ref.inputs)
            check = verify.compare(fmt, ref, logits, self.request.metadata.class_names)
        self.report.checks.append(check)
        if check.passed:
            self.progress(fmt.name, "done")
            return
        if not fmt.fp32 and self.request.force:
            self.progress(fmt.name, "done")
            return
        if not fmt.fp32:
            path.unlink()  # INT8: one file
            self.report.refused.append(fmt.name)
            self.progress(fmt.name, "refused")
            return
        self.progress(fmt.name, "failed")
        raise ExportError(
            _EXPORT_DISAGREES_PYTORCH_NOTHING(
                label=fmt.label,
                note=check.note,
                value=verify.worst_text(check),
            )
        )

    def _onnx_file(self) -> Path:
        if self._onnx is None:
            data = convert.onnx_bytes(self.request.model, self.config["input_size"],
                                      _onnx_metadata(self.config))  # fmt: skip
            wanted = any(f.name == "onnx" for f in self.request.formats)
            target = self.work / "model.onnx" if wanted else self.work / ".scratch" / "model.onnx"
            self._onnx = convert.write_file(target, data)
        return self._onnx

    def _make(self, fmt: ExportFormat, images: verify.ImageSet) -> Path:
        target = self.work / fmt.file
        if fmt.name == "onnx":
            return self._onnx_file()
        if fmt.name == "int8":
            calibration = verify.calibration_inputs(self.request.metadata, images)
            return convert.write_int8(self._onnx_file(), calibration, target)
        if fmt.name == "openvino":
            return convert.write_openvino(self._onnx_file(), target.parent)
        if fmt.name == "pt2":
            return convert.write_pt2(self.request.model, self.config["input_size"], target)
        if fmt.name == "coreml":
            return convert.write_coreml(self.request.model, self.config["input_size"], self.work)
        raise ExportError(_NO_EXPORTER(label=fmt.label))  # pragma: no cover

    def _write_common(self) -> None:
        names = self.request.metadata.class_names
        write_text_atomic(self.work / "preprocess.json", json.dumps(self.config, indent=2) + "\n")
        write_text_atomic(self.work / "labels.txt", "".join(f"{n}\n" for n in names))
        write_text_atomic(self.work / "predict.py", _standalone_source())

    def _write_records(self) -> None:
        shutil.rmtree(self.work / ".scratch", ignore_errors=True)
        request, report = self.request, self.report
        rows = [c.row() for c in report.checks]
        record = {"images": report.images, "preprocessing_max_abs_diff": report.preprocessing_delta,
                  "skipped_images": list(report.skipped), "formats": rows,
                  "refused": report.refused}  # fmt: skip
        write_text_atomic(self.work / "verification.json", json.dumps(record, indent=2) + "\n")
        written = [f for f in request.formats if f.name not in report.refused]
        write_text_atomic(self.work / "README.md", readme_text(self.config, written, report))
        hashes = {p.relative_to(self.work).as_posix(): sha256_of(p)
                  for p in sorted(self.work.rglob("*")) if p.is_file()}  # fmt: skip
        if request.source is not None and Path(request.source).is_file():
            hashes[f"source: {Path(request.source).name}"] = sha256_of(request.source)
        report.files = hashes
        card = render_card(request.metadata, title=request.name, hashes=hashes,
                           versions=_versions())  # fmt: skip
        write_text_atomic(self.work / "MODEL_CARD.md", card + _verification_section(report))


def _standalone_source() -> str:
    try:
        return Path(standalone.__file__).read_text(encoding="utf-8")
    except OSError:  # a frozen app built without the source (build.spec collects it)
        raise ExportError(
            _INSTALLATION_LACKS_SOURCE_PREDICT()
        ) from None


def _verification_section(report: ExportReport) -> str:
    lines = ["## Export verification", "", f"On {report.images}; the stand-alone loader's "
             f"input differs from the app's by at most {report.preprocessing_delta:.3g}.", "",
             "| Format | Images | Max abs. logit diff | Top-1 agreement | Accuracy | Result |",
             "|---|---:|---:|---:|---:|---|"]  # fmt: skip
    for c in report.checks:
        acc = f"{c.accuracy:.1%} (PyTorch {c.reference_accuracy:.1%})" if c.accuracy is not None else "n/a"
        result = "refused" if c.format in report.refused else ("passed" if c.passed else "forced")
        diff, agree = (f"{c.max_abs_diff:.3g}", f"{c.agreement:.1%}") if c.images else ("n/a", "n/a")
        lines.append(f"| {c.label} | {c.images} | {diff} | {agree} | "
                     f"{acc} | {result}{': ' + c.note if c.note else ''} |")  # fmt: skip
    return "\n".join(lines) + f"\n\n{COREML_NOTE}\n"


def export_model(request: ExportRequest, progress: ExportProgress | None = None) -> ExportReport:
    """Export, verify and put the folder in place (see the module docstring).

    ExportError: a format that cannot be made here (what to install), an existing folder, an
    operator a format cannot express (named), an fp32 export that disagrees with PyTorch (the
    worst images), a cancel. DiskWriteError: the disk refused; nothing is left behind.
    """
    request.out = Path(request.out)
    _check_target(request)
    parent = request.out.parent
    check_output_folder(parent, needed=8 * _weights_bytes(request.model), what="the export")
    parent.mkdir(parents=True, exist_ok=True)  # the folder the user named the export in
    work = Path(tempfile.mkdtemp(prefix=f".{request.out.name}.partial-", dir=parent))
    try:
        report = _Exporter(request, work, progress).run()
        _put_in_place(work, request.out)
    except DiskWriteError as exc:
        convert.remove_tree(work)
        raise _at_target(exc, work, request.out) from None
    except BaseException:
        convert.remove_tree(work)
        raise
    return report


def _at_target(exc: DiskWriteError, work: Path, out: Path) -> DiskWriteError:
    """The disk error named by the file's place in the export folder, not the temporary one."""
    try:
        path = out / exc.path.relative_to(work)
    except ValueError:
        path = exc.path
    kept = KEPT_EXPORT(out=out)
    return type(exc)(path, exc.errno, needed=exc.needed, kept=kept, detail=exc.detail)


def _weights_bytes(model) -> int:
    return sum(p.numel() * p.element_size() for p in model.parameters())


def _put_in_place(work: Path, out: Path) -> None:
    """Rename the finished folder to ``out``; an old ``out`` is removed only afterwards."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        out.rename(old / out.name)
    try:
        work.rename(out)
    except OSError:
        if old is not None:
            (old / out.name).rename(out)  # the previous export back where it was
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
