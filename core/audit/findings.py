"""What an audit found: one `Finding` per suspect image (or pair of copies), and the
`AuditResult` holding them with the embedding map."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..dataset.scan_messages import images
from . import text

KINDS = (
    "mislabelled",  # confident learning: the given label disagrees with out-of-sample probabilities
    "label_conflict",  # copies (exact or near) that sit in different classes
    "leakage",  # copies on both sides of the train / validation split
    "duplicate",  # exact copies: the same bytes
    "near_duplicate",  # re-encoded, resized or slightly cropped copies
    "outlier",  # far from every class
)
KIND_TITLES = {
    "mislabelled": "Likely mislabelled",
    "label_conflict": "Label conflicts",
    "leakage": "Train/validation leakage",
    "duplicate": "Exact duplicates",
    "near_duplicate": "Near duplicates",
    "outlier": "Outliers",
}


@dataclass(frozen=True)
class Finding:
    """One suspect. `paths[0]` is the image the finding is about; a pair finding (duplicates,
    conflicts, leakage) names the copy second. `score` is 0..1, higher is more certain or more
    severe; findings of one kind are listed by descending score."""

    kind: str
    paths: tuple[Path, ...]
    score: float
    reason: str
    label: str = ""  # the class folder of paths[0]
    suggested: str = ""  # mislabelled: the class the evidence points to; copies: the other class

    @property
    def path(self) -> Path:
        return self.paths[0]


@dataclass
class AuditResult:
    root: Path
    class_names: list[str]
    paths: list[Path]  # every audited image, in the order of the rows below
    labels: np.ndarray  # [N] int
    in_validation: np.ndarray  # [N] bool: on the validation side of the split training uses
    findings: list[Finding]
    embedding: np.ndarray  # [N, 2] float32: the 2-D map (PCA of the features)
    probabilities: np.ndarray  # [N, C] float32: out-of-sample class probabilities
    features_from: str  # which backbone gave the features, in words
    estimated_label_errors: int = 0  # confident learning's estimate for the whole folder
    near_threshold: float = 0.0
    problems: list[tuple[Path, str]] = field(default_factory=list)  # unreadable files
    excluded: int = 0  # images left out because the user excluded them
    seconds: dict[str, float] = field(default_factory=dict)  # per phase

    def by_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    def counts(self) -> dict[str, int]:
        return {kind: len(self.by_kind(kind)) for kind in KINDS}

    @property
    def leaked_validation_images(self) -> int:
        """Validation images with a copy among the training images."""
        return len({f.paths[0] for f in self.by_kind("leakage")})

    def leakage_warning(self) -> str:
        """The sentence shown next to the validation accuracy ("" when there is no leakage)."""
        leaked = self.leaked_validation_images
        if not leaked:
            return ""
        return text.leakage(leaked)

    def summary(self) -> str:
        counts = self.counts()
        warning = self.leakage_warning()
        return text.summary(images(len(self.paths)), self.features_from, counts, warning)

    def csv_rows(self) -> list[list[str]]:
        rows = [["kind", "score", "path", "other", "label", "suggested", "reason"]]
        for f in self.findings:
            other = str(f.paths[1]) if len(f.paths) > 1 else ""
            rows.append(
                [f.kind, f"{f.score:.4f}", str(f.paths[0]), other, f.label, f.suggested, f.reason]
            )
        return rows
