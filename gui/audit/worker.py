"""The audit as a job for gui.jobs: the feature source chosen and the audit run off the UI
thread (loading a model takes a moment too)."""

from __future__ import annotations

from pathlib import Path

from core.audit import AuditOptions, FeatureSource, choose_source, run_audit


def audit_folder(folder, model=None, exclude=frozenset(), *, cache=None, progress=None,
                 cancel=None):  # fmt: skip
    """`model`: a loaded Classifier, a model file path, or None (cached ImageNet weights);
    `cache`: a DecodedImageCache to reuse (the Train page's), None for a fresh one."""
    if model is None or isinstance(model, (str, Path)):
        source = choose_source(model)
    else:
        source = FeatureSource.from_classifier(model)
    options = AuditOptions(exclude=frozenset(exclude))
    return run_audit(folder, source, cache=cache, options=options, progress=progress,
                     cancel=cancel)  # fmt: skip
