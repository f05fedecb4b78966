"""Classify image files or in-memory images with a trained model or ImageNet weights.

A `Classifier` wraps an eval-mode model with the preprocessing it was trained with: the same
loader as training (`images.load_image`: EXIF orientation, colour modes, JPEG draft decoding for
big photos) and the same eval transform (`dataset.eval_transform` with the model's size, mean and
std). Prediction runs batched under `torch.inference_mode()`; a small thread pool decodes the
next batch while the current one runs through the model. A file that cannot be read becomes a
`Prediction` with `error` set, never an exception.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from PIL import Image
from torch import nn

from .calibration import ReviewPolicy
from .errors import BackboneStudioError, ImageLoadError, ModelFileError
from .events import CancelToken, ProgressCallback
from .files import expand_paths
from .messages import define
from .modelfile import ModelMetadata, load_model

IMAGENET_TITLE = "ImageNet (1000 classes)"

_TOP_K = define("error.predict.top_k", "top-k must be at least 1 (got {top_k}).")
_GPU_OOM_ONE = define(
    "error.predict.gpu_oom_one",
    "The GPU ran out of memory classifying a single image with {name}. "
    "Close other GPU programs or use the CPU (--device cpu).")  # fmt: skip


@dataclass(frozen=True)
class Prediction:
    source: str  # the file path, or a given name for an in-memory image
    label: str | None  # None when error is set
    confidence: float
    top_k: tuple[tuple[str, float], ...]
    error: str | None = None
    not_sure: bool = False  # confidence below the model's review threshold (core.calibration)
    unfamiliar: bool = False  # "None of these": unlike every class the model knows (OOD)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def needs_review(self) -> bool:
        """Not sure or unfamiliar: goes to review, never straight to a class."""
        return self.ok and (self.not_sure or self.unfamiliar)

    @property
    def flags(self) -> tuple[str, ...]:
        """The words for CSVs and manifests: "not_sure", "unfamiliar", "unreadable"."""
        if not self.ok:
            return ("unreadable",)
        return tuple(f for f, on in (("not_sure", self.not_sure), ("unfamiliar", self.unfamiliar)) if on)


@dataclass(frozen=True)
class _Prepared:
    source: str
    tensor: torch.Tensor | None
    error: str | None


@dataclass(frozen=True)
class ClassifierInfo:
    """What a `Classifier` knows about its model besides the weights."""

    name: str  # shown to a person: the model file's stem, or the ImageNet title
    backbone: str
    class_names: tuple[str, ...]  # in the order of the model's outputs
    input_size: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    metadata: ModelMetadata | None = None  # when the model came from a model file or training

    @classmethod
    def from_metadata(cls, metadata: ModelMetadata, name: str) -> ClassifierInfo:
        return cls(
            name=name,
            backbone=metadata.backbone,
            class_names=tuple(metadata.class_names),
            input_size=metadata.input_size,
            mean=tuple(metadata.mean),
            std=tuple(metadata.std),
            metadata=metadata,
        )


class Classifier:
    """A model plus its class names and preprocessing, ready to classify images."""

    def __init__(self, model: nn.Module, info: ClassifierInfo, *, device: torch.device) -> None:
        self.class_names = list(info.class_names)
        self.input_size = int(info.input_size)
        self.mean = tuple(info.mean)
        self.std = tuple(info.std)
        self.device = device
        self.name = info.name
        self.backbone = info.backbone
        self.metadata = info.metadata
        self._channels_last = device.type in ("cpu", "cuda")
        self.runtime = "torch"  # "onnxruntime" for one core.export.fast made
        model = model.eval().to(device)
        if self._channels_last:
            model = model.to(memory_format=torch.channels_last)
        self.model = model
        from .dataset import eval_transform

        self._transform = eval_transform(self.input_size, self.mean, self.std)
        # eval_transform resizes the short side to size * 8/7 before the centre crop: decode at
        # least that large, so draft decoding of big JPEGs never costs detail.
        self._decode_size = math.ceil(self.input_size * 8 / 7)
        self.review = ReviewPolicy.from_metadata(self.metadata)  # temperature, "not sure", OOD

    def __repr__(self) -> str:
        return (
            f"Classifier({self.name!r}, backbone={self.backbone!r}, "
            f"classes={len(self.class_names)}, device={self.device})"
        )

    # ------------------------------------------------------------------------------ creation

    @classmethod
    def load(cls, path: str | Path, device: str | torch.device = "auto") -> Classifier:
        """A classifier from a Backbone Studio model file (ModelFileError if it is unusable)."""
        from .devices import resolve_device

        target = resolve_device(device)
        model, metadata = load_model(path, device="cpu")
        return cls.from_metadata(model, metadata, device=target, name=Path(path).stem)

    @classmethod
    def from_metadata(
        cls, model: nn.Module, metadata: ModelMetadata, *, device: torch.device, name: str
    ) -> Classifier:
        """A classifier for a model trained here (or loaded), preprocessing from its metadata."""
        return cls(model, ClassifierInfo.from_metadata(metadata, name), device=device)

    @classmethod
    def imagenet(cls, backbone: str = "resnet18", device: str | torch.device = "auto") -> Classifier:
        """The 1000-class ImageNet classifier from cached torchvision weights.

        WeightsUnavailable when the weights are not on this computer (nothing is downloaded).
        """
        from . import backbones
        from .devices import resolve_device

        spec = backbones.get_spec(backbone)
        categories = backbones.imagenet_categories(spec)  # WeightsUnavailable if it has none
        state = backbones.cached_state_dict(spec)  # WeightsUnavailable if not cached
        with torch.device("meta"):
            model = spec.builder(weights=None)
        try:
            model.load_state_dict(state, strict=True, assign=True)
        except RuntimeError as exc:
            raise ModelFileError(
                f"The cached weights {backbones.weights_file(spec)} do not fit "
                f"{spec.display_name} ({str(exc).splitlines()[0]}). Delete the file and download "
                "or import the weights again."
            ) from None
        info = ClassifierInfo(
            name=f"{IMAGENET_TITLE} — {spec.display_name}",
            backbone=spec.name,
            class_names=tuple(categories),
            input_size=spec.default_size,
            mean=tuple(spec.mean),
            std=tuple(spec.std),
        )
        return cls(model, info, device=resolve_device(device))

    @staticmethod
    def imagenet_available(backbone: str | None = None) -> list[str]:
        """Backbones whose ImageNet weights are cached (optionally only `backbone`)."""
        from . import backbones

        specs = backbones.BACKBONES if backbone is None else (backbones.get_spec(backbone),)
        return [s.name for s in specs if s.weights is not None and backbones.weights_cached(s)]

    # ---------------------------------------------------------------------------- prediction

    def default_batch_size(self) -> int:
        return 64 if self.device.type in ("cuda", "mps") else 16

    def predict(
        self,
        items: Any,
        top_k: int = 3,
        batch_size: int | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[Prediction]:
        """Classify paths (folders recurse) and/or PIL images; one Prediction per item, in order.

        `progress(done, total)` is called after every batch. When cancelled, the predictions made
        so far are returned.
        """
        items = self._materialise(items)
        results: list[Prediction] = []
        for prediction in self.predict_iter(items, top_k, batch_size, cancel, progress=progress):
            results.append(prediction)
        return results

    def predict_iter(
        self,
        items: Any,
        top_k: int = 3,
        batch_size: int | None = None,
        cancel: CancelToken | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> Iterator[Prediction]:
        """Like `predict`, yielding each result as soon as its batch is done."""
        if top_k < 1:
            raise BackboneStudioError(_TOP_K(top_k=top_k))
        batch_size = max(1, int(batch_size or self.default_batch_size()))
        items = self._materialise(items)
        total = len(items)
        workers = max(1, min(4, (os.cpu_count() or 2)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bbs-decode")
        pending: deque[Future[_Prepared]] = deque()
        source = iter(enumerate(items))
        done = 0
        try:

            def fill() -> None:
                # Keep the current batch and the next one in flight: the pool decodes the next
                # batch while the model runs on the current one.
                while len(pending) < 2 * batch_size:
                    try:
                        index, item = next(source)
                    except StopIteration:
                        return
                    pending.append(pool.submit(self._prepare, item, index))

            fill()
            while pending:
                if cancel is not None and cancel.cancelled:
                    return
                batch = [pending.popleft().result() for _ in range(min(batch_size, len(pending)))]
                fill()
                yield from self._run_batch(batch, top_k)
                done += len(batch)
                if progress is not None:
                    progress(done, total)
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------------------- helpers

    @staticmethod
    def _materialise(items: Any) -> list[Any]:
        """A list of PIL images and file paths; a folder becomes the images inside it."""
        if isinstance(items, (str, Path, Image.Image)):
            items = [items]
        out: list[Any] = []
        for item in items:
            if isinstance(item, Image.Image):
                out.append(item)
            elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Image.Image):
                out.append(item)  # (name, image)
            elif isinstance(item, (str, os.PathLike)) and Path(item).is_dir():
                out.extend(expand_paths([item]))
            else:
                out.append(item)
        return out

    def _prepare(self, item: Any, index: int) -> _Prepared:
        """Decode and transform one item (runs on the pool); errors become an error result."""
        from . import images

        if isinstance(item, tuple):
            name, image = str(item[0]), item[1]
        elif isinstance(item, Image.Image):
            name = getattr(item, "filename", "") or f"image {index + 1}"
            image = item
        else:
            name, image = str(item), None
        try:
            if image is None:
                image = images.load_image(item, target_size=self._decode_size)
            else:
                image = images.to_rgb(image, name=name)
            tensor = self._transform(image)
        except ImageLoadError as exc:
            return _Prepared(name, None, exc.reason)
        except BackboneStudioError as exc:
            return _Prepared(name, None, str(exc))
        except Exception as exc:  # noqa: BLE001 - one bad file must never stop the others
            return _Prepared(name, None, f"cannot read this image ({type(exc).__name__}: {exc})")
        return _Prepared(name, tensor, None)

    def _run_batch(self, batch: list[_Prepared], top_k: int) -> list[Prediction]:
        good = [p for p in batch if p.tensor is not None]
        probabilities, flags = (
            self._probabilities(torch.stack([p.tensor for p in good])) if good else (None, None)
        )
        k = min(top_k, len(self.class_names))
        out: list[Prediction] = []
        row = 0
        for prepared in batch:
            if prepared.tensor is None:
                out.append(Prediction(prepared.source, None, 0.0, (), prepared.error))
                continue
            values, indices = probabilities[row].topk(k)
            not_sure, unfamiliar = flags[row].tolist()
            row += 1
            ranked = tuple(
                (self.class_names[i], float(v)) for v, i in zip(values.tolist(), indices.tolist(), strict=True)
            )
            out.append(Prediction(prepared.source, ranked[0][0], ranked[0][1], ranked,
                                  not_sure=bool(not_sure), unfamiliar=bool(unfamiliar)))  # fmt: skip
        return out

    def _probabilities(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Calibrated softmax probabilities on the CPU, fp32, and per row the review flags
        (not sure, unfamiliar) as an [N, 2] bool tensor; halves the batch on CUDA out-of-memory."""
        try:
            with torch.inference_mode():
                x = batch.to(self.device, non_blocking=True)
                if self._channels_last:
                    x = x.contiguous(memory_format=torch.channels_last)
                features = None
                with self._autocast():
                    if self.review.needs_features:
                        logits, features = self._logits_and_features(x)
                    else:
                        logits = self.model(x)
                logits = logits.float().cpu()
                probabilities = self.review.probabilities(logits)
                not_sure, unfamiliar = self.review.judge(probabilities, logits, features)
                return probabilities, torch.tensor([not_sure, unfamiliar], dtype=torch.bool).T
        except torch.cuda.OutOfMemoryError:
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
            if len(batch) == 1:
                raise BackboneStudioError(_GPU_OOM_ONE(name=self.name)) from None
            half = len(batch) // 2
            first, second = self._probabilities(batch[:half]), self._probabilities(batch[half:])
            return torch.cat([first[0], second[0]]), torch.cat([first[1], second[1]])

    def _logits_and_features(self, x: torch.Tensor):
        """(logits, penultimate features): from the model itself when it can give both at once
        (an ONNX Runtime model, core.export.fast), else through its body and head."""
        both = getattr(self.model, "logits_and_features", None)
        if both is not None:
            return both(x)
        body, head = self._split()
        features = body(x)
        return head(features), features

    def _split(self):
        """(body, head) of the model, for the penultimate features the OOD check reads."""
        if getattr(self, "_parts", None) is None:
            from .backbones import split_features

            self._parts = split_features(self.model, self.backbone)
        return self._parts

    def _autocast(self):
        if self.device.type != "cuda":
            return contextlib.nullcontext()
        from .devices import autocast_dtype

        dtype = autocast_dtype(self.device)
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast("cuda", dtype=dtype)
