"""Proving an export: the same images through PyTorch (our loader and transform) and through the
exported file in its own runtime (the stand-alone predict.py's loader), compared logit by logit.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..messages import define
from . import standalone
from .formats import ExportError

_VERIFICATION_FOLDER_DOES_NOT = define(
    "error.export.verification_folder_does_not",
    "The verification folder {folder} does not exist or is not a folder.",
)
_NONE_VERIFICATION_IMAGES_COULD = define(
    "error.export.none_verification_images_could",
    "None of the verification images could be read; choose another folder.",
)
_NONE_CALIBRATION_IMAGES_COULD = define(
    "error.export.none_calibration_images_could",
    "None of the calibration images could be read; choose another folder.",
)
_HOLDS_NO_IMAGES_VERIFY = define(
    "error.export.holds_no_images_verify",
    "{folder} holds no images to verify the export on.",
)
# what the verification used and found (ImageSet.description, FormatCheck.note)
_IMAGES_NO_CLASSES = define(
    "export.images_no_classes", "{count} images of {folder} (no class folders: no accuracy)"
)
_VALIDATION_IMAGES = define("export.validation_images", "{count} validation images of {folder}")
_TOO_FEW_AGREE = define(
    "export.note.too_few_agree",
    "only {agreement:.1%} of top-1 labels agree with PyTorch (at least {needed:.1%} needed)",
)
_ACCURACY_DROPS = define(
    "export.note.accuracy_drops", "top-1 accuracy drops by {points:.1f} points (at most 1 allowed)"
)
_ACCURACY_CHANGES = define(
    "export.note.accuracy_changes", "top-1 accuracy changes by {points:+.1f} points"
)
_LABELS_DIFFER = define(
    "export.note.labels_differ",
    "{share:.1%} of top-1 labels differ from PyTorch (no labels to measure accuracy; at most 1 % "
    "allowed)",
)
_NO_LABELS = define("export.note.no_labels", "no labels: judged by top-1 agreement with PyTorch")


MAX_VERIFY = 200
MAX_CALIBRATION = 300
FP32_AGREEMENT = 0.995  # top-1 labels an fp32 export must share with PyTorch
INT8_MAX_DROP = 0.01  # top-1 accuracy (or agreement, without labels) INT8 may lose
WORST = 5


@dataclass(frozen=True)
class ImageSet:
    """Images to verify on (with labels when the folder has class subfolders) and to calibrate
    INT8 with (training images where the folder is the training folder)."""

    paths: tuple[Path, ...]
    labels: tuple[int, ...] | None
    calibration: tuple[Path, ...]
    source: str  # says where they came from


@dataclass(frozen=True)
class Reference:
    """PyTorch's answers on the images both pipelines could read, and the runtime's input."""

    paths: tuple[Path, ...]
    labels: np.ndarray | None
    logits: np.ndarray  # N x classes, float32
    inputs: np.ndarray  # N x 3 x S x S, from the stand-alone loader
    preprocessing_delta: float  # max |ours - stand-alone| over the input pixels
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormatCheck:
    format: str
    label: str
    images: int
    max_abs_diff: float
    agreement: float  # share of images with the same top-1 label as PyTorch
    accuracy: float | None  # of the export, when the images have labels
    reference_accuracy: float | None
    passed: bool
    note: str = ""
    worst: tuple[tuple[str, str, str, float], ...] = field(default_factory=tuple)
    # (image, PyTorch's label, the export's label, max |delta logit|), worst first

    def row(self) -> dict:
        return {"format": self.format, "label": self.label, "images": self.images,
                "max_abs_diff": self.max_abs_diff, "agreement": self.agreement,
                "accuracy": self.accuracy, "reference_accuracy": self.reference_accuracy,
                "passed": self.passed, "note": self.note,
                "worst": [list(w) for w in self.worst]}  # fmt: skip


def _spread(items: list, limit: int) -> list:
    """Up to ``limit`` items spread evenly over ``items`` (every class represented)."""
    if len(items) <= limit:
        return list(items)
    step = len(items) / limit
    return [items[math.floor(i * step)] for i in range(limit)]


def _class_folders(folder: Path, names: tuple[str, ...]) -> dict[str, Path]:
    return {n: folder / n for n in names if (folder / n).is_dir()}


def collect_images(folder: str | Path, metadata) -> ImageSet:
    """The images of ``folder`` to verify and calibrate on.

    A folder with the model's class subfolders (or ``train/`` + ``val/`` holding them) is read
    as the training folder: verification uses its validation part (the training's own split:
    same seed and fraction), calibration its training part. Any other folder: up to
    MAX_VERIFY of its images, without labels, which also calibrate INT8.
    """
    from ..dataset import DatasetIndex, Sample, split_index
    from ..files import expand_paths, looks_like_image

    folder = Path(folder)
    if not folder.is_dir():
        raise ExportError(_VERIFICATION_FOLDER_DOES_NOT(folder=folder))
    names = tuple(metadata.class_names)
    train_dir, val_dir = folder / "train", folder / "val"
    split = train_dir.is_dir() and val_dir.is_dir() and _class_folders(val_dir, names)

    def samples(base: Path) -> list:
        return [Sample(p, names.index(n)) for n, d in _class_folders(base, names).items()
                for p in expand_paths([d]) if looks_like_image(p)]  # fmt: skip

    if split:
        train, val = samples(train_dir), samples(val_dir)
    elif _class_folders(folder, names):
        config = metadata.train_config or {}
        index = DatasetIndex(folder, list(names), samples(folder))
        seed, fraction = int(config.get("seed", 0)), float(config.get("val_fraction", 0.2))
        train, val = split_index(index, fraction, seed) if len(index.samples) > 1 else ([], [])
        val = val or index.samples
    else:
        paths = [p for p in expand_paths([folder]) if looks_like_image(p)]
        if not paths:
            raise ExportError(_HOLDS_NO_IMAGES_VERIFY(folder=folder))
        chosen = _spread(paths, MAX_VERIFY)
        return ImageSet(tuple(chosen), None, tuple(_spread(paths, MAX_CALIBRATION)),
                        _IMAGES_NO_CLASSES(count=len(chosen), folder=folder))  # fmt: skip
    val = _spread(val, MAX_VERIFY)
    calibration = _spread(train or val, MAX_CALIBRATION)
    return ImageSet(tuple(s.path for s in val), tuple(s.label for s in val),
                    tuple(s.path for s in calibration),
                    _VALIDATION_IMAGES(count=len(val), folder=folder))  # fmt: skip


def _ours(path: Path, transform, decode_size: int) -> torch.Tensor:
    from ..images import load_image

    return transform(load_image(path, target_size=decode_size))


def reference(model, metadata, images: ImageSet) -> Reference:
    """PyTorch fp32 logits through the app's loader, and the stand-alone loader's inputs."""
    from ..dataset import eval_transform

    size = int(metadata.input_size)
    transform = eval_transform(size, metadata.mean, metadata.std)
    decode = math.ceil(size * 8 / 7)
    ours, theirs, kept, labels, skipped = [], [], [], [], []
    for i, path in enumerate(images.paths):
        try:
            tensor = _ours(path, transform, decode)
            image = standalone.load_image(path, standalone.decode_size(size))
        except Exception as exc:  # noqa: BLE001 - an unreadable image is skipped and listed
            skipped.append(f"{path}: {getattr(exc, 'reason', exc)}")
            continue
        ours.append(tensor)
        theirs.append(standalone.preprocess(image, size, metadata.mean, metadata.std))
        kept.append(path)
        if images.labels is not None:
            labels.append(images.labels[i])
    if not ours:
        raise ExportError(_NONE_VERIFICATION_IMAGES_COULD())
    batch = torch.stack(ours)
    inputs = np.stack(theirs)
    logits = run_pytorch(model, batch)
    delta = float(np.abs(batch.numpy() - inputs).max())
    label_array = np.asarray(labels) if images.labels is not None else None
    return Reference(tuple(kept), label_array, logits, inputs, delta, tuple(skipped))


def run_pytorch(model, batch: torch.Tensor, chunk: int = 32) -> np.ndarray:
    model = model.eval().to("cpu")
    out = []
    with torch.inference_mode():
        for start in range(0, len(batch), chunk):
            out.append(model(batch[start:start + chunk].contiguous()).float().numpy())
    return np.concatenate(out)


def run_runtime(model_file: Path, inputs: np.ndarray, chunk: int = 32) -> np.ndarray:
    runtime = standalone.Runtime(model_file, threads=os.cpu_count())
    return np.concatenate([runtime.logits(inputs[i:i + chunk]) for i in range(0, len(inputs), chunk)])


def compare(fmt, ref: Reference, logits: np.ndarray, class_names) -> FormatCheck:
    """How ``logits`` (the export's) agree with PyTorch's; passed by the format's rule."""
    diff = np.abs(logits.astype(np.float64) - ref.logits.astype(np.float64)).max(axis=1)
    ours, theirs = ref.logits.argmax(axis=1), logits.argmax(axis=1)
    agreement = float((ours == theirs).mean())
    accuracy = reference_accuracy = None
    if ref.labels is not None:
        accuracy = float((theirs == ref.labels).mean())
        reference_accuracy = float((ours == ref.labels).mean())
    order = sorted(range(len(diff)), key=lambda i: (ours[i] == theirs[i], -diff[i]))[:WORST]
    worst = tuple((str(ref.paths[i]), class_names[ours[i]], class_names[theirs[i]],
                   float(diff[i])) for i in order)  # fmt: skip
    passed, note = _judge(fmt, agreement, accuracy, reference_accuracy)
    return FormatCheck(fmt.name, fmt.label, len(diff), float(diff.max()), agreement, accuracy,
                       reference_accuracy, passed, note, worst)  # fmt: skip


def _judge(fmt, agreement, accuracy, reference_accuracy) -> tuple[bool, str]:
    if fmt.fp32:
        if agreement >= FP32_AGREEMENT:
            return True, ""
        return False, _TOO_FEW_AGREE(agreement=agreement, needed=FP32_AGREEMENT)
    if accuracy is not None:
        drop = reference_accuracy - accuracy
        if drop > INT8_MAX_DROP:
            return False, _ACCURACY_DROPS(points=100 * drop)
        return True, _ACCURACY_CHANGES(points=100 * (accuracy - reference_accuracy))
    if 1 - agreement > INT8_MAX_DROP:
        return False, _LABELS_DIFFER(share=1 - agreement)
    return True, _NO_LABELS()


def structure_only(fmt, note: str) -> FormatCheck:
    """The check of a format whose runtime cannot run here (Core ML off macOS)."""
    return FormatCheck(fmt.name, fmt.label, 0, 0.0, 0.0, None, None, True, note)


def calibration_inputs(metadata, images: ImageSet) -> np.ndarray:
    """Preprocessed calibration images (the stand-alone loader) for INT8."""
    config = {"input_size": metadata.input_size, "mean": list(metadata.mean),
              "std": list(metadata.std)}  # fmt: skip
    batch, _errors = standalone.load_batch(list(images.calibration), config)
    if batch is None:
        raise ExportError(_NONE_CALIBRATION_IMAGES_COULD())
    return batch


def worst_text(check: FormatCheck) -> str:
    lines = [f"  {path}: PyTorch says {a}, {check.label} says {b} (max |Δ logit| {d:.4g})"
             for path, a, b, d in check.worst]  # fmt: skip
    return "\n".join(lines)
