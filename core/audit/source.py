"""Where the audit's features come from, and the one pass of the backbone over the images.

The features are the penultimate layer: `core.backbones.split_features` splits a model into the
same frozen body the head strategy's feature pass runs (core/training/features.py) and its
head. The body comes from, in this order:

1. a trained model file (`--model M`, or the model the app has open): features that know this
   folder's classes;
2. cached ImageNet weights (the first CPU-friendly backbone whose weights are on this computer);
3. neither: `AuditNeedsModel`. Random weights would make every finding noise, and the audit says
   so rather than pretending (train a quick model first, or download weights).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..errors import BackboneStudioError
from ..events import Cancelled, CancelToken, ProgressCallback
from ..messages import define
from .duplicates import content_hash

_DATA_AUDIT_NEEDS_BACKBONE = define(
    "error.audit.data_audit_needs_backbone",
    "The data audit needs a backbone that has learned to see: give it a model trained on "
    "this folder (--model MODEL.safetensors, or train a quick model first), or put ImageNet "
    "weights on this computer (backbone-studio-cli weights download {names}). With random "
    "weights every finding would be noise.",
)
_NONE_IMAGES_COULD_READ = define(
    "error.audit.none_images_could_read",
    "None of the images could be read for the data audit.",
)


BATCH_SIZE = 64
THUMB = 16  # thumbnail side (pixels) kept per image for telling copies from look-alikes
PREFERRED = ("resnet18", "efficientnet_b0", "mobilenet_v3_large", "mobilenet_v3_small")


class AuditNeedsModel(BackboneStudioError):
    """No trained model was given and no pretrained weights are on this computer."""


@dataclass
class FeatureSource:
    body: nn.Module  # image batch -> penultimate features
    input_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    description: str  # "model shapes.safetensors (ResNet-18)"
    key: str  # identifies the weights: part of cache keys
    val_fraction: float = 0.2  # the split the model was trained with, where known
    seed: int = 0
    device: torch.device = torch.device("cpu")

    @classmethod
    def from_model(
        cls, model: nn.Module, metadata, name: str, device: torch.device | None = None
    ) -> FeatureSource:
        from ..backbones import get_spec, split_features

        spec = get_spec(metadata.backbone)
        device = device or torch.device("cpu")
        body, _head = split_features(model.eval().to(device), spec)
        config = metadata.train_config or {}
        return cls(
            body=body,
            input_size=int(metadata.input_size),
            mean=tuple(metadata.mean),
            std=tuple(metadata.std),
            description=f"model {name} ({spec.display_name})",
            key=f"{name}:{metadata.created}",
            val_fraction=float(config.get("val_fraction", 0.2) or 0.2),
            seed=int(config.get("seed", 0) or 0),
            device=device,
        )

    @classmethod
    def from_classifier(cls, classifier) -> FeatureSource:
        """From a loaded `core.predict.Classifier` (the GUI's open model)."""
        from ..modelfile import new_metadata

        metadata = classifier.metadata or new_metadata(
            classifier.backbone, classifier.class_names, classifier.input_size,
            classifier.mean, classifier.std,
        )  # fmt: skip
        return cls.from_model(classifier.model, metadata, classifier.name, classifier.device)

    @classmethod
    def from_file(cls, path: str | Path, device: str = "cpu") -> FeatureSource:
        from ..devices import resolve_device
        from ..modelfile import load_model

        target = resolve_device(device)
        model, metadata = load_model(path, device="cpu")
        return cls.from_model(model, metadata, Path(path).name, target)

    @classmethod
    def pretrained(cls, backbone: str | None = None, device: str = "cpu") -> FeatureSource:
        from ..backbones import build_model, get_spec, split_features, weights_cached
        from ..devices import resolve_device

        names = (backbone,) if backbone else PREFERRED
        for name in names:
            if weights_cached(name):
                spec = get_spec(name)
                model = build_model(name, 1000, pretrained=True).eval()
                body, _head = split_features(model.to(resolve_device(device)), spec)
                return cls(
                    body=body, input_size=spec.default_size, mean=spec.mean, std=spec.std,
                    description=f"ImageNet {spec.display_name}", key=f"imagenet:{name}",
                    device=resolve_device(device),
                )  # fmt: skip
        raise AuditNeedsModel(
            _DATA_AUDIT_NEEDS_BACKBONE(names=names[0])
        )


def choose_source(model: str | Path | None = None, device: str = "cpu") -> FeatureSource:
    """The model file when given, else cached ImageNet weights, else `AuditNeedsModel`."""
    if model is not None:
        return FeatureSource.from_file(model, device)
    return FeatureSource.pretrained(device=device)


@dataclass
class Extracted:
    features: np.ndarray  # [N, D] float16 (rows of unreadable images are zero)
    thumbnails: np.ndarray  # [N, 3 * THUMB**2] float16: the model's input, average-pooled
    readable: np.ndarray  # [N] bool
    hashes: list[str | None]
    problems: list[tuple[Path, str]]


def extract(
    source: FeatureSource,
    paths: Sequence[Path],
    cache=None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Extracted:
    """One pass of the body over `paths` (through the decoded-image cache), and the content
    hash of each file, read by two threads while the backbone runs."""
    from ..dataset import (
        DecodedImageCache,
        ImageDataset,
        Sample,
        collate_skip_missing,
        eval_transform,
    )

    if cache is None:
        cache = DecodedImageCache(short_side=math.ceil(source.input_size * 8 / 7))
    samples = [Sample(Path(p), 0) for p in paths]
    dataset = ImageDataset(samples, eval_transform(source.input_size, source.mean, source.std),
                           cache=cache)  # fmt: skip
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=BATCH_SIZE, collate_fn=collate_skip_missing, num_workers=0
    )
    features: np.ndarray | None = None
    readable = np.zeros(len(samples), dtype=bool)
    thumbnails = np.zeros((len(samples), 3 * THUMB * THUMB), dtype=np.float16)
    with ThreadPoolExecutor(2, thread_name_prefix="audit-hash") as pool:
        hashes = pool.map(content_hash, [s.path for s in samples])
        done = 0
        with torch.inference_mode():
            for images, _labels, indices, problems in loader:
                if cancel is not None and cancel.cancelled:
                    raise Cancelled()
                done += len(problems)
                if images is None:
                    continue
                out = source.body(images.to(source.device)).flatten(1).float().cpu().numpy()
                if features is None:
                    features = np.zeros((len(samples), out.shape[1]), dtype=np.float16)
                features[indices.numpy()] = np.clip(out, -6e4, 6e4).astype(np.float16)
                readable[indices.numpy()] = True
                small = torch.nn.functional.adaptive_avg_pool2d(images, THUMB).flatten(1)
                thumbnails[indices.numpy()] = small.numpy().astype(np.float16)
                done += len(indices)
                if progress is not None:
                    progress(done, len(samples))
        hashes = list(hashes)
    if features is None:
        raise BackboneStudioError(_NONE_IMAGES_COULD_READ())
    problems = [(p.path, p.reason) for p in dataset.problems]
    return Extracted(features, thumbnails, readable, hashes, problems)
