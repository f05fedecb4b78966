"""Helpers of the sorting tests: generated photos and snapshots of folders."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

CLASSES = ("apple", "banana", "cherry")
SIZE = 32


def picture(seed: int, size: int = 40) -> Image.Image:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    base = rng.uniform(0, 255, 3)
    pixels = np.stack([(base[c] + xx * (c + 1) * 3 + yy * 5 * (2 - c)) % 255 for c in range(3)], -1)
    x0, y0 = rng.integers(0, size // 2, 2)
    pixels[y0 : y0 + size // 3, x0 : x0 + size // 3] = rng.uniform(0, 255, 3)
    return Image.fromarray(pixels.astype(np.uint8))


def write_photos(folder: Path, count: int, start: int = 0, sub: str = "") -> list[Path]:
    """`count` JPEGs (different content each) under folder/sub, with old modification times."""
    target = folder / sub if sub else folder
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = target / f"photo_{i:04d}.jpg"
        picture(i).save(path, quality=90)
        os.utime(path, ns=(1_600_000_000_000_000_000 + i, 1_500_000_000_000_000_000 + i))
        paths.append(path)
    return paths


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder`: relative path -> (bytes, mtime_ns)."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }
