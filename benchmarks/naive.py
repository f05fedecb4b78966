"""The naive baselines: the plain PyTorch code a person would otherwise write.

This is the typical blog / tutorial loop, kept deliberately ordinary (it is what we compare
against, not something to optimise): `ImageFolder` + `Resize((224, 224))` + `ToTensor` +
`Normalize`, `DataLoader(batch_size=32, num_workers=0)`, Adam, the full network; the frozen
variant sets `requires_grad=False` on the backbone as in the transfer-learning tutorial (and,
like it, leaves the model in train mode, BatchNorm included); prediction goes one image at a
time through PIL and the same transforms.

The networks are built without pretrained weights (`weights=None`): nothing can be downloaded
here, and weights do not change the cost of a forward or backward pass.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torchvision
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def blog_transform(size: int = 224) -> transforms.Compose:
    return transforms.Compose(
        [
            transforms.Resize((size, size)),
            transforms.ToTensor(),
            transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD),
        ]
    )


def blog_model(arch: str, num_classes: int, freeze_backbone: bool) -> nn.Module:
    model = getattr(torchvision.models, arch)(weights=None)
    if freeze_backbone:
        for param in model.parameters():
            param.requires_grad = False
    # The tutorial's "replace the last layer" (resnets: .fc; others: the classifier's last Linear).
    if hasattr(model, "fc"):
        model.fc = nn.Linear(model.fc.in_features, num_classes)
    else:
        last = len(model.classifier) - 1
        model.classifier[last] = nn.Linear(model.classifier[last].in_features, num_classes)
    return model


@dataclass
class NaiveTrainRun:
    setup_seconds: float  # folder scan + model + optimiser
    epoch_seconds: list[float] = field(default_factory=list)  # train + validation, each epoch
    train_seconds: list[float] = field(default_factory=list)  # the training part of each epoch
    train_images: int = 0
    val_images: int = 0
    last_loss: float = float("nan")

    def total_seconds(self, epochs: int) -> float:
        """Wall time of `epochs` epochs from the measured ones.

        Every epoch of this loop does identical work (the same files decoded with the same
        deterministic transforms, the same batch shapes through the same network), so epochs
        after the first cost the same; the first one also pays one-off warm-up. With two or
        more measured epochs: setup + first + (epochs - 1) x mean(later ones). With one: setup +
        epochs x first (which overstates the baseline slightly: warm-up counted every epoch).
        """
        measured = self.epoch_seconds
        if not measured:
            raise ValueError("no epoch was measured")
        if len(measured) >= epochs:
            return self.setup_seconds + sum(measured[:epochs])
        if len(measured) == 1:
            return self.setup_seconds + epochs * measured[0]
        later = measured[1:]
        return self.setup_seconds + measured[0] + (epochs - 1) * sum(later) / len(later)


@dataclass(frozen=True)
class BlogRecipe:
    """The blog loop's fixed settings: batch size, Adam's learning rate, the seed."""

    batch_size: int = 32
    lr: float = 1e-3
    seed: int = 0


def naive_train(
    root: Path,
    *,
    epochs: int,
    freeze_backbone: bool,
    arch: str = "resnet18",
    image_size: int = 224,
    recipe: BlogRecipe = BlogRecipe(),
) -> NaiveTrainRun:
    """The blog loop over `root/train` and `root/val` (ImageFolder trees); times each epoch."""
    torch.manual_seed(recipe.seed)
    start = time.perf_counter()
    transform = blog_transform(image_size)
    train_set = datasets.ImageFolder(str(root / "train"), transform=transform)
    val_set = datasets.ImageFolder(str(root / "val"), transform=transform)
    train_loader = DataLoader(train_set, batch_size=recipe.batch_size, shuffle=True, num_workers=0)
    val_loader = DataLoader(val_set, batch_size=recipe.batch_size, shuffle=False, num_workers=0)

    model = blog_model(arch, len(train_set.classes), freeze_backbone)
    criterion = nn.CrossEntropyLoss()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=recipe.lr)
    run = NaiveTrainRun(time.perf_counter() - start, train_images=len(train_set),
                        val_images=len(val_set))

    for _epoch in range(epochs):
        epoch_start = time.perf_counter()
        model.train()
        running_loss = 0.0
        for inputs, labels in train_loader:
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item() * inputs.size(0)
        train_done = time.perf_counter()

        model.eval()
        correct = 0
        with torch.no_grad():
            for inputs, labels in val_loader:
                outputs = model(inputs)
                correct += int((outputs.argmax(1) == labels).sum())
        run.train_seconds.append(train_done - epoch_start)
        run.epoch_seconds.append(time.perf_counter() - epoch_start)
        run.last_loss = running_loss / len(train_set)
    return run


class NaivePredictor:
    """One image at a time: PIL open, the blog transforms, model(x.unsqueeze(0)), softmax."""

    def __init__(self, arch: str = "resnet18", num_classes: int = 1000, image_size: int = 224):
        self.model = getattr(torchvision.models, arch)(weights=None, num_classes=num_classes).eval()
        self.transform = blog_transform(image_size)

    def predict(self, path: Path) -> tuple[int, float]:
        image = Image.open(path).convert("RGB")
        x = self.transform(image).unsqueeze(0)
        with torch.no_grad():
            probs = torch.softmax(self.model(x), dim=1)
        confidence, index = probs.max(dim=1)
        return int(index), float(confidence)

    def predict_folder(self, paths: list[Path]) -> list[tuple[int, float]]:
        return [self.predict(p) for p in paths]


def naive_decode(path: Path, size: int = 224) -> torch.Tensor:
    """Plain PIL open + resize to a normalised tensor (the blog transforms)."""
    return _DECODE_TRANSFORMS.setdefault(size, blog_transform(size))(Image.open(path).convert("RGB"))


_DECODE_TRANSFORMS: dict[int, transforms.Compose] = {}


@dataclass
class NaiveTimedRun:
    seconds: float
    epochs: float  # whole epochs, plus the part of the last one
    test_accuracy: float


def naive_train_for(root: Path, seconds: float, image_size: int = 96,
                    recipe: BlogRecipe = BlogRecipe(batch_size=64)) -> NaiveTimedRun:  # fmt: skip
    """The classic tutorial loop run for `seconds` of wall time: ImageFolder over `root/train`,
    Resize((96, 96)) + ToTensor + Normalize, no augmentation, ResNet-18 from scratch, Adam at
    1e-3, batch 64; then the accuracy of its last weights on `root/test`."""
    torch.manual_seed(recipe.seed)
    start = time.perf_counter()
    transform = blog_transform(image_size)
    train_set = datasets.ImageFolder(str(root / "train"), transform=transform)
    test_set = datasets.ImageFolder(str(root / "test"), transform=transform)
    loader = DataLoader(train_set, batch_size=recipe.batch_size, shuffle=True, num_workers=0)
    model = blog_model("resnet18", len(train_set.classes), freeze_backbone=False)
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    criterion = nn.CrossEntropyLoss()
    epochs, batches = 0.0, len(loader)
    while time.perf_counter() - start < seconds:
        model.train()
        for done, (inputs, labels) in enumerate(loader, start=1):
            optimizer.zero_grad()
            criterion(model(inputs), labels).backward()
            optimizer.step()
            if time.perf_counter() - start >= seconds:
                epochs += done / batches
                break
        else:
            epochs += 1
    trained = time.perf_counter() - start
    model.eval()
    correct = 0
    with torch.no_grad():
        for inputs, labels in DataLoader(test_set, batch_size=128):
            correct += int((model(inputs).argmax(1) == labels).sum())
    return NaiveTimedRun(trained, epochs, correct / len(test_set))
