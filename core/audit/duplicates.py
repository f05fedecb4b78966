"""Copies in a folder: exact duplicates by content hash, near duplicates by cosine similarity of
the (centred, unit-length) embeddings, compared in blocks so memory stays bounded."""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from ..events import Cancelled, CancelToken
from ..fileio import open_for_reading

NEAR_THRESHOLD = 0.95  # cosine similarity of the embeddings; measured in docs/AUDIT.md
LAYOUT_THRESHOLD = 0.95  # correlation of the 16x16 thumbnails; measured in docs/AUDIT.md
BLOCK = 2048
MAX_PAIRS_PER_IMAGE = 5  # a folder of 1,000 near-identical frames is not 500,000 findings
CHUNK = 1 << 20


def content_hash(path: Path) -> str | None:
    """SHA-256 of the file's bytes (None when it cannot be read: the feature pass says why)."""
    digest = hashlib.sha256()
    try:
        with open_for_reading(path, "an image") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def exact_pairs(hashes: Sequence[str | None]) -> list[tuple[int, int]]:
    """(copy, first) index pairs of identical files: every later copy paired with the first."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, digest in enumerate(hashes):
        if digest is not None:
            groups[digest].append(i)
    return [(j, members[0]) for members in groups.values() for j in members[1:]]


def near_pairs(
    unit: np.ndarray,
    layout: np.ndarray,
    thresholds: tuple[float, float] = (NEAR_THRESHOLD, LAYOUT_THRESHOLD),
    cancel: CancelToken | None = None,
    max_per_image: int = MAX_PAIRS_PER_IMAGE,
) -> list[tuple[int, int, float]]:
    """(i, j, similarity) with i < j for images whose embeddings (`unit`, unit rows) reach the
    cosine similarity thresholds[0] AND whose thumbnails (`layout`, unit rows) correlate at
    least thresholds[1]: a trained backbone maps every image of a class close together, so the
    embedding alone pairs look-alikes; copies also share their layout. `similarity` is the
    embeddings'. Each image keeps its `max_per_image` most similar partners."""
    n, k = len(unit), max(1, int(max_per_image))
    # each image's k best partners so far: memory is N x k however many pairs pass (a folder of
    # near-identical frames would otherwise collect N^2 / 2 of them)
    best = torch.full((n, k), -math.inf)
    partner = torch.full((n, k), -1, dtype=torch.int64)
    for start in range(0, n, BLOCK):
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        rows = torch.from_numpy(unit[start : start + BLOCK].astype(np.float32))
        shapes = torch.from_numpy(layout[start : start + BLOCK].astype(np.float32))
        for other in range(start, n, BLOCK):
            cols = torch.from_numpy(unit[other : other + BLOCK].astype(np.float32))
            sims = rows @ cols.T
            if other == start:  # the upper triangle only: each pair once, never an image itself
                sims = torch.triu(sims, diagonal=1)
            close = sims >= thresholds[0]
            if not bool(close.any()):
                continue
            same = shapes @ torch.from_numpy(layout[other : other + BLOCK].astype(np.float32)).T
            close &= same >= thresholds[1]
            _keep_best(best, partner, start, torch.where(close, sims, -math.inf), other)
    found = torch.nonzero(torch.isfinite(best)).tolist()
    pairs = [(i, int(partner[i, c]), float(best[i, c])) for i, c in found]
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return pairs


def _keep_best(best, partner, start: int, sims, other: int) -> None:
    """Merge a block's candidate partners (`sims`, -inf where not a copy) into the running
    top-k of rows start.., keeping the most similar."""
    k = best.shape[1]
    values, columns = sims.topk(min(k, sims.shape[1]), dim=1)
    stop = start + len(sims)
    merged = torch.cat([best[start:stop], values], dim=1)
    merged_partner = torch.cat([partner[start:stop], columns + other], dim=1)
    top, where = merged.topk(k, dim=1)
    best[start:stop] = top
    partner[start:stop] = merged_partner.gather(1, where)
