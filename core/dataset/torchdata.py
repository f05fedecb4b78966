"""Transforms, the torch dataset over scanned samples and its collate function."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from core.errors import ImageLoadError
from core.images import load_image

from .cache import DecodedImageCache
from .index import Problem, Sample


def eval_transform(size: int, mean: Sequence[float], std: Sequence[float]):
    """Resize the short side to ``int(size * 8 / 7)``, center-crop ``size``, normalise."""
    from torchvision.transforms import v2

    return v2.Compose(
        [
            v2.Resize(int(size * 8 / 7), antialias=True),
            v2.CenterCrop(size),
            v2.ToImage(),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean=list(mean), std=list(std)),
        ]
    )


def train_transform(
    size: int, mean: Sequence[float], std: Sequence[float], augment: bool = True, flip: bool = True
):
    """Random resized crop (scale 0.35-1), horizontal flip (unless ``flip=False``: text, digits
    and other classes that a mirror image changes), light colour jitter, normalise.

    With ``augment=False`` this is :func:`eval_transform` (deterministic).
    """
    if not augment:
        return eval_transform(size, mean, std)
    from torchvision.transforms import v2

    return v2.Compose(
        [
            v2.RandomResizedCrop(size, scale=(0.35, 1.0), antialias=True),
            v2.RandomHorizontalFlip(0.5 if flip else 0.0),
            v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2),
            v2.ToImage(),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean=list(mean), std=list(std)),
        ]
    )


class ImageDataset(torch.utils.data.Dataset):
    """Samples -> ``(tensor, label, index)`` through the cache (or :func:`load_image`).

    A file that became unreadable since the scan (deleted, replaced by a bad file) and is not in
    the cache gives ``(Problem, label, index)``; the :class:`Problem` is also appended to
    ``.problems`` of the process that loaded it. :func:`collate_skip_missing` leaves such items
    out and hands their problems on with the batch, which is how the problems found in
    DataLoader worker processes reach the main one. Never raises for a bad file.

    ``target_size`` (without a cache): JPEG draft-decoding size, e.g. the transform's resize size.
    """

    def __init__(
        self,
        samples: Sequence[Sample],
        transform: Callable | None,
        cache: DecodedImageCache | None = None,
        target_size: int | None = None,
    ):
        self.samples = list(samples)
        self.transform = transform
        self.cache = cache
        self.target_size = target_size
        self.problems: list[Problem] = []

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int):
        sample = self.samples[index]
        try:
            if self.cache is not None:
                image = self.cache.get(sample.path)
            else:
                image = load_image(sample.path, target_size=self.target_size)
        except ImageLoadError as exc:
            problem = Problem(sample.path, exc.reason)
            self.problems.append(problem)
            return problem, sample.label, index
        tensor = self.transform(image) if self.transform is not None else image
        return tensor, sample.label, index


def collate_skip_missing(batch):
    """Collate ``(tensor, label, index)`` items, leaving out those whose file could not be read.

    Returns ``(images [N,C,H,W], labels [N] int64, indices [N] int64, problems)``: ``problems``
    holds the :class:`Problem` of each item left out, so that what a DataLoader worker process
    found reaches the main process with the batch. When every item was missing, ``images``,
    ``labels`` and ``indices`` are None (skip such a batch, but report its problems).
    """
    problems = tuple(item[0] for item in batch if isinstance(item[0], Problem))
    present = [item for item in batch if item[0] is not None and not isinstance(item[0], Problem)]
    if not present:
        return None, None, None, problems
    images = torch.stack([item[0] for item in present])
    labels = torch.tensor([item[1] for item in present], dtype=torch.int64)
    indices = torch.tensor([item[2] for item in present], dtype=torch.int64)
    return images, labels, indices, problems
