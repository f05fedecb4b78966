"""Small-image class-per-folder sets for the `budget` scenario, generated once into the cache.

- `glyphs`: MNIST-like digits 0-9, 28 px greyscale, drawn with a scalable font at random size,
  position, stroke, rotation and shear over noise; 10 balanced classes. Mirroring changes a
  digit, so these train with `flip=False`.
- `clutter`: the same digits made hard: low contrast over a textured background, fragments of
  other digits at the edges, a blotted-out patch, heavier noise. The issue's real 28 px sets
  reach about 90 % after 5 minutes, where `glyphs` reaches 99 %+ and leaves no room to show
  what more data buys; this set stands in for them in the 60,000-image target.
- `icons`: 48 px RGBA shapes (circle, square, triangle, ring, cross, dots) in random colours on
  a transparent background, sometimes with a distracting blob; 6 classes at 12:1 imbalance
  (441 / 180 / 110 / 70 / 62 / 37), the shape of small icon and sprite collections.

Each set has `train/` and `test/` with different seeds. A set is written into a temporary folder
and renamed into place with a `done` marker, so an interrupted write is redone.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core import demo

GENERATOR_VERSION = 1
ICON_COUNTS = (441, 180, 110, 70, 62, 37)
ICON_SHAPES = (demo._circle, demo._square, demo._triangle, demo._ring, demo._cross, demo._dots)
ICON_NAMES = ("circle", "square", "triangle", "ring", "cross", "dots")


@dataclass(frozen=True)
class SmallSet:
    name: str
    train_counts: tuple[int, ...]  # per class
    test_counts: tuple[int, ...]
    flip: bool  # whether a mirror image keeps the class
    size: int = 0  # image side in px (0: the generator's own)

    @property
    def train_size(self) -> int:
        return sum(self.train_counts)

    @property
    def majority_rate(self) -> float:
        return max(self.test_counts) / sum(self.test_counts)


def glyphs(per_class: int, test_per_class: int) -> SmallSet:
    return SmallSet(f"glyphs-{per_class}", (per_class,) * 10, (test_per_class,) * 10, flip=False)


def clutter(per_class: int, test_per_class: int) -> SmallSet:
    return SmallSet(f"clutter-{per_class}", (per_class,) * 10, (test_per_class,) * 10, flip=False)


def icons(scale: float = 1.0, size: int = 0) -> SmallSet:
    """`size`: other than 48 px (the icons of the budget targets), e.g. 128 px to see which
    network learns most from scratch on larger images (tools/recipe_ablation.py)."""
    train = tuple(max(2, round(c * scale)) for c in ICON_COUNTS)
    name = f"icons-{scale:g}" + (f"-{size}px" if size else "")
    return SmallSet(name, train, tuple(max(1, c * 2 // 3) for c in train), flip=True, size=size)


def glyph_image(digit: int, rng: np.random.Generator, size: int = 28) -> Image.Image:
    big = size * 4
    image = Image.new("L", (big, big), 0)
    font = ImageFont.load_default(size=int(rng.uniform(0.55, 0.85) * big))
    draw = ImageDraw.Draw(image)
    stroke = int(rng.integers(1, 6))
    box = draw.textbbox((0, 0), str(digit), font=font, stroke_width=stroke)
    w, h = box[2] - box[0], box[3] - box[1]
    x = rng.uniform(0, max(1, big - w)) - box[0]
    y = rng.uniform(0, max(1, big - h)) - box[1]
    shade = int(rng.integers(170, 256))
    draw.text((x, y), str(digit), fill=shade, font=font, stroke_width=stroke, stroke_fill=shade)
    image = image.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BILINEAR)
    shear = (1, rng.uniform(-0.3, 0.3), 0, rng.uniform(-0.2, 0.2), 1, 0)
    image = image.transform(image.size, Image.Transform.AFFINE, shear, Image.Resampling.BILINEAR)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    pixels = np.asarray(image, np.float32) + rng.normal(0, rng.uniform(5, 30), (size, size))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")


def _draw_digit(draw, digit: int, rng: np.random.Generator, big: int, shade: int, at=None) -> None:
    font = ImageFont.load_default(size=int(rng.uniform(0.55, 0.85) * big))
    stroke = int(rng.integers(1, 6))
    box = draw.textbbox((0, 0), str(digit), font=font, stroke_width=stroke)
    w, h = box[2] - box[0], box[3] - box[1]
    if at is None:
        at = (rng.uniform(0, max(1, big - w)), rng.uniform(0, max(1, big - h)))
    draw.text((at[0] - box[0], at[1] - box[1]), str(digit), fill=shade, font=font,
              stroke_width=stroke, stroke_fill=shade)  # fmt: skip


def clutter_image(digit: int, rng: np.random.Generator, size: int = 28) -> Image.Image:
    big = size * 4
    image = Image.new("L", (big, big), int(rng.integers(0, 90)))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 9))):  # background texture: faint strokes
        points = [tuple(rng.uniform(0, big, 2)) for _ in range(2)]
        draw.line(points, fill=int(rng.integers(40, 150)), width=int(rng.integers(2, 10)))
    for _ in range(int(rng.integers(1, 3))):  # fragments of other digits cut by the edges
        other = int((digit + rng.integers(1, 10)) % 10)
        side = rng.integers(4)
        pos = rng.uniform(-0.6, 0.9, 2) * big
        pos[side % 2] = (-0.55 if side < 2 else 0.8) * big
        _draw_digit(draw, other, rng, big, int(rng.integers(90, 200)), at=tuple(pos))
    _draw_digit(draw, digit, rng, big, int(rng.integers(120, 256)))
    image = image.rotate(rng.uniform(-30, 30), resample=Image.Resampling.BILINEAR)
    shear = (1, rng.uniform(-0.35, 0.35), 0, rng.uniform(-0.25, 0.25), 1, 0)
    image = image.transform(image.size, Image.Transform.AFFINE, shear, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(image)
    if rng.random() < 0.6:  # a blotted-out patch
        w, h = rng.uniform(0.2, 0.45, 2) * big
        x, y = rng.uniform(0, big - w), rng.uniform(0, big - h)
        draw.rectangle([x, y, x + w, y + h], fill=int(rng.integers(0, 140)))
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    pixels = np.asarray(image, np.float32) + rng.normal(0, rng.uniform(15, 45), (size, size))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")


def icon_image(shape: int, rng: np.random.Generator, size: int = 48) -> Image.Image:
    big = size * 2
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    colour = (*(int(c) for c in rng.integers(0, 256, 3)), 255)
    ICON_SHAPES[shape](ImageDraw.Draw(image), rng, big, colour)
    if rng.random() < 0.5:  # a small blob of another colour: something to ignore
        other = (*(int(c) for c in rng.integers(0, 256, 3)), 255)
        r = rng.uniform(0.04, 0.08) * big
        cx, cy = rng.uniform(r, big - r, 2)
        ImageDraw.Draw(image).ellipse([cx - r, cy - r, cx + r, cy + r], fill=other)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _writer(small: SmallSet) -> tuple[Callable, tuple[str, ...]]:
    if small.name.startswith("glyphs"):
        return glyph_image, tuple(str(d) for d in range(10))
    if small.name.startswith("clutter"):
        return clutter_image, tuple(str(d) for d in range(10))
    if small.size:
        return partial(icon_image, size=small.size), ICON_NAMES
    return icon_image, ICON_NAMES


def ensure_small_set(small: SmallSet, cache_dir: Path, log=print) -> Path:
    """The set's folder (with train/ and test/), written first if it is not there."""
    folder = cache_dir / f"{small.name}-v{GENERATOR_VERSION}"
    if (folder / "done").is_file():
        return folder
    log(f"writing the {small.name} set ({small.train_size} training images) once...")
    draw, names = _writer(small)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{small.name}-", dir=cache_dir))
    for part, counts, seed in (("train", small.train_counts, 0), ("test", small.test_counts, 1)):
        for label, (name, count) in enumerate(zip(names, counts, strict=False)):  # fewer classes ok
            (tmp / part / name).mkdir(parents=True)
            for i in range(count):
                image = draw(label, np.random.default_rng([seed, label, i]))
                image.save(tmp / part / name / f"{i:05d}.png")
    (tmp / "done").write_text(str(GENERATOR_VERSION))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder
