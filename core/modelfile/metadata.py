"""The JSON metadata a model file carries: what the model classifies and how it was trained."""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import torch

from .. import __version__ as APP_VERSION

FORMAT_VERSION = 2  # the newest format this version reads and writes (1: no stem_stride)
METADATA_KEY = "backbone_studio"
SUFFIX = ".safetensors"

# Refusals of files that hold backbone weights rather than a trained model point here

IMPORT_HINT = "import it as backbone weights instead (Weights > Import, or `backbone-studio-cli weights import`)"


@dataclass(frozen=True)
class ModelMetadata:
    """Everything needed to rebuild and use a trained model, stored in the file's header."""

    backbone: str
    small_input: bool
    class_names: tuple[str, ...]
    input_size: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    train_config: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    created: str = ""
    torch_version: str = ""
    torchvision_version: str = ""
    app_version: str = ""
    format_version: int = FORMAT_VERSION
    stem_stride: int = 1  # the small-image stem's first stride (format 2; 1 in older files)
    # calibration (core.calibration), optional: older files load with T = 1, no review, no OOD;
    # an older app ignores them (the winning class is the same), so no format_version change
    temperature: float = 1.0
    review_threshold: float | None = None  # below it a prediction is "Not sure"
    ood: dict | None = None  # "None of these": core.calibration.OodDetector.to_dict()
    model_card: str = ""  # MODEL_CARD.md (core.export.card), optional: "" in older files

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def to_json(self) -> str:
        data = asdict(self)
        data["class_names"] = list(self.class_names)
        data["mean"] = list(self.mean)
        data["std"] = list(self.std)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelMetadata:
        """Parse and validate; ValueError with a short reason when something is off."""
        try:
            data = json.loads(text)
        except RecursionError:  # a JSON nesting bomb: json.JSONDecodeError is a ValueError too
            raise ValueError("the metadata is nested absurdly deep") from None
        if not isinstance(data, dict):
            raise ValueError("the metadata is not a JSON object")
        known = {f.name for f in fields(cls)}
        missing = [
            name
            for name in ("backbone", "small_input", "class_names", "input_size", "mean", "std")
            if name not in data
        ]
        if missing:
            raise ValueError(f"the metadata lacks {', '.join(missing)}")
        values = {k: v for k, v in data.items() if k in known}  # newer optional keys are ignored
        values["class_names"] = _checked_class_names(values["class_names"])
        for key in ("mean", "std"):
            values[key] = _checked_three_numbers(key, values[key])
        if not isinstance(values["input_size"], int) or values["input_size"] <= 0:
            raise ValueError("input_size must be a positive integer")
        if not isinstance(values["backbone"], str):
            raise ValueError("backbone must be a name")
        values["small_input"] = bool(values["small_input"])
        for key in ("train_config", "metrics"):
            if not isinstance(values.get(key, {}), dict):
                raise ValueError(f"{key} must be a JSON object")
        version = values.get("format_version", FORMAT_VERSION)
        if not isinstance(version, int):
            raise ValueError("format_version must be an integer")
        if values.get("stem_stride", 1) not in (1, 2) or isinstance(values.get("stem_stride"), bool):
            raise ValueError("stem_stride must be 1 or 2")
        _check_calibration(values)
        if not isinstance(values.get("model_card", ""), str):
            raise ValueError("model_card must be text")
        return cls(**values)


def _check_calibration(values: dict) -> None:
    """The optional calibration fields (core.calibration); ValueError when damaged."""
    temperature = values.get("temperature", 1.0)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not (
        0 < temperature < float("inf")
    ):
        raise ValueError("temperature must be a positive number")
    threshold = values.get("review_threshold")
    if threshold is not None and (
        isinstance(threshold, bool) or not isinstance(threshold, (int, float))
        or not 0 <= threshold <= 1
    ):  # fmt: skip
        raise ValueError("review_threshold must be a number from 0 to 1, or null")
    if values.get("ood") is not None:
        from ..calibration.ood import OodDetector

        OodDetector.from_dict(values["ood"])


def _checked_class_names(names: Any) -> tuple[str, ...]:
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ValueError("class_names must be a non-empty list of strings")
    if len(set(names)) != len(names):
        raise ValueError("class_names has duplicates")
    return tuple(names)


def _checked_three_numbers(key: str, seq: Any) -> tuple[float, ...]:
    if not isinstance(seq, list) or len(seq) != 3 or not all(
        isinstance(x, (int, float)) for x in seq
    ):
        raise ValueError(f"{key} must be three numbers")
    return tuple(float(x) for x in seq)


@dataclass(frozen=True)
class TrainingRecord:
    """How a model was built and trained, kept in its metadata next to what it classifies."""

    small_input: bool = False  # built with the small-input stem (see backbones.build_model)
    stem_stride: int = 1  # that stem's first stride
    train_config: dict = field(default_factory=dict)  # the training settings
    metrics: dict = field(default_factory=dict)  # what the training reached


def new_metadata(
    backbone: str,
    class_names,
    input_size: int,
    mean,
    std,
    *,
    record: TrainingRecord | None = None,
) -> ModelMetadata:
    """A ModelMetadata with the creation time and library versions filled in."""
    import torchvision

    record = record or TrainingRecord()
    return ModelMetadata(
        backbone=backbone,
        small_input=bool(record.small_input),
        class_names=tuple(str(n) for n in class_names),
        input_size=int(input_size),
        mean=tuple(float(x) for x in mean),
        std=tuple(float(x) for x in std),
        train_config=dict(record.train_config or {}),
        metrics=dict(record.metrics or {}),
        created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        torch_version=torch.__version__,
        torchvision_version=torchvision.__version__,
        app_version=APP_VERSION,
        # a stride-2 stem is format 2: an older app, which would build stride 1 and classify
        # wrongly without a word, refuses the file and asks for an update instead
        format_version=1 if record.stem_stride == 1 else 2,
        stem_stride=int(record.stem_stride),
    )
