"""The audit as a job for gui.jobs: the feature source chosen and the audit run off the UI
thread (loading a model takes a moment too)."""

from __future__ import annotations

from pathlib import Path

from core.audit import AuditOptions, FeatureSource, choose_source, run_audit


def audit_folder(folder, model=None, exclude=frozenset(), *, progress=None, cancel=None):
    """`model`: a loaded Classifier, a model file path, or None (cached ImageNet weights)."""
    if model is None or isinstance(model, (str, Path)):
        source = choose_source(model)
    else:
        source = FeatureSource.from_classifier(model)
    options = AuditOptions(exclude=frozenset(exclude))
    return run_audit(folder, source, options=options, progress=progress, cancel=cancel)
