"""Out-of-sample class probabilities from k-fold linear heads on the cached features.

Each image's probabilities come from a softmax (multinomial logistic) head that never saw it:
the images are dealt into `folds` stratified folds, and a head is fitted on all folds but one
(full-batch L-BFGS, L2 penalty) and scores the held-out fold. On a few hundred PCA dimensions
this takes well under a second per fold for thousands of images.
"""

from __future__ import annotations

import numpy as np
import torch

from ..events import Cancelled, CancelToken
from ..training.loop import cpu_threads

FOLDS = 5
L2 = 1e-3  # weight penalty per image (features are whitened: roughly unit scale)
ITERATIONS = 40


def fold_of(labels: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    """A stratified fold number for every image (each class dealt round-robin after a shuffle)."""
    rng = np.random.default_rng(seed)
    result = np.zeros(len(labels), dtype=np.int64)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        rng.shuffle(members)
        result[members] = (np.arange(len(members)) + rng.integers(folds)) % folds
    return result


def fit_softmax(x: torch.Tensor, y: torch.Tensor, classes: int, l2: float = L2) -> torch.Tensor:
    """Weights [D+1, C] of a multinomial logistic regression (bias in the last row)."""
    x1 = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], dim=1)
    weights = torch.zeros(x1.shape[1], classes, dtype=x.dtype, requires_grad=True)
    optimizer = torch.optim.LBFGS(
        [weights], lr=1.0, max_iter=ITERATIONS, history_size=10, line_search_fn="strong_wolfe"
    )

    def closure():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(x1 @ weights, y)
        loss = loss + l2 * (weights[:-1] ** 2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return weights.detach()


def out_of_sample_probabilities(
    x: np.ndarray,
    labels: np.ndarray,
    classes: int,
    folds: int = FOLDS,
    cancel: CancelToken | None = None,
    seed: int = 0,
) -> np.ndarray:
    """[N, classes] float32: each row predicted by a head fitted without that image."""
    features = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    y = torch.from_numpy(labels.astype(np.int64))
    folds = max(2, min(folds, int(np.bincount(labels).max())))
    fold = fold_of(labels, folds, seed)
    probs = np.zeros((len(labels), classes), dtype=np.float32)
    # tiny ops: one thread (thread hand-offs cost more than the arithmetic, as for the head
    # strategy's epochs in core.training)
    with torch.enable_grad(), cpu_threads(1):
        for k in range(folds):
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            held = torch.from_numpy(fold == k)
            if not bool(held.any()):
                continue
            weights = fit_softmax(features[~held], y[~held], classes)
            x1 = torch.cat([features[held], torch.ones(int(held.sum()), 1)], dim=1)
            probs[held.numpy()] = torch.softmax(x1 @ weights, dim=1).numpy()
    return probs
