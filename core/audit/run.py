"""The data audit: one pass of the backbone, then everything else on the cached features."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..events import Cancelled, CancelToken, ProgressCallback
from ..training.loop import cpu_threads
from . import text
from .confident import find_label_issues
from .duplicates import LAYOUT_THRESHOLD, NEAR_THRESHOLD, exact_pairs, near_pairs
from .findings import AuditResult, Finding
from .heads import FOLDS, out_of_sample_probabilities
from .project import HEAD_DIMENSIONS, fit_pca, thumbnail_rows, unit_rows
from .source import FeatureSource, extract

OUTLIER_SPREAD = 4.0  # robust deviations (MAD x 1.4826) beyond a class's median distance


@dataclass(frozen=True)
class AuditOptions:
    folds: int = FOLDS
    near_threshold: float = NEAR_THRESHOLD
    layout_threshold: float = LAYOUT_THRESHOLD
    outlier_spread: float = OUTLIER_SPREAD
    val_fraction: float | None = None  # None: the model's own split settings (else 0.2, seed 0)
    seed: int | None = None
    exclude: frozenset = frozenset()  # paths the user excluded from training: left out here too


@dataclass
class _Data:
    root: Path
    class_names: list[str]
    paths: list[Path]
    labels: np.ndarray
    in_val: np.ndarray
    excluded: int


def _gather(data, source: FeatureSource, options: AuditOptions, scan_cache) -> _Data:
    """The images to audit (excluded ones left out) and which side of the split each is on."""
    from ..dataset import DatasetIndex, ScanResult, exclude_samples, scan_folder, split_index

    if isinstance(data, ScanResult):
        index = data.index
    elif isinstance(data, DatasetIndex):
        index = data
    else:
        index = scan_folder(data, cache=scan_cache).index
    index, left_out = exclude_samples(index, options.exclude)
    if index.val_samples is not None:
        train, val = list(index.samples), list(index.val_samples)
    else:
        fraction = options.val_fraction if options.val_fraction is not None else source.val_fraction
        seed = options.seed if options.seed is not None else source.seed
        train, val = split_index(index, fraction, seed)
    samples = train + val
    return _Data(
        root=Path(index.root),
        class_names=list(index.class_names),
        paths=[s.path for s in samples],
        labels=np.array([s.label for s in samples], dtype=np.int64),
        in_val=np.array([False] * len(train) + [True] * len(val), dtype=bool),
        excluded=len(left_out),
    )


def run_audit(
    data,
    source: FeatureSource,
    *,
    cache=None,
    options: AuditOptions = AuditOptions(),
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> AuditResult:
    """Audit a folder (a path, a `ScanResult` or a `DatasetIndex`) with `source`'s features.

    `options.exclude`: paths the user excluded from training (left out here too). `cache`: a
    `DecodedImageCache` to reuse (the Train page's). Raises `Cancelled` when `cancel` is set,
    `AuditNeedsModel` / other `BackboneStudioError`s for what the user can fix."""
    clock = {"start": time.perf_counter()}
    d = _gather(data, source, options, cache)
    clock["scan"] = time.perf_counter()
    got = extract(source, d.paths, cache, progress, cancel)
    clock["features"] = time.perf_counter()
    ok = np.flatnonzero(got.readable)
    paths = [d.paths[i] for i in ok]
    labels, in_val = d.labels[ok], d.in_val[ok]
    rows = _Rows(paths, labels, in_val, d.class_names)
    hashes = [got.hashes[i] for i in ok]
    everything = len(ok) == len(d.paths)  # no copy of the features when every image was read
    x = got.features if everything else got.features[ok]
    layout = thumbnail_rows(got.thumbnails if everything else got.thumbnails[ok])
    with cpu_threads(1):  # small matrices: one thread beats two that wait on each other
        findings, probs, embedding, extra = _analyse((x, layout, hashes), rows, options, cancel)
    clock["analysis"] = time.perf_counter()
    if progress is not None:
        progress(len(d.paths), len(d.paths))
    return AuditResult(
        root=d.root,
        class_names=d.class_names,
        paths=paths,
        labels=labels,
        in_validation=in_val,
        findings=findings,
        embedding=embedding,
        probabilities=probs,
        features_from=source.description,
        estimated_label_errors=extra,
        near_threshold=options.near_threshold,
        problems=got.problems,
        excluded=d.excluded,
        seconds={k: clock[k] - clock[p] for p, k in zip(
            ("start", "scan", "features"), ("scan", "features", "analysis"), strict=True)},
    )  # fmt: skip


@dataclass(frozen=True)
class _Rows:
    paths: list[Path]
    labels: np.ndarray
    in_val: np.ndarray
    names: list[str]


def _analyse(got, rows: _Rows, options: AuditOptions, cancel):
    x, layout, hashes = got
    names, labels, paths = rows.names, rows.labels, rows.paths
    k = max(2, min(HEAD_DIMENSIONS, x.shape[1], len(x) - 1))
    pca = fit_pca(x, k)
    embedding = pca.transform(x, k=2)
    _check(cancel)
    probs = out_of_sample_probabilities(
        _head_inputs(pca, x, k),
        labels,
        len(names),
        options.folds,
        cancel,
    )
    issues = find_label_issues(labels, probs)
    findings = [_mislabelled(i, issues, probs, labels, paths, names) for i in issues.order]
    _check(cancel)
    unit = unit_rows(x, pca.mean)
    copies = [(i, j, 1.0, True) for i, j in exact_pairs(hashes)]
    exact = {frozenset(p[:2]) for p in copies}
    copies += [
        (i, j, s, False)
        for i, j, s in near_pairs(
            unit, layout, (options.near_threshold, options.layout_threshold), cancel
        )
        if frozenset((i, j)) not in exact
    ]
    for i, j, similarity, identical in copies:
        findings.extend(_copy_findings((i, j), similarity, identical, rows))
    findings.extend(_outliers(unit, labels, paths, names, options.outlier_spread))
    order = {kind: n for n, kind in enumerate(("mislabelled", "label_conflict", "leakage",
                                               "duplicate", "near_duplicate", "outlier"))}  # fmt: skip
    findings.sort(key=lambda f: (order[f.kind], -f.score))
    return findings, probs, embedding, issues.estimated_errors


def _head_inputs(pca, x, k: int) -> np.ndarray:
    """The top-k components, scaled to unit mean variance (not whitened: whitening lifts the
    noise dimensions to the level of the informative ones; measured in docs/AUDIT.md)."""
    spread = float(np.clip(pca.variances, 0, None).sum()) / k
    z = pca.transform(x) / np.sqrt(max(spread, 1e-12))
    return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise Cancelled()


def _mislabelled(i, issues, probs, labels, paths, names) -> Finding:
    given, other = int(labels[i]), int(issues.suggested[i])
    return Finding(
        kind="mislabelled",
        paths=(paths[i],),
        score=float(np.clip((1.0 - issues.margin[i]) / 2.0, 0.0, 1.0)),
        reason=text.MISLABELLED(given=names[given], p_given=float(probs[i, given]),
                                other=names[other], p_other=float(probs[i, other])),  # fmt: skip
        label=names[given],
        suggested=names[other],
    )


def _copy_findings(pair, similarity, identical, rows: _Rows) -> list[Finding]:
    (i, j), labels, in_val = pair, rows.labels, rows.in_val
    paths, names = rows.paths, rows.names
    what = text.copy_what(float(similarity), identical)
    kind = "duplicate" if identical else "near_duplicate"
    a, b = names[labels[i]], names[labels[j]]
    out = [Finding(kind, (paths[i], paths[j]), float(similarity),
                   text.COPY_OF(name=paths[i].name, what=what, other=paths[j].name), a, b)]  # fmt: skip
    if labels[i] != labels[j]:
        out.append(Finding(
            "label_conflict", (paths[i], paths[j]), float(similarity),
            text.conflict(float(similarity), identical, a, b), a, b,
        ))  # fmt: skip
    if in_val[i] != in_val[j]:
        val, train = (i, j) if in_val[i] else (j, i)
        out.append(Finding(
            "leakage", (paths[val], paths[train]), float(similarity),
            text.LEAKAGE(name=paths[val].name, what=what, other=paths[train].name),
            names[labels[val]], names[labels[train]],
        ))  # fmt: skip
    return out


def _outliers(unit, labels, paths, names, spread: float) -> list[Finding]:
    """Images farther from every class centre than that class's own images usually are."""
    classes = [c for c in range(len(names)) if (labels == c).any()]
    centres = np.stack([unit[labels == c].astype(np.float32).mean(axis=0) for c in classes])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    distance = np.empty((len(unit), len(classes)), dtype=np.float32)
    for start in range(0, len(unit), 4096):  # in blocks: never all N rows in float32
        distance[start : start + 4096] = (
            1.0 - unit[start : start + 4096].astype(np.float32) @ centres.T
        )
    limits = np.zeros(len(classes), dtype=np.float32)
    for n, c in enumerate(classes):
        own = distance[labels == c, n]
        median = float(np.median(own))
        mad = float(np.median(np.abs(own - median))) * 1.4826
        limits[n] = median + spread * max(mad, 1e-3)
    ratio = distance / limits[None, :]
    nearest = ratio.argmin(axis=1)
    worst = ratio[np.arange(len(unit)), nearest]
    found = []
    for i in np.flatnonzero(worst > 1.0):
        c = classes[nearest[i]]
        found.append(Finding(
            "outlier", (paths[i],), float(1.0 - 1.0 / worst[i]),
            text.OUTLIER(distance=float(distance[i, nearest[i]]), name=names[c],
                         limit=float(limits[nearest[i]])),
            names[labels[i]], names[c],
        ))  # fmt: skip
    return found
