"""Projections of the features: centring and L2 normalisation (for cosine similarity), PCA
(numpy on the covariance, in row blocks so 50,000 float16 rows never become one float32 copy),
the whitened components the k-fold heads learn on, and the 2-D embedding map."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

BLOCK = 4096  # rows converted to float32 at a time
HEAD_DIMENSIONS = 64  # principal components the k-fold heads see (32-512 measured: same accuracy)
PCA_SAMPLE = 10_000  # rows the components are estimated from


@dataclass(frozen=True)
class Pca:
    mean: np.ndarray  # [D] float32
    components: np.ndarray  # [D, K] float32, by decreasing variance
    variances: np.ndarray  # [K]

    def transform(self, x: np.ndarray, k: int | None = None, whiten: bool = False) -> np.ndarray:
        comps = self.components[:, :k] if k else self.components
        out = np.empty((len(x), comps.shape[1]), dtype=np.float32)
        for start in range(0, len(x), BLOCK):
            rows = x[start : start + BLOCK].astype(np.float32) - self.mean
            out[start : start + BLOCK] = rows @ comps
        if whiten:
            out /= np.sqrt(np.maximum(self.variances[: comps.shape[1]], 1e-12))
        return out


def fit_pca(x: np.ndarray, k: int, sample: int = PCA_SAMPLE, seed: int = 0) -> Pca:
    """The top-k principal components of the rows of x (any float dtype): randomized SVD
    (torch.pca_lowrank) of at most `sample` rows; the mean is over every row."""
    n, d = x.shape
    mean = np.zeros(d, dtype=np.float64)
    for start in range(0, n, BLOCK):
        mean += x[start : start + BLOCK].astype(np.float64).sum(axis=0)
    mean = (mean / max(n, 1)).astype(np.float32)
    rows = np.random.default_rng(seed).choice(n, sample, replace=False) if n > sample else None
    chosen = (x[np.sort(rows)] if rows is not None else x).astype(np.float32)
    chosen -= mean  # in place: one float32 copy of the sample, not three
    np.nan_to_num(chosen, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    k = max(1, min(k, d, len(chosen)))
    _u, s, v = torch.pca_lowrank(torch.from_numpy(chosen), q=min(k + 8, d, len(chosen)),
                                 center=False, niter=3)  # fmt: skip
    components = v[:, :k].numpy().astype(np.float32)
    variances = (s[:k] ** 2 / max(len(chosen) - 1, 1)).numpy().astype(np.float32)
    # a deterministic sign: the largest coordinate of each component positive
    signs = np.sign(components[np.abs(components).argmax(axis=0), np.arange(components.shape[1])])
    components *= np.where(signs == 0, 1, signs)
    return Pca(mean, components, variances)


def unit_rows(x: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Rows centred on `mean` and scaled to length 1, float16 (what cosine similarity uses)."""
    out = np.empty(x.shape, dtype=np.float16)
    for start in range(0, len(x), BLOCK):
        rows = x[start : start + BLOCK].astype(np.float32) - mean
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        out[start : start + BLOCK] = rows / np.maximum(norms, 1e-12)
    return out


def thumbnail_rows(x: np.ndarray) -> np.ndarray:
    """Thumbnails (flattened) as unit rows centred on their own mean: their dot product is the
    Pearson correlation of two images' coarse layouts, blind to brightness and contrast."""
    out = np.empty(x.shape, dtype=np.float16)
    for start in range(0, len(x), BLOCK):  # in blocks: never all N thumbnails in float32
        rows = x[start : start + BLOCK].astype(np.float32)
        rows -= rows.mean(axis=1, keepdims=True)
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-6)
        out[start : start + BLOCK] = rows
    return out
