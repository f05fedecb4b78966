"""Confident learning (Northcutt, Jiang and Chuang, "Confident Learning: Estimating Uncertainty
in Dataset Labels", JAIR 2021), written from the paper.

Given out-of-sample probabilities p(y* = j | x) and the noisy (given) labels:
1. per-class thresholds t_j: the mean self-confidence p_j(x) over the images labelled j;
2. the confident joint C[i][j]: images labelled i whose probability reaches t_j for some j
   (the largest such p_j when several do) are counted in C[i][j];
3. C is calibrated so each row sums to the count of its given label, then normalised into the
   joint Q; the off-diagonal mass times N estimates how many labels are wrong;
4. label issues: the images counted off the diagonal; they are ranked by the normalised margin
   p_given(x) - max_{j != given} p_j(x) (lowest first), the paper's best-performing ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LabelIssues:
    order: np.ndarray  # indices of the flagged images, most suspect first
    suggested: np.ndarray  # [N] int: the class each image is confidently counted in (-1: none)
    margin: np.ndarray  # [N] float: normalised margin (given minus best other), -1..1
    joint: np.ndarray  # [C, C] calibrated confident joint, normalised (the estimate of Q)
    estimated_errors: int


def per_class_thresholds(labels: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """t_j: the mean probability of class j over the images labelled j (1.0 for an empty class,
    which then confidently claims nothing)."""
    classes = probs.shape[1]
    thresholds = np.ones(classes, dtype=np.float64)
    for j in range(classes):
        members = labels == j
        if members.any():
            thresholds[j] = float(probs[members, j].mean())
    return thresholds


def confident_counts(labels: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the confident joint C [C, C] of counts, the confident class of each image or -1)."""
    classes = probs.shape[1]
    thresholds = per_class_thresholds(labels, probs)
    above = probs >= thresholds[None, :] - 1e-9
    masked = np.where(above, probs, -np.inf)
    suggested = masked.argmax(axis=1)
    suggested[~above.any(axis=1)] = -1
    joint = np.zeros((classes, classes), dtype=np.int64)
    counted = suggested >= 0
    np.add.at(joint, (labels[counted], suggested[counted]), 1)
    return joint, suggested


def calibrate(joint: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Rows rescaled to the given-label counts, then the whole normalised to sum 1 (Q)."""
    counts = np.bincount(labels, minlength=joint.shape[0]).astype(np.float64)
    rows = joint.sum(axis=1, keepdims=True).astype(np.float64)
    scaled = np.divide(joint * counts[:, None], rows, out=np.zeros(joint.shape), where=rows > 0)
    total = scaled.sum()
    return scaled / total if total > 0 else scaled


def normalised_margin(labels: np.ndarray, probs: np.ndarray) -> np.ndarray:
    rows = np.arange(len(labels))
    given = probs[rows, labels]
    others = probs.copy()
    others[rows, labels] = -np.inf
    return given - others.max(axis=1)


def find_label_issues(labels: np.ndarray, probs: np.ndarray) -> LabelIssues:
    labels = np.asarray(labels, dtype=np.int64)
    probs = np.asarray(probs, dtype=np.float64)
    joint, suggested = confident_counts(labels, probs)
    q = calibrate(joint, labels)
    estimated = int(round((q.sum() - np.trace(q)) * len(labels)))
    margin = normalised_margin(labels, probs)
    flagged = np.flatnonzero((suggested >= 0) & (suggested != labels))
    order = flagged[np.argsort(margin[flagged], kind="stable")]
    return LabelIssues(order, suggested, margin, q, estimated)
