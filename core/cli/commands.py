"""The CLI's commands other than `train`: backbones, devices, scan, demo-data, weights,
predict and evaluate."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from ..errors import BackboneStudioError, WeightsUnavailable
from ..words import plural
from .output import (
    EXIT_FAILED,
    EXIT_OK,
    _err,
    _out,
    _percent,
    _table,
    _tqdm,
    _write_text_atomic,
)

IMAGENET_PREFIX = "imagenet"


# ---------------------------------------------------------------------------- simple commands


def cmd_backbones(args: argparse.Namespace) -> int:
    from .. import backbones

    rows = []
    for spec in backbones.BACKBONES:
        if spec.weights is None:
            weights = "none"
        elif backbones.weights_cached(spec):
            weights = "cached"
        else:
            weights = "downloadable"
        rows.append(
            (
                spec.name,
                spec.family,
                f"{spec.params / 1e6:.1f}",
                f"{spec.gmacs:.2f}",
                f"{spec.default_size}/{spec.min_size}",
                "yes" if spec.supports_small_input else "no",
                weights,
            )
        )
    headers = ("name", "family", "params (M)", "GMACs", "size (default/min)", "small-image stem",
               "pretrained weights")  # fmt: skip
    _out(_table(headers, rows, right=(2, 3, 4)))
    return EXIT_OK


def cmd_devices(args: argparse.Namespace) -> int:
    from ..devices import list_devices

    rows = []
    for i, info in enumerate(list_devices()):
        rows.append(
            (
                info.id,
                info.name,
                f"{info.memory_bytes / 2**30:.1f} GiB" if info.memory_bytes else "-",
                info.threads or "-",
                info.precision,
                "yes" if i == 0 else "",
            )
        )
    _out(_table(("device", "name", "memory", "threads", "training precision", "auto"), rows, right=(2, 3)))
    return EXIT_OK


def _scan(folder: str):
    from ..dataset import scan_folder

    bar = _tqdm(desc="scanning", unit="file")

    def progress(done: int, total: int) -> None:
        if total and bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        return scan_folder(Path(folder), progress=progress)
    finally:
        bar.close()


def cmd_scan(args: argparse.Namespace) -> int:
    result = _scan(args.dir)
    index = result.index
    counts = index.counts()
    val_counts: dict[str, int] = {}
    for sample in index.val_samples or ():
        name = index.class_names[sample.label]
        val_counts[name] = val_counts.get(name, 0) + 1
    if index.val_samples is not None:
        rows = [(n, counts.get(n, 0), val_counts.get(n, 0)) for n in index.class_names]
        rows.append(("total", sum(counts.values()), sum(val_counts.values())))
        table = _table(("class", "train images", "val images"), rows, right=(1, 2))
    else:
        rows = [(n, counts.get(n, 0)) for n in index.class_names]
        rows.append(("total", sum(counts.values())))
        table = _table(("class", "images"), rows, right=(1,))
    _out(f"{index.root}: {len(index.class_names)} classes")
    _out(table)
    if result.warnings:
        _out("\nwarnings:")
        for warning in result.warnings:
            _out(f"  - {warning}")
    if result.problems:
        _out(f"\n{plural(len(result.problems), 'file')} cannot be used:")
        for problem in result.problems:
            _out(f"  {problem.path}: {problem.reason}")
    _out(f"\nignored: {plural(result.ignored_file_count(), 'file')} (hidden files, system junk)")
    return EXIT_OK


def cmd_demo_data(args: argparse.Namespace) -> int:
    from ..demo import make_demo_dataset

    root = make_demo_dataset(args.dir, classes=args.classes, per_class=args.per_class, size=args.size)
    _out(
        f"Wrote a demo dataset to {root}: {args.classes} classes x {args.per_class} images of "
        f"{args.size} px.\nTry: backbone-studio-cli train {root} --out demo.safetensors"
    )
    return EXIT_OK


# ---------------------------------------------------------------------------------- weights


def cmd_weights(args: argparse.Namespace) -> int:
    from .. import backbones

    if args.action == "list":
        rows = []
        for spec in backbones.BACKBONES:
            if spec.weights is None:
                continue
            cached = backbones.weights_cached(spec)
            rows.append((spec.name, "cached" if cached else "not cached", backbones.weights_file(spec)))
        _out(_table(("backbone", "ImageNet weights", "file"), rows))
        _out(f"\ncache folder: {backbones.weights_cache_dir()}")
        return EXIT_OK
    if args.action == "download":
        spec = backbones.get_spec(args.name)
        if backbones.weights_cached(spec):
            _out(f"The weights for {spec.display_name} are already cached: {backbones.weights_file(spec)}")
            return EXIT_OK
        bar = _tqdm(desc=spec.name, unit="B", unit_scale=True, unit_divisor=1024)

        def progress(done: int, total: int) -> None:
            if total and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            path = backbones.download_weights(spec, progress=progress)
        finally:
            bar.close()
        _out(f"Downloaded the ImageNet weights for {spec.display_name} to {path}")
        return EXIT_OK
    # import
    spec = backbones.get_spec(args.name)
    path = backbones.import_weights(spec, Path(args.file))
    _out(f"Imported {args.file} as the ImageNet weights for {spec.display_name}: {path}")
    return EXIT_OK


# ---------------------------------------------------------------------------------- predict


def _load_classifier(model: str, device: str):
    """A model file, or `imagenet` / `imagenet:NAME` for the cached ImageNet weights."""
    from ..predict import Classifier

    prefix, _, name = model.partition(":")
    if prefix.lower() == IMAGENET_PREFIX and not Path(model).exists():
        if not name:
            available = Classifier.imagenet_available()
            if not available:
                raise WeightsUnavailable(
                    "No ImageNet weights are cached. Download some first, e.g. "
                    "`backbone-studio-cli weights download resnet18`, or import a weights file."
                )
            name = "resnet18" if "resnet18" in available else available[0]
        return Classifier.imagenet(name, device=device)
    return Classifier.load(model, device=device)


def _top_k_text(prediction) -> str:
    return "; ".join(f"{label} {100 * p:.1f}%" for label, p in prediction.top_k)


def _predictions_csv(predictions) -> str:
    from ..calibration import REVIEW_COLUMNS, review_cells

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "label", "confidence", "top_k", "error", *REVIEW_COLUMNS])
    for p in predictions:
        top = ";".join(f"{label}:{prob:.6f}" for label, prob in p.top_k)
        confidence = f"{p.confidence:.6f}" if p.error is None else ""
        writer.writerow([p.source, p.label or "", confidence, top, p.error or "", *review_cells(p)])
    return buffer.getvalue()


def _run_predictions(classifier, paths, top_k: int, batch_size: int | None, what: str):
    bar = _tqdm(desc=what, total=len(paths), unit="img")

    def progress(done: int, total: int) -> None:
        bar.update(done - bar.n)

    try:
        return classifier.predict(paths, top_k=top_k, batch_size=batch_size, progress=progress)
    finally:
        bar.close()


def cmd_predict(args: argparse.Namespace) -> int:
    from ..calibration import verdict
    from ..predict import expand_paths

    if args.top_k < 1:
        raise BackboneStudioError(f"--top-k must be at least 1 (got {args.top_k}).")
    paths = expand_paths(args.paths)
    if not paths:
        raise BackboneStudioError(
            f"No images found in {', '.join(args.paths)}. Give image files or folders holding them."
        )
    from .distributed_predict import predict_distributed

    distributed = predict_distributed(args, paths)  # --nproc-per-node N: a part per process
    if distributed is not None:
        return distributed
    classifier = _load_classifier(args.model, args.device)
    from .export import choose_runtime  # --runtime onnxruntime (core.export.fast)

    classifier = choose_runtime(classifier, args, paths)
    predictions = _run_predictions(classifier, paths, args.top_k, args.batch_size, "classifying")
    rows = []
    for p in predictions:
        if p.error is None:
            rows.append((p.source, verdict(p), _percent(p.confidence), _top_k_text(p)))
        else:
            rows.append((p.source, "-", "-", f"error: {p.error}"))
    _out(_table(("file", "label", "confidence", f"top-{args.top_k}"), rows, right=(2,)))
    if args.csv:
        _write_text_atomic(Path(args.csv), _predictions_csv(predictions),
                           kept="The predictions are printed above.")  # fmt: skip
        _out(f"\nwrote {len(predictions)} rows to {args.csv}")
    failed = sum(p.error is not None for p in predictions)
    if failed:
        _err(f"{failed} of {plural(len(predictions), 'file')} could not be read (see the error column).")
    return EXIT_FAILED if failed == len(predictions) else EXIT_OK


# --------------------------------------------------------------------------------- evaluate


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ..evaluate import evaluate

    classifier = _load_classifier(args.model, args.device)
    result = _scan(args.dir)
    bar = _tqdm(desc="evaluating", total=None, unit="img")

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        ev = evaluate(classifier, result, batch_size=args.batch_size, progress=progress)
    finally:
        bar.close()
    if ev.used_validation_split:
        _out(f"{ev.data_root} has a predefined split: evaluated on its validation part.")
    if ev.skipped_classes:
        _err(
            "warning: the model does not know these classes, their images are skipped: "
            + ", ".join(ev.skipped_classes)
        )
    names = ev.class_names
    matrix = ev.confusion
    # Show only the classes that occur (a 1000-class ImageNet matrix would be unreadable).
    shown = [
        i for i in range(len(names)) if sum(matrix[i]) or sum(row[i] for row in matrix)
    ]
    correct = sum(matrix[i][i] for i in range(len(names)))
    _out(f"model: {classifier.name} ({classifier.backbone}, {len(names)} classes)")
    _out(f"data:  {ev.data_root}: {ev.num_images} images")
    _out(f"\naccuracy: {_percent(ev.accuracy)} ({correct}/{ev.num_images})\n")
    rows = [
        (m.name, f"{m.precision:.3f}", f"{m.recall:.3f}", f"{m.f1:.3f}", m.support)
        for i, m in enumerate(ev.per_class)
        if i in shown
    ]
    _out(_table(("class", "precision", "recall", "F1", "support"), rows, right=(1, 2, 3, 4)))
    _out("\nconfusion matrix (rows: true class, columns: predicted):")
    labels = [names[i] for i in shown]
    matrix_rows = [(labels[r], *(matrix[i][j] for j in shown)) for r, i in enumerate(shown)]
    _out(_table(("true \\ predicted", *labels), matrix_rows, right=tuple(range(1, len(shown) + 1))))
    if ev.problems:
        _out(f"\n{plural(len(ev.problems), 'file')} could not be used:")
        for path, reason in ev.problems:
            _out(f"  {path}: {reason}")
    if getattr(args, "errors", None):
        from .review import write_errors

        write_errors(ev, args.errors)
    return EXIT_OK


# ------------------------------------------------------------------------------------ train
