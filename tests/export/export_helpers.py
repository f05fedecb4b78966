"""Helpers for the export tests: a tiny model whose answers differ from image to image (random
weights, batch-norm statistics and head centred on the images) and images in every awkward form
the loader handles."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # badfiles, icc_helpers

import badfiles as bf  # noqa: E402
import icc_helpers  # noqa: E402

INPUT_SIZE = 24  # resized to int(24 * 8 / 7) = 27, then centre-cropped: both steps matter
CLASSES = 3


def _images(folder: Path) -> torch.Tensor:
    from core.dataset import eval_transform
    from core.images import load_image

    transform = eval_transform(INPUT_SIZE, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    return torch.stack([transform(load_image(p)) for p in paths])


class TinyNet(torch.nn.Module):
    """Convolutions, batch norm, a residual add, hardswish, pooling and a linear head: the
    operators of the table's backbones in a graph that exports in a second (the dynamo ONNX
    exporter takes several seconds for a ResNet-18 on a busy CPU)."""

    def __init__(self, classes: int):
        super().__init__()
        conv = torch.nn.Conv2d
        self.stem = torch.nn.Sequential(conv(3, 8, 3, 2, 1), torch.nn.BatchNorm2d(8),
                                        torch.nn.ReLU())  # fmt: skip
        self.block = torch.nn.Sequential(conv(8, 8, 3, 1, 1), torch.nn.BatchNorm2d(8),
                                         torch.nn.Hardswish())  # fmt: skip
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(8, classes)

    def forward(self, x):
        x = self.stem(x)
        x = x + self.block(x)
        return self.fc(torch.flatten(self.pool(x), 1))


def make_model(folder: Path, backbone: str | None = None):
    """A model with varied answers (TinyNet, or ``backbone`` from the table with the small-image
    stem), and its metadata (3 classes, 24 px)."""
    from core.backbones import IMAGENET_MEAN, IMAGENET_STD, build_model, get_spec
    from core.modelfile import TrainingRecord, new_metadata

    torch.manual_seed(0)
    names = sorted(p.name for p in folder.iterdir() if p.is_dir())
    if backbone is None:
        model, head_path = TinyNet(len(names)), "fc"
    else:
        model = build_model(backbone, len(names), small_input=True)
        head_path = get_spec(backbone).head_path
    for module in model.modules():  # batch-norm statistics from the images: varied logits
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.momentum = None
    images = _images(folder)
    model.train()
    with torch.no_grad():
        model(images)
        model.eval()
        head = model.get_submodule(head_path)
        logits = model(images)  # centred per class: the answers spread over the classes
        head.weight /= logits.std(0)[:, None]
        head.bias.copy_((head.bias - logits.mean(0)) / logits.std(0))
    record = TrainingRecord(small_input=True, train_config={"seed": 0, "val_fraction": 0.2},
                            metrics={"val_accuracy": 0.5, "data_folder": str(folder)})  # fmt: skip
    metadata = new_metadata(backbone or "resnet18", names, INPUT_SIZE, IMAGENET_MEAN,
                            IMAGENET_STD, record=record)  # fmt: skip
    return model, metadata


def odd_images(folder: Path) -> list[Path]:
    """Every conversion the loader makes, one file each (plus ordinary photos)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    big = Image.fromarray(rng.integers(0, 255, (300, 420, 3), dtype=np.uint8))
    profiled = bf.noisy_image((200, 40, 40), (48, 36), seed=3)
    files = {
        "exif_rotated.jpg": bf.exif_rotated_jpeg(),
        "cmyk.jpg": bf.cmyk_jpeg(),
        "la.png": bf.la_png(),
        "palette_transparent.png": bf.p_transparent_png(),
        "rgba.png": bf.rgba_hidden_png(),
        "gray16.png": bf.gray16_png(20000),
        "animated.gif": bf.animated_gif(),
        "big_draft_decoded.jpg": bf.encode(big, "JPEG", quality=90),
        "profile_not_srgb.jpg": bf.encode(profiled, "JPEG", icc_profile=icc_helpers.rgb_profile()),
        "tall.png": bf.good_png((30, 90, 200), size=(20, 50), seed=4),
        "wide.jpg": bf.good_jpeg((220, 200, 20), size=(70, 30), seed=5),
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths
