"""`predict-folder` and `predict-latency`: classifying 12 MP photos with `core.predict.Classifier`.

Ours is the app's classifier exactly as the Classify page and `backbone-studio-cli predict` use
it: the ImageNet ResNet-18 (random-init weights in a private hub cache, see `weights.py`), draft
decoding in a thread pool overlapping the forward passes, batches, channels_last. The naive side
is the blog's one-image-at-a-time loop: PIL open, `Resize((224, 224))` + `ToTensor` +
`Normalize`, `model(x.unsqueeze(0))`, softmax.
"""

from __future__ import annotations

import statistics

import torch

from .data import PHOTOS_12MP, PHOTOS_QUICK, ensure_image_set, image_files, mean_file_mib
from .harness import RunContext, ScenarioResult, Stopwatch, Target, alternate
from .naive import NaivePredictor
from .weights import private_weights

FOLDER_TARGET_SPEEDUP = 3.0
LATENCY_TARGET_MS = 150.0
BACKBONE = "resnet18"


def _forward_flops(model: torch.nn.Module, size: int) -> float:
    """FLOPs (2 x multiply-accumulates) of one image's forward pass, counted by torch."""
    from torch.utils.flop_counter import FlopCounterMode

    was_training = model.training
    model.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, size, size))
    model.train(was_training)
    return float(counter.get_total_flops())


def _classifier(ctx: RunContext):
    from core.predict import Classifier

    with private_weights(ctx.cache_dir, BACKBONE):
        return Classifier.imagenet(BACKBONE, device="cpu")


def _check(predictions, count: int) -> None:
    errors = [p for p in predictions if p.error]
    if len(predictions) != count or errors:
        raise RuntimeError(
            f"classifier returned {len(predictions)} predictions for {count} images"
            + (f"; first error: {errors[0].source}: {errors[0].error}" if errors else "")
        )


def run_folder(ctx: RunContext) -> ScenarioResult:
    spec_set = PHOTOS_QUICK if ctx.quick else PHOTOS_12MP
    folder = ensure_image_set(spec_set, ctx.cache_dir, ctx.log)
    files = image_files(folder)
    classifier = _classifier(ctx)
    size = classifier.input_size
    naive = NaivePredictor(BACKBONE, num_classes=len(classifier.class_names), image_size=size)

    def ours() -> float:
        with Stopwatch() as sw:
            predictions = classifier.predict(folder)  # the folder, as the app and CLI pass it
        _check(predictions, len(files))
        return sw.seconds

    def baseline() -> float:
        with Stopwatch() as sw:
            results = naive.predict_folder(files)
        if len(results) != len(files):
            raise RuntimeError("naive loop lost images")
        return sw.seconds

    # Warm-up on a few files (oneDNN primitives, page cache), not timed.
    _check(classifier.predict(files[:2]), 2)
    naive.predict_folder(files[:2])
    times = alternate({"ours": ours, "naive": baseline}, ctx.repeats_or(2), ctx.log)

    n = len(files)
    result = ScenarioResult("predict-folder", f"classify a folder of {n} {spec_set.megapixels:.0f} MP JPEGs")
    result.params = {
        "images": n, "width": spec_set.width, "height": spec_set.height,
        "mean_file_mib": round(mean_file_mib(folder), 2), "backbone": BACKBONE,
        "input_size": size, "batch_size": classifier.default_batch_size(),
        "repeats": len(times["ours"]), "weights": "random init (weights do not change the cost)",
    }
    ours_s = statistics.median(times["ours"])
    naive_s = statistics.median(times["naive"])
    result.figure("ours_s", "ours: Classifier.predict(folder)", ours_s, "s")
    result.figure("naive_s", "naive: one image at a time", naive_s, "s")
    result.figure("ours_images_per_s", "ours: throughput", n / ours_s, "images/s")
    result.figure("naive_images_per_s", "naive: throughput", n / naive_s, "images/s")
    flops = _forward_flops(naive.model, size)
    result.figure("forward_gflops", "ours: forward GFLOP/s achieved (decode included)",
                  n * flops / ours_s / 1e9, "GFLOP/s")
    result.figure("fraction_of_peak", "ours: % of fp32 matmul peak", 100 * n * flops / ours_s / 1e9
                  / ctx.peak_gflops(), "%")
    result.ratio("speedup", "speed-up vs naive one-at-a-time", times["ours"], times["naive"],
                 FOLDER_TARGET_SPEEDUP)
    return result


def run_latency(ctx: RunContext) -> ScenarioResult:
    spec_set = PHOTOS_QUICK if ctx.quick else PHOTOS_12MP
    folder = ensure_image_set(spec_set, ctx.cache_dir, ctx.log)
    files = image_files(folder)
    classifier = _classifier(ctx)
    naive = NaivePredictor(BACKBONE, num_classes=len(classifier.class_names),
                           image_size=classifier.input_size)
    repeats = 3 if ctx.quick else max(3, ctx.repeats or 15)
    # A different photo each time (as in use); each is read once before so the page cache is
    # warm for both sides: we measure decode + preprocess + forward, not the disk.
    photos = [files[i % len(files)] for i in range(repeats)]
    for path in photos[:2]:
        _check(classifier.predict([path]), 1)
        naive.predict(path)

    ours_ms: list[float] = []
    naive_ms: list[float] = []
    for i, path in enumerate(photos):
        order = ("ours", "naive") if i % 2 == 0 else ("naive", "ours")
        for side in order:
            with Stopwatch() as sw:
                if side == "ours":
                    predictions = classifier.predict([path])
                else:
                    naive.predict(path)
            if side == "ours":
                _check(predictions, 1)
                ours_ms.append(sw.seconds * 1e3)
            else:
                naive_ms.append(sw.seconds * 1e3)
        ctx.log(f"    repeat {i + 1}/{repeats}: ours {ours_ms[-1]:.1f} ms, naive {naive_ms[-1]:.1f} ms")

    result = ScenarioResult("predict-latency",
                            f"one dropped {spec_set.megapixels:.0f} MP photo to a result")
    result.params = {"repeats": repeats, "width": spec_set.width, "height": spec_set.height,
                     "backbone": BACKBONE, "input_size": classifier.input_size}
    result.figure("ours_p90_ms", "ours: 90th percentile",
                  statistics.quantiles(ours_ms, n=10)[-1] if len(ours_ms) >= 2 else ours_ms[0], "ms")
    result.figure("naive_ms", "naive: PIL + transforms + forward, median", statistics.median(naive_ms), "ms")
    result.ratio("speedup", "speed-up vs naive", ours_ms, naive_ms)
    result.check("latency_ms", "ours: load + preprocess + forward, median",
                 statistics.median(ours_ms), Target("<=", LATENCY_TARGET_MS, "ms"), ours_ms)
    return result
