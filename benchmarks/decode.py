"""`decode`: a 12 MP JPEG to a 224 px input tensor, our loader vs plain PIL open + resize.

Ours is what prediction does for every file: `core.images.load_image(path, target_size)` (JPEG
draft decoding at a reduced DCT scale, EXIF orientation, mode conversion, bomb guard) followed by
`core.dataset.eval_transform` (short side to 256, centre crop 224, normalise). The naive side is
the blog transform: `Image.open(path).convert("RGB")`, `Resize((224, 224))`, `ToTensor`,
`Normalize`, which decodes all 12 million pixels and then shrinks them.
"""

from __future__ import annotations

import math
import statistics

import torch

from .data import PHOTOS_12MP, PHOTOS_QUICK, ensure_image_set, image_files, mean_file_mib
from .harness import RunContext, ScenarioResult, Stopwatch, alternate
from .naive import naive_decode

TARGET_SPEEDUP = 3.0


def run(ctx: RunContext) -> ScenarioResult:
    from core.backbones import get_spec
    from core.dataset import eval_transform
    from core.images import load_image

    spec_set = PHOTOS_QUICK if ctx.quick else PHOTOS_12MP
    folder = ensure_image_set(spec_set, ctx.cache_dir, ctx.log)
    files = image_files(folder)[: 6 if ctx.quick else 24]
    size = 64 if ctx.quick else 224
    backbone = get_spec("resnet18")
    transform = eval_transform(size, backbone.mean, backbone.std)
    decode_size = math.ceil(size * 8 / 7)  # what core.predict.Classifier asks the loader for

    def ours() -> float:
        with Stopwatch() as sw:
            for path in files:
                tensor = transform(load_image(path, target_size=decode_size))
        _check_tensor(tensor, size)
        return sw.seconds

    def naive() -> float:
        with Stopwatch() as sw:
            for path in files:
                tensor = naive_decode(path, size)
        _check_tensor(tensor, size)
        return sw.seconds

    ours(), naive()  # warm-up: page cache, transform set-up
    times = alternate({"ours": ours, "naive": naive}, ctx.repeats_or(5), ctx.log)

    result = ScenarioResult("decode", f"{spec_set.megapixels:.0f} MP JPEG to a {size} px tensor")
    result.params = {
        "images": len(files), "width": spec_set.width, "height": spec_set.height,
        "mean_file_mib": round(mean_file_mib(folder), 2), "size": size,
        "repeats": len(times["ours"]),
    }
    n = len(files)
    per_ours = [t / n * 1e3 for t in times["ours"]]
    per_naive = [t / n * 1e3 for t in times["naive"]]
    result.figure("ours_ms", "ours: load_image(draft) + eval_transform, per image",
                  statistics.median(per_ours), "ms")
    result.figure("naive_ms", "naive: PIL open + Resize + ToTensor, per image",
                  statistics.median(per_naive), "ms")
    result.ratio("speedup", "speed-up vs plain PIL", times["ours"], times["naive"], TARGET_SPEEDUP)
    return result


def _check_tensor(tensor: torch.Tensor, size: int) -> None:
    if tuple(tensor.shape) != (3, size, size) or not torch.isfinite(tensor).all():
        raise RuntimeError(f"decode produced {tuple(tensor.shape)}, expected (3, {size}, {size})")
