"""Fitting a model's calibration on its validation set, and storing it in the model file.

`calibrate(logits, labels, features)` does the maths on tensors; `calibrate_run(ctx, model,
validation)` is what the Trainer calls at the end of a fit, on its one pass over the validation
images with the best weights (core.training.records); `with_calibration(metadata, calibration)` puts the result into the metadata:
`temperature`, `review_threshold` and `ood` (what prediction needs) and `metrics["calibration"]`
(what the Results page shows: ECE before/after, reliability bins, the coverage-accuracy curve).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch

from ..messages import define
from .ood import DEFAULT_METHOD, DEFAULT_QUANTILE, fit_detector
from .review import DEFAULT_TARGET_ACCURACY, choose_threshold, coverage_curve
from .scaling import (
    DEFAULT_BINS,
    confidences_and_correct,
    expected_calibration_error,
    fit_temperature,
    reliability_bins,
)

# the training log's sentences about calibration (core.messages; the GUI renders them)
SKIPPED = define(
    "calibration.skipped",
    "Calibration skipped ({kind}: {error}); confidences are the model's own.",
)
NOT_CALIBRATED = define(
    "calibration.not_calibrated",
    "Not calibrated: {samples} validation images are too few (at least {minimum}); confidences "
    "are the model's own and nothing is marked 'Not sure'.",
)
CALIBRATED = define(
    "calibration.calibrated",
    "Calibrated on {samples} validation images: temperature {temperature:.2f}, calibration error "
    "{before:.1%} -> {after:.1%}.",
)
NOT_SURE_BELOW = define(
    "calibration.not_sure_below",
    "{calibrated} Predictions below {threshold:.0%} confidence are 'Not sure' (accepted ones were "
    "{accuracy:.0%}+ correct on validation).",
)

# Below this many validation images nothing is fitted (temperature 1, no threshold, no OOD
# check): a temperature or a 95 % threshold read from a handful of images is noise.
MIN_SAMPLES = 20
MAX_REFERENCE = 2000  # training images the end-of-fit pass reads for the OOD statistics


@dataclass(frozen=True)
class Calibration:
    temperature: float
    review_threshold: float | None
    ood: dict | None  # OodDetector.to_dict()
    report: dict  # for metrics["calibration"]


def calibrate(logits, labels, features=None, *, target: float = DEFAULT_TARGET_ACCURACY,
              ood_method: str = DEFAULT_METHOD, reference=None) -> Calibration:  # fmt: skip
    """Temperature, review threshold (accepted >= `target` correct) and OOD statistics, from
    validation outputs; `reference`: (features, labels) of training images for the OOD
    statistics (see core.calibration.ood)."""
    logits = torch.as_tensor(logits, dtype=torch.float32)
    labels = torch.as_tensor(labels, dtype=torch.long)
    if logits.shape[0] < MIN_SAMPLES:
        return Calibration(1.0, None, None, {"samples": int(logits.shape[0]), "skipped": True})
    temperature = fit_temperature(logits, labels)
    before = confidences_and_correct(logits.double().softmax(dim=1), labels)
    after = confidences_and_correct((logits.double() / temperature).softmax(dim=1), labels)
    threshold = choose_threshold(*after, target=target)
    curve = coverage_curve(*after)
    method = ood_method if features is not None or ood_method in ("energy", "msp") else "energy"
    detector = fit_detector(
        method, None if features is None else np.asarray(features, dtype=np.float32),
        logits.numpy(), labels.numpy(), DEFAULT_QUANTILE,
        reference=None if reference is None or features is None else
        (np.asarray(reference[0], dtype=np.float32), np.asarray(reference[1])),
    )  # fmt: skip
    report = {
        "samples": int(logits.shape[0]),
        "target_accuracy": target,
        "ece_before": expected_calibration_error(*before, bins=DEFAULT_BINS),
        "ece_after": expected_calibration_error(*after, bins=DEFAULT_BINS),
        "bins_before": [b.to_list() for b in reliability_bins(*before)],
        "bins_after": [b.to_list() for b in reliability_bins(*after)],
        "curve": [p.to_list() for p in curve],
        "ood_method": detector.method,
    }
    return Calibration(temperature, threshold, detector.to_dict(), report)


def with_calibration(metadata, calibration: Calibration | None):
    """The metadata with the calibration stored (unchanged for None)."""
    if calibration is None:
        return metadata
    metrics = {**metadata.metrics, "calibration": calibration.report}
    return dataclasses.replace(
        metadata,
        temperature=float(calibration.temperature),
        review_threshold=calibration.review_threshold,
        ood=calibration.ood,
        metrics=metrics,
    )


def model_outputs(body, head, batches, amp=None):
    """(features, logits, labels) of a split model over (images, labels) batches, on the CPU."""
    import contextlib

    features, logits, labels = [], [], []
    with torch.inference_mode(), (amp or contextlib.nullcontext()):
        for x, y in batches:
            f = body(x)
            features.append(f.float().flatten(1).cpu())
            logits.append(head(f).float().cpu())
            labels.append(y.cpu())
    if not logits:
        return None
    return torch.cat(features), torch.cat(logits), torch.cat(labels)


def calibrate_run(ctx, model, validation) -> Calibration | None:
    """At the end of a fit, with `model` (the best weights, on the run's device), on
    `validation`: the trainer's one end-of-fit pass over the validation images
    (core.training.records: .features, .logits, .labels). The OOD statistics take one more pass,
    over training images. None when there is nothing to fit on."""
    from ..backbones import split_features
    from ..dataset import eval_transform

    plan = ctx.plan
    if len(plan.val_samples) < MIN_SAMPLES:
        return Calibration(1.0, None, None, {"samples": len(plan.val_samples), "skipped": True})
    if validation is None:  # the pass found no readable image, or failed (logged there)
        return None
    model.eval()
    body, head = split_features(model, plan.spec)
    transform = eval_transform(plan.image_size, plan.spec.mean, plan.spec.std)
    batch = max(plan.batch_size, 32)
    features, logits, labels = validation.features, validation.logits, validation.labels
    train = list(plan.train_samples)
    # under a time budget the pass costs at most one more validation (the budget's reserve)
    most = MAX_REFERENCE if plan.time_budget is None else len(plan.val_samples)
    if len(train) > most:  # an even spread, the same every time
        train = [train[int(i * len(train) / most)] for i in range(most)]
    reference = model_outputs(body, head, ctx.device_batches(ctx.loader(train, transform, batch)),
                              ctx.amp())  # fmt: skip
    return calibrate(logits, labels, features,
                     reference=None if reference is None else (reference[0], reference[2]))


def end_of_fit(ctx, model, outcome: str, validation) -> Calibration | None:
    """The Trainer's hook: calibrate a finished fit, say what came out; never fails the fit."""
    import logging

    if outcome != "finished" or ctx is None:
        return None
    try:
        calibration = calibrate_run(ctx, model, validation)
    except Exception as exc:  # noqa: BLE001 - a model without calibration is still a model
        logging.getLogger(__name__).exception("calibration failed")
        ctx.log(SKIPPED(kind=type(exc).__name__, error=str(exc)), level="warning")
        return None
    if calibration is not None:
        ctx.log(describe(calibration))
    return calibration


def describe(calibration: Calibration) -> str:
    """One sentence for the training log."""
    report = calibration.report
    if report.get("skipped"):
        return NOT_CALIBRATED(samples=report.get("samples", 0), minimum=MIN_SAMPLES)
    text = CALIBRATED(samples=report.get("samples", 0), temperature=calibration.temperature,
                      before=report.get("ece_before", 0), after=report.get("ece_after", 0))  # fmt: skip
    if calibration.review_threshold is not None:
        text = NOT_SURE_BELOW(calibrated=text, threshold=calibration.review_threshold,
                              accuracy=report.get("target_accuracy", 0))  # fmt: skip
    return text
