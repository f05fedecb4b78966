"""`TrainConfig`: everything a user can choose about a fit, validated; and the one place where
an "auto" strategy is resolved."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass

from .. import backbones
from ..errors import BackboneStudioError
from ..messages import define

_NO_PRETRAINED_WEIGHTS_SET = define(
    "error.training.no_pretrained_weights_set",
    "{display_name} has no pretrained weights; set pretrained to false (train from scratch) "
    "or choose another backbone.",
)
_IMAGE_SIZE_PX_TOO = define(
    "error.training.image_size_px_too",
    "Image size {image_size} px is too small for {display_name}; use at least {min_size} px.",
)
_TRAINING_SETTINGS_MUST_JSON = define(
    "error.training.training_settings_must_json",
    "The training settings must be a JSON object.",
)
_UNKNOWN_TRAINING_KNOWN = define(
    "error.training.unknown_training_known",
    "Unknown training {word}: {items}. Known: {items2}.",
)
_SETTING = define("words.setting", "setting")
_SETTINGS = define("words.settings", "settings")
_BAD_SETTING = define(
    "error.training.bad_setting", "Training setting '{name}' is {value!r}; it must be {allowed}."
)
_TRAINING_SETTINGS_NOT_VALID = define(
    "error.training.training_settings_not_valid",
    "The training settings are not valid JSON: {reason}",
)


STRATEGIES = ("auto", "head", "partial", "full", "two_stage")
SCHEDULES = ("onecycle", "cosine")
CLASS_WEIGHTING = ("auto", "on", "off")


def resolve_strategy(strategy: str, pretrained: bool) -> str:
    """What "auto" means: two_stage with pretrained weights, else full. Others are themselves."""
    if strategy == "auto":
        return "two_stage" if pretrained else "full"
    return strategy


# (name, lowest allowed, whether empty means automatic)
_WHOLE_NUMBERS = (
    ("epochs", 1, True),
    ("batch_size", 1, True),
    ("image_size", 16, True),
    ("feature_views", 1, False),
    ("early_stopping", 1, True),
    ("num_workers", 0, True),
    ("seed", 0, False),
)
# (name, low, high, optional, low bound excluded)
_NUMBERS = (
    ("learning_rate", 0.0, 1e9, True, True),
    ("val_fraction", 0.0, 0.9, False, True),
    ("label_smoothing", 0.0, 0.5, False, False),
    ("grad_clip", 0.0, 1e9, True, True),
    ("weight_decay", 0.0, 10.0, False, False),
    ("checkpoint_every", 0.0, 1e9, False, False),
)
# (name, allowed values)
_CHOICES = (
    ("strategy", STRATEGIES),
    ("schedule", SCHEDULES),
    ("class_weighting", CLASS_WEIGHTING),
    ("pretrained", (True, False)),
    ("augment", (True, False)),
    ("flip", (True, False)),
    ("ema", (True, False)),
)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    )


@dataclass
class TrainConfig:
    """Everything a user can choose about a fit; None means "choose automatically"."""

    backbone: str = "resnet18"  # or "auto": chosen for the data (core.training.automatic)
    strategy: str = "auto"
    pretrained: bool = True
    epochs: int | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    image_size: int | None = None
    val_fraction: float = 0.2
    seed: int = 0
    device: str = "auto"
    augment: bool = True
    flip: bool = True  # mirror images in augmentation (off for text, digits, arrows...)
    # evaluate and keep a moving average of the weights when every layer trains (core.training.ema)
    ema: bool = False
    feature_views: int = 1
    label_smoothing: float = 0.1
    class_weighting: str = "auto"
    grad_clip: float | None = 1.0
    schedule: str = "onecycle"
    weight_decay: float = 0.05
    early_stopping: int | None = None
    num_workers: int | None = None
    checkpoint: str | None = None
    # Seconds between checkpoints (0: after every epoch). The last epoch of each stage and an
    # early stop are always written. The app uses it so that millisecond head epochs do not
    # each write the whole network.
    checkpoint_every: float = 0.0
    # Seconds the whole run may take; "auto": the plan chooses from the data; None: the planned
    # epochs, however long they take. Every layer then trains for as long as fits, with the
    # learning rate laid out over the time.
    time_budget: float | str | None = None

    def __post_init__(self) -> None:
        self.validate()

    @property
    def resolved_strategy(self) -> str:
        return resolve_strategy(self.strategy, self.pretrained)

    def _bad(self, name: str, allowed: str) -> BackboneStudioError:
        return BackboneStudioError(_BAD_SETTING(name=name, value=getattr(self, name), allowed=allowed))

    def validate(self) -> None:
        """Raise BackboneStudioError naming the first bad value and what is allowed."""
        if not isinstance(self.backbone, str) or not self.backbone:
            raise self._bad("backbone", "a backbone name")
        # unknown names list the valid ones; "auto" is chosen when the data is known
        spec = None if self.backbone == "auto" else backbones.get_spec(self.backbone)
        self._validate_choices()
        self._validate_numbers()
        budget = self.time_budget
        if not (budget is None or budget == "auto" or (_is_number(budget) and 0 < budget <= 1e7)):
            raise self._bad("time_budget", "a number of seconds > 0, \"auto\" or empty")
        if not isinstance(self.device, str):
            raise self._bad("device", "auto, cpu, mps or cuda:N")
        if self.checkpoint is not None and not isinstance(self.checkpoint, str):
            raise self._bad("checkpoint", "a file path or empty")
        if spec is None:
            return
        if self.pretrained and not spec.has_pretrained:
            raise BackboneStudioError(
                _NO_PRETRAINED_WEIGHTS_SET(display_name=spec.display_name)
            )
        if self.image_size is not None and self.image_size < spec.min_size:
            raise BackboneStudioError(
                _IMAGE_SIZE_PX_TOO(
                    image_size=self.image_size,
                    display_name=spec.display_name,
                    min_size=spec.min_size,
                )
            )

    def _validate_choices(self) -> None:
        for name, allowed in _CHOICES:
            value = getattr(self, name)
            # `True in (1, ...)` holds in Python: the type must match too
            if not any(value is a or (type(value) is type(a) and value == a) for a in allowed):
                words = "true or false" if allowed == (True, False) else " / ".join(allowed)
                raise self._bad(name, words)

    def _validate_numbers(self) -> None:
        for name, low, optional in _WHOLE_NUMBERS:
            value = getattr(self, name)
            if value is None and optional:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                auto = " or empty (automatic)" if optional else ""
                raise self._bad(name, f"a whole number >= {low}{auto}")
        for name, low, high, optional, low_open in _NUMBERS:
            value = getattr(self, name)
            if value is None and optional:
                continue
            ok = _is_number(value) and (value > low if low_open else value >= low)
            if not (ok and value <= high):
                bound = f"> {low}" if low_open else f">= {low}"
                empty = " or empty" if optional else ""
                raise self._bad(name, f"a number {bound} and <= {high:g}{empty}")

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True, indent=2)

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError, TypeError) as exc:
            reason = str(exc) if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            raise BackboneStudioError(
                _TRAINING_SETTINGS_NOT_VALID(reason=reason)
            ) from None
        if not isinstance(data, dict):
            raise BackboneStudioError(_TRAINING_SETTINGS_MUST_JSON())
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise BackboneStudioError(
                _UNKNOWN_TRAINING_KNOWN(
                    word=_SETTING() if len(unknown) == 1 else _SETTINGS(),
                    items=', '.join(unknown),
                    items2=', '.join(sorted(known)),
                )
            )
        return cls(**data)
