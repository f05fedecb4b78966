"""core.explain: Grad-CAM for every backbone family with random weights (shape, range, the split,
class choice, caching, the peak); where a trained model's peak lands: test_localisation.py."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from core.backbones import BACKBONES, build_model, get_spec
from core.explain import GradCam, split_at_cam_layer
from core.modelfile import new_metadata
from core.predict import Classifier

sys.path.insert(0, str(Path(__file__).parent))
from shapes import image_and_mask  # noqa: E402

# one (small) member of each family, at a size where its last feature map is at least 2x2
FAMILIES = {
    "AlexNet": ("alexnet", 96, False),
    "VGG": ("vgg11", 64, False),
    "ResNet": ("resnet18", 32, True),
    "ResNet-GN": ("resnet50_gn", 64, False),
    "MobileNet": ("mobilenet_v3_small", 64, False),
    "EfficientNet": ("efficientnet_b0", 64, False),
    "ConvNeXt": ("convnext_tiny", 64, False),
}


def _classifier(name: str, size: int, small: bool, classes=("a", "b", "c")) -> Classifier:
    torch.manual_seed(0)
    spec = get_spec(name)
    model = build_model(name, len(classes), small_input=small).eval()
    metadata = new_metadata(name, classes, size, spec.mean, spec.std)
    return Classifier(model, _info(metadata, name), device=torch.device("cpu"))


def _info(metadata, name):
    from core.predict import ClassifierInfo

    return ClassifierInfo.from_metadata(metadata, name)


def test_the_representatives_cover_every_family_in_the_table():
    families = {spec.family_info.name for spec in BACKBONES}
    covered = {get_spec(name).family_info.name for name, _size, _small in FAMILIES.values()}
    assert covered == families
    assert get_spec("resnet50_gn").family_info.name == "ResNet"  # GroupNorm: its own row


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_map_for_each_family(family, tmp_path, one_thread):
    name, size, small = FAMILIES[family]
    classifier = _classifier(name, size, small)
    image, _mask = image_and_mask(0, size + size // 2, [5, 0, 0])
    path = tmp_path / "image.png"
    image.save(path)
    front, back = split_at_cam_layer(classifier.model, get_spec(name))
    x = torch.randn(1, 3, size, size).contiguous(memory_format=torch.channels_last)
    with torch.no_grad():  # the split at the table's target layer is the whole model
        assert torch.allclose(back(front(x)), classifier.model(x), atol=1e-4)
    explainer = GradCam(classifier)
    heat = explainer.explain(path)
    assert heat.cam.shape == (size, size) and heat.cam.dtype == np.float32
    assert 0.0 <= heat.cam.min() and heat.cam.max() <= 1.0
    assert heat.class_name == classifier.class_names[heat.class_index]
    x, y = heat.peak()
    assert 0 <= x <= image.width and 0 <= y <= image.height
    assert explainer.explain(path) is heat  # cached per image and model
    assert explainer.explain(path, heat.class_index) is heat
    other = explainer.explain(path, (heat.class_index + 1) % 3)
    assert other.class_index == (heat.class_index + 1) % 3
    shown = heat.overlay(image, 0.5)
    assert shown.size == image.size


@pytest.fixture(autouse=True)
def one_thread(_deterministic_torch):
    torch.set_num_threads(1)  # the shared machine's two cores are busy


def test_peak_is_the_strongest_cell_refined_between_cells():
    from core.explain import HeatMap

    grid = np.zeros((4, 4), dtype=np.float32)
    grid[1, 2], grid[1, 3], grid[0, 2], grid[2, 2] = 1.0, 0.5, 0.2, 0.2
    heat = HeatMap(cam=np.zeros((64, 64), np.float32), box=(10, 20, 74, 84), image_size=(90, 90),
                   class_index=0, class_name="a", probability=1.0, grid=grid)  # fmt: skip
    x, y = heat.peak()
    # cell (row 1, column 2) is 16 px wide; the stronger right neighbour pulls x by 1/6 cell
    assert x == pytest.approx(10 + (2 + 1 / 6 + 0.5) * 16) and y == pytest.approx(20 + 1.5 * 16)
    grid[:] = 0
    grid[0, 3] = 1.0  # a corner cell: its centre, not the image's corner
    assert heat.peak() == pytest.approx((10 + 3.5 * 16, 20 + 0.5 * 16))


def test_cam_target_counts_from_the_end_of_a_sequential():
    from torch import nn

    from core.explain import cam_target

    model = build_model("vgg11", 3)
    assert cam_target(model, "features.-2") is model.features[-2]
    assert isinstance(cam_target(model, get_spec("vgg11").family_info.cam_layer), nn.ReLU)
    assert cam_target(build_model("resnet18", 3), "layer4").__class__.__name__ == "Sequential"
