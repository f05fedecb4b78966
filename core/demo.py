"""A small generated dataset so a new user can try every feature without their own photos.

Each class is a shape or texture (circle, square, triangle, stripes, ...) drawn with random
position, size, rotation and colour over a noisy background. Class identity depends on the shape
AND on a colour tendency (each class has its own hue range), so even a linear probe on random
convolutional features separates the classes, while a real network learns the shapes too.
Everything is drawn from a seeded generator: the same seed writes the same files.
"""

from __future__ import annotations

import colorsys
import contextlib
import math
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .errors import KEPT_NOTHING_LEFT, DatasetError, DiskWriteError
from .fileio import atomic_write, write_error
from .messages import define

_DEMO_DATASET_CLASSES_ASKED = define(
    "error.demo.demo_dataset_classes_asked",
    "The demo dataset has 2 to {max_classes} classes; {classes} was asked for.",
)
_DEMO_DATASET_NEEDS_LEAST = define(
    "error.demo.demo_dataset_needs_least",
    "The demo dataset needs at least 1 image per class; got {per_class}.",
)
_DEMO_IMAGES_MUST_LEAST = define(
    "error.demo.demo_images_must_least",
    "Demo images must be at least 16 px; {size} was asked for.",
)
_FILE_CHOOSE_NEW_EMPTY = define(
    "error.demo.file_choose_new_empty",
    "{root} is a file; choose a new or empty folder for the demo data.",
)
_NOT_EMPTY_CHOOSE_NEW = define(
    "error.demo.not_empty_choose_new",
    "{root} is not empty; choose a new or empty folder for the demo data (it never writes "
    "next to existing files).",
)


_SUPERSAMPLE = 2  # draw at twice the size, then downsample: smooth edges


def _colour(rng: np.random.Generator, hue: float) -> tuple[int, int, int]:
    h = (hue + rng.uniform(-0.06, 0.06)) % 1.0
    s = rng.uniform(0.55, 1.0)
    v = rng.uniform(0.55, 1.0)
    r, g, b = colorsys.hsv_to_rgb(h, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


def _rotated(points: list[tuple[float, float]], cx: float, cy: float, angle: float):
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in points]


def _placement(rng: np.random.Generator, size: int) -> tuple[float, float, float, float]:
    radius = rng.uniform(0.22, 0.38) * size
    cx = rng.uniform(radius, size - radius)
    cy = rng.uniform(radius, size - radius)
    angle = rng.uniform(0, 2 * math.pi)
    return cx, cy, radius, angle


def _circle(draw, rng, size, colour):
    cx, cy, r, _ = _placement(rng, size)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)


def _square(draw, rng, size, colour):
    cx, cy, r, angle = _placement(rng, size)
    h = r * 0.8
    draw.polygon(_rotated([(-h, -h), (h, -h), (h, h), (-h, h)], cx, cy, angle), fill=colour)


def _triangle(draw, rng, size, colour):
    cx, cy, r, angle = _placement(rng, size)
    points = [(r * math.cos(a), r * math.sin(a)) for a in (0, 2 * math.pi / 3, 4 * math.pi / 3)]
    draw.polygon(_rotated(points, cx, cy, angle), fill=colour)


def _ring(draw, rng, size, colour):
    cx, cy, r, _ = _placement(rng, size)
    width = max(2, int(r * rng.uniform(0.25, 0.4)))
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=colour, width=width)


def _cross(draw, rng, size, colour):
    cx, cy, r, angle = _placement(rng, size)
    w = r * rng.uniform(0.22, 0.32)
    for arm in ([(-r, -w), (r, -w), (r, w), (-r, w)], [(-w, -r), (w, -r), (w, r), (-w, r)]):
        draw.polygon(_rotated(arm, cx, cy, angle), fill=colour)


def _dots(draw, rng, size, colour):
    for _ in range(int(rng.integers(5, 10))):
        r = rng.uniform(0.05, 0.09) * size
        cx, cy = rng.uniform(r, size - r, size=2)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)


def _wave_texture(kind: str) -> Callable:
    def draw_texture(image: Image.Image, rng: np.random.Generator, colour) -> Image.Image:
        size = image.width
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
        angle = rng.uniform(0, math.pi)
        period = rng.uniform(0.14, 0.22) * size
        phase = rng.uniform(0, 2 * math.pi)
        u = (xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / period + phase
        if kind == "stripes":
            mask = np.sin(u) > 0
        else:  # checker: the product of two perpendicular square waves
            v = (-xx * math.sin(angle) + yy * math.cos(angle)) * 2 * math.pi / period + phase
            mask = np.sin(u) * np.sin(v) > 0
        pixels = np.asarray(image).copy()
        pixels[mask] = colour
        return Image.fromarray(pixels)

    return draw_texture


# name -> (hue tendency, drawing function); textures take the whole image, shapes a draw handle.
_CLASSES: tuple[tuple[str, float, Callable, bool], ...] = (
    ("circle", 0.00, _circle, False),
    ("square", 0.33, _square, False),
    ("triangle", 0.62, _triangle, False),
    ("stripes", 0.14, _wave_texture("stripes"), True),
    ("ring", 0.80, _ring, False),
    ("cross", 0.50, _cross, False),
    ("checker", 0.07, _wave_texture("checker"), True),
    ("dots", 0.90, _dots, False),
)
MAX_CLASSES = len(_CLASSES)
CLASS_NAMES = tuple(name for name, *_ in _CLASSES)


def make_demo_image(class_index: int, size: int = 64, rng: np.random.Generator | None = None):
    """One generated RGB image of class `class_index` (see CLASS_NAMES)."""
    rng = rng if rng is not None else np.random.default_rng()
    _name, hue, draw_fn, is_texture = _CLASSES[class_index]
    big = size * _SUPERSAMPLE
    # a greyish background with a slight tint: the shape's colour is the image's colour cue
    background = rng.uniform(60, 200) + rng.uniform(-15, 15, size=3)
    noise = rng.normal(0.0, rng.uniform(6, 20), size=(big, big, 3))
    base = np.clip(background + noise, 0, 255).astype(np.uint8)
    image = Image.fromarray(base, "RGB")
    colour = _colour(rng, hue)
    if is_texture:
        image = draw_fn(image, rng, colour)
    else:
        draw_fn(ImageDraw.Draw(image), rng, big, colour)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    # a little sensor noise on top, so no two pixels of a flat shape are exactly equal
    pixels = np.asarray(image, dtype=np.float32) + rng.normal(0.0, 4.0, size=(size, size, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _write_class(root: Path, class_index: int, per_class: int, size: int, seed: int) -> None:
    folder = root / CLASS_NAMES[class_index]
    folder.mkdir()
    for i in range(per_class):
        rng = np.random.default_rng([seed, class_index, i])
        image = make_demo_image(class_index, size, rng)
        # through core.fileio: a refused write is a DiskWriteError, never a partial file
        target = folder / f"{CLASS_NAMES[class_index]}_{i:04d}.jpg"
        with atomic_write(target, durable=False, size_hint=size * size * 3) as handle:
            image.save(handle, "JPEG", quality=92)


def make_demo_dataset(
    root: str | Path, classes: int = 4, per_class: int = 40, size: int = 64, seed: int = 0
) -> Path:
    """Write `classes` folders of `per_class` JPEGs each under `root`; returns `root`.

    Refuses to write into a folder that already holds anything (it never mixes with user data).
    """
    root = Path(root)
    if not 2 <= classes <= MAX_CLASSES:
        raise DatasetError(
            _DEMO_DATASET_CLASSES_ASKED(max_classes=MAX_CLASSES, classes=classes)
        )
    if per_class < 1:
        raise DatasetError(_DEMO_DATASET_NEEDS_LEAST(per_class=per_class))
    if size < 16:
        raise DatasetError(_DEMO_IMAGES_MUST_LEAST(size=size))
    if root.exists():
        if not root.is_dir():
            raise DatasetError(_FILE_CHOOSE_NEW_EMPTY(root=root))
        if any(root.iterdir()):
            raise DatasetError(
                _NOT_EMPTY_CHOOSE_NEW(root=root)
            )
    created = not root.exists()
    try:
        root.mkdir(parents=True, exist_ok=True)
        for class_index in range(classes):
            _write_class(root, class_index, per_class, size, seed)
    except OSError as exc:  # take back what was written: the folder was new or empty
        for class_index in range(classes):
            shutil.rmtree(root / CLASS_NAMES[class_index], ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                root.rmdir()
        kept = KEPT_NOTHING_LEFT()
        if isinstance(exc, DiskWriteError):
            raise exc.with_kept(kept) from None
        raise write_error(root, exc, kept=kept) from None
    return root
