"""The data audit (Qt-free): which labels and images of a folder are suspect.

One pass of a backbone over the folder (`source.extract`, through the decoded-image cache), then
on the float16 features: out-of-sample probabilities from k-fold heads (`heads`), confident
learning (`confident`), exact and near duplicates, label conflicts and train/validation leakage
(`duplicates`), outliers, and a 2-D PCA map (`project`). `run_audit` ties them together;
docs/AUDIT.md explains the choices and the measured thresholds.
"""

from __future__ import annotations

from .confident import LabelIssues, find_label_issues
from .duplicates import NEAR_THRESHOLD, content_hash, exact_pairs, near_pairs
from .findings import KIND_TITLES, KINDS, AuditResult, Finding
from .heads import out_of_sample_probabilities
from .project import fit_pca
from .run import AuditOptions, run_audit
from .source import AuditNeedsModel, FeatureSource, choose_source, extract

__all__ = [
    "KINDS",
    "KIND_TITLES",
    "NEAR_THRESHOLD",
    "AuditNeedsModel",
    "AuditOptions",
    "AuditResult",
    "FeatureSource",
    "Finding",
    "LabelIssues",
    "choose_source",
    "content_hash",
    "exact_pairs",
    "extract",
    "find_label_issues",
    "fit_pca",
    "near_pairs",
    "out_of_sample_probabilities",
    "run_audit",
]
