"""Grad-CAM on demo shapes, for every backbone family in the table: a model of the family's
smallest member, trained here, puts its map's peak inside the drawn shape for at least 80 % of
the images it classifies correctly (issue 12).

Each model is trained in a few seconds on one thread (tests/explain/train_back.py): the front
keeps its initial weights and runs once, the back (which holds the table's `cam_layer`) and the
head are trained on 40 images per class (circle, square, triangle), then scored through the app's
own `GradCam` on 20 other images per class. Everything is seeded; one thread.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import torch

from core.backbones import BACKBONES, build_model, get_spec
from core.dataset import eval_transform
from core.demo import CLASS_NAMES
from core.explain import GradCam
from core.modelfile import new_metadata
from core.predict import Classifier, ClassifierInfo

sys.path.insert(0, str(Path(__file__).parent))
from shapes import image_and_mask  # noqa: E402
from train_back import train_back  # noqa: E402

CLASSES = CLASS_NAMES[:3]
TRAIN_PER_CLASS, TEST_PER_CLASS = 40, 20


@dataclass(frozen=True)
class Recipe:
    backbone: str  # the family's smallest member
    size: int  # large enough for a target-layer map of at least 4x4 (ConvNeXt: 3x3)
    start: str | None = None  # trained from this part on (None: the family's `tail_start`)
    small_input: bool = False
    epochs: int = 8
    lr: float = 1e-3


RECIPES = {
    "AlexNet": Recipe("alexnet", 128),
    "VGG": Recipe("vgg11", 64, epochs=4),
    "ResNet": Recipe("resnet18", 64, small_input=True, epochs=5),
    "MobileNet": Recipe("mobilenet_v3_small", 128, start="features.4", lr=3e-3),
    "EfficientNet": Recipe("efficientnet_b0", 128, start="features.5", lr=3e-3),
    "ConvNeXt": Recipe("convnext_tiny", 96, epochs=6),
}


@cache
def _images(size: int, split: int, per_class: int):
    """[(image, mask, class)], drawn from fixed seeds: one set per size, shared by the families."""
    return [
        (*image_and_mask(k, size, [split, k, i]), k)
        for k in range(len(CLASSES))
        for i in range(per_class)
    ]


def _trained(recipe: Recipe) -> Classifier:
    torch.manual_seed(0)
    spec = get_spec(recipe.backbone)
    model = build_model(spec, len(CLASSES), small_input=recipe.small_input, stem_stride=2)
    transform = eval_transform(recipe.size, spec.mean, spec.std)
    train = _images(recipe.size, 1, TRAIN_PER_CLASS)
    x = torch.stack([transform(image) for image, _mask, _k in train])
    y = torch.tensor([k for _image, _mask, k in train])
    train_back(model, spec, recipe.start, x, y, recipe.epochs, recipe.lr)
    metadata = new_metadata(spec.name, CLASSES, recipe.size, spec.mean, spec.std)
    info = ClassifierInfo.from_metadata(metadata, spec.name)
    return Classifier(model, info, device=torch.device("cpu"))


def test_the_recipes_cover_every_family_in_the_table():
    assert {get_spec(r.backbone).family for r in RECIPES.values()} == {
        spec.family for spec in BACKBONES
    }


@pytest.mark.slow
@pytest.mark.parametrize("family", sorted(RECIPES))
def test_peak_lies_inside_the_drawn_shape(family, one_thread):
    began, cpu = time.perf_counter(), time.process_time()
    classifier = _trained(RECIPES[family])
    explainer = GradCam(classifier)
    inside = correct = 0
    for image, mask, k in _images(RECIPES[family].size, 9, TEST_PER_CLASS):
        heat = explainer.explain(image)
        if heat.class_index != k:
            continue
        correct += 1
        x, y = heat.peak()
        inside += bool(mask[min(int(y), mask.shape[0] - 1), min(int(x), mask.shape[1] - 1)])
    print(f"{family}: peak inside the shape for {inside} of {correct} correctly classified "
          f"(of {TEST_PER_CLASS * len(CLASSES)}); {time.perf_counter() - began:.1f} s, "
          f"{time.process_time() - cpu:.1f} s CPU")  # fmt: skip
    assert correct >= 0.6 * TEST_PER_CLASS * len(CLASSES)  # the model learned the shapes
    assert inside >= 0.8 * correct, (inside, correct)


@pytest.fixture
def one_thread(_deterministic_torch):
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # the shared machine's two cores are busy
    yield
    torch.set_num_threads(before)
