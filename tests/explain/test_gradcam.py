"""core.explain: Grad-CAM for every backbone family, and where its peak lands on demo shapes."""

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


@pytest.fixture(scope="module")
def shapes_model(tmp_path_factory):
    """ResNet-18 (small stem) trained on 64 px demo shapes: circle, square, triangle."""
    from core.dataset import scan_folder
    from core.demo import make_demo_dataset
    from core.training import TrainConfig, Trainer

    torch.set_num_threads(1)  # one thread: on a busy 2-core machine two spin-wait
    root = make_demo_dataset(tmp_path_factory.mktemp("cam") / "shapes", classes=3,
                             per_class=40, size=64, seed=0)  # fmt: skip
    config = TrainConfig(backbone="resnet18", strategy="full", pretrained=False, epochs=10,
                         batch_size=32, seed=0)  # fmt: skip
    result = Trainer(config, scan_folder(root).index).fit()
    assert result.outcome == "finished", result.message
    return Classifier.from_metadata(result.model, result.metadata, device=torch.device("cpu"),
                                    name="shapes")  # fmt: skip


@pytest.mark.slow
def test_peak_lies_inside_the_drawn_shape(shapes_model):
    from core.demo import CLASS_NAMES

    explainer = GradCam(shapes_model)
    inside = correct = 0
    for k in range(3):
        for i in range(20):
            image, mask = image_and_mask(k, 64, [9, k, i])
            heat = explainer.explain(image)
            if heat.class_name != CLASS_NAMES[k]:
                continue
            correct += 1
            x, y = heat.peak()
            inside += bool(mask[min(int(y), 63), min(int(x), 63)])
    assert correct >= 30  # of 60: the model learned the shapes
    print(f"peak inside the shape: {inside} of {correct} correctly classified")
    assert inside >= 0.8 * correct, (inside, correct)
