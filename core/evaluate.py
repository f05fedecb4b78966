"""Score a classifier on a class-per-folder dataset: the one evaluation the CLI's `evaluate`
command and the Results page's "Evaluate a model on a folder..." both run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .dataset import ScanResult
from .errors import BackboneStudioError
from .events import CancelToken, ClassMetrics, ProgressCallback
from .messages import define
from .metrics import accuracy, confusion_matrix, per_class_metrics
from .predict import Classifier
from .review.records import ImageRecord, record_from_top_k

_NO_COMMON_CLASS = define(  # core.messages: the GUI says these in the user's language
    "error.evaluate.no_common_class",
    "None of the classes in {root} ({classes}) is a class of the model {model} ({names}). "
    "Choose a folder with one subfolder per class of the model.",
)
_CANCELLED = define("error.evaluate.cancelled", "Evaluation cancelled.")
_NONE_READ = define("error.evaluate.none_read", "None of the {count} images in {root} could be read.")


@dataclass(frozen=True)
class FolderEvaluation:
    """A model's accuracy on a class-per-folder dataset."""

    model_name: str
    data_root: str
    class_names: tuple[str, ...]  # the model's classes, in its order
    confusion: tuple[tuple[int, ...], ...]  # rows = true class, columns = predicted
    per_class: tuple[ClassMetrics, ...]
    accuracy: float
    num_images: int  # images scored
    used_validation_split: bool = False  # the folder had train/ + val/: only val/ was scored
    skipped_classes: tuple[str, ...] = ()  # folder classes the model does not know
    problems: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (file, reason)
    model_path: str | None = None  # the model file, when the caller loaded one
    records: tuple[ImageRecord, ...] = ()  # one per image scored: prediction, loss, top-5


def evaluate(
    classifier: Classifier,
    scan: ScanResult,
    *,
    batch_size: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    model_path: str | None = None,
) -> FolderEvaluation:
    """Classify every image of a scanned folder and score the predictions.

    Only classes the model knows are scored (the others are in `skipped_classes`); a folder with
    a predefined train/val split is scored on its validation part. Unreadable files (from the
    scan or at prediction time) are listed in `problems`, never fatal.
    """
    index = scan.index
    split = bool(index.val_samples)
    samples = list(index.val_samples) if split else list(index.samples)
    model_classes = {name: i for i, name in enumerate(classifier.class_names)}
    usable = [s for s in samples if index.class_names[s.label] in model_classes]
    skipped = tuple(n for n in index.class_names if n not in model_classes)
    if not usable:
        names = classifier.class_names
        raise BackboneStudioError(
            _NO_COMMON_CLASS(root=index.root, classes=", ".join(index.class_names),
                             model=classifier.name,
                             names=", ".join(names[:10]) + (", ..." if len(names) > 10 else ""))
        )
    # Every class's probability (for the loss), one batch at a time: a record keeps the top-5.
    predictions = classifier.predict_iter(
        [s.path for s in usable], top_k=len(classifier.class_names), batch_size=batch_size,
        progress=progress, cancel=cancel,
    )
    y_true, y_pred, records = [], [], []
    problems = [(str(p.path), p.reason) for p in scan.problems]
    for sample, prediction in zip(usable, predictions, strict=False):  # shorter when cancelled
        if prediction.error is not None:
            problems.append((str(sample.path), prediction.error))
            continue
        y_true.append(model_classes[index.class_names[sample.label]])
        y_pred.append(model_classes[prediction.label])
        true_name = index.class_names[sample.label]
        records.append(record_from_top_k(str(sample.path), true_name, prediction.top_k))
    if cancel is not None and cancel.cancelled:
        raise BackboneStudioError(_CANCELLED())
    if not y_true:
        raise BackboneStudioError(_NONE_READ(count=len(usable), root=index.root))
    names = list(classifier.class_names)
    matrix = confusion_matrix(y_true, y_pred, len(names))
    return FolderEvaluation(
        model_name=Path(model_path).name if model_path else classifier.name,
        data_root=str(index.root),
        class_names=tuple(names),
        confusion=tuple(tuple(int(v) for v in row) for row in matrix),
        per_class=per_class_metrics(matrix, names),
        accuracy=accuracy(matrix),
        num_images=len(y_true),
        used_validation_split=split,
        skipped_classes=skipped,
        problems=tuple(problems),
        model_path=model_path,
        records=tuple(records),
    )
