"""The end of a fit's one pass over its validation images with the best weights.

That single pass (in the plan's order, each image's probabilities kept) gives both the per-image
records of the error galleries (`core.review.ImageRecord`) and the features, logits and labels
that calibration fits on (`core.calibration.end_of_fit`), so a finished fit pays for one extra
validation, not two; a budgeted run keeps time for it (`core.training.budget.BudgetPace`).
Images that cannot be read any more are left out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import torch
from torch import nn

from ..review.records import ImageRecord, record_from_probabilities
from .context import RunContext
from .result import displayable_names

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ValidationPass:
    records: tuple[ImageRecord, ...]
    features: torch.Tensor  # [N, D] float32, on the CPU
    logits: torch.Tensor  # [N, C]
    labels: torch.Tensor  # [N]


def validation_pass(ctx: RunContext, model: nn.Module, class_names) -> ValidationPass | None:
    """Score `model` (on the run's device, eval mode) on the plan's validation samples."""
    from ..backbones import split_features
    from ..dataset import ImageDataset, collate_skip_missing, eval_transform

    plan = ctx.plan
    samples = list(plan.val_samples)
    if not samples:
        return None
    names = displayable_names(class_names)
    transform = eval_transform(plan.image_size, plan.spec.mean, plan.spec.std)
    loader = torch.utils.data.DataLoader(
        ImageDataset(samples, transform, cache=ctx.cache),
        batch_size=max(plan.batch_size, 32),
        collate_fn=collate_skip_missing,
        num_workers=0,
    )
    body, head = split_features(model, plan.spec)
    records, features, logits, labels = [], [], [], []
    model.eval()
    with torch.inference_mode(), ctx.amp():
        for images, batch_labels, indices, _problems in loader:
            if images is None:
                continue
            f = body(images.to(ctx.device))
            out = head(f).float().cpu()
            features.append(f.float().flatten(1).cpu())
            logits.append(out)
            labels.append(batch_labels.cpu())
            for i, row in zip(indices.tolist(), out.softmax(dim=1).tolist(), strict=True):
                sample = samples[i]
                records.append(
                    record_from_probabilities(str(sample.path), names[sample.label], row, names)
                )
    if not logits:
        return None
    return ValidationPass(tuple(records), torch.cat(features), torch.cat(logits), torch.cat(labels))


def final_pass(ctx: RunContext, model: nn.Module, class_names, outcome: str) -> ValidationPass | None:
    """`validation_pass` of a finished or cancelled fit's best weights; None for a failed one
    or when scoring fails (logged: the trained model matters more than its gallery)."""
    if outcome not in ("finished", "cancelled"):
        return None
    try:
        return validation_pass(ctx, model, class_names)
    except Exception:
        log.exception("could not score the validation images one by one")
        return None
