"""What a fit leaves behind: `FitResult` (the outcome, the best model and its metadata)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torch import nn

from ..errors import TrainingError
from ..events import EpochEnded
from ..messages import define
from .config import TrainConfig
from .plan import Plan
from .state import RunState

_THERE_NO_TRAINED_MODEL = define(
    "error.training.there_no_trained_model",
    "There is no trained model to save ({outcome}: {message}). Train at least one epoch "
    "first.",
)


@dataclass
class FitResult:
    outcome: str  # "finished" | "cancelled" | "failed"
    message: str
    model: nn.Module | None  # best weights, eval mode, on CPU
    metadata: Any | None  # core.modelfile.ModelMetadata, ready for save_model
    history: list[EpochEnded] = field(default_factory=list)
    best_epoch: int | None = None
    checkpoint: Path | None = None  # the last checkpoint written, if any
    error: BaseException | None = None  # the user error behind a "failed" outcome, if any
    records: tuple = ()  # core.review.ImageRecord per validation image, of the best weights
    data_root: str | None = None  # the data folder trained on (for the review galleries)

    def save(self, path: str | Path) -> Path:
        """Write the model as one .safetensors file (core.modelfile.save_model)."""
        if self.model is None or self.metadata is None:
            raise TrainingError(
                _THERE_NO_TRAINED_MODEL(outcome=self.outcome, message=self.message)
            )
        from ..export.card import save_with_card  # the model card embedded and beside it

        return save_with_card(path, self.model, self.metadata)


def displayable_names(names) -> list[str]:
    """Class names as valid UTF-8 text for the model file and the screen.

    A folder name that is not UTF-8 on disk (e.g. Latin-1 'caf\\xe9' from an old zip) reaches
    Python with lone surrogates, which JSON/safetensors cannot encode. Such names are re-read as
    Latin-1 ('café'); should two names then collide, the later one gets a numbered suffix.
    """
    result: list[str] = []
    for name in names:
        name = str(name)
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            name = name.encode("utf-8", "surrogateescape").decode("latin-1")
        candidate, n = name, 2
        while candidate in result:
            candidate, n = f"{name} ({n})", n + 1
        result.append(candidate)
    return result


def model_metadata(config: TrainConfig, plan: Plan, run: RunState, class_names):
    """The model file's metadata for the run's best epoch."""
    from ..export.card import data_summary
    from ..modelfile import TrainingRecord, new_metadata

    event = run.best.event
    names = displayable_names(class_names)
    settings = json.loads(config.to_json())
    settings["resolved"] = plan.resolved()
    metrics = {
        "best_epoch": event.epoch,
        "epochs_completed": run.epochs_done,
        "val_accuracy": event.val_accuracy,
        "val_loss": event.val_loss,
        "train_loss": event.train_loss,
        "train_accuracy": event.train_accuracy,
        "per_class": [
            {**dataclasses.asdict(m), "name": name}
            for m, name in zip(event.per_class, names, strict=True)
        ],
        "confusion": [list(row) for row in event.confusion],
        **data_summary(plan.train_samples, plan.val_samples, names),  # core.export.card
        "num_train": len(plan.train_samples),
        "num_val": len(plan.val_samples),
        "history": [
            {
                "epoch": e.epoch,
                "stage": e.stage,
                "train_loss": e.train_loss,
                "val_loss": e.val_loss,
                "val_accuracy": e.val_accuracy,
            }
            for e in run.history
        ],
    }
    return new_metadata(
        plan.spec.name,
        names,
        plan.image_size,
        plan.spec.mean,
        plan.spec.std,
        record=TrainingRecord(
            small_input=plan.small_input,
            stem_stride=plan.stem_stride if plan.small_input else 1,
            train_config=settings,
            metrics=metrics,
        ),
    )
