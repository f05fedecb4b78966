"""`backbone-studio-cli export MODEL --format onnx,int8,openvino,pt2 --out DIR [--verify DIR]`:
every format converted, run in its own runtime and compared with PyTorch before DIR is written
(core.export)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..words import plural
from .output import EXIT_FAILED, EXIT_OK, _err, _out, _table

STATES = {"exporting": "exporting…", "verifying": "verifying in its runtime…", "done": "done",
          "refused": "refused", "failed": "failed"}  # fmt: skip


def add_export_parser(sub) -> None:
    p = sub.add_parser(
        "export",
        help="export a model to ONNX, INT8 ONNX, OpenVINO or torch.export, each verified",
        description="Export MODEL into the new folder DIR. Each format runs in its own runtime "
        "on the verification images and is compared with PyTorch before DIR is written.",
    )
    p.add_argument("model", help="a .safetensors model saved by Backbone Studio")
    p.add_argument("--format", default="onnx",
                   help="comma-separated: onnx, int8, openvino, pt2, coreml (torchscript is taken "
                        "as pt2, the torch.export program PyTorch now recommends); default onnx")  # fmt: skip
    p.add_argument("--out", required=True, help="the export folder to create")
    p.add_argument("--verify", metavar="DIR",
                   help="images to verify on: the training folder (its validation part is used, "
                        "its training part calibrates INT8) or any folder (up to 200 images); "
                        "default: the training folder recorded in the model")  # fmt: skip
    p.add_argument("--force", action="store_true",
                   help="write INT8 even when it loses more than 1 point of top-1 accuracy")
    p.add_argument("--replace", action="store_true",
                   help="replace DIR if it exists (otherwise an existing folder is refused)")
    p.set_defaults(func=cmd_export)


def _verify_dir(args, metadata) -> Path:
    from ..export import ExportError

    if args.verify:
        return Path(args.verify)
    recorded = (metadata.metrics or {}).get("data_folder")
    if recorded and Path(recorded).is_dir():
        _err(f"verifying on the training folder recorded in the model: {recorded}")
        return Path(recorded)
    raise ExportError(
        f"{args.model} does not record a training folder that is still there: give the images "
        "to verify the export on with --verify DIR (the training folder, or any folder of images)."
    )


def cmd_export(args: argparse.Namespace) -> int:
    from ..export import ExportRequest, export_model, parse_formats
    from ..modelfile import load_model

    formats = parse_formats(args.format)
    model, metadata = load_model(args.model, device="cpu")
    request = ExportRequest(
        model=model, metadata=metadata, out=Path(args.out), formats=formats,
        verify_dir=_verify_dir(args, metadata), name=Path(args.model).stem, force=args.force,
        replace=args.replace, source=Path(args.model),
    )  # fmt: skip
    report = export_model(request, progress=lambda f, s: _err(f"{f}: {STATES.get(s, s)}"))
    _out(verification_table(report))
    if report.skipped:
        _err(f"note: {plural(len(report.skipped), 'image')} could not be read and were left out")
    if report.refused:
        _err(f"refused: INT8 was not written ({_note(report, 'int8')}); pass --force to write "
             "it anyway")  # fmt: skip
        _out(f"Exported to {report.out} (without {', '.join(report.refused)})")
        return EXIT_FAILED
    _out(f"Exported to {report.out}")
    return EXIT_OK


def _note(report, name: str) -> str:
    return next((c.note for c in report.checks if c.format == name), "")


def verification_table(report) -> str:
    rows = []
    for c in report.checks:
        accuracy = f"{c.accuracy:.1%}" if c.accuracy is not None else "n/a"
        result = "refused" if c.format in report.refused else ("ok" if c.passed else "forced")
        diff, agree = (f"{c.max_abs_diff:.3g}", f"{c.agreement:.1%}") if c.images else ("n/a", "n/a")
        rows.append([c.format, c.images, diff, agree, accuracy,
                     result + (f" ({c.note})" if not c.images else "")])  # fmt: skip
    headers = ["format", "images", "max |Δ logit|", "top-1 agree", "accuracy", "result"]
    return f"Verified on {report.images}\n" + _table(headers, rows, right=(1, 2, 3, 4))


def add_runtime_argument(p) -> None:
    """`--runtime` of predict and sort (core.export.fast)."""
    p.add_argument("--runtime", choices=("auto", "onnxruntime", "torch"), default="auto",
                   help="auto (default): ONNX Runtime once it has proven, for this model file, "
                        "the same answers as PyTorch and more speed (cached; a job of 200+ "
                        "images checks it first); onnxruntime: check now and use it whenever it "
                        "agrees; torch: PyTorch only (docs/EXPORT.md)")  # fmt: skip


def choose_runtime(classifier, args: argparse.Namespace, paths):
    """`predict --runtime auto|onnxruntime|torch` (core.export.fast): the ONNX Runtime classifier
    when it is proven for this model file (cached) or proves itself on the job's first images;
    says which runtime and why on stderr."""
    from ..export.fast import with_runtime

    model = str(args.model)
    model_path = None if model.startswith("imagenet:") else model
    chosen, said = with_runtime(classifier, getattr(args, "runtime", "auto") or "auto", paths,
                                model_path=model_path, notify=_err)  # fmt: skip
    if said:
        _err(said)
    return chosen
