"""Demo images with the mask of the shape drawn on them (re-drawn from the same seed)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from core import demo


def image_and_mask(class_index: int, size: int, seed) -> tuple[Image.Image, np.ndarray]:
    """`make_demo_image(class_index, size, default_rng(seed))` and a bool mask of its shape:
    the same random draws in the same order, the shape drawn in white on black."""
    image = demo.make_demo_image(class_index, size, np.random.default_rng(seed))
    rng = np.random.default_rng(seed)
    big = size * demo._SUPERSAMPLE
    rng.uniform(60, 200)
    rng.uniform(-15, 15, size=3)
    rng.normal(0.0, rng.uniform(6, 20), size=(big, big, 3))
    _name, hue, draw_fn, _texture = demo._CLASSES[class_index]
    demo._colour(rng, hue)
    canvas = Image.new("RGB", (big, big))
    draw_fn(ImageDraw.Draw(canvas), rng, big, (255, 255, 255))
    mask = np.asarray(canvas.resize((size, size), Image.Resampling.BILINEAR))[..., 0] > 64
    return image, mask
