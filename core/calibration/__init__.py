"""Confidence a user can trust: temperature scaling, "Not sure" and "None of these".

- `scaling.py`: `fit_temperature` (Guo et al. 2017), `expected_calibration_error`,
  `reliability_bins`.
- `review.py`: `choose_threshold` (accepted predictions >= 95 % correct on validation),
  `coverage_curve`, `threshold_for_accuracy`, `point_at`.
- `ood.py`: `OodDetector`, `fit_detector` (out-of-distribution: "None of these").
- `fit.py`: `calibrate` (all of the above from validation logits), `calibrate_run` (the
  Trainer's end-of-fit pass), `with_calibration` (into the model file's metadata).
- `policy.py`: `ReviewPolicy`, what prediction applies (from a model file's metadata);
  `verdict(prediction)` and `review_cells(prediction)`: the words screens and CSVs use.
"""

from __future__ import annotations

from .fit import Calibration, calibrate, calibrate_run, model_outputs, with_calibration
from .ood import DEFAULT_METHOD, DEFAULT_QUANTILE, METHODS, OodDetector, fit_detector
from .policy import (
    NONE_OF_THESE,
    NOT_SURE,
    REVIEW_COLUMNS,
    ReviewPolicy,
    review_cells,
    verdict,
)
from .review import (
    DEFAULT_TARGET_ACCURACY,
    CurvePoint,
    choose_threshold,
    coverage_curve,
    point_at,
    threshold_for_accuracy,
)
from .scaling import (
    ReliabilityBin,
    ece_of_logits,
    expected_calibration_error,
    fit_temperature,
    reliability_bins,
)

__all__ = [
    "DEFAULT_METHOD",
    "DEFAULT_QUANTILE",
    "DEFAULT_TARGET_ACCURACY",
    "METHODS",
    "NONE_OF_THESE",
    "NOT_SURE",
    "REVIEW_COLUMNS",
    "Calibration",
    "CurvePoint",
    "OodDetector",
    "ReliabilityBin",
    "ReviewPolicy",
    "calibrate",
    "calibrate_run",
    "choose_threshold",
    "coverage_curve",
    "ece_of_logits",
    "expected_calibration_error",
    "fit_detector",
    "fit_temperature",
    "model_outputs",
    "point_at",
    "reliability_bins",
    "review_cells",
    "threshold_for_accuracy",
    "verdict",
    "with_calibration",
]
