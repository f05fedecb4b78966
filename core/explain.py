"""Grad-CAM heat maps: which part of an image made the model choose a class.

Selvaraju et al. 2017: the gradients of the class score with respect to the last convolutional
feature map, averaged over space, weight that map's channels; their ReLU'd sum is the map. The
target layer is the backbone table's one column `Family.cam_layer` (no branching on names).

Written as a few dozen lines rather than taken from `pytorch-grad-cam`: that package pulls in
opencv-python, matplotlib, scikit-learn, scipy and ttach (well over 100 MB in the bundle) for
what is here a split of the model at the target layer. The split also keeps the cost down: the
part before the target runs once without autograd, and only the few layers after it (pooling
and the head) are differentiated, so a map costs about one forward pass (benchmarks `audit`).
"""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

CACHE_SIZE = 64  # heat maps kept per explainer (per model)


@dataclass(frozen=True)
class HeatMap:
    cam: np.ndarray  # [size, size] float32 in 0..1, over the model's centre crop
    box: tuple[int, int, int, int]  # that crop in the original image (left, top, right, bottom)
    image_size: tuple[int, int]  # the original image's (width, height)
    class_index: int
    class_name: str
    probability: float
    grid: np.ndarray | None = None  # the map at the target layer's own resolution (h x w)

    def peak(self) -> tuple[float, float]:
        """(x, y) of the map's maximum in the original image's pixels.

        Found on the target layer's own cells (`grid`; the upsampled `cam` is flat over an edge
        cell's outer half, so its argmax would be the image's border rather than the cell),
        then refined between cells by a parabola through the strongest cell and its two
        neighbours on each axis (as heat-map keypoint detectors do): a 4x4 map otherwise only
        says which quarter of the image holds the peak.
        """
        cells = self.grid if self.grid is not None else self.cam
        y, x = np.unravel_index(int(cells.argmax()), cells.shape)
        fy = y + _parabola_offset(cells[:, x], y)
        fx = x + _parabola_offset(cells[y, :], x)
        left, top, right, bottom = self.box
        return (
            float(left + (fx + 0.5) * (right - left) / cells.shape[1]),
            float(top + (fy + 0.5) * (bottom - top) / cells.shape[0]),
        )

    def overlay(self, image: Image.Image, opacity: float = 0.5) -> Image.Image:
        """`image` (RGB, the original) with the map blended over the crop it covers."""
        image = image.convert("RGB")
        scale = image.width / self.image_size[0]
        box = tuple(int(round(v * scale)) for v in self.box)
        width, height = max(1, box[2] - box[0]), max(1, box[3] - box[1])
        cam = Image.fromarray((self.cam * 255).astype(np.uint8)).resize(
            (width, height), Image.Resampling.BILINEAR
        )
        colours = Image.fromarray(_colour_map(np.asarray(cam, dtype=np.float32) / 255.0))
        region = image.crop(box)
        blended = Image.blend(region, colours.resize(region.size), float(np.clip(opacity, 0, 1)))
        out = image.copy()
        out.paste(blended, box[:2])
        return out


def _parabola_offset(line: np.ndarray, i: int) -> float:
    """Where the parabola through line[i-1], line[i], line[i+1] peaks, relative to i (-0.5..0.5;
    0 at either end of the line or where the three values are flat)."""
    if not 0 < i < len(line) - 1:
        return 0.0
    before, here, after = float(line[i - 1]), float(line[i]), float(line[i + 1])
    curvature = before - 2 * here + after
    if curvature >= 0:
        return 0.0
    return float(np.clip(0.5 * (before - after) / curvature, -0.5, 0.5))


def _colour_map(values: np.ndarray) -> np.ndarray:
    """0..1 -> a black-red-yellow-white ramp (uint8 RGB)."""
    rgb = np.stack([values * 3, values * 3 - 1, values * 3 - 2], axis=-1)
    return (np.clip(rgb, 0, 1) * 255).astype(np.uint8)


def cam_target(model: nn.Module, path: str) -> nn.Module:
    """The module at `path` ("layer4", "features.-2": dotted names; an integer, negative
    counting from the end, indexes a Sequential)."""
    module = model
    for name in path.split("."):
        if name.lstrip("-").isdigit() and isinstance(module, (nn.Sequential, nn.ModuleList)):
            module = module[int(name)]
        else:
            module = getattr(module, name)
    return module


def split_at_cam_layer(model: nn.Module, spec) -> tuple[nn.Sequential, nn.Sequential]:
    """(front, back): front(x) is the target layer's output, back(front(x)) the logits."""
    parts = spec.family_info.parts(model)
    target = set(cam_target(model, spec.family_info.cam_layer).modules())
    last = max(i for i, part in enumerate(parts) if part in target)
    return nn.Sequential(*parts[: last + 1]), nn.Sequential(*parts[last + 1 :])


class GradCam:
    """Heat maps for one model; cached per image (path, size, mtime) and class."""

    def __init__(self, classifier, key: str = ""):
        from .backbones import get_spec
        from .dataset import eval_transform

        self.classifier = classifier
        self.front, self.back = split_at_cam_layer(classifier.model, get_spec(classifier.backbone))
        self.transform = eval_transform(classifier.input_size, classifier.mean, classifier.std)
        self.key = key or f"{classifier.name}:{id(classifier.model)}"
        self._cache: OrderedDict[tuple, HeatMap] = OrderedDict()

    def explain(self, image: str | Path | Image.Image, class_index: int | None = None) -> HeatMap:
        """The map for `class_index` (None: the predicted class). ImageLoadError for a bad file."""
        key = self._cache_key(image, class_index)
        if key is not None and key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        heat = self._compute(self._load(image), class_index)
        if key is not None:
            self._cache[key] = heat
            if class_index is None:  # the predicted class's map is also that class's map
                self._cache[key[:-1] + (heat.class_index,)] = heat
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return heat

    def _cache_key(self, image, class_index) -> tuple | None:
        if isinstance(image, Image.Image):
            return None
        try:
            st = os.stat(image)
        except OSError:
            return None
        return (self.key, os.path.realpath(image), st.st_size, st.st_mtime_ns, class_index)

    def _load(self, image) -> Image.Image:
        from .images import load_image, to_rgb

        if isinstance(image, Image.Image):
            return to_rgb(image)
        return load_image(image, target_size=math.ceil(self.classifier.input_size * 8 / 7))

    def _compute(self, image: Image.Image, class_index: int | None) -> HeatMap:
        size = self.classifier.input_size
        x = self.transform(image).unsqueeze(0).to(self.classifier.device)
        with torch.no_grad():
            features = self.front(x).float()
        features.requires_grad_(True)
        with torch.enable_grad():
            logits = self.back(features).float()
            chosen = int(logits.argmax(1)) if class_index is None else int(class_index)
            (grads,) = torch.autograd.grad(logits[0, chosen], features)
        weights = grads.mean(dim=(2, 3), keepdim=True)
        cam = torch.relu((weights * features.detach()).sum(dim=1, keepdim=True))
        grid = cam[0, 0].cpu().numpy().astype(np.float32)
        cam = nn.functional.interpolate(
            cam, size=(size, size), mode="bilinear", align_corners=False
        )
        cam = cam[0, 0]
        cam = (cam / cam.max()) if float(cam.max()) > 0 else cam
        probability = float(torch.softmax(logits.detach(), dim=1)[0, chosen])
        return HeatMap(
            cam=cam.cpu().numpy().astype(np.float32),
            box=_crop_box(image.size, size),
            image_size=image.size,
            class_index=chosen,
            class_name=self.classifier.class_names[chosen],
            probability=probability,
            grid=grid,
        )


def _crop_box(image_size: tuple[int, int], size: int) -> tuple[int, int, int, int]:
    """The centre crop eval_transform takes, in the original image's pixels."""
    width, height = image_size
    side = size / (int(size * 8 / 7) / min(width, height))
    left, top = (width - side) / 2, (height - side) / 2
    return (round(left), round(top), round(left + side), round(top + side))
