"""Errors a person can cause and act on. Their message is shown as-is, with no traceback."""

from __future__ import annotations

from pathlib import Path


class BackboneStudioError(Exception):
    """Base for user-actionable errors: the message says what happened and what to do."""


class ImageLoadError(BackboneStudioError):
    """An image file that cannot be read; names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class WeightsUnavailable(BackboneStudioError):
    """Pretrained weights are not in the cache and cannot be downloaded (or do not exist)."""


class DatasetError(BackboneStudioError):
    """A folder that cannot be used as a dataset (missing, too few classes, ...)."""


class ModelFileError(BackboneStudioError):
    """A model file that cannot be loaded: truncated, foreign, mismatched or unsafe."""


class TrainingError(BackboneStudioError):
    """Training could not go on (non-finite loss, out of memory at batch size 1, ...)."""


class ResumeError(BackboneStudioError):
    """A checkpoint that cannot be resumed (different data, different config, damaged)."""
