"""Generated benchmark data: JPEG sets written once into the cache folder and reused.

The images are made to cost what camera photos cost to decode: smooth colour fields, hard-edged
shapes and sensor-like noise give ~2-3 bits per pixel at quality 90 (a 12 MP file is several
megabytes), because JPEG decode time follows the entropy-coded size, not just the pixel count.
Two classes differ in hue and shape, so a model can learn them (timing does not depend on it).

Each set lives in its own folder with a `manifest.json`; a set whose manifest does not match the
generator version and parameters, or whose files changed, is written again (atomically: into a
temporary folder that is renamed into place).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

GENERATOR_VERSION = 2
CLASSES = ("circles", "squares")


@dataclass(frozen=True)
class ImageSet:
    """A recipe: `count` JPEGs of `width` x `height`, optionally as a train/ + val/ class tree."""

    name: str
    width: int
    height: int
    count: int  # training set: train + val files together
    val_count: int = 0  # > 0: class-per-folder tree with a predefined train/ and val/ split
    quality: int = 90

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1e6


# The sets the scenarios use, full size and --quick size.
TRAIN_1080P = ImageSet("train-1080p", 1920, 1080, count=256, val_count=32)
PHOTOS_12MP = ImageSet("photos-12mp", 4000, 3000, count=200)
TRAIN_QUICK = ImageSet("train-quick", 160, 90, count=12, val_count=4)
PHOTOS_QUICK = ImageSet("photos-quick", 640, 480, count=6)


def make_image(width: int, height: int, label: int, seed: int) -> Image.Image:
    """A photo-like RGB image: smooth colour field + class shapes + fine noise; deterministic."""
    rng = np.random.default_rng(seed)
    # Smooth background: a coarse random colour grid upsampled bicubically.
    coarse = rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8)
    hue_shift = np.array([60, -20, -40] if label == 0 else [-40, -10, 60], dtype=np.int16)
    coarse = np.clip(coarse.astype(np.int16) + hue_shift, 0, 255).astype(np.uint8)
    image = Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    scale = min(width, height)
    for _ in range(12):
        r = int(scale * rng.uniform(0.04, 0.18))
        x, y = int(rng.uniform(0, width)), int(rng.uniform(0, height))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        box = (x - r, y - r, x + r, y + r)
        if label == 0:
            draw.ellipse(box, fill=colour, outline=(0, 0, 0), width=max(1, r // 10))
        else:
            draw.rectangle(box, fill=colour, outline=(255, 255, 255), width=max(1, r // 10))
    # Sensor-like noise at full resolution: what makes real photos expensive to entropy-decode.
    pixels = np.asarray(image, dtype=np.int16)
    noise = rng.normal(0.0, 7.0, size=(height, width, 1)).astype(np.int16)
    pixels = np.clip(pixels + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def _write_one(job: tuple[str, int, int, int, int, int]) -> int:
    path, width, height, label, seed, quality = job
    image = make_image(width, height, label, seed)
    exif = Image.Exif()
    exif[0x0112] = 1  # Orientation: upright, as most camera files carry it
    exif[0x010F] = "Backbone Studio benchmark"  # Make
    image.save(path, "JPEG", quality=quality, exif=exif.tobytes())
    return os.path.getsize(path)


def _layout(spec: ImageSet) -> list[tuple[str, int]]:
    """Relative file names and labels, in a fixed order."""
    files: list[tuple[str, int]] = []
    if spec.val_count:
        for part, total in (("train", spec.count - spec.val_count), ("val", spec.val_count)):
            for i in range(total):
                label = i % len(CLASSES)
                files.append((f"{part}/{CLASSES[label]}/{part}_{i:04d}.jpg", label))
    else:
        for i in range(spec.count):
            files.append((f"photo_{i:04d}.jpg", i % len(CLASSES)))
    return files


def _manifest_matches(folder: Path, spec: ImageSet) -> bool:
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("version") != GENERATOR_VERSION or manifest.get("spec") != asdict(spec):
        return False
    files = manifest.get("files", {})
    if len(files) != spec.count:
        return False
    try:
        return all((folder / rel).stat().st_size == size for rel, size in files.items())
    except OSError:
        return False


def ensure_image_set(
    spec: ImageSet, cache_dir: Path, log: Callable[[str], None] = print, workers: int | None = None
) -> Path:
    """The folder holding `spec`'s images, generating it the first time (or when it changed)."""
    folder = cache_dir / "data" / spec.name
    if _manifest_matches(folder, spec):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    log(f"  generating {spec.count} JPEGs of {spec.width}x{spec.height} into {folder} (once) ...")
    tmp = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=folder.parent))
    try:
        layout = _layout(spec)
        jobs = []
        for index, (rel, label) in enumerate(layout):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            jobs.append((str(tmp / rel), spec.width, spec.height, label, 1000 + index, spec.quality))
        workers = workers or max(1, min(len(jobs), os.cpu_count() or 1))
        if workers > 1 and spec.megapixels >= 1.0:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                sizes = list(pool.map(_write_one, jobs, chunksize=4))
        else:
            sizes = [_write_one(job) for job in jobs]
        manifest = {
            "version": GENERATOR_VERSION,
            "spec": asdict(spec),
            "files": {rel: size for (rel, _), size in zip(layout, sizes, strict=True)},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def image_files(folder: Path) -> list[Path]:
    """Every JPEG in a generated set, sorted."""
    return sorted(p for p in folder.rglob("*.jpg") if p.is_file())


def mean_file_mib(folder: Path) -> float:
    files = image_files(folder)
    return sum(p.stat().st_size for p in files) / len(files) / 2**20
