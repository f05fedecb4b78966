"""`python -m benchmarks.ood [--quick]`: which "None of these" method to use, measured.

Trains ResNet-18 from scratch on four generated demo classes (circle, square, triangle,
stripes), fits every method of core.calibration.ood on fresh validation images of those classes
(statistics from 160 training-like
images, threshold from 40 validation-like ones: 97 % of them familiar), then reports the share flagged of: new images of the same
classes (should be small), and four other generated families: colour gradients, scribbles,
uniform noise, and the four demo classes the model never saw (the hardest: same style, new
shapes). Also the share the stored policy sends to review ("Not sure" or "None of these").
Prints a table; docs/SORTING.md quotes it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from core.backbones import split_features
from core.calibration import METHODS, fit_detector
from core.dataset import scan_folder
from core.demo import make_demo_dataset, make_demo_image
from core.predict import Classifier
from core.training import TrainConfig, Trainer

TRAINED = 4


def gradient(seed: int, size: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    base = rng.uniform(0, 255, 3)
    slope = rng.uniform(1, 8, (3, 2))
    pixels = np.stack([(base[c] + xx * slope[c, 0] + yy * slope[c, 1]) % 255 for c in range(3)], -1)
    return Image.fromarray(pixels.astype(np.uint8))


def scribble(seed: int, size: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (size * 2, size * 2), tuple(int(v) for v in rng.integers(0, 256, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        points = [tuple(int(v) for v in rng.integers(0, size * 2, 2)) for _ in range(4)]
        draw.line(points, fill=tuple(int(v) for v in rng.integers(0, 256, 3)), width=3)
    return image.resize((size, size))


def noise(seed: int, size: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size, size, 3)).astype(np.uint8))


def families(size: int, count: int) -> dict[str, list[Image.Image]]:
    return {
        "same classes": [make_demo_image(i % TRAINED, size, np.random.default_rng([99, i]))
                         for i in range(count)],
        "gradients": [gradient(1000 + i, size) for i in range(count)],
        "scribbles": [scribble(2000 + i, size) for i in range(count)],
        "noise": [noise(3000 + i, size) for i in range(count)],
        "unseen demo classes": [make_demo_image(TRAINED + i % 4, size, np.random.default_rng([77, i]))
                                for i in range(count)],
    }  # fmt: skip


def outputs(classifier: Classifier, images) -> tuple[np.ndarray, np.ndarray]:
    body, head = split_features(classifier.model, classifier.backbone)
    x = torch.stack([classifier._transform(image) for image in images])
    with torch.inference_mode():
        features = body(x)
        logits = head(features)
    return features.flatten(1).numpy(), logits.numpy()


def train(folder: Path, size: int, per_class: int, epochs: int) -> Classifier:
    root = make_demo_dataset(folder / "demo", classes=TRAINED, per_class=per_class, size=size)
    config = TrainConfig(backbone="resnet18", strategy="full", pretrained=False, epochs=epochs,
                         seed=0, device="cpu", num_workers=0)  # fmt: skip
    result = Trainer(config, scan_folder(root).index).fit()
    print(result.message)
    return Classifier.from_metadata(result.model, result.metadata, device=torch.device("cpu"),
                                    name="demo")  # fmt: skip


def measure(size: int = 16, per_class: int = 40, epochs: int = 8, count: int = 100) -> list[list]:
    with tempfile.TemporaryDirectory() as tmp:
        classifier = train(Path(tmp), size, per_class, epochs)
    # as at the end of a training: statistics from training-like images, threshold from
    # validation-like ones (fresh images of the trained classes, other seeds)
    reference = [make_demo_image(i % TRAINED, size, np.random.default_rng([55, i]))
                 for i in range(TRAINED * per_class)]  # fmt: skip
    ref_features, _ = outputs(classifier, reference)
    ref_labels = np.arange(len(reference)) % TRAINED
    validation = [make_demo_image(i % TRAINED, size, np.random.default_rng([66, i]))
                  for i in range(TRAINED * per_class // 4)]  # fmt: skip
    fit_features, fit_logits = outputs(classifier, validation)
    labels = np.arange(len(validation)) % TRAINED
    sets = families(size, count)
    scored = {name: outputs(classifier, images) for name, images in sets.items()}
    rows = []
    for method in METHODS:
        detector = fit_detector(method, fit_features, fit_logits, labels, 0.97,
                                reference=(ref_features, ref_labels))
        rows.append([method] + [float(detector.unfamiliar(*scored[name]).mean()) for name in sets])
    review = [float(np.mean([p.needs_review for p in classifier.predict(images)]))
              for images in sets.values()]  # fmt: skip
    rows.append([f"review (stored: {classifier.review.detector.method})", *review])
    header = ["method", *sets]
    print("  ".join(f"{h:>20s}" for h in header))
    for row in rows:
        print(f"{row[0]:>20s}  " + "  ".join(f"{v:20.2f}" for v in row[1:]))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ood", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 epochs, 30 images per family")
    args = parser.parse_args(argv)
    torch.set_num_threads(1 if args.quick else torch.get_num_threads())
    started = time.perf_counter()
    if args.quick:
        measure(epochs=2, count=30)
    else:
        measure()
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
