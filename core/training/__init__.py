"""The training engine: a plain loop that turns a DatasetIndex into a classifier and reports
typed events (core.events) to callbacks. It knows nothing about threads or Qt.

Strategies (each a row of stages in plan.RECIPES; stage kinds in stages.STAGES)
- ``head``: the backbone is frozen and in eval mode; its features are computed once per image
  (optionally for several augmented views) under ``torch.inference_mode()`` and cached as
  tensors, and only the Linear head trains on them: after the feature pass an epoch is a few
  matrix multiplications.
- ``partial``: the trunk (everything before the last stage) is frozen; its outputs are cached in
  fp16 and the last stage plus the head train on them.
- ``full``: every layer trains on images, with lower learning rates for earlier layers when
  starting from pretrained weights.
- ``two_stage``: ``head`` first, then everything unfrozen at a lower rate (fastai's fine_tune).
- ``auto``: ``two_stage`` with pretrained weights, else ``full``.

Modules: config (TrainConfig), plan (make_plan -> Plan, the notes), stages (stage objects),
loop (TrainStep, train_epoch, evaluate), features (the feature pass), state (RunState, Best),
checkpoint (Checkpoint, CheckpointStore), schedule, context (what stages share), result
(FitResult), trainer (Trainer: orchestration only, with its Seams), preflight (before a run:
can its checkpoint and model be written, is there roughly room), parallel (SingleProcess: the
seam through which core.distributed makes a run one rank of several).
"""

from .checkpoint import (
    CHECKPOINT_VERSION,
    Checkpoint,
    CheckpointStore,
    CheckpointSummary,
    read_checkpoint_summary,
)
from .config import SCHEDULES, STRATEGIES, TrainConfig, resolve_strategy
from .loop import StepSettings, TrainStep, is_out_of_memory
from .lr_find import LrFinding, LrRange, find_learning_rate
from .plan import Plan, StageSpec, make_plan
from .preflight import check_training_outputs
from .result import FitResult, displayable_names
from .schedule import Schedule
from .trainer import Seams, Trainer

__all__ = [
    "CHECKPOINT_VERSION",
    "SCHEDULES",
    "STRATEGIES",
    "Checkpoint",
    "CheckpointStore",
    "CheckpointSummary",
    "FitResult",
    "LrFinding",
    "LrRange",
    "Plan",
    "Schedule",
    "Seams",
    "StageSpec",
    "StepSettings",
    "TrainConfig",
    "TrainStep",
    "Trainer",
    "check_training_outputs",
    "displayable_names",
    "find_learning_rate",
    "is_out_of_memory",
    "make_plan",
    "read_checkpoint_summary",
    "resolve_strategy",
]
